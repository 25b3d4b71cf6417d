//! Opt-in sanity check of the catalog against real policies: every non-wildcard action named
//! in AWS's managed policies (`Action` and `NotAction`) should resolve, and every wildcard
//! pattern should expand to something.
//!
//! It needs a directory of policy documents and is skipped without one:
//!
//! ```text
//! TENET_MANAGED_POLICIES_DIR=/path/to/aws-managed-policies \
//!     cargo test -p tenet_catalog --test managed_policies -- --nocapture
//! ```
//!
//! Set `TENET_MANAGED_POLICIES_STRICT=1` to fail when some action does not resolve.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use tenet_catalog::catalog;

fn action_strings(document: &Value, out: &mut Vec<String>) {
    let statements = match document.get("Statement") {
        Some(Value::Array(statements)) => statements.clone(),
        Some(statement @ Value::Object(_)) => vec![statement.clone()],
        _ => return,
    };
    for statement in &statements {
        for field in ["Action", "NotAction"] {
            match statement.get(field) {
                Some(Value::String(action)) => out.push(action.clone()),
                Some(Value::Array(actions)) => out.extend(actions.iter().filter_map(|a| a.as_str().map(str::to_owned))),
                _ => {}
            }
        }
    }
}

#[test]
fn managed_policy_actions_resolve() {
    let Ok(dir) = std::env::var("TENET_MANAGED_POLICIES_DIR") else {
        eprintln!("skipped: set TENET_MANAGED_POLICIES_DIR to run it");
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(Path::new(&dir))
        .expect("readable directory")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();

    let c = catalog();
    let (mut literal, mut patterns) = (0usize, 0usize);
    let mut unresolved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut empty_patterns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable file");
        let document: Value = serde_json::from_str(&text).expect("JSON policy");
        let mut actions = Vec::new();
        action_strings(&document, &mut actions);
        let policy = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for action in actions {
            if action.contains(['*', '?']) {
                patterns += 1;
                if c.expand_action(&action).is_empty() {
                    empty_patterns.entry(action).or_default().push(policy.clone());
                }
            } else {
                literal += 1;
                if c.action(&action).is_none() {
                    unresolved.entry(action).or_default().push(policy.clone());
                }
            }
        }
    }

    println!(
        "{} policies, {literal} literal actions ({} distinct unresolved), {patterns} patterns \
         ({} distinct expand to nothing); catalog {}",
        files.len(),
        unresolved.len(),
        empty_patterns.len(),
        c.version()
    );
    for (action, policies) in &unresolved {
        println!("unresolved {action}  ({} uses, e.g. {})", policies.len(), policies[0]);
    }
    for (pattern, policies) in &empty_patterns {
        println!(
            "empty pattern {pattern}  ({} uses, e.g. {})",
            policies.len(),
            policies[0]
        );
    }
    if std::env::var_os("TENET_MANAGED_POLICIES_STRICT").is_some() {
        assert!(unresolved.is_empty(), "{} actions do not resolve", unresolved.len());
    }
}
