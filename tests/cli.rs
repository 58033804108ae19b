//! The real `upjobs` binary: gen, import, check, keys, backup and serve.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ADMIN_TOKEN: &str = "cli-test-admin-token-0123456789";
const GEN_ARGS: &[&str] = &["gen", "--count", "200", "--seed", "7", "--now", "2026-01-01T00:00:00Z"];

/// The binary, with no `UPJOBS_*` setting inherited from the environment.
fn upjobs() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_upjobs"));
    for (name, _) in std::env::vars() {
        if name.starts_with("UPJOBS_") {
            command.env_remove(name);
        }
    }
    command.env_remove("RUST_LOG");
    command
}

/// Runs the binary to completion, feeding `stdin` if given.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = upjobs()
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting upjobs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        // Written from a thread so a full stdout pipe cannot deadlock us.
        std::thread::spawn(move || pipe.write_all(&input));
    }
    child.wait_with_output().expect("waiting for upjobs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs and expects success.
fn run_ok(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let output = run(args, stdin);
    assert!(output.status.success(), "upjobs {args:?} failed:\n{}\n{}", stdout(&output), stderr(&output));
    output
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The search index's FTS5 `automerge` as a reader of `db` sees it (None
/// while the file or its schema does not exist yet).
fn automerge(db: &Path) -> Option<i64> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    upjobs::store::jobs::search_merge_settings(&conn).ok().map(|(automerge, _)| automerge)
}

fn generated() -> Vec<u8> {
    run_ok(GEN_ARGS, None).stdout
}

#[test]
fn gen_is_deterministic_and_every_line_is_a_valid_job() {
    let first = generated();
    let second = generated();
    assert!(first == second, "two runs with the same seed differ");
    let other_seed = run_ok(&["gen", "--count", "200", "--seed", "8", "--now", "2026-01-01T00:00:00Z"], None).stdout;
    assert!(other_seed != first, "another seed gives the same jobs");

    let text = String::from_utf8(first).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 200);
    let anchor = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let mut ids = std::collections::HashSet::new();
    for line in lines {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}"));
        let job = upjobs::ingest::validate::validate(&value).unwrap_or_else(|error| panic!("{error}: {line}"));
        assert!(ids.insert(job.id.clone()), "id {} twice", job.id);
        // Already canonical: validation changes nothing.
        assert_eq!(serde_json::to_value(&job).unwrap(), value);
        let posted = chrono::DateTime::parse_from_rfc3339(&job.posted_on).unwrap();
        assert!(posted <= anchor && posted > anchor - chrono::Duration::days(31), "{}", job.posted_on);
        assert!(!job.title.is_empty() && !job.description.is_empty() && !job.category.slug.is_empty());
    }
}

/// Ctrl-C during an import: the batch being stored is finished, the
/// summary is printed, and the exit status says it stopped early.
#[test]
fn an_import_stopped_by_ctrl_c_ends_its_batch_and_prints_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.ndjson");
    // Two batches (5,000 and 1,000 jobs): the signal comes during the first.
    let jobs = run_ok(&["gen", "--count", "6000", "--seed", "9"], None);
    std::fs::write(&file, &jobs.stdout).unwrap();
    let db = dir.path().join("upjobs.db");
    let child = upjobs()
        .args(["import", "--db", path_arg(&db), path_arg(&file)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The store is open (its WAL exists) and the handler set just after;
    // the first batch takes longer than this in a debug build.
    let wal = dir.path().join("upjobs.db-wal");
    let waited = Instant::now();
    while !wal.exists() && waited.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success(), "a stopped import is no success");
    assert_eq!(output.status.code(), Some(1), "it exited itself, not killed by the signal: {:?}", output.status);
    let summary = stdout(&output);
    assert!(summary.starts_with("imported 5000 jobs (5000 new,"), "{summary}");
    assert!(summary.contains("search index not merged: stopped early"), "{summary}");
    assert!(stderr(&output).contains("stopped by a signal (Ctrl-C) (5000 jobs stored before it stay stored)"));
    let report = stdout(&run_ok(&["check", "--db", path_arg(&db)], None));
    assert!(report.contains("jobs: 5000 ("), "{report}");
    assert!(report.lines().any(|line| line == "ok"), "{report}");
}

