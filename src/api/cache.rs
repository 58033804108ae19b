//! A one-second cache of rendered read answers (`/jobs`, `/jobs/{id}`,
//! `/categories`).
//!
//! Clients of a jobs feed poll the same few queries ("newest 20", "newest
//! React jobs") many times a second between them. An entry holds an answer
//! without its `last_updated` field (the same bytes the ETag is computed
//! over), stamped with the second it was made in and the writer's commit
//! count read before the query ran. It is served only within that second
//! and while the commit count is unchanged, so:
//!
//! - every write this process acknowledges (ingest, prune, a verdict) is
//!   seen by the next request: the count moves before the writer answers;
//! - a write by another process on the same file (`upjobs import` next to a
//!   running server) shows within a second;
//! - time-dependent answers (plan windows, `posted_within`) are never older
//!   than the second they are stamped with, like `last_updated` itself.
//!
//! The key is the route, the path and query exactly as sent, and the lowest
//! seq the caller's plan window admits, so keys of different plans never
//! share an entry. Requests that miss at the same moment wait for the first
//! one's answer instead of all running the query.
//!
//! Stale while revalidating: when a second turns and no commit has happened
//! since the previous second's answer was made, one request remakes the
//! answer and the others get the previous second's meanwhile. With no
//! commit in between and no time in the query (`since`; plan windows are in
//! the key), both are the same bytes, so nothing a client sees changes,
//! except that a write by another process shows within two seconds instead
//! of one. Without this, every client of a slow query (`sort=relevance`)
//! waited once a second for its remake. Counting, rate limits,
//! quota and the 304 decision happen per request as before: the cache only
//! skips the database read and the rendering. `--response-cache-entries 0`
//! turns it off.

use crate::error::Result;
use crate::http::response::{Body, Envelope, json_answer};
use bytes::Bytes;
use dashmap::DashMap;
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Request, Response, StatusCode};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::OnceCell;

/// Answers larger than this are not kept (a `limit=100` page of long
/// documents); they are rare and would crowd out the common small pages.
const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// An answer ready to send: everything but `last_updated`.
pub struct Rendered {
    pub status: StatusCode,
    /// The envelope up to (not including) `,"last_updated":...}`.
    pub body: Bytes,
    pub etag: String,
}

impl Rendered {
    pub fn new(envelope: &Envelope) -> Rendered {
        let mut body = Vec::with_capacity(4096);
        envelope.write_without_time(&mut body);
        let etag = super::etag_of(&body);
        Rendered { status: envelope.status, body: Bytes::from(body), etag }
    }

    /// The answer for this request: 304 when the client holds the same
    /// ETag, else the body stamped with the request's time.
    pub fn respond(&self, now_text: &str, request: &Request<Incoming>) -> Response<Body> {
        let mut response = if super::not_modified(request, &self.etag) {
            let mut response = Response::new(crate::http::response::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut body = Vec::with_capacity(self.body.len() + 48);
            body.extend_from_slice(&self.body);
            Envelope::finish(&mut body, now_text);
            json_answer(self.status, body)
        };
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&self.etag) {
            headers.insert(hyper::header::ETAG, value);
        }
        headers.insert(hyper::header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
        response
    }
}

/// What an answer depends on besides the data: which answer, for whom.
#[derive(Debug, Clone, Copy)]
pub struct CacheKey<'a> {
    pub route: &'static str,
    /// Path and query string, exactly as the client sent them.
    pub target: &'a str,
    /// The lowest seq the caller's plan window admits.
    pub min_seq: i64,
}

impl CacheKey<'_> {
    /// Whether the answer depends on the time only through the plan window
    /// (which is in the key): no `since` parameter.
    fn timeless(&self) -> bool {
        let query = self.target.split_once('?').map_or("", |(_, query)| query);
        !form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "since")
    }

    fn hash(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(self.route.as_bytes());
        hasher.update(&[0]);
        hasher.update(self.target.as_bytes());
        hasher.update(&self.min_seq.to_le_bytes());
        hasher.digest()
    }
}

