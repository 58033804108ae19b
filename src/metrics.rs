//! Prometheus counters and histograms, kept in memory and rendered as text.
//!
//! Request counts and latencies are kept per thread and added up when
//! rendered: every request records them, and counters shared by the
//! runtime's threads would move their cache lines from core to core on
//! every request.

use dashmap::DashMap;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use thread_local::ThreadLocal;

/// Latency bucket upper bounds, seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    /// Each thread's requests, by route.
    requests: ThreadLocal<Mutex<foldhash::HashMap<&'static str, RouteStats>>>,
    pub rate_limited: AtomicU64,
    pub quota_refused: AtomicU64,
    pub auth_failures: AtomicU64,
    pub jobs_inserted: AtomicU64,
    pub jobs_updated: AtomicU64,
    pub jobs_rejected: AtomicU64,
    pub jobs_spam: AtomicU64,
    pub jobs_duplicates: AtomicU64,
    pub response_cache_hits: AtomicU64,
    /// Checkpoints run by the checkpointer thread (`store::checkpoint`).
    pub wal_checkpoints: Arc<AtomicU64>,
    webhook_deliveries: DashMap<&'static str, AtomicU64>,
}

/// One route's requests: how many got each status, and their latencies.
#[derive(Default, Clone)]
struct RouteStats {
    statuses: Vec<(u16, u64)>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_micros: u64,
}

impl RouteStats {
    fn add_status(&mut self, status: u16, count: u64) {
        match self.statuses.iter_mut().find(|(known, _)| *known == status) {
            Some((_, total)) => *total += count,
            None => self.statuses.push((status, count)),
        }
    }

    fn add(&mut self, other: &RouteStats) {
        for &(status, count) in &other.statuses {
            self.add_status(status, count);
        }
        for (total, count) in self.buckets.iter_mut().zip(other.buckets) {
            *total += count;
        }
        self.count += other.count;
        self.sum_micros += other.sum_micros;
    }
}

impl Metrics {
    /// Metrics that report `wal_checkpoints` (from `store::checkpoint::install`).
    pub fn counting_checkpoints(wal_checkpoints: Arc<AtomicU64>) -> Metrics {
        Metrics { wal_checkpoints, ..Default::default() }
    }

