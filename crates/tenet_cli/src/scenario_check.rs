//! Checks a scenario file before it is simulated: unknown keys are errors with a "did you mean"
//! (a misspelled `serviceControlPolicies` must not silently drop the SCPs), files it names must stay
//! inside the current directory unless `--allow-outside` is given, and a `kmsGrants` path is read.
//! The request's problems (`SIM005`: a key given twice, a fact that contradicts the principal or the
//! resource, an owner nothing states) are located here.

use std::path::Path;

use tenet_ast::eval::scenario::facts::{At, RequestProblem};
use tenet_diagnostics::{Diagnostic, Severity, Span};
use tenet_syntax::json::{JsonKind, JsonValue};

/// The keys of a scenario file.
const SCENARIO_KEYS: &[&str] = &[
    "request",
    "identityPolicies",
    "resourcePolicy",
    "resourceIsKeyPolicy",
    "resourceIsTrustPolicy",
    "permissionBoundaries",
    "sessionPolicy",
    "serviceControlPolicies",
    "resourceControlPolicies",
    "kmsGrants",
    "federatedBy",
];

/// The keys of a scenario's `request`.
const REQUEST_KEYS: &[&str] = &["principal", "action", "resource", "resourceAccount", "context"];

/// `SIM002`: every key of the scenario and of its request that the simulator does not read.
pub fn unknown_keys(root: &JsonValue) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_members(root, SCENARIO_KEYS, "scenario", &mut out);
    if let Some(request) = root.get("request") {
        check_members(request, REQUEST_KEYS, "request", &mut out);
    }
    out
}

fn check_members(value: &JsonValue, known: &[&str], what: &str, out: &mut Vec<Diagnostic>) {
    let Some(members) = value.as_object() else { return };
    for m in members {
        let key = m.key.value.as_str();
        if known.contains(&key) {
            continue;
        }
        let mut d = Diagnostic::new(
            "SIM002",
            "unknown-scenario-key",
            Severity::Error,
            m.key.span,
            format!("unknown {what} key `{key}`"),
        );
        d = match tenet_lint::suggest::closest(key, known.iter().copied()) {
            Some(k) => d.with_help(format!("did you mean `{k}`?")),
            None => d.with_help(format!("the {what} keys are {}", known.join(", "))),
        };
        out.push(d);
    }
}

/// `SIM003` when `path` (a file the scenario names) resolves outside the current directory.
pub fn outside_project(path: &Path, span: Span) -> Option<Diagnostic> {
    let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
    let resolved = path.canonicalize().unwrap_or_else(|_| lexical(path));
    if resolved.starts_with(&cwd) {
        return None;
    }
    Some(
        Diagnostic::new(
            "SIM003",
            "path-outside-project",
            Severity::Error,
            span,
            format!("`{}` is outside the current directory", path.display()),
        )
        .with_help("run tenet from a directory that holds it, or pass `--allow-outside`"),
    )
}

/// `path` made absolute with `..` resolved without touching the file system.
pub(crate) use tenet_output::lexical;

/// The `kmsGrants` value with a path (a string) replaced by the JSON of that file.
pub fn kms_grants_file(root: &JsonValue) -> Option<(String, Span)> {
    match root.get("kmsGrants") {
        Some(JsonValue {
            kind: JsonKind::String(path),
            span,
        }) => Some((path.clone(), *span)),
        _ => None,
    }
}

/// `SIM004`: what AWS itself refuses to store, so no request is ever evaluated against it: identity
/// policies of the account root user (none can be attached to it) and `NotPrincipal` in a role trust
/// policy ("You cannot use the NotPrincipal element in an IAM role trust policy").
pub fn rejected_by_aws(
    root: &JsonValue,
    request: &tenet_ast::eval::Request,
    trust_has_not_principal: bool,
) -> Vec<Diagnostic> {
    let span_of = |key: &str| {
        root.as_object()
            .and_then(|ms| ms.iter().find(|m| m.key.value == key))
            .map(|m| m.key.span)
    };
    let mut out = Vec::new();
    let is_root = matches!(
        request.principal,
        tenet_ast::eval::RequestPrincipal::Aws {
            kind: tenet_ast::eval::AwsPrincipalKind::Root,
            ..
        }
    );
    // A list with items, or a single policy (object or path).
    let given = |key: &str| {
        root.get(key).is_some_and(|v| match &v.kind {
            JsonKind::Array(items) => !items.is_empty(),
            JsonKind::Null => false,
            _ => true,
        })
    };
    // No policy can be attached to the root user, and it is no session.
    for (key, what) in [
        ("identityPolicies", "identity policies"),
        ("permissionBoundaries", "permissions boundaries"),
        ("sessionPolicy", "a session policy"),
    ] {
        if let (true, true, Some(span)) = (is_root, given(key), span_of(key)) {
            out.push(
                Diagnostic::new(
                    "SIM004",
                    "input-aws-rejects",
                    Severity::Error,
                    span,
                    format!("{what} cannot apply to the account root user"),
                )
                .with_help(format!(
                    "the root user has full access in its own account; remove `{key}` or name another principal"
                )),
            );
        }
    }
    if let (true, Some(span)) = (trust_has_not_principal, span_of("resourcePolicy")) {
        out.push(
            Diagnostic::new(
                "SIM004",
                "input-aws-rejects",
                Severity::Error,
                span,
                "IAM rejects `NotPrincipal` in a role trust policy",
            )
            .with_help("name the principals that may assume the role with `Principal`"),
        );
    }
    out
}

