//! `upjobs serve` settings: every flag, its default, and its environment
//! variable (`UPJOBS_<FLAG>`), in one place.

use clap::builder::BoolishValueParser;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// The database file (created if missing).
    #[arg(long, env = "UPJOBS_DB", default_value = "./upjobs.db")]
    pub db: PathBuf,
    /// Address to listen on (port 0 picks a free port and prints it).
    #[arg(long, env = "UPJOBS_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// If the store is empty: 5,000 synthetic jobs, one key per plan, printed.
    #[arg(long, env = "UPJOBS_DEMO", value_parser = BoolishValueParser::new())]
    pub demo: bool,
    /// The admin token itself (prefer --admin-token-file; never logged).
    #[arg(long, env = "UPJOBS_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// A file whose first line is the admin token.
    #[arg(long, env = "UPJOBS_ADMIN_TOKEN_FILE")]
    pub admin_token_file: Option<PathBuf>,
    /// PEM certificate chain for HTTPS (with --tls-key).
    #[arg(long, env = "UPJOBS_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS (with --tls-cert).
    #[arg(long, env = "UPJOBS_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A folder watched for *.ndjson / *.json files to ingest.
    #[arg(long, env = "UPJOBS_INBOX")]
    pub inbox: Option<PathBuf>,
    /// An HTTP(S) URL polled for jobs (repeatable).
    #[arg(long = "feed", env = "UPJOBS_FEED", value_delimiter = ',', value_parser = parse_feed)]
    pub feeds: Vec<String>,
    /// How often feeds are polled, in seconds.
    #[arg(long, env = "UPJOBS_FEED_INTERVAL", default_value_t = 300)]
    pub feed_interval: u64,
    /// Log format.
    #[arg(long, env = "UPJOBS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
    /// Spam score at or above which a job is hidden.
    #[arg(
        long,
        env = "UPJOBS_SPAM_THRESHOLD",
        default_value_t = crate::ingest::spam::DEFAULT_SPAM_THRESHOLD,
        allow_negative_numbers = true,
        value_parser = parse_threshold
    )]
    pub spam_threshold: f64,
    /// Webhook retry delays, comma-separated (`5s,5m,30m,2h,5h,10h,10h`).
    #[arg(
        long,
        env = "UPJOBS_WEBHOOK_RETRY_SCHEDULE",
        default_value = "5s,5m,30m,2h,5h,10h,10h",
        value_parser = parse_schedule_flag
    )]
    pub webhook_retry_schedule: String,
    /// Allow webhook targets on loopback and private networks (air-gapped installs).
    #[arg(long, env = "UPJOBS_WEBHOOK_ALLOW_PRIVATE", value_parser = BoolishValueParser::new())]
    pub webhook_allow_private: bool,
    /// Disable an endpoint after every message failed for this many days.
    #[arg(long, env = "UPJOBS_WEBHOOK_DISABLE_AFTER_DAYS", default_value_t = 5)]
    pub webhook_disable_after_days: u64,
    /// Never keep jobs older than this many days, whatever the keys allow.
    #[arg(long, env = "UPJOBS_MAX_RETENTION_DAYS", allow_negative_numbers = true, value_parser = parse_days)]
    pub max_retention_days: Option<i64>,
    /// Seconds between retention prunes.
    #[arg(long, env = "UPJOBS_PRUNE_INTERVAL", default_value_t = 3600)]
    pub prune_interval: u64,
    /// Days of request log and webhook attempts to keep.
    #[arg(long, env = "UPJOBS_LOG_RETENTION_DAYS", default_value_t = 30, allow_negative_numbers = true, value_parser = parse_days)]
    pub log_retention_days: i64,
    /// Most connections served at once; one more is accepted and closed at
    /// once (the client sees the connection reset and may retry).
    #[arg(long, env = "UPJOBS_MAX_CONNECTIONS", default_value_t = 4096, value_parser = parse_at_least_one)]
    pub max_connections: usize,
    /// Largest ingest body (`POST /admin/api/jobs`), bytes.
    #[arg(long, env = "UPJOBS_MAX_INGEST_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_ingest_bytes: usize,
    /// Seconds a client has to send its request headers.
    #[arg(long, env = "UPJOBS_HEADER_READ_TIMEOUT", default_value_t = 10)]
    pub header_read_timeout: u64,
    /// Seconds a request may take before it is answered 503 (exports excepted).
    #[arg(long, env = "UPJOBS_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Seconds a client may take no data of an answer (its socket full)
    /// before its connection is closed; an export it stalls gives back its
    /// turn. A client that stops reading must not hold a connection.
    #[arg(long, alias = "export-stall-timeout", env = "UPJOBS_STALL_TIMEOUT", default_value_t = 30)]
    pub stall_timeout: u64,
    /// Seconds an HTTP/2 connection may pass with no data either way before
    /// it is closed (an idle HTTP/1 connection is closed after
    /// --header-read-timeout).
    #[arg(long, env = "UPJOBS_IDLE_TIMEOUT", default_value_t = 300)]
    pub idle_timeout: u64,
    /// Read answers kept for repeated identical requests, each for at most
    /// one second and never across a write (0 turns the cache off).
    #[arg(long, env = "UPJOBS_RESPONSE_CACHE_ENTRIES", default_value_t = 128)]
    pub response_cache_entries: usize,
    /// Serve /metrics on this separate address without a token.
    #[arg(long, env = "UPJOBS_METRICS_LISTEN", value_parser = parse_listen)]
    pub metrics_listen: Option<SocketAddr>,
    /// A reverse proxy (address or CIDR block, repeatable) whose
    /// X-Forwarded-For names the client: failed authentication is then
    /// throttled per client, not per proxy.
    #[arg(long = "trusted-proxy", env = "UPJOBS_TRUSTED_PROXY", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<IpNet>,
}

