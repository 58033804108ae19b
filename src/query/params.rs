//! Parsing of `/jobs` parameters into a typed request.

use crate::clock::parse_time_or_date;
use crate::error::{Error, Result};
use crate::ingest::validate::normalize_term;
use crate::query::fts::{FtsQuery, parse_q};
use crate::{countries, taxonomy};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::HashSet;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;
pub const MAX_OFFSET: i64 = 10_000;

/// Every filter of the spec's `/jobs` table, typed. Empty lists and `None`
/// mean "no constraint".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobFilter {
    pub q: Option<FtsQuery>,
    pub job_type: Option<i64>,
    pub status: Option<i64>,
    pub contractor_tiers: Vec<i64>,
    pub budget_min: Option<f64>,
    pub budget_max: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
    pub payment_verified: Option<bool>,
    pub countries: Vec<String>,
    pub exclude_countries: Vec<String>,
    pub timezone: Option<String>,
    pub categories: Vec<String>,
    pub category_groups: Vec<String>,
    /// Normalised terms a job must all carry (from `tags` and `skills`).
    pub all_terms: Vec<String>,
    pub any_terms: Vec<String>,
    pub exclude_terms: Vec<String>,
    /// Unix seconds, inclusive bounds on posted_on.
    pub posted_after: Option<i64>,
    pub posted_before: Option<i64>,
    pub last_visited_after: Option<i64>,
    pub buyer_total_spent_min: Option<f64>,
    pub buyer_total_spent_max: Option<f64>,
    pub buyer_total_assignments_min: Option<i64>,
    pub buyer_total_assignments_max: Option<i64>,
    pub buyer_total_jobs_with_hires_min: Option<i64>,
    pub buyer_total_jobs_with_hires_max: Option<i64>,
    pub total_applicants_min: Option<i64>,
    pub total_applicants_max: Option<i64>,
    pub engagements: Vec<String>,
    pub duration_labels: Vec<String>,
    /// Relative window (`since=7d`) in seconds; resolved against the clock
    /// when the query runs, so a stored webhook filter keeps meaning "recent".
    pub since_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    PostedOnDesc,
    PostedOnAsc,
    LastVisitedDesc,
    LastVisitedAsc,
    BudgetDesc,
    BudgetAsc,
    ApplicantsAsc,
    Relevance,
}

impl Sort {
    pub const ALL: [(&'static str, Sort); 8] = [
        ("posted_on_desc", Sort::PostedOnDesc),
        ("posted_on_asc", Sort::PostedOnAsc),
        ("last_visited_desc", Sort::LastVisitedDesc),
        ("last_visited_asc", Sort::LastVisitedAsc),
        ("budget_desc", Sort::BudgetDesc),
        ("budget_asc", Sort::BudgetAsc),
        ("applicants_asc", Sort::ApplicantsAsc),
        ("relevance", Sort::Relevance),
    ];

    pub fn name(self) -> &'static str {
        Sort::ALL.iter().find(|(_, sort)| *sort == self).map(|(name, _)| *name).unwrap_or("posted_on_desc")
    }
}

/// Where the next page starts: the last row's sort key and seq, or (for
/// relevance, whose order is not a stable key) an offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cursor {
    After {
        sort: Sort,
        value: f64,
        seq: i64,
    },
    /// `ceiling` is the highest seq in the store when the first page was
    /// read: later pages leave out jobs stored since, so new postings
    /// arriving during the walk do not shift the offsets (no job twice).
    Offset {
        sort: Sort,
        offset: i64,
        ceiling: i64,
    },
}

impl Cursor {
    pub fn encode(&self) -> String {
        let text = match self {
            Cursor::After { sort, value, seq } => format!("k|{}|{}|{}", sort.name(), value, seq),
            Cursor::Offset { sort, offset, ceiling } => format!("o|{}|{}|{}", sort.name(), offset, ceiling),
        };
        URL_SAFE_NO_PAD.encode(text)
    }

