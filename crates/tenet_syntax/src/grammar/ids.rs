//! VPC ids, VPC endpoint ids and AWS account ids, as found in `aws:SourceVpc`, `aws:SourceVpce`,
//! `aws:SourceAccount`, `aws:PrincipalAccount` and ARNs.
//!
//! Values with `*` or `?` wildcards (for `StringLike`) are accepted as they are.

use nom::bytes::complete::{tag, take_while_m_n};
use nom::combinator::{all_consuming, eof};
use nom::{IResult, Parser};
use tenet_diagnostics::{Diagnostic, Span};

use super::codes::{INVALID_ACCOUNT_ID, INVALID_VPCE_ID, INVALID_VPC_ID};
use super::{has_wildcard, sub_span};

/// Parses a VPC id such as `vpc-1a2b3c4d`. Returns the id when it is well formed or has wildcards.
pub fn parse_vpc_id(s: &str, span: Span) -> (Option<&str>, Vec<Diagnostic>) {
    if has_wildcard(s) || all_consuming(vpc_id).parse(s).is_ok() {
        return (Some(s), Vec::new());
    }
    let diagnostic = INVALID_VPC_ID
        .at(sub_span(span, s, 0..s.len()), format!("`{s}` is not a vpc id"))
        .with_help("vpc ids are `vpc-` followed by 8 or 17 lowercase hex digits, such as `vpc-1a2b3c4d`");
    (None, vec![diagnostic])
}

/// Parses a VPC endpoint id such as `vpce-1a2b3c4d`. Returns the id when it is well formed or has
/// wildcards.
pub fn parse_vpce_id(s: &str, span: Span) -> (Option<&str>, Vec<Diagnostic>) {
    if has_wildcard(s) || all_consuming(vpce_id).parse(s).is_ok() {
        return (Some(s), Vec::new());
    }
    let diagnostic = INVALID_VPCE_ID
        .at(sub_span(span, s, 0..s.len()), format!("`{s}` is not a vpc endpoint id"))
        .with_help("vpc endpoint ids are `vpce-` followed by 8 or 17 lowercase hex digits, such as `vpce-1a2b3c4d`");
    (None, vec![diagnostic])
}

/// Parses a 12-digit AWS account id. Returns the id when it is well formed or has wildcards.
pub fn parse_account_id(s: &str, span: Span) -> (Option<&str>, Vec<Diagnostic>) {
    if has_wildcard(s) || is_account_id(s) {
        return (Some(s), Vec::new());
    }
    let diagnostic = INVALID_ACCOUNT_ID
        .at(sub_span(span, s, 0..s.len()), format!("`{s}` is not an account id"))
        .with_help("account ids are 12 digits, such as `123456789012`");
    (None, vec![diagnostic])
}

/// Whether `s` is exactly 12 ASCII digits: the semantic core's reading.
pub use tenet_ast::semantics::is_account_id;

/// `vpc_id = "vpc-" resource_hex ;`
fn vpc_id(i: &str) -> IResult<&str, &str> {
    let (i, _) = tag("vpc-").parse(i)?;
    resource_hex(i)
}

/// `vpce_id = "vpce-" resource_hex ;`
fn vpce_id(i: &str) -> IResult<&str, &str> {
    let (i, _) = tag("vpce-").parse(i)?;
    resource_hex(i)
}

/// `resource_hex = 17 * hex_digit | 8 * hex_digit ;` (lowercase hex digits)
fn resource_hex(i: &str) -> IResult<&str, &str> {
    let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    let (rest, digits) = take_while_m_n(8, 17, hex).parse(i)?;
    if digits.len() == 8 || digits.len() == 17 {
        let (rest, _) = eof(rest)?;
        return Ok((rest, digits));
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Verify,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Span {
        Span::new(7, 7 + s.len() + 2)
    }

    #[test]
    fn valid_ids() {
        for s in ["vpc-1a2b3c4d", "vpc-0123456789abcdef0", "vpc-*"] {
            assert_eq!(parse_vpc_id(s, lit(s)), (Some(s), vec![]), "{s}");
        }
        for s in ["vpce-1a2b3c4d", "vpce-0123456789abcdef0"] {
            assert_eq!(parse_vpce_id(s, lit(s)), (Some(s), vec![]), "{s}");
        }
        assert_eq!(
            parse_account_id("123456789012", lit("123456789012")).0,
            Some("123456789012")
        );
    }

    #[test]
    fn invalid_ids_point_at_the_value() {
        for s in [
            "vpc-1a2b3c",
            "vpc-1A2B3C4D",
            "vpce-1a2b3c4d",
            "vpc-0123456789abcdef",
            "vpc-1a2b3c4d ",
        ] {
            let (id, diagnostics) = parse_vpc_id(s, lit(s));
            assert_eq!(id, None, "{s}");
            assert_eq!(diagnostics[0].code, "SYN160");
            assert_eq!(diagnostics[0].span, Span::new(8, 8 + s.len()));
        }
        let (_, diagnostics) = parse_vpce_id("vpc-1a2b3c4d", lit("vpc-1a2b3c4d"));
        assert_eq!(diagnostics[0].code, "SYN161");
        for s in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "１２３４５６７８９０１２",
        ] {
            let (_, diagnostics) = parse_account_id(s, lit(s));
            assert_eq!(diagnostics[0].code, "SYN162", "{s}");
        }
    }
}
