//! The `upjobs` command line: a thin layer over the library.

mod memory;

use anyhow::{Context as _, Result, bail};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Subcommand};
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::signal::unix::{Signal, SignalKind};
use upjobs::api::admin::{KeyChanges, new_key_row};
use upjobs::clock::{Clock, format_unix, parse_time_or_date};
use upjobs::config::{LogFormat, ServeConfig};
use upjobs::ingest::{IngestOptions, IngestReport, sources};
use upjobs::store::jobs::SearchMerging;
use upjobs::store::{self, Store, keys as key_rows};

#[derive(clap::Parser)]
#[command(name = "upjobs", version, about = "A self-hosted Upwork jobs API in one binary")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DbArg {
    /// The database file.
    #[arg(long, env = "UPJOBS_DB", default_value = "./upjobs.db", global = true)]
    db: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the admin page.
    Serve(Box<ServeConfig>),
    /// Ingest jobs from NDJSON or JSON-array files ('-' reads stdin).
    Import {
        #[command(flatten)]
        db: DbArg,
        /// Files to read; '-' is standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Spam score at or above which a job is hidden.
        #[arg(
            long,
            env = "UPJOBS_SPAM_THRESHOLD",
            default_value_t = upjobs::ingest::spam::DEFAULT_SPAM_THRESHOLD,
            allow_negative_numbers = true,
            value_parser = upjobs::config::parse_threshold
        )]
        spam_threshold: f64,
    },
    /// Manage API keys.
    Keys {
        #[command(flatten)]
        db: DbArg,
        /// Boxed: its options make it much larger than the other commands.
        #[command(subcommand)]
        action: Box<KeysAction>,
    },
    /// Print synthetic jobs as NDJSON on stdout.
    Gen {
        /// How many jobs.
        #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
        count: usize,
        /// Random seed: the same seed gives the same jobs.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Spread posting times over this many days before now (1 to 3650).
        #[arg(long, default_value_t = 30, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// The "now" the jobs are anchored to (RFC 3339; default: this hour).
        #[arg(long)]
        now: Option<String>,
    },
    /// Run retention pruning once.
    Prune {
        #[command(flatten)]
        db: DbArg,
        /// Never keep jobs older than this many days (1 to 36500).
        #[arg(long, env = "UPJOBS_MAX_RETENTION_DAYS", allow_negative_numbers = true, value_parser = upjobs::config::parse_days)]
        max_retention_days: Option<i64>,
        /// Days of request log and webhook attempts to keep (1 to 36500).
        #[arg(long, env = "UPJOBS_LOG_RETENTION_DAYS", default_value_t = 30, allow_negative_numbers = true, value_parser = upjobs::config::parse_days)]
        log_retention_days: i64,
    },
    /// Write a consistent copy of the database (safe while serving).
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The new file to write.
        dest: PathBuf,
    },
    /// Check integrity, print the schema version and counts.
    Check {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Create a key and print it (shown only this once).
    Create {
        /// starter, professional, business or enterprise (or a plan of yours).
        #[arg(long)]
        plan: String,
        /// Who or what the key is for.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        options: KeyOptions,
        /// Print the key record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List keys (never the keys themselves).
    List {
        /// Print the list as a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: refused from the next request on.
    Revoke {
        /// The key's id (`key_…`, from `keys list`).
        id: String,
    },
    /// Change a key's plan, name, expiry or overrides ('none' clears one).
    Update {
        /// The key's id (`key_…`, from `keys list`).
        id: String,
        /// Move the key to this plan.
        #[arg(long)]
        plan: Option<String>,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        options: KeyOptions,
    },
}

/// The key fields both `create` and `update` take. Numbers override the
/// plan's; with `update`, 'none' clears a field (back to the plan's value,
/// no expiry, no e-mail).
#[derive(clap::Args, Default)]
struct KeyOptions {
    /// Contact e-mail of the key's holder.
    #[arg(long)]
    email: Option<String>,
    /// Expiry: RFC 3339 time or YYYY-MM-DD.
    #[arg(long)]
    expires: Option<String>,
    /// Requests per minute (1 to 1000000000).
    #[arg(long, allow_negative_numbers = true)]
    rate_limit_per_min: Option<String>,
    /// Token bucket size: requests at once (1 to 1000000000).
    #[arg(long, allow_negative_numbers = true)]
    burst: Option<String>,
    /// Calls per calendar month (0 to 10^12).
    #[arg(long, allow_negative_numbers = true)]
    monthly_quota: Option<String>,
    /// Days of jobs the key sees (1 to 36500).
    #[arg(long, allow_negative_numbers = true)]
    retention_days: Option<String>,
    /// Most overage per month, in US dollars (0 to 1000000000).
    #[arg(long, allow_negative_numbers = true)]
    spending_cap_usd: Option<String>,
}

fn main() {
    // Before any other thread starts (see the module).
    memory::configure();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    if !matches!(cli.command, Command::Serve(_)) {
        // A command whose output goes to `head` or a closed pipe ends
        // quietly, as other command-line tools do, instead of failing on
        // its next write. (Not the server: a client that goes away must
        // never stop it.)
        // SAFETY: setting a signal's disposition to its default at start,
        // before any other thread exists.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let outcome = match cli.command {
        Command::Serve(config) => match matches.subcommand_matches("serve") {
            Some(serve_matches) => one_admin_token(*config, serve_matches).and_then(serve),
            None => serve(*config),
        },
        Command::Import { db, files, spam_threshold } => {
            init_logging(LogFormat::Pretty, "warn");
            import(&db.db, &files, spam_threshold)
        }
        Command::Keys { db, action } => {
            init_logging(LogFormat::Pretty, "warn");
            keys(&db.db, *action)
        }
        Command::Gen { count, seed, days, now } => gen_jobs(count, seed, days, now),
        Command::Prune { db, max_retention_days, log_retention_days } => {
            init_logging(LogFormat::Pretty, "warn");
            prune(&db.db, max_retention_days, log_retention_days)
        }
        Command::Backup { db, dest } => {
            init_logging(LogFormat::Pretty, "warn");
            backup(&db.db, &dest)
        }
        Command::Check { db } => {
            init_logging(LogFormat::Pretty, "warn");
            check(&db.db)
        }
    };
    if let Err(error) = outcome {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// The admin token comes from one place. A flag beats a variable (an
/// `UPJOBS_ADMIN_TOKEN` in the environment does not override
/// `--admin-token-file` on the command line, nor the reverse); two at the
/// same level are a mistake to point out, not to settle silently.
fn one_admin_token(mut config: ServeConfig, matches: &ArgMatches) -> Result<ServeConfig> {
    let given = config.admin_token.as_deref().is_some_and(|token| !token.trim().is_empty());
    let token = matches.value_source("admin_token").filter(|_| given);
    let file = matches.value_source("admin_token_file").filter(|_| config.admin_token_file.is_some());
    match (token, file) {
        (Some(ValueSource::EnvVariable), Some(ValueSource::CommandLine)) => config.admin_token = None,
        (Some(ValueSource::CommandLine), Some(ValueSource::EnvVariable)) => config.admin_token_file = None,
        (Some(_), Some(_)) => bail!(
            "the admin token is given twice (--admin-token / UPJOBS_ADMIN_TOKEN and --admin-token-file / \
             UPJOBS_ADMIN_TOKEN_FILE); give one"
        ),
        _ => {}
    }
    Ok(config)
}

/// Logging for the one-shot commands: a few warnings at most, written as
/// they happen.
fn init_logging(format: LogFormat, default_level: &str) {
    install_logging(format, default_level, std::io::stderr);
}

/// Logging for the server, which writes a line per request: lines go through
/// a channel to a thread that writes them in batches, so a request costs no
/// `write(2)` and no lock on stderr. Nothing is dropped: a full channel (16k
/// lines, a few MiB) makes the request thread wait, as a blocking write did.
/// Lines still queued are written when the guard drops, at the end of `serve`.
fn init_server_logging(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(16 * 1024)
        .thread_name("upjobs-log")
        .finish(BufWriter::with_capacity(64 * 1024, std::io::stderr()));
    install_logging(format, "info", writer);
    guard
}

fn install_logging<W>(format: LogFormat, default_level: &str, writer: W)
where
    W: for<'writer> tracing_subscriber::fmt::MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    // Colours only for a person at a terminal, never into a file or journal.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(writer);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.init(),
    }
}

fn open_store(db: &Path) -> Result<Store> {
    Store::open(db, Vec::new()).with_context(|| format!("opening {}", db.display()))
}

/// For commands that never ingest: no duplicate index to rebuild.
fn open_store_without_ingest(db: &Path) -> Result<Store> {
    Store::open_with(db, Vec::new(), false).with_context(|| format!("opening {}", db.display()))
}

fn serve(config: ServeConfig) -> Result<()> {
    let _log_writer = init_server_logging(config.log_format);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(async move {
        let listen = config.listen;
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|error| match error.kind() {
            std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
                "another program is using {listen}; stop it or choose another address with --listen (or UPJOBS_LISTEN)"
            ),
            std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
                "not allowed to listen on {listen}; ports below 1024 need privileges, try --listen 127.0.0.1:8080"
            ),
            _ => anyhow::anyhow!("cannot listen on {listen}: {error}"),
        })?;
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(upjobs::tls::TlsAcceptor::load(cert, key)?),
            _ => None,
        };
        let demo = config.demo;
        let config_for_build = config.clone();
        let (state, startup) =
            tokio::task::spawn_blocking(move || upjobs::build(config_for_build, Clock::system())).await??;
        let address = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // Signal handlers go in before anyone learns the address: until one
        // is installed, its signal terminates the process (no drain on
        // SIGTERM; a SIGHUP that meant "reload the certificate" kills).
        let install = |kind: SignalKind| tokio::signal::unix::signal(kind).context("installing a signal handler");
        let (terminate, interrupt) = (install(SignalKind::terminate())?, install(SignalKind::interrupt())?);
        // SIGHUP reloads the certificate; without TLS there is nothing to
        // reload, but the signal (`systemctl reload`) must not stop the server.
        tokio::spawn(reload_on_hangup(tls.clone(), install(SignalKind::hangup())?));
        let mut out = std::io::stdout().lock();
        writeln!(out, "upjobs listening on {scheme}://{address}")?;
        if let Some(token) = &startup.generated_admin_token {
            writeln!(out, "admin token (shown once, only its hash is stored): {token}")?;
            writeln!(out, "admin page: {scheme}://{address}/admin")?;
        }
        if demo {
            if startup.demo_jobs > 0 {
                writeln!(out, "demo: loaded {} synthetic jobs", startup.demo_jobs)?;
            }
            for (plan, key) in &startup.demo_keys {
                writeln!(out, "demo key ({plan}): {key}")?;
            }
            if let Some((_, key)) = startup.demo_keys.iter().find(|(plan, _)| plan == "professional") {
                writeln!(out, "try: curl -H 'X-API-KEY: {key}' '{scheme}://{address}/jobs?limit=2'")?;
            }
            if startup.demo_keys.is_empty() {
                writeln!(out, "demo: the store already has keys; they were printed when they were created")?;
            }
        }
        drop(out);
        upjobs::run(listener, state, tls, shutdown_signal(terminate, interrupt)).await?;
        tracing::info!("stopped cleanly");
        Ok(())
    });
    // Everything that must be written was written; do not wait for blocking
    // work that outlived the drain (a query still running for a client
    // that is gone).
    runtime.shutdown_timeout(Duration::from_secs(1));
    served
}

