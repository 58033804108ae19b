//! `serve --demo`: a store a newcomer can `curl` within a minute.

use crate::Startup;
use crate::api::admin::{KeyChanges, new_key_row};
use crate::clock::Clock;
use crate::error::Result;
use crate::ingest::{self, IngestOptions, Prepared};
use crate::jobs_gen::{GenOptions, generate};
use crate::store::{Store, keys as key_rows};

pub const DEMO_JOBS: usize = 5_000;
pub const DEMO_DAYS: u32 = 60;
pub const DEMO_SEED: u64 = 42;

/// Fills an empty store with synthetic jobs and, if there is no key yet,
/// creates one key per plan. Reports what it made in `startup`.
pub fn fill_if_empty(store: &Store, clock: &Clock, startup: &mut Startup) -> Result<()> {
    let (jobs, keys) = store.readers.read_blocking(|conn| {
        let jobs: i64 = conn.query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))?;
        Ok((jobs, key_rows::count_keys(conn)?))
    })?;
    let now = clock.now();
    if jobs == 0 {
        let options = GenOptions { count: DEMO_JOBS, seed: DEMO_SEED, days: DEMO_DAYS, now };
        let prepared: Vec<Prepared> = generate(&options)
            .enumerate()
            .map(|(index, job)| match ingest::to_row(&job) {
                Ok(row) => Prepared::Row { line: index + 1, row: Box::new(row) },
                Err(error) => Prepared::Rejected(ingest::Rejected { line: index + 1, id: Some(job.id), error }),
            })
            .collect();
        let report = ingest::store_batch_blocking(store, prepared, IngestOptions::default(), now.timestamp())?;
        startup.demo_jobs = report.inserted;
    }
    if keys == 0 {
        let plans = store.readers.read_blocking(key_rows::plans)?;
        for plan in plans {
            let changes = KeyChanges {
                name: Some(format!("demo-{}", plan.name)),
                plan: Some(plan.name.clone()),
                ..KeyChanges::default()
            };
            let (row, key) = new_key_row(changes, now.timestamp())?;
            let timestamp = now.timestamp();
            store.writer.call_blocking(move |writer| key_rows::insert_key(&writer.conn, &row, timestamp))?;
            startup.demo_keys.push((plan.name, key));
        }
    }
    Ok(())
}
