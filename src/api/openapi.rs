//! `GET /openapi.json`: an OpenAPI 3.1 description of the public API, built
//! from the same parameter tables the parser uses, so it cannot drift.

use super::Context;
use crate::http::response::{Body, full};
use crate::model::Job;
use crate::query::Sort;
use crate::query::params::{FILTER_PARAMETERS, LIST_PARAMETERS};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response};
use schemars::generate::SchemaSettings;
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
        "fields" => (
            json!({"type": "string"}),
            "Comma list of top-level fields to return (id is always included); each job then carries only those.",
        ),
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
    let id_path = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let (job, mut schemas) = job_schemas();
    schemas.insert("Error".into(), envelope_schema(json!({})));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "upjobs API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Upwork job postings over REST. Every response is the envelope {success, message?, data[], count, last_updated}."
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"}},
            "schemas": schemas,
        },
        "security": [{"apiKey": []}],
        "webhooks": {
            "job.created": event_operation("A new job matched a subscription's filters", "job.created", job.clone()),
            "webhook.test": event_operation(
                "POST /webhooks/{id}/test was called",
                "webhook.test",
                json!({"type": "object", "required": ["webhook_id", "message"], "properties": {"webhook_id": {"type": "string"}, "message": {"type": "string"}}}),
            ),
        },
        "paths": {
            "/health": {"get": {"summary": "Check the service and the key", "responses": with_errors(json!({"200": ok(json!(false))}))}},
            "/jobs": {"get": {
                "summary": "Job postings, newest first, with filters and full-text search",
                "parameters": job_list_parameters,
                "responses": with_errors(json!({"200": job_list(&job), "304": {"description": "Not modified (If-None-Match)"}}))
            }},
            "/jobs/export": {"get": {
                "summary": "Every matching job as CSV or NDJSON (streamed, up to 100,000 rows)",
                "parameters": export_parameters,
                "responses": with_errors(json!({"200": {"description": "CSV or NDJSON", "content": {"text/csv": {}, "application/x-ndjson": {}}}}))
            }},
            "/jobs/{id}": {"get": {
                "summary": "One job",
                "parameters": id_path.clone(),
                "responses": with_errors(json!({"200": ok(job), "304": {"description": "Not modified (If-None-Match)"}, "404": {"description": "Job not found"}}))
            }},
            "/categories": {"get": {"summary": "The category taxonomy with the number of jobs in the key's window", "responses": with_errors(json!({"200": ok(category_schema())}))}},
            "/usage": {"get": {"summary": "The caller's plan, limits and usage this month", "responses": with_errors(json!({"200": ok(usage_schema())}))}},
            "/webhooks": {
                "get": {"summary": "The caller's webhook subscriptions", "responses": webhook_responses("200", webhook_schema(), false)},
                "post": {"summary": "Subscribe a URL to new jobs matching filters (Business and Enterprise)", "responses": also(webhook_responses("201", webhook_schema(), false), &[("409", "Webhook limit reached (100 a key)"), BODY_TOO_LARGE])}
            },
            "/webhooks/{id}": {
                "parameters": id_path.clone(),
                "get": {"summary": "One subscription", "responses": webhook_responses("200", webhook_schema(), true)},
                "patch": {"summary": "Change the url, filters or description; turn off or on again (active)", "responses": also(webhook_responses("200", webhook_schema(), true), &[BODY_TOO_LARGE])},
                "delete": {"summary": "Delete a subscription", "responses": webhook_responses("200", json!({"type": "object", "required": ["id", "deleted"], "properties": {"id": {"type": "string"}, "deleted": {"const": true}}}), true)}
            },
            "/webhooks/{id}/test": {"parameters": id_path.clone(), "post": {"summary": "Queue a webhook.test event (see deliveries for the attempt)", "responses": also(webhook_responses("202", json!({"type": "object", "required": ["message_id", "webhook_id", "event_type", "status"], "properties": {"message_id": {"type": "string"}, "webhook_id": {"type": "string"}, "event_type": {"const": "webhook.test"}, "status": {"type": "string"}}}), true), &[("409", "The webhook is disabled and receives nothing")])}},
            "/webhooks/{id}/deliveries": {"parameters": id_path.clone(), "get": {"parameters": [{"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "description": "Attempts to return."}], "summary": "Delivery attempts, newest first", "responses": webhook_responses("200", delivery_schema(), true)}},
            "/webhooks/{id}/rotate-secret": {"parameters": id_path.clone(), "post": {"summary": "New signing secret (the old one also signs for 24 h)", "responses": webhook_responses("200", json!({"type": "object", "required": ["id", "secret", "previous_secret_expires_at"], "properties": {"id": {"type": "string"}, "secret": {"type": "string"}, "previous_secret_expires_at": {"type": "string", "format": "date-time"}}}), true)}},
            "/livez": {"get": {"security": [], "summary": "Liveness", "responses": {"200": {"description": "alive"}}}},
            "/readyz": {"get": {"security": [], "summary": "Readiness", "responses": {"200": {"description": "ready"}, "503": {"description": "shutting down"}}}},
        }
    })
}

/// The job schema derived from [`Job`] (the type the API serialises), as a
/// reference, and the component schemas it refers to (`Job` and its
/// nested objects).
fn job_schemas() -> (Value, serde_json::Map<String, Value>) {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| settings.definitions_path = "/components/schemas".into())
        .into_generator();
    let reference = generator.subschema_for::<Job>().to_value();
    let mut schemas = generator.take_definitions(true);
    // Every field is always sent, `null` when it has no value (the model
    // skips none), so all are required; schemars leaves `Option`s out.
    for schema in schemas.values_mut() {
        if let Some(properties) = schema["properties"].as_object() {
            let names: Vec<Value> = properties.keys().map(|name| Value::from(name.as_str())).collect();
            schema["required"] = Value::Array(names);
        }
    }
    (reference, schemas)
}

