//! Request handling: one pipeline for every request (request id, routing,
//! authentication, limits, logging) and one module of handlers per area.
//!
//! Pipeline for keyed routes: failed-auth throttle → key lookup (memory
//! only) → token bucket → a call taken from the monthly quota → handler →
//! the call given back if the answer does not count (a 304) → rate limit
//! and quota headers. A request abandoned by its client or cut by its
//! deadline keeps its call. Admin routes check the bearer token instead.

pub mod admin;
pub mod assets;
pub mod cache;
pub mod export;
pub mod jobs;
pub mod openapi;
pub mod public;
pub mod webhooks;

use crate::auth::limiter::Take;
use crate::auth::{KeyEntry, Limits, Reserved, keys};
use crate::clock::rfc3339_second;
use crate::error::{Error, Result};
use crate::http::response::{Body, Data, Envelope};
use crate::http::router::{self, NoRoute, Route};
use crate::state::AppState;
use crate::store::usage::RequestLogRow;
use bytes::Bytes;
use futures_util::future::{BoxFuture, Either};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use std::borrow::Cow;
use std::future::{Future, Ready};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use std::time::Instant;

/// What a request carries into its handler.
pub struct Context {
    pub state: AppState,
    pub request_id: String,
    pub remote: SocketAddr,
    /// `last_updated` of the answer, fixed at the start of the request.
    pub now_text: Arc<str>,
    pub now: i64,
    /// The same instant in milliseconds (the request log's time).
    pub now_millis: i64,
}

/// The caller of a keyed route.
pub struct Caller {
    pub entry: Arc<KeyEntry>,
    pub limits: Arc<Limits>,
}

impl Caller {
    /// The lowest seq the key's plan window lets it see.
    pub fn min_seq(&self, now: i64) -> i64 {
        match self.limits.retention_days {
            Some(days) => crate::store::jobs::seq_floor(now - days.max(0) * 86_400),
            None => i64::MIN,
        }
    }
}

/// A handler's answer plus how it counts.
pub struct Handled {
    pub response: Response<Body>,
    /// Whether it counts as a call against the monthly quota (an export
    /// counts its further calls itself, as it streams).
    pub counts: bool,
}

impl Handled {
    pub fn counted(response: Response<Body>) -> Handled {
        Handled { response, counts: true }
    }

    /// An answer that is not a call: a refusal for want of a turn.
    pub fn uncounted(response: Response<Body>) -> Handled {
        Handled { response, counts: false }
    }
}

/// A request's answer: ready at once (`/health`, `/usage`, refusals,
/// anything answered from memory) or still being made (database reads,
/// uploads, streams). Answering at once keeps the future hyper holds for a
/// request a few bytes and skips the deadline timer on the commonest paths.
pub type Answer = Either<Ready<Response<Body>>, BoxFuture<'static, Response<Body>>>;

