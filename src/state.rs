//! The state every request handler shares.

use crate::auth::Auth;
use crate::auth::keys::KeyHash;
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::metrics::Metrics;
use crate::store::Store;
use crate::store::usage::RequestLogRow;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// Cheap to clone: one reference count. Every request clones it, so it is
/// one `Arc` (cloning a dozen `Arc`s and the store's path per request cost
/// more than the `/health` handler itself); fields read through `Deref`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What `AppState` shares.
pub struct Shared {
    /// The settings `serve` started with.
    pub config: Arc<ServeConfig>,
    /// The database: writer thread and reader pool.
    pub store: Store,
    /// Keys, plans, buckets and counters in memory.
    pub auth: Arc<Auth>,
    /// The time source (settable in tests).
    pub clock: Clock,
    /// SHA-256 of the admin token.
    pub admin_token_hash: Arc<KeyHash>,
    /// Set when shutdown begins: `/readyz` answers 503.
    pub draining: Arc<AtomicBool>,
    /// Request metadata waiting for the flusher to write it.
    pub request_log: Arc<Mutex<Vec<RequestLogRow>>>,
    /// Prometheus counters.
    pub metrics: Arc<Metrics>,
    /// Rendered read answers, for at most a second (see `api::cache`).
    pub responses: Arc<crate::api::cache::ResponseCache>,
    /// Wakes the webhook delivery worker when new messages are committed.
    pub webhook_wakeup: Arc<tokio::sync::Notify>,
    /// Health of the ingest sources (feeds, inbox), for the admin stats.
    pub sources: Arc<crate::ingest::sources::SourceHealth>,
    /// Turns to stream `/jobs/export`: an export holds a read connection
    /// while it streams, so only `api::export::EXPORTS_AT_ONCE` may.
    pub exports: Arc<tokio::sync::Semaphore>,
}

/// The most request-log rows kept in memory between flushes; beyond this the
/// oldest are dropped (and counted) rather than letting memory grow.
pub const MAX_PENDING_LOG_ROWS: usize = 200_000;