/// `/jobs`' 200: the envelope with jobs, `next_cursor`, and `total` when
/// asked for. With `fields`, each job carries only the fields named.
fn job_list(job: &Value) -> Value {
    let mut response = ok(job.clone());
    let schema = &mut response["content"]["application/json"]["schema"];
    schema["required"].as_array_mut().expect("the envelope lists its required fields").push(json!("next_cursor"));
    schema["properties"]["next_cursor"] =
        json!({"type": ["string", "null"], "description": "Pass as cursor for the next page; null on the last page."});
    schema["properties"]["total"] = json!({"type": "integer", "minimum": 0, "description": "With include_total=true: every match in the key's window."});
    response
}

fn category_schema() -> Value {
    json!({
        "type": "object",
        "required": ["name", "slug", "group", "group_slug", "count"],
        "properties": {
            "name": {"type": "string"},
            "slug": {"type": "string"},
            "group": {"type": "string"},
            "group_slug": {"type": "string"},
            "count": {"type": "integer", "minimum": 0, "description": "Jobs in the key's window."},
        }
    })
}

fn usage_schema() -> Value {
    let nullable_integer = json!({"type": ["integer", "null"]});
    let nullable_number = json!({"type": ["number", "null"]});
    json!({
        "type": "object",
        "required": ["plan", "rate_limit_per_min", "burst", "monthly_quota", "calls_this_month", "remaining",
                     "overage_calls", "overage_cost_usd", "retention_days", "expires_at"],
        "properties": {
            "key_id": {"type": "string"},
            "name": {"type": "string"},
            "plan": {"type": "string"},
            "rate_limit_per_min": {"type": "integer"},
            "burst": {"type": "integer"},
            "monthly_quota": {"type": ["integer", "null"], "description": "null: unlimited."},
            "calls_this_month": {"type": "integer"},
            "remaining": {"type": ["integer", "null"], "description": "null: unlimited."},
            "overage_calls": {"type": "integer"},
            "overage_price_usd": {"type": "number"},
            "overage_cost_usd": {"type": "number"},
            "spending_cap_usd": nullable_number,
            "retention_days": nullable_integer,
            "expires_at": {"type": ["string", "null"], "format": "date-time"},
            "quota_resets_at": {"type": "string", "format": "date-time"},
        }
    })
}

