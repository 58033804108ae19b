//! Usage counters and the request log.

use crate::error::Result;
use rusqlite::{Connection, params};
use std::borrow::Cow;

/// Counts to add for one key on one day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageDelta {
    pub key_id: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Requests answered (all keyed requests that were not refused).
    pub requests: i64,
    /// Calls that count against the monthly quota.
    pub counted: i64,
    /// Of those, calls past the quota (priced as overage).
    pub overage: i64,
    pub rate_limited: i64,
    pub quota_refused: i64,
    pub last_used_at: Option<i64>,
}

pub fn apply_deltas(conn: &Connection, deltas: &[UsageDelta]) -> Result<()> {
    let mut daily = conn.prepare_cached(
        "INSERT INTO usage_daily (key_id, day, calls, rate_limited, quota_refused) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT(key_id, day) DO UPDATE SET calls = calls + excluded.calls, \
         rate_limited = rate_limited + excluded.rate_limited, quota_refused = quota_refused + excluded.quota_refused",
    )?;
    let mut monthly = conn.prepare_cached(
        "INSERT INTO usage_monthly (key_id, month, calls, overage_calls) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(key_id, month) DO UPDATE SET calls = calls + excluded.calls, \
         overage_calls = overage_calls + excluded.overage_calls",
    )?;
    let mut last_used =
        conn.prepare_cached("UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?2) WHERE id = ?1")?;
    for delta in deltas {
        daily.execute(params![delta.key_id, delta.day, delta.requests, delta.rate_limited, delta.quota_refused])?;
        if delta.counted > 0 || delta.overage > 0 {
            monthly.execute(params![delta.key_id, &delta.day[..7], delta.counted, delta.overage])?;
        }
        if let Some(time) = delta.last_used_at {
            last_used.execute(params![delta.key_id, time])?;
        }
    }
    Ok(())
}

/// (key id, calls, overage calls) for a month (`YYYY-MM`).
pub fn monthly_counts(conn: &Connection, month: &str) -> Result<Vec<(String, i64, i64)>> {
    let mut statement = conn.prepare("SELECT key_id, calls, overage_calls FROM usage_monthly WHERE month = ?1")?;
    let rows = statement.query_map([month], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone)]
pub struct DailyUsageRow {
    pub day: String,
    pub key_id: String,
    pub key_name: Option<String>,
    pub calls: i64,
    pub rate_limited: i64,
    pub quota_refused: i64,
}

pub fn daily_usage(conn: &Connection, since_day: &str) -> Result<Vec<DailyUsageRow>> {
    let mut statement = conn.prepare(
        "SELECT u.day, u.key_id, k.name, u.calls, u.rate_limited, u.quota_refused \
         FROM usage_daily u LEFT JOIN api_keys k ON k.id = u.key_id WHERE u.day >= ?1 ORDER BY u.day, u.key_id",
    )?;
    let rows = statement.query_map([since_day], |r| {
        Ok(DailyUsageRow {
            day: r.get(0)?,
            key_id: r.get(1)?,
            key_name: r.get(2)?,
            calls: r.get(3)?,
            rate_limited: r.get(4)?,
            quota_refused: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Requests per day over all keys (and unauthenticated requests from the log).
pub fn requests_per_day(conn: &Connection, since_day: &str) -> Result<Vec<(String, i64)>> {
    let mut statement =
        conn.prepare("SELECT day, sum(calls + rate_limited + quota_refused) FROM usage_daily WHERE day >= ?1 GROUP BY day ORDER BY day")?;
    let rows = statement.query_map([since_day], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One request's metadata. Never the key, never query values. Method and
/// route are borrowed names on the request path (no allocation per
/// request), owned when read back.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLogRow {
    pub time_millis: i64,
    pub request_id: String,
    pub key_id: Option<String>,
    pub method: Cow<'static, str>,
    pub route: Cow<'static, str>,
    pub status: u16,
    pub latency_us: i64,
}

pub fn insert_request_log(conn: &Connection, rows: &[RequestLogRow]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO request_log (time, request_id, key_id, method, route, status, latency_us) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for row in rows {
        statement.execute(params![
            row.time_millis,
            row.request_id,
            row.key_id,
            row.method,
            row.route,
            row.status,
            row.latency_us
        ])?;
    }
    Ok(())
}

pub fn request_log_tail(
    conn: &Connection,
    limit: i64,
    key_id: Option<&str>,
    status: Option<i64>,
) -> Result<Vec<RequestLogRow>> {
    let mut statement = conn.prepare(
        "SELECT time, request_id, key_id, method, route, status, latency_us FROM request_log \
         WHERE (?2 IS NULL OR key_id = ?2) AND (?3 IS NULL OR status = ?3) ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = statement.query_map(params![limit, key_id, status], |r| {
        Ok(RequestLogRow {
            time_millis: r.get(0)?,
            request_id: r.get(1)?,
            key_id: r.get(2)?,
            method: Cow::Owned(r.get(3)?),
            route: Cow::Owned(r.get(4)?),
            status: r.get(5)?,
            latency_us: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
