//! IP ranges of the `IpAddress` / `NotIpAddress` operators (`aws:SourceIp`): an address with an
//! optional `/prefix`, read with std's address parsers (no zone ids, no leading zeros).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// An IP range: an address as written and a prefix length no longer than the address width. A bare
/// address is a range of one (`/32` or `/128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

/// Why a text is not an IP range; ranges are byte ranges of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CidrError {
    /// The address part is not an IPv4 or IPv6 address (it may be empty, as in `/8`).
    Address(Range<usize>),
    /// The prefix after the `/` is not a number from 0 to `max`.
    Prefix {
        /// The prefix text, without the `/`.
        at: Range<usize>,
        /// The address family's width: 32 or 128.
        max: u8,
    },
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
    /// The address as written (host bits are kept; matching ignores them).
    pub fn addr(self) -> IpAddr {
        self.addr
    }

    /// The prefix length (32 or 128 for a bare address).
    pub fn prefix(self) -> u8 {
        self.prefix
    }

    /// The network address: the address with its host bits cleared.
    pub fn network(self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(a), self.prefix))),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(a), self.prefix))),
        }
    }

    /// Whether the written address has host bits set (`10.0.0.1/8`); it matches the same addresses
    /// as its network address.
    pub fn has_host_bits(self) -> bool {
        self.network() != self.addr
    }

    /// Whether `ip` is in the range; IPv4 and IPv6 never match each other.
    pub fn contains(self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                mask_v4(u32::from(net), self.prefix) == mask_v4(u32::from(ip), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask_v6(u128::from(net), self.prefix) == mask_v6(u128::from(ip), self.prefix)
            }
            // NOTE: IPv4 and IPv6 never match each other (no IPv4-mapped IPv6 translation).
            _ => false,
        }
    }

    /// Whether the whole range lies in private (RFC 1918), loopback, link-local or shared
    /// (100.64.0.0/10) space, or in `::1`, `fc00::/7`, `fe80::/10`. Such ranges never match
    /// `aws:SourceIp` for requests that reach AWS over the internet.
    pub fn is_private(self) -> bool {
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

/// The network form, `10.0.0.0/8`.
impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix)
    }
}

/// Reads `203.0.113.0/24`, `2001:db8::/32` or a bare address; surrounding whitespace is ignored.
///
/// This is the one CIDR reader: the evaluator matches with it, the prover encodes its result and
/// the linter reports its errors (SYN140, SYN141).
pub fn read_cidr(s: &str) -> Result<Cidr, CidrError> {
    let start = s.len() - s.trim_start().len();
    let text = s.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let addr = address
        .parse::<IpAddr>()
        .map_err(|_| CidrError::Address(start..start + address.len()))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) => {
            let at = start + address.len() + 1..start + text.len();
            let digits = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
            match p.parse::<u8>() {
                Ok(n) if digits && n <= max => n,
                _ => return Err(CidrError::Prefix { at, max }),
            }
        }
    };
    Ok(Cidr { addr, prefix })
}

/// [`read_cidr`] without the reason: `None` for anything that is not an IP range, and then
/// `IpAddress` / `NotIpAddress` with it matches nothing.
pub fn parse_cidr(s: &str) -> Option<Cidr> {
    read_cidr(s).ok()
}

fn mask_v4(bits: u32, prefix: u8) -> u32 {
    bits & u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0)
}

fn mask_v6(bits: u128, prefix: u8) -> u128 {
    bits & u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_their_network_form() {
        for (s, shown) in [
            ("203.0.113.0/24", "203.0.113.0/24"),
            ("203.0.113.7", "203.0.113.7/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("10.1.2.3/8", "10.0.0.0/8"),
            ("2001:db8::1/32", "2001:db8::/32"),
            ("::ffff:1.2.3.4/128", "::ffff:1.2.3.4/128"),
            (" 10.0.0.0/8 ", "10.0.0.0/8"),
        ] {
            assert_eq!(parse_cidr(s).map(|c| c.to_string()).as_deref(), Some(shown), "{s}");
        }
        assert_eq!(parse_cidr("10.1.2.3/8").map(Cidr::has_host_bits), Some(true));
        assert_eq!(parse_cidr("10.0.0.0/8").map(Cidr::has_host_bits), Some(false));
    }

    #[test]
    fn containment_ignores_host_bits_and_families() {
        let Some(range) = parse_cidr("10.1.2.3/8") else {
            unreachable!("a valid range")
        };
        assert!(range.contains("10.200.0.1".parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))));
        assert!(!range.contains("11.0.0.1".parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))));
        assert!(!range.contains(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert!(parse_cidr("0.0.0.0/0").is_some_and(|c| c.contains(IpAddr::V4(Ipv4Addr::BROADCAST))));
    }

    #[test]
    fn errors_are_located() {
        assert_eq!(read_cidr("10.0.0.256/8"), Err(CidrError::Address(0..10)));
        assert_eq!(read_cidr("/8"), Err(CidrError::Address(0..0)));
        assert_eq!(read_cidr("fe80::1%eth0"), Err(CidrError::Address(0..12)));
        assert_eq!(read_cidr("10.0.0.0/33"), Err(CidrError::Prefix { at: 9..11, max: 32 }));
        assert_eq!(read_cidr("::/129"), Err(CidrError::Prefix { at: 3..6, max: 128 }));
        assert_eq!(read_cidr("10.0.0.0/+8"), Err(CidrError::Prefix { at: 9..11, max: 32 }));
        assert_eq!(read_cidr("10.0.0.0/"), Err(CidrError::Prefix { at: 9..9, max: 32 }));
        assert_eq!(read_cidr("10.0.0.0/8/8"), Err(CidrError::Prefix { at: 9..12, max: 32 }));
    }

    #[test]
    fn private_ranges() {
        for s in [
            "10.0.0.0/8",
            "172.16.5.0/24",
            "192.168.1.1",
            "127.0.0.1",
            "100.64.0.0/10",
            "::1",
            "fd00::/8",
        ] {
            assert!(parse_cidr(s).is_some_and(Cidr::is_private), "{s}");
        }
        for s in [
            "10.0.0.0/7",
            "8.8.8.8",
            "0.0.0.0/0",
            "100.128.0.0/10",
            "2001:db8::/32",
            "fc00::/6",
        ] {
            assert!(parse_cidr(s).is_some_and(|c| !c.is_private()), "{s}");
        }
    }
}
