//! The linter accepts exactly the condition values the evaluator can read: one list of dates and
//! one of IP ranges go through both, end to end (a policy file read by the linter's front end, and
//! the evaluator deciding a request against the same policy).
#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected input")]

use tenet_ast::eval::{evaluate, ContextValue, Decision, PolicySet, Request};
use tenet_syntax::parse_policy_file;

/// Dates AWS's W3C profile has, the lenient neighbours the evaluator reads, and non-dates.
const DATES: &[&str] = &[
    "2019-07-16",
    "2019-07",
    "2019-07-16T12:00:00Z",
    "2019-07-16T12:00Z",
    "2019-07-16t12:00:00z",
    "2019-07-16 12:00:00Z",
    "2019-07-16T12:00:00",
    "2019-07-16T12:00:00+05",
    "2019-07-16T12:00:00+0530",
    "2019-07-16T12:00:00-05:30",
    "2019-07-16T12:00:00.123Z",
    "2019-07-16T12:00:00,5Z",
    "2016-12-31T23:59:60Z",
    "1563278400",
    "1563278400.5",
    "+1563278400",
    "-1",
    " 2019-07-16 ",
    // A bare year is epoch seconds, as every all-digit value.
    "2019",
    "",
    "yesterday",
    "2019-7-16",
    "2019-07-16T",
    "2019-07-16T12",
    "2019-07-16Z",
    "2019-02-29",
    "2019-13-01",
    "2019-07-16T24:00:00Z",
    "2019-07-16T12:00:00+25:00",
    "2019-07-16T12:00:00+5",
    "1563278400.",
    "99999999999999999999",
];

/// IP ranges and non-ranges.
const RANGES: &[&str] = &[
    "203.0.113.0/24",
    "203.0.113.7",
    "10.1.2.3/8",
    "0.0.0.0/0",
    "2001:db8::/32",
    "::1",
    " 203.0.113.0/24 ",
    "",
    "/8",
    "10.0.0.256/8",
    "010.0.0.1",
    "fe80::1%eth0",
    "10.0.0.0/33",
    "10.0.0.0/+8",
    "10.0.0.0/",
    "::/129",
    "10.0.0.0/8/8",
];

fn policy(operator: &str, key: &str, value: &str) -> String {
    let value = serde_json::to_string(value).unwrap();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {{"{operator}": {{"{key}": {value}}}}}}}]}}"#
    )
}

/// Whether the linter's front end accepts the value (no diagnostic with one of `codes`), and
/// whether the evaluator allows a request whose `key` is `request_value`.
fn both(operator: &str, key: &str, value: &str, request_value: &str, codes: &[&str]) -> (bool, bool) {
    let parsed = parse_policy_file("p.json", &policy(operator, key, value), None);
    let linter = !parsed.diagnostics.iter().any(|d| codes.contains(&d.code));
    let document = parsed.documents.first().unwrap();
    let mut request = Request::new(
        "arn:aws:iam::111122223333:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    )
    .unwrap();
    request
        .context
        .insert(key, ContextValue::Single(request_value.to_owned()));
    let set = PolicySet {
        identity: vec![&document.policy],
        ..PolicySet::default()
    };
    (linter, evaluate(&request, &set).decision == Decision::Allowed)
}

#[test]
fn the_linter_accepts_exactly_the_dates_the_evaluator_reads() {
    let mut accepted = 0;
    for value in DATES {
        // Every date in the list is before 3000: a readable value lets the request through.
        let (linter, evaluator) = both(
            "DateLessThan",
            "aws:CurrentTime",
            value,
            "1000-01-01T00:00:00Z",
            &["SYN150"],
        );
        assert_eq!(
            linter, evaluator,
            "`{value}`: linter accepts {linter}, evaluator reads {evaluator}"
        );
        assert_eq!(linter, tenet_ast::eval::parse_date(value).is_some(), "`{value}`");
        accepted += usize::from(linter);
    }
    // Both outcomes occur, so the comparison can fail either way.
    assert_eq!(accepted, 19);
}

#[test]
fn the_linter_accepts_exactly_the_ranges_the_evaluator_reads() {
    let mut accepted = 0;
    for value in RANGES {
        // `::/0` and `0.0.0.0/0` contain everything; for the others, ask for the range's own address.
        let address = value.trim().split('/').next().unwrap_or_default();
        let (linter, evaluator) = both("IpAddress", "aws:SourceIp", value, address, &["SYN140", "SYN141"]);
        assert_eq!(
            linter, evaluator,
            "`{value}`: linter accepts {linter}, evaluator reads {evaluator}"
        );
        assert_eq!(linter, tenet_ast::eval::parse_cidr(value).is_some(), "`{value}`");
        accepted += usize::from(linter);
    }
    assert_eq!(accepted, 7);
}

#[test]
fn the_linter_and_the_evaluator_read_the_same_instant() {
    for value in DATES {
        let span = tenet_diagnostics::Span::new(0, value.len() + 2);
        let (seconds, _) = tenet_syntax::grammar::date::parse_date(value, span);
        let nanos = tenet_ast::eval::parse_date(value);
        assert_eq!(
            seconds,
            nanos.map(|n| i64::try_from(n.div_euclid(1_000_000_000)).unwrap()),
            "`{value}`"
        );
    }
}