async fn shutdown_signal(mut terminate: Signal, mut interrupt: Signal) {
    tokio::select! {
        _ = interrupt.recv() => {},
        _ = terminate.recv() => {},
    }
    tracing::info!("shutting down: draining in-flight requests");
}

async fn reload_on_hangup(tls: Option<upjobs::tls::TlsAcceptor>, mut hangup: Signal) {
    while hangup.recv().await.is_some() {
        match tls.as_ref().map(upjobs::tls::TlsAcceptor::reload) {
            Some(Ok(())) => tracing::info!("TLS certificate reloaded"),
            Some(Err(error)) => tracing::error!(%error, "TLS reload failed; keeping the old certificate"),
            None => tracing::info!("SIGHUP: nothing to reload (no TLS certificate); still serving"),
        }
    }
}

/// Leaf pages per merge step at the end of an import (nothing else runs, so
/// larger steps than the server's: fewer, bigger transactions).
const IMPORT_MERGE_STEP_PAGES: i64 = 4096;

fn import(db: &Path, files: &[PathBuf], spam_threshold: f64) -> Result<()> {
    let started = Instant::now();
    // Every file is opened before anything is stored: a typo in the third
    // name should not leave the first two imported (nor a new database).
    for file in files.iter().filter(|file| file.as_os_str() != "-") {
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    let store = open_store(db)?;
    // A bulk import rereads index pages all the time, and memory is not
    // shared with a server here: a 256 MiB page cache (measured +7 % at 1M
    // jobs against 64 MiB) instead of the server's 32 MiB.
    // And a checkpoint every 256 MiB of WAL instead of every 16 MiB: pages
    // that every batch rewrites (index edges, the full-text index's
    // structure) are copied into the file once per checkpoint. The last one
    // runs below, when the import is done.
    // And no merging of the full-text index on the way (see SearchMerging):
    // it is merged into one segment at the end anyway.
    store.writer.call_blocking(|writer| {
        writer.conn.execute_batch("PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384;")?;
        store::jobs::set_search_merging(&writer.conn, SearchMerging::Bulk)
    })?;
    // Ctrl-C (or a TERM) stops the import after the batch being stored,
    // with its summary; a second one stops it at once.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, stop.clone())?;
        signal_hook::flag::register(signal, stop.clone())?;
    }
    let imported = import_files(&store, files, IngestOptions { spam_threshold }, &stop);
    // Back to the server's merge policy whatever happened; what was stored
    // stays stored.
    let restored =
        store.writer.call_blocking(|writer| store::jobs::set_search_merging(&writer.conn, SearchMerging::Continuous));
    let (total, rejected_count, failure) = imported;
    restored?;
    // A bulk load leaves the full-text index in many segments, and every
    // query opens each one: merge them into one now rather than leave it
    // to the server's next prune. Steps, not one 'optimize', so the WAL
    // never holds a copy of the whole index. Not once stopped by Ctrl-C,
    // which asks to be done: the prune merges it then.
    let merging = Instant::now();
    while !stop.load(Ordering::Relaxed)
        && store
            .writer
            .call_blocking(|writer| store::jobs::merge_search_index_step(&writer.conn, IMPORT_MERGE_STEP_PAGES))?
    {}
    let merge_seconds = merging.elapsed().as_secs_f64();
    // Fold the WAL (up to 256 MiB of it, see above) into the file, so the
    // import ends with one file and the copy counts in its time. A server
    // reading the same file may hold part of it back; that is no error.
    // (A connection of its own: a checkpoint cannot run inside the writer's
    // transactions.)
    store::open_read_write(db)?.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let seconds = started.elapsed().as_secs_f64();
    let accepted = total.accepted();
    let merged = if stop.load(Ordering::Relaxed) {
        "search index not merged: stopped early".to_string()
    } else {
        format!("search index merged in {merge_seconds:.1} s")
    };
    println!(
        "imported {} jobs ({} new, {} updated, {} duplicates, {} spam, {} rejected) in {:.1} s ({:.0} jobs/s; {merged})",
        accepted,
        total.inserted,
        total.updated,
        total.duplicates,
        total.spam,
        rejected_count,
        seconds,
        accepted as f64 / seconds.max(1e-9),
    );
    if let Some(failure) = failure {
        return Err(failure);
    }
    if accepted == 0 && rejected_count > 0 {
        bail!("no record was accepted");
    }
    Ok(())
}

