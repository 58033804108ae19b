//! Operations: HTTPS, request limits, shutdown, startup errors, and crash
//! safety, against the real server and the real binary.

mod common;

use bytes::Bytes;
use common::{ADMIN_TOKEN, job, spawn_app, spawn_app_with, start_binary};
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_upjobs")
}

/// One raw HTTP/1.1 exchange; returns the status line and the whole answer.
fn raw_request(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn malformed_http_gets_a_4xx_or_a_closed_connection() {
    let app = spawn_app().await;
    let address = app.url.trim_start_matches("http://").to_string();
    let answers = tokio::task::spawn_blocking(move || {
        [
            raw_request(&address, b"GARBAGE\r\n\r\n"),
            raw_request(&address, b"GET /health HTTP/9.9\r\n\r\n"),
            raw_request(&address, b"GET /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
            raw_request(&address, &[0xff, 0xfe, 0x00, b'\r', b'\n', b'\r', b'\n']),
        ]
    })
    .await
    .unwrap();
    for answer in answers {
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 4"), "{answer:?}");
    }
    // The server is still serving.
    assert_eq!(app.request(Method::GET, "/livez", &[], "").await.status, StatusCode::OK);
}

#[tokio::test]
async fn oversize_heads_and_bodies_are_refused() {
    let app = spawn_app_with(|config| config.max_ingest_bytes = 1024).await;
    let address = app.url.trim_start_matches("http://").to_string();
    let huge_header = format!("GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(200_000));
    let answer = tokio::task::spawn_blocking(move || raw_request(&address, huge_header.as_bytes())).await.unwrap();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431") || answer.starts_with("HTTP/1.1 400"),
        "{answer:.80}"
    );
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let big = "x".repeat(4096);
    let response = app.request(Method::POST, "/admin/api/jobs", &[("authorization", &bearer)], big).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json()["success"], false);
    let response =
        app.request(Method::POST, "/admin/api/keys", &[("authorization", &bearer)], "y".repeat(100_000)).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn slow_clients_are_cut_off() {
    let app = spawn_app_with(|config| {
        config.header_read_timeout = 1;
        config.request_timeout = 1;
    })
    .await;
    let address = app.url.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n").unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "slowloris held the connection {:?}", started.elapsed());
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer:?}");

    // A body that never finishes arriving: 408 once no data came for the
    // header read timeout (the client's fault, not a 503).
    let answer = stalled_body_answer(&app).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(answer.contains("Request body not received: no data for 1 s"), "{answer:?}");

    // With a longer body allowance, the request deadline comes first: 503.
    let app = spawn_app_with(|config| {
        config.header_read_timeout = 30;
        config.request_timeout = 1;
    })
    .await;
    let answer = stalled_body_answer(&app).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer:?}");
    assert!(answer.contains("Request timed out"), "{answer:?}");
}

/// The header read timeout on a keep-alive connection (`http/head_timer.rs`
/// shares one timer among a connection's heads): a connection that keeps
/// sending requests lives past the timeout, and one whose next head then
/// stops half-way, or never comes, is closed about a timeout later.
#[tokio::test]
async fn the_header_read_timeout_runs_afresh_for_each_request_of_a_connection() {
    let app = spawn_app_with(|config| config.header_read_timeout = 1).await;
    let address = app.url.trim_start_matches("http://").to_string();
    let outcome = tokio::task::spawn_blocking(move || {
        let request = b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n";
        let answer_of = |stream: &mut TcpStream| {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut status = String::new();
            reader.read_line(&mut status).unwrap();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            reader.read_exact(&mut vec![0; length]).unwrap();
            status
        };
        let closed_after = |stream: &mut TcpStream| {
            let waited = Instant::now();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let read = stream.read(&mut [0u8; 64]).unwrap_or(usize::MAX);
            (read, waited.elapsed())
        };
        // Six requests 400 ms apart: 2.4 s on one connection, with heads
        // that each took no time.
        let mut stream = TcpStream::connect(&address).unwrap();
        let mut statuses = Vec::new();
        for _ in 0..6 {
            stream.write_all(request).unwrap();
            statuses.push(answer_of(&mut stream));
            std::thread::sleep(Duration::from_millis(400));
        }
        // Then half a head, never finished.
        stream.write_all(b"GET /livez HTTP/1.1\r\n").unwrap();
        let half_head = closed_after(&mut stream);
        // And a connection that goes quiet after one request.
        let mut quiet = TcpStream::connect(&address).unwrap();
        quiet.write_all(request).unwrap();
        let first = answer_of(&mut quiet);
        let no_head = closed_after(&mut quiet);
        (statuses, half_head, first, no_head)
    })
    .await
    .unwrap();
    let (statuses, half_head, first, no_head) = outcome;
    assert!(statuses.iter().all(|status| status.starts_with("HTTP/1.1 200")), "{statuses:?}");
    assert!(first.starts_with("HTTP/1.1 200"), "{first:?}");
    for (read, waited) in [half_head, no_head] {
        assert_ne!(read, usize::MAX, "the connection was kept open");
        assert!(waited < Duration::from_secs(4), "closed after {waited:?}");
    }
    // Not cut short either: the half head was given about the timeout.
    assert!(half_head.1 >= Duration::from_millis(500), "closed before the timeout: {:?}", half_head.1);
}

