-- upjobs database schema.
--
-- This file is embedded in the binary (`include_str!`) and applied on every
-- start. It is a sequence of numbered migrations; `PRAGMA user_version` records
-- the last one applied, and each block below runs once, in its own
-- transaction, when the file's version is lower. Never edit a released block:
-- add a new one.

-- migration: 1

-- Jobs. `seq` is the rowid and encodes the posting time:
-- seq = posted_on (Unix seconds) * 4096 + n, n counting jobs posted in the same
-- second (* 1048576 since migration 5). Rowid order is therefore posted_on order, so "newest first" is a
-- backwards rowid walk that stops after `limit` rows, the FTS index (whose
-- rowid is the same seq) can answer "newest match first" without sorting,
-- and a plan's window is a rowid range.
CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    posted_on INTEGER NOT NULL,
    last_visited_at INTEGER,
    job_type INTEGER NOT NULL,
    status INTEGER NOT NULL,
    contractor_tier INTEGER NOT NULL,
    fixed_amount REAL,
    hourly_min REAL,
    hourly_max REAL,
    -- fixed budget, else hourly max: the key of sort=budget_*.
    budget_sort REAL,
    payment_verified INTEGER NOT NULL,
    buyer_country TEXT NOT NULL,
    location_timezone TEXT NOT NULL,
    category_slug TEXT NOT NULL,
    category_group_slug TEXT NOT NULL,
    buyer_total_spent REAL NOT NULL,
    buyer_total_assignments INTEGER NOT NULL,
    buyer_total_jobs_with_hires INTEGER NOT NULL,
    total_applicants INTEGER NOT NULL,
    engagement TEXT NOT NULL,
    duration_label TEXT NOT NULL,
    -- data quality (section 6): score and reasons (JSON array), the id this
    -- job duplicates, its fingerprints, and whether the public API shows it.
    spam_score REAL NOT NULL DEFAULT 0,
    spam_reasons TEXT NOT NULL DEFAULT '[]',
    duplicate_of TEXT,
    fingerprint_exact INTEGER NOT NULL DEFAULT 0,
    fingerprint_simhash INTEGER NOT NULL DEFAULT 0,
    visible INTEGER NOT NULL DEFAULT 1,
    ingested_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- the job in the wire schema, exactly the bytes the API sends.
    doc TEXT NOT NULL
);

-- Partial indexes over visible jobs only: every public query says
-- `visible = 1` literally so the planner can use them. Most filters need no
-- index: queries walk seq order and stop after `limit` matches. Indexes are
-- kept where they change that: equality on a column walks its index in seq
-- order (each index ends in the rowid), so a rare category or country is
-- found without scanning; and the non-date sorts walk their column's index
-- instead of sorting the whole window. Every index costs ingest speed.
CREATE INDEX jobs_category ON jobs(category_slug) WHERE visible = 1;
CREATE INDEX jobs_category_group ON jobs(category_group_slug) WHERE visible = 1;
CREATE INDEX jobs_country ON jobs(buyer_country) WHERE visible = 1;
CREATE INDEX jobs_timezone ON jobs(location_timezone) WHERE visible = 1;
CREATE INDEX jobs_budget_sort ON jobs(budget_sort) WHERE visible = 1;
CREATE INDEX jobs_last_visited ON jobs(last_visited_at) WHERE visible = 1;
CREATE INDEX jobs_applicants ON jobs(total_applicants) WHERE visible = 1;
CREATE INDEX jobs_hidden ON jobs(seq) WHERE visible = 0;
CREATE INDEX jobs_exact_fingerprint ON jobs(fingerprint_exact);

-- Normalised skills and tags (lower case, letters and digits only) for the
-- skills/tags/skills_any/exclude_skills filters. Keyed by job first: the
-- filters are point lookups (seq, term) for rows the seq-order walk visits,
-- and deleting a job's terms is a prefix range. One B-tree, not two.
CREATE TABLE job_terms (
    seq INTEGER NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (seq, term)
) WITHOUT ROWID;

