//! Evaluator tests: wildcards.

use super::*;

#[test]
fn wildcard_basics() {
    assert!(wildcard_match("s3:Get*", "s3:GetObject", false));
    assert!(wildcard_match("s3:Get?bject", "s3:GetObject", false));
    assert!(!wildcard_match("s3:Get?", "s3:GetObject", false));
    assert!(wildcard_match("*", "", false));
    assert!(wildcard_match("", "", false));
    assert!(!wildcard_match("", "a", false));
    assert!(wildcard_match("a*b*c", "aXXbYYc", false));
    assert!(!wildcard_match("a*b*c", "aXXbYY", false));
    assert!(wildcard_match("*.txt", "a.b.txt", false));
}

#[test]
fn wildcard_case_rules() {
    assert!(wildcard_match("S3:getobject", "s3:GetObject", true));
    assert!(!wildcard_match("S3:getobject", "s3:GetObject", false));
    assert!(wildcard_match("ÄB*", "äbc", true));
    assert!(wildcard_match("é?", "éà", false));
}

#[test]
fn wildcard_pathological_patterns_terminate_correctly() {
    let text = "a".repeat(20_000);
    assert!(!wildcard_match("*a*a*a*a*a*a*a*a*b", &text, false));
    assert!(wildcard_match("*a*a*a*a*a*a*a*a*a", &text, false));
    let pattern = "*a".repeat(200) + "b";
    assert!(!wildcard_match(&pattern, &text, false));
    let pattern = "?".repeat(19_999) + "*";
    assert!(wildcard_match(&pattern, &text, false));
    assert!(!wildcard_match(&"?".repeat(20_001), &text, false));
}

/// The three ways the one glob (`tenet_catalog::wildcard`) is driven agree: the byte path of
/// `wildcard_match` (ASCII), its character path, and the token path of resolved patterns.
#[test]
fn wildcard_paths_agree() {
    use super::super::matching::{glob_tokens, Tok};
    let cases = [
        ("s3:Get*", "S3:getObject"),
        ("S3:GET?BJECT", "s3:GetObject"),
        ("s3:?", "s3:é"),
        ("s3:??", "s3:é"),
        ("a?c", "a\u{1F600}c"),
        ("**a***b**", "xxaYYb"),
        ("*a*a*b", "aaaaaaaab"),
        ("*a*a*b", "aaaaaaaa"),
        ("ÄB*", "äbc"),
        ("\u{212A}ms:*", "kms:Decrypt"),
        ("kms:*", "\u{212A}ms:Decrypt"),
        ("ß*", "SS"),
        ("", ""),
        ("?", ""),
        ("***", ""),
    ];
    for (pattern, text) in cases {
        for case_insensitive in [false, true] {
            let toks: Vec<Tok> = pattern.chars().map(Tok::from_policy_char).collect();
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(
                wildcard_match(pattern, text, case_insensitive),
                glob_tokens(&toks, &chars, case_insensitive),
                "{pattern:?} against {text:?}, case_insensitive: {case_insensitive}"
            );
        }
    }
    // The expected answers of the cases that differ between a byte glob and a character glob,
    // or between ASCII and Unicode case folding.
    assert!(wildcard_match("s3:?", "s3:é", false));
    assert!(!wildcard_match("s3:??", "s3:é", false));
    assert!(wildcard_match("\u{212A}ms:*", "kms:Decrypt", true));
    assert!(wildcard_match("kms:*", "\u{212A}ms:Decrypt", true));
    assert!(!wildcard_match("ß*", "SS", true));
}

