//! Which subscriptions a new job matches, without asking every one of them.
//!
//! The writer keeps a [`SubscriptionIndex`] in memory: every active
//! subscription is filed under the values of its most selective filter that
//! a job can be looked up by, in this order of preference: its categories,
//! one of the skills/tags it requires, its `skills_any` terms, its countries,
//! its category groups. A subscription with none of these (say, only
//! `budget_min`) goes to a short "unkeyed" list. For a new job the matcher
//! takes the lists under the job's category, its terms, its country and its
//! group, plus the unkeyed list, so the work per job grows with the number
//! of plausible subscriptions, not with all of them.
//!
//! Each candidate is then checked in memory against all of its filters
//! ([`could_match`], which mirrors the WHERE terms of `/jobs`), and a
//! subscription with a full-text `q` is confirmed by `job_query::job_matches`,
//! the SQL `/jobs` runs. Confirming every match in SQL was measured to cost
//! about a tenth of ingest throughput with 1,000 subscriptions for nothing
//! the in-memory check does not already decide; `tests/webhooks.rs` holds
//! the two to the same answers over generated jobs and many filters.
//!
//! The index reloads itself when `store::webhooks::matching_generation`
//! changes (a subscription or a key changed), inside the transaction that
//! reads it, so it always describes the rows that transaction sees.

use crate::error::Result;
use crate::query::JobFilter;
use crate::store::webhooks::{self as rows, JobFacts};
use crate::webhooks::filters;
use rusqlite::Connection;
use std::collections::HashMap;

/// A subscription as the matcher holds it.
#[derive(Debug, Clone)]
pub struct IndexedSubscription {
    pub id: String,
    pub filter: JobFilter,
    /// The key's plan window in days (None: all history): a job older than
    /// the key may see is not sent.
    pub retention_days: Option<i64>,
    /// Unix seconds; an expired key's subscriptions receive nothing.
    pub key_expires_at: Option<i64>,
}

impl IndexedSubscription {
    /// Whether the subscription's key may receive this job at `now`.
    pub fn key_admits(&self, facts: &JobFacts, now: i64) -> bool {
        if self.key_expires_at.is_some_and(|expires_at| expires_at <= now) {
            return false;
        }
        match self.retention_days {
            Some(days) => facts.posted_on >= now - days.max(0) * 86_400,
            None => true,
        }
    }
}

/// Where a subscription is filed.
#[derive(Debug, Clone, PartialEq)]
enum IndexKey {
    Categories(Vec<String>),
    Terms(Vec<String>),
    Countries(Vec<String>),
    CategoryGroups(Vec<String>),
    Unkeyed,
}

/// Statements the writer connection caches besides the matcher's (rusqlite's default).
const STATEMENT_CACHE_BASE: usize = 16;

/// `skills_any` lists longer than this are not worth filing under each term.
const MAX_ANY_TERMS_FILED: usize = 8;

fn index_key(filter: &JobFilter) -> IndexKey {
    if !filter.categories.is_empty() {
        IndexKey::Categories(filter.categories.clone())
    } else if let Some(term) = filter.all_terms.first() {
        // A job must carry every required term, so filing under any one is
        // enough; the first is what the subscriber named first.
        IndexKey::Terms(vec![term.clone()])
    } else if !filter.any_terms.is_empty() && filter.any_terms.len() <= MAX_ANY_TERMS_FILED {
        IndexKey::Terms(filter.any_terms.clone())
    } else if !filter.countries.is_empty() {
        IndexKey::Countries(filter.countries.clone())
    } else if !filter.category_groups.is_empty() {
        IndexKey::CategoryGroups(filter.category_groups.clone())
    } else {
        IndexKey::Unkeyed
    }
}

/// Active subscriptions filed by their most selective filter.
#[derive(Debug, Default)]
pub struct SubscriptionIndex {
    /// The `matching_generation` this index was built from (None: never built).
    generation: Option<String>,
    subscriptions: Vec<IndexedSubscription>,
    by_category: HashMap<String, Vec<usize>>,
    by_term: HashMap<String, Vec<usize>>,
    by_country: HashMap<String, Vec<usize>>,
    by_category_group: HashMap<String, Vec<usize>>,
    unkeyed: Vec<usize>,
}

