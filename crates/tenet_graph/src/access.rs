//! Who can make a request in the estate: the `PolicySet` of every principal (and every class of
//! outsider) for each link of the request's chain, decided without a solver where the policies
//! decide alone, and by an [`Oracle`] (the prover) where conditions decide.
//!
//! A request may be a chain across services: reading an object of a bucket whose default encryption
//! is SSE-KMS needs `s3:GetObject` on the object **and** `kms:Decrypt` on the key with
//! `kms:ViaService = s3.<region>.amazonaws.com`, `kms:EncryptionContext:aws:s3:arn` = the object ARN
//! (the bucket ARN with S3 Bucket Keys) and `kms:CallerAccount` = the caller's account; writing needs
//! `kms:GenerateDataKey` likewise. Each link is decided on its own and the verdict names the first
//! link that fails.
//!
//! Soundness: a link is `denied` only when (a) even the relaxed policies (every `Deny` dropped, every
//! condition of every `Allow` and every grant constraint removed, resource patterns with variables
//! widened to `*`) deny it, which no context can change, or (b) the oracle proved it for every context
//! and no KMS grant it does not model could allow it. A link is `allowed` only with a witness request
//! re-checked by the concrete evaluator. Everything else is `unknown` with the reason.

mod chain;
mod decide;
mod grants;
mod who;

pub use chain::{plan, Link, LinkTarget};
pub use decide::{decide_link, LinkOutcome};
pub use who::{who_can, Answer, WhoCan};

use tenet_ast::eval::{PolicySet, Request, RequestPrincipal};
use tenet_ast::{Effect, Policy, PolicyKind};

use crate::model::{Estate, PolicyId, PrincipalKind};

/// The account of the principal that stands for "a principal of an account outside the estate".
pub const OUTSIDER_ACCOUNT: &str = "999999999999";
/// The organization id given to outsiders (`aws:PrincipalOrgID`): an organization that is not the
/// estate's.
pub const OUTSIDER_ORG: &str = "o-tenetoutside";

/// A question for the prover: is some request with this principal, action and resource, and these
/// context keys fixed, allowed by these policies?
pub struct Question<'q> {
    /// The policies in play.
    pub policies: &'q PolicySet<'q>,
    /// The caller.
    pub principal: &'q RequestPrincipal,
    /// The action.
    pub action: &'q str,
    /// The resource ARN.
    pub resource: &'q str,
    /// The resource's account.
    pub resource_account: &'q str,
    /// Context keys with fixed values.
    pub given: &'q [(String, Vec<String>)],
}

/// The prover's answer.
#[derive(Clone, Debug)]
pub enum OracleAnswer {
    /// A request that is allowed (it is re-checked by the evaluator).
    Allowed(Request),
    /// No request is allowed, whatever the free context keys.
    Denied,
    /// Not decided.
    Unknown(String),
}

/// A decision procedure over every context (the prover, supplied by the caller so that this crate
/// does not link a solver).
pub trait Oracle: Sync {
    /// Decides a question.
    fn decide(&self, q: &Question<'_>) -> OracleAnswer;
    /// Whether the oracle takes `PolicySet::grants` into account (when not, a `Denied` answer for a
    /// principal that a grant names proves nothing).
    fn models_grants(&self) -> bool;
}

/// Who makes the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    /// A principal of the estate (index into `Estate::principals`).
    Estate(usize),
    /// Any principal of an open-world account not listed in the estate, with any identity policy.
    Unlisted(String),
    /// Any principal of an account outside the estate, with any identity policy.
    Outsider,
    /// An unauthenticated caller.
    Anonymous,
    /// An AWS service principal named by a policy.
    Service(String),
}

/// A caller of `who-can`.
#[derive(Clone, Debug)]
pub struct Subject {
    /// A display name: the ARN, or the class of outsider.
    pub label: String,
    /// The request principal standing for it.
    pub principal: RequestPrincipal,
    /// What it is.
    pub kind: SubjectKind,
}

impl Subject {
    /// Whether the subject stands for many principals (any unlisted principal of an account, any
    /// principal of an outside account): then nothing may be concluded from its name or tags.
    pub fn is_generic(&self) -> bool {
        let name = self.principal.as_str();
        name.ends_with("/tenet-unlisted") || name.ends_with("/tenet-outsider")
    }