/// Imports `files` in order; stops at the first file that cannot be read
/// to its end (the jobs stored before it stay stored, and the summary
/// counts them). Returns what was stored and, if it stopped early, why.
fn import_files(
    store: &Store,
    files: &[PathBuf],
    options: IngestOptions,
    stop: &AtomicBool,
) -> (IngestReport, u64, Option<anyhow::Error>) {
    let mut total = IngestReport::default();
    let mut rejected_count = 0;
    let mut failure = None;
    for file in files {
        let outcome = match import_file(store, file, options, stop) {
            Ok(outcome) => outcome,
            Err(error) => {
                failure = Some(error.context(format!("importing {}", file.display())));
                break;
            }
        };
        rejected_count += outcome.rejected_count;
        total.merge(outcome.report);
        if let Some(error) = outcome.error {
            failure = Some(anyhow::anyhow!(
                "importing {}: {error} ({} jobs stored before it stay stored)",
                file.display(),
                total.accepted()
            ));
            break;
        }
    }
    print_rejections(&total, rejected_count);
    (total, rejected_count, failure)
}

/// The first rejections, one line each, then how many more there were.
fn print_rejections(total: &IngestReport, rejected_count: u64) {
    for rejected in total.rejected.iter().take(20) {
        eprintln!("rejected line {} ({}): {}", rejected.line, rejected.id.as_deref().unwrap_or("-"), rejected.error);
    }
    let listed = total.rejected.len().min(20) as u64;
    if rejected_count > listed {
        eprintln!("... and {} more rejected records", rejected_count - listed);
    }
}

