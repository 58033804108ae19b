//! The state every request handler shares.

use crate::auth::Auth;
use crate::auth::keys::KeyHash;
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::metrics::Metrics;
use crate::store::Store;
use crate::store::usage::RequestLogRow;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};
use thread_local::ThreadLocal;

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
    /// Set when the drain time is up: streams still running (an export to
    /// a client that stopped reading) end then instead of holding the
    /// shutdown until their stall timeout.
    pub closing: Arc<tokio::sync::watch::Sender<bool>>,
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

/// The most request-log rows a thread keeps in memory between flushes;
/// rows beyond this are dropped rather than letting memory grow.
pub const MAX_PENDING_LOG_ROWS: usize = 200_000;

/// Request-log rows waiting in one thread that make the flusher write them
/// at once instead of at its next second: at 90,000 requests a second,
/// buffers of a second's rows held ~30 MiB.
pub const FLUSH_AT_LOG_ROWS: usize = 8_192;

/// Request-log rows between two flushes, in a buffer per thread: every
/// request adds a row, and one buffer behind one lock would move that
/// lock's cache line from core to core on every request. The flusher
/// gathers them into one vector and hands it back, emptied, once written:
/// a busy server then reuses its buffers instead of growing new ones
/// each flush.
#[derive(Default)]
pub struct RequestLogBuffer {
    pending: ThreadLocal<Mutex<Vec<RequestLogRow>>>,
    spare: Mutex<Vec<RequestLogRow>>,
    /// Signalled when a thread has `FLUSH_AT_LOG_ROWS` rows waiting.
    full: tokio::sync::Notify,
}

impl RequestLogBuffer {
    /// Keeps a row for the next flush (dropped when the thread already has
    /// `MAX_PENDING_LOG_ROWS` waiting, which only a stalled writer lets
    /// happen).
    pub fn push(&self, row: RequestLogRow) {
        let mut pending = self.pending.get_or_default().lock().unwrap_or_else(PoisonError::into_inner);
        if pending.len() < MAX_PENDING_LOG_ROWS {
            pending.push(row);
        }
        if pending.len() == FLUSH_AT_LOG_ROWS {
            self.full.notify_one();
        }
    }

    /// Resolves once a thread has `FLUSH_AT_LOG_ROWS` rows waiting (the
    /// flusher's cue).
    pub async fn filled(&self) {
        self.full.notified().await
    }

    /// The rows waiting in every thread, oldest first, in the spare buffer.
    /// A thread's buffer keeps its room for the next rows unless it is far
    /// larger than what it held.
    pub fn take(&self) -> Vec<RequestLogRow> {
        let mut rows = std::mem::take(&mut *self.spare.lock().unwrap_or_else(PoisonError::into_inner));
        for pending in self.pending.iter() {
            let mut pending = pending.lock().unwrap_or_else(PoisonError::into_inner);
            let wanted = (pending.len() * 2).max(1024);
            rows.append(&mut pending);
            if pending.capacity() > 2 * wanted {
                pending.shrink_to(wanted);
            }
        }
        // Each thread's rows are in order already: a stable sort merges them.
        rows.sort_by_key(|row| row.time_millis);
        rows
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
        *self.spare.lock().unwrap_or_else(PoisonError::into_inner) = rows;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn row(number: i64) -> RequestLogRow {
        RequestLogRow {
            time_millis: number,
            request_id: format!("req_{number}"),
            key_id: None,
            method: Cow::Borrowed("GET"),
            route: Cow::Borrowed("/health"),
            status: 200,
            latency_us: 1,
        }
    }

    #[test]
    fn the_request_log_buffer_reuses_the_written_vector_and_gives_back_a_bursts_memory() {
        let buffer = RequestLogBuffer::default();
        (0..3).for_each(|number| buffer.push(row(number)));
        let written = buffer.take();
        assert_eq!(written.iter().map(|row| row.time_millis).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(buffer.take().is_empty(), "taking leaves nothing behind");

        // A busy second: the written vector is handed back and the next
        // rows are gathered into it.
        let mut busy = Vec::with_capacity(50_000);
        busy.extend((0..40_000).map(row));
        buffer.recycle(busy);
        buffer.push(row(7));
        let next = buffer.take();
        assert_eq!(next.len(), 1);
        assert!(next.capacity() >= 40_000, "the busy second's vector was reused");

        // After the burst, a flush of one row shrinks what is kept.
        buffer.recycle(next);
        assert!(buffer.take().capacity() <= 2_048);
    }

    #[test]
    fn rows_pushed_on_several_threads_are_taken_together_oldest_first() {
        let buffer = RequestLogBuffer::default();
        std::thread::scope(|scope| {
            for first in [0, 1, 2] {
                let buffer = &buffer;
                scope.spawn(move || (0..100).for_each(|step| buffer.push(row(first + 3 * step))));
            }
        });
        let times: Vec<i64> = buffer.take().iter().map(|row| row.time_millis).collect();
        assert_eq!(times, (0..300).collect::<Vec<_>>());
        assert!(buffer.take().is_empty(), "taking leaves nothing behind in any thread");
    }

    #[tokio::test]
    async fn a_full_request_log_buffer_calls_the_flusher_before_its_second() {
        let buffer = RequestLogBuffer::default();
        (0..FLUSH_AT_LOG_ROWS as i64 - 1).for_each(|number| buffer.push(row(number)));
        let early = std::time::Duration::from_millis(50);
        assert!(tokio::time::timeout(early, buffer.filled()).await.is_err(), "not full yet");
        buffer.push(row(-1));
        assert!(tokio::time::timeout(early, buffer.filled()).await.is_ok(), "full: the flusher is called");
        assert_eq!(buffer.take().len(), FLUSH_AT_LOG_ROWS);
    }
}
