//! The floor under `upjobs import`: how fast this machine's SQLite (the
//! bundled one the product links) can store the same jobs when nothing but
//! the storage itself runs. Each stage writes a fresh database file with
//! the import's settings (the product's writer pragmas, a 256 MiB cache,
//! 5,000-job transactions, FTS5 without incremental merging and one merge
//! at the end), on one thread, from documents parsed before the clock
//! starts:
//!
//! - `parse`: serde_json parsing the lines into values (one core), no SQL;
//! - `fts`: a contentless FTS5 table with the product's tokenizer, fed the
//!   four indexed texts (title, description, skills, tags);
//! - `table`: a table of (seq, id, doc) with the unique id index;
//! - `table+fts`: both in the same transactions.
//!
//! `cargo run --release --example import_floor -- FILE [COUNT]` (FILE: NDJSON
//! from `upjobs gen`; COUNT: lines to use, default 200,000).

use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

const TRANSACTION_JOBS: usize = 5_000;

struct Texts {
    id: String,
    doc: String,
    title: String,
    description: String,
    skills: String,
    tags: String,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: import_floor FILE [COUNT]");
    let count: usize = args.next().map(|count| count.parse().expect("COUNT is a number")).unwrap_or(200_000);

    let lines: Vec<String> = std::io::BufReader::new(std::fs::File::open(&file).expect("open FILE"))
        .lines()
        .take(count)
        .map(|line| line.expect("read FILE"))
        .collect();

    // Each value is dropped as soon as it is parsed, as a streaming import
    // does: holding a million parsed documents would measure the allocator.
    let started = Instant::now();
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
        std::hint::black_box(value);
    }
    report("parse", lines.len(), started.elapsed().as_secs_f64(), None);

    let jobs: Vec<Texts> = lines.into_iter().map(texts).collect();

    let directory = tempfile::tempdir().expect("a temporary directory");
    for stage in ["fts", "table", "table+fts"] {
        let path = directory.path().join(format!("{}.db", stage.replace('+', "-")));
        let (store_seconds, merge_seconds) = run_stage(&path, stage, &jobs);
        report(stage, jobs.len(), store_seconds + merge_seconds, Some(merge_seconds));
    }
}

fn texts(line: String) -> Texts {
    let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON object per line");
    Texts {
        id: value["id"].as_str().unwrap_or_default().to_owned(),
        title: value["title"].as_str().unwrap_or_default().to_owned(),
        description: value["description"].as_str().unwrap_or_default().to_owned(),
        skills: value["skills"].to_string(),
        tags: value["tags"].to_string(),
        doc: line,
    }
}

fn report(stage: &str, jobs: usize, seconds: f64, merge_seconds: Option<f64>) {
    let merge = merge_seconds.map(|merge| format!(" (final merge {merge:.1} s)")).unwrap_or_default();
    println!("{stage:<10} {jobs} jobs in {seconds:.1} s: {:.0} jobs/s{merge}", jobs as f64 / seconds);
}

/// Stores every job as `stage` says; answers (seconds storing, seconds in
/// the final FTS5 merge).
fn run_stage(path: &Path, stage: &str, jobs: &[Texts]) -> (f64, f64) {
    let conn = upjobs::store::open_read_write(path).expect("open the stage's database");
    conn.execute_batch("PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384;").expect("import pragmas");
    let with_table = stage.starts_with("table");
    let with_fts = stage.ends_with("fts");
    if with_table {
        conn.execute_batch("CREATE TABLE jobs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)")
            .expect("create the table");
    }
    if with_fts {
        conn.execute_batch(
            "CREATE VIRTUAL TABLE jobs_fts USING fts5(title, description, skills, tags, content = '', \
                 tokenize = 'porter unicode61 remove_diacritics 2');
             INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('hashsize', 8388608);
             INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('automerge', 0);
             INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('crisismerge', 64);",
        )
        .expect("create the search index");
    }

    let started = Instant::now();
    for (batch_number, batch) in jobs.chunks(TRANSACTION_JOBS).enumerate() {
        conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
        for (offset, job) in batch.iter().enumerate() {
            let seq = (batch_number * TRANSACTION_JOBS + offset + 1) as i64;
            if with_table {
                conn.prepare_cached("INSERT INTO jobs (seq, id, doc) VALUES (?1, ?2, ?3)")
                    .and_then(|mut statement| statement.execute(rusqlite::params![seq, job.id, job.doc]))
                    .expect("insert a row");
            }
            if with_fts {
                conn.prepare_cached(
                    "INSERT INTO jobs_fts (rowid, title, description, skills, tags) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut statement| {
                    statement.execute(rusqlite::params![seq, job.title, job.description, job.skills, job.tags])
                })
                .expect("index a row");
            }
        }
        conn.execute_batch("COMMIT").expect("commit");
    }
    let stored = started.elapsed().as_secs_f64();

    let merge_started = Instant::now();
    if with_fts {
        conn.execute_batch("INSERT INTO jobs_fts(jobs_fts) VALUES ('optimize')").expect("merge the search index");
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
    (stored, merge_started.elapsed().as_secs_f64())
}
