//! The principal of the symbolic request, modelled exactly by enumeration.
//!
//! Principal matching in IAM only compares principals by equality (of the account, the ARN, the role
//! name of a session, the service name) and by kind. So every principal behaves like one of a finite
//! set of *candidates*: each principal named anywhere (plus the sessions of the roles named), and
//! per account named (plus one account named nowhere) a fresh root, user, role, role session,
//! federated user and service-linked role; a fresh service, a fresh identity provider, and the
//! anonymous caller. The symbolic request picks a candidate by index; matching a candidate against a
//! statement is computed here, concretely, with the same rules as the evaluator's
//! `tenet_ast::eval` matching (mirrored because those functions are crate-private there).

use std::collections::BTreeSet;
use tenet_ast::eval::{AwsPrincipalKind, RequestPrincipal};
use tenet_ast::{Policy, PrincipalType, Principals};

/// An account id that no policy names (the candidates' "anyone else").
pub const FRESH_ACCOUNT: &str = "999999999999";

/// How a statement's principal element names a principal, weakest first (the evaluator's
/// `PrincipalMatch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Not named.
    No,
    /// Named through its account: a delegation.
    Account,
    /// Named through a role of a session, `*`, or `NotPrincipal`.
    Capped,
    /// Named exactly, or the statement has no principal element.
    Direct,
}

/// Whether `s` is a 12-digit account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The candidate principals for the given policies and extra principal strings.
pub fn candidates<'a>(
    policies: impl IntoIterator<Item = &'a Policy>,
    extra_principals: &[String],
    extra_accounts: &[String],
) -> Vec<RequestPrincipal> {
    let mut accounts: BTreeSet<String> = extra_accounts.iter().cloned().collect();
    let mut arns: BTreeSet<String> = BTreeSet::new();
    let mut services: BTreeSet<String> = BTreeSet::new();
    let mut federated: BTreeSet<String> = BTreeSet::new();
    accounts.insert(FRESH_ACCOUNT.to_string());
    let note_aws = |v: &str, accounts: &mut BTreeSet<String>, arns: &mut BTreeSet<String>| {
        if is_account_id(v) {
            accounts.insert(v.to_string());
        } else if let Some(acct) = v.split(':').nth(4).filter(|a| is_account_id(a)) {
            accounts.insert(acct.to_string());
            arns.insert(v.to_string());
        }
    };
    for p in policies {
        for s in &p.statements {
            if let Some(pr) = &s.value.principal {
                for (ty, v) in pr.value.entries() {
                    match ty {
                        PrincipalType::Aws => note_aws(&v.value, &mut accounts, &mut arns),
                        PrincipalType::Service => {
                            services.insert(v.value.clone());
                        }
                        PrincipalType::Federated => {
                            federated.insert(v.value.clone());
                        }
                        PrincipalType::CanonicalUser => {}
                    }
                }
            }
        }
    }
    for e in extra_principals {
        match RequestPrincipal::parse(e) {
            Ok(RequestPrincipal::Aws { arn, .. }) => note_aws(&arn, &mut accounts, &mut arns),
            Ok(RequestPrincipal::Service(s)) => {
                services.insert(s);
            }
            Ok(RequestPrincipal::Federated(f)) => {
                federated.insert(f);
            }
            _ => {}
        }
    }
    let mut out = vec![RequestPrincipal::Anonymous];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut push = |p: RequestPrincipal, out: &mut Vec<RequestPrincipal>| {
        let key = format!("{p:?}");
        if seen.insert(key) {
            out.push(p);
        }
    };
    for s in services {
        push(RequestPrincipal::Service(s), &mut out);
    }
    push(RequestPrincipal::Service("tenet-fresh.amazonaws.com".into()), &mut out);
    for f in federated {
        push(RequestPrincipal::Federated(f), &mut out);
    }
    push(
        RequestPrincipal::Federated(format!("arn:aws:iam::{FRESH_ACCOUNT}:saml-provider/tenet-fresh")),
        &mut out,
    );
    for a in &accounts {
        for p in [
            format!("arn:aws:iam::{a}:root"),
            format!("arn:aws:iam::{a}:user/tenet-user"),
            format!("arn:aws:iam::{a}:role/tenet-role"),
            format!("arn:aws:sts::{a}:assumed-role/tenet-role/tenet-session"),
            format!("arn:aws:sts::{a}:federated-user/tenet-federated"),
            format!("arn:aws:iam::{a}:role/aws-service-role/tenet.amazonaws.com/AWSServiceRoleForTenet"),
            format!("arn:aws:sts::{a}:assumed-role/AWSServiceRoleForTenet/tenet-session"),
        ] {
            if let Ok(p) = RequestPrincipal::parse(&p) {
                push(p, &mut out);
            }
        }
    }
    for arn in arns {
        let Ok(p) = RequestPrincipal::parse(&arn) else { continue };
        if let RequestPrincipal::Aws {
            kind: AwsPrincipalKind::Role { name },
            account,
            ..
        } = &p
        {
            let partition = arn.split(':').nth(1).unwrap_or("aws");
            if let Ok(session) = RequestPrincipal::parse(&format!(
                "arn:{partition}:sts::{account}:assumed-role/{name}/tenet-session"
            )) {
                push(session, &mut out);
            }
        }
        push(p, &mut out);
    }
    out
}

