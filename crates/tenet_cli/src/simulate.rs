//! `tenet simulate SCENARIO.json`: the concrete evaluator as an offline policy simulator.
//!
//! The scenario's policies are read with spans (so a malformed policy is reported at its place in the
//! scenario file); a string in place of a policy is a path relative to the scenario file. A policy
//! AWS would not store is refused; one it stores is evaluated, its problems printed as warnings
//! (`simulate_input`). The request is made consistent first (`ScenarioRequest::resolve`): given
//! keys that contradict the principal or the resource are refused, and what was assumed (the owner of
//! an S3 resource) is said in the answer.

use std::path::{Path, PathBuf};

use serde_json::json;
use tenet_ast::eval::scenario::Scenario;
use tenet_ast::eval::{evaluate, Evaluation, PolicySet, PolicySource, Request};
use tenet_ast::{Policy, PolicyKind};
use tenet_diagnostics::{render_diagnostics, Diagnostic, RenderOptions, Severity};
use tenet_syntax::json::{parse_json, JsonKind, JsonValue, OffsetMap};

/// A policy of the scenario and where it came from.
struct Loaded {
    policy: Policy,
    origin: String,
}

/// Everything a scenario file holds, read and lowered.
pub struct LoadedScenario {
    request: Request,
    identity: Vec<Loaded>,
    resource: Option<Loaded>,
    resource_is_key_policy: bool,
    resource_is_trust_policy: bool,
    boundaries: Vec<Loaded>,
    session: Option<Loaded>,
    scps: Vec<Vec<Loaded>>,
    rcps: Vec<Vec<Loaded>>,
    grants: Vec<tenet_ast::eval::KmsGrant>,
    /// `federatedBy`: the IAM user who created the federated-user session of the request.
    federated_by: Option<tenet_ast::eval::RequestPrincipal>,
    /// What was assumed to complete the request.
    assumptions: Vec<String>,
    /// The warnings, rendered (printed on stderr before the answer).
    warnings: String,
}

/// Diagnostics of one file: its name, its text, the diagnostics.
type FileDiagnostics = (String, String, Vec<Diagnostic>);

/// Why a scenario could not be simulated.
pub enum SimulateError {
    /// tenet could not read or understand the file (exit 2).
    Tool(String),
    /// The policies in it have errors; rendered diagnostics follow (exit 2: nothing was simulated).
    Invalid(String),
}

struct Reader<'a> {
    /// Whether files outside the current directory may be read (`--allow-outside`).
    allow_outside: bool,
    dir: &'a Path,
    file: &'a str,
    source: &'a str,
    errors: Vec<FileDiagnostics>,
    warnings: Vec<FileDiagnostics>,
}

impl Reader<'_> {
    fn policy(&mut self, value: &JsonValue, kind: PolicyKind, origin: String) -> Option<Loaded> {
        if let JsonKind::String(path) = &value.kind {
            let path = self.dir.join(path);
            if let Some(d) = self.refuse_outside(&path, value.span) {
                self.errors
                    .push((self.file.to_owned(), self.source.to_owned(), vec![d]));
                return None;
            }
            return self.policy_file(&path, kind, origin);
        }
        let (policy, diagnostics) = tenet_syntax::lower_policy(value, kind);
        self.keep(policy, kind, diagnostics, origin, None)
    }

    fn refuse_outside(&self, path: &Path, span: tenet_diagnostics::Span) -> Option<Diagnostic> {
        if self.allow_outside {
            return None;
        }
        crate::scenario_check::outside_project(path, span)
    }

    fn policy_file(&mut self, path: &Path, kind: PolicyKind, origin: String) -> Option<Loaded> {
        let Ok(bytes) = std::fs::read(path) else {
            let d = Diagnostic::new(
                "SIM001",
                "unreadable-policy",
                Severity::Error,
                Default::default(),
                format!("cannot read `{}`", path.display()),
            );
            self.errors.push((self.file.to_owned(), String::new(), vec![d]));
            return None;
        };
        let name = path.display().to_string();
        let parsed = tenet_syntax::parse_policy_bytes(&name, &bytes, Some(kind));
        let mut docs = parsed.documents.into_iter();
        let doc = docs.next();
        let source = String::from_utf8_lossy(&bytes).into_owned();
        match doc {
            Some(d) => self.keep(
                d.policy,
                kind,
                parsed.diagnostics,
                format!("{origin} ({name})"),
                Some((name, source)),
            ),
            None => {
                self.errors.push((name, source, parsed.diagnostics));
                None
            }
        }
    }

    fn keep(
        &mut self,
        policy: Policy,
        kind: PolicyKind,
        diagnostics: Vec<Diagnostic>,
        origin: String,
        file: Option<(String, String)>,
    ) -> Option<Loaded> {
        let triaged = crate::simulate_input::triage(&policy, kind, diagnostics);
        let (name, source) = file.unwrap_or_else(|| (self.file.to_owned(), self.source.to_owned()));
        if !triaged.warnings.is_empty() {
            self.warnings.push((name.clone(), source.clone(), triaged.warnings));
        }
        if triaged.refused.is_empty() {
            return Some(Loaded { policy, origin });
        }
        self.errors.push((name, source, triaged.refused));
        None
    }

    fn list(&mut self, root: &JsonValue, key: &str, kind: PolicyKind) -> Vec<Loaded> {
        match root.get(key).map(|v| &v.kind) {
            Some(JsonKind::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| self.policy(v, kind, format!("{key}[{i}]")))
                .collect(),
            Some(_) => root
                .get(key)
                .and_then(|v| self.policy(v, kind, key.to_owned()))
                .into_iter()
                .collect(),
            None => Vec::new(),
        }
    }

    fn levels(&mut self, root: &JsonValue, key: &str, kind: PolicyKind) -> Vec<Vec<Loaded>> {
        let Some(JsonKind::Array(levels)) = root.get(key).map(|v| &v.kind) else {
            return Vec::new();
        };
        levels
            .iter()
            .enumerate()
            .map(|(l, level)| match &level.kind {
                JsonKind::Array(items) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| self.policy(v, kind, format!("{key}[{l}][{i}]")))
                    .collect(),
                _ => self.policy(level, kind, format!("{key}[{l}]")).into_iter().collect(),
            })
            .collect()
    }
}

