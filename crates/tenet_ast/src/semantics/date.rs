//! Date values of the `Date…` condition operators, read to nanoseconds since 1970-01-01T00:00:00Z.
//!
//! The IAM User Guide ("Date condition operators") asks for "one of the W3C implementations of the
//! ISO 8601 date formats" or epoch (UNIX) time. The W3C profile (NOTE-datetime) has `YYYY-MM`,
//! `YYYY-MM-DD` and date-times `YYYY-MM-DDThh:mm[:ss[.s…]]` with a zone `Z` or `±hh:mm`. tenet reads
//! that profile and, as leniently as the evaluator always did, a few neighbours: a space or a
//! lowercase `t` for the `T`, a `,` before the fraction, `±hhmm` and `±hh` zones, no zone (UTC),
//! and epoch seconds with a sign or a fraction (`1563278400.5`).
//!
//! NOTE: a bare four-digit year (`2019`) is read as epoch seconds, the reading every all-digit value
//! gets; the profile's `YYYY` form is not distinguishable from it.

use std::ops::Range;

/// A field of a date, named in the message when its value is out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateField {
    /// The month, 01-12.
    Month,
    /// The day of the month.
    Day,
    /// The hour, 00-23.
    Hour,
    /// The minute, 00-59.
    Minute,
    /// The second, 00-60 (60 for a leap second).
    Second,
    /// The hours of a zone offset, 00-23.
    OffsetHour,
    /// The minutes of a zone offset, 00-59.
    OffsetMinute,
}

impl DateField {
    /// The field's name in prose (`offset hour`).
    pub fn name(self) -> &'static str {
        match self {
            DateField::Month => "month",
            DateField::Day => "day",
            DateField::Hour => "hour",
            DateField::Minute => "minute",
            DateField::Second => "second",
            DateField::OffsetHour => "offset hour",
            DateField::OffsetMinute => "offset minute",
        }
    }
}

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// The text has neither the shape of a date nor that of epoch seconds.
    Malformed,
    /// The shape is right but a field is out of range; `at` is its byte range in the input.
    OutOfRange {
        /// Which field.
        field: DateField,
        /// Its bytes in the input.
        at: Range<usize>,
    },
}

/// Reads a date to nanoseconds since the Unix epoch (UTC); surrounding whitespace is ignored.
/// Fractions of a second beyond nanoseconds are cut off.
///
/// This is the one date reader: the evaluator compares with it, the prover encodes its result and
/// the linter reports its errors (SYN150).
pub fn read_date(s: &str) -> Result<i128, DateError> {
    let start = s.len() - s.trim_start().len();
    let text = s.trim();
    if let Some(nanos) = epoch_nanos(text) {
        return Ok(nanos);
    }
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        pos: 0,
        base: start,
    };
    iso_date(&mut cursor)
}

/// [`read_date`] without the reason: `None` for anything that is not a date, and then every
/// `Date…` comparison with it is false.
pub fn parse_date(s: &str) -> Option<i128> {
    read_date(s).ok()
}

/// The number of days from 1970-01-01 to a proleptic Gregorian date (negative before it), after
/// Howard Hinnant's `days_from_civil`. `month` is 1-12 and `day` 1-31; other values give
/// meaningless but panic-free results.
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

const NANOS: i128 = 1_000_000_000;

/// `epoch = [ "+" | "-" ] digit { digit } [ "." digit { digit } ] ;` with at most 18 integer digits.
fn epoch_nanos(s: &str) -> Option<i128> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((int, frac)) if !frac.is_empty() => (int, Some(frac)),
        Some(_) => return None,
        None => (body, None),
    };
    if int.is_empty() || int.len() > 18 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos = int.parse::<i128>().ok()? * NANOS;
    if let Some(frac) = frac {
        nanos += fraction_nanos(frac)?;
    }
    Some(if s.starts_with('-') { -nanos } else { nanos })
}

/// The nanoseconds of the digits after a decimal point (digits beyond the ninth are cut off).
fn fraction_nanos(frac: &str) -> Option<i128> {
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kept = frac.get(..frac.len().min(9))?;
    let scale = 10i128.pow(9 - u32::try_from(kept.len()).ok()?);
    Some(kept.parse::<i128>().ok()? * scale)
}

