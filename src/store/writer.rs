//! The one read-write connection, owned by a dedicated thread.
//!
//! Callers send closures over a channel and get their result on a oneshot
//! once the transaction that ran them has committed, so an acknowledged write
//! is a durable write. The thread drains whatever is queued (up to
//! `MAX_BATCH` tasks) into one transaction: under load, many small writes
//! (request-log rows, counter flushes, single-job ingests) share one commit.
//! Each task runs inside its own SAVEPOINT, so one failing task rolls back
//! alone and the others in the batch still commit.

use crate::error::{Error, Result};
use crate::ingest::dedup::DedupIndex;
use rusqlite::Connection;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// How many queued tasks one transaction may take.
const MAX_BATCH: usize = 512;

/// What a task may touch: the connection and the state that must change in
/// step with it (only this thread mutates either).
pub struct WriterContext {
    pub conn: Connection,
    /// Near-duplicate index over recent jobs, rebuilt from the table at start.
    pub dedup: DedupIndex,
    /// Called after every commit that ran at least one task that asked for it
    /// (new jobs for webhooks); set by the server.
    pub commit_hooks: Vec<CommitHook>,
    /// What the current transaction has produced for the hooks.
    pub pending_events: CommitEvents,
    /// Active webhook subscriptions filed for matching new jobs; reloads
    /// itself when they change (see `webhooks::matching`).
    pub webhook_index: crate::webhooks::matching::SubscriptionIndex,
}

/// Called after each commit with what it produced.
pub type CommitHook = Box<dyn Fn(&CommitEvents) + Send>;

/// Facts about a committed transaction that other parts of the server react to.
#[derive(Debug, Default, Clone)]
pub struct CommitEvents {
    /// Newly inserted, visible jobs (by seq).
    pub new_visible_jobs: Vec<i64>,
    /// Outbox messages were written.
    pub outbox_written: bool,
}

type Finisher = Box<dyn FnOnce(Option<&rusqlite::Error>) + Send>;

/// A queued write: run it inside the batch's transaction, or, when the
/// transaction cannot even begin, answer its caller with the error.
trait WriteTask: Send {
    fn run(self: Box<Self>, context: &mut WriterContext) -> Finisher;
    fn abort(self: Box<Self>, error: Error);
    /// Whether a read answer may depend on what the task writes.
    fn changes_reads(&self) -> bool;
}

struct TypedTask<T, F> {
    task: F,
    reply: tokio::sync::oneshot::Sender<Result<T>>,
    changes_reads: bool,
}

impl<T, F> WriteTask for TypedTask<T, F>
where
    T: Send + 'static,
    F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
{
    fn run(self: Box<Self>, context: &mut WriterContext) -> Finisher {
        let TypedTask { task, reply, .. } = *self;
        let outcome = run_in_savepoint(context, task);
        Box::new(move |commit_error: Option<&rusqlite::Error>| {
            let outcome = match commit_error {
                None => outcome,
                Some(error) => Err(Error::internal(format!("commit failed: {error}"))),
            };
            let _ = reply.send(outcome);
        })
    }

    fn abort(self: Box<Self>, error: Error) {
        let _ = self.reply.send(Err(error));
    }

    fn changes_reads(&self) -> bool {
        self.changes_reads
    }
}

type Task = Box<dyn WriteTask>;

