//! tenet's side of the comparison: a scenario read and evaluated the way `tenet simulate` does it
//! (the same lowering of each policy by its role, the same refusals of what AWS would not store, the
//! same request resolution and derived keys), as a library call.

use serde_json::Value;
use tenet_ast::eval::scenario::input::refuses;
use tenet_ast::eval::scenario::Scenario;
use tenet_ast::eval::{evaluate, Decision, Evaluation, PolicySet, PolicySource, Request};
use tenet_ast::{Policy, PolicyKind};
use tenet_diagnostics::Severity;
use tenet_syntax::json::{parse_json, OffsetMap};

/// A scenario read: the request with its derived keys, and the policies lowered.
pub struct Loaded {
    /// The request, resolved and with its derived keys (as `tenet simulate` does).
    pub request: Request,
    identity: Vec<Policy>,
    resource: Option<Policy>,
    resource_is_key_policy: bool,
    resource_is_trust_policy: bool,
    boundaries: Vec<Policy>,
    session: Option<Policy>,
    scps: Vec<Vec<Policy>>,
    rcps: Vec<Vec<Policy>>,
    grants: Vec<tenet_ast::eval::KmsGrant>,
    /// `federatedBy`: the IAM user who created a federated-user session (as `tenet simulate`).
    federated_by: Option<tenet_ast::eval::RequestPrincipal>,
}

/// tenet's answer for one scenario.
pub struct TenetAnswer {
    /// The decision.
    pub decision: Decision,
    /// Whether a KMS grant is among the allowing statements.
    pub by_grant: bool,
    /// The evaluation's reason.
    pub reason: String,
}

fn lower(value: &Value, kind: PolicyKind, what: &str) -> Result<Policy, String> {
    let text = value.to_string();
    let json = parse_json(&text, &OffsetMap::identity()).map_err(|d| format!("{what}: {}", d.message))?;
    let (policy, diagnostics) = tenet_syntax::lower_policy(&json, kind);
    // As `tenet simulate`: what AWS stores is evaluated (its problems are warnings there).
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && refuses(d.code, d.span, &policy))
        .map(|d| format!("{what}: {} {}", d.code, d.message))
        .collect();
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors.join("; "))
    }
}

fn list(root: &Value, key: &str, kind: PolicyKind) -> Result<Vec<Policy>, String> {
    match root.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| lower(v, kind, &format!("{key}[{i}]")))
            .collect(),
        Some(v) => Ok(vec![lower(v, kind, key)?]),
    }
}

fn levels(root: &Value, key: &str, kind: PolicyKind) -> Result<Vec<Vec<Policy>>, String> {
    match root.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(levels)) => levels
            .iter()
            .enumerate()
            .map(|(l, level)| match level {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| lower(v, kind, &format!("{key}[{l}][{i}]")))
                    .collect(),
                v => Ok(vec![lower(v, kind, &format!("{key}[{l}]"))?]),
            })
            .collect(),
        Some(_) => Err(format!("{key}: not a list of levels")),
    }
}

/// Reads a scenario as `tenet simulate` does; `Err` is what tenet refuses (a policy with errors, a
/// principal it cannot parse).
pub fn load(scenario: &Value) -> Result<Loaded, String> {
    let typed: Scenario = serde_json::from_value(scenario.clone()).map_err(|e| format!("scenario: {e}"))?;
    let request = typed
        .resolve()
        .map_err(|ps| {
            let said: Vec<String> = ps.into_iter().map(|p| p.message).collect();
            format!("request: {}", said.join("; "))
        })?
        .request;
    let is_key = typed.resource_is_key_policy();
    let is_trust = !is_key && typed.resource_is_trust_policy();
    let resource_kind = if is_key {
        PolicyKind::Key
    } else if is_trust {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    };
    Ok(Loaded {
        request,
        identity: list(scenario, "identityPolicies", PolicyKind::Identity)?,
        resource: scenario
            .get("resourcePolicy")
            .map(|v| lower(v, resource_kind, "resourcePolicy"))
            .transpose()?,
        resource_is_key_policy: is_key,
        resource_is_trust_policy: is_trust,
        boundaries: list(scenario, "permissionBoundaries", PolicyKind::Identity)?,
        session: scenario
            .get("sessionPolicy")
            .map(|v| lower(v, PolicyKind::Identity, "sessionPolicy"))
            .transpose()?,
        scps: levels(scenario, "serviceControlPolicies", PolicyKind::Scp)?,
        rcps: levels(scenario, "resourceControlPolicies", PolicyKind::Rcp)?,
        grants: typed.grants(),
        federated_by: scenario
            .get("federatedBy")
            .map(|v| {
                let text = v.as_str().ok_or("federatedBy: not a string")?;
                tenet_ast::eval::RequestPrincipal::parse(text).map_err(|e| format!("federatedBy: {e}"))
            })
            .transpose()?,
    })
}

impl Loaded {
    /// Evaluates the request.
    pub fn evaluate(&self) -> TenetAnswer {
        // `..Default::default()` keeps this compiling when the lead adds fields to `PolicySet`.
        #[allow(
            clippy::needless_update,
            reason = "forward compatibility with fields added to PolicySet"
        )]
        let set = PolicySet {
            identity: self.identity.iter().collect(),
            resource: self.resource.as_ref(),
            resource_is_key_policy: self.resource_is_key_policy,
            resource_is_trust_policy: self.resource_is_trust_policy,
            // A scenario lists the principal's policies: none given means none attached (as in
            // `tenet simulate`).
            identity_open: false,
            boundaries: self.boundaries.iter().collect(),
            session: self.session.as_ref(),
            scps: self.scps.iter().map(|l| l.iter().collect()).collect(),
            rcps: self.rcps.iter().map(|l| l.iter().collect()).collect(),
            grants: self.grants.clone(),
            federated_by: self.federated_by.clone(),
            ..PolicySet::default()
        };
        let e: Evaluation = evaluate(&self.request, &set);
        let by_grant =
            e.decision == Decision::Allowed && e.deciding.iter().any(|s| matches!(s.source, PolicySource::Grant(_)));
        TenetAnswer {
            decision: e.decision,
            by_grant,
            reason: e.reason,
        }
    }
}
