//! Getting jobs in: parsing bodies and files, validating records, scoring
//! them, and upserting them through the writer in batches.
//!
//! Every source (`upjobs import`, `POST /admin/api/jobs`, the inbox folder,
//! feeds) goes through `prepare` → `store_batch`, so they all validate,
//! deduplicate and score the same way, and all read their input with
//! `sources`' streaming reader (a JSON array when the first non-blank byte
//! is `[`, NDJSON otherwise; batches, bounded memory).

pub mod dedup;
pub mod feed;
pub mod inbox;
pub mod sources;
pub mod spam;
pub mod validate;

use crate::error::{Error, Result};
use crate::model::Job;
use crate::store::Store;
use crate::store::jobs::{self, JobRow};
use serde::Serialize;
use serde_json::Value;

/// A record the ingest refused, with where it was and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    /// 1-based line (NDJSON) or array position (JSON array).
    pub line: usize,
    pub id: Option<String>,
    pub error: String,
}

/// The answer of an ingest, as `POST /admin/api/jobs` returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    pub inserted: u64,
    pub updated: u64,
    pub duplicates: u64,
    pub spam: u64,
    pub rejected: Vec<Rejected>,
}

impl IngestReport {
    pub fn merge(&mut self, other: IngestReport) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.duplicates += other.duplicates;
        self.spam += other.spam;
        self.rejected.extend(other.rejected);
    }

    pub fn accepted(&self) -> u64 {
        self.inserted + self.updated
    }
}

/// Settings that decide how records are judged.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    pub spam_threshold: f64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { spam_threshold: spam::DEFAULT_SPAM_THRESHOLD }
    }
}

/// A record on its way in: either a row ready to store or its rejection.
pub enum Prepared {
    Row { line: usize, row: Box<JobRow> },
    Rejected(Rejected),
}

/// Validates, scores and fingerprints one record.
pub fn prepare(line: usize, record: std::result::Result<Value, String>) -> Prepared {
    let value = match record {
        Ok(value) => value,
        Err(error) => return Prepared::Rejected(Rejected { line, id: None, error }),
    };
    let id = value.get("id").and_then(Value::as_str).map(str::to_string);
    match validate::validate(&value).and_then(|job| to_row(&job)) {
        Ok(row) => Prepared::Row { line, row: Box::new(row) },
        Err(error) => Prepared::Rejected(Rejected { line, id, error }),
    }
}

/// The stored form of a validated job.
pub fn to_row(job: &Job) -> std::result::Result<JobRow, String> {
    let posted_on = parse_stored_time(&job.posted_on)?;
    let last_visited_at = job.last_visited_at.as_deref().map(parse_stored_time).transpose()?;
    let verdict = spam::score(job);
    let mut terms: Vec<String> = job
        .skills
        .iter()
        .chain(job.tags.iter())
        .map(|term| validate::normalize_term(term))
        .filter(|term| !term.is_empty())
        .collect();
    terms.sort();
    terms.dedup();
    let hourly_max = job.hourly_budget.as_ref().and_then(|hourly| hourly.max);
    Ok(JobRow {
        id: job.id.clone(),
        posted_on,
        // Sorting and filtering on last visit treat "never visited" as the
        // posting time, so every job has a place in that order.
        last_visited_at: Some(last_visited_at.unwrap_or(posted_on)),
        job_type: job.job_type,
        status: job.status,
        contractor_tier: job.contractor_tier,
        // Some feeds send hourly jobs with `fixed_amount: 0`; only a fixed
        // job has a fixed budget to filter and sort on.
        fixed_amount: fixed_amount(job),
        hourly_min: job.hourly_budget.as_ref().and_then(|hourly| hourly.min),
        hourly_max,
        budget_sort: fixed_amount(job).or(hourly_max).unwrap_or(0.0),
        payment_verified: job.buyer.payment_verified,
        buyer_country: job.buyer.country.clone(),
        location_timezone: job.location.timezone.clone(),
        category_slug: job.category.slug.clone(),
        category_group_slug: job.category.group_slug.clone(),
        buyer_total_spent: job.buyer.total_spent,
        buyer_total_assignments: job.buyer.total_assignments,
        buyer_total_jobs_with_hires: job.buyer.total_jobs_with_hires,
        total_applicants: job.client_activity.total_applicants,
        engagement: job.engagement.clone(),
        duration_label: job.duration_label.clone(),
        spam_score: verdict.score,
        spam_reasons: serde_json::to_string(&verdict.reasons).map_err(|error| error.to_string())?,
        fingerprint: dedup::fingerprint(&job.title, &job.description),
        terms,
        doc: serde_json::to_string(job).map_err(|error| error.to_string())?,
    })
}

