//! Rows of the webhook tables: subscriptions, the outbox of messages and
//! delivery attempts. What matches, when to retry and when to
//! give up are decided in `crate::webhooks`; this module only reads and
//! writes rows. All times are Unix milliseconds.

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRow {
    pub id: String,
    pub key_id: String,
    pub url: String,
    pub description: Option<String>,
    /// JSON object of `/jobs` parameters, name → string.
    pub filters: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    pub last_success_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub failing_since: Option<i64>,
    pub consecutive_failures: i64,
    /// Messages that ended delivered, and failed.
    pub delivered_count: i64,
    pub failed_count: i64,
}

impl SubscriptionRow {
    /// A new, active subscription with a fresh signing secret and no
    /// delivery history. `created_at` is in milliseconds.
    pub fn new(id: String, key_id: String, url: String, filters: String, created_at: i64) -> SubscriptionRow {
        SubscriptionRow {
            id,
            key_id,
            url,
            description: None,
            filters,
            secret: crate::webhooks::signing::new_secret(),
            previous_secret: None,
            previous_secret_expires_at: None,
            active: true,
            disabled_reason: None,
            disabled_at: None,
            created_at,
            last_success_at: None,
            last_failure_at: None,
            failing_since: None,
            consecutive_failures: 0,
            delivered_count: 0,
            failed_count: 0,
        }
    }
}

const SUBSCRIPTION_COLUMNS: &str = "s.id, s.key_id, s.url, s.description, s.filters, s.secret, s.previous_secret, \
    s.previous_secret_expires_at, s.active, s.disabled_reason, s.disabled_at, s.created_at, s.last_success_at, \
    s.last_failure_at, s.failing_since, s.consecutive_failures, s.delivered_count, s.failed_count";

fn subscription_from_row(row: &Row) -> rusqlite::Result<SubscriptionRow> {
    Ok(SubscriptionRow {
        id: row.get(0)?,
        key_id: row.get(1)?,
        url: row.get(2)?,
        description: row.get(3)?,
        filters: row.get(4)?,
        secret: row.get(5)?,
        previous_secret: row.get(6)?,
        previous_secret_expires_at: row.get(7)?,
        active: row.get(8)?,
        disabled_reason: row.get(9)?,
        disabled_at: row.get(10)?,
        created_at: row.get(11)?,
        last_success_at: row.get(12)?,
        last_failure_at: row.get(13)?,
        failing_since: row.get(14)?,
        consecutive_failures: row.get(15)?,
        delivered_count: row.get(16)?,
        failed_count: row.get(17)?,
    })
}

pub fn insert_subscription(conn: &Connection, row: &SubscriptionRow) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO webhook_subscriptions (id, key_id, url, description, filters, secret, active, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        row.id,
        row.key_id,
        row.url,
        row.description,
        row.filters,
        row.secret,
        row.active,
        row.created_at
    ])?;
    Ok(())
}

pub fn count_for_key(conn: &Connection, key_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM webhook_subscriptions WHERE key_id = ?1")?
        .query_row([key_id], |row| row.get(0))?)
}

/// A key's subscriptions, oldest first.
pub fn subscriptions_for_key(conn: &Connection, key_id: &str) -> Result<Vec<SubscriptionRow>> {
    let sql = format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions s WHERE s.key_id = ?1 ORDER BY s.created_at, s.id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([key_id], subscription_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn subscription_by_id(conn: &Connection, id: &str) -> Result<Option<SubscriptionRow>> {
    let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions s WHERE s.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], subscription_from_row).optional()?)
}

