//! Property tests against a real server: thousands of random `/jobs` query
//! strings and random ingest bodies. Whatever comes in, the answer is a
//! well-formed envelope with a 2xx or 4xx status, never a 500 or a dropped
//! connection, and stored jobs never change because of a rejected record.

mod common;
mod fixture;

use common::{ADMIN_TOKEN, TestApp, spawn_app};
use hyper::{Method, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use upjobs::query::params::{FILTER_PARAMETERS, LIST_PARAMETERS};

/// Percent-encodes everything but unreserved characters.
fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn parameter_name() -> impl Strategy<Value = String> {
    let known: Vec<String> = FILTER_PARAMETERS.iter().chain(LIST_PARAMETERS).map(|name| name.to_string()).collect();
    let garbage = [
        "x",
        "LIMIT",
        "Limit",
        "q[]",
        "q ",
        " q",
        "budget_min ",
        "buyer.",
        "buyer.total_spent",
        "client_activity.",
        "location",
        "location.",
        ".timezone",
        "format",
        "page",
        "%",
        "&",
        "=",
        "a=b",
        "\u{0}",
        "é",
        "😀",
        "__proto__",
    ]
    .map(str::to_string)
    .to_vec();
    prop_oneof![
        6 => prop::sample::select(known),
        2 => prop::sample::select(garbage),
        1 => any::<String>(),
        1 => "[a-z_.]{1,24}",
    ]
}

/// Values a parser might choke on: numbers at and past every limit, FTS5
/// syntax, dates, lists, unicode, and arbitrary strings.
fn parameter_value() -> impl Strategy<Value = String> {
    let tricky = [
        "",
        " ",
        "0",
        "-0",
        "1",
        "-1",
        "20",
        "100",
        "101",
        "10000",
        "10001",
        "1.5",
        "1e3",
        "1e308",
        "1e309",
        "-1e309",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "0x10",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "99999999999999999999999999999",
        "true",
        "false",
        "TRUE",
        "null",
        "1,2,3",
        "entry,expert",
        ",",
        ",,,",
        "us,gb",
        "US,,DE",
        "hourly",
        "fixed-price",
        "relevance",
        "budget_desc",
        "posted_on_asc",
        "2024-09-27",
        "2024-09-27T10:30:00Z",
        "2024-09-27T10:30:00+02:00",
        "0000-01-01",
        "9999-12-31T23:59:59Z",
        "+275760-09-13",
        "2024-02-30",
        "30m",
        "6h",
        "7d",
        "0d",
        "36500d",
        "36501d",
        "99999999999999999999d",
        "1w",
        "\"",
        "\"\"",
        "\"unterminated",
        "*",
        "**",
        "a*",
        "ab*",
        "-",
        "--",
        "-word",
        "OR",
        "OR OR",
        "a OR",
        "NOT",
        "AND",
        "NEAR(a b)",
        "NEAR",
        "title:rust",
        "{title}:x",
        "^rust",
        "+rust",
        "(",
        ")",
        "()",
        "\\",
        "%",
        "%%",
        "\u{0}",
        "\u{1}",
        "\u{7f}",
        "\u{345}",
        "\u{301}",
        "\u{200b}",
        "\u{feff}",
        "é",
        "café",
        "中文",
        "😀",
        "\u{10ffff}",
        "react developer",
        "\"data pipeline\"",
        "rust -python",
        "web-development",
        "nope",
        "id,title",
        "title,nope",
        "buyer.country",
        "America/Los_Angeles",
        "Europe/Atlantis",
        "full-time",
        "Less than 1 month",
        "c++",
        "C#",
        "Node.js",
        "machine-learning",
    ]
    .map(str::to_string)
    .to_vec();
    prop_oneof![
        4 => prop::sample::select(tricky),
        1 => any::<i64>().prop_map(|number| number.to_string()),
        1 => any::<f64>().prop_map(|number| number.to_string()),
        1 => (1usize..400).prop_map(|length| "9".repeat(length)),
        1 => (200usize..300).prop_map(|length| "word ".repeat(length / 5)),
        1 => "[a-z \"*^:+(){}.,'-]{0,80}",
        2 => any::<String>(),
        1 => prop::collection::vec(prop::sample::select(vec!["rust", "OR", "-", "\"", "*", " ", "NEAR", "(", "é"]), 0..20)
            .prop_map(|pieces| pieces.concat()),
    ]
}

/// A whole query string: encoded pairs, sometimes raw pieces that are valid
/// in a URI but not well-formed query syntax.
fn query_string() -> impl Strategy<Value = String> {
    let pair = (parameter_name(), parameter_value(), 0u8..10).prop_map(|(name, value, style)| match style {
        // Mostly properly encoded.
        0..=6 => format!("{}={}", enc(&name), enc(&value)),
        // A name without a value, or without '='.
        7 => enc(&name),
        // Broken percent-escapes and invalid UTF-8 after decoding.
        8 => format!("{}=%{}", enc(&name), ["", "z", "zz", "C3", "FF", "0", "E2%82", "%"][value.len() % 8]),
        // Raw characters that a URI allows but a query parser may trip on.
        _ => format!(
            "{}={}",
            enc(&name),
            value
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-._~!$'()*+,;=:@/?&".contains(*c))
                .collect::<String>()
        ),
    });
    prop_oneof![
        8 => prop::collection::vec(pair, 0..7).prop_map(|pairs| pairs.join("&")),
        1 => "[a-z_.=&%0-9A-F+;,*-]{0,60}",
    ]
}

/// Checks one answer: a 200 or 400 envelope, nothing else.
fn check_envelope(label: &str, status: StatusCode, body: &[u8]) -> Result<(), TestCaseError> {
    if status != StatusCode::OK && status != StatusCode::BAD_REQUEST {
        return Err(TestCaseError::fail(format!("{label}: status {status}: {}", String::from_utf8_lossy(body))));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        TestCaseError::fail(format!("{label}: not JSON ({error}): {}", String::from_utf8_lossy(body)))
    })?;
    let data =
        value["data"].as_array().ok_or_else(|| TestCaseError::fail(format!("{label}: no data array: {value}")))?;
    let well_formed = value["success"] == (status == StatusCode::OK)
        && value["count"] == data.len()
        && value["last_updated"].is_string()
        && (status == StatusCode::OK || value["message"].is_string());
    if !well_formed {
        return Err(TestCaseError::fail(format!("{label}: bad envelope: {value}")));
    }
    if status == StatusCode::BAD_REQUEST && !data.is_empty() {
        return Err(TestCaseError::fail(format!("{label}: an error with data: {value}")));
    }
    Ok(())
}