-- The full-text index. External content: the text lives once, in jobs.doc,
-- and this view exposes it to FTS5 (for rebuild and integrity-check).
-- Inserts and updates write the index from store/jobs.rs with single-row
-- statements: an INSERT INTO jobs with an FTS trigger would be a multi-write
-- statement with a statement journal, and FTS5 flushes its pending index to
-- disk at every statement savepoint, which made bulk ingest ~50x slower.
-- Deletes (one-off, or pruning in batches) keep the trigger below, so no
-- delete path can leave the index behind. Skills and tags are indexed as their JSON
-- array text: the tokenizer treats the brackets, quotes and commas as
-- separators, and (unlike json_each) a plain expression works inside a view
-- that FTS5 reads for 'rebuild' and 'integrity-check'.
CREATE VIEW jobs_fts_source AS
SELECT
    seq,
    json_extract(doc, '$.title') AS title,
    json_extract(doc, '$.description') AS description,
    json_extract(doc, '$.skills') AS skills,
    json_extract(doc, '$.tags') AS tags
FROM jobs;

CREATE VIRTUAL TABLE jobs_fts USING fts5(
    title, description, skills, tags,
    content = 'jobs_fts_source',
    content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- A larger in-memory buffer (8 MiB, default 1 MiB) means fewer, larger
-- segments during bulk ingest.
INSERT INTO jobs_fts(jobs_fts, rank) VALUES ('hashsize', 8388608);

CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, title, description, skills, tags) VALUES (
        'delete',
        old.seq,
        json_extract(old.doc, '$.title'),
        json_extract(old.doc, '$.description'),
        json_extract(old.doc, '$.skills'),
        json_extract(old.doc, '$.tags'));
    DELETE FROM job_terms WHERE seq = old.seq;
END;


-- Operator verdicts on data quality, by job id, so that they survive the job
-- being deleted and ingested again.
CREATE TABLE verdicts (
    job_id TEXT PRIMARY KEY,
    verdict TEXT NOT NULL CHECK (verdict IN ('spam', 'not_spam', 'not_duplicate')),
    decided_at INTEGER NOT NULL
);

-- Plans: the spec's defaults, editable at run time.
CREATE TABLE plans (
    name TEXT PRIMARY KEY,
    rate_limit_per_min INTEGER NOT NULL,
    burst INTEGER NOT NULL,
    monthly_quota INTEGER,              -- NULL: unlimited
    overage INTEGER NOT NULL,           -- 1: calls past the quota go on, priced
    overage_price_usd REAL NOT NULL,
    retention_days INTEGER,             -- NULL: all history
    webhooks INTEGER NOT NULL
);
INSERT INTO plans VALUES ('starter', 10, 20, 1000, 0, 0.01, 7, 0);
INSERT INTO plans VALUES ('professional', 100, 200, 25000, 1, 0.01, 30, 0);
INSERT INTO plans VALUES ('business', 500, 1000, 100000, 1, 0.01, 180, 1);
INSERT INTO plans VALUES ('enterprise', 2000, 4000, NULL, 1, 0.01, NULL, 1);

-- API keys: only the SHA-256 of the key is stored, plus what a listing shows.
-- NULL overrides mean "the plan's value".
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    key_hash BLOB NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    last4 TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    plan TEXT NOT NULL REFERENCES plans(name),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER,
    rate_limit_per_min INTEGER,
    burst INTEGER,
    monthly_quota INTEGER,
    retention_days INTEGER,
    spending_cap_usd REAL,
    updated_at INTEGER NOT NULL
);

-- Bumped by every change a running server must pick up (keys and plans
-- edited by the CLI or another process); servers poll it.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings VALUES ('auth_version', '0');

CREATE TRIGGER api_keys_changed_insert AFTER INSERT ON api_keys BEGIN
    UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE name = 'auth_version';
END;
CREATE TRIGGER api_keys_changed_update AFTER UPDATE OF
    plan, name, email, expires_at, revoked_at, rate_limit_per_min, burst,
    monthly_quota, retention_days, spending_cap_usd ON api_keys BEGIN
    UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE name = 'auth_version';
END;
CREATE TRIGGER api_keys_changed_delete AFTER DELETE ON api_keys BEGIN
    UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE name = 'auth_version';
END;
CREATE TRIGGER plans_changed AFTER UPDATE ON plans BEGIN
    UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE name = 'auth_version';
END;

