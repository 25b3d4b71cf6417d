//! Rules that ask the IAM service catalog (`tenet_catalog`): unknown services, actions and condition
//! keys, action case, resource ARNs no listed action acts on, condition keys the actions do not
//! support, operator and value types, and the `iam:PassRole` / `iam:CreateServiceLinkedRole` patterns.
//!
//! Codes `IAM200–299`. The helpers below resolve a statement's actions through the catalog once per
//! call; a pattern the catalog does not know is reported by `unknown-action` and otherwise ignored, so
//! an unknown action never switches off another rule.

mod action_case;
mod action_resource_mismatch;
mod action_takes_no_resource;
mod arn_field_mismatch;
mod arn_fields;
mod condition_key_not_supported;
mod condition_type_mismatch;
mod create_slr_on_any_role;
mod deprecated_global_condition_key;
mod invalid_condition_value;
mod irrelevant_condition_key;
mod missing_paired_condition_key;
mod pass_role_on_any_role;
mod retired;
mod unknown_action;
mod unknown_condition_key;
mod unknown_service;
mod unsupported_resource_arn;
mod unsupported_tag_condition_key;

pub use action_case::ActionCase;
pub use action_resource_mismatch::ActionResourceMismatch;
pub use action_takes_no_resource::ActionTakesNoResource;
pub use arn_field_mismatch::ArnFieldMismatch;
pub use condition_key_not_supported::ConditionKeyNotSupported;
pub use condition_type_mismatch::ConditionTypeMismatch;
pub use create_slr_on_any_role::CreateSlrOnAnyRole;
pub use deprecated_global_condition_key::DeprecatedGlobalConditionKey;
pub use invalid_condition_value::InvalidConditionValue;
pub use irrelevant_condition_key::IrrelevantConditionKey;
pub use missing_paired_condition_key::MissingPairedConditionKey;
pub use pass_role_on_any_role::PassRoleOnAnyRole;
pub use unknown_action::UnknownAction;
pub use unknown_condition_key::UnknownConditionKey;
pub use unknown_service::UnknownService;
pub use unsupported_resource_arn::UnsupportedResourceArn;
pub use unsupported_tag_condition_key::UnsupportedTagConditionKey;

use crate::rules::wildcard_match;
use crate::Rule;
use tenet_ast::{Effect, Spanned, Statement};
use tenet_catalog::{catalog, Action, Service};

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &ActionResourceMismatch,
    &ActionTakesNoResource,
    &ArnFieldMismatch,
    &UnknownService,
    &UnknownAction,
    &ActionCase,
    &UnknownConditionKey,
    &DeprecatedGlobalConditionKey,
    &ConditionTypeMismatch,
    &InvalidConditionValue,
    &ConditionKeyNotSupported,
    &UnsupportedTagConditionKey,
    &IrrelevantConditionKey,
    &MissingPairedConditionKey,
    &UnsupportedResourceArn,
    &PassRoleOnAnyRole,
    &CreateSlrOnAnyRole,
];

/// Whether the text holds an IAM wildcard: the semantic core's reading.
pub(crate) use tenet_ast::semantics::has_wildcard;

/// The actions of the statement's `Action` element as the catalog knows them, each pattern expanded.
/// `None` when the statement uses `NotAction`, has no action element, or some item is a pattern the
/// catalog cannot resolve (unknown service or action): callers that need the whole set then stay
/// silent rather than guess.
pub(crate) fn resolved_actions(stmt: &Statement) -> Option<Vec<(&'static Service, &'static Action)>> {
    let list = stmt.action.as_ref()?;
    if list.value.negated.value {
        return None;
    }
    let mut out = Vec::new();
    for item in &list.value.items {
        let expanded = catalog().expand_action(&item.value);
        if expanded.is_empty() {
            return None;
        }
        out.extend(expanded);
    }
    Some(out)
}

/// How a statement reaches a sensitive action such as `iam:PassRole`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The action is listed by name.
    Named,
    /// A wildcard pattern in `Action` matches it.
    Wildcard,
    /// `NotAction` does not exclude it.
    NotAction,
}

/// Whether an `Allow` statement allows `action`, and how; also the span to point at.
pub(crate) fn allow_reaches(stmt: &Spanned<Statement>, action: &str) -> Option<(Reach, tenet_ast::Span)> {
    if stmt.value.effect() != Some(Effect::Allow) {
        return None;
    }
    let list = stmt.value.action.as_ref()?;
    if list.value.negated.value {
        let excluded = list.value.items.iter().any(|a| wildcard_match(&a.value, action, true));
        return (!excluded).then_some((Reach::NotAction, list.value.negated.span));
    }
    list.value.items.iter().find_map(|a| {
        if a.value.eq_ignore_ascii_case(action) {
            Some((Reach::Named, a.span))
        } else if wildcard_match(&a.value, action, true) {
            Some((Reach::Wildcard, a.span))
        } else {
            None
        }
    })
}

/// The candidate closest to `name` (ignoring case), if it is a plausible typo: at most a third of
/// the name's length away, between 1 and 4 edits.
pub(crate) fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).clamp(1, 4);
    tenet_syntax::grammar::suggest::closest_within(name, candidates, limit)
}

