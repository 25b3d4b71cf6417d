//! The linter never panics on whatever the reader lets through, and never reports a place outside the
//! input: a sample of malformed and pathological inputs (the broader generated set is parsed in
//! `tenet_syntax/tests/no_panic.rs`) is read with every policy kind forced in turn, and every document
//! found is linted with every rule enabled (`select = ["ALL"]`), with and without the source text.
//!
//! For every diagnostic: the span, labels and fix edits lie within the input and on character
//! boundaries; a fix's edits do not overlap, and applying them gives text the reader still reads
//! without panicking. Mutations use a seeded xorshift, so a failure reproduces.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use tenet_ast::PolicyKind;
use tenet_diagnostics::{Diagnostic, Span};
use tenet_lint::{lint, lint_with_source, LintConfig};
use tenet_syntax::parse_policy_bytes;

/// A policy that exercises many rules: wildcards, `NotAction`/`NotResource`, variables, every family of
/// condition operator, IP ranges, dates, principals of every type, duplicate Sids, redundancy.
const RICH: &str = r#"{
  "Version": "2012-10-17",
  "Id": "Rich",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666", "AIDAEXAMPLEUNIQUEID1"],
                    "Service": "lambda.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"},
      "Action": ["s3:Get*", "s3:GetObject", "S3:listbucket", "s3:*Object*", "iam:PassRole", "ec2:*"],
      "Resource": ["arn:aws:s3:::example/${aws:username}/*", "arn:aws:s3:::example", "*"],
      "Condition": {
        "StringEquals": {"aws:PrincipalTag/team": ["a", "a"], "s3:prefix": "${aws:userid}"},
        "StringLike": {"aws:userid": "AIDA*:*"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["env"], "aws:username": "x"},
        "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.7/24", "2001:db8::/129"]},
        "NumericLessThan": {"s3:max-keys": ["10", "20"]},
        "DateGreaterThan": {"aws:CurrentTime": "2024-13-01T00:00:00Z"},
        "Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]},
        "ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:topic"},
        "Null": {"aws:TokenIssueTime": "maybe"}
      }
    },
    {
      "Sid": "Read",
      "Effect": "Deny",
      "NotPrincipal": {"AWS": "*"},
      "NotAction": ["iam:*", "sts:AssumeRole"],
      "NotResource": "arn:aws:iam::*:role/${aws:PrincipalTag/role}",
      "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": ["eu-west-1", "mars-north-1"]}}
    },
    {"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Principal": "*", "Condition": {}},
    {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Principal": {"Service": "ec2.amazonaws.com"}}
  ]
}
"#;

const SCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyRoot","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}},{"Effect":"Allow","NotAction":"organizations:*","Resource":"arn:aws:s3:::x"}]}"#;

struct Xorshift(u64);

impl Xorshift {
    fn byte(&mut self) -> u8 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 32) as u8
    }
}

/// `s` as a JSON string literal (this crate has no serde_json).
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn config() -> LintConfig {
    LintConfig::from_toml("select = [\"ALL\"]\n", None).unwrap()
}

fn check_span(what: &str, name: &str, bytes: &[u8], text: Option<&str>, span: Span) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= bytes.len(),
        "{name}: {what} span {start}..{end} outside 0..{}",
        bytes.len()
    );
    if let Some(text) = text {
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{name}: {what} span {start}..{end} not on char boundaries"
        );
    }
}

