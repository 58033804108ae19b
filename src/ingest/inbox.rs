//! The inbox folder: `serve --inbox DIR` ingests job files dropped into DIR.
//!
//! # Dropping a file
//!
//! Write the file under a name the inbox ignores, then rename it to its
//! final name. A rename within one file system is atomic, so the inbox sees
//! either no file or the whole file, never half of one:
//!
//! ```sh
//! cp export.ndjson /var/lib/upjobs/inbox/.export.ndjson.tmp
//! mv /var/lib/upjobs/inbox/.export.ndjson.tmp /var/lib/upjobs/inbox/export.ndjson
//! ```
//!
//! - Read: regular files whose names end in `.ndjson` or `.json` (any case),
//!   in name order, so numbered exports go in in their order.
//! - Ignored: names starting with `.`, names ending in `.tmp` or `.part`
//!   (which is what `curl -o`, `rsync` and most downloaders write first),
//!   every other extension, and folders.
//! - As a safety net for writers that copy in place anyway, a file is only
//!   read once its size and modification time are unchanged over one poll
//!   (500 ms). That catches a `cp` in progress, not a writer that pauses
//!   longer; the rename is the guarantee.
//!
//! The folder is polled every 500 ms (portable, and a file is picked up
//! within about a second), and each file is ingested through the same
//! `prepare` / `store_batch` path as every other source, streamed in batches
//! of 5,000 records, so a file of any size takes little memory.
//!
//! # Where a file goes
//!
//! When it is done, the file moves to `DIR/done/` or `DIR/failed/` (both are
//! created), with `<name>.report.json` beside it: inserted, updated,
//! duplicates, spam, the rejected records (line, id, error), the file's name
//! and size, and when the ingest started and finished.
//!
//! - `failed/`: the file could not be read to its end as JSON (a JSON array
//!   with a syntax error is refused whole and nothing of it is stored), or it
//!   held records and not one of them was accepted (a CSV file named
//!   `.ndjson`, an export of the wrong schema).
//! - `done/`: everything else, including a file with some bad records: the
//!   good records are stored and the bad ones are listed in the report. An
//!   empty file is done, with nothing inserted.
//!
//! A name already taken in `done/` or `failed/` gets a time prefix
//! (`20240927T103000Z-export.ndjson`), so an earlier file and its report are
//! never overwritten. If the server stops in the middle of a file, the file
//! stays in the inbox and is read again at the next start; that is safe,
//! since a known id is updated in place.

use super::sources::{InboxHealth, StreamOutcome, ingest_stream};
use super::{IngestReport, Rejected};
use crate::clock::format_rfc3339;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the folder is listed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The folder a file goes to when it was ingested.
pub const DONE_FOLDER: &str = "done";
/// The folder a file goes to when it could not be ingested.
pub const FAILED_FOLDER: &str = "failed";
/// What is appended to a file's name to name its report.
pub const REPORT_SUFFIX: &str = ".report.json";

/// The report written beside a file in `done/` or `failed/`.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub bytes: u64,
    /// `done` or `failed`: the folder the file went to.
    pub outcome: &'static str,
    /// Why the file failed (absent when it is done).
    pub error: Option<String>,
    pub started_at: String,
    pub finished_at: String,
    pub inserted: u64,
    pub updated: u64,
    pub duplicates: u64,
    pub spam: u64,
    /// Every rejected record; `rejected` lists the first 1,000.
    pub rejected_count: u64,
    pub rejected: Vec<Rejected>,
}

/// Starts the watcher when `--inbox` is set.
pub fn spawn_watcher(state: &AppState, stop: &watch::Sender<bool>) -> Option<JoinHandle<()>> {
    let dir = state.config.inbox.clone()?;
    *state.sources.inbox.lock().expect("inbox health lock") =
        Some(InboxHealth { dir: dir.display().to_string(), ..InboxHealth::default() });
    Some(tokio::spawn(watch_folder(state.clone(), dir, stop.subscribe())))
}

