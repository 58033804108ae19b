//! Spam scoring: every job gets a score and the named reasons behind it.
//!
//! The score is the sum of the weights of the rules that fire, each rule at
//! most once; a job scoring [`DEFAULT_SPAM_THRESHOLD`] (1.0) or more is spam.
//! The rules read the title and the description, case-insensitively, plus a
//! few buyer and budget fields:
//!
//! | rule | weight | fires on |
//! |------|--------|----------|
//! | `messenger_contact` | 1.0 | a Telegram, WhatsApp, Skype, WeChat, Signal, Viber or Discord link (`t.me/…`, `wa.me/…`, `chat.whatsapp.com/…`), handle or number (`Telegram: @jane_hr`, `@jane_hr on Telegram`, `WhatsApp +44 …`, `Skype ID: live:…`), or a request to talk there (`contact me on WhatsApp`, `add my WeChat`, `send me your WhatsApp number`, `the interview will be on Telegram`, `DM me on Instagram`) |
//! | `account_rental` | 1.0 | renting, buying or remotely using someone's freelancer account (`rent your Upwork account`, `Upwork account holders`, `bid with their accounts`, `remote access to your computer`), opening accounts `on behalf of` someone, or asking for the verification code `you receive` |
//! | `upfront_fee` | 1.0 | the applicant pays first: `registration fee`, `training fee`, `pay for the starter kit`, `you must deposit 100 USDT`, `deposit $10 to activate` |
//! | `fake_check` | 1.0 | fake-check and money-mule patterns: `we will send you a check`, `cash the check`, `cashier's check`, `buy gift cards`, payments `into your personal account`, `receive payments to your bank` / `convert them to USDT` around pay, `send the rest` / `deduct your pay` around money, Western Union or MoneyGram as the way to pay |
//! | `leave_platform` | 0.8 | `outside Upwork`, `off Upwork`, `avoid the Upwork fees`, `don't reply here`, `I don't check Upwork`, or a link to an outside application form or link shortener (`forms.gle/`, `bit.ly/`) |
//! | `email_address` | 0.6 | a literal or spelled-out e-mail address (`hr@example.com`, `jobs (at) gmail (dot) com`) |
//! | `phone_number` | 0.6 | `+` and 10–15 digits, a US-style `(415) 555-0138` / `415-555-0138`, or 10–15 digits right after `call`, `text`, `phone`, `WhatsApp` … |
//! | `off_platform_payment` | 0.6 | `PayPal friends and family`, `use PayPal directly`, `send me your PayPal email` |
//! | `crypto_payment` | 0.6 | paying the freelancer in crypto: `paid in USDT`, `payment via Bitcoin`, `salary in ETH` |
//! | `personal_data_request` | 0.6 | asks for the applicant's `bank details`, `date of birth`, `SSN`, `passport`, ID or card |
//! | `too_good_to_be_true` | 0.6 | trivial work (`data entry`, `copy paste`, `like posts`, `typing job`, `no experience needed` …) offered at $40+/hour, a $1,500+ fixed price, or a claimed $150+/day, $700+/week, $3,000+/month |
//! | `direct_contact_request` | 0.5 | `email me`, `call me at`, `text me`, `my personal email`, `add our HR`, `send your CV` next to an address or number (not `… on Upwork` / `… here`) |
//! | `unsolicited_offer` | 0.5 | a public posting that says `your profile has been shortlisted` or `congratulations, you …` |
//! | `suspicious_client` | 0.5 | payment not verified, 20 or more invitations sent, and no hire ever (`total_hired` and `total_jobs_with_hires` both 0) |
//! | `easy_money_wording` | 0.25 each, at most 0.5 | `easy money`, `work from home`, `guaranteed income`, `earn up to`, `100% legit`, `limited slots`, `be your own boss`, a promised $100+/day or $500+/week … |
//! | `urgency_wording` | 0.1 | `urgent`, `ASAP`, `immediately`, `hiring now`, `start today` |
//!
//! # Topic words are not contact details
//!
//! Jobs about e-mail marketing, payment gateways, WhatsApp or Telegram bots,
//! VoIP apps or crypto exchanges are common and legitimate, so topic words
//! alone never fire a rule. Messenger names fire only as a link, a handle, a
//! number, or after a contact verb (`message me on`, `add me on`, `join our`);
//! the weaker forms (`join our Telegram`, `contact via WhatsApp`, `Telegram
//! username`) are ignored in a sentence that is about building something
//! (`bot`, `API`, `integrate`, `develop` …) or about the product's users
//! (`users join our WhatsApp groups`). An interview "on Skype" is a video
//! call and passes; one "on Telegram" or "on WhatsApp" is a chat and does not.
//! Fee, crypto, off-platform-payment and trivial-work rules likewise skip
//! sentences about the product's own users or payments (`customers pay a
//! deposit`, `attendees pay the registration fee through Stripe`, `merchants
//! accept USDT`, `patients complete forms`).
//!
//! # Why the threshold is 1.0
//!
//! Every rule of weight 1.0 describes something Upwork's terms forbid and
//! honest clients do not do, so one of them is enough. The 0.5–0.8 rules have
//! innocent readings on their own (a client pasting an e-mail address, paying
//! in crypto by preference, a new client inviting many freelancers) and need a
//! second signal: an e-mail address plus "send your CV to" (1.1), a phone
//! number plus "call me" (1.1), trivial-work-for-high-pay plus an unverified
//! client inviting dozens (1.1), "outside Upwork" plus "PayPal friends and
//! family" (1.4). Wording alone (at most 0.6) never does.
//!
//! Matching works on words: the text is lower-cased (ASCII), split into words
//! and sentences, and short phrase patterns are matched word by word. Links,
//! handles, e-mail addresses, phone numbers and money amounts are read from
//! the raw text. Phrases are interned once (`lexicon.rs`), so each word
//! of a job costs one hash lookup; a 2 KB job scores in about 25 µs.

