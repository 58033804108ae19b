//! Health of the background ingest sources, shown in the admin stats.

use serde::Serialize;
use std::sync::Mutex;

#[derive(Debug, Clone, Default, Serialize)]
pub struct FeedHealth {
    pub url: String,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    pub next_poll_at: Option<String>,
    pub consecutive_failures: u32,
    pub last_report: Option<super::IngestReport>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct InboxHealth {
    pub dir: String,
    pub done: u64,
    pub failed: u64,
    pub last_file_at: Option<String>,
}

#[derive(Debug, Default)]
pub struct SourceHealth {
    pub feeds: Mutex<Vec<FeedHealth>>,
    pub inbox: Mutex<Option<InboxHealth>>,
}
