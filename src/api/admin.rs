//! The admin API under `/admin/api/` and `/metrics` (bearer token checked
//! by the pipeline before these run).

use super::{Context, envelope, read_body, read_json};
use crate::auth::Auth;
use crate::clock::{format_unix, parse_time_or_date};
use crate::error::{Error, Result};
use crate::http::response::{Body, Data, Envelope};
use crate::http::router::Route;
use crate::ingest;
use crate::query::params::{boolean, integer_in, split_query};
use crate::store::keys::{self as key_rows, KeyOverrides, KeyRow, PlanRow};
use crate::store::{jobs as job_rows, usage as usage_rows};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;

/// Largest JSON body of the small admin endpoints.
const SMALL_BODY_BYTES: usize = 64 * 1024;

pub async fn handle(context: &Context, route: Route, request: Request<Incoming>) -> Result<Response<Body>> {
    match route {
        Route::AdminKeysList => list_keys(context, &request).await,
        Route::AdminKeyShow(id) => show_key(context, &id, &request).await,
        Route::AdminKeysCreate => create_key(context, request).await,
        Route::AdminKeyUpdate(id) => update_key(context, &id, request).await,
        Route::AdminKeyRevoke(id) => revoke_key(context, &id).await,
        Route::AdminPlansList => Ok(envelope(
            context,
            Envelope::ok(Data::Values(context.state.auth.plans().iter().map(plan_json).collect())),
        )),
        Route::AdminPlanUpdate(name) => update_plan(context, &name.to_ascii_lowercase(), request).await,
        Route::AdminJobsIngest => ingest_jobs(context, request).await,
        Route::AdminJobDelete(id) => delete_job(context, &id).await,
        Route::AdminJobVerdict(id) => verdict(context, &id, request).await,
        Route::AdminQuality => quality(context, &request).await,
        Route::AdminStats => stats(context).await,
        Route::AdminUsage => usage(context, &request).await,
        Route::AdminRequests => requests(context, &request).await,
        Route::AdminWebhooks => super::webhooks::admin_list(context).await,
        Route::AdminPrune => prune(context).await,
        Route::AdminBackup => backup(context).await,
        Route::Metrics => metrics(context),
        other => Err(Error::internal(format!("route {} is not an admin route", other.name()))),
    }
}

/// A key as listings show it (never the key itself, never its hash).
pub fn key_json(auth: &Auth, row: &KeyRow) -> Value {
    let limits = auth.limits_for(row);
    let entry = auth.entry_by_id(&row.id);
    let usage = entry.as_ref().map(|entry| auth.month_usage(entry));
    let last_used = entry.as_ref().and_then(|entry| auth.last_used_at(entry)).or(row.last_used_at);
    let overage_calls = usage.map(|usage| usage.overage_calls).unwrap_or(0);
    let price = limits.as_ref().map(|limits| limits.overage_price_usd).unwrap_or(0.0);
    json!({
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "plan": row.plan,
        "prefix": row.prefix,
        "last4": row.last4,
        "created_at": format_unix(row.created_at),
        "expires_at": row.expires_at.map(format_unix),
        "last_used_at": last_used.map(format_unix),
        "revoked": row.revoked_at.is_some(),
        "revoked_at": row.revoked_at.map(format_unix),
        "calls_this_month": usage.map(|usage| usage.calls).unwrap_or(0),
        "overage_calls": overage_calls,
        "overage_cost_usd": (overage_calls as f64 * price * 100.0).round() / 100.0,
        "rate_limit_per_min": limits.as_ref().map(|limits| limits.rate_limit_per_min),
        "burst": limits.as_ref().map(|limits| limits.burst),
        "monthly_quota": limits.as_ref().and_then(|limits| limits.monthly_quota),
        "retention_days": limits.as_ref().and_then(|limits| limits.retention_days),
        "spending_cap_usd": row.overrides.spending_cap_usd,
        "overrides": {
            "rate_limit_per_min": row.overrides.rate_limit_per_min,
            "burst": row.overrides.burst,
            "monthly_quota": row.overrides.monthly_quota,
            "retention_days": row.overrides.retention_days,
            "spending_cap_usd": row.overrides.spending_cap_usd,
        },
    })
}

