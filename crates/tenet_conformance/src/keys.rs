//! The condition keys the generator uses, their types, and value pools that make conditions hold
//! about half of the time.

use crate::rng::Rng;

/// How IAM types a condition key (the operator family that reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// `String*` operators.
    Str,
    /// `Numeric*` operators.
    Num,
    /// `Date*` operators.
    Date,
    /// `Bool`.
    Bool,
    /// `IpAddress` / `NotIpAddress`.
    Ip,
    /// `Arn*` operators.
    Arn,
    /// `BinaryEquals` (base64 values).
    Binary,
}

/// One condition key the generator may read.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    /// The key name as a policy writes it.
    pub name: &'static str,
    /// Its type.
    pub ty: KeyType,
    /// Whether the key is multi-valued (`ArrayOf*` in the service authorization reference).
    pub multi: bool,
    /// Whether tenet derives it from the principal (`tenet simulate` fills it in when absent).
    pub derived: bool,
    /// Values a request may carry.
    pub request_values: &'static [&'static str],
    /// Values a policy may compare against (may include wildcards for `*Like`).
    pub policy_values: &'static [&'static str],
}

const fn key(
    name: &'static str,
    ty: KeyType,
    multi: bool,
    request_values: &'static [&'static str],
    policy_values: &'static [&'static str],
) -> KeySpec {
    KeySpec {
        name,
        ty,
        multi,
        derived: false,
        request_values,
        policy_values,
    }
}

