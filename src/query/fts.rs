//! The `q` parameter of `GET /jobs`: a small, forgiving search language that
//! is turned into an SQLite FTS5 `MATCH` expression.
//!
//! FTS5 has its own query syntax (column filters such as `title:`, `NEAR(...)`,
//! `^`, `+`, `{col}`, `AND`/`NOT` keywords, quoting rules). Passing user input
//! through unchanged would let a search box produce syntax errors (a 500) or
//! queries nobody meant. So the parser never copies user text into the
//! expression except inside double-quoted FTS5 strings, where every character
//! is literal and the tokenizer alone decides what the words are. The only
//! unquoted pieces of the output are `AND`, `OR`, `NOT`, parentheses and `*`,
//! all placed by this module.
//!
//! # Rules
//!
//! - At most 256 characters (counted as characters, not bytes); an empty or
//!   whitespace-only query is rejected.
//! - Terms are separated by whitespace (control characters count as
//!   whitespace). All terms must match: `rust developer` finds jobs that
//!   mention both.
//! - A word is searched as written, and punctuation inside it only separates
//!   words: `node.js` finds "Node.js" (the words "node js" next to each
//!   other), `title:rust` means "title rust" rather than a column filter, and
//!   `c++` searches for just "c".
//! - `"exact phrase"` matches the words next to each other, in order. A quote
//!   that is never closed runs to the end of the query.
//! - `-word` or `-"a phrase"` excludes jobs that match it. At least one term
//!   must be searched for; a lone `-` is ignored.
//! - `a OR b` (upper-case `OR` only; `or` is an ordinary word) matches either
//!   side, and binds tighter than the implicit AND: `react OR vue developer`
//!   means (react or vue) and developer. An `OR` with no search term on one
//!   side (at the start or end, doubled, or next to a `-` exclusion) is
//!   ignored.
//! - `word*` matches words starting with `word`. The last word piece before
//!   the `*` needs at least 2 letters or digits, because a one-letter prefix
//!   scans most of the index. A `*` anywhere else in a word is removed; a `*`
//!   after a phrase is ignored.
//! - `AND`, `NOT`, `NEAR` and every other FTS5 keyword or symbol are ordinary
//!   words.
//! - A term with no letter or digit (`---`, `()`, `"`) is ignored; if nothing
//!   is left to search for, the query is rejected.
//! - At most 32 terms, exclusions included.
//! - Case-insensitive, accent-insensitive (`cafe` finds "café") and stemmed
//!   in English (`developers` finds "developer"). This comes from the FTS5
//!   tokenizer `porter unicode61 remove_diacritics 2`, not from this parser.

/// Longer queries are refused rather than truncated, so the user sees why.
const MAXIMUM_QUERY_CHARACTERS: usize = 256;

/// Bounds the size of the FTS5 expression tree, so one request cannot make
/// SQLite walk hundreds of posting lists.
const MAXIMUM_TERMS: usize = 32;

/// A prefix shorter than this would match a large share of the vocabulary.
const MINIMUM_PREFIX_CHARACTERS: usize = 2;

/// A parsed, safe full-text query.
#[derive(Debug, Clone, PartialEq)]
pub struct FtsQuery {
    /// Every group must match (the implicit AND); within a group any one
    /// alternative is enough (the user's `OR`). Never empty.
    required_groups: Vec<Vec<SearchTerm>>,
    /// A job matching any of these is left out.
    excluded_terms: Vec<SearchTerm>,
}

/// One word or phrase, as the user wrote it, minus the syntax around it.
#[derive(Debug, Clone, PartialEq)]
struct SearchTerm {
    /// The text to put between double quotes; the tokenizer splits it into
    /// words. Contains at least one letter or digit and no control character.
    text: String,
    /// Whether the last word of `text` is a prefix (`word*`).
    is_prefix: bool,
}

