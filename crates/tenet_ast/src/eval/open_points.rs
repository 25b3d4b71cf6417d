//! Points the AWS guides leave open, per request: the evaluator decides each one way (the
//! simulator's reading), and the prover leaves it free, so a verdict that depends on it is `unknown`.
//! [`open_point`] says whether, and why, the decision on one request depends on one of them; the
//! prover asks it of every model before reporting it.

use super::decide::boundary_quirk;
use super::matching::{statement_match, statement_match_as, PrincipalMatch};
use super::principal::{AwsPrincipalKind, RequestPrincipal};
use super::principal_match::{
    grantee_names_federator, names_user_of, not_principal_names_federator, not_principal_reading_open, principal_match,
};
use super::world::World;
use super::{evaluate, is_kms_action, Decision, Gap, KmsGrant, PolicySet, Request};
use crate::policy::Effect;

/// Whether an applicable resource-policy `Deny` with `NotPrincipal` lists the caller but not its
/// account. The IAM User Guide ("NotPrincipal") says the account must be listed for the exemption
/// to work, but not what AWS does when only the principal is: the simulator applies the `Deny` to
/// it (the narrower reading for access); the other reading spares it. Not open when the caller has
/// a permissions boundary (such a `Deny` then applies whatever it lists).
pub fn not_principal_deny_reading_matters(request: &Request, ps: &PolicySet) -> bool {
    if boundary_quirk(request, ps) {
        return false;
    }
    ps.resource.is_some_and(|p| {
        p.statements.iter().any(|s| {
            s.value.effect() == Some(Effect::Deny)
                && s.value
                    .principal
                    .as_ref()
                    .is_some_and(|pr| not_principal_reading_open(&pr.value, &request.principal))
                && statement_match(&s.value, p, request, false) != PrincipalMatch::No
        })
    })
}

/// Why the decision on a federated-user session depends on who federated it, when the world does
/// not say ([`World::federating_user`]): an applicable resource-policy statement names an IAM user
/// of the session's account (it applies to the session if that user created it), or the session is
/// allowed in a closed account whose users' policies are given (its identity side is then read as
/// open, though it is one of theirs capped by an unknown session policy).
pub fn federation_reading_matters(world: &World, request: &Request) -> Option<String> {
    let who = &request.principal;
    let RequestPrincipal::Aws {
        account,
        kind: AwsPrincipalKind::FederatedUser { .. },
        ..
    } = who
    else {
        return None;
    };
    if world.federating_user(who).is_some() {
        return None;
    }
    let ps = world.policy_set_for(who, request.resource_account());
    let names_a_user = ps.resource.is_some_and(|p| {
        p.statements.iter().any(|s| {
            let Some(pr) = &s.value.principal else { return false };
            principal_match(&pr.value, who, false) == PrincipalMatch::No
                && names_user_of(&pr.value, account).into_iter().any(|user| {
                    let as_user = Request {
                        principal: user,
                        ..request.clone()
                    };
                    statement_match(&s.value, p, &as_user, false) != PrincipalMatch::No
                })
        })
    });
    if names_a_user {
        return Some(format!(
            "the answer depends on which IAM user of account {account} created the federated-user session `{}` \
             (a resource policy names one of them; name the session after its user, `federated-user/NAME` for \
             `user/NAME`, and give that user's policies)",
            who.as_str()
        ));
    }
    (world.federation_identity_open(who) && evaluate(request, &ps).decision.is_allowed()).then(|| {
        format!(
            "the answer depends on which IAM user of the closed account {account} created the federated-user \
             session `{}` and with which session policy (name the session after its user, `federated-user/NAME` \
             for `user/NAME`, and give its session policy)",
            who.as_str()
        )
    })
}

/// Why the decision on `request` in `world` depends on a point the AWS guides leave open, if it
/// does (see the module documentation); ARN wildcard readings and multi-valued keys are the
/// prover's to check, as they depend on its encoding's patterns and keys.
pub fn open_point(world: &World, request: &Request) -> Option<String> {
    let ps = world.policy_set_for(&request.principal, request.resource_account());
    if not_principal_allow_reading_matters(request, &ps) {
        return Some(
            "the answer depends on whether an `Allow` with `NotPrincipal` that lists the caller but not its \
             account grants the caller (the IAM User Guide documents the account rule for `Deny` only)"
                .to_owned(),
        );
    }
    if not_principal_deny_reading_matters(request, &ps) {
        return Some(
            "the answer depends on whether a `Deny` with `NotPrincipal` that lists the caller but not its \
             account spares the caller (the IAM User Guide says the account must be listed, not what happens \
             when it is not)"
                .to_owned(),
        );
    }
    if star_grant_reading_matters(request, &ps) {
        return Some(
            "the answer depends on whether a `Principal: \"*\"` grant (or, for a federated-user session, a grant \
             to the user who federated it) of a same-account resource policy is capped by the caller's \
             permissions boundary or session policy (the IAM User Guide does not say)"
                .to_owned(),
        );
    }
    if federation_not_principal_reading_matters(request, &ps) {
        return Some(format!(
            "the answer depends on whether a `NotPrincipal` that lists the IAM user who created the federated-user \
             session `{}` (but not the session) spares the session (the IAM User Guide, NotPrincipal, describes \
             users, roles and role sessions, not federated-user sessions)",
            request.principal.as_str()
        ));
    }
    if federation_grant_reading_matters(request, &ps) {
        return Some(format!(
            "the answer depends on whether a KMS grant to the IAM user who created the federated-user session `{}` \
             reaches the session (the KMS Developer Guide does not say)",
            request.principal.as_str()
        ));
    }
    federation_reading_matters(world, request)
}

