//! Duplicate detection: text fingerprints and an in-memory index of recent
//! jobs.
//!
//! # Fingerprints
//!
//! [`fingerprint`] reads the title and the description of a job the same way:
//!
//! 1. Lower-case every character and split on anything that is not a letter or
//!    a digit, so punctuation, line breaks and runs of spaces all count as one
//!    word boundary.
//! 2. Drop words made only of digits. Reposts change budgets ("$5,000" becomes
//!    "$6,000"), dates and counts far more often than they change wording, and
//!    a posting that differs only in its numbers is the same posting.
//!
//! From those words it computes two 64-bit values:
//!
//! - `exact`: FNV-1a over the title words and the description words, each
//!   joined by one space, with a separator byte between the two parts,
//!   finished with the SplitMix64 mixer. Equal `exact` means equal normalised
//!   text.
//! - `simhash`: a 64-bit similarity sketch of the set of distinct words of
//!   title and description, compared by Hamming distance. The field keeps the
//!   name the store and the schema use, but the sketch is 64 one-bit MinHashes
//!   (b-bit minwise hashing, Li and König 2010) rather than Charikar's
//!   SimHash: bit `i` is one bit of a hash of the word that minimises the
//!   `i`-th hash function. Two texts whose word sets have Jaccard similarity
//!   `J` differ in each bit with probability `(1 - J) / 2`, which grows
//!   linearly with the share of changed words, where SimHash grows with its
//!   square root. Job texts are short (50–300 words), and on them that is
//!   the difference between catching a repost with two or three words
//!   changed and missing it: replacing three random words of a 120+ word
//!   posting keeps the sketch within [`MAX_DISTANCE`] 92% of the time,
//!   against 61% for a word SimHash and less for 3-word shingles.
//!
//! Every hash is written out here rather than taken from `std`, whose
//! `DefaultHasher` may change between Rust releases: fingerprints are stored
//! in the database and must mean the same thing after an upgrade.
//!
//! # The index
//!
//! [`DedupIndex`] holds the fingerprints of recent jobs and answers "which
//! earlier job does this one repeat?" in constant time:
//!
//! - an exact table, chained on the top bits of `exact`;
//! - four band tables, one per 16-bit quarter of `simhash`. Two sketches at
//!   Hamming distance [`MAX_DISTANCE`] (3) or less differ in at most three of
//!   the four quarters, so by pigeonhole they agree on at least one quarter and
//!   share a bucket there.
//!
//! Entries live in two flat vectors in insertion order, so "inserted earlier"
//! is "smaller slot". Chains are intrusive `u32` links through those vectors,
//! which keeps an entry at 56 bytes; removal marks an entry dead, and dead
//! entries are dropped when the vectors are compacted (on eviction, or once
//! they outnumber live ones).

use crate::store::jobs::posted_on_of;

/// Near-duplicate threshold: two jobs whose sketches (`simhash`) differ in at most this
/// many of 64 bits are the same posting.
///
/// Three bits is what the four 16-bit bands of [`DedupIndex`] guarantee to
/// find by pigeonhole, and it is a comfortable margin: in the labelled corpus
/// (`tests/fixtures/quality_corpus.ndjson`) no two unrelated postings come
/// closer than 14 bits, while reposts with one to three words changed land at
/// 0 to 3. Each bit differs with probability `(1 - J) / 2`, so three bits
/// expected means about 90% shared words.
pub const MAX_DISTANCE: u32 = 3;

/// At most this many entries are examined in one band bucket per lookup.
/// Buckets of very common sketch quarters could otherwise grow without bound;
/// the newest entries are examined first, since a repost follows its original
/// within days.
const MAX_CANDIDATES_PER_BUCKET: usize = 64;

/// At most this many entries are examined in one exact chain per lookup, for
/// the same reason (a posting copied thousands of times).
const MAX_EXACT_CANDIDATES: usize = 256;

const BANDS: usize = 4;
const BAND_BITS: u32 = 16;
const BUCKETS_PER_BAND: usize = 1 << BAND_BITS;
const NO_SLOT: u32 = u32::MAX;
const MIN_EXACT_TABLE: usize = 1 << 10;

/// The two fingerprints of one job's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hash of the normalised text: equal means same words in the same order.
    pub exact: u64,
    /// 64-bit similarity sketch (one-bit MinHashes, see the module docs):
    /// few differing bits means mostly the same words.
    pub simhash: u64,
}

