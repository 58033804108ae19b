//! The phrases the spam rules look for, and the word-by-word matcher that
//! finds them.
//!
//! A phrase is written as space-separated slots, each slot a `|`-separated
//! list of words that may fill it: `send|mail you a check|cheque`. A slot
//! ending in `?` may be skipped, a word ending in `*` matches any word it
//! starts (`integrat*`), and `#` matches a number. `{M}` stands for the
//! messenger names. Words are lower-case ASCII as the scanner produces them;
//! apostrophe-s is dropped (`cashier's` reads `cashier`) and other
//! punctuation splits words (`don't` reads `don t`, `e-mail` reads `e mail`).

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a matched phrase suggests. The rules in `scan.rs` combine cues,
/// usually within one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// Contact request that names a messenger and the poster (`message me on Telegram`).
    MessengerStrong,
    /// Messenger contact without the poster (`contact via WhatsApp`); ignored in a sentence with `BuildTopic`.
    MessengerWeak,
    /// `email me`, `call me at`, `my number is`.
    ContactRequest,
    /// `send your CV`: counts only in a sentence with an e-mail address or phone number.
    SendYourDetails,
    ObfuscatedEmail,
    LeavePlatform,
    AccountRental,
    /// `bid with your account`, `you receive 30% of every contract`: counts with `BidWord`.
    AccountRentalWeak,
    /// Words of using an account: `bid`, `proposals`, `open`, `register` …
    AccountUseWord,
    FakeCheck,
    /// `send the rest`, `deduct your pay`: counts with money in the sentence.
    ForwardRest,
    MoneyWord,
    /// `your profile has been shortlisted`: an unsolicited offer.
    UnsolicitedOffer,
    /// `your bank details`, `your date of birth`.
    PersonalData,
    /// `PayPal friends and family`, `use PayPal directly`, `send me your PayPal email`.
    OffPlatformPayment,
    /// Check-like wording with honest readings (`mobile deposit`); ignored with `BuildTopic`.
    FakeCheckWeak,
    FeeNoun,
    /// `pay a small fee`, `pay for the starter kit`: a fee request on its own.
    PayObligation,
    /// `you must pay`, `you need to deposit`: a fee request when money or a fee is in the sentence.
    MustPay,
    PayerMarker,
    PayWord,
    Crypto,
    /// The sentence is about building or integrating something.
    BuildTopic,
    /// The sentence is about the product's own users or their payments.
    ThirdPartyTopic,
    /// A payment provider named as part of the work (`Stripe`, `PayPal`).
    PaymentBrand,
    /// The sentence is about a crypto product, not about paying the freelancer.
    CryptoProductTopic,
    TrivialWork,
    EasyMoney,
    Urgency,
}

impl Cue {
    pub(crate) fn bit(self) -> u32 {
        1 << self as u32
    }
}

const MESSENGERS: &str = "telegram|whatsapp|whatsap|watsapp|skype|wechat|weixin|signal|viber|discord|kik|tg";
/// Messenger names that read as a verb with "me" (`WhatsApp me`); "signal me" does not.
/// Chat-only messengers: an interview "on Skype" is a video call, one "on Telegram" a chat.
const CHAT_MESSENGERS: &str = "telegram|whatsapp|whatsap|watsapp|wechat|weixin|signal|viber|kik|tg";
/// Social networks, which count only in a direct "message me on …".
const SOCIAL_NETWORKS: &str = "instagram|ig|insta|facebook|fb|messenger|linkedin|twitter|tiktok|snapchat";
const SOCIAL_CONTACT_VERBS: &str = "contact|message|msg|text|dm|ping|inbox|chat|reach|write|talk";
const MESSENGER_VERBS: &str = "telegram|whatsapp|whatsap|watsapp|skype|wechat|viber|kik";
const CONTACT_VERBS: &str =
    "contact|message|msg|text|txt|reach|ping|dm|add|call|chat|talk|write|connect|hit|inbox|holla|find|join|meet|speak";