pub fn plan_json(plan: &PlanRow) -> Value {
    json!({
        "name": plan.name,
        "rate_limit_per_min": plan.rate_limit_per_min,
        "burst": plan.burst,
        "monthly_quota": plan.monthly_quota,
        "overage": plan.overage,
        "overage_price_usd": plan.overage_price_usd,
        "retention_days": plan.retention_days,
        "webhooks": plan.webhooks,
    })
}

async fn list_keys(context: &Context, request: &Request<Incoming>) -> Result<Response<Body>> {
    // No parameters: a filter or paging parameter would be ignored, and a
    // caller must not think the list it got was filtered.
    split_query(request.uri().query().unwrap_or(""), &[])?;
    let state = &context.state;
    let rows = state.store.readers.read(key_rows::all_keys).await?;
    let data = rows.iter().map(|row| key_json(&state.auth, row)).collect();
    Ok(envelope(context, Envelope::ok(Data::Values(data))))
}

async fn show_key(context: &Context, id: &str, request: &Request<Incoming>) -> Result<Response<Body>> {
    split_query(request.uri().query().unwrap_or(""), &[])?;
    let state = &context.state;
    let id_owned = id.to_string();
    let row = state
        .store
        .readers
        .read(move |conn| key_rows::key_by_id(conn, &id_owned))
        .await?
        .ok_or_else(|| Error::NotFound("Key not found".into()))?;
    Ok(envelope(context, Envelope::ok(Data::one(key_json(&state.auth, &row)))))
}

/// The fields of a create or update body, checked.
#[derive(Default)]
pub struct KeyChanges {
    pub name: Option<String>,
    pub plan: Option<String>,
    pub email: Option<Option<String>>,
    pub expires_at: Option<Option<i64>>,
    pub rate_limit_per_min: Option<Option<i64>>,
    pub burst: Option<Option<i64>>,
    pub monthly_quota: Option<Option<i64>>,
    pub retention_days: Option<Option<i64>>,
    pub spending_cap_usd: Option<Option<f64>>,
}

impl KeyChanges {
    /// Reads a JSON object; `null` clears an override, absence keeps it.
    pub fn from_json(body: &Value) -> Result<KeyChanges> {
        let object = body.as_object().ok_or_else(|| Error::bad_request("Invalid JSON body: expected an object"))?;
        const KNOWN: &[&str] = &[
            "name",
            "plan",
            "email",
            "expires_at",
            "rate_limit_per_min",
            "burst",
            "monthly_quota",
            "retention_days",
            "spending_cap_usd",
        ];
        if let Some(unknown) = object.keys().find(|name| !KNOWN.contains(&name.as_str())) {
            return Err(Error::bad_request(format!("Unknown field '{unknown}'")));
        }
        let string = |name: &str| -> Result<Option<Option<String>>> {
            match object.get(name) {
                None => Ok(None),
                Some(Value::Null) => Ok(Some(None)),
                Some(Value::String(text)) if text.chars().count() <= 200 && !text.chars().any(is_control_or_bidi) => {
                    Ok(Some(Some(text.trim().to_string())))
                }
                Some(_) => Err(Error::bad_request(format!(
                    "Invalid {name}: must be a string of at most 200 characters, without control characters"
                ))),
            }
        };
        let count = |name: &str| -> Result<Option<Option<i64>>> {
            match object.get(name) {
                None => Ok(None),
                Some(Value::Null) => Ok(Some(None)),
                Some(value) => limit_value(name, value).map(|number| Some(Some(number))),
            }
        };
        let name = match string("name")? {
            Some(Some(name)) if !name.is_empty() => Some(name),
            None => None,
            _ => return Err(Error::bad_request("Invalid name: must be a non-empty string")),
        };
        let plan = match string("plan")? {
            // Plan names are lower case; `Starter` means `starter`.
            Some(Some(plan)) => Some(plan.to_ascii_lowercase()),
            None => None,
            Some(None) => return Err(Error::bad_request("Invalid plan: must be a plan name")),
        };
        let expires_at = match object.get("expires_at") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(text)) => Some(Some(
                parse_time_or_date(text.trim())
                    .ok_or_else(|| {
                        Error::bad_request("Invalid expires_at: must be an RFC 3339 time or YYYY-MM-DD date")
                    })?
                    .timestamp(),
            )),
            Some(_) => {
                return Err(Error::bad_request("Invalid expires_at: must be an RFC 3339 time or YYYY-MM-DD date"));
            }
        };
        let spending_cap_usd = match object.get("spending_cap_usd") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(value) => Some(Some(dollar_value("spending_cap_usd", value)?)),
        };
        let email = string("email")?;
        if let Some(Some(email)) = &email
            && !email.is_empty()
            && !is_email_address(email)
        {
            return Err(Error::bad_request("Invalid email: must be an e-mail address (name@domain)"));
        }
        Ok(KeyChanges {
            name,
            plan,
            email,
            expires_at,
            rate_limit_per_min: count("rate_limit_per_min")?,
            burst: count("burst")?,
            monthly_quota: count("monthly_quota")?,
            retention_days: count("retention_days")?,
            spending_cap_usd,
        })
    }

    pub fn apply(self, row: &mut KeyRow) {
        if let Some(name) = self.name {
            row.name = name;
        }
        if let Some(plan) = self.plan {
            row.plan = plan;
        }
        if let Some(email) = self.email {
            row.email = email.filter(|email| !email.is_empty());
        }
        if let Some(expires_at) = self.expires_at {
            row.expires_at = expires_at;
        }
        let overrides = &mut row.overrides;
        if let Some(value) = self.rate_limit_per_min {
            overrides.rate_limit_per_min = value;
        }
        if let Some(value) = self.burst {
            overrides.burst = value;
        }
        if let Some(value) = self.monthly_quota {
            overrides.monthly_quota = value;
        }
        if let Some(value) = self.retention_days {
            overrides.retention_days = value;
        }
        if let Some(value) = self.spending_cap_usd {
            overrides.spending_cap_usd = value;
        }
    }
}