/// Fingerprints a job from its title and description (see the module docs
/// for the normalisation).
pub fn fingerprint(title: &str, description: &str) -> Fingerprint {
    let mut exact = Fnv1a::new();
    let mut word_hashes = Vec::with_capacity((title.len() + description.len()) / 5);
    hash_words(title, &mut exact, &mut word_hashes);
    exact.write(&[0x1f]);
    hash_words(description, &mut exact, &mut word_hashes);
    word_hashes.sort_unstable();
    word_hashes.dedup();
    Fingerprint { exact: mix(exact.finish()), simhash: minhash_sketch(&word_hashes) }
}

/// Feeds the normalised words of `text` (lower-cased, digits-only words
/// dropped) into `exact`, joined by one space, and pushes each word's hash.
/// Streams the bytes instead of building strings: this runs on every ingest.
fn hash_words(text: &str, exact: &mut Fnv1a, word_hashes: &mut Vec<u64>) {
    let mut first = true;
    for word in text.split(|character: char| !character.is_alphanumeric()) {
        if word.is_empty() || word.bytes().all(|byte| byte.is_ascii_digit()) {
            continue;
        }
        if !first {
            exact.write(b" ");
        }
        first = false;
        let mut word_hasher = Fnv1a::new();
        if word.is_ascii() {
            for byte in word.bytes() {
                let lower = byte.to_ascii_lowercase();
                exact.write(&[lower]);
                word_hasher.write(&[lower]);
            }
        } else {
            // Full Unicode lower-casing (final sigma and all) needs the whole word.
            let lower = word.to_lowercase();
            exact.write(lower.as_bytes());
            word_hasher.write(lower.as_bytes());
        }
        word_hashes.push(mix(word_hasher.finish()));
    }
}

/// The `i`-th MinHash function is `word_hash * multiplier[i] + offset[i]`
/// (mod 2^64) with constants drawn from SplitMix64; multiply-add is enough
/// because the word hashes are already well mixed.
const SKETCH_MULTIPLIERS: [u64; 64] = sketch_constants(1, true);
const SKETCH_OFFSETS: [u64; 64] = sketch_constants(1000, false);

const fn sketch_constants(first_seed: u64, odd: bool) -> [u64; 64] {
    let mut constants = [0u64; 64];
    let mut index = 0;
    while index < 64 {
        let constant = mix(first_seed + index as u64);
        constants[index] = if odd { constant | 1 } else { constant };
        index += 1;
    }
    constants
}

/// Bit `i` is bit `i` of a re-hash of the word that minimises MinHash
/// function `i`: equal minimising words give equal bits, different ones a
/// coin flip. No words at all gives 0.
fn minhash_sketch(word_hashes: &[u64]) -> u64 {
    if word_hashes.is_empty() {
        return 0;
    }
    // Words outer, functions inner: one pass over the words, 64 running minima.
    let mut minimum = [u64::MAX; 64];
    let mut minimising_word = [0u64; 64];
    for &word_hash in word_hashes {
        let functions = SKETCH_MULTIPLIERS.iter().zip(&SKETCH_OFFSETS);
        for ((multiplier, offset), (minimum, minimising_word)) in
            functions.zip(minimum.iter_mut().zip(minimising_word.iter_mut()))
        {
            let value = word_hash.wrapping_mul(*multiplier).wrapping_add(*offset);
            if value < *minimum {
                *minimum = value;
                *minimising_word = word_hash;
            }
        }
    }
    minimising_word
        .iter()
        .enumerate()
        .fold(0u64, |sketch, (bit, word_hash)| sketch | (mix(word_hash ^ SKETCH_BIT_SALT) >> bit & 1) << bit)
}

/// Keeps the bit hash independent of the word hash it is taken from.
const SKETCH_BIT_SALT: u64 = 0x5555_5555_5555_5555;

/// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

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

