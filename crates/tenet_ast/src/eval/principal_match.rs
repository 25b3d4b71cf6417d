//! How a policy names the principal of a request: `Principal`/`NotPrincipal` elements and KMS
//! grantees, classified by [`PrincipalMatch`]. The one implementation of principal matching: the
//! evaluator calls it on the request's principal, the prover on each of its candidate principals.

use super::matching::PrincipalMatch;
use super::principal::{is_account_id, AwsPrincipalKind, RequestPrincipal};
use crate::policy::{PrincipalType, Principals};

/// How a `Principal`/`NotPrincipal` element names `who`.
///
/// `boundary_quirk`: the principal has a permissions boundary and the element belongs to a
/// resource-policy `Deny`; a `NotPrincipal` element then applies whatever it lists (see
/// [`PrincipalMatch`] and the IAM User Guide, "NotPrincipal"). This is the one implementation of
/// principal matching: the prover calls it on each of its enumerated candidate principals.
pub fn principal_match(principals: &Principals, who: &RequestPrincipal, boundary_quirk: bool) -> PrincipalMatch {
    if principals.negated.value {
        if boundary_quirk || !not_principal_excludes(principals, who) {
            return PrincipalMatch::Capped;
        }
        return PrincipalMatch::No;
    }
    if principals.is_any() {
        return PrincipalMatch::Capped;
    }
    principals
        .entries()
        .map(|(ty, value)| entry_match(ty, &value.value, who))
        .max()
        .unwrap_or(PrincipalMatch::No)
}

/// [`principal_match`] for a principal acting as, or also as, `federator`: the IAM user who created
/// the federated-user session `who` (`GetFederationToken`). A `Principal` element naming that user
/// exactly names the session too, as a grant capped by its session policy (`Capped`): the IAM User
/// Guide ("Session policies") says the resource-based permissions of the user are added before the
/// session is created, and the session policy limits the total. A `NotPrincipal` element is read for
/// the session alone (it spares the session only when it lists the session's own ARN).
pub fn principal_match_as(
    principals: &Principals,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
    boundary_quirk: bool,
) -> PrincipalMatch {
    let m = principal_match(principals, who, boundary_quirk);
    match federator {
        Some(user) if m < PrincipalMatch::Capped && !principals.negated.value => {
            let names_user = principals
                .entries()
                .any(|(ty, value)| entry_match(ty, &value.value, user) == PrincipalMatch::Direct);
            if names_user {
                PrincipalMatch::Capped
            } else {
                m
            }
        }
        _ => m,
    }
}

/// Whether a `Principal` element (not `NotPrincipal`) names, through an `AWS` entry, an IAM user of
/// `account` (`arn:<partition>:iam::<account>:user/…`): for a federated-user session whose
/// federating user is not known, whether the element names the session is open.
pub fn names_user_of(principals: &Principals, account: &str) -> Vec<RequestPrincipal> {
    if principals.negated.value {
        return Vec::new();
    }
    principals
        .entries()
        .filter(|(ty, _)| *ty == PrincipalType::Aws)
        .filter_map(|(_, value)| RequestPrincipal::parse(&value.value).ok())
        .filter(|p| {
            matches!(p, RequestPrincipal::Aws { account: a, kind: AwsPrincipalKind::User { .. }, .. } if a == account)
        })
        .collect()
}

/// Whether `user` may be the IAM user who created the federated-user session `who`: `federator`
/// when the world names it, else (`None`) any IAM user of the session's account.
fn may_have_federated(user: &RequestPrincipal, who: &RequestPrincipal, federator: Option<&RequestPrincipal>) -> bool {
    let Some(account) = who.federated_session_account() else {
        return false;
    };
    match federator {
        Some(f) => f == user,
        None => matches!(
            user,
            RequestPrincipal::Aws { account: a, kind: AwsPrincipalKind::User { .. }, .. } if a == account
        ),
    }
}

/// Whether a `NotPrincipal` element lists, by its exact ARN, the IAM user who created the
/// federated-user session `who` (`federator`; `None`: not known, any IAM user of its account) but
/// does not spare the session itself. The IAM User Guide ("NotPrincipal") describes the order in
/// which AWS checks the account, the user, and a role and its assumed-role session; it says nothing
/// of federated-user sessions, so whether listing their user spares them is open. The evaluator
/// reads the element for the session alone (it is not spared).
pub fn not_principal_names_federator(
    principals: &Principals,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
) -> bool {
    if !principals.negated.value || principals.is_any() || not_principal_excludes(principals, who) {
        return false;
    }
    principals
        .entries()
        .filter(|(ty, _)| *ty == PrincipalType::Aws)
        .filter_map(|(_, value)| RequestPrincipal::parse(&value.value).ok())
        .any(|user| {
            matches!(
                &user,
                RequestPrincipal::Aws {
                    kind: AwsPrincipalKind::User { .. },
                    ..
                }
            ) && may_have_federated(&user, who, federator)
        })
}

/// Whether a KMS grant's grantee is the IAM user who created the federated-user session `who`
/// (`federator`; `None`: not known, any IAM user of its account) and not the session itself. The KMS
/// Developer Guide lets a grantee be a user or a federated user, and says what the grant gives the
/// grantee; whether a grant to the user reaches the sessions it federates it does not say (the IAM
/// User Guide's rule that the user's resource-based permissions reach the session covers
/// resource-based policies, which grants are not). The evaluator reads it as not reaching them.
pub fn grantee_names_federator(grantee: &str, who: &RequestPrincipal, federator: Option<&RequestPrincipal>) -> bool {
    if grantee_match(grantee, who) != PrincipalMatch::No {
        return false;
    }
    RequestPrincipal::parse(grantee).is_ok_and(|user| {
        matches!(
            &user,
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::User { .. },
                ..
            }
        ) && may_have_federated(&user, who, federator)
    })
}

