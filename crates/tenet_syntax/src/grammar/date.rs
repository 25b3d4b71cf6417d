//! Date values of the `Date...` condition operators: the explanation of a rejected date (SYN150).
//!
//! Whether a text is a date, and which instant it names, is decided by the semantic core's one
//! date reader ([`tenet_ast::semantics::read_date`]), the same function the evaluator and the
//! prover use; this module only locates the rejection in the file and says how to write a date.

use tenet_ast::semantics::{read_date, DateError};
use tenet_diagnostics::{Diagnostic, Span};

use super::codes::INVALID_DATE;
use super::sub_span;

const DATE_HELP: &str =
    "write an iso 8601 date such as `2019-07-16` or `2019-07-16T12:00:00Z`, or epoch seconds such as `1563278400`";

/// Reads a date value into seconds since 1970-01-01T00:00:00Z (fractions of a second are dropped),
/// or explains why it is not a date.
pub fn parse_date(s: &str, span: Span) -> (Option<i64>, Vec<Diagnostic>) {
    match read_date(s) {
        Ok(nanos) => {
            let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).ok();
            (seconds, Vec::new())
        }
        Err(DateError::Malformed) => {
            let message = format!("`{s}` is not a date");
            let at = sub_span(span, s, 0..s.len());
            (None, vec![INVALID_DATE.at(at, message).with_help(DATE_HELP)])
        }
        Err(DateError::OutOfRange { field, at }) => {
            let text = s.get(at.clone()).unwrap_or(s);
            let message = format!("{} `{text}` is out of range in date `{s}`", field.name());
            let at = sub_span(span, s, at);
            (None, vec![INVALID_DATE.at(at, message).with_help(DATE_HELP)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Span {
        Span::new(10, 10 + s.len() + 2)
    }

    fn epoch(s: &str) -> Option<i64> {
        let (seconds, diagnostics) = parse_date(s, lit(s));
        assert_eq!(seconds.is_some(), diagnostics.is_empty(), "{s}");
        seconds
    }

    #[test]
    fn valid_dates() {
        assert_eq!(epoch("2019-07-16"), Some(1_563_235_200));
        assert_eq!(epoch("2019-07-16T12:00:00Z"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16 12:00:00Z"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T17:00:00+05"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T12:00:00.999Z"), Some(1_563_278_400));
        assert_eq!(epoch("1563278400.5"), Some(1_563_278_400));
        assert_eq!(epoch("-1"), Some(-1));
        assert_eq!(epoch("-0.5"), Some(-1));
    }

    #[test]
    fn malformed_dates_point_at_the_value() {
        for s in [
            "",
            "yesterday",
            "2019-7-16",
            "2019-07-16T",
            "99999999999999999999",
            "2019-07-16T12:00:00Q",
        ] {
            let (seconds, diagnostics) = parse_date(s, lit(s));
            assert_eq!(seconds, None, "{s}");
            assert_eq!(diagnostics[0].code, "SYN150", "{s}");
            assert_eq!(diagnostics[0].span, Span::new(11, 11 + s.len()), "{s}");
        }
    }

    #[test]
    fn out_of_range_fields_point_at_the_field() {
        for (s, field) in [
            ("2019-13-01", 5..7),
            ("2019-02-29", 8..10),
            ("2019-04-31", 8..10),
            ("2019-00-10", 5..7),
            ("2019-07-16T24:00:00Z", 11..13),
            ("2019-07-16T12:60Z", 14..16),
            ("2019-07-16T12:00:61Z", 17..19),
            ("2019-07-16T12:00:00+25:00", 20..22),
        ] {
            let (seconds, diagnostics) = parse_date(s, lit(s));
            assert_eq!(seconds, None, "{s}");
            assert_eq!(diagnostics[0].span, Span::new(11 + field.start, 11 + field.end), "{s}");
        }
        let (_, diagnostics) = parse_date("2019-02-29", lit("2019-02-29"));
        assert_eq!(diagnostics[0].message, "day `29` is out of range in date `2019-02-29`");
    }
}
