//! `IAM304 privilege-escalation`: an identity policy that lets its holder gain more permissions.

use crate::rules::allowed::{Grants, ANY_RESOURCE};
use crate::{declare_rule, LintContext, Rule};
use std::collections::HashMap;
use tenet_ast::{PolicyKind, Spanned, Statement};

/// Known escalation paths (Rhino Security Labs' list, as checkov and cloudsplaining use it): every
/// action of a path allowed on every resource lets the holder raise its own permissions.
const PATHS: &[&[&str]] = &[
    &["iam:CreatePolicyVersion"],
    &["iam:SetDefaultPolicyVersion"],
    &["iam:AttachUserPolicy"],
    &["iam:AttachGroupPolicy"],
    &["iam:AttachRolePolicy", "sts:AssumeRole"],
    &["iam:PutUserPolicy"],
    &["iam:PutGroupPolicy"],
    &["iam:PutRolePolicy", "sts:AssumeRole"],
    &["iam:AddUserToGroup"],
    &["iam:CreateAccessKey"],
    &["iam:CreateLoginProfile"],
    &["iam:UpdateLoginProfile"],
    &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
    &["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ],
    &["lambda:UpdateFunctionCode"],
    &["iam:PassRole", "ec2:RunInstances"],
    &["iam:PassRole", "cloudformation:CreateStack"],
    &["iam:PassRole", "glue:CreateDevEndpoint"],
    &["glue:UpdateDevEndpoint"],
    &[
        "iam:PassRole",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
    ],
    &[
        "iam:PassRole",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
    ],
];

declare_rule! {
    /// ## What it does
    /// Checks identity policies for a known privilege-escalation path: every action of the path
    /// allowed on every resource (`Resource: "*"`, or through `NotResource`) by unconditioned `Allow`
    /// statements and denied by no unconditioned `Deny` (the evaluator decides),
    /// e.g. `iam:CreatePolicyVersion`, `iam:AttachUserPolicy`, or `iam:PassRole` with
    /// `lambda:CreateFunction` and `lambda:InvokeFunction`. Only the first path found is reported.
    ///
    /// ## Why is this bad?
    /// The holder can give itself any permission (a new default policy version, an attached
    /// administrator policy, a Lambda function running with an administrator role): the policy is
    /// worth as much as `AdministratorAccess`.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// Scope `iam:PassRole` to the roles the workload needs and condition it on
    /// `iam:PassedToService`; grant IAM write actions only on specific ARNs.
    ///
    /// ## References
    /// - [AWS IAM privilege escalation methods (Rhino Security Labs)](https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/)
    pub struct PrivilegeEscalation {
        code: "IAM304",
        name: "privilege-escalation",
        category: Security,
        severity: Warning,
        aa_checks: [],
        parliament: ["PRIVILEGE_ESCALATION"],
        fixable: false,
    }
}

impl Rule for PrivilegeEscalation {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if ctx.kind() != PolicyKind::Identity {
            return;
        }
        let stmts: &[Spanned<Statement>] = ctx.statements();
        // The evaluator decides what the unconditioned statements allow on every resource, so an
        // explicit `Deny` anywhere in the document silences a path.
        let grants = Grants::unconditioned(ctx.policy());
        // Each action is looked up once, however many paths name it.
        let mut granting_of: HashMap<&str, Option<&Spanned<Statement>>> = HashMap::new();
        for path in PATHS {
            let granting: Option<Vec<&Spanned<Statement>>> = path
                .iter()
                .map(|a| {
                    *granting_of
                        .entry(a)
                        .or_insert_with(|| grants.allowing(a, ANY_RESOURCE).and_then(|i| stmts.get(i)))
                })
                .collect();
            let Some(granting) = granting else {
                continue;
            };
            let Some(first) = granting.first().and_then(|s| s.value.action.as_ref()) else {
                continue;
            };
            let names: Vec<String> = path.iter().map(|a| format!("`{a}`")).collect();
            let mut d = ctx
                .diagnostic(
                    first.span,
                    format!("the policy allows privilege escalation through {}", names.join(" + ")),
                )
                .with_help("scope these actions to specific resources, or condition them");
            for s in granting.iter().skip(1) {
                if let Some(a) = &s.value.action {
                    d = d.with_label(a.span, "part of the escalation path");
                }
            }
            ctx.report(d);
            return;
        }
    }
}
