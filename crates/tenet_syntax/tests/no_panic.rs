//! The reader never panics and never reports a place outside the input: generated malformed inputs
//! (every truncation of real-looking policies, byte flips, insertions and deletions at every position,
//! deep nesting, huge values, invalid UTF-8, BOMs, NUL bytes, lone surrogates, huge numbers,
//! pathological wildcards and `${` nests, and broken embedded-policy wrappers) go through
//! [`parse_policy_bytes`].
//!
//! For every input: no panic; every span (primary, labels, fix edits, documents) lies within the
//! input and, when the input is UTF-8, on character boundaries; diagnostics come sorted by position.
//! Where it is decidable that the input is malformed (a proper prefix of a document, a deleted
//! structural character, a NUL byte or invalid UTF-8), at least one error is reported.
//!
//! Mutations use a seeded xorshift, so a failure reproduces; the message names the input.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use tenet_diagnostics::{Severity, Span};
use tenet_syntax::{parse_policy_bytes, ParsedFile};

// ---------------------------------------------------------------------------------------------------
// Seeds: real-looking policies of each kind and each wrapper form.

const IDENTITY: &str = r#"{
  "Version": "2012-10-17",
  "Id": "DataPipelineAccess",
  "Statement": [
    {
      "Sid": "ReadRawData",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::example-raw-data", "arn:aws:s3:::example-raw-data/${aws:username}/*"],
      "Condition": {
        "StringEquals": {"aws:PrincipalTag/team": ["data", "analytics"]},
        "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
        "Bool": {"aws:SecureTransport": "true"},
        "NumericLessThan": {"s3:max-keys": 100}
      }
    },
    {
      "Sid": "DenyOutsideRegions",
      "Effect": "Deny",
      "NotAction": ["iam:*", "sts:*", "cloudfront:*"],
      "NotResource": "arn:aws:iam::*:role/Admin*",
      "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}
    }
  ]
}
"#;

const BUCKET: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowCloudFrontOAC",
      "Effect": "Allow",
      "Principal": {"Service": "cloudfront.amazonaws.com"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-site/*",
      "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}
    },
    {
      "Sid": "DenyInsecure",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::example-site", "arn:aws:s3:::example-site/*"],
      "Condition": {"Bool": {"aws:SecureTransport": false}}
    }
  ]
}
"#;

const KEY: &str = r#"{
  "Version": "2012-10-17",
  "Id": "key-default-1",
  "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Crypto", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/App", "444455556666"]},
     "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
     "Condition": {"ForAnyValue:StringLike": {"kms:EncryptionContextKeys": ["aws:s3:*"]}}}
  ]
}
"#;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"GitHubOidc","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example/*:ref:refs/heads/main"}}},{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;

/// A policy with non-ASCII text before and inside values (for char-boundary checks).
const UNICODE: &str = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Caf\u{e9}\u{65e5}\u{672c}\u{1f512}\",\
     \"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b\u{fc}cket/\u{1f600}/*\"}}";

fn seeds() -> Vec<(&'static str, String)> {
    vec![
        ("identity", IDENTITY.to_owned()),
        ("bucket", BUCKET.to_owned()),
        ("key", KEY.to_owned()),
        ("trust", TRUST.to_owned()),
        ("unicode", UNICODE.to_owned()),
        ("policy-string", policy_string(TRUST)),
        ("policy-version", policy_version(&url_encode(BUCKET))),
        (
            "authorization-details",
            authorization_details(TRUST, &url_encode(IDENTITY)),
        ),
    ]
}

/// `aws s3api get-bucket-policy` output: the policy as a JSON string.
fn policy_string(policy: &str) -> String {
    format!("{{\n  \"Policy\": {}\n}}\n", serde_json::to_string(policy).unwrap())
}

/// `aws iam get-policy-version` output with a document (already encoded as the caller wants).
fn policy_version(document: &str) -> String {
    format!(
        "{{\"PolicyVersion\": {{\"Document\": {}, \"VersionId\": \"v3\", \"IsDefaultVersion\": true}}}}",
        serde_json::to_string(document).unwrap()
    )
}

fn authorization_details(trust: &str, encoded: &str) -> String {
    format!(
        r#"{{"UserDetailList": [{{"UserName": "alice", "UserPolicyList": [{{"PolicyName": "inline", "PolicyDocument": {encoded}}}]}}],
 "RoleDetailList": [{{"RoleName": "deploy", "AssumeRolePolicyDocument": {trust}, "RolePolicyList": []}}],
 "Policies": [{{"PolicyName": "p", "PolicyVersionList": [{{"VersionId": "v1", "Document": {encoded}}}]}}]}}"#,
        encoded = serde_json::to_string(encoded).unwrap(),
    )
}

fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// The checks.

struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn byte(&mut self) -> u8 {
        (self.next() >> 32) as u8
    }
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

/// Parses `bytes` and checks every span. Returns the parse for further assertions.
fn check(name: &str, bytes: &[u8]) -> ParsedFile {
    let parsed = parse_policy_bytes(name, bytes, None);
    let text = std::str::from_utf8(bytes).ok();
    for d in &parsed.diagnostics {
        let what = format!("{} `{}`", d.code, d.message);
        assert!(!d.message.is_empty(), "{name}: empty message for {}", d.code);
        check_span(&what, name, bytes, text, d.span);
        for l in &d.labels {
            check_span(&format!("{what} label"), name, bytes, text, l.span);
        }
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            check_span(&format!("{what} fix edit"), name, bytes, text, e.span);
        }
    }
    for doc in &parsed.documents {
        check_span("document", name, bytes, text, doc.span);
    }
    let starts: Vec<u32> = parsed.diagnostics.iter().map(|d| d.span.start).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "{name}: diagnostics not sorted: {starts:?}"
    );
    parsed
}

/// Like [`check`], and asserts at least one error.
fn check_error(name: &str, bytes: &[u8]) -> ParsedFile {
    let parsed = check(name, bytes);
    assert!(
        parsed.diagnostics.iter().any(|d| d.severity == Severity::Error),
        "{name}: malformed input passed silently ({} bytes): {:?}",
        bytes.len(),
        String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
    );
    parsed
}

/// Byte offsets of JSON structural characters (outside strings) in `text`.
fn structural_positions(text: &str) -> Vec<usize> {
    let (mut in_string, mut escaped) = (false, false);
    let mut out = Vec::new();
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b"{}[]:,".contains(&b) {
            out.push(i);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Tests.

#[test]
fn seeds_are_valid() {
    for (name, text) in seeds() {
        let parsed = check(name, text.as_bytes());
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(!parsed.documents.is_empty(), "{name}: no document found");
    }
}

#[test]
fn every_truncation_is_an_error() {
    for (name, text) in seeds() {
        let end = text.trim_end().len();
        for cut in 0..end {
            let prefix = &text.as_bytes()[..cut];
            check_error(&format!("{name}[..{cut}]"), prefix);
        }
    }
}

#[test]
fn every_truncation_of_an_embedded_policy_is_an_error() {
    for (name, policy) in [("identity", IDENTITY.trim_end()), ("trust", TRUST)] {
        for cut in 0..policy.len() {
            let prefix = &policy[..cut];
            let wrapped = policy_string(prefix);
            check_error(&format!("policy-string({name}[..{cut}])"), wrapped.as_bytes());
            let encoded = policy_version(&url_encode(prefix));
            check_error(&format!("policy-version(url({name}[..{cut}]))"), encoded.as_bytes());
        }
    }
}

#[test]
fn byte_flips_insertions_and_deletions_at_every_position() {
    let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
    for (name, text) in seeds() {
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            // A random replacement, a random printable-ASCII replacement, a random insertion.
            let mut flipped = bytes.to_vec();
            flipped[i] = rng.byte();
            check(&format!("{name} flip@{i}={:#04x}", flipped[i]), &flipped);
            let mut printable = bytes.to_vec();
            printable[i] = b' ' + (rng.byte() % 95);
            check(&format!("{name} ascii@{i}={:?}", printable[i] as char), &printable);
            let mut inserted = bytes.to_vec();
            inserted.insert(i, rng.byte());
            check(&format!("{name} insert@{i}={:#04x}", inserted[i]), &inserted);
            let mut deleted = bytes.to_vec();
            deleted.remove(i);
            check(&format!("{name} delete@{i}"), &deleted);
        }
        // Deleting a structural character always breaks the JSON.
        for i in structural_positions(&text) {
            let mut deleted = bytes.to_vec();
            let c = deleted.remove(i) as char;
            check_error(&format!("{name} delete structural {c:?}@{i}"), &deleted);
        }
    }
}

#[test]
fn nul_bytes_anywhere_are_errors() {
    for (name, text) in seeds().into_iter().take(5) {
        for i in 0..=text.len() {
            let mut with_nul = text.as_bytes().to_vec();
            with_nul.insert(i, 0);
            check_error(&format!("{name} NUL@{i}"), &with_nul);
        }
    }
    check_error("all NUL", &[0; 4096]);
    check_error("NUL in key", b"{\"Vers\0ion\": \"2012-10-17\", \"Statement\": []}");
    // An escaped NUL is valid JSON: it must not panic anywhere it lands.
    check(
        "escaped NUL",
        IDENTITY.replace("ReadRawData", "Read\\u0000Raw").as_bytes(),
    );
    check(
        "escaped NUL in action",
        IDENTITY.replace("s3:GetObject\"", "s3:Get\\u0000\"").as_bytes(),
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let bad: &[&[u8]] = &[
        b"\x80",
        b"\xbf",
        b"\xc3",
        b"\xc0\xaf",
        b"\xe2\x82",
        b"\xed\xa0\x80",
        b"\xf0\x9f\x98",
        b"\xf4\x90\x80\x80",
        b"\xf8\x88\x80\x80\x80",
        b"\xff",
        b"\xfe",
    ];
    for (name, text) in seeds().into_iter().take(5) {
        // Only at character boundaries, so the bytes before the insertion are valid UTF-8.
        let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        for (k, &i) in boundaries.iter().enumerate() {
            let seq = bad[k % bad.len()];
            let mut bytes = text.as_bytes().to_vec();
            bytes.splice(i..i, seq.iter().copied());
            let label = format!("{name} invalid UTF-8 {seq:x?}@{i}");
            let parsed = check_error(&label, &bytes);
            let d = &parsed.diagnostics[0];
            assert_eq!(d.code, "SYN003", "{label}");
            assert_eq!(d.span.start as usize, i, "{label}: located at the first bad byte");
        }
    }
    // Invalid UTF-8 inside an embedded, URL-encoded document is a located diagnostic too.
    for (i, enc) in ["%E9", "%C3", "%ED%A0%80", "%FF%FE", "%C0%AF"].iter().enumerate() {
        let doc = format!("%7B%22Sid%22%3A%22{enc}%22%7D");
        check_error(
            &format!("url-encoded invalid UTF-8 #{i}"),
            policy_version(&doc).as_bytes(),
        );
    }
}

#[test]
fn byte_order_mark_shifts_spans_by_three() {
    for (name, text) in seeds() {
        let with_bom = format!("\u{feff}{text}");
        let parsed = check(&format!("{name} with BOM"), with_bom.as_bytes());
        assert!(
            !parsed.diagnostics.iter().any(|d| d.severity == Severity::Error),
            "{name}: a BOM is allowed: {:#?}",
            parsed.diagnostics
        );
        // A fault after the BOM is reported 3 bytes later than without it.
        let broken = text.replacen("\"Effect\"", "\"Efect\"", 1);
        let plain = check(name, broken.as_bytes());
        let bommed = check(name, format!("\u{feff}{broken}").as_bytes());
        let spans = |p: &ParsedFile| p.diagnostics.iter().map(|d| (d.code, d.span)).collect::<Vec<_>>();
        let shifted: Vec<_> = spans(&plain)
            .into_iter()
            .map(|(c, s)| (c, Span::new(s.start as usize + 3, s.end as usize + 3)))
            .collect();
        assert_eq!(spans(&bommed), shifted, "{name}");
    }
    check_error("BOM only", "\u{feff}".as_bytes());
    check_error("two BOMs", format!("\u{feff}\u{feff}{IDENTITY}").as_bytes());
    check_error("BOM inside", "{\u{feff}\"Version\": \"2012-10-17\"}".as_bytes());
    check_error("UTF-16 BOM", b"\xff\xfe{\x00}\x00");
}

#[test]
fn deep_nesting() {
    const N: usize = 10_000;
    check_error("[ x N", "[".repeat(N).as_bytes());
    check_error("{ x N", "{".repeat(N).as_bytes());
    check_error("{\"a\": x N", "{\"a\":".repeat(N).as_bytes());
    check_error("[{ mix", "[{\"Statement\":".repeat(N / 2).as_bytes());
    check("balanced []", format!("{}{}", "[".repeat(N), "]".repeat(N)).as_bytes());
    let objects = format!("{}1{}", "{\"a\":".repeat(N), "}".repeat(N));
    check("balanced {}", objects.as_bytes());
    let in_statement = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":{}{}}}",
        "[".repeat(N),
        "]".repeat(N)
    );
    check("deep Statement", in_statement.as_bytes());
    let in_condition = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\
         \"Condition\":{}1{}}}]}}",
        "{\"StringEquals\":".repeat(N),
        "}".repeat(N)
    );
    check("deep Condition", in_condition.as_bytes());
    check_error("deep embedded", policy_string(&"[".repeat(N)).as_bytes());
    check(
        "deep embedded balanced",
        policy_string(&format!("{}{}", "{\"a\":".repeat(N), "}".repeat(N))).as_bytes(),
    );
}

#[test]
fn huge_values() {
    const MB10: usize = 10 * 1024 * 1024;
    let long = "A".repeat(MB10);
    let sid = IDENTITY.replacen("ReadRawData", &long, 1);
    check("10 MB Sid", sid.as_bytes());
    // 1 MB where the value goes through a grammar or an escape decoder (the 10 MB cases cost seconds
    // in a debug build and exercise nothing more).
    let mb1 = &long[..1024 * 1024];
    let action = IDENTITY.replacen("s3:GetObject\"", &format!("s3:{mb1}\""), 1);
    check("1 MB action", action.as_bytes());
    let embedded = policy_string(&TRUST.replacen("GitHubOidc", mb1, 1));
    check("1 MB Sid in an embedded policy", embedded.as_bytes());
    // A 10 MB array of actions (~650,000 elements).
    let item = "\"s3:GetObject\",";
    let mut items = item.repeat(MB10 / item.len());
    items.push_str("\"s3:PutObject\"");
    let array = IDENTITY.replacen(
        "[\"s3:GetObject\", \"s3:GetObjectVersion\", \"s3:ListBucket\"]",
        &format!("[{items}]"),
        1,
    );
    let parsed = check("10 MB Action array", array.as_bytes());
    assert!(!parsed.documents.is_empty());
    let unclosed = format!("[{items}");
    check_error("10 MB unclosed array", unclosed.as_bytes());
    let unterminated = format!("{{\"Version\": \"{long}");
    check_error("10 MB unterminated string", unterminated.as_bytes());
    // Beyond the size limit: refused with a diagnostic, not read.
    let too_large = vec![b' '; tenet_syntax::MAX_FILE_SIZE + 1];
    let parsed = check_error("too large", &too_large);
    assert_eq!(parsed.diagnostics[0].code, "SYN017");
}

#[test]
fn lone_surrogates_and_bad_escapes() {
    let escapes = [
        r"\ud800",
        r"\udfff",
        r"\udc00\ud800",
        r"\ud800\u0041",
        r"\ud800\ud800",
        r"\ud83d",
        r"\ud83d\ude00",
        r"\u0000",
        r"\uffff",
        r"\ufeff",
        r"\u00e9\u0301",
    ];
    for (i, esc) in escapes.iter().enumerate() {
        for (slot, from) in [
            ("Sid", "ReadRawData"),
            ("Action", "s3:GetObject\""),
            ("Key", "\"Effect\""),
        ] {
            let to = match slot {
                "Action" => format!("s3:Get{esc}\""),
                "Key" => format!("\"Eff{esc}ect\""),
                _ => format!("Read{esc}"),
            };
            let text = IDENTITY.replacen(from, &to, 1);
            check(&format!("{slot} escape #{i}"), text.as_bytes());
            // The same escape inside an embedded policy string: escaped once more in the outer file.
            check(&format!("embedded {slot} escape #{i}"), policy_string(&text).as_bytes());
            // And raw (single-escaped) in the outer string, so the decoded policy holds the surrogate.
            let raw = format!("{{\"Policy\": \"{{\\\"Sid\\\": \\\"{esc}\\\", \\\"Statement\\\": []}}\"}}");
            check(&format!("embedded raw escape #{i}"), raw.as_bytes());
        }
    }
    for bad in [r"\u", r"\u12", r"\u12G4", r"\x41", r"\'", r"\U0001F600", "\\"] {
        let text = IDENTITY.replacen("ReadRawData", &format!("Read{bad}"), 1);
        check_error(&format!("bad escape {bad}"), text.as_bytes());
        let embedded = format!("{{\"Policy\": \"{{\\\"Sid\\\": \\\"{bad}\\\"}}\"}}");
        check(&format!("embedded bad escape {bad}"), embedded.as_bytes());
    }
}

#[test]
fn huge_and_odd_numbers() {
    let numbers = [
        "1e999999",
        "-1e-999999",
        "123456789012345678901234567890123456789012345678901234567890",
        "-0",
        "0.0000000000000000000000000000000000001",
        "1E+2",
        "18446744073709551616",
        "-9223372036854775809",
    ];
    let long_digits = "9".repeat(100_000);
    for (i, n) in numbers.iter().copied().chain([long_digits.as_str()]).enumerate() {
        for (slot, from) in [
            ("Version", "\"2012-10-17\""),
            ("Condition value", "100"),
            ("Sid", "\"ReadRawData\""),
            ("Action", "\"s3:ListBucket\""),
            ("Statement", "\"Statement\": ["),
        ] {
            let to = if slot == "Statement" {
                format!("\"Statement\": [{n}, ")
            } else {
                n.to_owned()
            };
            let text = IDENTITY.replacen(from, &to, 1);
            check(&format!("{slot} number #{i}"), text.as_bytes());
        }
    }
    for bad in ["01", "1.", ".5", "+1", "0x10", "1e", "NaN", "Infinity", "-", "1_000"] {
        let text = IDENTITY.replacen("100", bad, 1);
        check_error(&format!("bad number {bad}"), text.as_bytes());
    }
}

#[test]
fn pathological_wildcards_and_variables() {
    let star_a = format!("{}b", "*a".repeat(5_000));
    let question = format!("{}b", "?".repeat(10_000));
    // `${` runs are kept to 1,000: the variable grammar is quadratic in them (reported; a benchmark
    // matter, not a test's).
    let nests = format!("{}{}", "${".repeat(1_000), "}".repeat(1_000));
    let unclosed = "${".repeat(1_000);
    let values = [
        star_a.clone(),
        format!("s3:{star_a}"),
        format!("{star_a}:{star_a}"),
        question.clone(),
        nests.clone(),
        unclosed.clone(),
        format!("arn:aws:s3:::{star_a}/{nests}"),
        format!("arn:{star_a}:{question}:{nests}:{unclosed}:x"),
        "${".to_owned(),
        "${}".to_owned(),
        "$${aws:username}".to_owned(),
        "${aws:username".to_owned(),
        "${*}${?}${$}".to_owned(),
        "${aws:username, 'default'}".to_owned(),
        "arn:".repeat(5_000),
        ":".repeat(10_000),
        "*".repeat(10_000),
    ];
    for (i, v) in values.iter().enumerate() {
        let v = serde_json::to_string(v).unwrap();
        for (slot, from) in [
            ("Action", "\"s3:GetObject\""),
            ("NotAction", "\"iam:*\""),
            ("Resource", "\"arn:aws:s3:::example-raw-data\""),
            ("NotResource", "\"arn:aws:iam::*:role/Admin*\""),
            ("Condition key", "\"aws:SourceIp\""),
            ("Condition value", "\"203.0.113.0/24\""),
            ("Condition operator", "\"StringEquals\""),
        ] {
            let text = IDENTITY.replacen(from, &v, 1);
            check(&format!("{slot} pattern #{i}"), text.as_bytes());
        }
        let principal = BUCKET.replacen("\"cloudfront.amazonaws.com\"", &v, 1);
        check(&format!("Principal pattern #{i}"), principal.as_bytes());
        let aws = KEY.replacen("\"444455556666\"", &v, 1);
        check(&format!("AWS principal pattern #{i}"), aws.as_bytes());
    }
}

/// Values of every JSON type, to put where another type is expected.
const WRONG: &[&str] = &[
    "null",
    "true",
    "0",
    "-1.5",
    "\"\"",
    "\"x\"",
    "\"%\"",
    "\"%ZZ\"",
    "\"{\"",
    "[]",
    "{}",
    "[null]",
    "[[]]",
    "[{}]",
    "{\"a\": null}",
];

#[test]
fn wrong_types_in_every_slot() {
    // Every value slot of each seed, replaced in turn by each wrong value.
    for (name, text) in seeds() {
        let slots = value_slots(&text);
        for (k, &(start, end)) in slots.iter().enumerate() {
            for (w, wrong) in WRONG.iter().enumerate() {
                if (k + w) % 3 != 0 && !text[start..end].starts_with(['[', '{']) {
                    continue; // a third of the scalar slots get each value, every container slot gets all
                }
                let mutated = format!("{}{}{}", &text[..start], wrong, &text[end..]);
                check(
                    &format!("{name} slot {k} ({:?}) = {wrong}", &text[start..end]),
                    mutated.as_bytes(),
                );
            }
        }
    }
}

/// The spans of member values of `text` (a crude scanner: strings, numbers, literals, and the
/// brackets of arrays and objects, found with a stack).
fn value_slots(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut slots = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    let mut after_colon = false;
    let mut container_is_value: Vec<bool> = Vec::new();
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if after_colon {
                    slots.push((start, (i + 1).min(b.len())));
                }
                after_colon = false;
            }
            b'{' | b'[' => {
                open.push(i);
                container_is_value.push(after_colon);
                after_colon = false;
            }
            b'}' | b']' => {
                if let (Some(start), Some(true)) = (open.pop(), container_is_value.pop()) {
                    slots.push((start, i + 1));
                }
            }
            b':' => after_colon = true,
            c if after_colon && (c == b'-' || c.is_ascii_alphanumeric()) => {
                let start = i;
                while i < b.len() && !b",}] \n".contains(&b[i]) {
                    i += 1;
                }
                slots.push((start, i));
                after_colon = false;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    slots
}

#[test]
fn broken_embedded_wrappers() {
    let broken_strings = [
        "",
        " ",
        "{",
        "}",
        "{\"Version\": ",
        "{\"Statement\": [",
        "\"unterminated",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",}]}",
        "not json at all",
        "null",
        "[]",
        "42",
        "{\"Policy\": \"{\\\"Policy\\\": 1}\"}",
        "%7B",
        "%7B%22Version%22%3A",
        "%",
        "%%",
        "%Z",
        "%ZZ%7B%7D",
        "%00",
        "%7B%00%7D",
        "+++",
        "%2",
        "{%22a%22:1}",
        "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D%",
    ];
    for (i, s) in broken_strings.iter().enumerate() {
        check(&format!("Policy string #{i}"), policy_string(s).as_bytes());
        check(&format!("PolicyVersion.Document #{i}"), policy_version(s).as_bytes());
        check(
            &format!("authorization details #{i}"),
            authorization_details("{}", s).as_bytes(),
        );
        // Strings that are not a policy must not pass silently when wrapped as one.
        if i < 12 {
            check_error(&format!("Policy string #{i} is an error"), policy_string(s).as_bytes());
        }
    }
    // Raw, not-well-formed string literals in the outer file.
    for raw in [
        "{\"Policy\": \"{\\\"a\\\": \\\"\\x\\\"}\"}",
        "{\"Policy\": \"\\ud800{}\"}",
        "{\"Policy\": \"{}\\\"}",
        "{\"PolicyVersion\": {\"Document\": \"%7B%7D\\u0000\"}}",
    ] {
        check(raw, raw.as_bytes());
    }
}

#[test]
fn authorization_details_with_wrong_types_everywhere() {
    let template = authorization_details(TRUST, &url_encode(IDENTITY));
    let slots = value_slots(&template);
    for (k, &(start, end)) in slots.iter().enumerate() {
        for wrong in WRONG {
            let mutated = format!("{}{}{}", &template[..start], wrong, &template[end..]);
            check(&format!("authorization details slot {k} = {wrong}"), mutated.as_bytes());
        }
    }
    for top in WRONG {
        for key in ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"] {
            let text = format!("{{\"{key}\": {top}}}");
            check(&text, text.as_bytes());
            let text = format!(
                "{{\"{key}\": [{top}, {{\"UserPolicyList\": {top}, \"RolePolicyList\": [{top}], \
                 \"AssumeRolePolicyDocument\": {top}, \"PolicyVersionList\": [{{\"Document\": {top}}}]}}]}}"
            );
            check(&text, text.as_bytes());
        }
    }
}