/// Handles one request from start to finish; never fails.
pub fn handle(state: AppState, request: Request<Incoming>, remote: SocketAddr) -> Answer {
    let started = Instant::now();
    let now_millis = state.clock.now_millis();
    let now = now_millis.div_euclid(1000);
    let context =
        Context { request_id: new_request_id(), remote, now_text: rfc3339_second(now), now, now_millis, state };
    let method = method_name(request.method());
    let routed = router::route(request.method(), request.uri().path());
    let route_name = routed.as_ref().map(Route::name).unwrap_or("unmatched");
    let route = match routed {
        Ok(route) => route,
        Err(no_route) => {
            let path = request.uri().path();
            let response = match no_route {
                NoRoute::NotFound => {
                    let shown = path.chars().take(200).collect::<String>();
                    error_response(&context, &Error::NotFound(format!("Not found: no route for {method} {shown}")))
                }
                NoRoute::MethodNotAllowed(allowed) => {
                    let mut response = error_response(&context, &Error::MethodNotAllowed);
                    response.headers_mut().insert(hyper::header::ALLOW, HeaderValue::from_static(allowed));
                    response
                }
            };
            let outcome = Outcome { started, method, route_name };
            // Everything under /admin/api/ needs the admin token, paths it
            // does not have too: without the token nobody learns which exist.
            if (path == "/admin/api" || path.starts_with("/admin/api/"))
                && let Some(refusal) = admin_refusal(&context, &request)
            {
                return outcome.ready(context, refusal, None);
            }
            // A key sent to a path or method the API does not have is still
            // a keyed request: it takes a token and counts as a call ("every
            // request with a valid key takes a token, whatever its
            // outcome"), and a wrong key gets 401 and feeds the brute-force
            // throttle, so an unknown path cannot be used to test keys.
            // Without a key the answer is the plain 404 or 405.
            if request.headers().contains_key("x-api-key") && !path.starts_with("/admin") {
                let (response, key_id) = match admit(&context, true, &request) {
                    Admission::Admitted(admitted) => conclude(&context, admitted, Ok(Handled::counted(response))),
                    Admission::Refused(response, key_id) => (response, key_id),
                };
                return outcome.ready(context, response, key_id);
            }
            return outcome.ready(context, response, None);
        }
    };
    let outcome = Outcome { started, method, route_name };
    if route.is_keyed() {
        // /health and /usage use the per-minute limit only ("cached
        // responses don't count" extends to 304s, decided after the handler).
        let uses_quota = !matches!(route, Route::Health | Route::Usage);
        let admitted = match admit(&context, uses_quota, &request) {
            Admission::Admitted(admitted) => admitted,
            Admission::Refused(response, key_id) => return outcome.ready(context, response, key_id),
        };
        let from_memory = match route {
            Route::Health => Some(Ok(Handled::uncounted(envelope(
                &context,
                Envelope::ok(Data::empty()).with_message("API is healthy"),
            )))),
            Route::Usage => Some(public::usage(&context, &admitted.caller).map(Handled::uncounted)),
            _ => None,
        };
        if let Some(handled) = from_memory {
            let (response, key_id) = conclude(&context, admitted, handled);
            return outcome.ready(context, response, key_id);
        }
        return Either::Right(Box::pin(async move {
            let deadline = deadline_for(&context, &route);
            let handled = within(deadline, keyed(&context, &admitted.caller, route, request)).await;
            let (response, key_id) = match handled {
                Some(handled) => conclude(&context, admitted, handled),
                None => (error_response(&context, &Error::Timeout), None),
            };
            outcome.finish(context, response, key_id)
        }));
    }
    if route.is_admin() {
        if let Some(refusal) = admin_refusal(&context, &request) {
            return outcome.ready(context, refusal, None);
        }
        return Either::Right(Box::pin(async move {
            let deadline = deadline_for(&context, &route);
            let mut response = match within(deadline, admin::handle(&context, route, request)).await {
                Some(answer) => answer.unwrap_or_else(|error| error_response(&context, &error)),
                None => error_response(&context, &Error::Timeout),
            };
            // Admin answers carry new keys, usage and the whole database: no
            // cache along the way may keep them.
            never_store(&mut response);
            outcome.finish(context, response, None)
        }));
    }
    let response = match route {
        Route::Livez => Ok(envelope(&context, Envelope::ok(Data::empty()).with_message("alive"))),
        Route::Readyz => Ok(public::readyz(&context)),
        Route::OpenApi => Ok(openapi::serve(&context, &request)),
        Route::AdminPage => Ok(assets::serve(&request, "index.html")),
        Route::AdminAsset(name) => Ok(assets::serve(&request, &name)),
        other => Err(Error::internal(format!("route {} has no handler", other.name()))),
    };
    let response = response.unwrap_or_else(|error| error_response(&context, &error));
    outcome.ready(context, response, None)
}

/// How long a route may take. Streams (export, backup) run as long as the
/// client reads, and a prune as long as its batches take (each batch
/// commits on its own, so stopping midway is safe but pointless);
/// everything else, uploads included, has a deadline, so a slow client
/// cannot hold a connection and a task forever.
fn deadline_for(context: &Context, route: &Route) -> Option<Duration> {
    let seconds = context.state.config.request_timeout.max(1);
    match route {
        Route::JobsExport | Route::AdminBackup | Route::AdminPrune => None,
        Route::AdminJobsIngest => Some(Duration::from_secs(seconds * 10)),
        _ => Some(Duration::from_secs(seconds)),
    }
}

/// `work`'s output, or None when it outlasts `deadline`.
async fn within<T>(deadline: Option<Duration>, work: impl Future<Output = T>) -> Option<T> {
    match deadline {
        None => Some(work.await),
        Some(deadline) => tokio::time::timeout(deadline, work).await.ok(),
    }
}

/// What the metrics and the request log keep of a request's start.
struct Outcome {
    started: Instant,
    method: Cow<'static, str>,
    route_name: &'static str,
}