    pub fn decode(input: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(input.trim_end_matches('=')).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let parts: Vec<&str> = text.split('|').collect();
        let sort = |name: &str| Sort::ALL.iter().find(|(known, _)| *known == name).map(|(_, sort)| *sort);
        match parts.as_slice() {
            ["k", name, value, seq] => {
                let value: f64 = value.parse().ok()?;
                value.is_finite().then_some(())?;
                Some(Cursor::After { sort: sort(name)?, value, seq: seq.parse().ok()? })
            }
            ["o", name, offset, ceiling] => {
                let offset: i64 = offset.parse().ok()?;
                (0..=MAX_OFFSET).contains(&offset).then_some(())?;
                Some(Cursor::Offset { sort: sort(name)?, offset, ceiling: ceiling.parse().ok()? })
            }
            _ => None,
        }
    }

    fn sort(&self) -> Sort {
        match self {
            Cursor::After { sort, .. } | Cursor::Offset { sort, .. } => *sort,
        }
    }
}

/// A whole `/jobs` request (also `/jobs/export`, which ignores paging).
#[derive(Debug, Clone, PartialEq)]
pub struct JobListRequest {
    pub filter: JobFilter,
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
    pub cursor: Option<Cursor>,
    pub fields: Option<Vec<String>>,
    pub include_total: bool,
}

impl JobListRequest {
    /// Whether answering holds a lot of memory in SQLite for a while: ranking
    /// by relevance scores thousands of candidates, and a prefix merges
    /// many doclists. The reader pool runs only a few such queries at once.
    pub fn is_heavy(&self) -> bool {
        self.sort == Sort::Relevance || self.filter.q.as_ref().is_some_and(FtsQuery::has_prefix)
    }
}

/// Filter parameters (shared by `/jobs`, `/jobs/export` and webhook filters).
pub const FILTER_PARAMETERS: &[&str] = &[
    "q",
    "job_type",
    "status",
    "contractor_tier",
    "budget_min",
    "budget_max",
    "hourly_min",
    "hourly_max",
    "payment_verified",
    "country",
    "exclude_country",
    "location.timezone",
    "category",
    "category_group",
    "tags",
    "skills",
    "skills_any",
    "exclude_skills",
    "posted_after",
    "posted_before",
    "since",
    "last_visited_after",
    "buyer.total_spent_min",
    "buyer.total_spent_max",
    "buyer.total_assignments_min",
    "buyer.total_assignments_max",
    "buyer.total_jobs_with_hires_min",
    "buyer.total_jobs_with_hires_max",
    "client_activity.total_applicants_min",
    "client_activity.total_applicants_max",
    "engagement",
    "duration_label",
];

/// Paging and shaping parameters of `/jobs`.
pub const LIST_PARAMETERS: &[&str] = &["limit", "offset", "cursor", "sort", "fields", "include_total"];

/// Top-level fields a `fields=` projection may name.
pub const JOB_FIELDS: &[&str] = &[
    "id",
    "title",
    "description",
    "job_type",
    "status",
    "contractor_tier",
    "posted_on",
    "category",
    "budget",
    "buyer",
    "tags",
    "url",
    "last_visited_at",
    "duration_label",
    "engagement",
    "skills",
    "hourly_budget",
    "client_activity",
    "location",
    "is_private",
    "privacy_reason",
];

/// Parameters that take a comma-separated list: repeating one of them is
/// refused with a hint to list the values in one parameter instead.
const LIST_VALUED_PARAMETERS: &[&str] = &[
    "contractor_tier",
    "country",
    "exclude_country",
    "category",
    "category_group",
    "tags",
    "skills",
    "skills_any",
    "exclude_skills",
    "engagement",
    "duration_label",
    "fields",
];

/// Names other job APIs use for our parameters. Spelling distance would
/// suggest a look-alike for them (`page` is two letters from `tags`), so
/// they are mapped to what they mean instead.
const ALIASES: &[(&str, &str)] = &[
    ("page", "offset"),
    ("per_page", "limit"),
    ("page_size", "limit"),
    ("pagesize", "limit"),
    ("size", "limit"),
    ("search", "q"),
    ("query", "q"),
    ("keyword", "q"),
    ("keywords", "q"),
    ("order", "sort"),
    ("order_by", "sort"),
    ("orderby", "sort"),
    ("sort_by", "sort"),
];

