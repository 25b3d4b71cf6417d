//! `IAM083 invalid-service-principal-format`: a `Service` principal that is not `name.amazonaws.com`.

use super::has_wildcard;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that `Service` principals are lowercase DNS names in an AWS service domain:
    /// `<service>.amazonaws.com` (also `.amazonaws.com.cn` and the ISO partitions' domains).
    ///
    /// ## Why is this bad?
    /// A service principal that does not exist (`EC2.amazonaws.com`, `ec2`, `arn:aws:…`) matches no
    /// caller; IAM rejects most such values.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"Service": "Lambda"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"Service": "lambda.amazonaws.com"}}
    /// ```
    ///
    /// ## References
    /// - [AWS service principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services)
    pub struct InvalidServicePrincipalFormat {
        code: "IAM083",
        name: "invalid-service-principal-format",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid service principal format"],
        parliament: [],
        fixable: false,
    }
}

const DOMAINS: [&str; 4] = [".amazonaws.com", ".amazonaws.com.cn", ".c2s.ic.gov", ".sc2s.sgov.gov"];

fn is_service_principal(v: &str) -> bool {
    let chars_ok = v
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    chars_ok && DOMAINS.iter().any(|d| v.len() > d.len() && v.ends_with(d))
}

impl Rule for InvalidServicePrincipalFormat {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let services = p.value.entries().filter(|(t, _)| *t == PrincipalType::Service);
        for (_, v) in services.filter(|(_, v)| !has_wildcard(&v.value) && !is_service_principal(&v.value)) {
            let lower = v.value.to_ascii_lowercase();
            let help = if is_service_principal(&lower) {
                format!("service principals are lowercase: `{lower}`")
            } else {
                "use the service's principal, e.g. `lambda.amazonaws.com`".to_owned()
            };
            ctx.report_with_help(v.span, format!("`{}` is not a service principal", v.value), help);
        }
    }
}
