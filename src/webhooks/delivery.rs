//! The delivery worker: sends due outbox messages and records every attempt.
//!
//! One tokio task owns the loop, on a thread and runtime of its own at a
//! lower CPU priority ([`spawn`], started by `crate::run`). It wakes when a
//! commit wrote outbox messages (`AppState::webhook_wakeup`, notified by the
//! writer's commit hook), when a retry falls due, and at least once a second
//! (to pick up messages another process queued, such as `upjobs import`, and
//! clock moves in tests). Each round reads due messages through the reader
//! pool and starts one task per message, at most
//! [`MAX_CONCURRENT_DELIVERIES`] at once and [`MAX_CONCURRENT_PER_SUBSCRIPTION`]
//! per endpoint, so one slow endpoint cannot hold every slot.
//!
//! Outcomes are written back in batches by one writer task at a time,
//! gathered for up to [`RECORD_GATHER`] or [`MAX_OUTCOMES_PER_RECORD`]: the
//! attempt row, then the message's new state (delivered, rescheduled, or
//! failed once the retry schedule is exhausted) and the endpoint's health.
//! A message stays in the worker's in-flight set until its outcome has
//! committed, so it is never sent twice at once; a message whose outcome was
//! lost (crash, shutdown) is still pending in the database and is sent again.
//!
//! While an endpoint fails, its other pending messages are held back until
//! the failed message's next retry: an endpoint that is down is probed a few
//! messages at a time on the retry schedule instead of receiving its whole
//! backlog every round.
//!
//! A panic in the worker (a bug) is logged, and a new worker starts a
//! second later ([`supervise`]); a panic inside one attempt's task only
//! ends that attempt.

use crate::clock::{Clock, format_unix};
use crate::outbound;
use crate::state::AppState;
use crate::store::webhooks::{self as rows, AttemptRow, DueMessage};
use crate::webhooks::guard::{self, GuardedResolver};
use crate::webhooks::signing;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER, USER_AGENT};
use hyper::{Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Requests in flight at once, over all endpoints.
pub const MAX_CONCURRENT_DELIVERIES: usize = 64;
/// Free request slots that make the worker look for more due messages
/// without waiting for the finished ones to be recorded (when its last look
/// found as many as it asked for, or an endpoint at its limit got a slot).
const REFILL_AT: usize = 16;
/// Messages started whose outcome is not committed yet; past this many the
/// worker starts nothing new until a recording commits (it bounds memory and
/// the list of messages the due query leaves out).
const MAX_UNRECORDED: usize = 4_096;
/// Requests in flight at once to one subscription's endpoint.
pub const MAX_CONCURRENT_PER_SUBSCRIPTION: usize = 8;
/// An attempt that has no complete answer after this long failed.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the worker sleeps without looking for due messages.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// Bytes of an answer read (and dropped) so the connection can be reused.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Characters of a failed answer's body kept in the attempt's error.
const ANSWER_EXCERPT_CHARS: usize = 200;
/// A `Retry-After` longer than this is cut to it.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);
/// How often endpoints no longer held are forgotten (delivery records past
/// `--log-retention-days` are deleted by the retention prune).
const FORGET_HOLDS_INTERVAL: Duration = Duration::from_secs(3600);
/// Outcomes written by one writer task.
const MAX_OUTCOMES_PER_RECORD: usize = 1_000;
/// How long a finished attempt's outcome may wait for others before it is
/// written back (unless [`MAX_OUTCOMES_PER_RECORD`] wait already). The
/// writer's cost per outcome falls with the size of the batch: 16 µs at 100
/// per task, 10 µs at 300, 7 µs at 1,000 (webhooks_bench's recording
/// timing), and the writer is the ingest's bottleneck. Waiting costs no
/// latency: the attempt has been made; its message stays taken meanwhile.
const RECORD_GATHER: Duration = Duration::from_millis(250);
/// The least time between two hold-backs of one failing endpoint.
const HOLD_INTERVAL: Duration = Duration::from_secs(5);

type WebhookClient = Client<hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>, Full<Bytes>>;

/// The retry and disable rules, from the configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Delays before the 2nd, 3rd, ... attempt; after the last one the
    /// message has failed.
    pub retry_schedule: Vec<Duration>,
    /// An endpoint failing for this long is disabled (None: never).
    pub disable_after: Option<Duration>,
}

