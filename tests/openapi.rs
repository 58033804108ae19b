//! `/openapi.json` against the server's real answers: every answer below is
//! validated with a JSON Schema validator against the schema the document
//! gives for its route, method and status, so the document cannot drift
//! from what the server sends.

mod common;

use common::{TestApp, TestResponse, job, spawn_app_with};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

const DOCUMENT_URI: &str = "urn:upjobs:openapi";

struct Contract {
    document: Value,
    registry: jsonschema::Registry<'static>,
}

impl Contract {
    async fn fetch(app: &TestApp) -> Contract {
        let response = app.request(Method::GET, "/openapi.json", &[], "").await;
        assert_eq!(response.status, StatusCode::OK);
        let document = response.json();
        assert_eq!(document["openapi"], "3.1.0");
        let registry = jsonschema::Registry::new()
            .add(DOCUMENT_URI, document.clone())
            .expect("the document is a resource")
            .prepare()
            .expect("every reference in the document resolves");
        Contract { document, registry }
    }

    /// Asserts that `status` is documented for `method path` and, where the
    /// document gives a JSON body for it, that the body is valid.
    fn check(&self, method: &str, path: &str, response: &TestResponse) {
        let status = response.status.as_u16().to_string();
        let documented = &self.document["paths"][path][method]["responses"][&status];
        assert!(documented.is_object(), "{method} {path} answered {status}, which the document does not list");
        if documented["content"]["application/json"]["schema"].is_null() {
            return;
        }
        let pointer = format!(
            "{DOCUMENT_URI}#/paths/{}/{method}/responses/{status}/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1").replace('{', "%7B").replace('}', "%7D")
        );
        let validator = jsonschema::options()
            .with_registry(&self.registry)
            .build(&json!({"$ref": pointer}))
            .expect("the response schema compiles");
        let body = response.json();
        let errors: Vec<String> =
            validator.iter_errors(&body).map(|error| format!("{} at {}", error, error.instance_path())).collect();
        assert!(errors.is_empty(), "{method} {path} {status} does not match the document: {errors:#?}\nbody: {body}");
    }
}

/// A job with every optional part absent, as a sparse feed sends it.
fn sparse_job(id: &str) -> Value {
    json!({"id": id, "title": "Translate a short brochure", "posted_on": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()})
}

fn hourly_job(id: &str) -> Value {
    let mut job = job(id, 3);
    job["job_type"] = json!(1);
    job["budget"] = json!({"fixed_amount": null, "currency": "USD"});
    job["hourly_budget"] = json!({"min": 25.5, "max": 60});
    job
}

