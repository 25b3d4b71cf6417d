//! `IAM111 redundant-resource`: an ARN another ARN of the same element already covers
//! (`…:role/jane-admin` beside `…:role/jane*`).

use super::redundant_action::report;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks `Resource`/`NotResource` lists for ARNs another item already covers: a duplicate or an
    /// ARN a wildcard matches (`…:role/jane-admin` beside `…:role/jane*`). ARNs compare
    /// case-sensitively. The fix removes a duplicate, or an ARN without wildcards that the covering
    /// pattern matches in every reading of IAM's ARN wildcards (a `*` inside a segment does not
    /// cross a colon): a removal that could change what the list matches is not offered.
    ///
    /// ## Why is this bad?
    /// The redundant item changes nothing, and hides whether the author meant a fixed list or the
    /// pattern, which also matches resources created later.
    ///
    /// ## Example
    /// ```json
    /// {"Resource": ["arn:aws:iam::111122223333:role/jane-admin", "arn:aws:iam::111122223333:role/jane*"]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Resource": "arn:aws:iam::111122223333:role/jane*"}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    pub struct RedundantResource {
        code: "IAM111",
        name: "redundant-resource",
        category: Style,
        severity: Info,
        aa_checks: ["Redundant resource"],
        parliament: [],
        fixable: true,
    }
}

impl Rule for RedundantResource {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        report(ctx, stmt.resource.as_ref(), false, "resource", resource_coverage);
    }
}

/// For an ARN `item` that `by` covers as text: whether `by` matches it as the evaluator reads ARN
/// wildcards (a pattern `item` is judged as text), and whether `by` matches the plain ARN `item` in
/// the narrowest reading (so in every reading), which makes removing `item` safe.
fn resource_coverage(item: &str, by: &str) -> (bool, bool) {
    use tenet_ast::eval::{arn_pattern_match, arn_pattern_match_in, ArnReading};
    if has_wildcard(item) || item.contains('$') {
        return (true, false);
    }
    (
        arn_pattern_match(by, item),
        arn_pattern_match_in(by, item, ArnReading::STRICT),
    )
}

#[cfg(test)]
mod tests {
    use super::resource_coverage;

    #[test]
    fn a_resource_is_removed_only_when_every_reading_covers_it() {
        let role = "arn:aws:iam::111122223333:role/jane-admin";
        assert_eq!(
            resource_coverage(role, "arn:aws:iam::111122223333:role/jane*"),
            (true, true)
        );
        // As text `*/x` covers `a:b/x`; as an ARN pattern a `*` inside a segment stops at a colon.
        assert_eq!(
            resource_coverage("arn:aws:s3:::b/a:b/x", "arn:aws:s3:::b/*/x"),
            (false, false)
        );
        assert_eq!(
            resource_coverage("arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/*"),
            (true, false)
        );
    }
}