/// A handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    sender: mpsc::Sender<Task>,
    commits: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer thread on `context`. The thread ends when every
    /// `Writer` handle is dropped, after finishing what is queued.
    /// `initialize` runs on the writer thread before the first task, so slow
    /// warm-up (rebuilding the duplicate index) does not delay serving reads.
    pub fn start(
        mut context: WriterContext,
        initialize: impl FnOnce(&mut WriterContext) + Send + 'static,
    ) -> (Writer, std::thread::JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel::<Task>();
        let commits = Arc::new(AtomicU64::new(0));
        let counter = commits.clone();
        let handle = std::thread::Builder::new()
            .name("upjobs-writer".into())
            .spawn(move || {
                initialize(&mut context);
                run(context, receiver, &counter)
            })
            .expect("spawning the writer thread");
        (Writer { sender, commits }, handle)
    }

    /// How many transactions this process has committed (bookkeeping-only
    /// ones aside, see [`Writer::call_bookkeeping`]). It moves before any
    /// caller hears of the commit, so a cached read made at an older count
    /// is known to be stale once a write has been acknowledged.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    /// Runs `task` in the writer's next transaction and returns its result
    /// after the commit.
    pub async fn call<T, F>(&self, task: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        self.call_marked(task, true).await
    }

    /// `call` for a write no cached read answer depends on (usage counters,
    /// request-log rows): a transaction of only such writes leaves
    /// [`Writer::commits`] alone, so the once-a-second usage flush does not
    /// empty the response cache.
    pub async fn call_bookkeeping<T, F>(&self, task: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        self.call_marked(task, false).await
    }

    async fn call_marked<T, F>(&self, task: F, changes_reads: bool) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        let (reply, receiver) = tokio::sync::oneshot::channel();
        self.submit(task, reply, changes_reads)?;
        receiver.await.map_err(|_| Error::Unavailable)?
    }

    /// `call` for code that is not async (the CLI). Must not be used from
    /// inside the tokio runtime.
    pub fn call_blocking<T, F>(&self, task: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        let (reply, receiver) = tokio::sync::oneshot::channel();
        self.submit(task, reply, true)?;
        receiver.blocking_recv().map_err(|_| Error::Unavailable)?
    }

    fn submit<T, F>(&self, task: F, reply: tokio::sync::oneshot::Sender<Result<T>>, changes_reads: bool) -> Result<()>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        let boxed: Task = Box::new(TypedTask { task, reply, changes_reads });
        self.sender.send(boxed).map_err(|_| Error::Unavailable)
    }
}

fn run_in_savepoint<T>(context: &mut WriterContext, task: impl FnOnce(&mut WriterContext) -> Result<T>) -> Result<T> {
    context.conn.execute_batch("SAVEPOINT task")?;
    let events_before = context.pending_events.clone();
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| task(context)))
        .unwrap_or_else(|_| Err(Error::internal("a write task panicked")));
    match &outcome {
        Ok(_) => context.conn.execute_batch("RELEASE task")?,
        Err(_) => {
            context.conn.execute_batch("ROLLBACK TO task; RELEASE task")?;
            context.pending_events = events_before;
        }
    }
    outcome
}

fn run(mut context: WriterContext, receiver: mpsc::Receiver<Task>, commits: &AtomicU64) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(task) => batch.push(task),
                Err(_) => break,
            }
        }
        if let Err(error) = context.conn.execute_batch("BEGIN IMMEDIATE") {
            tracing::error!(%error, "writer could not begin a transaction");
            for task in batch {
                task.abort(Error::internal(format!("could not begin a transaction: {error}")));
            }
            continue;
        }
        let changes_reads = batch.iter().any(|task| task.changes_reads());
        let finishers: Vec<Finisher> = batch.into_iter().map(|task| task.run(&mut context)).collect();
        let commit = context.conn.execute_batch("COMMIT");
        let events = std::mem::take(&mut context.pending_events);
        match &commit {
            Ok(()) => {
                if changes_reads {
                    commits.fetch_add(1, Ordering::AcqRel);
                }
                for hook in &context.commit_hooks {
                    hook(&events);
                }
            }
            Err(error) => {
                tracing::error!(%error, "writer commit failed; rolling back");
                let _ = context.conn.execute_batch("ROLLBACK");
            }
        }
        for finisher in finishers {
            finisher(commit.as_ref().err());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[tokio::test]
    async fn only_writes_reads_can_see_move_the_commit_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with(&dir.path().join("writer.db"), Vec::new(), false).unwrap();
        let writer = &store.writer;
        let start = writer.commits();
        let log_row = "INSERT INTO settings (name, value) VALUES ('bookkeeping', '1') \
                       ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        writer.call_bookkeeping(move |context| Ok(context.conn.execute(log_row, [])?)).await.unwrap();
        assert_eq!(writer.commits(), start, "a bookkeeping-only commit leaves cached reads valid");
        writer.call(move |context| Ok(context.conn.execute(log_row, [])?)).await.unwrap();
        assert_eq!(writer.commits(), start + 1);
    }
}
