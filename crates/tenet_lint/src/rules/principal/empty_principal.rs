//! `IAM080 empty-principal`: `"Principal": {}` or `{"AWS": []}`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PrincipalValue, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for a `Principal`/`NotPrincipal` that is an empty object, or that gives a principal
    /// type an empty array.
    ///
    /// ## Why is this bad?
    /// An empty principal names no one: the statement matches no request (or, as `NotPrincipal`,
    /// every principal). Usually a list lost in an edit or a template variable left empty.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": []}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    /// ```
    ///
    /// ## Use instead
    /// Name the principals, or remove the statement.
    ///
    /// ## References
    /// - [AWS JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    pub struct EmptyPrincipal {
        code: "IAM080",
        name: "empty-principal",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Empty array principal", "Empty object principal"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for EmptyPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let PrincipalValue::Map(entries) = &p.value.value else {
            return;
        };
        let element = if p.value.negated.value {
            "NotPrincipal"
        } else {
            "Principal"
        };
        if entries.is_empty() {
            let d = ctx
                .diagnostic(p.span, format!("`{element}` is an empty object"))
                .with_help("name the principals, e.g. `{\"AWS\": \"111122223333\"}`, or remove the statement");
            ctx.report(d);
        }
        // An empty array; a value of the wrong type (a template's `Fn::GetAtt` object) also lowers
        // to no values, and the reader already reported it (`SYN006`).
        for e in entries.iter().filter(|e| e.values.is_empty() && e.is_array) {
            let d = ctx
                .diagnostic(
                    e.ty.span,
                    format!("`{}` in `{element}` is an empty array", e.ty.value.as_str()),
                )
                .with_help("list the principals, or remove the entry");
            ctx.report(d);
        }
    }
}
