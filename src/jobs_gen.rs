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

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Budget, Buyer, Category, ClientActivity, HourlyBudget, Job, Location};
use crate::taxonomy::{CATEGORIES, CategoryInfo};

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

/// A run of consecutive jobs as NDJSON: each job `serde_json`-serialised on
/// one line, ending in a newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdjsonChunk {
    /// How many jobs (lines) `bytes` holds.
    pub jobs: usize,
    pub bytes: Vec<u8>,
}

/// Jobs `0..count` as NDJSON, in index order, in chunks of a few thousand
/// jobs: the same bytes as serialising [`generate`]'s jobs one per line.
///
/// Generating and serialising a job costs about as much as writing 2 KB, so
/// one core cannot keep up with a disk: each batch of chunks is made on all
/// available cores (up to 8, scoped threads) while the caller waits, then
/// handed out in order. Holds at most one batch (about 80 MB) at a time.
pub fn ndjson_chunks(options: &GenOptions) -> impl Iterator<Item = NdjsonChunk> {
    let threads = std::thread::available_parallelism().map_or(1, |threads| threads.get()).min(MAX_THREADS);
    NdjsonChunks {
        generator: Generator::new(options),
        next_index: 0,
        end: options.count,
        threads,
        ready: VecDeque::new(),
    }
}

/// Jobs per NDJSON chunk, and threads per batch: 8 chunks of 4,096 jobs of
/// about 2.3 KB bound a batch to some 80 MB.
const CHUNK_JOBS: usize = 4_096;
const MAX_THREADS: usize = 8;

struct NdjsonChunks {
    generator: Generator,
    next_index: usize,
    end: usize,
    threads: usize,
    /// Chunks of the last batch not yet handed out, in index order.
    ready: VecDeque<NdjsonChunk>,
}

impl Iterator for NdjsonChunks {
    type Item = NdjsonChunk;

