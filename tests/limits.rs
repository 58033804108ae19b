//! Keys, plans, rate limits, quotas and usage metering, through real HTTP
//! with the server's clock moved by the test instead of sleeping.

mod common;

use common::{job, spawn_app, spawn_app_in, spawn_app_with};
use hyper::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn burst_then_429_with_headers_then_refill() {
    let app = spawn_app().await;
    let key = app.create_key("starter").await;
    for expected_remaining in (0..20).rev() {
        let response = app.get("/health", &key).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.header("x-ratelimit-limit").unwrap(), "10");
        assert_eq!(response.header("x-ratelimit-burst").unwrap(), "20");
        assert_eq!(response.header("x-ratelimit-remaining").unwrap(), expected_remaining.to_string());
        assert_eq!(response.header("ratelimit-policy").unwrap(), "\"burst\";q=20;w=120");
        let seconds_to_full = (20 - expected_remaining) * 6;
        assert_eq!(
            response.header("ratelimit").unwrap(),
            format!("\"burst\";r={expected_remaining};t={seconds_to_full}")
        );
        assert!(response.header("retry-after").is_none());
    }
    let refused = app.get("/health", &key).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.message().starts_with("Rate limit exceeded."), "{}", refused.message());
    assert_eq!(refused.message(), "Rate limit exceeded. Upgrade your plan for higher limits.");
    assert_eq!(refused.header("retry-after").unwrap(), "6");
    assert_eq!(refused.json()["retry_after"], 6);
    assert_eq!(refused.header("x-ratelimit-remaining").unwrap(), "0");
    assert_eq!(refused.header("ratelimit").unwrap(), "\"burst\";r=0;t=120");
    let reset: i64 = refused.header("x-ratelimit-reset").unwrap().parse().unwrap();
    let now = app.clock.now_unix();
    assert!((now + 119..=now + 121).contains(&reset), "reset {reset} now {now}");

    // Failed requests take tokens too; time refills them.
    app.clock.advance(Duration::from_secs(6));
    assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    assert_eq!(app.get("/health", &key).await.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(Duration::from_secs(3600));
    let refilled = app.get("/jobs?budget_min=oops", &key).await;
    assert_eq!(refilled.status, StatusCode::BAD_REQUEST);
    assert_eq!(refilled.header("x-ratelimit-remaining").unwrap(), "19");
}

/// A key sent to a path or a method the API does not have still takes a
/// token and counts as a call; a wrong key there gets 401 like anywhere.
#[tokio::test]
async fn unknown_routes_and_methods_with_a_key_take_a_token_and_count() {
    let app = spawn_app().await;
    let (key, _) = app.create_key_with(json!({"name": "r", "plan": "professional", "burst": 3})).await;
    let missing = app.get("/nope", &key).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.message(), "Not found: no route for GET /nope");
    assert_eq!(missing.header("x-ratelimit-remaining").unwrap(), "2");
    assert_eq!(missing.header("x-quota-remaining").unwrap(), "24999");
    let wrong_method = app.request(Method::POST, "/jobs", &[("x-api-key", &key)], "").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.header("allow").unwrap(), "GET, HEAD");
    assert_eq!(wrong_method.header("x-ratelimit-remaining").unwrap(), "1");
    assert_eq!(app.get("/jobs", &key).await.header("x-ratelimit-remaining").unwrap(), "0");
    let refused = app.get("/nope", &key).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.message().starts_with("Rate limit exceeded."), "{}", refused.message());
    app.clock.advance(Duration::from_secs(60));
    let usage = app.get("/usage", &key).await.data()[0].clone();
    assert_eq!(usage["calls_this_month"], 3, "the 404, the 405 and the /jobs call: {usage}");

    let wrong_key = app.get("/nope", "upj_notakeyatallnotakeyatallnotakey").await;
    assert_eq!(wrong_key.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_key.message(), "Invalid or missing X-API-KEY header");
    let no_key = app.request(Method::GET, "/nope", &[], "").await;
    assert_eq!(no_key.status, StatusCode::NOT_FOUND);
    assert!(no_key.header("x-ratelimit-remaining").is_none());
}

