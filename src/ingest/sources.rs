//! The streaming reader every ingest source shares (`upjobs import`,
//! `POST /admin/api/jobs`, the inbox folder, feeds), and the background
//! sources' health as `GET /admin/api/stats` shows it.
//!
//! # Streaming
//!
//! [`ingest_stream`] and [`import_blocking`] read a JSON array when the first
//! non-blank byte is `[`, NDJSON otherwise, and never hold more than two
//! batches of records in memory, so a 1 GB export costs the same memory as
//! a 10 MB one:
//!
//! - NDJSON is read line by line; a line that is not JSON, or longer than
//!   [`MAX_RECORD_BYTES`], is one rejected record, like any invalid record.
//! - A JSON array is read twice: once to check its syntax, which takes no
//!   memory, then element by element. An array that is not valid JSON is
//!   refused whole and nothing of it is stored, the same as
//!   `POST /admin/api/jobs` answers 400 to it; checking first is what lets
//!   that promise hold without reading the array into memory.
//!
//! A blocking thread parses and prepares (validation, spam scoring,
//! fingerprints: the CPU work) while the writer stores the previous batch,
//! so the two overlap. `upjobs import` reads its files the same way
//! ([`import_blocking`]).

use super::{IngestOptions, IngestReport, Prepared, Rejected};
use crate::state::AppState;
use crate::store::Store;
use serde::de::{Deserializer as _, Error as _, SeqAccess, Visitor};
use serde::{Deserialize as _, Serialize};
use serde_json::Value;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Records per writer transaction when a source streams a file or a body:
/// large enough that the commit cost is spread thin, small enough that API
/// writes (keys, verdicts) queued behind a batch wait well under a second.
pub const STREAM_BATCH_RECORDS: usize = 5_000;

/// The longest NDJSON line read as a record. A job is a few kilobytes; a
/// longer line is a broken export, and it is skipped rather than buffered.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// The most rejections listed one by one in a report. A file of a million
/// bad lines still reports how many there were (`rejected_count`) without
/// a report as large as the file.
pub const MAX_LISTED_REJECTIONS: usize = 1_000;

/// How the error of a body that starts like a JSON array but is not valid
/// JSON begins (nothing of such a body is stored).
pub const INVALID_ARRAY: &str = "Invalid JSON array";

/// The health of one `--feed URL`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeedHealth {
    pub url: String,
    /// When a poll last succeeded (a 304 counts: the feed answered).
    pub last_success_at: Option<String>,
    /// Why the current run of failures started; cleared by a success.
    pub last_error: Option<String>,
    /// When the last poll finished, successful or not.
    pub last_poll_at: Option<String>,
    /// The HTTP status of the last poll (absent when no answer came).
    pub last_status: Option<u16>,
    pub next_poll_at: Option<String>,
    /// Failed polls in a row; each doubles the wait before the next poll.
    pub consecutive_failures: u32,
    /// What the last poll that fetched a body ingested.
    pub last_report: Option<super::IngestReport>,
}

/// The health of the `--inbox DIR` folder.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InboxHealth {
    pub dir: String,
    /// Files moved to `done/` since the server started.
    pub done: u64,
    /// Files moved to `failed/` since the server started.
    pub failed: u64,
    /// When the last file was finished with.
    pub last_file_at: Option<String>,
    /// The name of the last file finished with.
    pub last_file: Option<String>,
    /// The last problem with the folder itself or a file's report (cannot
    /// create `done/`, cannot move a file); cleared when a file goes through.
    pub last_error: Option<String>,
}

#[derive(Debug, Default)]
pub struct SourceHealth {
    pub feeds: Mutex<Vec<FeedHealth>>,
    pub inbox: Mutex<Option<InboxHealth>>,
}

/// What a streamed ingest did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamOutcome {
    /// The merged report; `rejected` lists at most [`MAX_LISTED_REJECTIONS`].
    pub report: IngestReport,
    /// Every rejected record, listed or not.
    pub rejected_count: u64,
    /// Why the body could not be read to its end: not a JSON array, a read
    /// error, the store refused a batch. Batches stored before it are kept.
    pub error: Option<String>,
}

