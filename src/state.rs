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
    pub request_log: RequestLogBuffer,
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

/// The most request-log rows kept in memory between flushes; rows beyond
/// this are dropped rather than letting memory grow.
pub const MAX_PENDING_LOG_ROWS: usize = 200_000;

/// Request-log rows between two flushes. The flusher hands back the vector
/// it has written, emptied, and the next second's rows go into it: a busy
/// server (tens of thousands of rows a second) then reuses two buffers
/// instead of growing a fresh one every second, a page fault per 4 KiB.
#[derive(Default)]
pub struct RequestLogBuffer {
    pending: Mutex<Vec<RequestLogRow>>,
    spare: Mutex<Vec<RequestLogRow>>,
}

impl RequestLogBuffer {
    /// Keeps a row for the next flush (dropped when `MAX_PENDING_LOG_ROWS`
    /// already wait).
    pub fn push(&self, row: RequestLogRow) {
        let mut pending = self.pending.lock().expect("request log lock");
        if pending.len() < MAX_PENDING_LOG_ROWS {
            pending.push(row);
        }
    }

    /// The rows waiting, oldest first; new rows go to the spare buffer.
    pub fn take(&self) -> Vec<RequestLogRow> {
        let spare = std::mem::take(&mut *self.spare.lock().expect("request log lock"));
        std::mem::replace(&mut *self.pending.lock().expect("request log lock"), spare)
    }

    /// Takes back a written buffer as the next spare. One that is far larger
    /// than what it held is shrunk, so the memory of a burst is given back
    /// two flushes after the burst ends.
    pub fn recycle(&self, mut rows: Vec<RequestLogRow>) {
        let wanted = (rows.len() * 2).max(1024);
        rows.clear();
        if rows.capacity() > 2 * wanted {
            rows.shrink_to(wanted);
        }
        *self.spare.lock().expect("request log lock") = rows;
    }
}
