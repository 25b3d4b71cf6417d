//! The principal of the symbolic request, modelled exactly by enumeration.
//!
//! Principal matching in IAM only compares principals by equality (of the account, the ARN, the role
//! name of a session, the service name) and by kind. So every principal behaves like one of a finite
//! set of *candidates*: each principal named anywhere (plus the sessions of the roles named), and
//! per account named (plus one account named nowhere, the *fresh* account) the root and a fresh
//! user, role, role session, federated user and service-linked role, and for each IAM user given as
//! an extra principal (an owner of policies) the federated-user session of the same name; a fresh
//! service, a fresh identity provider, and the anonymous caller. The symbolic request picks a
//! candidate by index; matching a candidate against a statement is computed concretely by the
//! evaluator's own `tenet_ast::eval::principal_match`.
//!
//! Each candidate carries its [`Origin`]: whether it is named or stands for many principals, and
//! whether its account is named or the fresh one. Code that needs to know asks the origin, never
//! the candidate's text: the fresh account's id is only one that nothing mentions.

use std::collections::BTreeSet;
use tenet_ast::eval::{AwsPrincipalKind, RequestPrincipal};
use tenet_ast::{Policy, PrincipalType, Principals};

/// The id the fresh account ("anyone else") gets unless something names it; then the next lower
/// unnamed id (see [`candidates`]).
pub const FRESH_ACCOUNT: &str = "999999999999";

/// How a statement's principal element names a principal, weakest first: the evaluator's own
/// classes (`No`, `Account`, `Capped`, `Direct`).
pub use tenet_ast::eval::PrincipalMatch as Class;

/// Whether `s` is a 12-digit account id.
pub use tenet_ast::eval::is_account_id;

/// Whether an account is named by the policies or the property, or is the fresh one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountOrigin {
    /// Named by a policy or the property.
    Named,
    /// Named nowhere: stands for every account nothing names.
    Fresh,
}

/// Where a candidate principal comes from: what it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The anonymous caller.
    Anonymous,
    /// A principal named by a policy or the property (or an owner, or a grantee).
    Named,
    /// A session of a named role.
    SessionOfNamedRole,
    /// The federated-user session an owner IAM user starts (named after the user).
    FederatedSessionOfUser,
    /// The root of an account.
    Root(AccountOrigin),
    /// A user, role, role session, federated user or service-linked role (or its session) of an
    /// account that nothing names: it stands for all of them.
    FreshIn(AccountOrigin),
    /// A service principal that nothing names.
    FreshService,
    /// An identity provider that nothing names (in the fresh account).
    FreshFederatedProvider,
}

/// A candidate principal of the symbolic request, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The principal.
    pub principal: RequestPrincipal,
    /// What it stands for.
    pub origin: Origin,
}

impl Candidate {
    /// Whether the candidate stands for many principals (a fresh user, role, session, federated
    /// user, service or identity provider, or a principal of a kind the evaluator does not know)
    /// rather than naming one: then only what all of them share may be said of it (its account
    /// and kind, never its name).
    pub fn stands_for_many(&self) -> bool {
        matches!(
            self.origin,
            Origin::FreshIn(_) | Origin::FreshService | Origin::FreshFederatedProvider
        ) || matches!(
            self.principal,
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::Other,
                ..
            }
        )
    }

    /// Whether the candidate is an IAM principal of the fresh account (an account nothing names).
    pub fn in_fresh_account(&self) -> bool {
        matches!(
            self.origin,
            Origin::Root(AccountOrigin::Fresh) | Origin::FreshIn(AccountOrigin::Fresh)
        )
    }

    /// Whether the candidate is an outsider: the anonymous caller or an IAM principal of the fresh
    /// account.
    pub fn is_outsider(&self) -> bool {
        self.origin == Origin::Anonymous || self.in_fresh_account()
    }

    /// The candidate's account, if it has one.
    pub fn account(&self) -> Option<&str> {
        self.principal.account()
    }
}

/// The maximal runs of exactly twelve digits in `s`: the account ids it may name.
fn account_ids_in(s: &str, out: &mut BTreeSet<String>) {
    for run in s.split(|c: char| !c.is_ascii_digit()) {
        if run.len() == 12 {
            out.insert(run.to_owned());
        }
    }
}

/// Every account id that the policies or the property strings mention anywhere (principals,
/// resources, condition values), which the fresh account must not be.
pub(crate) fn mentioned_accounts(policies: &[&Policy], extra: &[String]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for e in extra {
        account_ids_in(e, &mut ids);
    }
    for p in policies {
        for s in &p.statements {
            if let Some(pr) = &s.value.principal {
                for (_, v) in pr.value.entries() {
                    account_ids_in(&v.value, &mut ids);
                }
            }
            for list in [&s.value.resource].into_iter().flatten() {
                for i in &list.value.items {
                    account_ids_in(&i.value, &mut ids);
                }
            }
            for c in s.value.conditions() {
                for v in &c.values {
                    account_ids_in(&v.value.as_text(), &mut ids);
                }
            }
        }
    }
    ids
}

