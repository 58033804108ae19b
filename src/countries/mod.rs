//! ISO 3166-1 country codes and English names.
//!
//! Feeds disagree on how they name a client's country: some send `US`, some
//! `United States`, some `USA` or `Türkiye`. The API filters `country` on
//! alpha-2 codes (SPEC §3, §5), so ingest folds every spelling into one
//! upper-case alpha-2 code with [`normalize_country`] before the job is stored.
//!
//! The tables are static and sorted, so a lookup is a binary search with no
//! allocation for the common case (an alpha-2 code) and two small
//! allocations for a name. `COUNTRIES` holds all 249 officially assigned codes and
//! nothing else: user-assigned codes such as `XK` (Kosovo) and exceptionally
//! reserved ones such as `UK` are not country codes, although `UK` is accepted
//! as an alias of `GB`. Names are the English short names in their usual,
//! uninverted form ("South Korea", not "Korea, Republic of").

mod names;
mod table;

use names::NAME_INDEX;
use table::COUNTRIES;

/// Returns the upper-case alpha-2 code for an alpha-2 code in any case, an
/// alpha-3 code, or an English country name or common alias in any case
/// ("United States", "USA", "UK", "Great Britain", "Russia", "South Korea",
/// "Vietnam", "Czechia", "Türkiye", "Ivory Coast", ...). Accents,
/// punctuation, a leading "The" and "St." for "Saint" do not matter.
/// `None` when the input names no country.
pub fn normalize_country(input: &str) -> Option<&'static str> {
    let trimmed = input.trim();
    // Most feeds already send alpha-2 codes; answer those without allocating.
    if let Some((code, _, _)) = country_by_alpha2(trimmed) {
        return Some(code);
    }
    if trimmed.len() == 3
        && let Some((code, _, _)) = COUNTRIES.iter().find(|(_, alpha3, _)| alpha3.eq_ignore_ascii_case(trimmed))
    {
        return Some(code);
    }
    let name = normalized_name(trimmed);
    // "U.S." normalises to "us": a code again once the punctuation is gone.
    if name.len() == 2
        && let Some((code, _, _)) = country_by_alpha2(&name)
    {
        return Some(code);
    }
    NAME_INDEX.binary_search_by(|(key, _)| (*key).cmp(name.as_str())).ok().map(|position| NAME_INDEX[position].1)
}

/// True when `code` is an officially assigned ISO 3166-1 alpha-2 code, in any case.
pub fn is_alpha2(code: &str) -> bool {
    country_by_alpha2(code).is_some()
}

/// The English short name for an alpha-2 code in any case ("de" → "Germany").
pub fn country_name(code: &str) -> Option<&'static str> {
    country_by_alpha2(code).map(|(_, _, name)| *name)
}

fn country_by_alpha2(code: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    let bytes = code.as_bytes();
    if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let upper = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
    COUNTRIES
        .binary_search_by(|(alpha2, _, _)| alpha2.as_bytes().cmp(&upper[..]))
        .ok()
        .map(|position| &COUNTRIES[position])
}

/// Folds a country name into the form `NAME_INDEX` is keyed by: lower case,
/// accents stripped, "&" spelled "and", apostrophes and dots dropped, any
/// other punctuation a single space, no leading "the", and "st" spelled
/// "saint". So "Côte d'Ivoire", "cote divoire" and "COTE D'IVOIRE" meet, as
/// do "St. Lucia" and "Saint Lucia", or "The Gambia" and "Gambia".
fn normalized_name(input: &str) -> String {
    let mut spaced = String::with_capacity(input.len() + 4);
    for character in input.chars().flat_map(char::to_lowercase) {
        match character {
            '&' => spaced.push_str(" and "),
            '\'' | '\u{2019}' | '`' | '.' => {}
            _ if character.is_ascii_alphanumeric() => spaced.push(character),
            _ => match ascii_fold(character) {
                Some(folded) => spaced.push_str(folded),
                None => spaced.push(' '),
            },
        }
    }
    let mut normalized = String::with_capacity(spaced.len());
    for (position, word) in spaced.split_whitespace().enumerate() {
        if position == 0 && word == "the" {
            continue;
        }
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(if word == "st" { "saint" } else { word });
    }
    normalized
}