impl Outcome {
    /// `finish`, as an answer that is ready now.
    fn ready(self, context: Context, response: Response<Body>, key_id: Option<Arc<str>>) -> Answer {
        Either::Left(std::future::ready(self.finish(context, response, key_id)))
    }

    /// Stamps the request id, then counts, traces and logs the request.
    fn finish(self, context: Context, mut response: Response<Body>, key_id: Option<Arc<str>>) -> Response<Body> {
        let Outcome { started, method, route_name } = self;
        if let Ok(value) = HeaderValue::from_str(&context.request_id) {
            response.headers_mut().insert(X_REQUEST_ID.clone(), value);
        }
        let status = response.status().as_u16();
        let latency = started.elapsed();
        let state = &context.state;
        state.metrics.observe_request(route_name, status, latency.as_secs_f64());
        tracing::info!(
            target: "upjobs::request",
            request_id = %context.request_id,
            method = %method,
            route = route_name,
            status,
            latency_us = latency.as_micros() as u64,
            key_id = key_id.as_deref().unwrap_or("-"),
            "request"
        );
        if !matches!(route_name, "/livez" | "/readyz" | "/metrics") {
            let row = RequestLogRow {
                time_millis: context.now_millis,
                request_id: context.request_id,
                key_id,
                method,
                route: Cow::Borrowed(route_name),
                status,
                latency_us: latency.as_micros() as i64,
            };
            context.state.request_log.push(row);
        }
        response
    }
}

/// The method's name without allocating for the standard ones.
fn method_name(method: &hyper::Method) -> Cow<'static, str> {
    use hyper::Method;
    let name = match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => return Cow::Owned(method.as_str().to_string()),
    };
    Cow::Borrowed(name)
}

/// None when the request carries the admin token; otherwise its answer:
/// 401, or 429 once its address has failed too often (`auth::
/// ADMIN_FAILURE_BURST`), so a weak token chosen by an operator cannot be
/// guessed at full speed.
fn admin_refusal(context: &Context, request: &Request<Incoming>) -> Option<Response<Body>> {
    let auth = &context.state.auth;
    let address = client_address(context, request);
    if let Err(error) = auth.check_admin_failure_throttle(address) {
        context.state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return Some(error_response(context, &error));
    }
    if admin_authorized(context, request) {
        return None;
    }
    auth.record_admin_failure(address);
    context.state.metrics.auth_failures.fetch_add(1, Ordering::Relaxed);
    Some(error_response(context, &Error::AdminUnauthorized))
}

/// The address failed authentication is counted against: the connection's
/// peer, or, when the peer is a `--trusted-proxy`, the nearest address in
/// `X-Forwarded-For` (read from the right, as each proxy appends the one it
/// saw) that is not a trusted proxy itself. Entries left of it are the
/// client's own claims and are not believed.
fn client_address(context: &Context, request: &Request<Incoming>) -> IpAddr {
    let peer = context.remote.ip().to_canonical();
    let proxies = &context.state.config.trusted_proxies;
    let trusted = |address: &IpAddr| proxies.iter().any(|net| net.contains(address));
    if proxies.is_empty() || !trusted(&peer) {
        return peer;
    }
    // Lossy: bytes a client put in the header must not hide the entries
    // its proxies appended after them.
    let values: Vec<Cow<str>> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()))
        .collect();
    let mut client = peer;
    for hop in values.iter().rev().flat_map(|value| value.rsplit(',')) {
        let Ok(address) = hop.trim().parse::<IpAddr>() else { break };
        client = address.to_canonical();
        if !trusted(&client) {
            break;
        }
    }
    client
}

fn admin_authorized(context: &Context, request: &Request<Incoming>) -> bool {
    let presented = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim_start().split_once(' '))
        // The scheme's name is case-insensitive (RFC 9110 section 11.1).
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match presented {
        Some(token) if !token.is_empty() => keys::secret_matches(token, &context.state.admin_token_hash),
        _ => false,
    }
}

/// What the keyed pipeline decided before the handler: let through, or
/// refused with this answer (and the key id when the key was known).
enum Admission {
    Admitted(Admitted),
    Refused(Response<Body>, Option<Arc<str>>),
}

/// A keyed request let through: its caller, the token it took, and whether
/// it counts against the monthly quota.
struct Admitted {
    caller: Caller,
    take: Take,
    /// The call taken from the monthly quota (None: the route does not use it).
    reserved: Option<Reserved>,
}