fn fixed_amount(job: &Job) -> Option<f64> {
    if job.job_type == 1 { None } else { job.budget.fixed_amount }
}

fn parse_stored_time(text: &str) -> std::result::Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.timestamp())
        .map_err(|error| format!("bad time {text:?}: {error}"))
}

/// Stores prepared records in one writer transaction and reports.
pub async fn store_batch(
    store: &Store,
    prepared: Vec<Prepared>,
    options: IngestOptions,
    now: i64,
) -> Result<IngestReport> {
    store.writer.call_large(move |context| upsert_all(context, prepared, options, now)).await
}

/// `store_batch` for the CLI.
pub fn store_batch_blocking(
    store: &Store,
    prepared: Vec<Prepared>,
    options: IngestOptions,
    now: i64,
) -> Result<IngestReport> {
    store.writer.call_large_blocking(move |context| upsert_all(context, prepared, options, now))
}

fn upsert_all(
    context: &mut crate::store::writer::WriterContext,
    prepared: Vec<Prepared>,
    options: IngestOptions,
    now: i64,
) -> Result<IngestReport> {
    let mut report = IngestReport::default();
    // Another process may have stored jobs since the last batch.
    crate::store::jobs::refresh_dedup_index(context, now)?;
    let first_new_job = context.pending_events.new_visible_jobs.len();
    // Store in posting order: seq (the FTS rowid) then only ascends within
    // the batch, and FTS5 keeps buffering instead of flushing at every step
    // backwards (a 50x difference on unsorted feeds). It also makes the
    // earliest posting of a repeated text the original.
    let mut prepared = prepared;
    prepared.sort_by_key(|record| match record {
        Prepared::Rejected(_) => i64::MIN,
        Prepared::Row { row, .. } => row.posted_on,
    });
    for record in prepared {
        match record {
            Prepared::Rejected(rejected) => report.rejected.push(rejected),
            Prepared::Row { line, row } => match jobs::upsert(context, &row, options.spam_threshold, now) {
                Ok(outcome) => {
                    if outcome.inserted {
                        report.inserted += 1;
                    } else {
                        report.updated += 1;
                    }
                    report.spam += outcome.spam as u64;
                    report.duplicates += outcome.duplicate as u64;
                }
                // `upsert` refuses a record (BadRequest) before writing any
                // of it. Anything else may have written half a record, so it
                // fails the whole task, and the batch's transaction (its own:
                // `call_large`) rolls back. (A savepoint per record would be
                // finer, but every savepoint makes FTS5 flush its buffer:
                // see schema.sql.)
                Err(Error::BadRequest(message)) => {
                    report.rejected.push(Rejected { line, id: Some(row.id.clone()), error: message })
                }
                Err(other) => return Err(other),
            },
        }
    }
    if report.inserted + report.updated > 0 {
        jobs::note_jobs_changed(context)?;
    }
    // Webhook messages for the new jobs commit with them, in this transaction.
    let new_jobs = context.pending_events.new_visible_jobs.get(first_new_job..).unwrap_or_default().to_vec();
    crate::webhooks::enqueue_new_jobs(context, &new_jobs, now)?;
    Ok(report)
}
