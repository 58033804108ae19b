//! Micro-benchmarks of the hot path's pieces: `cargo bench --bench micro`.
//! Results go in BENCHMARKS.md; they are never asserted in tests.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use upjobs::auth::Auth;
use upjobs::auth::keys::generate_key;
use upjobs::clock::Clock;
use upjobs::jobs_gen::{GenOptions, generate};
use upjobs::store::keys::{AuthSnapshot, KeyOverrides, KeyRow, PlanRow};

fn plans() -> Vec<PlanRow> {
    vec![PlanRow {
        name: "enterprise".into(),
        rate_limit_per_min: 1_000_000_000,
        burst: 1_000_000_000,
        monthly_quota: None,
        overage: true,
        overage_price_usd: 0.01,
        retention_days: None,
        webhooks: true,
    }]
}

fn key_table(auth: &Auth, count: usize) -> String {
    let mut rows = Vec::with_capacity(count);
    let mut presented = String::new();
    for index in 0..count {
        let material = generate_key();
        if index == count / 2 {
            presented = material.key.clone();
        }
        rows.push(KeyRow {
            id: format!("key_{index}"),
            key_hash: material.hash,
            prefix: material.prefix,
            last4: material.last4,
            name: format!("k{index}"),
            email: None,
            plan: "enterprise".into(),
            created_at: 0,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
            overrides: KeyOverrides::default(),
        });
    }
    auth.apply_snapshot(AuthSnapshot { version: 1, keys: rows, plans: plans() });
    presented
}

fn auth_path(criterion: &mut Criterion) {
    for count in [1, 10_000] {
        let auth = Auth::new(Clock::system());
        let presented = key_table(&auth, count);
        criterion.bench_function(&format!("authenticate + take token + count the call ({count} keys)"), |bench| {
            bench.iter(|| {
                let now = Clock::system().now_millis();
                let (entry, limits) = auth.authenticate(Some(black_box(&presented)), now / 1000).unwrap();
                black_box(auth.take_token(&entry, &limits, now));
                black_box(auth.reserve_calls(&entry, &limits, 1)).unwrap();
            })
        });
    }
}

fn query_parsing(criterion: &mut Criterion) {
    let query = "limit=20&payment_verified=true&budget_min=1000&country=US,GB&skills=react,nodejs&q=react%20developer%20-wordpress&sort=budget_desc";
    criterion.bench_function("parse /jobs query (7 parameters)", |bench| {
        bench.iter(|| black_box(upjobs::query::params::parse_job_list(black_box(query)).unwrap()))
    });
    criterion.bench_function("q to FTS5 expression", |bench| {
        bench.iter(|| {
            let parsed = upjobs::query::fts::parse_q(black_box("\"web app\" react OR vue -wordpress design*")).unwrap();
            black_box(parsed.to_match_expression())
        })
    });
}

fn serialisation(criterion: &mut Criterion) {
    let options = GenOptions { count: 1, seed: 1, days: 30, now: chrono::Utc::now() };
    let job = generate(&options).next().unwrap();
    let doc = serde_json::to_string(&job).unwrap();
    criterion.bench_function("serialise one job (once, at ingest)", |bench| {
        bench.iter(|| black_box(serde_json::to_string(black_box(&job)).unwrap()))
    });
    let docs: Vec<String> = (0..20).map(|_| doc.clone()).collect();
    criterion.bench_function("assemble a 20-job envelope from stored bytes", |bench| {
        bench.iter(|| {
            let envelope = upjobs::http::response::Envelope::ok(upjobs::http::response::Data::Raw(docs.clone()));
            let mut out = Vec::with_capacity(32 * 1024);
            envelope.write_without_time(&mut out);
            black_box(upjobs::api::etag_of(&out));
            upjobs::http::response::Envelope::finish(&mut out, "2026-11-22T00:00:00Z");
            black_box(out)
        })
    });
    criterion.bench_function("validate + score + fingerprint one record", |bench| {
        let value: serde_json::Value = serde_json::from_str(&doc).unwrap();
        bench.iter(|| black_box(upjobs::ingest::prepare(1, Ok(black_box(value.clone())))))
    });
}

criterion_group!(micro, auth_path, query_parsing, serialisation);
criterion_main!(micro);
