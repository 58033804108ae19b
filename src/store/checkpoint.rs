//! WAL checkpoints on a thread of their own.
//!
//! SQLite's automatic checkpoint runs inside the commit that takes the WAL
//! past `wal_autocheckpoint` pages, on the connection that committed: here
//! the writer thread, so the ingest batch or outcome record that crossed the
//! line waited while pages were copied into the database file (~26 % of the
//! writer's samples in the webhook benchmark, docs/webhooks-bench.md).
//!
//! The server hooks the writer's commits instead. Past [`HANDOFF_PAGES`] the
//! hook wakes the checkpointer thread, which runs a PASSIVE checkpoint on a
//! connection of its own while the writer goes on (in WAL mode a checkpoint
//! never blocks a writer, and the next write transaction restarts the WAL
//! once it has all been copied). Past [`INLINE_PAGES`] (the thread fell
//! behind, or is gone) the writer checkpoints itself, as SQLite would, so
//! the WAL stays bounded either way. Durability is unchanged: a commit is in
//! the WAL before the hook runs, whoever copies it later.

use crate::error::Result;
use rusqlite::Connection;
use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// WAL pages (16 KiB each) after which the checkpointer is woken: SQLite's
/// own default, so checkpoints come as often as before, only elsewhere.
pub const HANDOFF_PAGES: i32 = 1_000;
/// WAL pages after which the writer checkpoints itself (256 MiB).
pub const INLINE_PAGES: i32 = 16_384;

/// Opens the checkpointer's connection to the database at `path`. Outside
/// any transaction: opening runs pragmas that wait for the writer's lock.
pub fn open(path: &Path) -> Result<Connection> {
    super::open_read_write(path)
}

/// Starts the checkpointer thread on `conn` (from [`open`]) and hooks
/// `writer`'s commits to it. Returns the count of checkpoints it has run.
/// The thread ends when `writer` is closed (its hook, holding the only
/// sender, goes with it).
pub fn install(writer: &mut Connection, conn: Connection) -> Result<Arc<AtomicU64>> {
    let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
    let checkpoints = Arc::new(AtomicU64::new(0));
    let counter = checkpoints.clone();
    std::thread::Builder::new()
        .name("upjobs-checkpoint".into())
        .spawn(move || {
            crate::background::lower_current_thread_priority();
            while woken.recv().is_ok() {
                // PASSIVE: copies what no reader still needs, never waits for
                // a lock, never blocks the writer.
                match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    Ok(()) => {
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(error) => tracing::warn!(%error, "WAL checkpoint failed; the next one will try again"),
                }
            }
        })
        .map_err(crate::error::Error::internal)?;
    writer.wal_hook(Some(move |wal: &mut Wal, pages: std::os::raw::c_int| {
        if pages >= INLINE_PAGES {
            // As SQLite's automatic checkpoint does, ignore a failure (busy:
            // the checkpointer is at it): an error from this hook would make
            // the COMMIT that already happened report one.
            let _ = wal.checkpoint_v2(CheckpointMode::PASSIVE);
        } else if pages >= HANDOFF_PAGES {
            // Full: a wake-up is already waiting, which is as good.
            let _ = wake.try_send(());
        }
        Ok(())
    }))?;
    Ok(checkpoints)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn the_checkpointer_thread_copies_the_wal_once_it_passes_the_handoff() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut writer = crate::store::open_read_write(&path).unwrap();
        writer.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let checkpoints = install(&mut writer, open(&path).unwrap()).unwrap();

        // Under the handoff nothing is woken.
        writer.execute("INSERT INTO t VALUES (zeroblob(16000))", []).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(checkpoints.load(Ordering::Relaxed), 0);

        // ~1,100 pages over a few commits: the hook wakes the thread.
        for _ in 0..11 {
            writer.execute_batch("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO t SELECT zeroblob(16000) FROM n; COMMIT;").unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while checkpoints.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(checkpoints.load(Ordering::Relaxed) >= 1, "the checkpointer never ran");

        // Everything committed is readable by a new connection.
        let reader = Connection::open(&path).unwrap();
        let rows: i64 = reader.query_row("SELECT count(*) FROM t", [], |row| row.get(0)).unwrap();
        assert_eq!(rows, 1 + 11 * 100);
    }
}
