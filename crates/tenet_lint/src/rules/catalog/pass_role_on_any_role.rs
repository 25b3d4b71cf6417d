//! `IAM220 pass-role-on-any-role`: `iam:PassRole` allowed on every role.

use super::{any_role_check, RoleAction};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks `Allow` statements that allow `iam:PassRole` (by name, through a wildcard such as
    /// `iam:*` or `*`, or through `NotAction`) on `Resource: "*"`, on every role of an account
    /// (`…:role/*`), or through `NotResource`. Statements conditioned on `iam:PassedToService` or
    /// `iam:AssociatedResourceArn` are not flagged.
    /// Neither is a grant that an unconditioned `Deny` of the same policy takes back: the concrete
    /// evaluator decides whether the policy allows the action on a role no `Resource` names.
    ///
    /// ## Why is this bad?
    /// Passing a role hands its permissions to a service: a principal that may pass any role can
    /// launch compute with an administrator role and so gain every permission of the account.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app-lambda",
    ///  "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}
    /// ```
    ///
    /// ## References
    /// - [Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    pub struct PassRoleOnAnyRole {
        code: "IAM220",
        name: "pass-role-on-any-role",
        category: Security,
        severity: Warning,
        aa_checks: [
            "Pass role with NotResource",
            "Pass role with star in action and NotResource",
            "Pass role with NotAction and NotResource",
            "Pass role with star in resource",
            "Pass role with star in action and resource",
            "Pass role with star in resource and NotAction",
        ],
        parliament: [],
        fixable: false,
    }
}

const PASS_ROLE: RoleAction = RoleAction {
    action: "iam:PassRole",
    scoping_keys: &["iam:PassedToService", "iam:AssociatedResourceArn"],
    risk: "any role, and so its permissions, can be handed to a service",
    help: "name the roles in `Resource` and limit the services with `iam:PassedToService`",
};

impl Rule for PassRoleOnAnyRole {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        any_role_check(ctx, stmt, &PASS_ROLE);
    }
}
