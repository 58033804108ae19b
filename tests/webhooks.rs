//! Webhooks end to end: a real HTTP receiver on loopback records what the
//! server sends; signatures are checked by the `standardwebhooks` package
//! from PyPI, an implementation independent of ours.

mod common;

use bytes::Bytes;
use common::{ADMIN_TOKEN, TestApp, TestResponse, distinct_job, eventually, spawn_app_in, spawn_app_with};
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---- the receiver ----

/// What the receiver answers to one request.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn status(status: u16) -> Answer {
        Answer { status, headers: Vec::new() }
    }
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: String,
    at: Instant,
    /// The status it was answered with.
    answered: u16,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A small HTTP server that records requests and answers from a script
/// (then with its default answer).
#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
    default_answer: Arc<Mutex<Answer>>,
}

impl Receiver {
    async fn start(default_status: u16) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            url: format!("http://{}", listener.local_addr().unwrap()),
            received: Default::default(),
            script: Default::default(),
            default_answer: Arc::new(Mutex::new(Answer::status(default_status))),
        };
        let shared = receiver.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let receiver = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let receiver = receiver.clone();
                        async move { Ok::<_, std::convert::Infallible>(receiver.answer(request).await) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        receiver
    }

    async fn answer(&self, request: hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
        let path = request.uri().path().to_string();
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_string(), value.to_str().unwrap_or("").to_string()))
            .collect();
        let body = request.into_body().collect().await.map(|body| body.to_bytes()).unwrap_or_default();
        let answer =
            self.script.lock().unwrap().pop_front().unwrap_or_else(|| self.default_answer.lock().unwrap().clone());
        self.received.lock().unwrap().push(Received {
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            at: Instant::now(),
            answered: answer.status,
        });
        let mut response = hyper::Response::new(Full::new(Bytes::from_static(b"ok")));
        *response.status_mut() = StatusCode::from_u16(answer.status).unwrap();
        for (name, value) in answer.headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        response
    }

    fn answer_with(&self, answer: Answer) {
        *self.default_answer.lock().unwrap() = answer;
    }

    fn script(&self, answers: Vec<Answer>) {
        self.script.lock().unwrap().extend(answers);
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` requests arrived; returns all of them.
    async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        eventually(timeout, &format!("{count} webhook requests"), || async {
            let received = self.received();
            (received.len() >= count).then_some(received)
        })
        .await
    }
}

// ---- independent signature check ----

const VERIFY_SCRIPT: &str = r#"
import sys
try:
    from standardwebhooks import Webhook
except ImportError:
    sys.exit(3)
secret, message_id, timestamp, signature = sys.argv[1:5]
body = sys.stdin.buffer.read().decode("utf-8")
Webhook(secret).verify(body, {"webhook-id": message_id, "webhook-timestamp": timestamp, "webhook-signature": signature})
"#;

/// Verifies a received request with the `standardwebhooks` package; Err
/// carries the library's complaint.
fn verify_with_standardwebhooks(secret: &str, request: &Received) -> Result<(), String> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args(["-c", VERIFY_SCRIPT, secret])
        .args([request.header("webhook-id"), request.header("webhook-timestamp"), request.header("webhook-signature")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed to verify webhook signatures independently (install python3)");
    child.stdin.take().unwrap().write_all(request.body.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    match output.status.code() {
        Some(0) => Ok(()),
        Some(3) => panic!(
            "the Python package `standardwebhooks` is missing: run `pip install standardwebhooks` \
             (scripts/test.sh installs it)"
        ),
        _ => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
    }
}

// ---- helpers ----

async fn spawn(configure: impl FnOnce(&mut upjobs::config::ServeConfig)) -> TestApp {
    spawn_app_with(|config| {
        // The receiver listens on loopback.
        config.webhook_allow_private = true;
        configure(config);
    })
    .await
}

async fn call(app: &TestApp, method: Method, path: &str, key: &str, body: Option<Value>) -> TestResponse {
    let body = body.map(|value| Bytes::from(value.to_string())).unwrap_or_default();
    app.request(method, path, &[("x-api-key", key), ("content-type", "application/json")], body).await
}

/// Creates a webhook and returns its `data[0]`.
async fn create_webhook(app: &TestApp, key: &str, url: &str, filters: Value) -> Value {
    let response = call(app, Method::POST, "/webhooks", key, Some(json!({"url": url, "filters": filters}))).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    response.data()[0].clone()
}

async fn webhook(app: &TestApp, key: &str, id: &str) -> Value {
    let response = app.get(&format!("/webhooks/{id}"), key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.data()[0].clone()
}

fn in_category(mut job: Value, slug: &str, name: &str) -> Value {
    job["category"] = json!({"name": name, "slug": slug, "group": "Development & IT", "group_slug": "development-it"});
    job
}

fn secret_of(created: &Value) -> String {
    created["secret"].as_str().unwrap().to_string()
}

// ---- tests ----

#[tokio::test]
async fn new_matching_jobs_are_delivered_signed_within_a_second() {
    let receiver = Receiver::start(200).await;
    let app = spawn(|_| {}).await;
    let key = app.create_key("business").await;
    let created = create_webhook(
        &app,
        &key,
        &format!("{}/hooks/upjobs", receiver.url),
        json!({"category": "web-development", "budget_min": 1000, "skills": ["react"]}),
    )
    .await;
    assert!(secret_of(&created).starts_with("whsec_"));
    assert_eq!(created["active"], true);
    assert_eq!(created["filters"], json!({"category": "web-development", "budget_min": "1000", "skills": "react"}));

    let mut cheap = distinct_job("cheap-1", 1);
    cheap["budget"]["fixed_amount"] = json!(500);
    let other_category = in_category(distinct_job("mobile-1", 1), "mobile-development", "Mobile Development");
    let report = app.ingest(&[distinct_job("match-1", 1), cheap, other_category]).await;
    assert_eq!(report["inserted"], 3);
    let committed = Instant::now();

    let received = receiver.wait_for(1, Duration::from_secs(5)).await;
    let first = &received[0];
    assert!(
        first.at.duration_since(committed) < Duration::from_secs(1),
        "first attempt took {:?} after the ingest answered",
        first.at.duration_since(committed)
    );
    assert_eq!(first.path, "/hooks/upjobs");
    assert_eq!(first.header("content-type"), "application/json");
    assert!(first.header("webhook-id").starts_with("msg_"));
    let timestamp: i64 = first.header("webhook-timestamp").parse().unwrap();
    assert!((timestamp - chrono::Utc::now().timestamp()).abs() < 30);
    assert!(first.header("webhook-signature").starts_with("v1,"));
    verify_with_standardwebhooks(&secret_of(&created), first).expect("the signature verifies");
    let mut tampered = first.clone();
    tampered.body = tampered.body.replace("match-1", "match-2");
    assert!(verify_with_standardwebhooks(&secret_of(&created), &tampered).is_err(), "a changed body must not verify");

    let payload = first.json();
    assert_eq!(payload["type"], "job.created");
    assert!(chrono::DateTime::parse_from_rfc3339(payload["timestamp"].as_str().unwrap()).is_ok());
    // The job exactly as the API serves it.
    let served = app.get("/jobs/match-1", &key).await.data()[0].clone();
    assert_eq!(payload["data"], served);

    // Another matching job after a pause: only it arrives, so the two
    // non-matching jobs above produced nothing.
    app.ingest(&[distinct_job("match-2", 1)]).await;
    let received = receiver.wait_for(2, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: Vec<Value> = receiver.received().iter().map(|request| request.json()["data"]["id"].clone()).collect();
    assert_eq!(ids, [json!("match-1"), json!("match-2")]);
    assert_ne!(received[0].header("webhook-id"), received[1].header("webhook-id"));
}

#[tokio::test]
async fn updates_duplicates_and_spam_are_not_delivered() {
    let receiver = Receiver::start(200).await;
    let app = spawn(|_| {}).await;
    let key = app.create_key("enterprise").await;
    create_webhook(&app, &key, &receiver.url, json!({"category": "web-development"})).await;
    app.ingest(&[distinct_job("original-1", 2)]).await;
    receiver.wait_for(1, Duration::from_secs(5)).await;

    // An update of a known id.
    let mut update = distinct_job("original-1", 2);
    update["title"] = json!("A new title for the same job");
    let report = app.ingest(&[update]).await;
    assert_eq!(report["updated"], 1);
    // The same posting under a new id: a duplicate.
    let mut repost = distinct_job("original-1", 1);
    repost["id"] = json!("repost-1");
    repost["url"] = json!("https://www.upwork.com/jobs/~01repost1");
    repost["title"] = json!("A new title for the same job");
    let report = app.ingest(&[repost]).await;
    assert_eq!(report["duplicates"], 1, "{report}");
    // A marker job: everything ingested before it has been matched by the time it arrives.
    app.ingest(&[distinct_job("marker-1", 1)]).await;
    receiver.wait_for(2, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: Vec<Value> = receiver.received().iter().map(|request| request.json()["data"]["id"].clone()).collect();
    assert_eq!(ids, [json!("original-1"), json!("marker-1")]);
}

#[tokio::test]
async fn spam_is_not_delivered() {
    let receiver = Receiver::start(200).await;
    let app = spawn(|_| {}).await;
    let key = app.create_key("business").await;
    create_webhook(&app, &key, &receiver.url, json!({})).await;
    let mut spam = distinct_job("spam-1", 1);
    spam["description"] =
        json!("Easy work from home! Contact me on telegram @x and pay a registration fee of $50 to start today.");
    let report = app.ingest(&[spam]).await;
    assert_eq!(report["spam"], 1, "the spam rules should catch this job: {report}");
    app.ingest(&[distinct_job("marker-2", 1)]).await;
    receiver.wait_for(1, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: Vec<Value> = receiver.received().iter().map(|request| request.json()["data"]["id"].clone()).collect();
    assert_eq!(ids, [json!("marker-2")]);
}

#[tokio::test]
async fn failed_attempts_are_retried_with_the_same_webhook_id() {
    let receiver = Receiver::start(200).await;
    receiver.script(vec![Answer::status(500), Answer::status(503)]);
    let app = spawn(|config| config.webhook_retry_schedule = "1s,1s".into()).await;
    let key = app.create_key("business").await;
    let created = create_webhook(&app, &key, &receiver.url, json!({})).await;
    let id = created["id"].as_str().unwrap();
    app.ingest(&[distinct_job("retry-1", 1)]).await;

    let received = receiver.wait_for(3, Duration::from_secs(10)).await;
    let answered: Vec<u16> = received.iter().map(|request| request.answered).collect();
    assert_eq!(answered, [500, 503, 200]);
    let message_ids: HashSet<&str> = received.iter().map(|request| request.header("webhook-id")).collect();
    assert_eq!(message_ids.len(), 1, "retries keep the webhook-id");
    assert_eq!(received[0].body, received[2].body, "retries carry the same body");
    let gap = received[1].at.duration_since(received[0].at);
    assert!(gap >= Duration::from_millis(850) && gap < Duration::from_secs(3), "retry after {gap:?}");
    for request in &received {
        verify_with_standardwebhooks(&secret_of(&created), request).expect("every attempt is signed");
    }

    let deliveries = eventually(Duration::from_secs(5), "three recorded attempts", || async {
        let data = app.get(&format!("/webhooks/{id}/deliveries"), &key).await.data();
        (data.len() == 3).then_some(data)
    })
    .await;
    let codes: Vec<Value> = deliveries.iter().map(|attempt| attempt["status_code"].clone()).collect();
    assert_eq!(codes, [json!(200), json!(503), json!(500)], "newest first");
    assert_eq!(deliveries[0]["success"], true);
    assert_eq!(deliveries[0]["error"], Value::Null);
    assert_eq!(deliveries[2]["error"], "HTTP 500: ok");
    assert_eq!(deliveries[0]["event_type"], "job.created");
    assert!(deliveries.iter().all(|attempt| attempt["message_id"] == received[0].header("webhook-id")));
    assert!(deliveries.iter().all(|attempt| attempt["latency_ms"].as_i64().unwrap() >= 0));
    let shown = webhook(&app, &key, id).await;
    assert_eq!(shown["failures"], 0);
    assert!(shown["last_success_at"].is_string());
    assert_eq!(shown["messages"], json!({"pending": 0, "delivered": 1, "failed": 0}));
}

#[tokio::test]
async fn a_message_fails_once_the_schedule_is_exhausted() {
    let receiver = Receiver::start(500).await;
    let app = spawn(|config| config.webhook_retry_schedule = "1s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &receiver.url, json!({})).await["id"].as_str().unwrap().to_string();
    app.ingest(&[distinct_job("doomed-1", 1)]).await;
    receiver.wait_for(2, Duration::from_secs(10)).await;
    let shown = eventually(Duration::from_secs(5), "the message to fail", || async {
        let shown = webhook(&app, &key, &id).await;
        (shown["messages"]["failed"] == 1).then_some(shown)
    })
    .await;
    assert_eq!(shown["failures"], 2);
    assert_eq!(shown["active"], true, "one failed message does not disable an endpoint");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), 2, "no attempt after the schedule ends");
}

#[tokio::test]
async fn a_job_deleted_before_its_retry_is_not_sent() {
    let receiver = Receiver::start(500).await;
    let app = spawn(|config| config.webhook_retry_schedule = "2s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &receiver.url, json!({})).await["id"].as_str().unwrap().to_string();
    app.ingest(&[distinct_job("deleted-1", 1)]).await;
    receiver.wait_for(1, Duration::from_secs(5)).await;
    let deleted = app.admin(Method::DELETE, "/admin/api/jobs/deleted-1", None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
    receiver.answer_with(Answer::status(200));
    let deliveries = eventually(Duration::from_secs(10), "the dropped attempt", || async {
        let data = app.get(&format!("/webhooks/{id}/deliveries"), &key).await.data();
        (data.len() == 2).then_some(data)
    })
    .await;
    assert!(deliveries[0]["error"].as_str().unwrap().contains("deleted or marked as spam"), "{}", deliveries[0]);
    assert_eq!(deliveries[0]["status_code"], Value::Null);
    assert_eq!(receiver.received().len(), 1, "nothing is sent for a job that is gone");
    let shown = webhook(&app, &key, &id).await;
    assert_eq!(shown["messages"], json!({"pending": 0, "delivered": 0, "failed": 1}));
}

/// Messages queued while a key could receive webhooks are dropped, unsent,
/// once it cannot: revoked, expired, or moved to a plan without webhooks.
#[tokio::test]
async fn queued_messages_are_dropped_when_the_key_loses_its_webhooks() {
    for change in [None, Some(json!({"expires_at": "2021-01-01"})), Some(json!({"plan": "starter"}))] {
        let receiver = Receiver::start(500).await;
        let app = spawn(|config| config.webhook_retry_schedule = "1s".into()).await;
        let (key, key_id) = app.create_key_with(json!({"name": "w", "plan": "business"})).await;
        create_webhook(&app, &key, &receiver.url, json!({})).await;
        app.ingest(&[distinct_job("lost-1", 1)]).await;
        receiver.wait_for(1, Duration::from_secs(5)).await;
        let changed = match &change {
            None => app.admin(Method::DELETE, &format!("/admin/api/keys/{key_id}"), None).await,
            Some(body) => app.admin(Method::PATCH, &format!("/admin/api/keys/{key_id}"), Some(body.clone())).await,
        };
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        receiver.answer_with(Answer::status(200));
        let conn = rusqlite::Connection::open(&app.db_path).unwrap();
        let error: String = eventually(Duration::from_secs(10), "the dropped attempt", || async {
            conn.query_row("SELECT error FROM webhook_attempts WHERE error LIKE 'not sent:%'", [], |row| row.get(0))
                .ok()
        })
        .await;
        let why = match &change {
            None => "not sent: the key was revoked",
            Some(body) if body.get("plan").is_some() => "not sent: the key's plan has no webhooks",
            Some(_) => "not sent: the key has expired",
        };
        assert_eq!(error, why);
        assert_eq!(receiver.received().len(), 1, "{why}: nothing more is sent");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let receiver = Receiver::start(200).await;
    receiver.script(vec![Answer { status: 429, headers: vec![("retry-after", "3".into())] }]);
    let app = spawn(|config| config.webhook_retry_schedule = "1s".into()).await;
    let key = app.create_key("business").await;
    create_webhook(&app, &key, &receiver.url, json!({})).await;
    app.ingest(&[distinct_job("limited-1", 1)]).await;
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    let gap = received[1].at.duration_since(received[0].at);
    assert!(gap >= Duration::from_millis(2900), "retried after {gap:?} despite Retry-After: 3");
}

#[tokio::test]
async fn gone_disables_the_subscription() {
    let receiver = Receiver::start(410).await;
    let app = spawn(|config| config.webhook_retry_schedule = "1s,1s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &receiver.url, json!({})).await["id"].as_str().unwrap().to_string();
    app.ingest(&[distinct_job("gone-1", 1), distinct_job("gone-2", 1)]).await;
    receiver.wait_for(1, Duration::from_secs(5)).await;
    let shown = eventually(Duration::from_secs(5), "the subscription to be disabled", || async {
        let shown = webhook(&app, &key, &id).await;
        (shown["active"] == false).then_some(shown)
    })
    .await;
    assert!(shown["disabled_reason"].as_str().unwrap().contains("410"), "{shown}");
    let sent = receiver.received().len();
    app.ingest(&[distinct_job("gone-3", 1)]).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.received().len(), sent, "a disabled subscription receives nothing more");
    assert_eq!(webhook(&app, &key, &id).await["messages"]["pending"], 0);
    // Its test event is refused with the reason.
    let response = call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert!(response.message().contains("410"));
}

#[tokio::test]
async fn a_disabled_webhook_is_turned_on_again_with_a_new_url_and_filters() {
    let (gone, working) = (Receiver::start(410).await, Receiver::start(204).await);
    let app = spawn(|config| config.webhook_retry_schedule = "1s,1s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &gone.url, json!({})).await["id"].as_str().unwrap().to_string();
    let path = format!("/webhooks/{id}");
    app.ingest(&[distinct_job("patch-1", 1)]).await;
    gone.wait_for(1, Duration::from_secs(5)).await;
    eventually(Duration::from_secs(5), "the subscription to be disabled", || async {
        (webhook(&app, &key, &id).await["active"] == false).then_some(())
    })
    .await;

    let changes = json!({
        "active": true,
        "url": working.url,
        "filters": {"category": "web-development"},
        "description": "moved"
    });
    let response = call(&app, Method::PATCH, &path, &key, Some(changes)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let shown = &response.data()[0];
    assert_eq!(shown["active"], true);
    assert_eq!(shown["disabled_reason"], Value::Null);
    assert_eq!(shown["failing_since"], Value::Null);
    assert_eq!(shown["failures"], 0);
    assert_eq!(shown["url"], working.url.as_str());
    assert_eq!(shown["filters"], json!({"category": "web-development"}));
    assert_eq!(shown["description"], "moved");
    assert!(shown.get("secret").is_none(), "{shown}");

    // Only the new filters match, and only the new URL receives.
    let matching = in_category(distinct_job("patch-web", 1), "web-development", "Web Development");
    let other = in_category(distinct_job("patch-mobile", 1), "mobile-development", "Mobile Development");
    app.ingest(&[matching, other]).await;
    let received = working.wait_for(1, Duration::from_secs(5)).await;
    assert!(received[0].body.contains("\"id\":\"patch-web\""), "{}", received[0].body);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(working.received().len(), 1, "the other category does not match");
    assert_eq!(gone.received().len(), 1, "the old URL receives nothing more");

    // Bad changes are refused and change nothing.
    for (body, expected) in [
        (json!({}), "Nothing to change"),
        (json!({"active": "yes"}), "Invalid active"),
        (json!({"secret": "whsec_x"}), "Unknown field 'secret'"),
        (json!({"filters": {"budgetmin": 5}}), "Unknown parameter 'budgetmin'"),
        (json!({"url": "ftp://example.com/hook", "active": false}), "url"),
        (json!({"description": "x".repeat(501)}), "Invalid description"),
    ] {
        let response = call(&app, Method::PATCH, &path, &key, Some(body.clone())).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}: {}", response.text());
        assert!(response.message().contains(expected), "{body}: {}", response.message());
    }
    let unchanged = webhook(&app, &key, &id).await;
    assert_eq!((&unchanged["url"], &unchanged["active"]), (&json!(working.url), &json!(true)));
    assert_eq!(unchanged["filters"], json!({"category": "web-development"}));
    let other_key = app.create_key("enterprise").await;
    let response = call(&app, Method::PATCH, &path, &other_key, Some(json!({"active": false}))).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);

    // Turned off by its owner: nothing more arrives.
    let response = call(&app, Method::PATCH, &path, &key, Some(json!({"active": false}))).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.data()[0]["active"], false);
    assert!(response.data()[0]["disabled_reason"].as_str().unwrap().contains("PATCH"), "{}", response.text());
    app.ingest(&[in_category(distinct_job("patch-web-2", 1), "web-development", "Web Development")]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(working.received().len(), 1, "a subscription turned off receives nothing");
}

#[tokio::test]
async fn redirects_are_not_followed_and_count_as_failures() {
    let receiver = Receiver::start(200).await;
    receiver.answer_with(Answer { status: 302, headers: vec![("location", "http://127.0.0.1:9/elsewhere".into())] });
    let app = spawn(|config| config.webhook_retry_schedule = "1s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &format!("{}/hook", receiver.url), json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.ingest(&[distinct_job("redirect-1", 1)]).await;
    receiver.wait_for(2, Duration::from_secs(10)).await;
    assert!(receiver.received().iter().all(|request| request.path == "/hook"));
    let deliveries = eventually(Duration::from_secs(5), "two recorded attempts", || async {
        let data = app.get(&format!("/webhooks/{id}/deliveries"), &key).await.data();
        (data.len() == 2).then_some(data)
    })
    .await;
    assert_eq!(deliveries[0]["status_code"], 302);
    assert_eq!(deliveries[0]["success"], false);
    assert!(deliveries[0]["error"].as_str().unwrap().contains("not followed"), "{}", deliveries[0]);
    let shown = eventually(Duration::from_secs(5), "the message to fail", || async {
        let shown = webhook(&app, &key, &id).await;
        (shown["messages"]["failed"] == 1).then_some(shown)
    })
    .await;
    assert_eq!(shown["messages"]["delivered"], 0);
}

#[tokio::test]
async fn plans_without_webhooks_get_403() {
    let app = spawn(|_| {}).await;
    for plan in ["starter", "professional"] {
        let key = app.create_key(plan).await;
        let create = json!({"url": "https://example.com/hook", "filters": {}});
        let responses = [
            call(&app, Method::POST, "/webhooks", &key, Some(create)).await,
            call(&app, Method::GET, "/webhooks", &key, None).await,
            call(&app, Method::GET, "/webhooks/wh_x", &key, None).await,
            call(&app, Method::DELETE, "/webhooks/wh_x", &key, None).await,
            call(&app, Method::POST, "/webhooks/wh_x/test", &key, None).await,
            call(&app, Method::GET, "/webhooks/wh_x/deliveries", &key, None).await,
            call(&app, Method::POST, "/webhooks/wh_x/rotate-secret", &key, None).await,
        ];
        for response in responses {
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{plan}: {}", response.text());
            assert_eq!(response.message(), "Webhooks are available on the Business and Enterprise plans.");
        }
    }
    let key = app.create_key("enterprise").await;
    assert_eq!(call(&app, Method::GET, "/webhooks", &key, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn private_targets_are_refused_unless_the_operator_allows_them() {
    let app = spawn_app_with(|_| {}).await;
    let key = app.create_key("business").await;
    for (url, reason) in [
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://localhost:9/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.0.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "metadata"),
        ("http://[::1]:9/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]:9/hook", "loopback"),
        ("http://[fd00::1]/hook", "unique-local"),
        ("http://100.64.0.1/hook", "carrier-grade NAT"),
    ] {
        let response = call(&app, Method::POST, "/webhooks", &key, Some(json!({"url": url}))).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{url}: {}", response.text());
        let message = response.message();
        assert!(message.starts_with("Webhook URL refused"), "{url}: {message}");
        assert!(message.contains(reason), "{url}: {message}");
        // The metadata service stays refused whatever the operator allows.
        assert_eq!(message.contains("--webhook-allow-private"), reason != "metadata", "{message}");
    }
    // A name that does not resolve now is accepted: deliveries resolve and
    // check it again (`.invalid` never resolves, online or not).
    let response =
        call(&app, Method::POST, "/webhooks", &key, Some(json!({"url": "https://hooks.upjobs.invalid/hook"}))).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let id = response.data()[0]["id"].as_str().unwrap().to_string();
    let test = call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    assert!(test.status.is_success(), "{}", test.text());
    let deliveries = eventually(Duration::from_secs(10), "the unresolved attempt", || async {
        let data = app.get(&format!("/webhooks/{id}/deliveries"), &key).await.data();
        (!data.is_empty()).then_some(data)
    })
    .await;
    let error = deliveries[0]["error"].as_str().unwrap();
    assert!(error.starts_with("hooks.upjobs.invalid could not be resolved"), "{}", deliveries[0]);
    assert_eq!(deliveries[0]["status_code"], Value::Null);
    let allowed = spawn(|_| {}).await;
    let key = allowed.create_key("business").await;
    let response =
        call(&allowed, Method::POST, "/webhooks", &key, Some(json!({"url": "http://127.0.0.1:9/hook"}))).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    // Allowing private targets does not open the metadata service or
    // addresses no receiver can have.
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0:9/",
        "http://224.0.0.1/",
    ] {
        let response = call(&allowed, Method::POST, "/webhooks", &key, Some(json!({"url": url}))).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{url}: {}", response.text());
        assert!(response.message().ends_with("no webhook target may be one"), "{url}: {}", response.message());
    }
}

#[tokio::test]
async fn delivery_checks_the_target_again() {
    // A subscription made while private targets were allowed is refused at
    // delivery once the operator turns the permission off.
    let receiver = Receiver::start(200).await;
    let app = spawn(|config| config.webhook_retry_schedule = "1s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &receiver.url, json!({})).await["id"].as_str().unwrap().to_string();
    let dir = app.stop().await;
    let app = spawn_app_in(dir, |config| config.webhook_retry_schedule = "1s".into()).await;
    app.ingest(&[distinct_job("guarded-1", 1)]).await;
    let deliveries = eventually(Duration::from_secs(5), "a refused attempt", || async {
        let data = app.get(&format!("/webhooks/{id}/deliveries"), &key).await.data();
        (!data.is_empty()).then_some(data)
    })
    .await;
    assert_eq!(deliveries[0]["status_code"], Value::Null);
    assert!(deliveries[0]["error"].as_str().unwrap().starts_with("Webhook URL refused"), "{}", deliveries[0]);
    assert!(receiver.received().is_empty(), "nothing reached the private address");
}

#[tokio::test]
async fn subscriptions_are_validated_like_jobs_queries() {
    let app = spawn(|_| {}).await;
    let key = app.create_key("business").await;
    for (filters, query) in [
        (json!({"budgetmin": 5}), "budgetmin=5"),
        (json!({"frobnicate": "x"}), "frobnicate=x"),
        (json!({"budget_min": "abc"}), "budget_min=abc"),
        (json!({"budget_min": 500, "budget_max": 100}), "budget_min=500&budget_max=100"),
        (json!({"country": "USA"}), "country=USA"),
        (json!({"payment_verified": "yes"}), "payment_verified=yes"),
        (json!({"category": "nope"}), "category=nope"),
        (json!({"since": "7w"}), "since=7w"),
    ] {
        let response = call(
            &app,
            Method::POST,
            "/webhooks",
            &key,
            Some(json!({"url": "http://127.0.0.1:9/", "filters": filters})),
        )
        .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{filters}");
        let jobs = app.get(&format!("/jobs?{query}"), &key).await;
        assert_eq!(jobs.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(response.message(), jobs.message(), "{filters} vs {query}");
    }
    for (body, message) in [
        (json!({"filters": {}}), "Missing url"),
        (json!({"url": "ftp://example.com/"}), "only http and https"),
        (json!({"url": format!("https://example.com/{}", "a".repeat(2_000))}), "longer than 2000"),
        (json!({"url": "not a url"}), "Invalid url"),
        (json!({"url": "http://127.0.0.1:9/", "colour": "red"}), "Unknown field 'colour'"),
        (json!({"url": "http://127.0.0.1:9/", "filters": ["category"]}), "Invalid filters"),
        (json!({"url": "http://127.0.0.1:9/", "description": 5}), "Invalid description"),
        (
            json!({"url": "http://127.0.0.1:9/", "filters": {"limit": 5}}),
            "Invalid filters: 'limit' pages or shapes a /jobs answer and is not a filter",
        ),
        (json!({"url": "http://127.0.0.1:99999/"}), "Invalid url: the port must be from 1 to 65535"),
    ] {
        let response = call(&app, Method::POST, "/webhooks", &key, Some(body.clone())).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(response.message().contains(message), "{body}: {}", response.message());
    }
    // Arrays join with commas; the stored filters are the parameters.
    let response = call(
        &app,
        Method::POST,
        "/webhooks",
        &key,
        Some(json!({"url": "http://127.0.0.1:9/", "description": "React jobs",
                    "filters": {"skills_any": ["react", "vue"], "payment_verified": true, "hourly_min": 40.5}})),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let created = &response.data()[0];
    assert_eq!(
        created["filters"],
        json!({"skills_any": "react,vue", "payment_verified": "true", "hourly_min": "40.5"})
    );
    assert_eq!(created["description"], "React jobs");
    assert!(chrono::DateTime::parse_from_rfc3339(created["created_at"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn keys_see_only_their_own_webhooks() {
    let app = spawn(|_| {}).await;
    let (owner, other) = (app.create_key("business").await, app.create_key("enterprise").await);
    let created = create_webhook(&app, &owner, "http://127.0.0.1:9/", json!({"category": "web-development"})).await;
    let id = created["id"].as_str().unwrap();
    let listed = app.get("/webhooks", &owner).await.data();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert!(listed[0].get("secret").is_none(), "the secret is shown only at creation and rotation");
    assert!(app.get("/webhooks", &other).await.data().is_empty());
    for (method, path) in [
        (Method::GET, format!("/webhooks/{id}")),
        (Method::GET, format!("/webhooks/{id}/deliveries")),
        (Method::POST, format!("/webhooks/{id}/test")),
        (Method::POST, format!("/webhooks/{id}/rotate-secret")),
        (Method::DELETE, format!("/webhooks/{id}")),
    ] {
        let response = call(&app, method, &path, &other, None).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.message(), "Webhook not found");
    }
    let deleted = call(&app, Method::DELETE, &format!("/webhooks/{id}"), &owner, None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/webhooks/{id}"), &owner).await.status, StatusCode::NOT_FOUND);
    assert!(app.get("/webhooks", &owner).await.data().is_empty());
}

#[tokio::test]
async fn test_events_and_rotated_secrets_sign_with_both_secrets_for_a_day() {
    let receiver = Receiver::start(200).await;
    let app = spawn(|_| {}).await;
    let key = app.create_key("business").await;
    let created = create_webhook(&app, &key, &receiver.url, json!({})).await;
    let id = created["id"].as_str().unwrap();
    let old_secret = secret_of(&created);

    let response = call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text());
    let test_message = response.data()[0]["message_id"].as_str().unwrap().to_string();
    let received = receiver.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(received[0].header("webhook-id"), test_message);
    assert_eq!(received[0].json()["type"], "webhook.test");
    assert_eq!(received[0].json()["data"]["webhook_id"], id);
    verify_with_standardwebhooks(&old_secret, &received[0]).unwrap();

    let rotated = call(&app, Method::POST, &format!("/webhooks/{id}/rotate-secret"), &key, None).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let new_secret = rotated.data()[0]["secret"].as_str().unwrap().to_string();
    assert!(new_secret.starts_with("whsec_") && new_secret != old_secret);
    assert_eq!(rotated.header("cache-control").as_deref(), Some("no-store"), "a secret is never cached");
    call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    let received = receiver.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(received[1].header("webhook-signature").split(' ').count(), 2);
    verify_with_standardwebhooks(&new_secret, &received[1]).expect("the new secret verifies");
    verify_with_standardwebhooks(&old_secret, &received[1]).expect("the old secret still verifies during the overlap");

    // A second rotation within the day (a client retrying one whose answer
    // it lost) keeps the first secret signing too, until its own expiry.
    app.clock.advance(Duration::from_secs(3600));
    let again = call(&app, Method::POST, &format!("/webhooks/{id}/rotate-secret"), &key, None).await;
    let newest_secret = again.data()[0]["secret"].as_str().unwrap().to_string();
    call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    let received = receiver.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(received[2].header("webhook-signature").split(' ').count(), 3);
    // (The receiver's library refuses a timestamp off the real clock, so
    // from here on count signatures.)
    for secret in [&newest_secret, &new_secret, &old_secret] {
        let signature = received[2].header("webhook-signature");
        let expected = upjobs::webhooks::signing::signature_header(
            &[secret.as_str()],
            received[2].header("webhook-id"),
            received[2].header("webhook-timestamp").parse().unwrap(),
            received[2].body.as_bytes(),
        );
        assert!(signature.split(' ').any(|one| one == expected), "a secret does not sign: {signature}");
    }
    // A day after the first rotation its old secret stops; a day after the
    // second only the newest signs.
    app.clock.advance(Duration::from_secs(23 * 3600 + 60));
    call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    let received = receiver.wait_for(4, Duration::from_secs(5)).await;
    assert_eq!(received[3].header("webhook-signature").split(' ').count(), 2);
    app.clock.advance(Duration::from_secs(3600));
    call(&app, Method::POST, &format!("/webhooks/{id}/test"), &key, None).await;
    let received = receiver.wait_for(5, Duration::from_secs(5)).await;
    assert_eq!(received[4].header("webhook-signature").split(' ').count(), 1);

    let deliveries = app.get(&format!("/webhooks/{id}/deliveries?limit=2"), &key).await.data();
    assert_eq!(deliveries.len(), 2);
    assert_eq!(deliveries[0]["event_type"], "webhook.test");
    assert_eq!(app.get(&format!("/webhooks/{id}/deliveries?limit=0"), &key).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_endpoint_failing_for_days_is_disabled() {
    let receiver = Receiver::start(500).await;
    let app = spawn(|config| config.webhook_retry_schedule = "1s,1s,1s,1s".into()).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &receiver.url, json!({})).await["id"].as_str().unwrap().to_string();
    app.ingest(&[distinct_job("failing-1", 1)]).await;
    receiver.wait_for(1, Duration::from_secs(5)).await;
    app.clock.advance(Duration::from_secs(5 * 86_400 + 60));
    let shown = eventually(Duration::from_secs(10), "the endpoint to be disabled", || async {
        let shown = webhook(&app, &key, &id).await;
        (shown["active"] == false).then_some(shown)
    })
    .await;
    assert_eq!(shown["disabled_reason"], "Every delivery attempt failed for 5 days.");
    assert_eq!(shown["messages"]["pending"], 0);
}

#[tokio::test]
async fn pending_messages_are_delivered_after_a_restart() {
    let receiver = Receiver::start(500).await;
    let configure = |config: &mut upjobs::config::ServeConfig| {
        config.webhook_allow_private = true;
        config.webhook_retry_schedule = "2s".into();
    };
    let app = spawn_app_with(configure).await;
    let key = app.create_key("business").await;
    let id = create_webhook(&app, &key, &receiver.url, json!({})).await["id"].as_str().unwrap().to_string();
    app.ingest(&[distinct_job("durable-1", 1)]).await;
    let first = receiver.wait_for(1, Duration::from_secs(5)).await[0].clone();
    let dir = app.stop().await;

    receiver.answer_with(Answer::status(200));
    let app = spawn_app_in(dir, configure).await;
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received[1].header("webhook-id"), first.header("webhook-id"));
    assert_eq!(received[1].answered, 200);
    eventually(Duration::from_secs(5), "the message to be delivered", || async {
        (webhook(&app, &key, &id).await["messages"]["delivered"] == 1).then_some(())
    })
    .await;
}

#[tokio::test]
async fn admin_lists_every_webhook_with_its_health() {
    let receiver = Receiver::start(500).await;
    let app = spawn(|config| config.webhook_retry_schedule = "1s".into()).await;
    let (key, key_id) = app.create_key_with(json!({"name": "Acme alerts", "plan": "business"})).await;
    let id = create_webhook(&app, &key, &receiver.url, json!({"category": "web-development"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.ingest(&[distinct_job("admin-1", 1)]).await;
    let listed = eventually(Duration::from_secs(10), "two failed attempts in the admin listing", || async {
        let data = app.admin(Method::GET, "/admin/api/webhooks", None).await.data();
        (data.len() == 1 && data[0]["failures_last_24h"] == 2).then(|| data[0].clone())
    })
    .await;
    assert_eq!(listed["id"], id);
    assert_eq!(listed["key_id"], key_id);
    assert_eq!(listed["key_name"], "Acme alerts");
    assert_eq!(listed["url"], receiver.url);
    assert_eq!(listed["filters"], json!({"category": "web-development"}));
    assert_eq!(listed["active"], true);
    assert!(listed["last_failure_at"].is_string());
    assert_eq!(listed["last_success_at"], Value::Null);
    let attempts = listed["recent_attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["status_code"], 500);
    assert!(attempts[0]["time"].is_string() && attempts[0]["latency_ms"].is_i64());
    assert_eq!(listed["key_blocked_reason"], Value::Null);
    // A webhook whose key was revoked is still "active", and says why it
    // receives nothing.
    app.admin(Method::DELETE, &format!("/admin/api/keys/{key_id}"), None).await;
    let listed = app.admin(Method::GET, "/admin/api/webhooks", None).await.data()[0].clone();
    assert_eq!(listed["key_blocked_reason"], "the key was revoked");
    let unauthorized = app.request(Method::GET, "/admin/api/webhooks", &[], "").await;
    assert_eq!(unauthorized.status, StatusCode::UNAUTHORIZED);
}

/// Webhook matching and `/jobs` agree: for a spread of filters over
/// generated jobs, each subscription receives exactly the jobs that `/jobs`
/// returns for the same parameters.
#[tokio::test]
async fn subscriptions_receive_exactly_what_jobs_returns() {
    let receiver = Receiver::start(200).await;
    let app = spawn(|_| {}).await;
    let key = app.create_key("enterprise").await;
    let filter_sets = [
        json!({"category": "web-development"}),
        json!({"category_group": "design-creative"}),
        json!({"skills": "javascript"}),
        json!({"skills_any": ["python", "react"]}),
        json!({"country": ["GB", "DE"]}),
        json!({"exclude_country": "US", "payment_verified": true}),
        json!({"budget_min": 1000, "job_type": "fixed"}),
        json!({"hourly_min": 50}),
        json!({"contractor_tier": "expert", "status": "open"}),
        json!({"q": "dashboard OR api"}),
        json!({"buyer.total_spent_min": 10000, "client_activity.total_applicants_max": 20}),
        json!({"exclude_skills": "wordpress", "category_group": "development-it"}),
        json!({}),
    ];
    let mut subscriptions = Vec::new();
    for filters in &filter_sets {
        let url = format!("{}/{}", receiver.url, subscriptions.len());
        subscriptions.push((create_webhook(&app, &key, &url, filters.clone()).await, filters.clone()));
    }
    let options = upjobs::jobs_gen::GenOptions { count: 90, seed: 11, days: 2, now: chrono::Utc::now() };
    let jobs: Vec<Value> = upjobs::jobs_gen::generate(&options).map(|job| serde_json::to_value(job).unwrap()).collect();
    app.ingest(&jobs).await;

    let mut expected_total = 0;
    let mut expected_by_path: HashMap<String, HashSet<String>> = HashMap::new();
    for (index, (_, filters)) in subscriptions.iter().enumerate() {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters.as_object().unwrap() {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Array(items) => items.iter().map(|item| item.as_str().unwrap()).collect::<Vec<_>>().join(","),
                other => other.to_string(),
            };
            query.append_pair(name, &text);
        }
        query.append_pair("limit", "100").append_pair("include_total", "true");
        let response = app.get(&format!("/jobs?{}", query.finish()), &key).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        assert!(response.json()["total"].as_i64().unwrap() <= 100, "keep each filter under one page");
        let ids: HashSet<String> = response.data().iter().map(|job| job["id"].as_str().unwrap().to_string()).collect();
        expected_total += ids.len();
        expected_by_path.insert(format!("/{index}"), ids);
    }
    // Wait for the expected number, then compare sets either way, so that a
    // mismatch shows which subscription got what.
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.received().len() < expected_total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut received_by_path: HashMap<String, HashSet<String>> = HashMap::new();
    for request in receiver.received() {
        let id = request.json()["data"]["id"].as_str().unwrap().to_string();
        assert!(received_by_path.entry(request.path.clone()).or_default().insert(id), "one message per job");
    }
    for (index, (_, filters)) in subscriptions.iter().enumerate() {
        let path = format!("/{index}");
        let received = received_by_path.remove(&path).unwrap_or_default();
        assert_eq!(received, expected_by_path[&path], "filters {filters}");
    }
}

// ---- the real binary, killed with SIGKILL ----

mod binary {
    use super::*;
    use std::process::Child;

    /// Starts `upjobs serve` on port 0; returns the child and its base URL.
    pub fn start(db: &std::path::Path, extra: &[&str]) -> (Child, String) {
        let (child, address) = common::start_binary(db, extra);
        (child, format!("http://{address}"))
    }

    pub async fn request(url: &str, method: Method, headers: &[(&str, &str)], body: String) -> (StatusCode, Value) {
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
        let mut builder = hyper::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response = client.request(builder.body(Full::new(Bytes::from(body))).unwrap()).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn a_pending_retry_survives_kill_9_of_the_real_binary() {
    let receiver = Receiver::start(500).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let flags = ["--webhook-allow-private", "--webhook-retry-schedule", "2s"];
    let (mut child, url) = binary::start(&db, &flags);
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let admin = [("authorization", bearer.as_str()), ("content-type", "application/json")];
    let (status, created) = binary::request(
        &format!("{url}/admin/api/keys"),
        Method::POST,
        &admin,
        json!({"name": "kill", "plan": "business"}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let key = created["data"][0]["key"].as_str().unwrap().to_string();
    let keyed = [("x-api-key", key.as_str()), ("content-type", "application/json")];
    let (status, _) = binary::request(
        &format!("{url}/webhooks"),
        Method::POST,
        &keyed,
        json!({"url": receiver.url, "filters": {}}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = binary::request(
        &format!("{url}/admin/api/jobs"),
        Method::POST,
        &admin,
        distinct_job("killed-1", 1).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let first = receiver.wait_for(1, Duration::from_secs(5)).await[0].clone();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    receiver.answer_with(Answer::status(200));
    let (mut child, _url) = binary::start(&db, &flags);
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(received[1].header("webhook-id"), first.header("webhook-id"));
    assert_eq!(received[1].json()["data"]["id"], "killed-1");
}

/// Attempts go on while the writer is busy (a long ingest, say): finished
/// outcomes wait to be recorded, but the worker keeps starting the next due
/// messages instead of stopping at its 64 concurrent requests.
#[tokio::test]
async fn deliveries_go_on_while_the_writer_is_busy() {
    let receiver = Receiver::start(204).await;
    let app = spawn(|_| {}).await;
    let key = app.create_key("business").await;
    create_webhook(&app, &key, &receiver.url, json!({"category": "web-development"})).await;
    let jobs: Vec<Value> = (0..150).map(|index| distinct_job(&format!("busy-{index}"), 1)).collect();
    assert_eq!(app.ingest(&jobs).await["inserted"], 150);
    let writer = app.state.store.writer.clone();
    let busy = tokio::spawn(async move {
        writer
            .call(|_| {
                std::thread::sleep(Duration::from_secs(5));
                Ok(())
            })
            .await
    });

    let received = receiver.wait_for(150, Duration::from_secs(4)).await;
    assert!(!busy.is_finished(), "all 150 arrived only after the writer was free again");
    let ids: HashSet<&str> = received.iter().map(|request| request.header("webhook-id")).collect();
    assert_eq!(ids.len(), 150, "each message once");
    busy.await.unwrap().unwrap();
}