/// The keyed pipeline before the handler: failed-auth throttle, key,
/// token bucket, monthly quota.
fn admit(context: &Context, uses_quota: bool, request: &Request<Incoming>) -> Admission {
    let state = &context.state;
    let address = client_address(context, request);
    if let Err(error) = state.auth.check_failure_throttle(address) {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return Admission::Refused(error_response(context, &error), None);
    }
    // Two keys in one request are refused like a wrong one: a proxy and
    // this server could each read a different one of them.
    let mut presented = request.headers().get_all("x-api-key").iter();
    let header = match (presented.next(), presented.next()) {
        (Some(value), None) => value.to_str().ok(),
        _ => None,
    };
    let (entry, limits) = match state.auth.authenticate(header, context.now) {
        Ok(found) => found,
        Err(error) => {
            state.auth.record_failure(address);
            state.metrics.auth_failures.fetch_add(1, Ordering::Relaxed);
            return Admission::Refused(error_response(context, &error), None);
        }
    };
    let take = state.auth.take_token(&entry, &limits, context.now_millis);
    if !take.allowed {
        state.auth.record_rate_limited(&entry);
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        let error = Error::RateLimited {
            message: "Rate limit exceeded. Upgrade your plan for higher limits.".into(),
            retry_after: take.retry_after,
        };
        let mut response = error_response(context, &error);
        add_limit_headers(context, &mut response, &entry, &limits, &take);
        return Admission::Refused(response, Some(entry.id.clone()));
    }
    // The call is taken from the quota now, before the handler runs, so
    // that requests running at once cannot all pass a check that only one
    // of them fits; `conclude` gives it back if the answer does not count.
    let reserved = if uses_quota {
        match state.auth.reserve_calls(&entry, &limits, 1) {
            Ok(reserved) => Some(reserved),
            Err(error) => {
                state.auth.record_quota_refused(&entry);
                state.metrics.quota_refused.fetch_add(1, Ordering::Relaxed);
                let mut response = error_response(context, &error);
                add_limit_headers(context, &mut response, &entry, &limits, &take);
                return Admission::Refused(response, Some(entry.id.clone()));
            }
        }
    } else {
        None
    };
    Admission::Admitted(Admitted { caller: Caller { entry, limits }, take, reserved })
}

/// The keyed handlers that read the database. Each one's future is boxed
/// so that this one stays small whichever route runs.
async fn keyed(context: &Context, caller: &Caller, route: Route, request: Request<Incoming>) -> Result<Handled> {
    match route {
        Route::Jobs => Box::pin(jobs::list(context, caller, &request)).await,
        Route::Job(id) => Box::pin(jobs::one(context, caller, &request, &id)).await,
        Route::Categories => Box::pin(jobs::categories(context, caller, &request)).await,
        Route::JobsExport => Box::pin(export::export(context, caller, &request)).await,
        other => {
            // Webhook answers carry signing secrets (creation, rotation).
            let mut handled = Box::pin(webhooks::handle(context, caller, other, request)).await?;
            never_store(&mut handled.response);
            Ok(handled)
        }
    }
}