    /// The caller's account.
    pub fn account(&self) -> Option<&str> {
        self.principal.account()
    }
}

/// The estate prepared for evaluation: the relaxed twin of every policy, and the identity policy
/// that stands for "any policy" (root users, unlisted principals, outsiders).
pub struct Analysis<'e> {
    /// The estate.
    pub estate: &'e Estate,
    relaxed: Vec<Policy>,
    allow_all: Policy,
}

impl<'e> Analysis<'e> {
    /// Prepares an estate.
    pub fn new(estate: &'e Estate) -> Self {
        Analysis {
            estate,
            relaxed: estate.policies.iter().map(|p| relax(&p.policy)).collect(),
            allow_all: allow_all(),
        }
    }

    /// Every subject of `who-can` for a link: the estate's principals (not groups), one unlisted
    /// principal per open-world account, an outsider, the anonymous caller, and the services the
    /// link's resource policy names.
    pub fn subjects(&self, links: &[Link]) -> Vec<Subject> {
        let mut out = Vec::new();
        for (i, p) in self.estate.principals.iter().enumerate() {
            if p.kind == PrincipalKind::Group {
                continue;
            }
            if let Ok(principal) = RequestPrincipal::parse(&p.arn) {
                out.push(Subject {
                    label: p.arn.clone(),
                    principal,
                    kind: SubjectKind::Estate(i),
                });
            }
        }
        for a in self.estate.accounts.values().filter(|a| !a.closed_world) {
            if let Ok(principal) = RequestPrincipal::parse(&format!("arn:aws:iam::{}:role/tenet-unlisted", a.id)) {
                out.push(Subject {
                    label: format!("any unlisted principal of account {} (open world)", a.id),
                    principal,
                    kind: SubjectKind::Unlisted(a.id.clone()),
                });
            }
        }
        // Principals the link's policies name by ARN that the estate does not list: in an open-world
        // account (or outside the estate) they may exist, with any identity policy.
        for link in links {
            let Some(p) = link.policy.and_then(|id| self.estate.policy(id)) else {
                continue;
            };
            for s in &p.statements {
                for (ty, v) in s.value.principal.iter().flat_map(|pr| pr.value.entries()) {
                    let arn = &v.value;
                    if ty != tenet_ast::PrincipalType::Aws {
                        continue;
                    }
                    // An account outside the estate named by its root or id: any of its principals,
                    // with any identity policy (the generic outsider's account is not this one).
                    let named_account = match arn.strip_suffix(":root") {
                        Some(head) => head.rsplit(':').next().map(str::to_owned),
                        None if tenet_ast::semantics::is_account_id(arn) => Some(arn.clone()),
                        None => None,
                    };
                    if let Some(account) = named_account {
                        let label = format!("any principal of account {account} (outside the estate)");
                        if self.estate.accounts.contains_key(&account) || out.iter().any(|x: &Subject| x.label == label)
                        {
                            continue;
                        }
                        if let Ok(principal) =
                            RequestPrincipal::parse(&format!("arn:aws:iam::{account}:role/tenet-outsider"))
                        {
                            out.push(Subject {
                                label,
                                principal,
                                kind: SubjectKind::Outsider,
                            });
                        }
                        continue;
                    }
                    if !arn.starts_with("arn:") {
                        continue;
                    }
                    if self.estate.principal(arn).is_some() || out.iter().any(|x: &Subject| x.label == *arn) {
                        continue;
                    }
                    let Ok(principal) = RequestPrincipal::parse(arn) else {
                        continue;
                    };
                    let Some(account) = principal.account().map(str::to_owned) else {
                        continue;
                    };
                    let kind = match self.estate.accounts.get(&account) {
                        Some(a) if a.closed_world => continue,
                        Some(_) => SubjectKind::Unlisted(account),
                        None => SubjectKind::Outsider,
                    };
                    out.push(Subject {
                        label: arn.clone(),
                        principal,
                        kind,
                    });
                }
            }
        }
        if let Ok(principal) = RequestPrincipal::parse(&format!("arn:aws:iam::{OUTSIDER_ACCOUNT}:role/tenet-outsider"))
        {
            out.push(Subject {
                label: "any principal of an account outside the estate".into(),
                principal,
                kind: SubjectKind::Outsider,
            });
        }
        out.push(Subject {
            label: "anonymous".into(),
            principal: RequestPrincipal::Anonymous,
            kind: SubjectKind::Anonymous,
        });
        let mut services: Vec<String> = Vec::new();
        for link in links {
            if let Some(p) = link.policy.and_then(|id| self.estate.policy(id)) {
                for s in &p.statements {
                    for (ty, v) in s.value.principal.iter().flat_map(|pr| pr.value.entries()) {
                        if ty == tenet_ast::PrincipalType::Service && !services.contains(&v.value) {
                            services.push(v.value.clone());
                        }
                    }
                }
            }
        }
        for s in services {
            out.push(Subject {
                label: s.clone(),
                principal: RequestPrincipal::Service(s.clone()),
                kind: SubjectKind::Service(s),
            });
        }
        out
    }

