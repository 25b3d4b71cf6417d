//! `IAM088 unsupported-condition-key-for-service-principal`: a condition on a property of the
//! principal (its tags, its account's organization) in a grant to an AWS service, which has none.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{OperatorFamily, PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for conditions on principal properties that AWS service principals do not have
    /// (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalTag/…`, `aws:username`,
    /// `aws:userid`) in statements whose only principals are service principals.
    ///
    /// ## Why is this bad?
    /// The key is absent from the service's requests: the condition never matches (or, negated,
    /// always matches), so the statement does not do what it says.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"Service": "cloudfront.amazonaws.com"}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"Service": "cloudfront.amazonaws.com"}, "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## References
    /// - [Properties of the principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principal-properties)
    pub struct UnsupportedConditionKeyForServicePrincipal {
        code: "IAM088",
        name: "unsupported-condition-key-for-service-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Unsupported condition key for service principal"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for UnsupportedConditionKeyForServicePrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let mut entries = p.value.entries().peekable();
        let only_services = entries.peek().is_some() && entries.all(|(t, _)| t == PrincipalType::Service);
        if !only_services || p.value.negated.value {
            return;
        }
        for c in stmt.conditions().iter().filter(|c| is_principal_property(&c.key.value)) {
            // `Null` and `...IfExists` test presence on purpose.
            let tests_presence = c
                .parsed
                .is_some_and(|op| op.if_exists || op.operator.family() == OperatorFamily::Null);
            if tests_presence {
                continue;
            }
            let d = ctx
                .diagnostic(c.key.span, format!("service principals have no `{}`", c.key.value))
                .with_help(
                    "for services use `aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:SourceAccount` or `aws:SourceArn`",
                );
            ctx.report(d);
        }
    }
}

fn is_principal_property(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    [
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:username",
        "aws:userid",
    ]
    .contains(&lower.as_str())
        || lower.starts_with("aws:principaltag/")
}