/// Where one second's answer is made.
#[derive(Default)]
struct Slot {
    /// Filled once by the first request that missed; requests arriving
    /// while it runs wait for it instead of running the same query.
    answer: OnceCell<Arc<Rendered>>,
    /// Set by the request that makes the answer while a previous one is
    /// served (see the module docs).
    making: AtomicBool,
}

struct Entry {
    route: &'static str,
    target: Box<str>,
    min_seq: i64,
    second: i64,
    commits: u64,
    slot: Arc<Slot>,
    /// The previous second's answer at the same commit count, when the
    /// query does not depend on the time.
    previous: Option<Arc<Rendered>>,
}

impl Entry {
    fn new(key: &CacheKey<'_>, second: i64, commits: u64, previous: Option<Arc<Rendered>>) -> Entry {
        Entry {
            route: key.route,
            target: key.target.into(),
            min_seq: key.min_seq,
            second,
            commits,
            slot: Arc::default(),
            previous,
        }
    }

    fn is_for(&self, key: &CacheKey<'_>) -> bool {
        self.min_seq == key.min_seq && self.route == key.route && *self.target == *key.target
    }

    fn answers(&self, key: &CacheKey<'_>, second: i64, commits: u64) -> bool {
        self.second == second && self.commits == commits && self.is_for(key)
    }

    /// This entry's answer, if it may stand in for `second`'s while that
    /// one is made: made the second before, at the same commit count.
    fn stand_in_for(&self, key: &CacheKey<'_>, second: i64, commits: u64) -> Option<Arc<Rendered>> {
        let fits = self.second == second - 1 && self.commits == commits && self.is_for(key) && key.timeless();
        if fits { self.slot.answer.get().cloned() } else { None }
    }
}

/// The cache; shared by every request (see the module docs).
pub struct ResponseCache {
    /// By a hash of the key; the entry holds the key itself to confirm.
    entries: DashMap<u64, Entry>,
    capacity: usize,
}