mod lexicon;
mod literals;
mod scan;

use crate::model::Job;
use lexicon::Cue;
use scan::Scan;

/// Default threshold: a job whose score is >= this is treated as spam.
///
/// 1.0 is the weight of each rule that on its own means spam (messenger
/// contact, account rental, upfront fee, fake check); weaker signals need to
/// add up to it. See the module docs.
pub const DEFAULT_SPAM_THRESHOLD: f64 = 1.0;

/// A job's score and the rules that produced it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpamVerdict {
    /// Sum of the weights in `reasons`, rounded to two decimals.
    pub score: f64,
    pub reasons: Vec<SpamReason>,
}

impl SpamVerdict {
    pub fn is_spam(&self, threshold: f64) -> bool {
        self.score >= threshold
    }
}

/// One rule that fired, with the text that made it fire.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpamReason {
    pub rule: &'static str,
    pub weight: f64,
    /// The first matching snippet of the job text (at most about 80 bytes),
    /// or the field values the rule looked at.
    pub evidence: String,
}

/// A rule's name, weight and one-line description, for docs and the admin page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpamRule {
    pub name: &'static str,
    pub weight: f64,
    pub description: &'static str,
}

/// Every rule, strongest first; the module docs describe them in full.
pub const RULES: &[SpamRule] = &[
    SpamRule {
        name: "messenger_contact",
        weight: 1.0,
        description: "Telegram/WhatsApp/Skype/WeChat/Signal/Viber/Discord link, handle, number or contact request",
    },
    SpamRule {
        name: "account_rental",
        weight: 1.0,
        description: "asks to rent, buy or remotely use a freelancer account",
    },
    SpamRule {
        name: "upfront_fee",
        weight: 1.0,
        description: "the applicant must pay a fee, deposit or starter kit first",
    },
    SpamRule { name: "fake_check", weight: 1.0, description: "fake-check, gift-card or money-forwarding pattern" },
    SpamRule { name: "leave_platform", weight: 0.8, description: "asks to move the work or the talk off Upwork" },
    SpamRule { name: "email_address", weight: 0.6, description: "an e-mail address in the text" },
    SpamRule { name: "phone_number", weight: 0.6, description: "a phone number in the text" },
    SpamRule {
        name: "off_platform_payment",
        weight: 0.6,
        description: "pays through PayPal friends-and-family, directly, or asks for payment details",
    },
    SpamRule { name: "crypto_payment", weight: 0.6, description: "pays in cryptocurrency" },
    SpamRule { name: "too_good_to_be_true", weight: 0.6, description: "trivial work offered for high pay" },
    SpamRule {
        name: "personal_data_request",
        weight: 0.6,
        description: "asks for the applicant's bank details, ID or date of birth",
    },
    SpamRule {
        name: "direct_contact_request",
        weight: 0.5,
        description: "asks to be e-mailed, called or texted directly",
    },
    SpamRule {
        name: "unsolicited_offer",
        weight: 0.5,
        description: "tells a public audience it was shortlisted or selected",
    },
    SpamRule {
        name: "suspicious_client",
        weight: 0.5,
        description: "unverified payment, 20+ invitations, never hired",
    },
    SpamRule {
        name: "easy_money_wording",
        weight: 0.25,
        description: "easy-money wording, 0.25 per phrase, at most 0.5",
    },
    SpamRule { name: "urgency_wording", weight: 0.1, description: "urgency wording" },
];

