//! Deterministic synthetic Upwork job postings.
//!
//! `upjobs gen`, `serve --demo`, the tests and the benchmarks need job data
//! that looks and filters like the real feed without any network access. This
//! module makes it: jobs in the seed's schema ([`crate::model::Job`]) with the
//! real category taxonomy ([`crate::taxonomy`]), skills that fit the category
//! and follow a long-tail distribution, hourly and fixed budgets, buyers from
//! a realistic mix of countries with matching city and IANA time zone, and
//! descriptions of realistic length.
//!
//! # Determinism
//!
//! Job `i` is a pure function of `(seed, i, days, now)`: its random number
//! generator is a `ChaCha8Rng` (the same stream on every platform) seeded from
//! a mix of the seed and the index, never from a shared stream. So the first
//! ten jobs of `--count 10` are the first ten of `--count 1000000`, a test
//! can name "job 42 of seed 7", and [`generate_range`] and [`ndjson_chunks`]
//! can split a big run across threads and still give the same bytes. The CLI
//! pins `now` to [`default_anchor`], the current UTC hour, so two runs in the
//! same hour print the same bytes. (Log-normal amounts go through the
//! platform's `ln`/`exp`/`cos`; every such number is rounded before use,
//! which absorbs the last-bit differences libms are allowed, so in practice
//! the bytes match across platforms too.)
//!
//! Ids are `upwork-<decimal>` and URLs `https://www.upwork.com/jobs/~01<16 hex>`,
//! both spelling one 64-bit number that is a bijection of the index for a
//! given seed: unique within a seed, and different seeds give different ids
//! (with 64-bit collision odds).
//!
//! # Rates and value sets
//!
//! | what | rate |
//! |---|---|
//! | category | weighted by group: Development & IT about 42 %, Design & Creative 14 %, Sales & Marketing 10 %, Admin & Customer Support 9 %, Writing & Translation 8 %, AI Services 6 %, Engineering & Architecture 4.5 %, Finance & Accounting 4 %, HR & Training 1.5 %, Legal 1 % |
//! | `job_type` | 1 hourly 45 %, 2 fixed 55 % |
//! | `status` | 1 open 85 %, 2 closed 15 % |
//! | `contractor_tier` | 1 entry 20 %, 2 intermediate 50 %, 3 expert 30 % |
//! | skills | 3 to 8 per job from the category's typical skills (Zipf-like: the first listed are the most common) plus, in a quarter of jobs, one cross-category skill ("English", "Microsoft Excel", ...); translation jobs also name their two languages; about 770 distinct in all |
//! | tags | 2 to 5 lower-case kebab words: skills, industry, kind of work |
//! | hourly budget | whole dollars; entry about 8–35, intermediate 20–80, expert 40–150 USD/h |
//! | fixed budget | 50 to 50,000 USD, log-normal by tier, rounded to 5/10/50/100/500/1,000 |
//! | `buyer.payment_verified` | 75 % true (10 % for spam); 15 % of verified and 90 % of unverified clients have spent nothing |
//! | `buyer.country` | US about 38 %, then GB, CA, AU, DE, IN, ... over 45 countries |
//! | `buyer.total_spent` | 0 for new and unverified clients, else log-normal up to 2,000,000 |
//! | `is_private` | 1 % true, with a `privacy_reason`; otherwise `""` |
//! | spam | 1 % (kind hash 10..20 of 1,000, or < 10 for index 0): off-platform contact (Telegram, WhatsApp, e-mail), an upfront "registration fee", pay in crypto outside Upwork, or a fake check, from an unverified client with many invitations and no hires |
//! | reposts | 1 % (kind hash < 10 of 1,000, index > 0): same title, description, buyer and budget as an earlier index (at most 2,000 back) of the same seed, a new id, a later `posted_on` (within 14 days); 40 % of them change one word of the description |
//!
//! Value sets, so that filters written against generated data find
//! something: `duration_label` is one of [`DURATION_LABELS`]; `engagement` is
//! one of [`ENGAGEMENTS`], Upwork's workload labels for hourly jobs
//! ("Less than 30 hrs/week", "30+ hrs/week") and the seed's "part-time" /
//! "full-time" for fixed-price jobs. Descriptions are 300 to 2,500
//! characters, in paragraphs with bullet lists; their sentences come from
//! templates with `[one|other]` wording choices, so that unrelated postings
//! share few words, as real ones do (the ingest duplicate detector hides about
//! 0.02 % of a million regular generated jobs as near-duplicates, and catches
//! nearly all reposts). Times are RFC 3339 UTC seconds; `posted_on` lies in
//! `[now - days, now]`, and `last_visited_at` and
//! `client_activity.last_buyer_activity` (null for 10 %) lie between
//! `posted_on` and `now`.
//!
//! # Layout
//!
//! This file holds the public API and the per-job generator. `text.rs` writes
//! titles, descriptions and tags from its sentence templates, which
//! `template.rs` parses and renders; `fields.rs` computes single fields
//! (budgets, buyer history, activity counters, ids, timestamps); `random.rs`
//! holds the random helpers; `vocabulary.rs` the per-category words and
//! `tables.rs` the other static data; `tests.rs` the tests.

