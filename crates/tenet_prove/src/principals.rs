//! The principal of the symbolic request, modelled exactly by enumeration.
//!
//! Principal matching in IAM only compares principals by equality (of the account, the ARN, the role
//! name of a session, the service name) and by kind. So every principal behaves like one of a finite
//! set of *candidates*: each principal named anywhere (plus the sessions of the roles named), and
//! per account named (plus one account named nowhere) a fresh root, user, role, role session,
//! federated user and service-linked role, and for each IAM user given as an extra principal (an
//! owner of policies) the federated-user session of the same name; a fresh service, a fresh identity provider, and the
//! anonymous caller. The symbolic request picks a candidate by index; matching a candidate against a
//! statement is computed concretely by the evaluator's own `tenet_ast::eval::principal_match`.

use std::collections::BTreeSet;
use tenet_ast::eval::{AwsPrincipalKind, RequestPrincipal};
use tenet_ast::{Policy, PrincipalType, Principals};

/// An account id that no policy names (the candidates' "anyone else").
pub const FRESH_ACCOUNT: &str = "999999999999";

/// How a statement's principal element names a principal, weakest first: the evaluator's own
/// classes (`No`, `Account`, `Capped`, `Direct`).
pub use tenet_ast::eval::PrincipalMatch as Class;

/// Whether `s` is a 12-digit account id.
pub use tenet_ast::eval::is_account_id;

/// Whether a candidate stands for many principals (a fresh user, role, session, federated user,
/// service or identity provider) rather than naming one: then only what all of them share may be
/// said of it (its account and kind, never its name).
pub fn stands_for_many(p: &RequestPrincipal) -> bool {
    match p {
        RequestPrincipal::Anonymous => false,
        RequestPrincipal::Aws { kind, .. } => match kind {
            AwsPrincipalKind::Root => false,
            AwsPrincipalKind::User { name } => name == "tenet-user",
            AwsPrincipalKind::Role { name } | AwsPrincipalKind::AssumedRole { role_name: name, .. } => {
                name == "tenet-role" || name == "AWSServiceRoleForTenet"
            }
            AwsPrincipalKind::FederatedUser { name } => name == "tenet-federated",
            AwsPrincipalKind::Other => true,
        },
        RequestPrincipal::Service(s) => s == "tenet-fresh.amazonaws.com",
        RequestPrincipal::Federated(f) => f.ends_with("/tenet-fresh"),
    }
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
            Ok(RequestPrincipal::Aws { arn, account, kind }) => {
                note_aws(&arn, &mut accounts, &mut arns);
                // The federated-user session the world names after this user (see
                // `tenet_ast::eval::World::federating_user`).
                if let AwsPrincipalKind::User { name } = kind {
                    let partition = arn.split(':').nth(1).unwrap_or("aws");
                    arns.insert(format!("arn:{partition}:sts::{account}:federated-user/{name}"));
                }
            }
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
    let push = |p: RequestPrincipal, out: &mut Vec<RequestPrincipal>| {
        if !out.contains(&p) {
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

/// `Principal`/`NotPrincipal` against a candidate: the evaluator's `principal_match`.
pub fn principal_class(principals: &Principals, who: &RequestPrincipal, boundary_quirk: bool) -> Class {
    tenet_ast::eval::principal_match(principals, who, boundary_quirk)
}