const EASY_MONEY_MAX: f64 = 0.5;
const SUSPICIOUS_INVITATIONS: i64 = 20;
const EVIDENCE_MAX_BYTES: usize = 80;

/// Scores one job. Pure and allocation-light; safe to call on every ingest.
pub fn score(job: &Job) -> SpamVerdict {
    let text = format!("{}\n{}", job.title, job.description);
    let scan = Scan::new(&text);
    let mut reasons = Vec::new();
    let mut add = |rule: &'static str, evidence: String| {
        let weight = rule_weight(rule);
        reasons.push(SpamReason { rule, weight, evidence });
    };

    if let Some(evidence) = scan.messenger_contact() {
        add("messenger_contact", evidence);
    }
    if let Some(evidence) = scan.account_rental() {
        add("account_rental", evidence);
    }
    if let Some(evidence) = scan.upfront_fee() {
        add("upfront_fee", evidence);
    }
    if let Some(evidence) = scan.fake_check() {
        add("fake_check", evidence);
    }
    if let Some(evidence) = scan.first_hit(Cue::LeavePlatform).or_else(|| scan.external_form_link()) {
        add("leave_platform", evidence);
    }
    if let Some(evidence) = scan.email_address() {
        add("email_address", evidence);
    }
    if let Some(evidence) = scan.phone_number() {
        add("phone_number", evidence);
    }
    if let Some(evidence) = scan.off_platform_payment() {
        add("off_platform_payment", evidence);
    }
    if let Some(evidence) = scan.crypto_payment() {
        add("crypto_payment", evidence);
    }
    if let Some(evidence) = too_good_to_be_true(job, &scan) {
        add("too_good_to_be_true", evidence);
    }
    if let Some(evidence) = scan.direct_contact_request() {
        add("direct_contact_request", evidence);
    }
    if let Some(evidence) = scan.first_hit(Cue::UnsolicitedOffer) {
        add("unsolicited_offer", evidence);
    }
    if let Some(evidence) = scan.first_hit(Cue::PersonalData) {
        add("personal_data_request", evidence);
    }
    if let Some(evidence) = suspicious_client(job) {
        add("suspicious_client", evidence);
    }
    let easy_money = scan.easy_money_phrases();
    if !easy_money.is_empty() {
        let weight = (rule_weight("easy_money_wording") * easy_money.len() as f64).min(EASY_MONEY_MAX);
        reasons.push(SpamReason { rule: "easy_money_wording", weight, evidence: easy_money.join("; ") });
    }
    if let Some(evidence) = scan.first_hit(Cue::Urgency) {
        let weight = rule_weight("urgency_wording");
        reasons.push(SpamReason { rule: "urgency_wording", weight, evidence });
    }

    let total: f64 = reasons.iter().map(|reason| reason.weight).sum();
    SpamVerdict { score: (total * 100.0).round() / 100.0, reasons }
}

fn rule_weight(name: &str) -> f64 {
    RULES.iter().find(|rule| rule.name == name).map_or(0.0, |rule| rule.weight)
}

fn suspicious_client(job: &Job) -> Option<String> {
    let activity = &job.client_activity;
    let suspicious = !job.buyer.payment_verified
        && activity.invitations_sent >= SUSPICIOUS_INVITATIONS
        && activity.total_hired == 0
        && job.buyer.total_jobs_with_hires == 0;
    suspicious.then(|| {
        format!(
            "payment not verified, {} invitations sent, no hires (total_hired 0, total_jobs_with_hires 0)",
            activity.invitations_sent
        )
    })
}

/// Pay that trivial work does not earn honestly.
const HIGH_HOURLY: f64 = 40.0;
const HIGH_FIXED: f64 = 1500.0;