impl SearchTerm {
    /// An FTS5 string is the only place user text may appear: inside double
    /// quotes every character is literal, and a double quote is escaped by
    /// doubling it.
    fn to_match_expression(&self) -> String {
        let quoted = format!("\"{}\"", self.text.replace('"', "\"\""));
        if self.is_prefix { format!("{quoted} *") } else { quoted }
    }
}

impl FtsQuery {
    /// The FTS5 MATCH expression to bind as a parameter (never spliced into SQL text).
    pub fn to_match_expression(&self) -> String {
        let required = self
            .required_groups
            .iter()
            .map(|alternatives| join_alternatives(alternatives))
            .collect::<Vec<_>>()
            .join(" AND ");
        if self.excluded_terms.is_empty() {
            return required;
        }
        // FTS5's NOT is binary (`a NOT b`) and binds tighter than AND, so the
        // required part is wrapped in parentheses to make the reading obvious,
        // and all exclusions are folded into one OR group behind a single NOT.
        let required = if self.required_groups.len() > 1 { format!("({required})") } else { required };
        format!("{required} NOT {}", join_alternatives(&self.excluded_terms))
    }

    /// Whether any term is a prefix (`word*`): FTS5 merges the doclists of
    /// every word the prefix matches in memory, often megabytes.
    pub fn has_prefix(&self) -> bool {
        self.required_groups.iter().flatten().chain(&self.excluded_terms).any(|term| term.is_prefix)
    }

    /// The lower-cased words and phrases searched for (exclusions left out),
    /// without the `*` of a prefix; meant for highlighting matches.
    pub fn positive_terms(&self) -> Vec<String> {
        self.required_groups.iter().flatten().map(|term| term.text.to_lowercase()).collect()
    }
}

/// `"a"` for one term, `("a" OR "b")` for several.
fn join_alternatives(terms: &[SearchTerm]) -> String {
    let expressions: Vec<String> = terms.iter().map(SearchTerm::to_match_expression).collect();
    if expressions.len() == 1 { expressions.join("") } else { format!("({})", expressions.join(" OR ")) }
}

/// What the lexer finds in the user's text, before OR is resolved.
enum Token {
    Or,
    Include(SearchTerm),
    Exclude(SearchTerm),
}

/// Err carries the short reason that follows "Invalid q parameter: ".
pub fn parse_q(input: &str) -> Result<FtsQuery, String> {
    if input.chars().count() > MAXIMUM_QUERY_CHARACTERS {
        return Err(format!("at most {MAXIMUM_QUERY_CHARACTERS} characters"));
    }
    if input.trim().is_empty() {
        return Err("empty query".to_string());
    }
    let tokens = split_into_tokens(input)?;
    let term_count = tokens.iter().filter(|token| !matches!(token, Token::Or)).count();
    if term_count == 0 {
        return Err("no searchable words".to_string());
    }
    if term_count > MAXIMUM_TERMS {
        return Err(format!("too many terms (at most {MAXIMUM_TERMS})"));
    }

    let mut required_groups: Vec<Vec<SearchTerm>> = Vec::new();
    let mut excluded_terms = Vec::new();
    // An OR only joins two search terms that stand right next to it; any
    // other OR has nothing sensible to mean, and ignoring it is kinder than
    // a 400 for a query like `rust OR`.
    let mut previous_was_included_term = false;
    let mut or_is_pending = false;
    for token in tokens {
        match token {
            Token::Or => or_is_pending = previous_was_included_term,
            Token::Include(term) => {
                match required_groups.last_mut() {
                    Some(alternatives) if or_is_pending => alternatives.push(term),
                    _ => required_groups.push(vec![term]),
                }
                or_is_pending = false;
                previous_was_included_term = true;
            }
            Token::Exclude(term) => {
                excluded_terms.push(term);
                or_is_pending = false;
                previous_was_included_term = false;
            }
        }
    }
    if required_groups.is_empty() {
        // FTS5 cannot express "everything except": NOT needs a left side.
        return Err("needs at least one word to search for".to_string());
    }
    Ok(FtsQuery { required_groups, excluded_terms })
}