    fn next(&mut self) -> Option<NdjsonChunk> {
        if self.ready.is_empty() && self.next_index < self.end {
            let ranges: Vec<Range<usize>> = (0..self.threads)
                .map(|thread| {
                    let start = self.next_index.saturating_add(thread * CHUNK_JOBS).min(self.end);
                    start..start.saturating_add(CHUNK_JOBS).min(self.end)
                })
                .filter(|range| !range.is_empty())
                .collect();
            self.next_index = ranges.last().map_or(self.end, |range| range.end);
            let generator = &self.generator;
            std::thread::scope(|scope| {
                let workers: Vec<_> =
                    ranges.into_iter().map(|range| scope.spawn(move || generator.ndjson(range))).collect();
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

    fn ndjson(&self, indices: Range<usize>) -> NdjsonChunk {
        let jobs = indices.len();
        let mut bytes = Vec::with_capacity(jobs * 2_400);
        for index in indices {
            // Writing into a Vec cannot fail, and a Job has only string map
            // keys, so serialisation cannot either.
            serde_json::to_writer(&mut bytes, &self.job(index as u64)).expect("a Job always serialises");
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
        let category_index = self.category_weights.pick(&mut rng);
        let category = &CATEGORIES[category_index];
        let vocabulary = &CATEGORY_VOCABULARY[category_index];

        let hourly = rng.random_bool(0.45);
        let contractor_tier = pick_weighted_value(&mut rng, &[(1, 20), (2, 50), (3, 30)]);
        let open = rng.random_bool(0.85);
        let posted_seconds = self.now_seconds - random_up_to(&mut rng, self.window_seconds);

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

    /// The same posting as `original_index`, posted again later under a new id.
    fn repost(&self, index: u64, original_index: u64) -> Job {
        let spam = matches!(self.kind(original_index), JobKind::Spam);
        let (mut job, original_posted_seconds) = self.fresh_job(original_index, spam);
        let mut rng = self.rng(index);
        let latest = self.now_seconds.min(original_posted_seconds + 14 * SECONDS_PER_DAY);
        let posted_seconds = if latest - original_posted_seconds > 3_600 {
            between(&mut rng, original_posted_seconds + 3_600, latest)
        } else {
            latest
        };
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

fn title(rng: &mut ChaCha8Rng, slots: &Slots, vocabulary: &CategoryVocabulary) -> String {
    let template = if !vocabulary.titles.is_empty() && rng.random_bool(0.5) {
        pick(rng, vocabulary.titles)
    } else {
        pick(rng, TITLE_TEMPLATES)
    };
    let mut title = slots.render_new(template);
    if rng.random_bool(0.25) {
        title.push_str(pick(rng, TITLE_SUFFIXES));
    }
    title
}

const DESCRIPTION_MIN_CHARS: usize = 300;
const DESCRIPTION_MAX_CHARS: usize = 2_500;

fn description(
    rng: &mut ChaCha8Rng,
    slots: &Slots,
    category: &CategoryInfo,
    hourly: bool,
    contractor_tier: u64,
) -> String {
    // One knob for length: terse clients write a few lines, thorough ones a
    // page. The power skews towards shorter posts, as on the real site.
    let verbosity = rng.random::<f64>().powf(1.4);
    let scale = |low: usize, high: usize| low + ((high - low) as f64 * verbosity).round() as usize;
    let group = group_vocabulary(category.group_slug);
    let mut text = String::with_capacity(scale(700, 2_600));

    slots.render(&mut text, pick(rng, INTRO_COMPANY));
    text.push(' ');
    slots.render(&mut text, pick(rng, INTRO_NEED));

    text.push_str("\n\n");
    render_sentences(rng, slots, &mut text, group.context, scale(1, 7));

    text.push_str("\n\n");
    text.push_str(pick(rng, SCOPE_HEADINGS));
    // The main task always leads the list; the rest vary.
    text.push_str("\n- ");
    slots.render(&mut text, MAIN_TASK_BULLET);
    for bullet in distinct(rng, SCOPE_BULLETS.len(), scale(1, 6)) {
        text.push_str("\n- ");
        slots.render(&mut text, SCOPE_BULLETS[bullet]);
    }

    if verbosity > 0.15 || rng.random_bool(0.5) {
        text.push_str("\n\n");
        text.push_str(pick(rng, REQUIREMENT_HEADINGS));
        for bullet in distinct(rng, REQUIREMENT_BULLETS.len(), scale(2, 8)) {
            text.push_str("\n- ");
            slots.render(&mut text, REQUIREMENT_BULLETS[bullet]);
        }
        if contractor_tier != 2 && rng.random_bool(0.5) {
            text.push_str("\n\n");
            slots.render(&mut text, TIER_NOTES[tier_position(contractor_tier)]);
        }
    }

    text.push_str("\n\n");
    let terms = if hourly { HOURLY_TERMS } else { FIXED_TERMS };
    render_sentences(rng, slots, &mut text, terms, scale(1, 5));

    text.push_str("\n\n");
    render_sentences(rng, slots, &mut text, CLOSINGS, scale(1, 4));

    fit_length(rng, slots, text)
}

fn spam_description(rng: &mut ChaCha8Rng, slots: &Slots) -> String {
    let mut text = String::with_capacity(800);
    render_sentences(rng, slots, &mut text, SPAM_OPENINGS, 2);
    text.push_str("\n\n");
    // Every spam post carries at least one of the tell-tale signs, often two.
    let sign_count = if rng.random_bool(0.5) { 1 } else { 2 };
    let signs = distinct(rng, SPAM_SIGNS.len(), sign_count);
    for (position, sign) in signs.enumerate() {
        if position > 0 {
            text.push(' ');
        }
        slots.render(&mut text, SPAM_SIGNS[sign]);
    }
    text.push_str("\n\n");
    render_sentences(rng, slots, &mut text, SPAM_CLOSINGS, 1);
    fit_length(rng, slots, text)
}

/// Renders `count` distinct templates from `templates`, space-separated.
fn render_sentences(rng: &mut ChaCha8Rng, slots: &Slots, text: &mut String, templates: &[&'static str], count: usize) {
    for (position, template) in distinct(rng, templates.len(), count).enumerate() {
        if position > 0 {
            text.push(' ');
        }
        slots.render(text, templates[template]);
    }
}

/// Pads a short description with closing sentences and cuts a long one at a
/// paragraph or sentence boundary, so every description is 300–2,500 chars.
fn fit_length(rng: &mut ChaCha8Rng, slots: &Slots, mut text: String) -> String {
    // Bytes bound characters from above, so counting characters is only
    // needed near the limit (a city such as "São Paulo" has more bytes).
    let too_short = |text: &str| {
        text.len() < DESCRIPTION_MIN_CHARS
            || (text.len() < DESCRIPTION_MIN_CHARS + 32 && text.chars().count() < DESCRIPTION_MIN_CHARS)
    };
    let first_filler = random_index(rng, FILLERS.len());
    let mut padding = 0;
    while too_short(&text) {
        text.push_str(if padding == 0 { "\n\n" } else { " " });
        slots.render(&mut text, FILLERS[(first_filler + padding) % FILLERS.len()]);
        padding += 1;
    }
    if text.len() > DESCRIPTION_MAX_CHARS {
        let mut cut = DESCRIPTION_MAX_CHARS;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &text[..cut];
        let end = head
            .rfind("\n\n")
            .filter(|position| *position >= DESCRIPTION_MIN_CHARS)
            .or_else(|| head.rfind(". ").map(|position| position + 1))
            .unwrap_or(cut);
        text.truncate(end);
    }
    text
}

/// 2–5 tags: kebab-case forms of the leading skills, the industry, and
/// sometimes the kind of engagement.
fn tags(
    rng: &mut ChaCha8Rng,
    skills: &[&str],
    industry: &str,
    hourly: bool,
    tag_of: impl Fn(&str) -> String,
) -> Vec<String> {
    let wanted = rng.random_range(2..=5_usize);
    let mut tags: Vec<String> = Vec::with_capacity(wanted);
    let add = |tag: String, tags: &mut Vec<String>| {
        if !tag.is_empty() && tags.len() < wanted && !tags.contains(&tag) {
            tags.push(tag);
        }
    };
    let from_skills = rng.random_range(1..=3_usize).min(skills.len());
    for skill in &skills[..from_skills] {
        add(tag_of(skill), &mut tags);
    }
    if rng.random_bool(0.7) {
        add(tag_of(industry), &mut tags);
    }
    if rng.random_bool(0.3) {
        let kind = if hourly { pick(rng, HOURLY_TAGS) } else { pick(rng, FIXED_TAGS) };
        add(kind.to_owned(), &mut tags);
    }
    for skill in &skills[from_skills..] {
        if tags.len() >= wanted {
            break;
        }
        add(tag_of(skill), &mut tags);
    }
    while tags.len() < 2 {
        let extra = pick(rng, GENERIC_TAGS);
        add(extra.to_owned(), &mut tags);
    }
    tags
}

/// "Node.js" → "nodejs", "C++" → "cplusplus", "Mixing & Mastering" →
/// "mixing-mastering": lower case, words joined by single hyphens.
fn kebab_case(text: &str) -> String {
    let mut tag = String::with_capacity(text.len() + 4);
    let mut pending_hyphen = false;
    for character in text.chars() {
        let piece = match character {
            '.' | '\'' => continue,
            '+' => "plus",
            '#' => "sharp",
            _ if character.is_ascii_alphanumeric() || character.is_alphanumeric() => {
                if pending_hyphen && !tag.is_empty() {
                    tag.push('-');
                }
                pending_hyphen = false;
                if character.is_ascii() {
                    tag.push(character.to_ascii_lowercase());
                } else {
                    tag.extend(character.to_lowercase());
                }
                continue;
            }
            _ => {
                pending_hyphen = true;
                continue;
            }
        };
        tag.push_str(piece);
    }
    tag
}

fn hourly_range(rng: &mut ChaCha8Rng, contractor_tier: u64) -> (f64, f64) {
    let (minimum_low, minimum_high, spread_low, spread_high) = match contractor_tier {
        1 => (8.0, 20.0, 5.0, 15.0),
        2 => (20.0, 45.0, 10.0, 35.0),
        _ => (40.0, 90.0, 20.0, 60.0),
    };
    let mut minimum = rng.random_range(minimum_low..minimum_high);
    let mut spread = rng.random_range(spread_low..spread_high);
    // Most clients type round numbers.
    if rng.random_bool(0.6) {
        minimum = round_to(minimum, 5.0).max(5.0);
        spread = round_to(spread, 5.0).max(5.0);
    }
    let minimum = minimum.round();
    let maximum = (minimum + spread.round()).min(150.0);
    (minimum, maximum.max(minimum + 1.0))
}

fn fixed_budget(rng: &mut ChaCha8Rng, contractor_tier: u64) -> f64 {
    let median = match contractor_tier {
        1 => 150.0,
        2 => 600.0,
        _ => 2_500.0,
    };
    round_budget(log_normal(rng, median, 1.1).clamp(50.0, 50_000.0))
}

/// Rounds to what a client would type: $35, $120, $750, $2,500, $14,000.
fn round_budget(amount: f64) -> f64 {
    let step = match amount {
        amount if amount < 100.0 => 5.0,
        amount if amount < 500.0 => 10.0,
        amount if amount < 2_000.0 => 50.0,
        amount if amount < 5_000.0 => 100.0,
        amount if amount < 20_000.0 => 500.0,
        _ => 1_000.0,
    };
    round_to(amount, step).clamp(50.0, 50_000.0)
}

/// Index into `DURATION_LABELS`: small fixed budgets are short projects.
fn duration_index(rng: &mut ChaCha8Rng, fixed_amount: Option<f64>) -> usize {
    let weights: &[(u64, u64); 4] = match fixed_amount {
        None => &[(0, 15), (1, 30), (2, 25), (3, 30)],
        Some(amount) if amount < 500.0 => &[(0, 70), (1, 25), (2, 5), (3, 0)],
        Some(amount) if amount < 5_000.0 => &[(0, 35), (1, 45), (2, 15), (3, 5)],
        Some(_) => &[(0, 10), (1, 40), (2, 35), (3, 15)],
    };
    pick_weighted_value(rng, weights) as usize
}

fn buyer_history(
    rng: &mut ChaCha8Rng,
    payment_verified: bool,
    spam: bool,
    (country, city, timezone): (&str, &str, &str),
) -> Buyer {
    // New clients and clients without a verified payment method have rarely
    // spent anything, spammers never; the rest follow a long tail up to $2M.
    let chance_of_history = match (spam, payment_verified) {
        (true, _) => 0.0,
        (false, true) => 0.85,
        (false, false) => 0.1,
    };
    let has_history = rng.random_bool(chance_of_history);
    let total_spent =
        if has_history { round_to(log_normal(rng, 6_000.0, 1.8).clamp(20.0, 2_000_000.0), 1.0) } else { 0.0 };
    let total_assignments = if total_spent > 0.0 {
        let average_contract = log_normal(rng, 900.0, 0.9).max(30.0);
        ((total_spent / average_contract).round() as i64).clamp(1, 5_000)
    } else {
        0
    };
    let total_jobs_with_hires = if total_assignments > 0 {
        ((total_assignments as f64 * rng.random_range(0.45..=1.0)).round() as i64).clamp(1, total_assignments)
    } else {
        0
    };
    Buyer {
        payment_verified,
        country: country.to_owned(),
        city: city.to_owned(),
        timezone: timezone.to_owned(),
        total_spent,
        total_assignments,
        total_jobs_with_hires,
    }
}

/// Consistent counters: hired ≤ invited to interview ≤ applicants, and
/// unanswered invites ≤ invitations sent; older posts have more applicants.
fn client_activity(
    rng: &mut ChaCha8Rng,
    posted_seconds: i64,
    now_seconds: i64,
    open: bool,
    spam: bool,
    contractor_tier: u64,
) -> ClientActivity {
    let age_days = (now_seconds - posted_seconds) as f64 / SECONDS_PER_DAY as f64;
    let popularity = match contractor_tier {
        1 => 1.4,
        2 => 1.0,
        _ => 0.7,
    };
    let expected = (2.0 + 30.0 * (1.0 - (-age_days / 2.0).exp())) * popularity;
    let total_applicants = (log_normal(rng, expected, 0.7).round() as i64).clamp(0, 250);
    let invitations_sent = if spam {
        rng.random_range(20..=60)
    } else if rng.random_bool(0.45) {
        0
    } else {
        (log_normal(rng, 3.0, 0.8).round() as i64).clamp(1, 30)
    };
    let unanswered_invites = if invitations_sent > 0 { rng.random_range(0..=invitations_sent) } else { 0 };
    let mut total_invited_to_interview = ((total_applicants as f64) * rng.random_range(0.0..0.35)).round() as i64;
    let mut total_hired = match (spam, open) {
        (true, _) => 0,
        (false, true) => i64::from(rng.random_bool(0.12)),
        (false, false) => pick_weighted_value(rng, &[(0, 15), (1, 70), (2, 10), (3, 5)]) as i64,
    };
    total_hired = total_hired.min(total_applicants);
    total_invited_to_interview = total_invited_to_interview.clamp(total_hired, total_applicants);
    let last_buyer_activity =
        if rng.random_bool(0.9) { Some(rfc3339(between(rng, posted_seconds, now_seconds))) } else { None };
    ClientActivity {
        total_applicants,
        total_hired,
        total_invited_to_interview,
        unanswered_invites,
        invitations_sent,
        last_buyer_activity,
    }
}

/// (source, target) languages; English is the usual target.
fn language_pair(rng: &mut ChaCha8Rng, translation: bool) -> (&'static str, &'static str) {
    if !translation {
        return (pick(rng, LANGUAGES), "English");
    }
    let target = if rng.random_bool(0.55) { "English" } else { pick(rng, LANGUAGES) };
    let mut source = if target == "English" { pick(rng, LANGUAGES) } else { "English" };
    if source == target {
        source = if target == "Spanish" { "German" } else { "Spanish" };
    }
    (source, target)
}

/// A reposted posting often differs in one word; swap the first common one
/// found, or add one at the end.
fn with_one_word_changed(description: &str) -> String {
    const SWAPS: [(&str, &str); 8] = [
        (" looking ", " searching "),
        (" need ", " require "),
        (" project", " job"),
        (" experience ", " background "),
        (" help ", " support "),
        (" build ", " create "),
        (" please ", " kindly "),
        (" team ", " crew "),
    ];
    for (from, to) in SWAPS {
        if let Some(position) = description.find(from) {
            let mut changed = String::with_capacity(description.len() + 8);
            changed.push_str(&description[..position]);
            changed.push_str(to);
            changed.push_str(&description[position + from.len()..]);
            return changed;
        }
    }
    format!("{description} Thanks.")
}

fn job_id(public_number: u64) -> String {
    let mut id = String::with_capacity(27);
    id.push_str("upwork-");
    push_number_plain(&mut id, public_number);
    id
}

fn job_url(public_number: u64) -> String {
    const PREFIX: &str = "https://www.upwork.com/jobs/~01";
    const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut url = String::with_capacity(PREFIX.len() + 16);
    url.push_str(PREFIX);
    for shift in (0..16).rev() {
        url.push(char::from(HEX_DIGITS[((public_number >> (shift * 4)) & 0xf) as usize]));
    }
    url
}

/// A country's name as it reads mid-sentence: "in the United States",
/// "in Germany".
fn country_in_prose(code: &'static str) -> &'static str {
    match code {
        "US" => "the United States",
        "GB" => "the United Kingdom",
        "NL" => "the Netherlands",
        "AE" => "the United Arab Emirates",
        "PH" => "the Philippines",
        _ => crate::countries::country_name(code).unwrap_or(code),
    }
}

fn tier_position(contractor_tier: u64) -> usize {
    (contractor_tier.clamp(1, 3) - 1) as usize
}

/// `YYYY-MM-DDTHH:MM:SSZ`, exactly what chrono's
/// `to_rfc3339_opts(SecondsFormat::Secs, true)` prints (a test compares
/// them), written by hand: three timestamps per job through `fmt` cost more
/// than all the job's other numbers together.
fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY) as u64;
    let (year, month, day) = civil_from_days(days);
    let fields = [
        (year.clamp(0, 9_999) as u64, 4, b'-'),
        (month, 2, b'-'),
        (day, 2, b'T'),
        (second_of_day / 3_600, 2, b':'),
        (second_of_day / 60 % 60, 2, b':'),
        (second_of_day % 60, 2, b'Z'),
    ];
    let mut bytes = [0_u8; 20];
    let mut position = 0;
    for (value, width, separator) in fields {
        let mut divisor = 10_u64.pow(width - 1);
        while divisor > 0 {
            bytes[position] = b'0' + (value / divisor % 10) as u8;
            position += 1;
            divisor /= 10;
        }
        bytes[position] = separator;
        position += 1;
    }
    // Only ASCII digits and separators were written, so this never fails.
    String::from_utf8(bytes.to_vec()).unwrap_or_default()
}

/// (year, month, day) of the proleptic Gregorian calendar for days since
/// 1970-01-01, by Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u64, u64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u64;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u64;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A uniformly random second in `[from, to]` (`from` when the range is empty).
fn between(rng: &mut ChaCha8Rng, from: i64, to: i64) -> i64 {
    from + random_up_to(rng, to - from)
}

/// Uniform in `0..=limit`, 0 for a non-positive limit.
fn random_up_to(rng: &mut ChaCha8Rng, limit: i64) -> i64 {
    if limit <= 0 { 0 } else { rng.random_range(0..=limit) }
}

/// Uniform index below `len` (0 when empty). Sampled as `u32` so the stream
/// is the same on 32- and 64-bit targets.
fn random_index(rng: &mut ChaCha8Rng, len: usize) -> usize {
    if len <= 1 { 0 } else { rng.random_range(0..len as u32) as usize }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[random_index(rng, items.len())]
}

/// Picks a value from `(value, weight)` pairs.
fn pick_weighted_value(rng: &mut ChaCha8Rng, choices: &[(u64, u64)]) -> u64 {
    let total: u64 = choices.iter().map(|(_, weight)| weight).sum();
    let mut ticket = rng.random_range(0..total);
    for (value, weight) in choices {
        if ticket < *weight {
            return *value;
        }
        ticket -= weight;
    }
    choices[choices.len() - 1].0
}

/// At most this many distinct picks from one list.
const MAX_DISTINCT: usize = 8;

/// `count` distinct indices below `len` (fewer if `len` or `MAX_DISTINCT` is
/// smaller), in random order. A fixed array: this runs several times per job.
fn distinct(rng: &mut ChaCha8Rng, len: usize, count: usize) -> impl Iterator<Item = usize> {
    let wanted = count.min(len).min(MAX_DISTINCT);
    let mut chosen = [0_usize; MAX_DISTINCT];
    let mut chosen_len = 0;
    while chosen_len < wanted {
        let candidate = random_index(rng, len);
        if !chosen[..chosen_len].contains(&candidate) {
            chosen[chosen_len] = candidate;
            chosen_len += 1;
        }
    }
    chosen.into_iter().take(chosen_len)
}

/// exp(N(ln median, sigma)) by Box–Muller: right-skewed amounts such as
/// budgets and spend, where most values are modest and a few are huge.
fn log_normal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    let uniform_a: f64 = 1.0 - rng.random::<f64>();
    let uniform_b: f64 = rng.random();
    let normal = (-2.0 * uniform_a.ln()).sqrt() * (std::f64::consts::TAU * uniform_b).cos();
    median * (sigma * normal).exp()
}

fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// SplitMix64's output function: a bijection on u64 that scatters nearby
/// inputs, so seeds 1 and 2 or indices 7 and 8 share no visible pattern.
fn splitmix64(value: u64) -> u64 {
    let mut mixed = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    mixed ^ (mixed >> 31)
}

/// Cumulative weights for picking an index in proportion to its weight.
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl Iterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .map(|weight| {
                total += weight;
                total
            })
            .collect();
        Weighted { cumulative }
    }

    /// Weights 1, 1/2^s, 1/3^s, ...: the long tail of skill popularity.
    fn zipf(len: usize, exponent: f64) -> Self {
        Weighted::new((1..=len).map(|rank| 1.0 / (rank as f64).powf(exponent)))
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let ticket = rng.random::<f64>() * total;
        self.cumulative.partition_point(|cumulative| *cumulative <= ticket).min(self.cumulative.len().saturating_sub(1))
    }
}

/// The values a job's templates can refer to as `{name}`.
///
/// Template syntax: `{name}` inserts the value; `{Name}` capitalises its
/// first letter; `{a_name}` prefixes "a" or "an"; `[one|other]` picks one
/// option (which may hold slots). Values may themselves be templates (a role
/// such as "{skill} Developer").
struct Slots<'a> {
    templates: &'a Templates,
    /// Drives `[one|other]` choices.
    choice_state: Cell<u64>,
    skills: &'a [&'static str],
    role: &'static str,
    deliverable: &'static str,
    second_deliverable: &'static str,
    task: &'static str,
    second_task: &'static str,
    business: &'static str,
    industry: &'static str,
    company: &'static str,
    audience: &'static str,
    city: &'static str,
    country: &'static str,
    timezone: &'static str,
    language: &'static str,
    target_language: &'static str,
    level: &'static str,
    seniority: &'static str,
    start: &'static str,
    keyword: &'static str,
    duration: &'static str,
    handle: &'static str,
    /// A made-up company name in two parts ("Bright" + "forge").
    brand: (&'static str, &'static str),
    first_name: &'static str,
    years: u64,
    hours: u64,
    weeks: u64,
    overlap: u64,
    team_size: u64,
    volume: f64,
    months: u64,
    milestones: u64,
    digits: u64,
    rate_minimum: f64,
    rate_maximum: f64,
    amount: f64,
    fee: u64,
}

impl Slots<'_> {
    fn render_new(&self, template: &'static str) -> String {
        let mut text = String::with_capacity(template.len() + 48);
        self.render(&mut text, template);
        text
    }

    fn render(&self, text: &mut String, template: &'static str) {
        match self.templates.get(template) {
            Some(pieces) => self.render_pieces(text, pieces),
            None => {
                debug_assert!(false, "template not registered in all_templates: {template:?}");
                match parse_template(template) {
                    Ok(pieces) => self.render_pieces(text, &pieces),
                    Err(_) => text.push_str(template),
                }
            }
        }
    }

    fn render_pieces(&self, text: &mut String, pieces: &[Piece]) {
        for piece in pieces {
            match *piece {
                Piece::Text(literal) => text.push_str(literal),
                Piece::Choice(ref options) => {
                    // A SplitMix64 stream seeded from the job's generator:
                    // deterministic, and free of a `&mut` through rendering.
                    let state = splitmix64(self.choice_state.get());
                    self.choice_state.set(state);
                    if let Some(option) = options.get((state % options.len() as u64) as usize) {
                        self.render_pieces(text, option);
                    }
                }
                Piece::Slot { name, capitalise, with_article } => {
                    let start = text.len();
                    self.render_slot(text, name);
                    if capitalise {
                        capitalise_at(text, start);
                    }
                    if with_article {
                        let article = if starts_with_vowel_sound(&text[start..]) { "an " } else { "a " };
                        text.insert_str(start, article);
                    }
                }
            }
        }
    }

    fn render_slot(&self, text: &mut String, name: SlotName) {
        let skill = |position: usize| self.skills.get(position).or(self.skills.first()).copied().unwrap_or("");
        match name {
            SlotName::Skill => text.push_str(skill(0)),
            SlotName::Skill2 => text.push_str(skill(1)),
            SlotName::Skill3 => text.push_str(skill(2)),
            SlotName::Role => self.render(text, self.role),
            SlotName::Deliverable => self.render(text, self.deliverable),
            SlotName::Deliverable2 => self.render(text, self.second_deliverable),
            SlotName::Task => self.render(text, self.task),
            SlotName::Task2 => self.render(text, self.second_task),
            SlotName::Business => text.push_str(self.business),
            SlotName::Industry => text.push_str(self.industry),
            SlotName::Company => text.push_str(self.company),
            SlotName::Audience => text.push_str(self.audience),
            SlotName::City => text.push_str(self.city),
            SlotName::Country => text.push_str(self.country),
            SlotName::Timezone => text.push_str(self.timezone),
            SlotName::Language => text.push_str(self.language),
            SlotName::Language2 => text.push_str(self.target_language),
            SlotName::Level => text.push_str(self.level),
            SlotName::Seniority => text.push_str(self.seniority),
            SlotName::Start => text.push_str(self.start),
            SlotName::Keyword => text.push_str(self.keyword),
            SlotName::Duration => text.push_str(self.duration),
            SlotName::Handle => text.push_str(self.handle),
            SlotName::Brand => {
                text.push_str(self.brand.0);
                text.push_str(self.brand.1);
            }
            SlotName::FirstName => text.push_str(self.first_name),
            SlotName::Years => push_number(text, self.years as f64),
            SlotName::Hours => push_number(text, self.hours as f64),
            SlotName::Weeks => push_number(text, self.weeks as f64),
            SlotName::Overlap => push_number(text, self.overlap as f64),
            SlotName::TeamSize => push_number(text, self.team_size as f64),
            SlotName::Volume => push_number(text, self.volume),
            SlotName::Months => push_number(text, self.months as f64),
            SlotName::Milestones => push_number(text, self.milestones as f64),
            SlotName::Digits => push_number_plain(text, self.digits),
            SlotName::Phone => {
                push_number_plain(text, 200 + self.digits % 700);
                text.push_str(") 555-");
                push_number_plain(text, self.digits);
            }
            SlotName::RateMin => push_number(text, self.rate_minimum),
            SlotName::RateMax => push_number(text, self.rate_maximum),
            SlotName::Amount => push_number(text, self.amount),
            SlotName::Fee => push_number(text, self.fee as f64),
        }
    }
}

/// A value a template can name. Names are parsed once, in `Templates::new`,
/// so that rendering a job matches enums, not strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotName {
    Skill,
    Skill2,
    Skill3,
    Role,
    Deliverable,
    Deliverable2,
    Task,
    Task2,
    Business,
    Industry,
    Company,
    Audience,
    City,
    Country,
    Timezone,
    Language,
    Language2,
    Level,
    Seniority,
    Start,
    Keyword,
    Duration,
    Handle,
    Brand,
    FirstName,
    Years,
    Hours,
    Weeks,
    Overlap,
    TeamSize,
    Volume,
    Months,
    Milestones,
    Digits,
    Phone,
    RateMin,
    RateMax,
    Amount,
    Fee,
}

/// How each slot is spelled in templates (lower case; `{Name}` capitalises).
const SLOT_SPELLINGS: &[(&str, SlotName)] = &[
    ("skill", SlotName::Skill),
    ("skill2", SlotName::Skill2),
    ("skill3", SlotName::Skill3),
    ("role", SlotName::Role),
    ("deliverable", SlotName::Deliverable),
    ("deliverable2", SlotName::Deliverable2),
    ("task", SlotName::Task),
    ("task2", SlotName::Task2),
    ("business", SlotName::Business),
    ("industry", SlotName::Industry),
    ("company", SlotName::Company),
    ("audience", SlotName::Audience),
    ("city", SlotName::City),
    ("country", SlotName::Country),
    ("timezone", SlotName::Timezone),
    ("language", SlotName::Language),
    ("language2", SlotName::Language2),
    ("level", SlotName::Level),
    ("seniority", SlotName::Seniority),
    ("start", SlotName::Start),
    ("keyword", SlotName::Keyword),
    ("duration", SlotName::Duration),
    ("handle", SlotName::Handle),
    ("brand", SlotName::Brand),
    ("first_name", SlotName::FirstName),
    ("years", SlotName::Years),
    ("hours", SlotName::Hours),
    ("weeks", SlotName::Weeks),
    ("overlap", SlotName::Overlap),
    ("team_size", SlotName::TeamSize),
    ("volume", SlotName::Volume),
    ("months", SlotName::Months),
    ("milestones", SlotName::Milestones),
    ("digits", SlotName::Digits),
    ("phone", SlotName::Phone),
    ("rate_min", SlotName::RateMin),
    ("rate_max", SlotName::RateMax),
    ("amount", SlotName::Amount),
    ("fee", SlotName::Fee),
];

/// One part of a parsed template.
#[derive(Debug)]
enum Piece {
    Text(&'static str),
    Slot {
        name: SlotName,
        capitalise: bool,
        with_article: bool,
    },
    /// `[one|other]`: one option per rendering, so that two posts built from
    /// the same sentence still differ in wording (and the duplicate detector
    /// does not mistake them for one posting).
    Choice(Vec<Vec<Piece>>),
}

/// Splits a template into text, slots and choices; an error names an
/// unknown or unclosed slot or choice (a test runs every template through
/// this).
fn parse_template(template: &'static str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '[']) {
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let closing = if rest[open..].starts_with('{') { '}' } else { ']' };
        let close = rest[open..]
            .find(closing)
            .map(|length| open + length)
            .ok_or_else(|| format!("unclosed {closing:?} in {template:?}"))?;
        let inner = &rest[open + 1..close];
        if closing == ']' {
            let options = inner.split('|').map(parse_template).collect::<Result<Vec<_>, _>>()?;
            pieces.push(Piece::Choice(options));
        } else {
            pieces.push(parse_slot(inner).ok_or_else(|| format!("unknown slot {{{inner}}} in {template:?}"))?);
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// `name`, `Name` or `a_name` (see [`Slots`]) as a slot piece.
fn parse_slot(spelled: &str) -> Option<Piece> {
    let (with_article, spelled_name) = match spelled.strip_prefix("a_") {
        Some(name) => (true, name),
        None => (false, spelled),
    };
    let name = SLOT_SPELLINGS
        .iter()
        .find(|(spelling, _)| spelling.eq_ignore_ascii_case(spelled_name))
        .map(|(_, name)| *name)?;
    Some(Piece::Slot {
        name,
        capitalise: spelled_name.starts_with(|character: char| character.is_ascii_uppercase()),
        with_article,
    })
}

/// Every template of the vocabulary, parsed once per `generate` call and
/// found again by its address and length, since all templates are `'static`.
struct Templates {
    by_address: HashMap<(usize, usize), Vec<Piece>, BuildHasherDefault<AddressHasher>>,
}

impl Templates {
    fn new() -> Self {
        let by_address = all_templates()
            .filter_map(|template| {
                let pieces = parse_template(template).ok()?;
                Some(((template.as_ptr() as usize, template.len()), pieces))
            })
            .collect();
        Templates { by_address }
    }

    fn get(&self, template: &str) -> Option<&[Piece]> {
        self.by_address.get(&(template.as_ptr() as usize, template.len())).map(Vec::as_slice)
    }
}

/// A multiply-rotate hash for the template table: its keys are addresses,
/// not attacker-chosen, so SipHash's flooding protection would only cost
/// time on a lookup that runs about a hundred times per job.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Every string the generator renders as a template.
fn all_templates() -> impl Iterator<Item = &'static str> {
    let lists: [&'static [&'static str]; 14] = [
        TITLE_TEMPLATES,
        INTRO_COMPANY,
        INTRO_NEED,
        SCOPE_BULLETS,
        REQUIREMENT_BULLETS,
        &TIER_NOTES,
        HOURLY_TERMS,
        FIXED_TERMS,
        CLOSINGS,
        FILLERS,
        SPAM_TITLES,
        SPAM_OPENINGS,
        SPAM_SIGNS,
        SPAM_CLOSINGS,
    ];
    let per_category = CATEGORY_VOCABULARY
        .iter()
        .flat_map(|vocabulary| [vocabulary.roles, vocabulary.deliverables, vocabulary.tasks, vocabulary.titles]);
    let per_group = GROUP_VOCABULARY.iter().map(|group| group.context);
    lists.into_iter().chain(per_category).chain(per_group).chain([&[MAIN_TASK_BULLET][..]]).flatten().copied()
}

fn capitalise_at(text: &mut String, start: usize) {
    if let Some(first) = text[start..].chars().next() {
        if first.is_ascii_lowercase() {
            text[start..start + 1].make_ascii_uppercase();
        } else if first.is_lowercase() {
            let upper: String = first.to_uppercase().collect();
            text.replace_range(start..start + first.len_utf8(), &upper);
        }
    }
}

/// Whether "an" reads right before `phrase`: "an iOS app", "an SEO audit",
/// "an hourly rate", but "a UX review", "a user portal", "a one-time task".
fn starts_with_vowel_sound(phrase: &str) -> bool {
    let word = phrase.split([' ', '-', '/']).next().unwrap_or("");
    let Some(first) = word.chars().next() else {
        return false;
    };
    let is_acronym =
        word.len() >= 2 && word.chars().all(|character| character.is_ascii_uppercase() || character.is_ascii_digit());
    if is_acronym {
        // Letters whose spoken name starts with a vowel: "an SEO", "an MVP", "an API".
        return "AEFHILMNORSX".contains(first);
    }
    let starts_with = |prefix: &str| word.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix));
    if ["uni", "use", "usa", "eu", "one"].into_iter().any(starts_with) {
        return false;
    }
    if ["hour", "honest"].into_iter().any(starts_with) {
        return true;
    }
    matches!(first.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Writes a whole number with thousands separators ("12,500").
fn push_number(text: &mut String, value: f64) {
    let mut buffer = [0_u8; 20];
    let digits = decimal_digits(value.round().max(0.0) as u64, &mut buffer);
    for (position, digit) in digits.iter().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            text.push(',');
        }
        text.push(char::from(*digit));
    }
}

/// Writes a whole number without separators ("4821").
fn push_number_plain(text: &mut String, value: u64) {
    let mut buffer = [0_u8; 20];
    for digit in decimal_digits(value, &mut buffer) {
        text.push(char::from(*digit));
    }
}

/// The ASCII decimal digits of `value`, written into `buffer` without the
/// allocation of `to_string` (numbers are written a dozen times per job).
fn decimal_digits(value: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    let mut rest = value;
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    &buffer[start..]
}

fn group_vocabulary(group_slug: &str) -> &'static GroupVocabulary {
    GROUP_VOCABULARY.iter().find(|group| group.group_slug == group_slug).unwrap_or(&GROUP_VOCABULARY[0])
}

