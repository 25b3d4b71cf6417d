//! Condition operators: the value types (numbers, dates, booleans, base64, IP ranges, ARNs) and the
//! rules for missing keys, `IfExists` and the `ForAnyValue:`/`ForAllValues:` set qualifiers.

use std::borrow::Cow;
use std::net::IpAddr;

use super::matching::{resolve_pattern, resolve_text, Pattern};
use super::{ContextValue, Request};
use crate::operator::{ConditionOperator, QualifiedOperator};
use crate::policy::Condition;
use crate::semantics::{parse_cidr, parse_date};

/// Whether a condition holds. `substitute`: the policy is `2012-10-17` and variables are resolved.
///
/// The rules (IAM User Guide, "Condition operators" and "Single-valued vs. multivalued context keys"):
/// - several values for one key are ORed; a negated operator is true when the request value matches
///   *none* of the values;
/// - a missing key: `…IfExists` is true; `ForAllValues:` is true; `ForAnyValue:` is false; otherwise
///   negated operators are true and the others false;
/// - `ForAnyValue:` is true when some request value satisfies the operator, `ForAllValues:` when every
///   one does (vacuously true for an empty set);
/// - `Null` is true for `"true"` when the key is absent and for `"false"` when it is present.
///
/// NOTE: a multi-valued key used without a set qualifier is read like `ForAnyValue:` for positive
/// operators (some request value matches some policy value) and as its negation for negated ones (no
/// request value matches), which coincides with the single-valued reading for one value; an empty
/// multi-valued key then makes positive operators false and negated ones true. A single-valued key
/// with a set qualifier is a one-element set. An empty multi-valued key counts as present for
/// `IfExists` and absent for `Null`.
///
/// NOTE: an operator whose name was not recognized never holds (AWS rejects such a policy when it is
/// saved; the prover reports `unknown` for it).
pub(crate) fn condition_holds(cond: &Condition, substitute: bool, request: &Request) -> bool {
    let Some(op) = cond.parsed else {
        return false;
    };
    let entry = request.context.get(&cond.key.value);
    if op.operator == ConditionOperator::Null {
        let present = match entry {
            None => false,
            Some(ContextValue::Single(_)) => true,
            Some(ContextValue::Multi(v)) => !v.is_empty(),
        };
        return cond
            .values
            .iter()
            .any(|v| QualifiedOperator::null_holds(&v.value.as_text(), present));
    }
    let Some(entry) = entry else {
        return op.holds_when_missing();
    };
    let values = entry.as_slice();
    // `positive(r)`: some policy value matches request value `r` under the un-negated operator.
    let positive = |r: &str| {
        cond.values
            .iter()
            .any(|v| value_matches(op.operator, &v.value.as_text(), r, substitute, request))
    };
    op.combine(values.iter().map(|r| (true, positive(r))).collect())
}

/// Whether one policy value matches one request value under the *positive* form of `op`
/// (`StringNotEquals` is read as `StringEquals`, and so on).
///
/// NOTE: a request or policy value that does not parse as the operator's type (a number, a date, an
/// IP address or CIDR, a boolean, base64) matches nothing, so positive operators are false and
/// negated operators true for it.
fn value_matches(
    op: ConditionOperator,
    policy: &str,
    request_value: &str,
    substitute: bool,
    request: &Request,
) -> bool {
    use ConditionOperator::*;
    match op {
        StringEquals | StringNotEquals => text(policy, substitute, request).is_some_and(|p| p == request_value),
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
            text(policy, substitute, request).is_some_and(|p| str_eq_ignore_case(&p, request_value))
        }
        StringLike | StringNotLike => resolve_pattern(policy, substitute, request).matches(request_value, false),
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => {
            let pattern = resolve_pattern(policy, substitute, request);
            match pattern {
                Pattern::Unresolvable => false,
                p => p.matches_arn(request_value),
            }
        }
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            let (Some(p), Some(r)) = (
                text(policy, substitute, request).and_then(|p| parse_decimal(&p)),
                parse_decimal(request_value),
            ) else {
                return false;
            };
            compare(op, Some(r.cmp_exact(&p)))
        }
        DateEquals | DateNotEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => {
            let (Some(p), Some(r)) = (
                text(policy, substitute, request).and_then(|p| parse_date(&p)),
                parse_date(request_value),
            ) else {
                return false;
            };
            compare(op, Some(r.cmp(&p)))
        }
        Bool => {
            let Some(p) = text(policy, substitute, request) else {
                return false;
            };
            match (parse_bool(&p), parse_bool(request_value)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        }
        BinaryEquals => {
            let Some(p) = text(policy, substitute, request) else {
                return false;
            };
            match (base64_decode(&p), base64_decode(request_value)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        }
        IpAddress | NotIpAddress => {
            let (Some(range), Ok(ip)) = (
                text(policy, substitute, request).and_then(|p| parse_cidr(&p)),
                request_value.trim().parse::<IpAddr>(),
            ) else {
                return false;
            };
            range.contains(ip)
        }
        // `Null` is handled by the caller.
        Null => false,
    }
}