/// A position in the trimmed text; `base` is where the trimmed text starts in the input.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, allowed: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| allowed.contains(b))?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, allowed: &[u8]) -> Result<u8, DateError> {
        self.eat(allowed).ok_or(DateError::Malformed)
    }

    /// Exactly `n` digits, their value and their range in the input.
    fn digits(&mut self, n: usize) -> Result<(i64, Range<usize>), DateError> {
        let part = self.bytes.get(self.pos..self.pos + n).ok_or(DateError::Malformed)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(DateError::Malformed);
        }
        let value = part.iter().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        let at = self.base + self.pos..self.base + self.pos + n;
        self.pos += n;
        Ok((value, at))
    }

    /// A run of one or more digits (a fraction of a second).
    fn digit_run(&mut self) -> Result<&str, DateError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let run = self.bytes.get(start..self.pos).ok_or(DateError::Malformed)?;
        std::str::from_utf8(run)
            .ok()
            .filter(|r| !r.is_empty())
            .ok_or(DateError::Malformed)
    }
}

/// A field's value if it lies in `range`.
fn field(
    (value, at): (i64, Range<usize>),
    range: std::ops::RangeInclusive<i64>,
    field: DateField,
) -> Result<i64, DateError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(DateError::OutOfRange { field, at })
    }
}

/// `iso_date = year "-" month [ "-" day [ ( "T" | "t" | " " ) time [ zone ] ] ] ;`
///
/// The shape is checked before the ranges, so a malformed text never reports an out-of-range field.
fn iso_date(c: &mut Cursor<'_>) -> Result<i128, DateError> {
    let year = c.digits(4)?;
    c.expect(b"-")?;
    let month = c.digits(2)?;
    let day = match c.eat(b"-") {
        Some(_) => Some(c.digits(2)?),
        None => None,
    };
    let time = match (&day, c.eat(b"Tt ")) {
        (Some(_), Some(_)) => Some(time_of_day(c)?),
        (None, Some(_)) => return Err(DateError::Malformed),
        (_, None) => None,
    };
    let zone = match time {
        Some(_) => zone(c)?,
        None => None,
    };
    if c.peek().is_some() {
        return Err(DateError::Malformed);
    }
    let year = year.0;
    let month = field(month, 1..=12, DateField::Month)?;
    let month = u32::try_from(month).map_err(|_| DateError::Malformed)?;
    let day = match day {
        Some(day) => field(day, 1..=i64::from(days_in_month(year, month)), DateField::Day)?,
        None => 1,
    };
    let day = u32::try_from(day).map_err(|_| DateError::Malformed)?;
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut nanos = 0;
    if let Some(time) = time {
        seconds += field(time.hour, 0..=23, DateField::Hour)? * 3_600;
        seconds += field(time.minute, 0..=59, DateField::Minute)? * 60;
        if let Some(second) = time.second {
            seconds += field(second, 0..=60, DateField::Second)?;
        }
        nanos = time.nanos;
    }
    if let Some((sign, hours, minutes)) = zone {
        let offset = field(hours, 0..=23, DateField::OffsetHour)? * 3_600
            + field(minutes, 0..=59, DateField::OffsetMinute)? * 60;
        seconds -= if sign == b'-' { -offset } else { offset };
    }
    Ok(i128::from(seconds) * NANOS + nanos)
}

/// A time of day as written, before range checks.
struct Time {
    hour: (i64, Range<usize>),
    minute: (i64, Range<usize>),
    second: Option<(i64, Range<usize>)>,
    nanos: i128,
}

/// `time = hh ":" mm [ ":" ss [ ( "." | "," ) digit { digit } ] ] ;`
fn time_of_day(c: &mut Cursor<'_>) -> Result<Time, DateError> {
    let hour = c.digits(2)?;
    c.expect(b":")?;
    let minute = c.digits(2)?;
    let mut time = Time {
        hour,
        minute,
        second: None,
        nanos: 0,
    };
    if c.eat(b":").is_some() {
        time.second = Some(c.digits(2)?);
        if c.eat(b".,").is_some() {
            time.nanos = fraction_nanos(c.digit_run()?).ok_or(DateError::Malformed)?;
        }
    }
    Ok(time)
}