/// Splits a raw query string into name/value pairs, refusing repeats and
/// names outside `allowed` (with a did-you-mean when one is close).
pub fn split_query(raw: &str, allowed: &[&[&str]]) -> Result<Vec<(String, String)>> {
    let mut seen = HashSet::new();
    let mut pairs = Vec::new();
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let name = name.into_owned();
        // A stray `&` or `=` (`?limit=5&`, `?=`) says nothing; a value
        // without a name (`?=react`) is a mistake worth a 400.
        if name.is_empty() && value.is_empty() {
            continue;
        }
        if !allowed.iter().any(|group| group.contains(&name.as_str())) {
            return Err(unknown_parameter(&name, allowed));
        }
        if !seen.insert(name.clone()) {
            // Only list parameters get the comma hint: `limit=5&limit=6`
            // has no list form to point at.
            let hint =
                if LIST_VALUED_PARAMETERS.contains(&name.as_str()) { " (use one comma-separated list)" } else { "" };
            return Err(Error::bad_request(format!("Invalid {name} parameter: given more than once{hint}")));
        }
        pairs.push((name, value.into_owned()));
    }
    Ok(pairs)
}

fn unknown_parameter(name: &str, allowed: &[&[&str]]) -> Error {
    let lowered = name.to_ascii_lowercase();
    let is_allowed = |candidate: &str| allowed.iter().any(|group| group.contains(&candidate));
    let alias =
        ALIASES.iter().find(|(alias, target)| *alias == lowered && is_allowed(target)).map(|(_, target)| *target);
    // A suggestion must be close for the name the user typed: one edit, or
    // at most a third of its characters (so `page` does not suggest `tags`).
    let length = lowered.chars().count();
    let suggestion = alias.or_else(|| {
        allowed
            .iter()
            .flat_map(|group| group.iter())
            .map(|candidate| (strsim::damerau_levenshtein(&lowered, candidate), *candidate))
            .filter(|(distance, _)| *distance <= 1 || distance * 3 <= length)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, candidate)| candidate)
    });
    match suggestion {
        Some(candidate) => Error::bad_request(format!("Unknown parameter '{name}'. Did you mean '{candidate}'?")),
        None => Error::bad_request(format!("Unknown parameter '{name}'")),
    }
}

/// Parses a `/jobs` query string.
pub fn parse_job_list(raw: &str) -> Result<JobListRequest> {
    let pairs = split_query(raw, &[FILTER_PARAMETERS, LIST_PARAMETERS])?;
    let mut filter_pairs = Vec::new();
    let mut request = JobListRequest {
        filter: JobFilter::default(),
        sort: Sort::PostedOnDesc,
        limit: DEFAULT_LIMIT,
        offset: 0,
        cursor: None,
        fields: None,
        include_total: false,
    };
    let mut cursor_text = None;
    let mut offset_given = false;
    for (name, value) in pairs {
        match name.as_str() {
            "limit" => request.limit = integer_in(&name, &value, 1, MAX_LIMIT)?,
            "offset" => {
                request.offset = integer_in(&name, &value, 0, MAX_OFFSET)?;
                offset_given = true;
            }
            "cursor" => cursor_text = Some(value),
            "sort" => {
                request.sort =
                    Sort::ALL.iter().find(|(known, _)| *known == value.trim()).map(|(_, sort)| *sort).ok_or_else(
                        || {
                            let names: Vec<&str> = Sort::ALL.iter().map(|(known, _)| *known).collect();
                            invalid(&name, &format!("one of {}", names.join(", ")))
                        },
                    )?
            }
            "fields" => request.fields = Some(parse_fields(&value)?),
            "include_total" => request.include_total = boolean(&name, &value)?,
            _ => filter_pairs.push((name, value)),
        }
    }
    request.filter = parse_filter(&filter_pairs)?;
    if request.sort == Sort::Relevance && request.filter.q.is_none() {
        return Err(invalid("sort", "relevance needs a q parameter"));
    }
    if let Some(text) = cursor_text {
        // Refused even as `offset=0`: a client sending both has mixed up
        // two paging schemes, and one of them would be ignored.
        if offset_given {
            return Err(invalid("cursor", "cannot be combined with offset"));
        }
        let cursor = Cursor::decode(text.trim()).ok_or_else(|| invalid("cursor", "not a cursor from next_cursor"))?;
        if cursor.sort() != request.sort {
            return Err(invalid("cursor", "it was made for another sort order"));
        }
        request.cursor = Some(cursor);
    }
    Ok(request)
}