/// Reads a scenario file; files it names must be under the current directory unless
/// `allow_outside`.
pub fn load(path: &Path, allow_outside: bool) -> Result<LoadedScenario, SimulateError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SimulateError::Tool(format!("cannot read `{}`: {e}", path.display())))?;
    let file = crate::lint::display_path(path);
    let root = parse_json(&text, &OffsetMap::identity())
        .map_err(|d| SimulateError::Invalid(render_diagnostics(&file, &text, &[*d], RenderOptions::default())))?;
    let invalid =
        |ds: &[Diagnostic]| SimulateError::Invalid(render_diagnostics(&file, &text, ds, RenderOptions::default()));
    let unknown = crate::scenario_check::unknown_keys(&root);
    if !unknown.is_empty() {
        return Err(invalid(&unknown));
    }
    let dir: PathBuf = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| SimulateError::Tool(format!("`{file}`: {e}")))?;
    if let Some((grants, span)) = crate::scenario_check::kms_grants_file(&root) {
        let grants_path = dir.join(&grants);
        if let Some(d) = crate::scenario_check::outside_project(&grants_path, span).filter(|_| !allow_outside) {
            return Err(invalid(&[d]));
        }
        let grants_text = std::fs::read_to_string(&grants_path).map_err(|e| {
            SimulateError::Tool(format!(
                "`{file}`: kmsGrants: cannot read `{}`: {e}",
                grants_path.display()
            ))
        })?;
        let grants_value: serde_json::Value = serde_json::from_str(&grants_text)
            .map_err(|e| SimulateError::Tool(format!("`{}`: {e}", grants_path.display())))?;
        if let Some(map) = value.as_object_mut() {
            map.insert("kmsGrants".to_owned(), grants_value);
        }
    }
    let scenario: Scenario =
        serde_json::from_value(value).map_err(|e| SimulateError::Tool(format!("`{file}`: {e}")))?;
    let duplicates = crate::scenario_check::duplicate_context_keys(&root);
    if !duplicates.is_empty() {
        return Err(invalid(&duplicates));
    }
    let resolved = scenario
        .resolve()
        .map_err(|problems| invalid(&crate::scenario_check::request_problems(&root, &problems)))?;
    let request = resolved.request;
    let federated_by = crate::scenario_check::federated_by(&root, &request.principal).map_err(|ds| invalid(&ds))?;
    let is_key = scenario.resource_is_key_policy();
    let mut r = Reader {
        allow_outside,
        dir: &dir,
        file: &file,
        source: &text,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let is_trust = !is_key && scenario.resource_is_trust_policy();
    let resource_kind = if is_key {
        PolicyKind::Key
    } else if is_trust {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    };
    let loaded = LoadedScenario {
        identity: r.list(&root, "identityPolicies", PolicyKind::Identity),
        resource: root
            .get("resourcePolicy")
            .and_then(|v| r.policy(v, resource_kind, "resourcePolicy".into())),
        resource_is_key_policy: is_key,
        resource_is_trust_policy: is_trust,
        boundaries: r.list(&root, "permissionBoundaries", PolicyKind::Identity),
        session: root
            .get("sessionPolicy")
            .and_then(|v| r.policy(v, PolicyKind::Identity, "sessionPolicy".into())),
        scps: r.levels(&root, "serviceControlPolicies", PolicyKind::Scp),
        rcps: r.levels(&root, "resourceControlPolicies", PolicyKind::Rcp),
        grants: scenario.grants(),
        federated_by,
        request,
        assumptions: resolved.assumptions,
        warnings: render_all(&r.warnings),
    };
    if r.errors.is_empty() {
        let rejected = crate::scenario_check::rejected_by_aws(&root, &loaded.request, loaded.trust_has_not_principal());
        if !rejected.is_empty() {
            return Err(invalid(&rejected));
        }
        return Ok(loaded);
    }
    Err(SimulateError::Invalid(render_all(&r.errors)))
}

