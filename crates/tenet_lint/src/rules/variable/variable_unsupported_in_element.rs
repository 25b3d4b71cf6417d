//! `IAM060 variable-unsupported-in-element`: `${...}` in `Action` or `Principal`.

use crate::rules::has_variable;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for policy variables (`${aws:username}`) in `Action`/`NotAction` and in
    /// `Principal`/`NotPrincipal` values.
    ///
    /// ## Why is this bad?
    /// IAM substitutes variables only in `Resource`/`NotResource` and in condition values. Elsewhere
    /// `${aws:username}` is literal text: the action or principal never matches. IAM rejects it.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/${aws:username}"}, "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// Name the principal, or move the variable into the `Resource` or a condition.
    ///
    /// ## References
    /// - [IAM policy elements: Variables and tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
    pub struct VariableUnsupportedInElement {
        code: "IAM060",
        name: "variable-unsupported-in-element",
        category: Correctness,
        severity: Error,
        aa_checks: ["Variable unsupported in element"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for VariableUnsupportedInElement {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let actions = stmt
            .action
            .iter()
            .flat_map(|l| l.items.iter())
            .map(|a| (a, "the action"));
        let principals = stmt
            .principal
            .iter()
            .flat_map(|p| p.entries())
            .map(|(_, v)| (v, "the principal"));
        for (item, what) in actions.chain(principals).filter(|(v, _)| has_variable(&v.value)) {
            let d = ctx
                .diagnostic(item.span, format!("{what} `{}` contains a policy variable", item.value))
                .with_help("IAM substitutes variables only in `Resource` and in condition values");
            ctx.report(d);
        }
    }
}
