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

    // Two keys in one request, even the same one twice: which one a proxy
    // in front read is anyone's guess, so neither is used.
    let other = app.create_key("starter").await;
    for second in [&other, &key] {
        let headers = [("x-api-key", key.as_str()), ("x-api-key", second.as_str())];
        let response = app.request(Method::GET, "/health", &headers, "").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert_eq!(response.message(), "Invalid or missing X-API-KEY header");
    }
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

fn cache_hits(app: &common::TestApp) -> u64 {
    app.state.metrics.response_cache_hits.load(std::sync::atomic::Ordering::SeqCst)
}

fn ids(response: &common::TestResponse) -> Vec<String> {
    response.data().iter().map(|job| job["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn repeated_reads_come_from_the_cache_and_never_hide_a_write_or_cross_a_plan_window() {
    let app = spawn_app().await;
    let enterprise = app.create_key("enterprise").await;
    let starter = app.create_key("starter").await;
    app.ingest(&[job("cache-new", 1), job("cache-old", 24 * 10)]).await;

    // Two identical reads in the same second: the second is a hit (retried
    // in case a pair straddles a second boundary). Same bytes, same ETag.
    let mut hit = false;
    for _ in 0..5 {
        let before = cache_hits(&app);
        let first = app.get("/jobs?limit=5", &enterprise).await;
        let second = app.get("/jobs?limit=5", &enterprise).await;
        assert_eq!(ids(&first), ["cache-new", "cache-old"]);
        assert_eq!(ids(&second), ids(&first));
        assert_eq!(second.header("etag"), first.header("etag"));
        if cache_hits(&app) > before {
            hit = true;
            break;
        }
    }
    assert!(hit, "a repeated read was never served from the cache");

    // A 304 for a cached answer, and quota still counted on every hit.
    let fresh = app.get("/jobs?limit=5", &starter).await;
    let etag = fresh.header("etag").unwrap();
    let remaining: i64 = fresh.header("x-quota-remaining").unwrap().parse().unwrap();
    let again = app.get("/jobs?limit=5", &starter).await;
    assert_eq!(again.header("x-quota-remaining").unwrap().parse::<i64>().unwrap(), remaining - 1);
    let revalidated =
        app.request(Method::GET, "/jobs?limit=5", &[("x-api-key", &starter), ("if-none-match", &etag)], "").await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);

    // Same query, another plan window: the starter key (7 days) never gets
    // the enterprise answer that includes the 10-day-old job.
    assert_eq!(ids(&app.get("/jobs?limit=5", &enterprise).await), ["cache-new", "cache-old"]);
    assert_eq!(ids(&app.get("/jobs?limit=5", &starter).await), ["cache-new"]);

    // An acknowledged ingest is visible to the very next read, as is an
    // update in place.
    app.ingest(&[job("cache-newer", 0)]).await;
    assert_eq!(ids(&app.get("/jobs?limit=5", &enterprise).await), ["cache-newer", "cache-new", "cache-old"]);
    let mut renamed = job("cache-newer", 0);
    renamed["title"] = "Renamed while cached".into();
    app.ingest(&[renamed]).await;
    let after_update = app.get("/jobs?limit=1", &enterprise).await;
    assert_eq!(after_update.data()[0]["title"], "Renamed while cached");
    let one = app.get("/jobs/cache-newer", &enterprise).await;
    assert_eq!(one.data()[0]["title"], "Renamed while cached");
}

#[tokio::test]
async fn the_response_cache_can_be_turned_off() {
    let app = common::spawn_app_with(|config| config.response_cache_entries = 0).await;
    let key = app.create_key("enterprise").await;
    app.ingest(&[job("uncached", 1)]).await;
    for _ in 0..5 {
        assert_eq!(ids(&app.get("/jobs", &key).await), ["uncached"]);
    }
    assert_eq!(cache_hits(&app), 0);
}
