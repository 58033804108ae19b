//! `GET /jobs/export`: CSV and NDJSON, filters, plan windows, and how the
//! export is counted against the monthly quota.

mod common;
mod fixture;

use common::{TestApp, TestResponse, spawn_app};
use hyper::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn app_with_fixture() -> (TestApp, String) {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    app.ingest(&fixture::jobs(chrono::Utc::now())).await;
    (app, key)
}

/// Every record of a CSV body, header included.
fn csv_records(response: &TestResponse) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(response.body.as_ref());
    reader
        .records()
        .map(|record| record.unwrap_or_else(|error| panic!("bad CSV ({error}): {}", response.text())))
        .map(|record| record.iter().map(str::to_string).collect())
        .collect()
}

/// The value of `column` in `row`, by the header's column names.
fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let index = header.iter().position(|name| name == column).unwrap_or_else(|| panic!("no column {column}"));
    &row[index]
}

fn ndjson_jobs(response: &TestResponse) -> Vec<Value> {
    let text = response.text();
    assert!(text.is_empty() || text.ends_with('\n'), "NDJSON lines end with a newline");
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("line is not JSON ({error}): {line}")))
        .collect()
}

#[tokio::test]
async fn csv_has_one_header_and_one_row_per_job() {
    let (app, key) = app_with_fixture().await;
    let response = app.get("/jobs/export?format=csv", &key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert!(response.header("content-type").unwrap().starts_with("text/csv"));
    let records = csv_records(&response);
    let header = &records[0];
    let expected_header: Vec<String> = [
        "id",
        "title",
        "description",
        "job_type",
        "status",
        "contractor_tier",
        "posted_on",
        "category.name",
        "category.slug",
        "category.group",
        "category.group_slug",
        "budget.fixed_amount",
        "budget.currency",
        "buyer.payment_verified",
        "buyer.country",
        "buyer.city",
        "buyer.timezone",
        "buyer.total_spent",
        "buyer.total_assignments",
        "buyer.total_jobs_with_hires",
        "tags",
        "url",
        "last_visited_at",
        "duration_label",
        "engagement",
        "skills",
        "hourly_budget.min",
        "hourly_budget.max",
        "client_activity.total_applicants",
        "client_activity.total_hired",
        "client_activity.total_invited_to_interview",
        "client_activity.unanswered_invites",
        "client_activity.invitations_sent",
        "client_activity.last_buyer_activity",
        "location.country",
        "location.city",
        "location.timezone",
        "is_private",
        "privacy_reason",
    ]
    .map(str::to_string)
    .to_vec();
    assert_eq!(header, &expected_header);
    let rows = &records[1..];
    assert_eq!(rows.len(), 30);
    assert!(rows.iter().all(|row| row != header), "the header appears once");
    assert!(rows.iter().all(|row| row.len() == header.len()));
    // Newest first, like /jobs.
    let ids: Vec<&str> = rows.iter().map(|row| cell(header, row, "id")).collect();
    let expected: Vec<&str> = fixture::ROWS.iter().map(|row| row.id).collect();
    assert_eq!(ids, expected);

    // Every cell says what the job says.
    let jobs = app.get("/jobs?limit=100", &key).await.data();
    for (row, job) in rows.iter().zip(&jobs) {
        assert_eq!(cell(header, row, "title"), job["title"]);
        // Commas, quotes and a newline in j19's description survive quoting.
        assert_eq!(cell(header, row, "description"), job["description"]);
        assert_eq!(cell(header, row, "buyer.country"), job["buyer"]["country"]);
        assert_eq!(cell(header, row, "category.group_slug"), job["category"]["group_slug"]);
        assert_eq!(cell(header, row, "posted_on"), job["posted_on"]);
        let amount = cell(header, row, "budget.fixed_amount");
        match job["budget"]["fixed_amount"].as_f64() {
            Some(value) => assert_eq!(amount.parse::<f64>().unwrap(), value, "{}", job["id"]),
            None => assert_eq!(amount, "", "{}", job["id"]),
        }
        let max = cell(header, row, "hourly_budget.max");
        match job["hourly_budget"]["max"].as_f64() {
            Some(value) => assert_eq!(max.parse::<f64>().unwrap(), value),
            None => assert_eq!(max, ""),
        }
    }
    let j19 = rows.iter().find(|row| cell(header, row, "id") == "j19").unwrap();
    assert_eq!(cell(header, j19, "description"), fixture::ROWS[18].description);
    assert!(fixture::ROWS[18].description.contains(['"', ',', '\n']));
    let j08 = rows.iter().find(|row| cell(header, row, "id") == "j08").unwrap();
    assert_eq!(cell(header, j08, "buyer.country"), "US", "country names are stored as codes");
}

#[tokio::test]
async fn csv_quotes_awkward_text() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let mut job = fixture::ROWS[0].to_job(chrono::Utc::now());
    job["id"] = json!("awkward,id");
    job["title"] = json!("Title with \"quotes\", commas, and a\r\nCRLF");
    job["description"] = json!("Line one\nLine two, \"quoted\"\n\n\"\"\nend with a quote\"");
    job["skills"] = json!(["C#", "a,b", "say \"hi\""]);
    app.ingest(&[job.clone()]).await;
    let response = app.get("/jobs/export?format=csv", &key).await;
    let records = csv_records(&response);
    assert_eq!(records.len(), 2, "{}", response.text());
    let (header, row) = (&records[0], &records[1]);
    assert_eq!(cell(header, row, "id"), "awkward,id");
    assert_eq!(cell(header, row, "title"), job["title"]);
    assert_eq!(cell(header, row, "description"), job["description"]);
    assert!(cell(header, row, "skills").contains("say \"hi\""));
}