/// Whether the inbox reads a file of this name (see the module doc).
pub fn is_inbox_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let ignored = lower.starts_with('.') || lower.ends_with(".tmp") || lower.ends_with(".part");
    !ignored && (lower.ends_with(".ndjson") || lower.ends_with(".json"))
}

/// A file's size and modification time: when both hold still over one poll,
/// nobody is writing it.
type Signature = (u64, Option<SystemTime>);

struct Watcher {
    state: AppState,
    dir: PathBuf,
    /// Files seen on the last poll, with their signature then.
    seen: HashMap<PathBuf, Signature>,
    /// Files that could not be moved out after their ingest. They are not
    /// read again (that would ingest them every 500 ms) until they change.
    stuck: HashSet<(PathBuf, Signature)>,
    /// The last folder error logged, so a lasting problem is logged once.
    folder_error: Option<String>,
}

async fn watch_folder(state: AppState, dir: PathBuf, mut stop: watch::Receiver<bool>) {
    let mut watcher = Watcher { state, dir, seen: HashMap::new(), stuck: HashSet::new(), folder_error: None };
    loop {
        // A stop in the middle of a file abandons it; it stays in the inbox
        // and is read again at the next start.
        tokio::select! {
            () = watcher.poll_once() => {}
            _ = stop.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = stop.changed() => return,
        }
    }
}

impl Watcher {
    async fn poll_once(&mut self) {
        let dir = self.dir.clone();
        let listed = tokio::task::spawn_blocking(move || prepare_and_list(&dir)).await;
        let files = match listed {
            Ok(Ok(files)) => {
                if self.folder_error.take().is_some()
                    && let Some(health) = self.state.sources.inbox.lock().expect("inbox health lock").as_mut()
                {
                    health.last_error = None;
                }
                files
            }
            Ok(Err(error)) => return self.folder_problem(error),
            Err(error) => return self.folder_problem(format!("listing the inbox failed: {error}")),
        };
        // A file is ready when it was seen with the same signature on the
        // previous poll.
        let previous = std::mem::take(&mut self.seen);
        let mut ready = Vec::new();
        for (path, signature) in files {
            if self.stuck.contains(&(path.clone(), signature)) {
                continue;
            }
            if previous.get(&path) == Some(&signature) {
                ready.push((path, signature));
            } else {
                self.seen.insert(path, signature);
            }
        }
        for (path, signature) in ready {
            self.ingest_file(path, signature).await;
        }
    }

    fn folder_problem(&mut self, error: String) {
        if self.folder_error.as_ref() != Some(&error) {
            tracing::error!(dir = %self.dir.display(), %error, "inbox folder problem");
            self.folder_error = Some(error.clone());
        }
        if let Some(health) = self.state.sources.inbox.lock().expect("inbox health lock").as_mut() {
            health.last_error = Some(error);
        }
    }

    async fn ingest_file(&mut self, path: PathBuf, signature: Signature) {
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let started_at = self.state.clock.now();
        let outcome = match std::fs::File::open(&path) {
            Ok(file) => ingest_stream(&self.state, std::io::BufReader::with_capacity(1 << 20, file)).await,
            // Taken away between the listing and now: nothing to report.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return,
            Err(error) => {
                StreamOutcome { error: Some(format!("could not open the file: {error}")), ..Default::default() }
            }
        };
        let finished_at = self.state.clock.now();
        let report = file_report(&name, signature.0, &outcome, started_at, finished_at);
        let folder = if outcome.failed() { FAILED_FOLDER } else { DONE_FOLDER };
        tracing::info!(
            file = %name,
            outcome = folder,
            inserted = report.inserted,
            updated = report.updated,
            rejected = report.rejected_count,
            error = report.error.as_deref().unwrap_or(""),
            "inbox file ingested"
        );
        let destination = self.dir.join(folder);
        let moved = tokio::task::spawn_blocking(move || file_away(&path, &destination, &report, finished_at)).await;
        let mut health_guard = self.state.sources.inbox.lock().expect("inbox health lock");
        let Some(health) = health_guard.as_mut() else { return };
        match moved {
            Ok(Ok(())) => {
                if outcome.failed() {
                    health.failed += 1;
                } else {
                    health.done += 1;
                }
                health.last_file = Some(name);
                health.last_file_at = Some(format_rfc3339(finished_at));
                health.last_error = None;
            }
            Ok(Err(error)) => {
                let message = format!("{name}: ingested, but could not be moved out of the inbox: {error}");
                tracing::error!(error = %message, "inbox file stuck");
                health.last_error = Some(message);
                self.stuck.insert((self.dir.join(&name), signature));
            }
            Err(error) => {
                health.last_error = Some(format!("{name}: filing the file failed: {error}"));
                self.stuck.insert((self.dir.join(&name), signature));
            }
        }
    }
}

