//! Deciding one link for one subject: the relaxed check (a proof of denial), a concrete witness, the
//! grant path, then the oracle.
use tenet_ast::eval::{
    evaluate, ContextValue, Decision, Evaluation, KmsGrant, PolicySet, PolicySource, Request, RequestPrincipal,
};
use tenet_ast::Effect;

use super::{Analysis, Link, Oracle, OracleAnswer, Origins, Question, Subject, SubjectKind, OUTSIDER_ORG};

/// How one link went.
#[derive(Clone, Debug)]
pub enum LinkOutcome {
    /// Allowed, with a witness request re-checked by the evaluator.
    Allowed {
        /// The witness.
        witness: Request,
        /// The evaluator's reason (`allowed by …`).
        reason: String,
        /// The statements that allowed it.
        statements: Vec<String>,
    },
    /// Denied in every context.
    Denied {
        /// The missing link or the deny, in CloudTrail's words.
        reason: String,
        /// The statements that decided (the denying ones, or the allowing ones found on the other
        /// side of the missing link).
        statements: Vec<String>,
        /// How it was shown: `without conditions` (the relaxed policies deny) or `for every context`
        /// (the prover).
        proof: &'static str,
    },
    /// Not decided.
    Unknown {
        /// Why.
        reason: String,
    },
}

impl LinkOutcome {
    /// `allowed`, `denied` or `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkOutcome::Allowed { .. } => "allowed",
            LinkOutcome::Denied { .. } => "denied",
            LinkOutcome::Unknown { .. } => "unknown",
        }
    }
}

/// The organization the subject's account belongs to, as `aws:PrincipalOrgID` would say.
fn org_of(a: &Analysis, subject: &Subject) -> Option<String> {
    let account = match &subject.kind {
        SubjectKind::Estate(i) => a.estate.principals.get(*i).map(|p| p.account.clone()),
        SubjectKind::Unlisted(acct) => Some(acct.clone()),
        SubjectKind::Outsider => return Some(OUTSIDER_ORG.to_owned()),
        SubjectKind::Anonymous | SubjectKind::Service(_) => None,
    }?;
    a.estate.accounts.get(&account).and_then(|x| x.org.clone())
}

/// The context keys that are facts of this subject and link.
fn facts(a: &Analysis, subject: &Subject, link: &Link) -> Vec<(String, Vec<String>)> {
    let mut given = link.given.clone();
    if let Some(org) = org_of(a, subject) {
        given.push(("aws:PrincipalOrgID".into(), vec![org]));
    }
    given
}

fn request(subject: &Subject, link: &Link, given: &[(String, Vec<String>)]) -> Request {
    let mut r = Request {
        principal: subject.principal.clone(),
        action: link.action.clone(),
        resource: link.resource.clone(),
        resource_account: Some(link.resource_account.clone()),
        context: Default::default(),
    };
    r.force_derived_keys();
    for (k, v) in given {
        let value = match v.as_slice() {
            [one] => ContextValue::Single(one.clone()),
            _ => ContextValue::Multi(v.clone()),
        };
        r.context.insert(k.clone(), value);
    }
    r
}

fn statements(ev: &Evaluation, origins: &Origins, grants: &[KmsGrant]) -> Vec<String> {
    let caps = |s: &&tenet_ast::eval::StatementRef| {
        s.effect == Effect::Allow && matches!(s.source, PolicySource::Scp { .. } | PolicySource::Rcp { .. })
    };
    ev.deciding
        .iter()
        .filter(|s| ev.decision.is_allowed() || !caps(s))
        .map(|s| {
            let what = match (&s.sid, s.source) {
                (_, tenet_ast::eval::PolicySource::Grant(i)) => {
                    let g = grants.get(i);
                    let id = g
                        .and_then(|g| g.grant_id.clone().or_else(|| g.name.clone()))
                        .unwrap_or_default();
                    return format!(
                        "KMS grant `{id}` to {}",
                        g.map_or("?", |g| g.grantee_principal.as_str())
                    );
                }
                (Some(sid), _) => format!("`{sid}`"),
                (None, _) => format!("statement #{}", s.statement),
            };
            let effect = match s.effect {
                tenet_ast::Effect::Allow => "Allow",
                tenet_ast::Effect::Deny => "Deny",
            };
            match origins.of(s.source) {
                Some(o) => format!("{effect} {what} of {} ({o})", s.source.describe()),
                None => format!("{effect} {what} of {}", s.source.describe()),
            }
        })
        .collect()
}

/// Condition keys whose value depends on which principal of an account calls, or on its tags.
const IDENTITY_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:username",
    "aws:userid",
    "aws:sourceidentity",
    "aws:principaltag/",
    "aws:principaltype",
];

/// Whether some statement of the set reads a key in [`IDENTITY_KEYS`]. (A principal named by ARN
/// is a subject of its own, see `Analysis::subjects`.)
fn reads_identity(ps: &PolicySet) -> bool {
    ps.policies().iter().any(|p| {
        p.statements.iter().any(|s| {
            s.value.conditions().iter().any(|c| {
                let k = c.key.value.to_ascii_lowercase();
                IDENTITY_KEYS.iter().any(|i| k.starts_with(i))
            })
        })
    })
}

