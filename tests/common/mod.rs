//! Test harness: a real server on 127.0.0.1:0 over a temporary database,
//! with a clock the test can move, and a small HTTP client.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use std::path::PathBuf;
use upjobs::clock::Clock;
use upjobs::config::ServeConfig;
use upjobs::state::AppState;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

pub struct TestApp {
    pub url: String,
    pub state: AppState,
    pub clock: Clock,
    pub db_path: PathBuf,
    client: Client<HttpConnector, Full<Bytes>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    pub dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|value| value.to_str().unwrap().to_string())
    }

    /// The `message` of an envelope.
    pub fn message(&self) -> String {
        self.json()["message"].as_str().unwrap_or_default().to_string()
    }

    /// The `data` array of an envelope.
    pub fn data(&self) -> Vec<Value> {
        self.json()["data"].as_array().cloned().unwrap_or_default()
    }
}

/// Starts a server with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server after `configure` adjusted its settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    spawn_app_in(dir, configure).await
}

/// Starts a server on a database in `dir` (reuse a dir to test restarts).
pub async fn spawn_app_in(dir: tempfile::TempDir, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let db_path = dir.path().join("test.db");
    let mut config = ServeConfig::for_database(db_path.clone());
    config.admin_token = Some(ADMIN_TOKEN.to_string());
    config.prune_interval = 3600;
    configure(&mut config);
    let clock = Clock::system();
    let build_clock = clock.clone();
    let (state, _startup) =
        tokio::task::spawn_blocking(move || upjobs::build(config, build_clock)).await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let server_state = state.clone();
    let server = tokio::spawn(async move {
        upjobs::run(listener, server_state, None, async {
            let _ = stop.await;
        })
        .await
        .unwrap();
    });
    TestApp {
        url,
        state,
        clock,
        db_path,
        client: Client::builder(TokioExecutor::new()).build_http(),
        shutdown: Some(shutdown),
        server: Some(server),
        dir,
    }
}

impl TestApp {
    /// Stops the server cleanly (flush, checkpoint) and returns its folder.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(format!("{}{}", self.url, path));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response = self.client.request(builder.body(Full::new(body.into())).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse { status, headers, body }
    }

    /// GET with an API key, for a streamed body that may end in an error
    /// (a cut-off export): the status, the bytes received, and whether the
    /// body ended whole.
    pub async fn get_stream(&self, path: &str, key: &str) -> (StatusCode, Vec<u8>, bool) {
        let request = Request::get(format!("{}{}", self.url, path)).header("x-api-key", key);
        let response = self.client.request(request.body(Full::new(Bytes::new())).unwrap()).await.unwrap();
        let status = response.status();
        let mut body = response.into_body();
        let mut received = Vec::new();
        loop {
            match body.frame().await {
                Some(Ok(frame)) => received.extend_from_slice(frame.data_ref().map(|data| &data[..]).unwrap_or(&[])),
                Some(Err(_)) => return (status, received, false),
                None => return (status, received, true),
            }
        }
    }

    /// GET with an API key.
    pub async fn get(&self, path: &str, key: &str) -> TestResponse {
        self.request(Method::GET, path, &[("x-api-key", key)], Bytes::new()).await
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        let bearer = format!("Bearer {ADMIN_TOKEN}");
        let body = body.map(|value| Bytes::from(value.to_string())).unwrap_or_default();
        self.request(method, path, &[("authorization", &bearer), ("content-type", "application/json")], body).await
    }

    /// Creates a key on `plan` through the admin API and returns the key.
    pub async fn create_key(&self, plan: &str) -> String {
        self.create_key_with(json!({"name": format!("test-{plan}"), "plan": plan})).await.0
    }

    /// Creates a key from a full body; returns (key, id).
    pub async fn create_key_with(&self, body: Value) -> (String, String) {
        let response = self.admin(Method::POST, "/admin/api/keys", Some(body)).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        let data = &response.data()[0];
        (data["key"].as_str().unwrap().to_string(), data["id"].as_str().unwrap().to_string())
    }

    /// Ingests jobs (objects) through the admin API; returns the report.
    pub async fn ingest(&self, jobs: &[Value]) -> Value {
        let body: String = jobs.iter().map(|job| format!("{job}\n")).collect();
        let bearer = format!("Bearer {ADMIN_TOKEN}");
        let response = self
            .request(
                Method::POST,
                "/admin/api/jobs",
                &[("authorization", &bearer), ("content-type", "application/x-ndjson")],
                body,
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        response.data()[0].clone()
    }
}