fn render_all(files: &[FileDiagnostics]) -> String {
    files
        .iter()
        .map(|(name, source, ds)| render_diagnostics(name, source, ds, RenderOptions::default()))
        .collect()
}

impl LoadedScenario {
    /// The warnings about policies AWS stores but that have problems, rendered; empty when none.
    pub fn warnings(&self) -> &str {
        &self.warnings
    }
    /// Whether the resource policy is a trust policy with a `NotPrincipal` element.
    fn trust_has_not_principal(&self) -> bool {
        self.resource_is_trust_policy
            && self.resource.as_ref().is_some_and(|l| {
                l.policy
                    .statements
                    .iter()
                    .any(|s| s.value.principal.as_ref().is_some_and(|p| p.value.negated.value))
            })
    }

    /// Evaluates the request.
    pub fn evaluate(&self) -> Evaluation {
        let set = PolicySet {
            identity: self.identity.iter().map(|l| &l.policy).collect(),
            resource: self.resource.as_ref().map(|l| &l.policy),
            resource_is_key_policy: self.resource_is_key_policy,
            resource_is_trust_policy: self.resource_is_trust_policy,
            // A scenario lists the principal's policies: none given means none attached.
            identity_open: false,
            boundaries: self.boundaries.iter().map(|l| &l.policy).collect(),
            session: self.session.as_ref().map(|l| &l.policy),
            scps: self
                .scps
                .iter()
                .map(|l| l.iter().map(|p| &p.policy).collect())
                .collect(),
            rcps: self
                .rcps
                .iter()
                .map(|l| l.iter().map(|p| &p.policy).collect())
                .collect(),
            grants: self.grants.clone(),
            federated_by: self.federated_by.clone(),
        };
        evaluate(&self.request, &set)
    }

    fn origin(&self, source: &PolicySource) -> String {
        let name = match source {
            PolicySource::Identity(i) => self.identity.get(*i).map(|l| l.origin.clone()),
            PolicySource::Resource => self.resource.as_ref().map(|l| l.origin.clone()),
            PolicySource::Boundary(i) => self.boundaries.get(*i).map(|l| l.origin.clone()),
            PolicySource::Session => self.session.as_ref().map(|l| l.origin.clone()),
            PolicySource::Scp { level, index } => self
                .scps
                .get(*level)
                .and_then(|l| l.get(*index))
                .map(|l| l.origin.clone()),
            PolicySource::Rcp { level, index } => self
                .rcps
                .get(*level)
                .and_then(|l| l.get(*index))
                .map(|l| l.origin.clone()),
            PolicySource::Grant(i) => Some(format!("kmsGrants[{i}]")),
        };
        name.unwrap_or_else(|| source.describe())
    }

    /// The JSON answer: `{"decision","reason","deciding":[{"policy","statement","sid","effect"}],"request":{…}}`.
    pub fn to_json(&self, e: &Evaluation) -> serde_json::Value {
        let deciding: Vec<_> = e
            .deciding
            .iter()
            .map(|s| {
                json!({
                    "policy": self.origin(&s.source),
                    "statement": s.statement,
                    "sid": s.sid,
                    "effect": format!("{:?}", s.effect),
                })
            })
            .collect();
        let context: serde_json::Map<String, serde_json::Value> = self
            .request
            .context
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    tenet_ast::eval::ContextValue::Single(s) => json!(s),
                    tenet_ast::eval::ContextValue::Multi(list) => json!(list),
                };
                (k.to_owned(), value)
            })
            .collect();
        json!({
            "decision": e.decision.as_str(),
            "reason": e.reason,
            "assumptions": self.assumptions,
            "deciding": deciding,
            "request": {
                "principal": self.request.principal.as_str(),
                "action": self.request.action,
                "resource": self.request.resource,
                "resourceAccount": self.request.resource_account(),
                "context": context,
            }
        })
    }

    /// The human answer.
    pub fn to_human(&self, e: &Evaluation) -> String {
        let mut out = format!("decision: {}\nreason:   {}\n", e.decision.as_str(), e.reason);
        for a in &self.assumptions {
            out.push_str(&format!("assumed:  {a}\n"));
        }
        if !e.deciding.is_empty() {
            out.push_str("deciding statements:\n");
            for s in &e.deciding {
                let sid = s.sid.as_deref().map(|s| format!(" `{s}`")).unwrap_or_default();
                out.push_str(&format!(
                    "  {:?} {}, statement #{}{}\n",
                    s.effect,
                    self.origin(&s.source),
                    s.statement,
                    sid
                ));
            }
        }
        out
    }
}
