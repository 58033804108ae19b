//! Literal things in a job text that word phrases cannot describe: e-mail
//! addresses, phone-like digit runs, and money amounts with pay periods.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Period {
    Hour,
    Day,
    Week,
    Month,
}

/// An amount of money with a pay period: `$300 per day`, `600$ weekly`.
#[derive(Debug, Clone)]
pub(crate) struct MoneyClaim {
    pub(crate) amount: f64,
    pub(crate) period: Period,
    pub(crate) evidence: String,
}

impl MoneyClaim {
    /// More than trivial work honestly pays.
    pub(crate) fn is_high(&self) -> bool {
        let floor = match self.period {
            Period::Hour => 40.0,
            Period::Day => 150.0,
            Period::Week => 700.0,
            Period::Month => 3000.0,
        };
        self.amount >= floor
    }

    /// A daily or weekly pay promise, as job ads for real work rarely state one.
    pub(crate) fn is_easy_money_promise(&self) -> bool {
        match self.period {
            Period::Day => self.amount >= 100.0,
            Period::Week => self.amount >= 500.0,
            Period::Hour | Period::Month => false,
        }
    }
}

pub(crate) fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// E-mail addresses: `local@domain.tld` with a letters-only TLD of two or more.
pub(crate) fn find_emails(lower: &str) -> Vec<(usize, usize)> {
    let bytes = lower.as_bytes();
    let mut emails = Vec::new();
    for (at, _) in lower.match_indices('@') {
        let local_start = bytes[..at]
            .iter()
            .rposition(|byte| !(byte.is_ascii_alphanumeric() || b"._%+-".contains(byte)))
            .map_or(0, |position| position + 1);
        let domain_end = bytes[at + 1..]
            .iter()
            .position(|byte| !(byte.is_ascii_alphanumeric() || b".-".contains(byte)))
            .map_or(bytes.len(), |position| at + 1 + position);
        let domain = lower[at + 1..domain_end].trim_end_matches(['.', '-']);
        let labels: Vec<&str> = domain.split('.').collect();
        let top_level = labels.last().copied().unwrap_or("");
        let valid = local_start < at
            && labels.len() >= 2
            && labels.iter().all(|label| !label.is_empty())
            && top_level.len() >= 2
            && top_level.bytes().all(|byte| byte.is_ascii_alphabetic());
        if valid {
            emails.push((local_start, at + 1 + domain.len()));
        }
    }
    emails
}

/// The end of a phone-like run starting at `start` and its digit group sizes.
/// Groups are split by one separator (space, `-`, `.`, parentheses); two
/// separators in a row other than `) ` end the run.
pub(crate) fn digit_run(bytes: &[u8], start: usize) -> (usize, Vec<usize>) {
    let mut groups = Vec::new();
    let mut current = 0;
    let mut position = start;
    let mut separators_in_a_row = 0;
    while position < bytes.len() {
        let byte = bytes[position];
        if byte.is_ascii_digit() {
            current += 1;
            separators_in_a_row = 0;
        } else if b" -.()".contains(&byte) || (byte == b'+' && position == start) {
            if current > 0 {
                groups.push(current);
                current = 0;
            }
            separators_in_a_row += 1;
            if separators_in_a_row > 2 {
                break;
            }
        } else {
            break;
        }
        position += 1;
    }
    if current > 0 {
        groups.push(current);
    }
    let mut end = position;
    while end > start && !bytes[end - 1].is_ascii_digit() {
        end -= 1;
    }
    (end, groups)
}

