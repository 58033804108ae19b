//! Token buckets: per key for the per-minute limit, per client address for
//! failed authentications.
//!
//! A bucket holds up to `capacity` tokens and refills continuously at
//! `per_minute / 60` tokens a second. Each bucket sits behind its own mutex,
//! so concurrent requests on one key are served exactly in turn: a burst-20
//! key gets exactly 20 of 1,000 simultaneous requests.

use std::sync::Mutex;

#[derive(Debug)]
pub struct TokenBucket {
    state: Mutex<BucketState>,
}

#[derive(Debug, Clone, Copy)]
struct BucketState {
    tokens: f64,
    updated_millis: i64,
}

/// The outcome of taking a token, with what the headers need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Take {
    pub allowed: bool,
    /// Whole tokens left after this request.
    pub remaining: u64,
    /// Seconds until the bucket is full again (rounded up).
    pub seconds_to_full: u64,
    /// The same in milliseconds (rounded up), for a reset time in Unix
    /// seconds that is never early.
    pub millis_to_full: u64,
    /// Seconds until one token is available (for Retry-After).
    pub retry_after: u64,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(capacity: u64, now_millis: i64) -> TokenBucket {
        TokenBucket { state: Mutex::new(BucketState { tokens: capacity as f64, updated_millis: now_millis }) }
    }

    /// Takes one token if there is one.
    pub fn take(&self, capacity: u64, per_minute: u64, now_millis: i64) -> Take {
        let mut state = self.state.lock().expect("bucket lock");
        let rate_per_milli = per_minute as f64 / 60_000.0;
        let elapsed = (now_millis - state.updated_millis).max(0) as f64;
        state.tokens = (state.tokens + elapsed * rate_per_milli).min(capacity as f64);
        state.updated_millis = state.updated_millis.max(now_millis);
        let allowed = state.tokens >= 1.0;
        if allowed {
            state.tokens -= 1.0;
        }
        let seconds = |missing: f64| -> u64 {
            if missing <= 0.0 || rate_per_milli <= 0.0 { 0 } else { (missing / rate_per_milli / 1000.0).ceil() as u64 }
        };
        let millis_to_full = match capacity as f64 - state.tokens {
            missing if missing > 0.0 && rate_per_milli > 0.0 => (missing / rate_per_milli).ceil() as u64,
            _ => 0,
        };
        Take {
            allowed,
            remaining: state.tokens.floor() as u64,
            seconds_to_full: seconds(capacity as f64 - state.tokens),
            millis_to_full,
            retry_after: if allowed { 0 } else { seconds(1.0 - state.tokens).max(1) },
        }
    }

    /// Whether a token is available, without taking one.
    pub fn peek(&self, capacity: u64, per_minute: u64, now_millis: i64) -> bool {
        let state = self.state.lock().expect("bucket lock");
        let elapsed = (now_millis - state.updated_millis).max(0) as f64;
        (state.tokens + elapsed * per_minute as f64 / 60_000.0).min(capacity as f64) >= 1.0
    }
}

impl TokenBucket {
    /// Whether the bucket has refilled to capacity (nothing to remember).
    pub fn is_full(&self, capacity: u64, per_minute: u64, now_millis: i64) -> bool {
        let state = self.state.lock().expect("bucket lock");
        let elapsed = (now_millis - state.updated_millis).max(0) as f64;
        state.tokens + elapsed * per_minute as f64 / 60_000.0 >= capacity as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let bucket = TokenBucket::new(20, 0);
        for expected_remaining in (0..20).rev() {
            let take = bucket.take(20, 10, 0);
            assert!(take.allowed);
            assert_eq!(take.remaining, expected_remaining);
        }
        let refused = bucket.take(20, 10, 0);
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after, 6, "10 a minute is one every 6 s");
        assert_eq!(refused.seconds_to_full, 120);
        assert_eq!(refused.millis_to_full, 120_000);
        assert!(bucket.take(20, 10, 6_000).allowed);
        assert!(!bucket.take(20, 10, 6_000).allowed);
        // A long pause refills to capacity, never beyond.
        let after_pause = bucket.take(20, 10, 3_600_000);
        assert_eq!(after_pause.remaining, 19);
    }
}
