//! `IAM006 empty-action-array`: an `Action` or `NotAction` that is an empty array (and the
//! reporting that `IAM007` shares).

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{ElementList, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `Action` or `NotAction` written as an empty array.
    ///
    /// ## Why is this bad?
    /// A statement with no action matches no request: it grants or denies nothing, which is rarely
    /// what its author meant (an action list lost in an edit, a template variable left empty). An
    /// empty `NotAction` is the opposite trap: it excludes nothing, so the statement matches every
    /// action.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": [], "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// List the actions, or remove the statement.
    ///
    /// ## References
    /// - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    pub struct EmptyActionArray {
        code: "IAM006",
        name: "empty-action-array",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Empty array action"],
        parliament: [],
        fixable: false,
    }
}

pub(super) fn report_empty(ctx: &mut LintContext<'_>, list: Option<&Spanned<ElementList>>, names: [&str; 3]) {
    let Some(list) = list.filter(|l| l.items.is_empty()) else {
        return;
    };
    let d = if list.negated.value {
        // An empty `NotAction`/`NotResource` excludes nothing: the statement matches everything.
        ctx.diagnostic(list.span, format!("`{}` is an empty array", names[1]))
            .with_label(
                list.negated.span,
                format!("so this statement matches every {}", names[2]),
            )
            .with_help(format!(
                "list what to exclude in `{}`, or write `\"{}\": \"*\"`",
                names[1], names[0]
            ))
    } else {
        ctx.diagnostic(list.span, format!("`{}` is an empty array", names[0]))
            .with_label(list.negated.span, "so this statement matches no request")
            .with_help(format!(
                "list at least one value in `{}`, or remove the statement",
                names[0]
            ))
    };
    ctx.report(d);
}

impl Rule for EmptyActionArray {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        report_empty(ctx, stmt.action.as_ref(), ["Action", "NotAction", "action"]);
    }
}