/// A subscription as the webhook routes show it (`secret` only in the
/// answer that creates it).
fn webhook_schema() -> Value {
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    json!({
        "type": "object",
        "required": ["id", "url", "filters", "active", "created_at"],
        "properties": {
            "id": {"type": "string"},
            "url": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "filters": {"type": "object", "description": "/jobs parameters, by name."},
            "secret": {"type": "string", "description": "whsec_ + base64; only in the 201 of POST /webhooks."},
            "active": {"type": "boolean"},
            "disabled_reason": {"type": ["string", "null"]},
            "disabled_at": time,
            "created_at": {"type": "string", "format": "date-time"},
            "last_success_at": time,
            "last_failure_at": time,
            "failing_since": time,
            "failures": {"type": "integer"},
            "messages": {"type": "object", "description": "GET /webhooks/{id} only: pending, delivered and failed messages."},
        }
    })
}

fn delivery_schema() -> Value {
    json!({
        "type": "object",
        "required": ["time", "message_id", "event_type", "success", "status_code", "latency_ms", "error"],
        "properties": {
            "time": {"type": "string", "format": "date-time"},
            "message_id": {"type": "string"},
            "event_type": {"type": "string"},
            "success": {"type": "boolean"},
            "status_code": {"type": ["integer", "null"]},
            "latency_ms": {"type": ["integer", "null"]},
            "error": {"type": ["string", "null"]},
        }
    })
}

/// A webhook route's answers: its success, 403 for a plan without
/// webhooks, 404 for an id that is not the caller's (routes with one), and
/// the errors every keyed route has.
fn webhook_responses(success: &str, item: Value, with_id: bool) -> Value {
    let mut responses = serde_json::Map::new();
    responses.insert(success.to_string(), ok(item));
    responses
        .insert("403".into(), json!({"description": "Webhooks are available on the Business and Enterprise plans."}));
    if with_id {
        responses.insert("404".into(), json!({"description": "Webhook not found"}));
    }
    with_errors(Value::Object(responses))
}

/// A webhook event as OpenAPI 3.1 describes what the server sends: the
/// Standard Webhooks headers and `{type, timestamp, data}`.
fn event_operation(summary: &str, event_type: &str, data: Value) -> Value {
    let header = |name: &str, description: &str| json!({"name": name, "in": "header", "required": true, "schema": {"type": "string"}, "description": description});
    json!({"post": {
        "summary": summary,
        "security": [],
        "parameters": [
            header("webhook-id", "The message id: the same on every retry (deduplicate on it)"),
            header("webhook-timestamp", "Unix seconds of this attempt"),
            header("webhook-signature", "v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">, one per signing secret, space-separated"),
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["type", "timestamp", "data"],
            "properties": {"type": {"const": event_type}, "timestamp": {"type": "string", "format": "date-time"}, "data": data}
        }}}},
        "responses": {"2XX": {"description": "Received; any other answer (or none within 10 s) is retried"}}
    }})
}

/// `responses` with more documented answers (a route's own 409 or 413).
fn also(mut responses: Value, more: &[(&str, &str)]) -> Value {
    for (status, description) in more {
        responses[*status] = json!({"description": description});
    }
    responses
}

const BODY_TOO_LARGE: (&str, &str) = ("413", "Request body too large (64 KiB)");

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

    /// The job schema comes from `model::Job`, the `fields` parameter from
    /// `JOB_FIELDS`: the two must name the same fields.
    #[test]
    fn the_derived_job_schema_has_exactly_the_fields_parameters_names() {
        let (_, schemas) = job_schemas();
        let job = &schemas["Job"];
        let required: Vec<&str> =
            job["required"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
        let mut sorted_fields = crate::query::params::JOB_FIELDS.to_vec();
        sorted_fields.sort_unstable();
        let mut sorted_required = required.clone();
        sorted_required.sort_unstable();
        assert_eq!(sorted_required, sorted_fields);
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
        let paths = &document["paths"];
        for (operation, statuses) in [
            (&paths["/webhooks"]["post"], &["409", "413"][..]),
            (&paths["/webhooks/{id}"]["patch"], &["413"][..]),
            (&paths["/webhooks/{id}/test"]["post"], &["409"][..]),
        ] {
            for status in statuses {
                assert!(operation["responses"].get(*status).is_some(), "{status}: {operation}");
            }
        }
        // What the server sends to subscribers, as OpenAPI 3.1 `webhooks`.
        for event in ["job.created", "webhook.test"] {
            let body = &document["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]["schema"];
            assert_eq!(body["properties"]["type"]["const"], event);
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