/// Words that name a messenger, for the handle and number checks; the same
/// names as `MESSENGERS` (a test keeps them equal).
fn is_messenger(word: &str) -> bool {
    matches!(
        word,
        "telegram"
            | "whatsapp"
            | "whatsap"
            | "watsapp"
            | "skype"
            | "wechat"
            | "weixin"
            | "signal"
            | "viber"
            | "discord"
            | "kik"
            | "tg"
    )
}

#[rustfmt::skip]
const PHRASES: &[(Cue, &str)] = &[
    (Cue::MessengerStrong, "{V} me|us up? directly|now|asap|quickly|privately|only? on|via|at|through|over|using|in|with? my|our? {M}"),
    (Cue::MessengerStrong, "{V} my {M}"),
    (Cue::MessengerStrong, "{VS} me|us directly|now|only? on|via|through|over|in my|our? {S}"),
    (Cue::MessengerStrong, "{MV} me|us"),
    (Cue::MessengerStrong, "my {M} id|handle|username|user|name|number|no|account|contact|is"),
    (Cue::MessengerStrong, "send|forward|share|drop your|ur cv|resume|portfolio|details|number|info|information|application|name via|on|to|through|over my|our? {M}"),
    (Cue::MessengerWeak, "{V} on|via|at|through|over|using|in|with my|our? {M}"),
    (Cue::MessengerWeak, "{V} our {M}"),
    (Cue::MessengerWeak, "interview|interviews|meeting|call|communication|conversation|discussion|onboarding|instructions will|is|are? be? conducted|held|done|given|sent? on|via|through|over|in {MC}"),
    (Cue::MessengerWeak, "{M} id|handle|username"),
    (Cue::MessengerStrong, "send|share|give|drop|provide me|us? your {M} number|id|handle|username|contact|details|account|info"),
    (Cue::MessengerWeak, "on|via {M} only"),

    (Cue::ContactRequest, "email|mail me|us"),
    (Cue::ContactRequest, "e mail me|us"),
    (Cue::ContactRequest, "contact|call|text|txt|reach|message|dm|ping|phone|ring me|us at|on|via|directly|personally|privately|outside|asap"),
    (Cue::ContactRequest, "my personal? email|mail|phone|number|cell|mobile|contact|whatsapp number|address? is"),
    (Cue::ContactRequest, "my|our personal|private email|mail|gmail|e|phone|number|cell"),
    (Cue::ContactRequest, "add|contact|message|text our|my hr|recruiter|recruiting|recruitment|hiring|talent"),
    (Cue::SendYourDetails, "send|forward|submit|email|mail your|ur cv|cvs|resume|resumes|portfolio|samples|sample|details|application|info|rates|rate|name|number|photo|photos"),
    (Cue::ObfuscatedEmail, "at gmail|yahoo|hotmail|outlook|protonmail|proton|icloud|aol|gmx|yandex|mail dot com|net|me|org|co"),
    (Cue::ObfuscatedEmail, "gmail|yahoo|hotmail|protonmail|icloud|gmx|yandex dot com|net|me"),

    (Cue::LeavePlatform, "outside|off|outta of? upwork|platform"),
    (Cue::LeavePlatform, "outside|off of? the|this platform"),
    (Cue::LeavePlatform, "no upwork"),
    (Cue::LeavePlatform, "avoid|bypass|skip|save the? high? upwork|platform? fees|fee|commission"),
    (Cue::LeavePlatform, "not|dont|don|never|rarely|seldom t? check|use|read|reply|respond|answer upwork|here"),
    (Cue::LeavePlatform, "not|dont|don t? send|submit proposals|applications here"),
    (Cue::LeavePlatform, "upwork chat|messages|messaging? is|are not? convenient|inconvenient|slow"),
    (Cue::LeavePlatform, "instead of upwork"),
    (Cue::LeavePlatform, "upwork fees|fee|commission are|is too? high|expensive"),

    (Cue::AccountRental, "rent|renting|lend|buy|purchase|sell|borrow your|an|a|old|verified|their upwork|freelancer|fiverr account|accounts|profile|profiles"),
    (Cue::AccountRental, "rent|renting|lend|borrow your|their account|accounts|profile"),
    (Cue::AccountRental, "upwork|freelancer|fiverr|verified account|profile holder|holders|owner|owners"),
    (Cue::AccountRental, "profile|account|accounts for rent|rental|sale"),
    (Cue::AccountRental, "verified upwork|freelancer profile|account"),
    (Cue::AccountRental, "use|using your upwork|freelancer account|profile"),
    (Cue::AccountRental, "remote access to|on your computer|pc|laptop|desktop|machine"),
    (Cue::AccountRental, "access your computer|pc|laptop|desktop|machine"),
    (Cue::AccountRentalWeak, "with|using|through|from your|their own? upwork|freelancer? account|accounts|profile|profiles"),
    (Cue::AccountRentalWeak, "receive|get|keep|earn # of every|each contract|project|job"),
    (Cue::AccountRentalWeak, "account|accounts|profile|profiles on|in behalf|name of"),
    (Cue::AccountUseWord, "bid|bids|bidding|proposal|proposals|contract|contracts|projects|jobs|open|create|register|verify"),
    (Cue::AccountRental, "send|forward|share|give|tell me|us the|your? verification|confirmation|security|sms|otp|2fa|login code|codes"),
    (Cue::AccountRental, "code|codes you receive|received|get"),

    (Cue::FakeCheck, "send|mail|give|issue|deliver|post you|u a|the? check|cheque|checks|cheques"),
    (Cue::FakeCheck, "cashier|cashiers|certified check|cheque"),
    (Cue::FakeCheck, "cash|deposit the|this|that check|cheque"),
    (Cue::FakeCheck, "cash it at your bank"),
    (Cue::FakeCheck, "buy|purchase|get gift card|cards"),
    (Cue::FakeCheck, "into|to your own|personal bank? account|accounts"),
    (Cue::FakeCheck, "forward|send|transfer them|funds|money|payments|it to our|my overseas|business? partners|partner|suppliers|supplier|associates"),
    (Cue::FakeCheck, "keep # commission"),
    (Cue::ForwardRest, "send|forward|wire|transfer|return|keep the rest|remainder|remaining|balance|difference|excess"),
    (Cue::FakeCheck, "issue|write|send|mail a|the? payment? check|cheque to you|u"),
    (Cue::ForwardRest, "after|once|when it|the check|cheque|payment clears|clear"),
    (Cue::ForwardRest, "deduct|keep your pay|payment|fee|share|commission|salary"),
    (Cue::MoneyWord, "check|cheque|checks|funds|money|cash|zelle|venmo|cashapp|wire"),
    (Cue::UnsolicitedOffer, "profile|application has|was been? shortlisted|selected"),
    (Cue::UnsolicitedOffer, "you have|ve been shortlisted|selected"),
    (Cue::UnsolicitedOffer, "congratulations you|your"),
    (Cue::PersonalData, "your bank details|account|info|information"),
    (Cue::PersonalData, "your card|credit details|number|card"),
    (Cue::PersonalData, "your date of birth"),
    (Cue::PersonalData, "your ssn|passport|sin"),
    (Cue::PersonalData, "your social security|insurance number"),
    (Cue::PersonalData, "your id|identity card|document|documents"),
    (Cue::PersonalData, "your driver|drivers|driving license|licence"),
    (Cue::PersonalData, "date of birth address|and"),
    (Cue::PersonalData, "bank details for"),
    (Cue::OffPlatformPayment, "paypal friends|f and|n family|f"),
    (Cue::OffPlatformPayment, "paypal fnf|gift"),
    (Cue::OffPlatformPayment, "use|via|through|by|with|pay|paid|payment paypal|venmo|zelle|cashapp|payoneer|wise|skrill directly"),
    (Cue::OffPlatformPayment, "pay|paid you? directly on|via|through|by|with|in paypal|venmo|zelle|cashapp|payoneer|wise|skrill"),
    (Cue::OffPlatformPayment, "send|give|share|provide me|us? your paypal|venmo|zelle|cashapp|payoneer|wise|skrill email|address|account|id|details|username"),

    (Cue::FakeCheckWeak, "mobile check? deposit"),
    (Cue::FakeCheckWeak, "western union"),
    (Cue::FakeCheckWeak, "moneygram"),
    (Cue::FakeCheckWeak, "money gram"),
    (Cue::FakeCheckWeak, "money order|orders"),
    // Money-mule relays: the freelancer's own account takes the money in,
    // or turns it into crypto for the poster.
    (Cue::FakeCheckWeak, "receive|accept|collect payments|funds|money|transfers|deposits to|into|in|on|through your|ur own|personal? bank|account|accounts"),
    (Cue::FakeCheckWeak, "convert|exchange|change them|it|the? funds|money|payments|balance to|into usdt|usdc|btc|bitcoin|crypto|cryptocurrency|tether|eth"),

    (Cue::FeeNoun, "registration|training|onboarding|activation|enrollment|enrolment|joining|verification|membership|certification|upfront|refundable|kit|application fee|fees"),
    (Cue::FeeNoun, "up front fee|fees|payment"),
    (Cue::FeeNoun, "starter|welcome|training|testing|test|work kit|pack|package"),
    (Cue::FeeNoun, "security|refundable deposit"),
    (Cue::FeeNoun, "a|the deposit of"),
    (Cue::MustPay, "you|applicants|applicant|candidates|candidate|freelancers|workers|employees|participants|assistants|agents|testers|trainees|recruits|hires must|will|need|needs|have|has|should|are|is? need|to|required|have? to? pay|deposit|purchase|buy|send|transfer|recharge|top|topup|fund|activate|unlock"),
    (Cue::PayObligation, "pay|deposit a|an|the? small|one|minimal|minimum|refundable|little? time? fee|deposit"),
    (Cue::PayObligation, "pay for the|your starter|training|kit|materials|verification|membership|account"),
    (Cue::PayObligation, "deposit|pay|recharge|send|transfer # usdt|usd|dollars|btc|eth? to activate|unlock|start|join|register|verify|begin"),
    (Cue::PayerMarker, "you|your|applicant|applicants|candidate|candidates|freelancer|freelancers|worker|workers|employee|employees"),
    (Cue::PayWord, "pay|paid|pays|payment|payments|salary|salaries|wage|wages|compensation|payout|payouts|earn|earnings|remuneration|commission"),
    (Cue::Crypto, "usdt|usdc|btc|bitcoin|bitcoins|eth|ether|ethereum|crypto|cryptocurrency|cryptocurrencies|tether|trc20|erc20|bnb|litecoin|ltc|xrp|dogecoin"),

    (Cue::BuildTopic, "integrat*|implement*|build|builds|building|built|develop*|configur*|automat*|bot|bots|chatbot|chatbots|api|apis|sdk|webhook|webhooks|plugin|module|feature|features|checkout|gateway|gateways"),
    (Cue::PaymentBrand, "stripe|paypal|razorpay|adyen|braintree|square|mollie|klarna"),
    (Cue::ThirdPartyTopic, "users|user|customers|customer|attendees|attendee|guests|guest|clients|students|patients|tenants|buyers|sellers|subscribers|participants|visitors|shoppers|merchants|merchant|trainers|teachers|tutors|coaches|hosts|drivers|members"),
    (Cue::CryptoProductTopic, "exchange|exchanges|wallet|wallets|smart|blockchain|dapp|defi|staking|token|tokens|accept|accepts|accepting|deposits|withdrawals|solidity|node|nodes|mining"),

    (Cue::TrivialWork, "data entry"),
    (Cue::TrivialWork, "copy paste|past"),
    (Cue::TrivialWork, "copy and paste"),
    (Cue::TrivialWork, "like|liking|follow|following|share|sharing posts|pages|videos|accounts|photos"),
    (Cue::TrivialWork, "like and share|follow|comment|subscribe"),
    (Cue::TrivialWork, "watch|watching videos|ads"),
    (Cue::TrivialWork, "typing job|jobs|work|task|tasks|captchas|captcha"),
    (Cue::TrivialWork, "simple|easy|online typing"),
    (Cue::TrivialWork, "type captchas|captcha"),
    (Cue::TrivialWork, "fill|filling|complete online? surveys|forms"),
    (Cue::TrivialWork, "online surveys"),
    (Cue::TrivialWork, "rate|rating|review|reviewing apps|hotels|products|movies|restaurants"),
    (Cue::TrivialWork, "click|clicking ads|links"),
    (Cue::TrivialWork, "simple|easy online? tasks"),
    (Cue::TrivialWork, "no experience|skills needed|required|necessary"),
    (Cue::TrivialWork, "anyone can do"),
    (Cue::TrivialWork, "send|sending messages|dms"),

    (Cue::EasyMoney, "easy|quick|fast|extra money|cash|income"),
    (Cue::EasyMoney, "work from your? home"),
    (Cue::EasyMoney, "from the comfort of your home"),
    (Cue::EasyMoney, "guaranteed income|earnings|pay|payment|profit|profits|returns|salary"),
    (Cue::EasyMoney, "earn up to"),
    (Cue::EasyMoney, "make money online|fast|from"),
    (Cue::EasyMoney, "passive income"),
    (Cue::EasyMoney, "be your own boss"),
    (Cue::EasyMoney, "financial freedom"),
    (Cue::EasyMoney, "100 legit|real|genuine"),
    (Cue::EasyMoney, "legit job|work|opportunity|company"),
    (Cue::EasyMoney, "limited slots|spots|positions|places|vacancies"),
    (Cue::EasyMoney, "only # slots|spots|positions|places|vacancies"),
    (Cue::EasyMoney, "slots|spots|positions|places left"),
    (Cue::EasyMoney, "hurry up"),
    (Cue::EasyMoney, "act now|fast"),
    (Cue::EasyMoney, "instant payment|pay|payout|withdrawal"),
    (Cue::EasyMoney, "daily pay|payment|payout|payouts|profits|returns"),
    (Cue::EasyMoney, "paid daily"),
    (Cue::EasyMoney, "get paid to"),
    (Cue::EasyMoney, "no experience|skills needed|required|necessary"),
    (Cue::EasyMoney, "anyone can do"),
    (Cue::EasyMoney, "stay at? home with your kids"),

    (Cue::Urgency, "urgent|urgently|asap|immediately"),
    (Cue::Urgency, "immediate start|hiring|hire"),
    (Cue::Urgency, "hiring now"),
    (Cue::Urgency, "start today|now"),
    (Cue::Urgency, "right away|now"),
];

