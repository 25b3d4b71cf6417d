//! Recognises what an input file holds, without flags: a bare policy, or the output of an AWS CLI
//! command that embeds policies (as objects, JSON strings or URL-encoded strings), and finds every
//! policy inside with its kind and a name that says where it sits.

use tenet_ast::PolicyKind;
use tenet_diagnostics::{Diagnostic, Severity, Span};

use crate::codes;
use crate::detect::detect_kind_with_hint;
use crate::json::{decode_string_literal, parse_json, percent_decode, JsonKind, JsonValue, OffsetMap};

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputForm {
    /// A policy document.
    BarePolicy,
    /// `aws s3api get-bucket-policy` or `aws kms get-key-policy`: `{"Policy": "<json string>"}`.
    PolicyString,
    /// `aws iam get-policy-version`: `{"PolicyVersion": {"Document": ...}}`.
    PolicyVersion,
    /// `aws iam get-account-authorization-details`.
    AuthorizationDetails,
    /// `aws kms list-grants`: grants, not policies.
    GrantList,
    /// `aws iam get-role`: `{"Role": {"AssumeRolePolicyDocument": ...}}`, a trust policy.
    Role,
    /// `aws iam get-role-policy`, `get-user-policy`, `get-group-policy`:
    /// `{"RoleName"|"UserName"|"GroupName", "PolicyName", "PolicyDocument": ...}`, an identity policy.
    InlinePolicy,
    /// `aws sqs get-queue-attributes`, `aws sns get-topic-attributes`:
    /// `{"Attributes": {"Policy": "<json string>"}}`, a resource policy.
    Attributes,
    /// `aws ecr get-repository-policy`: `{"policyText": "<json string>"}`, a resource policy.
    RepositoryPolicy,
    /// `aws secretsmanager get-resource-policy`: `{"ResourcePolicy": "<json string>"}`.
    SecretPolicy,
    /// `aws organizations describe-policy` of an SCP or RCP: `{"Policy": {"Content": "<json string>",
    /// "PolicySummary": {"Type": ...}}}`.
    OrganizationsPolicy,
    /// `aws organizations describe-policy` of a tag, backup, AI opt-out or other policy type that is
    /// not an access policy.
    OtherOrganizationsPolicy,
    /// JSON that holds no policy.
    NotAPolicy,
}

/// A policy found in a file, before lowering.
pub(crate) struct Found {
    pub name: Option<String>,
    pub json: JsonValue,
    pub kind: PolicyKind,
    pub span: Span,
}

pub(crate) struct Walker<'a> {
    pub source: &'a str,
    pub kind_override: Option<PolicyKind>,
    pub kind_hint: Option<PolicyKind>,
    pub found: Vec<Found>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Classifies the top-level value of a file.
pub fn classify(root: &JsonValue) -> InputForm {
    let Some(members) = root.as_object() else {
        return InputForm::NotAPolicy;
    };
    let has = |k: &str| members.iter().any(|m| m.key.value == k);
    let string = |k: &str| root.get(k).is_some_and(|p| p.as_str().is_some());
    if has("Statement") || (has("Version") && !has("PolicyVersion")) {
        InputForm::BarePolicy
    } else if let Some(form) = classify_cli_output(root, &has, &string) {
        form
    } else if has("PolicyVersion") {
        InputForm::PolicyVersion
    } else if has("Policy") && root.get("Policy").is_some_and(|p| p.as_str().is_some()) {
        InputForm::PolicyString
    } else if ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]
        .iter()
        .any(|k| has(k))
    {
        InputForm::AuthorizationDetails
    } else if has("Grants") {
        InputForm::GrantList
    } else {
        InputForm::NotAPolicy
    }
}

