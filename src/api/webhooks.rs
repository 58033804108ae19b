//! `/webhooks` (Business and Enterprise keys) and `GET /admin/api/webhooks`.
//!
//! A key sees and changes only its own subscriptions; another key's id
//! answers 404 exactly like an unknown one, so ids cannot be probed. The
//! signing secret is shown twice in a subscription's life: when it is
//! created and when it is rotated.

use super::{Caller, Context, Handled, envelope, read_json};
use crate::clock::format_unix;
use crate::error::{Error, Result};
use crate::http::response::{Body, Data, Envelope};
use crate::http::router::Route;
use crate::query::params::split_query;
use crate::store::webhooks::{self as rows, AttemptRow, SubscriptionRow};
use crate::webhooks::{self as hooks, filters, guard, signing};
use chrono::{TimeZone, Utc};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{Map, Value, json};

/// The 403 of plans without webhooks.
pub const PLAN_MESSAGE: &str = "Webhooks are available on the Business and Enterprise plans.";
/// Subscriptions one key may hold; each one costs matching work on every ingest.
pub const MAX_WEBHOOKS_PER_KEY: i64 = 100;
const MAX_DESCRIPTION_CHARS: usize = 500;
const BODY_LIMIT: usize = 64 * 1024;
/// Why a subscription is off when its owner turned it off.
const DISABLED_BY_OWNER: &str = "Turned off with PATCH /webhooks/{id}.";
/// How long the previous secret keeps signing after a rotation.
const SECRET_OVERLAP_MILLIS: i64 = 24 * 3_600_000;
const DEFAULT_DELIVERIES: i64 = 100;
const MAX_DELIVERIES: i64 = 1_000;
/// Attempts per subscription in the admin listing.
const ADMIN_RECENT_ATTEMPTS: i64 = 5;

pub async fn handle(context: &Context, caller: &Caller, route: Route, request: Request<Incoming>) -> Result<Handled> {
    if !caller.limits.webhooks {
        return Err(Error::Forbidden(PLAN_MESSAGE.into()));
    }
    let response = match route {
        Route::WebhooksList => list(context, caller, &request).await,
        Route::WebhooksCreate => create(context, caller, request).await,
        Route::Webhook(id) => show(context, caller, &id, &request).await,
        Route::WebhookDelete(id) => delete(context, caller, &id, &request).await,
        Route::WebhookUpdate(id) => update(context, caller, &id, request).await,
        Route::WebhookTest(id) => test(context, caller, &id, &request).await,
        Route::WebhookDeliveries(id) => deliveries(context, caller, &id, &request).await,
        Route::WebhookRotateSecret(id) => rotate_secret(context, caller, &id, &request).await,
        other => Err(Error::internal(format!("route {} is not a webhook route", other.name()))),
    }?;
    Ok(Handled::counted(response))
}

fn not_found() -> Error {
    Error::NotFound("Webhook not found".into())
}

/// RFC 3339 with milliseconds, for attempt times.
fn format_millis(millis: i64) -> String {
    match Utc.timestamp_millis_opt(millis).single() {
        Some(instant) => instant.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => String::new(),
    }
}

fn format_seconds_of(millis: i64) -> String {
    format_unix(millis.div_euclid(1000))
}

fn stored_filters(row: &SubscriptionRow) -> Value {
    serde_json::from_str(&row.filters).unwrap_or_else(|_| Value::Object(Map::new()))
}

/// A subscription as its owner sees it (never the secret).
fn subscription_json(row: &SubscriptionRow) -> Value {
    json!({
        "id": row.id,
        "url": row.url,
        "description": row.description,
        "filters": stored_filters(row),
        "active": row.active,
        "disabled_reason": row.disabled_reason,
        "disabled_at": row.disabled_at.map(format_seconds_of),
        "created_at": format_seconds_of(row.created_at),
        "last_success_at": row.last_success_at.map(format_seconds_of),
        "last_failure_at": row.last_failure_at.map(format_seconds_of),
        "failing_since": row.failing_since.map(format_seconds_of),
        "failures": row.consecutive_failures,
    })
}

fn attempt_json(attempt: &AttemptRow) -> Value {
    json!({
        "time": format_millis(attempt.time),
        "message_id": attempt.message_id,
        "event_type": attempt.event_type,
        "success": attempt.success,
        "status_code": attempt.status_code,
        "latency_ms": attempt.latency_ms,
        "error": attempt.error,
    })
}

