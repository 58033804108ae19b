//! The background ingest sources: the `--inbox` folder and `--feed` polling.

mod common;

use bytes::Bytes;
use common::{TestApp, distinct_job, eventually, spawn_app_with};
use http_body_util::Full;
use hyper::{Method, StatusCode};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long tests wait for something that should happen within a poll or
/// two; generous, since the machine may be busy compiling.
const PATIENCE: Duration = Duration::from_secs(15);

fn ndjson(jobs: &[Value]) -> String {
    jobs.iter().map(|job| format!("{job}\n")).collect()
}

/// Drops a file the documented way: written under a `.tmp` name, renamed.
fn drop_file(inbox: &Path, name: &str, contents: &str) {
    let temporary = inbox.join(format!("{name}.tmp"));
    std::fs::write(&temporary, contents).unwrap();
    std::fs::rename(&temporary, inbox.join(name)).unwrap();
}

async fn spawn_with_inbox() -> (TestApp, PathBuf) {
    let app = spawn_app_with(|config| {
        let inbox = config.db.parent().unwrap().join("inbox");
        std::fs::create_dir_all(&inbox).unwrap();
        config.inbox = Some(inbox);
    })
    .await;
    let inbox = app.dir.path().join("inbox");
    (app, inbox)
}

async fn job_is_served(app: &TestApp, key: &str, id: &str) -> bool {
    app.get(&format!("/jobs/{id}"), key).await.status == StatusCode::OK
}

/// Waits for `folder/name` and its report, and returns the report.
async fn wait_for_report(folder: &Path, name: &str, patience: Duration) -> Value {
    let report = folder.join(format!("{name}.report.json"));
    let file = folder.join(name);
    eventually(patience, &format!("{}", report.display()), || {
        let (report, file) = (report.clone(), file.clone());
        async move {
            let text = std::fs::read_to_string(&report).ok()?;
            file.exists().then(|| serde_json::from_str::<Value>(&text).unwrap())
        }
    })
    .await
}

async fn stats(app: &TestApp) -> Value {
    let response = app.admin(Method::GET, "/admin/api/stats", None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.data()[0].clone()
}

#[tokio::test]
async fn inbox_ingests_a_dropped_file_within_two_seconds_and_files_it_in_done() {
    let (app, inbox) = spawn_with_inbox().await;
    let key = app.create_key("enterprise").await;
    let jobs = [distinct_job("inbox-good-1", 1), distinct_job("inbox-good-2", 2)];
    let contents = ndjson(&jobs);
    let dropped = Instant::now();
    drop_file(&inbox, "good.ndjson", &contents);
    eventually(Duration::from_secs(2), "the dropped jobs in the API", || async {
        (job_is_served(&app, &key, "inbox-good-1").await && job_is_served(&app, &key, "inbox-good-2").await)
            .then_some(())
    })
    .await;
    assert!(dropped.elapsed() < Duration::from_secs(2));

    let report = wait_for_report(&inbox.join("done"), "good.ndjson", PATIENCE).await;
    assert_eq!(report["file"], "good.ndjson");
    assert_eq!(report["outcome"], "done");
    assert_eq!(report["bytes"], contents.len());
    assert_eq!(report["inserted"], 2, "{report}");
    assert_eq!(report["updated"], 0);
    assert_eq!(report["duplicates"], 0);
    assert_eq!(report["spam"], 0);
    assert_eq!(report["rejected_count"], 0);
    assert_eq!(report["rejected"], serde_json::json!([]));
    assert_eq!(report["error"], Value::Null);
    assert!(report["started_at"].as_str().unwrap() <= report["finished_at"].as_str().unwrap());
    assert!(!inbox.join("good.ndjson").exists(), "the file left the inbox");
    assert_eq!(std::fs::read_to_string(inbox.join("done/good.ndjson")).unwrap(), contents);

    // A JSON array goes in the same way, and the stored jobs are the ones
    // sent, unchanged.
    let array = [distinct_job("inbox-array-1", 3)];
    drop_file(&inbox, "array.json", &serde_json::to_string(&array).unwrap());
    let report = wait_for_report(&inbox.join("done"), "array.json", PATIENCE).await;
    assert_eq!(report["inserted"], 1, "{report}");
    let served = app.get("/jobs/inbox-array-1", &key).await;
    assert_eq!(served.data()[0], array[0]);

    // The health line is updated just after the file is moved.
    let health = eventually(PATIENCE, "two files done in the inbox health", || async {
        let health = stats(&app).await["inbox"].clone();
        (health["done"] == 2).then_some(health)
    })
    .await;
    assert_eq!(health["dir"], inbox.display().to_string());
    assert_eq!(health["failed"], 0);
    assert_eq!(health["last_file"], "array.json");
    assert!(health["last_file_at"].is_string());
    assert_eq!(health["last_error"], Value::Null);
}

#[tokio::test]
async fn inbox_keeps_the_good_records_of_a_file_with_bad_ones_and_lists_the_rejections() {
    let (app, inbox) = spawn_with_inbox().await;
    let key = app.create_key("enterprise").await;
    let mut untitled = distinct_job("inbox-untitled", 1);
    untitled.as_object_mut().unwrap().remove("title");
    let contents = format!(
        "{}\n{{not json\n{}\n\n{}\n",
        distinct_job("inbox-mixed-1", 1),
        untitled,
        distinct_job("inbox-mixed-2", 1)
    );
    drop_file(&inbox, "mixed.ndjson", &contents);
    let report = wait_for_report(&inbox.join("done"), "mixed.ndjson", PATIENCE).await;
    assert_eq!(report["outcome"], "done");
    assert_eq!(report["inserted"], 2, "{report}");
    assert_eq!(report["rejected_count"], 2);
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[0]["id"], Value::Null);
    assert!(rejected[0]["error"].as_str().unwrap().contains("invalid JSON"), "{report}");
    assert_eq!(rejected[1]["line"], 3);
    assert_eq!(rejected[1]["id"], "inbox-untitled");
    assert!(rejected[1]["error"].as_str().unwrap().contains("title"), "{report}");
    assert!(job_is_served(&app, &key, "inbox-mixed-1").await);
    assert!(job_is_served(&app, &key, "inbox-mixed-2").await);
    assert!(!job_is_served(&app, &key, "inbox-untitled").await);
}

