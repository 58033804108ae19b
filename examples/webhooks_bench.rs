//! Webhook benchmark (issue 5): ingest throughput with and without 1,000
//! active subscriptions, and the delay from an ingest's commit to the first
//! attempt of each of its messages.
//!
//!     cargo run --release --example webhooks_bench -- [--subscriptions 1000] [--jobs 10000] [--batch 100]
//!         [--niche 1 | --broad-percent 25] [--end-to-end 0] [--writer-side 0] [--record-batch 300]
//!
//! Everything runs in this one process on 127.0.0.1: the server (`upjobs::run`
//! on a temporary database), a receiver that answers 204 and notes when
//! each `webhook-id` first arrives (on a runtime and thread of its own, so
//! its CPU is reported apart from the server's), and the client that ingests generated
//! jobs through `POST /admin/api/jobs` in batches of `--batch`, one after
//! the other, as a feed or the inbox would.
//!
//! The commit time of a batch is taken as the moment its POST answers (the
//! commit happens just before); the start of an attempt as the moment the
//! receiver gets the request (just after). Both errors are well under a
//! millisecond on loopback; a delivery that arrives before its POST's answer
//! counts as 0.
//!
//! It also times two parts alone: the matcher in memory (the index against a
//! linear scan of every subscription), and the writer's side of an ingest
//! (`ingest::store_batch` straight on the store, no HTTP, no delivery
//! worker) with and without the subscriptions, which is where matching and
//! the outbox writes cost ingest throughput; after it, the writer's cost of
//! recording every queued message as delivered, `--record-batch` outcomes
//! per writer task.

use bytes::Bytes;
use dashmap::DashMap;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use upjobs::store::webhooks::JobFacts;
use upjobs::webhooks::matching::{IndexedSubscription, SubscriptionIndex, could_match};

const ADMIN_TOKEN: &str = "bench-admin-token-0123456789";

struct Settings {
    subscriptions: usize,
    jobs: usize,
    batch: usize,
    /// 0 skips the end-to-end run (server, deliveries, receiver).
    end_to_end: usize,
    /// 0 skips the writer-side run (for profiling the end-to-end one alone).
    writer_side: usize,
    /// Outcomes per writer task in the writer-side run's recording timing.
    record_batch: usize,
    /// Percent of the subscriptions drawn from the broad mix of
    /// `subscription_filters`; the others are narrow niches (a category, a
    /// skill and a country). `--niche 1` is 0, the default 100.
    broad_percent: usize,
}

fn settings() -> Settings {
    let mut settings = Settings {
        subscriptions: 1_000,
        jobs: 10_000,
        batch: 100,
        end_to_end: 1,
        writer_side: 1,
        record_batch: 300,
        broad_percent: 100,
    };
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    for pair in arguments.chunks(2) {
        let value = pair.get(1).and_then(|value| value.parse().ok()).expect("every flag takes a number");
        match pair[0].as_str() {
            "--subscriptions" => settings.subscriptions = value,
            "--jobs" => settings.jobs = value,
            "--batch" => settings.batch = value,
            "--end-to-end" => settings.end_to_end = value,
            "--writer-side" => settings.writer_side = value,
            "--record-batch" => settings.record_batch = value.max(1),
            "--niche" => settings.broad_percent = if value == 1 { 0 } else { 100 },
            "--broad-percent" => settings.broad_percent = value.min(100),
            other => panic!("unknown flag {other}"),
        }
    }
    settings
}

