//! Turns one incoming record (any JSON a feed sends) into a canonical `Job`,
//! or a clear per-record error naming the field.
//!
//! Required: `id`, `title`, `posted_on`. Everything else is optional and gets
//! the seed schema's neutral value when absent; when present it must have the
//! seed's type. Times are normalised to RFC 3339 UTC seconds, country names to
//! ISO 3166-1 alpha-2 codes, categories completed from the taxonomy.

use crate::clock::{format_rfc3339, parse_time_or_date};
use crate::model::{Budget, Buyer, Category, ClientActivity, HourlyBudget, Job, Location};
use crate::{countries, taxonomy};
use serde_json::{Map, Value};

const MAX_ID_CHARS: usize = 200;
const MAX_TITLE_CHARS: usize = 1_000;
const MAX_TEXT_CHARS: usize = 100_000;
const MAX_LIST_ITEMS: usize = 200;

/// Validates and normalises one record.
pub fn validate(value: &Value) -> Result<Job, String> {
    let record = value.as_object().ok_or("a job must be a JSON object")?;
    let fields = Fields { map: record, path: "" };

    let id = fields.required_string("id", MAX_ID_CHARS)?;
    let title = fields.required_string("title", MAX_TITLE_CHARS)?;
    let posted_on = fields.time("posted_on")?.ok_or("posted_on is required (RFC 3339 time)")?;
    let description = fields.string("description", MAX_TEXT_CHARS)?.unwrap_or_default();

    let hourly_budget = match fields.object("hourly_budget")? {
        None => None,
        Some(hourly) => {
            let hourly = Fields { map: hourly, path: "hourly_budget." };
            let min = hourly.non_negative_number("min")?;
            let max = hourly.non_negative_number("max")?;
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                return Err("hourly_budget.min must not exceed hourly_budget.max".into());
            }
            Some(HourlyBudget { min, max })
        }
    };
    let budget = match fields.object("budget")? {
        None => Budget { fixed_amount: None, currency: "USD".into() },
        Some(budget) => {
            let budget = Fields { map: budget, path: "budget." };
            Budget {
                fixed_amount: budget.non_negative_number("fixed_amount")?,
                currency: budget.string("currency", 10)?.unwrap_or_else(|| "USD".into()),
            }
        }
    };
    let job_type = fields
        .code("job_type", JOB_TYPES, "1 (hourly) or 2 (fixed)")?
        .unwrap_or(if hourly_budget.is_some() && budget.fixed_amount.is_none() { 1 } else { 2 });
    let status = fields.code("status", STATUSES, "1 (open) or 2 (closed)")?.unwrap_or(1);
    let contractor_tier =
        fields.code("contractor_tier", TIERS, "1 (entry), 2 (intermediate) or 3 (expert)")?.unwrap_or(1);

    let category = category(&fields)?;
    let buyer = match fields.object("buyer")? {
        None => Buyer {
            payment_verified: false,
            country: String::new(),
            city: String::new(),
            timezone: String::new(),
            total_spent: 0.0,
            total_assignments: 0,
            total_jobs_with_hires: 0,
        },
        Some(buyer) => {
            let buyer = Fields { map: buyer, path: "buyer." };
            Buyer {
                payment_verified: buyer.boolean("payment_verified")?.unwrap_or(false),
                country: country(buyer.string("country", 100)?),
                city: buyer.string("city", 200)?.unwrap_or_default(),
                timezone: buyer.string("timezone", 100)?.unwrap_or_default(),
                total_spent: buyer.non_negative_number("total_spent")?.unwrap_or(0.0),
                total_assignments: buyer.non_negative_int("total_assignments")?.unwrap_or(0),
                total_jobs_with_hires: buyer.non_negative_int("total_jobs_with_hires")?.unwrap_or(0),
            }
        }
    };
    let client_activity = match fields.object("client_activity")? {
        None => ClientActivity {
            total_applicants: 0,
            total_hired: 0,
            total_invited_to_interview: 0,
            unanswered_invites: 0,
            invitations_sent: 0,
            last_buyer_activity: None,
        },
        Some(activity) => {
            let activity = Fields { map: activity, path: "client_activity." };
            ClientActivity {
                total_applicants: activity.non_negative_int("total_applicants")?.unwrap_or(0),
                total_hired: activity.non_negative_int("total_hired")?.unwrap_or(0),
                total_invited_to_interview: activity.non_negative_int("total_invited_to_interview")?.unwrap_or(0),
                unanswered_invites: activity.non_negative_int("unanswered_invites")?.unwrap_or(0),
                invitations_sent: activity.non_negative_int("invitations_sent")?.unwrap_or(0),
                last_buyer_activity: activity.time("last_buyer_activity")?,
            }
        }
    };
    let location = match fields.object("location")? {
        None => Location { country: buyer.country.clone(), city: buyer.city.clone(), timezone: buyer.timezone.clone() },
        Some(location) => {
            let location = Fields { map: location, path: "location." };
            Location {
                country: country(location.string("country", 100)?),
                city: location.string("city", 200)?.unwrap_or_default(),
                timezone: location.string("timezone", 100)?.unwrap_or_default(),
            }
        }
    };

    Ok(Job {
        id,
        title,
        description,
        job_type,
        status,
        contractor_tier,
        posted_on,
        category,
        budget,
        buyer,
        tags: fields.string_list("tags")?,
        url: fields.string("url", 2_000)?.unwrap_or_default(),
        last_visited_at: fields.time("last_visited_at")?,
        duration_label: fields.string("duration_label", 100)?.unwrap_or_default(),
        engagement: fields.string("engagement", 100)?.unwrap_or_default(),
        skills: fields.string_list("skills")?,
        hourly_budget,
        client_activity,
        location,
        is_private: fields.boolean("is_private")?.unwrap_or(false),
        privacy_reason: fields.string("privacy_reason", 1_000)?.unwrap_or_default(),
    })
}