#[tokio::test]
async fn inbox_files_a_broken_file_in_failed_with_the_reason() {
    let (app, inbox) = spawn_with_inbox().await;
    let key = app.create_key("enterprise").await;
    // A JSON array cut short: refused whole, so its complete first element
    // is not stored either.
    let truncated = format!("[{},\n{{\"id\": \"inbox-cut", distinct_job("inbox-broken-1", 1));
    drop_file(&inbox, "truncated.json", &truncated);
    let report = wait_for_report(&inbox.join("failed"), "truncated.json", PATIENCE).await;
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["inserted"], 0);
    assert!(report["error"].as_str().unwrap().starts_with("Invalid JSON array"), "{report}");
    assert!(!job_is_served(&app, &key, "inbox-broken-1").await);

    // Not JSON at all: every line rejected, nothing accepted.
    drop_file(&inbox, "export.ndjson", "id,title,posted_on\n1,Logo design,2024-09-27\n");
    let report = wait_for_report(&inbox.join("failed"), "export.ndjson", PATIENCE).await;
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["rejected_count"], 2, "{report}");
    assert!(report["error"].as_str().unwrap().starts_with("no record was accepted"), "{report}");

    let health = eventually(PATIENCE, "two files failed in the inbox health", || async {
        let health = stats(&app).await["inbox"].clone();
        (health["failed"] == 2).then_some(health)
    })
    .await;
    assert_eq!(health["done"], 0);
}

#[tokio::test]
async fn inbox_ignores_a_file_until_it_is_renamed_to_its_final_name() {
    let (app, inbox) = spawn_with_inbox().await;
    let key = app.create_key("enterprise").await;
    let contents = ndjson(&[distinct_job("inbox-later", 1)]);
    for name in ["later.ndjson.tmp", "later.ndjson.part", ".later.ndjson", "later.csv"] {
        std::fs::write(inbox.join(name), &contents).unwrap();
    }
    // Three polls of the folder: long enough for the watcher to have taken
    // any of them if it were going to.
    tokio::time::sleep(3 * upjobs::ingest::inbox::POLL_INTERVAL).await;
    assert!(!job_is_served(&app, &key, "inbox-later").await);
    for name in ["later.ndjson.tmp", "later.ndjson.part", ".later.ndjson", "later.csv"] {
        assert!(inbox.join(name).exists(), "{name} was left alone");
    }

    std::fs::rename(inbox.join("later.ndjson.tmp"), inbox.join("later.ndjson")).unwrap();
    eventually(Duration::from_secs(2), "the renamed file's job in the API", || async {
        job_is_served(&app, &key, "inbox-later").await.then_some(())
    })
    .await;
    let report = wait_for_report(&inbox.join("done"), "later.ndjson", PATIENCE).await;
    assert_eq!(report["inserted"], 1, "{report}");
}

