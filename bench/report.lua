-- wrk script: prints one machine-readable RESULT line with the counts and
-- latency percentiles. It defines no request() function, so wrk sends one
-- pre-built request (its fast path); the key, if any, comes in with -H.
-- bench/rotate.lua adds key rotation for the many-key scenarios.

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