impl StreamOutcome {
    fn add(&mut self, mut report: IngestReport) {
        self.rejected_count += report.rejected.len() as u64;
        let room = MAX_LISTED_REJECTIONS.saturating_sub(self.report.rejected.len());
        report.rejected.truncate(room);
        self.report.merge(report);
    }

    /// Whether the body counts as failed: it could not be read to its end,
    /// or it held records and not one of them was accepted.
    pub fn failed(&self) -> bool {
        self.error.is_some() || (self.report.accepted() == 0 && self.rejected_count > 0)
    }

    /// Why the body failed, in one line, if it did.
    pub fn failure_reason(&self) -> Option<String> {
        if let Some(error) = &self.error {
            return Some(error.clone());
        }
        if !self.failed() {
            return None;
        }
        let first = match self.report.rejected.first() {
            Some(rejected) => format!("; first: line {}: {}", rejected.line, rejected.error),
            None => String::new(),
        };
        Some(format!("no record was accepted ({} rejected{first})", self.rejected_count))
    }
}

/// Reads NDJSON or a JSON array from `reader`, prepares the records on a
/// blocking thread and stores them in batches of [`STREAM_BATCH_RECORDS`],
/// counting each batch in the ingest metrics as it commits.
///
/// Dropping the returned future stops the reading thread at its next batch;
/// batches already committed stay stored.
pub async fn ingest_stream<R>(state: &AppState, reader: R) -> StreamOutcome
where
    R: BufRead + Seek + Send + 'static,
{
    // Two batches in flight: one being stored, one ready behind it.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Prepared>>(2);
    let reading = tokio::task::spawn_blocking(move || read_records(reader, &sender, PRODUCTION_LIMITS));
    let options = IngestOptions { spam_threshold: state.config.spam_threshold };
    let mut outcome = StreamOutcome::default();
    while let Some(batch) = receiver.recv().await {
        match super::store_batch(&state.store, batch, options, state.clock.now_unix()).await {
            Ok(report) => {
                crate::api::admin::record_ingest_metrics(state, &report);
                outcome.add(report);
            }
            Err(error) => {
                outcome.error = Some(format!("could not store the records: {error}"));
                break;
            }
        }
    }
    // Closing the channel is what tells the reading thread to stop when a
    // batch could not be stored.
    drop(receiver);
    let read_error = match reading.await {
        Ok(result) => result.err(),
        Err(error) => Some(format!("the reading thread failed: {error}")),
    };
    if outcome.error.is_none() {
        outcome.error = read_error;
    }
    outcome
}

/// Why [`import_blocking`] ended early when it was asked to stop.
pub const STOPPED: &str = "stopped by a signal (Ctrl-C)";

/// [`ingest_stream`] without a runtime, for `upjobs import`: the records are
/// read and prepared on a thread of their own while this one stores the
/// batches. Ingest metrics are not counted (there is no server). Once
/// `stop` is set (Ctrl-C), it stops after the batch it is storing.
pub fn import_blocking<R>(
    store: &Store,
    reader: R,
    options: IngestOptions,
    now: i64,
    stop: &AtomicBool,
) -> StreamOutcome
where
    R: BufRead + Seek + Send + 'static,
{
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Prepared>>(2);
    let reading = std::thread::Builder::new()
        .name("upjobs-import-read".into())
        .spawn(move || read_records(reader, &sender, PRODUCTION_LIMITS));
    let reading = match reading {
        Ok(reading) => reading,
        Err(error) => {
            return StreamOutcome { error: Some(format!("could not start reading: {error}")), ..Default::default() };
        }
    };
    let mut outcome = StreamOutcome::default();
    while let Some(batch) = receiver.blocking_recv() {
        match super::store_batch_blocking(store, batch, options, now) {
            Ok(report) => outcome.add(report),
            Err(error) => {
                outcome.error = Some(format!("could not store the records: {error}"));
                break;
            }
        }
        if stop.load(Ordering::Relaxed) {
            outcome.error = Some(STOPPED.into());
            break;
        }
    }
    drop(receiver);
    let read_error = match reading.join() {
        Ok(result) => result.err(),
        Err(_) => Some("the reading thread panicked".to_string()),
    };
    if outcome.error.is_none() {
        outcome.error = read_error;
    }
    outcome
}

