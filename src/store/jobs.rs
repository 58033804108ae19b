//! Job rows: the upsert that ingest runs in the writer, and the reads that
//! are not `/jobs` queries (by id, categories, quality, stats).

use crate::error::Result;
use crate::ingest::dedup::{DedupIndex, Fingerprint};
use crate::store::writer::WriterContext;
use rusqlite::{Connection, OptionalExtension, params};

/// Jobs posted in the same second share a block of this many seqs (2^20;
/// 4,096 before schema version 5). Posting times up to the year 9999 still
/// fit an i64 two hundred times over.
pub const SEQS_PER_SECOND: i64 = 1 << 20;

/// How long back the duplicate check looks.
pub const DUPLICATE_WINDOW_SECONDS: i64 = 30 * 24 * 3600;

/// The first seq of jobs posted at `posted_on` (Unix seconds).
pub fn seq_floor(posted_on: i64) -> i64 {
    posted_on.saturating_mul(SEQS_PER_SECOND)
}

/// The posting time (Unix seconds) a seq encodes: `seq_floor`'s inverse.
pub fn posted_on_of(seq: i64) -> i64 {
    seq.div_euclid(SEQS_PER_SECOND)
}

/// A job ready to store: indexed columns plus the wire bytes.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: String,
    pub posted_on: i64,
    pub last_visited_at: Option<i64>,
    pub job_type: i64,
    pub status: i64,
    pub contractor_tier: i64,
    pub fixed_amount: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
    pub budget_sort: f64,
    pub payment_verified: bool,
    pub buyer_country: String,
    pub location_timezone: String,
    pub category_slug: String,
    pub category_group_slug: String,
    pub buyer_total_spent: f64,
    pub buyer_total_assignments: i64,
    pub buyer_total_jobs_with_hires: i64,
    pub total_applicants: i64,
    pub engagement: String,
    pub duration_label: String,
    pub spam_score: f64,
    /// JSON array of `{rule, weight, evidence}`.
    pub spam_reasons: String,
    pub fingerprint: Fingerprint,
    /// Normalised skills and tags, deduplicated.
    pub terms: Vec<String>,
    pub doc: String,
}

/// What one upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertOutcome {
    pub seq: i64,
    /// false: the id was known and its row was updated in place.
    pub inserted: bool,
    pub spam: bool,
    pub duplicate: bool,
}