fn parse_fields(value: &str) -> Result<Vec<String>> {
    let mut fields = vec!["id".to_string()];
    for field in list("fields", value)? {
        if !JOB_FIELDS.contains(&field.as_str()) {
            return Err(invalid("fields", &format!("unknown field '{field}'")));
        }
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    Ok(fields)
}

/// Parses filter pairs (already split and checked for repeats and names).
pub fn parse_filter(pairs: &[(String, String)]) -> Result<JobFilter> {
    let mut filter = JobFilter::default();
    for (name, value) in pairs {
        let name = name.as_str();
        let value = value.as_str();
        match name {
            "q" => {
                filter.q =
                    Some(parse_q(value).map_err(|why| Error::bad_request(format!("Invalid q parameter: {why}")))?)
            }
            "job_type" => {
                filter.job_type = Some(match value.trim().to_ascii_lowercase().as_str() {
                    "1" | "hourly" => 1,
                    "2" | "fixed" | "fixed-price" | "fixed_price" => 2,
                    _ => return Err(invalid(name, "1, hourly, 2 or fixed")),
                })
            }
            "status" => {
                filter.status = Some(match value.trim().to_ascii_lowercase().as_str() {
                    "1" | "open" => 1,
                    "2" | "closed" => 2,
                    _ => return Err(invalid(name, "1, open, 2 or closed")),
                })
            }
            "contractor_tier" => {
                filter.contractor_tiers = list(name, value)?
                    .iter()
                    .map(|tier| match tier.as_str() {
                        "1" | "entry" => Ok(1),
                        "2" | "intermediate" => Ok(2),
                        "3" | "expert" => Ok(3),
                        _ => Err(invalid(name, "a comma list of 1, 2, 3 or entry, intermediate, expert")),
                    })
                    .collect::<Result<_>>()?
            }
            "budget_min" => filter.budget_min = Some(non_negative(name, value)?),
            "budget_max" => filter.budget_max = Some(non_negative(name, value)?),
            "hourly_min" => filter.hourly_min = Some(non_negative(name, value)?),
            "hourly_max" => filter.hourly_max = Some(non_negative(name, value)?),
            "payment_verified" => filter.payment_verified = Some(boolean(name, value)?),
            "country" => filter.countries = country_list(name, value)?,
            "exclude_country" => filter.exclude_countries = country_list(name, value)?,
            "location.timezone" => {
                let timezone = value.trim();
                if timezone.is_empty() || timezone.len() > 64 {
                    return Err(invalid(name, "an IANA time zone such as America/Los_Angeles"));
                }
                filter.timezone = Some(timezone.to_string());
            }
            "category" => {
                filter.categories = list(name, value)?;
                if let Some(unknown) = filter.categories.iter().find(|slug| taxonomy::category_by_slug(slug).is_none())
                {
                    return Err(invalid(name, &format!("unknown category slug '{unknown}' (see GET /categories)")));
                }
            }
            "category_group" => {
                filter.category_groups = list(name, value)?;
                if let Some(unknown) = filter.category_groups.iter().find(|slug| !taxonomy::is_group_slug(slug)) {
                    return Err(invalid(
                        name,
                        &format!("unknown category group slug '{unknown}' (see GET /categories)"),
                    ));
                }
            }
            "tags" | "skills" => {
                for term in terms(name, value)? {
                    if !filter.all_terms.contains(&term) {
                        filter.all_terms.push(term);
                    }
                }
            }
            "skills_any" => filter.any_terms = terms(name, value)?,
            "exclude_skills" => filter.exclude_terms = terms(name, value)?,
            "posted_after" => filter.posted_after = Some(time(name, value)?),
            "posted_before" => filter.posted_before = Some(time(name, value)?),
            "since" => filter.since_seconds = Some(relative_window(name, value)?),
            "last_visited_after" => filter.last_visited_after = Some(time(name, value)?),
            "buyer.total_spent_min" => filter.buyer_total_spent_min = Some(non_negative(name, value)?),
            "buyer.total_spent_max" => filter.buyer_total_spent_max = Some(non_negative(name, value)?),
            "buyer.total_assignments_min" => filter.buyer_total_assignments_min = Some(count(name, value)?),
            "buyer.total_assignments_max" => filter.buyer_total_assignments_max = Some(count(name, value)?),
            "buyer.total_jobs_with_hires_min" => filter.buyer_total_jobs_with_hires_min = Some(count(name, value)?),
            "buyer.total_jobs_with_hires_max" => filter.buyer_total_jobs_with_hires_max = Some(count(name, value)?),
            "client_activity.total_applicants_min" => filter.total_applicants_min = Some(count(name, value)?),
            "client_activity.total_applicants_max" => filter.total_applicants_max = Some(count(name, value)?),
            "engagement" => filter.engagements = raw_list(name, value)?,
            "duration_label" => filter.duration_labels = raw_list(name, value)?,
            other => return Err(Error::bad_request(format!("Unknown parameter '{other}'"))),
        }
    }
    check_order(&filter.budget_min, &filter.budget_max, "budget_min")?;
    // No order check for hourly_min/hourly_max: they bound different ends of
    // the job's rate range (hourly_min against its max, hourly_max against
    // its min), so hourly_min=40&hourly_max=30 is a meaningful query (ranges
    // reaching both above 40 and below 30), not a contradiction.
    check_order(&filter.buyer_total_spent_min, &filter.buyer_total_spent_max, "buyer.total_spent_min")?;
    check_order(
        &filter.buyer_total_assignments_min,
        &filter.buyer_total_assignments_max,
        "buyer.total_assignments_min",
    )?;
    check_order(
        &filter.buyer_total_jobs_with_hires_min,
        &filter.buyer_total_jobs_with_hires_max,
        "buyer.total_jobs_with_hires_min",
    )?;
    check_order(&filter.total_applicants_min, &filter.total_applicants_max, "client_activity.total_applicants_min")?;
    check_order(&filter.posted_after, &filter.posted_before, "posted_after")?;
    Ok(filter)
}

fn invalid(name: &str, why: &str) -> Error {
    Error::bad_request(format!("Invalid {name} parameter: {why}"))
}

fn check_order<T: PartialOrd>(low: &Option<T>, high: &Option<T>, name: &str) -> Result<()> {
    match (low, high) {
        (Some(low), Some(high)) if low > high => {
            let other = name.replace("_min", "_max").replace("_after", "_before");
            Err(Error::bad_request(format!("Invalid {name} parameter: greater than {other}")))
        }
        _ => Ok(()),
    }
}

pub fn integer_in(name: &str, value: &str, low: i64, high: i64) -> Result<i64> {
    match value.trim().parse::<i64>() {
        Ok(number) if (low..=high).contains(&number) => Ok(number),
        _ => Err(Error::bad_request(format!("Invalid {name} parameter: must be an integer from {low} to {high}"))),
    }
}

fn non_negative(name: &str, value: &str) -> Result<f64> {
    match value.trim().parse::<f64>() {
        Ok(number) if number.is_finite() && number >= 0.0 => Ok(number),
        _ => Err(Error::bad_request(format!("Invalid {name} parameter"))),
    }
}

fn count(name: &str, value: &str) -> Result<i64> {
    match value.trim().parse::<i64>() {
        Ok(number) if number >= 0 => Ok(number),
        _ => Err(invalid(name, "must be a non-negative integer")),
    }
}

/// `true` or `false` in any case: Python's `requests` sends `True` for a
/// bool, and `1`/`yes` stay refused as the original service refuses them.
pub(crate) fn boolean(name: &str, value: &str) -> Result<bool> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid(name, "must be true or false"))
    }
}

