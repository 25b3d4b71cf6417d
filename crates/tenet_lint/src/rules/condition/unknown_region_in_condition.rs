//! `IAM028 unknown-region-in-condition`: `aws:RequestedRegion` compared with a region AWS does not have.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, OperatorFamily, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that the values compared with `aws:RequestedRegion` are AWS Region codes
    /// (`us-east-1`, `eu-central-2`, `cn-north-1`, `us-gov-west-1`, ...). Values with wildcards or
    /// policy variables are not checked. The list is tenet's and is updated with each release: a
    /// Region launched since may be flagged until then.
    ///
    /// ## Why is this bad?
    /// A misspelled Region (`us-east1`, `eu-centrl-1`) never matches: a Region allow-list then denies
    /// the Region meant, and a Region deny-list silently lets it through.
    ///
    /// ## Example
    /// ```json
    /// {"StringEquals": {"aws:RequestedRegion": ["us-east1", "eu-west-1"]}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
    /// ```
    ///
    /// ## References
    /// - [aws:RequestedRegion](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion)
    pub struct UnknownRegionInCondition {
        code: "IAM028",
        name: "unknown-region-in-condition",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid Region"],
        parliament: [],
        fixable: false,
    }
}

/// AWS Region codes in every partition (commercial, China, GovCloud, ISO, European Sovereign Cloud).
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/// The known Region closest to `value` by edit distance, when it is close.
fn closest(value: &str) -> Option<&'static str> {
    tenet_syntax::grammar::suggest::closest_within(value, REGIONS.iter().copied(), 2)
}

impl Rule for UnknownRegionInCondition {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let is_string = c
            .parsed
            .is_some_and(|op| op.operator.family() == OperatorFamily::String);
        if !is_string || !c.key.value.eq_ignore_ascii_case("aws:RequestedRegion") {
            return;
        }
        for v in &c.values {
            let text = v.value.as_text();
            if text.contains(['*', '?', '$']) || REGIONS.contains(&text.as_ref()) {
                continue;
            }
            let help = match closest(&text) {
                Some(r) => format!("did you mean `{r}`?"),
                None => "use a Region code such as `us-east-1`".to_owned(),
            };
            ctx.report_with_help(v.span, format!("`{text}` is not an AWS Region"), help);
        }
    }
}
