//! The condition keys AWS derives from the principal, in one table (IAM User Guide, "AWS global
//! condition context keys"; KMS Developer Guide, `kms:CallerAccount`). The evaluator fills them
//! ([`super::Request::populate_derived_keys`]), `tenet simulate` checks given keys against them,
//! and the prover ties them to each candidate principal (`tenet_prove::encode::keys`).

use super::principal::{AwsPrincipalKind, RequestPrincipal};

/// What AWS puts in the request context for one derived key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Derived {
    /// The key is present, with this value.
    Value(String),
    /// AWS never sets the key for this principal.
    Absent,
}

/// What a derived value is read from: the prover ties a candidate that stands for many principals
/// only to what they all share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DerivedFrom {
    /// The principal's kind alone (`aws:PrincipalType`, `aws:PrincipalIsAWSService`).
    Kind,
    /// Its account (`aws:PrincipalAccount`, `kms:CallerAccount`).
    Account,
    /// Its name (`aws:PrincipalArn`, `aws:username`, `aws:PrincipalServiceName`).
    Name,
}

/// One derived key for one principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedKey {
    /// The key, in AWS's spelling.
    pub key: &'static str,
    /// What AWS puts there.
    pub value: Derived,
    /// What the value is read from.
    pub from: DerivedFrom,
    /// Only on `kms:` actions (and absent on the others).
    pub kms_only: bool,
}

/// The keys some principal gets from this table: a key given for a principal that has no row for
/// it is one AWS does not set for that caller.
pub const PRINCIPAL_KEYS: [&str; 7] = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:username",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "kms:CallerAccount",
];

/// The derived keys of `who`.
///
/// NOTE: anonymous callers and identity providers get no rows (what AWS sets for them the
/// guides do not list, beyond `kms:CallerAccount`, which only IAM principals carry); an AWS
/// principal of a kind tenet does not know gets no `aws:PrincipalType`.
pub fn derived_keys(who: &RequestPrincipal) -> Vec<DerivedKey> {
    let row = |key, value, from| DerivedKey {
        key,
        value,
        from,
        kms_only: false,
    };
    let absent = |key| row(key, Derived::Absent, DerivedFrom::Kind);
    let value = |key, v: &str, from| row(key, Derived::Value(v.to_owned()), from);
    match who {
        RequestPrincipal::Aws { arn, account, kind } => {
            let mut rows = vec![
                value(
                    "aws:PrincipalArn",
                    &principal_arn(arn, account, kind),
                    DerivedFrom::Name,
                ),
                value("aws:PrincipalAccount", account, DerivedFrom::Account),
            ];
            if let Some(ty) = principal_type(kind) {
                rows.push(value("aws:PrincipalType", ty, DerivedFrom::Kind));
            }
            rows.push(match kind {
                AwsPrincipalKind::User { name } => value("aws:username", name, DerivedFrom::Name),
                _ => absent("aws:username"),
            });
            rows.push(value("aws:PrincipalIsAWSService", "false", DerivedFrom::Kind));
            rows.push(absent("aws:PrincipalServiceName"));
            rows.push(DerivedKey {
                kms_only: true,
                ..value("kms:CallerAccount", account, DerivedFrom::Account)
            });
            rows
        }
        RequestPrincipal::Service(name) => vec![
            value("aws:PrincipalServiceName", name, DerivedFrom::Name),
            value("aws:PrincipalIsAWSService", "true", DerivedFrom::Kind),
            absent("aws:PrincipalArn"),
            absent("aws:PrincipalAccount"),
            absent("aws:username"),
            absent("kms:CallerAccount"),
        ],
        RequestPrincipal::Anonymous | RequestPrincipal::Federated(_) => vec![absent("kms:CallerAccount")],
    }
}