/// Imports one file (or standard input for `-`) with the server's
/// streaming reader: NDJSON line by line, a JSON array element by element
/// after a first pass that checks its syntax, so memory stays flat
/// whatever the size. A JSON array on standard input is the exception: it
/// has to be read twice, so it is read into memory first.
fn import_file(
    store: &Store,
    file: &Path,
    options: IngestOptions,
    stop: &AtomicBool,
) -> Result<sources::StreamOutcome> {
    let now = Clock::system().now_unix();
    if file.as_os_str() == "-" {
        let mut reader = BufReader::with_capacity(1 << 20, std::io::stdin());
        let first = reader.fill_buf()?.iter().find(|byte| !byte.is_ascii_whitespace()).copied();
        if first == Some(b'[') {
            let mut body = Vec::new();
            reader.read_to_end(&mut body)?;
            return Ok(sources::import_blocking(store, std::io::Cursor::new(body), options, now, stop));
        }
        return Ok(sources::import_blocking(store, sources::ForwardOnly(reader), options, now, stop));
    }
    let opened = std::fs::File::open(file).context("opening the file")?;
    let size = opened.metadata().context("reading the file's size")?.len();
    // A JSON array is read twice (syntax, then records): the bar shows
    // each pass.
    let progress = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
                .expect("a valid progress template"),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let reader = BufReader::with_capacity(1 << 20, progress.wrap_read(opened));
    let outcome = sources::import_blocking(store, reader, options, now, stop);
    progress.finish_and_clear();
    Ok(outcome)
}

