//! `IAM206 invalid-condition-value`: a value the operator cannot read (Bool, Numeric, Binary), or
//! values of mixed JSON types.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, ConditionValue, OperatorFamily, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks the values of `Bool` (`true` or `false`), `Numeric…` (a number) and `BinaryEquals`
    /// (base64) conditions, and that the values of one condition are all of one JSON type. Values
    /// holding a policy variable are skipped. Dates and IP addresses are checked by the reader
    /// (`invalid-date`, `invalid-ip-address`).
    ///
    /// ## Why is this bad?
    /// A value the operator cannot read never matches: the condition is always false, so an
    /// `Allow` never applies and a `Deny` never denies.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"Bool": {"aws:SecureTransport": "flase"}, "NumericLessThan": {"s3:max-keys": "ten"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"Bool": {"aws:SecureTransport": "false"}, "NumericLessThan": {"s3:max-keys": "10"}}}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    pub struct InvalidConditionValue {
        code: "IAM206",
        name: "invalid-condition-value",
        category: Correctness,
        severity: Warning,
        aa_checks: ["Type mismatch Boolean", "Type mismatch number", "Type mismatch string", "Invalid condition data type"],
        parliament: ["MISMATCHED_TYPE_OPERATION_TO_NULL"],
        fixable: false,
    }
}

fn json_type(v: &ConditionValue) -> &'static str {
    match v {
        ConditionValue::String(_) => "string",
        ConditionValue::Number(_) => "number",
        ConditionValue::Bool(_) => "boolean",
    }
}

fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len().is_multiple_of(4)
        && s.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// What is wrong with one value for `family`, if anything.
fn problem(family: OperatorFamily, text: &str) -> Option<&'static str> {
    let ok = match family {
        OperatorFamily::Bool | OperatorFamily::Null => {
            text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
        }
        OperatorFamily::Numeric => text.trim().parse::<f64>().is_ok_and(f64::is_finite),
        OperatorFamily::Binary => is_base64(text),
        _ => true,
    };
    match (ok, family) {
        (true, _) => None,
        (false, OperatorFamily::Bool | OperatorFamily::Null) => Some("is not `true` or `false`"),
        (false, OperatorFamily::Numeric) => Some("is not a number"),
        (false, _) => Some("is not a base64-encoded string"),
    }
}

impl Rule for InvalidConditionValue {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let Some(op) = c.parsed else {
            return;
        };
        let family = op.operator.family();
        for v in &c.values {
            let text = v.value.as_text();
            if text.contains("${") {
                continue;
            }
            if let Some(why) = problem(family, &text) {
                let d = ctx
                    .diagnostic(v.span, format!("the value `{text}` of `{}` {why}", op.operator))
                    .with_label(c.operator.span, "this operator reads the value")
                    .with_help("write a value of the operator's type, or use another operator");
                ctx.report(d);
            }
        }
        if let Some(first) = c.values.first() {
            if let Some(other) = c.values.iter().find(|v| json_type(&v.value) != json_type(&first.value)) {
                let d = ctx
                    .diagnostic(other.span, format!("the values of `{}` mix JSON types", c.key.value))
                    .with_label(first.span, format!("this value is a {}", json_type(&first.value)))
                    .with_help("write every value of one condition with the same JSON type");
                ctx.report(d);
            }
        }
    }
}