/// ISO 8601 times with an offset, besides RFC 3339: minutes only, an offset
/// of `+hh` or `+hhmm`, and the basic format (`20240927T103000Z`).
const TIMES_WITH_OFFSET: [&str; 3] = ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z", "%Y%m%dT%H%M%S%#z"];
/// ISO 8601 times without an offset, read as UTC.
const TIMES_IN_UTC: [&str; 3] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y%m%dT%H%M%S"];

/// An RFC 3339 time, a `YYYY-MM-DD` date (midnight UTC), or another ISO
/// 8601 form of a time (see [`TIMES_WITH_OFFSET`]; without an offset, as
/// `2024-09-27T10:30:00`, it is read as UTC): the original service
/// documented these parameters as ISO 8601, and its clients send those
/// forms. A space may stand for the `T` (as RFC 3339 allows), and a space
/// before a trailing offset is read as the `+` it was before an unencoded
/// query string turned it into a space (`10:30:00 02:00`).
fn time(name: &str, value: &str) -> Result<i64> {
    let value = value.trim();
    let mut normalised = value.to_string();
    if normalised.len() > 10
        && normalised.is_char_boundary(10)
        && normalised.is_char_boundary(11)
        && &normalised[10..11] == " "
    {
        normalised.replace_range(10..11, "T");
    }
    if let Some((time, offset)) = normalised.rsplit_once(' ')
        && [2, 4, 5].contains(&offset.len())
        && offset.bytes().all(|byte| byte.is_ascii_digit() || byte == b':')
    {
        normalised = format!("{time}+{offset}");
    }
    let normalised = normalised.as_str();
    parse_time_or_date(normalised)
        .or_else(|| {
            TIMES_WITH_OFFSET
                .iter()
                .find_map(|format| chrono::DateTime::parse_from_str(normalised, format).ok())
                .map(|instant| instant.with_timezone(&chrono::Utc))
        })
        .or_else(|| {
            TIMES_IN_UTC
                .iter()
                .find_map(|format| chrono::NaiveDateTime::parse_from_str(normalised, format).ok())
                .map(|naive| naive.and_utc())
        })
        .map(|instant| instant.timestamp())
        .ok_or_else(|| invalid(name, "must be an RFC 3339 time or a YYYY-MM-DD date"))
}