#[tokio::test]
async fn limiter_is_exact_under_concurrency() {
    let app = std::sync::Arc::new(spawn_app().await);
    let key = app.create_key("starter").await;
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let app = app.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move { app.get("/health", &key).await.status }));
    }
    let mut accepted = 0;
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::OK => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(accepted, 20, "a burst-20 key gets exactly 20 of 1,000 concurrent requests");
    assert_eq!(refused, 980);
}

#[tokio::test]
async fn starter_quota_refuses_until_the_month_turns() {
    let app = spawn_app().await;
    let (key, _) = app
        .create_key_with(json!({"name": "q", "plan": "starter", "rate_limit_per_min": 100000, "burst": 100000}))
        .await;
    app.clock.set(chrono::DateTime::parse_from_rfc3339("2026-11-15T12:00:00Z").unwrap().into());
    for _ in 0..1000 {
        assert_eq!(app.get("/jobs?limit=1", &key).await.status, StatusCode::OK);
    }
    let refused = app.get("/jobs?limit=1", &key).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.message().starts_with("Monthly quota of 1000 calls exceeded"), "{}", refused.message());
    assert!(refused.header("retry-after").is_some());
    assert_eq!(refused.header("x-quota-limit").unwrap(), "1000");
    assert_eq!(refused.header("x-quota-remaining").unwrap(), "0");
    // /health and /usage still answer: they do not use the quota.
    assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    let usage = app.get("/usage", &key).await.data()[0].clone();
    assert_eq!(usage["calls_this_month"], 1000);
    assert_eq!(usage["remaining"], 0);
    assert_eq!(usage["overage_calls"], 0);

    app.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:05Z").unwrap().into());
    let next_month = app.get("/jobs?limit=1", &key).await;
    assert_eq!(next_month.status, StatusCode::OK);
    assert_eq!(next_month.header("x-quota-remaining").unwrap(), "999");
}

#[tokio::test]
async fn paid_plans_count_overage_and_the_cap_refuses() {
    let app = spawn_app().await;
    let (key, _) = app.create_key_with(json!({"name": "o", "plan": "professional", "monthly_quota": 3})).await;
    for _ in 0..5 {
        assert_eq!(app.get("/jobs", &key).await.status, StatusCode::OK);
    }
    let usage = app.get("/usage", &key).await.data()[0].clone();
    assert_eq!(usage["plan"], "professional");
    assert_eq!(usage["monthly_quota"], 3);
    assert_eq!(usage["calls_this_month"], 5);
    assert_eq!(usage["remaining"], 0);
    assert_eq!(usage["overage_calls"], 2);
    assert_eq!(usage["overage_cost_usd"], 0.02);
    assert_eq!(usage["rate_limit_per_min"], 100);
    assert_eq!(usage["burst"], 200);
    assert_eq!(usage["retention_days"], 30);
    assert_eq!(usage["expires_at"], serde_json::Value::Null);

    let (capped, _) = app
        .create_key_with(json!({"name": "c", "plan": "business", "monthly_quota": 1, "spending_cap_usd": 0.01}))
        .await;
    assert_eq!(app.get("/jobs", &capped).await.status, StatusCode::OK);
    assert_eq!(app.get("/jobs", &capped).await.status, StatusCode::OK, "one overage call fits a $0.01 cap");
    let refused = app.get("/jobs", &capped).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.message().contains("spending cap"), "{}", refused.message());

    let unlimited = app.create_key("enterprise").await;
    let usage = app.get("/usage", &unlimited).await.data()[0].clone();
    assert_eq!(usage["monthly_quota"], serde_json::Value::Null);
    assert_eq!(usage["remaining"], serde_json::Value::Null);
    assert!(app.get("/jobs", &unlimited).await.header("x-quota-limit").is_none());
}

