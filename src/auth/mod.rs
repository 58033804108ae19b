//! Who may call, how often, and how much: keys, plans, token buckets,
//! monthly quotas and usage metering.
//!
//! Architecture Invariant: verifying a key never touches the database. The
//! key table lives in memory (a map from SHA-256 to entry), rebuilt at start
//! and reloaded whenever `settings.auth_version` moves (the CLI, another
//! process, or this server's admin API changed a key or a plan). Counters
//! are atomics in memory, flushed as deltas at least once a second.

pub mod keys;
pub mod limiter;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::keys::{AuthSnapshot, KeyRow, KeyState, PlanRow};
use crate::store::usage::UsageDelta;
use chrono::{Datelike, TimeZone, Utc};
use dashmap::DashMap;
use keys::KeyHash;
use limiter::{Take, TokenBucket};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use thread_local::ThreadLocal;

/// Failed authentications one address may make at once, and per minute after.
pub const AUTH_FAILURE_BURST: u64 = 60;
pub const AUTH_FAILURES_PER_MINUTE: u64 = 60;

/// The same for the admin token, in a bucket of its own. Its burst is
/// larger: a token upjobs generates cannot be guessed anyway, and an
/// operator (or a test suite) trying every admin route without it should
/// not lock the right token out; sustained guessing of a weak token an
/// operator chose is still held to one a second.
pub const ADMIN_FAILURE_BURST: u64 = 300;
pub const ADMIN_FAILURES_PER_MINUTE: u64 = 60;

/// Failed authentications per client address, as token buckets: an address
/// whose bucket is empty is refused before its credentials are looked at.
struct FailureThrottle {
    buckets: DashMap<IpAddr, TokenBucket>,
    /// How many addresses have a bucket, never fewer: while none has,
    /// `check` reads this (a line no request writes) and not the map,
    /// whose shard locks every request would otherwise write to.
    tracked: AtomicUsize,
    burst: u64,
    per_minute: u64,
}

impl FailureThrottle {
    fn new(burst: u64, per_minute: u64) -> FailureThrottle {
        FailureThrottle { buckets: DashMap::new(), tracked: AtomicUsize::new(0), burst, per_minute }
    }

    fn check(&self, address: IpAddr, now_millis: impl FnOnce() -> i64) -> Result<()> {
        if self.tracked.load(Ordering::Acquire) == 0 {
            return Ok(());
        }
        if let Some(bucket) = self.buckets.get(&address)
            && !bucket.peek(self.burst, self.per_minute, now_millis())
        {
            let retry_after = (60 / self.per_minute).max(1);
            return Err(Error::RateLimited {
                message: format!(
                    "Rate limit exceeded. Too many failed authentication attempts from this address; retry in {retry_after} s."
                ),
                retry_after,
            });
        }
        Ok(())
    }

    fn record(&self, address: IpAddr, now_millis: i64) {
        let bucket = self.buckets.entry(address).or_insert_with(|| {
            // Counted before the bucket is in the map (its shard is locked
            // until this returns), so `tracked` never reads 0 while it is.
            self.tracked.fetch_add(1, Ordering::AcqRel);
            TokenBucket::new(self.burst, now_millis)
        });
        bucket.take(self.burst, self.per_minute, now_millis);
    }

    /// Forgets buckets that have refilled, to bound memory.
    fn forget_idle(&self, now_millis: i64) {
        self.buckets.retain(|_, bucket| {
            let keep = !bucket.is_full(self.burst, self.per_minute, now_millis);
            if !keep {
                self.tracked.fetch_sub(1, Ordering::AcqRel);
            }
            keep
        });
    }
}

/// Usage not yet written, by UTC day number, then key id.
#[derive(Default)]
struct PendingUsage {
    by_day: HashMap<i64, HashMap<String, UsageDelta, foldhash::fast::RandomState>, foldhash::fast::RandomState>,
}

