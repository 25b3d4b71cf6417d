//! Evaluator tests: conditions.

use super::*;

#[test]
fn string_equals_is_case_sensitive_and_ored() {
    let s = || allow().cond("StringEquals", "aws:PrincipalTag/team", &["red", "blue"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:PrincipalTag/team", "blue")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:PrincipalTag/team", "Blue")));
    let ic = allow().cond("StringEqualsIgnoreCase", "aws:PrincipalTag/team", &["BLUE"]);
    assert!(holds(ic, &with(get_obj(ALICE), "aws:PrincipalTag/team", "blue")));
}

#[test]
fn condition_keys_are_case_insensitive() {
    let s = allow().cond("StringEquals", "AWS:SOURCEVPC", &["vpc-1"]);
    assert!(holds(s, &with(get_obj(ALICE), "aws:SourceVpc", "vpc-1")));
}

#[test]
fn multiple_keys_and_operators_are_anded() {
    let s = || {
        allow()
            .cond("StringEquals", "aws:SourceVpc", &["vpc-1"])
            .cond("StringEquals", "aws:SourceVpce", &["vpce-1"])
    };
    let r = with(get_obj(ALICE), "aws:SourceVpc", "vpc-1");
    assert!(!holds(s(), &r));
    assert!(holds(s(), &with(r, "aws:SourceVpce", "vpce-1")));
}

#[test]
fn string_not_equals_matches_none_and_missing() {
    let s = || allow().cond("StringNotEquals", "aws:PrincipalOrgID", &["o-1", "o-2"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:PrincipalOrgID", "o-3")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:PrincipalOrgID", "o-2")));
    assert!(holds(s(), &get_obj(ALICE)));
}

#[test]
fn positive_operator_with_missing_key_is_false() {
    assert!(!holds(allow().cond("StringLike", "s3:prefix", &["*"]), &get_obj(ALICE)));
}

#[test]
fn string_like_wildcards() {
    let s = || allow().cond("StringLike", "s3:prefix", &["home/*/docs", "tmp?"]);
    assert!(holds(s(), &with(get_obj(ALICE), "s3:prefix", "home/alice/docs")));
    assert!(holds(s(), &with(get_obj(ALICE), "s3:prefix", "tmp1")));
    assert!(!holds(s(), &with(get_obj(ALICE), "s3:prefix", "tmp12")));
    let not_like = allow().cond("StringNotLike", "s3:prefix", &["home/*"]);
    assert!(!holds(not_like, &with(get_obj(ALICE), "s3:prefix", "home/x")));
}

#[test]
fn if_exists_with_missing_and_present_key() {
    let s = || allow().cond("StringEqualsIfExists", "ec2:InstanceType", &["t3.micro"]);
    assert!(holds(s(), &get_obj(ALICE)));
    assert!(holds(s(), &with(get_obj(ALICE), "ec2:InstanceType", "t3.micro")));
    assert!(!holds(s(), &with(get_obj(ALICE), "ec2:InstanceType", "m5.large")));
}

#[test]
fn null_operator() {
    let absent = || allow().cond("Null", "aws:TokenIssueTime", &["true"]);
    let present = || allow().cond("Null", "aws:TokenIssueTime", &["false"]);
    let r = with(get_obj(ALICE), "aws:TokenIssueTime", "2024-01-01T00:00:00Z");
    assert!(holds(absent(), &get_obj(ALICE)));
    assert!(!holds(absent(), &r));
    assert!(holds(present(), &r));
    assert!(!holds(present(), &get_obj(ALICE)));
    assert!(holds(absent(), &with_multi(get_obj(ALICE), "aws:TokenIssueTime", &[])));
}

#[test]
fn for_all_values_missing_and_empty_are_true() {
    let s = || allow().cond("ForAllValues:StringEquals", "aws:TagKeys", &["env", "team"]);
    assert!(holds(s(), &get_obj(ALICE)));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &[])));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["env"])));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["env", "team"])));
    assert!(!holds(
        s(),
        &with_multi(get_obj(ALICE), "aws:TagKeys", &["env", "cost"])
    ));
}

