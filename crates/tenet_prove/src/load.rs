//! Loading the policies a `.tenet` file names: the `policy`, `organization` and `closed` headers
//! (loaded once per file, with their owners, as a [`World`] that gives each principal its
//! policies), and the single policy files that `not public`, `no new access` and `equivalent` name.
use crate::lang::ast::{PolicyRef, PropertyFile, PropertyKind, Role};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use tenet_ast::eval::scenario::GrantList;
use tenet_ast::eval::{AwsPrincipalKind, KmsGrant, Levels, Owned, PolicySet, Request, RequestPrincipal, World};
use tenet_ast::{Policy, PolicyKind};
use tenet_diagnostics::Severity;

/// A loaded policy file: every policy document it holds, with its kind.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    pub(crate) policies: Vec<(PolicyKind, Policy)>,
}

/// Reads and parses a policy file (relative to `base`); a file with errors is refused.
pub(crate) fn load(base: &Path, rel: &str, kind: Option<PolicyKind>) -> Result<Loaded, String> {
    let path = base.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let parsed = tenet_syntax::parse_policy_file(&path.to_string_lossy(), &text, kind);
    if let Some(d) = parsed.diagnostics.iter().find(|d| d.severity == Severity::Error) {
        return Err(format!(
            "`{rel}` has errors ({}: {}); fix them with `tenet lint`",
            d.code, d.message
        ));
    }
    if parsed.documents.is_empty() {
        return Err(format!("`{rel}` holds no policy"));
    }
    // A value a template left unresolved (an intrinsic, a reference) is no wildcard to prove with.
    if let Some(d) = parsed.documents.iter().find(|d| !d.policy.unresolved.is_empty()) {
        return Err(format!(
            "`{rel}` leaves {} value(s) unresolved{}: a proof cannot stand on them",
            d.policy.unresolved.len(),
            d.name.as_ref().map(|n| format!(" in {n}")).unwrap_or_default()
        ));
    }
    Ok(Loaded {
        policies: parsed.documents.into_iter().map(|d| (d.kind, d.policy)).collect(),
    })
}

/// The one policy of a file named by `not public`, `no new access` or `equivalent`.
pub(crate) fn single(base: &Path, rel: &str) -> Result<(PolicyKind, Policy), String> {
    let mut ps = load(base, rel, None)?.policies;
    if ps.len() != 1 {
        return Err(format!("`{rel}` must hold exactly one policy"));
    }
    ps.pop().ok_or_else(|| format!("`{rel}` holds no policy"))
}

fn role_kind(r: Role) -> PolicyKind {
    match r {
        Role::Identity | Role::Session => PolicyKind::Identity,
        Role::Boundary => PolicyKind::Boundary,
        Role::Resource => PolicyKind::Resource,
        Role::Key => PolicyKind::Key,
        Role::Trust => PolicyKind::Trust,
        Role::Scp => PolicyKind::Scp,
        Role::Rcp => PolicyKind::Rcp,
        // Grants are not policies; `load_grants` reads them.
        Role::Grants => PolicyKind::Key,
    }
}

/// The identity-side policies of one owner, owned.
#[derive(Clone, Debug)]
pub(crate) struct OwnedPolicies {
    pub(crate) owner: RequestPrincipal,
    pub(crate) identity: Vec<Policy>,
    pub(crate) boundaries: Vec<Policy>,
    pub(crate) session: Option<Policy>,
}

/// What kind of resource policy is in play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResourceRole {
    Plain,
    Key,
    Trust,
}

/// One member account's SCP and RCP levels, as indices into `Headers::org_policies`.
pub(crate) type LevelIndices = (Vec<Vec<usize>>, Vec<Vec<usize>>);