#[tokio::test]
async fn exports_respect_filters_sort_and_window() {
    let (app, key) = app_with_fixture().await;
    let ids_of = |response: &TestResponse| -> Vec<String> {
        let records = csv_records(response);
        let header = records[0].clone();
        records[1..].iter().map(|row| cell(&header, row, "id").to_string()).collect()
    };
    for (query, expected) in [
        ("country=us", vec!["j01", "j03", "j06", "j08", "j11", "j15", "j18", "j21", "j24", "j27", "j30"]),
        ("q=developer&job_type=hourly", vec!["j05", "j14", "j21"]),
        ("tags=nodejs&sort=budget_desc", vec!["j01", "j11", "j30", "j16", "j24"]),
        ("budget_min=100000", vec![]),
    ] {
        let response = app.get(&format!("/jobs/export?format=csv&{query}"), &key).await;
        assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text());
        assert_eq!(ids_of(&response), expected, "{query}");
        let response = app.get(&format!("/jobs/export?format=ndjson&{query}"), &key).await;
        let ids: Vec<String> =
            ndjson_jobs(&response).iter().map(|job| job["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(ids, expected, "{query} (ndjson)");
    }
    // `limit` caps the rows (the first ones in the export's order).
    let response = app.get("/jobs/export?format=csv&country=us&limit=3", &key).await;
    assert_eq!(ids_of(&response), ["j01", "j03", "j06"]);
    assert_eq!(response.header("x-export-row-limit").unwrap(), "3");
    let response = app.get("/jobs/export?format=ndjson&limit=2", &key).await;
    assert_eq!(ndjson_jobs(&response).len(), 2);
    // An empty export still has its header.
    let response = app.get("/jobs/export?format=csv&country=JP", &key).await;
    assert_eq!(csv_records(&response).len(), 1);
    assert_eq!(app.get("/jobs/export?format=ndjson&country=JP", &key).await.text(), "");

    // The key's window: a starter key sees the last 7 days only.
    let mut old = fixture::ROWS[3].to_job(chrono::Utc::now());
    old["id"] = json!("eight-days-old");
    old["title"] = json!("Archive digitisation of parish registers");
    old["description"] = json!("Scan and index nineteenth century parish registers.");
    old["posted_on"] = json!(fixture::minutes_before(chrono::Utc::now(), 8 * 24 * 60));
    app.ingest(&[old]).await;
    let starter = app.create_key("starter").await;
    for (key, expected) in [(&starter, 30), (&key, 31)] {
        let response = app.get("/jobs/export?format=csv&posted_after=2000-01-01", key).await;
        assert_eq!(csv_records(&response).len() - 1, expected);
        let response = app.get("/jobs/export?format=ndjson", key).await;
        assert_eq!(ndjson_jobs(&response).len(), expected);
    }
}

#[tokio::test]
async fn ndjson_lines_are_jobs() {
    let (app, key) = app_with_fixture().await;
    let response = app.get("/jobs/export?format=ndjson", &key).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.header("content-type").unwrap().starts_with("application/x-ndjson"));
    let lines = ndjson_jobs(&response);
    assert_eq!(lines, app.get("/jobs?limit=100", &key).await.data());
    for job in &lines {
        let parsed: upjobs::model::Job = serde_json::from_value(job.clone()).unwrap();
        assert!(!parsed.id.is_empty());
    }
}

