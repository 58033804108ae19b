//! TEMPORARY stand-in until the data-quality module lands.
use serde::Serialize;
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpamVerdict {
    pub score: f64,
    pub reasons: Vec<SpamReason>,
}
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpamReason {
    pub rule: &'static str,
    pub weight: f64,
    pub evidence: String,
}
pub const DEFAULT_SPAM_THRESHOLD: f64 = 1.0;
pub fn score(_job: &crate::model::Job) -> SpamVerdict {
    SpamVerdict { score: 0.0, reasons: Vec::new() }
}
