//! `IAM303 open-key-policy`: `kms:*` to a principal other than an account root, or `Principal: "*"`,
//! without conditions, in a key policy.

use crate::rules::{is_allow, statement_allows_action};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, PrincipalType};

declare_rule! {
    /// ## What it does
    /// Checks KMS key policies for unconditioned `Allow` statements that grant `Principal: "*"`
    /// (everyone), or grant `kms:*` to a principal other than an account root (the root delegates
    /// to that account's IAM policies, which is the default and intended).
    ///
    /// ## Why is this bad?
    /// `Principal: "*"` without conditions makes the key usable by any AWS account. `kms:*` to a user
    /// or role includes `kms:PutKeyPolicy` and `kms:ScheduleKeyDeletion`: whoever holds it can lock
    /// everyone else out or destroy the data the key protects.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:*", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - [Default key policy](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
    pub struct OpenKeyPolicy {
        code: "IAM303",
        name: "open-key-policy",
        category: Security,
        severity: Warning,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

impl Rule for OpenKeyPolicy {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if ctx.kind() != PolicyKind::Key {
            return;
        }
        for stmt in ctx.statements() {
            let s = &stmt.value;
            if !is_allow(s) || !s.conditions().is_empty() {
                continue;
            }
            let Some(principal) = s.principal.as_ref().filter(|p| !p.value.negated.value) else {
                continue;
            };
            if principal.value.is_any() {
                let d = ctx
                    .diagnostic(principal.span, "the key policy allows everyone without a condition")
                    .with_help("name the principals, or add `aws:PrincipalOrgID` / `kms:CallerAccount` conditions");
                ctx.report(d);
                continue;
            }
            let all_actions = s.action.as_ref().is_some_and(|a| {
                !a.value.negated.value
                    && a.value
                        .items
                        .iter()
                        .any(|i| i.value == "*" || i.value.eq_ignore_ascii_case("kms:*"))
            });
            if !all_actions || !statement_allows_action(s, "kms:PutKeyPolicy") {
                continue;
            }
            for (ty, p) in principal.value.entries() {
                if ty != PrincipalType::Aws || p.value.ends_with(":root") || p.value.len() == 12 {
                    continue;
                }
                let d = ctx
                    .diagnostic(
                        p.span,
                        format!("`{}` is allowed `kms:*` on this key without a condition", p.value),
                    )
                    .with_help("grant the operations it needs; keep `kms:*` for the account root");
                ctx.report(d);
            }
        }
    }
}
