//! `IAM031 condition-value-wrong-shape`: a value that the condition's key can never hold: an ARN
//! key compared with something that is not an ARN (or a truncated one), an organization key
//! compared with an account id.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::is_account_id;
use tenet_ast::{Condition, OperatorFamily, Spanned, Statement};
use tenet_catalog::{catalog, ConditionType};

declare_rule! {
    /// ## What it does
    /// Checks the values of two kinds of condition keys. ARN keys (`aws:SourceArn`,
    /// `aws:PrincipalArn`, any key the service reference types as ARN, or any key under an `Arn…`
    /// operator) must be compared with ARNs of six fields (`arn:partition:service:region:account:resource`);
    /// a value ending in `*` may stand for the missing fields. Organization keys
    /// (`aws:PrincipalOrgID`, `aws:SourceOrgID`, `aws:ResourceOrgID`) must not be compared with a
    /// 12-digit account id. Values holding a policy variable are skipped.
    ///
    /// ## Why is this bad?
    /// The key never holds such a value, so the condition never matches: an `Allow` grants nothing,
    /// and a `Deny` with a negated operator (`StringNotEquals`) denies everyone, or a plain one
    /// protects nothing.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "111122223333"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## References
    /// - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    /// - [ARN condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN)
    pub struct ConditionValueWrongShape {
        code: "IAM031",
        name: "condition-value-wrong-shape",
        category: Correctness,
        severity: Error,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

const ORG_KEYS: [&str; 3] = ["aws:PrincipalOrgID", "aws:SourceOrgID", "aws:ResourceOrgID"];

/// Whether the key holds ARNs, by the operator or by the catalog's type.
fn arn_key(c: &Condition) -> bool {
    let by_operator = c.parsed.is_some_and(|op| op.operator.family() == OperatorFamily::Arn);
    let by_type = catalog()
        .condition_key(&c.key.value)
        .is_some_and(|k| k.ty.base() == ConditionType::Arn);
    let presence = c.parsed.is_some_and(|op| op.operator.family() == OperatorFamily::Null);
    (by_operator || by_type) && !presence
}

/// What is wrong with `v` as an ARN, if anything.
fn arn_problem(v: &str) -> Option<&'static str> {
    if v == "*" || v.contains("${") {
        return None;
    }
    if !v.starts_with("arn:") && !v.starts_with("arn*") && !v.starts_with('*') {
        return Some("is not an ARN");
    }
    let short = v.matches(':').count() < 5;
    (short && !v.ends_with('*')).then_some("is a truncated ARN (an ARN has six fields)")
}

impl Rule for ConditionValueWrongShape {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let org_key = ORG_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&c.key.value));
        let arn = arn_key(c);
        for value in &c.values {
            let text = value.value.as_text();
            if org_key && is_account_id(&text) {
                let message = format!(
                    "`{text}` is an account id, but `{}` holds an organization id",
                    c.key.value
                );
                ctx.report_with_help(
                    value.span,
                    message,
                    "use the organization id (`o-a1b2c3d4e5`), or compare `aws:PrincipalAccount` with account ids",
                );
            } else if let Some(problem) = arn.then(|| arn_problem(&text)).flatten() {
                let message = format!("`{text}` {problem}, but `{}` holds ARNs", c.key.value);
                ctx.report_with_help(
                    value.span,
                    message,
                    "write the full ARN, `arn:partition:service:region:account:resource`, or end it with `*`",
                );
            }
        }
    }
}
