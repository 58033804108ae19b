//! Every 4xx path of `/jobs` with the message the spec prescribes, ETag and
//! 304, and ingest's per-record errors and in-place updates. The fuzz tests
//! are in `tests/jobs_fuzz.rs`.

mod common;
mod fixture;

use common::{ADMIN_TOKEN, TestApp, spawn_app};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

/// Checks the error envelope and returns its message.
fn error_message(query: &str, response: &common::TestResponse) -> String {
    let body = response.json();
    assert_eq!(body["success"], false, "{query}: {body}");
    assert_eq!(body["data"], json!([]), "{query}: {body}");
    assert_eq!(body["count"], 0, "{query}: {body}");
    assert!(body["last_updated"].as_str().is_some_and(|time| time.ends_with('Z')), "{query}: {body}");
    assert!(response.header("x-request-id").is_some());
    body["message"].as_str().unwrap_or_else(|| panic!("{query}: no message in {body}")).to_string()
}

async fn app_with_fixture() -> (TestApp, String) {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    app.ingest(&fixture::jobs(chrono::Utc::now())).await;
    (app, key)
}

/// Bad values: 400, and the message names the parameter
/// (`Invalid <name> parameter`, optionally followed by `: <reason>`).
#[tokio::test]
async fn bad_values_name_their_parameter() {
    let (app, key) = app_with_fixture().await;
    let long_q = "a".repeat(257);
    let cases: Vec<(String, &str)> = [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("limit=-5", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("offset=-1", "offset"),
        ("offset=10001", "offset"),
        ("offset=ten", "offset"),
        ("sort=newest", "sort"),
        ("sort=", "sort"),
        ("sort=POSTED_ON_DESC", "sort"),
        ("sort=relevance", "sort"),
        ("job_type=3", "job_type"),
        ("job_type=", "job_type"),
        ("job_type=1,2", "job_type"),
        ("status=3", "status"),
        ("status=pending", "status"),
        ("contractor_tier=4", "contractor_tier"),
        ("contractor_tier=beginner", "contractor_tier"),
        ("contractor_tier=", "contractor_tier"),
        ("contractor_tier=1,,9", "contractor_tier"),
        ("budget_max=abc", "budget_max"),
        ("budget_max=-0.01", "budget_max"),
        ("budget_max=NaN", "budget_max"),
        ("budget_max=inf", "budget_max"),
        ("budget_max=1e999", "budget_max"),
        ("hourly_min=abc", "hourly_min"),
        ("hourly_min=-5", "hourly_min"),
        ("hourly_max=", "hourly_max"),
        ("payment_verified=1", "payment_verified"),
        ("payment_verified=yes", "payment_verified"),
        ("payment_verified=", "payment_verified"),
        ("country=USA", "country"),
        ("country=", "country"),
        ("country=U1", "country"),
        ("country=XX", "country"),
        ("country=United+States", "country"),
        ("exclude_country=us,xx", "exclude_country"),
        ("exclude_country=", "exclude_country"),
        ("location.timezone=", "location.timezone"),
        ("location.timezone=+++", "location.timezone"),
        ("category=nope", "category"),
        ("category=web-development,nope", "category"),
        ("category=", "category"),
        ("category_group=nope", "category_group"),
        ("category_group=web-development", "category_group"),
        ("tags=", "tags"),
        ("tags=,,,", "tags"),
        ("tags=...", "tags"),
        ("skills=", "skills"),
        ("skills_any=", "skills_any"),
        ("exclude_skills=", "exclude_skills"),
        ("posted_after=yesterday", "posted_after"),
        ("posted_after=2024-13-01", "posted_after"),
        ("posted_after=2024-02-30", "posted_after"),
        ("posted_after=2024-09-27+25:00:00", "posted_after"),
        ("posted_after=2024-09-27T10:00:00+99:99", "posted_after"),
        ("posted_after=1727430000", "posted_after"),
        ("posted_after=", "posted_after"),
        ("posted_before=27/09/2024", "posted_before"),
        ("since=7w", "since"),
        ("since=0d", "since"),
        ("since=d", "since"),
        ("since=5", "since"),
        ("since=-1d", "since"),
        ("since=1.5h", "since"),
        ("since=", "since"),
        ("last_visited_after=never", "last_visited_after"),
        ("last_visited_after=", "last_visited_after"),
        ("buyer.total_spent_min=abc", "buyer.total_spent_min"),
        ("buyer.total_spent_max=-1", "buyer.total_spent_max"),
        ("buyer.total_assignments_min=1.5", "buyer.total_assignments_min"),
        ("buyer.total_assignments_max=-1", "buyer.total_assignments_max"),
        ("buyer.total_jobs_with_hires_min=x", "buyer.total_jobs_with_hires_min"),
        ("buyer.total_jobs_with_hires_max=", "buyer.total_jobs_with_hires_max"),
        ("client_activity.total_applicants_min=many", "client_activity.total_applicants_min"),
        ("client_activity.total_applicants_max=-3", "client_activity.total_applicants_max"),
        ("engagement=", "engagement"),
        ("engagement=,", "engagement"),
        ("duration_label=", "duration_label"),
        ("fields=nope", "fields"),
        ("fields=title,nope", "fields"),
        ("fields=", "fields"),
        ("fields=buyer.country", "fields"),
        ("include_total=yes", "include_total"),
        ("include_total=1", "include_total"),
        ("q=", "q"),
        ("q=+++", "q"),
        ("q=-python", "q"),
        ("q=-python+-%22go+lang%22", "q"),
        ("q=---", "q"),
        ("q=d*", "q"),
        ("q=OR", "q"),
    ]
    .into_iter()
    .map(|(query, name)| (query.to_string(), name))
    .chain([(format!("q={long_q}"), "q")])
    .collect();
    let mut failures = Vec::new();
    for (query, name) in &cases {
        let response = app.get(&format!("/jobs?{query}"), &key).await;
        if response.status != StatusCode::BAD_REQUEST {
            failures.push(format!("{query}: status {} {}", response.status, response.text()));
            continue;
        }
        let message = error_message(query, &response);
        let expected = format!("Invalid {name} parameter");
        if message != expected && !message.starts_with(&format!("{expected}: ")) {
            failures.push(format!("{query}: message {message:?} does not start with {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Messages whose wording the spec or the seed gives, word for word.
#[tokio::test]
async fn exact_messages() {
    let (app, key) = app_with_fixture().await;
    let long_q = "a".repeat(257);
    let cases: Vec<(String, &str)> = [
        // The seed's wording.
        ("budget_min=abc", "Invalid budget_min parameter"),
        ("budget_min=-1", "Invalid budget_min parameter"),
        ("budget_min=", "Invalid budget_min parameter"),
        ("budget_max=lots", "Invalid budget_max parameter"),
        // min > max names the min.
        ("budget_min=500&budget_max=100", "Invalid budget_min parameter: greater than budget_max"),
        (
            "buyer.total_spent_min=10&buyer.total_spent_max=5",
            "Invalid buyer.total_spent_min parameter: greater than buyer.total_spent_max",
        ),
        (
            "buyer.total_assignments_min=10&buyer.total_assignments_max=5",
            "Invalid buyer.total_assignments_min parameter: greater than buyer.total_assignments_max",
        ),
        (
            "buyer.total_jobs_with_hires_min=10&buyer.total_jobs_with_hires_max=5",
            "Invalid buyer.total_jobs_with_hires_min parameter: greater than buyer.total_jobs_with_hires_max",
        ),
        (
            "client_activity.total_applicants_min=10&client_activity.total_applicants_max=5",
            "Invalid client_activity.total_applicants_min parameter: greater than client_activity.total_applicants_max",
        ),
        (
            "posted_after=2025-03-10&posted_before=2025-03-09",
            "Invalid posted_after parameter: greater than posted_before",
        ),
        ("limit=0", "Invalid limit parameter: must be an integer from 1 to 100"),
        ("offset=10001", "Invalid offset parameter: must be an integer from 0 to 10000"),
        ("sort=relevance", "Invalid sort parameter: relevance needs a q parameter"),
        ("payment_verified=1", "Invalid payment_verified parameter: must be true or false"),
        ("category=nope", "Invalid category parameter: unknown category slug 'nope' (see GET /categories)"),
        ("fields=title,nope", "Invalid fields parameter: unknown field 'nope'"),
        ("q=-python", "Invalid q parameter: needs at least one word to search for"),
        ("q=", "Invalid q parameter: empty query"),
        // Unknown parameters, with a did-you-mean when one is close.
        ("frobnicate=1", "Unknown parameter 'frobnicate'"),
        ("budgetmin=5", "Unknown parameter 'budgetmin'. Did you mean 'budget_min'?"),
        ("Limit=5", "Unknown parameter 'Limit'. Did you mean 'limit'?"),
        ("categroy=web-development", "Unknown parameter 'categroy'. Did you mean 'category'?"),
        ("skill=react", "Unknown parameter 'skill'. Did you mean 'skills'?"),
        ("countries=US", "Unknown parameter 'countries'. Did you mean 'country'?"),
        ("buyer.total_spent=5", "Unknown parameter 'buyer.total_spent'. Did you mean 'buyer.total_spent_min'?"),
        ("location_timezone=UTC", "Unknown parameter 'location_timezone'. Did you mean 'location.timezone'?"),
        ("format=csv", "Unknown parameter 'format'"),
        // Paging words of other APIs point at ours rather than at a look-alike.
        ("page=2", "Unknown parameter 'page'. Did you mean 'offset'?"),
        ("per_page=50", "Unknown parameter 'per_page'. Did you mean 'limit'?"),
        // A repeated parameter.
        ("limit=5&limit=6", "Invalid limit parameter: given more than once"),
        ("limit=5&limit=5", "Invalid limit parameter: given more than once"),
        ("tags=react&tags=python", "Invalid tags parameter: given more than once (use one comma-separated list)"),
        ("q=rust&q=go", "Invalid q parameter: given more than once"),
    ]
    .into_iter()
    .map(|(query, message)| (query.to_string(), message))
    .chain([(format!("q={long_q}"), "Invalid q parameter: at most 256 characters")])
    .collect();
    let mut failures = Vec::new();
    for (query, expected) in &cases {
        let response = app.get(&format!("/jobs?{query}"), &key).await;
        if response.status != StatusCode::BAD_REQUEST {
            failures.push(format!("{query}: status {} {}", response.status, response.text()));
            continue;
        }
        let message = error_message(query, &response);
        if message != *expected {
            failures.push(format!("{query}\n    expected {expected:?}\n    got      {message:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));

    // 256 characters are allowed; so is a query of only separators around a word.
    for query in [format!("q={}", "a".repeat(256)), "q=+rust+".to_string()] {
        let response = app.get(&format!("/jobs?{query}"), &key).await;
        assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text());
    }
}

#[tokio::test]
async fn other_routes_refuse_parameters_and_unknown_ids() {
    let (app, key) = app_with_fixture().await;
    let response = app.get("/jobs/j01?limit=5", &key).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_message("/jobs/j01?limit=5", &response), "Unknown parameter 'limit'");
    let response = app.get("/jobs/nope", &key).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(error_message("/jobs/nope", &response), "Job not found");
    for (path, status) in [("/jobs", StatusCode::UNAUTHORIZED), ("/jobs?limit=abc", StatusCode::UNAUTHORIZED)] {
        let response = app.get(path, "upj_not_a_key").await;
        assert_eq!(response.status, status);
        assert_eq!(error_message(path, &response), "Invalid or missing X-API-KEY header");
    }
}

/// `calls_this_month` of a key, from `GET /usage` (which does not count).
async fn calls_this_month(app: &TestApp, key: &str) -> i64 {
    let response = app.get("/usage", key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.data()[0]["calls_this_month"].as_i64().unwrap()
}

async fn get_with(app: &TestApp, path: &str, key: &str, if_none_match: &str) -> common::TestResponse {
    app.request(Method::GET, path, &[("x-api-key", key), ("if-none-match", if_none_match)], "").await
}

#[tokio::test]
async fn etag_and_not_modified() {
    let (app, key) = app_with_fixture().await;
    let start = calls_this_month(&app, &key).await;
    assert_eq!(calls_this_month(&app, &key).await, start, "/usage must not count");

    for path in ["/jobs?limit=5&budget_min=100", "/jobs/j07"] {
        let first = app.get(path, &key).await;
        assert_eq!(first.status, StatusCode::OK);
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path}: no ETag"));
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        let counted = calls_this_month(&app, &key).await;

        // Same content, a second later: same ETag (the time is not part of it).
        app.clock.advance(std::time::Duration::from_secs(2));
        let second = app.get(path, &key).await;
        assert_eq!(second.header("etag").as_deref(), Some(etag.as_str()), "{path}");
        assert_ne!(second.json()["last_updated"], first.json()["last_updated"]);
        assert_eq!(calls_this_month(&app, &key).await, counted + 1);

        // A matching If-None-Match: 304, no body, and not counted.
        for candidate in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}"), "*".to_string()] {
            let cached = get_with(&app, path, &key, &candidate).await;
            assert_eq!(cached.status, StatusCode::NOT_MODIFIED, "{path} If-None-Match: {candidate}");
            assert!(cached.body.is_empty());
            assert_eq!(cached.header("etag").as_deref(), Some(etag.as_str()));
        }
        assert_eq!(calls_this_month(&app, &key).await, counted + 1, "{path}: a 304 counted against the quota");

        // Another ETag: a full answer, counted.
        let other = get_with(&app, path, &key, "\"0000000000000000\"").await;
        assert_eq!(other.status, StatusCode::OK);
        assert_eq!(calls_this_month(&app, &key).await, counted + 2);
    }

    // New content: the old ETag no longer matches.
    let path = "/jobs?limit=5";
    let etag = app.get(path, &key).await.header("etag").unwrap();
    let mut newer = fixture::ROWS[0].to_job(chrono::Utc::now());
    newer["id"] = json!("newest");
    newer["title"] = json!("A brand new posting about lighthouse restoration");
    newer["description"] = json!("Survey and restore a coastal lighthouse lantern room.");
    app.ingest(&[newer]).await;
    let response = get_with(&app, path, &key, &etag).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_ne!(response.header("etag").unwrap(), etag);
    assert_eq!(response.data()[0]["id"], "newest");

    // An updated job changes the ETag of /jobs/{id}.
    let etag = app.get("/jobs/j07", &key).await.header("etag").unwrap();
    let mut changed = fixture::ROWS[6].to_job(chrono::Utc::now());
    changed["status"] = json!(2);
    let report = app.ingest(&[changed]).await;
    assert_eq!(report["updated"], 1, "{report}");
    let response = get_with(&app, "/jobs/j07", &key, &etag).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.data()[0]["status"], 2);
}

async fn ingest_raw(app: &TestApp, body: &str, content_type: &str) -> common::TestResponse {
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    app.request(
        Method::POST,
        "/admin/api/jobs",
        &[("authorization", &bearer), ("content-type", content_type)],
        body.to_string(),
    )
    .await
}

fn doc(app_response: &common::TestResponse) -> Value {
    app_response.data()[0].clone()
}

fn sample_job(id: &str, index: usize) -> Value {
    let mut job = fixture::ROWS[index].to_job(chrono::Utc::now());
    job["id"] = json!(id);
    job
}

#[tokio::test]
async fn ingest_keeps_good_records_and_reports_bad_ones() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    app.ingest(&[sample_job("known-a", 0), sample_job("known-b", 1)]).await;
    let before_a = doc(&app.get("/jobs/known-a", &key).await);

    let mut bad_update = sample_job("known-a", 0);
    bad_update["title"] = json!("This change must not be stored");
    bad_update["budget"] = json!({"fixed_amount": "lots", "currency": "USD"});
    let mut good_update = sample_job("known-b", 1);
    good_update["title"] = json!("Bilingual support agent for the night shift");
    let mut no_title = sample_job("no-title", 2);
    no_title.as_object_mut().unwrap().remove("title");
    let mut bad_time = sample_job("bad-time", 3);
    bad_time["posted_on"] = json!("last Tuesday");
    let mut bad_tier = sample_job("bad-tier", 4);
    bad_tier["contractor_tier"] = json!(7);
    let lines = [
        sample_job("fresh", 5).to_string(),  // 1: good, new
        "{\"id\": \"broken\", ".to_string(), // 2: not JSON
        no_title.to_string(),                // 3: no title
        bad_update.to_string(),              // 4: known id, bad field
        String::new(),                       // 5: blank, skipped
        good_update.to_string(),             // 6: good update
        "[1, 2]".to_string(),                // 7: not an object
        bad_time.to_string(),                // 8: bad posted_on
        bad_tier.to_string(),                // 9: tier out of range
        json!({"id": 42, "title": "x", "posted_on": "2026-01-01T00:00:00Z"}).to_string(), // 10
    ];
    let response = ingest_raw(&app, &lines.join("\n"), "application/x-ndjson").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let report = doc(&response);
    assert_eq!(report["inserted"], 1, "{report}");
    assert_eq!(report["updated"], 1, "{report}");
    let rejected = report["rejected"].as_array().unwrap();
    let summary: Vec<(u64, Value)> =
        rejected.iter().map(|item| (item["line"].as_u64().unwrap(), item["id"].clone())).collect();
    assert_eq!(
        summary,
        [
            (2, Value::Null),
            (3, json!("no-title")),
            (4, json!("known-a")),
            (7, Value::Null),
            (8, json!("bad-time")),
            (9, json!("bad-tier")),
            (10, Value::Null),
        ],
        "{report}"
    );
    assert_eq!(report["rejected_count"], 7, "{report}");
    // Each error says what is wrong, naming the field.
    let errors: Vec<&str> = rejected.iter().map(|item| item["error"].as_str().unwrap()).collect();
    for (error, needle) in
        errors.iter().zip(["JSON", "title", "budget.fixed_amount", "object", "posted_on", "contractor_tier", "id"])
    {
        assert!(error.contains(needle), "{error:?} should mention {needle:?}");
    }

    // The good records are stored; the rejected update left known-a alone.
    assert_eq!(app.get("/jobs/fresh", &key).await.status, StatusCode::OK);
    assert_eq!(doc(&app.get("/jobs/known-b", &key).await)["title"], "Bilingual support agent for the night shift");
    assert_eq!(doc(&app.get("/jobs/known-a", &key).await), before_a);
    for id in ["no-title", "bad-time", "bad-tier", "broken"] {
        assert_eq!(app.get(&format!("/jobs/{id}"), &key).await.status, StatusCode::NOT_FOUND, "{id}");
    }

    // A JSON array numbers records by position.
    let array = json!([sample_job("array-good", 6), {"id": "array-bad"}, sample_job("array-good-2", 7)]);
    let response = ingest_raw(&app, &array.to_string(), "application/json").await;
    let report = doc(&response);
    assert_eq!(report["inserted"], 2, "{report}");
    assert_eq!(report["rejected"][0]["line"], 2, "{report}");
    assert_eq!(report["rejected"][0]["id"], "array-bad", "{report}");
    assert!(report["rejected"][0]["error"].as_str().unwrap().contains("title"), "{report}");

    // A body that is not JSON at all is one 400.
    let response = ingest_raw(&app, "[{\"id\": ", "application/json").await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(error_message("ingest", &response).starts_with("Invalid JSON array"));
    // ... and so is an array broken after good records: nothing of it is stored.
    let broken = format!("[{}, {{\"id\": ", sample_job("array-before-break", 8));
    let response = ingest_raw(&app, &broken, "application/json").await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", response.text());
    assert_eq!(app.get("/jobs/array-before-break", &key).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reingest_updates_in_place() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let mut original = sample_job("same-id", 2);
    original["title"] = json!("Lighthouse keeper scheduling tool");
    original["description"] = json!("A roster planner for coastal lighthouse crews.");
    original["skills"] = json!(["Rust"]);
    let report = app.ingest(std::slice::from_ref(&original)).await;
    assert_eq!((report["inserted"].as_u64(), report["updated"].as_u64()), (Some(1), Some(0)), "{report}");

    let mut changed = original.clone();
    changed["title"] = json!("Greenhouse climate dashboard");
    changed["description"] = json!("Monitor humidity sensors across three greenhouses.");
    changed["skills"] = json!(["Go"]);
    changed["budget"] = json!({"fixed_amount": 777, "currency": "EUR"});
    let report = app.ingest(std::slice::from_ref(&changed)).await;
    assert_eq!((report["inserted"].as_u64(), report["updated"].as_u64()), (Some(0), Some(1)), "{report}");

    let stored = doc(&app.get("/jobs/same-id", &key).await);
    assert_eq!(stored["title"], "Greenhouse climate dashboard");
    assert_eq!(stored["budget"], json!({"fixed_amount": 777, "currency": "EUR"}));
    // One row, and the indexes followed: old words and skills no longer find it.
    let total = |query: &'static str| {
        let app = &app;
        let key = &key;
        async move { app.get(&format!("/jobs?include_total=true&{query}"), key).await.json()["total"].as_i64() }
    };
    assert_eq!(total("q=greenhouse").await, Some(1));
    assert_eq!(total("q=lighthouse").await, Some(0));
    assert_eq!(total("skills=go").await, Some(1));
    assert_eq!(total("skills=rust").await, Some(0));
    assert_eq!(total("budget_min=777&budget_max=777").await, Some(1));
    assert_eq!(total("budget_min=5000").await, Some(0));
    assert_eq!(total("").await, Some(1));

    // A new posting time moves the job; still one row.
    let mut moved = changed.clone();
    moved["posted_on"] = json!(fixture::minutes_before(chrono::Utc::now(), 3000));
    let report = app.ingest(&[moved]).await;
    assert_eq!(report["updated"], 1, "{report}");
    assert_eq!(total("").await, Some(1));
    assert_eq!(total("q=greenhouse").await, Some(1));
    let since = app.get("/jobs?since=1d", &key).await;
    assert_eq!(since.json()["count"], 0);

    // The same record again: an update, nothing new.
    let report = app.ingest(&[changed.clone(), changed]).await;
    assert_eq!((report["inserted"].as_u64(), report["updated"].as_u64()), (Some(0), Some(2)), "{report}");
    assert_eq!(total("").await, Some(1));
}

/// A record that cannot be stored (here: one more job in a second whose
/// seqs are all taken, which the seq scheme has no room for) is rejected
/// without touching the job already stored under its id, even when it
/// would move that job.
#[tokio::test]
async fn a_rejected_move_keeps_the_stored_job() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let crowded_second = fixture::minutes_before(chrono::Utc::now(), 90);
    // A second is full once its last seq is taken (a million jobs would
    // take minutes to ingest): store one job there directly.
    let crowded_at = chrono::DateTime::parse_from_rfc3339(&crowded_second).unwrap().timestamp();
    let last_seq = upjobs::store::jobs::seq_floor(crowded_at) + upjobs::store::jobs::SEQS_PER_SECOND - 1;
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    let crowd = sample_job("crowd", 6);
    conn.execute(
        "INSERT INTO jobs (seq, id, posted_on, job_type, status, contractor_tier, payment_verified, buyer_country, \
         location_timezone, category_slug, category_group_slug, buyer_total_spent, buyer_total_assignments, \
         buyer_total_jobs_with_hires, total_applicants, engagement, duration_label, ingested_at, updated_at, doc) \
         VALUES (?1, 'crowd', ?2, 1, 1, 1, 1, 'US', '', '', '', 0, 0, 0, 0, '', '', 0, 0, ?3)",
        rusqlite::params![last_seq, crowded_at, crowd.to_string()],
    )
    .unwrap();
    drop(conn);
    let mover = sample_job("mover", 4);
    app.ingest(std::slice::from_ref(&mover)).await;
    let before = doc(&app.get("/jobs/mover", &key).await);

    let mut moved = mover.clone();
    moved["posted_on"] = json!(crowded_second);
    moved["title"] = json!("This version cannot be stored");
    let mut newcomer = sample_job("newcomer", 5);
    newcomer["posted_on"] = json!(crowded_second);
    let report = app.ingest(&[moved, newcomer]).await;
    let rejected: Vec<&str> =
        report["rejected"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap()).collect();
    assert_eq!(rejected, ["mover", "newcomer"], "{report}");
    assert!(report["rejected"][0]["error"].as_str().unwrap().contains("same second"), "{report}");

    let after = app.get("/jobs/mover", &key).await;
    assert_eq!(after.status, StatusCode::OK, "the rejected update deleted the job: {}", after.text());
    assert_eq!(doc(&after), before);
    assert_eq!(app.get("/jobs/newcomer", &key).await.status, StatusCode::NOT_FOUND);
    let total = app.get("/jobs?include_total=true&limit=1", &key).await.json()["total"].clone();
    assert_eq!(total, 2);
}

/// Far more jobs than a feed would ever post in one second (a feed that
/// gives only dates puts a whole day in one) are all stored.
#[tokio::test]
async fn thousands_of_jobs_posted_in_the_same_second_are_all_stored() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let second = fixture::minutes_before(chrono::Utc::now(), 30);
    let mut crowd = fixture::numbered_jobs("same", 5_000, 30);
    for job in &mut crowd {
        job["posted_on"] = json!(second);
    }
    let report = app.ingest(&crowd).await;
    assert_eq!(report["inserted"], 5_000, "{}", report["rejected"]);
    let total = app.get("/jobs?include_total=true&limit=1", &key).await.json()["total"].clone();
    assert_eq!(total, 5_000);
}