#[test]
fn import_then_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.ndjson");
    std::fs::write(&file, generated()).unwrap();
    let db = dir.path().join("upjobs.db");
    let output = run_ok(&["import", "--db", path_arg(&db), path_arg(&file)], None);
    let summary = stdout(&output);
    assert!(summary.starts_with("imported 200 jobs (200 new, 0 updated,"), "{summary}");
    assert!(summary.contains("search index merged in"), "{summary}");
    assert_eq!(summary.lines().count(), 1, "one summary line: {summary}");
    // The import ends by folding its write-ahead log into the file.
    let wal_bytes = std::fs::metadata(dir.path().join("upjobs.db-wal")).map(|meta| meta.len()).unwrap_or(0);
    assert_eq!(wal_bytes, 0, "the WAL is checkpointed and truncated");
    // The import merges its search index at the end and leaves FTS5's
    // merge policy as the server wants it (unset: FTS5's defaults).
    assert_eq!(automerge(&db), Some(4));

    let output = run_ok(&["check", "--db", path_arg(&db)], None);
    let report = stdout(&output);
    assert!(report.contains("jobs: 200 ("), "{report}");
    assert!(report.lines().any(|line| line == "ok"), "{report}");

    // Importing the same file again updates in place.
    let output = run_ok(&["import", "--db", path_arg(&db), path_arg(&file)], None);
    assert!(stdout(&output).starts_with("imported 200 jobs (0 new, 200 updated,"), "{}", stdout(&output));
    assert!(stdout(&run_ok(&["check", "--db", path_arg(&db)], None)).contains("jobs: 200 ("));

    // The --db default comes from UPJOBS_DB too.
    let output = upjobs().args(["check"]).env("UPJOBS_DB", &db).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("jobs: 200 ("));
}

/// While it runs, `upjobs import` keeps FTS5 from merging segments (it
/// merges once at its end): another connection sees `automerge` 0 during
/// the import and the default again after it.
#[test]
fn import_turns_incremental_merging_off_while_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.ndjson");
    let jobs = run_ok(&["gen", "--count", "5000", "--seed", "11", "--days", "30"], None).stdout;
    std::fs::write(&file, jobs).unwrap();
    let db = dir.path().join("upjobs.db");
    let mut import = upjobs()
        .args(["import", "--db", path_arg(&db), path_arg(&file)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    let status = loop {
        if let Some(status) = import.try_wait().unwrap() {
            break status;
        }
        let value = automerge(&db);
        if seen.last() != Some(&value) {
            seen.push(value);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success());
    assert!(seen.contains(&Some(0)), "automerge values seen during the import: {seen:?}");
    assert_eq!(automerge(&db), Some(4), "after the import");
}

#[test]
fn import_reads_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let jobs = generated();
    let output = run_ok(&["import", "--db", path_arg(&db), "-"], Some(&jobs));
    assert!(stdout(&output).starts_with("imported 200 jobs (200 new,"), "{}", stdout(&output));

    // A JSON array on stdin works as well.
    let text = String::from_utf8(jobs).unwrap();
    let values: Vec<Value> = text.lines().take(50).map(|line| serde_json::from_str(line).unwrap()).collect();
    let mut array = serde_json::to_vec(&values).unwrap();
    array.splice(0..0, b"  \n".iter().copied());
    let output = run_ok(&["import", "--db", path_arg(&db), "-"], Some(&array));
    assert!(stdout(&output).starts_with("imported 50 jobs (0 new, 50 updated,"), "{}", stdout(&output));
    assert!(stdout(&run_ok(&["check", "--db", path_arg(&db)], None)).contains("jobs: 200 ("));
}

#[test]
fn import_reads_a_json_array_file_and_refuses_a_broken_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let text = String::from_utf8(generated()).unwrap();
    let mut values: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    values.insert(2, serde_json::json!({"id": "no-title", "posted_on": "2026-01-01T00:00:00Z"}));
    let array = format!("\n\n  {}\n", serde_json::to_string_pretty(&values).unwrap());
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, &array).unwrap();
    let output = run_ok(&["import", "--db", path_arg(&db), path_arg(&file)], None);
    assert!(stdout(&output).starts_with("imported 200 jobs (200 new, 0 updated,"), "{}", stdout(&output));
    assert!(stdout(&output).contains("1 rejected"), "{}", stdout(&output));
    // In an array, a record's "line" is its position.
    assert!(stderr(&output).contains("rejected line 3 (no-title)"), "{}", stderr(&output));

    // An array cut short is refused before anything of it is stored.
    let broken_db = dir.path().join("broken.db");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, &array[..array.len() / 2]).unwrap();
    let output = run(&["import", "--db", path_arg(&broken_db), path_arg(&broken)], None);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("Invalid JSON array"), "{}", stderr(&output));
    assert!(stderr(&output).contains("0 jobs stored before it"), "{}", stderr(&output));
    // A failed import sets the search index's merge policy back too.
    assert_eq!(automerge(&broken_db), Some(4));
    assert!(stdout(&run_ok(&["check", "--db", path_arg(&broken_db)], None)).contains("jobs: 0 ("));
}