fn check_diagnostic(name: &str, bytes: &[u8], text: Option<&str>, d: &Diagnostic) {
    let what = format!("{} `{}`", d.code, d.message);
    assert!(!d.message.is_empty(), "{name}: {} has no message", d.code);
    check_span(&what, name, bytes, text, d.span);
    for l in &d.labels {
        check_span(&format!("{what} label"), name, bytes, text, l.span);
    }
    let Some(fix) = &d.fix else { return };
    let mut edits: Vec<_> = fix.edits.iter().collect();
    for e in &edits {
        check_span(&format!("{what} fix edit"), name, bytes, text, e.span);
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for w in edits.windows(2) {
        assert!(
            w[0].span.end <= w[1].span.start,
            "{name}: {what}: overlapping fix edits"
        );
    }
    // Re-reading the fixed text costs the whole input per fix: done for inputs of ordinary size (the
    // generated giants have thousands of fixable findings).
    if let Some(text) = text.filter(|t| t.len() <= MAX_REPARSE) {
        let mut fixed = text.to_owned();
        for e in edits.iter().rev() {
            fixed.replace_range(e.span.range(), &e.replacement);
        }
        let syntax_error = |t: &str| {
            parse_policy_bytes(name, t.as_bytes(), None)
                .diagnostics
                .iter()
                .any(|d| d.code == "SYN001")
        };
        assert!(
            syntax_error(text) || !syntax_error(&fixed),
            "{name}: {what}: the fix breaks the JSON:\n{fixed}"
        );
    }
}

/// Inputs up to this size are re-read after each fix.
const MAX_REPARSE: usize = 16 * 1024;

/// Reads `bytes` as every kind (and as detected), lints every document found, checks every span.
fn check(name: &str, bytes: &[u8]) {
    let kinds: Vec<Option<PolicyKind>> = std::iter::once(None).chain(PolicyKind::ALL.map(Some)).collect();
    check_as(name, bytes, &kinds);
}

/// Reads `bytes` as detected and as the `n`-th kind (round robin, so a loop over inputs covers all).
fn check_rotating(name: &str, bytes: &[u8], n: usize) {
    check_as(name, bytes, &[None, Some(PolicyKind::ALL[n % PolicyKind::ALL.len()])]);
}

/// Reads `bytes` as each of `kinds` (`None`: detected), lints every document found, checks every span.
fn check_as(name: &str, bytes: &[u8], kinds: &[Option<PolicyKind>]) {
    let text = std::str::from_utf8(bytes).ok();
    let config = config();
    for &kind in kinds {
        let label = format!("{name} as {kind:?}");
        let parsed = parse_policy_bytes(name, bytes, kind);
        for doc in &parsed.documents {
            for d in lint_with_source(doc, text, &config) {
                check_diagnostic(&label, bytes, text, &d);
            }
            if kind.is_none() {
                for d in lint(doc, &LintConfig::default()) {
                    check_diagnostic(&label, bytes, text, &d);
                }
            }
        }
    }
}

#[test]
fn seeds_lint_without_panicking() {
    check("rich", RICH.as_bytes());
    check("scp", SCP.as_bytes());
    let parsed = parse_policy_bytes("rich", RICH.as_bytes(), None);
    assert_eq!(parsed.documents.len(), 1);
    assert!(
        !lint(&parsed.documents[0], &config()).is_empty(),
        "the rich seed triggers rules"
    );
}

#[test]
fn byte_mutations_at_every_position() {
    let mut rng = Xorshift(0x2545_F491_4F6C_DD1D);
    for (name, text) in [("rich", RICH), ("scp", SCP)] {
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            // A printable replacement keeps the JSON readable more often, so the rules see more shapes.
            let mut printable = bytes.to_vec();
            printable[i] = b' ' + (rng.byte() % 95);
            check_rotating(&format!("{name} ascii@{i}={:?}", printable[i] as char), &printable, i);
            if i % 5 == 0 {
                let mut deleted = bytes.to_vec();
                deleted.remove(i);
                check_rotating(&format!("{name} delete@{i}"), &deleted, i / 5);
            }
        }
    }
}

#[test]
fn wrong_types_in_element_slots() {
    let wrong = [
        "null",
        "true",
        "0",
        "\"\"",
        "\"*\"",
        "[]",
        "{}",
        "[null]",
        "[[]]",
        "[{}]",
        "{\"a\": null}",
    ];
    let slots = [
        "\"2012-10-17\"",
        "\"Read\"",
        "\"Allow\"",
        "\"arn:aws:iam::111122223333:root\"",
        "\"lambda.amazonaws.com\"",
        "\"s3:Get*\"",
        "\"*\"",
        "[\"a\", \"a\"]",
        "{\"aws:SourceIp\": [\"10.0.0.0/8\", \"203.0.113.7/24\", \"2001:db8::/129\"]}",
        "\"2024-13-01T00:00:00Z\"",
        "{\"AWS\": \"*\"}",
        "[\"iam:*\", \"sts:AssumeRole\"]",
        "{}",
    ];
    for slot in slots {
        for w in wrong {
            let text = RICH.replacen(slot, w, 1);
            check(&format!("{slot} = {w}"), text.as_bytes());
        }
    }
}