/// Inserts a new job or updates a known id, deciding spam and duplicate
/// status (operator verdicts first, then the rules).
pub fn upsert(context: &mut WriterContext, row: &JobRow, spam_threshold: f64, now: i64) -> Result<UpsertOutcome> {
    let conn = &context.conn;
    let existing: Option<(i64, i64, i64)> = conn
        .prepare_cached("SELECT seq, posted_on, fingerprint_simhash FROM jobs WHERE id = ?1")?
        .query_row([&row.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    // A re-ingest with the same text keeps the duplicate decision made when
    // the job was first seen: looking again would find reposts that came
    // after it and make the original a duplicate of its own repost.
    // (New ids, the bulk of an import, skip the query.)
    let stored_duplicate_decision: Option<Option<String>> = match existing {
        None => None,
        Some(_) => conn
            .prepare_cached(
                "SELECT j.duplicate_of FROM jobs j WHERE j.id = ?1 AND j.fingerprint_exact = ?2 \
                 AND j.fingerprint_simhash = ?3 \
                 AND (j.duplicate_of IS NULL OR EXISTS (SELECT 1 FROM jobs o WHERE o.id = j.duplicate_of))",
            )?
            .query_row(params![row.id, row.fingerprint.exact as i64, row.fingerprint.simhash as i64], |r| r.get(0))
            .optional()?,
    };
    let verdict: Option<String> = conn
        .prepare_cached("SELECT verdict FROM verdicts WHERE job_id = ?1")?
        .query_row([&row.id], |r| r.get(0))
        .optional()?;

    let spam = match verdict.as_deref() {
        Some("spam") => true,
        Some("not_spam") => false,
        _ => row.spam_score >= spam_threshold,
    };
    let duplicate_of = if verdict.as_deref() == Some("not_duplicate") {
        None
    } else if let Some(decision) = stored_duplicate_decision {
        decision
    } else {
        find_original(context, row, existing.map(|(seq, _, _)| seq))?
    };
    let duplicate = duplicate_of.is_some();
    let visible = !spam && !duplicate;
    let conn = &context.conn;

    let (seq, inserted) = match existing {
        Some((seq, posted_on, old_simhash)) if posted_on == row.posted_on => {
            update_row(conn, seq, row, visible, duplicate_of.as_deref(), now)?;
            // An unchanged sketch is updated in place by the insert below,
            // which keeps the job's place in the index's "first seen" order.
            if spam || old_simhash != row.fingerprint.simhash as i64 {
                context.dedup.remove(seq, Fingerprint { exact: 0, simhash: old_simhash as u64 });
            }
            (seq, false)
        }
        Some((old_seq, _, old_simhash)) => {
            // The posting time moved, and seq encodes it: move the row. The
            // new seq is taken first: it can fail (a full second), and the
            // batch's transaction commits whatever ran before a rejected
            // record's error, so deleting first would lose the stored job.
            let seq = allocate_seq(conn, row.posted_on)?;
            conn.prepare_cached("DELETE FROM jobs WHERE seq = ?1")?.execute([old_seq])?;
            context.dedup.remove(old_seq, Fingerprint { exact: 0, simhash: old_simhash as u64 });
            insert_row(conn, seq, row, visible, duplicate_of.as_deref(), now)?;
            (seq, false)
        }
        None => {
            let seq = allocate_seq(conn, row.posted_on)?;
            insert_row(conn, seq, row, visible, duplicate_of.as_deref(), now)?;
            (seq, true)
        }
    };
    let conn = &context.conn;
    if !inserted {
        conn.prepare_cached("DELETE FROM job_terms WHERE seq = ?1")?.execute([seq])?;
    }
    // All of a job's terms in one statement: one execution per job instead
    // of one per term (seven on average).
    let terms = serde_json::to_string(&row.terms).map_err(|error| crate::error::Error::internal(error.to_string()))?;
    conn.prepare_cached("INSERT OR IGNORE INTO job_terms (seq, term) SELECT ?1, value FROM json_each(?2)")?
        .execute(params![seq, terms])?;
    if !spam {
        // A new seq has no entry yet: skip the index's search for one.
        if inserted {
            context.dedup.insert_new(seq, row.fingerprint);
        } else {
            context.dedup.insert(seq, row.fingerprint);
        }
    }
    if inserted && visible {
        context.pending_events.new_visible_jobs.push(seq);
    }
    Ok(UpsertOutcome { seq, inserted, spam, duplicate })
}

/// The id of the earlier job this one repeats, if any.
fn find_original(context: &WriterContext, row: &JobRow, own_seq: Option<i64>) -> Result<Option<String>> {
    let Some(original_seq) = context.dedup.find(row.fingerprint, row.posted_on, DUPLICATE_WINDOW_SECONDS, own_seq)
    else {
        return Ok(None);
    };
    // The index can outlive a deleted row; the table has the last word.
    // A match that is itself a duplicate passes on its original (when that
    // still exists), so duplicates point at the posting that is shown, not
    // at a chain of hidden ones.
    let original: Option<String> = context
        .conn
        .prepare_cached(
            "SELECT CASE WHEN j.duplicate_of IS NOT NULL AND j.duplicate_of <> ?2 \
                      AND EXISTS (SELECT 1 FROM jobs o WHERE o.id = j.duplicate_of) \
                    THEN j.duplicate_of ELSE j.id END \
             FROM jobs j WHERE j.seq = ?1 AND j.id <> ?2",
        )?
        .query_row(params![original_seq, row.id], |r| r.get(0))
        .optional()?;
    Ok(original)
}

fn allocate_seq(conn: &Connection, posted_on: i64) -> Result<i64> {
    let floor = seq_floor(posted_on);
    let highest: Option<i64> = conn
        .prepare_cached("SELECT max(seq) FROM jobs WHERE seq >= ?1 AND seq < ?2")?
        .query_row(params![floor, floor + SEQS_PER_SECOND], |r| r.get(0))?;
    match highest {
        None => Ok(floor),
        Some(highest) if highest + 1 < floor + SEQS_PER_SECOND => Ok(highest + 1),
        Some(_) => {
            Err(crate::error::Error::bad_request(format!("more than {SEQS_PER_SECOND} jobs posted in the same second")))
        }
    }
}

const COLUMNS: &str = "id, posted_on, last_visited_at, job_type, status, contractor_tier, fixed_amount, \
    hourly_min, hourly_max, budget_sort, payment_verified, buyer_country, location_timezone, category_slug, \
    category_group_slug, buyer_total_spent, buyer_total_assignments, buyer_total_jobs_with_hires, \
    total_applicants, engagement, duration_label, spam_score, spam_reasons, duplicate_of, fingerprint_exact, \
    fingerprint_simhash, visible, updated_at, doc";

/// Adds a job's text to the full-text index (values read from its doc
/// exactly as the `jobs_fts_source` view reads them). A single-row
/// statement, so SQLite opens no statement journal and FTS5 keeps
/// buffering instead of flushing (see schema.sql).
fn fts_insert(conn: &Connection, seq: i64, doc: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO jobs_fts(rowid, title, description, skills, tags) VALUES (?1, json_extract(?2, '$.title'), \
         json_extract(?2, '$.description'), json_extract(?2, '$.skills'), json_extract(?2, '$.tags'))",
    )?
    .execute(params![seq, doc])?;
    Ok(())
}

/// Removes a job's text from the full-text index; FTS5 needs the old values.
fn fts_delete(conn: &Connection, seq: i64, old_doc: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO jobs_fts(jobs_fts, rowid, title, description, skills, tags) VALUES ('delete', ?1, \
         json_extract(?2, '$.title'), json_extract(?2, '$.description'), json_extract(?2, '$.skills'), \
         json_extract(?2, '$.tags'))",
    )?
    .execute(params![seq, old_doc])?;
    Ok(())
}