/// Runs `cases` property cases on a blocking thread, each of which may call
/// the server through `handle.block_on`. The strategy is built on that
/// thread (recursive strategies are not `Send`).
async fn run_property<S, F>(cases: u32, strategy: fn() -> S, test: F)
where
    S: Strategy + 'static,
    S::Value: std::fmt::Debug,
    F: Fn(&tokio::runtime::Handle, S::Value) -> Result<(), TestCaseError> + Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        runner.run(&strategy(), |value| test(&handle, value)).map_err(|error| error.to_string())
    })
    .await
    .unwrap()
    .unwrap_or_else(|error| panic!("{error}"));
}

/// A key no rate limit will stop during the fuzz run.
async fn unlimited_key(app: &TestApp) -> String {
    app.create_key_with(
        json!({"name": "fuzz", "plan": "enterprise", "rate_limit_per_min": 10_000_000, "burst": 10_000_000}),
    )
    .await
    .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_query_strings_never_break_jobs() {
    let app = Arc::new(spawn_app().await);
    let key = unlimited_key(&app).await;
    app.ingest(&fixture::jobs(chrono::Utc::now())).await;
    // Requests sent, and how many were answered 200 and 400: the strategies
    // must reach both the parsers' error paths and SQLite.
    let counters = Arc::new([AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0)]);
    let (app_for_test, counters_for_test, key_for_test) = (app.clone(), counters.clone(), key.clone());
    run_property(2_500, query_string, move |handle, query| {
        for path in ["/jobs", "/jobs/export"] {
            let path = format!("{path}?{query}");
            // The client refuses some URIs itself; those never reach a server.
            if hyper::Uri::try_from(format!("{}{path}", app_for_test.url)).is_err() {
                return Ok(());
            }
            let response = handle.block_on(app_for_test.get(&path, &key_for_test));
            counters_for_test[0].fetch_add(1, Ordering::Relaxed);
            match response.status {
                StatusCode::OK => counters_for_test[1].fetch_add(1, Ordering::Relaxed),
                _ => counters_for_test[2].fetch_add(1, Ordering::Relaxed),
            };
            if path.starts_with("/jobs/export") && response.status == StatusCode::OK {
                // A stream of jobs, not an envelope; it must have ended cleanly.
                continue;
            }
            check_envelope(&path, response.status, &response.body)?;
        }
        Ok(())
    })
    .await;
    let [sent, ok, refused] = counters.as_ref().each_ref().map(|counter| counter.load(Ordering::Relaxed));
    assert!(sent >= 4_000, "only {sent} requests reached the server");
    assert!(ok >= 500 && refused >= 500, "{ok} answered 200 and {refused} 400 out of {sent}");
    // Still serving.
    assert_eq!(app.get("/jobs?limit=1", &key).await.status, StatusCode::OK);
}