type HttpClient = hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn call(
    client: &HttpClient,
    method: Method,
    url: String,
    headers: &[(&str, &str)],
    body: String,
) -> (StatusCode, Value) {
    let mut builder = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = client.request(builder.body(Full::new(Bytes::from(body))).expect("request")).await.expect("send");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// First arrival of each message, and which job it carried.
#[derive(Default)]
struct Arrivals {
    first: DashMap<String, (String, Instant)>,
    requests: std::sync::atomic::AtomicU64,
}

/// Starts the receiver on a runtime of its own, one thread named
/// `wb-receiver`, so that the CPU it uses (a remote system's, in a real
/// deployment) is reported apart from the server's. Returns its base URL
/// and the runtime, which stops the receiver when dropped.
async fn start_receiver(arrivals: Arc<Arrivals>) -> (String, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("wb-receiver")
        .enable_all()
        .build()
        .expect("receiver runtime");
    let listener = runtime.spawn(tokio::net::TcpListener::bind("127.0.0.1:0")).await.expect("join").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                    let arrivals = arrivals.clone();
                    async move {
                        let at = Instant::now();
                        let message_id = request
                            .headers()
                            .get("webhook-id")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        let body = request.into_body().collect().await.map(|body| body.to_bytes()).unwrap_or_default();
                        let job_id = job_id_of(&body);
                        arrivals.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        arrivals.first.entry(message_id).or_insert((job_id, at));
                        let mut response = hyper::Response::new(Full::new(Bytes::new()));
                        *response.status_mut() = StatusCode::NO_CONTENT;
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
            });
        }
    });
    (url, runtime)
}

