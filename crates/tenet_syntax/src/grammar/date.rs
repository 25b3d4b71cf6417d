//! Date values of the `Date...` condition operators: ISO 8601 dates and date-times, or epoch
//! seconds, converted to epoch seconds (UTC) with our own calendar arithmetic.

use std::ops::RangeInclusive;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1, take_while_m_n};
use nom::character::complete::{char, one_of};
use nom::combinator::{all_consuming, opt, recognize};
use nom::sequence::preceded;
use nom::{IResult, Parser};
use tenet_diagnostics::{Diagnostic, Span};

use super::codes::INVALID_DATE;
use super::{range_in, sub_span};

const DATE_HELP: &str =
    "write an iso 8601 date such as `2019-07-16` or `2019-07-16T12:00:00Z`, or epoch seconds such as `1563278400`";

/// A date or date-time as written, before range checks: every field is a slice of the input.
#[derive(Default)]
struct RawDate<'a> {
    year: &'a str,
    month: &'a str,
    day: &'a str,
    hour: Option<&'a str>,
    minute: Option<&'a str>,
    second: Option<&'a str>,
    /// `(sign, hours, minutes)` of a `+hh:mm` / `-hhmm` offset; `None` for `Z` or no zone.
    offset: Option<(char, &'a str, &'a str)>,
}

/// Parses a date value into seconds since 1970-01-01T00:00:00Z. Fractional seconds are dropped;
/// a date-time without a zone is taken as UTC.
pub fn parse_date(s: &str, span: Span) -> (Option<i64>, Vec<Diagnostic>) {
    if let Ok((_, seconds)) = all_consuming(epoch_seconds).parse(s) {
        return (Some(seconds), Vec::new());
    }
    let Ok((_, raw)) = all_consuming(iso_datetime).parse(s) else {
        let message = format!("`{s}` is not a date");
        return (
            None,
            vec![INVALID_DATE
                .at(sub_span(span, s, 0..s.len()), message)
                .with_help(DATE_HELP)],
        );
    };
    match to_epoch(&raw) {
        Ok(seconds) => (Some(seconds), Vec::new()),
        Err((field, what)) => {
            let message = format!("{what} `{field}` is out of range in date `{s}`");
            (
                None,
                vec![INVALID_DATE
                    .at(sub_span(span, s, range_in(s, field)), message)
                    .with_help(DATE_HELP)],
            )
        }
    }
}

/// The number of days from 1970-01-01 to the given proleptic Gregorian date (negative before it).
/// `month` is 1-12 and `day` 1-31; other values give meaningless but panic-free results.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The number of days in `month` (1-12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `epoch_seconds = [ "-" ] digit { digit } ;`
fn epoch_seconds(i: &str) -> IResult<&str, i64> {
    let (rest, text) = recognize((opt(char('-')), take_while1(|c: char| c.is_ascii_digit()))).parse(i)?;
    match text.parse::<i64>() {
        Ok(seconds) => Ok((rest, seconds)),
        Err(_) => Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Digit))),
    }
}

/// `iso_datetime = full_date [ ( "T" | "t" ) time_of_day [ zone ] ] ;`
fn iso_datetime(i: &str) -> IResult<&str, RawDate<'_>> {
    let (i, (year, month, day)) = full_date(i)?;
    let (i, time) = opt(preceded(one_of("Tt"), (time_of_day, opt(zone)))).parse(i)?;
    let mut raw = RawDate {
        year,
        month,
        day,
        ..RawDate::default()
    };
    if let Some(((hour, minute, second), offset)) = time {
        raw.hour = Some(hour);
        raw.minute = Some(minute);
        raw.second = second;
        raw.offset = offset.flatten();
    }
    Ok((i, raw))
}