fn never_store(response: &mut Response<Body>) {
    response.headers_mut().insert(hyper::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// The keyed pipeline after the handler: count the call, add the limit
/// headers.
fn conclude(context: &Context, admitted: Admitted, handled: Result<Handled>) -> (Response<Body>, Option<Arc<str>>) {
    let Admitted { caller, take, reserved } = admitted;
    let Handled { mut response, counts } =
        handled.unwrap_or_else(|error| Handled::counted(error_response(context, &error)));
    let auth = &context.state.auth;
    if let Some(reserved) = reserved {
        let counted = counts && response.status() != StatusCode::NOT_MODIFIED;
        auth.release_calls(&caller.entry, reserved, i64::from(counted));
    }
    auth.record_request(&caller.entry, context.now);
    add_limit_headers(context, &mut response, &caller.entry, &caller.limits, &take);
    (response, Some(caller.entry.id.clone()))
}

/// Names of headers every keyed answer carries, checked once at compile time (`from_static` at
/// run time checks every byte on every call).
static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
static X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
static X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
static X_RATELIMIT_BURST: HeaderName = HeaderName::from_static("x-ratelimit-burst");
static RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
static RETRY_AFTER: HeaderName = HeaderName::from_static("retry-after");
static X_QUOTA_LIMIT: HeaderName = HeaderName::from_static("x-quota-limit");
static X_QUOTA_REMAINING: HeaderName = HeaderName::from_static("x-quota-remaining");

/// `X-RateLimit-*`, the IETF draft's `RateLimit-Policy`/`RateLimit`, and
/// `X-Quota-*` on every keyed answer.
fn add_limit_headers(context: &Context, response: &mut Response<Body>, entry: &KeyEntry, limits: &Limits, take: &Take) {
    // This runs on every keyed answer. The values are written one after
    // the other into one buffer and each header takes its slice of it: two
    // allocations for all of them instead of one or two per value, and no
    // formatting machinery.
    let mut text = Vec::with_capacity(192);
    let mut fields: [(&'static HeaderName, usize); 9] = [(&RETRY_AFTER, 0); 9];
    let mut count = 0;
    let mut end_field = |name: &'static HeaderName, text: &Vec<u8>| {
        fields[count] = (name, text.len());
        count += 1;
    };
    let number = |text: &mut Vec<u8>, value: u64| text.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    number(&mut text, limits.rate_limit_per_min);
    end_field(&X_RATELIMIT_LIMIT, &text);
    number(&mut text, take.remaining);
    end_field(&X_RATELIMIT_REMAINING, &text);
    // The Unix second by which the bucket is full: rounded up from the
    // request's millisecond, so a client that waits until then finds it full.
    let full_at = match take.millis_to_full {
        0 => context.now.max(0) as u64,
        millis => (context.now_millis.max(0) as u64).saturating_add(millis).div_ceil(1000),
    };
    number(&mut text, full_at);
    end_field(&X_RATELIMIT_RESET, &text);
    number(&mut text, limits.burst);
    end_field(&X_RATELIMIT_BURST, &text);
    // The bucket as the draft's quota policy: `burst` calls, refilled from
    // empty in `w` seconds (the per-minute rate is X-RateLimit-Limit), so
    // that `RateLimit`'s remaining never exceeds its policy's quota.
    text.extend_from_slice(b"\"burst\";q=");
    number(&mut text, limits.burst);
    text.extend_from_slice(b";w=");
    number(&mut text, (limits.burst.saturating_mul(60)).div_ceil(limits.rate_limit_per_min.max(1)));
    end_field(&RATELIMIT_POLICY, &text);
    text.extend_from_slice(b"\"burst\";r=");
    number(&mut text, take.remaining);
    text.extend_from_slice(b";t=");
    number(&mut text, take.seconds_to_full);
    end_field(&RATELIMIT, &text);
    if !take.allowed {
        number(&mut text, take.retry_after);
        end_field(&RETRY_AFTER, &text);
    }
    if let Some(quota) = limits.monthly_quota {
        let usage = context.state.auth.month_usage(entry);
        number(&mut text, quota.max(0) as u64);
        end_field(&X_QUOTA_LIMIT, &text);
        number(&mut text, (quota - usage.calls).max(0) as u64);
        end_field(&X_QUOTA_REMAINING, &text);
    }
    let text = Bytes::from(text);
    let headers = response.headers_mut();
    let mut start = 0;
    for &(name, end) in &fields[..count] {
        if let Ok(value) = HeaderValue::from_maybe_shared(text.slice(start..end)) {
            headers.insert(name.clone(), value);
        }
        start = end;
    }
}

/// An envelope as a response, stamped with the request's time.
pub fn envelope(context: &Context, envelope: Envelope) -> Response<Body> {
    envelope.into_response(&context.now_text)
}

pub fn error_response(context: &Context, error: &Error) -> Response<Body> {
    match error {
        Error::Database(_) | Error::Internal(_) => {
            tracing::error!(request_id = %context.request_id, %error, "request failed")
        }
        _ => {}
    }
    let mut response = Envelope::from_error(error).into_response(&context.now_text);
    let headers = response.headers_mut();
    match error {
        Error::RateLimited { retry_after, .. } => {
            headers.insert(hyper::header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        // A 401 names the credentials it wants (RFC 9110).
        Error::Unauthorized(_) => {
            headers.insert(hyper::header::WWW_AUTHENTICATE, HeaderValue::from_static("ApiKey header=\"X-API-KEY\""));
        }
        Error::AdminUnauthorized => {
            headers.insert(hyper::header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"upjobs admin\""));
        }
        _ => {}
    }
    response
}

/// Reads a request body up to `limit` bytes (413 beyond).
pub async fn read_body(context: &Context, request: Request<Incoming>, limit: usize) -> Result<Bytes> {
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(Error::PayloadTooLarge { limit });
    }
    // A client that stops sending its body for `--header-read-timeout` is
    // answered 408: the fault is its own, unlike a slow handler's 503.
    let stall_seconds = context.state.config.header_read_timeout.max(1);
    let stall = Duration::from_secs(stall_seconds);
    let mut body = http_body_util::Limited::new(request.into_body(), limit);
    let mut collected = bytes::BytesMut::with_capacity(declared.unwrap_or(0));
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Err(_) => return Err(Error::BodyTimeout { seconds: stall_seconds }),
            Ok(None) => return Ok(collected.freeze()),
            Ok(Some(frame)) => frame,
        };
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    collected.extend_from_slice(&data);
                }
            }
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Err(Error::PayloadTooLarge { limit });
            }
            Err(error) => return Err(Error::bad_request(format!("could not read the request body: {error}"))),
        }
    }
}