    /// The policies in play when `subject` makes the request of `link`; `relaxed` picks the relaxed
    /// twins.
    pub fn policy_set(&self, subject: &Subject, link: &Link, relaxed: bool) -> PolicySet<'_> {
        self.policy_set_with_origins(subject, link, relaxed).0
    }

    /// [`Analysis::policy_set`] and where each policy of it came from.
    pub fn policy_set_with_origins(&self, subject: &Subject, link: &Link, relaxed: bool) -> (PolicySet<'_>, Origins) {
        let pick = |id: PolicyId| -> Option<&Policy> {
            if relaxed {
                self.relaxed.get(id)
            } else {
                self.estate.policy(id)
            }
        };
        let origin = |id: PolicyId| -> String {
            self.estate
                .policies
                .get(id)
                .map(|p| p.origin.clone())
                .unwrap_or_default()
        };
        let mut ps = PolicySet::default();
        let mut o = Origins::default();
        let any = &self.allow_all;
        let mut scp_account = None;
        match &subject.kind {
            SubjectKind::Estate(i) => {
                if let Some(p) = self.estate.principals.get(*i) {
                    if p.kind == PrincipalKind::Root {
                        // The root user has every permission in its own account (IAM User Guide).
                        ps.identity.push(any);
                        o.identity.push("the root user's implicit permissions".into());
                    }
                    for id in identity_ids(self.estate, *i) {
                        if let Some(pol) = pick(id) {
                            ps.identity.push(pol);
                            o.identity.push(origin(id));
                        }
                    }
                    if let Some(id) = p.boundary {
                        ps.boundaries.extend(pick(id));
                        o.boundaries.push(origin(id));
                    }
                    scp_account = Some(p.account.clone());
                }
            }
            SubjectKind::Unlisted(account) => {
                ps.identity.push(any);
                o.identity
                    .push(format!("any identity policy of account {account} (open world)"));
                scp_account = Some(account.clone());
            }
            SubjectKind::Outsider => {
                ps.identity.push(any);
                o.identity.push("any identity policy of the outside account".into());
            }
            SubjectKind::Anonymous | SubjectKind::Service(_) => {}
        }
        if let Some(account) = scp_account {
            let levels = self.estate.scp_levels(&account);
            o.scps = levels
                .iter()
                .map(|l| l.iter().map(|id| origin(*id)).collect())
                .collect();
            ps.scps = self.levels(levels, &pick);
        }
        ps.resource = link.policy.and_then(pick);
        o.resource = link.policy.map(origin);
        ps.resource_is_key_policy = matches!(link.target, LinkTarget::Key(_));
        // RCPs only deny: `RCPFullAWSAccess` is attached at every level and cannot be detached.
        let levels = self.estate.rcp_levels(&link.resource_account);
        o.rcps = levels
            .iter()
            .map(|l| {
                let mut names = vec!["RCPFullAWSAccess".to_owned()];
                names.extend(l.iter().map(|id| origin(*id)));
                names
            })
            .collect();
        ps.rcps = self
            .levels(levels, &pick)
            .into_iter()
            .map(|mut l| {
                l.insert(0, any);
                l
            })
            .collect();
        if let LinkTarget::Key(k) = link.target {
            if let Some(key) = self.estate.keys.get(k) {
                ps.grants = key.grants.clone();
                if relaxed {
                    for g in &mut ps.grants {
                        g.constraints = None;
                    }
                }
            }
        }
        (ps, o)
    }

    fn levels<'a>(
        &'a self,
        levels: Vec<Vec<PolicyId>>,
        pick: &impl Fn(PolicyId) -> Option<&'a Policy>,
    ) -> Vec<Vec<&'a Policy>> {
        levels
            .into_iter()
            .map(|l| l.into_iter().filter_map(pick).collect())
            .collect()
    }
}

