//! `IAM202 action-case`: an action spelt with a case other than AWS's.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};
use tenet_catalog::catalog;
use tenet_diagnostics::{Edit, Span};

declare_rule! {
    /// ## What it does
    /// Checks that every action is written in AWS's case (`s3:GetObject`, not `S3:getobject`) and
    /// offers a fix to the exact spelling. It is a pedantic rule, off unless selected
    /// (`select = ["IAM202"]` or `"pedantic"` in `tenet.toml`): AWS's own managed policies spell
    /// thousands of actions in lower camel case.
    ///
    /// ## Why is this bad?
    /// IAM matches actions case-insensitively, so the policy works; but mixed spellings make reviews,
    /// searches and diffs harder, and the canonical spelling is what documentation and tools print.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:getobject", "Resource": "arn:aws:s3:::bucket/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    pub struct ActionCase {
        code: "IAM202",
        name: "action-case",
        category: Pedantic,
        severity: Info,
        aa_checks: [],
        parliament: [],
        fixable: true,
    }
}

impl Rule for ActionCase {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let Some(list) = &stmt.action else {
            return;
        };
        for item in &list.value.items {
            let Some((service, action)) = catalog().action(&item.value) else {
                continue;
            };
            let canonical = format!("{}:{}", service.prefix, action.name);
            if canonical == item.value {
                continue;
            }
            let mut d = ctx
                .diagnostic(item.span, format!("`{}` is spelt `{canonical}` by AWS", item.value))
                .with_help(format!("write `{canonical}`"));
            // The fix edits the literal only when the span holds exactly the quoted value (no
            // escapes, not inside an embedded policy string).
            if ctx.text(item.span) == Some(format!("\"{}\"", item.value).as_str()) {
                let inner = Span::new(item.span.start as usize + 1, item.span.end as usize - 1);
                let edit = Edit {
                    span: inner,
                    replacement: canonical.clone(),
                };
                d = d.with_fix(format!("replace with `{canonical}`"), vec![edit]);
            }
            ctx.report(d);
        }
    }
}
