//! A small pool of read-only connections, used from `spawn_blocking`.
//!
//! In WAL mode readers never wait for the writer, so queries keep flowing
//! while an import or a prune commits. The pool is a stack of connections
//! behind a semaphore: a request that finds them all busy waits its turn
//! instead of opening more files.

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Readers {
    inner: Arc<ReadersInner>,
}

struct ReadersInner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
    heavy_permits: Semaphore,
}

/// How many heavy queries (`read_heavy`) run at once: one per core of the
/// machine this is sized for. Each can hold tens of MiB in SQLite (merged
/// doclists, ranked candidates); with all four connections running them a
/// 1M-job server peaked at 210–223 MiB, with two at once at 189–193 MiB
/// (BENCHMARKS.md, fifth round). They are CPU-bound, so two keep both
/// cores busy, and light queries still get the other connections.
pub const HEAVY_QUERIES_AT_ONCE: usize = 2;

impl Readers {
    pub fn open(path: &Path, size: usize) -> Result<Readers> {
        let mut idle = Vec::with_capacity(size);
        for _ in 0..size {
            idle.push(open_reader(path)?);
        }
        Ok(Readers {
            inner: Arc::new(ReadersInner {
                path: path.to_path_buf(),
                idle: Mutex::new(idle),
                permits: Semaphore::new(size),
                heavy_permits: Semaphore::new(HEAVY_QUERIES_AT_ONCE.min(size)),
            }),
        })
    }

    /// Runs `query` on an idle connection on tokio's blocking pool.
    pub async fn read<T, F>(&self, query: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let _permit = self.inner.permits.acquire().await.map_err(|_| Error::Unavailable)?;
        let connection = self.take()?;
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let outcome = query(&connection);
            inner.give_back(connection);
            outcome
        })
        .await;
        match joined {
            Ok(outcome) => outcome,
            Err(error) => {
                // The query panicked and its connection went with it: open a
                // replacement so the pool keeps its size.
                if let Ok(connection) = open_reader(&self.inner.path) {
                    self.inner.give_back(connection);
                }
                Err(Error::internal(format!("read task failed: {error}")))
            }
        }
    }

    /// `read` for a query that holds a lot of memory while it runs: waits
    /// while `HEAVY_QUERIES_AT_ONCE` others do.
    pub async fn read_heavy<T, F>(&self, query: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let _heavy = self.inner.heavy_permits.acquire().await.map_err(|_| Error::Unavailable)?;
        self.read(query).await
    }

    /// `read` for code outside the runtime (the CLI).
    pub fn read_blocking<T>(&self, query: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let connection = self.take()?;
        let outcome = query(&connection);
        self.inner.give_back(connection);
        outcome
    }

    fn take(&self) -> Result<Connection> {
        let popped = self.inner.idle.lock().expect("reader pool lock").pop();
        match popped {
            Some(connection) => Ok(connection),
            None => open_reader(&self.inner.path),
        }
    }
}

impl ReadersInner {
    fn give_back(&self, connection: Connection) {
        self.idle.lock().expect("reader pool lock").push(connection);
    }
}

fn open_reader(path: &Path) -> Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    // 8 MiB each: hot pages are in the OS cache anyway, and RSS stays low.
    connection.execute_batch("PRAGMA cache_size = -8000; PRAGMA temp_store = MEMORY;")?;
    super::fix_query_plans(&connection)?;
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn pool(size: usize) -> (tempfile::TempDir, Readers) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readers.db");
        Connection::open(&path).unwrap().execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x)").unwrap();
        let readers = Readers::open(&path, size).unwrap();
        (dir, readers)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_queries_run_a_few_at_a_time_and_light_ones_pass_them() {
        let (_dir, readers) = pool(4);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        // The heavy queries hold their connections until the light query
        // below has run: it must find a free connection among the four.
        let (light_done, light_seen) = tokio::sync::watch::channel(false);
        let mut heavy = Vec::new();
        for _ in 0..5 {
            let (readers, running, most) = (readers.clone(), running.clone(), most.clone());
            let mut light_seen = light_seen.clone();
            heavy.push(tokio::spawn(async move {
                readers
                    .read_heavy(move |conn| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        let handle = tokio::runtime::Handle::current();
                        handle.block_on(light_seen.wait_for(|done| *done)).unwrap();
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(conn.query_row("SELECT count(*) FROM t", [], |row| row.get::<_, i64>(0))?)
                    })
                    .await
            }));
        }
        while running.load(Ordering::SeqCst) < HEAVY_QUERIES_AT_ONCE {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let light = tokio::time::timeout(
            Duration::from_secs(5),
            readers.read(|conn| Ok(conn.query_row("SELECT 7", [], |row| row.get::<_, i64>(0))?)),
        )
        .await
        .expect("a light query is not queued behind heavy ones");
        assert_eq!(light.unwrap(), 7);
        light_done.send(true).unwrap();
        for task in heavy {
            assert_eq!(task.await.unwrap().unwrap(), 0);
        }
        assert_eq!(most.load(Ordering::SeqCst), HEAVY_QUERIES_AT_ONCE);
    }
}