impl ResponseCache {
    /// A cache of at most `capacity` answers (0: never caches).
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache { entries: DashMap::new(), capacity }
    }

    /// The answer for `key` made in `second` at `commits`: the kept one, the
    /// one another request is making right now (waited for), or a new one
    /// made by `make` and kept when it succeeds. `hit` says which.
    pub async fn get_or_make<F>(&self, key: &CacheKey<'_>, second: i64, commits: u64, make: F) -> Result<Lookup>
    where
        F: Future<Output = Result<Envelope>>,
    {
        let render = async { make.await.map(|envelope| Arc::new(Rendered::new(&envelope))) };
        let Some((slot, previous)) = self.slot(key, second, commits) else {
            return Ok(Lookup { rendered: render.await?, hit: false });
        };
        if let Some(rendered) = slot.answer.get() {
            return Ok(Lookup { rendered: rendered.clone(), hit: true });
        }
        if let Some(previous) = previous
            && slot.making.swap(true, Ordering::AcqRel)
        {
            return Ok(Lookup { rendered: previous, hit: true });
        }
        let mut made = false;
        let rendered = slot
            .answer
            .get_or_try_init(|| {
                made = true;
                render
            })
            .await?
            .clone();
        if made && rendered.body.len() > MAX_ENTRY_BYTES {
            self.entries.remove_if(&key.hash(), |_, entry| Arc::ptr_eq(&entry.slot, &slot));
        }
        Ok(Lookup { rendered, hit: !made })
    }

    /// The slot that holds (or will hold) the answer for `key`, replacing an
    /// older entry, with the answer that may stand in while it is made;
    /// None when the cache is off or full of this second's answers.
    fn slot(&self, key: &CacheKey<'_>, second: i64, commits: u64) -> Option<(Arc<Slot>, Option<Arc<Rendered>>)> {
        if self.capacity == 0 {
            return None;
        }
        let hash = key.hash();
        if let Some(entry) = self.entries.get(&hash)
            && entry.answers(key, second, commits)
        {
            return Some((entry.slot.clone(), entry.previous.clone()));
        }
        if self.entries.len() >= self.capacity {
            self.entries.retain(|_, entry| entry.second == second);
            if self.entries.len() >= self.capacity {
                return None;
            }
        }
        let mut entry = self.entries.entry(hash).or_insert_with(|| Entry::new(key, second, commits, None));
        if !entry.answers(key, second, commits) {
            let previous = entry.stand_in_for(key, second, commits);
            *entry = Entry::new(key, second, commits, previous);
        }
        Some((entry.slot.clone(), entry.previous.clone()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// An answer and whether it came from the cache.
pub struct Lookup {
    pub rendered: Arc<Rendered>,
    pub hit: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::http::response::Data;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn key(target: &str) -> CacheKey<'_> {
        CacheKey { route: "/jobs", target, min_seq: 7 }
    }

    /// Looks `key` up, counting in `made` how often the answer is made.
    async fn lookup(cache: &ResponseCache, key: CacheKey<'_>, second: i64, commits: u64, made: &AtomicUsize) -> bool {
        let make = async {
            made.fetch_add(1, Ordering::SeqCst);
            Ok(Envelope::ok(Data::Raw(vec![format!("\"{}\"", key.target)])))
        };
        let lookup = cache.get_or_make(&key, second, commits, make).await.expect("made");
        assert!(lookup.rendered.body.ends_with(format!("\"{}\"],\"count\":1", key.target).as_bytes()));
        lookup.hit
    }

    #[tokio::test]
    async fn an_entry_answers_only_its_key_in_its_second_at_its_commit_count() {
        let cache = ResponseCache::new(8);
        let made = AtomicUsize::new(0);
        assert!(!lookup(&cache, key("/jobs?q=a"), 100, 5, &made).await);
        assert!(lookup(&cache, key("/jobs?q=a"), 100, 5, &made).await);
        assert!(!lookup(&cache, key("/jobs?q=a"), 101, 5, &made).await, "a second later");
        assert!(!lookup(&cache, key("/jobs?q=a"), 101, 6, &made).await, "after a commit");
        assert!(!lookup(&cache, key("/jobs?q=b"), 101, 6, &made).await, "another query");
        let other_window = CacheKey { min_seq: 8, ..key("/jobs?q=a") };
        assert!(!lookup(&cache, other_window, 101, 6, &made).await, "another plan window");
        let other_route = CacheKey { route: "/categories", ..key("/jobs?q=a") };
        assert!(!lookup(&cache, other_route, 101, 6, &made).await, "another route");
        assert_eq!(made.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn concurrent_misses_make_the_answer_once() {
        let cache = Arc::new(ResponseCache::new(8));
        let made = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Barrier::new(16));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (cache, made, gate) = (cache.clone(), made.clone(), gate.clone());
            tasks.push(tokio::spawn(async move {
                gate.wait().await;
                let make = async {
                    made.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    Ok(Envelope::ok(Data::empty()))
                };
                cache.get_or_make(&key("/jobs?q=slow"), 1, 0, make).await.expect("made").hit
            }));
        }
        let mut hits = 0;
        for task in tasks {
            hits += task.await.expect("task") as usize;
        }
        assert_eq!(made.load(Ordering::SeqCst), 1);
        assert_eq!(hits, 15);
    }

    /// Looks `target` up in `second` at `commits` with an answer that says
    /// `says`; if this request makes it, it signals `making` and takes
    /// `delay` milliseconds. Returns what came back.
    async fn answer_of(
        cache: &ResponseCache,
        target: &str,
        second: i64,
        commits: u64,
        says: &str,
        delay: u64,
    ) -> String {
        answer_signalling(cache, target, (second, commits), says, delay, &tokio::sync::Notify::new()).await
    }

    async fn answer_signalling(
        cache: &ResponseCache,
        target: &str,
        (second, commits): (i64, u64),
        says: &str,
        delay: u64,
        making: &tokio::sync::Notify,
    ) -> String {
        let make = async {
            making.notify_one();
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            Ok(Envelope::ok(Data::Raw(vec![format!("\"{says}\"")])))
        };
        let lookup = cache.get_or_make(&key(target), second, commits, make).await.expect("made");
        String::from_utf8_lossy(&lookup.rendered.body).into_owned()
    }

    /// Starts a slow remake of `target` and returns once it is under way.
    async fn slow_remake(
        cache: &Arc<ResponseCache>,
        target: &'static str,
        at: (i64, u64),
        says: &'static str,
    ) -> tokio::task::JoinHandle<String> {
        let making = Arc::new(tokio::sync::Notify::new());
        let task = tokio::spawn({
            let (cache, making) = (cache.clone(), making.clone());
            async move { answer_signalling(&cache, target, at, says, 200, &making).await }
        });
        making.notified().await;
        task
    }

    #[tokio::test]
    async fn while_a_second_turns_without_commits_the_previous_answer_stands_in() {
        let cache = Arc::new(ResponseCache::new(8));
        for (target, depends_on_time) in [("/jobs?q=a&sort=relevance", false), ("/jobs?q=a&since=1h", true)] {
            assert!(answer_of(&cache, target, 1, 0, "first", 0).await.contains("first"));
            // Second 2, no commit: one request remakes the answer (slowly);
            // another arriving meanwhile gets second 1's, unless the query
            // depends on the time: then it waits for the remake.
            let remake = slow_remake(&cache, target, (2, 0), "second").await;
            let meanwhile = answer_of(&cache, target, 2, 0, "never made", 0).await;
            let expected = if depends_on_time { "second" } else { "first" };
            assert!(meanwhile.contains(expected), "{target}: {meanwhile}");
            assert!(remake.await.expect("remake").contains("second"));
            assert!(answer_of(&cache, target, 2, 0, "never made", 0).await.contains("second"));
            // After a commit nothing stands in: the next answer is waited for.
            let remake = slow_remake(&cache, target, (3, 1), "third").await;
            assert!(answer_of(&cache, target, 3, 1, "never made", 0).await.contains("third"), "{target}");
            assert!(remake.await.expect("remake").contains("third"));
        }
    }

    #[tokio::test]
    async fn a_full_cache_drops_older_seconds_and_never_grows_past_capacity() {
        let cache = ResponseCache::new(2);
        let made = AtomicUsize::new(0);
        lookup(&cache, key("/a"), 1, 0, &made).await;
        lookup(&cache, key("/b"), 1, 0, &made).await;
        lookup(&cache, key("/c"), 1, 0, &made).await;
        assert_eq!(cache.len(), 2);
        assert!(!lookup(&cache, key("/c"), 1, 0, &made).await, "not kept: this second's entries fill the cache");
        lookup(&cache, key("/c"), 2, 0, &made).await;
        assert_eq!(cache.len(), 1);
        assert!(lookup(&cache, key("/c"), 2, 0, &made).await);
    }

    #[tokio::test]
    async fn a_disabled_cache_keeps_nothing_and_errors_are_made_again() {
        let disabled = ResponseCache::new(0);
        let made = AtomicUsize::new(0);
        lookup(&disabled, key("/a"), 1, 0, &made).await;
        assert!(!lookup(&disabled, key("/a"), 1, 0, &made).await);
        assert!(disabled.is_empty());
        let cache = ResponseCache::new(4);
        for _ in 0..2 {
            let target = key("/a");
            let failed = cache.get_or_make(&target, 1, 0, async { Err(Error::bad_request("Invalid limit parameter")) });
            assert!(failed.await.is_err());
        }
        assert!(!lookup(&cache, key("/a"), 1, 0, &made).await, "an error leaves nothing behind");
    }
}