#[test]
fn import_reports_bad_lines_and_keeps_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let text = String::from_utf8(generated()).unwrap();
    let good: Vec<&str> = text.lines().take(3).collect();
    let file = dir.path().join("mixed.ndjson");
    let body = [
        good[0],
        "{not json",
        good[1],
        r#"{"id": "no-title", "posted_on": "2026-01-01T00:00:00Z"}"#,
        "",
        good[2],
        r#"{"id": "bad-time", "title": "A title", "posted_on": "someday"}"#,
    ]
    .join("\n");
    std::fs::write(&file, body).unwrap();
    let output = run_ok(&["import", "--db", path_arg(&db), path_arg(&file)], None);
    assert!(stdout(&output).starts_with("imported 3 jobs (3 new, 0 updated,"), "{}", stdout(&output));
    assert!(stdout(&output).contains("3 rejected"), "{}", stdout(&output));
    let errors = stderr(&output);
    for expected in
        ["rejected line 2", "rejected line 4 (no-title)", "title", "rejected line 7 (bad-time)", "posted_on"]
    {
        assert!(errors.contains(expected), "stderr lacks {expected:?}:\n{errors}");
    }
    assert!(stdout(&run_ok(&["check", "--db", path_arg(&db)], None)).contains("jobs: 3 ("));

    // Nothing good at all: a failure, with a message.
    let only_bad = dir.path().join("bad.ndjson");
    std::fs::write(&only_bad, "{not json\n{\"id\": 5}\n").unwrap();
    let output = run(&["import", "--db", path_arg(&db), path_arg(&only_bad)], None);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("error:"), "{}", stderr(&output));
    assert!(stderr(&output).contains("rejected line 1"), "{}", stderr(&output));

    // A file that is not there.
    let output = run(&["import", "--db", path_arg(&db), "/nonexistent/jobs.ndjson"], None);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("/nonexistent/jobs.ndjson"), "{}", stderr(&output));
}

#[test]
fn keys_create_refuses_an_unknown_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let output = run(&["keys", "--db", path_arg(&db), "create", "--plan", "nope", "--name", "x"], None);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("unknown plan 'nope'"), "{message}");
    for plan in ["starter", "professional", "business", "enterprise"] {
        assert!(message.contains(plan), "the message should list the plans: {message}");
    }
    assert!(stdout(&output).is_empty(), "no key printed: {}", stdout(&output));
    let output = run(&["keys", "--db", path_arg(&db), "revoke", "key_doesnotexist"], None);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("no key with id key_doesnotexist"), "{}", stderr(&output));
}

