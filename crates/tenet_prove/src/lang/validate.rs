//! Checks that keep verdicts from being vacuous: a property that names an action or a condition key
//! no AWS service defines would "hold" about nothing, so it is an error with its location; so is a
//! property name used twice (a verdict must say which property it is about).

use super::ast::{Cond, Property, PropertyFile, PropertyKind};
use std::collections::BTreeMap;
use tenet_diagnostics::Span;

/// The first problem of a parsed file: where, and what.
pub fn check(file: &PropertyFile) -> Option<(Span, String)> {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for p in &file.properties {
        if seen.insert(&p.name.value, p.name.span).is_some() {
            return Some((
                p.name.span,
                format!("a property named `{}` is already defined", p.name.value),
            ));
        }
        if let Some(problem) = check_property(p) {
            return Some(problem);
        }
    }
    None
}

fn check_property(p: &Property) -> Option<(Span, String)> {
    let catalog = tenet_catalog::try_catalog().ok()?;
    let at_name = |msg: String| Some((p.name.span, msg));
    let actions: &[String] = match &p.kind {
        PropertyKind::Never { actions, .. } | PropertyKind::Only { actions, .. } => actions,
        PropertyKind::Can { action, .. } => std::slice::from_ref(action),
        _ => &[],
    };
    for a in actions {
        if catalog.expand_action(a).is_empty() {
            return at_name(format!(
                "property `{}` names action `{a}`, which matches no action of any AWS service",
                p.name.value
            ));
        }
    }
    let mut keys = Vec::new();
    match &p.kind {
        PropertyKind::Only { condition, .. } => cond_keys(condition, &mut keys),
        PropertyKind::Can { given, .. } => keys.extend(given.iter().map(|(k, _)| (k.value.as_str(), k.span))),
        _ => {}
    }
    for (key, span) in keys {
        if catalog.condition_key(key).is_none() {
            return Some((span, format!("condition key `{key}` is not defined by AWS")));
        }
    }
    None
}

fn cond_keys<'a>(c: &'a Cond, out: &mut Vec<(&'a str, Span)>) {
    match c {
        Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| cond_keys(c, out)),
        Cond::Not(c) => cond_keys(c, out),
        Cond::Present(k) | Cond::Equals(k, _) | Cond::Like(k, _) => out.push((&k.value, k.span)),
    }
}