fn file_report(
    name: &str,
    bytes: u64,
    outcome: &StreamOutcome,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
) -> FileReport {
    let IngestReport { inserted, updated, duplicates, spam, rejected } = outcome.report.clone();
    FileReport {
        file: name.to_string(),
        bytes,
        outcome: if outcome.failed() { FAILED_FOLDER } else { DONE_FOLDER },
        error: outcome.failure_reason(),
        // Milliseconds: a small file is in and out within one second.
        started_at: started_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        finished_at: finished_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        inserted,
        updated,
        duplicates,
        spam,
        rejected_count: outcome.rejected_count,
        rejected,
    }
}

/// Creates `done/` and `failed/` if needed and lists the files the inbox
/// reads, with their signatures, in name order.
fn prepare_and_list(dir: &Path) -> Result<Vec<(PathBuf, Signature)>, String> {
    for folder in [DONE_FOLDER, FAILED_FOLDER] {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path).map_err(|error| format!("cannot create {}: {error}", path.display()))?;
    }
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if !is_inbox_file_name(&name) {
            continue;
        }
        // `metadata` follows symlinks: a link to a file is read like a file.
        let Ok(metadata) = std::fs::metadata(entry.path()) else { continue };
        if metadata.is_file() {
            files.push((entry.path(), (metadata.len(), metadata.modified().ok())));
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the report, then moves the file beside it. In that order, a
/// crash in between leaves the file in the inbox to be read again, never a
/// file in `done/` without its report.
fn file_away(path: &Path, destination: &Path, report: &FileReport, finished_at: DateTime<Utc>) -> std::io::Result<()> {
    let target = free_name(destination, &report.file, finished_at);
    let target_name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let report_path = destination.join(format!("{target_name}{REPORT_SUFFIX}"));
    // The report is itself written under a hidden name and renamed, so a
    // tool watching `done/` never reads half a report.
    let temporary = destination.join(format!(".{target_name}{REPORT_SUFFIX}.tmp"));
    let json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    std::fs::write(&temporary, json)?;
    std::fs::rename(&temporary, &report_path)?;
    std::fs::rename(path, &target)
}

/// `destination/name`, or a time-prefixed name when that is taken by an
/// earlier file or report.
fn free_name(destination: &Path, name: &str, finished_at: DateTime<Utc>) -> PathBuf {
    let taken = |candidate: &str| {
        destination.join(candidate).exists() || destination.join(format!("{candidate}{REPORT_SUFFIX}")).exists()
    };
    if !taken(name) {
        return destination.join(name);
    }
    let stamp = finished_at.format("%Y%m%dT%H%M%SZ");
    let mut candidate = format!("{stamp}-{name}");
    let mut counter = 2;
    while taken(&candidate) {
        candidate = format!("{stamp}-{counter}-{name}");
        counter += 1;
    }
    destination.join(candidate)
}

#[cfg(test)]
mod tests {
    use super::is_inbox_file_name;

    #[test]
    fn only_finished_json_files_are_read() {
        let cases = [
            ("jobs.ndjson", true),
            ("jobs.json", true),
            ("JOBS.NDJSON", true),
            ("2024-09-27.export.json", true),
            ("jobs.ndjson.tmp", false),
            ("jobs.ndjson.part", false),
            (".jobs.ndjson", false),
            ("jobs.csv", false),
            ("jobs.ndjson.gz", false),
            ("jobs", false),
        ];
        for (name, expected) in cases {
            assert_eq!(is_inbox_file_name(name), expected, "{name}");
        }
    }
}