/// The loaded headers.
#[derive(Clone, Debug, Default)]
pub struct Headers {
    pub(crate) owned: Vec<OwnedPolicies>,
    pub(crate) resource: Option<(Policy, ResourceRole)>,
    scps: Vec<Vec<Policy>>,
    rcps: Vec<Vec<Policy>>,
    organization: BTreeSet<String>,
    pub(crate) closed_accounts: BTreeSet<String>,
    pub(crate) grants: Vec<KmsGrant>,
    /// Organization policies of an estate, each once, and every member account's levels of them
    /// (SCP levels, RCP levels) as indices into it.
    pub(crate) org_policies: Vec<Policy>,
    pub(crate) member_levels: BTreeMap<String, LevelIndices>,
    /// The `estate` header's estate: properties are then proved per resource of it.
    pub(crate) estate: Option<Arc<crate::estate::EstateInput>>,
    /// Why the headers cannot be used (a policy with errors, …), if so.
    pub error: Option<String>,
    /// Why tenet cannot run on this file at all (an estate that cannot be read): exit 2.
    pub(crate) fatal: Option<String>,
}

impl Headers {
    /// The policies, with their owners.
    pub fn world(&self) -> World<'_> {
        World {
            owned: self
                .owned
                .iter()
                .map(|o| Owned {
                    owner: o.owner.clone(),
                    identity: o.identity.iter().collect(),
                    boundaries: o.boundaries.iter().collect(),
                    session: o.session.as_ref(),
                })
                .collect(),
            closed_accounts: self.closed_accounts.clone(),
            organization: self.organization.clone(),
            resource: self.resource.as_ref().map(|(p, _)| p),
            resource_is_key_policy: self.resource.as_ref().is_some_and(|(_, r)| *r == ResourceRole::Key),
            resource_is_trust_policy: self.resource.as_ref().is_some_and(|(_, r)| *r == ResourceRole::Trust),
            scps: self.scps.iter().map(|l| l.iter().collect()).collect(),
            rcps: self.rcps.iter().map(|l| l.iter().collect()).collect(),
            member_levels: self
                .member_levels
                .iter()
                .map(|(a, (scps, rcps))| {
                    let pick = |levels: &Vec<Vec<usize>>| -> Vec<Vec<&Policy>> {
                        levels
                            .iter()
                            .map(|l| l.iter().filter_map(|i| self.org_policies.get(*i)).collect())
                            .collect()
                    };
                    (
                        a.clone(),
                        Levels {
                            scps: pick(scps),
                            rcps: pick(rcps),
                        },
                    )
                })
                .collect(),
            grants: self.grants.clone(),
        }
    }

    /// The loaded world, or why it cannot be used.
    pub fn usable(&self) -> Result<World<'_>, String> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(self.world()),
        }
    }

    /// The policies in play for a concrete request (the re-check of a counterexample).
    pub fn policy_set_for(&self, req: &Request) -> PolicySet<'_> {
        self.world().policy_set_for(&req.principal, req.resource_account())
    }

    /// The owners' ARNs: they must be candidate principals.
    pub(crate) fn owner_arns(&self) -> Vec<String> {
        self.owned.iter().map(|o| o.owner.as_str().to_owned()).collect()
    }

    /// What the grants add to the symbolic request (see [`crate::decision::grant_vocabulary`]).
    pub(crate) fn grant_vocabulary(&self) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
        crate::decision::grant_vocabulary(&self.grants)
    }

    /// The accounts declared closed.
    pub(crate) fn closed_accounts(&self) -> &BTreeSet<String> {
        &self.closed_accounts
    }

    /// Every account the headers name: closed, organization and estate member accounts.
    pub(crate) fn named_accounts(&self) -> BTreeSet<String> {
        let mut all = self.closed_accounts.clone();
        all.extend(self.organization.iter().cloned());
        all.extend(self.member_levels.keys().cloned());
        all
    }

    /// Runs `update` on the policies of `owner`, whose entry is added after the others the first
    /// time the owner is named.
    fn with_owned<R>(&mut self, owner: RequestPrincipal, update: impl FnOnce(&mut OwnedPolicies) -> R) -> R {
        if let Some(owned) = self.owned.iter_mut().find(|o| o.owner == owner) {
            return update(owned);
        }
        let mut owned = OwnedPolicies {
            owner,
            identity: Vec::new(),
            boundaries: Vec::new(),
            session: None,
        };
        let result = update(&mut owned);
        self.owned.push(owned);
        result
    }

    fn add(&mut self, r: &PolicyRef, mut ps: Vec<Policy>) -> Result<(), String> {
        let owner = match &r.owner {
            None => None,
            Some(o) => Some(parse_owner(&o.value, r.role)?),
        };
        let one = |ps: &mut Vec<Policy>| -> Result<Policy, String> {
            if ps.len() != 1 {
                return Err(format!("`{}` must hold exactly one policy", r.path.value));
            }
            ps.pop().ok_or_else(|| format!("`{}` holds no policy", r.path.value))
        };
        match (r.role, owner) {
            (Role::Identity, Some(o)) => self.with_owned(o, |owned| owned.identity.extend(ps)),
            (Role::Boundary, Some(o)) => self.with_owned(o, |owned| owned.boundaries.extend(ps)),
            (Role::Session, Some(o)) => {
                let p = one(&mut ps)?;
                self.with_owned(o, |owned| {
                    if owned.session.is_some() {
                        return Err(format!("`{}` has two session policies", owned.owner.as_str()));
                    }
                    owned.session = Some(p);
                    Ok(())
                })?;
            }
            (Role::Resource | Role::Key | Role::Trust, _) => {
                let p = one(&mut ps)?;
                if self.resource.is_some() {
                    return Err("only one `resource`, `key` or `trust` policy can be in play".into());
                }
                let role = match r.role {
                    Role::Key => ResourceRole::Key,
                    Role::Trust => ResourceRole::Trust,
                    _ => ResourceRole::Plain,
                };
                self.resource = Some((p, role));
            }
            (Role::Scp, _) => self.scps.push(ps),
            (Role::Rcp, _) => self.rcps.push(ps),
            (Role::Grants, _) => return Err("internal: grants are not policies".into()),
            (role, None) => {
                return Err(format!("a `{}` policy needs `of` and its owner's ARN", role.as_str()));
            }
        }
        Ok(())
    }
}

