//! The one read-write connection, owned by a dedicated thread.
//!
//! Callers send closures over a channel and get their result on a oneshot
//! once the transaction that ran them has committed, so an acknowledged write
//! is a durable write. The thread drains whatever is queued (up to
//! `MAX_BATCH` tasks) into one transaction: under load, many small writes
//! (request-log rows, counter flushes, single-job ingests) share one commit.
//! Each task runs inside its own SAVEPOINT, so one failing task rolls back
//! alone and the others in the batch still commit.
//!
//! A large task (an ingest batch: `call_large`) gets a transaction of its
//! own instead and runs without a savepoint; if it fails, the transaction
//! rolls back. Inside a savepoint SQLite copies the original of every page
//! the task changes into a statement journal, in memory here
//! (`temp_store = MEMORY`): for 5,000 jobs inserted among existing ones
//! that was ~300 MiB of the server's memory and a copy of every page
//! (BENCHMARKS.md, fifth round). In WAL mode a transaction rolls back
//! without any journal.

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
    /// Near-duplicate index over recent jobs, rebuilt from the table at start
    /// and whenever another process has stored jobs in the file since
    /// (`store::jobs::refresh_dedup_index`).
    pub dedup: DedupIndex,
    /// `settings.jobs_version` when the index last matched the table (None:
    /// not loaded).
    pub dedup_jobs_version: Option<i64>,
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

/// How a task is run: inside a savepoint among others, or alone.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Savepoint,
    OwnTransaction,
}

/// A queued write: run it inside the batch's transaction, or, when the
/// transaction cannot even begin, answer its caller with the error.
trait WriteTask: Send {
    /// Runs the task; the flag says whether it succeeded (a failed task in
    /// its own transaction rolls that transaction back).
    fn run(self: Box<Self>, context: &mut WriterContext) -> (bool, Finisher);
    fn abort(self: Box<Self>, error: Error);
    /// Whether a read answer may depend on what the task writes.
    fn changes_reads(&self) -> bool;
    fn scope(&self) -> Scope;
}

struct TypedTask<T, F> {
    task: F,
    reply: tokio::sync::oneshot::Sender<Result<T>>,
    changes_reads: bool,
    scope: Scope,
}

impl<T, F> WriteTask for TypedTask<T, F>
where
    T: Send + 'static,
    F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
{
    fn run(self: Box<Self>, context: &mut WriterContext) -> (bool, Finisher) {
        let TypedTask { task, reply, scope, .. } = *self;
        let outcome = match scope {
            Scope::Savepoint => run_in_savepoint(context, task),
            Scope::OwnTransaction => run_catching_panics(context, task),
        };
        let succeeded = outcome.is_ok();
        let finish = Box::new(move |commit_error: Option<&rusqlite::Error>| {
            let outcome = match commit_error {
                None => outcome,
                Some(error) => Err(Error::internal(format!("commit failed: {error}"))),
            };
            let _ = reply.send(outcome);
        });
        (succeeded, finish)
    }

    fn abort(self: Box<Self>, error: Error) {
        let _ = self.reply.send(Err(error));
    }

    fn changes_reads(&self) -> bool {
        self.changes_reads
    }

    fn scope(&self) -> Scope {
        self.scope
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
        self.call_marked(task, true, Scope::Savepoint).await
    }

    /// `call` for a large write (an ingest batch): it runs in a transaction
    /// of its own, without a savepoint (see the module's documentation).
    pub async fn call_large<T, F>(&self, task: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        self.call_marked(task, true, Scope::OwnTransaction).await
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
        self.call_marked(task, false, Scope::Savepoint).await
    }

    async fn call_marked<T, F>(&self, task: F, changes_reads: bool, scope: Scope) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        let (reply, receiver) = tokio::sync::oneshot::channel();
        self.submit(task, reply, changes_reads, scope)?;
        receiver.await.map_err(|_| Error::Unavailable)?
    }

    /// `call` for code that is not async (the CLI). Must not be used from
    /// inside the tokio runtime.
    pub fn call_blocking<T, F>(&self, task: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        self.call_blocking_scoped(task, Scope::Savepoint)
    }

    /// `call_large` for code that is not async (the CLI).
    pub fn call_large_blocking<T, F>(&self, task: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        self.call_blocking_scoped(task, Scope::OwnTransaction)
    }

    fn call_blocking_scoped<T, F>(&self, task: F, scope: Scope) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        let (reply, receiver) = tokio::sync::oneshot::channel();
        self.submit(task, reply, true, scope)?;
        receiver.blocking_recv().map_err(|_| Error::Unavailable)?
    }

    fn submit<T, F>(
        &self,
        task: F,
        reply: tokio::sync::oneshot::Sender<Result<T>>,
        changes_reads: bool,
        scope: Scope,
    ) -> Result<()>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterContext) -> Result<T> + Send + 'static,
    {
        let boxed: Task = Box::new(TypedTask { task, reply, changes_reads, scope });
        self.sender.send(boxed).map_err(|_| Error::Unavailable)
    }
}