/// The answer to a request whose body stops after its first byte.
async fn stalled_body_answer(app: &common::TestApp) -> String {
    let address = app.url.trim_start_matches("http://").to_string();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let head = format!(
            "POST /admin/api/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: 100\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut answer = vec![0u8; 4096];
        let read = stream.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..read]).into_owned()
    })
    .await
    .unwrap()
}

/// A client that sends requests and then takes none of the answers is cut
/// off after `--stall-timeout`: it must not hold its connection (one of
/// `--max-connections`) for ever. Without the limit the server would wait,
/// then send every answer once the client reads.
#[tokio::test]
async fn a_client_that_stops_reading_answers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|config| config.stall_timeout = 1).await;
    let key = app.create_key("enterprise").await;
    let options = upjobs::jobs_gen::GenOptions { count: 300, seed: 9, days: 3, now: chrono::Utc::now() };
    let jobs: Vec<serde_json::Value> =
        upjobs::jobs_gen::generate(&options).map(|job| serde_json::to_value(job).unwrap()).collect();
    app.ingest(&jobs).await;

    // 80 pipelined requests for ~200 KB answers: far more than the
    // sockets' buffers hold, and a receive buffer of 4 KiB.
    let pipelined = 80;
    let address: std::net::SocketAddr = app.url.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    let request = format!("GET /jobs?limit=100 HTTP/1.1\r\nhost: test\r\nx-api-key: {key}\r\n\r\n");
    stream.write_all(request.repeat(pipelined).as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the connection stayed open");
    let answers = received.windows(12).filter(|window| window == b"HTTP/1.1 200").count();
    assert!(answers < pipelined, "all {answers} answers were sent: the server waited for the stalled client");
    assert_eq!(app.get("/health", &key).await.status, StatusCode::OK);
}

#[tokio::test]
async fn connection_cap_closes_extra_connections() {
    let app = spawn_app_with(|config| config.max_connections = 2).await;
    let address = app.url.trim_start_matches("http://").to_string();
    let outcome = tokio::task::spawn_blocking(move || {
        let held: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(&address).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(200));
        let answer = raw_request(&address, b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        drop(held);
        std::thread::sleep(Duration::from_millis(200));
        let after = raw_request(&address, b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        (answer, after)
    })
    .await
    .unwrap();
    assert!(outcome.0.is_empty(), "a third connection is closed: {:?}", outcome.0);
    assert!(outcome.1.starts_with("HTTP/1.1 200"), "{:?}", outcome.1);
}

/// Connections that send nothing at all (no request has begun, so hyper's
/// header timer has not started) are closed after the header read timeout
/// and give their slots back.
#[tokio::test]
async fn silent_connections_do_not_hold_the_connection_slots() {
    let app = spawn_app_with(|config| {
        config.max_connections = 2;
        config.header_read_timeout = 1;
    })
    .await;
    let address = app.url.trim_start_matches("http://").to_string();
    let (held_answers, after) = tokio::task::spawn_blocking(move || {
        let mut held: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(&address).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(2_500));
        let after = raw_request(&address, b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        // The server closed the silent ones: a read sees the end at once.
        let held_answers: Vec<usize> = held
            .iter_mut()
            .map(|stream| {
                stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                stream.read(&mut [0u8; 64]).unwrap_or(usize::MAX)
            })
            .collect();
        (held_answers, after)
    })
    .await
    .unwrap();
    assert!(after.starts_with("HTTP/1.1 200"), "{after:?}");
    assert_eq!(held_answers, [0, 0], "the silent connections were closed");
}

/// An HTTP/2 connection (prior knowledge, no TLS) that goes quiet after its
/// preface is closed after `--idle-timeout`; hyper alone would keep it.
#[tokio::test]
async fn idle_http2_connections_are_closed() {
    let app = spawn_app_with(|config| config.idle_timeout = 1).await;
    let address = app.url.trim_start_matches("http://").to_string();
    let (closed_after, greeting) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // The client preface, then an empty SETTINGS frame.
        stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
        stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap();
        let started = Instant::now();
        let mut greeting = Vec::new();
        let mut chunk = [0u8; 1024];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(read) => greeting.extend_from_slice(&chunk[..read]),
            }
        }
        (started.elapsed(), greeting)
    })
    .await
    .unwrap();
    assert_eq!(greeting.get(3), Some(&4), "the server answered with its SETTINGS frame");
    assert!(closed_after >= Duration::from_millis(900), "closed too soon: {closed_after:?}");
    assert!(closed_after < Duration::from_secs(5), "the idle connection stayed open for {closed_after:?}");
}

