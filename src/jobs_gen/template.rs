//! The template engine: [`Slots`] holds a job's values and renders
//! templates (`{slot}`, `{Slot}`, `{a_slot}`, `[one|other]`) into text,
//! [`Templates`] parses every template once per generator, and the number and
//! capitalisation helpers rendering needs. The templates themselves are in
//! `text.rs` and `vocabulary.rs`.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::random::splitmix64;
use super::text::all_templates;

/// The values a job's templates can refer to as `{name}`.
///
/// Template syntax: `{name}` inserts the value; `{Name}` capitalises its
/// first letter; `{a_name}` prefixes "a" or "an"; `[one|other]` picks one
/// option (which may hold slots). Values may themselves be templates (a role
/// such as "{skill} Developer").
pub(super) struct Slots<'a> {
    pub(super) templates: &'a Templates,
    /// Drives `[one|other]` choices.
    pub(super) choice_state: Cell<u64>,
    pub(super) skills: &'a [&'static str],
    pub(super) role: &'static str,
    pub(super) deliverable: &'static str,
    pub(super) second_deliverable: &'static str,
    pub(super) task: &'static str,
    pub(super) second_task: &'static str,
    pub(super) business: &'static str,
    pub(super) industry: &'static str,
    pub(super) company: &'static str,
    pub(super) audience: &'static str,
    pub(super) city: &'static str,
    pub(super) country: &'static str,
    pub(super) timezone: &'static str,
    pub(super) language: &'static str,
    pub(super) target_language: &'static str,
    pub(super) level: &'static str,
    pub(super) seniority: &'static str,
    pub(super) start: &'static str,
    pub(super) keyword: &'static str,
    pub(super) duration: &'static str,
    pub(super) handle: &'static str,
    /// A made-up company name in two parts ("Bright" + "forge").
    pub(super) brand: (&'static str, &'static str),
    pub(super) first_name: &'static str,
    pub(super) years: u64,
    pub(super) hours: u64,
    pub(super) weeks: u64,
    pub(super) overlap: u64,
    pub(super) team_size: u64,
    pub(super) volume: f64,
    pub(super) months: u64,
    pub(super) milestones: u64,
    pub(super) digits: u64,
    pub(super) rate_minimum: f64,
    pub(super) rate_maximum: f64,
    pub(super) amount: f64,
    pub(super) fee: u64,
}

impl Slots<'_> {
    pub(super) fn render_new(&self, template: &'static str) -> String {
        let mut text = String::with_capacity(template.len() + 48);
        self.render(&mut text, template);
        text
    }

    pub(super) fn render(&self, text: &mut String, template: &'static str) {
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
pub(super) struct Templates {
    by_address: HashMap<(usize, usize), Vec<Piece>, BuildHasherDefault<AddressHasher>>,
}

impl Templates {
    pub(super) fn new() -> Self {
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
pub(super) struct AddressHasher(u64);

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
pub(super) fn starts_with_vowel_sound(phrase: &str) -> bool {
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
pub(super) fn push_number(text: &mut String, value: f64) {
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
pub(super) fn push_number_plain(text: &mut String, value: u64) {
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