/// Decides one link for one subject (`link` already made for the subject, see `Link::for_subject`).
///
/// For a subject that stands for many principals ([`Subject::is_generic`]), a denial that is not
/// shown without conditions stands only when no policy reads the caller's name or tags.
pub fn decide_link(a: &Analysis, subject: &Subject, link: &Link, oracle: Option<&dyn Oracle>) -> LinkOutcome {
    let outcome = decide_one(a, subject, link, oracle);
    match outcome {
        LinkOutcome::Denied { proof, .. } if subject.is_generic() && proof != "without conditions" => {
            if reads_identity(&a.policy_set(subject, link, false)) {
                return LinkOutcome::Unknown {
                    reason: "the policies read the caller's ARN, name or tags, which a principal of this class may have any of".into(),
                };
            }
            outcome
        }
        other => other,
    }
}

fn decide_one(a: &Analysis, subject: &Subject, link: &Link, oracle: Option<&dyn Oracle>) -> LinkOutcome {
    if let Some(why) = &link.missing {
        return LinkOutcome::Unknown { reason: why.clone() };
    }
    let given = facts(a, subject, link);
    let concrete = request(subject, link, &given);
    let relaxed_ps = a.policy_set(subject, link, true);
    let relaxed = evaluate(&concrete, &relaxed_ps);
    let (ps, origins) = a.policy_set_with_origins(subject, link, false);
    if !relaxed.decision.is_allowed() {
        let ev = evaluate(&concrete, &ps);
        return LinkOutcome::Denied {
            reason: relaxed.reason,
            statements: statements(&ev, &origins, &ps.grants),
            proof: "without conditions",
        };
    }
    let ev = evaluate(&concrete, &ps);
    if ev.decision.is_allowed() {
        return allowed(concrete, &ev, &origins, &ps.grants);
    }
    if ev.decision == Decision::ExplicitlyDenied && fixed_deny(&ev, &ps, &concrete) {
        return LinkOutcome::Denied {
            reason: ev.reason.clone(),
            statements: statements(&ev, &origins, &ps.grants),
            proof: "for every context (the Deny reads only fixed keys)",
        };
    }
    // The grant path: a grant naming the subject may need its encryption-context constraints.
    let reaching: Vec<&KmsGrant> = ps
        .grants
        .iter()
        .filter(|g| may_name(&g.grantee_principal, &subject.principal))
        .collect();
    for g in &reaching {
        if let Some(r) = with_grant_context(&concrete, g) {
            let ev = evaluate(&r, &ps);
            if ev.decision.is_allowed() {
                return allowed(r, &ev, &origins, &ps.grants);
            }
        }
    }
    let Some(oracle) = oracle else {
        let why = if reaching.is_empty() {
            "conditions decide"
        } else {
            "conditions or a KMS grant decide"
        };
        return LinkOutcome::Unknown {
            reason: format!("{why} and no prover was given; with the facts alone: {}", ev.reason),
        };
    };
    let has_org = org_of(a, subject).is_some();
    let ask = |policies: &PolicySet, given: &[(String, Vec<String>)]| -> Asked {
        let q = Question {
            policies,
            principal: &subject.principal,
            action: &link.action,
            resource: &link.resource,
            resource_account: &link.resource_account,
            given,
        };
        match oracle.decide(&q) {
            OracleAnswer::Denied => Asked::Denied,
            OracleAnswer::Unknown(reason) => Asked::Unknown(reason),
            OracleAnswer::Allowed(mut witness) => {
                if witness.action.eq_ignore_ascii_case(&link.action) {
                    // Action names are case-insensitive: show the link's spelling.
                    witness.action = link.action.clone();
                }
                // The witness must be a request of this subject, allowed by the real policies.
                let check = evaluate(&witness, &ps);
                match consistent(&witness, subject, link, given, has_org) {
                    Err(why) => Asked::Unknown(format!(
                        "the prover's witness is not a request this principal can make: {why}"
                    )),
                    Ok(()) if check.decision.is_allowed() => {
                        Asked::Allowed(Box::new(allowed(witness, &check, &origins, &ps.grants)))
                    }
                    Ok(()) => Asked::Unknown(format!(
                        "internal: the prover's witness is rejected by the evaluator: {}",
                        check.reason
                    )),
                }
            }
        }
    };
    let mut unknown: Vec<String> = Vec::new();
    if reaching.is_empty() || oracle.models_grants() {
        match ask(&ps, &given) {
            Asked::Allowed(o) => return *o,
            Asked::Unknown(r) => unknown.push(r),
            Asked::Denied => {}
        }
    } else {
        // The oracle ignores grants: the path without them, then each grant's own path.
        let mut without = ps.clone();
        without.grants.clear();
        match ask(&without, &given) {
            Asked::Allowed(o) => return *o,
            Asked::Unknown(r) => unknown.push(r),
            Asked::Denied => {}
        }
        for g in &reaching {
            if !super::grants::covers(g, &link.action) || !grant_on_key(g, &link.resource) {
                continue;
            }
            if !super::grants::names_exactly(g, &subject.principal) {
                unknown.push(format!(
                    "a KMS grant to `{}` may reach this principal through its account, and the prover does not model grants",
                    g.grantee_principal
                ));
                continue;
            }
            // A grant whose constraints contradict the link's fixed keys never applies to it.
            let Some(grant_given) = super::grants::grant_given(g, &given) else {
                continue;
            };
            let Some(path) = super::grants::GrantPath::new(&ps, &subject.principal) else {
                continue;
            };
            match ask(&path.policy_set(&ps), &grant_given) {
                Asked::Allowed(o) => return *o,
                Asked::Unknown(r) => unknown.push(r),
                Asked::Denied => {}
            }
        }
    }
    if !unknown.is_empty() {
        return LinkOutcome::Unknown {
            reason: unknown.join("; "),
        };
    }
    LinkOutcome::Denied {
        reason: ev.reason.clone(),
        statements: statements(&ev, &origins, &ps.grants),
        proof: if reaching.is_empty() {
            "for every context"
        } else {
            "for every context, with and without each grant"
        },
    }
}

