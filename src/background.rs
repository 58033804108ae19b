//! Threads for work that can wait: WAL checkpoints and webhook delivery.
//!
//! On two cores an HTTP ingest is a chain (parse and validate on a tokio
//! worker, then the writer thread, then the answer) that the next batch
//! waits for; every moment either link waits for a CPU adds to the ingest's
//! time. Checkpoints and deliveries have seconds of slack (a delivery's
//! budget is 1 s from the commit), so their threads run at a lower CPU
//! priority: nice +[`BACKGROUND_NICE`] above the process. When the CPUs are
//! contended Linux gives such a thread about a third of the time of a
//! default-priority one (scheduler weights 335 against 1,024); when they are
//! not, it runs as fast as ever. In the webhook benchmark (25 % broad
//! subscriptions, docs/webhooks-bench.md) this, with the delivery worker on
//! a runtime of its own and its outcomes written back in larger batches,
//! took the ingest slowdown from a median of −35.6 % to −21.7 %, and p99
//! from commit to first attempt from ~30 ms to 174–353 ms.

/// How much nicer than the process a background thread runs.
pub const BACKGROUND_NICE: i32 = 5;

/// Lowers the calling thread's CPU priority by [`BACKGROUND_NICE`]. On Linux
/// the nice value belongs to each thread; threads it starts later inherit
/// it. Elsewhere, or if the system refuses, the thread keeps its priority.
pub fn lower_current_thread_priority() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        let thread = Some(rustix::thread::gettid());
        let lowered =
            getpriority_process(thread).and_then(|nice| setpriority_process(thread, (nice + BACKGROUND_NICE).min(19)));
        if let Err(error) = lowered {
            tracing::debug!(%error, "could not lower a background thread's priority");
        }
    }
}