/// Where the policies of a `PolicySet` came from, in the same order.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    /// Identity policies.
    pub identity: Vec<String>,
    /// The resource policy.
    pub resource: Option<String>,
    /// Boundaries.
    pub boundaries: Vec<String>,
    /// SCPs per level.
    pub scps: Vec<Vec<String>>,
    /// RCPs per level.
    pub rcps: Vec<Vec<String>>,
}

impl Origins {
    /// The file (and place) of a statement's policy.
    pub fn of(&self, source: tenet_ast::eval::PolicySource) -> Option<&str> {
        use tenet_ast::eval::PolicySource as S;
        match source {
            S::Identity(i) => self.identity.get(i).map(String::as_str),
            S::Resource => self.resource.as_deref(),
            S::Boundary(i) => self.boundaries.get(i).map(String::as_str),
            S::Scp { level, index } => self.scps.get(level).and_then(|l| l.get(index)).map(String::as_str),
            S::Rcp { level, index } => self.rcps.get(level).and_then(|l| l.get(index)).map(String::as_str),
            S::Session | S::Grant(_) => None,
        }
    }
}

/// The identity policies of an estate principal: its own and, for users, their groups'.
pub fn identity_ids(estate: &Estate, principal: usize) -> Vec<PolicyId> {
    let Some(p) = estate.principals.get(principal) else {
        return Vec::new();
    };
    let mut ids = p.policies.clone();
    for g in &p.groups {
        if let Some(group) = estate.group(&p.account, g).and_then(|i| estate.principals.get(i)) {
            ids.extend(&group.policies);
        }
    }
    ids
}

/// The hand-off to the prover for `estate "dir"` headers: the policies in play when the estate
/// principal `principal_arn` makes `action` on `resource`, one `PolicySet` per link of the chain
/// (one link unless the request crosses services), with the context keys each link fixes.
pub fn policy_sets_for<'a>(
    analysis: &'a Analysis<'a>,
    principal_arn: &str,
    action: &str,
    resource: &str,
) -> Result<Vec<(Link, PolicySet<'a>)>, String> {
    let estate = analysis.estate;
    let index = estate
        .principals
        .iter()
        .position(|p| p.arn == principal_arn)
        .ok_or_else(|| format!("`{principal_arn}` is not a principal of the estate"))?;
    let principal = RequestPrincipal::parse(principal_arn)?;
    let subject = Subject {
        label: principal_arn.to_owned(),
        principal,
        kind: SubjectKind::Estate(index),
    };
    let links = plan(estate, action, resource)?;
    Ok(links
        .into_iter()
        .map(|l| {
            let l = l.for_subject(&subject, estate);
            let ps = analysis.policy_set(&subject, &l, false);
            (l, ps)
        })
        .collect())
}

/// The relaxed twin of a policy: `Deny` statements dropped, conditions removed, resource patterns
/// with policy variables widened to `*`. It allows every request the policy allows in some context.
pub fn relax(p: &Policy) -> Policy {
    let mut q = p.clone();
    q.statements.retain(|s| s.value.effect() == Some(Effect::Allow));
    for s in &mut q.statements {
        s.value.condition = None;
        if let Some(r) = &mut s.value.resource {
            if r.value.items.iter().any(|i| i.value.contains("${")) {
                r.value.negated.value = false;
                r.value.items.truncate(1);
                for i in &mut r.value.items {
                    i.value = "*".to_owned();
                }
            }
        }
    }
    q
}

fn allow_all() -> Policy {
    const TEXT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    tenet_syntax::parse_policy_file("allow-all.json", TEXT, Some(PolicyKind::Identity))
        .documents
        .into_iter()
        .next()
        .map(|d| d.policy)
        .unwrap_or_default()
}