/// `federatedBy`: the IAM user who created the request's federated-user session with
/// `GetFederationToken` (its identity policies and boundaries are the scenario's, capped by
/// `sessionPolicy`, the one passed to the call). Like `tenet prove`, which names a session after its
/// user, it must be `arn:<partition>:iam::ACCOUNT:user/…/NAME` for the session
/// `arn:<partition>:sts::ACCOUNT:federated-user/NAME`; anything else is a `SIM005` at its value.
pub fn federated_by(
    root: &JsonValue,
    principal: &tenet_ast::eval::RequestPrincipal,
) -> Result<Option<tenet_ast::eval::RequestPrincipal>, Vec<Diagnostic>> {
    use tenet_ast::eval::{AwsPrincipalKind, RequestPrincipal};
    let Some(value) = root.get("federatedBy") else {
        return Ok(None);
    };
    let fail = |message: String, help: &str| Err(vec![request_diagnostic(value.span, message).with_help(help)]);
    let JsonKind::String(text) = &value.kind else {
        return fail(
            "`federatedBy` must be a string".to_owned(),
            "give the ARN of the IAM user who called GetFederationToken",
        );
    };
    let RequestPrincipal::Aws {
        account: session_account,
        kind: AwsPrincipalKind::FederatedUser { name: session_name },
        ..
    } = principal
    else {
        return fail(
            format!("`federatedBy` is given, but the principal `{}` is not a federated-user session", principal.as_str()),
            "only a session from GetFederationToken (`arn:aws:sts::ACCOUNT:federated-user/NAME`) has a federating user; remove `federatedBy`",
        );
    };
    let user = match RequestPrincipal::parse(text) {
        Ok(
            user @ RequestPrincipal::Aws {
                kind: AwsPrincipalKind::User { .. },
                ..
            },
        ) => user,
        _ => {
            return fail(
                format!("`{text}` is not an IAM user ARN"),
                "GetFederationToken is called by an IAM user: give `arn:aws:iam::ACCOUNT:user/NAME`",
            )
        }
    };
    let RequestPrincipal::Aws {
        account,
        kind: AwsPrincipalKind::User { name },
        ..
    } = &user
    else {
        return Ok(None);
    };
    if account != session_account {
        return fail(
            format!(
                "the user `{text}` is in account {account}, the session `{}` in {session_account}",
                principal.as_str()
            ),
            "a federated-user session is in the account of the user who created it",
        );
    }
    if name != session_name {
        return fail(
            format!("the user `{text}` is not named `{session_name}` like the session `{}`", principal.as_str()),
            "tenet names a federated-user session after its user (`federated-user/NAME` for `user/…/NAME`), as `tenet prove` does",
        );
    }
    Ok(Some(user))
}

/// `SIM005`: a context key given twice in the same spelling (a JSON reader keeps one silently).
pub fn duplicate_context_keys(root: &JsonValue) -> Vec<Diagnostic> {
    let Some(members) = root
        .get("request")
        .and_then(|r| r.get("context"))
        .and_then(|c| c.as_object())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if let Some(first) = members.iter().take(i).find(|f| f.key.value == m.key.value) {
            out.push(
                request_diagnostic(m.key.span, format!("context key `{}` is given twice", m.key.value))
                    .with_label(first.key.span, "first given here")
                    .with_help("keep one value, or give a list for a multi-valued key"),
            );
        }
    }
    out
}

/// `SIM005` for each problem of the request, at the field or context key it is about.
pub fn request_problems(root: &JsonValue, problems: &[RequestProblem]) -> Vec<Diagnostic> {
    let request = root.get("request");
    let request_span = root
        .as_object()
        .and_then(|ms| ms.iter().find(|m| m.key.value == "request"))
        .map_or(root.span, |m| m.key.span);
    problems
        .iter()
        .map(|p| {
            let span = match &p.at {
                At::Field(name) => request.and_then(|r| r.get(name)).map(|v| v.span),
                At::ContextKey(key) => request
                    .and_then(|r| r.get("context"))
                    .and_then(|c| c.as_object())
                    .and_then(|ms| ms.iter().rev().find(|m| m.key.value == *key))
                    .map(|m| m.key.span),
            };
            request_diagnostic(span.unwrap_or(request_span), p.message.clone()).with_help(p.help.clone())
        })
        .collect()
}

fn request_diagnostic(span: Span, message: String) -> Diagnostic {
    Diagnostic::new("SIM005", "inconsistent-request", Severity::Error, span, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenet_syntax::json::{parse_json, OffsetMap};

    #[test]
    fn misspelled_keys_are_located_with_a_suggestion() {
        let text =
            r#"{"request":{"principal":"p","action":"a","resource":"r","contxt":{}},"serviceControlPolicys":[]}"#;
        let root = parse_json(text, &OffsetMap::identity()).unwrap_or_else(|_| unreachable!());
        let found = unknown_keys(&root);
        let said: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|d| (text.get(d.span.range()).unwrap_or_default(), d.help.as_deref()))
            .collect();
        assert_eq!(
            said,
            vec![
                (
                    "\"serviceControlPolicys\"",
                    Some("did you mean `serviceControlPolicies`?")
                ),
                ("\"contxt\"", Some("did you mean `context`?")),
            ]
        );
    }
}