fn run_in_savepoint<T>(context: &mut WriterContext, task: impl FnOnce(&mut WriterContext) -> Result<T>) -> Result<T> {
    context.conn.execute_batch("SAVEPOINT task")?;
    let events_before = context.pending_events.clone();
    let outcome = run_catching_panics(context, task);
    match &outcome {
        Ok(_) => context.conn.execute_batch("RELEASE task")?,
        Err(_) => {
            context.conn.execute_batch("ROLLBACK TO task; RELEASE task")?;
            context.pending_events = events_before;
        }
    }
    outcome
}

fn run_catching_panics<T>(
    context: &mut WriterContext,
    task: impl FnOnce(&mut WriterContext) -> Result<T>,
) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(|| task(context)))
        .unwrap_or_else(|_| Err(Error::internal("a write task panicked")))
}

fn run(mut context: WriterContext, receiver: mpsc::Receiver<Task>, commits: &AtomicU64) {
    // A large task found while draining the queue waits here for the next
    // transaction, which it has to itself.
    let mut held_back: Option<Task> = None;
    loop {
        let first = match held_back.take() {
            Some(task) => task,
            None => match receiver.recv() {
                Ok(task) => task,
                Err(_) => return,
            },
        };
        let alone = first.scope() == Scope::OwnTransaction;
        let mut batch = vec![first];
        while !alone && batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(task) if task.scope() == Scope::OwnTransaction => {
                    held_back = Some(task);
                    break;
                }
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
        let mut finishers = Vec::with_capacity(batch.len());
        let mut all_succeeded = true;
        for task in batch {
            let (succeeded, finish) = task.run(&mut context);
            all_succeeded &= succeeded;
            finishers.push(finish);
        }
        if alone && !all_succeeded {
            // The task answers with its own error; nothing of it is kept.
            if let Err(error) = context.conn.execute_batch("ROLLBACK") {
                tracing::error!(%error, "writer could not roll back a failed task");
            }
            context.pending_events = CommitEvents::default();
            for finish in finishers {
                finish(None);
            }
            continue;
        }
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
    use super::WriterContext;
    use crate::error::{Error, Result};
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

    fn setting(name: &'static str) -> impl FnOnce(&mut WriterContext) -> Result<usize> + Send + 'static {
        move |context| Ok(context.conn.execute("INSERT INTO settings (name, value) VALUES (?1, '1')", [name])?)
    }

    #[tokio::test]
    async fn a_large_task_commits_or_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with(&dir.path().join("writer.db"), Vec::new(), false).unwrap();
        let writer = &store.writer;
        // Queued together, as a busy server would: small, large (fails after
        // writing), small, large (succeeds), small.
        let failing_large = writer.call_large(|context| {
            setting("large-failed")(context)?;
            Err::<(), _>(Error::internal("refused after writing"))
        });
        let (first, failed, second, large, third) = tokio::join!(
            writer.call(setting("small-1")),
            failing_large,
            writer.call(setting("small-2")),
            writer.call_large(setting("large-ok")),
            writer.call(setting("small-3")),
        );
        assert!(failed.is_err());
        for outcome in [first, second, large, third] {
            assert_eq!(outcome.unwrap(), 1);
        }
        let names: Vec<String> = store
            .readers
            .read(|conn| {
                let mut statement = conn.prepare("SELECT name FROM settings WHERE value = '1' ORDER BY name")?;
                let names = statement.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
                Ok(names)
            })
            .await
            .unwrap();
        assert_eq!(names, ["large-ok", "small-1", "small-2", "small-3"]);
        // The writer goes on after the rollback.
        assert_eq!(writer.call_large(setting("after")).await.unwrap(), 1);
    }
}
