//! tenet's linter: one-file rules over the typed policy AST, their registry, and `tenet.toml`.
//!
//! The linter sits after lowering in the pipeline: `tenet_syntax` turns text into
//! [`PolicyDocument`]s (reporting JSON and grammar problems as `SYN…` codes); [`lint`] runs every
//! enabled rule on each document and returns [`Diagnostic`]s; [`LintConfig::filter`] applies the
//! configuration (per-path ignores, severities, `Sid` suppression markers) to all of a file's
//! diagnostics, the parser's included.
//!
//! Architecture invariants: rules read the AST only, never the JSON text (the source is offered for
//! fixes and size counts, and rules must work without it); a rule never depends on another rule's
//! outcome, and a statement no rule understands (an unknown action, a malformed ARN) does not switch
//! off any other rule; findings are data, never `Err`; the linter reports nothing the parser already
//! reports (missing elements, invalid effects, malformed ARNs and the like are `SYN…` codes).
//!
//! # How to add a rule
//!
//! 1. Pick the family folder under `src/rules/` (`elements`, `arn`, `condition`, `variable`, `ip`,
//!    `scp`, `trust`, `principal`, `redundancy`, `catalog`, `security`) and the next free code of its
//!    range: elements `IAM001–019`, condition `IAM020–049`, ip `IAM050–059`, variable `IAM060–069`,
//!    arn `IAM070–079`, principal `IAM080–089`, trust `IAM090–099`, scp `IAM100–109`, redundancy
//!    `IAM110–119`, catalog `IAM200–299`, security `IAM300–399`. Codes are never reused.
//! 2. Create `src/rules/<family>/<rule_name>.rs` (snake_case of the kebab name) and declare the rule
//!    with [`declare_rule!`], documenting it under the fixed headings `## What it does`,
//!    `## Why is this bad?`, `## Example`, `## Use instead`, `## References`:
//!
//!    ```ignore
//!    use crate::{declare_rule, LintContext, Rule};
//!    use tenet_ast::{Spanned, Statement};
//!
//!    declare_rule! {
//!        /// ## What it does
//!        /// Checks for `iam:PassRole` allowed on every resource.
//!        /// ## Why is this bad?
//!        /// ...
//!        /// ## Example
//!        /// ```json
//!        /// {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
//!        /// ```
//!        pub struct PassRoleWithStarResource {
//!            code: "IAM300",
//!            name: "pass-role-with-star-resource",
//!            category: Security,          // a `Category` variant
//!            severity: Warning,           // a `Severity` variant: Info, Warning, Error
//!            aa_checks: ["Pass role with star in resource"], // exact titles of `registry::AA_CHECKS`
//!            parliament: [],              // Parliament issue codes, if any
//!            fixable: false,
//!        }
//!    }
//!
//!    impl Rule for PassRoleWithStarResource {
//!        fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
//!            // ... when it matches:
//!            ctx.report_with_help(span, "`iam:PassRole` is allowed on every role", "name the roles");
//!        }
//!    }
//!    ```
//!
//!    Override only the hooks you need ([`Rule::check_policy`], [`Rule::check_statement`],
//!    [`Rule::check_principal`], [`Rule::check_condition`]); build diagnostics with
//!    [`LintContext::diagnostic`] (it stamps code, name and configured severity) and record them with
//!    [`LintContext::report`]. Messages: lowercase, one line, no final period, user input in
//!    backticks, the remedy in `help`, a precise primary span, secondary labels for related places.
//!    Shared helpers (wildcard matching, action/ARN splitting, condition-key lookups) live in
//!    [`rules`] (`src/rules/mod.rs`).
//! 3. Add `mod <rule_name>;` and `pub use <rule_name>::RuleName;` to the family's `mod.rs` and
//!    `&RuleName` to its `RULES` list (a new family also goes into `rules/mod.rs` and the registry's
//!    `FAMILIES`). The registry's unit tests check
//!    codes, names, headings and Access Analyzer titles.
//! 4. Add `tests/fixtures/lint/<family>/<CODE>.json` (more files: `<CODE>.<variant>.json`; the
//!    policy kind goes in the file name, `<CODE>[.<variant>].<kind>.json`, default `identity`). Sids
//!    starting with `Bad` must get a diagnostic of the code, Sids starting with `Ok` must not; for
//!    document-level rules an `Id` starting with `Bad`/`Ok` says the same of the whole document.
//!    Every code needs at least one `Bad…` across its fixture files, and the test fails for a rule
//!    without a fixture.
//!    Run `INSTA_UPDATE=always cargo test -p tenet_lint --test fixtures` and review the new snapshot
//!    in `snapshots/lint/`.
#![warn(missing_docs)]

pub mod config;
mod context;
pub mod coverage;
pub mod fix;
pub mod pipeline;
pub mod registry;
mod rule;
pub mod rules;
pub mod suggest;

pub use config::{ConfigError, LintConfig};
pub use context::LintContext;
pub use registry::{rule_by_code, rule_by_name, rules};
pub use rule::{Category, DeclaredRule, Rule, RuleMeta};
pub use tenet_diagnostics::{Diagnostic, Severity};

use tenet_ast::PolicyDocument;

/// Lints one document with every rule the configuration enables; diagnostics are sorted by position.
///
/// `Sid`/`Id` suppression markers are applied; per-path settings are not (they need the file's path:
/// pass the file's diagnostics through [`LintConfig::filter`]).
pub fn lint(doc: &PolicyDocument, config: &LintConfig) -> Vec<Diagnostic> {
    lint_with_source(doc, None, config)
}

/// Like [`lint`], with the whole file's text: rules that can use it give exact policy sizes and
/// fixes that insert text.
pub fn lint_with_source(doc: &PolicyDocument, source: Option<&str>, config: &LintConfig) -> Vec<Diagnostic> {
    let mut enabled = registry::all_rules()
        .iter()
        .filter(|r| config.rule_enabled(r.meta()))
        .peekable();
    let Some(first) = enabled.peek() else {
        return Vec::new();
    };
    let mut ctx = LintContext::new(doc, source, first.meta());
    for rule in enabled {
        let meta = rule.meta();
        let severity = config.severity_for(meta.code, meta.name, Some(meta.category), meta.severity);
        ctx.set_rule(meta, severity);
        run_rule(*rule, &mut ctx);
    }
    let mut diagnostics = ctx.into_diagnostics();
    config::apply_suppressions(&mut diagnostics, std::slice::from_ref(doc));
    tenet_diagnostics::sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// Calls one rule's hooks over the whole document.
fn run_rule(rule: &dyn Rule, ctx: &mut LintContext<'_>) {
    rule.check_policy(ctx);
    for stmt in ctx.statements() {
        rule.check_statement(ctx, stmt);
        if let Some(principal) = &stmt.principal {
            rule.check_principal(ctx, stmt, principal);
        }
        for condition in stmt.conditions() {
            rule.check_condition(ctx, stmt, condition);
        }
    }
}
