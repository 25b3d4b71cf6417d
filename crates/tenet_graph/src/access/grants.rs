//! The grant path of a KMS request, for an oracle that does not model grants.
//!
//! A grant to the caller's exact ARN allows by itself (KMS Developer Guide, "Grants in AWS KMS"):
//! the request is then allowed exactly when the grant covers it (operation, key, encryption-context
//! constraints) and nothing denies or caps it. So the grant path is asked as an ordinary question:
//! the same policies with every `Allow` of the key policy and of the boundaries replaced by one that
//! always applies (their `Deny` statements kept), the identity side allowing everything (its `Deny`
//! statements kept), and the grant's encryption-context pairs fixed. SCPs and RCPs stay as they are.

use tenet_ast::eval::{KmsGrant, PolicySet, RequestPrincipal};
use tenet_ast::{Effect, Policy, PolicyKind};

/// Whether a grant covers the operation (the key is the link's; constraints are fixed separately).
pub(super) fn covers(grant: &KmsGrant, action: &str) -> bool {
    let op = action.split_once(':').map_or(action, |(_, o)| o);
    grant.operations.iter().any(|o| o.eq_ignore_ascii_case(op))
}

/// Whether the grant names exactly this caller.
pub(super) fn names_exactly(grant: &KmsGrant, who: &RequestPrincipal) -> bool {
    matches!(who, RequestPrincipal::Aws { arn, .. } if *arn == grant.grantee_principal)
}

/// The encryption-context pairs a grant requires, as context keys, unless they contradict `given`.
pub(super) fn grant_given(grant: &KmsGrant, given: &[(String, Vec<String>)]) -> Option<Vec<(String, Vec<String>)>> {
    let mut out = given.to_vec();
    if let Some(c) = &grant.constraints {
        for (k, v) in c
            .encryption_context_equals
            .iter()
            .chain(c.encryption_context_subset.iter())
            .flatten()
        {
            let key = format!("kms:EncryptionContext:{k}");
            match out.iter().find(|(g, _)| g.eq_ignore_ascii_case(&key)) {
                Some((_, existing)) if existing.as_slice() != [v.clone()] => return None,
                Some(_) => {}
                None => out.push((key, vec![v.clone()])),
            }
        }
    }
    Some(out)
}

/// The policies of the grant path (see the module documentation), owned.
pub(super) struct GrantPath {
    identity: Vec<Policy>,
    key: Policy,
    boundaries: Vec<Policy>,
}

fn allow_everything(principal: Option<&str>) -> Option<Policy> {
    let who = principal.map_or(String::new(), |p| format!(r#""Principal":{{"AWS":"{p}"}},"#));
    let text =
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{who}"Action":"*","Resource":"*"}}]}}"#);
    let kind = if principal.is_some() {
        PolicyKind::Key
    } else {
        PolicyKind::Identity
    };
    tenet_syntax::parse_policy_file("grant-path.json", &text, Some(kind))
        .documents
        .into_iter()
        .next()
        .map(|d| d.policy)
}

/// `p`'s `Deny` statements plus the statements of `allow`.
fn denies_plus(p: &Policy, allow: &Policy) -> Policy {
    let mut q = p.clone();
    q.statements.retain(|s| s.value.effect() == Some(Effect::Deny));
    q.statements.extend(allow.statements.iter().cloned());
    q
}

impl GrantPath {
    /// The grant path for `who` under `ps`; `None` when `who` has no ARN.
    pub(super) fn new(ps: &PolicySet, who: &RequestPrincipal) -> Option<GrantPath> {
        let RequestPrincipal::Aws { arn, .. } = who else {
            return None;
        };
        let anything = allow_everything(None)?;
        let named = allow_everything(Some(arn))?;
        let mut identity: Vec<Policy> = ps.identity.iter().map(|p| denies_plus(p, &Policy::default())).collect();
        identity.push(anything.clone());
        let key = match ps.resource {
            Some(p) => denies_plus(p, &named),
            None => named,
        };
        let boundaries = ps.boundaries.iter().map(|p| denies_plus(p, &anything)).collect();
        Some(GrantPath {
            identity,
            key,
            boundaries,
        })
    }

    /// The policy set of the path (no grants, no session policy).
    pub(super) fn policy_set<'a>(&'a self, ps: &PolicySet<'a>) -> PolicySet<'a> {
        PolicySet {
            identity: self.identity.iter().collect(),
            resource: Some(&self.key),
            resource_is_key_policy: true,
            boundaries: self.boundaries.iter().collect(),
            session: None,
            scps: ps.scps.clone(),
            rcps: ps.rcps.clone(),
            grants: Vec::new(),
            resource_is_trust_policy: false,
            identity_open: false,
            federated_by: None,
        }
    }
}
