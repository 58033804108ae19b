//! Retention pruning: jobs older than any active key can see, and old
//! request-log rows, deleted in small batches through the writer so that
//! requests keep flowing while it runs; then the full-text index's
//! segments merged back into one, in steps of the same kind.

use crate::config::ServeConfig;
use crate::error::Result;
use crate::store::Store;
use crate::store::jobs::{SEARCH_MERGE_STEP_PAGES, merge_search_index_step, seq_floor};
use rusqlite::params;
use serde::Serialize;

/// Rows one writer task deletes: a batch of 250 jobs is ~12 ms of writer
/// time (FTS5 re-tokenises each deleted job's text), short enough that
/// requests queued behind it barely notice.
const BATCH_ROWS: i64 = 250;
/// Request-log blocks deleted per step (up to 1,000 requests each).
const LOG_BLOCKS_PER_STEP: i64 = 4;

/// Whether a prune shares the database with requests being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// After each batch, rest three times as long as the batch took, so
    /// the prune takes at most a quarter of the writer thread (and of a
    /// core) from the requests running beside it. Pruning is maintenance:
    /// slower is fine.
    BesideRequests,
    /// Nothing else is running (`upjobs prune`): go flat out.
    Alone,
}

impl Pace {
    async fn rest_after(self, batch_started: std::time::Instant) {
        if self == Pace::BesideRequests {
            tokio::time::sleep(batch_started.elapsed() * 3).await;
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PruneReport {
    /// Days of jobs kept (None: all history).
    pub retention_days: Option<i64>,
    pub jobs_deleted: i64,
    pub request_log_deleted: i64,
    /// Webhook delivery attempts and finished messages past the log
    /// retention.
    pub delivery_records_deleted: i64,
    /// Merge steps the full-text index took to become one segment again
    /// (0: it already was).
    pub search_index_merge_steps: i64,
}

/// Webhook delivery rows (attempts, then finished messages) one step
/// deletes of each.
const DELIVERY_ROWS_PER_STEP: i64 = 2_000;

/// Free pages one step hands back to the file system (8 MiB of 16 KiB
/// pages). `incremental_vacuum` moves pages from the end of the file into
/// the holes, so a step writes about this much to the WAL and then to the
/// file at the next checkpoint; larger steps made I/O bursts that slowed
/// reads beside them.
const VACUUM_STEP_PAGES: i64 = 512;

/// A bound on one pass's merge steps (each moves `SEARCH_MERGE_STEP_PAGES`
/// leaf pages; this is far more than any index needs): under a steady
/// stream of new jobs the merge could otherwise chase new segments forever.
const MAX_MERGE_STEPS: i64 = 100_000;

/// The longest window any active key can see, capped by
/// `--max-retention-days`. None: keep everything. With no active key at
/// all, nothing is pruned (a fresh install may ingest before issuing keys).
pub fn retention_days(conn: &rusqlite::Connection, max_retention_days: Option<i64>, now: i64) -> Result<Option<i64>> {
    let mut statement = conn.prepare(
        "SELECT k.retention_days IS NULL AND p.retention_days IS NULL, coalesce(k.retention_days, p.retention_days) \
         FROM api_keys k JOIN plans p ON p.name = k.plan \
         WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?1)",
    )?;
    let windows: Vec<(bool, Option<i64>)> =
        statement.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let longest = if windows.is_empty() || windows.iter().any(|(unlimited, _)| *unlimited) {
        None
    } else {
        windows.iter().filter_map(|(_, days)| *days).max()
    };
    Ok(match (longest, max_retention_days) {
        (Some(days), Some(cap)) => Some(days.min(cap)),
        (None, cap) => cap,
        (days, None) => days,
    })
}

pub async fn prune(store: &Store, config: &ServeConfig, now: i64, pace: Pace) -> Result<PruneReport> {
    let max = config.max_retention_days;
    let days = store.readers.read(move |conn| retention_days(conn, max, now)).await?;
    let mut report = PruneReport { retention_days: days, ..PruneReport::default() };
    let phase_started = std::time::Instant::now();
    if let Some(days) = days {
        let cutoff = seq_floor(now - days * 86_400);
        loop {
            let started = std::time::Instant::now();
            let deleted = store
                .writer
                .call(move |writer| {
                    let deleted = writer.conn.execute(
                        "DELETE FROM jobs WHERE seq IN (SELECT seq FROM jobs WHERE seq < ?1 ORDER BY seq LIMIT ?2)",
                        params![cutoff, BATCH_ROWS],
                    )?;
                    writer.dedup.evict_older_than(now - days * 86_400);
                    if deleted > 0 {
                        crate::store::jobs::note_jobs_changed(writer)?;
                    }
                    Ok(deleted as i64)
                })
                .await?;
            report.jobs_deleted += deleted;
            if deleted < BATCH_ROWS {
                break;
            }
            pace.rest_after(started).await;
        }
    }
    let log_cutoff_millis = (now - config.log_retention_days.max(1) * 86_400) * 1000;
    loop {
        let started = std::time::Instant::now();
        let deleted = store
            .writer
            .call(move |writer| {
                // Blocks arrive in time order: the oldest come first by id.
                let mut statement = writer.conn.prepare_cached(
                    "DELETE FROM request_log_blocks WHERE id IN \
                     (SELECT id FROM request_log_blocks WHERE last_time < ?1 ORDER BY id LIMIT ?2) RETURNING requests",
                )?;
                let requests = statement
                    .query_map(params![log_cutoff_millis, LOG_BLOCKS_PER_STEP], |row| row.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                Ok((requests.len() as i64, requests.iter().sum::<i64>()))
            })
            .await?;
        let (blocks, requests) = deleted;
        report.request_log_deleted += requests;
        if blocks < LOG_BLOCKS_PER_STEP {
            break;
        }
        pace.rest_after(started).await;
    }
    loop {
        let started = std::time::Instant::now();
        let deleted = store
            .writer
            .call(move |writer| crate::store::webhooks::prune(&writer.conn, log_cutoff_millis, DELIVERY_ROWS_PER_STEP))
            .await?;
        report.delivery_records_deleted += deleted;
        if deleted == 0 {
            break;
        }
        pace.rest_after(started).await;
    }
    tracing::info!(
        jobs_deleted = report.jobs_deleted,
        request_log_deleted = report.request_log_deleted,
        delivery_records_deleted = report.delivery_records_deleted,
        seconds = phase_started.elapsed().as_secs_f64(),
        "prune: rows deleted"
    );
    let phase_started = std::time::Instant::now();
    report.search_index_merge_steps = merge_search_index(store, pace).await?;
    tracing::info!(
        steps = report.search_index_merge_steps,
        seconds = phase_started.elapsed().as_secs_f64(),
        "prune: search index merged"
    );
    // Hand freed pages back to the file system a slice at a time.
    let phase_started = std::time::Instant::now();
    let mut free_pages = 0;
    loop {
        let started = std::time::Instant::now();
        let free = store
            .writer
            .call(|writer| {
                let free: i64 = writer.conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
                if free > 0 {
                    writer.conn.execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_STEP_PAGES})"))?;
                }
                Ok(free)
            })
            .await?;
        free_pages = free_pages.max(free);
        if free <= VACUUM_STEP_PAGES {
            break;
        }
        pace.rest_after(started).await;
    }
    tracing::info!(free_pages, seconds = phase_started.elapsed().as_secs_f64(), "prune: free pages returned");
    Ok(report)
}

/// Merges the full-text index into one segment, a step at a time (new jobs
/// and deletes leave it in many; every query opens each one). Returns the
/// steps that did work.
pub async fn merge_search_index(store: &Store, pace: Pace) -> Result<i64> {
    let mut steps = 0;
    while steps < MAX_MERGE_STEPS {
        let started = std::time::Instant::now();
        let merged = store.writer.call(|writer| merge_search_index_step(&writer.conn, SEARCH_MERGE_STEP_PAGES)).await?;
        if !merged {
            break;
        }
        steps += 1;
        pace.rest_after(started).await;
    }
    Ok(steps)
}