/// What the templates may say about jobs in one category.
struct CategoryVocabulary {
    slug: &'static str,
    /// Relative share of jobs in this category.
    weight: f64,
    /// Translation work: the job names a source and a target language, and
    /// both are among its skills.
    uses_languages: bool,
    /// Job titles for a person; may contain `{skill}`.
    roles: &'static [&'static str],
    /// Things delivered, lower case, without article.
    deliverables: &'static [&'static str],
    /// Verb phrases, lower case: "migrate our blog to Next.js".
    tasks: &'static [&'static str],
    /// Title templates only this category uses (half of its titles when present).
    titles: &'static [&'static str],
}

const fn vocabulary(
    slug: &'static str,
    weight: f64,
    roles: &'static [&'static str],
    deliverables: &'static [&'static str],
    tasks: &'static [&'static str],
) -> CategoryVocabulary {
    CategoryVocabulary { slug, weight, uses_languages: false, roles, deliverables, tasks, titles: &[] }
}

/// One entry per taxonomy category, in `CATEGORIES` order (a test checks it).
/// Weights are percentages of all jobs, Development & IT heaviest as on Upwork.
// Kept out of rustfmt's hands: it would put every phrase on its own line.
#[rustfmt::skip]
static CATEGORY_VOCABULARY: &[CategoryVocabulary] = &[
    // Development & IT
    CategoryVocabulary {
        titles: &[
            "{level}{skill} Developer for {business}",
            "{skill} developer to {task}",
            "Full-stack developer ({skill} + {skill2}) for {deliverable}",
            "Fix bugs and speed up the {skill} website of our {business}",
            "{Deliverable} in {skill} for {business}",
        ],
        ..vocabulary("web-development", 12.0,
            &["{skill} Developer", "Full-Stack Developer", "Front-End Developer", "Back-End Developer", "Web Developer", "WordPress Developer"],
            &["customer portal", "marketing website", "SaaS dashboard", "booking system", "admin panel", "membership site", "landing page", "REST API", "real estate listings site", "web app MVP", "internal CRM tool", "job board"],
            &["build a customer dashboard with {skill}", "migrate our site to {skill}", "fix layout bugs on mobile", "speed up page load times", "integrate Stripe payments", "add user authentication and roles", "rebuild our landing pages from Figma designs", "connect the front end to our REST API", "refactor a legacy {skill} codebase", "build an admin panel for our team", "set up a multilingual WordPress site", "add search and filtering to our listings"])
    },
    CategoryVocabulary {
        titles: &[
            "{skill} expert for {business} app",
            "Cross-platform {deliverable} ({skill})",
            "{level}Mobile Developer ({skill}) for {deliverable}",
            "Publish our {deliverable} to the App Store and Google Play",
        ],
        ..vocabulary("mobile-development", 5.0,
            &["{skill} Expert", "Mobile App Developer", "iOS Developer", "Android Developer", "Flutter Developer", "React Native Developer"],
            &["iOS and Android app", "fitness tracking app", "food delivery app", "booking app", "companion app for our web platform", "mobile app MVP", "loyalty app", "field service app"],
            &["build the first version of our app", "fix crashes reported on Android", "add push notifications and in-app purchases", "publish our app to both stores", "update our app for the latest iOS release", "integrate our REST API into the app", "add offline mode to the app"])
    },
    vocabulary("desktop-application-development", 1.0,
        &["{skill} Expert", "Desktop Application Developer", "Software Engineer", "C# Developer"],
        &["Windows desktop app", "cross-platform desktop tool", "inventory management application", "point-of-sale application", "file conversion utility", "internal reporting tool"],
        &["build a Windows tool for our warehouse team", "port our desktop app to macOS", "add an auto-update mechanism", "fix memory leaks in our desktop application", "build an installer and code-sign the app"]),
    CategoryVocabulary {
        titles: &[
            "Shopify store redesign for {business}",
            "{skill} expert for {business}",
            "Set up a new online store for {business}",
            "Speed up our online store ({skill})",
        ],
        ..vocabulary("ecommerce-development", 3.5,
            &["{skill} Expert", "Shopify Expert", "Ecommerce Developer", "WooCommerce Developer", "Shopify Developer"],
            &["Shopify store", "WooCommerce shop", "product page template", "custom checkout", "subscription setup", "B2B wholesale portal", "custom Shopify theme"],
            &["redesign our Shopify store", "migrate our store from WooCommerce to Shopify", "build a custom product configurator", "fix checkout errors", "set up subscriptions and bundles", "improve store speed and Core Web Vitals", "import 2,000 products with variants"])
    },
    vocabulary("game-design-development", 1.5,
        &["{skill} Expert", "Game Developer", "Gameplay Programmer", "Game Designer", "Unity Developer"],
        &["mobile puzzle game", "multiplayer prototype", "2D platformer", "VR training simulation", "Roblox experience", "idle game", "game level pack"],
        &["build a playable prototype of our game", "add online multiplayer to our game", "optimise performance on low-end phones", "design and implement ten new levels", "port our game to consoles", "fix physics and collision bugs"]),
    vocabulary("scripts-utilities", 2.0,
        &["{skill} Expert", "Automation Expert", "Python Developer", "Scripting Specialist"],
        &["automation script", "Chrome extension", "Google Sheets automation", "scraper", "Discord bot", "data sync script", "Zapier workflow"],
        &["automate our weekly reporting", "write a script to sync orders between two systems", "build a Chrome extension for our sales team", "scrape product prices daily into a spreadsheet", "automate invoice creation from Google Sheets", "build a bot for our Discord server"]),
    vocabulary("qa-testing", 1.0,
        &["QA Engineer", "QA Tester", "Test Automation Engineer", "{skill} Specialist"],
        &["test plan", "automated test suite", "regression test pack", "bug report", "end-to-end test suite", "load test report"],
        &["test our web app before launch", "write end-to-end tests for our checkout flow", "set up automated regression tests", "test our mobile app on real devices", "run a load test of our API", "review our release process and find gaps"]),
    CategoryVocabulary {
        titles: &[
            "UI/UX designer for {business}",
            "Redesign our {deliverable} in Figma",
            "{level}Product Designer for {deliverable}",
        ],
        ..vocabulary("web-mobile-design", 3.0,
            &["UI/UX Designer", "Product Designer", "Web Designer", "{skill} Expert"],
            &["mobile app UI", "website redesign", "design system", "SaaS dashboard design", "landing page design", "clickable prototype", "onboarding flow"],
            &["redesign our web app in Figma", "design a mobile app from wireframes", "create a design system for our product", "improve the onboarding flow", "design a high-converting landing page", "run a UX review of our checkout"])
    },
    vocabulary("blockchain-nft-cryptocurrency", 1.0,
        &["{skill} Developer", "Smart Contract Developer", "Blockchain Developer", "Web3 Developer"],
        &["smart contract", "token staking dashboard", "NFT minting site", "DeFi protocol audit", "wallet integration", "token vesting contract"],
        &["write and test an ERC-20 token contract", "audit our staking contract", "integrate wallet login into our dApp", "build an NFT minting page", "deploy our contracts to mainnet"]),
    vocabulary("product-management-scrum", 0.6,
        &["Product Manager", "Scrum Master", "Product Owner", "Technical Product Manager"],
        &["product roadmap", "product requirements document", "sprint process", "backlog", "MVP scope"],
        &["turn our idea into a clear product spec", "run our sprints for the next quarter", "groom and prioritise our backlog", "define the MVP and roadmap", "set up Jira and a sprint process for a team of ten"]),
    vocabulary("other-software-development", 1.5,
        &["{skill} Expert", "Software Engineer", "Backend Engineer", "Software Architect"],
        &["backend service", "command-line tool", "microservice", "API", "data processing service", "firmware update tool"],
        &["build a backend service for our mobile app", "review our software architecture", "rewrite a slow service in a faster language", "add tests and CI to our codebase", "design an API for partners"]),
    vocabulary("devops-solution-architecture", 2.0,
        &["DevOps Engineer", "{skill} Expert", "Cloud Architect", "Site Reliability Engineer"],
        &["CI/CD pipeline", "Kubernetes cluster", "Terraform setup", "monitoring stack", "cloud migration plan", "staging environment"],
        &["migrate our app to Kubernetes", "set up CI/CD with GitHub Actions", "cut our cloud bill", "set up monitoring and alerting", "write Terraform for our infrastructure", "harden our servers and backups"]),
    vocabulary("network-system-administration", 0.8,
        &["System Administrator", "Network Engineer", "IT Administrator", "{skill} Expert"],
        &["office network", "Microsoft 365 tenant", "VPN setup", "Linux server", "backup system", "firewall configuration"],
        &["set up the network for our new office", "migrate our email to Microsoft 365", "configure a site-to-site VPN", "manage our Linux servers", "set up device management for 40 laptops"]),
    vocabulary("database-management-administration", 1.0,
        &["Database Administrator", "{skill} Expert", "Database Developer", "Data Engineer"],
        &["database schema", "query optimisation", "data migration", "reporting database", "backup and restore plan"],
        &["optimise slow database queries", "migrate our database to PostgreSQL", "design a schema for our new product", "set up replication and backups", "clean up duplicate records"]),
    vocabulary("erp-crm-software", 1.5,
        &["{skill} Consultant", "Salesforce Developer", "CRM Administrator", "ERP Consultant", "HubSpot Expert"],
        &["CRM setup", "sales pipeline", "custom CRM integration", "ERP implementation", "automation workflows", "customer portal"],
        &["set up our CRM for the sales team", "migrate our contacts into a new CRM", "build automations in our CRM", "connect our CRM to our website forms", "clean up and restructure our CRM"]),
    vocabulary("information-security-compliance", 0.6,
        &["Security Consultant", "Penetration Tester", "Compliance Specialist", "Security Engineer"],
        &["penetration test report", "SOC 2 readiness plan", "security policy set", "vulnerability assessment", "GDPR compliance review"],
        &["run a penetration test of our web app", "prepare us for a SOC 2 audit", "write our information security policies", "review our AWS setup for security issues", "help us comply with GDPR"]),
    vocabulary("data-analysis-testing", 2.0,
        &["Data Analyst", "{skill} Expert", "BI Developer", "Business Intelligence Analyst"],
        &["sales dashboard", "KPI report", "customer churn analysis", "marketing attribution report", "A/B test analysis", "financial dashboard"],
        &["build an interactive sales dashboard", "analyse our sales data and find trends", "clean and analyse survey results", "set up automated weekly reports", "analyse our A/B test results"]),
    vocabulary("data-extraction-etl", 1.5,
        &["Data Engineer", "Web Scraping Expert", "ETL Developer", "{skill} Expert"],
        &["web scraper", "ETL pipeline", "data warehouse load", "lead list from public directories", "price monitoring feed"],
        &["scrape product data from several websites", "build an ETL pipeline into our warehouse", "extract data from PDFs into a spreadsheet", "schedule a daily data sync", "move our data pipeline to Airflow"]),
    vocabulary("data-mining-management", 0.5,
        &["Data Engineer", "Data Specialist", "{skill} Expert"],
        &["data warehouse", "data model", "master data cleanup", "data catalogue"],
        &["clean and deduplicate our customer data", "design a data model for reporting", "set up a data warehouse", "document our data sources"]),
    // AI Services
    CategoryVocabulary {
        titles: &[
            "Machine learning engineer ({skill}) to {task}",
            "{level}ML Engineer ({skill}) for {business}",
            "Computer vision model for {business}",
        ],
        ..vocabulary("ai-machine-learning", 2.5,
            &["Machine Learning Engineer", "Data Scientist", "{skill} Expert", "Computer Vision Engineer"],
            &["demand forecasting model", "image classification model", "recommendation engine", "churn prediction model", "document classifier", "object detection pipeline"],
            &["train a model to classify our product images", "build a demand forecasting model", "improve the accuracy of our existing model", "deploy our model as an API", "build a recommendation engine for our store"])
    },
    CategoryVocabulary {
        titles: &[
            "Build an AI chatbot for {business}",
            "{skill} expert to build a RAG assistant for {business}",
            "AI agent developer to {task}",
            "Integrate the OpenAI API into our {deliverable}",
        ],
        ..vocabulary("ai-apps-integration", 2.5,
            &["AI Engineer", "{skill} Expert", "LLM Engineer", "AI Automation Expert"],
            &["AI customer support chatbot", "RAG assistant over our documents", "AI agent", "LLM-powered internal tool", "voice assistant", "AI email triage workflow"],
            &["build a chatbot that answers from our help center", "connect an LLM to our CRM", "build an AI agent that qualifies leads", "automate document review with an LLM", "reduce hallucinations in our assistant", "add AI summaries to our app"])
    },
    vocabulary("ai-content-media-generation", 0.6,
        &["AI Artist", "{skill} Expert", "Generative AI Specialist"],
        &["AI product photos", "AI video ad", "set of AI illustrations", "custom image model", "AI avatar video"],
        &["create product images with AI", "train a custom style model for our brand", "produce short AI video ads", "set up an image generation workflow"]),
    vocabulary("ai-data-annotation-training", 0.5,
        &["Data Annotator", "AI Trainer", "Labeling Specialist"],
        &["labelled image data set", "annotated text corpus", "LLM evaluation set", "transcribed audio set"],
        &["label 10,000 images with bounding boxes", "rate and correct chatbot answers", "annotate customer messages by intent", "review model outputs for accuracy"]),
    // Design & Creative
    vocabulary("art-illustration", 2.0,
        &["Illustrator", "Character Designer", "{skill} Expert", "Concept Artist"],
        &["children's book illustrations", "character sheet", "set of spot illustrations", "book cover illustration", "mascot", "comic pages"],
        &["illustrate a 24-page children's book", "design a mascot for our brand", "draw characters for our game", "create illustrations for our website", "paint a cover for our novel"]),
    CategoryVocabulary {
        titles: &[
            "Podcast editor for our {industry} show",
            "Voice-over artist for {deliverable}",
            "{skill} for {business}",
        ],
        ..vocabulary("audio-music-production", 1.0,
            &["Audio Editor", "Voice-Over Artist", "Music Producer", "Podcast Editor", "Sound Designer"],
            &["podcast episodes", "explainer video voice-over", "original jingle", "audiobook narration", "game sound effects", "mixed and mastered EP"],
            &["edit our weekly podcast", "record a voice-over for our explainer video", "compose a short jingle", "mix and master five songs", "clean up noisy interview recordings"])
    },
    CategoryVocabulary {
        titles: &[
            "Logo and brand identity for {business}",
            "Logo design for new {industry} startup",
            "Refresh the brand identity of our {business}",
        ],
        ..vocabulary("branding-logo-design", 2.0,
            &["Logo Designer", "Brand Designer", "Graphic Designer", "Brand Identity Designer"],
            &["logo", "brand identity", "brand guidelines", "business cards", "brand refresh", "packaging artwork"],
            &["design a logo for our new company", "refresh our brand identity", "create brand guidelines", "design packaging for our product line", "create a full brand kit"])
    },
    vocabulary("nft-ar-vr-game-art", 0.6,
        &["3D Artist", "Game Artist", "{skill} Expert", "VR Developer"],
        &["low-poly asset pack", "character model", "AR filter", "VR showroom", "pixel art sprites", "NFT collection art"],
        &["model game-ready characters", "create an AR try-on filter", "make pixel art sprites for our game", "build a VR showroom", "texture and rig our 3D models"]),
    CategoryVocabulary {
        titles: &[
            "Pitch deck design for {business}",
            "Graphic designer for {business} social media posts",
            "{Deliverable} design for {business}",
        ],
        ..vocabulary("graphic-editorial-presentation-design", 3.5,
            &["Graphic Designer", "Presentation Designer", "{skill} Expert", "Layout Designer"],
            &["pitch deck", "sales presentation", "brochure", "infographic", "social media templates", "annual report", "ebook layout", "restaurant menu"],
            &["design our investor pitch deck", "create social media templates in Canva", "lay out a 40-page report", "design a trade show brochure", "turn our data into infographics"])
    },
    vocabulary("performing-arts", 0.2,
        &["Actor", "Voice Actor", "Spokesperson", "On-Camera Host"],
        &["spokesperson video", "character voices", "testimonial-style video", "narrated video script"],
        &["record a spokesperson video for our website", "voice three characters for an animation", "host our product demo videos", "perform a short scripted scene"]),
    vocabulary("photography", 0.8,
        &["Photo Editor", "Product Photographer", "Retoucher"],
        &["product photos", "retouched catalogue images", "real estate photo set", "headshots"],
        &["retouch 200 product photos", "remove backgrounds from product images", "shoot product photos on white", "edit real estate photos", "color-correct our catalogue images"]),
    vocabulary("product-design", 0.6,
        &["Industrial Designer", "Product Designer", "{skill} Expert"],
        &["consumer product design", "packaging design", "product renderings", "manufacturable prototype design"],
        &["design a new kitchen gadget", "create photoreal renders of our product", "make our design ready for manufacturing", "design retail packaging"]),
    CategoryVocabulary {
        titles: &[
            "Video editor for {industry} YouTube channel",
            "Short-form video editor for {business} (TikTok, Reels, Shorts)",
            "{skill} expert for {deliverable}",
            "Animated explainer video for {business}",
        ],
        ..vocabulary("video-animation", 3.5,
            &["Video Editor", "Motion Designer", "Animator", "{skill} Expert"],
            &["YouTube videos", "short-form clips", "explainer video", "product demo video", "animated logo", "course videos", "social ads"],
            &["edit two YouTube videos a week", "cut long videos into short clips", "animate a 60-second explainer", "create motion graphics for our ads", "edit our online course videos"])
    },
    // Sales & Marketing
    vocabulary("digital-marketing", 2.5,
        &["Digital Marketer", "{skill} Specialist", "Performance Marketer", "PPC Specialist"],
        &["Google Ads campaigns", "Facebook ad campaigns", "marketing funnel", "conversion tracking setup", "paid social strategy"],
        &["run our Google Ads campaigns", "lower our cost per lead on Meta ads", "set up conversion tracking", "launch our first TikTok ads", "audit our ad accounts"]),
    CategoryVocabulary {
        titles: &[
            "SEO expert to grow organic traffic for {business}",
            "{skill} specialist for {business}",
            "Local SEO for {business}",
            "Technical SEO audit for our {deliverable}",
        ],
        ..vocabulary("search-engine-optimization", 2.5,
            &["SEO Specialist", "SEO Expert", "{skill} Specialist", "SEO Consultant"],
            &["SEO audit", "keyword strategy", "link building campaign", "on-page optimisation", "local SEO setup", "website"],
            &["grow our organic traffic", "fix technical SEO issues", "build quality backlinks", "optimise our product pages", "rank our local business on Google Maps"])
    },
    vocabulary("social-media-marketing", 2.0,
        &["Social Media Manager", "{skill} Specialist", "Content Creator", "Community Manager"],
        &["content calendar", "Instagram account", "TikTok content", "LinkedIn presence", "influencer campaign"],
        &["manage our Instagram and TikTok", "grow our LinkedIn following", "plan a month of content", "run an influencer campaign", "create and schedule daily posts"]),
    vocabulary("email-marketing", 1.0,
        &["Email Marketer", "{skill} Expert", "Email Marketing Specialist"],
        &["email flows", "newsletter", "cold email campaign", "welcome series", "abandoned cart flow"],
        &["set up our Klaviyo flows", "write and send a weekly newsletter", "improve our email deliverability", "run a cold email campaign", "build an abandoned cart sequence"]),
    vocabulary("lead-generation-telemarketing", 1.5,
        &["Lead Generation Specialist", "Appointment Setter", "Cold Caller", "Sales Development Rep"],
        &["B2B lead list", "appointment pipeline", "cold calling campaign", "prospect database"],
        &["build a list of 1,000 qualified leads", "book meetings with decision makers", "cold call local businesses", "find emails of marketing managers", "qualify inbound leads by phone"]),
    vocabulary("marketing-pr-brand-strategy", 0.6,
        &["Marketing Strategist", "PR Specialist", "Brand Strategist"],
        &["go-to-market plan", "press campaign", "brand strategy", "launch plan", "positioning statement"],
        &["plan our product launch", "get press coverage for our startup", "define our brand positioning", "write a marketing plan for next year"]),
    // Writing & Translation
    vocabulary("content-writing", 3.0,
        &["Content Writer", "Blog Writer", "Ghostwriter", "{skill} Specialist"],
        &["blog posts", "long-form articles", "website copy", "ebook", "newsletter", "case studies"],
        &["write four SEO blog posts a month", "ghostwrite a nonfiction book", "write articles about {industry}", "rewrite our website pages", "write an ebook for lead generation"]),
    vocabulary("sales-marketing-copywriting", 1.5,
        &["Copywriter", "Conversion Copywriter", "{skill} Expert"],
        &["sales page", "landing page copy", "product descriptions", "ad copy", "email sequence"],
        &["write a sales page for our course", "write 50 product descriptions", "write ad copy for Meta ads", "rewrite our homepage copy", "write a launch email sequence"]),
    vocabulary("editing-proofreading-services", 0.8,
        &["Editor", "Proofreader", "Copy Editor"],
        &["manuscript", "academic paper", "website text", "user manual", "grant proposal"],
        &["proofread an 80,000-word novel", "edit our academic paper", "copy-edit our website", "proofread a grant proposal"]),
    vocabulary("professional-business-writing", 1.0,
        &["Business Writer", "Grant Writer", "Resume Writer", "Technical Writer"],
        &["business plan", "grant application", "resume and cover letter", "white paper", "user documentation"],
        &["write a business plan for investors", "write a federal grant application", "rewrite my resume for tech roles", "write a white paper on our product", "document our API for developers"]),
    CategoryVocabulary {
        uses_languages: true,
        titles: &[
            "Translate {deliverable} from {language} to {language2}",
            "{language} to {language2} translator for {deliverable}",
            "Native {language2} speaker to localize our {deliverable}",
            "{language} > {language2} translation, about {volume} words",
        ],
        ..vocabulary("translation-localization-services", 1.8,
            &["{language} to {language2} Translator", "Translator", "Localization Specialist"],
            &["product manual", "website", "mobile app", "legal contract", "marketing brochure", "video subtitles", "medical report", "e-commerce catalogue"],
            &["translate our product manual into {language2}", "localize our app into {language2}", "subtitle our videos in {language2}", "review a machine translation into {language2}", "translate legal documents from {language}"])
    },
    CategoryVocabulary {
        uses_languages: true,
        titles: &[
            "{language} tutor for {audience}",
            "{language}-{language2} interpreter for video calls",
        ],
        ..vocabulary("language-tutoring-interpretation", 0.4,
            &["{language} Tutor", "Interpreter", "Language Teacher"],
            &["conversation lessons", "exam preparation course", "interpretation for meetings", "business language course"],
            &["teach conversational {language} twice a week", "interpret sales calls between {language} and {language2}", "prepare me for a language exam", "run business {language} lessons for our team"])
    },
    // Admin & Customer Support
    vocabulary("data-entry-transcription-services", 2.5,
        &["Data Entry Specialist", "Transcriptionist", "Virtual Assistant"],
        &["product spreadsheet", "contact database", "transcripts", "cleaned data set", "catalogue listings"],
        &["enter product data into our store", "transcribe 10 hours of interviews", "convert PDFs into spreadsheets", "update our contact database", "clean up a messy spreadsheet"]),
    vocabulary("virtual-assistance", 3.0,
        &["Virtual Assistant", "Executive Assistant", "Admin Assistant"],
        &["inbox and calendar", "travel plans", "research reports", "weekly admin", "SOP library"],
        &["manage my inbox and calendar", "handle admin for a busy founder", "research and book travel", "organise our shared drive", "support our team with daily admin"]),
    vocabulary("project-management", 1.0,
        &["Project Manager", "Project Coordinator", "Operations Manager"],
        &["project plan", "project workspace", "team processes", "weekly status reports"],
        &["coordinate our design and development teams", "set up ClickUp for our agency", "keep our projects on schedule", "document our processes as SOPs"]),
    vocabulary("market-research-product-reviews", 0.6,
        &["Market Researcher", "Research Analyst", "Product Researcher"],
        &["market research report", "competitor analysis", "customer survey", "product research sheet"],
        &["research competitors in our market", "run a customer survey and summarise it", "find winning products for our store", "size the market for our new product"]),
    vocabulary("customer-service-tech-support", 1.5,
        &["Customer Support Agent", "Technical Support Specialist", "Customer Service Representative"],
        &["support inbox", "help center", "live chat coverage", "support macros"],
        &["answer customer emails and chats", "cover weekend support shifts", "write help center articles", "handle returns and refunds", "provide tier-one technical support"]),
    vocabulary("community-management-tagging", 0.5,
        &["Community Manager", "Content Moderator", "Discord Moderator"],
        &["Discord community", "online forum", "Facebook group", "moderation guidelines"],
        &["moderate our Discord server", "grow and engage our online community", "moderate user-generated content", "run community events"]),
    // Finance & Accounting
    CategoryVocabulary {
        titles: &[
            "Bookkeeper for {business}",
            "Bookkeeping cleanup for {business}",
            "Monthly bookkeeping for {a_business}",
        ],
        ..vocabulary("accounting-bookkeeping", 2.0,
            &["Bookkeeper", "Accountant", "{skill} Expert", "CPA"],
            &["monthly books", "bank reconciliations", "financial statements", "payroll setup", "year-end accounts"],
            &["catch up on six months of bookkeeping", "reconcile our bank accounts", "set up QuickBooks Online for our business", "prepare monthly financial statements", "run payroll for our team"])
    },
    vocabulary("financial-planning", 0.8,
        &["Financial Analyst", "Financial Modeling Expert", "FP&A Consultant"],
        &["three-statement financial model", "budget", "cash flow forecast", "valuation", "investor model"],
        &["build a financial model for our fundraise", "forecast our cash flow for 18 months", "value our business for a sale", "build next year's budget"]),
    vocabulary("management-consulting-analysis", 0.8,
        &["Business Consultant", "Business Analyst", "Strategy Consultant"],
        &["business plan", "operations review", "growth strategy", "process map", "market entry study"],
        &["review our operations and cut costs", "write a growth strategy", "map and improve our processes", "assess entering a new market"]),
    vocabulary("other-accounting-consulting", 0.3,
        &["Tax Accountant", "Tax Preparer", "Auditor"],
        &["tax return", "sales tax registration", "internal audit", "tax plan"],
        &["file our business tax return", "register us for sales tax", "audit our expense processes", "advise on tax for a US LLC"]),
    // Engineering & Architecture
    vocabulary("building-landscape-architecture", 0.9,
        &["Architect", "Architectural Drafter", "{skill} Expert", "Landscape Designer"],
        &["floor plans", "permit drawings", "3D renderings", "landscape plan", "house design"],
        &["draw floor plans for a home extension", "prepare permit drawings", "create 3D renderings of our house design", "design a backyard landscape", "convert hand sketches to CAD drawings"]),
    vocabulary("chemical-engineering", 0.1,
        &["Chemical Engineer", "Process Engineer", "Formulation Chemist"],
        &["process design", "product formulation", "process simulation", "safety review"],
        &["design a small production process", "develop a formulation for our product", "simulate our process before a pilot run", "review our plant for safety"]),
    vocabulary("civil-structural-engineering", 0.4,
        &["Structural Engineer", "Civil Engineer", "{skill} Expert"],
        &["structural calculations", "foundation design", "stamped drawings", "site plan", "drainage plan"],
        &["check the structure for a renovation", "design foundations for a small building", "stamp our structural drawings", "prepare a site grading plan"]),
    vocabulary("contract-manufacturing", 0.3,
        &["Manufacturing Consultant", "Sourcing Agent", "Production Engineer"],
        &["manufacturing partner", "production run", "prototype batch", "supplier shortlist"],
        &["find a manufacturer for our product", "manage our first production run", "source parts from suppliers", "set up quality control"]),
    vocabulary("electrical-electronic-engineering", 0.8,
        &["Electrical Engineer", "PCB Designer", "Embedded Engineer", "{skill} Expert"],
        &["PCB layout", "IoT device prototype", "firmware", "wiring diagram", "sensor board"],
        &["design a PCB for our sensor", "write firmware for an ESP32 board", "build an IoT prototype", "fix noise issues on our board", "prepare our device for certification"]),
    vocabulary("interior-trade-show-design", 0.5,
        &["Interior Designer", "3D Visualizer", "Exhibition Designer"],
        &["interior design concept", "kitchen layout", "trade show booth", "3D room renders", "office fit-out plan"],
        &["design the interior of our café", "plan a new kitchen layout", "design a 10x20 trade show booth", "render our living room in 3D"]),
    vocabulary("energy-mechanical-engineering", 0.5,
        &["Mechanical Engineer", "{skill} Expert", "HVAC Engineer", "Design Engineer"],
        &["mechanical design", "FEA report", "HVAC layout", "solar system design", "enclosure design"],
        &["design an enclosure for our device", "run stress analysis on a bracket", "design HVAC for a small office", "size a solar installation", "improve an existing mechanism"]),
    vocabulary("physical-sciences", 0.15,
        &["Research Scientist", "Physicist", "Chemist", "Biologist"],
        &["literature review", "lab test plan", "scientific report", "data analysis"],
        &["review the literature on our technology", "design a lab test plan", "analyse our experimental data", "write up our research results"]),
    vocabulary("3d-modeling-cad", 0.9,
        &["CAD Designer", "3D Modeler", "{skill} Expert", "CAD Drafter"],
        &["3D model", "CAD drawings", "3D printable parts", "technical drawings", "product render"],
        &["model our product in 3D", "convert 2D drawings into 3D", "prepare parts for 3D printing", "create technical drawings for manufacturing"]),
    // Legal
    vocabulary("corporate-contract-law", 0.5,
        &["Contract Lawyer", "Corporate Attorney", "Legal Consultant"],
        &["service agreement", "terms of service", "privacy policy", "shareholder agreement", "NDA"],
        &["draft a service agreement", "review a commercial lease", "write terms of service and a privacy policy", "prepare a shareholder agreement"]),
    vocabulary("international-immigration-law", 0.2,
        &["Immigration Lawyer", "Immigration Consultant", "International Lawyer"],
        &["visa application", "work permit", "immigration strategy"],
        &["prepare a work visa application", "advise on hiring staff abroad", "review an immigration petition"]),
    vocabulary("finance-tax-law", 0.1,
        &["Tax Lawyer", "Securities Lawyer", "Compliance Counsel"],
        &["tax opinion", "fundraising documents", "compliance review"],
        &["advise on tax for our international structure", "review our fundraising documents", "check our product against financial regulations"]),
    vocabulary("public-law", 0.08,
        &["Regulatory Lawyer", "Employment Lawyer", "Legal Researcher"],
        &["regulatory memo", "employment policy", "compliance checklist"],
        &["research regulations for our product", "review our employee handbook", "write a regulatory compliance memo"]),
    vocabulary("paralegal-services", 0.3,
        &["Paralegal", "Legal Assistant", "Legal Researcher"],
        &["case file summary", "document review", "legal research memo", "court filings"],
        &["summarise case documents", "review documents for discovery", "research case law on a narrow question", "prepare court filings"]),
    // HR & Training
    vocabulary("recruiting-human-resources", 0.8,
        &["Recruiter", "Technical Recruiter", "HR Consultant", "Talent Sourcer"],
        &["hiring pipeline", "job descriptions", "HR policies", "onboarding program"],
        &["hire three senior engineers", "source candidates for sales roles", "write our HR policies", "set up our hiring process", "build an onboarding program"]),
    vocabulary("personal-professional-coaching", 0.3,
        &["Career Coach", "Business Coach", "Leadership Coach"],
        &["coaching sessions", "leadership program", "interview preparation"],
        &["coach our new managers", "prepare me for job interviews", "coach me through a career change"]),
    vocabulary("training-development", 0.5,
        &["Instructional Designer", "eLearning Developer", "Corporate Trainer"],
        &["online course", "training curriculum", "eLearning modules", "onboarding course"],
        &["turn our manuals into an online course", "build eLearning modules in Articulate Storyline", "design a sales training curriculum", "create onboarding training for new hires"]),
];

