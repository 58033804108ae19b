//! The envelope, authentication and routing basics, through real HTTP.

mod common;

use common::{job, spawn_app};
use hyper::{Method, StatusCode};

#[tokio::test]
async fn health_checks_the_key() {
    let app = spawn_app().await;
    let key = app.create_key("starter").await;
    let response = app.get("/health", &key).await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "API is healthy");
    assert_eq!(body["data"], serde_json::json!([]));
    assert_eq!(body["count"], 0);
    assert!(body["last_updated"].as_str().unwrap().ends_with('Z'));
    assert!(response.header("x-request-id").unwrap().starts_with("req_"));

    for bad in ["", "upj_nope", "upj_0000000000000000000000000000000000000000"] {
        let response = app.get("/health", bad).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert_eq!(response.message(), "Invalid or missing X-API-KEY header");
        assert_eq!(response.json()["success"], false);
    }
    let response = app.request(Method::GET, "/health", &[], "").await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_routes_and_methods_use_the_envelope() {
    let app = spawn_app().await;
    let response = app.request(Method::GET, "/nowhere", &[], "").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.json()["success"], false);
    assert_eq!(response.json()["data"], serde_json::json!([]));
    let response = app.request(Method::DELETE, "/jobs", &[], "").await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.header("allow").unwrap(), "GET, HEAD");
    assert_eq!(response.json()["success"], false);
}

#[tokio::test]
async fn liveness_needs_no_key() {
    let app = spawn_app().await;
    assert_eq!(app.request(Method::GET, "/livez", &[], "").await.status, StatusCode::OK);
    assert_eq!(app.request(Method::GET, "/readyz", &[], "").await.status, StatusCode::OK);
}

#[tokio::test]
async fn ingested_job_comes_back_in_the_seed_schema() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let original = job("upwork-1", 1);
    let report = app.ingest(std::slice::from_ref(&original)).await;
    assert_eq!(report["inserted"], 1, "{report}");
    let response = app.get("/jobs", &key).await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!(body["count"], 1);
    assert_eq!(body["data"][0], original);
    assert_eq!(body["next_cursor"], serde_json::Value::Null);
    let one = app.get("/jobs/upwork-1", &key).await;
    assert_eq!(one.json()["data"][0], original);
    let missing = app.get("/jobs/upwork-404", &key).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.message(), "Job not found");
}

#[tokio::test]
async fn hourly_jobs_have_no_fixed_budget_even_when_a_feed_sends_zero() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let mut hourly = job("hourly-zero", 1);
    hourly["job_type"] = serde_json::json!(1);
    hourly["budget"] = serde_json::json!({"fixed_amount": 0, "currency": "USD"});
    hourly["hourly_budget"] = serde_json::json!({"min": 20, "max": 40});
    app.ingest(&[hourly, job("fixed-5000", 2)]).await;
    let cheap = app.get("/jobs?budget_max=100", &key).await;
    assert_eq!(cheap.json()["count"], 0, "{}", cheap.text());
    let by_budget = app.get("/jobs?sort=budget_asc", &key).await.data();
    assert_eq!(by_budget[0]["id"], "hourly-zero", "sorted by its hourly max (40), below 5000");
}
