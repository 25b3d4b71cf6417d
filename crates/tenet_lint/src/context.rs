//! The [`LintContext`] a rule's hooks receive: the document being linted, the source text when the
//! caller has it, and the sink that collects diagnostics stamped with the running rule's code, name and
//! effective severity.

use crate::rule::RuleMeta;
use tenet_ast::{Policy, PolicyDocument, PolicyKind, Spanned, Statement};
use tenet_diagnostics::{Diagnostic, Severity, Span};

/// What a rule sees while it runs, and where it reports.
#[derive(Debug)]
pub struct LintContext<'a> {
    doc: &'a PolicyDocument,
    source: Option<&'a str>,
    rule: &'static RuleMeta,
    severity: Severity,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    /// A context for `doc`; `source` is the whole file's text when the caller has it.
    pub(crate) fn new(doc: &'a PolicyDocument, source: Option<&'a str>, first_rule: &'static RuleMeta) -> Self {
        LintContext {
            doc,
            source,
            rule: first_rule,
            severity: first_rule.severity,
            diagnostics: Vec::new(),
        }
    }

    /// Switches to the next rule; `severity` is its effective severity after configuration.
    pub(crate) fn set_rule(&mut self, rule: &'static RuleMeta, severity: Severity) {
        self.rule = rule;
        self.severity = severity;
    }

    /// The diagnostics collected so far.
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// The document being linted.
    pub fn doc(&self) -> &'a PolicyDocument {
        self.doc
    }

    /// The document's policy.
    pub fn policy(&self) -> &'a Policy {
        &self.doc.policy
    }

    /// The statements, in order.
    pub fn statements(&self) -> &'a [Spanned<Statement>] {
        &self.doc.policy.statements
    }

    /// The kind of policy (identity, trust, SCP, ...).
    pub fn kind(&self) -> PolicyKind {
        self.doc.kind
    }

    /// The whole file's text, when the caller passed it (see [`crate::lint_with_source`]). Spans index
    /// into it. Rules that need it (fixes that insert text, exact size counts) must degrade gracefully
    /// when it is `None`.
    pub fn source(&self) -> Option<&'a str> {
        self.source
    }

    /// The text of `span` in the source, when the source is known and the span is in range.
    pub fn text(&self, span: Span) -> Option<&'a str> {
        self.source.and_then(|s| s.get(span.range()))
    }

    /// The metadata of the running rule.
    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// A diagnostic stamped with the running rule's code, name and effective severity. Add help,
    /// labels and fixes with the `with_*` builders, then pass it to [`LintContext::report`].
    ///
    /// Messages follow the house style: lowercase, one line, no final period, user input in backticks.
    pub fn diagnostic(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.rule.code, self.rule.name, self.severity, span, message)
    }

    /// Records a finding.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records a finding with a remedy, the common case.
    pub fn report_with_help(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        let d = self.diagnostic(span, message).with_help(help);
        self.report(d);
    }
}