/// A complete job in the seed's schema, posted `hours_ago` before now.
pub fn job(id: &str, hours_ago: i64) -> Value {
    let posted = chrono::Utc::now() - chrono::Duration::hours(hours_ago);
    let posted = posted.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    json!({
        "id": id,
        "title": format!("Senior React Developer for SaaS Platform {id}"),
        "description": distinct_description(id),
        "job_type": 2,
        "status": 1,
        "contractor_tier": 2,
        "posted_on": posted,
        "category": {"name": "Web Development", "slug": "web-development", "group": "Development & IT", "group_slug": "development-it"},
        "budget": {"fixed_amount": 5000, "currency": "USD"},
        "buyer": {"payment_verified": true, "country": "US", "city": "San Francisco", "timezone": "America/Los_Angeles",
                  "total_spent": 125000, "total_assignments": 25, "total_jobs_with_hires": 18},
        "tags": ["react", "typescript", "saas"],
        "url": format!("https://www.upwork.com/jobs/~01{id}"),
        "last_visited_at": posted,
        "duration_label": "3 to 6 months",
        "engagement": "part-time",
        "skills": ["React", "TypeScript", "Node.js", "AWS"],
        "hourly_budget": null,
        "client_activity": {"total_applicants": 15, "total_hired": 2, "total_invited_to_interview": 5,
                            "unanswered_invites": 1, "invitations_sent": 8, "last_buyer_activity": posted},
        "location": {"country": "US", "city": "San Francisco", "timezone": "America/Los_Angeles"},
        "is_private": false,
        "privacy_reason": ""
    })
}

/// Words for `distinct_job` texts: plain English with no digits, so that
/// the duplicate detector (which drops digit-only words) sees each job's
/// own mix of words.
const DISTINCT_WORDS: &[&str] = &[
    "react",
    "vue",
    "angular",
    "svelte",
    "django",
    "flask",
    "rails",
    "laravel",
    "spring",
    "kotlin",
    "swift",
    "flutter",
    "android",
    "iphone",
    "dashboard",
    "checkout",
    "inventory",
    "booking",
    "calendar",
    "invoice",
    "newsletter",
    "landing",
    "portfolio",
    "marketplace",
    "analytics",
    "reporting",
    "migration",
    "refactor",
    "testing",
    "automation",
    "scraper",
    "crawler",
    "chatbot",
    "search",
    "mapping",
    "routing",
    "billing",
    "subscription",
    "onboarding",
    "accessibility",
    "localization",
    "translation",
    "copywriting",
    "editing",
    "illustration",
    "branding",
    "logo",
    "animation",
    "video",
    "podcast",
    "audio",
    "photography",
    "retouching",
    "bookkeeping",
    "payroll",
    "taxes",
    "forecasting",
    "budgeting",
    "research",
    "survey",
    "interview",
    "legal",
    "contract",
    "compliance",
    "privacy",
    "security",
    "firewall",
    "network",
    "kubernetes",
    "docker",
    "terraform",
    "ansible",
    "linux",
    "windows",
    "database",
    "postgres",
    "mysql",
    "mongodb",
    "redis",
    "kafka",
    "spark",
    "pandas",
    "tableau",
    "excel",
    "spreadsheet",
    "wordpress",
    "shopify",
    "woocommerce",
    "magento",
    "seo",
    "advertising",
    "campaign",
    "outreach",
    "recruiting",
    "support",
    "helpdesk",
    "ticketing",
    "warehouse",
    "logistics",
    "shipping",
    "garden",
    "kitchen",
    "fitness",
    "medical",
    "dental",
    "veterinary",
    "school",
    "tutoring",
    "music",
    "gaming",
    "unity",
    "unreal",
    "blender",
    "modeling",
    "printing",
    "jewelry",
    "fashion",
];

/// `job(id, hours_ago)` with a title and description of its own: words
/// picked by a hash of the id, so no two ids look like reposts of each
/// other to the duplicate detector (`job` differs only in the id).
pub fn distinct_job(id: &str, hours_ago: i64) -> Value {
    let mut state = id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3));
    let mut next_word = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        DISTINCT_WORDS[(state % DISTINCT_WORDS.len() as u64) as usize]
    };
    let title = format!("{} {} {} project", next_word(), next_word(), next_word());
    let description: Vec<&str> = (0..24).map(|_| next_word()).collect();
    let mut value = job(id, hours_ago);
    value["title"] = json!(title);
    value["description"] = json!(format!("We need help with {}.", description.join(" ")));
    value
}

/// Runs `check` every 50 ms until it returns `Some`, and returns that;
/// panics with `what` once `timeout` has passed.
pub async fn eventually<T, F, Fut>(timeout: std::time::Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A description whose 30 made-up words come from a hash of `id`:
/// fixtures built with `job()` must not look like reposts of each other to
/// the duplicate detector.
pub fn distinct_description(id: &str) -> String {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        state = (state ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut words = Vec::with_capacity(30);
    for _ in 0..30 {
        let mut word = String::with_capacity(7);
        for _ in 0..7 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.push((b'a' + (state % 26) as u8) as char);
        }
        words.push(word);
    }
    format!("We're looking for an experienced React developer. Notes: {}.", words.join(" "))
}

/// Starts the real `upjobs serve` on port 0 over `db` (admin token set,
/// warnings only on stderr) and returns the child and its `host:port`,
/// read from the "upjobs listening on" line.
pub fn start_binary(db: &std::path::Path, extra: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_upjobs"))
        .args(["serve", "--db", db.to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let address = first.rsplit("://").next().unwrap().to_string();
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}