/// `--trusted-proxy`: `10.0.0.0/8`, `::1/128`, or a bare address (`127.0.0.1`).
/// `--feed`: an http(s) URL; spaces around it (`a, b` in UPJOBS_FEED) go.
/// (The poller's own check, `ingest::feed::parse_feed_url`, run at start.)
fn parse_feed(value: &str) -> Result<String, String> {
    let value = value.trim();
    crate::ingest::feed::parse_feed_url(value)
        .map(|_| value.to_string())
        .map_err(|_| "expected an http:// or https:// URL".to_string())
}

/// `--spam-threshold`: a score of 0 or more.
pub fn parse_threshold(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(threshold) if threshold.is_finite() && threshold >= 0.0 => Ok(threshold),
        _ => Err("expected a number of 0 or more, such as 1 or 1.5".to_string()),
    }
}

/// Day counts (`--max-retention-days`, `--log-retention-days`): 1 to 36,500.
pub fn parse_days(value: &str) -> Result<i64, String> {
    match value.trim().parse::<i64>() {
        Ok(days) if (1..=36_500).contains(&days) => Ok(days),
        _ => Err("expected a whole number of days from 1 to 36500".to_string()),
    }
}

/// A count that must be at least one (`--max-connections`).
fn parse_at_least_one(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err("expected a whole number of 1 or more".to_string()),
    }
}

/// `--webhook-retry-schedule`, checked at start (kept as written): at
/// least one delay.
fn parse_schedule_flag(value: &str) -> Result<String, String> {
    match parse_schedule(value)? {
        delays if delays.is_empty() => Err("expected at least one delay, such as 5s,5m,30m".to_string()),
        _ => Ok(value.to_string()),
    }
}

fn parse_proxy(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| "expected an IP address or a CIDR block, such as 127.0.0.1 or 10.0.0.0/8".to_string())
}

/// `--listen` and `--metrics-listen`: an address with a port
/// (`127.0.0.1:8080`, `[::]:8080`) or a host name with a port
/// (`localhost:8080`), which binds to the name's first IPv4 address if it
/// has one (so `localhost` means 127.0.0.1, where clients look first).
fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    if let Ok(address) = value.parse::<SocketAddr>() {
        return Ok(address);
    }
    let usage = "expected an address and a port, such as 127.0.0.1:8080, 0.0.0.0:8080 or localhost:8080";
    let addresses: Vec<SocketAddr> = match value.to_socket_addrs() {
        Ok(addresses) => addresses.collect(),
        Err(error) => return Err(format!("{usage} ({error})")),
    };
    addresses.iter().find(|address| address.is_ipv4()).or(addresses.first()).copied().ok_or_else(|| usage.to_string())
}

impl ServeConfig {
    /// Settings for tests and tools: defaults, with the given database.
    pub fn for_database(db: PathBuf) -> ServeConfig {
        use clap::Parser;
        let mut config = ServeFlags::parse_from(["upjobs"]).config;
        config.db = db;
        config
    }

    pub fn retry_schedule(&self) -> Result<Vec<Duration>, String> {
        parse_schedule(&self.webhook_retry_schedule)
    }
}

/// `serve`'s flags alone, parsed as a command of their own.
#[derive(clap::Parser)]
struct ServeFlags {
    #[command(flatten)]
    config: ServeConfig,
}

/// Parses `5s,5m,30m,2h` into durations.
pub fn parse_schedule(text: &str) -> Result<Vec<Duration>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let split = item.find(|character: char| !character.is_ascii_digit()).unwrap_or(item.len());
            let (number, unit) = item.split_at(split);
            let number: u64 = number.parse().map_err(|_| format!("bad delay '{item}'"))?;
            let seconds = match unit {
                "ms" => return Ok(Duration::from_millis(number)),
                "s" | "" => number,
                "m" => number * 60,
                "h" => number * 3_600,
                "d" => number * 86_400,
                _ => return Err(format!("bad unit in '{item}' (use ms, s, m, h or d)")),
            };
            Ok(Duration::from_secs(seconds))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn the_stall_timeout_keeps_its_old_flag_name() {
        for flag in ["--stall-timeout", "--export-stall-timeout"] {
            let config = ServeFlags::try_parse_from(["upjobs", flag, "7"]).expect(flag).config;
            assert_eq!(config.stall_timeout, 7, "{flag}");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_or_blocks() {
        let config = ServeFlags::try_parse_from([
            "upjobs",
            "--trusted-proxy",
            "127.0.0.1",
            "--trusted-proxy",
            "10.1.2.3/8, ::1",
        ])
        .unwrap()
        .config;
        let proxies: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(proxies, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert!(ServeFlags::try_parse_from(["upjobs", "--trusted-proxy", "proxy.local"]).is_err());
        assert!(ServeFlags::try_parse_from(["upjobs", "--trusted-proxy", "10.0.0.0/33"]).is_err());
    }
}
