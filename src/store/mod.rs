//! Everything that touches SQLite. SQL lives here and nowhere else.
//!
//! - `writer`: the one read-write connection on its own thread.
//! - `readers`: the read-only pool for queries.
//! - `migrate`: applies `schema.sql` block by block (`PRAGMA user_version`).
//! - `jobs`, `job_query`: job rows, ingest upserts and the `/jobs` SQL.
//! - `keys`, `usage`, `request_log`: keys, plans, counters, request metadata.
//! - `webhooks`: subscriptions, the outbox of messages, delivery attempts.

pub mod backup;
pub mod checkpoint;
pub mod job_query;
pub mod jobs;
pub mod keys;
pub mod migrate;
pub mod readers;
pub mod usage;
pub mod webhooks;
pub mod writer;

use crate::error::{Error, Result};
use crate::ingest::dedup::DedupIndex;
use readers::Readers;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use writer::{Writer, WriterContext};

/// An open database: the writer thread and the reader pool.
#[derive(Clone)]
pub struct Store {
    pub path: PathBuf,
    pub writer: Writer,
    pub readers: Readers,
}

/// How many read-only connections the pool keeps: two per core is enough to
/// keep both cores busy while one query waits on I/O; each costs its cache.
pub const READER_POOL_SIZE: usize = 4;

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`, starts
    /// the writer thread, opens the reader pool and rebuilds in-memory state.
    pub fn open(path: &Path, commit_hooks: Vec<writer::CommitHook>) -> Result<Store> {
        Store::open_with(path, commit_hooks, true)
    }

    /// `open`, choosing whether the writer rebuilds the duplicate index.
    /// Only code that ingests needs it; CLI commands that manage keys or copy
    /// the file skip the scan of recent jobs.
    pub fn open_with(path: &Path, commit_hooks: Vec<writer::CommitHook>, ingests: bool) -> Result<Store> {
        Ok(Store::open_with_setup(path, commit_hooks, ingests, |_| Ok(()))?.0)
    }

    /// `open_with`, running `setup` on the migrated writer connection before
    /// the writer thread takes it (and before its warm-up, so nothing waits
    /// for the duplicate index): the server installs its checkpoint hook so.
    pub fn open_with_setup<T>(
        path: &Path,
        commit_hooks: Vec<writer::CommitHook>,
        ingests: bool,
        setup: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<(Store, T)> {
        let mut conn = open_read_write(path)?;
        migrate::apply(&conn)?;
        let prepared = setup(&mut conn)?;
        let context = WriterContext {
            conn,
            dedup: DedupIndex::new(),
            dedup_jobs_version: None,
            commit_hooks,
            pending_events: Default::default(),
            webhook_index: Default::default(),
        };
        let (writer, _thread) = Writer::start(context, move |context| {
            if !ingests {
                return;
            }
            let now = chrono::Utc::now().timestamp();
            if let Err(error) = jobs::refresh_dedup_index(context, now) {
                tracing::error!(%error, "could not rebuild the duplicate index; duplicates of older jobs may be missed");
            }
        });
        let readers = Readers::open(path, READER_POOL_SIZE)?;
        Ok((Store { path: path.to_path_buf(), writer, readers }, prepared))
    }
}

/// Opens the read-write connection with the pragmas every writer needs.
pub fn open_read_write(path: &Path) -> Result<Connection> {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty())
        && !parent.exists()
    {
        return Err(Error::setup(format!(
            "the database directory {} does not exist; create it or pass another --db",
            parent.display()
        )));
    }
    if path.is_dir() {
        return Err(Error::setup(format!("--db {} is a directory; give the path of a database file", path.display())));
    }
    let conn = Connection::open(path).map_err(|error| {
        Error::setup(format!("cannot open the database {}: {error} (is the directory writable?)", path.display()))
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA page_size = 16384;
         PRAGMA auto_vacuum = INCREMENTAL;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -32768; -- 32 MiB (a server's RSS budget; `upjobs import` raises it)
         PRAGMA temp_store = MEMORY;",
    )?;
    fix_query_plans(&conn)?;
    Ok(conn)
}

/// Turns on SQLite's query planner stability guarantee: a statement's plan
/// no longer depends on the values bound to it. Without it, this build's
/// SQLite (STAT4 on) marks parameters such as the `MATCH` text or a range
/// bound as plan-relevant, and every execution of a cached statement with
/// new bindings is parsed and planned again (~11 % of the server's CPU on
/// `q` queries; BENCHMARKS.md). Our plans come from the schema's indexes,
/// not from statistics, so nothing is given up.
pub fn fix_query_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}
