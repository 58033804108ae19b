//! `GET /openapi.json`: an OpenAPI 3.1 description of the public API, built
//! from the same parameter tables the parser uses, so it cannot drift.

use super::Context;
use crate::http::response::{Body, full};
use crate::query::Sort;
use crate::query::params::{FILTER_PARAMETERS, JOB_FIELDS, LIST_PARAMETERS};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response};
use serde_json::{Value, json};

pub fn serve(_context: &Context, _request: &Request<Incoming>) -> Response<Body> {
    let mut response = Response::new(full(document().to_string()));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The schema and description of one `/jobs` parameter.
fn parameter(name: &str) -> Value {
    let (schema, description) = match name {
        "q" => (
            json!({"type": "string", "maxLength": 256}),
            "Full-text search over title, description, skills and tags: words are ANDed, \"exact phrase\", -exclude, a OR b, prefix*.",
        ),
        "limit" => (json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 20}), "Page size."),
        "offset" => (
            json!({"type": "integer", "minimum": 0, "maximum": 10000, "default": 0}),
            "Rows to skip (not with cursor).",
        ),
        "cursor" => (json!({"type": "string"}), "The previous page's next_cursor."),
        "sort" => (
            json!({"type": "string", "enum": Sort::ALL.iter().map(|(name, _)| *name).collect::<Vec<_>>(), "default": "posted_on_desc"}),
            "Order of results; relevance needs q.",
        ),
        "fields" => (json!({"type": "string"}), "Comma list of top-level fields to return (id is always included)."),
        "include_total" => (json!({"type": "boolean"}), "Add total, the exact number of matches."),
        "job_type" => {
            (json!({"type": "string", "enum": ["1", "2", "hourly", "fixed", "fixed-price"]}), "1/hourly or 2/fixed.")
        }
        "status" => (json!({"type": "string", "enum": ["1", "2", "open", "closed"]}), "1/open or 2/closed."),
        "contractor_tier" => (json!({"type": "string"}), "Comma list of 1,2,3 or entry,intermediate,expert."),
        "payment_verified" | "include_total_flag" => (json!({"type": "boolean"}), "true or false."),
        "country" | "exclude_country" => {
            (json!({"type": "string"}), "Comma list of ISO 3166-1 alpha-2 codes of buyer.country.")
        }
        "location.timezone" => (json!({"type": "string"}), "Exact location.timezone, e.g. America/Los_Angeles."),
        "category" | "category_group" => (json!({"type": "string"}), "Comma list of slugs (see /categories)."),
        "tags" | "skills" => {
            (json!({"type": "string"}), "Comma list; a job must carry every one (case and punctuation ignored).")
        }
        "skills_any" => (json!({"type": "string"}), "Comma list; a job must carry at least one."),
        "exclude_skills" => (json!({"type": "string"}), "Comma list; a job carrying any is dropped."),
        "posted_after" | "posted_before" | "last_visited_after" => {
            (json!({"type": "string"}), "RFC 3339 time or YYYY-MM-DD.")
        }
        "since" => (json!({"type": "string", "pattern": "^[0-9]+[mhd]$"}), "Relative window: 30m, 6h, 7d."),
        "engagement" | "duration_label" => (json!({"type": "string"}), "Comma list of exact values."),
        _ if name.ends_with("_min") || name.ends_with("_max") => {
            (json!({"type": "number", "minimum": 0}), "Bound on the named field.")
        }
        _ => (json!({"type": "string"}), ""),
    };
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

fn envelope_schema(item: Value) -> Value {
    json!({
        "type": "object",
        "required": ["success", "data", "count", "last_updated"],
        "properties": {
            "success": {"type": "boolean"},
            "message": {"type": "string"},
            "data": {"type": "array", "items": item},
            "count": {"type": "integer"},
            "last_updated": {"type": "string", "format": "date-time"},
        }
    })
}

fn errors() -> Value {
    let error = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({"400": error, "401": error, "429": error})
}

/// A 200 (or 201) answer: the envelope with `item`s in `data`.
fn ok(item: Value) -> Value {
    json!({"description": "OK", "content": {"application/json": {"schema": envelope_schema(item)}}})
}

/// `responses` plus the errors every keyed route has.
fn with_errors(mut responses: Value) -> Value {
    for (status, body) in errors().as_object().expect("errors is an object") {
        responses[status] = body.clone();
    }
    responses
}

