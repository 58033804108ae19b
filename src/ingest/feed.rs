//! Feeds: `serve --feed URL` (repeatable) polls each URL every
//! `--feed-interval` seconds and ingests what it serves.
//!
//! - The body is NDJSON or a JSON array, told apart by its content as for
//!   every other source, and goes through the same `prepare` /
//!   `store_batch` path. At most [`MAX_FEED_BYTES`] are read; the whole poll
//!   (connect, headers, body) must finish within [`POLL_TIMEOUT`].
//! - Polls are conditional: the `ETag` and `Last-Modified` of the last
//!   answer go back as `If-None-Match` and `If-Modified-Since`, so an
//!   unchanged feed costs one `304 Not Modified` and no parsing. A 304 is a
//!   successful poll with nothing to ingest.
//! - A poll fails on a connection error, a timeout, any status other than
//!   2xx or 304 (redirects are not followed: configure the final URL), a
//!   body that is too large or not JSON, or a body whose records were all
//!   rejected (the rule the inbox uses for `failed/`). After `n` failures in
//!   a row the next poll waits `interval × 2^n`, at most [`MAX_BACKOFF`]
//!   (or the interval, when that is longer); one success resets it. The
//!   validators of a failed body are not kept, so it is fetched whole again.
//! - Each feed has a line in `GET /admin/api/stats` under `feeds`
//!   ([`FeedHealth`]): last success, last error, last status, next poll,
//!   failures in a row and the last ingest report.
//!
//! Feeds use the shared client of `crate::outbound`: http and https, with
//! the operating system's certificate store.

use super::sources::{FeedHealth, ingest_stream};
use crate::clock::format_rfc3339;
use crate::outbound::HttpsClient;
use crate::state::AppState;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{ACCEPT, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, USER_AGENT};
use hyper::{HeaderMap, Request, StatusCode, Uri};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The largest feed body read.
pub const MAX_FEED_BYTES: usize = 256 * 1024 * 1024;

/// The longest one poll may take, body included.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest wait between polls after failures (unless the interval
/// itself is longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// Starts one poller per `--feed` URL. A URL that is not http(s) gets its
/// error in the health line and no poller.
pub fn spawn_pollers(state: &AppState, stop: &watch::Sender<bool>) -> Vec<JoinHandle<()>> {
    if state.config.feeds.is_empty() {
        return Vec::new();
    }
    let client = crate::outbound::client();
    let interval = Duration::from_secs(state.config.feed_interval.max(1));
    let mut health: Vec<FeedHealth> =
        state.config.feeds.iter().map(|url| FeedHealth { url: url.clone(), ..FeedHealth::default() }).collect();
    let mut pollers = Vec::new();
    for (index, url) in state.config.feeds.iter().enumerate() {
        match parse_feed_url(url) {
            Ok(uri) => pollers.push(FeedPoller {
                state: state.clone(),
                client: client.clone(),
                index,
                uri,
                interval,
                validators: Validators::default(),
                consecutive_failures: 0,
            }),
            Err(error) => {
                tracing::error!(feed = %url, %error, "feed not polled");
                health[index].last_error = Some(error);
            }
        }
    }
    // The health lines exist before any poller runs and writes to its own.
    *state.sources.feeds.lock().expect("feed health lock") = health;
    pollers.into_iter().map(|poller| tokio::spawn(poller.run(stop.subscribe()))).collect()
}

/// Checks that a feed URL is absolute http or https.
pub fn parse_feed_url(url: &str) -> Result<Uri, String> {
    let uri: Uri = url.parse().map_err(|error| format!("invalid feed URL: {error}"))?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.host().is_some() => Ok(uri),
        _ => Err("invalid feed URL: it must start with http:// or https:// and name a host".to_string()),
    }
}

/// The wait before the next poll after `consecutive_failures` failures:
/// `interval × 2^n`, capped at [`MAX_BACKOFF`] or the interval if longer.
pub fn next_delay(interval: Duration, consecutive_failures: u32) -> Duration {
    let cap = MAX_BACKOFF.max(interval);
    // 2^12 × 1 s already passes one hour; a larger shift only overflows.
    let factor = 1u32 << consecutive_failures.min(12);
    interval.saturating_mul(factor).min(cap)
}

/// The `ETag` and `Last-Modified` of the last body ingested.
#[derive(Debug, Default, Clone)]
struct Validators {
    etag: Option<hyper::header::HeaderValue>,
    last_modified: Option<hyper::header::HeaderValue>,
}

/// A poll that went through.
enum Polled {
    NotModified,
    Ingested(super::IngestReport),
}

/// A poll that did not, with the status if an answer came.
struct PollFailure {
    status: Option<StatusCode>,
    message: String,
}

struct FeedPoller {
    state: AppState,
    client: HttpsClient,
    /// This feed's line in `state.sources.feeds`.
    index: usize,
    uri: Uri,
    interval: Duration,
    validators: Validators,
    consecutive_failures: u32,
}

