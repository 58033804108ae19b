//! Runs the spam score and the duplicate index over a labelled corpus of
//! postings and holds them to precision and recall floors.
//!
//! `tests/fixtures/quality_corpus.ndjson` holds one job per line in the seed
//! schema plus `_label` ("legit", "spam" or "duplicate") and, for duplicates,
//! `_duplicate_of` (the id of the original earlier in the file). Legitimate
//! jobs include many that talk about e-mail marketing, payment gateways,
//! messenger bots, VoIP and crypto exchanges as the work itself, so the spam
//! rules are tested against their likeliest false positives. Duplicates are
//! exact reposts, whitespace, punctuation and budget variants, and reposts
//! with one to three words changed; two exact reposts 40+ days later are
//! labelled legit, as they fall outside the 30-day window.

use std::collections::HashMap;

use upjobs::ingest::dedup::{self, DedupIndex};
use upjobs::ingest::spam::{self, DEFAULT_SPAM_THRESHOLD};
use upjobs::model::Job;
use upjobs::store::jobs::seq_floor;

const CORPUS: &str = include_str!("fixtures/quality_corpus.ndjson");
const WINDOW_SECONDS: i64 = 30 * 24 * 3600;
const MIN_PRECISION: f64 = 0.98;
const MIN_RECALL: f64 = 0.90;

struct Labelled {
    job: Job,
    label: String,
    duplicate_of: Option<String>,
}

fn load_corpus() -> Vec<Labelled> {
    CORPUS
        .lines()
        .enumerate()
        .map(|(line, text)| {
            let mut value: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|error| panic!("line {}: {error}", line + 1));
            let object = value.as_object_mut().expect("each line is an object");
            let label = object.remove("_label").and_then(|label| label.as_str().map(str::to_string));
            let duplicate_of = object.remove("_duplicate_of").and_then(|id| id.as_str().map(str::to_string));
            let job: Job = serde_json::from_value(value).unwrap_or_else(|error| panic!("line {}: {error}", line + 1));
            Labelled { job, label: label.unwrap_or_else(|| panic!("line {} has no _label", line + 1)), duplicate_of }
        })
        .collect()
}

fn unix_seconds(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap_or_else(|error| panic!("{rfc3339:?}: {error}")).timestamp()
}

#[derive(Default)]
struct Confusion {
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
    true_negative: usize,
}

impl Confusion {
    fn record(&mut self, actual: bool, predicted: bool) {
        match (actual, predicted) {
            (true, true) => self.true_positive += 1,
            (false, true) => self.false_positive += 1,
            (true, false) => self.false_negative += 1,
            (false, false) => self.true_negative += 1,
        }
    }

    fn precision(&self) -> f64 {
        let predicted = self.true_positive + self.false_positive;
        if predicted == 0 { 1.0 } else { self.true_positive as f64 / predicted as f64 }
    }

    fn recall(&self) -> f64 {
        let actual = self.true_positive + self.false_negative;
        if actual == 0 { 1.0 } else { self.true_positive as f64 / actual as f64 }
    }

    fn print(&self, name: &str) {
        println!("{name}:");
        println!("                 predicted yes  predicted no");
        println!("  actual yes     {:>13}  {:>12}", self.true_positive, self.false_negative);
        println!("  actual no      {:>13}  {:>12}", self.false_positive, self.true_negative);
        println!("  precision {:.3}  recall {:.3}", self.precision(), self.recall());
    }
}

#[test]
fn corpus_is_well_formed() {
    let corpus = load_corpus();
    assert!(corpus.len() >= 220, "corpus has {} postings", corpus.len());
    let mut seen = HashMap::new();
    for (position, entry) in corpus.iter().enumerate() {
        assert!(seen.insert(entry.job.id.clone(), position).is_none(), "duplicate id {}", entry.job.id);
        assert!(matches!(entry.label.as_str(), "legit" | "spam" | "duplicate"), "label {:?}", entry.label);
        unix_seconds(&entry.job.posted_on);
        if entry.label == "duplicate" {
            let original = entry.duplicate_of.as_ref().expect("duplicates name their original");
            let original_position = seen[original];
            let gap = unix_seconds(&entry.job.posted_on) - unix_seconds(&corpus[original_position].job.posted_on);
            assert!((0..=WINDOW_SECONDS).contains(&gap), "{} is {gap} s after its original", entry.job.id);
        }
    }
}

#[test]
fn spam_and_duplicates_meet_precision_and_recall_floors() {
    let corpus = load_corpus();
    let mut spam_confusion = Confusion::default();
    let mut duplicate_confusion = Confusion::default();
    let mut index = DedupIndex::new();
    // The index's keys are seqs, as the store gives them: the posting time
    // times SEQS_PER_SECOND, plus the corpus position to keep them apart.
    let seq_of = |position: usize| seq_floor(unix_seconds(&corpus[position].job.posted_on)) + position as i64;
    let key_of_id: HashMap<&str, i64> =
        corpus.iter().enumerate().map(|(position, entry)| (entry.job.id.as_str(), seq_of(position))).collect();
    let position_of_key: HashMap<i64, usize> = (0..corpus.len()).map(|position| (seq_of(position), position)).collect();
    let mut mistakes = Vec::new();

    for (position, entry) in corpus.iter().enumerate() {
        let job = &entry.job;
        let verdict = spam::score(job);
        let predicted_spam = verdict.is_spam(DEFAULT_SPAM_THRESHOLD);
        spam_confusion.record(entry.label == "spam", predicted_spam);
        if predicted_spam != (entry.label == "spam") {
            mistakes.push(format!("spam {predicted_spam} for {:?} ({}): {:?}", job.title, entry.label, verdict));
        }

        let fingerprint = dedup::fingerprint(&job.title, &job.description);
        let posted_on = unix_seconds(&job.posted_on);
        let key = seq_of(position);
        let found = index.find(fingerprint, posted_on, WINDOW_SECONDS, Some(key));
        let expected = entry.duplicate_of.as_deref().map(|original| key_of_id[original]);
        // A duplicate counts as caught only when it points at its own original.
        let caught = found.is_some() && found == expected;
        duplicate_confusion
            .record(entry.label == "duplicate", if expected.is_some() { caught } else { found.is_some() });
        if found != expected {
            let original_title = found.map(|original| corpus[position_of_key[&original]].job.title.clone());
            mistakes.push(format!(
                "duplicate {found:?} (expected {expected:?}) for {:?}: matched {original_title:?}",
                job.title
            ));
        }
        index.insert(key, fingerprint);
    }

    for mistake in &mistakes {
        println!("{mistake}");
    }
    spam_confusion.print("spam");
    duplicate_confusion.print("duplicates");
    assert!(spam_confusion.precision() >= MIN_PRECISION, "spam precision {:.3}", spam_confusion.precision());
    assert!(spam_confusion.recall() >= MIN_RECALL, "spam recall {:.3}", spam_confusion.recall());
    assert!(
        duplicate_confusion.precision() >= MIN_PRECISION,
        "duplicate precision {:.3}",
        duplicate_confusion.precision()
    );
    assert!(duplicate_confusion.recall() >= MIN_RECALL, "duplicate recall {:.3}", duplicate_confusion.recall());
}