/// `aws:PrincipalArn`: the principal's ARN, and for a role session its role's ARN.
///
/// NOTE: a session ARN does not carry the role's path, so the role ARN is written without one; the
/// prover accepts any path (`tenet_prove::encode::keys`), `tenet simulate` a given one.
fn principal_arn(arn: &str, account: &str, kind: &AwsPrincipalKind) -> String {
    match kind {
        AwsPrincipalKind::AssumedRole { role_name, .. } => {
            let partition = arn.split(':').nth(1).unwrap_or("aws");
            format!("arn:{partition}:iam::{account}:role/{role_name}")
        }
        _ => arn.to_owned(),
    }
}

/// `aws:PrincipalType` of an AWS principal, when tenet knows its kind.
fn principal_type(kind: &AwsPrincipalKind) -> Option<&'static str> {
    match kind {
        AwsPrincipalKind::Root => Some("Account"),
        AwsPrincipalKind::User { .. } => Some("User"),
        AwsPrincipalKind::Role { .. } | AwsPrincipalKind::AssumedRole { .. } => Some("AssumedRole"),
        AwsPrincipalKind::FederatedUser { .. } => Some("FederatedUser"),
        AwsPrincipalKind::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(who: &str) -> Vec<(&'static str, Option<String>, bool)> {
        let who = RequestPrincipal::parse(who).unwrap_or(RequestPrincipal::Anonymous);
        derived_keys(&who)
            .into_iter()
            .map(|r| {
                let value = match r.value {
                    Derived::Value(v) => Some(v),
                    Derived::Absent => None,
                };
                (r.key, value, r.kms_only)
            })
            .collect()
    }

    fn value(rows: &[(&'static str, Option<String>, bool)], key: &str) -> Option<Option<String>> {
        rows.iter().find(|r| r.0 == key).map(|r| r.1.clone())
    }

    #[test]
    fn iam_principals_get_their_arn_account_type_and_kms_caller_account() {
        let user = rows("arn:aws:iam::111111111111:user/ops/alice");
        assert_eq!(value(&user, "aws:PrincipalType"), Some(Some("User".into())));
        assert_eq!(value(&user, "aws:username"), Some(Some("alice".into())));
        assert_eq!(value(&user, "aws:PrincipalServiceName"), Some(None));
        assert!(user.iter().any(|r| r.0 == "kms:CallerAccount" && r.2));
        // A role session: the role's ARN (without the path the session ARN lacks), no username.
        let session = rows("arn:aws:sts::111111111111:assumed-role/App/s");
        assert_eq!(
            value(&session, "aws:PrincipalArn"),
            Some(Some("arn:aws:iam::111111111111:role/App".into()))
        );
        assert_eq!(value(&session, "aws:PrincipalType"), Some(Some("AssumedRole".into())));
        assert_eq!(value(&session, "aws:username"), Some(None));
        let root = rows("arn:aws:iam::111111111111:root");
        assert_eq!(value(&root, "aws:PrincipalType"), Some(Some("Account".into())));
    }

    #[test]
    fn services_have_a_service_name_and_no_account_or_arn() {
        let service = rows("lambda.amazonaws.com");
        assert_eq!(
            value(&service, "aws:PrincipalServiceName"),
            Some(Some("lambda.amazonaws.com".into()))
        );
        assert_eq!(value(&service, "aws:PrincipalIsAWSService"), Some(Some("true".into())));
        for key in [
            "aws:PrincipalArn",
            "aws:PrincipalAccount",
            "aws:username",
            "kms:CallerAccount",
        ] {
            assert_eq!(value(&service, key), Some(None), "{key}");
        }
    }

    #[test]
    fn callers_without_rows_are_left_open() {
        assert_eq!(rows("*"), vec![("kms:CallerAccount", None, false)]);
        // Every key of the table is in PRINCIPAL_KEYS, so `tenet simulate` knows it.
        for who in ["arn:aws:iam::111111111111:user/a", "lambda.amazonaws.com"] {
            assert!(rows(who).iter().all(|r| PRINCIPAL_KEYS.contains(&r.0)));
        }
    }
}
