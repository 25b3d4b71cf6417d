//! IP addresses and CIDR blocks, as in `IpAddress` / `NotIpAddress` conditions on `aws:SourceIp`.
//!
//! The address itself is parsed by std's `IpAddr` parser inside a nom combinator; the block is
//! normalised to its network address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nom::bytes::complete::take_till;
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, map_res, opt, rest};
use nom::sequence::preceded;
use nom::{IResult, Parser};
use tenet_diagnostics::{Diagnostic, Edit, Span};

use super::codes::{CIDR_HOST_BITS_SET, INVALID_CIDR_PREFIX, INVALID_IP_ADDRESS};
use super::{maps_exactly, range_in, sub_span};

/// A CIDR block; a bare address is a block of one (`/32` or `/128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    /// The network address: host bits are cleared.
    pub addr: IpAddr,
    /// The prefix length, at most 32 for IPv4 and 128 for IPv6.
    pub prefix: u8,
    /// Whether the written address had host bits set (`10.0.0.1/8`).
    pub host_bits_set: bool,
}

/// Private, loopback, link-local and shared address space.
const PRIVATE_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
];

/// Loopback, unique-local and link-local IPv6 space.
const PRIVATE_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::LOCALHOST, 128),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
];

impl Cidr {
    /// Whether the whole block lies in private (RFC 1918), loopback, link-local or shared
    /// (100.64.0.0/10) space, or in `::1`, `fc00::/7`, `fe80::/10`. Such ranges never match
    /// `aws:SourceIp` for requests that reach AWS over the internet.
    pub fn is_private(&self) -> bool {
        match self.addr {
            IpAddr::V4(addr) => PRIVATE_V4
                .iter()
                .any(|&(net, len)| self.prefix >= len && mask_v4(u32::from(addr), len) == u32::from(net)),
            IpAddr::V6(addr) => PRIVATE_V6
                .iter()
                .any(|&(net, len)| self.prefix >= len && mask_v6(u128::from(addr), len) == u128::from(net)),
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

const ADDRESS_HELP: &str = "write an ipv4 block such as `203.0.113.0/24` or an ipv6 block such as `2001:db8::/32`";

/// Parses an address with an optional `/prefix`. Returns `None` when the address or prefix is
/// malformed.
pub fn parse_cidr(s: &str, span: Span) -> (Option<Cidr>, Vec<Diagnostic>) {
    let Ok((_, (address_text, prefix_text))) = cidr(s) else {
        return (None, vec![invalid_address(s, s, span)]);
    };
    let Ok((_, addr)) = all_consuming(ip_address).parse(address_text) else {
        return (None, vec![invalid_address(s, address_text, span)]);
    };
    let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix_text {
        None => max,
        Some(text) => match all_consuming(prefix_length).parse(text) {
            Ok((_, prefix)) if prefix <= max => prefix,
            _ => return (None, vec![invalid_prefix(s, text, max, span)]),
        },
    };
    let network = network_of(addr, prefix);
    let cidr = Cidr {
        addr: network,
        prefix,
        host_bits_set: network != addr,
    };
    let diagnostics = if cidr.host_bits_set {
        vec![host_bits(s, &cidr, span)]
    } else {
        Vec::new()
    };
    (Some(cidr), diagnostics)
}

/// `cidr = ip_address [ "/" prefix_length ] ;` (this parser splits the text; the parts are parsed
/// by [`ip_address`] and [`prefix_length`])
fn cidr(i: &str) -> IResult<&str, (&str, Option<&str>)> {
    (take_till(|c| c == '/'), opt(preceded(char('/'), rest))).parse(i)
}

/// `ip_address = ipv4_address | ipv6_address ;` (std's parsers; no zone ids, no leading zeros)
fn ip_address(i: &str) -> IResult<&str, IpAddr> {
    map_res(rest, str::parse::<IpAddr>).parse(i)
}

/// `prefix_length = digit { digit } ;` (a number that fits a `u8`; the family's maximum is
/// checked by the caller)
fn prefix_length(i: &str) -> IResult<&str, u8> {
    map_res(digit1, str::parse::<u8>).parse(i)
}

fn mask_v4(bits: u32, prefix: u8) -> u32 {
    bits & u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0)
}

fn mask_v6(bits: u128, prefix: u8) -> u128 {
    bits & u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0)
}

fn network_of(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(a), prefix))),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(a), prefix))),
    }
}

fn invalid_address(s: &str, address: &str, span: Span) -> Diagnostic {
    // An empty address (`/8`) is pointed at through the whole value rather than an empty span.
    let range = if address.is_empty() {
        0..s.len()
    } else {
        range_in(s, address)
    };
    let at = sub_span(span, s, range);
    INVALID_IP_ADDRESS
        .at(at, format!("`{address}` is not an ip address"))
        .with_help(ADDRESS_HELP)
}