#[tokio::test]
async fn plan_change_revoke_and_expiry_take_effect_on_the_next_request() {
    let app = spawn_app().await;
    let (key, id) = app.create_key_with(json!({"name": "p", "plan": "starter"})).await;
    assert_eq!(app.get("/health", &key).await.header("x-ratelimit-limit").unwrap(), "10");
    let patched = app.admin(Method::PATCH, &format!("/admin/api/keys/{id}"), Some(json!({"plan": "business"}))).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    assert_eq!(patched.data()[0]["plan"], "business");
    assert_eq!(app.get("/health", &key).await.header("x-ratelimit-limit").unwrap(), "500");
    let overridden =
        app.admin(Method::PATCH, &format!("/admin/api/keys/{id}"), Some(json!({"rate_limit_per_min": 7}))).await;
    assert_eq!(overridden.data()[0]["overrides"]["rate_limit_per_min"], 7);
    assert_eq!(app.get("/health", &key).await.header("x-ratelimit-limit").unwrap(), "7");
    app.admin(Method::PATCH, &format!("/admin/api/keys/{id}"), Some(json!({"rate_limit_per_min": null}))).await;
    assert_eq!(app.get("/health", &key).await.header("x-ratelimit-limit").unwrap(), "500");

    let revoked = app.admin(Method::DELETE, &format!("/admin/api/keys/{id}"), None).await;
    assert_eq!(revoked.status, StatusCode::OK);
    let refused = app.get("/health", &key).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let expires = (app.clock.now() + chrono::Duration::hours(1)).to_rfc3339();
    let (expiring, _) = app.create_key_with(json!({"name": "e", "plan": "starter", "expires_at": expires})).await;
    assert_eq!(app.get("/health", &expiring).await.status, StatusCode::OK);
    app.clock.advance(Duration::from_secs(2 * 3600));
    let expired = app.get("/health", &expiring).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(expired.message().contains("expired"), "{}", expired.message());
}