/// Every subscription with its key's name (None when the key row is gone),
/// newest first, for the admin page.
pub fn all_subscriptions(conn: &Connection) -> Result<Vec<(SubscriptionRow, Option<String>)>> {
    let sql = format!(
        "SELECT {SUBSCRIPTION_COLUMNS}, k.name FROM webhook_subscriptions s LEFT JOIN api_keys k ON k.id = s.key_id \
         ORDER BY s.created_at DESC, s.id"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement
        .query_map([], |row| Ok((subscription_from_row(row)?, row.get(18)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Deletes a subscription, its pending messages and its attempts. Its
/// finished messages stay until retention prunes them (they are found by
/// nothing but their age).
pub fn delete_subscription(conn: &Connection, id: &str) -> Result<bool> {
    let deleted = conn.prepare_cached("DELETE FROM webhook_subscriptions WHERE id = ?1")?.execute([id])?;
    conn.prepare_cached(
        "DELETE FROM webhook_messages INDEXED BY webhook_messages_due WHERE status = 'pending' AND subscription_id = ?1",
    )?
    .execute([id])?;
    conn.prepare_cached("DELETE FROM webhook_attempts WHERE subscription_id = ?1")?.execute([id])?;
    Ok(deleted > 0)
}

/// Writes a subscription's URL, description and filters.
pub fn update_subscription(conn: &Connection, row: &SubscriptionRow) -> Result<()> {
    conn.prepare_cached("UPDATE webhook_subscriptions SET url = ?2, description = ?3, filters = ?4 WHERE id = ?1")?
        .execute(params![row.id, row.url, row.description, row.filters])?;
    Ok(())
}

/// Turns a subscription on again with a clean slate: no disabled reason,
/// no failure streak (its delivery counts and attempts stay).
pub fn enable_subscription(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_subscriptions SET active = 1, disabled_reason = NULL, disabled_at = NULL, \
         failing_since = NULL, consecutive_failures = 0 WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

/// Most secrets kept signing after rotations (besides the current and the
/// previous one): a client rotating in a loop cannot grow a row or the
/// signature header without bound.
const MOST_RETIRED_SECRETS: usize = 5;

/// Installs a new secret; the old one keeps signing until
/// `previous_expires_at`, and secrets retired earlier that have not
/// expired at `now` keep signing until their own expiry.
pub fn rotate_secret(conn: &Connection, id: &str, secret: &str, previous_expires_at: i64, now: i64) -> Result<bool> {
    let found: Option<(Option<String>, Option<i64>, String)> = conn
        .prepare_cached(
            "SELECT previous_secret, previous_secret_expires_at, retired_secrets FROM webhook_subscriptions \
             WHERE id = ?1",
        )?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let Some((previous, previous_expires, retired)) = found else { return Ok(false) };
    let mut still_signing: Vec<(String, i64)> = serde_json::from_str(&retired).unwrap_or_default();
    if let (Some(previous), Some(expires_at)) = (previous, previous_expires) {
        still_signing.push((previous, expires_at));
    }
    still_signing.retain(|(_, expires_at)| *expires_at > now);
    // The newest retirements are the ones a client is likeliest to hold.
    let keep_from = still_signing.len().saturating_sub(MOST_RETIRED_SECRETS);
    let retired = serde_json::to_string(&still_signing[keep_from..]).map_err(Error::internal)?;
    conn.prepare_cached(
        "UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_expires_at = ?3, secret = ?2, \
         retired_secrets = ?4 WHERE id = ?1",
    )?
    .execute(params![id, secret, previous_expires_at, retired])?;
    Ok(true)
}

/// Turns a subscription off with its reason and gives up its pending messages.
pub fn disable_subscription(conn: &Connection, id: &str, reason: &str, now: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_subscriptions SET active = 0, disabled_reason = ?2, disabled_at = ?3 WHERE id = ?1 AND active = 1",
    )?
    .execute(params![id, reason, now])?;
    let given_up = conn
        .prepare_cached(
            "UPDATE webhook_messages INDEXED BY webhook_messages_due SET status = 'failed', finished_at = ?2 \
             WHERE status = 'pending' AND subscription_id = ?1",
        )?
        .execute(params![id, now])?;
    conn.prepare_cached("UPDATE webhook_subscriptions SET failed_count = failed_count + ?2 WHERE id = ?1")?
        .execute(params![id, given_up as i64])?;
    Ok(())
}

/// One delivery attempt as stored and shown.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRow {
    pub message_id: String,
    pub subscription_id: String,
    pub event_type: String,
    pub time: i64,
    pub success: bool,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

/// A subscription's attempts, newest first.
pub fn recent_attempts(conn: &Connection, subscription_id: &str, limit: i64) -> Result<Vec<AttemptRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT message_id, subscription_id, event_type, time, success, status_code, latency_ms, error \
         FROM webhook_attempts WHERE subscription_id = ?1 ORDER BY time DESC, id DESC LIMIT ?2",
    )?;
    let rows = statement
        .query_map(params![subscription_id, limit], |row| {
            Ok(AttemptRow {
                message_id: row.get(0)?,
                subscription_id: row.get(1)?,
                event_type: row.get(2)?,
                time: row.get(3)?,
                success: row.get(4)?,
                status_code: row.get(5)?,
                latency_ms: row.get(6)?,
                error: row.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn failed_attempts_since(conn: &Connection, subscription_id: &str, since: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM webhook_attempts WHERE subscription_id = ?1 AND time >= ?2 AND success = 0",
        )?
        .query_row(params![subscription_id, since], |row| row.get(0))?)
}

/// A subscription's pending messages.
pub fn pending_count(conn: &Connection, subscription_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM webhook_messages INDEXED BY webhook_messages_due \
             WHERE status = 'pending' AND subscription_id = ?1",
        )?
        .query_row([subscription_id], |row| row.get(0))?)
}

/// Pending messages of every subscription that has some.
pub fn pending_counts(conn: &Connection) -> Result<std::collections::HashMap<String, i64>> {
    let mut statement = conn.prepare_cached(
        "SELECT subscription_id, count(*) FROM webhook_messages INDEXED BY webhook_messages_due \
         WHERE status = 'pending' GROUP BY subscription_id",
    )?;
    let counts = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(counts)
}

// ---- matching (runs in the writer, inside the ingest's transaction) ----

/// Changes whenever what could match changes: a subscription was added,
/// removed, switched off or refiltered, or a key or plan changed.
pub fn matching_generation(conn: &Connection) -> Result<String> {
    let mut statement = conn.prepare_cached(
        "SELECT coalesce((SELECT value FROM settings WHERE name = 'webhooks_generation'), '') || '/' || \
         coalesce((SELECT value FROM settings WHERE name = 'auth_version'), '')",
    )?;
    Ok(statement.query_row([], |row| row.get(0))?)
}

/// An active subscription whose key may receive webhooks, with what the
/// matcher needs to know about the key.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchableSubscription {
    pub id: String,
    pub filters: String,
    /// The key's plan window in days (None: all history).
    pub retention_days: Option<i64>,
    /// Unix seconds.
    pub key_expires_at: Option<i64>,
}

pub fn matchable_subscriptions(conn: &Connection) -> Result<Vec<MatchableSubscription>> {
    let mut statement = conn.prepare_cached(
        "SELECT s.id, s.filters, coalesce(k.retention_days, p.retention_days), k.expires_at \
         FROM webhook_subscriptions s JOIN api_keys k ON k.id = s.key_id JOIN plans p ON p.name = k.plan \
         WHERE s.active = 1 AND k.revoked_at IS NULL AND p.webhooks = 1 ORDER BY s.created_at, s.id",
    )?;
    let rows = statement
        .query_map([], |row| {
            Ok(MatchableSubscription {
                id: row.get(0)?,
                filters: row.get(1)?,
                retention_days: row.get(2)?,
                key_expires_at: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The filterable columns of one job and its terms: what the matcher
/// checks in memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobFacts {
    pub id: String,
    pub posted_on: i64,
    pub last_visited_at: Option<i64>,
    pub job_type: i64,
    pub status: i64,
    pub contractor_tier: i64,
    pub fixed_amount: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
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
    pub visible: bool,
    /// Normalised skills and tags.
    pub terms: Vec<String>,
}

pub fn job_facts(conn: &Connection, seq: i64) -> Result<Option<JobFacts>> {
    let facts = conn
        .prepare_cached(
            "SELECT posted_on, last_visited_at, job_type, status, contractor_tier, fixed_amount, hourly_min, \
             hourly_max, payment_verified, buyer_country, location_timezone, category_slug, category_group_slug, \
             buyer_total_spent, buyer_total_assignments, buyer_total_jobs_with_hires, total_applicants, engagement, \
             duration_label, visible, id FROM jobs WHERE seq = ?1",
        )?
        .query_row([seq], |row| {
            Ok(JobFacts {
                posted_on: row.get(0)?,
                last_visited_at: row.get(1)?,
                job_type: row.get(2)?,
                status: row.get(3)?,
                contractor_tier: row.get(4)?,
                fixed_amount: row.get(5)?,
                hourly_min: row.get(6)?,
                hourly_max: row.get(7)?,
                payment_verified: row.get(8)?,
                buyer_country: row.get(9)?,
                location_timezone: row.get(10)?,
                category_slug: row.get(11)?,
                category_group_slug: row.get(12)?,
                buyer_total_spent: row.get(13)?,
                buyer_total_assignments: row.get(14)?,
                buyer_total_jobs_with_hires: row.get(15)?,
                total_applicants: row.get(16)?,
                engagement: row.get(17)?,
                duration_label: row.get(18)?,
                visible: row.get(19)?,
                terms: Vec::new(),
                id: row.get(20)?,
            })
        })
        .optional()?;
    let Some(mut facts) = facts else { return Ok(None) };
    let mut statement = conn.prepare_cached("SELECT term FROM job_terms WHERE seq = ?1")?;
    facts.terms = statement.query_map([seq], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(facts))
}

/// What a message carries: a job (its body is made when it is sent) or a
/// body of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried<'a> {
    Job(&'a str),
    Payload(&'a [u8]),
}

/// Queues one message, due at once.
pub fn insert_message(
    conn: &Connection,
    id: &str,
    subscription_id: &str,
    event_type: &str,
    carried: Carried,
    now: i64,
) -> Result<()> {
    let (job_id, payload) = match carried {
        Carried::Job(job_id) => (Some(job_id), None),
        Carried::Payload(payload) => (None, Some(payload)),
    };
    conn.prepare_cached(
        "INSERT INTO webhook_messages (id, subscription_id, event_type, job_id, payload, next_attempt_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![id, subscription_id, event_type, job_id, payload, now])?;
    Ok(())
}

// ---- the delivery worker ----

/// A message ready to send, with everything the attempt needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DueMessage {
    pub seq: i64,
    pub id: String,
    pub subscription_id: String,
    pub event_type: String,
    /// Attempts made before this one.
    pub attempts: i64,
    /// When the message was queued: the event's `timestamp`.
    pub created_at: i64,
    /// The body of an event that is not a job's.
    pub payload: Option<Vec<u8>>,
    /// A job event's job document, None when the job is gone or hidden.
    pub job_doc: Option<String>,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    /// Secrets retired before the previous one, with their expiry (ms).
    pub retired_secrets: Vec<(String, i64)>,
    /// The subscription's key.
    pub key_id: String,
}

/// Pending messages due at `now`, oldest due first, leaving out the
/// messages in `taken` (started or finished, their outcome not committed
/// yet) and the subscriptions in `skip` (those already at their concurrency
/// limit), so the worker can look again while its outcomes wait for the
/// writer.
pub fn due_messages(
    conn: &Connection,
    now: i64,
    taken: &[i64],
    skip: &[String],
    limit: i64,
) -> Result<Vec<DueMessage>> {
    let placeholders: Vec<String> = (0..skip.len()).map(|index| format!("?{}", index + 4)).collect();
    let skip_clause = if skip.is_empty() {
        String::new()
    } else {
        format!("AND m.subscription_id NOT IN ({})", placeholders.join(", "))
    };
    let sql = format!(
        "SELECT m.seq, m.id, m.subscription_id, m.event_type, m.attempts, m.created_at, m.payload, \
         CASE WHEN j.visible = 1 THEN j.doc END, s.url, s.secret, s.previous_secret, s.previous_secret_expires_at, \
         s.key_id, s.retired_secrets \
         FROM webhook_messages m JOIN webhook_subscriptions s ON s.id = m.subscription_id \
         LEFT JOIN jobs j ON j.id = m.job_id \
         WHERE m.status = 'pending' AND m.next_attempt_at <= ?1 \
         AND m.seq NOT IN (SELECT value FROM json_each(?3)) AND s.active = 1 {skip_clause} \
         ORDER BY m.next_attempt_at, m.seq LIMIT ?2"
    );
    let taken = format!("[{}]", taken.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
    let mut values: Vec<rusqlite::types::Value> = vec![now.into(), limit.into(), taken.into()];
    values.extend(skip.iter().map(|id| rusqlite::types::Value::Text(id.clone())));
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement
        .query_map(params_from_iter(values), |row| {
            Ok(DueMessage {
                seq: row.get(0)?,
                id: row.get(1)?,
                subscription_id: row.get(2)?,
                event_type: row.get(3)?,
                attempts: row.get(4)?,
                created_at: row.get(5)?,
                payload: row.get(6)?,
                job_doc: row.get(7)?,
                url: row.get(8)?,
                secret: row.get(9)?,
                previous_secret: row.get(10)?,
                previous_secret_expires_at: row.get(11)?,
                key_id: row.get(12)?,
                retired_secrets: serde_json::from_str(&row.get::<_, String>(13)?).unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// When the next pending message falls due after `now` (None: none does).
pub fn next_due_after(conn: &Connection, now: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT min(next_attempt_at) FROM webhook_messages WHERE status = 'pending' AND next_attempt_at > ?1",
        )?
        .query_row([now], |row| row.get(0))?)
}

/// A message's (status, attempts), None when it was deleted with its subscription.
pub fn message_state(conn: &Connection, seq: i64) -> Result<Option<(String, i64)>> {
    Ok(conn
        .prepare_cached("SELECT status, attempts FROM webhook_messages WHERE seq = ?1")?
        .query_row([seq], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

pub fn insert_attempt(conn: &Connection, attempt: &AttemptRow) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO webhook_attempts (message_id, subscription_id, event_type, time, success, status_code, \
         latency_ms, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        attempt.message_id,
        attempt.subscription_id,
        attempt.event_type,
        attempt.time,
        attempt.success,
        attempt.status_code,
        attempt.latency_ms,
        attempt.error
    ])?;
    Ok(())
}

/// Ends a message as failed and counts it on its subscription.
pub fn fail_message(conn: &Connection, seq: i64, subscription_id: &str, attempts: i64, now: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_messages SET status = 'failed', attempts = ?2, finished_at = ?3 WHERE seq = ?1",
    )?
    .execute(params![seq, attempts, now])?;
    conn.prepare_cached("UPDATE webhook_subscriptions SET failed_count = failed_count + 1 WHERE id = ?1")?
        .execute([subscription_id])?;
    Ok(())
}

pub fn reschedule_message(conn: &Connection, seq: i64, attempts: i64, next_attempt_at: i64) -> Result<()> {
    conn.prepare_cached("UPDATE webhook_messages SET attempts = ?2, next_attempt_at = ?3 WHERE seq = ?1")?
        .execute(params![seq, attempts, next_attempt_at])?;
    Ok(())
}

/// Holds back a failing endpoint's other pending messages until `until`.
/// Walks the pending messages due before then (no index by subscription).
pub fn defer_pending(conn: &Connection, subscription_id: &str, until: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_messages INDEXED BY webhook_messages_due SET next_attempt_at = ?2 \
         WHERE status = 'pending' AND next_attempt_at < ?2 AND subscription_id = ?1",
    )?
    .execute(params![subscription_id, until])?;
    Ok(())
}

/// Ends a message as delivered.
pub fn mark_delivered(conn: &Connection, seq: i64, attempts: i64, now: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_messages SET status = 'delivered', attempts = ?2, finished_at = ?3 WHERE seq = ?1",
    )?
    .execute(params![seq, attempts, now])?;
    Ok(())
}

/// Marks an endpoint healthy after `count` deliveries, the last at `at`.
pub fn note_successes(conn: &Connection, subscription_id: &str, count: i64, at: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhook_subscriptions SET last_success_at = ?2, failing_since = NULL, consecutive_failures = 0, \
         delivered_count = delivered_count + ?3 WHERE id = ?1",
    )?
    .execute(params![subscription_id, at, count])?;
    Ok(())
}

/// Counts a failure; returns since when the endpoint has been failing.
pub fn note_failure(conn: &Connection, subscription_id: &str, now: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "UPDATE webhook_subscriptions SET last_failure_at = ?2, failing_since = coalesce(failing_since, ?2), \
             consecutive_failures = consecutive_failures + 1 WHERE id = ?1 RETURNING failing_since",
        )?
        .query_row(params![subscription_id, now], |row| row.get(0))
        .optional()?)
}

/// Deletes up to `batch` attempts and finished messages older than
/// `cutoff`; returns how many rows went.
pub fn prune(conn: &Connection, cutoff: i64, batch: i64) -> Result<i64> {
    // Attempts are inserted in time order: the oldest ids are the oldest rows.
    let attempts = conn.execute(
        "DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts ORDER BY id LIMIT ?2) \
         AND time < ?1",
        params![cutoff, batch],
    )?;
    let messages = conn.execute(
        "DELETE FROM webhook_messages WHERE seq IN (SELECT seq FROM webhook_messages \
         WHERE status <> 'pending' AND finished_at < ?1 LIMIT ?2)",
        params![cutoff, batch],
    )?;
    Ok((attempts + messages) as i64)
}
