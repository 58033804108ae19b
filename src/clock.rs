//! Time, from a clock the tests can set.
//!
//! Rate limits, quotas, plan windows, expiry and retention all read the time
//! through `Clock`, so tests move it forward instead of sleeping for minutes.

use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system clock, or a manual one whose offset tests adjust.
#[derive(Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system time (manual clocks only move this).
    offset_millis: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        let offset = self.offset_millis.load(Ordering::Relaxed);
        Utc::now() + chrono::Duration::milliseconds(offset)
    }

    pub fn now_unix(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// `now()` in Unix milliseconds, without building a calendar date: the
    /// token bucket and the usage counters read this on every request.
    pub fn now_millis(&self) -> i64 {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_millis() as i64);
        since_epoch + self.offset_millis.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) forward by `duration`.
    pub fn advance(&self, duration: std::time::Duration) {
        self.offset_millis.fetch_add(duration.as_millis() as i64, Ordering::Relaxed);
    }

    /// Sets this clock so that `now()` is close to `instant`.
    pub fn set(&self, instant: DateTime<Utc>) {
        let offset = (instant - Utc::now()).num_milliseconds();
        self.offset_millis.store(offset, Ordering::Relaxed);
    }
}

/// Formats Unix seconds as RFC 3339 UTC with whole seconds (`2024-09-27T10:30:00Z`).
pub fn format_unix(seconds: i64) -> String {
    match Utc.timestamp_opt(seconds, 0).single() {
        Some(instant) => format_rfc3339(instant),
        None => String::new(),
    }
}

pub fn format_rfc3339(instant: DateTime<Utc>) -> String {
    // Every request stamps `last_updated`; this avoids strftime's parser.
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `format_rfc3339` of the second `unix`, shared: every request of a second
/// stamps the same text, so each thread formats it once per second.
pub fn rfc3339_second(unix: i64) -> Arc<str> {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, Arc<str>)> = std::cell::RefCell::new((i64::MIN, Arc::from("")));
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != unix {
            let text = format_rfc3339(DateTime::from_timestamp(unix, 0).unwrap_or_default());
            *last = (unix, Arc::from(text));
        }
        last.1.clone()
    })
}

/// Parses an RFC 3339 time or a bare `YYYY-MM-DD` date (midnight UTC).
pub fn parse_time_or_date(input: &str) -> Option<DateTime<Utc>> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(input) {
        return Some(instant.with_timezone(&Utc));
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(input, "%Y-%m-%d") {
        return date.and_hms_opt(0, 0, 0).map(|naive| naive.and_utc());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_second_text_follows_the_second_asked_for() {
        let first = rfc3339_second(1_795_376_047);
        assert_eq!(&*first, "2026-11-22T19:34:07Z");
        assert!(Arc::ptr_eq(&first, &rfc3339_second(1_795_376_047)), "formatted once per second per thread");
        assert_eq!(&*rfc3339_second(1_795_376_048), "2026-11-22T19:34:08Z");
        assert_eq!(&*rfc3339_second(1_795_376_047), "2026-11-22T19:34:07Z", "going back formats again");
    }

    #[test]
    fn milliseconds_follow_the_calendar_time_and_its_moves() {
        let clock = Clock::system();
        clock.advance(std::time::Duration::from_secs(40 * 86_400));
        let calendar = clock.now().timestamp_millis();
        let millis = clock.now_millis();
        assert!((millis - calendar).abs() < 1_000, "{millis} against {calendar}");
        assert!((clock.now_unix() - Utc::now().timestamp() - 40 * 86_400).abs() <= 1);
        clock.set(Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap());
        assert_eq!(
            clock.now_unix().div_euclid(86_400),
            Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap().timestamp() / 86_400
        );
    }
}