/// Description sentences that fit one category group.
struct GroupVocabulary {
    group_slug: &'static str,
    context: &'static [&'static str],
}

#[rustfmt::skip]
static GROUP_VOCABULARY: &[GroupVocabulary] = &[
    GroupVocabulary { group_slug: "development-it", context: &[
        "The current {deliverable} [has become hard to maintain|has grown messy over the years|was built in a hurry and it shows], so strong {skill} skills matter here.",
        "You will work with [our in-house team of {team_size}|our small product team|two other developers] and report to [our CTO|the founder|our head of engineering].",
        "Most of the work is to {task}; after that there is a [backlog of smaller fixes|list of smaller improvements|handful of follow-up tickets].",
        "We already have [designs in Figma|wireframes|a clickable prototype] for the main screens, so the focus is on [implementation|building it properly|clean execution].",
        "Code must be [clean and tested|readable and reviewed|typed, linted and tested] and pushed to our [GitHub|GitLab|Bitbucket] repository with [clear commit messages|small, focused pull requests].",
        "The work touches {skill}, {skill2} and {skill3}, so please be comfortable with [all three|each of them].",
        "[Performance|Reliability|Uptime] matters: the {deliverable} serves [several thousand|tens of thousands of|a few hundred paying] users [every day|each week].",
        "We are open to suggestions if there is a better approach than [what we do today|our current setup|the way it works now].",
        "There is an existing codebase of [moderate|considerable|modest] size, and you will need to read it before changing it.",
        "Every change goes through [code review|a pull request review] and [a staging environment|automated tests] before it reaches production.",
        "Security and data privacy are important to us because we handle [customer data|payment details|health information|personal records].",
        "Documentation is part of the job, so the next [developer|person] can pick up where you left off.",
        "A previous freelancer started this work, so part of the job is to [finish|untangle|clean up] what exists.",
        "After that we also want to {task2}.",
        "We [deploy|release|ship] [weekly|twice a month|whenever a feature is ready], and we expect the same rhythm from you.",
        "Our users are mostly {audience}, so [simplicity|speed|accessibility] comes first.",
    ]},
    GroupVocabulary { group_slug: "ai-services", context: &[
        "We have a working prototype, but it is not [reliable|accurate|fast] enough for production.",
        "The data set is about {volume} records, already [cleaned|deduplicated] and partly labelled.",
        "[Accuracy|Answer quality] and latency both matter, so we expect you to measure and report them.",
        "You will work with our [product lead|data team|founder] to {task}.",
        "We want to understand the trade-offs before committing to a [model provider|vendor|hosting option].",
        "All results must be reproducible, with [notebooks|scripts|a small repository] we can rerun ourselves.",
        "Experience with {skill2} is a strong plus since our current work relies on it.",
        "We care about the cost per [request|document|conversation] as much as about quality.",
        "Guidelines are written down, with examples of [good and bad output|what we consider correct].",
        "Our users are {audience}, so answers must be accurate and easy to follow.",
        "Once this works we also want to {task2}.",
        "Sensitive data [must stay in our cloud account|cannot leave the EU|must be anonymised first].",
        "We have [a small evaluation set|a few hundred test questions|labelled examples] to measure progress against.",
    ]},
    GroupVocabulary { group_slug: "design-creative", context: &[
        "We have a short brief and [a few reference examples we like|a mood board|links to styles we admire].",
        "The style should feel [modern and clean|warm and friendly|bold and playful|calm and premium] and fit our existing brand colours.",
        "We will provide our [logo, fonts and any copy needed|brand assets and the text|product photos and copy].",
        "[Two|Three] rounds of revisions are included.",
        "Final files must be delivered in editable source format as well as [high-resolution exports|web-ready versions|print-ready PDFs].",
        "The {deliverable} will be used [on our website, on social media and in print|mainly online|at events and in print].",
        "Our audience is mostly {audience}, so the tone should suit them.",
        "Please share a portfolio; we decide mainly on [visual quality|style fit|originality].",
        "Tools are up to you, as long as we get source files we can open and edit.",
        "We would like first concepts within [a week|ten days] and the final version shortly after.",
        "If this goes well we also want to {task2}.",
        "Please avoid stock imagery; we want [original work|a distinctive look|something that feels like us].",
        "We are a {company} team and value [quick sketches over polished first drafts|clear explanations of design choices].",
    ]},
    GroupVocabulary { group_slug: "sales-marketing", context: &[
        "Our results have been flat for [a few months|two quarters|most of this year] and we think the {deliverable} needs a rethink.",
        "We sell mainly to {audience} in {country}.",
        "You will get access to our [analytics, ad accounts and CRM|dashboards and past reports|ad accounts and creative library].",
        "We expect [weekly|biweekly] reporting on the numbers that matter: leads, cost per lead and revenue.",
        "Past experience in the {industry} space is a big plus.",
        "The main goal is to {task} while keeping acquisition costs under control.",
        "We tried doing this in-house with [mixed results|little success] and now want a specialist.",
        "Please include examples of campaigns you ran and the results they got.",
        "Our brand voice is [friendly and direct|calm and expert|playful but clear], with no hype.",
        "Hands-on experience with {skill} and {skill2} is important to us.",
        "Later we would also like you to {task2}.",
        "Our [monthly|quarterly] marketing budget is about ${volume}.",
        "We [launch|are launching] a new [product line|pricing plan|service] soon, so timing matters.",
    ]},
    GroupVocabulary { group_slug: "writing-translation", context: &[
        "The text is about {volume} words in total.",
        "Our readers are {audience}, so the writing must be [clear and free of jargon|friendly and precise|short and concrete].",
        "We have a [style guide|tone-of-voice document|glossary] and will share it after hiring.",
        "Accuracy matters more than speed; please do not submit machine output without careful review.",
        "You will work in [Google Docs|Microsoft Word|Notion] and leave comments where something is unclear.",
        "Topics are mostly about the {industry} industry.",
        "Every piece must be [original|written from scratch] and pass a plagiarism check.",
        "We publish [twice a week|every Monday|a few times a month] and need someone who can keep that pace.",
        "Native or near-native command of {language2} is required.",
        "Consistent terminology across documents matters a lot to us.",
        "After this first batch we also want to {task2}.",
        "[Sources|Interviews|Research notes] will be provided, but some independent research is expected.",
        "The tone should be [warm|authoritative|conversational] without sounding [salesy|stiff|generic].",
    ]},
    GroupVocabulary { group_slug: "admin-customer-support", context: &[
        "The work involves {skill} and {skill2} most days.",
        "You will need about {hours} hours a week, mostly during business hours in {timezone}.",
        "We handle roughly {volume} [records|requests|messages] a month and the volume is growing.",
        "[Attention to detail|Accuracy|Consistency] matters more than speed.",
        "Clear written English is essential because you will be talking to our [customers|partners|suppliers].",
        "We will give you a short training and written [procedures|checklists|instructions] for every task.",
        "You will report to our [operations manager|office manager|founder] and join a short weekly call.",
        "Reliability is key: we need someone who shows up every day as agreed.",
        "There is room for a long-term role if the first month goes well.",
        "Other tasks will come up, for example to {task2}.",
        "Our tools are [Google Workspace and Slack|Microsoft 365 and Teams|Notion and Slack].",
        "Most requests come from {audience}, so patience and a friendly tone matter.",
    ]},
    GroupVocabulary { group_slug: "finance-accounting", context: &[
        "Our books are about {months} months behind.",
        "We are {a_company} business with about {volume} transactions a month.",
        "You will work with [our founder|our operations manager|our CFO] and our external tax accountant.",
        "We need clean monthly reports: profit and loss, balance sheet and cash flow.",
        "[Confidentiality|Discretion] is essential and you will sign an NDA.",
        "The numbers need to support [investor conversations|a bank loan application|a board meeting] next quarter.",
        "We want a clear [process|monthly routine] so we can keep things current after you set it up.",
        "Please tell us about similar clients you have worked with in the {industry} sector.",
        "We also need someone to {task2} later this year.",
        "We sell [online and in two shops|to businesses on 30-day terms|subscriptions billed monthly].",
        "Receipts are [in a shared folder|in our expense app|partly on paper], so some chasing is involved.",
        "We operate in {country} and [one other country|several states|a single region] for tax purposes.",
    ]},
    GroupVocabulary { group_slug: "engineering-architecture", context: &[
        "We have [sketches and measurements|photos and rough dimensions|an older drawing set] that need to become proper drawings.",
        "Drawings must meet local requirements in {city} and be ready for submission.",
        "Files should be delivered in native CAD format along with PDFs.",
        "The project is at the concept stage, so design input is welcome.",
        "[Tolerances and materials|Loads and materials|Finishes and budget] will be discussed on a kickoff call.",
        "We produce in small batches and need designs that are easy to manufacture.",
        "Our [lead engineer|project architect|production manager] will review every revision.",
        "Please include examples of comparable projects and the software you used.",
        "We need the first revision within {weeks} weeks.",
        "A second phase would be to {task2}.",
        "The site is [a former warehouse|a two-storey house|a small commercial unit|an empty lot].",
        "Budget constraints are real, so [cost-effective|standard|off-the-shelf] solutions are preferred.",
    ]},
    GroupVocabulary { group_slug: "legal", context: &[
        "We are {a_company} company incorporated in {country}.",
        "The documents must work under the laws of {country}.",
        "We need [plain-language explanations|short summaries] alongside the legal drafting.",
        "Only qualified lawyers should apply for the advice part of this work.",
        "Please state the jurisdictions you are qualified in.",
        "A turnaround of about {weeks} weeks works for us.",
        "Confidentiality is essential; we will sign an NDA before sharing documents.",
        "We have a template we have used so far, but it no longer fits the business.",
        "We may also need you to {task2}.",
        "Our counterparties are mostly {audience}.",
        "There is [no dispute at the moment|a deadline from the other side|a board meeting coming up], so [preventive work|speed|clarity] is the focus.",
    ]},
    GroupVocabulary { group_slug: "hr-training", context: &[
        "Our team is {team_size} people, [fully remote across several time zones|mostly in one office|split between two offices].",
        "Participants are mostly {audience} with limited time.",
        "We want a repeatable [process|programme|playbook] we can run ourselves afterwards.",
        "Experience in the {industry} industry is preferred.",
        "Sessions would be over video calls, about {hours} hours a week.",
        "Please describe your approach and share an example of past work.",
        "Experience with {skill} matters to us.",
        "Later on we would also like to {task2}.",
        "We measure success by [retention|time to hire|participant feedback|completion rates].",
        "Our managers are [new to the role|stretched thin|keen to improve], so practical material works best.",
    ]},
];