fn relative_window(name: &str, value: &str) -> Result<i64> {
    let value = value.trim();
    let problem = || invalid(name, "must be a number followed by m, h or d, such as 30m, 6h or 7d");
    if value.len() < 2 || !value.is_ascii() {
        return Err(problem());
    }
    let (number, unit) = value.split_at(value.len() - 1);
    let unit_seconds = match unit {
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(problem()),
    };
    if !number.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(problem());
    }
    // Digits only, so the one way to fail is too many of them: a window
    // that reaches further back than any job, clamped like every other one.
    let number: i64 = number.parse().unwrap_or(i64::MAX);
    if number == 0 {
        return Err(problem());
    }
    Ok(number.saturating_mul(unit_seconds).min(MAX_RELATIVE_WINDOW_SECONDS))
}

/// The longest `since` window that means something: a century. Longer
/// ones are clamped to it (and then to the key's plan window).
const MAX_RELATIVE_WINDOW_SECONDS: i64 = 36_500 * 86_400;

/// A comma list of trimmed, lower-cased, non-empty items.
fn list(name: &str, value: &str) -> Result<Vec<String>> {
    let items: Vec<String> =
        value.split(',').map(|item| item.trim().to_ascii_lowercase()).filter(|item| !item.is_empty()).collect();
    if items.is_empty() || items.len() > 50 {
        return Err(invalid(name, "must be a comma-separated list of 1 to 50 values"));
    }
    Ok(items)
}

