//! Usage counters and the request log.

use crate::error::Result;
use rusqlite::{Connection, params};
use std::borrow::Cow;
use std::sync::Arc;

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
        // A delta can be negative: calls given back (a 304) after the
        // flush that wrote their reservation.
        if delta.counted != 0 || delta.overage != 0 {
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
    pub key_id: Option<Arc<str>>,
    pub method: Cow<'static, str>,
    pub route: Cow<'static, str>,
    pub status: u16,
    pub latency_us: i64,
}

/// Requests per stored block of the request log (schema.sql, migration 3).
pub const LOG_ENTRIES_PER_BLOCK: usize = 1_000;

/// One entry of a block: `[time, request_id, key_id, method, route,
/// status, latency_us]`.
type LogEntry<'a> = (i64, Cow<'a, str>, Option<Cow<'a, str>>, Cow<'a, str>, Cow<'a, str>, u16, i64);

/// Stores request-log rows, oldest first, as blocks of up to
/// `LOG_ENTRIES_PER_BLOCK`: one insert per block, not one per request.
pub fn insert_request_log(conn: &Connection, rows: &[RequestLogRow]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO request_log_blocks (first_time, last_time, requests, entries) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for block in rows.chunks(LOG_ENTRIES_PER_BLOCK) {
        let entries: Vec<LogEntry<'_>> = block
            .iter()
            .map(|row| {
                (
                    row.time_millis,
                    Cow::Borrowed(row.request_id.as_str()),
                    row.key_id.as_deref().map(Cow::Borrowed),
                    Cow::Borrowed(row.method.as_ref()),
                    Cow::Borrowed(row.route.as_ref()),
                    row.status,
                    row.latency_us,
                )
            })
            .collect();
        let text = serde_json::to_string(&entries)
            .map_err(|error| crate::error::Error::internal(format!("request log block: {error}")))?;
        let first_time = block.iter().map(|row| row.time_millis).min().unwrap_or_default();
        let last_time = block.iter().map(|row| row.time_millis).max().unwrap_or_default();
        statement.execute(params![first_time, last_time, block.len() as i64, text])?;
    }
    Ok(())
}

/// Which entries of the request log `request_log_tail` returns.
#[derive(Debug, Default)]
pub struct RequestLogFilter {
    /// Only this key's requests.
    pub key_id: Option<String>,
    /// Only requests answered with this status.
    pub status: Option<i64>,
    /// Leave out the admin API's own successful calls (`/admin...` answered
    /// below 400): the admin page's polling would crowd out the API traffic.
    /// Failed admin-token attempts stay.
    pub hide_admin: bool,
}