/// Generic title templates; any category's vocabulary fills them.
static TITLE_TEMPLATES: &[&str] = &[
    "{level}{Role} for {business}",
    "{Role} needed for our {deliverable}",
    "{Task} - {industry} company",
    "{Task} for {business}",
    "Need {a_role} to {task}",
    "{Deliverable} for {a_business}",
    "{Deliverable} ({skill})",
    "Looking for {a_role} with {skill} experience",
    "{skill} expert to {task}",
    "{level}{Role} - {industry} startup",
    "{Role} ({skill} / {skill2})",
    "{Task} - {skill}",
    "{Deliverable} needed for {business}",
    "Help us {task} ({skill})",
    "Ongoing {role} for {business}",
    "{skill} + {skill2}: {task}",
    "{Role} to {task}",
    "{level}{Role} for long-term collaboration",
];

static TITLE_SUFFIXES: &[&str] = &[
    " - Long Term",
    " (Urgent)",
    " - Ongoing Work",
    " | Remote",
    " - Remote OK",
    " - Start ASAP",
    " (Part-Time)",
    " - Phase 2",
    " (Flexible Hours)",
];

/// Prefix of a title by tier, with its own trailing space.
static TITLE_LEVELS: [&[&str]; 3] = [
    &["", "", "Junior ", "Entry-Level "],
    &["", "", "Experienced ", "Skilled "],
    &["Senior ", "Expert ", "Lead ", "Senior "],
];

