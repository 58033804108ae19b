//! Times `DedupIndex::find` on the fingerprints of a real database: loads
//! the newest `--entries` non-spam jobs (as the writer does at start), then
//! looks up each of the newest `--lookups` again (excluding itself), as an
//! ingest of those jobs would. Then times an eviction that finds nothing
//! to evict, as every prune batch after the first does.
//!
//!     cargo run --release --example dedup_bench -- DB [--entries 1000000] [--lookups 200000]
use std::time::Instant;
use upjobs::ingest::dedup::{DedupIndex, Fingerprint};

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().expect("usage: dedup_bench DB [--entries N] [--lookups N]");
    let (mut entries, mut lookups) = (1_000_000usize, 200_000usize);
    while let Some(flag) = args.next() {
        let value: usize = args.next().and_then(|value| value.parse().ok()).expect("a number after the flag");
        match flag.as_str() {
            "--entries" => entries = value,
            "--lookups" => lookups = value,
            other => panic!("unknown flag {other}"),
        }
    }
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT seq, posted_on, fingerprint_exact, fingerprint_simhash FROM jobs WHERE spam_score >= 0 \
             ORDER BY seq DESC LIMIT ?1",
        )
        .unwrap();
    let mut rows: Vec<(i64, i64, Fingerprint)> = statement
        .query_map([entries as i64], |row| {
            let fingerprint =
                Fingerprint { exact: row.get::<_, i64>(2)? as u64, simhash: row.get::<_, i64>(3)? as u64 };
            Ok((row.get(0)?, row.get(1)?, fingerprint))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.reverse();
    let mut index = DedupIndex::new();
    let started = Instant::now();
    for (seq, _, fingerprint) in &rows {
        index.insert_new(*seq, *fingerprint);
    }
    let load = started.elapsed();
    let probes = &rows[rows.len().saturating_sub(lookups)..];
    let started = Instant::now();
    let mut found = 0;
    for (seq, posted_on, fingerprint) in probes {
        found += usize::from(index.find(*fingerprint, *posted_on, 30 * 86_400, Some(*seq)).is_some());
    }
    let elapsed = started.elapsed();
    // The oldest entry's time: nothing is older, as in every prune batch
    // after the first.
    let oldest = rows.iter().map(|(_, posted_on, _)| *posted_on).min().unwrap_or(0);
    let started = Instant::now();
    index.evict_older_than(oldest);
    let evict = started.elapsed();
    println!(
        "{} entries loaded in {:.2} s; {} lookups in {:.3} s = {:.2} µs each; {} found a match; \
         an eviction of nothing {:.1} ms",
        rows.len(),
        load.as_secs_f64(),
        probes.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / probes.len() as f64,
        found,
        evict.as_secs_f64() * 1e3
    );
}