/// `full_date = 4 * digit "-" 2 * digit "-" 2 * digit ;`
fn full_date(i: &str) -> IResult<&str, (&str, &str, &str)> {
    let (i, (year, _, month, _, day)) = (digits(4), char('-'), digits(2), char('-'), digits(2)).parse(i)?;
    Ok((i, (year, month, day)))
}

/// `time_of_day = 2 * digit ":" 2 * digit [ ":" 2 * digit [ "." digit { digit } ] ] ;`
fn time_of_day(i: &str) -> IResult<&str, (&str, &str, Option<&str>)> {
    let fraction = preceded(char('.'), take_while1(|c: char| c.is_ascii_digit()));
    let seconds = (preceded(char(':'), digits(2)), opt(fraction));
    let (i, (hour, _, minute, seconds)) = (digits(2), char(':'), digits(2), opt(seconds)).parse(i)?;
    Ok((i, (hour, minute, seconds.map(|(second, _)| second))))
}

/// `zone = "Z" | "z" | ( "+" | "-" ) 2 * digit [ ":" ] 2 * digit ;` (`None` means UTC)
fn zone(i: &str) -> IResult<&str, Option<(char, &str, &str)>> {
    let utc = one_of("Zz").map(|_| None);
    let offset = (one_of("+-"), digits(2), opt(tag(":")), digits(2)).map(|(sign, h, _, m)| Some((sign, h, m)));
    alt((utc, offset)).parse(i)
}

/// Exactly `n` ASCII digits.
fn digits<'a>(n: usize) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    take_while_m_n(n, n, |c: char| c.is_ascii_digit())
}

/// Epoch seconds of a syntactically valid date, or the field that is out of range and its name.
fn to_epoch<'a>(raw: &RawDate<'a>) -> Result<i64, (&'a str, &'static str)> {
    let year = number(raw.year, 0..=9999, "year")?;
    let month = number(raw.month, 1..=12, "month")?;
    let day = number(raw.day, 1..=i64::from(days_in_month(year, month as u32)), "day")?;
    let hour = raw.hour.map_or(Ok(0), |h| number(h, 0..=23, "hour"))?;
    let minute = raw.minute.map_or(Ok(0), |m| number(m, 0..=59, "minute"))?;
    let second = raw.second.map_or(Ok(0), |s| number(s, 0..=60, "second"))?;
    let offset = match raw.offset {
        None => 0,
        Some((sign, h, m)) => {
            let minutes = number(h, 0..=23, "offset hour")? * 60 + number(m, 0..=59, "offset minute")?;
            if sign == '-' {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
    };
    let days = days_from_civil(year, month as u32, day as u32);
    Ok(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

/// The value of an all-digit field if it lies in `range`.
fn number<'a>(field: &'a str, range: RangeInclusive<i64>, what: &'static str) -> Result<i64, (&'a str, &'static str)> {
    match field.parse::<i64>() {
        Ok(value) if range.contains(&value) => Ok(value),
        _ => Err((field, what)),
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
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2019, 7, 16), 18_093);
        assert_eq!(days_from_civil(1600, 2, 29), -135_081);
    }

    #[test]
    fn valid_dates() {
        assert_eq!(epoch("2019-07-16"), Some(1_563_235_200));
        assert_eq!(epoch("2019-07-16T12:00:00Z"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T12:00Z"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T12:00:00.999Z"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T14:00:00+02:00"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T07:30:00-0430"), Some(1_563_278_400));
        assert_eq!(epoch("2019-07-16T12:00:00"), Some(1_563_278_400));
        assert_eq!(epoch("2020-02-29"), Some(1_582_934_400));
        assert_eq!(epoch("1563278400"), Some(1_563_278_400));
        assert_eq!(epoch("-1"), Some(-1));
        assert_eq!(epoch("0"), Some(0));
    }

    #[test]
    fn malformed_dates_point_at_the_value() {
        for s in [
            "",
            "yesterday",
            "2019-7-16",
            "2019-07-16T",
            "2019-07-16 12:00:00",
            "1563278400.5",
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