#[test]
fn for_any_value_missing_and_empty_are_false() {
    let s = || allow().cond("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]);
    assert!(!holds(s(), &get_obj(ALICE)));
    assert!(!holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &[])));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["cost", "env"])));
    assert!(!holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["cost"])));
}

#[test]
fn for_any_value_if_exists_with_missing_key() {
    let s = allow().cond("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", &["env"]);
    assert!(holds(s, &get_obj(ALICE)));
}

#[test]
fn negated_set_operators() {
    let all = || allow().cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["secret"]);
    assert!(holds(all(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["a", "b"])));
    assert!(!holds(
        all(),
        &with_multi(get_obj(ALICE), "aws:TagKeys", &["a", "secret"])
    ));
    let any = || allow().cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["secret"]);
    assert!(holds(
        any(),
        &with_multi(get_obj(ALICE), "aws:TagKeys", &["a", "secret"])
    ));
    assert!(!holds(any(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["secret"])));
    assert!(!holds(any(), &get_obj(ALICE)));
}

#[test]
fn multi_valued_key_without_qualifier() {
    let s = || allow().cond("StringEquals", "aws:TagKeys", &["env"]);
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["x", "env"])));
    assert!(!holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &[])));
    let n = || allow().cond("StringNotEquals", "aws:TagKeys", &["env"]);
    assert!(!holds(n(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["x", "env"])));
    assert!(holds(n(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["x"])));
}

#[test]
fn single_valued_key_with_qualifier_is_a_singleton() {
    let s = allow().cond("ForAllValues:StringLike", "aws:SourceVpc", &["vpc-*"]);
    assert!(holds(s, &with(get_obj(ALICE), "aws:SourceVpc", "vpc-9")));
}

#[test]
fn numeric_operators() {
    let r = with(get_obj(ALICE), "aws:MultiFactorAuthAge", "3600");
    assert!(holds(
        allow().cond("NumericLessThan", "aws:MultiFactorAuthAge", &["7200"]),
        &r
    ));
    assert!(!holds(
        allow().cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericLessThanEquals", "aws:MultiFactorAuthAge", &["3600"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericGreaterThan", "aws:MultiFactorAuthAge", &["10.5"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericEquals", "aws:MultiFactorAuthAge", &["3600.0"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericNotEquals", "aws:MultiFactorAuthAge", &["1"]),
        &r
    ));
    assert!(!holds(
        allow().cond("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", &["x"]),
        &r
    ));
    let bad = with(get_obj(ALICE), "aws:MultiFactorAuthAge", "soon");
    assert!(!holds(
        allow().cond("NumericLessThan", "aws:MultiFactorAuthAge", &["7200"]),
        &bad
    ));
}

#[test]
fn dates_in_iso_and_epoch_forms() {
    let r = with(get_obj(ALICE), "aws:CurrentTime", "2024-03-01T12:00:00Z");
    let before = |v: &str| allow().cond("DateLessThan", "aws:CurrentTime", &[v]);
    assert!(holds(before("2024-03-02"), &r));
    assert!(!holds(before("2024-03-01T12:00:00Z"), &r));
    assert!(holds(before("2024-03-01T12:00:00.001Z"), &r));
    // 2024-03-01T12:00:00Z is 1709294400 seconds after the epoch.
    assert!(holds(
        allow().cond("DateEquals", "aws:CurrentTime", &["1709294400"]),
        &r
    ));
    assert!(holds(
        allow().cond("DateEquals", "aws:CurrentTime", &["2024-03-01T14:00:00+02:00"]),
        &r
    ));
    assert!(holds(
        allow().cond("DateGreaterThanEquals", "aws:CurrentTime", &["2024-03-01T11:59:59Z"]),
        &r
    ));
    let epoch_req = with(get_obj(ALICE), "aws:EpochTime", "1709294400");
    assert!(holds(
        allow().cond("DateGreaterThan", "aws:EpochTime", &["2024-03-01T11:00:00Z"]),
        &epoch_req
    ));
    assert!(holds(
        allow().cond("DateNotEquals", "aws:CurrentTime", &["2000-01-01"]),
        &r
    ));
}