/// Whether a `NotPrincipal` element lists the request principal, and so exempts it.
///
/// NOTE: the IAM User Guide ("NotPrincipal") says AWS checks the account first, then the role or
/// user, then the session, and that the element must list the account ARN as well as the user (or
/// the role) for the exemption to work. So an IAM principal is exempt only when its account is listed
/// (root ARN or account id) and, unless it is the root itself, the principal is also listed (its exact
/// ARN, or for a session its role ARN). Other principals are exempt when listed exactly; `*` exempts
/// everyone.
fn not_principal_excludes(principals: &Principals, who: &RequestPrincipal) -> bool {
    if principals.is_any() {
        return true;
    }
    match who {
        RequestPrincipal::Aws { kind, .. } => {
            let mut account_listed = false;
            let mut self_listed = false;
            for (ty, value) in principals.entries() {
                match entry_match(ty, &value.value, who) {
                    PrincipalMatch::Account => account_listed = true,
                    PrincipalMatch::Capped | PrincipalMatch::Direct => {
                        if *kind == AwsPrincipalKind::Root {
                            account_listed = true;
                        }
                        self_listed = true;
                    }
                    PrincipalMatch::No => {}
                }
            }
            account_listed && (self_listed || *kind == AwsPrincipalKind::Root)
        }
        _ => principals
            .entries()
            .any(|(ty, value)| entry_match(ty, &value.value, who) != PrincipalMatch::No),
    }
}

/// Whether a `NotPrincipal` element lists `who` itself but not its account: the IAM User Guide
/// says an IAM principal is spared only when its account is listed too, which it documents for
/// `Deny`; for `Allow` (a form AWS advises against) it does not say whether the principal is then
/// granted. The simulator grants it (the wider reading); proofs treat the point as open.
pub fn not_principal_reading_open(principals: &Principals, who: &RequestPrincipal) -> bool {
    if !principals.negated.value || principals.is_any() {
        return false;
    }
    let RequestPrincipal::Aws { kind, .. } = who else {
        return false;
    };
    if *kind == AwsPrincipalKind::Root {
        return false;
    }
    let (mut account_listed, mut self_listed) = (false, false);
    for (ty, value) in principals.entries() {
        match entry_match(ty, &value.value, who) {
            PrincipalMatch::Account => account_listed = true,
            PrincipalMatch::Capped | PrincipalMatch::Direct => self_listed = true,
            PrincipalMatch::No => {}
        }
    }
    self_listed && !account_listed
}

/// How one principal-map entry names the request principal.
fn entry_match(ty: PrincipalType, value: &str, who: &RequestPrincipal) -> PrincipalMatch {
    match (ty, who) {
        (PrincipalType::Aws, _) if value == "*" => PrincipalMatch::Capped,
        (PrincipalType::Aws, RequestPrincipal::Aws { arn, account, kind }) => {
            aws_entry_match(value, arn, account, kind)
        }
        (PrincipalType::Service, RequestPrincipal::Service(s)) if value.eq_ignore_ascii_case(s) => {
            PrincipalMatch::Direct
        }
        (PrincipalType::Federated, RequestPrincipal::Federated(f)) if value == f => PrincipalMatch::Direct,
        // NOTE: requests never carry canonical user ids, so `CanonicalUser` names no request principal.
        _ => PrincipalMatch::No,
    }
}

/// An `AWS` entry against an IAM principal.
///
/// NOTE: wildcards other than a lone `*` are not allowed in `AWS` principals; they are compared
/// literally (and so match nothing real). Unique ids (`AROA…`) match nothing.
fn aws_entry_match(value: &str, arn: &str, account: &str, kind: &AwsPrincipalKind) -> PrincipalMatch {
    let named_account = if is_account_id(value) {
        Some(value)
    } else {
        root_account(value)
    };
    if let Some(named) = named_account {
        return match (named == account, kind) {
            (false, _) => PrincipalMatch::No,
            (true, AwsPrincipalKind::Root) => PrincipalMatch::Direct,
            (true, _) => PrincipalMatch::Account,
        };
    }
    if value == arn {
        return match kind {
            AwsPrincipalKind::Role { .. } => PrincipalMatch::Capped,
            _ => PrincipalMatch::Direct,
        };
    }
    // A role ARN names every session of the role: same partition and account, and the role name
    // (the last segment of the role path) equal to the session's role name.
    if let AwsPrincipalKind::AssumedRole { role_name, .. } = kind {
        let mut parts = value.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(acct), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return PrincipalMatch::No;
        };
        let Some(path) = resource.strip_prefix("role/") else {
            return PrincipalMatch::No;
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let request_partition = arn.split(':').nth(1).unwrap_or("");
        if acct == account && partition == request_partition && name == role_name {
            return PrincipalMatch::Capped;
        }
    }
    PrincipalMatch::No
}

/// The account of `arn:<partition>:iam::<account>:root`.
fn root_account(value: &str) -> Option<&str> {
    let rest = value.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let account = rest.strip_suffix(":root")?;
    is_account_id(account).then_some(account)
}

/// How a KMS grant's grantee principal names the request principal (same classes as statements).
pub fn grantee_match(grantee: &str, who: &RequestPrincipal) -> PrincipalMatch {
    match who {
        RequestPrincipal::Aws { arn, account, kind } => aws_entry_match(grantee, arn, account, kind),
        RequestPrincipal::Service(s) if grantee.eq_ignore_ascii_case(s) => PrincipalMatch::Direct,
        _ => PrincipalMatch::No,
    }
}
