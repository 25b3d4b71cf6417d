//! What a document allows, asked of the concrete evaluator (`tenet_ast::eval`) rather than derived
//! again: the security rules that warn about a grant (`iam:PassRole` on every role, an escalation
//! path) must agree with the evaluator on actions, wildcards, `NotAction`, `NotResource` and, above
//! all, on an explicit `Deny` elsewhere in the document, which silences them.
//!
//! A lint has no request context, so conditions are read the cautious way round: an `Allow` whose
//! condition may fail grants nothing certain, and a `Deny` whose condition may not hold silences
//! nothing. The document is put to the evaluator as the only identity policy of a user in the
//! account of the resource asked about, with every conditioned `Deny` left out and only the `Allow`
//! statements the caller picks kept.

use tenet_ast::eval::{evaluate, Decision, PolicySet, Request};
use tenet_ast::semantics::is_account_id;
use tenet_ast::{Effect, Policy, Spanned, Statement};

/// A resource that only a grant on every resource matches: `*`, `arn:*` or `NotResource` not
/// excluding it, never an ARN of a real service. It names no account, so a request for it is never
/// cross-account.
pub(crate) const ANY_RESOURCE: &str = "arn:aws:tenet-lint-any-service:::any-resource";

/// The account requests are made in, unless the resource names another.
const ACCOUNT: &str = "111122223333";

/// The document as the evaluator reads it for one question: the picked `Allow` statements (with
/// their conditions dropped: the caller picked them for what they grant) and every unconditioned
/// `Deny`.
pub(crate) struct Grants {
    policy: Policy,
    /// For each statement of `policy`, its index in the document.
    origin: Vec<usize>,
}

impl Grants {
    /// The `Allow` statements `pick` accepts, with the document's unconditioned `Deny` statements.
    pub(crate) fn new(document: &Policy, pick: impl Fn(usize, &Statement) -> bool) -> Self {
        let mut statements = Vec::new();
        let mut origin = Vec::new();
        for (i, s) in document.statements.iter().enumerate() {
            let keep = match s.value.effect() {
                Some(Effect::Allow) => pick(i, &s.value),
                Some(Effect::Deny) => s.value.conditions().is_empty(),
                None => false,
            };
            if keep {
                let mut stmt = s.value.clone();
                stmt.condition = None;
                statements.push(Spanned::new(stmt, s.span));
                origin.push(i);
            }
        }
        Grants {
            policy: Policy {
                version: document.version.clone(),
                id: None,
                statements,
                unresolved: document.unresolved.clone(),
            },
            origin,
        }
    }

    /// The unconditioned `Allow` statements.
    pub(crate) fn unconditioned(document: &Policy) -> Self {
        Self::new(document, |_, s| s.conditions().is_empty())
    }

    /// The index in the document of the statement that allows `action` on `resource`, when the
    /// evaluator allows the request; `None` when nothing allows it or a `Deny` does.
    pub(crate) fn allowing(&self, action: &str, resource: &str) -> Option<usize> {
        let account = resource
            .split(':')
            .nth(4)
            .filter(|a| is_account_id(a))
            .unwrap_or(ACCOUNT);
        let request = Request::new(&format!("arn:aws:iam::{account}:user/tenet-lint"), action, resource).ok()?;
        let set = PolicySet {
            identity: vec![&self.policy],
            ..PolicySet::default()
        };
        let evaluation = evaluate(&request, &set);
        if evaluation.decision != Decision::Allowed {
            return None;
        }
        let first = evaluation.deciding.first()?;
        self.origin.get(first.statement).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        let parsed = tenet_syntax::parse_policy_file("p.json", text, Some(tenet_ast::PolicyKind::Identity));
        parsed
            .documents
            .into_iter()
            .next()
            .map(|d| d.policy)
            .unwrap_or_default()
    }

    #[test]
    fn an_unconditioned_deny_silences_and_a_conditioned_one_does_not() {
        let allow = r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#;
        let deny = r#"{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#;
        let deny_if = r#"{"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#;
        let doc = |stmts: &[&str]| {
            policy(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                stmts.join(",")
            ))
        };
        let open = Grants::unconditioned(&doc(&[allow]));
        assert_eq!(open.allowing("iam:PassRole", ANY_RESOURCE), Some(0));
        let denied = Grants::unconditioned(&doc(&[allow, deny]));
        assert_eq!(denied.allowing("iam:PassRole", ANY_RESOURCE), None);
        assert_eq!(denied.allowing("s3:GetObject", ANY_RESOURCE), Some(0));
        let maybe = Grants::unconditioned(&doc(&[deny_if, allow]));
        assert_eq!(maybe.allowing("iam:PassRole", ANY_RESOURCE), Some(1));
    }

    #[test]
    fn only_a_grant_on_every_resource_reaches_the_probe() {
        let doc = |resource: &str| {
            policy(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "iam:PassRole", {resource}}}]}}"#
            ))
        };
        let allows = |resource: &str| Grants::unconditioned(&doc(resource)).allowing("iam:PassRole", ANY_RESOURCE);
        assert_eq!(allows(r#""Resource": "*""#), Some(0));
        assert_eq!(
            allows(r#""NotResource": "arn:aws:iam::111122223333:role/admin""#),
            Some(0)
        );
        assert_eq!(allows(r#""Resource": "arn:aws:iam::111122223333:role/*""#), None);
        let role = "arn:aws:iam::444455556666:role/x";
        let grants = Grants::unconditioned(&doc(r#""Resource": "arn:aws:iam::444455556666:role/*""#));
        assert_eq!(
            grants.allowing("iam:PassRole", role),
            Some(0),
            "the request is made in the role's account"
        );
    }

    #[test]
    fn picked_allows_keep_no_condition() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}"#;
        let doc = policy(text);
        assert_eq!(Grants::unconditioned(&doc).allowing("iam:PassRole", ANY_RESOURCE), None);
        assert_eq!(
            Grants::new(&doc, |_, _| true).allowing("iam:PassRole", ANY_RESOURCE),
            Some(0)
        );
    }
}