/// Control characters separate terms too: an embedded NUL could otherwise cut
/// the expression short inside SQLite and leave a quote unbalanced.
fn is_separator(character: char) -> bool {
    character.is_whitespace() || character.is_control()
}

/// A letter or digit is what the unicode61 tokenizer keeps; a term without
/// one would be an empty phrase.
fn is_word_character(character: char) -> bool {
    character.is_alphanumeric()
}

/// Reads the query left to right into terms and OR markers, dropping terms
/// with nothing to search for. Fails only on a too-short prefix.
fn split_into_tokens(input: &str) -> Result<Vec<Token>, String> {
    let characters: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut position = 0;
    loop {
        while position < characters.len() && is_separator(characters[position]) {
            position += 1;
        }
        if position == characters.len() {
            return Ok(tokens);
        }
        let is_excluded = characters[position] == '-';
        if is_excluded {
            position += 1;
        }
        let term = if characters.get(position) == Some(&'"') {
            // A phrase runs to the closing quote, or to the end of the input
            // when the user forgot it; whitespace inside it is kept.
            position += 1;
            let start = position;
            while position < characters.len() && characters[position] != '"' {
                position += 1;
            }
            let phrase_words: Vec<String> = characters[start..position]
                .split(|&character| is_separator(character))
                .filter(|word| !word.is_empty())
                .map(|word| word.iter().collect())
                .collect();
            // Step over the closing quote; anything glued to it (`"a b"c`)
            // starts the next term.
            position = (position + 1).min(characters.len());
            SearchTerm { text: phrase_words.join(" "), is_prefix: false }
        } else {
            let start = position;
            while position < characters.len() && !is_separator(characters[position]) {
                position += 1;
            }
            let word: String = characters[start..position].iter().collect();
            if word == "OR" && !is_excluded {
                tokens.push(Token::Or);
                continue;
            }
            let is_prefix = word.ends_with('*');
            let text: String = word.chars().filter(|&character| character != '*').collect();
            if is_prefix && !has_long_enough_prefix(&text) {
                return Err(format!("prefix needs at least {MINIMUM_PREFIX_CHARACTERS} characters"));
            }
            SearchTerm { text, is_prefix }
        };
        if !term.text.chars().any(is_word_character) {
            continue;
        }
        tokens.push(if is_excluded { Token::Exclude(term) } else { Token::Include(term) });
    }
}