/// What the oracle said, once its witness is checked.
enum Asked {
    Allowed(Box<LinkOutcome>),
    Denied,
    Unknown(String),
}

/// Whether a grant is for the link's key (a grant without `KeyId` is for the key it was listed on).
fn grant_on_key(g: &KmsGrant, key: &str) -> bool {
    match &g.key_arn {
        None => true,
        Some(k) if k.starts_with("arn:") => k == key,
        Some(k) => key.rsplit('/').next() == Some(k.as_str()),
    }
}

fn allowed(witness: Request, ev: &Evaluation, origins: &Origins, grants: &[KmsGrant]) -> LinkOutcome {
    LinkOutcome::Allowed {
        witness,
        reason: ev.reason.clone(),
        statements: statements(ev, origins, grants),
    }
}

/// The concrete request with the encryption context a grant's constraints ask for, unless they
/// contradict the link's fixed keys.
fn with_grant_context(r: &Request, g: &KmsGrant) -> Option<Request> {
    let c = g.constraints.as_ref()?;
    let pairs = c
        .encryption_context_equals
        .iter()
        .chain(c.encryption_context_subset.iter())
        .flatten();
    let mut out = r.clone();
    for (k, v) in pairs {
        let key = format!("kms:EncryptionContext:{k}");
        match r.context.get(&key) {
            Some(ContextValue::Single(existing)) if existing != v => return None,
            _ => out.context.insert(key, ContextValue::Single(v.clone())),
        }
    }
    Some(out)
}

/// Whether a witness is a request of this subject and link with the facts as given.
fn consistent(
    w: &Request,
    subject: &Subject,
    link: &Link,
    given: &[(String, Vec<String>)],
    has_org: bool,
) -> Result<(), String> {
    if w.principal != subject.principal {
        return Err(format!("its principal is `{}`", w.principal.as_str()));
    }
    if !w.action.eq_ignore_ascii_case(&link.action) || w.resource != link.resource {
        return Err(format!("it asks for `{}` on `{}`", w.action, w.resource));
    }
    for (k, v) in given {
        if w.context.get(k).map(ContextValue::as_slice) != Some(v.as_slice()) {
            return Err(format!("it does not fix `{k}` to `{}`", v.join(", ")));
        }
    }
    if !has_org && w.context.get("aws:PrincipalOrgID").is_some() {
        return Err("it sets `aws:PrincipalOrgID` for a principal in no organization".into());
    }
    Ok(())
}

/// Whether a grant's grantee may stand for the caller: the same principal, or any principal of the
/// same account (an over-approximation of the evaluator's grantee matching: it only decides whether
/// a grant is worth trying, and whether a `Denied` from an oracle that ignores grants can stand).
fn may_name(grantee: &str, who: &RequestPrincipal) -> bool {
    if grantee == who.as_str() {
        return true;
    }
    match RequestPrincipal::parse(grantee) {
        Ok(g) => g.account().is_some() && g.account() == who.account() || g == *who,
        Err(_) => false,
    }
}

/// Whether some `Deny` that applies to `concrete` applies to every request of the link: its
/// conditions read only keys the request fixes (the link's given keys, the facts, and the keys AWS
/// derives from the principal and resource), and nothing in it is a policy variable.
fn fixed_deny(ev: &Evaluation, ps: &PolicySet, concrete: &Request) -> bool {
    ev.deciding.iter().filter(|r| r.effect == Effect::Deny).any(|r| {
        let Some(stmt) = ps.policy(r.source).and_then(|p| p.statements.get(r.statement)) else {
            return false;
        };
        let s = &stmt.value;
        let no_vars = s
            .resource
            .as_ref()
            .is_none_or(|res| res.value.items.iter().all(|i| !i.value.contains("${")));
        no_vars
            && s.conditions().iter().all(|c| {
                concrete.context.get(&c.key.value).is_some()
                    && c.values.iter().all(|v| !v.value.as_text().contains("${"))
            })
    })
}