#[tokio::test]
async fn metrics_are_prometheus_text_behind_the_token() {
    let app = spawn_app().await;
    let key = app.create_key("starter").await;
    app.get("/health", &key).await;
    app.get("/health", "upj_wrong").await;
    let metrics = app.admin(Method::GET, "/metrics", None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    let text = metrics.text();
    assert!(text.contains("upjobs_requests_total{route=\"/health\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("upjobs_request_duration_seconds_bucket{route=\"/health\""));
    assert!(text.contains("upjobs_auth_failures_total 1"));
    assert!(text.contains("upjobs_rate_limited_total"));
    assert!(text.contains("upjobs_database_size_bytes"));
    let checkpoints = |text: &str| -> u64 {
        let line = text.lines().find(|line| line.starts_with("upjobs_wal_checkpoints_total ")).unwrap_or_default();
        line.rsplit(' ').next().and_then(|count| count.parse().ok()).unwrap_or_else(|| panic!("{text}"))
    };
    assert_eq!(checkpoints(&text), 0, "{text}");

    // Past 1,000 WAL pages (16 KiB each) the checkpointer runs, and counts.
    app.state
        .store
        .writer
        .call(|writer| {
            writer.conn.execute_batch(
                "CREATE TABLE filler (x BLOB); \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) \
                 INSERT INTO filler SELECT zeroblob(16000) FROM n;",
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = app.admin(Method::GET, "/metrics", None).await.text();
        if checkpoints(&text) >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no checkpoint counted: {text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn sighup_keeps_serving_and_sigterm_drains_flushes_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (mut child, address) = start_binary(&db, &[]);
    let answer = raw_request(
        &address,
        format!("POST /admin/api/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: 34\r\nConnection: close\r\n\r\n{{\"name\":\"s\",\"plan\":\"professional\"}}").as_bytes(),
    );
    let key = answer.split("\"key\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    for _ in 0..3 {
        let answer = raw_request(
            &address,
            format!("GET /jobs HTTP/1.1\r\nHost: x\r\nX-API-KEY: {key}\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    // `systemctl reload` sends SIGHUP: with no certificate to reload, the
    // server goes on serving.
    Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "SIGHUP stopped the server");
    let answer = raw_request(&address, b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    // The counters were flushed and the WAL folded in on the way out.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let calls: i64 = conn.query_row("SELECT coalesce(sum(calls), 0) FROM usage_monthly", [], |r| r.get(0)).unwrap();
    assert_eq!(calls, 3);
    let wal = dir.path().join("t.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "WAL checkpointed");
}

/// An export whose client stopped reading does not hold the shutdown past
/// the 10-second drain: the stream is ended when the drain time is up.
#[tokio::test]
async fn a_stalled_export_does_not_hold_the_shutdown_past_the_drain() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stall.db");
    let jobs = Command::new(binary()).args(["gen", "--count", "4000", "--days", "3"]).output().unwrap();
    let mut import = Command::new(binary())
        .args(["import", "--db", db.to_str().unwrap(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    import.stdin.take().unwrap().write_all(&jobs.stdout).unwrap();
    assert!(import.wait().unwrap().success());
    let (mut child, address) = start_binary(&db, &[]);
    let answer = raw_request(
        &address,
        format!("POST /admin/api/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: 32\r\nConnection: close\r\n\r\n{{\"name\":\"s\",\"plan\":\"enterprise\"}}").as_bytes(),
    );
    let key = answer.split("\"key\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // An export on a connection with a tiny receive buffer that reads its
    // status line and then nothing more.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(address.parse().unwrap()).await.unwrap();
    let request = format!("GET /jobs/export?format=ndjson HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut start = [0u8; 12];
    stream.read_exact(&mut start).await.unwrap();
    assert_eq!(&start, b"HTTP/1.1 200", "{}", String::from_utf8_lossy(&start));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopping = Instant::now();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    assert!(exit.success(), "{exit:?}");
    // The drain waits 10 s for the export; the stop then takes little more.
    let took = stopping.elapsed();
    assert!(took < Duration::from_secs(14), "the stop took {took:?}");
    drop(stream);
}

/// An `upjobs import` stopped midway leaves the full-text index set to bulk
/// merging (stored in the file); the server sets it back when it starts.
#[test]
fn the_server_restores_continuous_search_merging_an_interrupted_import_left_off() {
    use upjobs::store::jobs::{SearchMerging, search_merge_settings, set_search_merging};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let conn = upjobs::store::open_read_write(&db).unwrap();
    upjobs::store::migrate::apply(&conn).unwrap();
    set_search_merging(&conn, SearchMerging::Bulk).unwrap();
    assert_eq!(search_merge_settings(&conn).unwrap().0, 0);

    let (mut child, _address) = start_binary(&db, &[]);
    assert_eq!(search_merge_settings(&conn).unwrap(), (4, 16));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Each of a process's threads: its name as the kernel keeps it (15 bytes)
/// and its nice value (field 19 of /proc/PID/task/TID/stat).
fn threads_of(pid: u32) -> Vec<(String, i32)> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.unwrap().path().join("stat")).ok())
        .filter_map(|stat| {
            // "tid (name) state ...": the name may hold spaces; fields after it start at 3.
            let (open, close) = (stat.find('(')?, stat.rfind(')')?);
            let nice = stat[close + 2..].split_whitespace().nth(19 - 3)?.parse().ok()?;
            Some((stat[open + 1..close].to_string(), nice))
        })
        .collect()
}

#[test]
fn background_work_runs_on_threads_of_its_own_at_a_lower_priority() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (mut child, _address) = start_binary(&db, &[]);
    // store::checkpoint's thread runs beside the writer, so commits never
    // wait for a checkpoint; webhooks::delivery has a thread and runtime of
    // its own. Both are nicer than the threads that serve requests.
    let deadline = Instant::now() + Duration::from_secs(10);
    let threads = loop {
        let threads = threads_of(child.id());
        if threads.iter().any(|(name, _)| name == "upjobs-webhooks") || Instant::now() > deadline {
            break threads;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = child.kill();
    let _ = child.wait();
    let nice_of = |wanted: &str| threads.iter().find(|(name, _)| name == wanted).map(|(_, nice)| *nice);
    let main = nice_of("upjobs").unwrap_or_else(|| panic!("no main thread: {threads:?}"));
    assert_eq!(nice_of("upjobs-writer"), Some(main), "{threads:?}");
    let serving: Vec<i32> =
        threads.iter().filter(|(name, _)| name.starts_with("tokio-")).map(|(_, nice)| *nice).collect();
    assert!(!serving.is_empty() && serving.iter().all(|nice| *nice == main), "{threads:?}");
    let lowered = (main + upjobs::background::BACKGROUND_NICE).min(19);
    assert_eq!(nice_of("upjobs-checkpoi"), Some(lowered), "{threads:?}");
    assert_eq!(nice_of("upjobs-webhooks"), Some(lowered), "{threads:?}");
}

#[test]
fn startup_errors_are_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/t.db");
    let output = Command::new(binary())
        .args(["serve", "--db", missing.to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");

    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 999").unwrap();
    let output = Command::new(binary())
        .args(["serve", "--db", newer.to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("newer upjobs"), "{stderr}");

    let bad_pem = dir.path().join("bad.pem");
    std::fs::write(&bad_pem, "not a certificate").unwrap();
    let output = Command::new(binary())
        .args(["serve", "--db", dir.path().join("t.db").to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .args(["--tls-cert", bad_pem.to_str().unwrap(), "--tls-key", bad_pem.to_str().unwrap()])
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tls-cert"), "{stderr}");
}

#[tokio::test]
async fn https_serves_http1_and_http2() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let acceptor = upjobs::tls::TlsAcceptor::load(&cert_path, &key_path).unwrap();

    let config = upjobs::config::ServeConfig::for_database(dir.path().join("t.db"));
    let (state, _) = tokio::task::spawn_blocking(move || upjobs::build(config, upjobs::clock::Clock::system()))
        .await
        .unwrap()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(upjobs::run(listener, state, Some(acceptor), std::future::pending()));

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    for (alpn, expected_version) in
        [(b"h2".to_vec(), hyper::Version::HTTP_2), (b"http/1.1".to_vec(), hyper::Version::HTTP_11)]
    {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut client_config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        client_config.alpn_protocols = vec![alpn.clone()];
        let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client_config));
        let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let tls = connector.connect(name, tcp).await.unwrap();
        let io = hyper_util::rt::TokioIo::new(tls);
        let request = hyper::Request::get("https://localhost/livez").body(Full::new(Bytes::new())).unwrap();
        let response = if alpn == b"h2" {
            let (mut sender, connection) =
                hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), io).await.unwrap();
            tokio::spawn(connection);
            sender.send_request(request).await.unwrap()
        } else {
            let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
            tokio::spawn(connection);
            sender.send_request(request).await.unwrap()
        };
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.version(), expected_version);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("\"success\":true"));
    }
}

/// Kills the server with SIGKILL in the middle of heavy ingest, again and
/// again; after each crash the database passes `upjobs check` and every
/// acknowledged record is there.
#[test]
fn kill_9_during_ingest_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut next_id = 0;
    for round in 0..20 {
        let (mut child, address) = start_binary(&db, &[]);
        let stop_at = Instant::now() + Duration::from_millis(150 + (round * 37 % 300) as u64);
        let mut in_round = Vec::new();
        while Instant::now() < stop_at {
            let ids: Vec<String> = (0..200).map(|offset| format!("crash-{}", next_id + offset)).collect();
            next_id += 200;
            let body: String = ids.iter().map(|id| format!("{}\n", job(id, 2))).collect();
            let head = format!(
                "POST /admin/api/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let answer = raw_request(&address, [head.as_bytes(), body.as_bytes()].concat().as_slice());
            if answer.starts_with("HTTP/1.1 200") && answer.contains("\"inserted\":200") {
                in_round.extend(ids);
            }
        }
        // One more batch in flight while the kill lands.
        let address_for_race = address.clone();
        let racing = std::thread::spawn(move || {
            let body: String =
                (0..500).map(|offset| format!("{}\n", job(&format!("race-{round}-{offset}"), 2))).collect();
            let head = format!(
                "POST /admin/api/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = TcpStream::connect(&address_for_race)
                .and_then(|mut stream| stream.write_all([head.as_bytes(), body.as_bytes()].concat().as_slice()));
        });
        std::thread::sleep(Duration::from_millis(20));
        child.kill().unwrap();
        child.wait().unwrap();
        racing.join().unwrap();
        acknowledged.extend(in_round);

        let check = Command::new(binary()).args(["check", "--db", db.to_str().unwrap()]).output().unwrap();
        assert!(check.status.success(), "round {round}: {}", String::from_utf8_lossy(&check.stdout));
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut statement = conn.prepare("SELECT count(*) FROM jobs WHERE id = ?1").unwrap();
        for id in &acknowledged {
            let found: i64 = statement.query_row([id], |r| r.get(0)).unwrap();
            assert_eq!(found, 1, "round {round}: acknowledged {id} is missing");
        }
    }
    assert!(acknowledged.len() >= 2_000, "the test ingested too little to mean anything: {}", acknowledged.len());
}

/// `kill -HUP` makes a running server load a new certificate without a
/// restart; a broken file keeps the old one.
#[test]
fn sighup_reloads_the_tls_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    let write = |names: Vec<String>| {
        let certified = rcgen::generate_simple_self_signed(names).unwrap();
        std::fs::write(&cert_path, certified.cert.pem()).unwrap();
        std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
        certified.cert.der().clone()
    };
    let first = write(vec!["first.test".into()]);
    let (mut child, address) = start_binary(
        &dir.path().join("t.db"),
        &["--tls-cert", cert_path.to_str().unwrap(), "--tls-key", key_path.to_str().unwrap()],
    );
    let served_certificate = |address: &str| -> Vec<u8> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            // Accept any certificate: the test only reads which one is served.
            #[derive(Debug)]
            struct AcceptAll;
            impl rustls::client::danger::ServerCertVerifier for AcceptAll {
                fn verify_server_cert(
                    &self,
                    _: &rustls::pki_types::CertificateDer<'_>,
                    _: &[rustls::pki_types::CertificateDer<'_>],
                    _: &rustls::pki_types::ServerName<'_>,
                    _: &[u8],
                    _: rustls::pki_types::UnixTime,
                ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
                    Ok(rustls::client::danger::ServerCertVerified::assertion())
                }
                fn verify_tls12_signature(
                    &self,
                    _: &[u8],
                    _: &rustls::pki_types::CertificateDer<'_>,
                    _: &rustls::DigitallySignedStruct,
                ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
                    Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
                }
                fn verify_tls13_signature(
                    &self,
                    _: &[u8],
                    _: &rustls::pki_types::CertificateDer<'_>,
                    _: &rustls::DigitallySignedStruct,
                ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
                    Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
                }
                fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
                    rustls::crypto::ring::default_provider().signature_verification_algorithms.supported_schemes()
                }
            }
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .dangerous()
                .with_custom_certificate_verifier(std::sync::Arc::new(AcceptAll))
                .with_no_client_auth();
            let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
            let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
            let name = rustls::pki_types::ServerName::try_from("first.test").unwrap();
            let tls = connector.connect(name, tcp).await.unwrap();
            tls.get_ref().1.peer_certificates().unwrap()[0].to_vec()
        })
    };
    assert_eq!(served_certificate(&address), first.to_vec());
    let second = write(vec!["second.test".into()]);
    Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while served_certificate(&address) != second.to_vec() {
        assert!(Instant::now() < deadline, "the new certificate was not loaded after SIGHUP");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::write(&cert_path, "broken").unwrap();
    Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(served_certificate(&address), second.to_vec(), "a broken file keeps the old certificate");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `upjobs serve` on a fresh database in `dir` at the shipped log level
/// (`RUST_LOG` unset), its stderr in `dir/server.log`: (child, address, log).
fn serve_logging_to_file(dir: &std::path::Path, extra: &[&str]) -> (std::process::Child, String, std::path::PathBuf) {
    let log_path = dir.join("server.log");
    let mut child = Command::new(binary())
        .args(["serve", "--db", dir.join("t.db").to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("UPJOBS_ADMIN_TOKEN", ADMIN_TOKEN)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines.next().unwrap().unwrap().rsplit("://").next().unwrap().to_string();
    std::thread::spawn(move || for _ in lines {});
    (child, address, log_path)
}

/// One JSON log line per request with the key's id, never the key itself.
#[test]
fn request_logs_name_the_key_id_never_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, address, log_path) = serve_logging_to_file(dir.path(), &["--log-format", "json"]);
    let body = r#"{"name":"log","plan":"starter"}"#;
    let created = raw_request(
        &address,
        format!(
            "POST /admin/api/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let key = created.split("\"key\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let key_id = created.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let answer = raw_request(
        &address,
        format!("GET /jobs?q=react HTTP/1.1\r\nHost: x\r\nX-API-KEY: {key}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(!log.contains(&key), "the key is in the log");
    assert!(!log.contains(&key[8..]), "part of the key is in the log");
    assert!(!log.contains(ADMIN_TOKEN), "the admin token is in the log");
    let request_line = log
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["fields"]["route"] == "/jobs")
        .unwrap_or_else(|| panic!("no JSON request line for /jobs in:\n{log}"));
    assert_eq!(request_line["fields"]["key_id"], key_id.as_str());
    assert_eq!(request_line["fields"]["status"], 200);
    assert!(request_line["fields"]["latency_us"].is_u64());
    assert!(!log.contains("q=react"), "query values stay out of the log");
}

/// The default (pretty) log: a line per request reaches the file while the
/// server keeps running (lines are written in batches by a log thread, not
/// held until exit), and no terminal colour codes go into a file.
#[test]
fn pretty_request_logs_reach_a_file_as_plain_text_while_serving() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, address, log_path) = serve_logging_to_file(dir.path(), &[]);
    for _ in 0..3 {
        let answer = raw_request(&address, b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let log = loop {
        let log = std::fs::read_to_string(&log_path).unwrap();
        if log.lines().filter(|line| line.contains("status=404")).count() == 3 || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    child.wait().unwrap();
    assert_eq!(log.lines().filter(|line| line.contains("status=404")).count(), 3, "three request lines in:\n{log}");
    assert!(!log.contains('\u{1b}'), "terminal escape codes in a log file:\n{log}");
}