/// A reader that cannot seek (standard input, a pipe), for
/// [`import_blocking`]: NDJSON is read front to back and never seeks; a
/// JSON array is read twice and needs a reader that can (a file, or the
/// input read into memory first).
pub struct ForwardOnly<R>(pub R);

impl<R: Read> Read for ForwardOnly<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buffer)
    }
}

impl<R: BufRead> BufRead for ForwardOnly<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.0.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.0.consume(amount)
    }
}

impl<R> Seek for ForwardOnly<R> {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "this input cannot be read twice"))
    }
}

/// The message of a read that stopped because nobody stores its batches
/// any more; the storing side has already recorded the reason.
const RECEIVER_GONE: &str = "stopped: the records could not be stored";

type BatchSender = tokio::sync::mpsc::Sender<Vec<Prepared>>;

/// How records are cut up on the way to the writer (constants in
/// production, small numbers in tests).
#[derive(Debug, Clone, Copy)]
struct ReadLimits {
    batch_records: usize,
    max_record_bytes: usize,
}

const PRODUCTION_LIMITS: ReadLimits =
    ReadLimits { batch_records: STREAM_BATCH_RECORDS, max_record_bytes: MAX_RECORD_BYTES };

/// Collects prepared records and sends them on each time a batch is full.
struct Batcher<'a> {
    sender: &'a BatchSender,
    batch: Vec<Prepared>,
    batch_records: usize,
}

impl Batcher<'_> {
    fn push(&mut self, record: Prepared) -> Result<(), String> {
        self.batch.push(record);
        if self.batch.len() < self.batch_records {
            return Ok(());
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), String> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_records));
        self.sender.blocking_send(full).map_err(|_| RECEIVER_GONE.to_string())
    }
}

fn read_records<R: BufRead + Seek>(mut reader: R, sender: &BatchSender, limits: ReadLimits) -> Result<(), String> {
    let (first, blank_lines) = skip_blanks(&mut reader).map_err(|error| format!("could not read: {error}"))?;
    let mut batcher =
        Batcher { sender, batch: Vec::with_capacity(limits.batch_records), batch_records: limits.batch_records };
    match first {
        None => Ok(()),
        Some(b'[') => read_array(reader, &mut batcher),
        Some(_) => read_ndjson(reader, &mut batcher, limits.max_record_bytes, blank_lines),
    }
}

/// Consumes the blanks at the start of `reader`, and a UTF-8 byte-order
/// mark before them (files saved by Windows tools start with one); returns
/// the first other byte (not consumed) and how many lines the blanks ended,
/// so that NDJSON line numbers still count from the top of the input.
fn skip_blanks(reader: &mut impl BufRead) -> std::io::Result<(Option<u8>, usize)> {
    const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";
    if reader.fill_buf()?.starts_with(BYTE_ORDER_MARK) {
        reader.consume(BYTE_ORDER_MARK.len());
    }
    let mut lines = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok((None, lines));
        }
        let blanks = available.iter().take_while(|byte| byte.is_ascii_whitespace()).count();
        lines += available[..blanks].iter().filter(|byte| **byte == b'\n').count();
        let first = available.get(blanks).copied();
        reader.consume(blanks);
        if first.is_some() {
            return Ok((first, lines));
        }
    }
}

fn read_ndjson(
    mut reader: impl BufRead,
    batcher: &mut Batcher,
    max_record_bytes: usize,
    lines_before: usize,
) -> Result<(), String> {
    let mut line = Vec::new();
    let mut line_number = lines_before;
    loop {
        let too_long = match read_line_bounded(&mut reader, &mut line, max_record_bytes) {
            Ok(Some(too_long)) => too_long,
            Ok(None) => break,
            Err(error) => {
                // Keep what was read: those records are complete lines.
                batcher.flush()?;
                return Err(format!("could not read after line {line_number}: {error}"));
            }
        };
        line_number += 1;
        if too_long {
            let error = format!("line longer than {max_record_bytes} bytes");
            batcher.push(Prepared::Rejected(Rejected { line: line_number, id: None, error }))?;
        } else if !line.iter().all(u8::is_ascii_whitespace) {
            let record = serde_json::from_slice::<Value>(&line).map_err(|error| format!("invalid JSON: {error}"));
            batcher.push(super::prepare(line_number, record))?;
        }
    }
    batcher.flush()
}