/// The range of each whole-number limit of a key or a plan. A rate of 0
/// would leave a bucket that never refills; the upper bounds are far past
/// any real use and keep the arithmetic on them exact.
fn limit_range(name: &str) -> (i64, i64) {
    match name {
        "rate_limit_per_min" | "burst" => (1, 1_000_000_000),
        "monthly_quota" => (0, 1_000_000_000_000),
        // A century.
        _ => (1, 36_500),
    }
}

/// A whole-number limit (`rate_limit_per_min`, `burst`, `monthly_quota`,
/// `retention_days`), checked against its range.
fn limit_value(name: &str, value: &Value) -> Result<i64> {
    let (low, high) = limit_range(name);
    value
        .as_i64()
        .filter(|number| (low..=high).contains(number))
        .ok_or_else(|| Error::bad_request(format!("Invalid {name}: must be an integer from {low} to {high}")))
}

/// A dollar amount (`spending_cap_usd`, `overage_price_usd`).
fn dollar_value(name: &str, value: &Value) -> Result<f64> {
    const MOST: f64 = 1_000_000_000.0;
    value
        .as_f64()
        .filter(|amount| (0.0..=MOST).contains(amount))
        .ok_or_else(|| Error::bad_request(format!("Invalid {name}: must be a number from 0 to 1000000000")))
}

