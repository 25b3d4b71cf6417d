//! What a rule is: its static metadata ([`RuleMeta`]), the [`Rule`] trait with hooks that default to
//! doing nothing, and the [`declare_rule!`](crate::declare_rule) macro that declares both in one place.
//!
//! The linter driver (`crate::lint`) walks a policy once and calls every enabled rule's hooks; a
//! rule only overrides the hooks it needs.

use crate::context::LintContext;
use tenet_ast::{Condition, Principals, Spanned, Statement};
use tenet_diagnostics::Severity;

/// What kind of problem a rule finds; categories decide which rules run by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// The policy is invalid or does not do what it says (AWS would reject it, or a part never matches).
    Correctness,
    /// The policy is valid but probably not what its author meant.
    Suspicious,
    /// The policy grants more than it should, or misses a guard.
    Security,
    /// Stricter checks with more false positives, or checks of legacy constraints; off by default.
    Pedantic,
    /// Clarity and tidiness (empty arrays, redundant values).
    Style,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 5] = [
        Category::Correctness,
        Category::Suspicious,
        Category::Security,
        Category::Pedantic,
        Category::Style,
    ];

    /// The lowercase name used in `tenet.toml` and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Security => "security",
            Category::Pedantic => "pedantic",
            Category::Style => "style",
        }
    }

    /// Parses a category name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether rules of this category run when the configuration selects nothing explicitly.
    pub fn enabled_by_default(self) -> bool {
        !matches!(self, Category::Pedantic)
    }
}

/// Everything known about a rule without running it. Built by [`declare_rule!`](crate::declare_rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, e.g. `IAM012`.
    pub code: &'static str,
    /// Kebab-case name saying what the rule flags, e.g. `pass-role-with-star-resource`.
    pub name: &'static str,
    /// The category.
    pub category: Category,
    /// The severity used unless the configuration overrides it.
    pub severity: Severity,
    /// Exact titles of the IAM Access Analyzer checks the rule covers (see `registry::AA_CHECKS`).
    pub aa_checks: &'static [&'static str],
    /// Parliament issue codes the rule covers, e.g. `RESOURCE_STAR`.
    pub parliament: &'static [&'static str],
    /// Whether the rule offers automatic fixes.
    pub fixable: bool,
    /// The rule's doc comment, verbatim (each line keeps the space that follows `///`).
    pub raw_docs: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown, with the leading space of each doc line removed.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The rule's metadata as every listing and output reads it (one type for every code).
    pub fn info(&self) -> tenet_output::CodeInfo {
        tenet_output::CodeInfo {
            code: self.code,
            name: self.name,
            summary: self.summary(),
            category: self.category.as_str(),
            severity: self.severity,
            enabled: self.category.enabled_by_default(),
            fixable: self.fixable,
            aa_checks: self.aa_checks,
            parliament: self.parliament,
            docs: Some(self.docs()),
        }
    }

    /// The first line under `## What it does`, for listings.
    pub fn summary(&self) -> &'static str {
        let mut lines = self
            .raw_docs
            .lines()
            .map(str::trim)
            .skip_while(|l| !l.starts_with("## What it does"));
        lines.next();
        lines.find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("")
    }
}

/// Gives a rule's metadata; implemented by [`declare_rule!`](crate::declare_rule), never by hand.
pub trait DeclaredRule {
    /// The metadata.
    fn meta(&self) -> &'static RuleMeta;
}

/// A lint rule. Every hook defaults to doing nothing; override the ones the rule needs.
///
/// The driver calls, for each document: `check_policy` once, then for each statement in order
/// `check_statement`, then `check_principal` (when the statement has `Principal`/`NotPrincipal`) and
/// `check_condition` for each condition. Hooks report through [`LintContext::report`].
///
/// Rules are stateless unit structs (`Send + Sync`, held in a static registry): keep per-document
/// state in locals of `check_policy` instead of fields.
pub trait Rule: DeclaredRule + Send + Sync {
    /// Called once per document, before any statement.
    fn check_policy(&self, _ctx: &mut LintContext<'_>) {}

    /// Called once per statement.
    fn check_statement(&self, _ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>) {}

    /// Called once per statement that has `Principal` or `NotPrincipal`.
    fn check_principal(
        &self,
        _ctx: &mut LintContext<'_>,
        _stmt: &Spanned<Statement>,
        _principal: &Spanned<Principals>,
    ) {
    }

    /// Called once per `operator -> key -> values` triple of a statement's `Condition` block.
    fn check_condition(&self, _ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, _condition: &Condition) {}
}

/// Declares a rule: a unit struct documented by its `///` lines, with its [`RuleMeta`] as `Self::META`.
///
/// The doc comment uses the fixed headings `## What it does`, `## Why is this bad?`, `## Example`,
/// `## Use instead` and `## References`; `tenet explain CODE` prints it.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// Checks that the policy has a `Version` element.
///     /// ...
///     pub struct MissingVersion {
///         code: "IAM001",
///         name: "missing-version",
///         category: Correctness,
///         severity: Warning,
///         aa_checks: ["Missing version"],
///         parliament: [],
///         fixable: true,
///     }
/// }
/// impl Rule for MissingVersion { /* hooks */ }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            aa_checks: [$($aa:literal),* $(,)?],
            parliament: [$($parl:literal),* $(,)?],
            fixable: $fixable:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;

        impl $name {
            /// The rule's metadata.
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                code: $code,
                name: $rule_name,
                category: $crate::Category::$category,
                severity: $crate::Severity::$severity,
                aa_checks: &[$($aa),*],
                parliament: &[$($parl),*],
                fixable: $fixable,
                raw_docs: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::DeclaredRule for $name {
            fn meta(&self) -> &'static $crate::RuleMeta {
                &Self::META
            }
        }
    };
}