/// The AWS CLI outputs added with issue 13, each holding one policy.
fn classify_cli_output(
    root: &JsonValue,
    has: &dyn Fn(&str) -> bool,
    string: &dyn Fn(&str) -> bool,
) -> Option<InputForm> {
    let org_type = root
        .get("Policy")
        .and_then(|p| p.get("PolicySummary"))
        .and_then(|s| s.get("Type"))
        .and_then(JsonValue::as_str);
    if let Some(t) = org_type {
        return Some(match organizations_kind(t) {
            Some(_) => InputForm::OrganizationsPolicy,
            None => InputForm::OtherOrganizationsPolicy,
        });
    }
    if root
        .get("Role")
        .is_some_and(|r| r.get("AssumeRolePolicyDocument").is_some())
    {
        Some(InputForm::Role)
    } else if has("PolicyDocument") && ["RoleName", "UserName", "GroupName"].iter().any(|k| has(k)) {
        Some(InputForm::InlinePolicy)
    } else if root
        .get("Attributes")
        .and_then(|a| a.get("Policy"))
        .is_some_and(|p| p.as_str().is_some())
    {
        Some(InputForm::Attributes)
    } else if string("policyText") {
        Some(InputForm::RepositoryPolicy)
    } else if string("ResourcePolicy") {
        Some(InputForm::SecretPolicy)
    } else {
        None
    }
}

/// The policy kind of an AWS Organizations policy type, for the types that are access policies.
fn organizations_kind(policy_type: &str) -> Option<PolicyKind> {
    match policy_type {
        "SERVICE_CONTROL_POLICY" => Some(PolicyKind::Scp),
        "RESOURCE_CONTROL_POLICY" => Some(PolicyKind::Rcp),
        _ => None,
    }
}