/// The newest entries of the request log, newest first, that pass
/// `filter`. Reads blocks from the newest back until it has `limit` entries.
pub fn request_log_tail(conn: &Connection, limit: i64, filter: &RequestLogFilter) -> Result<Vec<RequestLogRow>> {
    let wanted = limit.max(0) as usize;
    let mut found = Vec::new();
    let mut statement = conn.prepare("SELECT entries FROM request_log_blocks ORDER BY id DESC")?;
    let mut blocks = statement.query([])?;
    while found.len() < wanted
        && let Some(block) = blocks.next()?
    {
        let text: String = block.get(0)?;
        let entries: Vec<LogEntry<'_>> = serde_json::from_str(&text)
            .map_err(|error| crate::error::Error::internal(format!("request log block: {error}")))?;
        let matching = entries.into_iter().rev().filter(|entry| {
            filter.key_id.as_deref().is_none_or(|wanted| entry.2.as_deref() == Some(wanted))
                && filter.status.is_none_or(|wanted| i64::from(entry.5) == wanted)
                && !(filter.hide_admin && entry.4.starts_with("/admin") && entry.5 < 400)
        });
        for (time_millis, request_id, key_id, method, route, status, latency_us) in matching.take(wanted - found.len())
        {
            found.push(RequestLogRow {
                time_millis,
                request_id: request_id.into_owned(),
                key_id: key_id.map(|key_id| Arc::from(key_id.as_ref())),
                method: Cow::Owned(method.into_owned()),
                route: Cow::Owned(route.into_owned()),
                status,
                latency_us,
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: i64) -> RequestLogRow {
        RequestLogRow {
            time_millis: 1_795_000_000_000 + number,
            request_id: format!("req_{number:020}"),
            key_id: (number % 3 != 0).then(|| Arc::from(format!("key_{}", number % 2).as_str())),
            method: Cow::Borrowed(if number % 5 == 0 { "POST" } else { "GET" }),
            route: Cow::Borrowed("/jobs"),
            status: if number % 7 == 0 { 429 } else { 200 },
            latency_us: number * 10,
        }
    }

    fn database() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&conn).unwrap();
        conn
    }

    #[test]
    fn calls_given_back_after_a_flush_are_taken_off_the_month() {
        let conn = database();
        let delta = |counted, overage| UsageDelta {
            key_id: "key_1".into(),
            day: "2026-11-24".into(),
            requests: 1,
            counted,
            overage,
            ..UsageDelta::default()
        };
        apply_deltas(&conn, &[delta(3, 1)]).unwrap();
        apply_deltas(&conn, &[delta(-1, -1)]).unwrap();
        assert_eq!(monthly_counts(&conn, "2026-11").unwrap(), [("key_1".to_string(), 2, 0)]);
    }

    #[test]
    fn requests_are_stored_in_blocks_and_read_back_newest_first_with_filters() {
        let conn = database();
        let rows: Vec<RequestLogRow> = (0..2_500).map(row).collect();
        insert_request_log(&conn, &rows[..1_200]).unwrap();
        insert_request_log(&conn, &rows[1_200..]).unwrap();
        let blocks: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT first_time, last_time, requests FROM request_log_blocks ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let sizes: Vec<i64> = blocks.iter().map(|block| block.2).collect();
        assert_eq!(sizes, [1_000, 200, 1_000, 300]);
        assert_eq!((blocks[1].0, blocks[1].1), (rows[1_000].time_millis, rows[1_199].time_millis));

        let newest: Vec<RequestLogRow> = rows.iter().rev().take(1_500).cloned().collect();
        assert_eq!(
            request_log_tail(&conn, 1_500, &RequestLogFilter::default()).unwrap(),
            newest,
            "across blocks, newest first"
        );
        let key_1: Vec<RequestLogRow> =
            rows.iter().rev().filter(|row| row.key_id.as_deref() == Some("key_1")).take(700).cloned().collect();
        assert_eq!(
            request_log_tail(&conn, 700, &RequestLogFilter { key_id: Some("key_1".into()), ..Default::default() })
                .unwrap(),
            key_1
        );
        let refused: Vec<RequestLogRow> = rows.iter().rev().filter(|row| row.status == 429).cloned().collect();
        assert_eq!(
            request_log_tail(&conn, 1_000, &RequestLogFilter { status: Some(429), ..Default::default() }).unwrap(),
            refused,
            "all of them, fewer than asked"
        );
        assert!(
            request_log_tail(&conn, 10, &RequestLogFilter { key_id: Some("key_9".into()), ..Default::default() })
                .unwrap()
                .is_empty()
        );

        // The view shows one row per request, as the table before blocks did.
        let (count, first_route, keyless): (i64, String, i64) = conn
            .query_row("SELECT count(*), min(route), sum(key_id IS NULL) FROM request_log", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((count, first_route.as_str()), (2_500, "/jobs"));
        assert_eq!(keyless, rows.iter().filter(|row| row.key_id.is_none()).count() as i64);
    }

    #[test]
    fn hiding_admin_calls_keeps_failed_admin_attempts() {
        let conn = database();
        let mut rows: Vec<RequestLogRow> = (0..3_000).map(row).collect();
        for (index, row) in rows.iter_mut().enumerate() {
            if index % 10 != 0 {
                row.route = Cow::Borrowed("/admin/api/keys");
                row.key_id = None;
                row.status = if index % 100 == 1 { 401 } else { 200 };
            }
        }
        insert_request_log(&conn, &rows).unwrap();
        let expected: Vec<RequestLogRow> = rows
            .iter()
            .rev()
            .filter(|row| !row.route.starts_with("/admin") || row.status == 401)
            .take(250)
            .cloned()
            .collect();
        assert!(expected.iter().any(|row| row.status == 401));
        let filter = RequestLogFilter { hide_admin: true, ..Default::default() };
        assert_eq!(request_log_tail(&conn, 250, &filter).unwrap(), expected, "from more blocks than the first");
    }

    #[test]
    fn the_blocks_migration_keeps_every_logged_request_in_order() {
        let conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply_up_to(&conn, 2).unwrap();
        let rows: Vec<RequestLogRow> = (0..2_345).map(row).collect();
        for row in &rows {
            conn.execute(
                "INSERT INTO request_log (time, request_id, key_id, method, route, status, latency_us) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![row.time_millis, row.request_id, row.key_id, row.method, row.route, row.status, row.latency_us],
            )
            .unwrap();
        }
        crate::store::migrate::apply(&conn).unwrap();
        let sizes: Vec<i64> = conn
            .prepare("SELECT requests FROM request_log_blocks ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // Row ids start at 1, so the first block holds ids 1-999.
        assert_eq!(sizes, [999, 1_000, 346]);
        let all: Vec<RequestLogRow> = rows.iter().rev().cloned().collect();
        assert_eq!(request_log_tail(&conn, 5_000, &RequestLogFilter::default()).unwrap(), all);
    }
}
