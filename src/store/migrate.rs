//! Applies `schema.sql`, a sequence of `-- migration: N` blocks, forward.

use crate::error::{Error, Result};
use rusqlite::Connection;

pub const SCHEMA: &str = include_str!("../../schema.sql");

/// The schema version this binary writes.
pub fn latest_version() -> i64 {
    migrations().last().map(|(version, _)| *version).unwrap_or(0)
}

/// The numbered blocks of `schema.sql`, in order.
fn migrations() -> Vec<(i64, &'static str)> {
    let mut blocks = Vec::new();
    let mut current: Option<(i64, usize)> = None;
    let mut offset = 0;
    for line in SCHEMA.split_inclusive('\n') {
        if let Some(number) = line.trim().strip_prefix("-- migration:") {
            if let Some((version, start)) = current.take() {
                blocks.push((version, &SCHEMA[start..offset]));
            }
            let version = number.trim().parse().expect("schema.sql: migration numbers are integers");
            current = Some((version, offset + line.len()));
        }
        offset += line.len();
    }
    if let Some((version, start)) = current {
        blocks.push((version, &SCHEMA[start..]));
    }
    blocks
}

/// Brings the database up to `latest_version()`, one transaction per block.
pub fn apply(conn: &Connection) -> Result<()> {
    apply_up_to(conn, latest_version())
}

/// Brings the database up to schema version `target` (tests start from an
/// older version to check a migration's data conversion).
pub fn apply_up_to(conn: &Connection, target: i64) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let latest = latest_version();
    if current > latest {
        return Err(Error::internal(format!(
            "this database was written by a newer upjobs (schema version {current}; this binary knows up to {latest}). Upgrade upjobs, or restore a backup made by this version."
        )));
    }
    for (version, sql) in migrations() {
        if version <= current || version > target {
            continue;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied =
            conn.execute_batch(sql).and_then(|_| conn.execute_batch(&format!("PRAGMA user_version = {version}")));
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(error) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(Error::internal(format!("migration {version} failed: {error}")));
            }
        }
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_index(conn: &Connection, name: &str) -> bool {
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1", [name], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap()
            == 1
    }

    #[test]
    fn migrations_apply_in_steps_and_migration_4_drops_the_unread_fingerprint_index() {
        let conn = Connection::open_in_memory().unwrap();
        apply_up_to(&conn, 3).unwrap();
        assert_eq!(current_version(&conn).unwrap(), 3);
        assert!(has_index(&conn, "jobs_exact_fingerprint"));
        apply(&conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        assert!(!has_index(&conn, "jobs_exact_fingerprint"));
        // The one query that names the fingerprint finds its row by id.
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT j.duplicate_of FROM jobs j WHERE j.id = ?1 AND j.fingerprint_exact = ?2",
                ["x", "1"],
                |row| row.get(3),
            )
            .unwrap();
        assert!(plan.contains("USING INDEX sqlite_autoindex_jobs_1 (id=?)"), "{plan}");
    }
}