/// Reads one line (without its `\n`) into `line`. Returns `None` at the end
/// of input, otherwise whether the line was longer than `limit`, in which
/// case its bytes were skipped, not kept.
fn read_line_bounded(reader: &mut impl BufRead, line: &mut Vec<u8>, limit: usize) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut too_long = false;
    let mut read_anything = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(read_anything.then_some(too_long));
        }
        read_anything = true;
        let newline = available.iter().position(|byte| *byte == b'\n');
        let content = &available[..newline.unwrap_or(available.len())];
        if !too_long {
            if line.len() + content.len() > limit {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(content);
            }
        }
        let used = content.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            return Ok(Some(too_long));
        }
    }
}

fn read_array<R: BufRead + Seek>(mut reader: R, batcher: &mut Batcher) -> Result<(), String> {
    // First pass: syntax only (`IgnoredAny` keeps nothing), so a broken
    // array is refused before any of it is stored.
    let start = reader.stream_position().map_err(|error| format!("could not read: {error}"))?;
    check_json_syntax(&mut reader).map_err(|error| format!("{INVALID_ARRAY}: {error}"))?;
    reader.seek(SeekFrom::Start(start)).map_err(|error| format!("could not read: {error}"))?;
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    match (&mut deserializer).deserialize_seq(BatchingVisitor { batcher: &mut *batcher }) {
        Ok(()) => batcher.flush(),
        Err(_) if batcher.sender.is_closed() => Err(RECEIVER_GONE.to_string()),
        // The syntax was checked, so this is a read error.
        Err(error) => Err(format!("could not read the JSON array: {error}")),
    }
}

/// Checks that `reader` holds one JSON value and nothing after it but
/// blanks, keeping none of it in memory.
fn check_json_syntax(reader: impl std::io::Read) -> serde_json::Result<()> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    serde::de::IgnoredAny::deserialize(&mut deserializer)?;
    deserializer.end()
}

/// Prepares the elements of a JSON array as they are parsed and hands them
/// to the batcher, so the array is never in memory as a whole.
struct BatchingVisitor<'a, 'b> {
    batcher: &'a mut Batcher<'b>,
}

