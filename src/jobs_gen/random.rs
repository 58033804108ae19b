//! Random choices on a job's `ChaCha8Rng`: uniform and weighted picks,
//! distinct indices, log-normal amounts, and the SplitMix64 mixer that
//! derives every job's key from the seed and its index.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A uniformly random second in `[from, to]` (`from` when the range is empty).
pub(super) fn between(rng: &mut ChaCha8Rng, from: i64, to: i64) -> i64 {
    from + random_up_to(rng, to - from)
}

/// Uniform in `0..=limit`, 0 for a non-positive limit.
pub(super) fn random_up_to(rng: &mut ChaCha8Rng, limit: i64) -> i64 {
    if limit <= 0 { 0 } else { rng.random_range(0..=limit) }
}

/// Uniform index below `len` (0 when empty). Sampled as `u32` so the stream
/// is the same on 32- and 64-bit targets.
pub(super) fn random_index(rng: &mut ChaCha8Rng, len: usize) -> usize {
    if len <= 1 { 0 } else { rng.random_range(0..len as u32) as usize }
}

pub(super) fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[random_index(rng, items.len())]
}

/// Picks a value from `(value, weight)` pairs.
pub(super) fn pick_weighted_value(rng: &mut ChaCha8Rng, choices: &[(u64, u64)]) -> u64 {
    let total: u64 = choices.iter().map(|(_, weight)| weight).sum();
    let mut ticket = rng.random_range(0..total);
    for (value, weight) in choices {
        if ticket < *weight {
            return *value;
        }
        ticket -= weight;
    }
    choices[choices.len() - 1].0
}

/// At most this many distinct picks from one list.
const MAX_DISTINCT: usize = 8;

/// `count` distinct indices below `len` (fewer if `len` or `MAX_DISTINCT` is
/// smaller), in random order. A fixed array: this runs several times per job.
pub(super) fn distinct(rng: &mut ChaCha8Rng, len: usize, count: usize) -> impl Iterator<Item = usize> {
    let wanted = count.min(len).min(MAX_DISTINCT);
    let mut chosen = [0_usize; MAX_DISTINCT];
    let mut chosen_len = 0;
    while chosen_len < wanted {
        let candidate = random_index(rng, len);
        if !chosen[..chosen_len].contains(&candidate) {
            chosen[chosen_len] = candidate;
            chosen_len += 1;
        }
    }
    chosen.into_iter().take(chosen_len)
}

/// exp(N(ln median, sigma)) by Box–Muller: right-skewed amounts such as
/// budgets and spend, where most values are modest and a few are huge.
pub(super) fn log_normal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    let uniform_a: f64 = 1.0 - rng.random::<f64>();
    let uniform_b: f64 = rng.random();
    let normal = (-2.0 * uniform_a.ln()).sqrt() * (std::f64::consts::TAU * uniform_b).cos();
    median * (sigma * normal).exp()
}

pub(super) fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// SplitMix64's output function: a bijection on u64 that scatters nearby
/// inputs, so seeds 1 and 2 or indices 7 and 8 share no visible pattern.
pub(super) fn splitmix64(value: u64) -> u64 {
    let mut mixed = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    mixed ^ (mixed >> 31)
}

/// Cumulative weights for picking an index in proportion to its weight.
pub(super) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    pub(super) fn new(weights: impl Iterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .map(|weight| {
                total += weight;
                total
            })
            .collect();
        Weighted { cumulative }
    }

    /// Weights 1, 1/2^s, 1/3^s, ...: the long tail of skill popularity.
    pub(super) fn zipf(len: usize, exponent: f64) -> Self {
        Weighted::new((1..=len).map(|rank| 1.0 / (rank as f64).powf(exponent)))
    }

    pub(super) fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let ticket = rng.random::<f64>() * total;
        self.cumulative.partition_point(|cumulative| *cumulative <= ticket).min(self.cumulative.len().saturating_sub(1))
    }
}
