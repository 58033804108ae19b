//! The words of a posting: titles, descriptions and tags, the sentence
//! templates they are built from, and [`all_templates`], the list of every
//! template string that [`super::template::Templates`] parses up front. The
//! template syntax and its rendering live in `template.rs`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::taxonomy::CategoryInfo;

use super::fields::tier_position;
use super::random::{distinct, pick, random_index};
use super::tables::{FIXED_TAGS, GENERIC_TAGS, HOURLY_TAGS};
use super::template::Slots;
use super::vocabulary::{CATEGORY_VOCABULARY, CategoryVocabulary, GROUP_VOCABULARY, group_vocabulary};

pub(super) fn title(rng: &mut ChaCha8Rng, slots: &Slots, vocabulary: &CategoryVocabulary) -> String {
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

pub(super) fn description(
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

pub(super) fn spam_description(rng: &mut ChaCha8Rng, slots: &Slots) -> String {
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
pub(super) fn tags(
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
pub(super) fn kebab_case(text: &str) -> String {
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

/// Every string the generator renders as a template.
pub(super) fn all_templates() -> impl Iterator<Item = &'static str> {
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
pub(super) static TITLE_LEVELS: [&[&str]; 3] = [
    &["", "", "Junior ", "Entry-Level "],
    &["", "", "Experienced ", "Skilled "],
    &["Senior ", "Expert ", "Lead ", "Senior "],
];

pub(super) static SENIORITIES: [&[&str]; 3] = [
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

#[rustfmt::skip]
pub(super) static SPAM_TITLES: &[&str] = &[
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