#[tokio::test]
async fn bad_export_requests_are_refused_in_the_envelope() {
    let (app, key) = app_with_fixture().await;
    for (query, message) in [
        ("format=xml", "Invalid format parameter"),
        ("format=", "Invalid format parameter"),
        ("format=CSVX", "Invalid format parameter"),
        ("format=csv&format=ndjson", "Invalid format parameter"),
        ("format=csv&budget_min=abc", "Invalid budget_min parameter"),
        ("format=csv&q=-python", "Invalid q parameter"),
        ("format=csv&sort=sideways", "Invalid sort parameter"),
        ("format=csv&sort=relevance", "Invalid sort parameter"),
        ("format=csv&limit=0", "Invalid limit parameter"),
        ("format=csv&limit=100001", "Invalid limit parameter"),
        ("format=csv&offset=10", "Unknown parameter 'offset'"),
        ("format=csv&frobnicate=1", "Unknown parameter 'frobnicate'"),
    ] {
        let response = app.get(&format!("/jobs/export?{query}"), &key).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}: {}", response.text());
        let body = response.json();
        assert_eq!(body["success"], false);
        assert_eq!(body["data"], json!([]));
        assert_eq!(body["count"], 0);
        let text = body["message"].as_str().unwrap();
        assert!(text == message || text.starts_with(&format!("{message}:")), "{query}: {text}");
    }
    let response = app.get("/jobs/export?format=csv", "upj_wrong").await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
}

async fn calls_this_month(app: &TestApp, key: &str) -> i64 {
    app.get("/usage", key).await.data()[0]["calls_this_month"].as_i64().unwrap()
}

/// Waits (up to 5 s) for the counter to reach `expected`; it must never pass it.
async fn expect_calls(app: &TestApp, key: &str, expected: i64, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let calls = calls_this_month(app, key).await;
        assert!(calls <= expected, "{label}: {calls} calls counted, expected {expected}");
        if calls == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{label}: {calls} calls counted, expected {expected}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_export_counts_one_call_per_started_hundred_rows() {
    let app = spawn_app().await;
    let key = app.create_key("professional").await;
    let mut jobs = fixture::numbered_jobs("export", 250, 30);
    // Applicants 0..249 make row counts easy to pick.
    for (index, job) in jobs.iter_mut().enumerate() {
        job["client_activity"]["total_applicants"] = json!(index);
    }
    let report = app.ingest(&jobs).await;
    assert_eq!(report["inserted"], 250, "{report}");
    let mut expected = calls_this_month(&app, &key).await;
    assert_eq!(expected, 0);
    // (query, rows, calls): 250 rows are 3 calls; an empty export is still one.
    for (query, rows, calls) in [
        ("format=csv", 250, 3),
        ("format=ndjson", 250, 3),
        ("format=csv&budget_min=100000", 0, 1),
        ("format=ndjson&client_activity.total_applicants_max=69", 70, 1),
        ("format=ndjson&client_activity.total_applicants_max=99", 100, 1),
        ("format=csv&client_activity.total_applicants_max=100", 101, 2),
        ("format=csv&client_activity.total_applicants_min=49", 201, 3),
    ] {
        let response = app.get(&format!("/jobs/export?{query}"), &key).await;
        assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text());
        let received =
            if query.contains("csv") { csv_records(&response).len() - 1 } else { ndjson_jobs(&response).len() };
        assert_eq!(received, rows, "{query}");
        expected += calls;
        expect_calls(&app, &key, expected, query).await;
    }
}

// ---- slow and stalled clients ----

