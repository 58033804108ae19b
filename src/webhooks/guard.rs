//! The SSRF guard: webhook targets must be public addresses.
//!
//! A subscriber chooses the URL the server will POST to, so without a guard
//! any Business key could make the server call its own admin API on
//! loopback, a database on the private network, or the cloud metadata
//! service at 169.254.169.254. Targets are checked when a subscription is
//! created (400 with the reason) and again at every delivery, because DNS
//! answers change. At delivery the check sits inside the HTTP client's
//! resolver ([`GuardedResolver`]): the client connects only to addresses the
//! guard has just approved, so a name that resolves to a public address for
//! the check and to a private one for the connection (DNS rebinding) gets
//! nowhere. `--webhook-allow-private` lets targets on loopback and private
//! networks through, for air-gapped installs whose receivers are there; the
//! cloud metadata address, link-local, unspecified, multicast, broadcast
//! and reserved addresses stay refused even then (no receiver lives there).

use hyper::Uri;
use hyper_util::client::legacy::connect::dns::Name;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The longest target URL accepted.
pub const MAX_URL_CHARS: usize = 2_000;

/// How long a creation-time DNS check may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an address may not be a webhook target, or None when it may.
pub fn blocked_reason(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => blocked_v4(v4),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

/// Kinds of address refused even with `--webhook-allow-private`.
const REFUSED_EVEN_WHEN_PRIVATE: &[&str] = &[
    METADATA,
    "an unspecified (\"this network\") address",
    "an unspecified address",
    "a link-local address",
    "a multicast address",
    "the broadcast address",
    "a reserved address",
];

const METADATA: &str = "the cloud metadata address";

/// Why an address may not be a target under this server's setting, and
/// whether the setting could allow it.
fn refused(address: IpAddr, allow_private: bool) -> Option<(&'static str, bool)> {
    let why = blocked_reason(address)?;
    let always = REFUSED_EVEN_WHEN_PRIVATE.contains(&why);
    (always || !allow_private).then_some((why, !always))
}

fn blocked_v4(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    if address == Ipv4Addr::new(169, 254, 169, 254) {
        return Some(METADATA);
    }
    let reason = match (a, b, c) {
        (0, _, _) => "an unspecified (\"this network\") address",
        (10, _, _) => "a private address",
        (100, 64..=127, _) => "a carrier-grade NAT address",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address",
        (172, 16..=31, _) => "a private address",
        (192, 0, 0) => "an IETF protocol address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a 6to4 relay address",
        (192, 168, _) => "a private address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (255, 255, 255) if address == Ipv4Addr::BROADCAST => "the broadcast address",
        (240..=255, _, _) => "a reserved address",
        _ => return None,
    };
    Some(reason)
}

fn blocked_v6(address: Ipv6Addr) -> Option<&'static str> {
    // Addresses that carry an IPv4 address are judged by it, so that
    // ::ffff:127.0.0.1 is as refused as 127.0.0.1.
    if let Some(v4) = embedded_v4(address) {
        return blocked_v4(v4);
    }
    let segments = address.segments();
    // AWS's metadata service on IPv6.
    if segments == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] {
        return Some(METADATA);
    }
    let reason = if address.is_unspecified() {
        "an unspecified address"
    } else if address.is_loopback() {
        "a loopback address"
    } else if segments[0] & 0xfe00 == 0xfc00 {
        "a unique-local (private) address"
    } else if segments[0] & 0xffc0 == 0xfe80 {
        "a link-local address"
    } else if segments[0] & 0xffc0 == 0xfec0 {
        "a site-local (private) address"
    } else if segments[0] & 0xff00 == 0xff00 {
        "a multicast address"
    } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        "a documentation address"
    } else if segments[0] == 0x0100 && segments[1..4] == [0, 0, 0] {
        "a discard-only address"
    } else if segments[0] == 0x2001 && segments[1] < 0x0200 {
        "an IETF protocol address"
    } else {
        return None;
    };
    Some(reason)
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::`) address.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let from = |high: u16, low: u16| Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8);
    match segments {
        [0, 0, 0, 0, 0, 0xffff, high, low] => Some(from(high, low)),
        // `::1` and `::` are judged as IPv6 (loopback, unspecified).
        [0, 0, 0, 0, 0, 0, high, low] if high != 0 => Some(from(high, low)),
        [0x0064, 0xff9b, 0, 0, 0, 0, high, low] => Some(from(high, low)),
        [0x2002, high, low, ..] => Some(from(high, low)),
        _ => None,
    }
}

/// Checks a target URL's shape: http or https, a host, at most
/// [`MAX_URL_CHARS`] characters, no credentials. Returns the parsed URI.
pub fn parse_target(url: &str) -> Result<Uri, String> {
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("Invalid url: longer than {MAX_URL_CHARS} characters"));
    }
    let uri: Uri = url.trim().parse().map_err(|_| "Invalid url: not an absolute http or https URL".to_string())?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err("Invalid url: only http and https URLs are accepted".into()),
    }
    let authority = uri.authority().ok_or_else(|| "Invalid url: it has no host".to_string())?;
    if authority.as_str().contains('@') {
        return Err("Invalid url: credentials in the URL are not accepted".into());
    }
    if authority.host().is_empty() {
        return Err("Invalid url: it has no host".into());
    }
    if authority.host().contains('%') {
        return Err("Invalid url: IPv6 zone identifiers (%) are not accepted".into());
    }
    // (`Authority::port` is None for a port that does not fit a u16.)
    let port = authority.as_str().rsplit_once(':').filter(|(head, _)| !head.contains('[') || head.ends_with(']'));
    if let Some((_, port)) = port
        && !(port.bytes().all(|byte| byte.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|port| port >= 1))
    {
        return Err("Invalid url: the port must be from 1 to 65535".into());
    }
    Ok(uri)
}

/// The host of a URI without IPv6 brackets or a final dot (`localhost.` is
/// `localhost`, and `127.0.0.1.` the address).
pub fn host_of(uri: &Uri) -> &str {
    let host = uri.host().unwrap_or("");
    let host = host.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).unwrap_or(host);
    host.strip_suffix('.').unwrap_or(host)
}

/// A target's refusal, worded for the subscriber.
fn refusal(host: &str, address: IpAddr, (why, settable): (&str, bool)) -> String {
    let rule = if settable {
        "targets must be public addresses (the operator can allow private ones with --webhook-allow-private)"
    } else {
        "no webhook target may be one"
    };
    if host == address.to_string() {
        format!("Webhook URL refused: {address} is {why}; {rule}")
    } else {
        format!("Webhook URL refused: {host} resolves to {address}, {why}; {rule}")
    }
}

/// Checks an address literal without resolving anything: Some(refusal)
/// when the host is an IP address the guard refuses.
pub fn check_literal(uri: &Uri, allow_private: bool) -> Option<String> {
    let host = host_of(uri);
    let address: IpAddr = host.parse().ok()?;
    refused(address, allow_private).map(|reason| refusal(host, address, reason))
}

/// Resolves a target's host and refuses it when any of its addresses is
/// not public (creation-time check). With `allow_private` nothing is checked.
///
/// A name that does not resolve now is accepted: DNS may be down or the
/// receiver not yet published, and an install without outside DNS must
/// still be able to register its targets. Nothing is lost by waiting:
/// every delivery resolves the name again and connects only to addresses
/// that pass the same check, so an attempt to a private address fails
/// then, and a name that never resolves shows in the deliveries log.
pub async fn check_target(uri: &Uri, allow_private: bool) -> Result<(), String> {
    let host = host_of(uri).to_string();
    if host.parse::<IpAddr>().is_ok() {
        return check_literal(uri, allow_private).map_or(Ok(()), Err);
    }
    match resolve_checked(host, allow_private).await {
        Err(Unresolved::Refused(refusal)) => Err(refusal),
        Ok(_) | Err(Unresolved::NoAnswer(_)) => Ok(()),
    }
}

/// Why `resolve_checked` gave no addresses to connect to.
enum Unresolved {
    /// The name resolved to an address the guard refuses.
    Refused(String),
    /// The name did not resolve (an error or the 5-s timeout).
    NoAnswer(String),
}

/// Resolves `host` and refuses the whole answer when one address is not
/// public: a name that mixes public and private answers is not trusted.
async fn resolve_checked(host: String, allow_private: bool) -> Result<Vec<SocketAddr>, Unresolved> {
    let lookup = tokio::net::lookup_host((host.clone(), 0));
    let addresses: Vec<SocketAddr> = match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
        Ok(Ok(addresses)) => addresses.collect(),
        Ok(Err(error)) => {
            return Err(Unresolved::NoAnswer(format!("{host} could not be resolved ({error})")));
        }
        Err(_) => return Err(Unresolved::NoAnswer(format!("resolving {host} took longer than 5 s"))),
    };
    for address in &addresses {
        if let Some(reason) = refused(address.ip(), allow_private) {
            return Err(Unresolved::Refused(refusal(&host, address.ip(), reason)));
        }
    }
    Ok(addresses)
}

/// The webhook client's DNS resolver: resolves, then lets the connection
/// go only to addresses that passed the guard (see the module docs).
#[derive(Clone, Debug)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl tower_service::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            resolve_checked(host, allow_private).await.map(Vec::into_iter).map_err(|unresolved| match unresolved {
                Unresolved::Refused(message) => std::io::Error::new(std::io::ErrorKind::PermissionDenied, message),
                Unresolved::NoAnswer(message) => std::io::Error::new(std::io::ErrorKind::NotFound, message),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(address: &str, blocked: bool) {
        let parsed: IpAddr = address.parse().unwrap();
        assert_eq!(blocked_reason(parsed).is_some(), blocked, "{address}: {:?}", blocked_reason(parsed));
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for address in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.10",
            "198.51.100.1",
            "203.0.113.7",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:c0a8:0101::1",
        ] {
            check(address, true);
        }
    }

    #[test]
    fn public_addresses_pass() {
        for address in
            ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]
        {
            check(address, false);
        }
    }

    #[test]
    fn urls_are_checked_for_shape() {
        assert!(parse_target("https://example.com/hook").is_ok());
        assert!(parse_target("http://[2606:4700::1111]:8080/x").is_ok());
        assert!(parse_target("ftp://example.com/").unwrap_err().contains("only http and https"));
        assert!(parse_target("example.com/hook").is_err());
        assert!(parse_target("https://user:pass@example.com/").unwrap_err().contains("credentials"));
        assert!(parse_target(&format!("https://example.com/{}", "a".repeat(2_000))).unwrap_err().contains("longer"));
    }

    #[test]
    fn literals_are_refused_without_resolving() {
        let uri = parse_target("http://[::ffff:127.0.0.1]:9000/").unwrap();
        assert!(check_literal(&uri, false).unwrap().contains("loopback"));
        assert_eq!(check_literal(&uri, true), None);
        let uri = parse_target("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(check_literal(&uri, false).unwrap().contains("metadata"));
        // Allowing private targets does not open these.
        for target in [
            "http://169.254.169.254/",
            "http://[fd00:ec2::254]/",
            "http://0.0.0.0:8080/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[fe80::1]/",
        ] {
            let uri = parse_target(target).unwrap();
            let refusal = check_literal(&uri, true).unwrap_or_else(|| panic!("{target} allowed"));
            assert!(refusal.ends_with("no webhook target may be one"), "{refusal}");
        }
        for target in ["http://127.0.0.1:9000/", "http://10.1.2.3/", "http://[fd12::1]/"] {
            assert_eq!(check_literal(&parse_target(target).unwrap(), true), None, "{target}");
        }
        // A final dot does not hide an address.
        assert!(check_literal(&parse_target("http://127.0.0.1./").unwrap(), false).unwrap().contains("loopback"));
    }

    #[test]
    fn ports_and_zone_identifiers_are_checked() {
        for bad in [
            "http://127.0.0.1:99999/x",
            "http://example.com:0/",
            "http://example.com:70000/",
            "http://example.com:+80/",
        ] {
            assert_eq!(parse_target(bad).unwrap_err(), "Invalid url: the port must be from 1 to 65535", "{bad}");
        }
        assert!(parse_target("http://[fe80::1%25eth0]/").unwrap_err().contains("zone"));
        assert!(parse_target("https://example.com:8443/hook").is_ok());
    }
}