mod fields;
mod random;
mod tables;
mod template;
#[cfg(test)]
mod tests;
mod text;
mod vocabulary;

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::ops::Range;

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Budget, Category, HourlyBudget, Job, Location};
use crate::taxonomy::CATEGORIES;

use fields::{
    buyer_history, client_activity, country_in_prose, duration_index, fixed_budget, hourly_range, job_id, job_url,
    language_pair, rfc3339, tier_position, with_one_word_changed,
};
use random::{
    Weighted, between, log_normal, pick, pick_weighted_value, random_index, random_up_to, round_to, splitmix64,
};
use tables::{
    AUDIENCES, BRAND_PARTS, BUSINESSES, BUYER_COUNTRIES, COMPANY_KINDS, CROSS_CATEGORY_SKILLS, DURATION_PHRASES,
    FIRST_NAMES, INDUSTRIES, LANGUAGES, PRIVACY_REASON, PROPOSAL_KEYWORDS, SPAM_HANDLES, START_DATES,
};
use template::{AddressHasher, Slots, Templates};
use text::{SENIORITIES, SPAM_TITLES, TITLE_LEVELS, description, kebab_case, spam_description, tags, title};
use vocabulary::CATEGORY_VOCABULARY;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// How many jobs.
    pub count: usize,
    /// The same seed (and `days`, `now`) gives the same jobs.
    pub seed: u64,
    /// Jobs are posted within this many days before `now`.
    pub days: u32,
    /// The newest possible `posted_on`; sub-second parts are ignored.
    pub now: DateTime<Utc>,
}

/// Every `duration_label` the generator writes, shortest first.
pub const DURATION_LABELS: [&str; 4] = ["Less than 1 month", "1 to 3 months", "3 to 6 months", "More than 6 months"];

/// Every `engagement` the generator writes: the first two for hourly jobs,
/// the last two for fixed-price jobs.
pub const ENGAGEMENTS: [&str; 4] = ["Less than 30 hrs/week", "30+ hrs/week", "part-time", "full-time"];

/// Jobs `0..count` for these options, by index. Deterministic for the same
/// options.
pub fn generate(options: &GenOptions) -> impl Iterator<Item = Job> {
    generate_range(options, 0..options.count)
}

/// Jobs `indices` of the sequence [`generate`] makes for these options
/// (`options.count` is not used): the same jobs, byte for byte. Lets a caller
/// split a large run across threads and write the parts in order; setting
/// up costs about a millisecond, so chunks of thousands of jobs pay off.
pub fn generate_range(options: &GenOptions, indices: Range<usize>) -> impl Iterator<Item = Job> {
    let generator = Generator::new(options);
    indices.map(move |index| generator.job(index as u64))
}

