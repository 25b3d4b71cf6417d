//! `IAM092 invalid-federated-principal`: a `Federated` principal that is neither an identity
//! provider ARN nor a domain name.

use super::federated;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::is_account_id;
use tenet_ast::{PolicyKind, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that `Federated` principals in role trust policies are a SAML or OIDC provider ARN
    /// (`arn:aws:iam::111122223333:saml-provider/corp`, `…:oidc-provider/token.actions.githubusercontent.com`)
    /// or a web identity domain (`cognito-identity.amazonaws.com`, `accounts.google.com`).
    ///
    /// ## Why is this bad?
    /// Anything else (a URL with `https://`, a role ARN) names no identity provider: IAM rejects it.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"Federated": "https://token.actions.githubusercontent.com"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}}
    /// ```
    ///
    /// ## References
    /// - [Creating a role for identity federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp.html)
    pub struct InvalidFederatedPrincipal {
        code: "IAM092",
        name: "invalid-federated-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid federated principal syntax in role trust policy"],
        parliament: [],
        fixable: false,
    }
}

/// Whether the value is a provider ARN or a plain domain name.
fn is_valid(v: &str) -> bool {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    if let ["arn", _, "iam", "", account, resource] = parts[..] {
        let provider = resource
            .strip_prefix("saml-provider/")
            .or_else(|| resource.strip_prefix("oidc-provider/"));
        return is_account_id(account) && provider.is_some_and(|p| !p.is_empty());
    }
    let host_ok = |h: &str| h.contains('.') && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    !v.contains("://") && v.split('/').next().is_some_and(host_ok)
}

impl Rule for InvalidFederatedPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Trust {
            return;
        }
        for v in federated(&p.value).filter(|v| !is_valid(&v.value)) {
            let help = match v.value.split_once("://") {
                Some((_, host)) => format!(
                    "name the provider by ARN, `arn:aws:iam::<account>:oidc-provider/{host}`, or by domain `{host}`"
                ),
                None => {
                    "use the identity provider's ARN (`…:saml-provider/<name>`, `…:oidc-provider/<host>`) or its domain"
                        .to_owned()
                }
            };
            ctx.report_with_help(v.span, format!("`{}` is not an identity provider", v.value), help);
        }
    }
}