#[test]
fn date_parser_edge_cases() {
    use crate::semantics::parse_date;
    assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_date("1970-01-02"), Some(86_400 * 1_000_000_000));
    assert_eq!(parse_date("2000-02-29T00:00:00Z"), parse_date("951782400"));
    assert_eq!(parse_date("1969-12-31T23:59:59Z"), Some(-1_000_000_000));
    assert_eq!(parse_date("2023-02-29"), None);
    assert_eq!(parse_date("2024-13-01"), None);
    assert_eq!(parse_date("not a date"), None);
    assert_eq!(
        parse_date("2024-01-01T00:00:00+0100"),
        parse_date("2023-12-31T23:00:00Z")
    );
}

#[test]
fn bool_operator() {
    let s = || allow().cond("Bool", "aws:SecureTransport", &["true"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SecureTransport", "true")));
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SecureTransport", "TRUE")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:SecureTransport", "false")));
    assert!(!holds(s(), &get_obj(ALICE)));
    assert!(holds(
        allow().cond("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]),
        &get_obj(ALICE)
    ));
}

#[test]
fn binary_equals_compares_decoded_base64() {
    let s = || allow().cond("BinaryEquals", "custom:blob", &["aGVsbG8="]);
    assert!(holds(s(), &with(get_obj(ALICE), "custom:blob", "aGVsbG8=")));
    assert!(holds(s(), &with(get_obj(ALICE), "custom:blob", "aGVsbG8")));
    assert!(!holds(s(), &with(get_obj(ALICE), "custom:blob", "d29ybGQ=")));
    assert!(!holds(s(), &with(get_obj(ALICE), "custom:blob", "!!")));
}

#[test]
fn ip_address_v4() {
    let s = || allow().cond("IpAddress", "aws:SourceIp", &["203.0.113.0/24", "198.51.100.7"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "203.0.113.5")));
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "198.51.100.7")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "198.51.100.8")));
    assert!(holds(
        allow().cond("IpAddress", "aws:SourceIp", &["0.0.0.0/0"]),
        &with(get_obj(ALICE), "aws:SourceIp", "8.8.8.8")
    ));
    let not = allow().cond("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"]);
    assert!(holds(not, &with(get_obj(ALICE), "aws:SourceIp", "192.0.2.1")));
}

#[test]
fn ip_address_v6_cidr() {
    let s = || allow().cond("IpAddress", "aws:SourceIp", &["2001:DB8:1234:5678::/64"]);
    assert!(holds(
        s(),
        &with(get_obj(ALICE), "aws:SourceIp", "2001:db8:1234:5678::1")
    ));
    assert!(holds(
        s(),
        &with(get_obj(ALICE), "aws:SourceIp", "2001:db8:1234:5678:ffff:ffff:ffff:ffff")
    ));
    assert!(!holds(
        s(),
        &with(get_obj(ALICE), "aws:SourceIp", "2001:db8:1234:5679::1")
    ));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "203.0.113.5")));
}

#[test]
fn arn_operators_match_by_component() {
    let like = || allow().cond("ArnLike", "aws:SourceArn", &["arn:aws:s3:::bucket-*"]);
    assert!(holds(
        like(),
        &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:s3:::bucket-1")
    ));
    assert!(!holds(
        like(),
        &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:s3:::other")
    ));
    // A `*` in the region component does not span colons.
    let region = || allow().cond("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:111111111111:topic"]);
    assert!(holds(
        region(),
        &with(
            get_obj(ALICE),
            "aws:SourceArn",
            "arn:aws:sns:us-east-1:111111111111:topic"
        )
    ));
    assert!(!holds(
        region(),
        &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:sns:a:b:111111111111:topic")
    ));
    let not = allow().cond("ArnNotEquals", "aws:PrincipalArn", &[ROLE]);
    assert!(holds(not, &with(get_obj(ALICE), "aws:PrincipalArn", ALICE)));
    assert!(!holds(like(), &with(get_obj(ALICE), "aws:SourceArn", "not-an-arn")));
}

#[test]
fn unknown_operator_never_holds() {
    let mut s = allow().cond("StringEquals", "aws:SourceVpc", &["vpc-1"]);
    if let Some(c) = s.0.condition.as_mut() {
        c.value[0].parsed = None;
    }
    assert!(!holds(s, &with(get_obj(ALICE), "aws:SourceVpc", "vpc-1")));
}