/// The ASCII spelling of the accented lower-case letters that occur in
/// country names and in their common misspellings; `None` for anything else,
/// which the caller treats as a separator.
fn ascii_fold(character: char) -> Option<&'static str> {
    Some(match character {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        // Combining accents (decomposed input, or the dot of a lower-cased
        // Turkish 'İ') belong to the letter before them.
        '\u{300}'..='\u{36f}' => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(normalize_country(input), expected, "input {input:?}");
    }

    #[test]
    fn normalize_country_accepts_codes_names_and_aliases() {
        let cases: &[(&str, Option<&str>)] = &[
            ("US", Some("US")),
            ("us", Some("US")),
            (" gb ", Some("GB")),
            ("USA", Some("US")),
            ("usa", Some("US")),
            ("U.S.", Some("US")),
            ("U.S.A.", Some("US")),
            ("United States", Some("US")),
            ("united states of america", Some("US")),
            ("The United States", Some("US")),
            ("UK", Some("GB")),
            ("uk", Some("GB")),
            ("United Kingdom", Some("GB")),
            ("Great Britain", Some("GB")),
            ("England", Some("GB")),
            ("GBR", Some("GB")),
            ("DEU", Some("DE")),
            ("Germany", Some("DE")),
            ("Russia", Some("RU")),
            ("Russian Federation", Some("RU")),
            ("South Korea", Some("KR")),
            ("Korea, Republic of", Some("KR")),
            ("Republic of Korea", Some("KR")),
            ("North Korea", Some("KP")),
            ("Vietnam", Some("VN")),
            ("Viet Nam", Some("VN")),
            ("Czech Republic", Some("CZ")),
            ("Czechia", Some("CZ")),
            ("Iran", Some("IR")),
            ("Iran, Islamic Republic of", Some("IR")),
            ("Turkey", Some("TR")),
            ("Türkiye", Some("TR")),
            ("TÜRKIYE", Some("TR")),
            ("TÜRKİYE", Some("TR")),
            ("Cote\u{302} d'Ivoire", Some("CI")),
            ("Ivory Coast", Some("CI")),
            ("Côte d'Ivoire", Some("CI")),
            ("Cote d’Ivoire", Some("CI")),
            ("The Netherlands", Some("NL")),
            ("Holland", Some("NL")),
            ("The Gambia", Some("GM")),
            ("St. Lucia", Some("LC")),
            ("Saint Lucia", Some("LC")),
            ("Trinidad & Tobago", Some("TT")),
            ("Bosnia and Herzegovina", Some("BA")),
            ("Åland Islands", Some("AX")),
            ("Curacao", Some("CW")),
            ("Réunion", Some("RE")),
            ("UAE", Some("AE")),
            ("United Arab Emirates", Some("AE")),
            ("Hong Kong", Some("HK")),
            ("Taiwan", Some("TW")),
            ("Democratic Republic of the Congo", Some("CD")),
            ("Congo", Some("CG")),
            ("U.S. Virgin Islands", Some("VI")),
            ("Virgin Islands, British", Some("VG")),
            ("Holy See (Vatican City State)", Some("VA")),
            ("Vatican", Some("VA")),
            ("Swaziland", Some("SZ")),
            ("Burma", Some("MM")),
            ("  india  ", Some("IN")),
            ("", None),
            ("   ", None),
            ("XX", None),
            ("XK", None),
            ("ZZZ", None),
            ("Atlantis", None),
            ("United", None),
            ("U", None),
            ("12", None),
            ("Deutschland!", None),
        ];
        for (input, expected) in cases {
            check(input, *expected);
        }
    }

    #[test]
    fn is_alpha2_only_accepts_assigned_codes() {
        for code in ["US", "us", "Gb", "DE", "AX", "ZW", "AQ"] {
            assert!(is_alpha2(code), "{code}");
        }
        for code in ["UK", "XK", "EU", "ZZ", "", "U", "USA", "u1", "é1", "ÜS"] {
            assert!(!is_alpha2(code), "{code}");
        }
    }

    #[test]
    fn country_name_gives_english_short_names() {
        assert_eq!(country_name("de"), Some("Germany"));
        assert_eq!(country_name("KR"), Some("South Korea"));
        assert_eq!(country_name("US"), Some("United States"));
        assert_eq!(country_name("GB"), Some("United Kingdom"));
        assert_eq!(country_name("UK"), None);
    }

    #[test]
    fn tables_are_sorted_complete_and_round_trip() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(NAME_INDEX.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (code, alpha3, name) in COUNTRIES {
            assert_eq!(normalize_country(code), Some(*code));
            assert_eq!(normalize_country(&code.to_lowercase()), Some(*code));
            assert_eq!(normalize_country(alpha3), Some(*code), "{alpha3}");
            assert_eq!(normalize_country(name), Some(*code), "{name}");
            assert_eq!(normalize_country(&name.to_uppercase()), Some(*code), "{name}");
        }
        for (key, code) in NAME_INDEX {
            // A key that normalisation would change could never be found.
            assert_eq!(normalized_name(key), *key);
            assert!(is_alpha2(code), "{key} -> {code}");
        }
    }
}