impl SubscriptionIndex {
    pub fn build(subscriptions: Vec<IndexedSubscription>) -> SubscriptionIndex {
        let mut index = SubscriptionIndex::default();
        for (position, subscription) in subscriptions.iter().enumerate() {
            let file = |map: &mut HashMap<String, Vec<usize>>, values: Vec<String>| {
                for value in values {
                    map.entry(value).or_default().push(position);
                }
            };
            match index_key(&subscription.filter) {
                IndexKey::Categories(values) => file(&mut index.by_category, values),
                IndexKey::Terms(values) => file(&mut index.by_term, values),
                IndexKey::Countries(values) => file(&mut index.by_country, values),
                IndexKey::CategoryGroups(values) => file(&mut index.by_category_group, values),
                IndexKey::Unkeyed => index.unkeyed.push(position),
            }
        }
        index.subscriptions = subscriptions;
        index
    }

    /// Reloads from the database when subscriptions or keys changed since
    /// the last load.
    pub fn refresh(&mut self, conn: &Connection) -> Result<()> {
        let generation = rows::matching_generation(conn)?;
        if self.generation.as_deref() == Some(generation.as_str()) {
            return Ok(());
        }
        let mut subscriptions = Vec::new();
        for row in rows::matchable_subscriptions(conn)? {
            match filters::parse_stored(&row.filters) {
                Ok(filter) => subscriptions.push(IndexedSubscription {
                    id: row.id,
                    filter,
                    retention_days: row.retention_days,
                    key_expires_at: row.key_expires_at,
                }),
                // Filters were valid when stored; one that no longer parses
                // (a category retired from the taxonomy) must not stop
                // every other subscription from matching.
                Err(error) => {
                    tracing::warn!(subscription = %row.id, %error, "webhook filters no longer parse; skipped")
                }
            }
        }
        *self = SubscriptionIndex::build(subscriptions);
        self.generation = Some(generation);
        // `job_matches` prepares one statement per filter shape; keep them
        // all cached instead of re-preparing on every job.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_BASE + self.subscriptions.len().min(1_000));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.subscriptions.is_empty()
    }

    pub fn len(&self) -> usize {
        self.subscriptions.len()
    }

    pub fn get(&self, position: usize) -> &IndexedSubscription {
        &self.subscriptions[position]
    }

    /// The positions of the subscriptions a job could match, each once.
    pub fn candidates(&self, facts: &JobFacts, out: &mut Vec<usize>) {
        out.clear();
        let mut take = |list: Option<&Vec<usize>>| {
            if let Some(list) = list {
                out.extend_from_slice(list);
            }
        };
        take(self.by_category.get(&facts.category_slug));
        take(self.by_country.get(&facts.buyer_country));
        take(self.by_category_group.get(&facts.category_group_slug));
        for term in &facts.terms {
            take(self.by_term.get(term));
        }
        take(Some(&self.unkeyed));
        // A `skills_any` subscription is filed under several terms and a job
        // can carry more than one of them.
        out.sort_unstable();
        out.dedup();
    }
}

