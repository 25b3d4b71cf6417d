//! `IAM221 create-slr-on-any-role`: `iam:CreateServiceLinkedRole` allowed for every service.

use super::{any_role_check, RoleAction};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks `Allow` statements that allow `iam:CreateServiceLinkedRole` (by name, through a
    /// wildcard, or through `NotAction`) on `Resource: "*"`, on every role of an account, or through
    /// `NotResource`. Statements conditioned on `iam:AWSServiceName` are not flagged.
    /// Neither is a grant that an unconditioned `Deny` of the same policy takes back: the concrete
    /// evaluator decides whether the policy allows the action on a role no `Resource` names.
    ///
    /// ## Why is this bad?
    /// A service-linked role gives an AWS service the permissions it defines in your account; letting
    /// a principal create them for any service enables services (and their access) you did not plan.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
    ///  "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}}
    /// ```
    ///
    /// ## References
    /// - [Service-linked role permissions](https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#service-linked-role-permissions)
    pub struct CreateSlrOnAnyRole {
        code: "IAM221",
        name: "create-slr-on-any-role",
        category: Security,
        severity: Warning,
        aa_checks: [
            "Create SLR with NotResource",
            "Create SLR with star in action and NotResource",
            "Create SLR with NotAction and NotResource",
            "Create SLR with star in resource",
            "Create SLR with star in action and resource",
            "Create SLR with star in resource and NotAction",
        ],
        parliament: [],
        fixable: false,
    }
}

const CREATE_SLR: RoleAction = RoleAction {
    action: "iam:CreateServiceLinkedRole",
    scoping_keys: &["iam:AWSServiceName"],
    risk: "service-linked roles can be created for any service",
    help: "limit the services with an `iam:AWSServiceName` condition, or name the role ARNs",
};

impl Rule for CreateSlrOnAnyRole {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        any_role_check(ctx, stmt, &CREATE_SLR);
    }
}