/// Amounts marked as money (`$300`, `300$`, `300 USD`, `$1,500`, `$2k`), with
/// a pay period when one follows (`/hr`, `per day`, `weekly` …). Ranges
/// (`$200-$500`) count as their upper end. Returns `(start, period, evidence, amount)`.
pub(crate) fn find_money(lower: &str, text: &str) -> Vec<(usize, Option<Period>, String, f64)> {
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    let mut position = 0;
    while let Some(offset) = bytes[position..].iter().position(u8::is_ascii_digit) {
        position += offset;
        let starts_number =
            position == 0 || !(is_word_byte(bytes[position - 1]) || b".,".contains(&bytes[position - 1]));
        if !starts_number {
            position += 1;
            continue;
        }
        let Some((mut amount, mut end)) = parse_amount(lower, position) else {
            position += 1;
            continue;
        };
        let before = lower[..position].trim_end_matches(' ');
        let prefixed = before.ends_with(['$', '€', '£']);
        let after = lower[end..].trim_start_matches(' ');
        let suffix = MONEY_SUFFIXES.iter().find(|marker| {
            after.starts_with(*marker) && !after.as_bytes().get(marker.len()).is_some_and(|byte| is_word_byte(*byte))
        });
        if !prefixed && suffix.is_none() {
            position = end;
            continue;
        }
        let start = if prefixed { before.len() - before.chars().last().map_or(1, char::len_utf8) } else { position };
        if let Some(marker) = suffix {
            end = lower.len() - after.len() + marker.len();
        }
        // A range: "$200-$500", "$200 - 500", "$200 to $500".
        let after = lower[end..].trim_start_matches(' ');
        let range_rest = after.strip_prefix(['-', '–']).or_else(|| after.strip_prefix("to "));
        if let Some(rest) = range_rest {
            let rest = rest.trim_start_matches([' ', '$', '€', '£']);
            let rest_start = lower.len() - rest.len();
            if let Some((upper, upper_end)) = parse_amount(lower, rest_start) {
                amount = amount.max(upper);
                end = upper_end;
                let after = lower[end..].trim_start_matches(' ');
                if let Some(marker) = ["$", "usdt", "usd", "dollars"].iter().find(|marker| after.starts_with(*marker)) {
                    end = lower.len() - after.len() + marker.len();
                }
            }
        }
        let (period, period_end) = pay_period(lower, end);
        let evidence = text[start..period_end.max(end)].to_string();
        found.push((start, period, evidence, amount));
        position = end.max(position + 1);
    }
    found
}

/// Currency words written after an amount, crypto included (`0.01 BTC`).
const MONEY_SUFFIXES: &[&str] =
    &["$", "€", "usdt", "usdc", "usd", "dollars", "eur", "euros", "btc", "bitcoin", "eth", "bnb", "ltc"];

/// A number at `start`: digits with `,` thousands groups, an optional decimal
/// part and an optional `k`. Returns the value and the end offset.
fn parse_amount(lower: &str, start: usize) -> Option<(f64, usize)> {
    let bytes = lower.as_bytes();
    let mut end = start;
    let mut digits = String::new();
    while end < bytes.len() {
        let byte = bytes[end];
        if byte.is_ascii_digit() {
            digits.push(byte as char);
        } else if byte == b',' && bytes.get(end + 1..end + 4).is_some_and(|group| group.iter().all(u8::is_ascii_digit))
        {
            // A thousands separator: skip it.
        } else if byte == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) && !digits.contains('.') {
            digits.push('.');
        } else {
            break;
        }
        end += 1;
    }
    let mut value: f64 = digits.parse().ok()?;
    if bytes.get(end) == Some(&b'k') && !bytes.get(end + 1).is_some_and(|byte| is_word_byte(*byte)) {
        value *= 1000.0;
        end += 1;
    }
    Some((value, end))
}

/// A pay period right after an amount: `/hr`, `per day`, `a week`, `monthly` …
fn pay_period(lower: &str, end: usize) -> (Option<Period>, usize) {
    const PERIODS: &[(&str, Period)] = &[
        ("/hour", Period::Hour),
        ("/hr", Period::Hour),
        ("/h", Period::Hour),
        ("per hour", Period::Hour),
        ("an hour", Period::Hour),
        ("a hour", Period::Hour),
        ("per hr", Period::Hour),
        ("hourly", Period::Hour),
        ("/day", Period::Day),
        ("per day", Period::Day),
        ("a day", Period::Day),
        ("each day", Period::Day),
        ("every day", Period::Day),
        ("daily", Period::Day),
        ("/week", Period::Week),
        ("/wk", Period::Week),
        ("per week", Period::Week),
        ("a week", Period::Week),
        ("every week", Period::Week),
        ("weekly", Period::Week),
        ("/month", Period::Month),
        ("/mo", Period::Month),
        ("per month", Period::Month),
        ("a month", Period::Month),
        ("every month", Period::Month),
        ("monthly", Period::Month),
    ];
    let after = lower[end..].trim_start_matches(' ');
    let after_start = lower.len() - after.len();
    for (marker, period) in PERIODS {
        let boundary = !after.as_bytes().get(marker.len()).is_some_and(|byte| is_word_byte(*byte));
        if after.starts_with(marker) && boundary {
            return (Some(*period), after_start + marker.len());
        }
    }
    (None, end)
}