/// Whether `facts` pass every filter that can be judged without the
/// full-text index (`q` is left to SQL). Mirrors `job_query`'s WHERE terms,
/// including SQL's rule that a comparison with NULL is false.
pub fn could_match(filter: &JobFilter, facts: &JobFacts, now: i64) -> bool {
    fn at_least<T: PartialOrd>(value: Option<T>, bound: Option<T>) -> bool {
        match bound {
            Some(bound) => value.is_some_and(|value| value >= bound),
            None => true,
        }
    }
    fn at_most<T: PartialOrd>(value: Option<T>, bound: Option<T>) -> bool {
        match bound {
            Some(bound) => value.is_some_and(|value| value <= bound),
            None => true,
        }
    }
    fn one_of(list: &[String], value: &str) -> bool {
        list.is_empty() || list.iter().any(|item| item == value)
    }
    let has_term = |term: &String| facts.terms.contains(term);
    facts.visible
        && filter.job_type.is_none_or(|job_type| job_type == facts.job_type)
        && filter.status.is_none_or(|status| status == facts.status)
        && (filter.contractor_tiers.is_empty() || filter.contractor_tiers.contains(&facts.contractor_tier))
        && at_least(facts.fixed_amount, filter.budget_min)
        && at_most(facts.fixed_amount, filter.budget_max)
        && at_least(facts.hourly_max, filter.hourly_min)
        && at_most(facts.hourly_min, filter.hourly_max)
        && filter.payment_verified.is_none_or(|verified| verified == facts.payment_verified)
        && one_of(&filter.countries, &facts.buyer_country)
        && !filter.exclude_countries.contains(&facts.buyer_country)
        && filter.timezone.as_ref().is_none_or(|timezone| *timezone == facts.location_timezone)
        && one_of(&filter.categories, &facts.category_slug)
        && one_of(&filter.category_groups, &facts.category_group_slug)
        && filter.all_terms.iter().all(has_term)
        && (filter.any_terms.is_empty() || filter.any_terms.iter().any(has_term))
        && !filter.exclude_terms.iter().any(has_term)
        && at_least(Some(facts.posted_on), filter.posted_after)
        && at_most(Some(facts.posted_on), filter.posted_before)
        && filter.since_seconds.is_none_or(|window| facts.posted_on >= now - window)
        && at_least(facts.last_visited_at, filter.last_visited_after)
        && at_least(Some(facts.buyer_total_spent), filter.buyer_total_spent_min)
        && at_most(Some(facts.buyer_total_spent), filter.buyer_total_spent_max)
        && at_least(Some(facts.buyer_total_assignments), filter.buyer_total_assignments_min)
        && at_most(Some(facts.buyer_total_assignments), filter.buyer_total_assignments_max)
        && at_least(Some(facts.buyer_total_jobs_with_hires), filter.buyer_total_jobs_with_hires_min)
        && at_most(Some(facts.buyer_total_jobs_with_hires), filter.buyer_total_jobs_with_hires_max)
        && at_least(Some(facts.total_applicants), filter.total_applicants_min)
        && at_most(Some(facts.total_applicants), filter.total_applicants_max)
        && one_of(&filter.engagements, &facts.engagement)
        && one_of(&filter.duration_labels, &facts.duration_label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::params::parse_filter;

    fn filter(query: &str) -> JobFilter {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        parse_filter(&pairs).unwrap()
    }

    fn facts() -> JobFacts {
        JobFacts {
            posted_on: 1_700_000_000,
            last_visited_at: Some(1_700_000_000),
            job_type: 2,
            status: 1,
            contractor_tier: 2,
            fixed_amount: Some(5000.0),
            payment_verified: true,
            buyer_country: "US".into(),
            location_timezone: "America/Los_Angeles".into(),
            category_slug: "web-development".into(),
            category_group_slug: "development-it".into(),
            buyer_total_spent: 125_000.0,
            buyer_total_assignments: 25,
            buyer_total_jobs_with_hires: 18,
            total_applicants: 15,
            engagement: "part-time".into(),
            duration_label: "3 to 6 months".into(),
            visible: true,
            terms: vec!["react".into(), "typescript".into(), "nodejs".into()],
            ..JobFacts::default()
        }
    }

    fn subscription(id: &str, query: &str) -> IndexedSubscription {
        IndexedSubscription { id: id.into(), filter: filter(query), retention_days: None, key_expires_at: None }
    }

    #[test]
    fn the_in_memory_check_follows_the_filters() {
        let now = 1_700_000_100;
        let check = |query: &str, expected: bool| {
            assert_eq!(could_match(&filter(query), &facts(), now), expected, "{query}");
        };
        check("", true);
        check("category=web-development&budget_min=1000", true);
        check("category=mobile-development", false);
        check("budget_min=6000", false);
        check("hourly_min=10", false); // no hourly budget: NULL never matches
        check("skills=react,typescript", true);
        check("skills=react,python", false);
        check("skills_any=python,nodejs", true);
        check("exclude_skills=react", false);
        check("country=gb,us&payment_verified=true", true);
        check("exclude_country=us", false);
        check("since=1h", true);
        check("posted_after=2030-01-01", false);
        check("q=anything", true); // left to SQL
        check("engagement=full-time", false);
        check("client_activity.total_applicants_max=10", false);
    }

    #[test]
    fn candidates_come_from_the_jobs_own_values_only() {
        let index = SubscriptionIndex::build(vec![
            subscription("web", "category=web-development"),
            subscription("mobile", "category=mobile-development"),
            subscription("react", "skills=react&budget_min=100"),
            subscription("python", "skills=python"),
            subscription("any", "skills_any=react,nodejs"),
            subscription("gb", "country=gb"),
            subscription("group", "category_group=development-it"),
            subscription("budget", "budget_min=100"),
        ]);
        let mut out = Vec::new();
        index.candidates(&facts(), &mut out);
        let ids: Vec<&str> = out.iter().map(|position| index.get(*position).id.as_str()).collect();
        assert_eq!(ids, ["web", "react", "any", "group", "budget"]);
    }

    #[test]
    fn keys_limit_what_their_subscriptions_receive() {
        let mut subscription = subscription("s", "");
        let facts = facts();
        assert!(subscription.key_admits(&facts, facts.posted_on + 10));
        subscription.retention_days = Some(7);
        assert!(!subscription.key_admits(&facts, facts.posted_on + 8 * 86_400));
        subscription.retention_days = None;
        subscription.key_expires_at = Some(facts.posted_on);
        assert!(!subscription.key_admits(&facts, facts.posted_on + 10));
    }
}