/// The IAM User Guide's examples ("IAM JSON policy elements: Resource", "Using wildcards in resource
/// ARNs") and the segment rule: a `*` stays within its segment unless it is the segment's last
/// character.
#[test]
fn arn_wildcards_in_resource_follow_the_user_guide() {
    // "all IAM users whose path is /accounting"
    let users = "arn:aws:iam::123456789012:user/accounting/*";
    assert!(arn_pattern_match(
        users,
        "arn:aws:iam::123456789012:user/accounting/bob"
    ));
    assert!(arn_pattern_match(
        users,
        "arn:aws:iam::123456789012:user/accounting/eu/bob"
    ));
    assert!(!arn_pattern_match(
        users,
        "arn:aws:iam::123456789012:user/marketing/bob"
    ));
    // "all items within a specific Amazon S3 bucket"
    assert!(arn_pattern_match(
        "arn:aws:s3:::amzn-s3-demo-bucket/*",
        "arn:aws:s3:::amzn-s3-demo-bucket/a/b.jpg"
    ));
    // `*` expands across `/`, which is not a delimiter: the guide's `bucket/*/test/*` list.
    let test = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*";
    for object in [
        "1/test/object.jpg",
        "1/2/test/object.jpg",
        "1/2/test/3/object.jpg",
        "1/2/3/test/4/object.jpg",
        "1///test///object.jpg",
        "1/test/.jpg",
        "/test/object.jpg",
        "1/test/",
    ] {
        assert!(
            arn_pattern_match(test, &format!("arn:aws:s3:::amzn-s3-demo-bucket/{object}")),
            "{object}"
        );
    }
    for object in ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"] {
        assert!(
            !arn_pattern_match(test, &format!("arn:aws:s3:::amzn-s3-demo-bucket/{object}")),
            "{object}"
        );
    }
    // A `*` that is the last character of a segment expands beyond the colon boundaries.
    assert!(arn_pattern_match("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c"));
    assert!(arn_pattern_match(
        "arn:aws:logs:*:*:log-group:*",
        "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"
    ));
    assert!(arn_pattern_match(
        "arn:aws:sqs:*:123456789012:q",
        "arn:aws:sqs:us-east-1:x:123456789012:q"
    ));
    assert!(arn_pattern_match("*", "arn:aws:s3:::a:b"));
    assert!(arn_pattern_match("arn:aws:s3:::b/**", "arn:aws:s3:::b/x:y"));
    // Any other `*` stays within its segment.
    let stack = "arn:aws:cloudformation:*:*:stack/*/x";
    assert!(arn_pattern_match(
        stack,
        "arn:aws:cloudformation:us-east-1:1:stack/a/b/x"
    ));
    assert!(!arn_pattern_match(
        stack,
        "arn:aws:cloudformation:us-east-1:1:stack/a:b/x"
    ));
    assert!(!arn_pattern_match(
        "arn:aws:ec2:us-*-1:*:vpc/*",
        "arn:aws:ec2:us-a:b-1:1:vpc/v"
    ));
    assert!(arn_pattern_match(
        "arn:aws:ec2:us-*-1:*:vpc/*",
        "arn:aws:ec2:us-east-1:1:vpc/v"
    ));
    assert!(!arn_pattern_match("arn:aws:s3:::b/*x", "arn:aws:s3:::b/a:x"));
    assert!(!arn_pattern_match("arn:aws:s3:::b/**x", "arn:aws:s3:::b/a:x"));
    // `?` is one character; it never matches `:` here, and a match that depends on it is ambiguous.
    assert!(arn_pattern_match("arn:aws:s3:::b/?", "arn:aws:s3:::b/x"));
    assert!(!arn_pattern_match("arn:aws:s3:::b/?", "arn:aws:s3:::b/xy"));
    assert!(!arn_pattern_match("arn:aws:s3:::b/a?b", "arn:aws:s3:::b/a:b"));
    assert!(arn_pattern_ambiguous("arn:aws:s3:::b/a?b", "arn:aws:s3:::b/a:b"));
    assert!(!arn_pattern_ambiguous("arn:aws:s3:::b/a?b", "arn:aws:s3:::b/axb"));
    assert!(!arn_pattern_ambiguous("arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b"));
    // Whether a `*` ending one of the first five components expands across colons is open too.
    let deny = "arn:aws:cloudformation:*:*:stack/MySensitiveStack/*";
    let odd = "arn:aws:cloudformation:r:a:stack/NotMySensitiveStack/x:y:stack/MySensitiveStack/z";
    assert!(arn_pattern_match(deny, odd));
    assert!(!arn_pattern_match_in(deny, odd, ArnReading::STRICT));
    assert!(arn_pattern_ambiguous(deny, odd));
    assert!(!arn_pattern_ambiguous(
        deny,
        "arn:aws:cloudformation:r:a:stack/MySensitiveStack/z:w"
    ));
    assert!(arn_pattern_match_in("*", "a:b", ArnReading::STRICT));
    assert!(arn_pattern_match_in("arn:aws:*", "arn:aws:s3:::b", ArnReading::STRICT));
    // Case-sensitive, and quadratic at worst.
    assert!(!arn_pattern_match("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x"));
    let text = format!("arn:aws:s3:::b/{}", "a".repeat(20_000));
    assert!(!arn_pattern_match(
        &format!("arn:aws:s3:::b/{}b", "*a".repeat(100)),
        &text
    ));
}

#[test]
fn resource_element_stars_stay_in_their_segment() {
    let p = policy(vec![allow()
        .action("cloudformation:*")
        .resource("arn:aws:cloudformation:*:*:stack/*/x")]);
    let ok = req(
        ALICE,
        "cloudformation:DeleteStack",
        "arn:aws:cloudformation:us-east-1:1:stack/a/x",
    );
    assert!(statement_applies(&p.statements[0].value, &p, &ok));
    let colon = req(
        ALICE,
        "cloudformation:DeleteStack",
        "arn:aws:cloudformation:us-east-1:1:stack/a:b/x",
    );
    assert!(!statement_applies(&p.statements[0].value, &p, &colon));
}