impl<'de> Visitor<'de> for BatchingVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON array of jobs")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut elements: A) -> Result<(), A::Error> {
        let mut position = 0;
        while let Some(value) = elements.next_element::<Value>()? {
            position += 1;
            self.batcher.push(super::prepare(position, Ok(value))).map_err(A::Error::custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per batch, each record's line: `Ok` for a row, `Err` for a rejection.
    type BatchLines = Vec<Vec<Result<usize, usize>>>;

    /// Reads `body` with batches of `batch_records` and records of at most
    /// `max_record_bytes`; returns the lines of each batch and the read's
    /// result.
    fn batches_of(body: &str, batch_records: usize, max_record_bytes: usize) -> (BatchLines, Result<(), String>) {
        let (sender, mut receiver) = tokio::sync::mpsc::channel(1_000);
        let limits = ReadLimits { batch_records, max_record_bytes };
        let result = read_records(std::io::Cursor::new(body.as_bytes().to_vec()), &sender, limits);
        drop(sender);
        let mut batches = Vec::new();
        while let Ok(batch) = receiver.try_recv() {
            let lines = batch
                .into_iter()
                .map(|prepared| match prepared {
                    Prepared::Row { line, .. } => Ok(line),
                    Prepared::Rejected(rejected) => Err(rejected.line),
                })
                .collect();
            batches.push(lines);
        }
        (batches, result)
    }

    fn job(id: &str) -> String {
        format!(r#"{{"id":"{id}","title":"Logo for a bakery","posted_on":"2024-09-27T10:00:00Z"}}"#)
    }

    #[test]
    fn ndjson_is_cut_into_batches_that_keep_line_numbers() {
        let body = format!("\n{}\n\n{}\nnot json\n{}\n{}", job("a"), job("b"), job("c"), job("d"));
        let (batches, result) = batches_of(&body, 2, 1_000);
        assert_eq!(result, Ok(()));
        assert_eq!(batches, vec![vec![Ok(2), Ok(4)], vec![Err(5), Ok(6)], vec![Ok(7)]]);
    }

    #[test]
    fn an_overlong_ndjson_line_is_one_rejection_and_reading_goes_on() {
        let long = format!(r#"{{"id":"long","title":"{}","posted_on":"2024-09-27T10:00:00Z"}}"#, "x".repeat(200));
        let body = format!("{}\n{long}\n{}\n", job("a"), job("b"));
        let (batches, result) = batches_of(&body, 10, 150);
        assert_eq!(result, Ok(()));
        assert_eq!(batches, vec![vec![Ok(1), Err(2), Ok(3)]]);
    }

    #[test]
    fn a_json_array_is_read_element_by_element_in_batches() {
        let body = format!("  [{}, {}, 7, {}]\n", job("a"), job("b"), job("c"));
        let (batches, result) = batches_of(&body, 2, 1_000);
        assert_eq!(result, Ok(()));
        assert_eq!(batches, vec![vec![Ok(1), Ok(2)], vec![Err(3), Ok(4)]]);
    }

    #[test]
    fn a_broken_json_array_is_refused_before_anything_is_sent() {
        for body in [format!("[{}, {}", job("a"), job("b")), format!("[{}] trailing", job("a"))] {
            let (batches, result) = batches_of(&body, 1, 1_000);
            assert!(result.as_ref().is_err_and(|error| error.starts_with("Invalid JSON array")), "{result:?}");
            assert!(batches.is_empty(), "{body}");
        }
    }

    #[test]
    fn a_reader_that_cannot_seek_streams_ndjson_but_not_an_array() {
        let (sender, mut receiver) = tokio::sync::mpsc::channel(1_000);
        let ndjson = format!("\n\n{}\n{}\n", job("a"), job("b"));
        let reader = ForwardOnly(std::io::Cursor::new(ndjson.into_bytes()));
        assert_eq!(read_records(reader, &sender, PRODUCTION_LIMITS), Ok(()));
        let lines: Vec<usize> = receiver
            .try_recv()
            .unwrap()
            .into_iter()
            .map(|prepared| match prepared {
                Prepared::Row { line, .. } => line,
                Prepared::Rejected(rejected) => panic!("rejected: {}", rejected.error),
            })
            .collect();
        assert_eq!(lines, vec![3, 4]);

        let array = format!("[{}]", job("a"));
        let result = read_records(ForwardOnly(std::io::Cursor::new(array.into_bytes())), &sender, PRODUCTION_LIMITS);
        assert!(result.as_ref().is_err_and(|error| error.contains("cannot be read twice")), "{result:?}");
        assert!(receiver.try_recv().is_err(), "nothing of the array was sent");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_before_ndjson_and_arrays() {
        let ndjson = format!("\u{feff}{}\n{}\n", job("a"), job("b"));
        assert_eq!(batches_of(&ndjson, 10, 1_000), (vec![vec![Ok(1), Ok(2)]], Ok(())));
        let array = format!("\u{feff}[{}, {}]", job("a"), job("b"));
        assert_eq!(batches_of(&array, 10, 1_000), (vec![vec![Ok(1), Ok(2)]], Ok(())));
        // Only at the very start: elsewhere it is the record's problem.
        let (batches, _) = batches_of(&format!("{}\n\u{feff}{}\n", job("a"), job("b")), 10, 1_000);
        assert_eq!(batches, vec![vec![Ok(1), Err(2)]]);
    }

    #[test]
    fn an_empty_body_sends_nothing() {
        assert_eq!(batches_of(" \n\n ", 2, 1_000), (Vec::new(), Ok(())));
    }
}