impl Walker<'_> {
    /// Finds the one policy of the AWS CLI outputs of [`classify_cli_output`].
    pub fn cli_output(&mut self, root: &JsonValue, form: InputForm) {
        let (doc, kind) = match form {
            InputForm::Role => (
                root.get("Role").and_then(|r| r.get("AssumeRolePolicyDocument")),
                Some(PolicyKind::Trust),
            ),
            InputForm::InlinePolicy => (root.get("PolicyDocument"), Some(PolicyKind::Identity)),
            InputForm::Attributes => (root.get("Attributes").and_then(|a| a.get("Policy")), None),
            InputForm::RepositoryPolicy => (root.get("policyText"), Some(PolicyKind::Resource)),
            InputForm::SecretPolicy => (root.get("ResourcePolicy"), Some(PolicyKind::Resource)),
            InputForm::OrganizationsPolicy => {
                let policy = root.get("Policy");
                let kind = policy
                    .and_then(|p| p.get("PolicySummary"))
                    .and_then(|s| s.get("Type"))
                    .and_then(JsonValue::as_str)
                    .and_then(organizations_kind);
                (policy.and_then(|p| p.get("Content")), kind)
            }
            _ => (None, None),
        };
        if let Some(doc) = doc {
            self.document(doc, None, kind);
        }
    }

    fn add(&mut self, name: Option<String>, json: JsonValue, default_kind: Option<PolicyKind>, span: Span) {
        let kind = self
            .kind_override
            .or(default_kind)
            .unwrap_or_else(|| detect_kind_with_hint(&json, self.kind_hint));
        self.found.push(Found { name, json, kind, span });
    }

    /// Like [`Walker::document`] for a value the caller owns: an object is kept without copying it.
    pub fn document_owned(&mut self, value: JsonValue, name: Option<String>, default_kind: Option<PolicyKind>) {
        if matches!(value.kind, JsonKind::Object(_)) {
            let span = value.span;
            self.add(name, value, default_kind, span);
        } else {
            self.document(&value, name, default_kind);
        }
    }

    /// A document given as an object, a JSON string, or a URL-encoded JSON string.
    pub fn document(&mut self, value: &JsonValue, name: Option<String>, default_kind: Option<PolicyKind>) {
        match &value.kind {
            JsonKind::Object(_) => self.add(name, value.clone(), default_kind, value.span),
            JsonKind::String(s) => {
                let Some((decoded, map)) = decode_string_literal(self.source, value.span) else {
                    self.embedded_error(value.span, "the string could not be decoded");
                    return;
                };
                let (text, map) =
                    if s.trim_start().starts_with('%') || (!s.trim_start().starts_with('{') && s.contains('%')) {
                        match percent_decode(&decoded) {
                            Some((t, inner)) => (t, map.compose(&inner)),
                            None => {
                                self.embedded_error(value.span, "the URL-encoded document is not UTF-8");
                                return;
                            }
                        }
                    } else {
                        (decoded, map)
                    };
                self.parse_embedded(&text, &map, value.span, name, default_kind);
            }
            _ => self.diagnostics.push(Diagnostic::new(
                codes::WRONG_TYPE.0,
                codes::WRONG_TYPE.1,
                Severity::Error,
                value.span,
                format!(
                    "a policy document must be an object or a string, found {}",
                    value.type_name()
                ),
            )),
        }
    }

    fn parse_embedded(
        &mut self,
        text: &str,
        map: &OffsetMap,
        span: Span,
        name: Option<String>,
        kind: Option<PolicyKind>,
    ) {
        match parse_json(text, map) {
            Ok(json) => self.add(name, json, kind, span),
            Err(d) => self.diagnostics.push(*d),
        }
    }

    fn embedded_error(&mut self, span: Span, why: &str) {
        self.diagnostics.push(Diagnostic::new(
            codes::INVALID_EMBEDDED_POLICY.0,
            codes::INVALID_EMBEDDED_POLICY.1,
            Severity::Error,
            span,
            format!("embedded policy cannot be read: {why}"),
        ));
    }

    /// Walks `get-account-authorization-details` output.
    pub fn authorization_details(&mut self, root: &JsonValue) {
        for (list, inline_key) in [
            ("UserDetailList", "UserPolicyList"),
            ("GroupDetailList", "GroupPolicyList"),
            ("RoleDetailList", "RolePolicyList"),
        ] {
            let Some(JsonKind::Array(entities)) = root.get(list).map(|v| &v.kind) else {
                continue;
            };
            for (i, entity) in entities.iter().enumerate() {
                let label = entity_label(list, i, entity, &["UserName", "GroupName", "RoleName"]);
                self.inline_policies(entity, inline_key, &label);
                if let Some(trust) = entity.get("AssumeRolePolicyDocument") {
                    self.document(
                        trust,
                        Some(format!("{label} / AssumeRolePolicyDocument")),
                        Some(PolicyKind::Trust),
                    );
                }
            }
        }
        if let Some(JsonKind::Array(policies)) = root.get("Policies").map(|v| &v.kind) {
            for (i, policy) in policies.iter().enumerate() {
                let mut label = entity_label("Policies", i, policy, &["PolicyName"]);
                let arn = policy.get("Arn").and_then(JsonValue::as_str).unwrap_or_default();
                if is_aws_managed(arn) {
                    label.push_str(AWS_MANAGED_MARK);
                }
                let Some(JsonKind::Array(versions)) = policy.get("PolicyVersionList").map(|v| &v.kind) else {
                    continue;
                };
                for (j, version) in versions.iter().enumerate() {
                    if let Some(doc) = version.get("Document") {
                        let id = version.get("VersionId").and_then(JsonValue::as_str).unwrap_or("?");
                        // Only the default version is in force: say which one it is.
                        let default = version
                            .get("IsDefaultVersion")
                            .is_some_and(|v| matches!(v.kind, JsonKind::Bool(true)));
                        let name = format!(
                            "{label} / PolicyVersionList[{j}] ({id}{})",
                            if default { ", default" } else { "" }
                        );
                        self.document(doc, Some(name), Some(PolicyKind::Identity));
                    }
                }
            }
        }
    }

    fn inline_policies(&mut self, entity: &JsonValue, key: &str, label: &str) {
        let Some(JsonKind::Array(items)) = entity.get(key).map(|v| &v.kind) else {
            return;
        };
        for (j, item) in items.iter().enumerate() {
            if let Some(doc) = item.get("PolicyDocument") {
                let pname = item.get("PolicyName").and_then(JsonValue::as_str).unwrap_or("?");
                self.document(
                    doc,
                    Some(format!("{label} / {key}[{j}] ({pname})")),
                    Some(PolicyKind::Identity),
                );
            }
        }
    }
}

/// What the name of a document from an AWS managed policy ends its first part with, so that rules
/// can tell (AWS managed policies are exempt from customer quotas).
pub const AWS_MANAGED_MARK: &str = " [AWS managed]";

/// Whether `arn` names an AWS managed policy (`arn:<partition>:iam::aws:policy/...`).
fn is_aws_managed(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts[..], ["arn", _, "iam", "", "aws", rest] if rest.starts_with("policy/"))
}

fn entity_label(list: &str, i: usize, entity: &JsonValue, name_keys: &[&str]) -> String {
    let name = name_keys.iter().find_map(|k| entity.get(k).and_then(JsonValue::as_str));
    match name {
        Some(n) => format!("{list}[{i}] ({n})"),
        None => format!("{list}[{i}]"),
    }
}