#[tokio::test]
async fn inbox_streams_a_large_file_in_batches_with_line_numbers_across_them() {
    let (app, inbox) = spawn_with_inbox().await;
    // One record more than a batch: the last line is read into a second
    // batch, and keeps its line number there.
    let total = upjobs::ingest::sources::STREAM_BATCH_RECORDS + 1;
    let bad_lines = [2, total];
    let mut contents = String::new();
    for line in 1..=total {
        if bad_lines.contains(&line) {
            contents.push_str(&format!("{{\"id\": \"inbox-bad-{line}\"}}\n"));
        } else {
            // Twenty jobs an hour: well under the per-second seq block.
            contents.push_str(&distinct_job(&format!("inbox-bulk-{line}"), line as i64 / 20).to_string());
            contents.push('\n');
        }
    }
    drop_file(&inbox, "bulk.ndjson", &contents);
    let report = wait_for_report(&inbox.join("done"), "bulk.ndjson", Duration::from_secs(90)).await;
    assert_eq!(report["inserted"], total - bad_lines.len(), "{}", report["rejected"]);
    assert_eq!(report["rejected_count"], bad_lines.len());
    for (rejected, line) in report["rejected"].as_array().unwrap().iter().zip(bad_lines) {
        assert_eq!(rejected["line"], line);
        assert_eq!(rejected["id"], format!("inbox-bad-{line}"));
    }
    assert_eq!(stats(&app).await["jobs_total"], total - bad_lines.len());
}

/// A feed server whose answers the test changes as it goes.
#[derive(Default)]
struct FeedScript {
    body: String,
    etag: String,
    last_modified: String,
    failing: bool,
    /// Every request seen: (If-None-Match, If-Modified-Since, status sent).
    seen: Vec<(Option<String>, Option<String>, u16)>,
}