/// Whether an applicable resource-policy statement with `NotPrincipal` lists the IAM user who
/// created the request's federated-user session but not the session (see
/// `not_principal_names_federator`): the evaluator applies a `Deny` to the session and grants it an
/// `Allow`; the other reading spares it from both. Conservative for `Deny` (any such applicable
/// statement counts); an `Allow` counts when the request is allowed.
pub fn federation_not_principal_reading_matters(request: &Request, ps: &PolicySet) -> bool {
    let Some(p) = ps.resource else { return false };
    let federator = ps.federated_by.as_ref();
    let mut allowed = None;
    p.statements.iter().any(|s| {
        let names = s
            .value
            .principal
            .as_ref()
            .is_some_and(|pr| not_principal_names_federator(&pr.value, &request.principal, federator));
        if !names || statement_match(&s.value, p, request, false) == PrincipalMatch::No {
            return false;
        }
        match s.value.effect() {
            Some(Effect::Deny) => true,
            Some(Effect::Allow) => *allowed.get_or_insert_with(|| evaluate(request, ps).decision.is_allowed()),
            None => false,
        }
    })
}

/// Whether the decision on a KMS request of a federated-user session changes when the grants to the
/// IAM user who created it (see `grantee_names_federator`) are read as reaching the session (as
/// grants to the session itself, the widest reading); the evaluator reads them as not reaching it.
pub fn federation_grant_reading_matters(request: &Request, ps: &PolicySet) -> bool {
    if !is_kms_action(&request.action) {
        return false;
    }
    let federator = ps.federated_by.as_ref();
    let mut widened = false;
    let grants: Vec<KmsGrant> = ps
        .grants
        .iter()
        .map(|g| {
            if grantee_names_federator(&g.grantee_principal, &request.principal, federator) {
                widened = true;
                KmsGrant {
                    grantee_principal: request.principal.as_str().to_owned(),
                    ..g.clone()
                }
            } else {
                g.clone()
            }
        })
        .collect();
    if !widened {
        return false;
    }
    let wide = PolicySet { grants, ..ps.clone() };
    evaluate(request, ps).decision != evaluate(request, &wide).decision
}

/// Whether the decision depends on a point the IAM User Guide leaves open: a same-account request
/// that the identity side does not allow because a permissions boundary or session policy caps it,
/// and that an `Allow` of the resource policy with `Principal: "*"` (or, for a federated-user
/// session, naming the IAM user who federated it) would allow if such grants stood alone like
/// grants to the exact principal. tenet reads them as capped (like a grant to a role
/// ARN); the prover answers `unknown` when a verdict depends on it.
pub fn star_grant_reading_matters(request: &Request, ps: &PolicySet) -> bool {
    // A federated-user session without a session policy is capped to nothing.
    let has_caps =
        !ps.identity_open && (!ps.boundaries.is_empty() || ps.session.is_some() || ps.federated_by.is_some());
    if !has_caps || request.is_cross_account() || !matches!(request.principal, RequestPrincipal::Aws { .. }) {
        return false;
    }
    let ev = evaluate(request, ps);
    if ev.decision != Decision::ImplicitlyDenied || !matches!(ev.gap, Some(Gap::Boundary | Gap::Session)) {
        return false;
    }
    ps.resource.is_some_and(|p| {
        p.statements.iter().any(|s| {
            s.value.effect() == Some(Effect::Allow)
                && s.value.principal.as_ref().is_some_and(|pr| {
                    !pr.value.negated.value && (pr.value.is_any() || names_federator(&pr.value, request, ps))
                })
                && statement_match_as(&s.value, p, request, ps.federated_by.as_ref(), false) != PrincipalMatch::No
        })
    })
}

/// Whether a `Principal` element names the IAM user who federated the request's session (and not
/// the session itself): such a grant is capped by the session policy, and whether the user's
/// permissions boundary caps it too the guides do not say (like a `*` grant).
fn names_federator(principals: &crate::policy::Principals, request: &Request, ps: &PolicySet) -> bool {
    let Some(user) = &ps.federated_by else {
        return false;
    };
    super::principal_match(principals, &request.principal, false) == PrincipalMatch::No
        && super::principal_match(principals, user, false) == PrincipalMatch::Direct
}

/// Whether an allowed request is allowed only through an `Allow` with `NotPrincipal` that lists the
/// caller but not its account (see `not_principal_reading_open`): under the other reading AWS would
/// not grant it. Conservative: any such applicable statement of the resource policy counts.
pub fn not_principal_allow_reading_matters(request: &Request, ps: &PolicySet) -> bool {
    if !evaluate(request, ps).decision.is_allowed() {
        return false;
    }
    ps.resource.is_some_and(|p| {
        p.statements.iter().any(|s| {
            s.value.effect() == Some(Effect::Allow)
                && s.value
                    .principal
                    .as_ref()
                    .is_some_and(|pr| not_principal_reading_open(&pr.value, &request.principal))
                && statement_match(&s.value, p, request, false) != PrincipalMatch::No
        })
    })
}
