//! One pass over a job's text: words and sentences, phrase cues, and the
//! literal things phrases cannot describe (links, handles, e-mail addresses,
//! phone numbers, money amounts). The rule methods combine them.

use super::lexicon::{Cue, LEXICON, WordClass};
use super::literals::{MoneyClaim, digit_run, find_emails, find_money, is_word_byte};

/// Sentence-mask bits beyond the cues.
const MONEY_BIT: u32 = 1 << 30;
const EMAIL_OR_PHONE_BIT: u32 = 1 << 29;

/// Link hosts of messengers; a `/` must follow. Discord's `discord.com/` is
/// left out because its developer docs live there; `discord.com/invite/` is in.
const MESSENGER_LINK_HOSTS: &[&str] = &[
    "t.me",
    "telegram.me",
    "telegram.dog",
    "wa.me",
    "wa.link",
    "api.whatsapp.com",
    "chat.whatsapp.com",
    "join.skype.com",
    "signal.me",
    "signal.group",
    "discord.gg",
    "discord.com/invite",
    "u.wechat.com",
    "weixin.qq.com",
    "invite.viber.com",
    "viber.click",
];

/// Form builders and link shorteners, as host and path prefix around the
/// first `/` (see `Scan::external_form_link`).
const EXTERNAL_LINK_HOSTS: &[(&str, &str)] = &[
    ("docs.google.com", "forms"),
    ("forms.gle", ""),
    ("typeform.com", ""),
    ("jotform.com", ""),
    ("forms.office.com", ""),
    ("bit.ly", ""),
    ("tinyurl.com", ""),
    ("cutt.ly", ""),
    ("shorturl.at", ""),
    ("rb.gy", ""),
];

/// Words between a messenger name and its handle: `WeChat ID: x`, `WhatsApp me at +1 …`.
const HANDLE_MARKERS: &[&str] =
    &["id", "handle", "username", "user", "name", "number", "no", "num", "contact", "account", "is", "me", "at", "on"];

/// Words that make a nearby digit run a phone number.
const PHONE_CONTEXT: &[&str] = &[
    "call", "text", "txt", "phone", "tel", "mobile", "cell", "whatsapp", "number", "sms", "viber", "signal",
    "telegram", "contact", "reach", "ph",
];

/// Words after a contact request that keep it on the platform.
const ON_PLATFORM: &[&str] = &["upwork", "here", "this", "zoom"];

/// Words before a fee that say there is none.
const NEGATIONS: &[&str] = &["no", "without", "zero", "free", "never"];

/// Words after trivial-work wording that make it about applying
/// (`copy-paste answers`), not about the work.
const APPLYING_WORDS: &[&str] =
    &["answers", "answer", "proposals", "proposal", "applications", "responses", "replies", "cover", "bids"];

const EVIDENCE_MAX_BYTES: usize = super::EVIDENCE_MAX_BYTES;
const EVIDENCE_CONTEXT_BYTES: usize = 24;

#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    sentence: u32,
    /// Written as `@word` (not part of an e-mail address).
    after_at: bool,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    cue: Cue,
    first_word: usize,
    /// One past the last word.
    end_word: usize,
}