/// What the lexicon knows about one word of a text: its id if some phrase
/// names it, the id of the phrase prefix it starts with, and whether it is a
/// number. Phrase matching then compares small integers, not strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordClass {
    word: u16,
    prefix: u16,
    number: bool,
    messenger: bool,
}

impl WordClass {
    pub(crate) fn is_messenger(self) -> bool {
        self.messenger
    }
}

/// Id 0: a word no phrase names.
const UNKNOWN: u16 = 0;

/// One slot of a compiled phrase: the word and prefix ids that may fill it.
#[derive(Debug)]
struct Slot {
    ids: Vec<u16>,
    number: bool,
    optional: bool,
}

impl Slot {
    fn accepts(&self, class: WordClass) -> bool {
        (class.word != UNKNOWN && self.ids.contains(&class.word))
            || (class.prefix != UNKNOWN && self.ids.contains(&class.prefix))
            || (self.number && class.number)
    }
}

#[derive(Debug)]
struct Phrase {
    cue: Cue,
    slots: Vec<Slot>,
}

/// Phrases indexed by the words that can start them.
#[derive(Debug)]
pub(crate) struct Lexicon {
    phrases: Vec<Phrase>,
    /// Every word any phrase names, with its id (from 1).
    vocabulary: HashMap<&'static str, u16, FnvBuildHasher>,
    /// Every phrase prefix (`integrat` of `integrat*`) with its id, by its
    /// first `PREFIX_KEY_BYTES` bytes.
    prefixes: HashMap<&'static str, Vec<(&'static str, u16)>, FnvBuildHasher>,
    /// Words shorter than every prefix skip the prefix lookup.
    shortest_prefix: usize,
    /// Phrases by the word or prefix id of their first slot.
    by_first_id: Vec<Vec<usize>>,
}

