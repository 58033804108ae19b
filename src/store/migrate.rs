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
        return Err(Error::setup(format!(
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

    /// Migration 5 moves stored jobs from `posted_on * 4096 + n` to
    /// `posted_on * 2^20 + n`, their terms with them, and rebuilds the
    /// full-text index on the new rowids. The rows are chosen so that a
    /// one-pass renumbering would collide: a far-future job's old seq
    /// equals an older job's new one.
    #[test]
    fn migration_5_renumbers_jobs_terms_and_the_search_index() {
        let conn = Connection::open_in_memory().unwrap();
        apply_up_to(&conn, 4).unwrap();
        let old_seq = |posted_on: i64, n: i64| posted_on * 4096 + n;
        let first = 1_700_000_000;
        let colliding_posted_on = (first * (1 << 20)) / 4096; // its old seq = `first`'s new seq
        let jobs = [
            (first, 0, "a", "react developer"),
            (first, 1, "b", "vue developer"),
            (colliding_posted_on, 0, "c", "react tester"),
        ];
        for (posted_on, n, id, title) in jobs {
            let doc =
                serde_json::json!({"id": id, "title": title, "description": "", "skills": [], "tags": []}).to_string();
            conn.execute(
                "INSERT INTO jobs (seq, id, posted_on, job_type, status, contractor_tier, payment_verified, buyer_country, \
                 location_timezone, category_slug, category_group_slug, buyer_total_spent, buyer_total_assignments, \
                 buyer_total_jobs_with_hires, total_applicants, engagement, duration_label, ingested_at, updated_at, doc) \
                 VALUES (?1, ?2, ?3, 1, 1, 1, 1, 'US', '', '', '', 0, 0, 0, 0, '', '', 0, 0, ?4)",
                rusqlite::params![old_seq(posted_on, n), id, posted_on, doc],
            )
            .unwrap();
            conn.execute("INSERT INTO job_terms (seq, term) VALUES (?1, 'react')", [old_seq(posted_on, n)]).unwrap();
        }
        conn.execute("INSERT INTO jobs_fts(jobs_fts) VALUES ('rebuild')", []).unwrap();

        apply(&conn).unwrap();
        let new_seq = |posted_on: i64, n: i64| posted_on * crate::store::jobs::SEQS_PER_SECOND + n;
        let seqs = |sql: &str| -> Vec<i64> {
            conn.prepare(sql).unwrap().query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
        };
        let expected: Vec<i64> = jobs.iter().map(|(posted_on, n, _, _)| new_seq(*posted_on, *n)).collect();
        assert_eq!(seqs("SELECT seq FROM jobs ORDER BY id"), expected, "jobs a, b, c");
        assert_eq!(seqs("SELECT seq FROM job_terms ORDER BY seq"), expected);
        assert_eq!(
            seqs("SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH 'react' ORDER BY rowid"),
            [new_seq(first, 0), new_seq(colliding_posted_on, 0)]
        );
        conn.execute("INSERT INTO jobs_fts(jobs_fts) VALUES ('integrity-check')", []).unwrap();
        assert_eq!(crate::store::jobs::posted_on_of(new_seq(first, 1)), first);
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
