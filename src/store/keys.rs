//! Rows of `api_keys`, `plans` and `settings`.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub name: String,
    pub rate_limit_per_min: i64,
    pub burst: i64,
    pub monthly_quota: Option<i64>,
    pub overage: bool,
    pub overage_price_usd: f64,
    pub retention_days: Option<i64>,
    pub webhooks: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyRow {
    pub id: String,
    pub key_hash: [u8; 32],
    pub prefix: String,
    pub last4: String,
    pub name: String,
    pub email: Option<String>,
    pub plan: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub overrides: KeyOverrides,
}

/// Whether a key may be used: the one rule every check of a key applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Active,
    Revoked,
    /// Expired at this Unix time.
    Expired(i64),
}

impl KeyRow {
    pub fn state(&self, now: i64) -> KeyState {
        match (self.revoked_at, self.expires_at) {
            (Some(_), _) => KeyState::Revoked,
            (None, Some(expires_at)) if expires_at <= now => KeyState::Expired(expires_at),
            _ => KeyState::Active,
        }
    }
}

/// Per-key values that replace the plan's; `None` means the plan's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyOverrides {
    pub rate_limit_per_min: Option<i64>,
    pub burst: Option<i64>,
    pub monthly_quota: Option<i64>,
    pub retention_days: Option<i64>,
    pub spending_cap_usd: Option<f64>,
}

pub fn plans(conn: &Connection) -> Result<Vec<PlanRow>> {
    let mut statement = conn.prepare(
        "SELECT name, rate_limit_per_min, burst, monthly_quota, overage, overage_price_usd, retention_days, webhooks \
         FROM plans ORDER BY rate_limit_per_min",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(PlanRow {
            name: r.get(0)?,
            rate_limit_per_min: r.get(1)?,
            burst: r.get(2)?,
            monthly_quota: r.get(3)?,
            overage: r.get(4)?,
            overage_price_usd: r.get(5)?,
            retention_days: r.get(6)?,
            webhooks: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn update_plan(conn: &Connection, plan: &PlanRow) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE plans SET rate_limit_per_min = ?2, burst = ?3, monthly_quota = ?4, overage = ?5, \
         overage_price_usd = ?6, retention_days = ?7, webhooks = ?8 WHERE name = ?1",
        params![
            plan.name,
            plan.rate_limit_per_min,
            plan.burst,
            plan.monthly_quota,
            plan.overage,
            plan.overage_price_usd,
            plan.retention_days,
            plan.webhooks
        ],
    )?;
    Ok(changed == 1)
}

const KEY_COLUMNS: &str = "id, key_hash, prefix, last4, name, email, plan, created_at, expires_at, revoked_at, \
    last_used_at, rate_limit_per_min, burst, monthly_quota, retention_days, spending_cap_usd";

fn key_from_row(r: &rusqlite::Row) -> rusqlite::Result<KeyRow> {
    let hash: Vec<u8> = r.get(1)?;
    let mut key_hash = [0u8; 32];
    if hash.len() == 32 {
        key_hash.copy_from_slice(&hash);
    }
    Ok(KeyRow {
        id: r.get(0)?,
        key_hash,
        prefix: r.get(2)?,
        last4: r.get(3)?,
        name: r.get(4)?,
        email: r.get(5)?,
        plan: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: r.get(8)?,
        revoked_at: r.get(9)?,
        last_used_at: r.get(10)?,
        overrides: KeyOverrides {
            rate_limit_per_min: r.get(11)?,
            burst: r.get(12)?,
            monthly_quota: r.get(13)?,
            retention_days: r.get(14)?,
            spending_cap_usd: r.get(15)?,
        },
    })
}

pub fn all_keys(conn: &Connection) -> Result<Vec<KeyRow>> {
    let mut statement = conn.prepare(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, rowid"))?;
    let rows = statement.query_map([], key_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn key_by_id(conn: &Connection, id: &str) -> Result<Option<KeyRow>> {
    Ok(conn
        .prepare(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1"))?
        .query_row([id], key_from_row)
        .optional()?)
}

/// Keys and plans as of one `auth_version`, read in one transaction so the
/// version names exactly the rows read with it.
pub struct AuthSnapshot {
    pub version: i64,
    pub keys: Vec<KeyRow>,
    pub plans: Vec<PlanRow>,
}

pub fn auth_snapshot(conn: &Connection) -> Result<AuthSnapshot> {
    conn.execute_batch("BEGIN DEFERRED")?;
    let read = (|| Ok(AuthSnapshot { version: auth_version(conn)?, keys: all_keys(conn)?, plans: plans(conn)? }))();
    // A read transaction: ending it cannot lose anything.
    let _ = conn.execute_batch("COMMIT");
    read
}

/// The counter the key and plan triggers bump on every change.
pub fn auth_version(conn: &Connection) -> Result<i64> {
    Ok(setting(conn, "auth_version")?.and_then(|value| value.parse().ok()).unwrap_or(0))
}

pub fn insert_key(conn: &Connection, key: &KeyRow, now: i64) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO api_keys ({KEY_COLUMNS}, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"),
        params![
            key.id,
            &key.key_hash[..],
            key.prefix,
            key.last4,
            key.name,
            key.email,
            key.plan,
            key.created_at,
            key.expires_at,
            key.revoked_at,
            key.last_used_at,
            key.overrides.rate_limit_per_min,
            key.overrides.burst,
            key.overrides.monthly_quota,
            key.overrides.retention_days,
            key.overrides.spending_cap_usd,
            now
        ],
    )?;
    Ok(())
}

/// Writes the editable fields of a key (name, email, plan, expiry, overrides).
pub fn update_key(conn: &Connection, key: &KeyRow, now: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE api_keys SET name = ?2, email = ?3, plan = ?4, expires_at = ?5, rate_limit_per_min = ?6, burst = ?7, \
         monthly_quota = ?8, retention_days = ?9, spending_cap_usd = ?10, updated_at = ?11 WHERE id = ?1",
        params![
            key.id,
            key.name,
            key.email,
            key.plan,
            key.expires_at,
            key.overrides.rate_limit_per_min,
            key.overrides.burst,
            key.overrides.monthly_quota,
            key.overrides.retention_days,
            key.overrides.spending_cap_usd,
            now
        ],
    )?;
    Ok(changed == 1)
}

pub fn revoke_key(conn: &Connection, id: &str, now: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?2), updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(changed == 1)
}

pub fn plan_exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.prepare("SELECT 1 FROM plans WHERE name = ?1")?.exists([name])?)
}

pub fn setting(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()?)
}

pub fn set_setting(conn: &Connection, name: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

/// Whether any key can currently be used (not revoked, not expired).
pub fn count_keys(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM api_keys", [], |r| r.get(0))?)
}