const PREFIX_KEY_BYTES: usize = 4;

pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::compile(PHRASES));

impl Lexicon {
    fn compile(phrases: &[(Cue, &'static str)]) -> Lexicon {
        let mut lexicon = Lexicon {
            phrases: Vec::new(),
            vocabulary: HashMap::default(),
            prefixes: HashMap::default(),
            shortest_prefix: usize::MAX,
            by_first_id: vec![Vec::new()],
        };
        for (cue, pattern) in phrases {
            let slots: Vec<Slot> =
                pattern.split(' ').flat_map(expand_macro).map(|slot| lexicon.compile_slot(slot)).collect();
            let first = &slots[0];
            assert!(!first.optional && !first.number, "phrase {pattern:?} must start with words");
            let index = lexicon.phrases.len();
            for id in &first.ids {
                lexicon.by_first_id[usize::from(*id)].push(index);
            }
            lexicon.phrases.push(Phrase { cue: *cue, slots });
        }
        lexicon
    }

    fn compile_slot(&mut self, text: &'static str) -> Slot {
        let (text, optional) = match text.strip_suffix('?') {
            Some(stripped) => (stripped, true),
            None => (text, false),
        };
        let mut slot = Slot { ids: Vec::new(), number: false, optional };
        for alternative in text.split('|') {
            if alternative == "#" {
                slot.number = true;
            } else if let Some(prefix) = alternative.strip_suffix('*') {
                assert!(prefix.len() >= PREFIX_KEY_BYTES, "prefix {prefix:?} is too short to index");
                let known = self
                    .prefixes
                    .get(&prefix[..PREFIX_KEY_BYTES])
                    .and_then(|entries| entries.iter().find(|(known, _)| *known == prefix).map(|(_, id)| *id));
                let id = known.unwrap_or_else(|| {
                    let id = self.next_id();
                    self.prefixes.entry(&prefix[..PREFIX_KEY_BYTES]).or_default().push((prefix, id));
                    self.shortest_prefix = self.shortest_prefix.min(prefix.len());
                    id
                });
                slot.ids.push(id);
            } else {
                let id = match self.vocabulary.get(alternative) {
                    Some(id) => *id,
                    None => {
                        let id = self.next_id();
                        self.vocabulary.insert(alternative, id);
                        id
                    }
                };
                slot.ids.push(id);
            }
        }
        slot
    }

    fn next_id(&mut self) -> u16 {
        self.by_first_id.push(Vec::new());
        u16::try_from(self.by_first_id.len() - 1).expect("fewer than 65,536 lexicon words")
    }

    /// Looks a word of the text up once; phrases then match on the result.
    pub(crate) fn classify(&self, word: &str) -> WordClass {
        let prefix = if word.len() >= self.shortest_prefix {
            word.get(..PREFIX_KEY_BYTES)
                .and_then(|head| self.prefixes.get(head))
                .and_then(|entries| entries.iter().find(|(prefix, _)| word.starts_with(prefix)))
                .map_or(UNKNOWN, |(_, id)| *id)
        } else {
            UNKNOWN
        };
        let id = self.vocabulary.get(word).copied().unwrap_or(UNKNOWN);
        WordClass {
            word: id,
            prefix,
            number: !word.is_empty() && word.bytes().all(|byte| byte.is_ascii_digit()),
            messenger: id != UNKNOWN && is_messenger(word),
        }
    }

    /// Every phrase that starts at `words[start]`, as `(cue, index one past
    /// its last word)`. `words` is one sentence.
    pub(crate) fn matches_at(&self, words: &[WordClass], start: usize, found: &mut Vec<(Cue, usize)>) {
        let class = words[start];
        for id in [class.word, class.prefix] {
            if id == UNKNOWN {
                continue;
            }
            for &index in &self.by_first_id[usize::from(id)] {
                let phrase = &self.phrases[index];
                if let Some(end) = match_slots(&phrase.slots, words, start) {
                    found.push((phrase.cue, end));
                }
            }
        }
    }
}

fn expand_macro(slot: &'static str) -> Vec<&'static str> {
    match slot {
        "{M}" => vec![MESSENGERS],
        "{MV}" => vec![MESSENGER_VERBS],
        "{MC}" => vec![CHAT_MESSENGERS],
        "{S}" => vec![SOCIAL_NETWORKS],
        "{VS}" => vec![SOCIAL_CONTACT_VERBS],
        "{V}" => vec![CONTACT_VERBS],
        _ => vec![slot],
    }
}

/// Greedy match with backtracking over optional slots; phrases are a few
/// slots long, so the search stays tiny.
fn match_slots(slots: &[Slot], words: &[WordClass], position: usize) -> Option<usize> {
    let Some((slot, rest)) = slots.split_first() else {
        return Some(position);
    };
    if position < words.len()
        && slot.accepts(words[position])
        && let Some(end) = match_slots(rest, words, position + 1)
    {
        return Some(end);
    }
    if slot.optional { match_slots(rest, words, position) } else { None }
}

/// FNV-1a for the word index: the keys are short ASCII words, where SipHash's
/// setup cost dominates.
#[derive(Default, Clone, Copy)]
pub(crate) struct FnvBuildHasher;

impl std::hash::BuildHasher for FnvBuildHasher {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

pub(crate) struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl std::fmt::Debug for FnvBuildHasher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("FnvBuildHasher")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(sentence: &str) -> Vec<Cue> {
        let words: Vec<WordClass> = sentence.split(' ').map(|word| LEXICON.classify(word)).collect();
        let mut found = Vec::new();
        for start in 0..words.len() {
            LEXICON.matches_at(&words, start, &mut found);
        }
        found.into_iter().map(|(cue, _)| cue).collect()
    }

    #[test]
    fn phrases_match_with_optional_slots_and_macros() {
        let cases: &[(&str, Cue, bool)] = &[
            ("contact me on telegram", Cue::MessengerStrong, true),
            ("hit me up directly on my whatsapp", Cue::MessengerStrong, true),
            ("whatsapp me", Cue::MessengerStrong, true),
            ("signal me", Cue::MessengerStrong, false),
            ("contact via wechat", Cue::MessengerWeak, true),
            ("the interview will be conducted on telegram", Cue::MessengerWeak, true),
            ("you need to deposit", Cue::MustPay, true),
            ("you are required to pay", Cue::MustPay, true),
            ("you will need to pay", Cue::MustPay, true),
            ("keep 10 commission", Cue::FakeCheck, true),
            ("we integrate things", Cue::BuildTopic, true),
            ("don t check upwork", Cue::LeavePlatform, true),
            ("only 10 positions left", Cue::EasyMoney, true),
        ];
        for (sentence, cue, expected) in cases {
            assert_eq!(cues(sentence).contains(cue), *expected, "{sentence:?} -> {cue:?}");
        }
    }

    #[test]
    fn is_messenger_knows_exactly_the_messenger_names() {
        for name in MESSENGERS.split('|') {
            assert!(is_messenger(name), "{name}");
        }
        assert!(!is_messenger("slack"));
    }

    #[test]
    fn lexicon_compiles_and_every_cue_fits_a_u32_mask() {
        assert!(LEXICON.phrases.len() > 50);
        // Urgency is the last cue; scan.rs uses bits 29 and 30 for money and contact details.
        assert!((Cue::Urgency as u32) < 29);
    }
}
