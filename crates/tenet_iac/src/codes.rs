//! The codes of the diagnostics the infrastructure-as-code readers report themselves (everything
//! about the policies inside is reported by `tenet_syntax` and the linter with their own codes).

use tenet_diagnostics::{Diagnostic, Severity, Span};

/// A code, its kebab-case rule name and its default severity.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// The stable code.
    pub code: &'static str,
    /// The rule name.
    pub name: &'static str,
    /// What it checks, for listings.
    pub description: &'static str,
    /// The severity it is reported with.
    pub severity: Severity,
}

impl Code {
    /// A diagnostic of this code at `span`.
    pub fn at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.name, self.severity, span, message)
    }
}

/// A template that cannot be read (YAML or HCL syntax).
pub const TEMPLATE_SYNTAX: Code = Code {
    code: "IAC001",
    name: "template-syntax-error",
    description: "A CloudFormation YAML template or a Terraform file that cannot be parsed",
    severity: Severity::Error,
};

/// A policy a plan knows only after apply: it is not checked, and it is not an empty policy.
pub const UNKNOWN_UNTIL_APPLY: Code = Code {
    code: "IAC002",
    name: "policy-known-after-apply",
    description: "A Terraform plan's policy that is known only after apply (not checked)",
    severity: Severity::Info,
};

/// A plan whose `format_version` is not 1.x.
pub const UNSUPPORTED_PLAN_FORMAT: Code = Code {
    code: "IAC003",
    name: "unsupported-plan-format",
    description: "A Terraform plan in a JSON format other than 1.x",
    severity: Severity::Warning,
};

/// Every code of this crate.
pub const ALL: [Code; 3] = [TEMPLATE_SYNTAX, UNKNOWN_UNTIL_APPLY, UNSUPPORTED_PLAN_FORMAT];

/// The codes as `(code, rule name, description, Access Analyzer checks)`, the shape of the static
/// entries `tenet rules` lists.
pub const LISTING: &[(&str, &str, &str, &[&str])] = &[
    (
        TEMPLATE_SYNTAX.code,
        TEMPLATE_SYNTAX.name,
        TEMPLATE_SYNTAX.description,
        &[],
    ),
    (
        UNKNOWN_UNTIL_APPLY.code,
        UNKNOWN_UNTIL_APPLY.name,
        UNKNOWN_UNTIL_APPLY.description,
        &[],
    ),
    (
        UNSUPPORTED_PLAN_FORMAT.code,
        UNSUPPORTED_PLAN_FORMAT.name,
        UNSUPPORTED_PLAN_FORMAT.description,
        &[],
    ),
];
