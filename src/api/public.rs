//! `/readyz` and `/usage`.

use super::{Caller, Context, envelope};
use crate::auth::next_month_start;
use crate::clock::{format_rfc3339, format_unix};
use crate::error::Result;
use crate::http::response::{Body, Data, Envelope};
use hyper::{Response, StatusCode};
use serde_json::json;
use std::sync::atomic::Ordering;

pub fn readyz(context: &Context) -> Response<Body> {
    if context.state.draining.load(Ordering::SeqCst) {
        envelope(
            context,
            Envelope::ok(Data::empty()).with_status(StatusCode::SERVICE_UNAVAILABLE).with_message("shutting down"),
        )
    } else {
        envelope(context, Envelope::ok(Data::empty()).with_message("ready"))
    }
}

pub fn usage(context: &Context, caller: &Caller) -> Result<Response<Body>> {
    let auth = &context.state.auth;
    let usage = auth.month_usage(&caller.entry);
    let limits = &caller.limits;
    let row = caller.entry.row();
    let remaining = limits.monthly_quota.map(|quota| (quota - usage.calls).max(0));
    let overage_cost = (usage.overage_calls as f64 * limits.overage_price_usd * 100.0).round() / 100.0;
    let data = json!({
        "key_id": row.id,
        "name": row.name,
        "plan": limits.plan,
        "rate_limit_per_min": limits.rate_limit_per_min,
        "burst": limits.burst,
        "monthly_quota": limits.monthly_quota,
        "calls_this_month": usage.calls,
        "remaining": remaining,
        "overage_calls": usage.overage_calls,
        "overage_price_usd": limits.overage_price_usd,
        "overage_cost_usd": overage_cost,
        "spending_cap_usd": limits.spending_cap_usd,
        "retention_days": limits.retention_days,
        "expires_at": row.expires_at.map(format_unix),
        "quota_resets_at": format_rfc3339(next_month_start(context.state.clock.now())),
    });
    Ok(envelope(context, Envelope::ok(Data::one(data))))
}