impl PendingUsage {
    /// Applies `change` to the delta of `key_id` on `day`; `date` names the
    /// day for a new one. On every keyed request: one lookup, and no
    /// formatting and no allocation once the key has a delta for the day.
    fn update(&mut self, key_id: &str, day: i64, date: impl FnOnce() -> String, change: impl FnOnce(&mut UsageDelta)) {
        let keys = self.by_day.entry(day).or_default();
        match keys.get_mut(key_id) {
            Some(delta) => change(delta),
            None => {
                let mut delta = UsageDelta { key_id: key_id.to_string(), day: date(), ..UsageDelta::default() };
                change(&mut delta);
                keys.insert(key_id.to_string(), delta);
            }
        }
    }

    fn add(&mut self, day: i64, delta: UsageDelta) {
        self.update(
            &delta.key_id,
            day,
            || delta.day.clone(),
            |slot| {
                slot.requests += delta.requests;
                slot.counted += delta.counted;
                slot.overage += delta.overage;
                slot.rate_limited += delta.rate_limited;
                slot.quota_refused += delta.quota_refused;
                slot.last_used_at = slot.last_used_at.max(delta.last_used_at);
            },
        );
    }
}

/// A key's effective limits: its overrides over its plan's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub plan: String,
    pub rate_limit_per_min: u64,
    pub burst: u64,
    pub monthly_quota: Option<i64>,
    pub overage: bool,
    pub overage_price_usd: f64,
    /// None: all history.
    pub retention_days: Option<i64>,
    pub spending_cap_usd: Option<f64>,
    pub webhooks: bool,
}

/// Calls taken from a key's month by `Auth::reserve_calls`.
#[derive(Debug, Clone, Copy)]
pub struct Reserved {
    /// The month they count in (`year * 12 + month0`).
    month: i64,
    pub calls: i64,
    /// How many of them (the last ones) were past the quota.
    overage: i64,
}

/// How many more calls a month's usage leaves under the quota and the
/// spending cap (None: no limit).
fn allowed_calls(limits: &Limits, usage: &MonthUsage) -> Option<i64> {
    let quota = limits.monthly_quota?;
    let within_quota = (quota - usage.calls).max(0);
    if !limits.overage {
        return Some(within_quota);
    }
    let cap = limits.spending_cap_usd?;
    let affordable = if limits.overage_price_usd > 0.0 {
        (cap / limits.overage_price_usd + 1e-9).floor() as i64
    } else {
        i64::MAX / 2
    };
    Some(within_quota.saturating_add((affordable - usage.overage_calls).max(0)))
}

/// A dollar amount as people write it: cents, and finer digits only when
/// the amount has them ($0.02, $0.015, $12.50).
fn dollars(amount: f64) -> String {
    let text = format!("{amount:.6}");
    let trimmed = text.trim_end_matches('0');
    match trimmed.split_once('.') {
        Some((_, fraction)) if fraction.len() >= 2 => trimmed.to_string(),
        _ => format!("{amount:.2}"),
    }
}

/// One key in memory: its row, its bucket and its counters.
#[derive(Debug)]
pub struct KeyEntry {
    pub id: Arc<str>,
    /// The row and the limits it has under its plan, replaced together
    /// whenever the key or a plan changes (so a request reads, never
    /// recomputes them).
    view: RwLock<KeyView>,
    bucket: TokenBucket,
    /// The month (`year * 12 + month0`) the counters below belong to.
    month: AtomicI64,
    calls_this_month: AtomicI64,
    overage_calls: AtomicI64,
    last_used_at: AtomicI64,
    /// Held while calls are taken from or given back to the month, so that
    /// checking the quota and counting against it are one step: concurrent
    /// requests of a key can never take more than it allows between them.
    counting: Mutex<()>,
}

/// A key's row with its effective limits (None: its plan is unknown).
#[derive(Debug, Clone)]
struct KeyView {
    row: Arc<KeyRow>,
    limits: Option<Arc<Limits>>,
}

impl KeyEntry {
    pub fn row(&self) -> Arc<KeyRow> {
        self.view().row
    }

