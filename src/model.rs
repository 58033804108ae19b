//! The job document in the seed's wire schema.
//!
//! `Job` is what the API returns, field for field as the original service's
//! "API Endpoints" page shows it. Ingest turns whatever a feed sends into a
//! `Job` (see `ingest::validate`), the store keeps its serialised bytes, and
//! the API writes those bytes out again without re-serialising them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One job posting, every field of the seed's example object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Job {
    pub id: String,
    pub title: String,
    pub description: String,
    /// 1 = hourly, 2 = fixed price.
    #[schemars(range(min = 1, max = 2))]
    pub job_type: i64,
    /// 1 = open, 2 = closed.
    #[schemars(range(min = 1, max = 2))]
    pub status: i64,
    /// 1 = entry, 2 = intermediate, 3 = expert.
    #[schemars(range(min = 1, max = 3))]
    pub contractor_tier: i64,
    /// RFC 3339, UTC, seconds (`2024-09-27T10:30:00Z`).
    pub posted_on: String,
    pub category: Category,
    pub budget: Budget,
    pub buyer: Buyer,
    pub tags: Vec<String>,
    pub url: String,
    /// RFC 3339, UTC, seconds; null when the feed never saw a visit.
    pub last_visited_at: Option<String>,
    pub duration_label: String,
    pub engagement: String,
    pub skills: Vec<String>,
    pub hourly_budget: Option<HourlyBudget>,
    pub client_activity: ClientActivity,
    pub location: Location,
    pub is_private: bool,
    pub privacy_reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Category {
    pub name: String,
    pub slug: String,
    pub group: String,
    pub group_slug: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Budget {
    /// The fixed project budget; null for hourly jobs.
    #[serde(serialize_with = "whole_numbers::option")]
    pub fixed_amount: Option<f64>,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HourlyBudget {
    #[serde(serialize_with = "whole_numbers::option")]
    pub min: Option<f64>,
    #[serde(serialize_with = "whole_numbers::option")]
    pub max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Buyer {
    pub payment_verified: bool,
    /// ISO 3166-1 alpha-2, upper case (normalised at ingest).
    pub country: String,
    pub city: String,
    pub timezone: String,
    #[serde(serialize_with = "whole_numbers::plain")]
    pub total_spent: f64,
    pub total_assignments: i64,
    pub total_jobs_with_hires: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClientActivity {
    pub total_applicants: i64,
    pub total_hired: i64,
    pub total_invited_to_interview: i64,
    pub unanswered_invites: i64,
    pub invitations_sent: i64,
    /// RFC 3339, UTC, seconds; null when unknown.
    pub last_buyer_activity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Location {
    pub country: String,
    pub city: String,
    pub timezone: String,
}

/// Amounts are stored as `f64` but written like the seed writes them: a
/// whole number without a fraction (`5000`, not `5000.0`).
mod whole_numbers {
    use serde::Serializer;

    /// Largest magnitude an f64 holds exactly as an integer.
    const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

    pub fn plain<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if value.fract() == 0.0 && value.abs() < EXACT_LIMIT {
            serializer.serialize_i64(*value as i64)
        } else {
            serializer.serialize_f64(*value)
        }
    }

    pub fn option<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(number) => plain(number, serializer),
            None => serializer.serialize_none(),
        }
    }
}