/// The category, completed from the taxonomy when its slug (or name) is known.
fn category(fields: &Fields) -> Result<Category, String> {
    let Some(category) = fields.object("category")? else {
        return Ok(Category {
            name: String::new(),
            slug: String::new(),
            group: String::new(),
            group_slug: String::new(),
        });
    };
    let category = Fields { map: category, path: "category." };
    let name = category.string("name", 200)?.unwrap_or_default();
    let slug = category.string("slug", 200)?.unwrap_or_else(|| slugify(&name));
    if let Some(known) = taxonomy::category_by_slug(&slug) {
        return Ok(Category {
            name: known.name.into(),
            slug: known.slug.into(),
            group: known.group.into(),
            group_slug: known.group_slug.into(),
        });
    }
    let group = category.string("group", 200)?.unwrap_or_default();
    let group_slug = category.string("group_slug", 200)?.unwrap_or_else(|| slugify(&group));
    Ok(Category { name, slug, group, group_slug })
}

/// An alpha-2 code for a code or an English name; unknown text is kept
/// (upper-cased when it looks like a code) rather than refused.
fn country(input: Option<String>) -> String {
    let Some(input) = input else { return String::new() };
    let trimmed = input.trim();
    match countries::normalize_country(trimmed) {
        Some(code) => code.to_string(),
        None => trimmed.to_string(),
    }
}

pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_alphanumeric() {
            slug.extend(character.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// The names a record may give `job_type`, `status` and `contractor_tier`
/// in, the query parameters' words (`/jobs?job_type=fixed&status=open`).
const JOB_TYPES: &[(&str, i64)] = &[("hourly", 1), ("fixed", 2), ("fixed-price", 2), ("fixed_price", 2)];
const STATUSES: &[(&str, i64)] = &[("open", 1), ("closed", 2)];
const TIERS: &[(&str, i64)] = &[("entry", 1), ("intermediate", 2), ("expert", 3)];

/// Typed access to one JSON object's fields with errors that name the path.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: &'static str,
}

impl Fields<'_> {
    fn present(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|value| !value.is_null())
    }

    fn error(&self, name: &str, what: &str) -> String {
        format!("{}{} must be {}", self.path, name, what)
    }

    fn required_string(&self, name: &str, max_chars: usize) -> Result<String, String> {
        match self.string(name, max_chars)? {
            Some(text) if !text.trim().is_empty() => Ok(text),
            _ => Err(format!("{}{} is required (non-empty string)", self.path, name)),
        }
    }

    fn string(&self, name: &str, max_chars: usize) -> Result<Option<String>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.chars().count() <= max_chars => Ok(Some(text.clone())),
            Some(Value::String(_)) => Err(self.error(name, &format!("at most {max_chars} characters"))),
            Some(_) => Err(self.error(name, "a string")),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(self.error(name, "true or false")),
        }
    }

    fn non_negative_number(&self, name: &str) -> Result<Option<f64>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_f64() {
                Some(value) if value >= 0.0 && value.is_finite() && value < 1e15 => Ok(Some(value)),
                _ => Err(self.error(name, "a non-negative number below 10^15")),
            },
            Some(_) => Err(self.error(name, "a number")),
        }
    }

    fn non_negative_int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_i64() {
                Some(value) if value >= 0 => Ok(Some(value)),
                _ => Err(self.error(name, "a non-negative integer")),
            },
            Some(_) => Err(self.error(name, "an integer")),
        }
    }

    /// A coded field: its integer, or the integer or one of `names` in a
    /// string (any case), as the query parameters take them. `names` lists
    /// every code from 1 up, aliases after their code's first name.
    fn code(&self, name: &str, names: &[(&str, i64)], what: &str) -> Result<Option<i64>, String> {
        let Some(Value::String(text)) = self.present(name) else {
            let high = names.iter().map(|&(_, code)| code).max().unwrap_or(1);
            return self.int_in(name, 1, high);
        };
        let text = text.trim().to_ascii_lowercase();
        names
            .iter()
            .find(|&&(code_name, code)| text == code_name || text.parse::<i64>() == Ok(code))
            .map(|&(_, code)| Some(code))
            .ok_or_else(|| self.error(name, what))
    }

    fn int_in(&self, name: &str, low: i64, high: i64) -> Result<Option<i64>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_i64() {
                Some(value) if (low..=high).contains(&value) => Ok(Some(value)),
                _ => Err(self.error(name, &format!("an integer from {low} to {high}"))),
            },
            Some(_) => Err(self.error(name, &format!("an integer from {low} to {high}"))),
        }
    }

    fn object(&self, name: &str) -> Result<Option<&Map<String, Value>>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(self.error(name, "an object or null")),
        }
    }

    fn string_list(&self, name: &str) -> Result<Vec<String>, String> {
        match self.present(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) if items.len() <= MAX_LIST_ITEMS => items
                .iter()
                .map(|item| match item {
                    Value::String(text) if text.chars().count() <= 200 => Ok(text.trim().to_string()),
                    _ => Err(self.error(name, "an array of strings (each at most 200 characters)")),
                })
                .filter(|item| item.as_ref().map(|text| !text.is_empty()).unwrap_or(true))
                .collect(),
            Some(Value::Array(_)) => Err(self.error(name, &format!("at most {MAX_LIST_ITEMS} items"))),
            Some(_) => Err(self.error(name, "an array of strings")),
        }
    }

    /// An RFC 3339 time (or a date), normalised to UTC seconds.
    fn time(&self, name: &str) -> Result<Option<String>, String> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(text)) => {
                let instant = parse_time_or_date(text.trim())
                    .or_else(|| {
                        chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S")
                            .ok()
                            .map(|naive| naive.and_utc())
                    })
                    .ok_or_else(|| self.error(name, "an RFC 3339 time such as 2024-09-27T10:30:00Z"))?;
                if !(1990..=9999).contains(&chrono::Datelike::year(&instant)) {
                    return Err(self.error(name, "a time between 1990 and 9999"));
                }
                // A leap second (`23:59:60`) is kept as the second before
                // it: strict RFC 3339 readers refuse `:60`.
                let instant = chrono::Timelike::with_nanosecond(&instant, 0).unwrap_or(instant);
                Ok(Some(format_rfc3339(instant)))
            }
            Some(_) => Err(self.error(name, "an RFC 3339 time string")),
        }
    }
}