fn gen_jobs(count: usize, seed: u64, days: u32, now: Option<String>) -> Result<()> {
    let now = match now {
        Some(text) => parse_time_or_date(&text).context("--now must be an RFC 3339 time or YYYY-MM-DD")?,
        None => upjobs::jobs_gen::default_anchor(),
    };
    let options = upjobs::jobs_gen::GenOptions { count, seed, days, now };
    let progress = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(count as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    // Chunks are generated and serialised on several threads; their bytes
    // equal serialising `generate` line by line.
    for chunk in upjobs::jobs_gen::ndjson_chunks(&options) {
        out.write_all(&chunk.bytes)?;
        progress.inc(chunk.jobs as u64);
    }
    out.flush()?;
    progress.finish_and_clear();
    eprintln!("generated {count} jobs (seed {seed}, {days} days up to {})", upjobs::clock::format_rfc3339(now));
    Ok(())
}

/// The flags of `keys create` / `keys update` as the admin API's JSON body,
/// checked by the same code (`KeyChanges::from_json`), so that the CLI and
/// the API accept and refuse the same things. 'none' is `null`.
fn key_changes(plan: Option<String>, name: Option<String>, options: &KeyOptions) -> Result<KeyChanges> {
    let mut body = serde_json::Map::new();
    let mut text = |field: &str, value: Option<String>| {
        if let Some(value) = value {
            body.insert(field.into(), if value == "none" { serde_json::Value::Null } else { value.into() });
        }
    };
    text("plan", plan);
    text("name", name);
    text("email", options.email.clone());
    text("expires_at", options.expires.clone());
    for (field, value) in [
        ("rate_limit_per_min", &options.rate_limit_per_min),
        ("burst", &options.burst),
        ("monthly_quota", &options.monthly_quota),
        ("retention_days", &options.retention_days),
        ("spending_cap_usd", &options.spending_cap_usd),
    ] {
        let flag = field.replace('_', "-");
        let number = match value.as_deref() {
            None => continue,
            Some("none" | "null") => serde_json::Value::Null,
            Some(text) => serde_json::from_str::<serde_json::Number>(text.trim())
                .map(serde_json::Value::Number)
                .map_err(|_| anyhow::anyhow!("--{flag}: '{text}' is not a number"))?,
        };
        body.insert(field.into(), number);
    }
    if body.is_empty() {
        bail!("nothing to change: give at least one of --plan, --name, --email, --expires or a limit");
    }
    KeyChanges::from_json(&serde_json::Value::Object(body)).map_err(|error| anyhow::anyhow!("{error}"))
}

/// Commands that read or change what a database holds refuse a path with
/// no database, instead of creating an empty one and reporting on it (a
/// mistyped --db would otherwise show no keys, or prune nothing).
fn existing_database(db: &Path) -> Result<()> {
    if !db.exists() {
        bail!("{} does not exist (check --db or UPJOBS_DB)", db.display());
    }
    Ok(())
}

fn keys(db: &Path, action: KeysAction) -> Result<()> {
    // A key can be created before the first `serve` (the file is made then);
    // listing or changing keys needs the database they are in.
    if !matches!(action, KeysAction::Create { .. }) {
        existing_database(db)?;
    }
    let is_list = matches!(action, KeysAction::List { .. });
    let store = open_store_without_ingest(db)?;
    let now = Clock::system().now_unix();
    let plan_names = || -> Result<Vec<String>> {
        Ok(store.readers.read_blocking(key_rows::plans)?.into_iter().map(|plan| plan.name).collect())
    };
    match action {
        KeysAction::Create { plan, name, options, json } => {
            let changes = key_changes(Some(plan), Some(name), &options)?;
            let plans = plan_names()?;
            if let Some(plan) = changes.plan.as_ref().filter(|plan| !plans.contains(plan)) {
                bail!("unknown plan '{plan}' (plans: {})", plans.join(", "));
            }
            let (row, key) = new_key_row(changes, now)?;
            let stored = row.clone();
            store.writer.call_blocking(move |writer| key_rows::insert_key(&writer.conn, &stored, now))?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"id": row.id, "key": key, "name": row.name, "plan": row.plan,
                        "email": row.email, "expires_at": row.expires_at.map(format_unix)})
                );
            } else {
                println!("{key}");
                eprintln!(
                    "created key {} ({}, plan {}); store it now: it is shown only once",
                    row.id, row.name, row.plan
                );
            }
        }
        KeysAction::List { json } => {
            let rows = store.readers.read_blocking(key_rows::all_keys)?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|row| {
                        serde_json::json!({"id": row.id, "name": row.name, "plan": row.plan, "prefix": row.prefix,
                            "last4": row.last4, "created_at": format_unix(row.created_at),
                            "expires_at": row.expires_at.map(format_unix), "revoked": row.revoked_at.is_some()})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                println!("{:<22} {:<13} {:<16} {:<24} {:<20} STATUS", "ID", "PLAN", "KEY", "NAME", "EXPIRES");
                for row in rows {
                    let status = match row.state(now) {
                        key_rows::KeyState::Active => "active",
                        key_rows::KeyState::Revoked => "revoked",
                        key_rows::KeyState::Expired(_) => "expired",
                    };
                    println!(
                        "{:<22} {:<13} {:<16} {:<24} {:<20} {status}",
                        row.id,
                        row.plan,
                        format!("{}…{}", row.prefix, row.last4),
                        row.name,
                        row.expires_at.map(format_unix).unwrap_or_else(|| "-".into())
                    );
                }
            }
        }
        KeysAction::Revoke { id } => {
            let target = id.clone();
            let found = store.writer.call_blocking(move |writer| key_rows::revoke_key(&writer.conn, &target, now))?;
            if !found {
                bail!("no key with id {id}");
            }
            println!("revoked {id}");
        }
        KeysAction::Update { id, plan, name, options } => {
            let changes = key_changes(plan, name, &options)?;
            if let Some(plan) = &changes.plan {
                let plans = plan_names()?;
                if !plans.contains(plan) {
                    bail!("unknown plan '{plan}' (plans: {})", plans.join(", "));
                }
            }
            let target = id.clone();
            let found = store.writer.call_blocking(move |writer| {
                let Some(mut row) = key_rows::key_by_id(&writer.conn, &target)? else { return Ok(false) };
                changes.apply(&mut row);
                key_rows::update_key(&writer.conn, &row, now)
            })?;
            if !found {
                bail!("no key with id {id}");
            }
            println!("updated {id}");
        }
    }
    // Copy the change from the WAL into the file itself, so that a copy of
    // the .db file alone has it. PASSIVE: a server reading the file is
    // never waited for (what it holds back stays in the WAL).
    if !is_list {
        store::open_read_write(db)?.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    }
    Ok(())
}