impl FeedPoller {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        loop {
            let result = tokio::select! {
                result = self.poll_once() => result,
                _ = stop.changed() => return,
            };
            let delay = self.record(result);
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Updates the health line after a poll; returns the wait before the next.
    fn record(&mut self, result: Result<(StatusCode, Polled), PollFailure>) -> Duration {
        let now = self.state.clock.now();
        let mut feeds = self.state.sources.feeds.lock().expect("feed health lock");
        let Some(health) = feeds.get_mut(self.index) else { return self.interval };
        health.last_poll_at = Some(format_rfc3339(now));
        match result {
            Ok((status, polled)) => {
                self.consecutive_failures = 0;
                health.last_status = Some(status.as_u16());
                health.last_success_at = Some(format_rfc3339(now));
                health.last_error = None;
                if let Polled::Ingested(report) = polled {
                    health.last_report = Some(report);
                }
            }
            Err(failure) => {
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                tracing::warn!(
                    feed = %self.uri,
                    error = %failure.message,
                    failures = self.consecutive_failures,
                    "feed poll failed"
                );
                health.last_status = failure.status.map(|status| status.as_u16());
                health.last_error = Some(failure.message);
            }
        }
        health.consecutive_failures = self.consecutive_failures;
        let delay = next_delay(self.interval, self.consecutive_failures);
        let next = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
        health.next_poll_at = Some(format_rfc3339(next));
        delay
    }

    async fn poll_once(&mut self) -> Result<(StatusCode, Polled), PollFailure> {
        let fetched = tokio::time::timeout(POLL_TIMEOUT, self.fetch()).await.unwrap_or_else(|_| {
            Err(PollFailure {
                status: None,
                message: format!("no complete answer within {} s", POLL_TIMEOUT.as_secs()),
            })
        })?;
        let (status, headers, body) = match fetched {
            Fetched::NotModified => return Ok((StatusCode::NOT_MODIFIED, Polled::NotModified)),
            Fetched::Body { status, headers, body } => (status, headers, body),
        };
        let outcome = ingest_stream(&self.state, std::io::Cursor::new(body)).await;
        if let Some(message) = outcome.failure_reason() {
            return Err(PollFailure { status: Some(status), message });
        }
        // Only a body that went in is a version worth asking "changed since?".
        self.validators =
            Validators { etag: headers.get(ETAG).cloned(), last_modified: headers.get(LAST_MODIFIED).cloned() };
        Ok((status, Polled::Ingested(outcome.report)))
    }

    async fn fetch(&self) -> Result<Fetched, PollFailure> {
        let failure = |status: Option<StatusCode>, message: String| PollFailure { status, message };
        let mut request = Request::get(self.uri.clone())
            .header(USER_AGENT, concat!("upjobs/", env!("CARGO_PKG_VERSION")))
            .header(ACCEPT, "application/x-ndjson, application/json;q=0.9, */*;q=0.1");
        if let Some(etag) = &self.validators.etag {
            request = request.header(IF_NONE_MATCH, etag.clone());
        }
        if let Some(last_modified) = &self.validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified.clone());
        }
        let request =
            request.body(Full::new(Bytes::new())).map_err(|error| failure(None, format!("bad request: {error}")))?;
        let response = self.client.request(request).await.map_err(|error| failure(None, describe(&error)))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(failure(Some(status), format!("HTTP {status}")));
        }
        let headers = response.headers().clone();
        let body = match Limited::new(response.into_body(), MAX_FEED_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Err(failure(Some(status), format!("body larger than {MAX_FEED_BYTES} bytes")));
            }
            Err(error) => return Err(failure(Some(status), format!("could not read the body: {error}"))),
        };
        Ok(Fetched::Body { status, headers, body })
    }
}

enum Fetched {
    NotModified,
    Body { status: StatusCode, headers: HeaderMap, body: Bytes },
}

/// The client's error with its causes: hyper-util's own message is only
/// "client error (Connect)", the useful part is in the source chain.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let minute = Duration::from_secs(60);
        let cases = [(0, 60), (1, 120), (2, 240), (5, 1920), (6, 3600), (40, 3600)];
        for (failures, seconds) in cases {
            assert_eq!(next_delay(minute, failures), Duration::from_secs(seconds), "{failures} failures");
        }
        // An interval longer than the cap is never shortened by a failure.
        let day = Duration::from_secs(86_400);
        assert_eq!(next_delay(day, 3), day);
    }

    #[test]
    fn only_http_and_https_urls_are_polled() {
        assert!(parse_feed_url("http://127.0.0.1:8000/jobs.ndjson").is_ok());
        assert!(parse_feed_url("https://feeds.example.com/jobs").is_ok());
        for bad in ["ftp://example.com/jobs", "/jobs.ndjson", "example.com/jobs", "http://"] {
            assert!(parse_feed_url(bad).is_err(), "{bad}");
        }
    }
}