pub fn document() -> Value {
    let job_list_parameters: Vec<Value> =
        FILTER_PARAMETERS.iter().chain(LIST_PARAMETERS.iter()).map(|name| parameter(name)).collect();
    let mut export_parameters: Vec<Value> = FILTER_PARAMETERS.iter().map(|name| parameter(name)).collect();
    export_parameters.push(json!({"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "ndjson"], "default": "ndjson"}}));
    export_parameters.push(parameter("sort"));
    export_parameters.push(json!({"name": "limit", "in": "query", "description": "At most this many rows (1 to 100,000; the default is the cap)", "schema": {"type": "integer", "minimum": 1, "maximum": 100_000}}));
    let job_properties: serde_json::Map<String, Value> =
        JOB_FIELDS.iter().map(|field| (field.to_string(), json!({}))).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "upjobs API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Upwork job postings over REST. Every response is the envelope {success, message?, data[], count, last_updated}."
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"}},
            "schemas": {
                "Error": envelope_schema(json!({})),
                "Job": {"type": "object", "required": JOB_FIELDS, "properties": job_properties},
            }
        },
        "security": [{"apiKey": []}],
        "paths": {
            "/health": {"get": {"summary": "Check the service and the key", "responses": with_errors(json!({"200": ok(json!({}))}))}},
            "/jobs": {"get": {
                "summary": "Job postings, newest first, with filters and full-text search",
                "parameters": job_list_parameters,
                "responses": with_errors(json!({"200": ok(json!({"$ref": "#/components/schemas/Job"})), "304": {"description": "Not modified (If-None-Match)"}}))
            }},
            "/jobs/export": {"get": {
                "summary": "Every matching job as CSV or NDJSON (streamed, up to 100,000 rows)",
                "parameters": export_parameters,
                "responses": with_errors(json!({"200": {"description": "CSV or NDJSON", "content": {"text/csv": {}, "application/x-ndjson": {}}}}))
            }},
            "/jobs/{id}": {"get": {
                "summary": "One job",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": with_errors(json!({"200": ok(json!({"$ref": "#/components/schemas/Job"})), "404": {"description": "Job not found"}}))
            }},
            "/categories": {"get": {"summary": "The category taxonomy with job counts", "responses": with_errors(json!({"200": ok(json!({}))}))}},
            "/usage": {"get": {"summary": "The caller's plan, limits and usage this month", "responses": with_errors(json!({"200": ok(json!({}))}))}},
            "/webhooks": {
                "get": {"summary": "The caller's webhook subscriptions", "responses": webhook_responses("200", false)},
                "post": {"summary": "Subscribe a URL to new jobs matching filters (Business and Enterprise)", "responses": webhook_responses("201", false)}
            },
            "/webhooks/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"summary": "One subscription", "responses": webhook_responses("200", true)},
                "patch": {"summary": "Change the url, filters or description; turn off or on again (active)", "responses": webhook_responses("200", true)},
                "delete": {"summary": "Delete a subscription", "responses": webhook_responses("200", true)}
            },
            "/webhooks/{id}/test": {"post": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "summary": "Send a webhook.test event", "responses": webhook_responses("200", true)}},
            "/webhooks/{id}/deliveries": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "summary": "Delivery attempts", "responses": webhook_responses("200", true)}},
            "/webhooks/{id}/rotate-secret": {"post": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "summary": "New signing secret (the old one also signs for 24 h)", "responses": webhook_responses("200", true)}},
            "/livez": {"get": {"security": [], "summary": "Liveness", "responses": {"200": {"description": "alive"}}}},
            "/readyz": {"get": {"security": [], "summary": "Readiness", "responses": {"200": {"description": "ready"}, "503": {"description": "shutting down"}}}},
        }
    })
}

/// A webhook route's answers: its success, 403 for a plan without
/// webhooks, 404 for an id that is not the caller's (routes with one), and
/// the errors every keyed route has.
fn webhook_responses(success: &str, with_id: bool) -> Value {
    let mut responses = serde_json::Map::new();
    responses.insert(success.to_string(), ok(json!({})));
    responses
        .insert("403".into(), json!({"description": "Webhooks are available on the Business and Enterprise plans."}));
    if with_id {
        responses.insert("404".into(), json!({"description": "Webhook not found"}));
    }
    with_errors(Value::Object(responses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_the_parser_accepts_is_documented() {
        let document = document();
        let documented: Vec<&str> = document["paths"]["/jobs"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|parameter| parameter["name"].as_str().unwrap())
            .collect();
        for name in FILTER_PARAMETERS.iter().chain(LIST_PARAMETERS.iter()) {
            assert!(documented.contains(name), "{name} is missing from openapi.json");
        }
        assert_eq!(documented.len(), FILTER_PARAMETERS.len() + LIST_PARAMETERS.len());
    }

    #[test]
    fn webhook_operations_document_403_and_404() {
        let document = document();
        for (path, item) in
            document["paths"].as_object().unwrap().iter().filter(|(path, _)| path.starts_with("/webhooks"))
        {
            for (method, operation) in item.as_object().unwrap().iter().filter(|(name, _)| *name != "parameters") {
                let responses = &operation["responses"];
                assert!(responses.get("403").is_some(), "{method} {path}: {responses}");
                assert_eq!(responses.get("404").is_some(), path.contains("{id}"), "{method} {path}: {responses}");
                assert!(responses.get("401").is_some() && responses.get("429").is_some(), "{method} {path}");
            }
        }
    }

    #[test]
    fn every_documented_operation_is_a_route() {
        let document = document();
        let mut operations = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            let concrete = path.replace("{id}", "some-id").replace("{name}", "starter");
            for (method, _) in item.as_object().unwrap().iter().filter(|(name, _)| *name != "parameters") {
                let method = hyper::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let routed = crate::http::router::route(&method, &concrete);
                assert!(routed.is_ok(), "{method} {path} is documented but not routed: {routed:?}");
                operations += 1;
            }
        }
        assert!(operations > 10, "{operations}");
    }
}