static SENIORITIES: [&[&str]; 3] = [
    &["motivated", "junior", "detail-oriented", "reliable"],
    &["experienced", "skilled", "reliable", "capable"],
    &["senior", "highly experienced", "expert", "seasoned"],
];

#[rustfmt::skip]
static INTRO_COMPANY: &[&str] = &[
    "We are {a_company} {industry} company [based in|headquartered in|operating out of] {city}.",
    "I run {a_business} [out of|from] {city} and I'm looking for help on a new project.",
    "Our team at {brand}, {a_business} in {city}, has more work than hands right now.",
    "We are {a_company} agency serving {industry} clients across {country}.",
    "Hi! I'm the founder of {brand}, {a_business} based in {city}.",
    "We are a team of {team_size} building [products|tools|services] for the {industry} industry.",
    "Our {industry} startup, {brand}, just [closed a seed round|signed its first big customer|launched publicly] and we are growing the team.",
    "I'm a solo founder working on {a_business} and [need an experienced hand|could use expert help].",
    "{brand} is an established {industry} business with customers in {country} and abroad.",
    "Hello, we are {brand}, {a_company} {business} with around {team_size} people.",
    "We are {a_business} in {city} and this is [our first project on Upwork|one of several roles we are hiring for].",
    "Our company works with {audience} in the {industry} space.",
    "{brand} helps {audience} [save time|grow|stay organised], and we are [busier than ever|expanding into new markets].",
    "My name is {first_name} and I [manage operations|lead product|run marketing] at {brand}, {a_business} in {city}.",
];

#[rustfmt::skip]
static INTRO_NEED: &[&str] = &[
    "We are [looking for|searching for|trying to find] {a_seniority} {role} to {task}.",
    "We need {a_seniority} {role} who can {task}.",
    "The [goal|aim|purpose] of this project is to {task}.",
    "I need someone to {task} and then help with the {deliverable2}.",
    "We would like to hire {a_role} to {task} [within the next few weeks|before the end of the month|as soon as possible].",
    "Right now we [need help to|want to] {task}.",
    "We are hiring {a_seniority} {role} for our {deliverable}.",
    "The main job is to {task}, and there may be more after that.",
    "[Our priority|The first step] is to {task}, [ideally|preferably] with someone who has done it before.",
];

/// The first bullet of every scope list: the job's main task.
const MAIN_TASK_BULLET: &str = "{Task}";

static SCOPE_HEADINGS: &[&str] =
    &["Scope of work:", "What you will do:", "Deliverables:", "Responsibilities:", "The job includes:", "Tasks:"];

#[rustfmt::skip]
static SCOPE_BULLETS: &[&str] = &[
    "{Task2}",
    "Deliver the {deliverable} [ready for use|ready to launch|in a finished state]",
    "Document [what you did|your work|decisions and setup] so our team can maintain it",
    "Join a [short|15-minute] [weekly|twice-weekly] check-in call",
    "Keep us updated on progress [in writing|in Slack|by email]",
    "Suggest [improvements|changes|quick wins] for the {deliverable2}",
    "[Test everything|Check your work end to end] before [handing it over|delivery]",
    "Work with our team to [prioritise next steps|agree on priorities|plan the following phase]",
    "Hand over all source files [at the end|when each milestone is done]",
    "[Estimate|Give a rough time estimate for] each part before starting it",
    "Flag [risks and blockers|problems|open questions] early",
    "Review what exists today and [propose a plan|list what should change]",
    "Coordinate with our [designer|developer|marketing lead|operations lead] where needed",
    "Share a short [summary|report] at the end of each week",
    "Make sure the result works for {audience}",
    "Set things up so we can [continue without you|make small changes ourselves]",
];

static REQUIREMENT_HEADINGS: &[&str] =
    &["Requirements:", "What we are looking for:", "Must have:", "Ideal candidate:", "You should have:"];

#[rustfmt::skip]
static REQUIREMENT_BULLETS: &[&str] = &[
    "{years}+ years of [experience|hands-on experience|professional experience] with {skill}",
    "[Solid|Proven|Strong] knowledge of {skill2}",
    "Experience with {skill3} is a [plus|bonus|strong plus]",
    "[Good|Excellent|Fluent] written and spoken English",
    "A portfolio or examples of [similar work|comparable projects]",
    "At least {overlap} hours a day of overlap with {timezone} [business hours|working hours]",
    "[Experience|Background] in the {industry} [industry|sector|space] is a plus",
    "A reliable internet connection and [a quiet place to work|a working webcam and headset]",
    "Attention to detail and [clear|proactive|honest] communication",
    "[Able|Ready] to start {start}",
    "Comfortable working [independently|without close supervision|on your own schedule]",
    "[A strong track record|A good history] on Upwork with [good|positive] reviews",
    "Experience working with {audience}",
    "[Happy|Willing] to sign an NDA",
    "Able to explain [technical|complex] topics in plain language",
    "Available for a [short|quick] call before we start",
];

static TIER_NOTES: [&str; 3] = [
    "This is a good fit for someone early in their career who [learns fast|is eager to learn]; we are happy to give guidance.",
    "",
    "This is a senior role: please apply only if you have [led similar projects end to end|done this several times before].",
];

#[rustfmt::skip]
static HOURLY_TERMS: &[&str] = &[
    "This is an hourly contract at about {hours} hours [per week|a week|weekly].",
    "We expect the work to last {duration}, with [the possibility to extend|room to grow into a longer engagement].",
    "Our range is ${rate_min}-${rate_max}/hr depending on [experience|skills and experience|the fit].",
    "We track time with the Upwork desktop app, so please be [comfortable|fine] with that.",
    "Start date: {start}.",
    "Hours are flexible as long as we have [some|a few hours of] overlap with {timezone}.",
    "[Timesheets|Hours] are reviewed [weekly|every Friday], and we pay promptly.",
    "[Weekly hours|The workload] may go up once the first weeks go well.",
];

#[rustfmt::skip]
static FIXED_TERMS: &[&str] = &[
    "The budget is ${amount} [fixed|in total], paid in {milestones} milestones.",
    "We would like to [have|see] the first version within {weeks} weeks.",
    "The whole project should take {duration} [at most|or less|if all goes well].",
    "Milestones will be agreed before starting, and each ends with a [review|short demo].",
    "If this project goes well there is [more work|a follow-up project] after it.",
    "We [want|hope|plan] to start {start}.",
    "[The budget is firm|There is some flexibility in the budget] for the right person.",
    "Please [quote|give us] a [fixed price|total price] and a timeline in your proposal.",
];

#[rustfmt::skip]
static CLOSINGS: &[&str] = &[
    "To apply, share a similar project you have done and a short note on how you would [approach|tackle|plan] this one.",
    "Please start your proposal with the word \"{keyword}\" so we know you read the whole post.",
    "Proposals without [relevant examples|links to past work] will not be considered.",
    "Looking forward to [working with you|hearing from you|your proposal]!",
    "Thanks for reading, and we look forward to your [proposal|ideas|reply].",
    "Please include your availability and an estimate of the total [time|effort|hours].",
    "Short, specific proposals are preferred over [templates|copy-paste answers|long cover letters].",
    "Happy to answer questions [before you apply|in chat|on a quick call].",
    "Thanks, {first_name}",
    "Best regards, {first_name} from {brand}",
    "We will interview [two or three|a few] candidates [this week|next week] and decide quickly.",
    "Tell us which part of this you find [hardest|most interesting] and why.",
];

/// Sentences that pad a description that came out too short.
#[rustfmt::skip]
static FILLERS: &[&str] = &[
    "We value clear communication and honest estimates.",
    "Please let us know if anything in this post is unclear.",
    "We reply to messages within one business day.",
    "Long-term work is possible for the right person.",
    "We pay on time and leave honest feedback.",
    "Tell us briefly about your experience with {skill}.",
];

/// Made-up company names: a first part and a second part, joined.
#[rustfmt::skip]
static BRAND_PARTS: [&[&str]; 2] = [
    &["Nord", "Bright", "Blue", "Oak", "Silver", "Green", "Red", "Sun", "Peak", "River", "Stone", "North", "Clear",
      "True", "Swift", "Iron", "Cedar", "Maple", "Harbor", "Summit", "Pixel", "Lumen", "Nova", "Atlas", "Vertex",
      "Orbit", "Echo", "Kite", "Fox", "Birch", "Coral", "Amber", "Pine", "Willow", "Falcon", "Beacon"],
    &["well", "path", "labs", "works", "stack", "forge", "field", "bridge", "point", "wave", "leaf", "line", "hub",
      "craft", "nest", "gate", "spark", "mint", "ware", "base", "loop", "shore", "view", "wind"],
];

#[rustfmt::skip]
static FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Isabel", "Jack", "Kavya", "Liam", "Maria",
    "Noah", "Olivia", "Pedro", "Priya", "Quinn", "Rachel", "Sam", "Tomas", "Uma", "Victor", "Wei", "Yusuf", "Zoe",
    "Aisha", "Bruno", "Chloe", "Daniel", "Emma", "Felix", "Hannah", "Ivan", "Julia", "Kenji", "Laura", "Mateo",
    "Nina", "Oscar", "Paula", "Ravi", "Sofia", "Tariq", "Valerie", "Will", "Yara", "Lucas", "Mia", "Ethan",
];

static DURATION_PHRASES: [&str; 4] =
    ["less than a month", "one to three months", "three to six months", "more than six months"];

#[rustfmt::skip]
static BUSINESSES: &[&str] = &[
    "SaaS platform", "online store", "dental clinic", "marketing agency", "real estate brokerage",
    "fitness app", "law firm", "restaurant group", "logistics startup", "B2B software company",
    "e-learning platform", "boutique hotel", "fintech startup", "healthcare provider",
    "construction company", "coffee brand", "fashion label", "podcast", "YouTube channel",
    "mobile game studio", "travel agency", "accounting firm", "insurance agency",
    "property management company", "pet supplies brand", "skincare brand", "event venue",
    "nonprofit", "university lab", "recruiting agency", "car dealership", "solar installer",
    "HVAC company", "craft brewery", "yoga studio", "coaching business", "consulting firm",
    "manufacturing company", "subscription box service", "marketplace startup", "music label",
    "architecture firm", "veterinary clinic", "biotech startup", "print shop", "family bakery",
    "language school", "cybersecurity firm", "home services company", "wedding planner",
];

