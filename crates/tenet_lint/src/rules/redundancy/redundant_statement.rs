//! `IAM113 redundant-statement`: a statement identical to an earlier one but for its `Sid`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::Statement;

declare_rule! {
    /// ## What it does
    /// Checks for statements identical to an earlier statement of the same policy, apart from `Sid`
    /// and formatting.
    ///
    /// ## Why is this bad?
    /// The copy adds nothing; when one copy is edited later and the other is not, the policy keeps
    /// granting what the edit meant to remove.
    ///
    /// ## Example
    /// Two statements `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`.
    ///
    /// ## Use instead
    /// Keep one.
    ///
    /// ## References
    /// - [IAM JSON policy elements: Statement](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html)
    pub struct RedundantStatement {
        code: "IAM113",
        name: "redundant-statement",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Redundant statement"],
        parliament: [],
        fixable: false,
    }
}

fn without_sid(stmt: &Statement) -> Statement {
    Statement {
        sid: None,
        ..stmt.clone()
    }
}

impl Rule for RedundantStatement {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        let statements = ctx.statements();
        // Spans are ignored by equality, so formatting does not matter.
        let bare: Vec<Statement> = statements.iter().map(|s| without_sid(s)).collect();
        for (i, (stmt, this)) in statements.iter().zip(&bare).enumerate() {
            let earlier = statements
                .iter()
                .zip(&bare)
                .enumerate()
                .take(i)
                .find(|(_, (_, other))| *other == this);
            let Some((j, (first, _))) = earlier else {
                continue;
            };
            let name = crate::rules::statement_name(first, j);
            let at = stmt.sid.as_ref().map_or(stmt.span, |s| s.span);
            let d = ctx
                .diagnostic(at, format!("this statement repeats {name}"))
                .with_label(first.span, "the same statement")
                .with_help("remove one copy");
            ctx.report(d);
        }
    }
}