pub(crate) struct Scan<'a> {
    text: &'a str,
    /// `text` with ASCII letters lower-cased: same byte offsets.
    lower: String,
    words: Vec<Word>,
    /// Per word, what the lexicon knows about it.
    classes: Vec<WordClass>,
    hits: Vec<Hit>,
    /// Per sentence, the cue bits of its hits plus `MONEY_BIT` and `EMAIL_OR_PHONE_BIT`.
    sentence_masks: Vec<u32>,
    emails: Vec<(usize, usize)>,
    phones: Vec<(usize, usize)>,
    pub(crate) money_claims: Vec<MoneyClaim>,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(text: &'a str) -> Scan<'a> {
        let lower = text.to_ascii_lowercase();
        let words = split_words(&lower);
        let sentence_count = words.last().map_or(1, |word| word.sentence as usize + 1);
        let mut scan = Scan {
            text,
            lower,
            words,
            classes: Vec::new(),
            hits: Vec::new(),
            sentence_masks: vec![0; sentence_count],
            emails: Vec::new(),
            phones: Vec::new(),
            money_claims: Vec::new(),
        };
        scan.match_phrases();
        scan.emails = find_emails(&scan.lower);
        scan.phones = scan.find_phones();
        for (start, _) in scan.emails.clone().into_iter().chain(scan.phones.clone()) {
            let sentence = scan.sentence_at(start);
            scan.sentence_masks[sentence] |= EMAIL_OR_PHONE_BIT;
        }
        for (start, period, evidence, amount) in find_money(&scan.lower, text) {
            let sentence = scan.sentence_at(start);
            scan.sentence_masks[sentence] |= MONEY_BIT;
            if let Some(period) = period {
                scan.money_claims.push(MoneyClaim { amount, period, evidence });
            }
        }
        scan
    }

    fn word(&self, index: usize) -> &str {
        let word = self.words[index];
        &self.lower[word.start..word.end]
    }

    fn match_phrases(&mut self) {
        let lexicon = &*LEXICON;
        self.classes = self.words.iter().map(|word| lexicon.classify(&self.lower[word.start..word.end])).collect();
        let classes = &self.classes;
        let mut found = Vec::new();
        let mut sentence_start = 0;
        while sentence_start < self.words.len() {
            let sentence = self.words[sentence_start].sentence;
            let sentence_end = self.words[sentence_start..]
                .iter()
                .position(|word| word.sentence != sentence)
                .map_or(self.words.len(), |offset| sentence_start + offset);
            let sentence_words = &classes[sentence_start..sentence_end];
            for position in 0..sentence_words.len() {
                found.clear();
                LEXICON.matches_at(sentence_words, position, &mut found);
                for &(cue, end) in &found {
                    self.hits.push(Hit { cue, first_word: sentence_start + position, end_word: sentence_start + end });
                    self.sentence_masks[sentence as usize] |= cue.bit();
                }
            }
            sentence_start = sentence_end;
        }
    }

    fn sentence_at(&self, byte: usize) -> usize {
        let index = self.words.partition_point(|word| word.start <= byte);
        index.checked_sub(1).map_or(0, |index| self.words[index].sentence as usize)
    }

    fn hit_sentence(&self, hit: &Hit) -> usize {
        self.words[hit.first_word].sentence as usize
    }

    fn hit_excerpt(&self, hit: &Hit) -> String {
        self.excerpt(self.words[hit.first_word].start, self.words[hit.end_word - 1].end)
    }

    /// The text from `start` to `end` with a little context, at most
    /// `EVIDENCE_MAX_BYTES`, cut on character boundaries and line breaks.
    fn excerpt(&self, start: usize, end: usize) -> String {
        let line_start = self.text[..start].rfind('\n').map_or(0, |newline| newline + 1);
        let line_end = self.text[end..].find('\n').map_or(self.text.len(), |newline| end + newline);
        let mut from = start.saturating_sub(EVIDENCE_CONTEXT_BYTES).max(line_start);
        let mut to = (end + EVIDENCE_CONTEXT_BYTES).min(line_end);
        if to - from > EVIDENCE_MAX_BYTES {
            from = start.max(line_start);
            to = (from + EVIDENCE_MAX_BYTES).min(line_end);
        }
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        while !self.text.is_char_boundary(to) {
            to -= 1;
        }
        self.text[from..to].trim().to_string()
    }

    /// The first hit of `cue`, as evidence.
    pub(crate) fn first_hit(&self, cue: Cue) -> Option<String> {
        self.hits.iter().find(|hit| hit.cue == cue).map(|hit| self.hit_excerpt(hit))
    }

    fn sentence_has(&self, hit: &Hit, bits: u32) -> bool {
        self.sentence_masks[self.hit_sentence(hit)] & bits != 0
    }

    pub(crate) fn messenger_contact(&self) -> Option<String> {
        if let Some(evidence) = self.messenger_link() {
            return Some(evidence);
        }
        if let Some(evidence) = self.messenger_handle() {
            return Some(evidence);
        }
        if let Some(evidence) = self.first_hit(Cue::MessengerStrong) {
            return Some(evidence);
        }
        self.hits
            .iter()
            .find(|hit| {
                let topic = Cue::BuildTopic.bit() | Cue::ThirdPartyTopic.bit();
                hit.cue == Cue::MessengerWeak && !self.sentence_has(hit, topic)
            })
            .map(|hit| self.hit_excerpt(hit))
    }

    fn messenger_link(&self) -> Option<String> {
        for (slash, _) in self.lower.match_indices('/') {
            let before = &self.lower[..slash];
            for host in MESSENGER_LINK_HOSTS {
                let Some(host_start) = before.len().checked_sub(host.len()) else {
                    continue;
                };
                let boundary = host_start == 0 || !is_word_byte(self.lower.as_bytes()[host_start - 1]);
                if before.ends_with(host) && boundary {
                    return Some(self.excerpt(host_start, self.link_end(slash)));
                }
            }
        }
        None
    }

    /// `Telegram: @jane`, `WeChat ID: jane_88`, `WhatsApp +44 …`, `@jane on Telegram`.
    fn messenger_handle(&self) -> Option<String> {
        for (index, word) in self.words.iter().enumerate() {
            if !self.classes[index].is_messenger() {
                continue;
            }
            if let Some(end) = self.handle_after(index) {
                return Some(self.excerpt(word.start, end));
            }
            if index >= 2
                && matches!(self.word(index - 1), "on" | "via" | "at" | "in" | "through")
                && self.words[index - 2].after_at
                && self.words[index - 2].sentence == word.sentence
            {
                return Some(self.excerpt(self.words[index - 2].start - 1, word.end));
            }
        }
        None
    }

    /// Where the handle or number written right after messenger word `index` ends.
    fn handle_after(&self, index: usize) -> Option<usize> {
        let mut last = index;
        while last + 1 < self.words.len()
            && last - index < 2
            && self.words[last + 1].sentence == self.words[index].sentence
            && HANDLE_MARKERS.contains(&self.word(last + 1))
            && self.lower[self.words[last].end..self.words[last + 1].start].trim().is_empty()
        {
            last += 1;
        }
        let after = self.words[last].end;
        let rest = &self.lower[after..];
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let (rest, had_separator) = match trimmed.strip_prefix([':', '-', '=', '–']) {
            Some(stripped) => (stripped.trim_start_matches([' ', '\t']), true),
            None => (trimmed, false),
        };
        let rest_start = self.lower.len() - rest.len();
        let bytes = rest.as_bytes();
        let handle_end = |from: usize| {
            rest[from..]
                .find(|character: char| !(character.is_alphanumeric() || "_.#-".contains(character)))
                .map_or(self.lower.len(), |offset| rest_start + from + offset)
        };
        if bytes.first() == Some(&b'@') && bytes.get(1).is_some_and(|byte| is_word_byte(*byte)) {
            return Some(handle_end(1));
        }
        if bytes.first().is_some_and(|byte| *byte == b'+' || byte.is_ascii_digit()) {
            let run: String = rest
                .chars()
                .take_while(|character| character.is_ascii_digit() || " +-.()".contains(*character))
                .collect();
            if run.bytes().filter(u8::is_ascii_digit).count() >= 7 {
                return Some(rest_start + run.trim_end().len());
            }
        }
        if rest.starts_with("live:") {
            return Some(handle_end(5));
        }
        if had_separator {
            let candidate_end = handle_end(0) - rest_start;
            let candidate = &rest[..candidate_end];
            let inner_dot = candidate.trim_matches('.').contains('.');
            let looks_like_handle = candidate.len() >= 4
                && (inner_dot || candidate.bytes().any(|byte| byte == b'_' || byte.is_ascii_digit()))
                && candidate.bytes().any(|byte| byte.is_ascii_alphabetic());
            if looks_like_handle {
                return Some(rest_start + candidate_end);
            }
        }
        None
    }

    pub(crate) fn upfront_fee(&self) -> Option<String> {
        // A payment brand alone is no topic here: `pay the application fee
        // via PayPal` is the applicant paying.
        let topic = Cue::BuildTopic.bit() | Cue::ThirdPartyTopic.bit();
        let pays =
            Cue::PayerMarker.bit() | Cue::PayWord.bit() | Cue::PayObligation.bit() | Cue::MustPay.bit() | MONEY_BIT;
        let fee_object = Cue::FeeNoun.bit() | Cue::Crypto.bit() | MONEY_BIT;
        self.hits
            .iter()
            .find(|hit| {
                let needs = match hit.cue {
                    Cue::FeeNoun => pays,
                    Cue::MustPay => fee_object,
                    Cue::PayObligation => u32::MAX,
                    _ => return false,
                };
                let negated = hit.first_word > 0
                    && self.words[hit.first_word - 1].sentence == self.words[hit.first_word].sentence
                    && NEGATIONS.contains(&self.word(hit.first_word - 1));
                self.sentence_has(hit, needs) && !self.sentence_has(hit, topic) && !negated
            })
            .map(|hit| self.hit_excerpt(hit))
    }

    /// Trivial-work wording outside sentences about the product's users
    /// (`patients complete forms`) or about building something.
    pub(crate) fn trivial_work(&self) -> Option<String> {
        let topic = Cue::BuildTopic.bit() | Cue::ThirdPartyTopic.bit();
        // `copy-paste answers`: how to apply, not the work.
        let about_applying =
            |hit: &&Hit| hit.end_word < self.words.len() && APPLYING_WORDS.contains(&self.word(hit.end_word));
        self.hits
            .iter()
            .find(|hit| hit.cue == Cue::TrivialWork && !self.sentence_has(hit, topic) && !about_applying(hit))
            .map(|hit| self.hit_excerpt(hit))
    }

    pub(crate) fn fake_check(&self) -> Option<String> {
        let pay = Cue::PayWord.bit() | Cue::PayerMarker.bit() | MONEY_BIT;
        let money = Cue::MoneyWord.bit() | Cue::PayWord.bit() | MONEY_BIT;
        self.hits
            .iter()
            .find(|hit| match hit.cue {
                Cue::FakeCheck => true,
                Cue::FakeCheckWeak => self.sentence_has(hit, pay) && !self.sentence_has(hit, Cue::BuildTopic.bit()),
                Cue::ForwardRest => {
                    let rest_of = hit.end_word < self.words.len() && self.word(hit.end_word) == "of";
                    self.sentence_has(hit, money) && !rest_of
                }
                _ => false,
            })
            .map(|hit| self.hit_excerpt(hit))
    }

    pub(crate) fn off_platform_payment(&self) -> Option<String> {
        let topic = Cue::BuildTopic.bit() | Cue::ThirdPartyTopic.bit();
        self.hits
            .iter()
            .find(|hit| hit.cue == Cue::OffPlatformPayment && !self.sentence_has(hit, topic))
            .map(|hit| self.hit_excerpt(hit))
    }

    pub(crate) fn account_rental(&self) -> Option<String> {
        let topic = Cue::BuildTopic.bit() | Cue::ThirdPartyTopic.bit();
        self.hits
            .iter()
            .find(|hit| match hit.cue {
                Cue::AccountRental => true,
                Cue::AccountRentalWeak => {
                    self.sentence_has(hit, Cue::AccountUseWord.bit()) && !self.sentence_has(hit, topic)
                }
                _ => false,
            })
            .map(|hit| self.hit_excerpt(hit))
    }

    /// Links to application forms and link shorteners: the application, or
    /// whatever hides behind the short link, happens outside the platform.
    pub(crate) fn external_form_link(&self) -> Option<String> {
        for (slash, _) in self.lower.match_indices('/') {
            for (host, path) in EXTERNAL_LINK_HOSTS {
                let Some(host_start) = slash.checked_sub(host.len()) else {
                    continue;
                };
                if self.lower[..slash].ends_with(host) && self.lower[slash + 1..].starts_with(path) {
                    return Some(self.excerpt(host_start, self.link_end(slash)));
                }
            }
        }
        None
    }

    /// Where a link that contains `/` at `slash` ends.
    fn link_end(&self, slash: usize) -> usize {
        self.lower[slash..]
            .find(|character: char| character.is_whitespace() || character == ')')
            .map_or(self.lower.len(), |offset| slash + offset)
    }

    /// Whether a sentence is about a crypto product (an exchange, a smart
    /// contract, wallets) rather than about paying the freelancer. `your
    /// wallet` (`paid to your USDT wallet`) is where the pay goes, not a
    /// product.
    fn about_a_crypto_product(&self, sentence: usize) -> bool {
        self.hits.iter().any(|hit| {
            if hit.cue != Cue::CryptoProductTopic || self.hit_sentence(hit) != sentence {
                return false;
            }
            let word = self.word(hit.first_word);
            let freelancers_own = matches!(word, "wallet" | "wallets")
                && (hit.first_word.saturating_sub(3)..hit.first_word)
                    .any(|index| self.words[index].sentence as usize == sentence && self.word(index) == "your");
            !freelancers_own
        })
    }

    pub(crate) fn crypto_payment(&self) -> Option<String> {
        let topic = Cue::BuildTopic.bit() | Cue::ThirdPartyTopic.bit() | Cue::PaymentBrand.bit();
        self.hits
            .iter()
            .find(|hit| {
                hit.cue == Cue::Crypto
                    && self.sentence_has(hit, Cue::PayWord.bit())
                    && !self.sentence_has(hit, topic)
                    && !self.about_a_crypto_product(self.hit_sentence(hit))
            })
            .map(|hit| {
                let sentence = self.hit_sentence(hit) as u32;
                let pay = self
                    .hits
                    .iter()
                    .find(|other| other.cue == Cue::PayWord && self.words[other.first_word].sentence == sentence)
                    .map_or(hit.first_word, |other| other.first_word);
                let (first, last) = (pay.min(hit.first_word), pay.max(hit.end_word - 1));
                self.excerpt(self.words[first].start, self.words[last].end)
            })
    }

    pub(crate) fn email_address(&self) -> Option<String> {
        if let Some(&(start, end)) = self.emails.first() {
            return Some(self.text[start..end].to_string());
        }
        self.first_hit(Cue::ObfuscatedEmail)
    }

    pub(crate) fn phone_number(&self) -> Option<String> {
        self.phones.first().map(|&(start, end)| self.text[start..end].to_string())
    }

    pub(crate) fn direct_contact_request(&self) -> Option<String> {
        self.hits
            .iter()
            .find(|hit| match hit.cue {
                Cue::ContactRequest => {
                    let sentence = self.words[hit.first_word].sentence;
                    let stays_on_platform = (hit.end_word..(hit.end_word + 2).min(self.words.len()))
                        .take_while(|index| self.words[*index].sentence == sentence)
                        .any(|index| ON_PLATFORM.contains(&self.word(index)));
                    !stays_on_platform
                }
                Cue::SendYourDetails => self.sentence_has(hit, EMAIL_OR_PHONE_BIT),
                _ => false,
            })
            .map(|hit| self.hit_excerpt(hit))
    }

    /// Distinct easy-money phrases and daily/weekly pay promises.
    pub(crate) fn easy_money_phrases(&self) -> Vec<String> {
        let mut phrases: Vec<String> = Vec::new();
        for hit in self.hits.iter().filter(|hit| hit.cue == Cue::EasyMoney) {
            let phrase = self.lower[self.words[hit.first_word].start..self.words[hit.end_word - 1].end].to_string();
            if !phrases.contains(&phrase) {
                phrases.push(phrase);
            }
        }
        for claim in self.money_claims.iter().filter(|claim| claim.is_easy_money_promise()) {
            if !phrases.contains(&claim.evidence) {
                phrases.push(claim.evidence.clone());
            }
        }
        phrases
    }

    /// Phone numbers: `+` and 10–15 digits, US shapes (`(415) 555-0138`,
    /// `415-555-0138`, `415.555.0138`, `415 555 0138`), or 10–15 digits right
    /// after a phone word. Bare digit runs (order numbers, barcodes, card
    /// numbers in payment specs) are not phone numbers.
    fn find_phones(&self) -> Vec<(usize, usize)> {
        let bytes = self.lower.as_bytes();
        let mut phones = Vec::new();
        let mut position = 0;
        while let Some(offset) =
            bytes[position..].iter().position(|byte| byte.is_ascii_digit() || *byte == b'+' || *byte == b'(')
        {
            position += offset;
            let byte = bytes[position];
            let previous_ok =
                position == 0 || !(is_word_byte(bytes[position - 1]) || b".,/-_#@$%".contains(&bytes[position - 1]));
            if !previous_ok {
                position += 1;
                continue;
            }
            let (end, groups) = digit_run(bytes, position);
            let digits: usize = groups.iter().sum();
            let plus = byte == b'+';
            let us_shape = matches!(groups.as_slice(), [3, 3, 4] | [1, 3, 3, 4]) && groups.len() > 1;
            let is_phone = (10..=15).contains(&digits) && (plus || us_shape || self.phone_word_before(position));
            if is_phone {
                phones.push((position, end));
            }
            position = end.max(position + 1);
        }
        phones
    }

    fn phone_word_before(&self, byte: usize) -> bool {
        let index = self.words.partition_point(|word| word.end <= byte);
        let sentence = self.sentence_at(byte) as u32;
        (index.saturating_sub(3)..index)
            .filter(|candidate| self.words[*candidate].sentence == sentence)
            .any(|candidate| PHONE_CONTEXT.contains(&self.word(candidate)))
    }
}