const fn derived(name: &'static str, ty: KeyType, policy_values: &'static [&'static str]) -> KeySpec {
    KeySpec {
        name,
        ty,
        multi: false,
        derived: true,
        request_values: &[],
        policy_values,
    }
}

/// Dates as ISO 8601 and as epoch seconds (both are valid policy values, IAM User Guide
/// "Date condition operators").
const DATES_REQ: &[&str] = &["2026-03-01T12:00:00Z", "2025-12-31T23:59:59Z", "2026-06-15T08:30:00Z"];
const DATES_POL: &[&str] = &[
    "2026-03-01T12:00:00Z",
    "2026-01-01T00:00:00Z",
    "2026-01-01",
    "1767225600",
    "2027-01-01T00:00:00Z",
];

/// Global condition keys (valid for every action).
pub const GLOBAL_KEYS: &[KeySpec] = &[
    key(
        "aws:SourceIp",
        KeyType::Ip,
        false,
        &["203.0.113.7", "198.51.100.20", "2001:db8::5"],
        &[
            "203.0.113.0/24",
            "203.0.113.7",
            "198.51.100.0/22",
            "2001:db8::/32",
            "10.0.0.0/8",
        ],
    ),
    key(
        "aws:PrincipalTag/blob",
        KeyType::Binary,
        false,
        &["cmVk", "Ymx1ZQ=="],
        &["cmVk", "Ymx1ZQ==", "Z3JlZW4="],
    ),
    key(
        "aws:SecureTransport",
        KeyType::Bool,
        false,
        &["true", "false"],
        &["true", "false"],
    ),
    key(
        "aws:MultiFactorAuthPresent",
        KeyType::Bool,
        false,
        &["true", "false"],
        &["true", "false"],
    ),
    key(
        "aws:ViaAWSService",
        KeyType::Bool,
        false,
        &["true", "false"],
        &["true", "false"],
    ),
    key(
        "aws:MultiFactorAuthAge",
        KeyType::Num,
        false,
        &["300", "3600", "7200"],
        &["3600", "600", "7200"],
    ),
    key("aws:CurrentTime", KeyType::Date, false, DATES_REQ, DATES_POL),
    key(
        "aws:EpochTime",
        KeyType::Date,
        false,
        &["1772366400", "1767225599"],
        DATES_POL,
    ),
    key("aws:TokenIssueTime", KeyType::Date, false, DATES_REQ, DATES_POL),
    key(
        "aws:PrincipalTag/team",
        KeyType::Str,
        false,
        &["red", "blue", "Red"],
        &["red", "blue", "r*", "?lue", "*", "RED"],
    ),
    key(
        "aws:PrincipalOrgID",
        KeyType::Str,
        false,
        &["o-abc123", "o-zzz999"],
        &["o-abc123", "o-abc*"],
    ),
    key(
        "aws:PrincipalOrgPaths",
        KeyType::Str,
        true,
        &["o-abc123/r-ab12/ou-ab12-11111111/", "o-abc123/r-ab12/ou-ab12-22222222/"],
        &[
            "o-abc123/r-ab12/ou-ab12-11111111/",
            "o-abc123/*",
            "o-abc123/r-ab12/ou-ab12-22222222/*",
        ],
    ),
    key(
        "aws:CalledVia",
        KeyType::Str,
        true,
        &["athena.amazonaws.com", "cloudformation.amazonaws.com"],
        &["athena.amazonaws.com", "*.amazonaws.com", "dynamodb.amazonaws.com"],
    ),
    key(
        "aws:SourceVpce",
        KeyType::Str,
        false,
        &["vpce-1a2b3c4d", "vpce-99999999"],
        &["vpce-1a2b3c4d", "vpce-*"],
    ),
    key(
        "aws:SourceArn",
        KeyType::Arn,
        false,
        &["arn:aws:s3:::bucket-a", "arn:aws:sns:us-east-1:111111111111:topic-1"],
        &[
            "arn:aws:s3:::bucket-a",
            "arn:aws:sns:*:111111111111:*",
            "arn:aws:s3:::*",
        ],
    ),
    key(
        "aws:SourceAccount",
        KeyType::Str,
        false,
        &["111111111111", "222222222222"],
        &["111111111111", "2222*"],
    ),
    key(
        "aws:RequestedRegion",
        KeyType::Str,
        false,
        &["us-east-1", "eu-west-1"],
        &["us-east-1", "eu-*", "US-EAST-1"],
    ),
    key(
        "aws:userid",
        KeyType::Str,
        false,
        &["AIDAEXAMPLE1", "AROAEXAMPLE2:session-1"],
        &["AIDAEXAMPLE1", "AROAEXAMPLE2:*"],
    ),
    derived(
        "aws:PrincipalArn",
        KeyType::Arn,
        &[
            "arn:aws:iam::111111111111:role/AppRole",
            "arn:aws:iam::111111111111:user/*",
            "arn:aws:iam::*:root",
            "arn:aws:iam::222222222222:*",
        ],
    ),
    derived(
        "aws:PrincipalAccount",
        KeyType::Str,
        &["111111111111", "222222222222", "1111*"],
    ),
    derived(
        "aws:PrincipalType",
        KeyType::Str,
        &["User", "AssumedRole", "Account", "FederatedUser"],
    ),
    derived("aws:username", KeyType::Str, &["alice", "bob", "a*"]),
    derived("aws:PrincipalIsAWSService", KeyType::Bool, &["true", "false"]),
    derived(
        "aws:PrincipalServiceName",
        KeyType::Str,
        &["lambda.amazonaws.com", "*.amazonaws.com"],
    ),
    derived("aws:ResourceAccount", KeyType::Str, &["111111111111", "222222222222"]),
];

/// Service-specific keys, by the actions that support them.
pub fn service_keys(action: &str) -> &'static [KeySpec] {
    const S3_OBJECT: &[KeySpec] = &[key(
        "s3:TlsVersion",
        KeyType::Num,
        false,
        &["1.2", "1.3"],
        &["1.2", "1.3"],
    )];
    const S3_LIST: &[KeySpec] = &[
        key(
            "s3:prefix",
            KeyType::Str,
            false,
            &["home/alice/", "docs/", ""],
            &["home/${aws:username}/*", "docs/*", "", "home/*"],
        ),
        key("s3:max-keys", KeyType::Num, false, &["10", "1000"], &["100", "10"]),
        key("s3:TlsVersion", KeyType::Num, false, &["1.2", "1.3"], &["1.2", "1.3"]),
    ];
    const KMS_CRYPTO: &[KeySpec] = &[
        key(
            "kms:EncryptionContext:team",
            KeyType::Str,
            false,
            &["red", "blue"],
            &["red", "r*", "${aws:PrincipalTag/team}"],
        ),
        key(
            "kms:ViaService",
            KeyType::Str,
            false,
            &["s3.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"],
            &["s3.us-east-1.amazonaws.com", "s3.*.amazonaws.com"],
        ),
        key(
            "kms:EncryptionContextKeys",
            KeyType::Str,
            true,
            &["team", "aws:s3:arn"],
            &["team", "aws:*"],
        ),
        derived("kms:CallerAccount", KeyType::Str, &["111111111111", "222222222222"]),
    ];
    const KMS_GRANT: &[KeySpec] = &[
        key(
            "kms:GrantOperations",
            KeyType::Str,
            true,
            &["Decrypt", "Encrypt", "RetireGrant"],
            &["Decrypt", "Encrypt", "*crypt"],
        ),
        key(
            "kms:GrantIsForAWSResource",
            KeyType::Bool,
            false,
            &["true", "false"],
            &["true"],
        ),
        derived("kms:CallerAccount", KeyType::Str, &["111111111111", "222222222222"]),
    ];
    const DYNAMO: &[KeySpec] = &[key(
        "dynamodb:LeadingKeys",
        KeyType::Str,
        true,
        &["alice", "bob", "carol"],
        &["${aws:username}", "alice", "b*"],
    )];
    match action {
        "s3:GetObject" | "s3:PutObject" | "s3:DeleteObject" => S3_OBJECT,
        "s3:ListBucket" => S3_LIST,
        "kms:Decrypt" | "kms:Encrypt" | "kms:GenerateDataKey" | "kms:ReEncryptFrom" => KMS_CRYPTO,
        "kms:CreateGrant" => KMS_GRANT,
        "dynamodb:GetItem" | "dynamodb:Query" => DYNAMO,
        _ => &[],
    }
}

/// A value of `spec` for the request (for multi-valued keys: a list of 0 to 3 distinct values).
pub fn request_value(rng: &mut Rng, spec: &KeySpec) -> serde_json::Value {
    if spec.multi {
        let n = rng.weighted(&[15, 45, 40]) + usize::from(rng.chance(20));
        let mut values: Vec<&str> = Vec::new();
        for _ in 0..n {
            if let Some(&v) = rng.pick(spec.request_values) {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
        return serde_json::json!(values);
    }
    serde_json::json!(rng.pick(spec.request_values))
}