#[test]
fn pathological_patterns_in_every_string_slot() {
    // 2,000-character patterns in every slot (suggestions for unknown names are quadratic in the
    // length, which the benchmarks, not this test, watch), 10,000-character wildcards where the rules
    // match patterns against each other.
    let star_a = format!("{}b", "*a".repeat(1_000));
    let values = [
        star_a.clone(),
        format!("s3:{star_a}"),
        format!("{star_a}:{star_a}"),
        format!("arn:aws:s3:::{star_a}"),
        format!("arn:{star_a}:{star_a}:{star_a}:{star_a}:{star_a}"),
        format!("s3:{}", "?".repeat(2_000)),
        "*".repeat(2_000),
        format!("{}{}", "${".repeat(500), "}".repeat(500)),
        "${".repeat(1_000),
        "${aws:username".to_owned(),
        "${}".to_owned(),
        "$${*}${?}${$}".to_owned(),
        "arn:".repeat(500),
        ":".repeat(2_000),
        "\u{0}\u{1f}\u{7f}".to_owned(),
        "\u{e9}\u{301}\u{1f600}".repeat(300),
        format!("{}/{}", "1".repeat(1_000), "9".repeat(1_000)),
        "0".repeat(2_000),
        "arn:aws:iam::111122223333:root".repeat(60),
    ];
    let long_star = format!("{}b", "*a".repeat(5_000));
    for (k, slot) in [
        "\"s3:Get*\"",
        "\"s3:GetObject\"",
        "\"arn:aws:s3:::example\"",
        "\"arn:aws:sns:*:*:topic\"",
    ]
    .iter()
    .enumerate()
    {
        for (j, v) in [
            long_star.clone(),
            format!("s3:{long_star}"),
            format!("arn:aws:s3:::{long_star}"),
        ]
        .iter()
        .enumerate()
        {
            let text = RICH.replacen(slot, &json_string(v), 1);
            check_rotating(&format!("{slot} = 10k wildcard #{j}"), text.as_bytes(), k + j);
        }
    }
    let slots = [
        "\"s3:GetObject\"",
        "\"iam:PassRole\"",
        "\"arn:aws:s3:::example\"",
        "\"arn:aws:iam::*:role/${aws:PrincipalTag/role}\"",
        "\"444455556666\"",
        "\"lambda.amazonaws.com\"",
        "\"cognito-identity.amazonaws.com\"",
        "\"aws:PrincipalTag/team\"",
        "\"AIDA*:*\"",
        "\"10.0.0.0/8\"",
        "\"10\"",
        "\"2024-13-01T00:00:00Z\"",
        "\"arn:aws:sns:*:*:topic\"",
        "\"StringLike\"",
        "\"mars-north-1\"",
    ];
    for (i, v) in values.iter().enumerate() {
        let v = json_string(v);
        for (k, slot) in slots.iter().enumerate() {
            let text = RICH.replacen(slot, &v, 1);
            check_rotating(&format!("{slot} = pattern #{i}"), text.as_bytes(), i + k);
        }
    }
}

#[test]
fn many_statements_and_values() {
    // Rules that compare statements or values pairwise get a few thousand of them.
    let stmt = r#"{"Sid":"S","Effect":"Allow","Action":["s3:Get*","s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}"#;
    let many = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
        vec![stmt; 1_000].join(",")
    );
    check("1,000 identical statements", many.as_bytes());
    let actions: Vec<String> = (0..5_000).map(|i| format!("\"s3:Get{i}*\"")).collect();
    let wide = RICH.replacen("\"s3:GetObject\"", &actions.join(","), 1);
    check("5,000 wildcard actions", wide.as_bytes());
    let ips: Vec<String> = (0..5_000)
        .map(|i| format!("\"10.{}.{}.0/24\"", i / 256, i % 256))
        .collect();
    let ip = RICH.replacen("\"10.0.0.0/8\"", &ips.join(","), 1);
    check("5,000 CIDRs", ip.as_bytes());
}

#[test]
fn lone_surrogates_and_escapes() {
    for esc in [
        r"\ud800",
        r"\udfff",
        r"\ud800\u0041",
        r"\u0000",
        r"\ufeff",
        r"\u00e9\u0301",
        r"\/",
    ] {
        for slot in [
            "Read",
            "s3:Get*",
            "arn:aws:s3:::example",
            "aws:PrincipalTag/team",
            "eu-west-1",
        ] {
            let text = RICH.replacen(slot, &format!("{slot}{esc}"), 1);
            check(&format!("{slot} + {esc}"), text.as_bytes());
            let embedded = format!("{{\"Policy\": {}}}", json_string(&text));
            check(&format!("embedded {slot} + {esc}"), embedded.as_bytes());
        }
    }
}