-- Usage counters, flushed from memory at least once a second.
CREATE TABLE usage_monthly (
    key_id TEXT NOT NULL,
    month TEXT NOT NULL,                -- 'YYYY-MM', UTC
    calls INTEGER NOT NULL DEFAULT 0,   -- calls that count against the quota
    overage_calls INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, month)
) WITHOUT ROWID;

CREATE TABLE usage_daily (
    key_id TEXT NOT NULL,
    day TEXT NOT NULL,                  -- 'YYYY-MM-DD', UTC
    calls INTEGER NOT NULL DEFAULT 0,   -- every keyed request
    rate_limited INTEGER NOT NULL DEFAULT 0,
    quota_refused INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
) WITHOUT ROWID;

-- Request metadata (never the key, never query values). Migration 3 moves
-- it into blocks (`request_log_blocks`) and leaves a view of this name.
CREATE TABLE request_log (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,              -- Unix milliseconds
    request_id TEXT NOT NULL,
    key_id TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL,
    latency_us INTEGER NOT NULL
);
CREATE INDEX request_log_time ON request_log(time);

-- migration: 2

-- Webhooks (SPEC section 3). A subscription belongs to an API key and holds
-- its filters as a JSON object of `/jobs` parameters (name → string), exactly
-- as validated at creation; the matcher parses them with the same code as
-- `/jobs` whenever it loads them. During the 24 h after a rotation the
-- previous secret signs too, until `previous_secret_expires_at`. All times in
-- the webhook tables are Unix milliseconds.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    filters TEXT NOT NULL DEFAULT '{}',
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_expires_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    disabled_at INTEGER,
    created_at INTEGER NOT NULL,
    -- delivery health: `failing_since` is the first failed attempt after the
    -- last success (NULL while healthy); the endpoint is disabled once that
    -- is older than --webhook-disable-after-days.
    last_success_at INTEGER,
    last_failure_at INTEGER,
    failing_since INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    -- messages that ended delivered or failed (kept here because messages
    -- have no index by subscription; see below).
    delivered_count INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_subscriptions_key ON webhook_subscriptions(key_id);

-- The writer keeps an in-memory index of active subscriptions for matching;
-- any change that can alter what matches gives this setting a new random
-- value, so the index notices (even after a rolled-back change) and reloads.
INSERT INTO settings VALUES ('webhooks_generation', '0');
CREATE TRIGGER webhook_subscriptions_changed_insert AFTER INSERT ON webhook_subscriptions BEGIN
    UPDATE settings SET value = CAST(random() AS TEXT) WHERE name = 'webhooks_generation';
END;
CREATE TRIGGER webhook_subscriptions_changed_update AFTER UPDATE OF filters, active, key_id ON webhook_subscriptions BEGIN
    UPDATE settings SET value = CAST(random() AS TEXT) WHERE name = 'webhooks_generation';
END;
CREATE TRIGGER webhook_subscriptions_changed_delete AFTER DELETE ON webhook_subscriptions BEGIN
    UPDATE settings SET value = CAST(random() AS TEXT) WHERE name = 'webhooks_generation';
END;

