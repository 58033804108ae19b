//! Tests of the generator: determinism, well-formed jobs, the documented
//! rates and distributions, and the helpers (tags, articles, timestamps,
//! numbers, budgets).

use super::fields::round_budget;
use super::template::{push_number, push_number_plain, starts_with_vowel_sound};
use super::vocabulary::GROUP_VOCABULARY;
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
        && tag.chars().all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-')
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
fn ndjson_chunks_are_the_serialised_jobs_in_posting_order() {
    let options = options(CHUNK_JOBS * 2 + 17, 9);
    let mut jobs: Vec<(usize, Job)> = generate(&options).enumerate().collect();
    // Stable: same-second jobs keep index order.
    jobs.sort_by_key(|(index, job)| (job.posted_on.clone(), *index));
    let mut expected = Vec::new();
    for (_, job) in jobs {
        serde_json::to_writer(&mut expected, &job).expect("serialises");
        expected.push(b'\n');
    }
    let chunks: Vec<NdjsonChunk> = ndjson_chunks(&options).collect();
    assert_eq!(chunks.iter().map(|chunk| chunk.jobs).sum::<usize>(), options.count);
    assert!(chunks.iter().all(|chunk| chunk.jobs > 0));
    let bytes: Vec<u8> = chunks.into_iter().flat_map(|chunk| chunk.bytes).collect();
    assert!(bytes == expected, "chunked NDJSON differs from the jobs serialised in posting order");
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
    let share =
        |predicate: &dyn Fn(&Job) -> bool| jobs.iter().filter(|job| predicate(job)).count() as f64 / jobs.len() as f64;
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
                assert!(changed <= 1 && words.len().abs_diff(original_words.len()) <= 1, "more than one word changed");
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
        let expected =
            DateTime::from_timestamp(seconds, 0).expect("in range").to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
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