fn text<'a>(policy: &'a str, substitute: bool, request: &Request) -> Option<Cow<'a, str>> {
    resolve_text(policy, substitute, request)
}

fn str_eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!(a.is_ascii() && b.is_ascii()) && a.to_lowercase() == b.to_lowercase())
}

/// Applies the comparison of a numeric or date operator to `request.cmp(policy)`.
fn compare(op: ConditionOperator, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use ConditionOperator::*;
    let Some(ord) = ord else {
        return false;
    };
    match op {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Value types.

/// An exact decimal number: `mantissa / 10^scale`. IAM's numeric operators compare integers and
/// decimals (`s3:TlsVersion` is `1.2` or `1.3`); reading them as `f64` would make `1.1 + tiny`
/// and `1.1` equal, so they are kept exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    /// The digits, with the sign.
    pub mantissa: i128,
    /// The number of digits after the decimal point.
    pub scale: u32,
}

impl Decimal {
    /// The largest scale kept (digits after the point); longer fractions are refused.
    pub const MAX_SCALE: u32 = 30;

    /// Compares two decimals exactly.
    pub fn cmp_exact(&self, other: &Decimal) -> std::cmp::Ordering {
        let scale = self.scale.max(other.scale);
        let lift = |d: &Decimal| {
            10i128
                .checked_pow(scale - d.scale)
                .and_then(|f| d.mantissa.checked_mul(f))
        };
        match (lift(self), lift(other)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Out of range after lifting: the one with the larger integer part wins, and that
            // comparison only needs the sign and the magnitude of the lifted value.
            _ => self.mantissa.signum().cmp(&other.mantissa.signum()).then_with(|| {
                let (a, b) = (self.as_f64(), other.as_f64());
                a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
            }),
        }
    }

    /// The value as a float (only for magnitudes beyond exact comparison).
    fn as_f64(&self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }
}

/// Parses a number as IAM's numeric operators read it: an optional sign, digits, an optional
/// fraction, an optional exponent (`-3`, `2.5`, `1e3`, `1.5E-2`). `None` for anything else, and for
/// numbers beyond 38 significant digits or [`Decimal::MAX_SCALE`] fractional digits.
///
/// This is the one number reader: the evaluator, the linter's value checks and the prover's
/// encoding of numeric keys all use it.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let (number, exponent) = match body.find(['e', 'E']) {
        Some(at) => (body.get(..at)?, body.get(at + 1..)?.parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let mut mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let mut scale = i64::try_from(frac.len()).ok()? - i64::from(exponent);
    if scale < 0 {
        mantissa = mantissa.checked_mul(10i128.checked_pow(u32::try_from(-scale).ok()?)?)?;
        scale = 0;
    }
    // Trailing zeros of the fraction say nothing: `1.50` is `1.5`.
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    let scale = u32::try_from(scale).ok().filter(|s| *s <= Decimal::MAX_SCALE)?;
    Some(Decimal {
        mantissa: if negative { -mantissa } else { mantissa },
        scale,
    })
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Decodes standard or URL-safe base64, with or without padding; whitespace is ignored. The
/// prover encodes `BinaryEquals` as the language this accepts for given bytes: its operator test
/// checks both agree.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = false;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if padding {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // Six leftover bits cannot come from whole bytes.
    (bits < 6).then_some(out)
}