impl Policy {
    pub fn from_state(state: &AppState) -> Policy {
        let retry_schedule = state.config.retry_schedule().unwrap_or_else(|error| {
            tracing::error!(%error, "invalid --webhook-retry-schedule; using the default");
            crate::config::parse_schedule("5s,5m,30m,2h,5h,10h,10h").unwrap_or_default()
        });
        let days = state.config.webhook_disable_after_days;
        let disable_after = (days > 0).then(|| Duration::from_secs(days.saturating_mul(86_400)));
        Policy { retry_schedule, disable_after }
    }
}

/// What an attempt means for its message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// 2xx: done.
    Delivered,
    /// 410: the receiver asked us to stop; the subscription is disabled.
    Gone,
    /// Anything else: try again on the schedule, not before `not_before`.
    Retry { not_before: Option<Duration> },
    /// Not sent, and never will be: its job is gone or hidden. Not the
    /// endpoint's fault, so its health is left alone.
    Dropped,
}

/// One finished attempt, on its way to the database.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub message_seq: i64,
    /// Attempts made before this one.
    pub previous_attempts: i64,
    pub attempt: AttemptRow,
    pub verdict: Verdict,
    /// Unix milliseconds when the answer (or the failure) came.
    pub finished_at: i64,
    /// A random factor in [0.9, 1.1] for this attempt's retry delay, so that
    /// messages that failed together do not all retry in the same instant.
    pub jitter: f64,
    /// The metrics label of the attempt.
    pub label: &'static str,
    /// On a failure, hold the endpoint's other due messages back until this
    /// message's retry. Set by the worker at most once per
    /// [`HOLD_INTERVAL`] per endpoint, because finding them walks every
    /// due message.
    pub hold_endpoint: bool,
}

