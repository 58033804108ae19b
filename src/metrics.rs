//! Prometheus counters and histograms, kept in memory and rendered as text.

use dashmap::DashMap;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Latency bucket upper bounds, seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    requests: DashMap<(&'static str, u16), AtomicU64>,
    latency: DashMap<&'static str, Histogram>,
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

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Metrics that report `wal_checkpoints` (from `store::checkpoint::install`).
    pub fn counting_checkpoints(wal_checkpoints: Arc<AtomicU64>) -> Metrics {
        Metrics { wal_checkpoints, ..Default::default() }
    }

    pub fn observe_request(&self, route: &'static str, status: u16, seconds: f64) {
        // Shared (read) locks on the common path; an entry is created once.
        match self.requests.get(&(route, status)) {
            Some(counter) => counter.fetch_add(1, Ordering::Relaxed),
            None => self.requests.entry((route, status)).or_default().fetch_add(1, Ordering::Relaxed),
        };
        let histogram = match self.latency.get(route) {
            Some(histogram) => histogram,
            None => self.latency.entry(route).or_default().downgrade(),
        };
        if let Some(index) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.buckets[index].fetch_add(1, Ordering::Relaxed);
        }
        histogram.count.fetch_add(1, Ordering::Relaxed);
        histogram.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn observe_webhook_delivery(&self, outcome: &'static str) {
        self.webhook_deliveries.entry(outcome).or_default().fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, database_size_bytes: u64) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP upjobs_requests_total HTTP requests by route and status.\n# TYPE upjobs_requests_total counter\n",
        );
        let mut requests: Vec<_> =
            self.requests.iter().map(|e| (*e.key(), e.value().load(Ordering::Relaxed))).collect();
        requests.sort();
        for ((route, status), count) in requests {
            let _ = writeln!(out, "upjobs_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}");
        }
        out.push_str("# HELP upjobs_request_duration_seconds Request latency by route.\n# TYPE upjobs_request_duration_seconds histogram\n");
        let mut routes: Vec<&'static str> = self.latency.iter().map(|e| *e.key()).collect();
        routes.sort();
        for route in routes {
            let Some(histogram) = self.latency.get(route) else { continue };
            let mut cumulative = 0;
            for (index, bound) in BUCKETS.iter().enumerate() {
                cumulative += histogram.buckets[index].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "upjobs_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = histogram.count.load(Ordering::Relaxed);
            let _ = writeln!(out, "upjobs_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}");
            let sum = histogram.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
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
