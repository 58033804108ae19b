//! # upjobs
//!
//! A self-hosted "Upwork Jobs API" in one binary: job postings in SQLite
//! with FTS5, served over a REST API to API-key holders with per-plan rate
//! limits, quotas and usage metering, plus an embedded admin page.
//!
//! # Layout
//! - `config`: every `serve` flag and its environment variable.
//! - `http/`: hyper server, router table, response envelope. Only `http/`
//!   and `api/` know hyper.
//! - `api/`: the request pipeline and one module of handlers per area.
//! - `auth/`: keys, plans, token buckets, quotas, usage counters (memory).
//! - `query/`: `/jobs` parameters and the `q` full-text syntax (no SQL).
//! - `store/`: all SQL: the writer thread, the reader pool, migrations.
//! - `ingest/`: validation, spam scoring, duplicate detection, and the
//!   background sources (the `--inbox` folder, `--feed` polling).
//! - `webhooks/`: subscription matching in the writer, the outbox worker,
//!   Standard Webhooks signing, the SSRF guard. `outbound`: the HTTPS client.
//! - `retention`: pruning. `tls`: HTTPS. `metrics`: Prometheus text.
//!   `background`: the lower CPU priority of the checkpoint and delivery
//!   threads.
//! - `jobs_gen`, `taxonomy`, `countries`: the synthetic data generator and
//!   the reference tables it and the validator share.
//!
//! `run(listener, state, tls, shutdown)` takes an already-bound listener,
//! so tests bind port 0 and pass a future that resolves to stop.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod background;
pub mod clock;
pub mod config;
pub mod countries;
pub mod demo;
pub mod error;
pub mod http;
pub mod ingest;
pub mod jobs_gen;
pub mod metrics;
pub mod model;
pub mod outbound;
pub mod query;
pub mod retention;
pub mod state;
pub mod store;
pub mod taxonomy;
pub mod tls;
pub mod webhooks;

use crate::auth::Auth;
use crate::auth::keys::{self, KeyHash};
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::{Store, keys as key_rows, usage as usage_rows};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// What `build` learned that the operator must be told once.
#[derive(Debug, Default)]
pub struct Startup {
    /// A newly generated admin token (only its hash was stored).
    pub generated_admin_token: Option<String>,
    /// Demo keys created on this start: (plan, key).
    pub demo_keys: Vec<(String, String)>,
    pub demo_jobs: u64,
}

/// Opens the store, loads keys and counters, resolves the admin token and
/// (with `--demo`) fills an empty store.
pub fn build(config: ServeConfig, clock: Clock) -> Result<(AppState, Startup)> {
    let webhook_wakeup = Arc::new(tokio::sync::Notify::new());
    let wakeup = webhook_wakeup.clone();
    let hooks: Vec<store::writer::CommitHook> = vec![Box::new(move |events| {
        if events.outbox_written || !events.new_visible_jobs.is_empty() {
            wakeup.notify_one();
        }
    })];
    // WAL checkpoints off the writer thread (see store::checkpoint). The
    // hook goes on before the writer starts: a writer task would wait for
    // the duplicate index's rebuild (0.8 s at 1M jobs) and hold up startup.
    // And the full-text index merges as jobs arrive, even if an `upjobs
    // import` on this file stopped before it set that back.
    let (store, wal_checkpoints) = Store::open_with_setup(&config.db, hooks, true, |writer| {
        store::jobs::set_search_merging(writer, store::jobs::SearchMerging::Continuous)?;
        store::checkpoint::install(writer, store::checkpoint::open(&config.db)?)
    })?;
    let mut startup = Startup::default();
    let admin_token_hash = resolve_admin_token(&config, &store, &mut startup)?;
    if config.demo {
        demo::fill_if_empty(&store, &clock, &mut startup)?;
    }
    let auth = Arc::new(Auth::new(clock.clone()));
    load_auth_blocking(&store, &auth)?;
    let month = clock.now().format("%Y-%m").to_string();
    auth.load_month_counts(store.readers.read_blocking(|conn| usage_rows::monthly_counts(conn, &month))?);
    let responses = Arc::new(api::cache::ResponseCache::new(config.response_cache_entries));
    let state = AppState::new(state::Shared {
        responses,
        config: Arc::new(config),
        store,
        auth,
        clock,
        admin_token_hash: Arc::new(admin_token_hash),
        draining: Default::default(),
        closing: Arc::new(tokio::sync::watch::channel(false).0),
        request_log: Default::default(),
        metrics: Arc::new(metrics::Metrics::counting_checkpoints(wal_checkpoints)),
        webhook_wakeup,
        sources: Default::default(),
        exports: Arc::new(tokio::sync::Semaphore::new(api::export::EXPORTS_AT_ONCE)),
    });
    Ok((state, startup))
}

/// Tokens shorter than this can be guessed; they still work (a sandbox may
/// want `admin`), with a warning at start.
const SHORT_ADMIN_TOKEN: usize = 16;

fn warn_if_short(token: &str) {
    if token.chars().count() < SHORT_ADMIN_TOKEN {
        tracing::warn!(
            characters = token.chars().count(),
            "the admin token is short and could be guessed; use {SHORT_ADMIN_TOKEN} random characters or more"
        );
    }
}