/// FTS5 applies `*` to the last token the tokenizer produces, so `node.j*`
/// is the prefix `j`: the check looks at the last run of letters and digits,
/// not at the whole word. A word with no letter or digit at all is dropped
/// later rather than reported here.
fn has_long_enough_prefix(text: &str) -> bool {
    if !text.chars().any(is_word_character) {
        return true;
    }
    let last_piece_length = text
        .chars()
        .rev()
        .skip_while(|&character| !is_word_character(character))
        .take_while(|&character| is_word_character(character))
        .count();
    last_piece_length >= MINIMUM_PREFIX_CHARACTERS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use rusqlite::Connection;

    fn check(input: &str, expected: Result<&str, &str>) {
        let actual = parse_q(input).map(|query| query.to_match_expression());
        let expected = expected.map(str::to_string).map_err(str::to_string);
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn length_and_emptiness() {
        check("", Err("empty query"));
        check("   \t\n ", Err("empty query"));
        check(&"a".repeat(256), Ok(&format!("\"{}\"", "a".repeat(256))));
        check(&"a".repeat(257), Err("at most 256 characters"));
        // 256 two-byte characters are 512 bytes and still allowed.
        check(&"é".repeat(256), Ok(&format!("\"{}\"", "é".repeat(256))));
        check(&"é".repeat(257), Err("at most 256 characters"));
    }

    #[test]
    fn words_are_quoted_and_anded() {
        check("rust", Ok("\"rust\""));
        check("rust developer", Ok("\"rust\" AND \"developer\""));
        check("  rust \t  developer  ", Ok("\"rust\" AND \"developer\""));
        check("node.js", Ok("\"node.js\""));
        check("Rust", Ok("\"Rust\""));
        check("foo\"bar", Ok("\"foo\"\"bar\""));
        // Control characters separate words, so a NUL never reaches SQLite.
        check("rust\0developer", Ok("\"rust\" AND \"developer\""));
    }

    #[test]
    fn words_without_letters_or_digits_are_dropped() {
        check("---", Err("no searchable words"));
        check("() \" ... ^", Err("no searchable words"));
        check("rust --- ()", Ok("\"rust\""));
        check("rust - developer", Ok("\"rust\" AND \"developer\""));
        check("\u{1}\u{2}", Err("no searchable words"));
    }

    #[test]
    fn fts5_syntax_is_neutralised() {
        check("title:rust", Ok("\"title:rust\""));
        check("NEAR(rust go)", Ok("\"NEAR(rust\" AND \"go)\""));
        check("^rust +go", Ok("\"^rust\" AND \"+go\""));
        check("{title}:rust", Ok("\"{title}:rust\""));
        check("rust AND go", Ok("\"rust\" AND \"AND\" AND \"go\""));
        check("rust NOT go", Ok("\"rust\" AND \"NOT\" AND \"go\""));
        check("NEAR", Ok("\"NEAR\""));
        check("rust or go", Ok("\"rust\" AND \"or\" AND \"go\""));
    }

    #[test]
    fn phrases() {
        check("\"exact phrase\"", Ok("\"exact phrase\""));
        check("\"  exact \t phrase \"", Ok("\"exact phrase\""));
        check("rust \"api server\"", Ok("\"rust\" AND \"api server\""));
        check("\"OR\"", Ok("\"OR\""));
        check("\"title: NEAR(a b)\"", Ok("\"title: NEAR(a b)\""));
        // An unterminated quote runs to the end of the input.
        check("rust \"api server", Ok("\"rust\" AND \"api server\""));
        check("\"", Err("no searchable words"));
        check("\"\" rust", Ok("\"rust\""));
        check("\"api\"server", Ok("\"api\" AND \"server\""));
        // A star after a phrase is not a prefix; inside a phrase it is text.
        check("\"api server\"*", Ok("\"api server\""));
        check("\"api ser*\"", Ok("\"api ser*\""));
    }

    #[test]
    fn exclusions() {
        check("rust -python", Ok("\"rust\" NOT \"python\""));
        check("rust -python -\"data science\"", Ok("\"rust\" NOT (\"python\" OR \"data science\")"));
        check("rust developer -python", Ok("(\"rust\" AND \"developer\") NOT \"python\""));
        check("-python rust", Ok("\"rust\" NOT \"python\""));
        check("-python", Err("needs at least one word to search for"));
        check("-python -\"go lang\"", Err("needs at least one word to search for"));
        check("-", Err("no searchable words"));
        check("rust -", Ok("\"rust\""));
        check("rust -OR", Ok("\"rust\" NOT \"OR\""));
        check("rust --python", Ok("\"rust\" NOT \"-python\""));
        check("rust -pyth*", Ok("\"rust\" NOT \"pyth\" *"));
        check("rust -\"data", Ok("\"rust\" NOT \"data\""));
    }

    #[test]
    fn or_binds_tighter_than_and() {
        check("react OR vue", Ok("(\"react\" OR \"vue\")"));
        check("react OR vue developer", Ok("(\"react\" OR \"vue\") AND \"developer\""));
        check("senior react OR vue OR angular", Ok("\"senior\" AND (\"react\" OR \"vue\" OR \"angular\")"));
        check("react OR vue -angular", Ok("(\"react\" OR \"vue\") NOT \"angular\""));
        check("react OR vue developer -junior", Ok("((\"react\" OR \"vue\") AND \"developer\") NOT \"junior\""));
        check("\"react native\" OR flutter", Ok("(\"react native\" OR \"flutter\")"));
        check("dev* OR ops", Ok("(\"dev\" * OR \"ops\")"));
    }

    #[test]
    fn stray_or_is_dropped() {
        check("OR", Err("no searchable words"));
        check("OR OR", Err("no searchable words"));
        check("OR rust", Ok("\"rust\""));
        check("rust OR", Ok("\"rust\""));
        check("rust OR OR go", Ok("(\"rust\" OR \"go\")"));
        check("rust OR --- OR go", Ok("(\"rust\" OR \"go\")"));
        check("rust OR -go", Ok("\"rust\" NOT \"go\""));
        check("-go OR rust", Ok("\"rust\" NOT \"go\""));
        check("rust OR -go java", Ok("(\"rust\" AND \"java\") NOT \"go\""));
        check("-go OR", Err("needs at least one word to search for"));
    }

    #[test]
    fn prefixes() {
        check("dev*", Ok("\"dev\" *"));
        check("de*", Ok("\"de\" *"));
        check("d*", Err("prefix needs at least 2 characters"));
        check("rust d*", Err("prefix needs at least 2 characters"));
        check("dev**", Ok("\"dev\" *"));
        check("node.js*", Ok("\"node.js\" *"));
        check("node.j*", Err("prefix needs at least 2 characters"));
        check("12*", Ok("\"12\" *"));
        check("é*", Err("prefix needs at least 2 characters"));
        check("OR*", Ok("\"OR\" *"));
        // A star anywhere but the end is removed.
        check("*dev", Ok("\"dev\""));
        check("de*v", Ok("\"dev\""));
        check("*", Err("no searchable words"));
        check("rust * ***", Ok("\"rust\""));
        check(".*", Err("no searchable words"));
    }

    #[test]
    fn term_limit() {
        let thirty_two = vec!["word"; 32].join(" ");
        assert!(parse_q(&thirty_two).is_ok());
        let thirty_three = vec!["word"; 33].join(" ");
        check(&thirty_three, Err("too many terms (at most 32)"));
        let with_exclusions = format!("{} -a -b", vec!["word"; 31].join(" "));
        check(&with_exclusions, Err("too many terms (at most 32)"));
        // Operators and dropped words do not count.
        let with_or = vec!["ab"; 32].join(" OR - ");
        assert!(parse_q(&with_or).is_ok());
    }

    #[test]
    fn positive_terms_are_lower_cased_and_leave_out_exclusions() {
        let query = parse_q("React OR Vue \"Senior Developer\" dash* -PHP").unwrap();
        assert_eq!(query.positive_terms(), vec!["react", "vue", "senior developer", "dash"]);
    }

    /// Ten hand-written jobs; row ids are the positions in this list plus one.
    const JOBS: &[[&str; 4]] = &[
        ["Senior Rust Developer", "Build a fast API server in Rust", "rust, sqlite", "backend"],
        [
            "React developer for dashboard",
            "We need a React expert to build dashboards",
            "react, javascript",
            "frontend",
        ],
        ["Vue.js frontend engineer", "Migrate our app to Vue 3", "vue, javascript", "frontend"],
        ["Node.js backend developer", "REST API with Express and Node.js", "node.js, express", "backend"],
        ["Café website redesign", "Redesign the website for a small café in Paris", "wordpress, design", "design"],
        ["Running coach app", "Mobile app for people who run near home every day", "flutter, dart", "mobile"],
        ["Data scientist", "Machine learning models in Python", "python, pandas", "data"],
        ["WordPress plugin fix", "Fix a bug in our WooCommerce plugin", "php, wordpress", "bugfix"],
        ["Python developers wanted", "Django developers for a long term project", "python, django", "backend"],
        ["Logo design", "Design a minimal logo; no developers needed", "illustrator", "design"],
    ];

    /// The same tokenizer the jobs table uses, so stemming, case and accents
    /// behave here as they do in production.
    fn jobs_database() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "CREATE VIRTUAL TABLE t USING fts5(title, description, skills, tags, \
                 tokenize='porter unicode61 remove_diacritics 2')",
            )
            .unwrap();
        for (index, job) in JOBS.iter().enumerate() {
            connection
                .execute(
                    "INSERT INTO t (rowid, title, description, skills, tags) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![index as i64 + 1, job[0], job[1], job[2], job[3]],
                )
                .unwrap();
        }
        connection
    }

    fn matching_rows(connection: &Connection, expression: &str) -> rusqlite::Result<Vec<i64>> {
        let mut statement = connection.prepare_cached("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid")?;
        let rows = statement.query_map([expression], |row| row.get(0))?;
        rows.collect()
    }

    #[test]
    fn queries_find_the_expected_jobs() {
        let connection = jobs_database();
        let check = |input: &str, expected_rows: &[i64]| {
            let expression = parse_q(input).unwrap().to_match_expression();
            let rows = matching_rows(&connection, &expression)
                .unwrap_or_else(|error| panic!("input {input:?} → {expression:?}: {error}"));
            assert_eq!(rows, expected_rows, "input {input:?} → {expression:?}");
        };
        // Stemming.
        check("developers", &[1, 2, 4, 9, 10]);
        check("developer", &[1, 2, 4, 9, 10]);
        check("running", &[6]);
        check("run", &[6]);
        check("dashboard", &[2]);
        // Case-insensitivity.
        check("RUST", &[1]);
        check("rUsT", &[1]);
        // Phrases, in order only.
        check("\"react expert\"", &[2]);
        check("\"expert react\"", &[]);
        check("\"API server\"", &[1]);
        // Exclusion.
        check("developer -python", &[1, 2, 4, 10]);
        check("developer -\"react expert\" -logo", &[1, 4, 9]);
        // OR.
        check("react OR vue", &[2, 3]);
        check("react OR vue developer", &[2]);
        check("react OR vue -dashboard", &[3]);
        // Prefix.
        check("pyth*", &[7, 9]);
        check("word*", &[5, 8]);
        check("dev*", &[1, 2, 4, 9, 10]);
        // Punctuated words are phrases of their parts.
        check("node.js", &[4]);
        check("Node.JS", &[4]);
        check("vue.js", &[3]);
        // Diacritics are folded both ways.
        check("cafe", &[5]);
        check("CAFÉ", &[5]);
        // Keywords and column filters are plain words.
        check("and", &[4]);
        check("AND", &[4]);
        check("title:rust", &[]);
        check("NEAR", &[6]);
        check("NEAR(home)", &[6]);
        check("NEAR(run home)", &[]);
    }

    /// Rust calls some characters letters that the unicode61 tokenizer treats
    /// as separators (a combining mark), so a term can reach FTS5 as an empty
    /// phrase; FTS5 accepts that and matches nothing with it.
    #[test]
    fn terms_the_tokenizer_sees_as_empty_are_harmless() {
        let connection = jobs_database();
        for input in
            ["\u{345}", "\u{345}\u{345}*", "rust -\u{345}", "\u{345} OR rust", "rust \u{345}\u{345}.\u{345}\u{345}*"]
        {
            let expression = parse_q(input).unwrap().to_match_expression();
            assert!(matching_rows(&connection, &expression).is_ok(), "input {input:?} → {expression:?}");
        }
    }

    /// Walks an expression, skipping quoted strings, and returns the first
    /// unquoted piece that is not `AND`, `OR`, `NOT`, a parenthesis, `*` or
    /// whitespace; also reports an unterminated string.
    fn unexpected_syntax(expression: &str) -> Option<String> {
        let mut characters = expression.chars().peekable();
        let mut bare_word = String::new();
        let check_bare_word = |bare_word: &mut String| -> Option<String> {
            let word = std::mem::take(bare_word);
            match word.as_str() {
                "" | "AND" | "OR" | "NOT" => None,
                _ => Some(word),
            }
        };
        while let Some(character) = characters.next() {
            match character {
                '"' => {
                    if let Some(word) = check_bare_word(&mut bare_word) {
                        return Some(word);
                    }
                    loop {
                        match characters.next() {
                            None => return Some("unterminated string".to_string()),
                            Some('"') if characters.peek() == Some(&'"') => {
                                characters.next();
                            }
                            Some('"') => break,
                            Some(_) => {}
                        }
                    }
                }
                '(' | ')' | '*' | ' ' => {
                    if let Some(word) = check_bare_word(&mut bare_word) {
                        return Some(word);
                    }
                }
                other => bare_word.push(other),
            }
        }
        check_bare_word(&mut bare_word)
    }

    #[test]
    fn syntax_checker_catches_injection() {
        assert_eq!(unexpected_syntax("\"a\" AND (\"b\" OR \"c\" *) NOT \"d\""), None);
        assert_eq!(unexpected_syntax("\"a\"\"b\""), None);
        assert!(unexpected_syntax("title:\"a\"").is_some());
        assert!(unexpected_syntax("NEAR(\"a\" \"b\")").is_some());
        assert!(unexpected_syntax("^\"a\"").is_some());
        assert!(unexpected_syntax("\"a").is_some());
        assert!(unexpected_syntax("\"a\" + \"b\"").is_some());
    }

    /// Inputs built from the pieces most likely to confuse FTS5 or the parser.
    fn fts5_flavoured_input() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            " ",
            " ",
            " ",
            "\t",
            "\"",
            "*",
            "^",
            ":",
            "+",
            "-",
            "(",
            ")",
            "{",
            "}",
            ".",
            ",",
            "'",
            "AND",
            "OR",
            "NOT",
            "NEAR",
            "NEAR(",
            "or",
            "title:",
            "description:",
            "skills:",
            "tags:",
            "{title tags}:",
            "rust",
            "dev",
            "a",
            "é",
            "café",
            "x",
            "\0",
            "\u{345}",
            "\u{301}",
            "\u{e000}",
            "\u{10ffff}",
            "中文",
            "٣",
            "Ⅻ",
            "_",
        ]);
        prop::collection::vec(pieces, 0..48).prop_map(|pieces| pieces.concat())
    }

    #[test]
    fn any_input_gives_a_valid_and_safe_expression_or_an_error() {
        let connection = jobs_database();
        let strategy = prop_oneof![
            2 => fts5_flavoured_input(),
            1 => any::<String>(),
            1 => "[a-z\"*^:+(){}., '-]{0,300}",
        ];
        let mut runner = TestRunner::new(Config { cases: 12_000, failure_persistence: None, ..Config::default() });
        // Counts accepted inputs, so the test fails if the strategies drift
        // towards inputs that are all rejected and SQLite is never reached.
        let accepted_inputs = std::cell::Cell::new(0_u32);
        runner
            .run(&strategy, |input| {
                let Ok(query) = parse_q(&input) else {
                    return Ok(());
                };
                accepted_inputs.set(accepted_inputs.get() + 1);
                let expression = query.to_match_expression();
                if let Some(piece) = unexpected_syntax(&expression) {
                    return Err(TestCaseError::fail(format!("{input:?} → {expression:?} has unquoted {piece:?}")));
                }
                matching_rows(&connection, &expression)
                    .map_err(|error| TestCaseError::fail(format!("{input:?} → {expression:?}: {error}")))?;
                Ok(())
            })
            .unwrap();
        assert!(accepted_inputs.get() >= 3_000, "only {} inputs reached SQLite", accepted_inputs.get());
    }
}