/// The fresh account's id: [`FRESH_ACCOUNT`], or the next lower id that nothing mentions (and
/// that is not the encoder's other unnamed account).
fn fresh_account(mentioned: &BTreeSet<String>) -> String {
    unnamed_account(FRESH_ACCOUNT, |id| {
        mentioned.contains(id) || id == crate::encode::OTHER_ACCOUNT
    })
}

/// `preferred` (a 12-digit id), or the next lower id for which `taken` is false.
pub(crate) fn unnamed_account(preferred: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut n: u64 = preferred.parse().unwrap_or(999_999_999_999);
    loop {
        let id = format!("{n:012}");
        if !taken(&id) || n == 0 {
            return id;
        }
        n -= 1;
    }
}

/// The candidate principals for the given policies and extra principal strings.
pub fn candidates<'a>(
    policies: impl IntoIterator<Item = &'a Policy>,
    extra_principals: &[String],
    extra_accounts: &[String],
) -> Vec<Candidate> {
    candidates_avoiding(policies, extra_principals, extra_accounts, &BTreeSet::new())
}

/// [`candidates`], with accounts that get no candidates of their own but that the fresh account
/// must not be either (closed and organization accounts, accounts a property filter names).
pub fn candidates_avoiding<'a>(
    policies: impl IntoIterator<Item = &'a Policy>,
    extra_principals: &[String],
    extra_accounts: &[String],
    avoid: &BTreeSet<String>,
) -> Vec<Candidate> {
    let policies: Vec<&Policy> = policies.into_iter().collect();
    let mut extra: Vec<String> = extra_principals.to_vec();
    extra.extend(extra_accounts.iter().cloned());
    extra.extend(avoid.iter().cloned());
    let fresh = fresh_account(&mentioned_accounts(&policies, &extra));
    let mut accounts: BTreeSet<String> = extra_accounts.iter().cloned().collect();
    let mut arns: BTreeSet<String> = BTreeSet::new();
    let mut services: BTreeSet<String> = BTreeSet::new();
    let mut federated: BTreeSet<String> = BTreeSet::new();
    let note_aws = |v: &str, accounts: &mut BTreeSet<String>, arns: &mut BTreeSet<String>| {
        if is_account_id(v) {
            accounts.insert(v.to_string());
        } else if let Some(acct) = v.split(':').nth(4).filter(|a| is_account_id(a)) {
            accounts.insert(acct.to_string());
            arns.insert(v.to_string());
        }
    };
    for p in &policies {
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
    // The sessions the owners federate, unless something names them.
    let mut federated_sessions: BTreeSet<String> = BTreeSet::new();
    for e in extra_principals {
        match RequestPrincipal::parse(e) {
            Ok(RequestPrincipal::Aws { arn, account, kind }) => {
                note_aws(&arn, &mut accounts, &mut arns);
                // The federated-user session the world names after this user (see
                // `tenet_ast::eval::World::federating_user`).
                if let AwsPrincipalKind::User { name } = kind {
                    let partition = arn.split(':').nth(1).unwrap_or("aws");
                    federated_sessions.insert(format!("arn:{partition}:sts::{account}:federated-user/{name}"));
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
    federated_sessions.retain(|s| !arns.contains(s));
    arns.extend(federated_sessions.iter().cloned());
    let mut out = vec![Candidate {
        principal: RequestPrincipal::Anonymous,
        origin: Origin::Anonymous,
    }];
    // The first origin given to a principal stays (a root named by a policy is still a root).
    let push = |principal: RequestPrincipal, origin: Origin, out: &mut Vec<Candidate>| {
        if !out.iter().any(|c| c.principal == principal) {
            out.push(Candidate { principal, origin });
        }
    };
    for s in services {
        push(RequestPrincipal::Service(s), Origin::Named, &mut out);
    }
    push(
        RequestPrincipal::Service("tenet-fresh.amazonaws.com".into()),
        Origin::FreshService,
        &mut out,
    );
    for f in federated {
        push(RequestPrincipal::Federated(f), Origin::Named, &mut out);
    }
    push(
        RequestPrincipal::Federated(format!("arn:aws:iam::{fresh}:saml-provider/tenet-fresh")),
        Origin::FreshFederatedProvider,
        &mut out,
    );
    let named_accounts = accounts.iter().map(|a| (a, AccountOrigin::Named));
    for (a, account) in named_accounts.chain([(&fresh, AccountOrigin::Fresh)]) {
        if let Ok(p) = RequestPrincipal::parse(&format!("arn:aws:iam::{a}:root")) {
            push(p, Origin::Root(account), &mut out);
        }
        for p in [
            format!("arn:aws:iam::{a}:user/tenet-user"),
            format!("arn:aws:iam::{a}:role/tenet-role"),
            format!("arn:aws:sts::{a}:assumed-role/tenet-role/tenet-session"),
            format!("arn:aws:sts::{a}:federated-user/tenet-federated"),
            format!("arn:aws:iam::{a}:role/aws-service-role/tenet.amazonaws.com/AWSServiceRoleForTenet"),
            format!("arn:aws:sts::{a}:assumed-role/AWSServiceRoleForTenet/tenet-session"),
        ] {
            if let Ok(p) = RequestPrincipal::parse(&p) {
                push(p, Origin::FreshIn(account), &mut out);
            }
        }
    }
    for arn in arns {
        let origin = if federated_sessions.contains(&arn) {
            Origin::FederatedSessionOfUser
        } else {
            Origin::Named
        };
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
                push(session, Origin::SessionOfNamedRole, &mut out);
            }
        }
        push(p, origin, &mut out);
    }
    out
}

/// `Principal`/`NotPrincipal` against a candidate: the evaluator's `principal_match`.
pub fn principal_class(principals: &Principals, who: &RequestPrincipal, boundary_quirk: bool) -> Class {
    tenet_ast::eval::principal_match(principals, who, boundary_quirk)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        let parsed = tenet_syntax::parse_policy_file("p.json", text, None);
        parsed
            .documents
            .into_iter()
            .next()
            .map(|d| d.policy)
            .unwrap_or_default()
    }

    #[test]
    fn the_fresh_account_is_one_nothing_names() {
        let p = policy(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "*", "Principal": {"AWS": ["999999999999", "arn:aws:iam::111111111111:role/r"]}}]}"#,
        );
        let all = candidates([&p], &[], &[]);
        let origin = |arn: &str| all.iter().find(|c| c.principal.as_str() == arn).map(|c| c.origin);
        assert_eq!(
            origin("arn:aws:iam::999999999999:root"),
            Some(Origin::Root(AccountOrigin::Named))
        );
        assert_eq!(
            origin("arn:aws:iam::999999999997:root"),
            Some(Origin::Root(AccountOrigin::Fresh))
        );
        assert_eq!(
            origin("arn:aws:iam::999999999997:user/tenet-user"),
            Some(Origin::FreshIn(AccountOrigin::Fresh))
        );
        assert_eq!(
            origin("arn:aws:iam::111111111111:user/tenet-user"),
            Some(Origin::FreshIn(AccountOrigin::Named))
        );
        assert_eq!(origin("arn:aws:iam::111111111111:role/r"), Some(Origin::Named));
        assert_eq!(
            origin("arn:aws:sts::111111111111:assumed-role/r/tenet-session"),
            Some(Origin::SessionOfNamedRole)
        );
        let outsiders: Vec<&str> = all
            .iter()
            .filter(|c| c.is_outsider() && c.principal != RequestPrincipal::Anonymous)
            .filter_map(|c| c.account())
            .collect();
        assert!(
            !outsiders.is_empty() && outsiders.iter().all(|a| *a == "999999999997"),
            "{outsiders:?}"
        );
        assert!(all
            .iter()
            .filter(|c| c.stands_for_many())
            .all(|c| !matches!(c.origin, Origin::Named)));
    }

    #[test]
    fn the_fresh_account_avoids_accounts_without_candidates() {
        let avoid: BTreeSet<String> = ["999999999999".to_owned()].into();
        let all = candidates_avoiding([], &[], &[], &avoid);
        let fresh: Vec<&str> = all
            .iter()
            .filter(|c| c.in_fresh_account())
            .filter_map(|c| c.account())
            .collect();
        assert!(
            !fresh.is_empty() && fresh.iter().all(|a| *a == "999999999997"),
            "{fresh:?}"
        );
        assert!(all.iter().all(|c| c.account() != Some("999999999999")));
    }

    #[test]
    fn the_other_resource_account_is_one_nothing_names() {
        let p = policy(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "*", "Principal": {"AWS": "999999999998"}}]}"#,
        );
        let mut enc = crate::encode::Encoder::new(&[&p], candidates([&p], &[], &[]), &[]);
        assert_eq!(enc.other_account, "999999999997");
        assert_eq!(enc.fresh_account(), Some("999999999999"));
        // A property that names the other account moves it again.
        enc.add_property_patterns(&[], &["arn:aws:kms:us-east-1:999999999997:key/k".to_owned()]);
        assert_eq!(enc.other_account, "999999999996");
        for a in ["999999999998", "999999999997", "999999999996"] {
            assert!(
                enc.resource_accounts.iter().any(|x| x == a),
                "{a}: {:?}",
                enc.resource_accounts
            );
        }
    }

    #[test]
    fn an_owner_user_federates_a_session_of_its_name() {
        let all = candidates([], &["arn:aws:iam::111111111111:user/alice".to_string()], &[]);
        let session = all
            .iter()
            .find(|c| c.principal.as_str() == "arn:aws:sts::111111111111:federated-user/alice");
        assert_eq!(session.map(|c| c.origin), Some(Origin::FederatedSessionOfUser));
        assert!(session.is_some_and(|c| !c.stands_for_many()));
    }
}