/// Lower case, letters and digits only, with `+` and `#` spelled out, so that
/// `Node.js` = `nodejs`, `Machine Learning` = `machine-learning`, and `C++`,
/// `C#` and `C` stay three different skills.
pub fn normalize_term(text: &str) -> String {
    let mut term = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '+' => term.push_str("plus"),
            '#' => term.push_str("sharp"),
            other if other.is_alphanumeric() => term.extend(other.to_lowercase()),
            _ => {}
        }
    }
    term
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({"id": "a1", "title": "Build a site", "posted_on": "2024-09-27T10:30:00Z"})
    }

    fn check(patch: Value, expected_error: &str) {
        let mut record = minimal();
        for (name, value) in patch.as_object().unwrap() {
            record[name] = value.clone();
        }
        let error = validate(&record).unwrap_err();
        assert!(error.contains(expected_error), "{error:?} lacks {expected_error:?}");
    }

    #[test]
    fn minimal_record_gets_neutral_values() {
        let job = validate(&minimal()).unwrap();
        assert_eq!(job.posted_on, "2024-09-27T10:30:00Z");
        assert_eq!(job.budget.currency, "USD");
        assert!(job.skills.is_empty());
        assert_eq!(job.status, 1);
    }

    #[test]
    fn times_are_normalised_to_utc_seconds() {
        let mut record = minimal();
        record["posted_on"] = json!("2016-12-31T23:59:60Z");
        record["last_visited_at"] = json!("2024-09-27T12:30:00.750+02:00");
        let job = validate(&record).unwrap();
        assert_eq!(job.posted_on, "2016-12-31T23:59:59Z");
        assert_eq!(job.last_visited_at.as_deref(), Some("2024-09-27T10:30:00Z"));
    }

    #[test]
    fn bad_fields_are_named() {
        check(json!({"id": ""}), "id is required");
        check(json!({"title": 5}), "title must be a string");
        check(json!({"posted_on": "yesterday"}), "posted_on must be an RFC 3339 time");
        check(json!({"job_type": 3}), "job_type must be an integer from 1 to 2");
        check(json!({"budget": {"fixed_amount": "lots"}}), "budget.fixed_amount must be a number");
        check(json!({"budget": {"fixed_amount": -5}}), "budget.fixed_amount must be a non-negative number");
        check(
            json!({"budget": {"fixed_amount": 1e308}}),
            "budget.fixed_amount must be a non-negative number below 10^15",
        );
        check(json!({"buyer": {"payment_verified": "yes"}}), "buyer.payment_verified must be true or false");
        check(json!({"skills": "react"}), "skills must be an array of strings");
        check(json!({"hourly_budget": {"min": 50, "max": 10}}), "must not exceed");
        check(
            json!({"client_activity": {"total_applicants": 1.5}}),
            "client_activity.total_applicants must be a non-negative integer",
        );
    }

    #[test]
    fn coded_fields_take_the_query_parameters_words() {
        let mut record = minimal();
        record["job_type"] = json!("Fixed-Price");
        record["status"] = json!("closed");
        record["contractor_tier"] = json!(" Expert ");
        let job = validate(&record).unwrap();
        assert_eq!((job.job_type, job.status, job.contractor_tier), (2, 2, 3));
        record["job_type"] = json!("1");
        record["status"] = json!(1);
        record["contractor_tier"] = json!("2");
        let job = validate(&record).unwrap();
        assert_eq!((job.job_type, job.status, job.contractor_tier), (1, 1, 2));
        check(json!({"job_type": "weekly"}), "job_type must be 1 (hourly) or 2 (fixed)");
        check(json!({"status": "archived"}), "status must be 1 (open) or 2 (closed)");
        check(json!({"status": "3"}), "status must be 1 (open) or 2 (closed)");
        check(json!({"status": 3}), "status must be an integer from 1 to 2");
        check(
            json!({"contractor_tier": "senior"}),
            "contractor_tier must be 1 (entry), 2 (intermediate) or 3 (expert)",
        );
        check(json!({"contractor_tier": true}), "contractor_tier must be an integer from 1 to 3");
    }

    #[test]
    fn countries_and_times_are_normalised() {
        let mut record = minimal();
        record["buyer"] = json!({"country": "United States"});
        record["posted_on"] = json!("2024-09-27T12:30:00+02:00");
        let job = validate(&record).unwrap();
        assert_eq!(job.buyer.country, "US");
        assert_eq!(job.location.country, "US");
        assert_eq!(job.posted_on, "2024-09-27T10:30:00Z");
    }

    #[test]
    fn terms_ignore_case_and_punctuation() {
        assert_eq!(normalize_term("Node.js"), "nodejs");
        assert_eq!(normalize_term("machine-learning"), normalize_term("Machine Learning"));
        assert_ne!(normalize_term("C++"), normalize_term("C#"));
        assert_ne!(normalize_term("C++"), normalize_term("C"));
    }
}
