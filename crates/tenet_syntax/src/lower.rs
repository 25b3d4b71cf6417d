//! Lowers a JSON tree into the typed policy AST. Lowering never fails: it returns the policy it could
//! build and a diagnostic for everything wrong in shape.

use tenet_ast::{
    Condition, ConditionValue, Effect, ElementList, Policy, PolicyKind, PrincipalEntry, PrincipalType, PrincipalValue,
    Principals, Statement, Version,
};
use tenet_diagnostics::{Diagnostic, Edit, Severity, Span, Spanned};

use crate::codes::{self, Code};
use crate::grammar;
use crate::json::{JsonKind, JsonValue, Member};

/// The elements of a policy document, as AWS spells them.
pub const POLICY_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
/// The elements of a statement, as AWS spells them.
pub const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
/// The keys of a `Principal` map, as AWS spells them.
pub const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

struct Lowerer {
    kind: PolicyKind,
    diagnostics: Vec<Diagnostic>,
}

/// Lowers `json` as a policy of `kind`.
pub fn lower_policy(json: &JsonValue, kind: PolicyKind) -> (Policy, Vec<Diagnostic>) {
    let mut l = Lowerer {
        kind,
        diagnostics: Vec::new(),
    };
    let policy = l.policy(json);
    check_grammars(&policy, &mut l.diagnostics);
    (policy, l.diagnostics)
}

/// Runs IAM's mini-grammars over the strings whose shape is fixed: actions, resource ARNs, principal
/// ARNs and policy variables (in `Resource` and condition values, where IAM substitutes them).
fn check_grammars(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let variables = policy.substitutes_variables();
    for st in &policy.statements {
        for item in st.value.action.iter().flat_map(|a| &a.value.items) {
            out.extend(grammar::action::check_action(&item.value, item.span));
        }
        for item in st.value.resource.iter().flat_map(|r| &r.value.items) {
            if item.value != "*" {
                out.extend(grammar::arn::parse_resource(&item.value, item.span).1);
            }
            template(&item.value, item.span, variables, out);
        }
        for (ty, p) in st.value.principal.iter().flat_map(|p| p.value.entries()) {
            if ty == PrincipalType::Aws && p.value.starts_with("arn:") {
                out.extend(grammar::arn::parse_arn(&p.value, p.span).1);
            }
        }
        for c in st.value.conditions() {
            for v in &c.values {
                if let ConditionValue::String(s) = &v.value {
                    template(s, v.span, variables, out);
                }
                condition_value(c, v, out);
            }
        }
    }
}

/// Checks a condition value whose shape the operator or the key fixes: IP ranges, dates, VPC and
/// VPC endpoint ids, account ids. Values holding a policy variable are checked once substituted.
fn condition_value(c: &tenet_ast::Condition, v: &Spanned<ConditionValue>, out: &mut Vec<Diagnostic>) {
    use tenet_ast::OperatorFamily;
    let text = v.value.as_text();
    if text.contains("${") {
        return;
    }
    match c.parsed.map(|p| p.operator.family()) {
        Some(OperatorFamily::IpAddress) => out.extend(grammar::cidr::parse_cidr(&text, v.span).1),
        Some(OperatorFamily::Date) => out.extend(grammar::date::parse_date(&text, v.span).1),
        Some(OperatorFamily::String) if !grammar::has_wildcard(&text) => {
            let key = c.key.value.to_ascii_lowercase();
            match key.as_str() {
                "aws:sourcevpc" => out.extend(grammar::ids::parse_vpc_id(&text, v.span).1),
                "aws:sourcevpce" => out.extend(grammar::ids::parse_vpce_id(&text, v.span).1),
                "aws:sourceaccount" | "aws:principalaccount" | "aws:resourceaccount" | "kms:calleraccount" => {
                    out.extend(grammar::ids::parse_account_id(&text, v.span).1)
                }
                _ => {}
            }
        }
        _ => {}
    }
}

fn template(s: &str, span: Span, variables: bool, out: &mut Vec<Diagnostic>) {
    if s.contains("${") {
        out.extend(grammar::variable::parse_template(s, span, variables).1);
    }
}

fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code.0, code.1, Severity::Error, span, message)
}