/// A zone offset: its sign and its hours and minutes as written.
type Offset = (u8, (i64, Range<usize>), (i64, Range<usize>));

/// `zone = "Z" | "z" | ( "+" | "-" ) hh [ [ ":" ] mm ] ;` (`None`: UTC)
fn zone(c: &mut Cursor<'_>) -> Result<Option<Offset>, DateError> {
    if c.eat(b"Zz").is_some() {
        return Ok(None);
    }
    let Some(sign) = c.eat(b"+-") else {
        return Ok(None);
    };
    let hours = c.digits(2)?;
    let colon = c.eat(b":").is_some();
    let minutes = if colon || c.peek().is_some() {
        c.digits(2)?
    } else {
        (0, hours.1.end..hours.1.end)
    };
    Ok(Some((sign, hours, minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(s: &str) -> Option<i128> {
        parse_date(s).map(|n| n / NANOS)
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
    fn the_forms_read_to_the_same_instant() {
        let noon = Some(1_563_278_400);
        for s in [
            "2019-07-16T12:00:00Z",
            "2019-07-16T12:00Z",
            "2019-07-16t12:00:00z",
            "2019-07-16 12:00:00Z",
            "2019-07-16T12:00:00",
            "2019-07-16T14:00:00+02:00",
            "2019-07-16T07:30:00-0430",
            "2019-07-16T17:00:00+05",
            "2019-07-16T12:00:00.999Z",
            "2019-07-16T12:00:00,5Z",
            " 2019-07-16T12:00:00Z ",
            "1563278400",
            "+1563278400",
            "1563278400.25",
        ] {
            assert_eq!(seconds(s), noon, "{s}");
        }
        assert_eq!(seconds("2019-07-16"), Some(1_563_235_200));
        assert_eq!(seconds("2019-07"), Some(1_561_939_200));
        assert_eq!(seconds("-1"), Some(-1));
        assert_eq!(parse_date("-1.5"), Some(-1_500_000_000));
        assert_eq!(
            parse_date("2019-07-16T12:00:00.123456789123Z").map(|n| n % NANOS),
            Some(123_456_789)
        );
    }

    #[test]
    fn malformed_texts() {
        for s in [
            "",
            "yesterday",
            "2019-7-16",
            "2019-07-16T",
            "2019-07T12:00",
            "2019-07-16T12",
            "2019-07-16T12:00:00.Z",
            "2019-07-16T12:00:00Q",
            "2019-07-16T12:00:00+5",
            "2019-07-16T12:00:00+05:0",
            "1563278400.",
            "99999999999999999999",
            "2019-07-16Z",
        ] {
            assert_eq!(read_date(s), Err(DateError::Malformed), "{s}");
        }
    }

    #[test]
    fn out_of_range_fields_are_located() {
        for (s, field, at) in [
            ("2019-13-01", DateField::Month, 5..7),
            ("2019-02-29", DateField::Day, 8..10),
            ("2019-04-31", DateField::Day, 8..10),
            ("2019-00", DateField::Month, 5..7),
            ("2019-07-16T24:00:00Z", DateField::Hour, 11..13),
            ("2019-07-16T12:60Z", DateField::Minute, 14..16),
            ("2019-07-16T12:00:61Z", DateField::Second, 17..19),
            ("2019-07-16T12:00:00+25:00", DateField::OffsetHour, 20..22),
            ("2019-07-16T12:00:00+0160", DateField::OffsetMinute, 22..24),
            ("  2019-13-01", DateField::Month, 7..9),
        ] {
            assert_eq!(read_date(s), Err(DateError::OutOfRange { field, at }), "{s}");
        }
        assert_eq!(seconds("2020-02-29"), Some(1_582_934_400));
        assert_eq!(seconds("2016-12-31T23:59:60Z"), Some(1_483_228_800));
    }
}