/// The owner of a policy: a user or role ARN (a role for `trust`).
fn parse_owner(arn: &str, role: Role) -> Result<RequestPrincipal, String> {
    let who = RequestPrincipal::parse(arn)?;
    let ok = match &who {
        RequestPrincipal::Aws { kind, .. } => match kind {
            AwsPrincipalKind::Role { .. } => true,
            AwsPrincipalKind::User { .. } => role != Role::Trust,
            _ => false,
        },
        _ => false,
    };
    if ok && who.is_service_linked_role() && matches!(role, Role::Boundary | Role::Session) {
        // The service defines a service-linked role's policies; nothing else can be attached.
        Err(format!(
            "`{arn}` is a service-linked role: its policies are the ones AWS defines, so a {} cannot be attached to it",
            if role == Role::Boundary {
                "permissions boundary"
            } else {
                "session policy"
            }
        ))
    } else if ok {
        Ok(who)
    } else if role == Role::Trust {
        Err(format!(
            "`{arn}` is not an IAM role ARN (`arn:aws:iam::ACCOUNT:role/NAME`)"
        ))
    } else {
        Err(format!(
            "`{arn}` is not an IAM user or role ARN: identity policies, boundaries and session policies belong to one"
        ))
    }
}

/// Reads a `grants` file: `aws kms list-grants` output or a bare list of its entries.
fn load_grants(base: &Path, rel: &str) -> Result<Vec<KmsGrant>, String> {
    let path = base.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    match serde_json::from_str::<GrantList>(&text) {
        Ok(GrantList::ListGrants { grants }) | Ok(GrantList::Bare(grants)) => Ok(grants),
        Err(e) => Err(format!("`{rel}` is not `aws kms list-grants` output: {e}")),
    }
}

/// What an `estate` header says of deployment time, for infrastructure as code.
fn deploy_options(d: &crate::lang::ast::Deploy) -> Result<tenet_iac::Options, String> {
    tenet_iac::Options::deployment(
        d.account.as_ref().map(|a| a.value.as_str()),
        d.region.as_ref().map(|r| r.value.as_str()),
        &d.parameters,
    )
}