fn resolve_admin_token(config: &ServeConfig, store: &Store, startup: &mut Startup) -> Result<KeyHash> {
    if let Some(token) = config.admin_token.as_deref().map(str::trim).filter(|token| !token.is_empty()) {
        warn_if_short(token);
        return Ok(keys::hash_secret(token));
    }
    if let Some(path) = &config.admin_token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::setup(format!("cannot read --admin-token-file {}: {error}", path.display())))?;
        let token = text.lines().next().unwrap_or("").trim().to_string();
        if token.is_empty() {
            return Err(Error::setup(format!("--admin-token-file {} is empty", path.display())));
        }
        warn_if_short(&token);
        return Ok(keys::hash_secret(&token));
    }
    let stored = store.readers.read_blocking(|conn| key_rows::setting(conn, "admin_token_sha256"))?;
    if let Some(hash) = stored.and_then(|hex| decode_hex32(&hex)) {
        return Ok(hash);
    }
    let token = format!("upjadm_{}", keys::random_base62(40));
    let hash = keys::hash_secret(&token);
    let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
    store.writer.call_blocking(move |writer| key_rows::set_setting(&writer.conn, "admin_token_sha256", &hex))?;
    startup.generated_admin_token = Some(token);
    Ok(hash)
}

fn decode_hex32(text: &str) -> Option<KeyHash> {
    let mut hash = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (index, slot) in hash.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(hash)
}

fn load_auth_blocking(store: &Store, auth: &Auth) -> Result<()> {
    auth.apply_snapshot(store.readers.read_blocking(key_rows::auth_snapshot)?);
    Ok(())
}

/// Reloads keys and plans from the database (after a change by the admin
/// API, or when another process bumped `auth_version`). Reloads running at
/// once are applied in version order; a stale one is dropped.
pub async fn reload_auth(state: &AppState) -> Result<()> {
    let snapshot = state.store.readers.read(key_rows::auth_snapshot).await?;
    state.auth.apply_snapshot(snapshot);
    Ok(())
}

/// Writes pending usage counters and request-log rows (one writer task).
pub async fn flush_once(state: &AppState) {
    let deltas = state.auth.drain_pending();
    let log_rows = state.request_log.take();
    if deltas.is_empty() && log_rows.is_empty() {
        return;
    }
    let kept = deltas.clone();
    let written = state
        .store
        .writer
        .call_bookkeeping(move |writer| {
            usage_rows::apply_deltas(&writer.conn, &deltas)?;
            usage_rows::insert_request_log(&writer.conn, &log_rows)?;
            Ok(log_rows)
        })
        .await;
    match written {
        Ok(log_rows) => state.request_log.recycle(log_rows),
        Err(error) => {
            tracing::error!(%error, "could not write usage counters; keeping them for the next flush");
            state.auth.restore_pending(kept);
        }
    }
}

/// Runs the server until `shutdown` resolves: background tasks, the HTTP
/// listener, then the final flush and WAL checkpoint.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    tls: Option<tls::TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let (stop_background, _) = tokio::sync::watch::channel(false);
    let mut background = vec![
        tokio::spawn(flusher(state.clone(), stop_background.subscribe())),
        tokio::spawn(auth_watcher(state.clone(), stop_background.subscribe())),
        tokio::spawn(pruner(state.clone(), stop_background.subscribe())),
        webhooks::delivery::spawn(state.clone(), stop_background.subscribe()).await?,
    ];
    // Only when configured: `--inbox DIR`, `--feed URL`.
    background.extend(ingest::inbox::spawn_watcher(&state, &stop_background));
    background.extend(ingest::feed::spawn_pollers(&state, &stop_background));
    if let Some(address) = state.config.metrics_listen {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|error| Error::setup(format!("cannot listen on --metrics-listen {address}: {error}")))?;
        tracing::info!(%address, "serving /metrics without a token on the metrics listener");
        background.push(tokio::spawn(http::serve_metrics(listener, state.clone(), stop_background.subscribe())));
    }
    http::serve(listener, state.clone(), tls, shutdown).await;
    let _ = stop_background.send(true);
    for task in background {
        let _ = task.await;
    }
    flush_once(&state).await;
    // Fold the WAL into the database file so a clean stop leaves one file.
    let path = state.store.path.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let conn = store::open_read_write(&path)?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    })
    .await
    .map_err(Error::internal)??;
    Ok(())
}

async fn sleep_or_stop(duration: Duration, stop: &mut tokio::sync::watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(duration) => false,
        _ = stop.changed() => true,
    }
}

/// Writes counters and request-log rows every second, and sooner when
/// `state::FLUSH_AT_LOG_ROWS` rows wait (so a busy server's log buffers
/// stay a few MiB).
async fn flusher(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            stopped = sleep_or_stop(Duration::from_secs(1), &mut stop) => if stopped { return },
            () = state.request_log.filled() => {}
        }
        flush_once(&state).await;
        state.auth.forget_idle_failures();
    }
}

/// Picks up key and plan changes made by other processes (the CLI) within
/// a second.
async fn auth_watcher(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if sleep_or_stop(Duration::from_millis(500), &mut stop).await {
            return;
        }
        let version = state
            .store
            .readers
            .read(|conn| Ok(key_rows::setting(conn, "auth_version")?.and_then(|v| v.parse::<i64>().ok())))
            .await;
        if let Ok(Some(version)) = version
            && version != state.auth.loaded_version()
            && let Err(error) = reload_auth(&state).await
        {
            tracing::error!(%error, "could not reload keys");
        }
    }
}

/// Runs retention pruning every `--prune-interval` seconds.
async fn pruner(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let interval = Duration::from_secs(state.config.prune_interval.max(1));
    loop {
        if sleep_or_stop(interval, &mut stop).await {
            return;
        }
        match retention::prune(&state.store, &state.config, state.clock.now_unix(), retention::Pace::BesideRequests)
            .await
        {
            Ok(report) => tracing::info!(?report, "retention prune"),
            Err(error) => tracing::error!(%error, "retention prune failed"),
        }
    }
}