/// The anchor the CLI uses for `now`: the current time truncated to the
/// whole UTC hour, so two runs of `gen --seed S` within the same hour print
/// identical output.
pub fn default_anchor() -> DateTime<Utc> {
    let seconds = Utc::now().timestamp();
    DateTime::from_timestamp(seconds - seconds.rem_euclid(3600), 0).unwrap_or_default()
}

/// A run of jobs as NDJSON: each job `serde_json`-serialised on one line,
/// ending in a newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdjsonChunk {
    /// How many jobs (lines) `bytes` holds.
    pub jobs: usize,
    pub bytes: Vec<u8>,
}

/// Jobs `0..count` as NDJSON in posting order (oldest first; jobs posted in
/// the same second by index), in chunks of a few thousand jobs: the jobs of
/// [`generate`], serialised one per line, as a feed or a crawl would deliver
/// them. (Storage is clustered by posting time, so this is also the order
/// an import of the output writes fastest.)
///
/// The order is worked out first from each job's posting time alone (a few
/// random draws a job, 8 bytes a job held). Generating and serialising a job
/// costs about as much as writing 2 KB, so one core cannot keep up with a
/// disk: each batch of chunks is made on all available cores (up to 8,
/// scoped threads) while the caller waits, then handed out in order. Holds
/// at most one batch (about 80 MB) at a time.
pub fn ndjson_chunks(options: &GenOptions) -> impl Iterator<Item = NdjsonChunk> {
    let threads = std::thread::available_parallelism().map_or(1, |threads| threads.get()).min(MAX_THREADS);
    let generator = Generator::new(options);
    let mut timed: Vec<(i64, u64)> =
        (0..options.count as u64).map(|index| (generator.posted_seconds(index), index)).collect();
    timed.sort_unstable();
    let order: Vec<u64> = timed.into_iter().map(|(_, index)| index).collect();
    NdjsonChunks { generator, order, next: 0, threads, ready: VecDeque::new() }
}

/// Jobs per NDJSON chunk, and threads per batch: 8 chunks of 4,096 jobs of
/// about 2.3 KB bound a batch to some 80 MB.
const CHUNK_JOBS: usize = 4_096;
const MAX_THREADS: usize = 8;

struct NdjsonChunks {
    generator: Generator,
    /// Every index, in output order.
    order: Vec<u64>,
    /// Position in `order` of the next job to generate.
    next: usize,
    threads: usize,
    /// Chunks of the last batch not yet handed out, in order.
    ready: VecDeque<NdjsonChunk>,
}

impl Iterator for NdjsonChunks {
    type Item = NdjsonChunk;