/// Parses a JSON body into a value (400 with the parser's reason).
pub async fn read_json(context: &Context, request: Request<Incoming>, limit: usize) -> Result<serde_json::Value> {
    let body = read_body(context, request, limit).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::bad_request("Invalid JSON body: the body is empty"));
    }
    serde_json::from_slice(&body).map_err(|error| Error::bad_request(format!("Invalid JSON body: {error}")))
}

/// `req_` + 20 base62 characters from the thread's CSPRNG (seeded from the
/// OS, no system call per request; an id needs to be unique, not secret).
fn new_request_id() -> String {
    use rand::Rng;
    // Seven base-62 digits from each random u64: 2^64 is 5.2 million times
    // 62^7, so no digit string is likelier than another by more than one
    // part in five million. Three draws per request, not twenty ranged ones.
    let mut rng = rand::rng();
    let mut id = String::with_capacity(24);
    id.push_str("req_");
    for digits in [7, 7, 6] {
        let mut bits: u64 = rng.random();
        for _ in 0..digits {
            id.push(keys::BASE62[(bits % 62) as usize] as char);
            bits /= 62;
        }
    }
    id
}

/// An ETag over an envelope's content (not its time).
pub fn etag_of(body_without_time: &[u8]) -> String {
    format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body_without_time))
}

/// Whether `If-None-Match` names `etag` (or `*`).
pub fn not_modified(request: &Request<Incoming>, etag: &str) -> bool {
    request
        .headers()
        .get_all(hyper::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|candidate| candidate.trim().trim_start_matches("W/"))
        .any(|candidate| candidate == etag || candidate == "*")
}

/// A read answer with an ETag (or a 304 when the client has it), from the
/// response cache or made by `make` (and kept when it succeeds). `min_seq` is the caller's plan window: answers for
/// different windows never share an entry.
pub async fn cached_read<F>(
    context: &Context,
    request: &Request<Incoming>,
    route: &'static str,
    min_seq: i64,
    make: F,
) -> Result<Response<Body>>
where
    F: Future<Output = Result<Envelope>>,
{
    let state = &context.state;
    let target = request.uri().path_and_query().map_or("", |target| target.as_str());
    let key = cache::CacheKey { route, target, min_seq };
    // Read before the query runs: a commit landing during it makes the
    // entry stale rather than letting a stale answer look fresh.
    let commits = state.store.writer.commits();
    let lookup = state.responses.get_or_make(&key, context.now, commits, make).await?;
    if lookup.hit {
        state.metrics.response_cache_hits.fetch_add(1, Ordering::Relaxed);
    }
    let rendered = lookup.rendered;
    Ok(rendered.respond(&context.now_text, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_twenty_base62_digits_and_spread_over_all_of_them() {
        let ids: Vec<String> = (0..2_000).map(|_| new_request_id()).collect();
        let mut seen = std::collections::HashSet::new();
        for id in &ids {
            let digits = id.strip_prefix("req_").expect("prefix");
            assert_eq!(digits.len(), 20, "{id}");
            assert!(digits.bytes().all(|digit| keys::BASE62.contains(&digit)), "{id}");
            seen.extend(digits.bytes().enumerate());
        }
        assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), ids.len(), "ids repeat");
        // Every position takes every digit (2,000 draws of 62 values).
        assert_eq!(seen.len(), 20 * 62);
    }
}