/// How long stopping waits for the worker's own blocking reads to end.
const RUNTIME_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Starts the worker on a thread of its own (`upjobs-webhooks`, at the
/// lower priority of `crate::background`) with a single-threaded tokio
/// runtime: attempts, their connections and the worker's reads all run
/// there, off the workers that serve requests. Answers once the runtime is
/// up; the returned task ends when the worker has stopped (after `stop`
/// turns true) and recorded what it had.
pub async fn spawn(state: AppState, stop: watch::Receiver<bool>) -> crate::error::Result<tokio::task::JoinHandle<()>> {
    let (ready, started) = tokio::sync::oneshot::channel::<std::io::Result<()>>();
    let (finished, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("upjobs-webhooks".into())
        .spawn(move || {
            crate::background::lower_current_thread_priority();
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().thread_name("upjobs-webhooks").build();
            let runtime = match runtime {
                Ok(runtime) => {
                    let _ = ready.send(Ok(()));
                    runtime
                }
                Err(error) => {
                    let _ = ready.send(Err(error));
                    return;
                }
            };
            runtime.block_on(supervise(|| run(state.clone(), stop.clone()), stop.clone(), RESTART_DELAY));
            runtime.shutdown_timeout(RUNTIME_SHUTDOWN_GRACE);
            let _ = finished.send(());
        })
        .map_err(crate::error::Error::internal)?;
    started.await.map_err(crate::error::Error::internal)?.map_err(|error| {
        crate::error::Error::internal(format!("cannot start the webhook delivery runtime: {error}"))
    })?;
    Ok(tokio::spawn(async move {
        let _ = stopped.await;
    }))
}

/// How long after a panic the worker is started again.
const RESTART_DELAY: Duration = Duration::from_secs(1);

/// Runs the worker that `start` makes until it returns, and makes a new one
/// `delay` after a panic (a bug, logged as an error) unless `stop` turned
/// true meanwhile. Nothing is lost: a message stays pending in the
/// database until its outcome is recorded, so the new worker sends
/// whatever the old one left unfinished (at least once, as after a crash).
async fn supervise<F, W>(mut start: F, stop: watch::Receiver<bool>, delay: Duration)
where
    F: FnMut() -> W,
    W: std::future::Future<Output = ()>,
{
    use futures_util::FutureExt;
    loop {
        match std::panic::AssertUnwindSafe(start()).catch_unwind().await {
            Ok(()) => return,
            Err(_) => tracing::error!(?delay, "the webhook delivery worker panicked; starting a new one"),
        }
        tokio::time::sleep(delay).await;
        if *stop.borrow() {
            return;
        }
    }
}

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let policy = Policy::from_state(&state);
    let allow_private = state.config.webhook_allow_private;
    let client: WebhookClient = outbound::client_with_resolver(GuardedResolver { allow_private });
    let mut deliveries: JoinSet<Outcome> = JoinSet::new();
    // Which message and endpoint each running task serves (to clean up after a panic).
    let mut running: HashMap<tokio::task::Id, (i64, String)> = HashMap::new();
    let mut per_subscription: HashMap<String, usize> = HashMap::new();
    // Messages started whose outcome has not committed yet.
    let mut in_flight: HashSet<i64> = HashSet::new();
    let mut unrecorded: Vec<Outcome> = Vec::new();
    // When the oldest outcome in `unrecorded` finished.
    let mut unrecorded_since: Option<Instant> = None;
    let mut recording: Option<tokio::task::JoinHandle<Vec<i64>>> = None;
    let mut look_now = true;
    // Whether the last look found as many due messages as it asked for (so
    // more may be waiting); a finished attempt looks again only then, or
    // when it frees a slot at an endpoint that was at its limit.
    let mut more_due = false;
    let mut wait = IDLE_POLL;
    let mut holds_forgotten_at = Instant::now();
    let mut last_hold: HashMap<String, Instant> = HashMap::new();

    loop {
        if *stop.borrow() {
            break;
        }
        // At MAX_UNRECORDED, `look_now` waits for the recording to commit.
        if look_now && in_flight.len() < MAX_UNRECORDED {
            look_now = false;
            let free = MAX_CONCURRENT_DELIVERIES.saturating_sub(deliveries.len());
            if free > 0 {
                let skip: Vec<String> = per_subscription
                    .iter()
                    .filter(|(_, count)| **count >= MAX_CONCURRENT_PER_SUBSCRIPTION)
                    .map(|(id, _)| id.clone())
                    .collect();
                let taken: Vec<i64> = in_flight.iter().copied().collect();
                let now = state.clock.now_millis();
                let found = state
                    .store
                    .readers
                    .read(move |conn| {
                        Ok((
                            rows::due_messages(conn, now, &taken, &skip, free as i64)?,
                            rows::next_due_after(conn, now)?,
                        ))
                    })
                    .await;
                match found {
                    Ok((due, next_due_at)) => {
                        more_due = due.len() >= free;
                        for message in due {
                            if deliveries.len() >= MAX_CONCURRENT_DELIVERIES {
                                break;
                            }
                            let count = per_subscription.entry(message.subscription_id.clone()).or_default();
                            if in_flight.contains(&message.seq) || *count >= MAX_CONCURRENT_PER_SUBSCRIPTION {
                                continue;
                            }
                            *count += 1;
                            in_flight.insert(message.seq);
                            let (seq, subscription_id) = (message.seq, message.subscription_id.clone());
                            let blocked = state.auth.webhooks_blocked(&message.key_id);
                            let handle = deliveries.spawn(deliver(
                                client.clone(),
                                message,
                                blocked,
                                allow_private,
                                state.clock.clone(),
                            ));
                            running.insert(handle.id(), (seq, subscription_id));
                        }
                        // Messages due now that were not started are in flight or
                        // wait for their endpoint's turn: a finished attempt (its
                        // outcome recorded) wakes the loop for them. The timer is
                        // for what falls due later.
                        let until_due = next_due_at.map(|at| at - state.clock.now_millis()).unwrap_or(i64::MAX);
                        wait = Duration::from_millis(until_due.clamp(1, IDLE_POLL.as_millis() as i64) as u64);
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not read due webhook messages");
                        wait = IDLE_POLL;
                    }
                }
            }
        }
        let waited = unrecorded_since.map_or(Duration::ZERO, |since| since.elapsed());
        if recording.is_none() && time_to_record(unrecorded.len(), waited) {
            recording = Some(start_recording(&state, &policy, &mut unrecorded));
            if unrecorded.is_empty() {
                unrecorded_since = None;
            }
        }
        // A recording just started leaves `unrecorded_since` as it was (or
        // None), so `waited` still holds for what is left.
        let gathering = recording.is_none() && unrecorded_since.is_some();
        let record_in = RECORD_GATHER.saturating_sub(waited);
        if holds_forgotten_at.elapsed() >= FORGET_HOLDS_INTERVAL {
            holds_forgotten_at = Instant::now();
            last_hold.retain(|_, at| at.elapsed() < HOLD_INTERVAL);
        }
        let recording_finished = async {
            match recording.as_mut() {
                Some(handle) => handle.await.unwrap_or_default(),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stop.changed() => break,
            Some(joined) = deliveries.join_next_with_id(), if !deliveries.is_empty() => {
                let (task, outcome) = match joined {
                    Ok((task, outcome)) => (task, Some(outcome)),
                    Err(error) => (error.id(), None),
                };
                if let Some((seq, subscription_id)) = running.remove(&task) {
                    // A slot freed at an endpoint that was at its limit may
                    // let its waiting messages go, whatever the last look saw.
                    let mut endpoint_was_full = false;
                    if let Some(count) = per_subscription.get_mut(&subscription_id) {
                        endpoint_was_full = *count >= MAX_CONCURRENT_PER_SUBSCRIPTION;
                        *count = count.saturating_sub(1);
                        if *count == 0 {
                            per_subscription.remove(&subscription_id);
                        }
                    }
                    match outcome {
                        Some(mut outcome) => {
                            state.metrics.observe_webhook_delivery(outcome.label);
                            if matches!(outcome.verdict, Verdict::Retry { .. }) {
                                let held = last_hold.get(&subscription_id).is_some_and(|at| at.elapsed() < HOLD_INTERVAL);
                                if !held {
                                    outcome.hold_endpoint = true;
                                    last_hold.insert(subscription_id.clone(), Instant::now());
                                }
                            }
                            unrecorded.push(outcome);
                            unrecorded_since.get_or_insert_with(Instant::now);
                            // Keep the requests flowing while outcomes wait
                            // for the writer (busy with an ingest, say).
                            if (more_due || endpoint_was_full)
                                && MAX_CONCURRENT_DELIVERIES - deliveries.len() >= REFILL_AT
                            {
                                look_now = true;
                            }
                        }
                        // A panicked attempt leaves its message pending; it
                        // will be picked up again.
                        None => {
                            in_flight.remove(&seq);
                        }
                    }
                }
            }
            recorded = recording_finished => {
                recording = None;
                for seq in recorded {
                    in_flight.remove(&seq);
                }
                look_now = true;
            }
            _ = state.webhook_wakeup.notified() => look_now = true,
            _ = tokio::time::sleep(wait) => look_now = true,
            // The loop's top writes the gathered outcomes back.
            _ = tokio::time::sleep(record_in), if gathering => {}
        }
    }

    // Stopping: attempts still running are abandoned (their messages stay
    // pending and are sent again after the restart); finished ones are recorded.
    deliveries.abort_all();
    while let Some(joined) = deliveries.join_next().await {
        if let Ok(outcome) = joined {
            unrecorded.push(outcome);
        }
    }
    if let Some(handle) = recording.take() {
        let _ = handle.await;
    }
    while !unrecorded.is_empty() {
        let _ = start_recording(&state, &policy, &mut unrecorded).await;
    }
}

/// Whether outcomes waiting to be written back go now: a full batch waits,
/// or the oldest has waited [`RECORD_GATHER`].
fn time_to_record(waiting: usize, oldest_waited: Duration) -> bool {
    waiting >= MAX_OUTCOMES_PER_RECORD || (waiting > 0 && oldest_waited >= RECORD_GATHER)
}

/// Writes a batch of outcomes in one writer task; the task answers with the
/// seqs it handled (also on failure: those messages stay pending and will be
/// picked up again).
fn start_recording(
    state: &AppState,
    policy: &Policy,
    unrecorded: &mut Vec<Outcome>,
) -> tokio::task::JoinHandle<Vec<i64>> {
    let take = unrecorded.len().min(MAX_OUTCOMES_PER_RECORD);
    let batch: Vec<Outcome> = unrecorded.drain(..take).collect();
    let seqs: Vec<i64> = batch.iter().map(|outcome| outcome.message_seq).collect();
    let writer = state.store.writer.clone();
    let policy = policy.clone();
    tokio::spawn(async move {
        if let Err(error) = writer.call(move |context| record(&context.conn, &batch, &policy)).await {
            tracing::error!(%error, "could not record webhook attempts; the messages will be sent again");
        }
        seqs
    })
}

/// Applies outcomes: attempt rows, message states, endpoint health.
///
/// Deliveries mark their endpoint healthy once per batch and endpoint (a
/// broad subscription gets hundreds per batch); any other outcome for that
/// endpoint first writes the deliveries before it, so the endpoint's state
/// follows the order of the outcomes.
pub fn record(conn: &rusqlite::Connection, outcomes: &[Outcome], policy: &Policy) -> crate::error::Result<()> {
    let mut successes: HashMap<&str, (i64, i64)> = HashMap::new();
    for outcome in outcomes {
        let subscription_id = outcome.attempt.subscription_id.as_str();
        // The subscription (and its messages) may have been deleted meanwhile.
        let Some((status, _)) = rows::message_state(conn, outcome.message_seq)? else { continue };
        rows::insert_attempt(conn, &outcome.attempt)?;
        if status != "pending" {
            continue;
        }
        let now = outcome.finished_at;
        let attempts = outcome.previous_attempts + 1;
        if !matches!(outcome.verdict, Verdict::Delivered)
            && let Some((count, at)) = successes.remove(subscription_id)
        {
            rows::note_successes(conn, subscription_id, count, at)?;
        }
        match outcome.verdict {
            Verdict::Delivered => {
                rows::mark_delivered(conn, outcome.message_seq, attempts, now)?;
                let (count, at) = successes.entry(subscription_id).or_default();
                *count += 1;
                *at = now;
            }
            Verdict::Dropped => {
                rows::fail_message(conn, outcome.message_seq, subscription_id, attempts, now)?;
            }
            Verdict::Gone => {
                rows::fail_message(conn, outcome.message_seq, subscription_id, attempts, now)?;
                rows::note_failure(conn, subscription_id, now)?;
                rows::disable_subscription(
                    conn,
                    subscription_id,
                    "The endpoint answered 410 Gone, which asks the sender to stop.",
                    now,
                )?;
            }
            Verdict::Retry { not_before } => {
                let failing_since = rows::note_failure(conn, subscription_id, now)?.unwrap_or(now);
                let failing_for = Duration::from_millis((now - failing_since).max(0) as u64);
                if let Some(limit) = policy.disable_after.filter(|limit| failing_for >= *limit) {
                    rows::fail_message(conn, outcome.message_seq, subscription_id, attempts, now)?;
                    let days = limit.as_secs() / 86_400;
                    let reason = format!("Every delivery attempt failed for {days} days.");
                    rows::disable_subscription(conn, subscription_id, &reason, now)?;
                    continue;
                }
                let Some(delay) = policy.retry_schedule.get(outcome.previous_attempts as usize) else {
                    rows::fail_message(conn, outcome.message_seq, subscription_id, attempts, now)?;
                    continue;
                };
                let delay = delay.mul_f64(outcome.jitter).max(not_before.unwrap_or_default());
                let next_attempt_at = now + delay.as_millis() as i64;
                rows::reschedule_message(conn, outcome.message_seq, attempts, next_attempt_at)?;
                if outcome.hold_endpoint {
                    rows::defer_pending(conn, subscription_id, next_attempt_at)?;
                }
            }
        }
    }
    for (subscription_id, (count, at)) in successes {
        rows::note_successes(conn, subscription_id, count, at)?;
    }
    Ok(())
}

/// Makes one attempt and says what it came to; `blocked` (the key may not
/// receive webhooks any more, and why) drops the message unsent.
async fn deliver(
    client: WebhookClient,
    message: DueMessage,
    blocked: Option<&'static str>,
    allow_private: bool,
    clock: Clock,
) -> Outcome {
    let started_at = clock.now_millis();
    let started = Instant::now();
    let answer = match blocked {
        Some(why) => Answer {
            status_code: None,
            error: Some(format!("not sent: {why}")),
            verdict: Verdict::Dropped,
            label: "dropped",
        },
        None => attempt(&client, &message, allow_private, &clock).await,
    };
    let latency_ms = started.elapsed().as_millis() as i64;
    Outcome {
        message_seq: message.seq,
        previous_attempts: message.attempts,
        attempt: AttemptRow {
            message_id: message.id,
            subscription_id: message.subscription_id,
            event_type: message.event_type,
            time: started_at,
            success: answer.verdict == Verdict::Delivered,
            status_code: answer.status_code.map(i64::from),
            latency_ms,
            error: answer.error,
        },
        verdict: answer.verdict,
        finished_at: clock.now_millis(),
        jitter: 0.9 + 0.2 * rand::random::<f64>(),
        label: answer.label,
        hold_endpoint: false,
    }
}

/// What the endpoint (or the way to it) said.
struct Answer {
    status_code: Option<u16>,
    error: Option<String>,
    verdict: Verdict,
    /// The metrics label: success, failure, redirect, gone, timeout, error, refused.
    label: &'static str,
}

impl Answer {
    fn failed(label: &'static str, error: String) -> Answer {
        Answer { status_code: None, error: Some(error), verdict: Verdict::Retry { not_before: None }, label }
    }
}

/// The body a message sends: its own, or its job's current document.
fn body_of(message: &DueMessage) -> Option<Vec<u8>> {
    if let Some(payload) = &message.payload {
        return Some(payload.clone());
    }
    let doc = message.job_doc.as_deref()?;
    Some(super::event_payload(&message.event_type, &format_unix(message.created_at.div_euclid(1000)), doc))
}

async fn attempt(client: &WebhookClient, message: &DueMessage, allow_private: bool, clock: &Clock) -> Answer {
    let Some(body) = body_of(message) else {
        return Answer {
            status_code: None,
            error: Some("not sent: the job was deleted or marked as spam before it could be delivered".into()),
            verdict: Verdict::Dropped,
            label: "dropped",
        };
    };
    let uri = match guard::parse_target(&message.url) {
        Ok(uri) => uri,
        Err(error) => return Answer::failed("refused", error),
    };
    // Names are checked by the client's resolver as it connects; address
    // literals never reach a resolver, so they are checked here.
    if let Some(refusal) = guard::check_literal(&uri, allow_private) {
        return Answer::failed("refused", refusal);
    }
    let now_millis = clock.now_millis();
    let timestamp = now_millis.div_euclid(1000);
    let mut secrets = vec![message.secret.as_str()];
    if let (Some(previous), Some(expires_at)) = (&message.previous_secret, message.previous_secret_expires_at)
        && expires_at > now_millis
    {
        secrets.push(previous.as_str());
    }
    // Secrets retired by earlier rotations sign until their own expiry.
    for (retired, expires_at) in message.retired_secrets.iter().rev() {
        if *expires_at > now_millis {
            secrets.push(retired.as_str());
        }
    }
    let signature = signing::signature_header(&secrets, &message.id, timestamp, &body);
    let request = Request::post(uri)
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .header(USER_AGENT, HeaderValue::from_static(concat!("upjobs-webhooks/", env!("CARGO_PKG_VERSION"))))
        .header("webhook-id", message.id.as_str())
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(Full::new(Bytes::from(body)));
    let request = match request {
        Ok(request) => request,
        Err(error) => return Answer::failed("error", format!("could not build the request: {error}")),
    };
    let exchange = async {
        let response = client.request(request).await?;
        let status = response.status();
        let location = header_text(response.headers().get(LOCATION));
        let retry_after = header_text(response.headers().get(RETRY_AFTER));
        // Read the answer (to a limit) so the connection can be reused.
        let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES).collect().await.map(|body| body.to_bytes());
        Ok::<_, hyper_util::client::legacy::Error>((status, location, retry_after, body.unwrap_or_default()))
    };
    match tokio::time::timeout(DELIVERY_TIMEOUT, exchange).await {
        Err(_) => Answer::failed("timeout", format!("no complete answer within {} s", DELIVERY_TIMEOUT.as_secs())),
        Ok(Err(error)) => {
            let text = error_chain(&error);
            let label = if text.contains("Webhook URL refused") { "refused" } else { "error" };
            Answer::failed(label, text)
        }
        Ok(Ok((status, location, retry_after, body))) => judge(status, location, retry_after, &body, clock),
    }
}

fn header_text(value: Option<&HeaderValue>) -> Option<String> {
    value.and_then(|value| value.to_str().ok()).map(str::to_string)
}

/// Classifies an answer by its status code.
fn judge(
    status: StatusCode,
    location: Option<String>,
    retry_after: Option<String>,
    body: &[u8],
    clock: &Clock,
) -> Answer {
    let code = Some(status.as_u16());
    if status.is_success() {
        return Answer { status_code: code, error: None, verdict: Verdict::Delivered, label: "success" };
    }
    let excerpt: String = String::from_utf8_lossy(body).chars().take(ANSWER_EXCERPT_CHARS).collect();
    let excerpt = excerpt.trim();
    let mut error = format!("HTTP {}", status.as_u16());
    if !excerpt.is_empty() {
        error.push_str(&format!(": {excerpt}"));
    }
    if status.is_redirection() {
        let target = location.unwrap_or_else(|| "nowhere".into());
        return Answer {
            status_code: code,
            error: Some(format!(
                "HTTP {}: redirect to {target} not followed; subscribe the final URL",
                status.as_u16()
            )),
            verdict: Verdict::Retry { not_before: None },
            label: "redirect",
        };
    }
    if status == StatusCode::GONE {
        return Answer { status_code: code, error: Some(error), verdict: Verdict::Gone, label: "gone" };
    }
    let not_before = if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        retry_after.and_then(|text| parse_retry_after(&text, clock.now_unix()))
    } else {
        None
    };
    Answer { status_code: code, error: Some(error), verdict: Verdict::Retry { not_before }, label: "failure" }
}

