//! `IAM001 missing-version`: a policy without `Version` is read under `2008-10-17`.

use crate::{declare_rule, LintContext, Rule};
use tenet_diagnostics::{Edit, Span};

declare_rule! {
    /// ## What it does
    /// Checks that the policy has a `Version` element.
    ///
    /// ## Why is this bad?
    /// Without `Version`, IAM reads the policy under the old `2008-10-17` language, where policy
    /// variables such as `${aws:username}` are literal text and newer features are missing. A
    /// statement that looks scoped to the caller then matches nothing, or the wrong thing.
    ///
    /// ## Example
    /// ```json
    /// {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
    pub struct MissingVersion {
        code: "IAM001",
        name: "missing-version",
        category: Correctness,
        severity: Warning,
        aa_checks: ["Missing version"],
        parliament: ["NO_VERSION"],
        fixable: true,
    }
}

impl Rule for MissingVersion {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if ctx.policy().version.is_some() {
            return;
        }
        let doc_span = ctx.doc().span;
        let at = Span::new(doc_span.start as usize, doc_span.start as usize + 1);
        let mut d = ctx
            .diagnostic(at, "the policy has no `Version`")
            .with_help("add `\"Version\": \"2012-10-17\"`; without it policy variables are literal text");
        // The fix inserts text, so it needs the source to know the document opens with `{` (an
        // embedded policy string would need escaping).
        if ctx.text(at) == Some("{") {
            let edit = Edit {
                span: Span::empty(at.end as usize),
                replacement: "\"Version\": \"2012-10-17\", ".to_owned(),
            };
            // Unsafe: under the 2008 default, `${aws:username}` is literal text; with the version
            // it becomes a variable, so the fix can change who gets access.
            d = d.with_unsafe_fix("insert `\"Version\": \"2012-10-17\"`", vec![edit]);
        }
        ctx.report(d);
    }
}