/// Words (letters, digits, `_`) with sentence numbers. A sentence ends at a
/// line break or at `.`, `!`, `?`, `;` followed by a space; apostrophe-s is
/// dropped.
/// The character at byte `position` (a character boundary) and its width;
/// ASCII, nearly all of a job text, takes the short path.
#[inline(always)]
fn character_at(lower: &str, position: usize) -> (char, usize) {
    let byte = lower.as_bytes()[position];
    if byte.is_ascii() {
        (char::from(byte), 1)
    } else {
        let character = lower[position..].chars().next().unwrap_or(' ');
        (character, character.len_utf8())
    }
}

fn split_words(lower: &str) -> Vec<Word> {
    let bytes = lower.as_bytes();
    let character_at = |position: usize| character_at(lower, position);
    let is_word_character = |character: char| character.is_alphanumeric() || character == '_';
    // `@word` is a handle unless the `@` sits inside an e-mail address.
    let after_at = |start: usize| {
        start > 0
            && bytes[start - 1] == b'@'
            && (start < 2 || !(is_word_byte(bytes[start - 2]) || b".-".contains(&bytes[start - 2])))
    };

    let mut words = Vec::with_capacity(bytes.len() / 5);
    let mut sentence = 0u32;
    let mut boundary_pending = false;
    let mut word_start: Option<usize> = None;
    let mut position = 0;
    while position < bytes.len() {
        let (character, width) = character_at(position);
        if is_word_character(character) {
            if word_start.is_none() {
                if boundary_pending && !words.is_empty() {
                    sentence += 1;
                }
                boundary_pending = false;
                word_start = Some(position);
            }
            position += width;
            continue;
        }
        let next_position = position + width;
        let next = (next_position < bytes.len()).then(|| character_at(next_position));
        if let Some(start) = word_start.take() {
            words.push(Word { start, end: position, sentence, after_at: after_at(start) });
            // Apostrophe-s ends the word and is dropped: "cashier's" reads "cashier".
            if matches!(character, '\'' | '’') && next.is_some_and(|(next, _)| next == 's') {
                let after_s = next_position + 1;
                if after_s >= bytes.len() || !is_word_character(character_at(after_s).0) {
                    position = after_s;
                    continue;
                }
            }
        }
        match character {
            '\n' | '\r' | '•' => boundary_pending = true,
            '.' | '!' | '?' | ';' if next.is_none_or(|(next, _)| next.is_whitespace()) => boundary_pending = true,
            _ => {}
        }
        position = next_position;
    }
    if let Some(start) = word_start {
        words.push(Word { start, end: bytes.len(), sentence, after_at: after_at(start) });
    }
    words
}