/// Whether the catalog's key name `documented` stands for the policy's key `written`: equal ignoring
/// ASCII case, or both `base/…` with the same base when the documented name is a template (AWS
/// spells the placeholder `${TagKey}`, `<key>` or `tag-key` depending on the service).
pub(crate) fn key_names_match(documented: &'static str, written: &str) -> bool {
    let key = tenet_catalog::ConditionKey {
        name: documented,
        ty: tenet_catalog::ConditionType::String,
        multivalued: false,
        deprecated: false,
    };
    if key.matches(written) {
        return true;
    }
    match (documented.split_once('/'), written.split_once('/')) {
        (Some((a, _)), Some((b, rest))) => a.eq_ignore_ascii_case(b) && !rest.is_empty(),
        _ => false,
    }
}

/// Whether `action` of `service` documents the condition key written `key` in the policy: on the
/// action itself, on one of its resource types for this action, or on the resource type.
pub(crate) fn action_supports_key(service: &Service, action: &Action, key: &str) -> bool {
    let eq = |k: &&'static str| key_names_match(k, key);
    action.condition_keys.iter().any(eq)
        || action.resources.iter().any(|r| {
            r.condition_keys.iter().any(eq)
                || service
                    .resource_type(r.resource_type)
                    .is_some_and(|rt| rt.condition_keys.iter().any(eq))
        })
}

/// A role-granting action checked by `pass-role-on-any-role` and `create-slr-on-any-role`.
pub(crate) struct RoleAction {
    /// The action, e.g. `iam:PassRole`.
    pub action: &'static str,
    /// Condition keys that scope the grant enough not to flag it.
    pub scoping_keys: &'static [&'static str],
    /// What goes wrong, for the label.
    pub risk: &'static str,
    /// The remedy.
    pub help: &'static str,
}

/// Whether a `Resource` item stands for every role: `*`, or a role ARN whose name part is `*`.
fn is_any_role(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let mut fields = resource.splitn(6, ':');
    let service = fields.nth(2);
    let tail = fields.nth(2);
    matches!(service, Some("iam" | "*")) && matches!(tail, Some("*" | "role/*" | "role*"))
}

/// Reports an `Allow` of `role.action` on every role (or with `NotResource`), naming the Access
/// Analyzer pattern in the message.
pub(crate) fn any_role_check(ctx: &mut crate::LintContext<'_>, stmt: &Spanned<Statement>, role: &RoleAction) {
    // Only identity policies hand out these actions: an SCP, RCP, boundary or endpoint policy allows
    // nothing by itself, and a resource policy's `Resource` is its own resource.
    if ctx.kind() != tenet_ast::PolicyKind::Identity {
        return;
    }
    let Some((reach, action_span)) = allow_reaches(stmt, role.action) else {
        return;
    };
    let Some(resource) = &stmt.value.resource else {
        return;
    };
    if role
        .scoping_keys
        .iter()
        .any(|k| crate::rules::conditions_on(&stmt.value, k).next().is_some())
    {
        return;
    }
    let (span, resource_text) = if resource.value.negated.value {
        (resource.value.negated.span, "`NotResource`")
    } else {
        match resource.value.items.iter().find(|r| is_any_role(&r.value)) {
            Some(r) => (r.span, "every role"),
            None => return,
        }
    };
    // The evaluator has the last word: the statement must allow the action on a role no `Resource`
    // names, and no unconditioned `Deny` of the document may deny it (`Deny iam:*` silences this).
    let Some(index) = ctx.statements().iter().position(|s| std::ptr::eq(s, stmt)) else {
        return;
    };
    let account = resource
        .value
        .items
        .iter()
        .filter(|r| is_any_role(&r.value))
        .find_map(|r| r.value.split(':').nth(4).filter(|a| !has_wildcard(a)))
        .filter(|a| !a.is_empty())
        .unwrap_or("111122223333");
    let probe = format!("arn:aws:iam::{account}:role/tenet-lint-any-role");
    if crate::rules::allowed::Grants::new(ctx.policy(), |i, _| i == index)
        .allowing(role.action, &probe)
        .is_none()
    {
        return;
    }
    let action_text = match reach {
        Reach::Named => format!("`{}`", role.action),
        Reach::Wildcard => format!("a wildcard action that includes `{}`", role.action),
        Reach::NotAction => format!("`NotAction`, which includes `{}`,", role.action),
    };
    let d = ctx
        .diagnostic(span, format!("{action_text} is allowed on {resource_text}"))
        .with_label(action_span, role.risk)
        .with_help(role.help);
    ctx.report(d);
}

#[cfg(test)]
mod tests {
    //! The helpers; the fixtures of this family are checked by `tests/fixtures.rs`.

    use super::*;

    #[test]
    fn closest_names() {
        assert_eq!(
            closest("DeleteObjekt", ["DeleteObject", "GetObject"].into_iter()),
            Some("DeleteObject")
        );
        assert_eq!(closest("zzzzzz", ["DeleteObject"].into_iter()), None);
    }

    #[test]
    fn any_role_patterns() {
        assert!(is_any_role("*"));
        assert!(is_any_role("arn:aws:iam::111122223333:role/*"));
        assert!(is_any_role("arn:aws:iam::*:*"));
        assert!(!is_any_role("arn:aws:iam::111122223333:role/app-*"));
    }
}
