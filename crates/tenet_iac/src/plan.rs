//! Terraform plans (`terraform show -json`, format 1.x): the planned values of the resources that
//! hold policies. A policy is a JSON string inside the plan; it is read through the same
//! string-literal offset map as an AWS CLI output's embedded policy, so diagnostics point at its
//! escaped bytes, and each document is named by its resource address
//! (`module.app.aws_iam_policy.deploy / policy`). A policy Terraform knows only after apply is
//! reported as such (`IAC002`), never read as an empty policy.

use tenet_ast::PolicyKind;
use tenet_diagnostics::{Diagnostic, Span};
use tenet_syntax::json::{decode_string_literal, JsonKind, JsonValue};

use crate::codes;
use crate::{Extracted, Source};

/// Whether `root` is a plan (or a state shown as JSON).
pub(crate) fn is_plan(root: &JsonValue) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some()
            || root.get("resource_changes").is_some()
            || root.get("values").is_some())
}

struct Reader<'a> {
    source: &'a str,
    found: Vec<Extracted>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads the policies of a plan.
pub(crate) fn read(source: &str, root: &JsonValue) -> (Vec<Extracted>, Vec<Diagnostic>) {
    let mut r = Reader {
        source,
        found: Vec::new(),
        diagnostics: Vec::new(),
    };
    if let Some(v) = root.get("format_version") {
        if !v.as_str().is_some_and(|s| s.starts_with("1.")) {
            r.diagnostics.push(
                codes::UNSUPPORTED_PLAN_FORMAT
                    .at(v.span, "plan format version is not 1.x: read as 1.x")
                    .with_help("tenet reads `terraform show -json` output of format 1.x"),
            );
        }
    }
    match root.get("resource_changes").map(|c| &c.kind) {
        Some(JsonKind::Array(changes)) => {
            for c in changes {
                r.change(c);
            }
        }
        _ => {
            let values = root.get("planned_values").or_else(|| root.get("values"));
            if let Some(module) = values.and_then(|v| v.get("root_module")) {
                r.module(module);
            }
        }
    }
    (r.found, r.diagnostics)
}

impl Reader<'_> {
    /// A `resource_changes` entry: its `after` values and `after_unknown` flags.
    fn change(&mut self, c: &JsonValue) {
        if c.get("mode").and_then(JsonValue::as_str) == Some("data") {
            return;
        }
        let (Some(address), Some(ty), Some(change)) = (c.get("address"), c.get("type"), c.get("change")) else {
            return;
        };
        let (Some(addr), Some(ty)) = (address.as_str(), ty.as_str()) else {
            return;
        };
        let Some(after) = change.get("after").filter(|a| a.as_object().is_some()) else {
            return;
        };
        self.resource(addr, address.span, ty, after, change.get("after_unknown"));
    }

    /// A module of `planned_values` (or of a state's `values`).
    fn module(&mut self, module: &JsonValue) {
        if let Some(JsonKind::Array(resources)) = module.get("resources").map(|r| &r.kind) {
            for res in resources {
                if res.get("mode").and_then(JsonValue::as_str) == Some("data") {
                    continue;
                }
                let (Some(address), Some(ty), Some(values)) = (res.get("address"), res.get("type"), res.get("values"))
                else {
                    continue;
                };
                if let (Some(addr), Some(ty)) = (address.as_str(), ty.as_str()) {
                    self.resource(addr, address.span, ty, values, None);
                }
            }
        }
        if let Some(JsonKind::Array(children)) = module.get("child_modules").map(|c| &c.kind) {
            for child in children {
                self.module(child);
            }
        }
    }

    fn resource(&mut self, addr: &str, at: Span, ty: &str, values: &JsonValue, unknown: Option<&JsonValue>) {
        let org_type = values.get("type").and_then(JsonValue::as_str);
        for (attr, kind) in crate::terraform::policy_attributes(ty, org_type) {
            let is_unknown = unknown
                .and_then(|u| u.get(attr))
                .is_some_and(|u| matches!(u.kind, JsonKind::Bool(true)));
            self.policy(addr, attr, at, values.get(attr), is_unknown, kind);
        }
        if ty == "aws_iam_role" {
            let inline_unknown = unknown.and_then(|u| u.get("inline_policy"));
            if let Some(JsonKind::Array(items)) = values.get("inline_policy").map(|v| &v.kind) {
                for (i, item) in items.iter().enumerate() {
                    let flag = match inline_unknown.map(|u| &u.kind) {
                        Some(JsonKind::Bool(b)) => *b,
                        Some(JsonKind::Array(flags)) => flags
                            .get(i)
                            .and_then(|f| f.get("policy"))
                            .is_some_and(|p| matches!(p.kind, JsonKind::Bool(true))),
                        _ => false,
                    };
                    let attr = format!("inline_policy[{i}]");
                    self.policy(addr, &attr, at, item.get("policy"), flag, PolicyKind::Identity);
                }
            }
        }
    }

    fn policy(
        &mut self,
        address: &str,
        attr: &str,
        at: Span,
        value: Option<&JsonValue>,
        unknown: bool,
        kind: PolicyKind,
    ) {
        let name = format!("{address} / {attr}");
        match value {
            Some(
                v @ JsonValue {
                    kind: JsonKind::String(s),
                    ..
                },
            ) if !s.trim().is_empty() => {
                let Some((text, map)) = decode_string_literal(self.source, v.span) else {
                    return;
                };
                self.found.push(Extracted {
                    name: name.clone(),
                    kind: Some(kind),
                    source: Source::Json {
                        text,
                        map,
                        unresolved: Vec::new(),
                        span: v.span,
                    },
                    incomplete: Vec::new(),
                    address: Some((at, address.to_owned())),
                });
            }
            _ if unknown => self.diagnostics.push(
                codes::UNKNOWN_UNTIL_APPLY
                    .at(
                        at,
                        format!("the policy of `{name}` is known only after apply: not checked"),
                    )
                    .with_help("lint the Terraform source, or plan again once the values it depends on exist"),
            ),
            _ => {}
        }
    }
}
