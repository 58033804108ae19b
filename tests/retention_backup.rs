//! Retention pruning, backups, `upjobs check` and the metrics listener.

mod common;

use common::{eventually, job, spawn_app, spawn_app_with};
use hyper::{Method, StatusCode};
use serde_json::json;
use std::process::Command;

fn ids(response: &common::TestResponse) -> Vec<String> {
    response.data().iter().map(|job| job["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn prune_keeps_what_the_longest_active_window_can_see() {
    let app = spawn_app().await;
    app.ingest(&[job("recent", 24 * 10), job("older", 24 * 40), job("ancient", 24 * 200)]).await;

    // No active key: nothing is pruned (a fresh install may ingest first).
    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert_eq!(report["jobs_deleted"], 0, "{report}");

    // An enterprise key sees everything: still nothing.
    let (_, enterprise_id) = app.create_key_with(json!({"name": "e", "plan": "enterprise"})).await;
    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert_eq!(report["jobs_deleted"], 0);
    assert_eq!(report["retention_days"], serde_json::Value::Null);

    // With the enterprise key revoked, the longest window is professional's 30 days.
    let professional = app.create_key("professional").await;
    app.admin(Method::DELETE, &format!("/admin/api/keys/{enterprise_id}"), None).await;
    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert_eq!(report["retention_days"], 30);
    assert_eq!(report["jobs_deleted"], 2);

    let (business, _) = app.create_key_with(json!({"name": "b", "plan": "business"})).await;
    assert_eq!(ids(&app.get("/jobs", &business).await), vec!["recent"]);
    assert!(app.get("/jobs?q=experienced", &business).await.data().len() == 1, "FTS follows the deletes");
    assert_eq!(app.get("/jobs/older", &business).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/health", &professional).await.status, StatusCode::OK);

    let dir = app.stop().await;
    let db = dir.path().join("test.db");
    let check =
        Command::new(env!("CARGO_BIN_EXE_upjobs")).args(["check", "--db", db.to_str().unwrap()]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(stdout.contains("jobs: 1"), "{stdout}");
}

#[tokio::test]
async fn prune_deletes_the_request_log_past_its_retention_and_keeps_the_rest() {
    let app = spawn_app_with(|config| config.log_retention_days = 2).await;
    let key = app.create_key("enterprise").await;
    for _ in 0..5 {
        assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    }
    upjobs::flush_once(&app.state).await;
    let before = app.admin(Method::GET, "/admin/api/requests?limit=1000", None).await.data();
    assert_eq!(before.iter().filter(|entry| entry["route"] == "/health").count(), 5, "{before:?}");

    app.clock.advance(std::time::Duration::from_secs(3 * 86_400));
    for _ in 0..2 {
        assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
    }
    upjobs::flush_once(&app.state).await;
    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    // The first flush's block (the key's creation and the five calls) is
    // past retention. The listing of the log is older too, but it was
    // flushed with the two new calls, and a block goes only once its
    // newest entry is past retention.
    assert_eq!(report["request_log_deleted"], before.len() as i64, "{report}");
    let after = app.admin(Method::GET, "/admin/api/requests?limit=1000", None).await.data();
    let routes: Vec<&str> = after.iter().map(|entry| entry["route"].as_str().unwrap()).collect();
    assert_eq!(routes.iter().filter(|route| **route == "/health").count(), 2, "{after:?}");
    assert!(routes.contains(&"/admin/api/requests") && !routes.contains(&"/admin/api/keys"), "{after:?}");
}

/// Webhook delivery records go with the request log: by the same prune,
/// after the same `--log-retention-days`.
#[tokio::test]
async fn prune_deletes_webhook_delivery_records_past_the_log_retention() {
    let app = spawn_app_with(|config| config.log_retention_days = 2).await;
    let key = app.create_key("business").await;
    let headers = [("x-api-key", key.as_str()), ("content-type", "application/json")];
    // `.invalid` never resolves: the test event's attempt fails at once.
    let body = json!({"url": "https://hooks.upjobs.invalid/hook"}).to_string();
    let created = app.request(Method::POST, "/webhooks", &headers, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let deliveries = format!("/webhooks/{}/deliveries", created.data()[0]["id"].as_str().unwrap());
    let test = format!("/webhooks/{}/test", created.data()[0]["id"].as_str().unwrap());
    assert!(app.request(Method::POST, &test, &headers, "").await.status.is_success());
    let first = eventually(std::time::Duration::from_secs(10), "the test event's attempt", || async {
        app.get(&deliveries, &key).await.data().first().cloned()
    })
    .await;

    let kept = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert_eq!(kept["delivery_records_deleted"], 0, "{kept}");
    app.clock.advance(std::time::Duration::from_secs(3 * 86_400));
    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert!(report["delivery_records_deleted"].as_i64().unwrap() >= 1, "{report}");
    // The message is still pending (its retry is due now), so a new
    // attempt may be listed; the old one is gone.
    let left = app.get(&deliveries, &key).await.data();
    assert!(left.iter().all(|attempt| attempt["time"] != first["time"]), "{first} still in {left:?}");
}

#[tokio::test]
async fn max_retention_days_caps_even_unlimited_keys() {
    let app = spawn_app_with(|config| config.max_retention_days = Some(20)).await;
    app.create_key("enterprise").await;
    app.ingest(&[job("recent", 24 * 10), job("older", 24 * 40)]).await;
    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert_eq!(report["retention_days"], 20);
    assert_eq!(report["jobs_deleted"], 1);
}

#[tokio::test]
async fn prune_merges_the_search_index_into_one_segment() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    // Every ingest commits on its own and leaves a segment in the index.
    for batch in 0..12 {
        let jobs: Vec<_> = (0..5).map(|index| job(&format!("m-{batch}-{index}"), batch * 5 + index)).collect();
        app.ingest(&jobs).await;
    }
    let before = ids(&app.get("/jobs?q=react%20developer&limit=100", &key).await);
    assert_eq!(before.len(), 60, "{before:?}");

    let report = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert!(report["search_index_merge_steps"].as_i64().unwrap() >= 1, "{report}");
    let again = app.admin(Method::POST, "/admin/api/prune", None).await.data()[0].clone();
    assert_eq!(again["search_index_merge_steps"], 0, "one segment already: {again}");
    assert_eq!(ids(&app.get("/jobs?q=react%20developer&limit=100", &key).await), before);

    let dir = app.stop().await;
    let db = dir.path().join("test.db");
    let check =
        Command::new(env!("CARGO_BIN_EXE_upjobs")).args(["check", "--db", db.to_str().unwrap()]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

#[tokio::test]
async fn backups_are_consistent_copies_while_serving() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let jobs: Vec<_> = (0..50).map(|index| job(&format!("b-{index}"), index)).collect();
    app.ingest(&jobs).await;

    let streamed = app.admin(Method::GET, "/admin/api/backup", None).await;
    assert_eq!(streamed.status, StatusCode::OK);
    assert_eq!(streamed.header("content-type").unwrap(), "application/vnd.sqlite3");
    assert!(streamed.body.starts_with(b"SQLite format 3\0"));
    let copy = app.dir.path().join("streamed.db");
    std::fs::write(&copy, &streamed.body).unwrap();
    let check =
        Command::new(env!("CARGO_BIN_EXE_upjobs")).args(["check", "--db", copy.to_str().unwrap()]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    assert!(String::from_utf8_lossy(&check.stdout).contains("jobs: 50"));

    // The CLI copies the live file while the server keeps answering.
    let db = app.db_path.clone();
    let target = app.dir.path().join("cli.db");
    let backup = Command::new(env!("CARGO_BIN_EXE_upjobs"))
        .args(["backup", "--db", db.to_str().unwrap(), target.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert_eq!(app.get("/jobs?limit=1", &key).await.status, StatusCode::OK);
    let again = Command::new(env!("CARGO_BIN_EXE_upjobs"))
        .args(["backup", "--db", db.to_str().unwrap(), target.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success(), "an existing file is never overwritten");
}

#[test]
fn check_fails_on_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("damaged.db");
    let status = Command::new(env!("CARGO_BIN_EXE_upjobs"))
        .args(["import", "--db", db.to_str().unwrap(), "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            for index in 0..300 {
                writeln!(stdin, "{}", job(&format!("d-{index}"), index)).unwrap();
            }
            drop(stdin);
            child.wait()
        })
        .unwrap();
    assert!(status.success());
    let ok = Command::new(env!("CARGO_BIN_EXE_upjobs")).args(["check", "--db", db.to_str().unwrap()]).output().unwrap();
    assert!(ok.status.success());
    // Scribble over a page in the middle of the file.
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 4096] {
        *byte = 0x5a;
    }
    std::fs::write(&db, bytes).unwrap();
    let damaged =
        Command::new(env!("CARGO_BIN_EXE_upjobs")).args(["check", "--db", db.to_str().unwrap()]).output().unwrap();
    assert!(!damaged.status.success(), "{}", String::from_utf8_lossy(&damaged.stdout));
}

#[tokio::test]
async fn metrics_listener_needs_no_token() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let app = spawn_app_with(|config| config.metrics_listen = Some(format!("127.0.0.1:{port}").parse().unwrap())).await;
    app.request(Method::GET, "/livez", &[], "").await;
    let address = format!("127.0.0.1:{port}");
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("upjobs_database_size_bytes"));
}
