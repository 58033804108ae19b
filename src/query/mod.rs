//! `/jobs` query parameters: parsing and validation, no SQL.
//!
//! `params::parse_job_list` turns a query string into a typed `JobListRequest`
//! (or the 400 message the spec prescribes); `fts::parse_q` turns the `q`
//! parameter into a safe FTS5 expression. Webhook filters go through the same
//! code, so a subscription accepts exactly what `/jobs` accepts.

pub mod fts;
pub mod params;

pub use params::{Cursor, JobFilter, JobListRequest, Sort};
