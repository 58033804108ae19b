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
}

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