/// The caller's subscription `id`, or 404.
async fn owned(context: &Context, caller: &Caller, id: &str) -> Result<SubscriptionRow> {
    let id = id.to_string();
    let row = context.state.store.readers.read(move |conn| rows::subscription_by_id(conn, &id)).await?;
    row.filter(|row| row.key_id == *caller.entry.id).ok_or_else(not_found)
}

/// `owned` inside a writer task, where the row must be read again.
fn owned_row(conn: &rusqlite::Connection, id: &str, key_id: &str) -> Result<SubscriptionRow> {
    rows::subscription_by_id(conn, id)?.filter(|row| row.key_id == key_id).ok_or_else(not_found)
}

fn no_parameters(request: &Request<Incoming>) -> Result<()> {
    split_query(request.uri().query().unwrap_or(""), &[]).map(|_| ())
}

async fn list(context: &Context, caller: &Caller, request: &Request<Incoming>) -> Result<Response<Body>> {
    no_parameters(request)?;
    let key_id = caller.entry.id.to_string();
    let subscriptions =
        context.state.store.readers.read(move |conn| rows::subscriptions_for_key(conn, &key_id)).await?;
    Ok(envelope(context, Envelope::ok(Data::Values(subscriptions.iter().map(subscription_json).collect()))))
}

async fn show(context: &Context, caller: &Caller, id: &str, request: &Request<Incoming>) -> Result<Response<Body>> {
    no_parameters(request)?;
    let row = owned(context, caller, id).await?;
    let subscription_id = row.id.clone();
    let pending = context.state.store.readers.read(move |conn| rows::pending_count(conn, &subscription_id)).await?;
    let mut value = subscription_json(&row);
    if let Value::Object(object) = &mut value {
        object.insert(
            "messages".into(),
            json!({"pending": pending, "delivered": row.delivered_count, "failed": row.failed_count}),
        );
    }
    Ok(envelope(context, Envelope::ok(Data::one(value))))
}

/// A body's `url`: trimmed, and a target the SSRF guard can check.
fn url_field(value: &Value) -> Result<(String, hyper::Uri)> {
    let Value::String(url) = value else { return Err(Error::bad_request("Invalid url: must be a string")) };
    let url = url.trim().to_string();
    let target = guard::parse_target(&url).map_err(Error::bad_request)?;
    Ok((url, target))
}

/// A body's `description`: a string of at most 500 characters, or null.
fn description_field(value: &Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) if text.chars().count() <= MAX_DESCRIPTION_CHARS => Ok(Some(text.trim().to_string())),
        Value::String(_) => {
            Err(Error::bad_request(format!("Invalid description: longer than {MAX_DESCRIPTION_CHARS} characters")))
        }
        _ => Err(Error::bad_request("Invalid description: must be a string")),
    }
}

async fn create(context: &Context, caller: &Caller, request: Request<Incoming>) -> Result<Response<Body>> {
    split_query(request.uri().query().unwrap_or(""), &[])?;
    let body = read_json(context, request, BODY_LIMIT).await?;
    let Value::Object(body) = body else {
        return Err(Error::bad_request("Invalid JSON body: expected an object with url, filters and description"));
    };
    if let Some(unknown) = body.keys().find(|name| !matches!(name.as_str(), "url" | "filters" | "description")) {
        return Err(Error::bad_request(format!("Unknown field '{unknown}' (expected url, filters, description)")));
    }
    let Some(url) = body.get("url") else {
        return Err(Error::bad_request("Missing url: the http(s) URL to deliver events to"));
    };
    let (url, target) = url_field(url)?;
    let description = body.get("description").map(description_field).transpose()?.flatten();
    let (_, stored_filters) = filters::validate(body.get("filters"))?;
    guard::check_target(&target, context.state.config.webhook_allow_private).await.map_err(Error::bad_request)?;

    let row = SubscriptionRow {
        description,
        ..SubscriptionRow::new(
            crate::auth::keys::new_id("wh_"),
            caller.entry.id.to_string(),
            url,
            Value::Object(stored_filters).to_string(),
            context.state.clock.now_millis(),
        )
    };
    let stored = row.clone();
    context
        .state
        .store
        .writer
        .call(move |writer| {
            if rows::count_for_key(&writer.conn, &stored.key_id)? >= MAX_WEBHOOKS_PER_KEY {
                return Err(Error::Conflict(format!(
                    "Webhook limit reached: a key can have at most {MAX_WEBHOOKS_PER_KEY} webhooks. Delete one first."
                )));
            }
            rows::insert_subscription(&writer.conn, &stored)
        })
        .await?;
    let mut value = subscription_json(&row);
    if let Value::Object(object) = &mut value {
        object.insert("secret".into(), Value::from(row.secret.clone()));
    }
    Ok(envelope(context, Envelope::ok(Data::one(value)).with_status(StatusCode::CREATED)))
}