#[tokio::test]
async fn plans_are_rows_the_admin_can_edit() {
    let app = spawn_app().await;
    let plans = app.admin(Method::GET, "/admin/api/plans", None).await.data();
    let starter = plans.iter().find(|plan| plan["name"] == "starter").unwrap();
    assert_eq!(starter["rate_limit_per_min"], 10);
    assert_eq!(starter["burst"], 20);
    assert_eq!(starter["monthly_quota"], 1000);
    assert_eq!(starter["retention_days"], 7);
    assert_eq!(starter["webhooks"], false);
    let enterprise = plans.iter().find(|plan| plan["name"] == "enterprise").unwrap();
    assert_eq!(enterprise["monthly_quota"], serde_json::Value::Null);
    assert_eq!(enterprise["retention_days"], serde_json::Value::Null);
    let key = app.create_key("starter").await;
    let updated = app.admin(Method::PUT, "/admin/api/plans/starter", Some(json!({"rate_limit_per_min": 12}))).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    assert_eq!(app.get("/health", &key).await.header("x-ratelimit-limit").unwrap(), "12");
    // The page sends the plan back whole, its name included; a plan keeps it.
    let same = app.admin(Method::PUT, "/admin/api/plans/starter", Some(json!({"name": "starter", "burst": 21}))).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text());
    let renamed = app.admin(Method::PUT, "/admin/api/plans/starter", Some(json!({"name": "basic", "burst": 22}))).await;
    assert_eq!(renamed.status, StatusCode::BAD_REQUEST, "{}", renamed.text());
    assert_eq!(renamed.message(), "Invalid name: plan 'starter' cannot be renamed");
    assert_eq!(
        app.get("/health", &key).await.header("x-ratelimit-burst").unwrap(),
        "21",
        "the refused change left nothing"
    );
    let born_expired = app.admin(
        Method::POST,
        "/admin/api/keys",
        Some(json!({"name": "x", "plan": "starter", "expires_at": "2000-01-01"})),
    );
    let born_expired = born_expired.await;
    assert_eq!(born_expired.status, StatusCode::BAD_REQUEST, "{}", born_expired.text());
    assert_eq!(born_expired.message(), "Invalid expires_at: a new key's expiry must be in the future");
    let upper = app.admin(Method::PUT, "/admin/api/plans/Starter", Some(json!({"burst": 21}))).await;
    assert_eq!(upper.status, StatusCode::OK, "plan names ignore case in the path too: {}", upper.text());
    let missing = app.admin(Method::PUT, "/admin/api/plans/gold", Some(json!({"burst": 1}))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = app.admin(Method::POST, "/admin/api/keys", Some(json!({"name": "x", "plan": "gold"}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn key_and_plan_limits_are_checked_against_one_range_each() {
    let app = spawn_app().await;
    let created = app.admin(Method::POST, "/admin/api/keys", Some(json!({"name": "n", "plan": "starter"}))).await;
    assert_eq!(created.header("cache-control").as_deref(), Some("no-store"), "a new key is never cached");
    let (_, id) = app.create_key_with(json!({"name": "r", "plan": "Starter", "email": "ops@acme.test"})).await;
    let keys = app.admin(Method::GET, "/admin/api/keys", None).await.data();
    assert_eq!(keys.iter().find(|key| key["id"] == id.as_str()).unwrap()["plan"], "starter", "plan names ignore case");
    for (field, value, message) in [
        ("rate_limit_per_min", json!(0), "Invalid rate_limit_per_min: must be an integer from 1 to 1000000000"),
        ("burst", json!(0), "Invalid burst: must be an integer from 1 to 1000000000"),
        ("burst", json!(18446744073709551615u64), "Invalid burst: must be an integer from 1 to 1000000000"),
        ("monthly_quota", json!(-1), "Invalid monthly_quota: must be an integer from 0 to 1000000000000"),
        ("retention_days", json!(1u64 << 62), "Invalid retention_days: must be an integer from 1 to 36500"),
        ("spending_cap_usd", json!(1e308), "Invalid spending_cap_usd: must be a number from 0 to 1000000000"),
        ("email", json!("not-an-address"), "Invalid email: must be an e-mail address (name@domain)"),
        (
            "name",
            json!("a\u{0}b"),
            "Invalid name: must be a string of at most 200 characters, without control characters",
        ),
    ] {
        let response = app.admin(Method::PATCH, &format!("/admin/api/keys/{id}"), Some(json!({ field: value }))).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{field}: {}", response.text());
        assert_eq!(response.message(), message, "{field}");
    }
    for (field, value, message) in [
        ("rate_limit_per_min", json!(0), "Invalid rate_limit_per_min: must be an integer from 1 to 1000000000"),
        ("burst", json!("20"), "Invalid burst: must be an integer from 1 to 1000000000"),
        ("overage_price_usd", json!(1e308), "Invalid overage_price_usd: must be a number from 0 to 1000000000"),
        ("overage", json!(1), "Invalid overage: must be true or false"),
    ] {
        let response = app.admin(Method::PUT, "/admin/api/plans/business", Some(json!({ field: value }))).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{field}: {}", response.text());
        assert_eq!(response.message(), message, "{field}");
    }
    let plans = app.admin(Method::GET, "/admin/api/plans", None).await.data();
    let business = plans.iter().find(|plan| plan["name"] == "business").unwrap();
    assert_eq!(business["rate_limit_per_min"], 500, "refused changes leave the plan as it was");
    assert_eq!(business["overage_price_usd"], 0.01);
}

#[tokio::test]
async fn admin_api_needs_the_bearer_token_and_keys_have_the_documented_shape() {
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/admin/api/keys"),
        (Method::POST, "/admin/api/keys"),
        (Method::GET, "/metrics"),
        // Paths and methods the admin API does not have: 401 too, so they
        // cannot be told apart from real ones without the token.
        (Method::GET, "/admin/api/nonexistent"),
        (Method::DELETE, "/admin/api/plans"),
    ] {
        let response = app.request(method.clone(), path, &[], "").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
        let wrong = app.request(method, path, &[("authorization", "Bearer nope")], "").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(wrong.json()["success"], false);
        assert_eq!(wrong.header("www-authenticate").as_deref(), Some("Bearer realm=\"upjobs admin\""), "{path}");
    }
    let no_key = app.get("/jobs", "").await;
    assert_eq!(no_key.header("www-authenticate").as_deref(), Some("ApiKey header=\"X-API-KEY\""));
    // One key by id; the list takes no parameters (it would ignore them).
    let (_, id) = app.create_key_with(json!({"name": "shown", "plan": "business"})).await;
    let shown = app.admin(Method::GET, &format!("/admin/api/keys/{id}"), None).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text());
    assert_eq!(shown.data()[0]["name"], "shown");
    assert!(shown.data()[0].get("key").is_none(), "the key itself is shown only at creation");
    let missing = app.admin(Method::GET, "/admin/api/keys/key_nope", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.message(), "Key not found");
    let filtered = app.admin(Method::GET, "/admin/api/keys?plan=starter", None).await;
    assert_eq!(filtered.status, StatusCode::BAD_REQUEST);
    assert!(filtered.message().starts_with("Unknown parameter 'plan'"), "{}", filtered.message());
    // With the token they are what they are; the scheme's name is
    // case-insensitive.
    let bearer = format!("Bearer {}", common::ADMIN_TOKEN);
    let missing = app.request(Method::GET, "/admin/api/nonexistent", &[("authorization", &bearer)], "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let lower = format!("bearer {}", common::ADMIN_TOKEN);
    assert_eq!(
        app.request(Method::GET, "/admin/api/keys", &[("authorization", &lower)], "").await.status,
        StatusCode::OK
    );
    let created = app
        .admin(
            Method::POST,
            "/admin/api/keys",
            Some(json!({"name": "shape", "plan": "professional", "email": "a@b.c"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let data = &created.data()[0];
    let key = data["key"].as_str().unwrap();
    assert!(key.starts_with("upj_"));
    assert!(key.len() >= 4 + 32);
    assert!(key[4..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(data["name"], "shape");
    assert_eq!(data["plan"], "professional");
    assert_eq!(data["prefix"], &key[..8]);
    assert_eq!(data["last4"], &key[key.len() - 4..]);
    let listed = app.admin(Method::GET, "/admin/api/keys", None).await;
    assert!(!listed.text().contains(key), "listings never show the key");
    let rows = listed.data();
    let row = rows.iter().find(|row| row["name"] == "shape").unwrap();
    assert_eq!(row["email"], "a@b.c");
    assert!(row.get("key").is_none());
}

#[tokio::test]
async fn counters_survive_a_clean_restart() {
    let app = spawn_app().await;
    let (key, _) = app.create_key_with(json!({"name": "r", "plan": "professional"})).await;
    app.ingest(&[job("upwork-r1", 1)]).await;
    for _ in 0..3 {
        assert_eq!(app.get("/jobs", &key).await.status, StatusCode::OK);
    }
    let dir = app.stop().await;
    let app = spawn_app_in(dir, |_| {}).await;
    let usage = app.get("/usage", &key).await.data()[0].clone();
    assert_eq!(usage["calls_this_month"], 3);
    let log = app.admin(Method::GET, "/admin/api/requests?limit=50", None).await.data();
    assert!(log.iter().filter(|row| row["route"] == "/jobs").count() >= 3, "{log:?}");
    let usage_rows = app.admin(Method::GET, "/admin/api/usage?days=30", None).await.data();
    assert!(usage_rows.iter().any(|row| row["calls"].as_i64().unwrap() >= 3), "{usage_rows:?}");
}

/// Wrong admin tokens count like wrong keys: a weak token an operator
/// chose cannot be guessed at full speed.
#[tokio::test]
async fn repeated_admin_401s_from_one_address_are_throttled() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let mut statuses = Vec::new();
    for attempt in 0..320 {
        let guess = format!("Bearer guess-{attempt}");
        statuses.push(app.request(Method::GET, "/admin/api/keys", &[("authorization", &guess)], "").await.status);
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    let first_refused = statuses.iter().position(|status| *status == StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(first_refused, Some(upjobs::auth::ADMIN_FAILURE_BURST as usize), "{statuses:?}");
    // The right token waits too, then works.
    let throttled = app.admin(Method::GET, "/admin/api/keys", None).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").is_some());
    // A bucket of its own: API keys from the same address still work.
    assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    app.clock.advance(Duration::from_secs(120));
    assert_eq!(app.admin(Method::GET, "/admin/api/keys", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_401s_from_one_address_are_throttled() {
    let app = spawn_app().await;
    let good = app.create_key("enterprise").await;
    let mut statuses = Vec::new();
    for attempt in 0..80 {
        let guess = format!("upj_{:040}", attempt);
        statuses.push(app.get("/health", &guess).await.status);
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "guessing is throttled");
    // Throttled addresses are refused before the key is even looked at.
    let throttled = app.get("/health", &good).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").is_some());
    app.clock.advance(Duration::from_secs(120));
    assert_eq!(app.get("/health", &good).await.status, StatusCode::OK);
}

/// Behind a `--trusted-proxy`, failures are counted per client named in
/// X-Forwarded-For: one client guessing keys does not lock out the others
/// that share the proxy. Without the flag the header is not believed.
#[tokio::test]
async fn behind_a_trusted_proxy_failures_count_per_client() {
    let app = spawn_app_with(|config| config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()]).await;
    let good = app.create_key("enterprise").await;
    let as_client = |client: &'static str, key: String| {
        let app = &app;
        async move {
            app.request(Method::GET, "/health", &[("x-api-key", key.as_str()), ("x-forwarded-for", client)], "")
                .await
                .status
        }
    };
    // The guesser's proxy chain: its own (untrusted) claim, then what the
    // proxies appended; the nearest untrusted entry is the client.
    let guesser = "10.9.9.9, 203.0.113.5, 127.0.0.2";
    for attempt in 0..upjobs::auth::AUTH_FAILURE_BURST {
        assert_eq!(as_client(guesser, format!("upj_{attempt:040}")).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(as_client(guesser, "upj_nope".into()).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(as_client("203.0.113.5", good.clone()).await, StatusCode::TOO_MANY_REQUESTS, "the same client");
    // Another client through the same proxy, and the proxy's own requests.
    assert_eq!(as_client("198.51.100.7", good.clone()).await, StatusCode::OK);
    assert_eq!(as_client("198.51.100.7, 203.0.113.5", good.clone()).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.get("/health", &good).await.status, StatusCode::OK);

    // Without the flag, X-Forwarded-For is a client's claim: ignored.
    let app = spawn_app().await;
    let good = app.create_key("enterprise").await;
    for attempt in 0..upjobs::auth::AUTH_FAILURE_BURST {
        let status = app
            .request(
                Method::GET,
                "/health",
                &[("x-api-key", &format!("upj_{attempt:040}")), ("x-forwarded-for", "203.0.113.5")],
                "",
            )
            .await
            .status;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let spoofed =
        app.request(Method::GET, "/health", &[("x-api-key", &good), ("x-forwarded-for", "198.51.100.7")], "").await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Key changes racing each other (creates, updates, revokes, each with its
/// own reload of the key table) leave memory as the database says: every
/// key created works and every revoked key is refused. Reloads read
/// concurrently used to be applied in any order, and one key table could
/// drop a key another had just added.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_key_changes_leave_every_key_as_stored() {
    let app = std::sync::Arc::new(spawn_app().await);
    let (_, patched) = app.create_key_with(json!({"name": "patched", "plan": "enterprise"})).await;
    let mut tasks = Vec::new();
    for worker in 0..6 {
        let app = app.clone();
        let patched = patched.clone();
        tasks.push(tokio::spawn(async move {
            let (mut live, mut revoked) = (Vec::new(), Vec::new());
            for round in 0..40 {
                match worker % 3 {
                    0 => live.push(
                        app.create_key_with(json!({"name": format!("live-{worker}-{round}"), "plan": "enterprise"}))
                            .await
                            .0,
                    ),
                    1 => {
                        let (key, id) = app
                            .create_key_with(json!({"name": format!("gone-{worker}-{round}"), "plan": "enterprise"}))
                            .await;
                        let path = format!("/admin/api/keys/{id}");
                        let (deleted, _) = tokio::join!(
                            app.admin(Method::DELETE, &path, None),
                            app.admin(Method::PATCH, &path, Some(json!({"name": format!("renamed-{round}")}))),
                        );
                        assert_eq!(deleted.status, StatusCode::OK);
                        revoked.push(key);
                    }
                    _ => {
                        let path = format!("/admin/api/keys/{patched}");
                        let response =
                            app.admin(Method::PATCH, &path, Some(json!({"name": format!("p-{round}")}))).await;
                        assert_eq!(response.status, StatusCode::OK);
                    }
                }
            }
            (live, revoked)
        }));
    }
    let (mut live, mut revoked) = (Vec::new(), Vec::new());
    for task in tasks {
        let (worker_live, worker_revoked) = task.await.unwrap();
        live.extend(worker_live);
        revoked.extend(worker_revoked);
    }
    let mut refused_live = 0;
    for key in &live {
        if app.get("/health", key).await.status != StatusCode::OK {
            refused_live += 1;
        }
    }
    let mut served_revoked = 0;
    for (index, key) in revoked.iter().enumerate() {
        if index % 50 == 0 {
            app.clock.advance(Duration::from_secs(60)); // refill the failed-auth bucket
        }
        let status = app.get("/health", key).await.status;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
        if status == StatusCode::OK {
            served_revoked += 1;
        }
    }
    assert_eq!(
        (refused_live, served_revoked),
        (0, 0),
        "{} live and {} revoked keys checked",
        live.len(),
        revoked.len()
    );
}

/// The request log's tail without the admin API's own successful calls,
/// which would otherwise crowd out the API traffic; failed admin-token
/// attempts stay.
#[tokio::test]
async fn the_request_log_can_leave_out_admin_calls() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    for _ in 0..20 {
        assert_eq!(app.admin(Method::GET, "/admin/api/keys", None).await.status, StatusCode::OK);
    }
    let refused = app.request(Method::GET, "/admin/api/keys", &[("authorization", "Bearer wrong")], "").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let routes = |rows: Vec<serde_json::Value>| -> Vec<(String, i64)> {
        rows.iter().map(|row| (row["route"].as_str().unwrap().to_string(), row["status"].as_i64().unwrap())).collect()
    };
    let tail = routes(app.admin(Method::GET, "/admin/api/requests?limit=3&hide_admin=TRUE", None).await.data());
    assert_eq!(tail, [("/admin/api/keys".to_string(), 401), ("/health".to_string(), 200)], "newest first");
    let everything = routes(app.admin(Method::GET, "/admin/api/requests?limit=3", None).await.data());
    assert!(everything.iter().all(|(route, _)| route.starts_with("/admin")), "{everything:?}");
    let bad = app.admin(Method::GET, "/admin/api/requests?hide_admin=maybe", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.message(), "Invalid hide_admin parameter: must be true or false");
}

#[tokio::test]
async fn keys_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let key = app.create_key("starter").await;
    assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    let dir = app.stop().await;
    let mut haystack = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        haystack.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let needle = key.as_bytes();
    assert!(!haystack.windows(needle.len()).any(|window| window == needle), "the key is in the database files");
    let random_part = &key.as_bytes()[8..];
    assert!(!haystack.windows(random_part.len()).any(|window| window == random_part));
}

#[tokio::test]
async fn exports_stop_where_the_quota_would_refuse() {
    let app = spawn_app().await;
    let (key, _) = app
        .create_key_with(
            json!({"name": "x", "plan": "starter", "monthly_quota": 3, "rate_limit_per_min": 1000, "burst": 1000}),
        )
        .await;
    let jobs: Vec<_> = (0..250).map(|index| job(&format!("x-{index}"), index % 100)).collect();
    app.ingest(&jobs).await;
    assert_eq!(app.get("/jobs?limit=1", &key).await.status, StatusCode::OK);
    assert_eq!(app.get("/jobs?limit=1", &key).await.status, StatusCode::OK);
    // One call left: the export may send one block of 100 rows, no more.
    let export = app.get("/jobs/export?format=ndjson", &key).await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.header("x-export-row-limit").unwrap(), "100");
    assert_eq!(export.text().lines().count(), 100);
    let refused = app.get("/jobs?limit=1", &key).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn exports_running_at_once_share_the_quota_and_the_cap() {
    let app = spawn_app().await;
    let jobs: Vec<_> = (0..500).map(|index| job(&format!("s-{index}"), index % 100)).collect();
    app.ingest(&jobs).await;
    let fast = json!({"rate_limit_per_min": 1000, "burst": 1000});
    for (plan, extra, calls) in [
        // Three calls: a starter key never goes past its quota.
        ("starter", json!({"monthly_quota": 3}), 3),
        // One call in the quota and two in overage fit a $0.02 cap.
        ("professional", json!({"monthly_quota": 1, "spending_cap_usd": 0.02}), 3),
    ] {
        let mut body = json!({"name": plan, "plan": plan});
        for (name, value) in fast.as_object().unwrap().iter().chain(extra.as_object().unwrap()) {
            body[name] = value.clone();
        }
        let (key, _) = app.create_key_with(body).await;
        // Both are admitted before either has sent a row; between them they
        // may send what the calls pay for and no more.
        let (first, second) = tokio::join!(
            app.get_stream("/jobs/export?format=ndjson", &key),
            app.get_stream("/jobs/export?format=ndjson", &key)
        );
        // (One may also finish before the other starts, which then finds
        // the quota spent: 429.)
        for (status, _, _) in [&first, &second] {
            assert!([StatusCode::OK, StatusCode::TOO_MANY_REQUESTS].contains(status), "{plan}: {status}");
        }
        let rows = |(status, received, _): &(StatusCode, Vec<u8>, bool)| match *status {
            StatusCode::OK => received.iter().filter(|byte| **byte == b'\n').count(),
            _ => 0,
        };
        let sent = rows(&first) + rows(&second);
        // Every row paid for arrives, a cut-off body's included.
        assert_eq!(sent, calls as usize * 100, "{plan}: rows sent by both exports");
        // An export stopped short by the other's calls ends as a cut-off
        // body, so its client cannot take it for a whole one.
        assert!(sent == calls as usize * 100 || !(first.2 && second.2), "{plan}: short, yet both ended whole");
        let usage = app.get("/usage", &key).await.data()[0].clone();
        assert_eq!(usage["calls_this_month"], calls, "{plan}: {usage}");
        let overage = if plan == "starter" { 0 } else { 2 };
        assert_eq!(usage["overage_calls"], overage, "{plan}: {usage}");
        let refused = app.get("/jobs?limit=1", &key).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{plan}");
    }
}

#[tokio::test]
async fn concurrent_calls_never_pass_the_quota_and_304s_give_their_call_back() {
    let app = spawn_app().await;
    let jobs: Vec<_> = (0..30).map(|index| job(&format!("c-{index}"), index)).collect();
    app.ingest(&jobs).await;
    let (key, _) = app
        .create_key_with(
            json!({"name": "c", "plan": "starter", "monthly_quota": 5, "rate_limit_per_min": 1000, "burst": 1000}),
        )
        .await;
    // Distinct queries, so each one reads the database instead of the cache.
    let paths: Vec<String> = (0..60).map(|index| format!("/jobs?limit=1&offset={index}")).collect();
    let answers = futures_util::future::join_all(paths.iter().map(|path| app.get_stream(path, &key))).await;
    let accepted = answers.iter().filter(|(status, _, _)| *status == StatusCode::OK).count();
    assert_eq!(accepted, 5, "a quota of 5 admits exactly 5 of 60 calls made at once");
    assert_eq!(app.get("/usage", &key).await.data()[0]["calls_this_month"], 5);

    let (other, _) = app
        .create_key_with(
            json!({"name": "e", "plan": "starter", "monthly_quota": 2, "rate_limit_per_min": 1000, "burst": 1000}),
        )
        .await;
    let first = app.get("/jobs?limit=1", &other).await;
    let etag = first.header("etag").unwrap();
    for _ in 0..3 {
        let cached =
            app.request(Method::GET, "/jobs?limit=1", &[("x-api-key", &other), ("if-none-match", &etag)], "").await;
        assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    }
    let usage = app.get("/usage", &other).await.data()[0].clone();
    assert_eq!(usage["calls_this_month"], 1, "304s do not count: {usage}");
    assert_eq!(app.get("/jobs?limit=2", &other).await.status, StatusCode::OK, "the second call still fits");
}