    fn view(&self) -> KeyView {
        self.view.read().expect("key view lock").clone()
    }
}

/// A counted snapshot of a key's month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthUsage {
    pub calls: i64,
    pub overage_calls: i64,
}

pub struct Auth {
    clock: Clock,
    /// Keyed by SHA-256 digests, which need no hash of their own against
    /// flooding (only the server inserts): a fast one serves every request.
    by_hash: DashMap<KeyHash, Arc<KeyEntry>, foldhash::fast::RandomState>,
    by_id: DashMap<String, Arc<KeyEntry>>,
    plans: RwLock<HashMap<String, PlanRow>>,
    /// Usage not yet written, kept by each thread apart (every keyed
    /// request adds to it, and one map behind one lock would move that
    /// lock's cache line from core to core on every request).
    pending: ThreadLocal<Mutex<PendingUsage>>,
    failures: FailureThrottle,
    admin_failures: FailureThrottle,
    /// The `settings.auth_version` the loaded state reflects. Changed only
    /// with `applying` held, together with the maps.
    loaded_version: AtomicI64,
    /// Serialises changes to the key maps: snapshots read concurrently must
    /// be applied one at a time and never an older one over a newer one.
    applying: Mutex<()>,
}

fn month_index(instant: chrono::DateTime<Utc>) -> i64 {
    instant.year() as i64 * 12 + instant.month0() as i64
}

/// The first instant of the month after `instant`'s.
pub fn next_month_start(instant: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    let (year, month) =
        if instant.month() == 12 { (instant.year() + 1, 1) } else { (instant.year(), instant.month() + 1) };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single().unwrap_or(instant)
}

impl Auth {
    pub fn new(clock: Clock) -> Auth {
        Auth {
            clock,
            by_hash: DashMap::with_hasher(foldhash::fast::RandomState::default()),
            by_id: DashMap::new(),
            plans: RwLock::new(HashMap::new()),
            pending: ThreadLocal::new(),
            failures: FailureThrottle::new(AUTH_FAILURE_BURST, AUTH_FAILURES_PER_MINUTE),
            admin_failures: FailureThrottle::new(ADMIN_FAILURE_BURST, ADMIN_FAILURES_PER_MINUTE),
            loaded_version: AtomicI64::new(-1),
            applying: Mutex::new(()),
        }
    }

    /// The `settings.auth_version` the keys in memory reflect.
    pub fn loaded_version(&self) -> i64 {
        self.loaded_version.load(Ordering::SeqCst)
    }

    /// Replaces keys and plans with a snapshot of the database, unless the
    /// keys in memory already reflect that version or a newer one (a
    /// snapshot read before another change must not undo it). Answers
    /// whether it was applied.
    pub fn apply_snapshot(&self, snapshot: AuthSnapshot) -> bool {
        let _applying = self.applying.lock().expect("key apply lock");
        if snapshot.version <= self.loaded_version.load(Ordering::SeqCst) {
            return false;
        }
        self.load(snapshot.keys, snapshot.plans);
        self.loaded_version.store(snapshot.version, Ordering::SeqCst);
        true
    }

    /// Adds the key a write inserted, when that write is the only change
    /// since the keys in memory were loaded (it moved `auth_version` to
    /// `version` from one less). Otherwise changes nothing and answers
    /// false: the caller reads a whole snapshot instead.
    pub fn put_at_version(&self, row: KeyRow, version: i64) -> bool {
        let _applying = self.applying.lock().expect("key apply lock");
        if self.loaded_version.load(Ordering::SeqCst) + 1 != version {
            return false;
        }
        self.put(row);
        self.loaded_version.store(version, Ordering::SeqCst);
        true
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Replaces keys and plans with what the database holds, keeping the
    /// buckets and counters of keys that remain. Callers hold `applying`.
    fn load(&self, rows: Vec<KeyRow>, plans: Vec<PlanRow>) {
        *self.plans.write().expect("plans lock") = plans.into_iter().map(|plan| (plan.name.clone(), plan)).collect();
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            seen.insert(row.id.clone());
            self.put(row);
        }
        self.by_id.retain(|id, _| seen.contains(id));
        self.by_hash.retain(|_, entry| seen.contains(&*entry.id));
    }