async fn delete(context: &Context, caller: &Caller, id: &str, request: &Request<Incoming>) -> Result<Response<Body>> {
    no_parameters(request)?;
    let (id_owned, key_id) = (id.to_string(), caller.entry.id.to_string());
    let deleted = context
        .state
        .store
        .writer
        .call(move |writer| match rows::subscription_by_id(&writer.conn, &id_owned)? {
            Some(row) if row.key_id == key_id => rows::delete_subscription(&writer.conn, &id_owned),
            _ => Ok(false),
        })
        .await?;
    if !deleted {
        return Err(not_found());
    }
    Ok(envelope(context, Envelope::ok(Data::one(json!({"id": id, "deleted": true}))).with_message("Webhook deleted")))
}

/// `PATCH /webhooks/{id}`: a new URL, filters or description (each checked
/// as at creation), or the subscription turned off (`"active": false`) or
/// on again (`"active": true`, which also clears its disabled reason and its
/// failure streak). Messages given up while it was off are not sent again;
/// the secret and the delivery history stay.
async fn update(context: &Context, caller: &Caller, id: &str, request: Request<Incoming>) -> Result<Response<Body>> {
    split_query(request.uri().query().unwrap_or(""), &[])?;
    let body = read_json(context, request, BODY_LIMIT).await?;
    let Value::Object(body) = body else {
        return Err(Error::bad_request(
            "Invalid JSON body: expected an object with any of url, filters, description, active",
        ));
    };
    if let Some(unknown) =
        body.keys().find(|name| !matches!(name.as_str(), "url" | "filters" | "description" | "active"))
    {
        return Err(Error::bad_request(format!(
            "Unknown field '{unknown}' (expected url, filters, description, active)"
        )));
    }
    if body.is_empty() {
        return Err(Error::bad_request("Nothing to change: give any of url, filters, description, active"));
    }
    let url = match body.get("url") {
        Some(value) => {
            let (url, target) = url_field(value)?;
            guard::check_target(&target, context.state.config.webhook_allow_private)
                .await
                .map_err(Error::bad_request)?;
            Some(url)
        }
        None => None,
    };
    let description = body.get("description").map(description_field).transpose()?;
    let filters = match body.get("filters") {
        Some(value) => Some(Value::Object(filters::validate(Some(value))?.1).to_string()),
        None => None,
    };
    let active = match body.get("active") {
        None => None,
        Some(Value::Bool(active)) => Some(*active),
        Some(_) => return Err(Error::bad_request("Invalid active: must be true or false")),
    };
    let (id_owned, key_id) = (id.to_string(), caller.entry.id.to_string());
    let now = context.state.clock.now_millis();
    let row = context
        .state
        .store
        .writer
        .call(move |writer| {
            let conn = &writer.conn;
            let mut row = owned_row(conn, &id_owned, &key_id)?;
            if url.is_some() || description.is_some() || filters.is_some() {
                row.url = url.unwrap_or(row.url);
                row.description = description.unwrap_or(row.description);
                row.filters = filters.unwrap_or(row.filters);
                rows::update_subscription(conn, &row)?;
            }
            match active {
                Some(true) if !row.active => rows::enable_subscription(conn, &id_owned)?,
                Some(false) if row.active => rows::disable_subscription(conn, &id_owned, DISABLED_BY_OWNER, now)?,
                _ => {}
            }
            rows::subscription_by_id(conn, &id_owned)?.ok_or_else(not_found)
        })
        .await?;
    Ok(envelope(context, Envelope::ok(Data::one(subscription_json(&row))).with_message("Webhook updated")))
}

async fn test(context: &Context, caller: &Caller, id: &str, request: &Request<Incoming>) -> Result<Response<Body>> {
    no_parameters(request)?;
    let (id_owned, key_id) = (id.to_string(), caller.entry.id.to_string());
    let now = context.state.clock.now_millis();
    let message_id = context
        .state
        .store
        .writer
        .call(move |writer| {
            let row = owned_row(&writer.conn, &id_owned, &key_id)?;
            if !row.active {
                let reason = row.disabled_reason.unwrap_or_default();
                return Err(Error::Conflict(format!(
                    "Webhook is disabled and receives nothing: {reason} Turn it on again with PATCH /webhooks/{{id}} \
                     and {{\"active\": true}} once the endpoint works."
                )));
            }
            hooks::enqueue_test(writer, &id_owned, now)
        })
        .await?;
    let data =
        json!({"message_id": message_id, "webhook_id": id, "event_type": hooks::WEBHOOK_TEST, "status": "pending"});
    Ok(envelope(
        context,
        Envelope::ok(Data::one(data))
            .with_status(StatusCode::ACCEPTED)
            .with_message("Test event queued; see GET /webhooks/{id}/deliveries for the attempt"),
    ))
}