/// A running `upjobs serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    /// Lines of stdout after the "listening" line, as they come.
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(db: &Path, extra: &[&str], startup: Duration) -> Server {
        Server::start_with(db, &[&["--listen", "127.0.0.1:0"], extra].concat(), &[], startup)
    }

    /// `serve` with these arguments (`--listen` among them) and settings.
    fn start_with(db: &Path, args: &[&str], envs: &[(&str, &str)], startup: Duration) -> Server {
        let log = std::fs::File::create(db.with_extension("stderr.log")).unwrap();
        let mut child = upjobs()
            .args(["serve", "--db", path_arg(db)])
            .args(args)
            .envs(envs.iter().copied())
            .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let (sender, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let deadline = Instant::now() + startup;
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("upjobs listening on ") {
                        break url.to_string();
                    }
                }
                Err(error) => {
                    let log = std::fs::read_to_string(db.with_extension("stderr.log")).unwrap_or_default();
                    panic!("no 'upjobs listening on' line ({error:?}); stderr:\n{log}");
                }
            }
        };
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Server { child, url, lines }
    }

    /// GET `path` with an API key; (status, body).
    fn get(&self, path: &str, key: &str) -> (u16, Value) {
        let address = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nX-API-KEY: {key}\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8(response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body}")))
    }

    /// Polls `path` until it answers `status`; fails after `within`.
    fn wait_for_status(&self, path: &str, key: &str, status: u16, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let (actual, body) = self.get(path, key);
            if actual == status {
                return;
            }
            assert!(Instant::now() < deadline, "{path} still answers {actual} after {within:?}: {body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn key_args<'a>(db: &'a Path, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["keys", "--db", path_arg(db)];
    args.extend_from_slice(rest);
    args
}

#[test]
fn keys_made_by_the_cli_work_in_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let jobs = dir.path().join("jobs.ndjson");
    // Jobs inside a starter key's window.
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let ndjson = run_ok(&["gen", "--count", "50", "--seed", "3", "--days", "5", "--now", &now], None).stdout;
    std::fs::write(&jobs, ndjson).unwrap();
    run_ok(&["import", "--db", path_arg(&db), path_arg(&jobs)], None);
    let server = Server::start(&db, &[], Duration::from_secs(60));

    let output = run_ok(&key_args(&db, &["create", "--plan", "starter", "--name", "x"]), None);
    let key = stdout(&output).trim().to_string();
    assert!(key.starts_with("upj_") && key.len() >= 36, "{key}");
    assert!(key[4..].chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
    let created = Instant::now();
    server.wait_for_status("/health", &key, 200, Duration::from_secs(2).saturating_sub(created.elapsed()));
    let (status, body) = server.get("/jobs?limit=5", &key);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 5, "{body}");
    let (_, usage) = server.get("/usage", &key);
    assert_eq!(usage["data"][0]["plan"], "starter", "{usage}");

    // The listing shows prefix…last4, never the key.
    let output = run_ok(&key_args(&db, &["list"]), None);
    let listing = stdout(&output);
    let shown = format!("{}…{}", &key[..8], &key[key.len() - 4..]);
    assert!(listing.contains(&shown), "{shown} not in:\n{listing}");
    assert!(!listing.contains(&key) && !stderr(&output).contains(&key), "the full key is listed:\n{listing}");
    let output = run_ok(&key_args(&db, &["list", "--json"]), None);
    assert!(!stdout(&output).contains(&key));
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["name"] == "x")
        .and_then(|row| row["id"].as_str())
        .unwrap()
        .to_string();

    // A consistent copy while serving.
    let copy = dir.path().join("copy.db");
    run_ok(&["backup", "--db", path_arg(&db), path_arg(&copy)], None);
    let check = stdout(&run_ok(&["check", "--db", path_arg(&copy)], None));
    assert!(check.contains("jobs: 50 (") && check.contains("keys: 1"), "{check}");

    // Revoked from the CLI: refused by the server within 2 s. (`--db` may
    // also follow the action.)
    run_ok(&["keys", "revoke", &id, "--db", path_arg(&db)], None);
    let revoked = Instant::now();
    server.wait_for_status("/health", &key, 401, Duration::from_secs(2).saturating_sub(revoked.elapsed()));
    let (_, body) = server.get("/jobs", &key);
    assert_eq!(body["success"], false);
    let output = run_ok(&key_args(&db, &["list"]), None);
    assert!(stdout(&output).lines().any(|line| line.contains(&id) && line.ends_with("revoked")), "{}", stdout(&output));
}

