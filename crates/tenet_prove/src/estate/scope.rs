//! Which principals of the estate can take part in a request: the pruning that keeps a proof over a
//! large estate to the principals that matter (see [`super::headers_for`]).

use tenet_ast::eval::RequestPrincipal;
use tenet_diagnostics::Spanned;
use tenet_graph::access::{Link, LinkTarget};
use tenet_graph::Estate;

/// The principals the link's resource policy, the organization policies and the key's grants name.
pub(super) fn named_principals(e: &Estate, link: &Link) -> Vec<RequestPrincipal> {
    // Every organization policy once (accounts share their levels).
    let mut ids: std::collections::BTreeSet<usize> = link.policy.into_iter().collect();
    for a in e.accounts.keys() {
        ids.extend(e.scp_levels(a).into_iter().chain(e.rcp_levels(a)).flatten());
    }
    let policies: Vec<&tenet_ast::Policy> = ids.into_iter().filter_map(|id| e.policy(id)).collect();
    let mut grantees = Vec::new();
    if let LinkTarget::Key(k) = link.target {
        for g in e.keys.get(k).map(|k| k.grants.as_slice()).unwrap_or_default() {
            grantees.push(g.grantee_principal.clone());
        }
    }
    crate::principals::candidates(policies, &grantees, &[])
        .into_iter()
        .map(|c| c.principal)
        .collect()
}

/// Whether the link's resource side may let a principal of `account` in: an `Allow` of the
/// resource (key, trust) policy whose `Principal` is `*`, a `NotPrincipal`, or names something of
/// that account, or a grant to a principal of it. A principal of another account than the
/// resource's needs this (cross-account access needs the resource's side) and its identity side.
pub(super) fn resource_may_reach(e: &Estate, link: &Link, account: &str) -> bool {
    let in_account = |v: &str| v == account || v.split(':').nth(4) == Some(account);
    if let LinkTarget::Key(k) = link.target {
        let grants = e.keys.get(k).map(|k| k.grants.as_slice()).unwrap_or_default();
        if grants.iter().any(|g| in_account(&g.grantee_principal)) {
            return true;
        }
    }
    let Some(p) = link.policy.and_then(|id| e.policy(id)) else {
        return false;
    };
    p.statements.iter().any(|s| {
        let s = &s.value;
        if s.effect() != Some(tenet_ast::Effect::Allow) {
            return false;
        }
        match &s.principal {
            None => true,
            Some(pr) if pr.value.negated.value || pr.value.is_any() => true,
            Some(pr) => pr
                .value
                .entries()
                .any(|(ty, v)| ty == tenet_ast::PrincipalType::Aws && (in_account(&v.value) || v.value.contains('*'))),
        }
    })
}

/// Whether some `Allow` of `p` may cover one of `actions` on one of `resources` (wildcards of both
/// sides intersected; conditions, variables and `NotAction`/`NotResource` read as "may").
pub(super) fn may_allow(p: &tenet_ast::Policy, actions: &[String], resources: &[String]) -> bool {
    p.statements.iter().any(|s| {
        let s = &s.value;
        if s.effect() != Some(tenet_ast::Effect::Allow) {
            return false;
        }
        let covers = |list: &Option<Spanned<tenet_ast::ElementList>>, wanted: &[String], fold: bool| match list {
            None => true,
            Some(l) if l.value.negated.value => true,
            Some(l) => l.value.items.iter().any(|item| {
                let item = widen_variables(&item.value);
                wanted.iter().any(|w| globs_intersect(&item, w, fold))
            }),
        };
        covers(&s.action, actions, true) && covers(&s.resource, resources, false)
    })
}

/// A pattern with every policy variable (`${…}`) widened to `*`.
fn widen_variables(p: &str) -> String {
    let mut out = String::new();
    let mut rest = p;
    while let Some((before, after)) = rest.split_once("${") {
        out.push_str(before);
        out.push('*');
        rest = after.split_once('}').map_or("", |(_, tail)| tail);
    }
    out.push_str(rest);
    out
}

/// Whether some string matches both `*`/`?` patterns (`*` spans any characters, `:` included:
/// wider than IAM's ARN reading, so a "no" is certain).
pub(crate) fn globs_intersect(a: &str, b: &str, fold: bool) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // reach[i][j]: the suffixes a[i..] and b[j..] have a common match.
    let mut reach = vec![vec![false; b.len() + 1]; a.len() + 1];
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
            let at = |x: usize, y: usize| reach.get(x).and_then(|r| r.get(y)).copied().unwrap_or(false);
            let v = match (ca, cb) {
                (None, None) => true,
                (Some('*'), _) => at(i + 1, j) || (cb.is_some() && at(i, j + 1)),
                (_, Some('*')) => at(i, j + 1) || (ca.is_some() && at(i + 1, j)),
                (Some(x), Some(y)) => {
                    let same = x == '?' || y == '?' || x == y || (fold && x.eq_ignore_ascii_case(&y));
                    same && at(i + 1, j + 1)
                }
                _ => false,
            };
            if let Some(cell) = reach.get_mut(i).and_then(|r| r.get_mut(j)) {
                *cell = v;
            }
        }
    }
    reach.first().and_then(|r| r.first()).copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::{globs_intersect, widen_variables};

    #[test]
    fn glob_intersection_is_exact_on_small_cases() {
        let yes = [
            ("s3:Get*", "s3:GetObject", true),
            ("s3:*", "*:PutObject", false),
            ("S3:getobject", "s3:GetObject", true),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/*", false),
            ("a*b", "*c*", false),
            ("a?c", "ab*", false),
            ("", "*", false),
        ];
        for (a, b, fold) in yes {
            assert!(globs_intersect(a, b, fold), "{a} ∩ {b}");
            assert!(globs_intersect(b, a, fold), "{b} ∩ {a}");
        }
        let no = [
            ("s3:Get*", "s3:PutObject", true),
            ("S3:getobject", "s3:GetObject", false),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::c/*", false),
            ("a?", "abc", false),
            ("", "a", false),
        ];
        for (a, b, fold) in no {
            assert!(!globs_intersect(a, b, fold), "{a} ∩ {b}");
            assert!(!globs_intersect(b, a, fold), "{b} ∩ {a}");
        }
    }

    #[test]
    fn variables_widen_to_stars() {
        assert_eq!(
            widen_variables("arn:aws:s3:::b/${aws:username}/*"),
            "arn:aws:s3:::b/*/*"
        );
        assert_eq!(widen_variables("x${a}${b}y${"), "x**y*");
    }
}
