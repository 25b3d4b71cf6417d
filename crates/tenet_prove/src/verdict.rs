//! The outcome of a property: its verdict, the reason, the counterexample re-checked by the
//! evaluator, and the JSON form of DESIGN.md's contract.

use tenet_ast::eval::{ContextValue, Request};
use tenet_diagnostics::Span;

/// A verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The property is proved (for `can`: a witness request exists).
    Holds,
    /// The property is false; for `never`/`only`/`not public`/`no new access`/`equivalent` with a
    /// counterexample.
    Violated,
    /// Not decided, with a reason.
    Unknown,
}

impl Verdict {
    /// `holds`, `violated` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::Unknown => "unknown",
        }
    }
}

/// The result of one property.
#[derive(Clone, Debug)]
pub struct PropertyResult {
    /// The property's name.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why (for `unknown`, and a summary otherwise).
    pub reason: Option<String>,
    /// A counterexample (or the witness of `can`), re-checked by the evaluator.
    pub counterexample: Option<Request>,
    /// The statements that decided.
    pub explanation: Option<String>,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
    /// The property's span in the `.tenet` file.
    pub span: Span,
}

impl PropertyResult {
    /// The JSON object of DESIGN.md's contract.
    pub fn to_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        o.insert("name".into(), self.name.clone().into());
        o.insert("verdict".into(), self.verdict.as_str().into());
        if let Some(r) = &self.reason {
            o.insert("reason".into(), r.clone().into());
        }
        if let Some(c) = &self.counterexample {
            o.insert("counterexample".into(), request_json(c));
        }
        if let Some(e) = &self.explanation {
            o.insert("explanation".into(), e.clone().into());
        }
        o.insert("elapsed_ms".into(), self.elapsed_ms.into());
        serde_json::Value::Object(o)
    }
}

/// A request as JSON: `{"principal","action","resource","resourceAccount","context"}`.
pub fn request_json(r: &Request) -> serde_json::Value {
    let mut ctx = serde_json::Map::new();
    for (k, v) in r.context.iter() {
        let v = match v {
            ContextValue::Single(s) => serde_json::Value::from(s.clone()),
            ContextValue::Multi(vs) => serde_json::Value::from(vs.clone()),
        };
        ctx.insert(k.to_string(), v);
    }
    serde_json::json!({
        "principal": r.principal.as_str(),
        "action": r.action,
        "resource": r.resource,
        "resourceAccount": r.resource_account().or(r.principal.account()),
        "context": ctx,
    })
}