fn too_good_to_be_true(job: &Job, scan: &Scan) -> Option<String> {
    let trivial = scan.trivial_work()?;
    let hourly_max = job.hourly_budget.as_ref().and_then(|budget| budget.max.or(budget.min));
    let pay = if let Some(rate) = hourly_max.filter(|rate| *rate >= HIGH_HOURLY) {
        format!("hourly budget up to {rate}")
    } else if let Some(amount) = job.budget.fixed_amount.filter(|amount| *amount >= HIGH_FIXED) {
        format!("fixed budget {amount}")
    } else {
        scan.money_claims.iter().find(|claim| claim.is_high())?.evidence.clone()
    };
    Some(format!("{trivial} / {pay}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Budget, Buyer, Category, ClientActivity, HourlyBudget, Location};

    /// A plain hourly job from an established, verified client: it scores 0
    /// unless its text or the given tweaks say otherwise.
    fn job(title: &str, description: &str) -> Job {
        Job {
            id: "upwork-1".into(),
            title: title.into(),
            description: description.into(),
            job_type: 1,
            status: 1,
            contractor_tier: 2,
            posted_on: "2024-09-27T10:30:00Z".into(),
            category: Category {
                name: "Web Development".into(),
                slug: "web-development".into(),
                group: "Development & IT".into(),
                group_slug: "development-it".into(),
            },
            budget: Budget { fixed_amount: None, currency: "USD".into() },
            buyer: Buyer {
                payment_verified: true,
                country: "US".into(),
                city: "Austin".into(),
                timezone: "America/Chicago".into(),
                total_spent: 5000.0,
                total_assignments: 4,
                total_jobs_with_hires: 3,
            },
            tags: vec![],
            url: "https://www.upwork.com/jobs/~01abc".into(),
            last_visited_at: None,
            duration_label: "1 to 3 months".into(),
            engagement: "part-time".into(),
            skills: vec![],
            hourly_budget: Some(HourlyBudget { min: Some(15.0), max: Some(25.0) }),
            client_activity: ClientActivity {
                total_applicants: 5,
                total_hired: 0,
                total_invited_to_interview: 1,
                unanswered_invites: 0,
                invitations_sent: 2,
                last_buyer_activity: None,
            },
            location: Location { country: "US".into(), city: "Austin".into(), timezone: "America/Chicago".into() },
            is_private: false,
            privacy_reason: String::new(),
        }
    }

    fn rules_fired(verdict: &SpamVerdict) -> Vec<&'static str> {
        verdict.reasons.iter().map(|reason| reason.rule).collect()
    }

    fn check(description: &str, expected: &[&str]) {
        let verdict = score(&job("Job", description));
        assert_eq!(rules_fired(&verdict), expected, "{description:?}: {verdict:?}");
    }

    #[test]
    fn off_platform_contact_is_caught_in_its_many_spellings() {
        check("Join here: t.me/task_hub_official", &["messenger_contact"]);
        check("Questions? https://wa.me/447700900461", &["messenger_contact"]);
        check("Message our HR on Telegram: @Linda_HR to apply.", &["messenger_contact", "direct_contact_request"]);
        check("Ping @sarah_hr on Telegram for details.", &["messenger_contact"]);
        check("For interview contact via WeChat ID: hrtalent888 please.", &["messenger_contact"]);
        check("My Skype ID: live:.cid.8f3a2b91c6d0", &["messenger_contact"]);
        check("Whatsapp me for more info.", &["messenger_contact"]);
        check("The interview will be conducted on Telegram.", &["messenger_contact"]);
        check("Please send me your WhatsApp number.", &["messenger_contact"]);
        check("Message me on IG for details.", &["messenger_contact", "direct_contact_request"]);
        check("Send your CV to jobs.desk@gmail.com today", &["email_address", "direct_contact_request"]);
        check("Write to hr (at) gmail (dot) com", &["email_address"]);
        check("Please text me at (415) 555-0138.", &["phone_number", "direct_contact_request"]);
        check("Reach us: +44 7911 123456", &["phone_number"]);
    }

    #[test]
    fn messenger_and_email_topics_are_not_contact_details() {
        check("Build a Telegram bot with aiogram; users message the bot on Telegram to set alerts.", &[]);
        check("Integrate the WhatsApp Business API so patients can book through WhatsApp.", &[]);
        check("Users join our WhatsApp groups by level after the placement test.", &[]);
        check("Implement end-to-end encryption using the Signal protocol.", &[]);
        check("Migrate 200 users from Skype for Business to Microsoft Teams.", &[]);
        check("Interviews will be held over Skype or Zoom with our CTO.", &[]);
        check("Build Klaviyo email flows and clean up our email list (info@ and sales@ role addresses).", &[]);
        check("Follow our Instagram account @coreflow.pilates to get a feel for the brand.", &[]);
        check("Please contact me here on Upwork with questions.", &[]);
        check("Test card 4242 4242 4242 4242, EAN 4006381333931, server 192.168.100.200, date 2024-10-01.", &[]);
        check("Set up Twilio Voice so technicians can call customers without sharing numbers.", &[]);
    }

    #[test]
    fn payment_scams_are_caught_but_payment_work_is_not() {
        check("To activate your account there is a registration fee of $35.", &["upfront_fee"]);
        check("To get started you just need to pay for the starter kit ($99).", &["upfront_fee"]);
        check("You need to deposit a minimum of 200 USDT to start.", &["upfront_fee"]);
        check("We will send you a check to buy equipment from our vendor.", &["fake_check"]);
        check("Receive payments into your personal bank account and forward them to our suppliers.", &["fake_check"]);
        check(
            "Receive payments to your bank and convert them to USDT bitcoin, keeping 10 percent.",
            &["fake_check", "crypto_payment"],
        );
        check("You accept transfers on your account and we pay you a commission on each.", &["fake_check"]);
        check("Build a payout screen so sellers receive payments to their bank account.", &[]);
        check("Integrate an API that lets customers convert funds into USDT in our wallet app.", &[]);
        check("Payment is made weekly in USDT (TRC20).", &["crypto_payment"]);
        check("Salary paid to your USDT TRC20 wallet.", &["crypto_payment"]);
        check("Payment will be sent in ETH to your wallet address.", &["crypto_payment"]);
        check("Users pay in ETH from the wallet they connect to our app.", &[]);
        check("I will pay through PayPal friends and family.", &["off_platform_payment"]);
        check("Attendees pay the registration fee by card through Stripe.", &[]);
        check("Customers pay a deposit of 25% when booking.", &[]);
        check("The exchange supports deposits and withdrawals of BTC, ETH and USDT.", &[]);
        check("Let merchants accept payments in BTC and USDT through our plugin.", &[]);
        check("We bought the ShipFast starter kit and need it customised.", &[]);
        check("Record check payments and the deposits our office manager makes.", &[]);
        check("There is no registration fee.", &[]);
        check("To apply, pay a small $10 application fee via PayPal.", &["upfront_fee"]);
        check("Integrate PayPal so the application fee is paid at checkout.", &[]);
    }

    #[test]
    fn account_and_platform_evasion_is_caught() {
        check("Looking for Upwork account holders from the US.", &["account_rental"]);
        check(
            "Freelancers who can bid on projects with their accounts, you get 30% of every contract.",
            &["account_rental"],
        );
        check("Send me the verification code you receive by SMS.", &["account_rental"]);
        check("I prefer to work outside Upwork to avoid the fees.", &["leave_platform"]);
        check("Apply at forms.gle/abc123 please.", &["leave_platform"]);
        check("Your profile has been shortlisted for the role.", &["unsolicited_offer"]);
        check("Fill the form with your bank details for salary payments.", &["personal_data_request"]);
    }

    #[test]
    fn weights_add_up_and_cross_the_threshold_together() {
        let mut spam_job =
            job("Data entry", "Simple copy paste work, no experience needed, work from home. Start today!");
        spam_job.hourly_budget = Some(HourlyBudget { min: Some(40.0), max: Some(45.0) });
        spam_job.buyer.payment_verified = false;
        spam_job.buyer.total_jobs_with_hires = 0;
        spam_job.client_activity.invitations_sent = 40;
        let verdict = score(&spam_job);
        assert_eq!(
            rules_fired(&verdict),
            ["too_good_to_be_true", "suspicious_client", "easy_money_wording", "urgency_wording"]
        );
        assert_eq!(verdict.score, 1.7);
        assert!(verdict.is_spam(DEFAULT_SPAM_THRESHOLD));

        // The same words at an honest rate from a hiring client stay visible.
        let honest = score(&job("Data entry", "Simple copy paste work, no experience needed, work from home."));
        assert_eq!(honest.score, 0.5);
        assert!(!honest.is_spam(DEFAULT_SPAM_THRESHOLD));

        // Well paid work from a new client that asks for no copy-paste
        // answers is not trivial work.
        let mut new_client = job(
            "Import 2,000 products with variants",
            "Map our supplier CSV to Shopify variants. Short, specific proposals are preferred over copy-paste answers.",
        );
        new_client.hourly_budget = Some(HourlyBudget { min: Some(59.0), max: Some(86.0) });
        new_client.buyer.payment_verified = false;
        new_client.buyer.total_jobs_with_hires = 0;
        new_client.client_activity.invitations_sent = 40;
        let verdict = score(&new_client);
        assert_eq!(rules_fired(&verdict), ["suspicious_client"], "{verdict:?}");
        assert!(!verdict.is_spam(DEFAULT_SPAM_THRESHOLD));
    }

    #[test]
    fn every_rule_is_documented_in_the_module_table() {
        let module_docs = include_str!("spam.rs");
        for rule in RULES {
            assert!(module_docs.contains(&format!("//! | `{}` | ", rule.name)), "{} is not in the table", rule.name);
        }
    }
}