/// `Retry-After` as seconds or an HTTP date, capped at a day.
pub fn parse_retry_after(text: &str, now_unix: i64) -> Option<Duration> {
    let text = text.trim();
    let seconds = match text.parse::<u64>() {
        Ok(seconds) => seconds,
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(text).ok()?.timestamp();
            (at - now_unix).max(0) as u64
        }
    };
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// An error and its causes, outermost first: "client error (Connect): tcp
/// connect error: Connection refused (os error 111)".
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    // The guard's own words (a refused address, a name that does not
    // resolve) are the whole story; hyper's wrappers around them
    // ("client error (Connect): dns error: ...") only obscure it.
    let mut cause = Some(error);
    while let Some(current) = cause {
        if current.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(io.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::NotFound)
                && io.get_ref().is_some()
        }) {
            return current.to_string();
        }
        cause = current.source();
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_worker_that_panics_is_started_again_until_one_returns() {
        let (stop_sender, stop) = watch::channel(false);
        let mut starts = 0;
        supervise(
            || {
                starts += 1;
                let this_start = starts;
                async move {
                    if this_start < 3 {
                        panic!("worker bug number {this_start}");
                    }
                }
            },
            stop.clone(),
            RESTART_DELAY,
        )
        .await;
        assert_eq!(starts, 3);

        // Stop turned true before the delay ends (here: before the first
        // start): the worker that panicked is not replaced.
        let mut starts = 0;
        let supervisor = supervise(
            || {
                starts += 1;
                async { panic!("worker bug") }
            },
            stop,
            RESTART_DELAY,
        );
        stop_sender.send(true).unwrap();
        supervisor.await;
        assert_eq!(starts, 1);
    }

    #[test]
    fn outcomes_are_written_back_in_full_batches_or_after_the_gathering_time() {
        assert!(!time_to_record(0, RECORD_GATHER * 2));
        assert!(!time_to_record(1, Duration::ZERO));
        assert!(!time_to_record(MAX_OUTCOMES_PER_RECORD - 1, RECORD_GATHER - Duration::from_millis(1)));
        assert!(time_to_record(1, RECORD_GATHER));
        assert!(time_to_record(MAX_OUTCOMES_PER_RECORD, Duration::ZERO));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("30", 0), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("999999", 0), Some(MAX_RETRY_AFTER));
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z").unwrap().timestamp();
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(60)));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn answers_are_judged_by_status() {
        let clock = Clock::system();
        let judged = |status: u16, retry_after: Option<&str>| {
            judge(
                StatusCode::from_u16(status).unwrap(),
                Some("https://elsewhere".into()),
                retry_after.map(str::to_string),
                b"nope",
                &clock,
            )
        };
        assert_eq!(judged(204, None).verdict, Verdict::Delivered);
        assert_eq!(judged(410, None).verdict, Verdict::Gone);
        let redirect = judged(301, None);
        assert_eq!(redirect.label, "redirect");
        assert!(redirect.error.unwrap().contains("https://elsewhere not followed"));
        assert_eq!(judged(500, Some("60")).verdict, Verdict::Retry { not_before: None });
        assert_eq!(judged(429, Some("60")).verdict, Verdict::Retry { not_before: Some(Duration::from_secs(60)) });
        assert_eq!(judged(503, Some("7")).verdict, Verdict::Retry { not_before: Some(Duration::from_secs(7)) });
        assert_eq!(judged(500, None).error.as_deref(), Some("HTTP 500: nope"));
    }

    fn outcome(previous_attempts: i64, verdict: Verdict) -> Outcome {
        Outcome {
            message_seq: 1,
            previous_attempts,
            attempt: AttemptRow {
                message_id: "msg_1".into(),
                subscription_id: "wh_1".into(),
                event_type: "job.created".into(),
                time: 0,
                success: false,
                status_code: Some(500),
                latency_ms: 1,
                error: None,
            },
            verdict,
            finished_at: 1_000_000,
            jitter: 1.0,
            label: "failure",
            hold_endpoint: true,
        }
    }

    #[test]
    fn the_schedule_sets_the_next_attempt_and_then_gives_up() {
        let policy =
            Policy { retry_schedule: vec![Duration::from_secs(5), Duration::from_secs(300)], disable_after: None };
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO webhook_subscriptions (id, key_id, url, secret, created_at) VALUES ('wh_1', 'key_1', 'https://x', 's', 0);
             INSERT INTO webhook_messages (seq, id, subscription_id, event_type, job_id, next_attempt_at, created_at)
             VALUES (1, 'msg_1', 'wh_1', 'job.created', 'upwork-1', 0, 0);",
        )
        .unwrap();
        let state = |conn: &rusqlite::Connection| rows::message_state(conn, 1).unwrap().unwrap();
        let next = |conn: &rusqlite::Connection| -> i64 {
            conn.query_row("SELECT next_attempt_at FROM webhook_messages WHERE seq = 1", [], |r| r.get(0)).unwrap()
        };
        record(&conn, &[outcome(0, Verdict::Retry { not_before: None })], &policy).unwrap();
        assert_eq!(state(&conn), ("pending".to_string(), 1));
        assert_eq!(next(&conn), 1_005_000);
        record(&conn, &[outcome(1, Verdict::Retry { not_before: Some(Duration::from_secs(900)) })], &policy).unwrap();
        assert_eq!(next(&conn), 1_900_000, "Retry-After beyond the schedule's delay wins");
        record(&conn, &[outcome(2, Verdict::Retry { not_before: None })], &policy).unwrap();
        assert_eq!(state(&conn), ("failed".to_string(), 3));
        let attempts: i64 = conn.query_row("SELECT count(*) FROM webhook_attempts", [], |r| r.get(0)).unwrap();
        assert_eq!(attempts, 3);
    }

    /// Five pending messages of one subscription, in an in-memory database.
    fn five_pending_messages() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO webhook_subscriptions (id, key_id, url, secret, created_at) VALUES ('wh_1', 'key_1', 'https://x', 's', 0);",
        )
        .unwrap();
        for seq in 1..=5 {
            conn.execute(
                "INSERT INTO webhook_messages (seq, id, subscription_id, event_type, job_id, next_attempt_at, created_at)
                 VALUES (?1, 'msg_' || ?1, 'wh_1', 'job.created', 'upwork-1', 0, 0)",
                [seq],
            )
            .unwrap();
        }
        conn
    }

    fn outcome_for(seq: i64, verdict: Verdict, finished_at: i64) -> Outcome {
        Outcome { message_seq: seq, finished_at, hold_endpoint: false, ..outcome(0, verdict) }
    }

    /// The endpoint's health is written once per batch for its deliveries,
    /// yet ends as if each outcome had been applied in order.
    #[test]
    fn deliveries_in_a_batch_count_once_and_keep_the_order_of_outcomes() {
        let policy = Policy { retry_schedule: vec![Duration::from_secs(5)], disable_after: None };
        let health = |conn: &rusqlite::Connection| -> (i64, i64, Option<i64>, Option<i64>) {
            conn.query_row(
                "SELECT delivered_count, consecutive_failures, last_success_at, failing_since FROM webhook_subscriptions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
        };
        let conn = five_pending_messages();
        let retry = Verdict::Retry { not_before: None };
        record(
            &conn,
            &[
                outcome_for(1, Verdict::Delivered, 10),
                outcome_for(2, Verdict::Delivered, 20),
                outcome_for(3, retry, 30),
                outcome_for(4, Verdict::Delivered, 40),
            ],
            &policy,
        )
        .unwrap();
        assert_eq!(health(&conn), (3, 0, Some(40), None), "the last outcome, a delivery, leaves the endpoint healthy");

        let conn = five_pending_messages();
        record(&conn, &[outcome_for(1, Verdict::Delivered, 10), outcome_for(2, retry, 20)], &policy).unwrap();
        assert_eq!(health(&conn), (1, 1, Some(10), Some(20)), "the last outcome, a failure, leaves it failing");
        let delivered: i64 = conn
            .query_row("SELECT count(*) FROM webhook_messages WHERE status = 'delivered'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(delivered, 1);
    }

    /// The due query leaves out messages whose outcome is not committed yet,
    /// so the worker can look again before the writer has recorded them.
    #[test]
    fn due_messages_leave_out_the_ones_taken() {
        let conn = five_pending_messages();
        let seqs = |taken: &[i64], limit: i64| -> Vec<i64> {
            rows::due_messages(&conn, 1, taken, &[], limit).unwrap().iter().map(|message| message.seq).collect()
        };
        assert_eq!(seqs(&[], 3), vec![1, 2, 3]);
        assert_eq!(seqs(&[1, 2, 4], 3), vec![3, 5]);
        assert_eq!(seqs(&[1, 2, 3, 4, 5], 3), Vec::<i64>::new());
        assert!(rows::due_messages(&conn, 1, &[], &["wh_1".to_string()], 3).unwrap().is_empty(), "skipped endpoint");
    }
}