/// The values of `COLUMNS`, in order, for one row (`fingerprints` as the
/// signed integers SQLite stores).
fn column_values<'a>(
    row: &'a JobRow,
    visible: &'a bool,
    duplicate_of: &'a Option<&'a str>,
    now: &'a i64,
    fingerprints: &'a (i64, i64),
) -> [&'a dyn rusqlite::ToSql; 29] {
    [
        &row.id,
        &row.posted_on,
        &row.last_visited_at,
        &row.job_type,
        &row.status,
        &row.contractor_tier,
        &row.fixed_amount,
        &row.hourly_min,
        &row.hourly_max,
        &row.budget_sort,
        &row.payment_verified,
        &row.buyer_country,
        &row.location_timezone,
        &row.category_slug,
        &row.category_group_slug,
        &row.buyer_total_spent,
        &row.buyer_total_assignments,
        &row.buyer_total_jobs_with_hires,
        &row.total_applicants,
        &row.engagement,
        &row.duration_label,
        &row.spam_score,
        &row.spam_reasons,
        duplicate_of,
        &fingerprints.0,
        &fingerprints.1,
        visible,
        now,
        &row.doc,
    ]
}

fn insert_row(
    conn: &Connection,
    seq: i64,
    row: &JobRow,
    visible: bool,
    duplicate_of: Option<&str>,
    now: i64,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO jobs (seq, ingested_at, {COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, \
         ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&seq, &now];
    let fingerprints = (row.fingerprint.exact as i64, row.fingerprint.simhash as i64);
    values.extend(column_values(row, &visible, &duplicate_of, &now, &fingerprints));
    statement.execute(values.as_slice())?;
    fts_insert(conn, seq, &row.doc)?;
    Ok(())
}

fn update_row(
    conn: &Connection,
    seq: i64,
    row: &JobRow,
    visible: bool,
    duplicate_of: Option<&str>,
    now: i64,
) -> Result<()> {
    let old_doc: String = conn.prepare_cached("SELECT doc FROM jobs WHERE seq = ?1")?.query_row([seq], |r| r.get(0))?;
    let assignments: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .enumerate()
        .map(|(index, column)| format!("{column} = ?{}", index + 2))
        .collect();
    let sql = format!("UPDATE jobs SET {} WHERE seq = ?1", assignments.join(", "));
    let mut statement = conn.prepare_cached(&sql)?;
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&seq];
    let fingerprints = (row.fingerprint.exact as i64, row.fingerprint.simhash as i64);
    values.extend(column_values(row, &visible, &duplicate_of, &now, &fingerprints));
    statement.execute(values.as_slice())?;
    if old_doc != row.doc {
        fts_delete(conn, seq, &old_doc)?;
        fts_insert(conn, seq, &row.doc)?;
    }
    Ok(())
}

