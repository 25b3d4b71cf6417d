//! Loading the policies a `.tenet` file names: the `policy` headers (the estate that `never`,
//! `only` and `can` are about), loaded once per file, and the single policy files that `not
//! public`, `no new access` and `equivalent` name themselves.

use crate::lang::ast::{PropertyFile, Role};
use std::path::Path;
use tenet_ast::eval::PolicySet;
use tenet_ast::{Policy, PolicyKind};
use tenet_diagnostics::Severity;

/// The policies of one file, with the kind each was read as.
pub(crate) fn load(base: &Path, rel: &str, kind: Option<PolicyKind>) -> Result<Vec<(PolicyKind, Policy)>, String> {
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
    Ok(parsed.documents.into_iter().map(|d| (d.kind, d.policy)).collect())
}

/// The one policy of a file named by `not public`, `no new access` or `equivalent`.
pub(crate) fn single(base: &Path, rel: &str) -> Result<(PolicyKind, Policy), String> {
    let mut ps = load(base, rel, None)?;
    if ps.len() != 1 {
        return Err(format!("`{rel}` must hold exactly one policy"));
    }
    ps.pop().ok_or_else(|| format!("`{rel}` holds no policy"))
}

fn role_kind(r: Role) -> PolicyKind {
    match r {
        Role::Identity | Role::Boundary | Role::Session => PolicyKind::Identity,
        Role::Resource => PolicyKind::Resource,
        Role::Key => PolicyKind::Key,
        Role::Scp => PolicyKind::Scp,
        Role::Rcp => PolicyKind::Rcp,
    }
}

/// The loaded policies of the `policy` headers, by role.
#[derive(Clone, Debug, Default)]
pub struct Headers {
    identity: Vec<Policy>,
    resource: Option<(Policy, bool)>,
    boundaries: Vec<Policy>,
    session: Option<Policy>,
    scps: Vec<Vec<Policy>>,
    rcps: Vec<Vec<Policy>>,
    /// Why the headers cannot be used (a file is missing or has errors), if so.
    pub error: Option<String>,
}

impl Headers {
    /// The policies the headers name. KMS grants are not an input of `prove`: the set has none.
    pub fn estate(&self) -> PolicySet<'_> {
        PolicySet {
            identity: self.identity.iter().collect(),
            resource: self.resource.as_ref().map(|(p, _)| p),
            resource_is_key_policy: self.resource.as_ref().is_some_and(|(_, k)| *k),
            boundaries: self.boundaries.iter().collect(),
            session: self.session.as_ref(),
            scps: self.scps.iter().map(|l| l.iter().collect()).collect(),
            rcps: self.rcps.iter().map(|l| l.iter().collect()).collect(),
            grants: Vec::new(),
        }
    }

    /// The loaded estate, or why it cannot be used.
    pub fn usable(&self) -> Result<PolicySet<'_>, String> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(self.estate()),
        }
    }
}

/// Loads the `policy` headers of a `.tenet` file whose directory is `base`.
pub fn load_headers(base: &Path, file: &PropertyFile) -> Headers {
    let mut h = Headers::default();
    if let Err(e) = fill_headers(base, file, &mut h) {
        h.error = Some(e);
    }
    h
}

fn fill_headers(base: &Path, file: &PropertyFile, h: &mut Headers) -> Result<(), String> {
    if !file.estates.is_empty() {
        return Err("`estate` directories are not supported yet: list the files with `policy` headers".into());
    }
    for r in &file.policies {
        let ps: Vec<Policy> = load(base, &r.path.value, Some(role_kind(r.role)))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        match r.role {
            Role::Identity => h.identity.extend(ps),
            Role::Boundary => h.boundaries.extend(ps),
            Role::Session | Role::Resource | Role::Key => {
                let [p] = <[Policy; 1]>::try_from(ps)
                    .map_err(|_| format!("`{}` must hold exactly one policy", r.path.value))?;
                if r.role == Role::Session {
                    h.session = Some(p);
                } else if h.resource.is_some() {
                    return Err("only one `resource` or `key` policy can be in play".into());
                } else {
                    h.resource = Some((p, r.role == Role::Key));
                }
            }
            Role::Scp => h.scps.push(ps),
            Role::Rcp => h.rcps.push(ps),
        }
    }
    Ok(())
}