/// An app holding `count` generated jobs (about 2 KB each), and a key.
async fn app_with_generated_jobs(count: usize, stall_seconds: u64) -> (TestApp, String) {
    let app = common::spawn_app_with(|config| config.stall_timeout = stall_seconds).await;
    let key = app.create_key("enterprise").await;
    let options = upjobs::jobs_gen::GenOptions { count, seed: 5, days: 3, now: chrono::Utc::now() };
    let jobs: Vec<Value> = upjobs::jobs_gen::generate(&options).map(|job| serde_json::to_value(job).unwrap()).collect();
    for batch in jobs.chunks(1_000) {
        app.ingest(batch).await;
    }
    (app, key)
}

/// Starts an export on a raw connection with a tiny receive buffer, reads
/// its status line, then stops reading.
async fn stalled_export(app: &TestApp, key: &str) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address: std::net::SocketAddr = app.url.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    let request = format!("GET /jobs/export?format=ndjson HTTP/1.1\r\nhost: test\r\nx-api-key: {key}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut start = [0u8; 12];
    stream.read_exact(&mut start).await.unwrap();
    assert_eq!(&start, b"HTTP/1.1 200", "{}", String::from_utf8_lossy(&start));
    stream
}

/// Reads what is left of a connection until the server closes it.
async fn rest_of(mut stream: tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut rest)).await.expect("closed");
    rest
}

#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off_and_frees_its_turn() {
    let (app, key) = app_with_generated_jobs(4_000, 1).await;
    let stalled: Vec<_> = futures_util::future::join_all((0..2).map(|_| stalled_export(&app, &key))).await;
    // Both turns are taken by clients that do not read; queries still run.
    let started = Instant::now();
    assert_eq!(app.get("/jobs?limit=5", &key).await.status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(5), "queries waited {:?}", started.elapsed());
    // A third export gets a turn once the stalled ones are cut off.
    let response = app.get("/jobs/export?format=ndjson", &key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let whole = ndjson_jobs(&response);
    assert!(whole.len() > 3_500, "{} jobs", whole.len());
    // A cut-off export ends without the last chunk, so the client can
    // tell it from a whole one.
    for stream in stalled {
        let rest = rest_of(stream).await;
        assert!(!rest.ends_with(b"0\r\n\r\n"), "a cut-off export must not end like a whole one");
        assert!(rest.len() < response.body.len(), "{} bytes", rest.len());
    }
}

#[tokio::test]
async fn an_export_waits_for_a_turn_then_is_refused_with_429() {
    let (app, key) = app_with_generated_jobs(4_000, 60).await;
    let stalled: Vec<_> = futures_util::future::join_all((0..2).map(|_| stalled_export(&app, &key))).await;
    let other = app.create_key("business").await;
    let started = Instant::now();
    let response = app.get("/jobs/export?format=csv", &other).await;
    assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS, "{}", response.text());
    assert!(started.elapsed() >= Duration::from_secs(9), "refused after {:?}", started.elapsed());
    assert!(
        response.message().starts_with("Rate limit exceeded. Too many exports are running"),
        "{}",
        response.message()
    );
    // Nothing was sent, so the refusal is not a call.
    assert_eq!(calls_this_month(&app, &other).await, 0);
    assert_eq!(response.header("retry-after"), Some("5".to_string()));
    assert_eq!(response.json()["retry_after"], 5);
    // A client that goes away gives its turn back.
    drop(stalled);
    let response = app.get("/jobs/export?format=ndjson", &key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert!(ndjson_jobs(&response).len() > 3_500);
}

/// An export takes its further calls under the key as it is now: revoked
/// mid-stream, it stops at the next block of 100 rows, cut off.
#[tokio::test]
async fn an_export_stops_when_its_key_is_revoked() {
    let (app, _) = app_with_generated_jobs(4_000, 60).await;
    let (key, id) = app.create_key_with(json!({"name": "r", "plan": "enterprise"})).await;
    let stream = stalled_export(&app, &key).await;
    let revoked = app.admin(hyper::Method::DELETE, &format!("/admin/api/keys/{id}"), None).await;
    assert_eq!(revoked.status, StatusCode::OK);
    let rest = rest_of(stream).await;
    let rows = rest.windows(2).filter(|pair| pair == b"}\n").count();
    assert!(rows < 3_500, "{rows} rows after the key was revoked");
    assert!(!rest.ends_with(b"0\r\n\r\n"), "a cut-off export must not end like a whole one");
}
