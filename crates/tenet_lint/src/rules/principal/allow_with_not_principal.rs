//! `IAM089 allow-with-not-principal`: an `Allow` statement that names its principals by exclusion.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Effect, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `"Effect": "Allow"` together with `NotPrincipal`.
    ///
    /// ## Why is this bad?
    /// The statement grants access to every principal except those listed, including anonymous
    /// callers and every other AWS account. AWS documents the combination as unsupported (it is an
    /// error here): name the principals to allow instead, or deny the others with `Deny` and a
    /// condition on `aws:PrincipalArn`.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/Bob"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Readers"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    /// ```
    ///
    /// ## References
    /// - [AWS JSON policy elements: NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
    pub struct AllowWithNotPrincipal {
        code: "IAM089",
        name: "allow-with-not-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Allow with NotPrincipal"],
        parliament: ["NOTPRINCIPAL_WITH_ALLOW"],
        fixable: false,
    }
}

impl Rule for AllowWithNotPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, principal: &Spanned<Principals>) {
        if !principal.value.negated.value || stmt.value.effect() != Some(Effect::Allow) {
            return;
        }
        let mut d = ctx
            .diagnostic(
                principal.value.negated.span,
                "`Allow` with `NotPrincipal` grants access to everyone not listed",
            )
            .with_help("name the principals to allow in `Principal` instead");
        if let Some(effect) = &stmt.value.effect {
            d = d.with_label(effect.span, "this statement allows");
        }
        ctx.report(d);
    }
}