/// `Principal`/`NotPrincipal` against a candidate (the evaluator's `principal_match`).
pub fn principal_class(principals: &Principals, who: &RequestPrincipal, boundary_quirk: bool) -> Class {
    if principals.negated.value {
        if boundary_quirk || !not_principal_excludes(principals, who) {
            return Class::Capped;
        }
        return Class::No;
    }
    if principals.is_any() {
        return Class::Capped;
    }
    principals
        .entries()
        .map(|(ty, value)| entry_class(ty, &value.value, who))
        .max()
        .unwrap_or(Class::No)
}

fn not_principal_excludes(principals: &Principals, who: &RequestPrincipal) -> bool {
    if principals.is_any() {
        return true;
    }
    match who {
        RequestPrincipal::Aws { kind, .. } => {
            let mut account_listed = false;
            let mut self_listed = false;
            for (ty, value) in principals.entries() {
                match entry_class(ty, &value.value, who) {
                    Class::Account => account_listed = true,
                    Class::Capped | Class::Direct => {
                        if *kind == AwsPrincipalKind::Root {
                            account_listed = true;
                        }
                        self_listed = true;
                    }
                    Class::No => {}
                }
            }
            account_listed && (self_listed || *kind == AwsPrincipalKind::Root)
        }
        _ => principals
            .entries()
            .any(|(ty, value)| entry_class(ty, &value.value, who) != Class::No),
    }
}

fn entry_class(ty: PrincipalType, value: &str, who: &RequestPrincipal) -> Class {
    match (ty, who) {
        (PrincipalType::Aws, _) if value == "*" => Class::Capped,
        (PrincipalType::Aws, RequestPrincipal::Aws { arn, account, kind }) => {
            aws_entry_class(value, arn, account, kind)
        }
        (PrincipalType::Service, RequestPrincipal::Service(s)) if value.eq_ignore_ascii_case(s) => Class::Direct,
        (PrincipalType::Federated, RequestPrincipal::Federated(f)) if value == f => Class::Direct,
        _ => Class::No,
    }
}

fn aws_entry_class(value: &str, arn: &str, account: &str, kind: &AwsPrincipalKind) -> Class {
    let named_account = if is_account_id(value) {
        Some(value)
    } else {
        root_account(value)
    };
    if let Some(named) = named_account {
        return match (named == account, kind) {
            (false, _) => Class::No,
            (true, AwsPrincipalKind::Root) => Class::Direct,
            (true, _) => Class::Account,
        };
    }
    if value == arn {
        return match kind {
            AwsPrincipalKind::Role { .. } => Class::Capped,
            _ => Class::Direct,
        };
    }
    if let AwsPrincipalKind::AssumedRole { role_name, .. } = kind {
        let parts: Vec<&str> = value.splitn(6, ':').collect();
        if let ["arn", partition, "iam", "", acct, resource] = parts[..] {
            if let Some(path) = resource.strip_prefix("role/") {
                let name = path.rsplit('/').next().unwrap_or(path);
                let request_partition = arn.split(':').nth(1).unwrap_or("");
                if acct == account && partition == request_partition && name == role_name {
                    return Class::Capped;
                }
            }
        }
    }
    Class::No
}

fn root_account(value: &str) -> Option<&str> {
    let rest = value.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let account = rest.strip_suffix(":root")?;
    is_account_id(account).then_some(account)
}