#[rustfmt::skip]
static INDUSTRIES: &[&str] = &[
    "SaaS", "e-commerce", "healthcare", "real estate", "fintech", "education", "travel",
    "hospitality", "logistics", "legal", "nonprofit", "manufacturing", "retail", "media", "gaming",
    "fitness", "beauty", "food and beverage", "construction", "automotive", "insurance", "energy",
    "agriculture", "marketing", "HR tech", "biotech", "fashion", "sports", "entertainment",
    "telecom", "cybersecurity", "home services",
];

#[rustfmt::skip]
static COMPANY_KINDS: &[&str] = &[
    "small", "fast-growing", "family-owned", "venture-backed", "mid-sized", "two-person",
    "bootstrapped", "remote-first", "established", "award-winning", "independent",
];

#[rustfmt::skip]
static AUDIENCES: &[&str] = &[
    "small business owners", "young professionals", "parents", "gamers", "healthcare professionals",
    "students", "software developers", "retirees", "marketing managers", "homeowners",
    "online shoppers", "startup founders", "teachers", "travellers", "enterprise buyers",
];

#[rustfmt::skip]
static START_DATES: &[&str] = &[
    "this week", "next Monday", "as soon as possible", "within two weeks",
    "at the beginning of next month", "right away",
];

#[rustfmt::skip]
static PROPOSAL_KEYWORDS: &[&str] = &[
    "blueberry", "pineapple", "lighthouse", "orbit", "maple", "sunflower", "compass", "avocado",
    "tangerine", "falcon", "harbor", "marble",
];

#[rustfmt::skip]
static LANGUAGES: &[&str] = &[
    "Spanish", "French", "German", "Portuguese", "Italian", "Japanese", "Chinese", "Korean",
    "Arabic", "Dutch", "Russian", "Polish", "Turkish", "Hindi", "Vietnamese", "Swedish", "Hebrew",
    "Indonesian", "Ukrainian", "Greek", "Thai", "Romanian", "Czech", "Danish",
];

/// Skills that turn up in any category, Zipf-weighted in this order.
#[rustfmt::skip]
static CROSS_CATEGORY_SKILLS: &[&str] = &[
    "English", "Communications", "Microsoft Excel", "Google Sheets", "Project Management",
    "Google Docs", "Research", "Problem Solving", "Time Management", "Slack", "Notion",
    "Microsoft Word", "Canva", "ChatGPT", "Presentations", "Documentation", "Spanish",
    "Customer Relationship Management", "Attention to Detail", "Multitasking", "Loom",
    "Microsoft Teams", "Zoom", "Dropbox",
];

static HOURLY_TAGS: &[&str] = &["long-term", "ongoing", "part-time", "remote", "retainer"];
static FIXED_TAGS: &[&str] = &["one-time-project", "mvp", "urgent", "quick-task", "redesign"];
static GENERIC_TAGS: &[&str] = &["remote", "freelance", "new-client", "startup"];

const PRIVACY_REASON: &str = "Only freelancers invited by the client can see this job";

#[rustfmt::skip]
static SPAM_TITLES: &[&str] = &[
    "Easy online job for {audience} - earn $300 per day from home",
    "Hiring {role} - contact on Telegram for quick start",
    "Simple {deliverable} task, no experience needed, paid daily",
    "Urgent: {role} needed, $45/hour, training provided",
    "Part-time {deliverable} work - weekly payment in USDT",
    "{Role} needed ASAP - message me on WhatsApp",
    "{Role} - work from home, $1,500 weekly, no interview",
];

#[rustfmt::skip]
static SPAM_OPENINGS: &[&str] = &[
    "We are hiring many people for simple online work that anyone can do from home.",
    "No experience needed, we provide full training and flexible hours.",
    "This is a great opportunity to earn extra income in your free time.",
    "Only 15 minutes a day and you can earn more than a full-time salary.",
    "Our company is expanding fast and we need workers immediately.",
];

/// The tell-tale signs the spam detector looks for (SPEC §6).
#[rustfmt::skip]
static SPAM_SIGNS: &[&str] = &[
    "For faster communication please contact me on Telegram: @{handle}{digits}. I do not check Upwork messages.",
    "Message me on WhatsApp at +1 ({phone} to get the details and start today.",
    "Send your CV directly to {handle}{digits}@gmail.com instead of applying here.",
    "Selected candidates must pay a one-time registration fee of ${fee} for training materials, refunded with the first salary.",
    "Payment is weekly in USDT (TRC20) or Bitcoin, outside Upwork to avoid the fees.",
    "We will mail you a check to buy your equipment from our approved vendor before you start.",
];

#[rustfmt::skip]
static SPAM_CLOSINGS: &[&str] = &[
    "Hurry, places are limited!",
    "Do not miss this chance, reply now.",
    "Serious people only, start today.",
];

static SPAM_HANDLES: &[&str] = &["hr_manager_", "recruit_anna", "jobs_team_", "hiring_mark", "kate_hr", "onlinework_"];

/// A client country: relative weight, and cities with their IANA time zone.
struct BuyerCountry {
    code: &'static str,
    weight: f64,
    cities: &'static [(&'static str, &'static str)],
}