/// Makes the near-duplicate index match the table before an ingest. The
/// index lives in this process's memory, so jobs another process stored
/// (`upjobs import` beside a running server, or a server beside an import)
/// are not in it. Every ingest batch and prune moves `settings.jobs_version`
/// in its own transaction ([`note_jobs_changed`]); a version this process did
/// not write means another one stored or deleted jobs, and the index is
/// rebuilt from the table. (Key and plan changes leave it alone.) Loads the
/// index the first time. Runs inside the writer's transaction.
pub fn refresh_dedup_index(context: &mut WriterContext, now: i64) -> Result<()> {
    let version = jobs_version(&context.conn)?;
    if context.dedup_jobs_version == Some(version) {
        return Ok(());
    }
    if context.dedup_jobs_version.is_some() {
        tracing::info!("another process stored or deleted jobs; rebuilding the duplicate index");
    }
    let mut index = DedupIndex::new();
    load_dedup_index(&context.conn, &mut index, now)?;
    context.dedup = index;
    context.dedup_jobs_version = Some(version);
    Ok(())
}

fn jobs_version(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'jobs_version'), 0)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Records that this process stored or deleted jobs (see
/// [`refresh_dedup_index`]); keeps its own index current with the count.
pub fn note_jobs_changed(context: &mut WriterContext) -> Result<()> {
    context
        .conn
        .prepare_cached(
            "INSERT INTO settings (name, value) VALUES ('jobs_version', '1') \
             ON CONFLICT(name) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        )?
        .execute([])?;
    if context.dedup_jobs_version.is_some() {
        context.dedup_jobs_version = Some(jobs_version(&context.conn)?);
    }
    Ok(())
}

/// Fills the (new, empty) near-duplicate index with the recent non-spam jobs.
pub fn load_dedup_index(conn: &Connection, index: &mut DedupIndex, now: i64) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT seq, fingerprint_exact, fingerprint_simhash FROM jobs \
         WHERE seq >= ?1 AND spam_score >= 0 ORDER BY seq",
    )?;
    let mut rows = statement.query([seq_floor(now - 2 * DUPLICATE_WINDOW_SECONDS)])?;
    while let Some(row) = rows.next()? {
        let fingerprint = Fingerprint { exact: row.get::<_, i64>(1)? as u64, simhash: row.get::<_, i64>(2)? as u64 };
        index.insert_new(row.get(0)?, fingerprint);
    }
    Ok(())
}

/// Deletes one job by id. Returns whether it existed.
pub fn delete_by_id(context: &mut WriterContext, id: &str) -> Result<bool> {
    let found: Option<(i64, i64)> = context
        .conn
        .prepare_cached("SELECT seq, fingerprint_simhash FROM jobs WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, simhash)) = found else { return Ok(false) };
    context.conn.prepare_cached("DELETE FROM jobs WHERE seq = ?1")?.execute([seq])?;
    context.dedup.remove(seq, Fingerprint { exact: 0, simhash: simhash as u64 });
    note_jobs_changed(context)?;
    Ok(true)
}

/// Leaf pages one [`merge_search_index_step`] rewrites (a few ms of
/// writer time, so a paced merge leaves room for the writes around it).
pub const SEARCH_MERGE_STEP_PAGES: i64 = 256;

/// One step of an incremental optimise of the full-text index: moves up to
/// `pages` leaf pages of its segments into a single segment. Returns false
/// once the index is one segment (the step did nothing).
///
/// FTS5 keeps its index as segments of several sizes, merged by level as
/// jobs arrive, and a query opens a cursor on every segment; walking a term
/// newest-first starts each segment's doclist from its end. After an
/// import of 1M jobs the two-word query took ~430 µs in SQLite, and ~130 µs
/// once the segments were merged into one (BENCHMARKS.md).
pub fn merge_search_index_step(conn: &Connection, pages: i64) -> Result<bool> {
    let before = conn.total_changes();
    conn.execute("INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('merge', ?1)", [-pages.max(1)])?;
    // The command counts as one change; a step that merged anything also
    // wrote pages and the index's structure record.
    Ok(conn.total_changes() - before >= 2)
}

/// How FTS5 merges the segments that every commit (and every 8 MiB of
/// buffered text) writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMerging {
    /// FTS5's defaults: after each write, merge a little (automerge 4), and
    /// at once when a level holds 16 segments. Queries stay fast while jobs
    /// arrive.
    Continuous,
    /// For `upjobs import`, which merges everything into one segment at the
    /// end: no merging on the way, except when a level reaches
    /// `BULK_CRISIS_MERGE` segments. Each posting is then rewritten about
    /// twice in all instead of once per level.
    Bulk,
}

