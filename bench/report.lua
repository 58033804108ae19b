-- wrk script: rotates over the API keys given after `--`, and prints one
-- machine-readable RESULT line with the counts and latency percentiles.
local keys = {}
local counter = 0

function init(args)
  for i, value in ipairs(args) do keys[i] = value end
  counter = math.random(1, 1000)
end

function request()
  counter = counter + 1
  if #keys == 0 then
    return wrk.format(nil, nil)
  end
  return wrk.format(nil, nil, { ["X-API-KEY"] = keys[(counter % #keys) + 1] })
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