    /// Adds one key, or replaces a known key's row (its bucket and
    /// counters stay): what `load` does per row. Callers hold `applying`.
    fn put(&self, row: KeyRow) {
        let limits = self.limits_for(&row).map(Arc::new);
        if let Some(entry) = self.by_id.get(&row.id) {
            *entry.view.write().expect("key view lock") = KeyView { row: Arc::new(row), limits };
            return;
        }
        let now = self.clock.now();
        let capacity = limits.as_ref().map(|limits| limits.burst).unwrap_or(1);
        let entry = Arc::new(KeyEntry {
            id: Arc::from(row.id.as_str()),
            bucket: TokenBucket::new(capacity, now.timestamp_millis()),
            month: AtomicI64::new(month_index(now)),
            calls_this_month: AtomicI64::new(0),
            overage_calls: AtomicI64::new(0),
            last_used_at: AtomicI64::new(row.last_used_at.unwrap_or(0)),
            counting: Mutex::new(()),
            view: RwLock::new(KeyView { row: Arc::new(row.clone()), limits }),
        });
        self.by_hash.insert(row.key_hash, entry.clone());
        self.by_id.insert(row.id.clone(), entry);
    }

    /// Sets this month's counters from the database (at start).
    pub fn load_month_counts(&self, counts: Vec<(String, i64, i64)>) {
        for (id, calls, overage) in counts {
            if let Some(entry) = self.by_id.get(&id) {
                entry.calls_this_month.store(calls, Ordering::Relaxed);
                entry.overage_calls.store(overage, Ordering::Relaxed);
            }
        }
    }

    pub fn plans(&self) -> Vec<PlanRow> {
        let mut plans: Vec<PlanRow> = self.plans.read().expect("plans lock").values().cloned().collect();
        plans.sort_by_key(|plan| plan.rate_limit_per_min);
        plans
    }

    pub fn plan(&self, name: &str) -> Option<PlanRow> {
        self.plans.read().expect("plans lock").get(name).cloned()
    }

    pub fn entry_by_id(&self, id: &str) -> Option<Arc<KeyEntry>> {
        self.by_id.get(id).map(|entry| entry.clone())
    }

    pub fn key_count(&self) -> usize {
        self.by_id.len()
    }

    /// The effective limits of a key row, or None when its plan is unknown.
    pub fn limits_for(&self, row: &KeyRow) -> Option<Limits> {
        let plans = self.plans.read().expect("plans lock");
        let plan = plans.get(&row.plan)?;
        let overrides = &row.overrides;
        Some(Limits {
            plan: plan.name.clone(),
            rate_limit_per_min: overrides.rate_limit_per_min.unwrap_or(plan.rate_limit_per_min).max(0) as u64,
            burst: overrides.burst.unwrap_or(plan.burst).max(1) as u64,
            monthly_quota: overrides.monthly_quota.or(plan.monthly_quota),
            overage: plan.overage,
            overage_price_usd: plan.overage_price_usd,
            retention_days: overrides.retention_days.or(plan.retention_days),
            spending_cap_usd: overrides.spending_cap_usd,
            webhooks: plan.webhooks,
        })
    }

    /// Whether `address` has failed authentication too often; checked before
    /// any key is looked at.
    pub fn check_failure_throttle(&self, address: IpAddr) -> Result<()> {
        self.failures.check(address, || self.clock.now_millis())
    }

    pub fn record_failure(&self, address: IpAddr) {
        self.failures.record(address, self.clock.now_millis());
    }

    /// `check_failure_throttle` for the admin token (a bucket of its own).
    pub fn check_admin_failure_throttle(&self, address: IpAddr) -> Result<()> {
        self.admin_failures.check(address, || self.clock.now_millis())
    }