/// Segments on one level before a bulk load merges them. A level then
/// holds at most 63, so the index stays far under FTS5's limit of 2,000
/// segments in all: an import writes one segment per batch of 5,000 jobs
/// at least (each commit flushes the pending index), and four levels would
/// take 16 million of them.
const BULK_CRISIS_MERGE: i64 = 64;

/// FTS5's `(automerge, crisismerge)` when nothing was set.
const FTS5_DEFAULT_MERGING: (i64, i64) = (4, 16);

/// The index's `(automerge, crisismerge)` as FTS5 reads them: the values
/// stored in `jobs_fts_config`, or FTS5's defaults where none was set
/// (FTS5 has no SQL to read a setting back).
pub fn search_merge_settings(conn: &Connection) -> Result<(i64, i64)> {
    let mut statement = conn.prepare_cached("SELECT v FROM jobs_fts_config WHERE k = ?1")?;
    let mut stored = |name: &str, default: i64| -> Result<i64> {
        Ok(statement.query_row([name], |r| r.get::<_, i64>(0)).optional()?.unwrap_or(default))
    };
    let (automerge, crisismerge) = FTS5_DEFAULT_MERGING;
    Ok((stored("automerge", automerge)?, stored("crisismerge", crisismerge)?))
}

/// Sets the index's merge policy. FTS5 keeps it in the database
/// (`jobs_fts_config`), so a bulk setting outlives the connection; the
/// server sets `Continuous` when it starts, in case an import was stopped
/// before it set it back. Writes only when the stored policy differs.
pub fn set_search_merging(conn: &Connection, merging: SearchMerging) -> Result<()> {
    let (automerge, crisismerge) = match merging {
        SearchMerging::Continuous => FTS5_DEFAULT_MERGING,
        SearchMerging::Bulk => (0, BULK_CRISIS_MERGE),
    };
    let (stored_automerge, stored_crisismerge) = search_merge_settings(conn)?;
    if stored_automerge != automerge {
        conn.execute("INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('automerge', ?1)", [automerge])?;
    }
    if stored_crisismerge != crisismerge {
        conn.execute("INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('crisismerge', ?1)", [crisismerge])?;
    }
    Ok(())
}

/// One visible job's wire bytes by id, if it is inside the window.
pub fn visible_doc_by_id(conn: &Connection, id: &str, min_seq: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT doc FROM jobs WHERE id = ?1 AND visible = 1 AND seq >= ?2")?
        .query_row(params![id, min_seq], |r| r.get(0))
        .optional()?)
}