/// SplitMix64's finaliser. FNV-1a leaves the high bits of short inputs poorly
/// mixed, and both the exact table (top bits) and the sketch (every bit) need
/// them well mixed.
const fn mix(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// The entry fields a band scan reads, kept together so one cache line
/// serves both the distance check and the next link.
#[derive(Debug, Clone, Copy)]
struct BandLinks {
    simhash: u64,
    next_in_band: [u32; BANDS],
}

/// The rest of an entry. No posting time: the key is the job's seq, which
/// encodes it (see [`posted_on_of`]).
#[derive(Debug, Clone, Copy)]
struct EntryRecord {
    key: i64,
    exact: u64,
    next_same_exact: u32,
    live: bool,
}

/// Fingerprints of recent jobs, for finding the earlier job a new one repeats.
///
/// Keys are job seqs, so an entry's posting time is its key's (the window
/// checks read it from there). About 48 bytes per entry plus 1 MiB of band
/// heads and 4 bytes per entry of exact-table heads: a million entries take
/// about 53 MB. A lookup reads one exact chain (about one entry) and four
/// band buckets (about 15 entries each at a million entries, at most
/// `MAX_CANDIDATES_PER_BUCKET`).
#[derive(Debug, Clone)]
pub struct DedupIndex {
    /// Per slot, in insertion order; parallel to `records`.
    links: Vec<BandLinks>,
    records: Vec<EntryRecord>,
    /// `BANDS * BUCKETS_PER_BAND` chain heads; the newest entry first.
    band_heads: Vec<u32>,
    /// Chain heads by the top bits of `exact`; length is a power of two.
    exact_heads: Vec<u32>,
    live_entries: usize,
}

impl Default for DedupIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl DedupIndex {
    pub fn new() -> Self {
        DedupIndex {
            links: Vec::new(),
            records: Vec::new(),
            band_heads: vec![NO_SLOT; BANDS * BUCKETS_PER_BAND],
            exact_heads: vec![NO_SLOT; MIN_EXACT_TABLE],
            live_entries: 0,
        }
    }

    /// Adds a job under its seq. Inserting a key again with the same text
    /// keeps its entry as it is (and its position in insertion order); a
    /// changed text must be [`remove`](Self::remove)d under its old fingerprint
    /// first.
    pub fn insert(&mut self, key: i64, fingerprint: Fingerprint) {
        if let Some(slot) = self.slot_of(key, fingerprint.simhash) {
            if self.records[slot as usize].exact == fingerprint.exact {
                return;
            }
            // Same sketch, different exact text: relink under the new hash.
            self.kill(slot);
        }
        self.insert_new(key, fingerprint);
    }

    /// Adds a job whose key has no live entry (a row just stored under a new
    /// seq): [`insert`](Self::insert) without its search for that key, which
    /// walks a whole band chain. Chains of common sketch quarters run to
    /// thousands of entries at a million jobs, and that walk was a fifth of
    /// a 1M import's writer time. (Were the key present after all, both
    /// entries would stay: lookups answer with a key that the caller checks
    /// against the table.)
    pub fn insert_new(&mut self, key: i64, fingerprint: Fingerprint) {
        if self.records.len() >= u32::MAX as usize - 1 {
            self.compact();
        }
        let slot = self.records.len() as u32;
        let mut next_in_band = [NO_SLOT; BANDS];
        for (band, next) in next_in_band.iter_mut().enumerate() {
            let head = &mut self.band_heads[band_bucket(band, fingerprint.simhash)];
            *next = *head;
            *head = slot;
        }
        let exact_table_len = self.exact_heads.len();
        let exact_head = &mut self.exact_heads[exact_bucket(fingerprint.exact, exact_table_len)];
        let next_same_exact = *exact_head;
        *exact_head = slot;
        self.links.push(BandLinks { simhash: fingerprint.simhash, next_in_band });
        self.records.push(EntryRecord { key, exact: fingerprint.exact, next_same_exact, live: true });
        self.live_entries += 1;
        if self.records.len() > self.exact_heads.len() {
            self.rebuild_exact_chains(self.exact_heads.len() * 2);
        }
    }

    /// Removes a job. Only `fingerprint.simhash` is used to find the entry
    /// (callers that stored just the sketch may pass `exact: 0`); if the
    /// sketch is wrong, every entry is searched.
    pub fn remove(&mut self, key: i64, fingerprint: Fingerprint) {
        let slot = self.slot_of(key, fingerprint.simhash).or_else(|| {
            self.records.iter().position(|record| record.live && record.key == key).map(|slot| slot as u32)
        });
        if let Some(slot) = slot {
            self.kill(slot);
            let dead_entries = self.records.len() - self.live_entries;
            if dead_entries > 1024 && dead_entries > self.live_entries {
                self.compact();
            }
        }
    }

    /// The earliest-inserted other entry that duplicates `fingerprint` (exact
    /// first, then near) whose posted_on is within `window_seconds` of
    /// `posted_on` (either direction). Excludes `except_key` (the job itself
    /// when re-ingested).
    pub fn find(
        &self,
        fingerprint: Fingerprint,
        posted_on: i64,
        window_seconds: i64,
        except_key: Option<i64>,
    ) -> Option<i64> {
        let window = u64::try_from(window_seconds).ok()?;
        let eligible = |record: &EntryRecord| {
            record.live && Some(record.key) != except_key && posted_on_of(record.key).abs_diff(posted_on) <= window
        };

        let mut earliest: Option<u32> = None;
        let mut slot = self.exact_heads[exact_bucket(fingerprint.exact, self.exact_heads.len())];
        let mut examined = 0;
        while slot != NO_SLOT && examined < MAX_EXACT_CANDIDATES {
            let record = &self.records[slot as usize];
            if record.exact == fingerprint.exact && eligible(record) {
                earliest = Some(slot);
            }
            examined += 1;
            slot = record.next_same_exact;
        }
        if let Some(slot) = earliest {
            return Some(self.records[slot as usize].key);
        }

        // The four chains are walked side by side, one step of each per
        // round: each step is a cache miss (chains run through entries
        // scattered over tens of MiB), and four independent ones overlap
        // where one chain after another would wait for each in turn.
        let mut cursors: [u32; BANDS] =
            std::array::from_fn(|band| self.band_heads[band_bucket(band, fingerprint.simhash)]);
        for _ in 0..MAX_CANDIDATES_PER_BUCKET {
            if cursors.iter().all(|slot| *slot == NO_SLOT) {
                break;
            }
            for (band, cursor) in cursors.iter_mut().enumerate() {
                let slot = *cursor;
                if slot == NO_SLOT {
                    continue;
                }
                let links = &self.links[slot as usize];
                if (links.simhash ^ fingerprint.simhash).count_ones() <= MAX_DISTANCE
                    && earliest.is_none_or(|best| slot < best)
                    && eligible(&self.records[slot as usize])
                {
                    earliest = Some(slot);
                }
                *cursor = links.next_in_band[band];
            }
        }
        earliest.map(|slot| self.records[slot as usize].key)
    }

    /// Drops entries older than `cutoff` posted_on, to bound memory. The
    /// vectors are compacted only when something was dropped: a prune calls
    /// this after each of its batches, and relinking a million entries for
    /// nothing took about 10 ms of writer time a batch.
    pub fn evict_older_than(&mut self, cutoff: i64) {
        let mut evicted = 0;
        for record in &mut self.records {
            if record.live && posted_on_of(record.key) < cutoff {
                record.live = false;
                evicted += 1;
            }
        }
        if evicted > 0 {
            self.live_entries -= evicted;
            self.compact();
        }
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        self.live_entries
    }

    pub fn is_empty(&self) -> bool {
        self.live_entries == 0
    }

    /// The live slot holding `key`, found through its band-0 chain.
    fn slot_of(&self, key: i64, simhash: u64) -> Option<u32> {
        let mut slot = self.band_heads[band_bucket(0, simhash)];
        while slot != NO_SLOT {
            let record = &self.records[slot as usize];
            if record.live && record.key == key {
                return Some(slot);
            }
            slot = self.links[slot as usize].next_in_band[0];
        }
        None
    }

    /// Marks an entry dead; chains skip it until the next compaction.
    fn kill(&mut self, slot: u32) {
        let record = &mut self.records[slot as usize];
        if record.live {
            record.live = false;
            self.live_entries -= 1;
        }
    }

    /// Drops dead entries, keeping insertion order, and relinks every chain.
    fn compact(&mut self) {
        let mut kept = 0;
        for slot in 0..self.records.len() {
            if self.records[slot].live {
                self.records[kept] = self.records[slot];
                self.links[kept] = self.links[slot];
                kept += 1;
            }
        }
        self.records.truncate(kept);
        self.links.truncate(kept);
        self.records.shrink_to(kept.max(MIN_EXACT_TABLE) * 2);
        self.links.shrink_to(kept.max(MIN_EXACT_TABLE) * 2);
        self.rebuild(kept.next_power_of_two().max(MIN_EXACT_TABLE));
    }

    /// Relinks every chain from scratch with an exact table of `exact_table_len` heads.
    fn rebuild(&mut self, exact_table_len: usize) {
        self.band_heads.fill(NO_SLOT);
        for slot in 0..self.links.len() {
            let links = &mut self.links[slot];
            for band in 0..BANDS {
                let head = &mut self.band_heads[band_bucket(band, links.simhash)];
                links.next_in_band[band] = *head;
                *head = slot as u32;
            }
        }
        self.rebuild_exact_chains(exact_table_len);
    }

    /// Relinks the exact chains into a table of `exact_table_len` heads
    /// (grown as entries are added, so chains stay about one entry long).
    fn rebuild_exact_chains(&mut self, exact_table_len: usize) {
        self.exact_heads.clear();
        self.exact_heads.resize(exact_table_len, NO_SLOT);
        for (slot, record) in self.records.iter_mut().enumerate() {
            let head = &mut self.exact_heads[exact_bucket(record.exact, exact_table_len)];
            record.next_same_exact = *head;
            *head = slot as u32;
        }
    }
}

fn band_bucket(band: usize, simhash: u64) -> usize {
    band * BUCKETS_PER_BAND + ((simhash >> (band as u32 * BAND_BITS)) & 0xffff) as usize
}

/// Top bits of the (already mixed) exact hash; `table_len` is a power of two.
fn exact_bucket(exact: u64, table_len: usize) -> usize {
    (exact >> (64 - table_len.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600;
    const WINDOW: i64 = 30 * DAY;

    /// The seq of the `n`-th job posted at `posted_on`.
    fn seq(posted_on: i64, n: i64) -> i64 {
        crate::store::jobs::seq_floor(posted_on) + n
    }

    const DESCRIPTION: &str = "We run a B2B analytics product for mid-size logistics companies and need an \
        experienced React developer to rebuild our reporting dashboard. Current state: a Create React App \
        project from 2019, class components, a lot of prop drilling and a custom charting wrapper that nobody \
        wants to touch. Target state: Vite, function components with hooks, TanStack Query for server state, \
        and a clean component library on top of our existing design tokens. Please share one or two dashboards \
        you built and tell us how you would approach incremental migration without a feature freeze.";

    const EMPTY_EXACT: u64 = 0x6168_c18c_5583_c71b;
    const LOGO_EXACT: u64 = 0x07d4_0cd2_1b63_9553;
    const LOGO_SKETCH: u64 = 0xa21b_ff82_fb9b_9f01;

    fn distance(left: Fingerprint, right: Fingerprint) -> u32 {
        (left.simhash ^ right.simhash).count_ones()
    }

    #[test]
    fn normalisation_ignores_case_punctuation_whitespace_and_numbers() {
        let original = fingerprint("Senior React Developer", DESCRIPTION);
        let variants = [
            fingerprint("SENIOR REACT DEVELOPER!", DESCRIPTION),
            fingerprint("Senior  React Developer", &DESCRIPTION.replace(". ", ".\n\n").replace(',', " ,")),
            fingerprint("Senior React Developer", &DESCRIPTION.replace("2019", "2020")),
        ];
        for variant in variants {
            assert_eq!(variant, original);
        }
        // Words moved between title and description are a different text.
        assert_ne!(fingerprint("Senior React", &format!("Developer {DESCRIPTION}")).exact, original.exact);
    }

    #[test]
    fn a_few_changed_words_stay_near_and_other_jobs_stay_far() {
        let original = fingerprint("Senior React Developer", DESCRIPTION);
        let edited = fingerprint(
            "Senior React Developer",
            &DESCRIPTION.replace("need an experienced", "require a skilled").replace("Please share", "Kindly send"),
        );
        assert_ne!(edited.exact, original.exact);
        assert!(distance(edited, original) <= MAX_DISTANCE, "distance {}", distance(edited, original));

        let other = fingerprint(
            "Bookkeeper for small construction company",
            "Monthly tasks: categorise transactions, reconcile two bank accounts and one credit card, enter vendor \
             bills and record check payments, track job costs by project, and prepare a monthly P&L.",
        );
        assert!(distance(other, original) > 3 * MAX_DISTANCE, "distance {}", distance(other, original));
    }

    #[test]
    fn fingerprints_are_stable_across_releases() {
        // Stored in the database: a change here needs a migration that recomputes them.
        let cases = [
            (("", ""), Fingerprint { exact: EMPTY_EXACT, simhash: 0 }),
            (("Logo design", "Need a logo for my bakery."), Fingerprint { exact: LOGO_EXACT, simhash: LOGO_SKETCH }),
        ];
        for ((title, description), expected) in cases {
            assert_eq!(fingerprint(title, description), expected, "{title:?}");
        }
        let mut hasher = Fnv1a::new();
        hasher.write(b"a");
        assert_eq!(hasher.finish(), 0xaf63_dc4c_8601_ec8c, "FNV-1a test vector");
    }

    #[test]
    fn find_prefers_exact_then_earliest_and_respects_window_and_self() {
        let original = fingerprint("Senior React Developer", DESCRIPTION);
        let near = fingerprint("Senior React Developer", &DESCRIPTION.replace("Please share", "Kindly send"));
        let unrelated = fingerprint("Logo design", "Need a logo for my bakery.");
        let mut index = DedupIndex::new();
        let (first_near, first_exact, second_exact) = (seq(100 * DAY, 0), seq(101 * DAY, 0), seq(102 * DAY, 0));
        index.insert(first_near, near);
        index.insert(first_exact, original);
        index.insert(second_exact, original);
        index.insert(seq(100 * DAY, 1), unrelated);

        // Exact beats an earlier near match; the earliest exact wins.
        assert_eq!(index.find(original, 103 * DAY, WINDOW, None), Some(first_exact));
        // Re-ingesting that job itself finds the other copy.
        assert_eq!(index.find(original, 101 * DAY, WINDOW, Some(first_exact)), Some(second_exact));
        // Near only.
        let nearer = fingerprint("Senior React Developer", &DESCRIPTION.replace("Please share", "Do send"));
        assert_eq!(index.find(nearer, 103 * DAY, WINDOW, None), Some(first_near));
        // Outside the window in either direction.
        assert_eq!(index.find(original, 140 * DAY, WINDOW, None), None);
        assert_eq!(index.find(original, 60 * DAY, WINDOW, None), None);
        assert_eq!(index.find(original, 100 * DAY, -1, None), None);
        assert_eq!(index.find(fingerprint("Other", "Entirely different text here."), 100 * DAY, WINDOW, None), None);
    }

    #[test]
    fn insert_remove_and_evict_keep_the_count_and_the_answers_right() {
        let original = fingerprint("Senior React Developer", DESCRIPTION);
        let mut index = DedupIndex::new();
        assert!(index.is_empty());
        let (first, second) = (seq(100 * DAY, 0), seq(105 * DAY, 0));
        index.insert(first, original);
        index.insert(first, original); // re-insert updates in place
        index.insert(second, original);
        assert_eq!(index.len(), 2);

        // The store removes with the sketch only.
        index.remove(first, Fingerprint { exact: 0, simhash: original.simhash });
        assert_eq!(index.len(), 1);
        assert_eq!(index.find(original, 105 * DAY, WINDOW, None), Some(second));
        // A wrong sketch still finds the key by scanning.
        index.remove(second, Fingerprint { exact: 0, simhash: !original.simhash });
        assert!(index.is_empty());
        assert_eq!(index.find(original, 105 * DAY, WINDOW, None), None);

        // Posted at seconds 0 to 4999, one job a second; one more at 4000.
        for second in 0..5000 {
            index.insert(seq(second, 0), synthetic_fingerprint(second));
        }
        index.insert(seq(4000, 1), original);
        index.evict_older_than(2500);
        assert_eq!(index.len(), 2501);
        assert_eq!(index.find(original, 4000, WINDOW, None), Some(seq(4000, 1)));
        assert_eq!(index.find(synthetic_fingerprint(100), 100, WINDOW, None), None);
        assert_eq!(index.find(synthetic_fingerprint(3000), 3000, WINDOW, None), Some(seq(3000, 0)));
    }

    #[test]
    fn entries_added_as_new_are_found_updated_and_removed_like_others() {
        let original = fingerprint("Senior React Developer", DESCRIPTION);
        let mut index = DedupIndex::new();
        let (job, other) = (seq(100 * DAY, 7), seq(100 * DAY, 8));
        index.insert_new(job, original);
        index.insert_new(other, synthetic_fingerprint(8));
        assert_eq!(index.find(original, 101 * DAY, WINDOW, None), Some(job));
        // A later update of the same key finds the entry and keeps one.
        index.insert(job, original);
        assert_eq!(index.len(), 2);
        index.remove(job, Fingerprint { exact: 0, simhash: original.simhash });
        assert_eq!(index.len(), 1);
        assert_eq!(index.find(original, 101 * DAY, WINDOW, None), None);
    }

    /// A job text of twenty pseudo-random words, different for every key.
    fn synthetic_fingerprint(key: i64) -> Fingerprint {
        let mut state = key as u64;
        let words: Vec<String> = (0..20)
            .map(|_| {
                state = mix(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
                (0..6).map(|shift| char::from(b'a' + (state >> (shift * 5) & 0x0f) as u8)).collect()
            })
            .collect();
        fingerprint(&words[..3].join(" "), &words[3..].join(" "))
    }
}