/// JSON of any shape, with keys that look like job fields.
fn any_json() -> impl Strategy<Value = Value> {
    let field_names = vec![
        "id",
        "title",
        "description",
        "posted_on",
        "job_type",
        "status",
        "contractor_tier",
        "budget",
        "buyer",
        "hourly_budget",
        "skills",
        "tags",
        "country",
        "min",
        "max",
        "fixed_amount",
        "total_applicants",
        "client_activity",
        "location",
        "last_visited_at",
        "is_private",
        "x",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|number| serde_json::Number::from_f64(number).map(Value::Number).unwrap_or(Value::Null)),
        any::<String>().prop_map(Value::from),
        prop::sample::select(vec!["2024-09-27T10:30:00Z", "yesterday", "", "US", "United States", "1", "hourly"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(field_names.clone()), inner), 0..8).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(key, value)| (key.to_string(), value)).collect())
            }),
        ]
    })
}

/// A valid job with one field replaced by random JSON, under a fresh id.
fn mutated_job() -> impl Strategy<Value = Value> {
    let fields = vec![
        "title",
        "description",
        "posted_on",
        "job_type",
        "status",
        "contractor_tier",
        "budget",
        "buyer",
        "hourly_budget",
        "skills",
        "tags",
        "client_activity",
        "location",
        "last_visited_at",
        "is_private",
        "category",
        "url",
    ];
    (0usize..30, prop::sample::select(fields), any_json(), any::<u32>()).prop_map(|(row, field, value, number)| {
        let mut job = fixture::ROWS[row].to_job(chrono::Utc::now());
        job["id"] = json!(format!("fz-{number}"));
        job[field] = value;
        job
    })
}

/// A valid job with random text, lists, country and time: these reach the
/// store, its FTS index and the duplicate check with odd but legal content.
fn varied_valid_job() -> impl Strategy<Value = Value> {
    let text = "[^\u{0}]{1,60}".prop_filter("needs a visible character", |text: &String| !text.trim().is_empty());
    (
        0usize..30,
        any::<u32>(),
        text.clone(),
        any::<String>(),
        prop::collection::vec("[^\u{0}]{0,30}", 0..6),
        prop::sample::select(vec!["US", "united states", "Narnia", "", "de", "Côte d'Ivoire", "U.S."]),
        (631_152_000i64..253_402_300_799).prop_map(upjobs::clock::format_unix),
    )
        .prop_map(|(row, number, title, description, skills, country, posted)| {
            let mut job = fixture::ROWS[row].to_job(chrono::Utc::now());
            job["id"] = json!(format!("fv-{number}"));
            job["title"] = json!(title);
            job["description"] = json!(description);
            job["skills"] = json!(skills);
            job["buyer"]["country"] = json!(country);
            job["posted_on"] = json!(posted);
            job
        })
}

/// A stored job with a field set to a value of the wrong type: always
/// rejected, so the stored job must stay as it was.
fn broken_update(stored: usize) -> impl Strategy<Value = Value> {
    let breakages: Vec<(&'static str, Value)> = vec![
        ("title", json!(5)),
        ("title", json!("")),
        ("title", json!(["a"])),
        ("posted_on", json!("not a time")),
        ("posted_on", Value::Null),
        ("posted_on", json!(1727430000)),
        ("budget", json!("lots")),
        ("budget", json!({"fixed_amount": -1})),
        ("buyer", json!([])),
        ("buyer", json!({"payment_verified": "yes"})),
        ("skills", json!("react")),
        ("skills", json!([1, 2])),
        ("job_type", json!(7)),
        ("status", json!(0)),
        ("contractor_tier", json!(4)),
        ("hourly_budget", json!({"min": 50, "max": 10})),
        ("client_activity", json!({"total_applicants": -1})),
        ("is_private", json!("no")),
        ("last_visited_at", json!("soon")),
    ];
    (0..stored, prop::sample::select(breakages)).prop_map(|(index, (field, value))| {
        let mut job = stored_job(index);
        job[field] = value;
        job
    })
}

