//! Spans, the line index and the `Diagnostic` value that every stage of tenet reports findings with.
//!
//! This crate sits at the bottom of the pipeline: it knows nothing of JSON, policies, solvers or
//! editors. Findings about the user's files are `Diagnostic` values, never `Err`.
#![warn(missing_docs)]

mod excerpt;
mod line_index;
mod render;
mod span;

pub use line_index::{LineCol, LineIndex};
pub use render::{escape_hidden, policy_line, render_diagnostics, render_diagnostics_indexed, RenderOptions};
pub use span::{Span, Spanned};

use serde::Serialize;

/// How serious a finding is. The order is meaningful: `Error > Warning > Info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A suggestion: the policy works, but could be clearer or tighter.
    Info,
    /// The policy probably does not do what its author meant, or is risky.
    Warning,
    /// The policy is invalid, or AWS would reject it.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary place related to a diagnostic ("this Deny shadows it").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What the place has to do with the finding.
    pub message: String,
}

/// One text replacement of a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace.
    pub span: Span,
    /// The replacement text.
    pub replacement: String,
}

/// A fix that is certain to keep the policy's meaning as its author intended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. "replace `s3:getobject` with `s3:GetObject`".
    pub title: String,
    /// Non-overlapping edits.
    pub edits: Vec<Edit>,
    /// Whether applying it cannot change who gets access. An unsafe fix (inserting `Version`, which
    /// changes what `${...}` means; making an ARN that matched nothing match) is applied only on
    /// request (`--unsafe-fixes`).
    pub safe: bool,
}

/// The policy a finding is in, for a file that holds several (an account's authorization details).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRef {
    /// Where the policy sits and what it is called, e.g.
    /// `RoleDetailList[3] (deploy) / RolePolicyList[0] (read-logs)`.
    pub name: String,
    /// Whether AWS maintains the policy (an AWS managed policy): its users cannot change it, so
    /// its findings are reported apart and do not fail a run.
    pub aws_managed: bool,
}

/// A finding about a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `SYN001` or `IAM012`.
    pub code: &'static str,
    /// Kebab-case rule name, e.g. `json-syntax-error`.
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// One lowercase line, user input in backticks, no final period.
    pub message: String,
    /// The primary place.
    pub span: Span,
    /// Related places.
    pub labels: Vec<Label>,
    /// The remedy, when there is one to say.
    pub help: Option<String>,
    /// An automatic fix, when one is certain.
    pub fix: Option<Fix>,
    /// The policy the finding is in, when the file holds several.
    pub policy: Option<PolicyRef>,
}

impl Diagnostic {
    /// A diagnostic with no labels, help or fix.
    pub fn new(
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            rule,
            severity,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            fix: None,
            policy: None,
        }
    }

    /// Adds the remedy.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a fix.
    #[must_use]
    pub fn with_fix(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix {
            title: title.into(),
            edits,
            safe: true,
        });
        self
    }

    /// Adds a fix that may change who gets access (see [`Fix::safe`]).
    #[must_use]
    pub fn with_unsafe_fix(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix {
            title: title.into(),
            edits,
            safe: false,
        });
        self
    }
}

/// Sorts diagnostics by position, then code, so every output is deterministic.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(b.span.start, b.span.end, b.code, &b.message))
    });
}