#[test]
fn serve_demo_prints_a_working_key_per_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    // The demo loads 5,000 jobs before it listens; a debug build takes a while.
    // Switches read from the environment take 1/0 and yes/no too, and
    // `--listen` takes a host name (`localhost` is its IPv4 address).
    let server =
        Server::start_with(&db, &["--listen", "localhost:0"], &[("UPJOBS_DEMO", "1")], Duration::from_secs(180));
    let mut keys = Vec::new();
    while keys.len() < 4 {
        let line = server.lines.recv_timeout(Duration::from_secs(30)).expect("demo keys on stdout");
        if let Some(rest) = line.strip_prefix("demo key (") {
            let (plan, key) = rest.split_once("): ").unwrap();
            keys.push((plan.to_string(), key.to_string()));
        }
    }
    let plans: Vec<&str> = keys.iter().map(|(plan, _)| plan.as_str()).collect();
    assert_eq!(plans, ["starter", "professional", "business", "enterprise"]);
    for (plan, key) in &keys {
        let (status, body) = server.get("/jobs?limit=2", key);
        assert_eq!(status, 200, "{plan}: {body}");
        assert_eq!(body["count"], 2, "{plan}: {body}");
        let (_, usage) = server.get("/usage", key);
        assert_eq!(usage["data"][0]["plan"], plan.as_str());
    }
    let (_, body) = server.get("/jobs?include_total=true&limit=1", &keys[3].1);
    assert!(body["total"].as_i64().unwrap() >= 4_900, "{body}");
}

#[test]
fn serve_refuses_a_switch_that_is_not_a_boolean_and_an_address_without_a_port() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let output = upjobs()
        .args(["serve", "--db", path_arg(&db)])
        .env("UPJOBS_DEMO", "maybe")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid value 'maybe' for '--demo'"), "{}", stderr(&output));
    let output =
        upjobs().args(["serve", "--db", path_arg(&db), "--listen", "8080"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("such as 127.0.0.1:8080"), "{}", stderr(&output));
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn serve_on_a_busy_port_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("upjobs.db");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = busy.local_addr().unwrap().to_string();
    let output = upjobs()
        .args(["serve", "--db", path_arg(&db), "--listen", &address])
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains(&address), "{message}");
    assert!(message.contains("another program is using"), "{message}");
    assert!(message.contains("--listen"), "the message should say how to pick another address: {message}");
    drop(busy);
}

#[test]
fn serve_refuses_settings_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    for (flag, value, says) in [
        ("--max-connections", "0", "expected a whole number of 1 or more"),
        ("--webhook-retry-schedule", "1x", "bad unit in '1x'"),
        ("--webhook-retry-schedule", " , ", "expected at least one delay"),
        ("--spam-threshold", "NaN", "expected a number of 0 or more"),
        ("--spam-threshold", "-1", "expected a number of 0 or more"),
        ("--max-retention-days", "0", "from 1 to 36500"),
        ("--feed", "not a url", "expected an http:// or https:// URL"),
    ] {
        let output =
            upjobs().args(["serve", "--db", path_arg(&db), flag, value]).stdin(Stdio::null()).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag} {value}: {}", stderr(&output));
        assert!(stderr(&output).contains(says), "{flag} {value}: {}", stderr(&output));
    }
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn commands_on_a_missing_database_say_so_instead_of_making_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.db");
    for args in [
        vec!["keys", "--db", path_arg(&db), "list"],
        vec!["keys", "--db", path_arg(&db), "revoke", "key_x"],
        vec!["keys", "--db", path_arg(&db), "update", "key_x", "--name", "y"],
        vec!["prune", "--db", path_arg(&db)],
        vec!["check", "--db", path_arg(&db)],
    ] {
        let output = run(&args, None);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains("does not exist (check --db or UPJOBS_DB)"), "{args:?}: {}", stderr(&output));
        assert!(!db.exists(), "{args:?} created the database");
    }
    // An import names the file it cannot read before it stores anything.
    let jobs = dir.path().join("jobs.ndjson");
    std::fs::write(&jobs, generated()).unwrap();
    let missing = dir.path().join("missing.ndjson");
    let output = run(&["import", "--db", path_arg(&db), path_arg(&jobs), path_arg(&missing)], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains(&format!("cannot read {}", missing.display())), "{}", stderr(&output));
    assert!(!db.exists(), "nothing was imported");
}

