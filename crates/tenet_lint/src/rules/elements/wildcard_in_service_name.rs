//! `IAM010 wildcard-in-service-name`: `*` or `?` in the service of a resource ARN.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for wildcards (`*`, `?`) in the service part of a resource ARN
    /// (`arn:aws:*code*::111122223333:*`). A lone `*` is not flagged. (A wildcard in an action's
    /// service prefix is the grammar's `SYN114 wildcard-in-action-service`.)
    ///
    /// ## Why is this bad?
    /// A wildcard in a service name matches every service whose prefix fits, today's and future
    /// ones: more than a dozen services contain `code`.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*code*:us-east-1:111122223333:*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:codecommit:us-east-1:111122223333:*"}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    pub struct WildcardInServiceName {
        code: "IAM010",
        name: "wildcard-in-service-name",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Wildcard in service name"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for WildcardInServiceName {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        for item in stmt.resource.iter().flat_map(|l| l.items.iter()) {
            let service = item.value.split(':').nth(2).filter(|s| has_wildcard(s) && *s != "*");
            if let Some(service) = service {
                let message = format!("the ARN `{}` has a wildcard in its service `{service}`", item.value);
                ctx.report_with_help(item.span, message, "name each service explicitly");
            }
        }
    }
}