/// Whether exactly one of `members` has the key `name` in some case: renaming it to `name` then
/// duplicates no key.
fn only_one_in_any_case(members: &[Member], name: &str) -> bool {
    members
        .iter()
        .filter(|m| m.key.value.eq_ignore_ascii_case(name))
        .count()
        == 1
}

impl Lowerer {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn wrong_type(&mut self, v: &JsonValue, element: &str, expected: &str) {
        self.push(error(
            codes::WRONG_TYPE,
            v.span,
            format!("`{element}` must be {expected}, found {}", v.type_name()),
        ));
    }

    /// Reports duplicate and unknown keys of an object, returning the members whose key is known.
    fn members<'a>(&mut self, members: &'a [Member], known: &[&str], context: &str) -> Vec<&'a Member> {
        let kept = self.dedup(members, context);
        let mut out = Vec::with_capacity(kept.len());
        for m in kept {
            if known.contains(&m.key.value.as_str()) {
                out.push(m);
            } else {
                self.unknown_element(m, members, known, context);
            }
        }
        out
    }

    /// Reports duplicate keys, keeping the last of each (as most JSON readers do) in first-seen order.
    fn dedup<'a>(&mut self, members: &'a [Member], context: &str) -> Vec<&'a Member> {
        let mut kept: Vec<&Member> = Vec::new();
        for m in members {
            if let Some(prev) = kept.iter_mut().find(|k| k.key.value == m.key.value) {
                let first = prev.key.span;
                self.push(
                    error(
                        codes::DUPLICATE_KEY,
                        m.key.span,
                        format!("duplicate key `{}` in {context}", m.key.value),
                    )
                    .with_label(first, "first defined here")
                    .with_help("IAM and JSON libraries disagree on which value counts: keep one"),
                );
                *prev = m;
                continue;
            }
            kept.push(m);
        }
        kept
    }

    /// Reports the unknown key of `m`, one of `siblings`; the fix renames a key that differs from a
    /// known one only in case, unless another sibling has that name in some case (the rename would
    /// duplicate it).
    fn unknown_element(&mut self, m: &Member, siblings: &[Member], known: &[&str], context: &str) {
        let name = &m.key.value;
        let mut d = error(
            codes::UNKNOWN_ELEMENT,
            m.key.span,
            format!("unknown element `{name}` in {context}"),
        );
        if let Some(exact) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
            d = d.with_help(format!("element names are case-sensitive: did you mean `{exact}`?"));
            if only_one_in_any_case(siblings, exact) {
                d = d.with_fix(
                    format!("rename `{name}` to `{exact}`"),
                    vec![Edit {
                        span: m.key.span,
                        replacement: format!("\"{exact}\""),
                    }],
                );
            }
        } else if let Some(s) = grammar::suggest::did_you_mean(name, known.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else {
            d = d.with_help(format!("the elements of {context} are {}", known.join(", ")));
        }
        self.push(d);
    }

    fn policy(&mut self, json: &JsonValue) -> Policy {
        let mut policy = Policy::default();
        let Some(members) = json.as_object() else {
            self.wrong_type(json, "a policy", "an object");
            return policy;
        };
        let mut statement_seen = false;
        for m in self.members(members, POLICY_ELEMENTS, "a policy") {
            match m.key.value.as_str() {
                "Version" => policy.version = self.version(&m.value),
                "Id" => policy.id = self.string(&m.value, "Id"),
                _ => {
                    statement_seen = true;
                    policy.statements = self.statements(&m.value);
                }
            }
        }
        if !statement_seen || policy.statements.is_empty() {
            let span = if statement_seen {
                json.span
            } else {
                Span::new(json.span.start as usize, json.span.start as usize + 1)
            };
            self.push(
                error(codes::MISSING_STATEMENT, span, "the policy has no statement")
                    .with_help("add a `Statement` element with at least one statement"),
            );
        }
        policy
    }

    fn string(&mut self, v: &JsonValue, element: &str) -> Option<Spanned<String>> {
        match &v.kind {
            JsonKind::String(s) => Some(Spanned::new(s.clone(), v.span)),
            _ => {
                self.wrong_type(v, element, "a string");
                None
            }
        }
    }

    fn version(&mut self, v: &JsonValue) -> Option<Spanned<Version>> {
        let s = self.string(v, "Version")?;
        let version = match s.value.as_str() {
            "2012-10-17" => Version::V2012_10_17,
            "2008-10-17" => Version::V2008_10_17,
            other => {
                self.push(
                    error(
                        codes::INVALID_VERSION,
                        v.span,
                        format!("invalid policy version `{other}`"),
                    )
                    .with_help("use `2012-10-17`, the current version of the policy language"),
                );
                return None;
            }
        };
        Some(Spanned::new(version, v.span))
    }

    fn statements(&mut self, v: &JsonValue) -> Vec<Spanned<Statement>> {
        match &v.kind {
            JsonKind::Object(_) => self.statement(v).into_iter().collect(),
            JsonKind::Array(items) => items.iter().filter_map(|s| self.statement(s)).collect(),
            _ => {
                self.wrong_type(v, "Statement", "an object or an array of objects");
                Vec::new()
            }
        }
    }

    fn statement(&mut self, v: &JsonValue) -> Option<Spanned<Statement>> {
        let Some(members) = v.as_object() else {
            self.wrong_type(v, "a statement", "an object");
            return None;
        };
        let mut st = Statement::default();
        let mut resource_key: Option<Span> = None;
        for m in self.members(members, STATEMENT_ELEMENTS, "a statement") {
            let key = m.key.value.as_str();
            match key {
                "Sid" => st.sid = self.string(&m.value, "Sid"),
                "Effect" => st.effect = self.effect(&m.value),
                "Principal" | "NotPrincipal" => {
                    let p = self.principals(m, key == "NotPrincipal");
                    self.set_once(&mut st.principal, p, m, "Principal", "NotPrincipal");
                }
                "Action" | "NotAction" => {
                    let list = self.element_list(m, key == "NotAction");
                    self.set_once(&mut st.action, list, m, "Action", "NotAction");
                }
                "Resource" | "NotResource" => {
                    resource_key = Some(m.key.span);
                    let list = self.element_list(m, key == "NotResource");
                    self.set_once(&mut st.resource, list, m, "Resource", "NotResource");
                }
                _ => st.condition = self.conditions(&m.value),
            }
        }
        self.check_required(&st, v.span, members, resource_key);
        Some(Spanned::new(st, v.span))
    }

    fn set_once<T>(&mut self, slot: &mut Option<T>, value: Option<T>, m: &Member, positive: &str, negative: &str) {
        if slot.is_some() {
            self.push(
                error(
                    codes::CONFLICTING_ELEMENTS,
                    m.key.span,
                    format!("a statement cannot have both `{positive}` and `{negative}`"),
                )
                .with_help(format!("keep either `{positive}` or `{negative}`")),
            );
            return;
        }
        *slot = value;
    }

    fn check_required(&mut self, st: &Statement, span: Span, members: &[Member], resource_key: Option<Span>) {
        let at = Span::new(span.start as usize, span.start as usize + 1);
        // A misspelled-case element (`effect`) was reported as unknown; do not also call it missing.
        let has = |name: &str| members.iter().any(|m| m.key.value.eq_ignore_ascii_case(name));
        if !has("Effect") {
            self.push(
                error(codes::MISSING_EFFECT, at, "statement has no `Effect`")
                    .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
            );
        }
        if !has("Action") && !has("NotAction") {
            self.push(error(
                codes::MISSING_ACTION,
                at,
                "statement has no `Action` or `NotAction`",
            ));
        }
        // ECR repository policies are documented without `Resource` (the repository is the resource).
        let ecr_repository = self.kind == PolicyKind::Resource && only_ecr_actions(members);
        let needs_resource = self.kind != PolicyKind::Trust && !ecr_repository;
        if needs_resource && !has("Resource") && !has("NotResource") {
            self.push(
                error(
                    codes::MISSING_RESOURCE,
                    at,
                    "statement has no `Resource` or `NotResource`",
                )
                .with_help(format!(
                    "a statement of {} policy must say which resources it applies to",
                    article(self.kind)
                )),
            );
        }
        if self.kind == PolicyKind::Trust {
            if let Some(key) = resource_key {
                self.push(
                    error(
                        codes::UNSUPPORTED_ELEMENT,
                        key,
                        "a role trust policy cannot have `Resource` or `NotResource`",
                    )
                    .with_help("the resource of a trust policy is the role itself: remove the element"),
                );
            }
        }
        if self.kind.requires_principal() && !has("Principal") && !has("NotPrincipal") {
            self.push(
                error(
                    codes::MISSING_PRINCIPAL,
                    at,
                    "statement has no `Principal` or `NotPrincipal`",
                )
                .with_help(format!(
                    "a statement of {} policy must say whom it applies to",
                    article(self.kind)
                )),
            );
        }
        if self.kind.forbids_principal() {
            if let Some(p) = &st.principal {
                let name = if p.value.negated.value {
                    "NotPrincipal"
                } else {
                    "Principal"
                };
                self.push(
                    error(
                        codes::UNSUPPORTED_ELEMENT,
                        p.value.negated.span,
                        format!("{} policy cannot have `{name}`", article(self.kind)),
                    )
                    .with_help(if self.kind == PolicyKind::Scp {
                        "an SCP applies to every principal of the accounts it is attached to: remove the element"
                    } else {
                        "the principal of this policy is the identity it is attached to: remove the element"
                    }),
                );
            }
        }
    }

    fn effect(&mut self, v: &JsonValue) -> Option<Spanned<Effect>> {
        let s = self.string(v, "Effect")?;
        match s.value.as_str() {
            "Allow" => return Some(Spanned::new(Effect::Allow, v.span)),
            "Deny" => return Some(Spanned::new(Effect::Deny, v.span)),
            _ => {}
        }
        let mut d = error(codes::INVALID_EFFECT, v.span, format!("invalid effect `{}`", s.value));
        let fixed = ["Allow", "Deny"].into_iter().find(|e| e.eq_ignore_ascii_case(&s.value));
        d = match fixed {
            Some(e) => d.with_help("`Effect` is case-sensitive").with_fix(
                format!("replace with `{e}`"),
                vec![Edit {
                    span: v.span,
                    replacement: format!("\"{e}\""),
                }],
            ),
            None => d.with_help("use `Allow` or `Deny`"),
        };
        self.push(d);
        None
    }

    fn string_items(&mut self, v: &JsonValue, element: &str) -> (Vec<Spanned<String>>, bool) {
        match &v.kind {
            JsonKind::String(s) => (vec![Spanned::new(s.clone(), v.span)], false),
            JsonKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(s) = self.string(item, element) {
                        out.push(s);
                    }
                }
                (out, true)
            }
            _ => {
                self.wrong_type(v, element, "a string or an array of strings");
                (Vec::new(), false)
            }
        }
    }

    fn element_list(&mut self, m: &Member, negated: bool) -> Option<Spanned<ElementList>> {
        let (items, is_array) = self.string_items(&m.value, &m.key.value);
        let list = ElementList {
            negated: Spanned::new(negated, m.key.span),
            items,
            is_array,
        };
        Some(Spanned::new(list, m.value.span))
    }

    fn principals(&mut self, m: &Member, negated: bool) -> Option<Spanned<Principals>> {
        let value = match &m.value.kind {
            JsonKind::String(s) if s == "*" => PrincipalValue::Any,
            JsonKind::Object(members) => {
                let mut entries = Vec::new();
                for pm in self.dedup(members, "a principal") {
                    if let Some(e) = self.principal_entry(pm, members) {
                        entries.push(e);
                    }
                }
                PrincipalValue::Map(entries)
            }
            _ => {
                self.wrong_type(
                    &m.value,
                    &m.key.value,
                    "`\"*\"` or an object such as `{\"AWS\": [...]}`",
                );
                return None;
            }
        };
        let p = Principals {
            negated: Spanned::new(negated, m.key.span),
            value,
        };
        Some(Spanned::new(p, m.value.span))
    }

    /// One entry of a principal object, `pm` of its `siblings` (an invalid type is reported).
    fn principal_entry(&mut self, pm: &Member, siblings: &[Member]) -> Option<PrincipalEntry> {
        let ty = match pm.key.value.as_str() {
            "AWS" => PrincipalType::Aws,
            "Service" => PrincipalType::Service,
            "Federated" => PrincipalType::Federated,
            "CanonicalUser" => PrincipalType::CanonicalUser,
            other => {
                let mut d = error(
                    codes::INVALID_PRINCIPAL_KEY,
                    pm.key.span,
                    format!("invalid principal type `{other}`"),
                );
                if let Some(exact) = PRINCIPAL_KEYS.iter().find(|k| k.eq_ignore_ascii_case(other)) {
                    d = d.with_help(format!("principal types are case-sensitive: did you mean `{exact}`?"));
                    // Renaming beside an existing `AWS` would duplicate the key.
                    if only_one_in_any_case(siblings, exact) {
                        d = d.with_fix(
                            format!("rename `{other}` to `{exact}`"),
                            vec![Edit {
                                span: pm.key.span,
                                replacement: format!("\"{exact}\""),
                            }],
                        );
                    }
                } else {
                    d = d.with_help("use `AWS`, `Service`, `Federated` or `CanonicalUser`");
                }
                self.push(d);
                return None;
            }
        };
        let (values, is_array) = self.string_items(&pm.value, &pm.key.value);
        Some(PrincipalEntry {
            ty: Spanned::new(ty, pm.key.span),
            values,
            is_array,
        })
    }

    fn conditions(&mut self, v: &JsonValue) -> Option<Spanned<Vec<Condition>>> {
        let Some(operators) = v.as_object() else {
            self.wrong_type(v, "Condition", "an object");
            return None;
        };
        let mut out = Vec::new();
        for op in self.dedup(operators, "a condition") {
            let (parsed, diags) = grammar::operator::parse_operator(&op.key.value, op.key.span);
            self.diagnostics.extend(diags);
            let Some(keys) = op.value.as_object() else {
                self.wrong_type(&op.value, &op.key.value, "an object of condition keys");
                continue;
            };
            for k in self.dedup(keys, "a condition operator") {
                let (values, is_array) = self.condition_values(&k.value, &k.key.value);
                out.push(Condition {
                    operator: op.key.clone(),
                    parsed,
                    key: k.key.clone(),
                    values,
                    is_array,
                });
            }
        }
        Some(Spanned::new(out, v.span))
    }

    fn condition_value(&mut self, v: &JsonValue, key: &str) -> Option<Spanned<ConditionValue>> {
        let value = match &v.kind {
            JsonKind::String(s) => ConditionValue::String(s.clone()),
            JsonKind::Number(n) => ConditionValue::Number(n.clone()),
            JsonKind::Bool(b) => ConditionValue::Bool(*b),
            _ => {
                self.wrong_type(v, key, "a string, number or boolean, or an array of them");
                return None;
            }
        };
        Some(Spanned::new(value, v.span))
    }

    fn condition_values(&mut self, v: &JsonValue, key: &str) -> (Vec<Spanned<ConditionValue>>, bool) {
        match &v.kind {
            JsonKind::Array(items) => (
                items.iter().filter_map(|i| self.condition_value(i, key)).collect(),
                true,
            ),
            _ => (self.condition_value(v, key).into_iter().collect(), false),
        }
    }
}

/// Whether every action of the statement is an ECR action (`ecr:` or `ecr-public:`): AWS documents
/// repository policies without `Resource`.
fn only_ecr_actions(members: &[Member]) -> bool {
    let Some(action) = members.iter().find(|m| m.key.value == "Action") else {
        return false;
    };
    let is_ecr = |v: &JsonValue| {
        v.as_str().is_some_and(|a| {
            let lower = a.to_ascii_lowercase();
            lower.starts_with("ecr:") || lower.starts_with("ecr-public:")
        })
    };
    match &action.value.kind {
        JsonKind::String(_) => is_ecr(&action.value),
        JsonKind::Array(items) => !items.is_empty() && items.iter().all(is_ecr),
        _ => false,
    }
}

fn article(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Identity => "an identity",
        PolicyKind::Resource => "a resource",
        PolicyKind::Key => "a key",
        PolicyKind::Trust => "a role trust",
        PolicyKind::Scp => "a service control",
        PolicyKind::Rcp => "a resource control",
        PolicyKind::Boundary => "a permissions boundary",
        PolicyKind::VpcEndpoint => "a VPC endpoint",
    }
}