    pub fn observe_request(&self, route: &'static str, status: u16, seconds: f64) {
        // The thread's own table: its lock is contended only while
        // `render` reads it.
        let mut routes = self.requests.get_or_default().lock().unwrap_or_else(PoisonError::into_inner);
        let stats = routes.entry(route).or_default();
        stats.add_status(status, 1);
        if let Some(index) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            stats.buckets[index] += 1;
        }
        stats.count += 1;
        stats.sum_micros += (seconds * 1e6) as u64;
    }

    /// Every thread's request statistics added up, by route.
    fn request_totals(&self) -> BTreeMap<&'static str, RouteStats> {
        let mut totals = BTreeMap::<&'static str, RouteStats>::new();
        for routes in self.requests.iter() {
            let routes = routes.lock().unwrap_or_else(PoisonError::into_inner);
            for (route, stats) in routes.iter() {
                totals.entry(route).or_default().add(stats);
            }
        }
        totals
    }

    pub fn observe_webhook_delivery(&self, outcome: &'static str) {
        self.webhook_deliveries.entry(outcome).or_default().fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, database_size_bytes: u64) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP upjobs_requests_total HTTP requests by route and status.\n# TYPE upjobs_requests_total counter\n",
        );
        let totals = self.request_totals();
        for (route, stats) in &totals {
            let mut statuses = stats.statuses.clone();
            statuses.sort_unstable();
            for (status, count) in statuses {
                let _ = writeln!(out, "upjobs_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}");
            }
        }
        out.push_str("# HELP upjobs_request_duration_seconds Request latency by route.\n# TYPE upjobs_request_duration_seconds histogram\n");
        for (route, stats) in &totals {
            let mut cumulative = 0;
            for (index, bound) in BUCKETS.iter().enumerate() {
                cumulative += stats.buckets[index];
                let _ = writeln!(
                    out,
                    "upjobs_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = stats.count;
            let _ = writeln!(out, "upjobs_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}");
            let sum = stats.sum_micros as f64 / 1e6;
            let _ = writeln!(out, "upjobs_request_duration_seconds_sum{{route=\"{route}\"}} {sum}");
            let _ = writeln!(out, "upjobs_request_duration_seconds_count{{route=\"{route}\"}} {count}");
        }
        let counters: [(&str, &str, &AtomicU64); 10] = [
            ("upjobs_rate_limited_total", "Requests refused by the per-minute limit.", &self.rate_limited),
            (
                "upjobs_quota_refused_total",
                "Requests refused by the monthly quota or spending cap.",
                &self.quota_refused,
            ),
            ("upjobs_auth_failures_total", "Requests with a missing or invalid key.", &self.auth_failures),
            ("upjobs_ingest_inserted_total", "Jobs inserted.", &self.jobs_inserted),
            ("upjobs_ingest_updated_total", "Jobs updated in place.", &self.jobs_updated),
            ("upjobs_ingest_rejected_total", "Records rejected by validation.", &self.jobs_rejected),
            ("upjobs_ingest_spam_total", "Jobs caught as spam.", &self.jobs_spam),
            ("upjobs_ingest_duplicates_total", "Jobs caught as duplicates.", &self.jobs_duplicates),
            (
                "upjobs_response_cache_hits_total",
                "Read answers served from the one-second response cache.",
                &self.response_cache_hits,
            ),
            ("upjobs_wal_checkpoints_total", "WAL checkpoints run by the checkpointer thread.", &self.wal_checkpoints),
        ];
        for (name, help, counter) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP upjobs_webhook_deliveries_total Webhook delivery attempts by outcome.\n# TYPE upjobs_webhook_deliveries_total counter\n");
        for entry in self.webhook_deliveries.iter() {
            let _ = writeln!(
                out,
                "upjobs_webhook_deliveries_total{{outcome=\"{}\"}} {}",
                entry.key(),
                entry.value().load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP upjobs_database_size_bytes Size of the database file and its WAL.\n# TYPE upjobs_database_size_bytes gauge\nupjobs_database_size_bytes {database_size_bytes}"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_recorded_on_several_threads_are_added_up() {
        let metrics = Metrics::default();
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    metrics.observe_request("/health", 200, 0.0002);
                    metrics.observe_request("/health", 429, 0.002);
                    metrics.observe_request("/jobs", 200, 0.03);
                });
            }
        });
        metrics.observe_request("/health", 200, 7.0);
        let text = metrics.render(0);
        for line in [
            "upjobs_requests_total{route=\"/health\",status=\"200\"} 4",
            "upjobs_requests_total{route=\"/health\",status=\"429\"} 3",
            "upjobs_requests_total{route=\"/jobs\",status=\"200\"} 3",
            "upjobs_request_duration_seconds_bucket{route=\"/health\",le=\"0.0005\"} 3",
            "upjobs_request_duration_seconds_bucket{route=\"/health\",le=\"0.0025\"} 6",
            "upjobs_request_duration_seconds_bucket{route=\"/health\",le=\"5\"} 6",
            "upjobs_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 7",
            "upjobs_request_duration_seconds_count{route=\"/health\"} 7",
            "upjobs_request_duration_seconds_count{route=\"/jobs\"} 3",
        ] {
            assert!(text.lines().any(|rendered| rendered == line), "{line} not in\n{text}");
        }
        let health = text.find("route=\"/health\",status=\"200\"").unwrap();
        let jobs = text.find("route=\"/jobs\",status=\"200\"").unwrap();
        assert!(health < jobs, "routes in order");
    }
}
