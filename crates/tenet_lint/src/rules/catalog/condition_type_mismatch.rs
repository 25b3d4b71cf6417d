//! `IAM205 condition-type-mismatch`: an operator family that does not fit the key's type.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, OperatorFamily, Spanned, Statement};
use tenet_catalog::{catalog, ConditionType};

declare_rule! {
    /// ## What it does
    /// Checks that the condition operator's family fits the type the catalog gives the key:
    /// `StringEquals` on the IP-address key `aws:SourceIp`, `NumericLessThan` on a string key or
    /// `Bool` on a date key are flagged. String operators on ARN keys are accepted (they work), and
    /// `Null` fits every key. Keys the catalog does not know are left to `unknown-condition-key`.
    ///
    /// ## Why is this bad?
    /// IAM compares the request value with the operator's type: a string comparison of an IP
    /// address ignores CIDR ranges, a numeric comparison of a string is never true. The condition
    /// does not test what it seems to.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"StringEquals": {"aws:SourceIp": "203.0.113.0/24"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    pub struct ConditionTypeMismatch {
        code: "IAM205",
        name: "condition-type-mismatch",
        category: Correctness,
        severity: Warning,
        aa_checks: ["Type mismatch"],
        parliament: ["MISMATCHED_TYPE"],
        fixable: false,
    }
}

/// The operator family that compares values of `ty`, for the help text.
fn family_for(ty: ConditionType) -> Option<&'static str> {
    Some(match ty.base() {
        ConditionType::String => "String",
        ConditionType::Arn => "Arn",
        ConditionType::Numeric => "Numeric",
        ConditionType::Date => "Date",
        ConditionType::Bool => "Bool",
        ConditionType::IpAddress => "IpAddress",
        ConditionType::Binary => "BinaryEquals",
        _ => return None,
    })
}

/// Whether operators of `family` can compare values of `ty`.
fn fits(family: OperatorFamily, ty: ConditionType) -> bool {
    matches!(
        (family, ty.base()),
        (OperatorFamily::Null, _)
            | (
                OperatorFamily::String | OperatorFamily::Arn,
                ConditionType::String | ConditionType::Arn
            )
            | (OperatorFamily::Numeric, ConditionType::Numeric)
            | (OperatorFamily::Date, ConditionType::Date)
            | (OperatorFamily::Bool, ConditionType::Bool)
            | (OperatorFamily::Binary, ConditionType::Binary)
            | (OperatorFamily::IpAddress, ConditionType::IpAddress)
    )
}

/// The documented way to compare two IP keys: a string operator against a policy variable
/// (`"StringNotEquals": {"aws:Ec2InstanceSourcePrivateIPv4": "${aws:VpcSourceIp}"}`), since IP
/// operators take only literal ranges.
fn compares_ip_to_variable(family: OperatorFamily, ty: ConditionType, c: &Condition) -> bool {
    family == OperatorFamily::String
        && ty.base() == ConditionType::IpAddress
        && !c.values.is_empty()
        && c.values.iter().all(|v| v.value.as_text().starts_with("${"))
}

impl Rule for ConditionTypeMismatch {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let Some(op) = c.parsed else {
            return;
        };
        let Some(key) = catalog().condition_key(&c.key.value) else {
            return;
        };
        let Some(family) = family_for(key.ty) else {
            return;
        };
        if fits(op.operator.family(), key.ty) || compares_ip_to_variable(op.operator.family(), key.ty, c) {
            return;
        }
        let d = ctx
            .diagnostic(
                c.operator.span,
                format!(
                    "`{}` compares the {} key `{}` as another type",
                    op.operator, key.ty, c.key.value
                ),
            )
            .with_label(c.key.span, format!("`{}` is of type {}", c.key.value, key.ty))
            .with_help(format!("use a {family} operator"));
        ctx.report(d);
    }
}
