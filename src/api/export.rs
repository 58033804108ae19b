//! `GET /jobs/export?format=csv|ndjson`: every matching job in the key's
//! window, streamed in chunks from one read connection, in constant memory.
//!
//! An export holds its read connection (and its snapshot) until the last
//! chunk is taken, so a slow or stalled client holds it too. Two rules keep
//! that from starving everything else: at most [`EXPORTS_AT_ONCE`] exports
//! stream at a time (the next one waits up to [`SLOT_WAIT`] for a turn,
//! then gets 429), and a client that takes no chunk for
//! `--stall-timeout` seconds is cut off.

use super::{Caller, Context, Handled};
use crate::auth::{Auth, KeyEntry};
use crate::error::{Error, Result};
use crate::http::response::Body;
use crate::model::Job;
use crate::query::params::{FILTER_PARAMETERS, integer_in, parse_filter, split_query};
use crate::query::{JobListRequest, Sort};
use crate::store::job_query;
use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The most rows one export sends.
pub const MAX_EXPORT_ROWS: i64 = 100_000;
/// An export counts as one call per started block of this many rows.
pub const ROWS_PER_CALL: i64 = 100;
const CHUNK_BYTES: usize = 64 * 1024;
/// Exports streaming at once: half the read connections, so queries always
/// have the other half.
pub const EXPORTS_AT_ONCE: usize = crate::store::READER_POOL_SIZE / 2;
/// How long an export waits for a turn before it is refused.
pub const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// `retry_after` of an export refused for want of a turn.
const BUSY_RETRY_AFTER: u64 = 5;

/// The CSV header: the job's fields, nested ones as dotted names.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "title",
    "description",
    "job_type",
    "status",
    "contractor_tier",
    "posted_on",
    "category.name",
    "category.slug",
    "category.group",
    "category.group_slug",
    "budget.fixed_amount",
    "budget.currency",
    "buyer.payment_verified",
    "buyer.country",
    "buyer.city",
    "buyer.timezone",
    "buyer.total_spent",
    "buyer.total_assignments",
    "buyer.total_jobs_with_hires",
    "tags",
    "url",
    "last_visited_at",
    "duration_label",
    "engagement",
    "skills",
    "hourly_budget.min",
    "hourly_budget.max",
    "client_activity.total_applicants",
    "client_activity.total_hired",
    "client_activity.total_invited_to_interview",
    "client_activity.unanswered_invites",
    "client_activity.invitations_sent",
    "client_activity.last_buyer_activity",
    "location.country",
    "location.city",
    "location.timezone",
    "is_private",
    "privacy_reason",
];

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Ndjson,
}

