//! `IAM082 principal-unique-id`: a user or role named by its unique id (`AIDA…`, `AROA…`).

use super::unique_id_kind;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `AWS` principals written as IAM unique ids (`AIDA…` for users, `AROA…` for roles).
    ///
    /// ## Why is this bad?
    /// IAM shows a unique id in a policy when the user or role it named was deleted. A policy that
    /// names the id directly stops matching when the role is recreated, and readers cannot tell who
    /// it is.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"AWS": "AROADBQP57FF2AEXAMPLE"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}}
    /// ```
    ///
    /// ## References
    /// - [IAM unique identifiers](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
    pub struct PrincipalUniqueId {
        code: "IAM082",
        name: "principal-unique-id",
        category: Suspicious,
        severity: Warning,
        aa_checks: ["Invalid role reference", "Invalid user reference"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for PrincipalUniqueId {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        for (_, v) in p.value.entries().filter(|(t, _)| *t == PrincipalType::Aws) {
            if let Some(kind) = unique_id_kind(&v.value) {
                let d = ctx
                    .diagnostic(
                        v.span,
                        format!("the principal `{}` is the unique id of an IAM {kind}", v.value),
                    )
                    .with_help(format!(
                        "name the {kind} by its ARN; a unique id stops matching when the {kind} is recreated"
                    ));
                ctx.report(d);
            }
        }
    }
}