/// Where Upwork clients are, roughly: the US first by far, then other
/// English-speaking and western European markets.
#[rustfmt::skip]
static BUYER_COUNTRIES: &[BuyerCountry] = &[
    BuyerCountry { code: "US", weight: 38.0, cities: &[
        ("New York", "America/New_York"), ("San Francisco", "America/Los_Angeles"),
        ("Los Angeles", "America/Los_Angeles"), ("Chicago", "America/Chicago"),
        ("Austin", "America/Chicago"), ("Seattle", "America/Los_Angeles"), ("Miami", "America/New_York"),
        ("Boston", "America/New_York"), ("Denver", "America/Denver"), ("Phoenix", "America/Phoenix"),
        ("Atlanta", "America/New_York"), ("Dallas", "America/Chicago"), ("Houston", "America/Chicago"),
        ("San Diego", "America/Los_Angeles"), ("Salt Lake City", "America/Denver"),
        ("Honolulu", "Pacific/Honolulu"), ("Anchorage", "America/Anchorage"),
        ("Detroit", "America/Detroit"), ("Indianapolis", "America/Indiana/Indianapolis"),
    ]},
    BuyerCountry { code: "GB", weight: 8.0, cities: &[
        ("London", "Europe/London"), ("Manchester", "Europe/London"), ("Birmingham", "Europe/London"),
        ("Edinburgh", "Europe/London"), ("Bristol", "Europe/London"), ("Leeds", "Europe/London"),
    ]},
    BuyerCountry { code: "CA", weight: 6.0, cities: &[
        ("Toronto", "America/Toronto"), ("Vancouver", "America/Vancouver"), ("Montreal", "America/Toronto"),
        ("Calgary", "America/Edmonton"), ("Ottawa", "America/Toronto"), ("Halifax", "America/Halifax"),
    ]},
    BuyerCountry { code: "AU", weight: 5.0, cities: &[
        ("Sydney", "Australia/Sydney"), ("Melbourne", "Australia/Melbourne"),
        ("Brisbane", "Australia/Brisbane"), ("Perth", "Australia/Perth"), ("Adelaide", "Australia/Adelaide"),
    ]},
    BuyerCountry { code: "DE", weight: 3.5, cities: &[
        ("Berlin", "Europe/Berlin"), ("Munich", "Europe/Berlin"), ("Hamburg", "Europe/Berlin"),
        ("Frankfurt", "Europe/Berlin"),
    ]},
    BuyerCountry { code: "IN", weight: 3.0, cities: &[
        ("Bengaluru", "Asia/Kolkata"), ("Mumbai", "Asia/Kolkata"), ("New Delhi", "Asia/Kolkata"),
        ("Hyderabad", "Asia/Kolkata"), ("Pune", "Asia/Kolkata"),
    ]},
    BuyerCountry { code: "NL", weight: 2.0, cities: &[
        ("Amsterdam", "Europe/Amsterdam"), ("Rotterdam", "Europe/Amsterdam"), ("Utrecht", "Europe/Amsterdam"),
    ]},
    BuyerCountry { code: "FR", weight: 2.0, cities: &[("Paris", "Europe/Paris"), ("Lyon", "Europe/Paris")] },
    BuyerCountry { code: "IL", weight: 1.8, cities: &[("Tel Aviv", "Asia/Jerusalem"), ("Jerusalem", "Asia/Jerusalem")] },
    BuyerCountry { code: "AE", weight: 1.8, cities: &[("Dubai", "Asia/Dubai"), ("Abu Dhabi", "Asia/Dubai")] },
    BuyerCountry { code: "SG", weight: 1.5, cities: &[("Singapore", "Asia/Singapore")] },
    BuyerCountry { code: "CH", weight: 1.2, cities: &[("Zurich", "Europe/Zurich"), ("Geneva", "Europe/Zurich")] },
    BuyerCountry { code: "SE", weight: 1.0, cities: &[("Stockholm", "Europe/Stockholm"), ("Gothenburg", "Europe/Stockholm")] },
    BuyerCountry { code: "IE", weight: 1.0, cities: &[("Dublin", "Europe/Dublin"), ("Cork", "Europe/Dublin")] },
    BuyerCountry { code: "ES", weight: 1.0, cities: &[("Madrid", "Europe/Madrid"), ("Barcelona", "Europe/Madrid")] },
    BuyerCountry { code: "IT", weight: 0.8, cities: &[("Milan", "Europe/Rome"), ("Rome", "Europe/Rome")] },
    BuyerCountry { code: "NZ", weight: 0.8, cities: &[("Auckland", "Pacific/Auckland"), ("Wellington", "Pacific/Auckland")] },
    BuyerCountry { code: "BR", weight: 0.8, cities: &[("São Paulo", "America/Sao_Paulo"), ("Rio de Janeiro", "America/Sao_Paulo")] },
    BuyerCountry { code: "MX", weight: 0.6, cities: &[("Mexico City", "America/Mexico_City"), ("Guadalajara", "America/Mexico_City")] },
    BuyerCountry { code: "PL", weight: 0.6, cities: &[("Warsaw", "Europe/Warsaw"), ("Kraków", "Europe/Warsaw")] },
    BuyerCountry { code: "DK", weight: 0.6, cities: &[("Copenhagen", "Europe/Copenhagen")] },
    BuyerCountry { code: "SA", weight: 0.6, cities: &[("Riyadh", "Asia/Riyadh"), ("Jeddah", "Asia/Riyadh")] },
    BuyerCountry { code: "NO", weight: 0.5, cities: &[("Oslo", "Europe/Oslo")] },
    BuyerCountry { code: "BE", weight: 0.5, cities: &[("Brussels", "Europe/Brussels"), ("Antwerp", "Europe/Brussels")] },
    BuyerCountry { code: "HK", weight: 0.5, cities: &[("Hong Kong", "Asia/Hong_Kong")] },
    BuyerCountry { code: "ZA", weight: 0.5, cities: &[("Cape Town", "Africa/Johannesburg"), ("Johannesburg", "Africa/Johannesburg")] },
    BuyerCountry { code: "PK", weight: 0.5, cities: &[("Karachi", "Asia/Karachi"), ("Lahore", "Asia/Karachi")] },
    BuyerCountry { code: "AT", weight: 0.4, cities: &[("Vienna", "Europe/Vienna")] },
    BuyerCountry { code: "JP", weight: 0.4, cities: &[("Tokyo", "Asia/Tokyo"), ("Osaka", "Asia/Tokyo")] },
    BuyerCountry { code: "PT", weight: 0.4, cities: &[("Lisbon", "Europe/Lisbon"), ("Porto", "Europe/Lisbon")] },
    BuyerCountry { code: "PH", weight: 0.4, cities: &[("Manila", "Asia/Manila"), ("Cebu City", "Asia/Manila")] },
    BuyerCountry { code: "KR", weight: 0.3, cities: &[("Seoul", "Asia/Seoul")] },
    BuyerCountry { code: "NG", weight: 0.3, cities: &[("Lagos", "Africa/Lagos")] },
    BuyerCountry { code: "TR", weight: 0.3, cities: &[("Istanbul", "Europe/Istanbul")] },
    BuyerCountry { code: "FI", weight: 0.3, cities: &[("Helsinki", "Europe/Helsinki")] },
    BuyerCountry { code: "MY", weight: 0.3, cities: &[("Kuala Lumpur", "Asia/Kuala_Lumpur")] },
    BuyerCountry { code: "CZ", weight: 0.2, cities: &[("Prague", "Europe/Prague")] },
    BuyerCountry { code: "RO", weight: 0.2, cities: &[("Bucharest", "Europe/Bucharest")] },
    BuyerCountry { code: "UA", weight: 0.2, cities: &[("Kyiv", "Europe/Kyiv")] },
    BuyerCountry { code: "AR", weight: 0.2, cities: &[("Buenos Aires", "America/Argentina/Buenos_Aires")] },
    BuyerCountry { code: "CL", weight: 0.2, cities: &[("Santiago", "America/Santiago")] },
    BuyerCountry { code: "CO", weight: 0.2, cities: &[("Bogotá", "America/Bogota"), ("Medellín", "America/Bogota")] },
    BuyerCountry { code: "KE", weight: 0.2, cities: &[("Nairobi", "Africa/Nairobi")] },
    BuyerCountry { code: "QA", weight: 0.2, cities: &[("Doha", "Asia/Qatar")] },
    BuyerCountry { code: "TH", weight: 0.2, cities: &[("Bangkok", "Asia/Bangkok")] },
    BuyerCountry { code: "ID", weight: 0.2, cities: &[("Jakarta", "Asia/Jakarta")] },
    BuyerCountry { code: "CY", weight: 0.2, cities: &[("Limassol", "Asia/Nicosia")] },
    BuyerCountry { code: "EE", weight: 0.2, cities: &[("Tallinn", "Europe/Tallinn")] },
    BuyerCountry { code: "GR", weight: 0.2, cities: &[("Athens", "Europe/Athens")] },
    BuyerCountry { code: "VN", weight: 0.15, cities: &[("Ho Chi Minh City", "Asia/Ho_Chi_Minh")] },
    BuyerCountry { code: "HU", weight: 0.15, cities: &[("Budapest", "Europe/Budapest")] },
    BuyerCountry { code: "LU", weight: 0.15, cities: &[("Luxembourg", "Europe/Luxembourg")] },
    BuyerCountry { code: "EG", weight: 0.15, cities: &[("Cairo", "Africa/Cairo")] },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::countries::is_alpha2;
    use crate::taxonomy::category_by_slug;
    use std::collections::{HashMap, HashSet};

    fn options(count: usize, seed: u64) -> GenOptions {
        GenOptions {
            count,
            seed,
            days: 60,
            now: DateTime::parse_from_rfc3339("2026-03-10T14:00:00Z").expect("valid time").with_timezone(&Utc),
        }
    }

    fn seconds(timestamp: &str) -> i64 {
        DateTime::parse_from_rfc3339(timestamp)
            .unwrap_or_else(|error| panic!("{timestamp:?} is not RFC 3339: {error}"))
            .timestamp()
    }

    fn is_kebab_case(tag: &str) -> bool {
        !tag.is_empty()
            && !tag.starts_with('-')
            && !tag.ends_with('-')
            && !tag.contains("--")
            && tag
                .chars()
                .all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-')
    }

    #[test]
    fn same_options_give_the_same_jobs_and_counts_share_a_prefix() {
        let first: Vec<Job> = generate(&options(300, 7)).collect();
        let again: Vec<Job> = generate(&options(300, 7)).collect();
        assert_eq!(first, again);
        let short: Vec<Job> = generate(&options(10, 7)).collect();
        assert_eq!(short[..], first[..10]);
        let long: Vec<Job> = generate(&options(3_000, 7)).collect();
        assert_eq!(long[..300], first[..]);
        let middle: Vec<Job> = generate_range(&options(0, 7), 2_500..2_600).collect();
        assert_eq!(middle[..], long[2_500..2_600]);
    }

    #[test]
    fn ndjson_chunks_are_the_serialised_jobs_in_order() {
        let options = options(CHUNK_JOBS * 2 + 17, 9);
        let mut expected = Vec::new();
        for job in generate(&options) {
            serde_json::to_writer(&mut expected, &job).expect("serialises");
            expected.push(b'\n');
        }
        let chunks: Vec<NdjsonChunk> = ndjson_chunks(&options).collect();
        assert_eq!(chunks.iter().map(|chunk| chunk.jobs).sum::<usize>(), options.count);
        assert!(chunks.iter().all(|chunk| chunk.jobs > 0));
        let bytes: Vec<u8> = chunks.into_iter().flat_map(|chunk| chunk.bytes).collect();
        assert!(bytes == expected, "chunked NDJSON differs from the jobs serialised in order");
        let empty = GenOptions { count: 0, ..options };
        assert_eq!(ndjson_chunks(&empty).count(), 0);
    }

    #[test]
    fn different_seeds_give_different_jobs_and_ids() {
        let seven: Vec<Job> = generate(&options(1_000, 7)).collect();
        let eight: Vec<Job> = generate(&options(1_000, 8)).collect();
        let ids: HashSet<&str> = seven.iter().map(|job| job.id.as_str()).collect();
        assert!(eight.iter().all(|job| !ids.contains(job.id.as_str())));
        let same_titles = seven.iter().zip(&eight).filter(|(a, b)| a.title == b.title).count();
        assert!(same_titles < 10, "{same_titles}");
    }

    #[test]
    fn every_job_is_well_formed() {
        let options = options(5_000, 42);
        let now = options.now.timestamp();
        let oldest = now - i64::from(options.days) * SECONDS_PER_DAY;
        let mut ids = HashSet::new();
        let mut urls = HashSet::new();
        for job in generate(&options) {
            let json = serde_json::to_string(&job).expect("serialises");
            let back: Job = serde_json::from_str(&json).expect("parses back");
            assert_eq!(back, job);

            assert!(ids.insert(job.id.clone()), "duplicate id {}", job.id);
            assert!(urls.insert(job.url.clone()), "duplicate url {}", job.url);
            let digits = job.id.strip_prefix("upwork-").expect("id prefix");
            assert!(!digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()));
            let hex = job.url.strip_prefix("https://www.upwork.com/jobs/~01").expect("url prefix");
            assert_eq!(hex.len(), 16);
            assert!(hex.bytes().all(|byte| byte.is_ascii_hexdigit()));

            let category = category_by_slug(&job.category.slug).expect("known category");
            assert_eq!(category.name, job.category.name);
            assert_eq!(category.group, job.category.group);
            assert_eq!(category.group_slug, job.category.group_slug);

            assert!((3..=8).contains(&job.skills.len()), "{:?}", job.skills);
            assert_eq!(job.skills.iter().collect::<HashSet<_>>().len(), job.skills.len());
            assert!((2..=5).contains(&job.tags.len()), "{:?}", job.tags);
            assert!(job.tags.iter().all(|tag| is_kebab_case(tag)), "{:?}", job.tags);

            for text in [&job.title, &job.description] {
                assert!(!text.contains('{') && !text.contains('}'), "unrendered slot: {text}");
                assert!(!text.contains("  ") && !text.starts_with(' '), "spacing: {text:?}");
            }
            assert!(!job.title.is_empty() && job.title.len() < 140, "{}", job.title);
            let characters = job.description.chars().count();
            assert!((300..=2_500).contains(&characters), "{characters}: {}", job.description);

            let posted = seconds(&job.posted_on);
            assert!(job.posted_on.ends_with('Z') && job.posted_on.len() == 20, "{}", job.posted_on);
            assert!((oldest..=now).contains(&posted), "{}", job.posted_on);
            let visited = seconds(job.last_visited_at.as_deref().expect("visited"));
            assert!((posted..=now).contains(&visited));
            if let Some(activity) = &job.client_activity.last_buyer_activity {
                assert!((posted..=now).contains(&seconds(activity)));
            }

            match job.job_type {
                1 => {
                    let hourly = job.hourly_budget.as_ref().expect("hourly budget");
                    let (minimum, maximum) = (hourly.min.expect("min"), hourly.max.expect("max"));
                    assert!(5.0 <= minimum && minimum < maximum && maximum <= 150.0, "{minimum}-{maximum}");
                    assert_eq!(job.budget.fixed_amount, None);
                    assert!(ENGAGEMENTS[..2].contains(&job.engagement.as_str()));
                }
                2 => {
                    let amount = job.budget.fixed_amount.expect("fixed amount");
                    assert!((50.0..=50_000.0).contains(&amount), "{amount}");
                    assert!(job.hourly_budget.is_none());
                    assert!(ENGAGEMENTS[2..].contains(&job.engagement.as_str()));
                }
                other => panic!("job_type {other}"),
            }
            assert_eq!(job.budget.currency, "USD");
            assert!([1, 2].contains(&job.status));
            assert!((1..=3).contains(&job.contractor_tier));
            assert!(DURATION_LABELS.contains(&job.duration_label.as_str()));
            assert_eq!(job.is_private, !job.privacy_reason.is_empty());

            let buyer = &job.buyer;
            assert!(is_alpha2(&buyer.country), "{}", buyer.country);
            assert!(!buyer.city.is_empty() && buyer.timezone.contains('/'));
            assert_eq!(
                (&job.location.country, &job.location.city, &job.location.timezone),
                (&buyer.country, &buyer.city, &buyer.timezone)
            );
            assert!((0.0..=2_000_000.0).contains(&buyer.total_spent));
            assert!(0 <= buyer.total_jobs_with_hires);
            assert!(buyer.total_jobs_with_hires <= buyer.total_assignments);
            assert_eq!(buyer.total_spent == 0.0, buyer.total_assignments == 0);

            let activity = &job.client_activity;
            assert!(0 <= activity.total_hired);
            assert!(activity.total_hired <= activity.total_invited_to_interview);
            assert!(activity.total_invited_to_interview <= activity.total_applicants);
            assert!(0 <= activity.unanswered_invites);
            assert!(activity.unanswered_invites <= activity.invitations_sent);
        }
    }

    #[test]
    fn distributions_look_like_the_real_feed() {
        let jobs: Vec<Job> = generate(&options(10_000, 3)).collect();
        let share = |predicate: &dyn Fn(&Job) -> bool| {
            jobs.iter().filter(|job| predicate(job)).count() as f64 / jobs.len() as f64
        };
        let hourly = share(&|job| job.job_type == 1);
        assert!((0.35..=0.55).contains(&hourly), "hourly {hourly}");
        let open = share(&|job| job.status == 1);
        assert!((0.8..=0.92).contains(&open), "open {open}");
        let verified = share(&|job| job.buyer.payment_verified);
        assert!((0.68..=0.82).contains(&verified), "verified {verified}");
        let american = share(&|job| job.buyer.country == "US");
        assert!((0.3..=0.46).contains(&american), "US {american}");
        let development = share(&|job| job.category.group_slug == "development-it");
        assert!((0.33..=0.5).contains(&development), "development {development}");
        let private = share(&|job| job.is_private);
        assert!(private < 0.03, "private {private}");

        let distinct_titles: HashSet<&str> = jobs.iter().map(|job| job.title.as_str()).collect();
        assert!(distinct_titles.len() as f64 > 0.9 * jobs.len() as f64, "{}", distinct_titles.len());
        let lengths: Vec<usize> = jobs.iter().map(|job| job.description.len()).collect();
        let short = lengths.iter().filter(|length| **length < 800).count();
        let long = lengths.iter().filter(|length| **length > 1_600).count();
        assert!(short > 1_000 && long > 500, "short {short}, long {long}");
        let fixed: Vec<f64> = jobs.iter().filter_map(|job| job.budget.fixed_amount).collect();
        assert!(fixed.iter().any(|amount| *amount >= 10_000.0));
        assert!(fixed.iter().filter(|amount| **amount < 500.0).count() > fixed.len() / 5);
    }

    #[test]
    fn skills_have_a_long_tail() {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let total = 100_000;
        for job in generate(&options(total, 11)) {
            for skill in job.skills {
                *counts.entry(skill).or_default() += 1;
            }
        }
        assert!(counts.len() >= 300, "only {} distinct skills", counts.len());
        let most_common = counts.values().copied().max().unwrap_or(0);
        assert!(most_common < total * 3 / 10, "most common skill in {most_common} jobs");
        // The long tail: most skills are each asked for in under 0.5 % of jobs.
        let rare = counts.values().filter(|count| **count < total / 200).count();
        assert!(rare * 2 > counts.len(), "{rare} rare of {} skills", counts.len());
    }

    #[test]
    fn reposts_and_spam_are_about_one_percent_each() {
        let options = options(20_000, 5);
        let generator = Generator::new(&options);
        let jobs: Vec<Job> = generate(&options).collect();
        let mut reposts = 0;
        let mut spam = 0;
        for (index, job) in jobs.iter().enumerate() {
            match generator.kind(index as u64) {
                JobKind::Regular => {}
                JobKind::Spam => {
                    spam += 1;
                    let text = job.description.to_lowercase();
                    let signs = ["telegram", "whatsapp", "@gmail.com", "registration fee", "usdt", "check"];
                    assert!(signs.iter().any(|sign| text.contains(sign)), "{text}");
                }
                JobKind::Repost { original_index } => {
                    reposts += 1;
                    let original = &jobs[original_index as usize];
                    assert!((original_index as usize) < index);
                    assert!(!matches!(generator.kind(original_index), JobKind::Repost { .. }));
                    assert_eq!(job.title, original.title);
                    assert_eq!(job.buyer, original.buyer);
                    assert_ne!(job.id, original.id);
                    assert!(seconds(&job.posted_on) > seconds(&original.posted_on));
                    let original_words: Vec<&str> = original.description.split(' ').collect();
                    let words: Vec<&str> = job.description.split(' ').collect();
                    let changed = original_words.iter().zip(&words).filter(|(a, b)| a != b).count();
                    assert!(
                        changed <= 1 && words.len().abs_diff(original_words.len()) <= 1,
                        "more than one word changed"
                    );
                }
            }
        }
        assert!((120..=280).contains(&reposts), "{reposts} reposts");
        assert!((120..=280).contains(&spam), "{spam} spam");
    }

    #[test]
    fn zero_days_puts_every_job_at_now() {
        let mut options = options(200, 1);
        options.days = 0;
        for job in generate(&options) {
            assert_eq!(job.posted_on, "2026-03-10T14:00:00Z");
        }
    }

    #[test]
    fn default_anchor_is_a_whole_hour() {
        let anchor = default_anchor();
        assert_eq!(anchor.timestamp() % 3_600, 0);
        assert!((Utc::now() - anchor).num_seconds() < 3_600);
    }

    #[test]
    fn vocabulary_matches_the_taxonomy_and_templates_render() {
        assert_eq!(CATEGORY_VOCABULARY.len(), CATEGORIES.len());
        for (vocabulary, category) in CATEGORY_VOCABULARY.iter().zip(CATEGORIES) {
            assert_eq!(vocabulary.slug, category.slug);
            assert!(vocabulary.weight > 0.0);
            assert!(!vocabulary.roles.is_empty() && !vocabulary.deliverables.is_empty());
            assert!(!vocabulary.tasks.is_empty());
        }
        for (_, group_slug) in crate::taxonomy::group_slugs() {
            assert!(GROUP_VOCABULARY.iter().any(|group| group.group_slug == group_slug), "{group_slug}");
        }
        for country in BUYER_COUNTRIES {
            assert!(is_alpha2(country.code), "{}", country.code);
        }
        for skill in
            CATEGORIES.iter().flat_map(|category| category.typical_skills).chain(CROSS_CATEGORY_SKILLS).chain(LANGUAGES)
        {
            assert!(is_kebab_case(&kebab_case(skill)), "{skill} -> {}", kebab_case(skill));
        }
    }

    #[test]
    fn kebab_case_examples() {
        let cases = [
            ("Node.js", "nodejs"),
            ("C++", "cplusplus"),
            ("C#", "csharp"),
            (".NET", "net"),
            ("Mixing & Mastering", "mixing-mastering"),
            ("A/B Testing", "a-b-testing"),
            ("Children's Book Illustration", "childrens-book-illustration"),
            ("food and beverage", "food-and-beverage"),
            ("3D Modeling", "3d-modeling"),
        ];
        for (input, expected) in cases {
            assert_eq!(kebab_case(input), expected, "{input}");
        }
    }

    #[test]
    fn articles_follow_the_sound() {
        let cases = [
            ("iOS app", true),
            ("SEO audit", true),
            ("MVP", true),
            ("API", true),
            ("UX review", false),
            ("user portal", false),
            ("landing page", false),
            ("experienced developer", true),
            ("hourly role", true),
            ("one-time task", false),
            ("European brand", false),
        ];
        for (phrase, expected) in cases {
            assert_eq!(starts_with_vowel_sound(phrase), expected, "{phrase}");
        }
    }

    #[test]
    fn timestamps_match_chrono() {
        for seconds in [0, 59, 951_782_400, 951_868_799, 1_700_000_000, 1_772_150_399, 4_102_444_800, 253_402_300_799] {
            let expected = DateTime::from_timestamp(seconds, 0)
                .expect("in range")
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            assert_eq!(rfc3339(seconds), expected);
        }
    }

    #[test]
    fn numbers_are_written_plainly_and_grouped() {
        let mut text = String::new();
        push_number(&mut text, 1_234_567.4);
        text.push(' ');
        push_number(&mut text, 999.0);
        text.push(' ');
        push_number_plain(&mut text, 0);
        text.push(' ');
        push_number_plain(&mut text, u64::MAX);
        assert_eq!(text, "1,234,567 999 0 18446744073709551615");
        assert_eq!(job_url(0xab), "https://www.upwork.com/jobs/~0100000000000000ab");
        assert_eq!(job_id(42), "upwork-42");
    }

    #[test]
    fn budgets_are_round() {
        let cases = [
            (52.0, 50.0),
            (97.0, 95.0),
            (333.0, 330.0),
            (1_234.0, 1_250.0),
            (3_333.0, 3_300.0),
            (12_345.0, 12_500.0),
            (48_700.0, 49_000.0),
        ];
        for (amount, expected) in cases {
            assert_eq!(round_budget(amount), expected, "{amount}");
        }
    }
}