/// The job id in a `job.created` body, found without parsing the whole
/// document (so the receiver costs the measured server little CPU).
fn job_id_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let marker = "\"data\":{\"id\":\"";
    text.find(marker)
        .map(|start| &text[start + marker.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
        .to_string()
}

/// Subscriptions as real users write them: a niche (a category, a skill, a
/// few skills, a country or a group) narrowed by a budget, a tier or
/// payment verification.
fn subscription_filters(count: usize, broad_percent: usize) -> Vec<Value> {
    let mut random = ChaCha8Rng::seed_from_u64(5);
    let categories = upjobs::taxonomy::CATEGORIES;
    let countries = ["US", "GB", "CA", "AU", "DE", "IN", "FR", "NL", "SG", "AE"];
    (0..count)
        .map(|index| {
            let category = &categories[random.random_range(0..categories.len())];
            let skill = category.typical_skills[random.random_range(0..category.typical_skills.len().min(6))];
            if index % 100 >= broad_percent {
                let country = countries[random.random_range(0..countries.len())];
                return json!({"category": category.slug, "skills": skill, "country": country});
            }
            let mut filters = match random.random_range(0..100) {
                0..40 => json!({"category": category.slug}),
                40..65 => json!({"skills": skill}),
                65..80 => {
                    let other = category.typical_skills[random.random_range(0..category.typical_skills.len())];
                    json!({"skills_any": [skill, other]})
                }
                80..90 => json!({"country": countries[random.random_range(0..countries.len())], "category_group": category.group_slug}),
                _ => json!({"budget_min": 20_000, "payment_verified": true}),
            };
            match random.random_range(0..4) {
                0 => filters["budget_min"] = json!([500, 1000, 2500][random.random_range(0..3)]),
                1 => filters["payment_verified"] = json!(true),
                2 => filters["contractor_tier"] = json!(["2", "3", "2,3"][random.random_range(0..3)]),
                _ => {}
            }
            filters
        })
        .collect()
}

fn generated_jobs(count: usize) -> Vec<upjobs::model::Job> {
    let options = upjobs::jobs_gen::GenOptions { count, seed: 42, days: 1, now: chrono::Utc::now() };
    upjobs::jobs_gen::generate(&options).collect()
}

struct Run {
    ingest_seconds: f64,
    /// CPU seconds of this process's threads during the ingest, by thread name.
    ingest_cpu: Vec<(String, f64)>,
    inserted: u64,
    delays_ms: Vec<f64>,
    messages: usize,
    drain_seconds: f64,
}

async fn run_once(settings: &Settings, jobs: &[upjobs::model::Job], filters: &[Value]) -> Run {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut config = upjobs::config::ServeConfig::for_database(dir.path().join("bench.db"));
    config.admin_token = Some(ADMIN_TOKEN.into());
    config.webhook_allow_private = true;
    let (state, _) = tokio::task::spawn_blocking(move || upjobs::build(config, upjobs::clock::Clock::system()))
        .await
        .expect("join")
        .expect("build");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(upjobs::run(listener, state, None, async {
        let _ = stopped.await;
    }));
    let client: HttpClient =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let admin = [("authorization", bearer.as_str()), ("content-type", "application/json")];

    let arrivals = Arc::new(Arrivals::default());
    let (receiver, receiver_runtime) = start_receiver(arrivals.clone()).await;
    // At most 100 webhooks per key: spread them over enterprise keys.
    let mut key = String::new();
    for (index, filters) in filters.iter().enumerate() {
        if index % 100 == 0 {
            let body = json!({"name": format!("bench-{index}"), "plan": "enterprise"}).to_string();
            let (status, created) = call(&client, Method::POST, format!("{url}/admin/api/keys"), &admin, body).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            key = created["data"][0]["key"].as_str().expect("key").to_string();
        }
        let keyed = [("x-api-key", key.as_str()), ("content-type", "application/json")];
        let body = json!({"url": format!("{receiver}/hook/{index}"), "filters": filters}).to_string();
        let (status, created) = call(&client, Method::POST, format!("{url}/webhooks"), &keyed, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }

    let mut committed_at: std::collections::HashMap<String, Instant> = std::collections::HashMap::new();
    let mut inserted = 0;
    let cpu_before = thread_cpu();
    let started = Instant::now();
    for chunk in jobs.chunks(settings.batch) {
        let body: String = chunk.iter().map(|job| serde_json::to_string(job).expect("job JSON") + "\n").collect();
        let (status, report) = call(&client, Method::POST, format!("{url}/admin/api/jobs"), &admin, body).await;
        let at = Instant::now();
        assert_eq!(status, StatusCode::OK, "{report}");
        inserted += report["data"][0]["inserted"].as_u64().unwrap_or(0);
        for job in chunk {
            committed_at.insert(job.id.clone(), at);
        }
    }
    let ingest_seconds = started.elapsed().as_secs_f64();
    let ingest_cpu = cpu_since(&cpu_before);

    // Wait until arrivals stop (polling the admin API would load the server
    // under test), then count what was queued.
    let mut messages = 0usize;
    let mut drained_at = Instant::now();
    if !filters.is_empty() {
        let mut seen = 0;
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < Duration::from_secs(3) {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let now_seen = arrivals.first.len();
            if now_seen != seen {
                seen = now_seen;
                quiet_since = Instant::now();
                drained_at = quiet_since;
            }
        }
        let (_, listed) = call(&client, Method::GET, format!("{url}/admin/api/webhooks"), &admin, String::new()).await;
        messages = listed["data"]
            .as_array()
            .map(|hooks| {
                hooks
                    .iter()
                    .map(|hook| {
                        let counts = &hook["messages"];
                        (counts["pending"].as_u64().unwrap_or(0)
                            + counts["delivered"].as_u64().unwrap_or(0)
                            + counts["failed"].as_u64().unwrap_or(0)) as usize
                    })
                    .sum()
            })
            .unwrap_or(0);
    }
    let drain_seconds = drained_at.duration_since(started).as_secs_f64();
    let delays_ms = arrivals
        .first
        .iter()
        .filter_map(|entry| {
            let (job_id, at) = entry.value();
            committed_at.get(job_id).map(|commit| at.saturating_duration_since(*commit).as_secs_f64() * 1000.0)
        })
        .collect();
    let _ = stop.send(());
    let _ = server.await;
    receiver_runtime.shutdown_background();
    Run { ingest_seconds, ingest_cpu, inserted, delays_ms, messages, drain_seconds }
}

/// CPU seconds (user + system) used so far by each of this process's
/// threads, summed by thread name (Linux: /proc/self/task; empty elsewhere).
fn thread_cpu() -> std::collections::BTreeMap<String, f64> {
    let mut by_name = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return by_name };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        // "tid (name) state ...": the name may hold spaces, so split at the last ')'.
        // utime and stime are fields 14 and 15, in clock ticks of 1/100 s (USER_HZ).
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        let ticks: f64 = fields.get(11..13).map_or(0.0, |both| both.iter().filter_map(|f| f.parse::<f64>().ok()).sum());
        *by_name.entry(stat[open + 1..close].to_string()).or_insert(0.0) += ticks / 100.0;
    }
    by_name
}