pub async fn export(context: &Context, caller: &Caller, request: &Request<Incoming>) -> Result<Handled> {
    let pairs = split_query(request.uri().query().unwrap_or(""), &[FILTER_PARAMETERS, &["format", "sort", "limit"]])?;
    let mut format = Format::Ndjson;
    let mut sort = Sort::PostedOnDesc;
    let mut limit = MAX_EXPORT_ROWS;
    let mut filter_pairs = Vec::new();
    for (name, value) in pairs {
        match name.as_str() {
            "format" => {
                format = match value.trim() {
                    "csv" => Format::Csv,
                    "ndjson" | "json" => Format::Ndjson,
                    _ => {
                        return Err(Error::bad_request(
                            "Invalid format parameter: must be csv or ndjson (json is taken as ndjson)",
                        ));
                    }
                }
            }
            // At most this many rows (the export's own cap is the most).
            "limit" => limit = integer_in("limit", &value, 1, MAX_EXPORT_ROWS)?,
            "sort" => {
                sort = Sort::ALL
                    .iter()
                    .find(|(known, _)| *known == value.trim())
                    .map(|(_, sort)| *sort)
                    .ok_or_else(|| Error::bad_request("Invalid sort parameter"))?
            }
            _ => filter_pairs.push((name, value)),
        }
    }
    let filter = parse_filter(&filter_pairs)?;
    if sort == Sort::Relevance && filter.q.is_none() {
        return Err(Error::bad_request("Invalid sort parameter: relevance needs a q parameter"));
    }
    let list = JobListRequest { filter, sort, limit, offset: 0, cursor: None, fields: None, include_total: false };
    let turn = match tokio::time::timeout(SLOT_WAIT, context.state.exports.clone().acquire_owned()).await {
        Ok(Ok(turn)) => turn,
        _ => {
            // No rows were sent, so this is not a call.
            let busy = Error::RateLimited {
                message: format!(
                    "Rate limit exceeded. Too many exports are running ({EXPORTS_AT_ONCE} at a time); retry in a few seconds."
                ),
                retry_after: BUSY_RETRY_AFTER,
            };
            return Ok(Handled::uncounted(super::error_response(context, &busy)));
        }
    };
    // The first call was taken with the request; each further started 100
    // rows takes one more as the rows go out, and the export stops where
    // the quota or spending cap refuses one. This is where that stop is
    // now; exports of the same key running at once share the calls, so
    // one may stop sooner (and then ends as a cut-off body does).
    let max_rows = match context.state.auth.calls_allowed(&caller.entry, &caller.limits) {
        Some(calls) => ((calls + 1) * ROWS_PER_CALL).min(limit),
        None => limit,
    };
    let stall = std::time::Duration::from_secs(context.state.config.stall_timeout.max(1));
    // Set when the client stopped reading: the body then ends with an error
    // after what was queued, so the client cannot take a cut-off export for
    // a whole one.
    let cut_off = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Frame<Bytes>>>(4);
    let min_seq = caller.min_seq(context.now);
    let now = context.now;
    let state = context.state.clone();
    let feeder_cut_off = cut_off.clone();
    let (auth, entry) = (state.auth.clone(), caller.entry.clone());
    tokio::spawn(async move {
        let _turn = turn;
        let feeder = Feeder {
            sender: sender.clone(),
            runtime: tokio::runtime::Handle::current(),
            stall,
            cut_off: feeder_cut_off,
            closing: state.closing.subscribe(),
            auth,
            entry,
        };
        let outcome = state
            .store
            .readers
            .read(move |conn| stream_rows(conn, &list, min_seq, now, format, max_rows, &feeder))
            .await;
        match outcome {
            Ok(()) => {}
            Err(error) => {
                tracing::error!(%error, "export failed mid-stream");
                let _ = sender.send(Err(std::io::Error::other("export failed"))).await;
            }
        }
    });
    let stream = futures_util::stream::unfold(Some((receiver, cut_off)), |state| async move {
        let (mut receiver, cut_off) = state?;
        match receiver.recv().await {
            Some(item) => Some((item, Some((receiver, cut_off)))),
            None if cut_off.load(Ordering::SeqCst) => {
                // hyper drops what it has not yet written when a body fails:
                // a moment first lets it flush the rows that were sent (and
                // paid for) before the error ends the body.
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                Some((Err(std::io::Error::other("the export was cut off")), None))
            }
            None => None,
        }
    });
    let body: Body = BodyExt::boxed(StreamBody::new(stream));
    let mut response = Response::new(body);
    let (content_type, file_name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "jobs.csv"),
        Format::Ndjson => ("application/x-ndjson", "jobs.ndjson"),
    };
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    headers.insert("x-export-row-limit", HeaderValue::from(max_rows));
    Ok(Handled::counted(response))
}

/// Hands chunks from the blocking thread to the response body.
struct Feeder {
    sender: tokio::sync::mpsc::Sender<std::io::Result<Frame<Bytes>>>,
    runtime: tokio::runtime::Handle,
    /// How long a chunk may wait for the client to take the one before it.
    stall: std::time::Duration,
    cut_off: Arc<AtomicBool>,
    /// Becomes true when the server's drain time is up.
    closing: tokio::sync::watch::Receiver<bool>,
    /// The key the export's further calls are taken from.
    auth: Arc<Auth>,
    entry: Arc<KeyEntry>,
}

impl Feeder {
    /// Takes the call for the next block of rows from the key as it is now;
    /// false (no call left, or the key revoked) ends the export, cut off.
    fn take_call(&self) -> bool {
        let taken = self.auth.reserve_calls_now(&self.entry, 1).is_ok();
        if !taken {
            self.cut_off.store(true, Ordering::SeqCst);
        }
        taken
    }

    /// Sends `chunk`; false when the client has gone or stopped reading
    /// (then the export ends and its connection is cut).
    fn send(&self, chunk: Bytes) -> bool {
        use tokio::sync::mpsc::error::SendTimeoutError;
        let mut closing = self.closing.clone();
        let sent = self.runtime.block_on(async {
            tokio::select! {
                sent = self.sender.send_timeout(Ok(Frame::data(chunk)), self.stall) => Some(sent),
                _ = closing.wait_for(|closing| *closing) => None,
            }
        });
        match sent {
            Some(Ok(())) => true,
            Some(Err(SendTimeoutError::Closed(_))) => false,
            Some(Err(SendTimeoutError::Timeout(_))) => {
                tracing::info!(seconds = self.stall.as_secs(), "export cut off: the client stopped reading");
                self.cut_off.store(true, Ordering::SeqCst);
                false
            }
            None => {
                tracing::info!("export cut off: the server is stopping");
                self.cut_off.store(true, Ordering::SeqCst);
                false
            }
        }
    }
}

