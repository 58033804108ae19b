//! The values of individual job fields: budgets, durations, the buyer's
//! history and activity counters, languages, ids and URLs, and RFC 3339
//! timestamps.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::{Buyer, ClientActivity};

use super::SECONDS_PER_DAY;
use super::random::{between, log_normal, pick, pick_weighted_value, round_to};
use super::tables::LANGUAGES;
use super::template::push_number_plain;

pub(super) fn hourly_range(rng: &mut ChaCha8Rng, contractor_tier: u64) -> (f64, f64) {
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

pub(super) fn fixed_budget(rng: &mut ChaCha8Rng, contractor_tier: u64) -> f64 {
    let median = match contractor_tier {
        1 => 150.0,
        2 => 600.0,
        _ => 2_500.0,
    };
    round_budget(log_normal(rng, median, 1.1).clamp(50.0, 50_000.0))
}

/// Rounds to what a client would type: $35, $120, $750, $2,500, $14,000.
pub(super) fn round_budget(amount: f64) -> f64 {
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
pub(super) fn duration_index(rng: &mut ChaCha8Rng, fixed_amount: Option<f64>) -> usize {
    let weights: &[(u64, u64); 4] = match fixed_amount {
        None => &[(0, 15), (1, 30), (2, 25), (3, 30)],
        Some(amount) if amount < 500.0 => &[(0, 70), (1, 25), (2, 5), (3, 0)],
        Some(amount) if amount < 5_000.0 => &[(0, 35), (1, 45), (2, 15), (3, 5)],
        Some(_) => &[(0, 10), (1, 40), (2, 35), (3, 15)],
    };
    pick_weighted_value(rng, weights) as usize
}

pub(super) fn buyer_history(
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
pub(super) fn client_activity(
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
pub(super) fn language_pair(rng: &mut ChaCha8Rng, translation: bool) -> (&'static str, &'static str) {
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
pub(super) fn with_one_word_changed(description: &str) -> String {
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

pub(super) fn job_id(public_number: u64) -> String {
    let mut id = String::with_capacity(27);
    id.push_str("upwork-");
    push_number_plain(&mut id, public_number);
    id
}

pub(super) fn job_url(public_number: u64) -> String {
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
pub(super) fn country_in_prose(code: &'static str) -> &'static str {
    match code {
        "US" => "the United States",
        "GB" => "the United Kingdom",
        "NL" => "the Netherlands",
        "AE" => "the United Arab Emirates",
        "PH" => "the Philippines",
        _ => crate::countries::country_name(code).unwrap_or(code),
    }
}

pub(super) fn tier_position(contractor_tier: u64) -> usize {
    (contractor_tier.clamp(1, 3) - 1) as usize
}

/// `YYYY-MM-DDTHH:MM:SSZ`, exactly what chrono's
/// `to_rfc3339_opts(SecondsFormat::Secs, true)` prints (a test compares
/// them), written by hand: three timestamps per job through `fmt` cost more
/// than all the job's other numbers together.
pub(super) fn rfc3339(seconds: i64) -> String {
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