/// Loads every policy the headers of `file` name, relative to `base`.
pub fn load_headers(base: &Path, file: &PropertyFile) -> Headers {
    let mut h = Headers {
        organization: file.organization.iter().map(|a| a.value.clone()).collect(),
        closed_accounts: file.closed_accounts.iter().map(|a| a.value.clone()).collect(),
        ..Headers::default()
    };
    if let Some(first) = file.estates.first() {
        let why = if file.estates.len() > 1 {
            Some("a `.tenet` file is about one estate: split the properties of each into a file of its own")
        } else if !file.policies.is_empty() || !file.organization.is_empty() || !file.closed_accounts.is_empty() {
            Some(
                "an estate brings its own policies, organization and closed accounts: `policy`, `organization` and \
                 `closed` headers cannot be mixed with `estate`",
            )
        } else {
            None
        };
        match why {
            Some(why) => h.error = Some(why.into()),
            None => match deploy_options(&file.deploy).and_then(|o| crate::estate::read(base, &first.value, &o)) {
                Ok(e) => h.estate = Some(Arc::new(e)),
                Err(e) => h.fatal = Some(e),
            },
        }
        return h;
    }
    for r in &file.policies {
        if r.role == Role::Grants {
            match load_grants(base, &r.path.value) {
                Ok(g) => h.grants.extend(g),
                Err(e) => {
                    h.error = Some(e);
                    return h;
                }
            }
            continue;
        }
        let loaded = load(base, &r.path.value, Some(role_kind(r.role)))
            .and_then(|l| h.add(r, l.policies.into_iter().map(|(_, p)| p).collect()));
        if let Err(e) = loaded {
            h.error = Some(e);
            return h;
        }
    }
    if (!h.scps.is_empty() || !h.rcps.is_empty()) && h.organization.is_empty() {
        h.error = Some(
            "say which accounts the SCPs and RCPs govern with `organization accounts [\"…\"]`: a proof must not \
             assume that every account is a member"
                .into(),
        );
    }
    h
}

/// The first policy file a `.tenet` file names that cannot be read, with the error: a missing file
/// is tenet's failure to run (exit 2), never an `unknown` verdict.
pub(crate) fn unreadable_file(base: &Path, file: &PropertyFile) -> Option<(String, std::io::Error)> {
    let mut paths: Vec<&str> = file.policies.iter().map(|r| r.path.value.as_str()).collect();
    for p in &file.properties {
        match &p.kind {
            PropertyKind::NotPublic { file } => paths.push(&file.value),
            PropertyKind::NoNewAccess { new, old } => paths.extend([new.value.as_str(), old.value.as_str()]),
            PropertyKind::Equivalent { a, b } => paths.extend([a.value.as_str(), b.value.as_str()]),
            _ => {}
        }
    }
    paths.into_iter().find_map(|rel| {
        let path = base.join(rel);
        std::fs::metadata(&path)
            .and_then(|m| {
                if m.is_file() {
                    Ok(())
                } else {
                    Err(std::io::Error::other("not a file"))
                }
            })
            .err()
            .map(|e| (path.display().to_string(), e))
    })
}

/// The first path the file names (a `policy` or `estate` header, a property's own file) that
/// resolves outside `root` (canonical), with its span and where it resolves: a `.tenet` file must
/// not make tenet read files beyond the project unless the user allows it (`--allow-outside`).
/// Symbolic links are followed; a path that does not exist is resolved without them.
pub fn outside_root(base: &Path, file: &PropertyFile, root: &Path) -> Option<(tenet_diagnostics::Span, String)> {
    let mut named: Vec<&tenet_diagnostics::Spanned<String>> = file.policies.iter().map(|r| &r.path).collect();
    named.extend(&file.estates);
    for p in &file.properties {
        match &p.kind {
            PropertyKind::NotPublic { file } => named.push(file),
            PropertyKind::NoNewAccess { new, old } => named.extend([new, old]),
            PropertyKind::Equivalent { a, b } => named.extend([a, b]),
            _ => {}
        }
    }
    named.into_iter().find_map(|rel| {
        let path = base.join(&rel.value);
        let resolved = path.canonicalize().unwrap_or_else(|_| {
            // `..` taken lexically: what the path would be, were it there.
            let mut out = std::path::PathBuf::new();
            for c in std::path::absolute(&path).unwrap_or_else(|_| path.clone()).components() {
                match c {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    c => out.push(c),
                }
            }
            out
        });
        (!resolved.starts_with(root)).then(|| (rel.span, resolved.display().to_string()))
    })
}