fn prune(db: &Path, max_retention_days: Option<i64>, log_retention_days: i64) -> Result<()> {
    let started = Instant::now();
    existing_database(db)?;
    let store = open_store_without_ingest(db)?;
    let mut config = ServeConfig::for_database(db.to_path_buf());
    config.max_retention_days = max_retention_days;
    config.log_retention_days = log_retention_days;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    // A first prune of a large store can take minutes: show that it runs.
    let spinner = if std::io::stderr().is_terminal() {
        let spinner = indicatif::ProgressBar::new_spinner()
            .with_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("a valid progress template"),
            )
            .with_message(format!("pruning {}", db.display()));
        spinner.enable_steady_tick(Duration::from_millis(120));
        spinner
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = runtime.block_on(upjobs::retention::prune(
        &store,
        &config,
        Clock::system().now_unix(),
        upjobs::retention::Pace::Alone,
    ));
    spinner.finish_and_clear();
    let report = report?;
    println!(
        "pruned {} jobs, {} request-log rows and {} webhook delivery records (keeping {}), merged the search index in {} steps, in {:.1} s",
        report.jobs_deleted,
        report.request_log_deleted,
        report.delivery_records_deleted,
        report.retention_days.map(|days| format!("{days} days")).unwrap_or_else(|| "all history".into()),
        report.search_index_merge_steps,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn backup(db: &Path, dest: &Path) -> Result<()> {
    let started = Instant::now();
    existing_database(db)?;
    let store = open_store_without_ingest(db)?;
    let target = dest.to_path_buf();
    store.readers.read_blocking(move |conn| store::backup::copy_to(conn, &target))?;
    let size = std::fs::metadata(dest).map(|meta| meta.len()).unwrap_or(0);
    println!(
        "backed up {} to {} ({} bytes) in {:.1} s",
        db.display(),
        dest.display(),
        size,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn check(db: &Path) -> Result<()> {
    existing_database(db)?;
    let conn = store::open_read_write(db)?;
    let version = store::migrate::current_version(&conn)?;
    let latest = store::migrate::latest_version();
    let mut problems = Vec::new();
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        problems.push(format!("integrity_check: {}", integrity.join("; ")));
    }
    if version >= 1
        && let Err(error) = conn.execute("INSERT INTO jobs_fts(jobs_fts, rank) VALUES('integrity-check', 1)", [])
    {
        problems.push(format!("full-text index: {error}"));
    }
    if version != latest {
        problems.push(format!("schema version {version}, this binary writes {latest}"));
    }
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |row| row.get(0)).unwrap_or(-1) };
    println!("database: {}", db.display());
    println!("schema version: {version} (latest {latest})");
    if version >= 1 {
        println!(
            "jobs: {} ({} visible)",
            count("SELECT count(*) FROM jobs"),
            count("SELECT count(*) FROM jobs WHERE visible = 1")
        );
        println!("keys: {}", count("SELECT count(*) FROM api_keys"));
        println!("request log rows: {}", count("SELECT coalesce(sum(requests), 0) FROM request_log_blocks"));
    }
    if problems.is_empty() {
        println!("ok");
        Ok(())
    } else {
        for problem in &problems {
            println!("problem: {problem}");
        }
        bail!("{} problem(s) found", problems.len())
    }
}