    pub fn record_admin_failure(&self, address: IpAddr) {
        self.admin_failures.record(address, self.clock.now_millis());
    }

    /// The key presented in `header`, if it is known, active and unexpired
    /// at `now` (Unix seconds, the request's time).
    pub fn authenticate(&self, header: Option<&str>, now: i64) -> Result<(Arc<KeyEntry>, Arc<Limits>)> {
        let invalid = || Error::Unauthorized("Invalid or missing X-API-KEY header".into());
        let presented = header.map(str::trim).filter(|text| keys::looks_like_key(text)).ok_or_else(invalid)?;
        let entry = self.by_hash.get(&keys::hash_secret(presented)).map(|entry| entry.clone()).ok_or_else(invalid)?;
        let KeyView { row, limits } = entry.view();
        match row.state(now) {
            KeyState::Active => {}
            KeyState::Revoked => return Err(invalid()),
            KeyState::Expired(expires_at) => {
                return Err(Error::Unauthorized(format!(
                    "API key expired on {}. Ask for a new key or an extension.",
                    crate::clock::format_unix(expires_at)
                )));
            }
        }
        let limits = limits.ok_or_else(invalid)?;
        Ok((entry, limits))
    }

    /// Why a key's webhooks may not receive anything now (revoked, expired,
    /// or on a plan without webhooks), or None when they may. Messages
    /// queued before the change are dropped with this reason.
    pub fn webhooks_blocked(&self, key_id: &str) -> Option<&'static str> {
        let Some(entry) = self.entry_by_id(key_id) else { return Some("the key no longer exists") };
        let KeyView { row, limits } = entry.view();
        match row.state(self.clock.now_unix()) {
            KeyState::Active => {}
            KeyState::Revoked => return Some("the key was revoked"),
            KeyState::Expired(_) => return Some("the key has expired"),
        }
        match limits {
            Some(limits) if limits.webhooks => None,
            _ => Some("the key's plan has no webhooks"),
        }
    }

    /// Takes a token from the key's bucket at `now_millis` (Unix milliseconds).
    pub fn take_token(&self, entry: &KeyEntry, limits: &Limits, now_millis: i64) -> Take {
        entry.bucket.take(limits.burst, limits.rate_limit_per_min, now_millis)
    }

    /// This month's counts, starting the month afresh if it has turned.
    pub fn month_usage(&self, entry: &KeyEntry) -> MonthUsage {
        self.roll_month(entry);
        MonthUsage {
            calls: entry.calls_this_month.load(Ordering::Relaxed),
            overage_calls: entry.overage_calls.load(Ordering::Relaxed),
        }
    }

    fn roll_month(&self, entry: &KeyEntry) {
        let current = month_index(self.clock.now());
        let stored = entry.month.load(Ordering::Relaxed);
        if stored != current
            && entry.month.compare_exchange(stored, current, Ordering::AcqRel, Ordering::Relaxed).is_ok()
        {
            entry.calls_this_month.store(0, Ordering::Relaxed);
            entry.overage_calls.store(0, Ordering::Relaxed);
        }
    }

    /// How many more calls this month the quota and spending cap allow
    /// (None: no limit). An export states it as its row limit.
    pub fn calls_allowed(&self, entry: &KeyEntry, limits: &Limits) -> Option<i64> {
        allowed_calls(limits, &self.month_usage(entry))
    }

    /// Takes `calls` calls from the key's month, or refuses them all (429)
    /// when the monthly quota or the spending cap does not allow that many.
    /// Calls past the quota are counted as overage. Checking and counting
    /// are one step under the key's lock, so concurrent requests (or
    /// exports, which take a call per started 100 rows as they stream)
    /// never get past the quota or cap between them.
    pub fn reserve_calls(&self, entry: &KeyEntry, limits: &Limits, calls: i64) -> Result<Reserved> {
        let _counting = entry.counting.lock().expect("key counting lock");
        let usage = self.month_usage(entry);
        if allowed_calls(limits, &usage).is_some_and(|allowed| allowed < calls) {
            return Err(self.quota_refusal(limits, &usage));
        }
        let total = entry.calls_this_month.fetch_add(calls, Ordering::Relaxed) + calls;
        let overage = match limits.monthly_quota {
            Some(quota) => calls.min(total - quota).max(0),
            None => 0,
        };
        entry.overage_calls.fetch_add(overage, Ordering::Relaxed);
        self.add_pending(&entry.id, self.clock.now_unix(), |delta| {
            delta.counted += calls;
            delta.overage += overage;
        });
        Ok(Reserved { month: entry.month.load(Ordering::Relaxed), calls, overage })
    }

    /// `reserve_calls` under the key's limits as they are now, for work that
    /// outlives its request's admission (an export's further calls): a key
    /// revoked, expired or given a lower quota since is held to that.
    pub fn reserve_calls_now(&self, entry: &KeyEntry, calls: i64) -> Result<Reserved> {
        let refused = || Error::Unauthorized("Invalid or missing X-API-KEY header".into());
        let KeyView { row, limits } = entry.view();
        if row.state(self.clock.now_unix()) != KeyState::Active {
            return Err(refused());
        }
        let limits = limits.ok_or_else(refused)?;
        self.reserve_calls(entry, &limits, calls)
    }

    /// Gives back the calls of `reserved` beyond the first `used` (a 304,
    /// or an answer that does not count). Calls taken in a month that has
    /// ended since stay where they were counted.
    pub fn release_calls(&self, entry: &KeyEntry, reserved: Reserved, used: i64) {
        let unused = reserved.calls - used.clamp(0, reserved.calls);
        if unused == 0 {
            return;
        }
        let _counting = entry.counting.lock().expect("key counting lock");
        self.roll_month(entry);
        if entry.month.load(Ordering::Relaxed) != reserved.month {
            return;
        }
        // The overage calls were the last ones taken, so they go back first.
        let overage = unused.min(reserved.overage);
        entry.calls_this_month.fetch_sub(unused, Ordering::Relaxed);
        entry.overage_calls.fetch_sub(overage, Ordering::Relaxed);
        self.add_pending(&entry.id, self.clock.now_unix(), |delta| {
            delta.counted -= unused;
            delta.overage -= overage;
        });
    }

    /// Why the next call is refused, given a month's usage that the quota
    /// or the spending cap does not let go further.
    fn quota_refusal(&self, limits: &Limits, usage: &MonthUsage) -> Error {
        let quota = limits.monthly_quota.unwrap_or(0);
        let now = self.clock.now();
        let resets = next_month_start(now);
        let retry_after = (resets - now).num_seconds().max(1) as u64;
        let calls = if quota == 1 { "call" } else { "calls" };
        let resets = crate::clock::format_rfc3339(resets);
        let message = match limits.spending_cap_usd {
            Some(cap) if limits.overage && usage.calls >= quota => format!(
                "Monthly quota of {quota} {calls} exceeded and the spending cap of ${} is reached; overage calls are refused until {resets}. Raise the cap or upgrade your plan.",
                dollars(cap)
            ),
            _ => format!(
                "Monthly quota of {quota} {calls} exceeded. Upgrade your plan or wait until the quota resets at {resets}."
            ),
        };
        Error::RateLimited { message, retry_after }
    }

    /// Notes a request of the key answered at `now` (Unix seconds): its
    /// day's request count and its last use. Calls against the quota are
    /// counted by `reserve_calls`.
    pub fn record_request(&self, entry: &KeyEntry, now: i64) {
        entry.last_used_at.store(now, Ordering::Relaxed);
        self.add_pending(&entry.id, now, |delta| {
            delta.requests += 1;
            delta.last_used_at = Some(now);
        });
    }

    pub fn record_rate_limited(&self, entry: &KeyEntry) {
        self.add_pending(&entry.id, self.clock.now_unix(), |delta| delta.rate_limited += 1);
    }

    pub fn record_quota_refused(&self, entry: &KeyEntry) {
        self.add_pending(&entry.id, self.clock.now_unix(), |delta| delta.quota_refused += 1);
    }

    /// Adds to the usage of `key_id` on the day of `now` (Unix seconds).
    fn add_pending(&self, key_id: &str, now: i64, change: impl FnOnce(&mut UsageDelta)) {
        let mut pending = self.pending.get_or_default().lock().unwrap_or_else(PoisonError::into_inner);
        let date = || chrono::DateTime::from_timestamp(now, 0).unwrap_or_default().format("%Y-%m-%d").to_string();
        pending.update(key_id, now.div_euclid(86_400), date, change);
    }

    /// Takes the usage not yet written (the flusher writes it), one delta
    /// per key and day.
    pub fn drain_pending(&self) -> Vec<UsageDelta> {
        let mut all = PendingUsage::default();
        for pending in self.pending.iter() {
            let mut pending = pending.lock().unwrap_or_else(PoisonError::into_inner);
            for (day, keys) in pending.by_day.drain() {
                for delta in keys.into_values() {
                    all.add(day, delta);
                }
            }
        }
        all.by_day.into_values().flat_map(HashMap::into_values).collect()
    }

    /// Puts back usage whose write failed, so it is not lost.
    pub fn restore_pending(&self, deltas: Vec<UsageDelta>) {
        let mut pending = self.pending.get_or_default().lock().unwrap_or_else(PoisonError::into_inner);
        for delta in deltas {
            let Ok(date) = chrono::NaiveDate::parse_from_str(&delta.day, "%Y-%m-%d") else { continue };
            let day = date.and_hms_opt(0, 0, 0).map_or(0, |midnight| midnight.and_utc().timestamp().div_euclid(86_400));
            pending.add(day, delta);
        }
    }

    /// Forgets failure buckets that have refilled, to bound memory.
    pub fn forget_idle_failures(&self) {
        let now = self.clock.now_millis();
        self.failures.forget_idle(now);
        self.admin_failures.forget_idle(now);
    }

    pub fn last_used_at(&self, entry: &KeyEntry) -> Option<i64> {
        let value = entry.last_used_at.load(Ordering::Relaxed);
        (value > 0).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_recorded_on_several_threads_is_drained_as_one_delta_per_key_and_day() {
        let auth = Auth::new(Clock::system());
        let now = 1_700_000_000; // 2023-11-14T22:13:20Z
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| (0..100).for_each(|_| auth.add_pending("key_a", now, |delta| delta.requests += 1)));
            }
        });
        auth.add_pending("key_a", now + 86_400, |delta| delta.requests += 1);
        auth.add_pending("key_b", now, |delta| delta.rate_limited += 1);
        let summary = |deltas: &[UsageDelta]| {
            let mut rows: Vec<_> = deltas
                .iter()
                .map(|delta| (delta.key_id.clone(), delta.day.clone(), delta.requests, delta.rate_limited))
                .collect();
            rows.sort();
            rows
        };
        let drained = auth.drain_pending();
        let day =
            |key: &str, date: &str, requests, rate_limited| (key.to_string(), date.to_string(), requests, rate_limited);
        assert_eq!(
            summary(&drained),
            [day("key_a", "2023-11-14", 300, 0), day("key_a", "2023-11-15", 1, 0), day("key_b", "2023-11-14", 0, 1)]
        );
        assert!(auth.drain_pending().is_empty(), "draining leaves nothing behind in any thread");

        // A write that failed puts its deltas back, added to what came since.
        auth.add_pending("key_a", now, |delta| delta.requests += 5);
        auth.restore_pending(drained);
        assert_eq!(
            summary(&auth.drain_pending()),
            [day("key_a", "2023-11-14", 305, 0), day("key_a", "2023-11-15", 1, 0), day("key_b", "2023-11-14", 0, 1)]
        );
    }
}