fn invalid_prefix(s: &str, prefix: &str, max: u8, span: Span) -> Diagnostic {
    let range = range_in(s, prefix);
    let at = sub_span(span, s, range.start.saturating_sub(1)..range.end);
    let family = if max == 32 { "ipv4" } else { "ipv6" };
    INVALID_CIDR_PREFIX
        .at(
            at,
            format!("`/{prefix}` is not a prefix length for an {family} address"),
        )
        .with_help(format!("use a prefix length from `/0` to `/{max}`"))
}

fn host_bits(s: &str, cidr: &Cidr, span: Span) -> Diagnostic {
    let at = sub_span(span, s, 0..s.len());
    let normal = cidr.to_string();
    let diagnostic = CIDR_HOST_BITS_SET
        .at(at, format!("`{s}` has host bits set"))
        .with_help(format!(
            "write the network address `{normal}`, which matches the same addresses"
        ));
    if !maps_exactly(span, s) {
        return diagnostic;
    }
    let edit = Edit {
        span: at,
        replacement: normal.clone(),
    };
    diagnostic.with_fix(format!("replace `{s}` with `{normal}`"), vec![edit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Span {
        Span::new(0, s.len() + 2)
    }

    fn parse(s: &str) -> (Option<Cidr>, Vec<Diagnostic>) {
        parse_cidr(s, lit(s))
    }

    #[test]
    fn valid_blocks() {
        for (s, shown) in [
            ("203.0.113.0/24", "203.0.113.0/24"),
            ("203.0.113.7", "203.0.113.7/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:db8::/32", "2001:db8::/32"),
            ("::1", "::1/128"),
            ("::ffff:1.2.3.4/128", "::ffff:1.2.3.4/128"),
        ] {
            let (cidr, diagnostics) = parse(s);
            assert!(diagnostics.is_empty(), "{s}: {diagnostics:?}");
            assert_eq!(cidr.map(|c| c.to_string()).as_deref(), Some(shown), "{s}");
        }
    }

    #[test]
    fn host_bits_are_cleared_and_flagged() {
        let (cidr, diagnostics) = parse("10.1.2.3/8");
        assert_eq!(
            cidr,
            Some(Cidr {
                addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)),
                prefix: 8,
                host_bits_set: true
            })
        );
        assert_eq!(diagnostics[0].code, "SYN142");
        assert_eq!(diagnostics[0].span, Span::new(1, 11));
        let fix = diagnostics[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str());
        assert_eq!(fix, Some("10.0.0.0/8"));
        let (cidr, _) = parse("2001:db8::1/32");
        assert_eq!(cidr.map(|c| c.to_string()).as_deref(), Some("2001:db8::/32"));
    }

    #[test]
    fn malformed_addresses_point_at_the_address() {
        for s in [
            "10.0.0.256/8",
            "10.0.0/8",
            "010.0.0.1",
            "fe80::1%eth0",
            "",
            "1.2.3.4 ",
            "::g/64",
        ] {
            let (cidr, diagnostics) = parse(s);
            assert_eq!(cidr, None, "{s}");
            assert_eq!(diagnostics[0].code, "SYN140", "{s}");
            let end = s.find('/').unwrap_or(s.len());
            assert_eq!(diagnostics[0].span, Span::new(1, 1 + end), "{s}");
        }
    }

    #[test]
    fn a_missing_address_points_at_the_whole_value() {
        let (_, diagnostics) = parse("/8");
        assert_eq!(diagnostics[0].span, Span::new(1, 3));
    }

    #[test]
    fn bad_prefixes_point_at_the_prefix() {
        for s in [
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/x",
            "::/129",
            "10.0.0.0/99999999999",
            "10.0.0.0/8/8",
        ] {
            let (cidr, diagnostics) = parse(s);
            assert_eq!(cidr, None, "{s}");
            assert_eq!(diagnostics[0].code, "SYN141", "{s}");
            let slash = s.find('/').unwrap_or(0);
            assert_eq!(diagnostics[0].span, Span::new(1 + slash, 1 + s.len()), "{s}");
        }
    }

    #[test]
    fn private_ranges() {
        for s in [
            "10.0.0.0/8",
            "172.16.5.0/24",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.0.0/16",
            "100.64.0.0/10",
            "::1",
            "fd00::/8",
            "fe80::/64",
        ] {
            assert!(parse(s).0.is_some_and(|c| c.is_private()), "{s}");
        }
        for s in [
            "10.0.0.0/7",
            "8.8.8.8",
            "0.0.0.0/0",
            "100.128.0.0/10",
            "2001:db8::/32",
            "fc00::/6",
        ] {
            assert!(parse(s).0.is_some_and(|c| !c.is_private()), "{s}");
        }
    }
}
