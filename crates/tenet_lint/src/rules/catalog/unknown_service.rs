//! `IAM200 unknown-service`: an action whose service prefix no AWS service has.

use super::retired::{listed, RETIRED_SERVICES};
use super::{closest, has_wildcard};
use crate::{declare_rule, LintContext, Rule, Severity};
use tenet_ast::{Spanned, Statement};
use tenet_catalog::catalog;

declare_rule! {
    /// ## What it does
    /// Checks that the service prefix of every action in `Action`/`NotAction` (`s3` in `s3:GetObject`)
    /// is one the IAM service catalog knows, and suggests the closest prefix when there is one.
    /// Retired services that AWS managed policies still name (`codestar`, `deepracer`, …) are warnings.
    ///
    /// ## Why is this bad?
    /// IAM accepts a policy naming a service that does not exist, and the statement silently matches
    /// nothing for it: a misspelt `Deny` protects nothing, a misspelt `Allow` grants nothing.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "Action": "s4:DeleteBucket", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    pub struct UnknownService {
        code: "IAM200",
        name: "unknown-service",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid service", "Invalid service in action"],
        parliament: ["UNKNOWN_PREFIX"],
        fixable: false,
    }
}

impl Rule for UnknownService {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let Some(list) = &stmt.action else {
            return;
        };
        for item in &list.value.items {
            let Some((prefix, _)) = item.value.split_once(':') else {
                continue;
            };
            if prefix.is_empty() || has_wildcard(prefix) || catalog().service(prefix).is_some() {
                continue;
            }
            if listed(RETIRED_SERVICES, prefix) {
                let mut d = ctx
                    .diagnostic(item.span, format!("the service `{prefix}` is retired"))
                    .with_help("AWS no longer lists this service; the action grants or denies nothing");
                d.severity = d.severity.min(Severity::Warning);
                ctx.report(d);
                continue;
            }
            let mut d = ctx.diagnostic(item.span, format!("the service `{prefix}` does not exist"));
            d = match closest(prefix, catalog().services().map(|s| s.prefix)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("use a service prefix from the Service Authorization Reference"),
            };
            ctx.report(d);
        }
    }
}
