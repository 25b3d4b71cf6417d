//! `IAM085 federated-principal-not-supported`: `Federated` outside a role trust policy.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, PrincipalType, PrincipalValue, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `Federated` principals in resource, key and resource control policies.
    ///
    /// ## Why is this bad?
    /// Identity providers act only by assuming a role, so only role trust policies can name them. In
    /// a bucket or key policy the entry matches no caller, and AWS rejects it.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"}}
    /// ```
    ///
    /// ## Use instead
    /// Name the role the identity provider's users assume:
    /// ```json
    /// {"Principal": {"AWS": "arn:aws:iam::111122223333:role/corp-readers"}}
    /// ```
    ///
    /// ## References
    /// - [Creating a role for identity federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp.html)
    pub struct FederatedPrincipalNotSupported {
        code: "IAM085",
        name: "federated-principal-not-supported",
        category: Correctness,
        severity: Error,
        aa_checks: ["Federated principal not supported"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for FederatedPrincipalNotSupported {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if !matches!(ctx.kind(), PolicyKind::Resource | PolicyKind::Key | PolicyKind::Rcp) {
            return;
        }
        let PrincipalValue::Map(entries) = &p.value.value else {
            return;
        };
        for e in entries.iter().filter(|e| e.ty.value == PrincipalType::Federated) {
            let message = format!("a {} policy cannot name a `Federated` principal", ctx.kind().as_str());
            ctx.report_with_help(
                e.ty.span,
                message,
                "name the role that the federated users assume instead",
            );
        }
    }
}
