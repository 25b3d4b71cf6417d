//! `IAM110 redundant-action`: an action another action of the same element already covers
//! (`s3:GetObject` beside `s3:Get*`), and the finding and fix that `IAM111` shares.

use crate::rules::pattern_covers;
use crate::{declare_rule, LintContext, Rule};
use rustc_hash::FxHashMap;
use tenet_ast::{ElementList, Spanned, Statement};
use tenet_diagnostics::{Edit, Span};

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
        fixable: true,
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
    let key = |s: &str| {
        if ignore_case {
            s.to_ascii_lowercase()
        } else {
            s.to_owned()
        }
    };
    let keys: Vec<String> = items.iter().map(|i| key(&i.value)).collect();
    let mut by_prefix: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (j, k) in keys.iter().enumerate() {
        if let Some((prefix, _)) = k.split_once(['*', '?']) {
            by_prefix.entry(prefix).or_default().push(j);
        }
    }
    // Only cuts at the length of some indexed prefix can find patterns.
    let mut prefix_lens: Vec<usize> = by_prefix.keys().map(|p| p.len()).collect();
    prefix_lens.sort_unstable();
    prefix_lens.dedup();
    let mut first: FxHashMap<&str, usize> = FxHashMap::default();
    first.reserve(items.len());
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(&j) = first.get(k.as_str()) {
            out.push((i, j));
            continue;
        }
        first.insert(k, i);
        let candidates = prefix_lens
            .iter()
            .filter_map(|&cut| k.get(..cut))
            .filter_map(|prefix| by_prefix.get(prefix))
            .flatten()
            .copied();
        let by = candidates
            .filter(|&j| {
                // The keys are already lowercased when case does not matter.
                keys.get(j).is_some_and(|by| {
                    j != i && pattern_covers(by, k, false) && (!pattern_covers(k, by, false) || j < i)
                })
            })
            .min();
        if let Some(j) = by {
            out.push((i, j));
        }
    }
    out
}

/// Whether `by`, which covers `item` as text, covers it in the element's matching too, and whether
/// removing `item` is then certain to keep what the list matches (the fix's guard).
type Covers = fn(item: &str, by: &str) -> (bool, bool);

pub(super) fn report(
    ctx: &mut LintContext<'_>,
    list: Option<&Spanned<ElementList>>,
    ignore_case: bool,
    what: &str,
    covers: Covers,
) {
    let Some(list) = list else { return };
    for (i, j) in covered(&list.items, ignore_case) {
        let (Some(item), Some(by)) = (list.items.get(i), list.items.get(j)) else {
            continue;
        };
        let same = item.value.eq_ignore_ascii_case(&by.value);
        let (really, safe) = covers(&item.value, &by.value);
        if !same && !really {
            continue;
        }
        let message = if same {
            format!("the {what} `{}` is listed twice", item.value)
        } else {
            format!("the {what} `{}` is already covered by `{}`", item.value, by.value)
        };
        let mut d = ctx
            .diagnostic(item.span, message)
            .with_label(by.span, if same { "also listed here" } else { "covered here" })
            .with_help(format!("remove `{}`", item.value));
        if let Some(edit) = removal(ctx, list, i).filter(|_| same || safe) {
            d = d.with_fix(format!("remove `{}`", item.value), vec![edit]);
        }
        ctx.report(d);
    }
}

/// The edit that removes item `i` of a JSON array with its separating comma, when the source shows
/// exactly that: plain string literals separated by a comma and whitespace (not, say, a policy
/// embedded in a string, where the quotes are escaped).
fn removal(ctx: &LintContext<'_>, list: &Spanned<ElementList>, i: usize) -> Option<Edit> {
    let items = &list.value.items;
    if !list.value.is_array {
        return None;
    }
    let plain = |item: &Spanned<String>| ctx.text(item.span) == Some(format!("\"{}\"", item.value).as_str());
    let separator =
        |a: Span, b: Span| ctx.text(Span::new(a.end as usize, b.start as usize)).map(str::trim) == Some(",");
    // An item goes with the comma before it; the first item, with the comma after it.
    let (a, b) = match i.checked_sub(1) {
        Some(before) => (items.get(before)?, items.get(i)?),
        None => (items.first()?, items.get(1)?),
    };
    if !(plain(a) && plain(b) && separator(a.span, b.span)) {
        return None;
    }
    let span = if i > 0 {
        Span::new(a.span.end as usize, b.span.end as usize)
    } else {
        Span::new(a.span.start as usize, b.span.start as usize)
    };
    Some(Edit {
        span,
        replacement: String::new(),
    })
}

impl Rule for RedundantAction {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        // Actions hold no colon past the service prefix: text coverage is IAM's.
        report(ctx, stmt.action.as_ref(), true, "action", |_, _| (true, true));
    }
}