#[tokio::test]
async fn answers_match_the_openapi_document() {
    let app = spawn_app_with(|config| config.webhook_allow_private = true).await;
    let contract = Contract::fetch(&app).await;
    let ingested = app.ingest(&[job("oa-fixed", 1), hourly_job("oa-hourly"), sparse_job("oa-sparse")]).await;
    assert_eq!(ingested["inserted"], 3, "{ingested}");
    let key = app.create_key("business").await;

    let health = app.get("/health", &key).await;
    contract.check("get", "/health", &health);

    for query in ["", "?limit=1", "?include_total=true", "?q=react", "?sort=budget_desc&job_type=hourly"] {
        let response = app.get(&format!("/jobs{query}"), &key).await;
        assert_eq!(response.status, StatusCode::OK, "/jobs{query}");
        contract.check("get", "/jobs", &response);
    }
    let all = app.get("/jobs", &key).await.json();
    assert_eq!(all["count"], 3, "the fixed, hourly and sparse jobs are all listed: {all}");
    let page = app.get("/jobs?limit=1", &key).await.json();
    assert!(page["next_cursor"].is_string());
    let total = app.get("/jobs?include_total=true", &key).await.json();
    assert_eq!(total["total"], 3);

    for id in ["oa-fixed", "oa-hourly", "oa-sparse"] {
        let response = app.get(&format!("/jobs/{id}"), &key).await;
        assert_eq!(response.status, StatusCode::OK);
        contract.check("get", "/jobs/{id}", &response);
    }
    let etag = app.get("/jobs/oa-fixed", &key).await.header("etag").expect("an ETag");
    let not_modified =
        app.request(Method::GET, "/jobs/oa-fixed", &[("x-api-key", &key), ("if-none-match", &etag)], "").await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    contract.check("get", "/jobs/{id}", &not_modified);
    contract.check("get", "/jobs/{id}", &app.get("/jobs/absent", &key).await);
    contract.check("get", "/categories", &app.get("/categories", &key).await);
    contract.check("get", "/usage", &app.get("/usage", &key).await);

    // The errors every keyed route lists.
    let bad_limit = app.get("/jobs?limit=0", &key).await;
    assert_eq!(bad_limit.status, StatusCode::BAD_REQUEST);
    contract.check("get", "/jobs", &bad_limit);
    let unknown_key = app.get("/jobs", "upj_00000000000000000000000000000000").await;
    assert_eq!(unknown_key.status, StatusCode::UNAUTHORIZED);
    contract.check("get", "/jobs", &unknown_key);

    // Webhooks, each route and its answer.
    let body = json!({"url": "http://127.0.0.1:9/hook", "filters": {"q": "react"}, "description": "openapi"});
    let created = app.request(Method::POST, "/webhooks", &[("x-api-key", &key)], body.to_string()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    contract.check("post", "/webhooks", &created);
    let id = created.data()[0]["id"].as_str().unwrap().to_string();
    contract.check("get", "/webhooks", &app.get("/webhooks", &key).await);
    contract.check("get", "/webhooks/{id}", &app.get(&format!("/webhooks/{id}"), &key).await);
    let patched = app
        .request(Method::PATCH, &format!("/webhooks/{id}"), &[("x-api-key", &key)], r#"{"description": "changed"}"#)
        .await;
    contract.check("patch", "/webhooks/{id}", &patched);
    let tested = app.request(Method::POST, &format!("/webhooks/{id}/test"), &[("x-api-key", &key)], "").await;
    assert_eq!(tested.status, StatusCode::ACCEPTED);
    contract.check("post", "/webhooks/{id}/test", &tested);
    let deliveries = common::eventually(std::time::Duration::from_secs(10), "the test event's attempt", || async {
        let response = app.get(&format!("/webhooks/{id}/deliveries"), &key).await;
        (!response.data().is_empty()).then_some(response)
    })
    .await;
    contract.check("get", "/webhooks/{id}/deliveries", &deliveries);
    let rotated = app.request(Method::POST, &format!("/webhooks/{id}/rotate-secret"), &[("x-api-key", &key)], "").await;
    contract.check("post", "/webhooks/{id}/rotate-secret", &rotated);
    let deleted = app.request(Method::DELETE, &format!("/webhooks/{id}"), &[("x-api-key", &key)], "").await;
    assert_eq!(deleted.status, StatusCode::OK);
    contract.check("delete", "/webhooks/{id}", &deleted);
    contract.check("get", "/webhooks/{id}", &app.get(&format!("/webhooks/{id}"), &key).await);
    let starter = app.create_key("starter").await;
    contract.check("get", "/webhooks", &app.get("/webhooks", &starter).await);
}

/// The document is a valid OpenAPI 3.1 document (the OpenAPI Initiative's
/// schema for 3.1, `tests/fixtures/openapi-3.1-schema.json`, Apache-2.0),
/// and every component schema is a valid JSON Schema (2020-12).
#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let app = spawn_app_with(|_| {}).await;
    let document = Contract::fetch(&app).await.document;
    let openapi_schema: Value =
        serde_json::from_str(include_str!("fixtures/openapi-3.1-schema.json")).expect("the OpenAPI 3.1 schema");
    let validator = jsonschema::validator_for(&openapi_schema).expect("the OpenAPI 3.1 schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&document).map(|error| format!("{} at {}", error, error.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        assert!(jsonschema::meta::is_valid(schema), "components.schemas.{name} is not a valid JSON Schema");
    }
    // The check can fail: a path item with an unknown operation is refused.
    let mut broken = document.clone();
    broken["paths"]["/health"]["fetch"] = json!({"responses": {}});
    assert!(!validator.is_valid(&broken));
}

#[tokio::test]
async fn the_job_schema_is_typed_from_the_model() {
    let app = spawn_app_with(|_| {}).await;
    let document = Contract::fetch(&app).await.document;
    let job = &document["components"]["schemas"]["Job"];
    assert_eq!(job["type"], "object");
    let required: Vec<&str> = job["required"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
    assert_eq!(required.len(), 21, "every field of the seed's object is required: {required:?}");
    assert_eq!(job["properties"]["job_type"]["type"], "integer");
    assert_eq!(job["properties"]["tags"]["items"]["type"], "string");
    assert_eq!(job["properties"]["budget"]["$ref"], "#/components/schemas/Budget");
    let budget = &document["components"]["schemas"]["Budget"];
    assert_eq!(budget["properties"]["fixed_amount"]["type"], json!(["number", "null"]));
}