async fn spawn_feed_server(script: Arc<Mutex<FeedScript>>) -> String {
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jobs.ndjson", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let script = script.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let script = script.clone();
                    async move {
                        let header =
                            |name: &str| request.headers().get(name).map(|value| value.to_str().unwrap().to_string());
                        let (if_none_match, if_modified_since) = (header("if-none-match"), header("if-modified-since"));
                        let mut script = script.lock().unwrap();
                        let response = if script.failing {
                            hyper::Response::builder().status(500).body(Full::new(Bytes::from("down")))
                        } else if if_none_match.as_deref() == Some(script.etag.as_str()) {
                            hyper::Response::builder().status(304).body(Full::new(Bytes::new()))
                        } else {
                            hyper::Response::builder()
                                .header("etag", &script.etag)
                                .header("last-modified", &script.last_modified)
                                .header("content-type", "application/x-ndjson")
                                .body(Full::new(Bytes::from(script.body.clone())))
                        }
                        .unwrap();
                        script.seen.push((if_none_match, if_modified_since, response.status().as_u16()));
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    url
}

async fn feed_health(app: &TestApp) -> Value {
    stats(app).await["feeds"][0].clone()
}

fn seconds_between(earlier: &Value, later: &Value) -> i64 {
    let parse = |value: &Value| chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap();
    (parse(later) - parse(earlier)).num_seconds()
}

#[tokio::test]
async fn feed_is_polled_conditionally_follows_changes_and_backs_off_on_failure() {
    let first_jobs = [distinct_job("feed-1", 3), distinct_job("feed-2", 2)];
    let script = Arc::new(Mutex::new(FeedScript {
        body: ndjson(&first_jobs),
        etag: "\"v1\"".into(),
        last_modified: "Fri, 27 Sep 2024 10:00:00 GMT".into(),
        ..FeedScript::default()
    }));
    let url = spawn_feed_server(script.clone()).await;
    let feed_url = url.clone();
    let app = spawn_app_with(move |config| {
        config.feeds = vec![feed_url];
        config.feed_interval = 1;
    })
    .await;
    let key = app.create_key("enterprise").await;

    // First poll: both jobs in.
    eventually(PATIENCE, "the feed's first jobs", || async {
        (job_is_served(&app, &key, "feed-1").await && job_is_served(&app, &key, "feed-2").await).then_some(())
    })
    .await;

    // Next poll: conditional, answered 304, a success with nothing to ingest.
    eventually(PATIENCE, "a conditional poll answered 304", || async {
        let seen = script.lock().unwrap().seen.clone();
        seen.iter().any(|(_, _, status)| *status == 304).then_some(())
    })
    .await;
    let (if_none_match, if_modified_since, _) =
        script.lock().unwrap().seen.iter().find(|(_, _, status)| *status == 304).cloned().unwrap();
    assert_eq!(if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(if_modified_since.as_deref(), Some("Fri, 27 Sep 2024 10:00:00 GMT"));
    assert_eq!(script.lock().unwrap().seen[0].0, None, "the first poll is unconditional");
    let health = eventually(PATIENCE, "the 304 in the feed's health", || async {
        let health = feed_health(&app).await;
        (health["last_status"] == 304).then_some(health)
    })
    .await;
    assert_eq!(health["url"], url);
    assert_eq!(health["consecutive_failures"], 0);
    assert_eq!(health["last_error"], Value::Null);
    assert!(health["last_success_at"].is_string());
    assert_eq!(health["last_report"]["inserted"], 2, "{health}");

    // The content changes (now a JSON array): the new job appears.
    {
        let mut script = script.lock().unwrap();
        let jobs = [first_jobs[0].clone(), first_jobs[1].clone(), distinct_job("feed-3", 1)];
        script.body = serde_json::to_string(&jobs).unwrap();
        script.etag = "\"v2\"".into();
        script.last_modified = "Fri, 27 Sep 2024 11:00:00 GMT".into();
    }
    eventually(PATIENCE, "the changed feed's new job", || async {
        job_is_served(&app, &key, "feed-3").await.then_some(())
    })
    .await;
    // The health line is written just after the batch commits.
    let health = eventually(PATIENCE, "the changed feed's report in its health", || async {
        let health = feed_health(&app).await;
        (health["last_report"]["inserted"] == 1).then_some(health)
    })
    .await;
    assert_eq!(health["last_report"]["updated"], 2, "{health}");

    // The server fails: the error shows, and each failure doubles the wait.
    script.lock().unwrap().failing = true;
    let health = eventually(PATIENCE, "a failed poll in the feed's health", || async {
        let health = feed_health(&app).await;
        (health["consecutive_failures"] == 1).then_some(health)
    })
    .await;
    assert_eq!(health["last_status"], 500);
    assert!(health["last_error"].as_str().unwrap().contains("500"), "{health}");
    assert_eq!(seconds_between(&health["last_poll_at"], &health["next_poll_at"]), 2, "{health}");
    let health = eventually(PATIENCE, "a second failed poll", || async {
        let health = feed_health(&app).await;
        (health["consecutive_failures"] == 2).then_some(health)
    })
    .await;
    assert_eq!(seconds_between(&health["last_poll_at"], &health["next_poll_at"]), 4, "{health}");

    // It recovers with new content: failures reset, the new job is in.
    {
        let mut script = script.lock().unwrap();
        script.failing = false;
        script.body = ndjson(&[distinct_job("feed-4", 1)]);
        script.etag = "\"v3\"".into();
    }
    let health = eventually(PATIENCE, "the feed's recovery", || async {
        let health = feed_health(&app).await;
        (health["consecutive_failures"] == 0 && health["last_status"] == 200).then_some(health)
    })
    .await;
    assert_eq!(health["last_error"], Value::Null);
    assert_eq!(seconds_between(&health["last_poll_at"], &health["next_poll_at"]), 1, "{health}");
    assert!(job_is_served(&app, &key, "feed-4").await);
    assert!(job_is_served(&app, &key, "feed-1").await, "earlier jobs stay");
}

#[tokio::test]
async fn feed_with_an_unusable_url_shows_the_error_and_is_not_polled() {
    let app = spawn_app_with(|config| config.feeds = vec!["ftp://feeds.example.com/jobs".into()]).await;
    let health = feed_health(&app).await;
    assert_eq!(health["url"], "ftp://feeds.example.com/jobs");
    assert!(health["last_error"].as_str().unwrap().contains("http://"), "{health}");
    assert_eq!(health["next_poll_at"], Value::Null);
}