/// A comma list compared exactly (engagement, duration_label).
fn raw_list(name: &str, value: &str) -> Result<Vec<String>> {
    let items: Vec<String> =
        value.split(',').map(|item| item.trim().to_string()).filter(|item| !item.is_empty()).collect();
    if items.is_empty() || items.len() > 50 {
        return Err(invalid(name, "must be a comma-separated list of 1 to 50 values"));
    }
    Ok(items)
}

fn terms(name: &str, value: &str) -> Result<Vec<String>> {
    let mut terms = Vec::new();
    for item in value.split(',') {
        let term = normalize_term(item);
        if !term.is_empty() && !terms.contains(&term) {
            terms.push(term);
        }
    }
    if terms.is_empty() || terms.len() > 50 {
        return Err(invalid(name, "must be a comma-separated list of 1 to 50 skills or tags"));
    }
    Ok(terms)
}

fn country_list(name: &str, value: &str) -> Result<Vec<String>> {
    list(name, value)?
        .into_iter()
        .map(|code| {
            if countries::is_alpha2(&code) {
                Ok(code.to_ascii_uppercase())
            } else {
                Err(invalid(name, &format!("'{code}' is not an ISO 3166-1 alpha-2 country code")))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, expected_error: Option<&str>) {
        match (parse_job_list(query), expected_error) {
            (Ok(_), None) => {}
            (Err(error), Some(expected)) => {
                let (_, message) = error.status_and_message();
                assert_eq!(message, expected, "query {query:?}");
            }
            (Ok(request), Some(expected)) => panic!("{query:?} parsed to {request:?}, expected {expected:?}"),
            (Err(error), None) => panic!("{query:?} failed: {error}"),
        }
    }

    #[test]
    fn good_queries_parse() {
        check("", None);
        check("limit=10&payment_verified=true&budget_min=1000", None);
        check("job_type=fixed-price&status=open&contractor_tier=1,expert", None);
        check("buyer.total_spent_min=100&client_activity.total_applicants_max=5", None);
        check("since=6h&sort=budget_desc&fields=title,budget", None);
        check("q=react&sort=relevance", None);
        check("country=us,GB&location.timezone=America/Los_Angeles", None);
    }

    #[test]
    fn iso_8601_times_in_their_common_forms() {
        let posted_after = |value: &str| {
            let request =
                parse_job_list(&format!("posted_after={value}")).unwrap_or_else(|error| panic!("{value}: {error}"));
            request.filter.posted_after.unwrap()
        };
        let expected = 1_727_433_000; // 2024-09-27T10:30:00Z
        for value in [
            "2024-09-27T10:30:00Z",
            "2024-09-27T10:30Z",
            "2024-09-27T10:30:00%2B00:00",
            "2024-09-27T10:30%2B00:00",
            "2024-09-27T10:30:00%2B0000",
            "2024-09-27T10:30:00%2B00",
            "2024-09-27T12:30:00%2B02",
            "2024-09-27T12:30:00%2B02:00",
            "2024-09-27T12:30:00+02:00",
            "2024-09-27T05:30:00-05:00",
            "20240927T103000Z",
            "20240927T123000%2B0200",
            "20240927T103000",
            "2024-09-27T10:30:00",
            "2024-09-27T10:30",
            "2024-09-27%2010:30:00",
            "2024-09-27%2010:30:00Z",
            "2024-09-27%2010:30",
            "2024-09-27T10:30:00.000Z",
        ] {
            assert_eq!(posted_after(value), expected, "{value}");
        }
        assert_eq!(posted_after("2024-09-27"), 1_727_395_200);
    }

    #[test]
    fn relevance_and_prefixes_are_heavy() {
        let heavy = |query: &str| parse_job_list(query).unwrap().is_heavy();
        assert!(heavy("q=react&sort=relevance"));
        assert!(heavy("q=design*"));
        assert!(heavy("q=react%20OR%20vue*"));
        assert!(heavy("q=react%20-angul*"));
        assert!(!heavy("q=react%20developer"));
        assert!(!heavy("q=%22web%20application%22"));
        assert!(!heavy("limit=20&sort=budget_desc"));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        check("budget_min=abc", Some("Invalid budget_min parameter"));
        check("budget_min=-1", Some("Invalid budget_min parameter"));
        check("budget_min=500&budget_max=100", Some("Invalid budget_min parameter: greater than budget_max"));
        check("limit=0", Some("Invalid limit parameter: must be an integer from 1 to 100"));
        check("limit=101", Some("Invalid limit parameter: must be an integer from 1 to 100"));
        check("offset=10001", Some("Invalid offset parameter: must be an integer from 0 to 10000"));
        check("payment_verified=1", Some("Invalid payment_verified parameter: must be true or false"));
        check("payment_verified=yes", Some("Invalid payment_verified parameter: must be true or false"));
        check("payment_verified=True&include_total=FALSE", None);
        check("posted_after=2024-09-27T10:30:00&posted_before=2024-09-28T08:00", None);
        check("posted_after=2024-09-27T10:30:00.250", None);
        check(
            "posted_after=2024-09-27%2010:30:00%20extra",
            Some("Invalid posted_after parameter: must be an RFC 3339 time or a YYYY-MM-DD date"),
        );
        check(
            "posted_after=27/09/2024",
            Some("Invalid posted_after parameter: must be an RFC 3339 time or a YYYY-MM-DD date"),
        );
        check("sort=relevance", Some("Invalid sort parameter: relevance needs a q parameter"));
        check("country=USA", Some("Invalid country parameter: 'usa' is not an ISO 3166-1 alpha-2 country code"));
        check("tags=", Some("Invalid tags parameter: must be a comma-separated list of 1 to 50 skills or tags"));
        check(
            "since=7w",
            Some("Invalid since parameter: must be a number followed by m, h or d, such as 30m, 6h or 7d"),
        );
        check("fields=title,nope", Some("Invalid fields parameter: unknown field 'nope'"));
        check("=react", Some("Unknown parameter ''. Did you mean 'q'?"));
        check("limit=5&&=", None);
        check("cursor=zzz", Some("Invalid cursor parameter: not a cursor from next_cursor"));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        check("budgetmin=5", Some("Unknown parameter 'budgetmin'. Did you mean 'budget_min'?"));
        check("frobnicate=1", Some("Unknown parameter 'frobnicate'"));
        check("limit=5&limit=6", Some("Invalid limit parameter: given more than once"));
        check("tags=a&tags=b", Some("Invalid tags parameter: given more than once (use one comma-separated list)"));
        check("page=2", Some("Unknown parameter 'page'. Did you mean 'offset'?"));
    }

    #[test]
    fn since_windows_longer_than_a_century_are_clamped_not_refused() {
        let since = |value: &str| parse_job_list(&format!("since={value}")).map(|request| request.filter.since_seconds);
        assert_eq!(since("30m").unwrap(), Some(1_800));
        assert_eq!(since("7d").unwrap(), Some(7 * 86_400));
        for far in ["36500d", "99999d", "1000000h", "100000000m", "99999999999999999999999999d"] {
            assert_eq!(since(far).unwrap(), Some(MAX_RELATIVE_WINDOW_SECONDS), "{far}");
        }
        for bad in ["0d", "-5d", "%2B5d", "5.5d", "d", "5", "7w", "٣d"] {
            assert!(since(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() {
        let cursor = Cursor::After { sort: Sort::BudgetDesc, value: 1500.5, seq: 42 };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        let text = cursor.encode();
        check(&format!("sort=budget_desc&cursor={text}"), None);
        check(&format!("cursor={text}"), Some("Invalid cursor parameter: it was made for another sort order"));
        for offset in [5, 0] {
            check(
                &format!("sort=budget_desc&cursor={text}&offset={offset}"),
                Some("Invalid cursor parameter: cannot be combined with offset"),
            );
        }
    }
}
