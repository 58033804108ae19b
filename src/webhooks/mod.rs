//! Webhooks: push delivery of new matching jobs (SPEC section 3).
//!
//! # How a job becomes a delivery
//! 1. Ingest (`ingest::upsert_all`, one writer task) stores a batch of jobs
//!    and then calls [`enqueue_new_jobs`] with the seqs of the jobs it
//!    newly inserted as visible (no updates, no spam, no duplicates).
//! 2. [`matching`] finds the active subscriptions each job matches through an
//!    in-memory index, and one outbox message per matching subscription is
//!    inserted in that same transaction: the outbox commits with the jobs or
//!    not at all. A message names its job; the body is made from the stored
//!    job document when it is sent.
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

use crate::clock::format_unix;
use crate::error::Result;
use crate::store::job_query;
use crate::store::webhooks::{self as rows, Carried};
use crate::store::writer::WriterContext;
use rand::Rng;

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

/// A new `webhook-id`: `msg_` + 16 base62 characters (95 random bits).
/// Ids only need to be unique, not secret, and an ingest may make a hundred
/// thousand of them inside the writer's transaction, so they come from the
/// thread's seeded generator rather than one system call each.
pub fn new_message_id() -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut random = rand::rng();
    let mut id = String::with_capacity(20);
    id.push_str("msg_");
    for _ in 0..16 {
        id.push(BASE62[random.random_range(0..BASE62.len())] as char);
    }
    id
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
    let mut candidates = Vec::new();
    let mut matched = Vec::new();
    for &seq in new_seqs {
        let Some(facts) = rows::job_facts(conn, seq)? else { continue };
        webhook_index.candidates(&facts, &mut candidates);
        matched.clear();
        for &position in &candidates {
            let subscription = webhook_index.get(position);
            // `could_match` judges every filter but `q` exactly as the SQL
            // of `/jobs` does; the full-text part needs the FTS index.
            if subscription.key_admits(&facts, now)
                && matching::could_match(&subscription.filter, &facts, now)
                && (subscription.filter.q.is_none() || job_query::job_matches(conn, &subscription.filter, seq, now)?)
            {
                matched.push(position);
            }
        }
        for &position in &matched {
            let subscription_id = &webhook_index.get(position).id;
            let carried = Carried::Job(&facts.id);
            rows::insert_message(conn, &new_message_id(), subscription_id, JOB_CREATED, carried, now_millis)?;
            pending_events.outbox_written = true;
        }
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
    let message_id = new_message_id();
    let carried = Carried::Payload(&payload);
    rows::insert_message(&context.conn, &message_id, subscription_id, WEBHOOK_TEST, carried, now)?;
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