/// CPU seconds by thread name since `before`, largest first.
fn cpu_since(before: &std::collections::BTreeMap<String, f64>) -> Vec<(String, f64)> {
    let mut used: Vec<(String, f64)> = thread_cpu()
        .into_iter()
        .map(|(name, seconds)| {
            let earlier = before.get(&name).copied().unwrap_or(0.0);
            (name, seconds - earlier)
        })
        .filter(|(_, seconds)| *seconds > 0.0)
        .collect();
    used.sort_by(|a, b| b.1.total_cmp(&a.1));
    used
}

fn cpu_text(used: &[(String, f64)]) -> String {
    let total: f64 = used.iter().map(|(_, seconds)| seconds).sum();
    let parts: Vec<String> = used.iter().map(|(name, seconds)| format!("{name} {seconds:.2}")).collect();
    format!("{total:.2} s ({})", parts.join(", "))
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn facts_of(job: &upjobs::model::Job) -> JobFacts {
    let row = upjobs::ingest::to_row(job).expect("a generated job is valid");
    JobFacts {
        posted_on: row.posted_on,
        last_visited_at: row.last_visited_at,
        job_type: row.job_type,
        status: row.status,
        contractor_tier: row.contractor_tier,
        fixed_amount: row.fixed_amount,
        hourly_min: row.hourly_min,
        hourly_max: row.hourly_max,
        payment_verified: row.payment_verified,
        buyer_country: row.buyer_country,
        location_timezone: row.location_timezone,
        category_slug: row.category_slug,
        category_group_slug: row.category_group_slug,
        buyer_total_spent: row.buyer_total_spent,
        buyer_total_assignments: row.buyer_total_assignments,
        buyer_total_jobs_with_hires: row.buyer_total_jobs_with_hires,
        total_applicants: row.total_applicants,
        engagement: row.engagement,
        duration_label: row.duration_label,
        visible: true,
        terms: row.terms,
        id: row.id,
    }
}

/// The matcher alone, in memory: index lookups against a linear scan.
fn time_matcher(jobs: &[upjobs::model::Job], filters: &[Value]) {
    let subscriptions: Vec<IndexedSubscription> = filters
        .iter()
        .enumerate()
        .map(|(index, filters)| IndexedSubscription {
            id: format!("wh_{index}"),
            filter: upjobs::webhooks::filters::validate(Some(filters)).expect("valid filters").0,
            retention_days: None,
            key_expires_at: None,
        })
        .collect();
    let index = SubscriptionIndex::build(subscriptions.clone());
    let facts: Vec<JobFacts> = jobs.iter().map(facts_of).collect();
    let now = chrono::Utc::now().timestamp();

    let started = Instant::now();
    let (mut candidates, mut indexed_matches, mut buffer) = (0usize, 0usize, Vec::new());
    for job in &facts {
        index.candidates(job, &mut buffer);
        candidates += buffer.len();
        indexed_matches +=
            buffer.iter().filter(|position| could_match(&index.get(**position).filter, job, now)).count();
    }
    let indexed = started.elapsed();

    let started = Instant::now();
    let mut linear_matches = 0usize;
    for job in &facts {
        linear_matches +=
            subscriptions.iter().filter(|subscription| could_match(&subscription.filter, job, now)).count();
    }
    let linear = started.elapsed();
    assert_eq!(indexed_matches, linear_matches, "the index must find what a full scan finds");
    let per_job = |elapsed: Duration| elapsed.as_secs_f64() * 1e6 / facts.len() as f64;
    println!("matcher, in memory, {} subscriptions, {} jobs:", subscriptions.len(), facts.len());
    println!(
        "  index:  {:.1} candidates/job of {}, {:.2} µs/job",
        candidates as f64 / facts.len() as f64,
        subscriptions.len(),
        per_job(indexed)
    );
    println!("  linear: {:.2} µs/job", per_job(linear));
    println!(
        "  matches: {:.2} subscriptions/job (before the SQL confirmation)",
        indexed_matches as f64 / facts.len() as f64
    );
}

/// Ingest straight through the writer, without and with subscriptions.
async fn time_writer_side(settings: &Settings, jobs: &[upjobs::model::Job], filters: &[Value]) -> (f64, f64, i64) {
    let mut results = Vec::new();
    for with_subscriptions in [false, true] {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("writer.db");
        let store = tokio::task::spawn_blocking(move || upjobs::store::Store::open(&path, Vec::new()))
            .await
            .expect("join")
            .expect("open");
        if with_subscriptions {
            let filters = filters.to_vec();
            store
                .writer
                .call(move |writer| {
                    let now = chrono::Utc::now().timestamp();
                    for (index, filters) in filters.iter().enumerate() {
                        let key_id = format!("key_{}", index / 100);
                        if index % 100 == 0 {
                            let key = upjobs::store::keys::KeyRow {
                                id: key_id.clone(),
                                key_hash: upjobs::auth::keys::hash_secret(&key_id),
                                prefix: "upj_x".into(),
                                last4: "xxxx".into(),
                                name: key_id.clone(),
                                email: None,
                                plan: "enterprise".into(),
                                created_at: now,
                                expires_at: None,
                                revoked_at: None,
                                last_used_at: None,
                                overrides: Default::default(),
                            };
                            upjobs::store::keys::insert_key(&writer.conn, &key, now)?;
                        }
                        let stored = upjobs::webhooks::filters::validate(Some(filters))?.1;
                        let row = upjobs::store::webhooks::SubscriptionRow::new(
                            format!("wh_{index}"),
                            key_id,
                            "http://127.0.0.1:9/".into(),
                            Value::Object(stored).to_string(),
                            now * 1000,
                        );
                        upjobs::store::webhooks::insert_subscription(&writer.conn, &row)?;
                    }
                    Ok(())
                })
                .await
                .expect("subscriptions");
        }
        let batches: Vec<Vec<upjobs::ingest::Prepared>> = jobs
            .chunks(settings.batch)
            .map(|chunk| {
                chunk
                    .iter()
                    .enumerate()
                    .map(|(line, job)| upjobs::ingest::prepare(line + 1, Ok(serde_json::to_value(job).expect("job"))))
                    .collect()
            })
            .collect();
        let started = Instant::now();
        for batch in batches {
            let now = chrono::Utc::now().timestamp();
            upjobs::ingest::store_batch(&store, batch, upjobs::ingest::IngestOptions::default(), now)
                .await
                .expect("ingest");
        }
        let seconds = started.elapsed().as_secs_f64();
        let messages = store
            .writer
            .call(|writer| Ok(writer.conn.query_row("SELECT count(*) FROM webhook_messages", [], |row| row.get(0))?))
            .await
            .expect("count");
        results.push((seconds, messages));
        if with_subscriptions {
            time_recording(&store, settings.record_batch).await;
        }
    }
    (results[0].0, results[1].0, results[1].1)
}

/// Times the writer's side of delivery alone: every queued message recorded
/// as delivered on its first attempt, `per_task` per writer task, as the
/// delivery worker records them.
async fn time_recording(store: &upjobs::store::Store, per_task: usize) {
    use upjobs::webhooks::delivery::{Outcome, Policy, Verdict, record};
    let queued: Vec<(i64, String, String)> = store
        .writer
        .call(|writer| {
            let mut statement =
                writer.conn.prepare("SELECT seq, id, subscription_id FROM webhook_messages ORDER BY seq")?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
        .expect("queued messages");
    let now = chrono::Utc::now().timestamp_millis();
    let outcomes: Vec<Outcome> = queued
        .into_iter()
        .map(|(seq, id, subscription_id)| Outcome {
            message_seq: seq,
            previous_attempts: 0,
            attempt: upjobs::store::webhooks::AttemptRow {
                message_id: id,
                subscription_id,
                event_type: "job.created".into(),
                time: now,
                success: true,
                status_code: Some(204),
                latency_ms: 1,
                error: None,
            },
            verdict: Verdict::Delivered,
            finished_at: now,
            jitter: 1.0,
            label: "delivered",
            hold_endpoint: false,
        })
        .collect();
    let policy = Policy { retry_schedule: vec![Duration::from_secs(5)], disable_after: None };
    let count = outcomes.len();
    let cpu_before = thread_cpu();
    let started = Instant::now();
    for chunk in outcomes.chunks(per_task) {
        let (chunk, policy) = (chunk.to_vec(), policy.clone());
        store.writer.call(move |writer| record(&writer.conn, &chunk, &policy)).await.expect("record");
    }
    let seconds = started.elapsed().as_secs_f64();
    let writer_cpu =
        cpu_since(&cpu_before).into_iter().find(|(name, _)| name == "upjobs-writer").map_or(0.0, |(_, s)| s);
    println!(
        "recording {count} first-try deliveries, {per_task} per writer task: {:.1} µs each ({:.2} s; writer CPU {:.1} µs each)",
        seconds * 1e6 / count as f64,
        seconds,
        writer_cpu * 1e6 / count as f64
    );
}

#[tokio::main]
async fn main() {
    let settings = settings();
    let jobs = generated_jobs(settings.jobs);
    let filters = subscription_filters(settings.subscriptions, settings.broad_percent);
    time_matcher(&jobs, &filters);
    if settings.writer_side != 0 {
        let (without, with, messages) = time_writer_side(&settings, &jobs, &filters).await;
        println!(
            "writer side (store_batch, batches of {}): without subscriptions {:.0} jobs/s, with {} {:.0} jobs/s ({:+.1}%), {} messages queued",
            settings.batch,
            settings.jobs as f64 / without,
            settings.subscriptions,
            settings.jobs as f64 / with,
            (without / with - 1.0) * 100.0,
            messages
        );
    }
    if settings.end_to_end == 0 {
        return;
    }

    let without = run_once(&settings, &jobs, &[]).await;
    let with = run_once(&settings, &jobs, &filters).await;
    let rate = |run: &Run| run.inserted as f64 / run.ingest_seconds;
    println!(
        "ingest, {} jobs in batches of {}: without subscriptions {:.0} jobs/s ({:.2} s), with {} subscriptions {:.0} jobs/s ({:.2} s): {:+.1}%",
        settings.jobs,
        settings.batch,
        rate(&without),
        without.ingest_seconds,
        settings.subscriptions,
        rate(&with),
        with.ingest_seconds,
        (rate(&with) / rate(&without) - 1.0) * 100.0
    );
    println!("CPU during the ingest, without subscriptions: {}", cpu_text(&without.ingest_cpu));
    println!("CPU during the ingest, with subscriptions:    {}", cpu_text(&with.ingest_cpu));
    let mut delays = with.delays_ms.clone();
    delays.sort_by(f64::total_cmp);
    println!(
        "messages: {} queued, {} first attempts seen; all delivered {:.2} s after the first batch was sent",
        with.messages,
        delays.len(),
        with.drain_seconds
    );
    println!(
        "commit → first attempt: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&delays, 0.50),
        percentile(&delays, 0.90),
        percentile(&delays, 0.99),
        percentile(&delays, 1.0)
    );
}