/// Characters a name or an e-mail may not hold: control characters, and the
/// bidirectional overrides and isolates that make text display other than
/// it reads (U+202A–U+202E, U+2066–U+2069).
fn is_control_or_bidi(character: char) -> bool {
    character.is_control() || matches!(character, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A plausible e-mail address: one `@` with something on each side and no
/// spaces. (Whether it receives mail is the operator's business.)
fn is_email_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Creates a key; shared by the admin API, the CLI and `--demo`.
pub fn new_key_row(changes: KeyChanges, now: i64) -> Result<(KeyRow, String)> {
    let name = changes.name.clone().ok_or_else(|| Error::bad_request("Invalid name: a key needs a name"))?;
    let plan = changes.plan.clone().ok_or_else(|| Error::bad_request("Invalid plan: a key needs a plan"))?;
    // A key born expired is a mistake (a typo'd year); an update may still
    // set a past time to expire a key at once.
    if let Some(Some(expires_at)) = changes.expires_at
        && expires_at <= now
    {
        return Err(Error::bad_request("Invalid expires_at: a new key's expiry must be in the future"));
    }
    let material = crate::auth::keys::generate_key();
    let mut row = KeyRow {
        id: crate::auth::keys::new_id("key_"),
        key_hash: material.hash,
        prefix: material.prefix,
        last4: material.last4,
        name,
        email: None,
        plan,
        created_at: now,
        expires_at: None,
        revoked_at: None,
        last_used_at: None,
        overrides: KeyOverrides::default(),
    };
    changes.apply(&mut row);
    Ok((row, material.key))
}

fn check_plan(auth: &Auth, plan: &str) -> Result<()> {
    if auth.plan(plan).is_none() {
        let names: Vec<String> = auth.plans().into_iter().map(|plan| plan.name).collect();
        return Err(Error::bad_request(format!("Invalid plan: '{plan}' is not one of {}", names.join(", "))));
    }
    Ok(())
}

async fn create_key(context: &Context, request: Request<Incoming>) -> Result<Response<Body>> {
    let state = &context.state;
    let changes = KeyChanges::from_json(&read_json(context, request, SMALL_BODY_BYTES).await?)?;
    let (row, key) = new_key_row(changes, context.now)?;
    check_plan(&state.auth, &row.plan)?;
    let now = context.now;
    let stored = row.clone();
    let version = state
        .store
        .writer
        .call(move |writer| {
            key_rows::insert_key(&writer.conn, &stored, now)?;
            key_rows::auth_version(&writer.conn)
        })
        .await?;
    // One new key: add it to the map instead of reading every key again
    // (creating 10,000 keys would otherwise be quadratic). If another
    // process changed keys since the last load, the version jumped by more
    // than this insert's one step: read everything.
    if !state.auth.put_at_version(row.clone(), version) {
        crate::reload_auth(state).await?;
    }
    let mut data = key_json(&state.auth, &row);
    data["key"] = Value::from(key);
    Ok(envelope(context, Envelope::ok(Data::one(data)).with_status(StatusCode::CREATED)))
}

async fn update_key(context: &Context, id: &str, request: Request<Incoming>) -> Result<Response<Body>> {
    let state = &context.state;
    let changes = KeyChanges::from_json(&read_json(context, request, SMALL_BODY_BYTES).await?)?;
    if let Some(plan) = &changes.plan {
        check_plan(&state.auth, plan)?;
    }
    let id = id.to_string();
    let now = context.now;
    let updated = state
        .store
        .writer
        .call(move |writer| {
            let Some(mut row) = key_rows::key_by_id(&writer.conn, &id)? else { return Ok(None) };
            changes.apply(&mut row);
            key_rows::update_key(&writer.conn, &row, now)?;
            Ok(Some(row))
        })
        .await?
        .ok_or_else(|| Error::NotFound("Key not found".into()))?;
    crate::reload_auth(state).await?;
    Ok(envelope(context, Envelope::ok(Data::one(key_json(&state.auth, &updated)))))
}

async fn revoke_key(context: &Context, id: &str) -> Result<Response<Body>> {
    let state = &context.state;
    let id_owned = id.to_string();
    let now = context.now;
    let row = state
        .store
        .writer
        .call(move |writer| {
            if !key_rows::revoke_key(&writer.conn, &id_owned, now)? {
                return Ok(None);
            }
            key_rows::key_by_id(&writer.conn, &id_owned)
        })
        .await?
        .ok_or_else(|| Error::NotFound("Key not found".into()))?;
    crate::reload_auth(state).await?;
    Ok(envelope(context, Envelope::ok(Data::one(key_json(&state.auth, &row))).with_message("Key revoked")))
}

async fn update_plan(context: &Context, name: &str, request: Request<Incoming>) -> Result<Response<Body>> {
    let state = &context.state;
    let current = state.auth.plan(name).ok_or_else(|| Error::NotFound(format!("Plan '{name}' not found")))?;
    let body = read_json(context, request, SMALL_BODY_BYTES).await?;
    let plan = plan_changes(current, &body)?;
    let stored = plan.clone();
    state.store.writer.call(move |writer| key_rows::update_plan(&writer.conn, &stored)).await?;
    crate::reload_auth(state).await?;
    Ok(envelope(context, Envelope::ok(Data::one(plan_json(&plan)))))
}

fn plan_changes(mut plan: PlanRow, body: &Value) -> Result<PlanRow> {
    let object: &Map<String, Value> =
        body.as_object().ok_or_else(|| Error::bad_request("Invalid JSON body: expected an object"))?;
    for (name, value) in object {
        let boolean =
            || value.as_bool().ok_or_else(|| Error::bad_request(format!("Invalid {name}: must be true or false")));
        // null: no quota (unlimited), or no window (all history).
        let unlimited = |value: &Value| if value.is_null() { Ok(None) } else { limit_value(name, value).map(Some) };
        match name.as_str() {
            // The page sends the plan back whole; a plan keeps its name.
            "name" if value.as_str() == Some(plan.name.as_str()) => {}
            "name" => return Err(Error::bad_request(format!("Invalid name: plan '{}' cannot be renamed", plan.name))),
            "rate_limit_per_min" => plan.rate_limit_per_min = limit_value(name, value)?,
            "burst" => plan.burst = limit_value(name, value)?,
            "monthly_quota" => plan.monthly_quota = unlimited(value)?,
            "overage" => plan.overage = boolean()?,
            "overage_price_usd" => plan.overage_price_usd = dollar_value(name, value)?,
            "retention_days" => plan.retention_days = unlimited(value)?,
            "webhooks" => plan.webhooks = boolean()?,
            other => return Err(Error::bad_request(format!("Unknown field '{other}'"))),
        }
    }
    Ok(plan)
}

/// `POST /admin/api/jobs`. The body goes through the reader the inbox and
/// feeds use: records are parsed, prepared and stored
/// `STREAM_BATCH_RECORDS` at a time (each batch one commit), so a 64 MiB
/// body never exists in memory as parsed JSON all at once. A JSON array
/// that is not valid JSON is refused whole (400) before anything is stored.
async fn ingest_jobs(context: &Context, request: Request<Incoming>) -> Result<Response<Body>> {
    let state = &context.state;
    let body = read_body(context, request, state.config.max_ingest_bytes).await?;
    let outcome = ingest::sources::ingest_stream(state, std::io::Cursor::new(body)).await;
    if let Some(error) = outcome.error {
        return Err(if error.starts_with(ingest::sources::INVALID_ARRAY) {
            Error::bad_request(error)
        } else {
            Error::internal(error)
        });
    }
    let mut data = serde_json::to_value(&outcome.report).map_err(Error::internal)?;
    // `rejected` lists the first MAX_LISTED_REJECTIONS; this counts them all.
    data["rejected_count"] = Value::from(outcome.rejected_count);
    Ok(envelope(context, Envelope::ok(Data::one(data))))
}

pub fn record_ingest_metrics(state: &crate::state::AppState, report: &ingest::IngestReport) {
    let metrics = &state.metrics;
    metrics.jobs_inserted.fetch_add(report.inserted, Ordering::Relaxed);
    metrics.jobs_updated.fetch_add(report.updated, Ordering::Relaxed);
    metrics.jobs_rejected.fetch_add(report.rejected.len() as u64, Ordering::Relaxed);
    metrics.jobs_spam.fetch_add(report.spam, Ordering::Relaxed);
    metrics.jobs_duplicates.fetch_add(report.duplicates, Ordering::Relaxed);
}

async fn delete_job(context: &Context, id: &str) -> Result<Response<Body>> {
    let id_owned = id.to_string();
    let deleted = context.state.store.writer.call(move |writer| job_rows::delete_by_id(writer, &id_owned)).await?;
    if !deleted {
        return Err(Error::NotFound("Job not found".into()));
    }
    Ok(envelope(context, Envelope::ok(Data::empty()).with_message(format!("Job {id} deleted"))))
}

async fn verdict(context: &Context, id: &str, request: Request<Incoming>) -> Result<Response<Body>> {
    let body = read_json(context, request, SMALL_BODY_BYTES).await?;
    if let Some(unknown) = body.as_object().and_then(|object| object.keys().find(|name| *name != "verdict")) {
        return Err(Error::bad_request(format!("Unknown field '{unknown}' (expected verdict)")));
    }
    let verdict = body
        .get("verdict")
        .and_then(Value::as_str)
        .filter(|verdict| matches!(*verdict, "spam" | "not_spam" | "not_duplicate"))
        .ok_or_else(|| Error::bad_request("Invalid verdict: must be spam, not_spam or not_duplicate"))?
        .to_string();
    let id_owned = id.to_string();
    let threshold = context.state.config.spam_threshold;
    let now = context.now;
    let stored_verdict = verdict.clone();
    let found = context
        .state
        .store
        .writer
        .call(move |writer| job_rows::set_verdict(writer, &id_owned, &stored_verdict, threshold, now))
        .await?;
    if !found {
        return Err(Error::NotFound("Job not found".into()));
    }
    Ok(envelope(context, Envelope::ok(Data::one(json!({"id": id, "verdict": verdict})))))
}

async fn quality(context: &Context, request: &Request<Incoming>) -> Result<Response<Body>> {
    let mut limit = 500;
    for (name, value) in split_query(request.uri().query().unwrap_or(""), &[&["limit"]])? {
        if name == "limit" {
            limit = integer_in("limit", &value, 1, 5_000)?;
        }
    }
    let rows = context.state.store.readers.read(move |conn| job_rows::quality_rows(conn, limit)).await?;
    let spam_threshold = context.state.config.spam_threshold;
    let data = rows
        .into_iter()
        .map(|row| {
            let reasons: Value = serde_json::from_str(&row.spam_reasons).unwrap_or(Value::Array(Vec::new()));
            // Why it is hidden, or was until the operator overruled the
            // rules (`verdict` and `visible` say whether they did): a
            // duplicate while it points at its original; one the operator
            // said is not a duplicate (which dropped the pointer) unless it
            // is hidden as spam now; spam otherwise.
            let overruled_duplicate =
                row.verdict.as_deref() == Some("not_duplicate") && row.spam_score < spam_threshold;
            let kind = if row.duplicate_of.is_some() || overruled_duplicate { "duplicate" } else { "spam" };
            json!({
                "id": row.id,
                "title": row.title,
                "posted_on": format_unix(row.posted_on),
                "kind": kind,
                "spam_score": row.spam_score,
                "reasons": reasons,
                "duplicate_of": row.duplicate_of,
                "verdict": row.verdict,
                "visible": row.visible,
            })
        })
        .collect();
    Ok(envelope(context, Envelope::ok(Data::Values(data))))
}

/// The database file plus its WAL, bytes.
pub fn database_size(path: &std::path::Path) -> u64 {
    let mut size = std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0);
    let wal = format!("{}-wal", path.display());
    size += std::fs::metadata(wal).map(|meta| meta.len()).unwrap_or(0);
    size
}

async fn stats(context: &Context) -> Result<Response<Body>> {
    let state = &context.state;
    let now = context.now;
    let since = (state.clock.now() - chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
    let (stats, per_day, keys) = state
        .store
        .readers
        .read(move |conn| {
            Ok((job_rows::stats(conn, now)?, usage_rows::requests_per_day(conn, &since)?, key_rows::all_keys(conn)?))
        })
        .await?;
    let mut keys_by_plan = Map::new();
    for plan in state.auth.plans() {
        let active = keys
            .iter()
            .filter(|key| key.plan == plan.name && key.revoked_at.is_none() && key.expires_at.is_none_or(|at| at > now))
            .count();
        keys_by_plan.insert(plan.name.clone(), Value::from(active));
    }
    let groups: Vec<Value> = stats
        .by_group
        .iter()
        .map(|(slug, count)| {
            let name = crate::taxonomy::group_slugs().find(|(_, known)| known == slug).map(|(group, _)| group);
            json!({"group": name.unwrap_or(slug), "group_slug": slug, "count": count})
        })
        .collect();
    let feeds = state.sources.feeds.lock().expect("feed health lock").clone();
    let inbox = state.sources.inbox.lock().expect("inbox health lock").clone();
    let data = json!({
        "jobs_total": stats.total,
        "jobs_visible": stats.visible,
        "jobs_last_24h": stats.last_24h,
        "by_category_group": groups,
        "spam_caught": stats.spam,
        "duplicates_caught": stats.duplicates,
        "database_size_bytes": database_size(&state.store.path),
        "keys_by_plan": keys_by_plan,
        "requests_per_day": per_day.iter().map(|(day, count)| json!({"day": day, "count": count})).collect::<Vec<_>>(),
        "last_ingest_at": stats.last_ingest_at.map(format_unix),
        "feeds": feeds,
        "inbox": inbox,
        "schema_version": crate::store::migrate::latest_version(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    Ok(envelope(context, Envelope::ok(Data::one(data))))
}

async fn usage(context: &Context, request: &Request<Incoming>) -> Result<Response<Body>> {
    let pairs = split_query(request.uri().query().unwrap_or(""), &[&["days"]])?;
    let mut days = 30;
    for (_, value) in pairs {
        days = integer_in("days", &value, 1, 366)?;
    }
    let since = (context.state.clock.now() - chrono::Duration::days(days - 1)).format("%Y-%m-%d").to_string();
    let rows = context.state.store.readers.read(move |conn| usage_rows::daily_usage(conn, &since)).await?;
    let data = rows
        .into_iter()
        .map(|row| {
            json!({
                "day": row.day,
                "key_id": row.key_id,
                "key_name": row.key_name,
                "calls": row.calls,
                "rate_limited": row.rate_limited,
                "quota_refused": row.quota_refused,
            })
        })
        .collect();
    Ok(envelope(context, Envelope::ok(Data::Values(data))))
}

async fn requests(context: &Context, request: &Request<Incoming>) -> Result<Response<Body>> {
    let pairs = split_query(request.uri().query().unwrap_or(""), &[&["limit", "key_id", "status", "hide_admin"]])?;
    let mut limit = 100;
    let mut filter = usage_rows::RequestLogFilter::default();
    for (name, value) in pairs {
        match name.as_str() {
            "limit" => {
                limit =
                    value.trim().parse::<i64>().ok().filter(|limit| (1..=1000).contains(limit)).ok_or_else(|| {
                        Error::bad_request("Invalid limit parameter: must be an integer from 1 to 1000")
                    })?
            }
            "key_id" => filter.key_id = Some(value),
            "hide_admin" => filter.hide_admin = boolean("hide_admin", &value)?,
            _ => {
                filter.status = Some(
                    value
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|status| (100..=599).contains(status))
                        .ok_or_else(|| Error::bad_request("Invalid status parameter"))?,
                )
            }
        }
    }
    // Rows still in memory are not lost, just not yet written: flush first
    // so the tail is current.
    crate::flush_once(&context.state).await;
    let rows = context.state.store.readers.read(move |conn| usage_rows::request_log_tail(conn, limit, &filter)).await?;
    let data = rows
        .into_iter()
        .map(|row| {
            json!({
                "time": crate::clock::format_rfc3339(
                    chrono::DateTime::from_timestamp_millis(row.time_millis).unwrap_or_default()
                ),
                "request_id": row.request_id,
                "key_id": row.key_id.as_deref(),
                "method": row.method,
                "route": row.route,
                "status": row.status,
                "latency_ms": row.latency_us as f64 / 1000.0,
            })
        })
        .collect();
    Ok(envelope(context, Envelope::ok(Data::Values(data))))
}

async fn prune(context: &Context) -> Result<Response<Body>> {
    let report = crate::retention::prune(
        &context.state.store,
        &context.state.config,
        context.now,
        crate::retention::Pace::BesideRequests,
    )
    .await?;
    Ok(envelope(context, Envelope::ok(Data::one(serde_json::to_value(report).map_err(Error::internal)?))))
}

async fn backup(context: &Context) -> Result<Response<Body>> {
    let directory = tempfile::tempdir().map_err(Error::internal)?;
    let target = directory.path().join("upjobs-backup.db");
    let target_for_copy = target.clone();
    context.state.store.readers.read(move |conn| crate::store::backup::copy_to(conn, &target_for_copy)).await?;
    let file = tokio::fs::File::open(&target).await.map_err(Error::internal)?;
    let length = file.metadata().await.map_err(Error::internal)?.len();
    let stream = futures_util::stream::unfold((file, directory), |(mut file, directory)| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 256 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some((Ok(hyper::body::Frame::data(bytes::Bytes::from(buffer))), (file, directory)))
            }
            Err(error) => Some((Err(error), (file, directory))),
        }
    });
    let mut response = Response::new(http_body_util::BodyExt::boxed(http_body_util::StreamBody::new(stream)));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/vnd.sqlite3"));
    headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(length));
    let file_name =
        format!("attachment; filename=\"upjobs-{}.db\"", context.state.clock.now().format("%Y%m%dT%H%M%SZ"));
    if let Ok(value) = HeaderValue::from_str(&file_name) {
        headers.insert(hyper::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn metrics(context: &Context) -> Result<Response<Body>> {
    let text = context.state.metrics.render(database_size(&context.state.store.path));
    let mut response = Response::new(crate::http::response::full(text));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    Ok(response)
}