async fn deliveries(
    context: &Context,
    caller: &Caller,
    id: &str,
    request: &Request<Incoming>,
) -> Result<Response<Body>> {
    let pairs = split_query(request.uri().query().unwrap_or(""), &[&["limit"]])?;
    let mut limit = DEFAULT_DELIVERIES;
    for (name, value) in pairs {
        limit = match value.trim().parse::<i64>() {
            Ok(number) if (1..=MAX_DELIVERIES).contains(&number) => number,
            _ => {
                return Err(Error::bad_request(format!(
                    "Invalid {name} parameter: must be an integer from 1 to {MAX_DELIVERIES}"
                )));
            }
        };
    }
    let row = owned(context, caller, id).await?;
    let attempts = context.state.store.readers.read(move |conn| rows::recent_attempts(conn, &row.id, limit)).await?;
    Ok(envelope(context, Envelope::ok(Data::Values(attempts.iter().map(attempt_json).collect()))))
}

async fn rotate_secret(
    context: &Context,
    caller: &Caller,
    id: &str,
    request: &Request<Incoming>,
) -> Result<Response<Body>> {
    no_parameters(request)?;
    let (id_owned, key_id) = (id.to_string(), caller.entry.id.to_string());
    let secret = signing::new_secret();
    let now = context.state.clock.now_millis();
    let previous_expires_at = now + SECRET_OVERLAP_MILLIS;
    let stored_secret = secret.clone();
    context
        .state
        .store
        .writer
        .call(move |writer| {
            owned_row(&writer.conn, &id_owned, &key_id)?;
            rows::rotate_secret(&writer.conn, &id_owned, &stored_secret, previous_expires_at, now)
        })
        .await?;
    let data = json!({
        "id": id,
        "secret": secret,
        "previous_secret_expires_at": format_seconds_of(previous_expires_at),
    });
    Ok(envelope(
        context,
        Envelope::ok(Data::one(data)).with_message("New secret issued; the previous one also signs for 24 hours"),
    ))
}

/// `GET /admin/api/webhooks`: every subscription with its delivery health.
pub async fn admin_list(context: &Context) -> Result<Response<Body>> {
    let since = context.state.clock.now_millis() - 24 * 3_600_000;
    let listed = context
        .state
        .store
        .readers
        .read(move |conn| {
            let mut listed = Vec::new();
            let pending = rows::pending_counts(conn)?;
            for (row, key_name) in rows::all_subscriptions(conn)? {
                let failures = rows::failed_attempts_since(conn, &row.id, since)?;
                let recent = rows::recent_attempts(conn, &row.id, ADMIN_RECENT_ATTEMPTS)?;
                let pending = pending.get(&row.id).copied().unwrap_or(0);
                listed.push((row, key_name, failures, recent, pending));
            }
            Ok(listed)
        })
        .await?;
    let data = listed
        .into_iter()
        .map(|(row, key_name, failures, recent, pending)| {
            json!({
                "id": row.id,
                "key_id": row.key_id,
                "key_name": key_name,
                "url": row.url,
                "description": row.description,
                "filters": stored_filters(&row),
                "active": row.active,
                "disabled_reason": row.disabled_reason,
                // Active, yet receiving nothing: its key was revoked,
                // expired or moved to a plan without webhooks.
                "key_blocked_reason": context.state.auth.webhooks_blocked(&row.key_id),
                "created_at": format_seconds_of(row.created_at),
                "last_success_at": row.last_success_at.map(format_seconds_of),
                "last_failure_at": row.last_failure_at.map(format_seconds_of),
                "consecutive_failures": row.consecutive_failures,
                "failures_last_24h": failures,
                "messages": {"pending": pending, "delivered": row.delivered_count, "failed": row.failed_count},
                "recent_attempts": recent.iter().map(|attempt| json!({
                    "time": format_millis(attempt.time),
                    "status_code": attempt.status_code,
                    "latency_ms": attempt.latency_ms,
                    "error": attempt.error,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(envelope(context, Envelope::ok(Data::Values(data))))
}