-- The outbox: one message per (event, subscription), written in the same
-- transaction as the ingest that caused it, so a committed job's messages
-- survive any crash. `id` is the `webhook-id` header, stable across retries
-- (16 random base62 characters).
--
-- A `job.created` message names its job (`job_id`) instead of carrying a
-- copy: the body (`{"type", "timestamp", "data": <jobs.doc>}`, `timestamp`
-- being `created_at`) is put together when it is sent, so a job matching
-- fifty subscriptions is not written fifty-one times, and a job deleted or
-- judged spam before its delivery is not sent. Other events (`webhook.test`)
-- keep their body in `payload`.
--
-- An ingest can queue a hundred thousand messages, so this table has only
-- indexes that grow at one end: by `seq` and by due time. An index by
-- subscription would put nearly every message into a different page, each
-- rewritten to the WAL at the commit: it made a message insert about three
-- times as expensive (docs/webhooks-bench.md). Lookups by subscription
-- (its pending messages, when it is deleted or disabled, or its endpoint is
-- held back) walk the pending messages by due time instead; `id`,
-- `subscription_id` and `job_id` have no index and no foreign key.
CREATE TABLE webhook_messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    job_id TEXT,
    payload BLOB,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    finished_at INTEGER                 -- once delivered or failed
);
-- The delivery worker's question, "which pending messages are due?", walks
-- this index in due order and stops after a batch.
CREATE INDEX webhook_messages_due ON webhook_messages(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_messages_finished ON webhook_messages(finished_at) WHERE status <> 'pending';

-- Every delivery attempt, kept --log-retention-days (30 by default). Rows
-- arrive in time order, so pruning walks `id` and needs no index on time.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    time INTEGER NOT NULL,              -- when the attempt started
    success INTEGER NOT NULL,
    status_code INTEGER,                -- NULL when no answer came (timeout, refused, network)
    latency_ms INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_subscription ON webhook_attempts(subscription_id, time);

-- migration: 3

-- The request log in blocks: a row per up to 1,000 requests of a flush
-- (`store::usage::LOG_ENTRIES_PER_BLOCK`), its entries a JSON array of
-- `[time, request_id, key_id, method, route, status, latency_us]` arrays,
-- oldest first (time in Unix milliseconds). A row per request cost the
-- writer more than the busiest handler did; a block costs one insert.
-- Rows arrive in time order, so the tail walks `id` backwards and pruning
-- walks it forwards: no index on time.
CREATE TABLE request_log_blocks (
    id INTEGER PRIMARY KEY,
    first_time INTEGER NOT NULL,        -- of its oldest entry
    last_time INTEGER NOT NULL,         -- of its newest entry
    requests INTEGER NOT NULL,          -- entries in the block
    entries TEXT NOT NULL
);
INSERT INTO request_log_blocks (first_time, last_time, requests, entries)
SELECT min(time), max(time), count(*),
       json_group_array(json_array(time, request_id, key_id, method, route, status, latency_us) ORDER BY id)
FROM request_log GROUP BY id / 1000 ORDER BY id / 1000;
DROP TABLE request_log;
-- The entries one per row, as the table before blocks had them, for
-- reading with the sqlite3 shell.
CREATE VIEW request_log AS
SELECT b.id * 1000 + e.key AS id,
       e.value ->> 0 AS time, e.value ->> 1 AS request_id, e.value ->> 2 AS key_id,
       e.value ->> 3 AS method, e.value ->> 4 AS route, e.value ->> 5 AS status, e.value ->> 6 AS latency_us
FROM request_log_blocks b, json_each(b.entries) e;

-- migration: 4

-- Near-duplicates, exact repeats included, are found in memory
-- (`ingest::dedup`); no query reads this index, and every ingest paid a
-- random B-tree insert for it.
DROP INDEX jobs_exact_fingerprint;

-- migration: 5

-- Room for 1,048,576 jobs posted in the same second (it was 4,096): a feed
-- that gives only dates, or rounds its times, can put a day's jobs in one
-- second. seq = posted_on * 1048576 + n from now on (`store::jobs::
-- SEQS_PER_SECOND`); stored rows move to the new encoding, in two passes so
-- that no row ever takes a seq another still holds (first far below every
-- seq, old or new, then to their places), and the FTS index, whose rowid is
-- the seq, is rebuilt. Cursors handed out before the upgrade name old seqs
-- and end their paging.
UPDATE jobs SET seq = seq - 4611686018427387904;
UPDATE jobs SET seq = ((seq + 4611686018427387904) >> 12) * 1048576 + ((seq + 4611686018427387904) & 4095);
UPDATE job_terms SET seq = seq - 4611686018427387904;
UPDATE job_terms SET seq = ((seq + 4611686018427387904) >> 12) * 1048576 + ((seq + 4611686018427387904) & 4095);
INSERT INTO jobs_fts(jobs_fts) VALUES ('rebuild');

-- migration: 6

-- Secrets replaced by a rotation that still sign: a second rotation within
-- a day keeps the first one's old secret signing until its own expiry, as
-- promised when it was rotated (a client that retried a rotation whose
-- answer it lost still holds it). A JSON array of [secret, expires_at]
-- pairs (milliseconds), at most five, pruned as they expire.
ALTER TABLE webhook_subscriptions ADD COLUMN retired_secrets TEXT NOT NULL DEFAULT '[]';