#[test]
fn an_import_that_stops_midway_still_says_what_it_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let jobs = dir.path().join("jobs.ndjson");
    std::fs::write(&jobs, generated()).unwrap();
    // A folder opens like a file but cannot be read.
    let folder = dir.path().join("folder.ndjson");
    std::fs::create_dir(&folder).unwrap();
    let output = run(&["import", "--db", path_arg(&db), path_arg(&jobs), path_arg(&folder)], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("imported 200 jobs"), "{}", stdout(&output));
    assert!(stderr(&output).contains("folder.ndjson"), "{}", stderr(&output));
    let check = run_ok(&["check", "--db", path_arg(&db)], None);
    assert!(stdout(&check).contains("jobs: 200"), "{}", stdout(&check));
}

#[test]
fn the_keys_cli_checks_what_the_admin_api_checks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    for (extra, says) in [
        (vec!["--name", " "], "Invalid name: must be a non-empty string"),
        (vec!["--name", "x", "--burst", "0"], "Invalid burst: must be an integer from 1 to 1000000000"),
        (vec!["--name", "x", "--rate-limit-per-min", "-5"], "Invalid rate_limit_per_min: must be an integer from 1"),
        (vec!["--name", "x", "--email", "nobody"], "Invalid email"),
        (vec!["--name", "x", "--burst", "lots"], "--burst: 'lots' is not a number"),
    ] {
        let args = [&["keys", "--db", path_arg(&db), "create", "--plan", "starter"][..], &extra[..]].concat();
        let output = run(&args, None);
        assert_eq!(output.status.code(), Some(1), "{extra:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(says), "{extra:?}: {}", stderr(&output));
    }
    let created =
        run_ok(&["keys", "--db", path_arg(&db), "create", "--plan", "Business", "--name", "b", "--json"], None);
    let record: Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(record["plan"], "business");
    // The key is in the file itself, not only in its WAL.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    assert!(stdout(&run_ok(&["check", "--db", path_arg(&copy)], None)).contains("keys: 1"));
    let id = record["id"].as_str().unwrap();
    let output = run(&["keys", "--db", path_arg(&db), "update", id], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("nothing to change"), "{}", stderr(&output));
}

#[test]
fn output_into_a_closed_pipe_ends_the_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let mut child =
        upjobs().args(["gen", "--count", "20000"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reading end is closed here, as `upjobs gen | head -c 16` does.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.signal(), Some(libc::SIGPIPE), "{:?}: {}", output.status, stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn an_admin_token_file_on_the_command_line_beats_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("upjobs.db");
    let file = dir.path().join("token");
    std::fs::write(&file, "token-from-the-file-0123456789\n").unwrap();
    // Server::start sets UPJOBS_ADMIN_TOKEN.
    let server = Server::start(&db, &["--admin-token-file", path_arg(&file)], Duration::from_secs(60));
    let admin = |token: &str| {
        let address = server.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET /admin/api/plans HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.split(' ').nth(1).unwrap().to_string()
    };
    assert_eq!(admin("token-from-the-file-0123456789"), "200");
    assert_eq!(admin(ADMIN_TOKEN), "401");
    drop(server);
    // Both as variables: a mistake to point out.
    let output = upjobs()
        .args(["serve", "--db", path_arg(&db), "--listen", "127.0.0.1:0"])
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("UPJOBS_ADMIN_TOKEN_FILE", path_arg(&file))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("the admin token is given twice"), "{}", stderr(&output));
}