    fn next(&mut self) -> Option<NdjsonChunk> {
        if self.ready.is_empty() && self.next < self.order.len() {
            let batch_end = self.next.saturating_add(self.threads * CHUNK_JOBS).min(self.order.len());
            let batch = &self.order[self.next..batch_end];
            self.next = batch_end;
            let generator = &self.generator;
            std::thread::scope(|scope| {
                let workers: Vec<_> =
                    batch.chunks(CHUNK_JOBS).map(|indices| scope.spawn(move || generator.ndjson(indices))).collect();
                for worker in workers {
                    match worker.join() {
                        Ok(chunk) => self.ready.push_back(chunk),
                        // A worker only panics on a bug; let it surface as one.
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
            });
        }
        self.ready.pop_front()
    }
}

/// Out of every 1,000 jobs (by a hash of seed and index), how many are
/// reposts (`kind < REPOSTS_PER_THOUSAND`) and how many more are spam.
const REPOSTS_PER_THOUSAND: u64 = 10;
const SPAM_PER_THOUSAND: u64 = 10;
/// How far back a repost may reach for its original, in indices.
const REPOST_MAX_DISTANCE: u64 = 2_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// The draws every fresh posting starts with.
struct Opening {
    category_index: usize,
    hourly: bool,
    contractor_tier: u64,
    open: bool,
    posted_seconds: i64,
}

/// Tables that depend only on the static vocabulary, built once per
/// `generate` call so that each job is only table look-ups and formatting.
struct Generator {
    seed_key: u64,
    now_seconds: i64,
    window_seconds: i64,
    category_weights: Weighted,
    /// Per category (same order as `CATEGORIES`), Zipf weights over its skills.
    skill_weights: Vec<Weighted>,
    cross_category_skill_weights: Weighted,
    country_weights: Weighted,
    templates: Templates,
    /// The kebab-case tag of every skill and industry, computed once.
    tag_cache: HashMap<(usize, usize), String, BuildHasherDefault<AddressHasher>>,
}

/// What a job is, decided by a hash of (seed, index) before its generator
/// runs, so that a repost can find a non-repost original cheaply.
enum JobKind {
    Regular,
    Spam,
    Repost { original_index: u64 },
}

impl Generator {
    fn new(options: &GenOptions) -> Self {
        // Vocabulary is looked up by position; the slugs pin the two tables together.
        debug_assert!(
            CATEGORY_VOCABULARY.len() == CATEGORIES.len()
                && CATEGORY_VOCABULARY
                    .iter()
                    .zip(CATEGORIES)
                    .all(|(vocabulary, category)| vocabulary.slug == category.slug)
        );
        Generator {
            seed_key: splitmix64(options.seed),
            now_seconds: options.now.timestamp(),
            window_seconds: i64::from(options.days) * SECONDS_PER_DAY,
            category_weights: Weighted::new(CATEGORY_VOCABULARY.iter().map(|vocabulary| vocabulary.weight)),
            skill_weights: CATEGORIES
                .iter()
                .map(|category| Weighted::zipf(category.typical_skills.len(), 1.0))
                .collect(),
            cross_category_skill_weights: Weighted::zipf(CROSS_CATEGORY_SKILLS.len(), 0.8),
            country_weights: Weighted::new(BUYER_COUNTRIES.iter().map(|country| country.weight)),
            templates: Templates::new(),
            tag_cache: CATEGORIES
                .iter()
                .flat_map(|category| category.typical_skills)
                .chain(CROSS_CATEGORY_SKILLS)
                .chain(LANGUAGES)
                .chain(INDUSTRIES)
                .map(|text| ((text.as_ptr() as usize, text.len()), kebab_case(text)))
                .collect(),
        }
    }

    /// The key every random choice of job `index` derives from; a bijection
    /// of `index` for a fixed seed.
    fn job_key(&self, index: u64) -> u64 {
        splitmix64(self.seed_key ^ index)
    }

    fn kind(&self, index: u64) -> JobKind {
        let kind_hash = splitmix64(self.job_key(index) ^ 0x6b69_6e64) % 1000;
        if index > 0 && kind_hash < REPOSTS_PER_THOUSAND {
            let distance_hash = splitmix64(self.job_key(index) ^ 0x6469_7374);
            let mut original_index = index - 1 - distance_hash % index.min(REPOST_MAX_DISTANCE);
            // An original is never itself a repost, so a repost copies a
            // posting that exists in the output; index 0 is never a repost.
            while self.is_repost(original_index) {
                original_index -= 1;
            }
            JobKind::Repost { original_index }
        } else if kind_hash < REPOSTS_PER_THOUSAND + SPAM_PER_THOUSAND {
            JobKind::Spam
        } else {
            JobKind::Regular
        }
    }

    fn is_repost(&self, index: u64) -> bool {
        matches!(self.kind(index), JobKind::Repost { .. })
    }

    fn job(&self, index: u64) -> Job {
        match self.kind(index) {
            JobKind::Regular => self.fresh_job(index, false).0,
            JobKind::Spam => self.fresh_job(index, true).0,
            JobKind::Repost { original_index } => self.repost(index, original_index),
        }
    }

    fn ndjson(&self, indices: &[u64]) -> NdjsonChunk {
        let jobs = indices.len();
        let mut bytes = Vec::with_capacity(jobs * 2_400);
        for &index in indices {
            // Writing into a Vec cannot fail, and a Job has only string map
            // keys, so serialisation cannot either.
            serde_json::to_writer(&mut bytes, &self.job(index)).expect("a Job always serialises");
            bytes.push(b'\n');
        }
        NdjsonChunk { jobs, bytes }
    }

    fn rng(&self, index: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.job_key(index))
    }

    fn public_number(&self, index: u64) -> u64 {
        splitmix64(self.job_key(index) ^ 0x7075_626c_6963)
    }

    /// A new posting; returns it with its `posted_on` in Unix seconds.
    fn fresh_job(&self, index: u64, spam: bool) -> (Job, i64) {
        let mut rng = self.rng(index);
        let Opening { category_index, hourly, contractor_tier, open, posted_seconds } = self.opening(&mut rng);
        let category = &CATEGORIES[category_index];
        let vocabulary = &CATEGORY_VOCABULARY[category_index];

        let (hourly_budget, fixed_amount) = if hourly {
            let (minimum, maximum) = hourly_range(&mut rng, contractor_tier);
            (Some((minimum, maximum)), None)
        } else {
            (None, Some(fixed_budget(&mut rng, contractor_tier)))
        };
        let duration_index = duration_index(&mut rng, fixed_amount);
        let full_workload = rng.random_bool(if hourly { 0.35 } else { 0.2 });
        let engagement = match (hourly, full_workload) {
            (true, false) => ENGAGEMENTS[0],
            (true, true) => ENGAGEMENTS[1],
            (false, false) => ENGAGEMENTS[2],
            (false, true) => ENGAGEMENTS[3],
        };

        let (country, city, timezone) = self.buyer_place(&mut rng);
        let payment_verified = rng.random_bool(if spam { 0.1 } else { 0.75 });
        let buyer = buyer_history(&mut rng, payment_verified, spam, (country, city, timezone));

        let (language, target_language) = language_pair(&mut rng, vocabulary.uses_languages);
        let mut skills = SkillSet::default();
        if vocabulary.uses_languages {
            skills.push(language);
            skills.push(target_language);
        }
        self.pick_skills(&mut rng, category_index, &mut skills);

        let slots = Slots {
            templates: &self.templates,
            choice_state: Cell::new(rng.random()),
            skills: skills.as_slice(),
            role: pick(&mut rng, vocabulary.roles),
            deliverable: pick(&mut rng, vocabulary.deliverables),
            second_deliverable: pick(&mut rng, vocabulary.deliverables),
            task: pick(&mut rng, vocabulary.tasks),
            second_task: pick(&mut rng, vocabulary.tasks),
            business: pick(&mut rng, BUSINESSES),
            industry: pick(&mut rng, INDUSTRIES),
            company: pick(&mut rng, COMPANY_KINDS),
            audience: pick(&mut rng, AUDIENCES),
            city,
            country: country_in_prose(country),
            timezone,
            language,
            target_language,
            level: pick(&mut rng, TITLE_LEVELS[tier_position(contractor_tier)]),
            seniority: pick(&mut rng, SENIORITIES[tier_position(contractor_tier)]),
            start: pick(&mut rng, START_DATES),
            keyword: pick(&mut rng, PROPOSAL_KEYWORDS),
            duration: DURATION_PHRASES[duration_index],
            handle: pick(&mut rng, SPAM_HANDLES),
            brand: (pick(&mut rng, BRAND_PARTS[0]), pick(&mut rng, BRAND_PARTS[1])),
            first_name: pick(&mut rng, FIRST_NAMES),
            years: rng.random_range(1..=3) + 2 * (contractor_tier - 1),
            hours: if full_workload { rng.random_range(30..=40) } else { rng.random_range(5..=29) },
            weeks: rng.random_range(2..=8),
            overlap: rng.random_range(2..=5),
            team_size: rng.random_range(3..=120),
            volume: round_to(log_normal(&mut rng, 5_000.0, 1.2).clamp(200.0, 900_000.0), 100.0),
            months: rng.random_range(2..=12),
            milestones: rng.random_range(2..=4),
            digits: rng.random_range(1_000..=9_999),
            rate_minimum: hourly_budget.map_or(0.0, |(minimum, _)| minimum),
            rate_maximum: hourly_budget.map_or(0.0, |(_, maximum)| maximum),
            amount: fixed_amount.unwrap_or(0.0),
            fee: pick_weighted_value(&mut rng, &[(49, 2), (99, 3), (150, 2), (199, 1)]),
        };

        let title =
            if spam { slots.render_new(pick(&mut rng, SPAM_TITLES)) } else { title(&mut rng, &slots, vocabulary) };
        let description = if spam {
            spam_description(&mut rng, &slots)
        } else {
            description(&mut rng, &slots, category, hourly, contractor_tier)
        };
        let tags = tags(&mut rng, skills.as_slice(), slots.industry, hourly, |text| self.tag_of(text));

        let status = if open { 1 } else { 2 };
        let client_activity = client_activity(&mut rng, posted_seconds, self.now_seconds, open, spam, contractor_tier);
        let last_visited_seconds = between(&mut rng, posted_seconds, self.now_seconds);
        let is_private = rng.random_bool(0.01);
        let public_number = self.public_number(index);

        let job = Job {
            id: job_id(public_number),
            title,
            description,
            job_type: if hourly { 1 } else { 2 },
            status,
            contractor_tier: contractor_tier as i64,
            posted_on: rfc3339(posted_seconds),
            category: Category {
                name: category.name.to_owned(),
                slug: category.slug.to_owned(),
                group: category.group.to_owned(),
                group_slug: category.group_slug.to_owned(),
            },
            budget: Budget { fixed_amount, currency: "USD".to_owned() },
            location: Location {
                country: buyer.country.clone(),
                city: buyer.city.clone(),
                timezone: buyer.timezone.clone(),
            },
            buyer,
            tags,
            url: job_url(public_number),
            last_visited_at: Some(rfc3339(last_visited_seconds)),
            duration_label: DURATION_LABELS[duration_index].to_owned(),
            engagement: engagement.to_owned(),
            skills: skills.as_slice().iter().map(|skill| (*skill).to_owned()).collect(),
            hourly_budget: hourly_budget
                .map(|(minimum, maximum)| HourlyBudget { min: Some(minimum), max: Some(maximum) }),
            client_activity,
            is_private,
            privacy_reason: if is_private { PRIVACY_REASON.to_owned() } else { String::new() },
        };
        (job, posted_seconds)
    }

    /// The first draws of a fresh posting, `posted_on` among them.
    fn opening(&self, rng: &mut ChaCha8Rng) -> Opening {
        let category_index = self.category_weights.pick(rng);
        let hourly = rng.random_bool(0.45);
        let contractor_tier = pick_weighted_value(rng, &[(1, 20), (2, 50), (3, 30)]);
        let open = rng.random_bool(0.85);
        let posted_seconds = self.now_seconds - random_up_to(rng, self.window_seconds);
        Opening { category_index, hourly, contractor_tier, open, posted_seconds }
    }

    /// A repost's posting time, drawn first from its own stream, a while
    /// after the original's.
    fn repost_time(&self, rng: &mut ChaCha8Rng, original_posted_seconds: i64) -> i64 {
        let latest = self.now_seconds.min(original_posted_seconds + 14 * SECONDS_PER_DAY);
        if latest - original_posted_seconds > 3_600 {
            between(rng, original_posted_seconds + 3_600, latest)
        } else {
            latest
        }
    }

    /// Job `index`'s `posted_on` in Unix seconds, without building the job:
    /// a handful of draws, so a million jobs can be put in posting order
    /// before any is generated.
    fn posted_seconds(&self, index: u64) -> i64 {
        match self.kind(index) {
            JobKind::Regular | JobKind::Spam => self.opening(&mut self.rng(index)).posted_seconds,
            JobKind::Repost { original_index } => {
                let original_posted_seconds = self.opening(&mut self.rng(original_index)).posted_seconds;
                self.repost_time(&mut self.rng(index), original_posted_seconds)
            }
        }
    }

    /// The same posting as `original_index`, posted again later under a new id.
    fn repost(&self, index: u64, original_index: u64) -> Job {
        let spam = matches!(self.kind(original_index), JobKind::Spam);
        let (mut job, original_posted_seconds) = self.fresh_job(original_index, spam);
        let mut rng = self.rng(index);
        let posted_seconds = self.repost_time(&mut rng, original_posted_seconds);
        let public_number = self.public_number(index);
        job.id = job_id(public_number);
        job.url = job_url(public_number);
        job.posted_on = rfc3339(posted_seconds);
        job.last_visited_at = Some(rfc3339(between(&mut rng, posted_seconds, self.now_seconds)));
        job.status = 1;
        job.client_activity =
            client_activity(&mut rng, posted_seconds, self.now_seconds, true, spam, job.contractor_tier as u64);
        if rng.random_bool(0.4) {
            job.description = with_one_word_changed(&job.description);
        }
        job
    }

    fn tag_of(&self, text: &str) -> String {
        match self.tag_cache.get(&(text.as_ptr() as usize, text.len())) {
            Some(tag) => tag.clone(),
            None => kebab_case(text),
        }
    }

    fn buyer_place(&self, rng: &mut ChaCha8Rng) -> (&'static str, &'static str, &'static str) {
        let country = &BUYER_COUNTRIES[self.country_weights.pick(rng)];
        // The first city of a country is its biggest client market.
        let city_position = if rng.random_bool(0.4) { 0 } else { random_index(rng, country.cities.len()) };
        let (city, timezone) = country.cities[city_position];
        (country.code, city, timezone)
    }

    fn pick_skills(&self, rng: &mut ChaCha8Rng, category_index: usize, skills: &mut SkillSet) {
        let typical = CATEGORIES[category_index].typical_skills;
        let wanted = pick_weighted_value(rng, &[(3, 15), (4, 25), (5, 25), (6, 18), (7, 10), (8, 7)]) as usize;
        let with_cross_category = rng.random_bool(0.25);
        // At least one typical skill even when the languages of a
        // translation job already fill the count.
        let from_category = wanted.saturating_sub(usize::from(with_cross_category)).max(skills.len() + 1);
        // Rejection sampling is cheap here: at most 8 of at least 6 candidates,
        // and the attempt cap keeps a small list from looping for long.
        let mut attempts = 0;
        while skills.len() < from_category && attempts < 64 {
            skills.push(typical[self.skill_weights[category_index].pick(rng)]);
            attempts += 1;
        }
        if with_cross_category || skills.len() < 3 {
            let mut attempts = 0;
            while skills.len() < wanted.max(3) && attempts < 16 {
                skills.push(CROSS_CATEGORY_SKILLS[self.cross_category_skill_weights.pick(rng)]);
                attempts += 1;
            }
        }
    }
}

/// Up to ten distinct skills, without a heap allocation per job.
#[derive(Default)]
struct SkillSet {
    skills: [&'static str; 10],
    len: usize,
}

impl SkillSet {
    /// Adds `skill` unless it is already there or the set is full.
    fn push(&mut self, skill: &'static str) {
        if self.len < self.skills.len() && !self.as_slice().contains(&skill) {
            self.skills[self.len] = skill;
            self.len += 1;
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn as_slice(&self) -> &[&'static str] {
        &self.skills[..self.len]
    }
}
