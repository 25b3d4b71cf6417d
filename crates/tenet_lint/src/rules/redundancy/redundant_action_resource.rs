//! `IAM110 redundant-action` and `IAM111 redundant-resource`: a value another value of the same
//! element already covers (`s3:GetObject` beside `s3:Get*`).

use crate::rules::pattern_covers;
use std::collections::HashMap;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{ElementList, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks `Action`/`NotAction` lists for actions another item already covers: a duplicate
    /// (compared case-insensitively) or an action a wildcard matches (`iam:GetUser` beside `iam:Get*`).
    ///
    /// ## Why is this bad?
    /// The redundant item changes nothing, but readers take it for a deliberate, narrower grant, and
    /// removing the wildcard later silently keeps it.
    ///
    /// ## Example
    /// ```json
    /// {"Action": ["iam:Get*", "iam:List*", "iam:GetCredentialReport"]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Action": ["iam:Get*", "iam:List*"]}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    pub struct RedundantAction {
        code: "IAM110",
        name: "redundant-action",
        category: Style,
        severity: Info,
        aa_checks: ["Redundant action"],
        parliament: [],
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks `Resource`/`NotResource` lists for ARNs another item already covers: a duplicate or an
    /// ARN a wildcard matches (`…:role/jane-admin` beside `…:role/jane*`). ARNs compare
    /// case-sensitively.
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
        fixable: false,
    }
}

/// For each item covered by another, the index of one that covers it. Of two equal items the later
/// one is the redundant one.
///
/// Only a pattern with a wildcard covers an item other than itself, and only when the item starts
/// with the pattern's literal prefix (the text before its first wildcard). So wildcard items are
/// indexed by that prefix, each item is compared with the patterns whose prefix starts it, and exact
/// duplicates are found by hashing: AWS ships policies with thousands of actions in one statement
/// (`ReadOnlyAccess`), where comparing all pairs dominated the whole lint run.
fn covered(items: &[Spanned<String>], ignore_case: bool) -> Vec<(usize, usize)> {
    let key = |s: &str| if ignore_case { s.to_ascii_lowercase() } else { s.to_owned() };
    let keys: Vec<String> = items.iter().map(|i| key(&i.value)).collect();
    let mut by_prefix: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, k) in keys.iter().enumerate() {
        if let Some(cut) = k.find(['*', '?']) {
            by_prefix.entry(&k[..cut]).or_default().push(j);
        }
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(&j) = first.get(k.as_str()) {
            out.push((i, j));
            continue;
        }
        first.insert(k, i);
        let candidates = (0..=k.len())
            .filter(|&cut| k.is_char_boundary(cut))
            .filter_map(|cut| by_prefix.get(&k[..cut]))
            .flatten()
            .copied();
        let by = candidates
            .filter(|&j| {
                // The keys are already lowercased when case does not matter.
                j != i && pattern_covers(&keys[j], k, false) && (!pattern_covers(k, &keys[j], false) || j < i)
            })
            .min();
        if let Some(j) = by {
            out.push((i, j));
        }
    }
    out
}

fn report(ctx: &mut LintContext<'_>, list: Option<&Spanned<ElementList>>, ignore_case: bool, what: &str) {
    let Some(list) = list else { return };
    for (i, j) in covered(&list.items, ignore_case) {
        let (item, by) = (&list.items[i], &list.items[j]);
        let d = ctx
            .diagnostic(
                item.span,
                format!("the {what} `{}` is already covered by `{}`", item.value, by.value),
            )
            .with_label(by.span, "covered here")
            .with_help(format!("remove `{}`", item.value));
        ctx.report(d);
    }
}

impl Rule for RedundantAction {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        report(ctx, stmt.action.as_ref(), true, "action");
    }
}

impl Rule for RedundantResource {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        report(ctx, stmt.resource.as_ref(), false, "resource");
    }
}
