//! IP addresses and CIDR blocks, as in `IpAddress` / `NotIpAddress` conditions on `aws:SourceIp`:
//! the explanation of a rejected range (SYN140, SYN141) and of host bits (SYN142).
//!
//! Whether a text is a range, and which addresses it holds, is decided by the semantic core's one
//! CIDR reader ([`tenet_ast::semantics::read_cidr`]), the same function the evaluator and the prover
//! use; this module only locates the problem in the file and offers the network form.

use tenet_ast::semantics::{read_cidr, CidrError};
use tenet_diagnostics::{Diagnostic, Edit, Span};

use super::codes::{CIDR_HOST_BITS_SET, INVALID_CIDR_PREFIX, INVALID_IP_ADDRESS};
use super::{maps_exactly, sub_span};

pub use tenet_ast::semantics::Cidr;

const ADDRESS_HELP: &str = "write an ipv4 block such as `203.0.113.0/24` or an ipv6 block such as `2001:db8::/32`";

/// Reads an address with an optional `/prefix`, or explains why it is not one (`None`). A range
/// whose address has host bits set is read, with a warning that offers its network form.
pub fn parse_cidr(s: &str, span: Span) -> (Option<Cidr>, Vec<Diagnostic>) {
    match read_cidr(s) {
        Ok(cidr) if cidr.has_host_bits() => (Some(cidr), vec![host_bits(s, &cidr, span)]),
        Ok(cidr) => (Some(cidr), Vec::new()),
        Err(CidrError::Address(at)) => (None, vec![invalid_address(s, at, span)]),
        Err(CidrError::Prefix { at, max }) => (None, vec![invalid_prefix(s, at, max, span)]),
    }
}

fn invalid_address(s: &str, at: std::ops::Range<usize>, span: Span) -> Diagnostic {
    let address = s.get(at.clone()).unwrap_or(s);
    // An empty address (`/8`) is pointed at through the whole value rather than an empty span.
    let range = if at.is_empty() { 0..s.len() } else { at };
    INVALID_IP_ADDRESS
        .at(sub_span(span, s, range), format!("`{address}` is not an ip address"))
        .with_help(ADDRESS_HELP)
}

fn invalid_prefix(s: &str, at: std::ops::Range<usize>, max: u8, span: Span) -> Diagnostic {
    let prefix = s.get(at.clone()).unwrap_or(s);
    let with_slash = sub_span(span, s, at.start.saturating_sub(1)..at.end);
    let family = if max == 32 { "ipv4" } else { "ipv6" };
    INVALID_CIDR_PREFIX
        .at(
            with_slash,
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
        assert_eq!(cidr.map(|c| c.to_string()).as_deref(), Some("10.0.0.0/8"));
        assert!(cidr.is_some_and(|c| c.has_host_bits()));
        assert_eq!(diagnostics[0].code, "SYN142");
        assert_eq!(diagnostics[0].span, Span::new(1, 11));
        let fix = diagnostics[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str());
        assert_eq!(fix, Some("10.0.0.0/8"));
        let (cidr, _) = parse("2001:db8::1/32");
        assert_eq!(cidr.map(|c| c.to_string()).as_deref(), Some("2001:db8::/32"));
    }

    #[test]
    fn malformed_addresses_point_at_the_address() {
        for s in ["10.0.0.256/8", "10.0.0/8", "010.0.0.1", "fe80::1%eth0", "", "::g/64"] {
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