/// Runs on a blocking thread: walks the rows and sends chunks, taking a
/// call before each started block of `ROWS_PER_CALL` rows after the first
/// (`Feeder::take_call`; none left ends the export there).
fn stream_rows(
    conn: &rusqlite::Connection,
    list: &JobListRequest,
    min_seq: i64,
    now: i64,
    format: Format,
    max_rows: i64,
    feeder: &Feeder,
) -> Result<()> {
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK_BYTES * 2);
    if format == Format::Csv {
        write_csv_row(&mut buffer, CSV_COLUMNS.iter().map(|column| column.to_string()))?;
    }
    let mut client_gone = false;
    let mut failure = None;
    let mut sent: i64 = 0;
    job_query::for_each_job(conn, list, min_seq, now, max_rows, |doc| {
        if sent > 0 && sent % ROWS_PER_CALL == 0 && !feeder.take_call() {
            return false;
        }
        sent += 1;
        match format {
            Format::Ndjson => {
                buffer.extend_from_slice(doc.as_bytes());
                buffer.push(b'\n');
            }
            Format::Csv => match serde_json::from_str::<Job>(doc) {
                Ok(job) => {
                    if let Err(error) = write_csv_row(&mut buffer, csv_fields(&job)) {
                        failure = Some(error);
                        return false;
                    }
                }
                Err(error) => {
                    failure = Some(Error::internal(error));
                    return false;
                }
            },
        }
        if buffer.len() >= CHUNK_BYTES {
            let chunk = Bytes::from(std::mem::replace(&mut buffer, Vec::with_capacity(CHUNK_BYTES * 2)));
            if !feeder.send(chunk) {
                client_gone = true;
                return false;
            }
        }
        true
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    if !client_gone && !buffer.is_empty() {
        feeder.send(Bytes::from(buffer));
    }
    Ok(())
}

fn write_csv_row(buffer: &mut Vec<u8>, fields: impl IntoIterator<Item = String>) -> Result<()> {
    let mut writer = csv::WriterBuilder::new().from_writer(buffer);
    writer.write_record(fields).map_err(Error::internal)?;
    writer.flush().map_err(Error::internal)?;
    Ok(())
}

fn csv_fields(job: &Job) -> Vec<String> {
    let number = |value: Option<f64>| value.map(|number| number.to_string()).unwrap_or_default();
    let activity = &job.client_activity;
    vec![
        job.id.clone(),
        job.title.clone(),
        job.description.clone(),
        job.job_type.to_string(),
        job.status.to_string(),
        job.contractor_tier.to_string(),
        job.posted_on.clone(),
        job.category.name.clone(),
        job.category.slug.clone(),
        job.category.group.clone(),
        job.category.group_slug.clone(),
        number(job.budget.fixed_amount),
        job.budget.currency.clone(),
        job.buyer.payment_verified.to_string(),
        job.buyer.country.clone(),
        job.buyer.city.clone(),
        job.buyer.timezone.clone(),
        job.buyer.total_spent.to_string(),
        job.buyer.total_assignments.to_string(),
        job.buyer.total_jobs_with_hires.to_string(),
        job.tags.join(";"),
        job.url.clone(),
        job.last_visited_at.clone().unwrap_or_default(),
        job.duration_label.clone(),
        job.engagement.clone(),
        job.skills.join(";"),
        number(job.hourly_budget.as_ref().and_then(|hourly| hourly.min)),
        number(job.hourly_budget.as_ref().and_then(|hourly| hourly.max)),
        activity.total_applicants.to_string(),
        activity.total_hired.to_string(),
        activity.total_invited_to_interview.to_string(),
        activity.unanswered_invites.to_string(),
        activity.invitations_sent.to_string(),
        activity.last_buyer_activity.clone().unwrap_or_default(),
        job.location.country.clone(),
        job.location.city.clone(),
        job.location.timezone.clone(),
        job.is_private.to_string(),
        job.privacy_reason.clone(),
    ]
}
