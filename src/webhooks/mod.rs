//! Webhooks: push delivery of new matching jobs (SPEC section 3).
//!
//! # How a job becomes a delivery
//! 1. Ingest (`ingest::upsert_all`, one writer task) stores a batch of jobs
//!    and then calls [`enqueue_new_jobs`] with the seqs of the jobs it
//!    newly inserted as visible (no updates, no spam, no duplicates).
//! 2. [`matching`] finds the active subscriptions each job matches through an
//!    in-memory index, and one event row (the body, written once) plus one
//!    outbox message per matching subscription are inserted in that same
//!    transaction: the outbox commits with the jobs or not at all.
//! 3. The commit hook installed by `crate::build` wakes the delivery worker
//!    ([`delivery`]), which sends due messages with bounded concurrency,
//!    signed per [`signing`], to targets approved by the SSRF [`guard`], and
//!    records every attempt. A message is marked delivered only after a 2xx,
//!    so one that was in flight at a crash is sent again after the restart
//!    (at least once; the `webhook-id` lets receivers drop the repeat).
//!
//! Architecture Invariant: webhook rows are written only through the writer
//! thread, and only `store::webhooks` holds their SQL.

pub mod delivery;
pub mod filters;
pub mod guard;
pub mod matching;
pub mod signing;

use crate::auth::keys;
use crate::clock::format_unix;
use crate::error::Result;
use crate::store::job_query;
use crate::store::webhooks as rows;
use crate::store::writer::WriterContext;

/// The event sent for a newly ingested matching job.
pub const JOB_CREATED: &str = "job.created";
/// The event `POST /webhooks/{id}/test` sends.
pub const WEBHOOK_TEST: &str = "webhook.test";

/// `{"type": ..., "timestamp": ..., "data": ...}` with `data` spliced in as
/// it is (a stored job document is already the wire JSON).
pub fn event_payload(event_type: &str, timestamp: &str, data_json: &str) -> Vec<u8> {
    let mut payload = Vec::with_capacity(data_json.len() + 80);
    payload.extend_from_slice(b"{\"type\":");
    payload.extend_from_slice(serde_json::Value::from(event_type).to_string().as_bytes());
    payload.extend_from_slice(b",\"timestamp\":");
    payload.extend_from_slice(serde_json::Value::from(timestamp).to_string().as_bytes());
    payload.extend_from_slice(b",\"data\":");
    payload.extend_from_slice(data_json.as_bytes());
    payload.push(b'}');
    payload
}

/// A new `webhook-id`.
pub fn new_message_id() -> String {
    keys::new_id("msg_")
}

/// Queues a `job.created` message for every (job, matching subscription)
/// among `new_seqs`, in the caller's transaction. `now` is Unix seconds.
pub fn enqueue_new_jobs(context: &mut WriterContext, new_seqs: &[i64], now: i64) -> Result<()> {
    if new_seqs.is_empty() {
        return Ok(());
    }
    let WriterContext { conn, webhook_index, pending_events, .. } = context;
    webhook_index.refresh(conn)?;
    if webhook_index.is_empty() {
        return Ok(());
    }
    let now_millis = now.saturating_mul(1000);
    let timestamp = format_unix(now);
    let mut candidates = Vec::new();
    let mut matched = Vec::new();
    for &seq in new_seqs {
        let Some(facts) = rows::job_facts(conn, seq)? else { continue };
        webhook_index.candidates(&facts, &mut candidates);
        matched.clear();
        for &position in &candidates {
            let subscription = webhook_index.get(position);
            if subscription.key_admits(&facts, now)
                && matching::could_match(&subscription.filter, &facts, now)
                && job_query::job_matches(conn, &subscription.filter, seq, now)?
            {
                matched.push(position);
            }
        }
        if matched.is_empty() {
            continue;
        }
        let payload = event_payload(JOB_CREATED, &timestamp, &facts.doc);
        let event_id = rows::insert_event(conn, JOB_CREATED, &payload, now_millis)?;
        for &position in &matched {
            let subscription_id = &webhook_index.get(position).id;
            rows::insert_message(conn, &new_message_id(), subscription_id, event_id, JOB_CREATED, now_millis)?;
        }
        pending_events.outbox_written = true;
    }
    Ok(())
}

/// Queues a `webhook.test` message for one subscription; returns its id.
/// `now` is Unix milliseconds.
pub fn enqueue_test(context: &mut WriterContext, subscription_id: &str, now: i64) -> Result<String> {
    let data = serde_json::json!({
        "webhook_id": subscription_id,
        "message": "This is a test event from upjobs. Your endpoint received and can verify it.",
    });
    let payload = event_payload(WEBHOOK_TEST, &format_unix(now.div_euclid(1000)), &data.to_string());
    let event_id = rows::insert_event(&context.conn, WEBHOOK_TEST, &payload, now)?;
    let message_id = new_message_id();
    rows::insert_message(&context.conn, &message_id, subscription_id, event_id, WEBHOOK_TEST, now)?;
    context.pending_events.outbox_written = true;
    Ok(message_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_wraps_the_document_verbatim() {
        let payload = event_payload(JOB_CREATED, "2024-09-27T10:30:00Z", r#"{"id":"upwork-1","title":"A \"quoted\""}"#);
        let text = String::from_utf8(payload).unwrap();
        assert_eq!(
            text,
            r#"{"type":"job.created","timestamp":"2024-09-27T10:30:00Z","data":{"id":"upwork-1","title":"A \"quoted\""}}"#
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["data"]["id"], "upwork-1");
    }
}