fn stored_job(index: usize) -> Value {
    let mut job = fixture::ROWS[index].to_job(chrono::Utc::now());
    job["id"] = json!(format!("keep-{index}"));
    job["title"] = json!(format!("{} (kept {index})", job["title"].as_str().unwrap()));
    job
}

/// One ingest body: several records as NDJSON or a JSON array, or bytes.
fn ingest_body() -> impl Strategy<Value = (String, Vec<u8>)> {
    let record =
        prop_oneof![3 => any_json(), 3 => mutated_job(), 2 => varied_valid_job(), 2 => broken_update(10)].boxed();
    prop_oneof![
        6 => prop::collection::vec(record.clone(), 1..6).prop_map(|records| {
            let body: String = records.iter().map(|record| format!("{record}\n")).collect();
            ("application/x-ndjson".to_string(), body.into_bytes())
        }),
        2 => prop::collection::vec(record, 0..6)
            .prop_map(|records| ("application/json".to_string(), Value::Array(records).to_string().into_bytes())),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(|bytes| ("application/json".to_string(), bytes)),
        1 => "[\\[\\]{}\",:0-9a-z \n]{0,120}".prop_map(|text| ("application/x-ndjson".to_string(), text.into_bytes())),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_ingest_bodies_never_break_ingest_or_stored_jobs() {
    let app = Arc::new(spawn_app().await);
    let key = unlimited_key(&app).await;
    let stored: Vec<Value> = (0..10).map(stored_job).collect();
    let report = app.ingest(&stored).await;
    assert_eq!(report["inserted"], 10, "{report}");
    let snapshot = |app: Arc<TestApp>, key: String| async move {
        let mut documents = Vec::new();
        for index in 0..10 {
            let response = app.get(&format!("/jobs/keep-{index}"), &key).await;
            assert_eq!(response.status, StatusCode::OK);
            documents.push(response.json()["data"].clone());
        }
        documents
    };
    let before = snapshot(app.clone(), key.clone()).await;

    // Records stored and records rejected over the run.
    let counters = Arc::new([AtomicU32::new(0), AtomicU32::new(0)]);
    let (app_for_test, counters_for_test) = (app.clone(), counters.clone());
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    run_property(1_500, ingest_body, move |handle, (content_type, body)| {
        let response = handle.block_on(app_for_test.request(
            Method::POST,
            "/admin/api/jobs",
            &[("authorization", &bearer), ("content-type", &content_type)],
            body.clone(),
        ));
        check_envelope("POST /admin/api/jobs", response.status, &response.body)?;
        if response.status == StatusCode::OK {
            let report: Value = serde_json::from_slice(&response.body).unwrap();
            let report = &report["data"][0];
            let stored = report["inserted"].as_u64().unwrap_or(0) + report["updated"].as_u64().unwrap_or(0);
            counters_for_test[0].fetch_add(stored as u32, Ordering::Relaxed);
            let rejections = report["rejected"].as_array().map(Vec::len).unwrap_or(0);
            counters_for_test[1].fetch_add(rejections as u32, Ordering::Relaxed);
            for rejected in report["rejected"].as_array().into_iter().flatten() {
                if rejected["error"].as_str().is_none_or(str::is_empty) {
                    return Err(TestCaseError::fail(format!("a rejection without a reason: {report}")));
                }
            }
        }
        Ok(())
    })
    .await;

    let [stored, rejected] = counters.as_ref().each_ref().map(|counter| counter.load(Ordering::Relaxed));
    assert!(stored >= 300 && rejected >= 1_000, "{stored} records stored, {rejected} rejected");

    let after = snapshot(app.clone(), key.clone()).await;
    for (index, (before, after)) in before.iter().zip(&after).enumerate() {
        assert_eq!(before, after, "keep-{index} changed although every update of it was invalid");
    }
    assert_eq!(app.get("/jobs?limit=100", &key).await.status, StatusCode::OK);
}