/// Visible jobs per category inside the window.
pub fn category_counts(conn: &Connection, min_seq: i64) -> Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare_cached(
        "SELECT category_slug, count(*) FROM jobs WHERE visible = 1 AND seq >= ?1 GROUP BY category_slug",
    )?;
    let rows = statement.query_map([min_seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A job caught by the quality rules, for the operator.
#[derive(Debug, Clone)]
pub struct QualityRow {
    pub id: String,
    pub title: String,
    pub posted_on: i64,
    pub spam_score: f64,
    pub spam_reasons: String,
    pub duplicate_of: Option<String>,
    pub verdict: Option<String>,
    pub visible: bool,
}

/// Hidden jobs (spam or duplicate) and jobs with a verdict, newest first.
pub fn quality_rows(conn: &Connection, limit: i64) -> Result<Vec<QualityRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT j.id, json_extract(j.doc, '$.title'), j.posted_on, j.spam_score, j.spam_reasons, j.duplicate_of, \
                v.verdict, j.visible \
         FROM jobs j LEFT JOIN verdicts v ON v.job_id = j.id \
         WHERE j.visible = 0 OR v.verdict IS NOT NULL \
         ORDER BY j.seq DESC LIMIT ?1",
    )?;
    let rows = statement.query_map([limit], |r| {
        Ok(QualityRow {
            id: r.get(0)?,
            title: r.get(1)?,
            posted_on: r.get(2)?,
            spam_score: r.get(3)?,
            spam_reasons: r.get(4)?,
            duplicate_of: r.get(5)?,
            verdict: r.get(6)?,
            visible: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records an operator verdict and applies it to the stored job at once.
/// Returns false when no job has that id.
pub fn set_verdict(
    context: &mut WriterContext,
    id: &str,
    verdict: &str,
    spam_threshold: f64,
    now: i64,
) -> Result<bool> {
    let conn = &context.conn;
    let found: Option<(f64, Option<String>)> = conn
        .prepare_cached("SELECT spam_score, duplicate_of FROM jobs WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((score, duplicate_of)) = found else { return Ok(false) };
    conn.prepare_cached(
        "INSERT INTO verdicts (job_id, verdict, decided_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT(job_id) DO UPDATE SET verdict = excluded.verdict, decided_at = excluded.decided_at",
    )?
    .execute(params![id, verdict, now])?;
    let (spam, duplicate_of) = match verdict {
        "spam" => (true, duplicate_of),
        "not_spam" => (false, duplicate_of),
        _ => (score >= spam_threshold, None),
    };
    let visible = !spam && duplicate_of.is_none();
    conn.prepare_cached("UPDATE jobs SET visible = ?2, duplicate_of = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, visible, duplicate_of, now])?;
    Ok(true)
}

/// Store-wide numbers for the admin page.
#[derive(Debug, Clone, Default)]
pub struct JobStats {
    pub total: i64,
    pub visible: i64,
    pub last_24h: i64,
    pub spam: i64,
    pub duplicates: i64,
    pub by_group: Vec<(String, i64)>,
    pub last_ingest_at: Option<i64>,
}

pub fn stats(conn: &Connection, now: i64) -> Result<JobStats> {
    let (total, visible): (i64, i64) =
        conn.query_row("SELECT count(*), coalesce(sum(visible), 0) FROM jobs", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let last_24h: i64 =
        conn.query_row("SELECT count(*) FROM jobs WHERE seq >= ?1 AND visible = 1", [seq_floor(now - 86_400)], |r| {
            r.get(0)
        })?;
    let (spam, duplicates): (i64, i64) = conn.query_row(
        "SELECT coalesce(sum(duplicate_of IS NULL), 0), coalesce(sum(duplicate_of IS NOT NULL), 0) \
         FROM jobs WHERE visible = 0",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut statement = conn.prepare(
        "SELECT category_group_slug, count(*) FROM jobs WHERE visible = 1 GROUP BY category_group_slug ORDER BY 2 DESC",
    )?;
    let by_group = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let last_ingest_at: Option<i64> = conn.query_row("SELECT max(updated_at) FROM jobs", [], |r| r.get(0))?;
    Ok(JobStats { total, visible, last_24h, spam, duplicates, by_group, last_ingest_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge_settings(conn: &Connection) -> (i64, i64) {
        search_merge_settings(conn).unwrap()
    }

    #[test]
    fn the_search_merge_policy_is_stored_and_written_only_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_read_write(&dir.path().join("m.db")).unwrap();
        crate::store::migrate::apply(&conn).unwrap();
        assert_eq!(merge_settings(&conn), (4, 16), "a new file merges continuously");

        // Already continuous: nothing is written.
        let before = conn.total_changes();
        set_search_merging(&conn, SearchMerging::Continuous).unwrap();
        assert_eq!(conn.total_changes(), before);

        set_search_merging(&conn, SearchMerging::Bulk).unwrap();
        assert_eq!(merge_settings(&conn), (0, BULK_CRISIS_MERGE));
        // Another connection (a server on the same file) sees the policy.
        let other = crate::store::open_read_write(&dir.path().join("m.db")).unwrap();
        assert_eq!(merge_settings(&other), (0, BULK_CRISIS_MERGE));

        set_search_merging(&conn, SearchMerging::Continuous).unwrap();
        assert_eq!(merge_settings(&conn), (4, 16));
        let before = conn.total_changes();
        set_search_merging(&conn, SearchMerging::Continuous).unwrap();
        assert_eq!(conn.total_changes(), before);
    }
}
