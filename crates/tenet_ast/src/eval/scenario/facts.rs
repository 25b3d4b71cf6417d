//! A scenario's request made consistent: who owns the resource, and every context key either
//! honoured or rejected.
//!
//! AWS derives some request keys from the caller and the resource (`aws:PrincipalAccount`,
//! `aws:PrincipalArn`, `aws:ResourceAccount`, `kms:CallerAccount`, …). A scenario may give them, but a
//! value AWS could not have set (another account than the principal's, `aws:username` for a role
//! session) describes no real request: it is rejected, never silently overridden or dropped. The
//! owner of a resource whose ARN names no account (S3) is `resourceAccount`, else
//! `aws:ResourceAccount` from the context, else the principal's account, said as an assumption.

use super::ScenarioRequest;
use crate::eval::{
    arn_account, derived_keys, is_account_id, is_kms_action, AwsPrincipalKind, Context, ContextValue, Derived, Request,
    RequestPrincipal, PRINCIPAL_KEYS,
};

/// Where a problem of the request is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// A field of `request` (`principal`, `resource`, `resourceAccount`, …).
    Field(&'static str),
    /// A key of `request.context`, as given.
    ContextKey(String),
}

/// A request that describes no request AWS could receive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestProblem {
    /// Where.
    pub at: At,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The request, with what was assumed to complete it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The request, derived keys filled in.
    pub request: Request,
    /// What the simulator assumed, in words (empty when the scenario says everything).
    pub assumptions: Vec<String>,
}

fn problem(at: At, message: String, help: &str) -> RequestProblem {
    RequestProblem {
        at,
        message,
        help: help.to_owned(),
    }
}

impl ScenarioRequest {
    /// The request with its owner decided and its derived keys filled in, or every problem found.
    pub fn resolve(&self) -> Result<Resolved, Vec<RequestProblem>> {
        let mut problems = Vec::new();
        let principal = match RequestPrincipal::parse(&self.principal) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(problem(
                    At::Field("principal"),
                    e,
                    "see `tenet simulate --help` for the principals",
                ));
                None
            }
        };
        let mut context = Context::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in &self.context {
            let lower = key.to_ascii_lowercase();
            if seen.contains(&lower) {
                problems.push(problem(
                    At::ContextKey(key.clone()),
                    format!("context key `{key}` is given twice (condition keys are case-insensitive)"),
                    "keep one spelling",
                ));
            }
            seen.push(lower);
            context.insert(key.clone(), value.clone());
        }
        let Some(principal) = principal else {
            return Err(problems);
        };
        let (owner, assumption) = self.owner(&principal, &context, &mut problems);
        let mut request = Request {
            principal,
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: owner,
            context,
        };
        check_derived(&request, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        request.populate_derived_keys();
        Ok(Resolved {
            request,
            assumptions: assumption.into_iter().collect(),
        })
    }

    /// The account owning the resource, and the assumption made when nothing says it.
    fn owner(
        &self,
        principal: &RequestPrincipal,
        context: &Context,
        problems: &mut Vec<RequestProblem>,
    ) -> (Option<String>, Option<String>) {
        let in_arn = arn_account(&self.resource);
        let given = self.resource_account.as_deref();
        if let Some(r) = given.filter(|r| !is_account_id(r)) {
            problems.push(problem(
                At::Field("resourceAccount"),
                format!("`resourceAccount` `{r}` is not a 12-digit account id"),
                "give the account that owns the resource",
            ));
        }
        if let (Some(a), Some(r)) = (in_arn, given) {
            if a != r {
                problems.push(problem(
                    At::Field("resourceAccount"),
                    format!("`resourceAccount` `{r}` contradicts the account `{a}` of the resource ARN"),
                    "the ARN names the owner: remove `resourceAccount` or make it the same",
                ));
            }
        }
        let from_context = match context.get_entry("aws:ResourceAccount") {
            Some((key, ContextValue::Single(v))) => Some((key.to_owned(), v.clone())),
            Some((key, ContextValue::Multi(_))) => {
                problems.push(problem(
                    At::ContextKey(key.to_owned()),
                    format!("`{key}` is single-valued"),
                    "give one account id",
                ));
                None
            }
            None => None,
        };
        let stated = in_arn.or(given).map(str::to_owned);
        if let (Some(owner), Some((key, v))) = (&stated, &from_context) {
            if owner != v {
                problems.push(problem(
                    At::ContextKey(key.clone()),
                    format!("`{key}` is `{v}`, but the resource is in account `{owner}`"),
                    "remove the key (tenet derives it) or make it the resource's account",
                ));
            }
        }
        if let Some(owner) = stated.or_else(|| from_context.map(|(_, v)| v)) {
            return (Some(owner), None);
        }
        // `aws` names resources AWS owns: no customer account, and no assumption to make.
        if self.resource.split(':').nth(4) == Some("aws") {
            return (None, None);
        }
        match principal.account() {
            Some(account) => (
                Some(account.to_owned()),
                Some(format!(
                    "the resource is in the principal's account `{account}`: its ARN names no account; give `resourceAccount` to simulate another owner"
                )),
            ),
            None => {
                problems.push(problem(
                    At::Field("resource"),
                    format!(
                        "the resource ARN `{}` names no account and the principal `{}` has none",
                        self.resource,
                        principal.as_str()
                    ),
                    "give `resourceAccount`, the account that owns the resource",
                ));
                (None, None)
            }
        }
    }
}

/// Rejects given keys that contradict what AWS derives from the principal, or that AWS never sets
/// for this principal.
fn check_derived(request: &Request, problems: &mut Vec<RequestProblem>) {
    let mut derived = Request {
        context: Context::new(),
        ..request.clone()
    };
    derived.force_derived_keys();
    for (key, given) in request.context.iter() {
        let lower = key.to_ascii_lowercase();
        if lower == "aws:resourceaccount" {
            continue; // decided with the owner
        }
        match derived.context.get(key) {
            Some(ContextValue::Single(want)) => {
                let consistent = match given {
                    ContextValue::Single(v) => same_fact(&lower, v, want, &request.principal),
                    ContextValue::Multi(_) => false,
                };
                if !consistent {
                    problems.push(problem(
                        At::ContextKey(key.to_owned()),
                        format!(
                            "`{key}` is {}, but AWS sets it to `{want}` for the principal `{}`",
                            shown(given),
                            request.principal.as_str()
                        ),
                        "remove the key (tenet derives it from the principal) or change the principal",
                    ));
                }
            }
            Some(ContextValue::Multi(_)) => {}
            None if never_set(&lower, request) => problems.push(problem(
                At::ContextKey(key.to_owned()),
                format!(
                    "AWS does not set `{key}` for the principal `{}` and the action `{}`",
                    request.principal.as_str(),
                    request.action
                ),
                "remove the key, or change the principal or the action",
            )),
            None => {}
        }
    }
}

fn shown(v: &ContextValue) -> String {
    match v {
        ContextValue::Single(s) => format!("`{s}`"),
        ContextValue::Multi(list) => format!("a list of {} values (the key is single-valued)", list.len()),
    }
}

/// Whether a given value states the same fact as the derived one. A role session's
/// `aws:PrincipalArn` is its role's ARN, which may carry a path the session ARN does not show.
fn same_fact(lower_key: &str, given: &str, derived: &str, principal: &RequestPrincipal) -> bool {
    if given == derived {
        return true;
    }
    match lower_key {
        "aws:principalisawsservice" => given.eq_ignore_ascii_case(derived),
        "aws:principalarn" => match principal {
            RequestPrincipal::Aws {
                account,
                kind: AwsPrincipalKind::AssumedRole { role_name, .. },
                arn,
            } => {
                let partition = arn.split(':').nth(1).unwrap_or("aws");
                given
                    .strip_prefix(&format!("arn:{partition}:iam::{account}:role/"))
                    .and_then(|rest| rest.strip_suffix(role_name.as_str()))
                    .is_some_and(|path| path.is_empty() || path.ends_with('/'))
            }
            _ => false,
        },
        _ => false,
    }
}

/// Keys AWS derives for some callers but never sets for this one (called for keys the principal
/// did not derive): the table says so, or, for callers it has no row for (anonymous callers,
/// identity providers), a key read from a principal's name or account. `aws:PrincipalType` and
/// `aws:PrincipalIsAWSService` are left as given for them, as the guides do not list their values.
fn never_set(lower_key: &str, request: &Request) -> bool {
    let kms = is_kms_action(&request.action);
    let rows = derived_keys(&request.principal);
    match rows.iter().find(|r| r.key.eq_ignore_ascii_case(lower_key)) {
        Some(row) => row.value == Derived::Absent || (row.kms_only && !kms),
        None => match lower_key {
            "kms:calleraccount" => !kms,
            "aws:principaltype" | "aws:principalisawsservice" => false,
            k => PRINCIPAL_KEYS.iter().any(|p| p.eq_ignore_ascii_case(k)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> ScenarioRequest {
        serde_json::from_str(json).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn problems(json: &str) -> Vec<(At, String)> {
        match request(json).resolve() {
            Ok(_) => Vec::new(),
            Err(ps) => ps.into_iter().map(|p| (p.at, p.message)).collect(),
        }
    }

    const ALICE: &str = "arn:aws:iam::111111111111:user/alice";

    #[test]
    fn an_s3_owner_is_given_taken_from_the_context_or_assumed_and_said() {
        let r = request(&format!(
            r#"{{"principal": "{ALICE}", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}}"#
        ))
        .resolve()
        .unwrap_or_else(|_| unreachable!());
        assert_eq!(r.request.resource_account(), Some("111111111111"));
        assert_eq!(
            r.request.context.get("aws:ResourceAccount"),
            Some(&ContextValue::Single("111111111111".into()))
        );
        assert_eq!(r.assumptions.len(), 1);
        assert!(r.assumptions[0].contains("`111111111111`"), "{:?}", r.assumptions);
        // `aws:ResourceAccount` in the context is honoured as the owner: the request is cross-account.
        let r = request(&format!(
            r#"{{"principal": "{ALICE}", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                 "context": {{"aws:resourceaccount": "222222222222"}}}}"#
        ))
        .resolve()
        .unwrap_or_else(|_| unreachable!());
        assert!(r.assumptions.is_empty());
        assert!(r.request.is_cross_account());
        // A caller without an account must say who owns the bucket.
        let found = problems(r#"{"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, At::Field("resource"));
    }

    #[test]
    fn owners_that_contradict_each_other_are_rejected() {
        let found = problems(&format!(
            r#"{{"principal": "{ALICE}", "action": "kms:Decrypt",
                 "resource": "arn:aws:kms:us-east-1:333333333333:key/k", "resourceAccount": "444444444444",
                 "context": {{"aws:ResourceAccount": "555555555555"}}}}"#
        ));
        let at: Vec<&At> = found.iter().map(|(a, _)| a).collect();
        assert_eq!(
            at,
            vec![
                &At::Field("resourceAccount"),
                &At::ContextKey("aws:ResourceAccount".into())
            ]
        );
        let found = problems(&format!(
            r#"{{"principal": "{ALICE}", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "12"}}"#
        ));
        assert!(found[0].1.contains("12-digit"), "{found:?}");
    }

    #[test]
    fn derived_keys_that_contradict_the_principal_are_rejected() {
        let found = problems(&format!(
            r#"{{"principal": "{ALICE}", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-east-1:111111111111:key/k",
                 "context": {{"aws:PrincipalAccount": "999999999999", "kms:CallerAccount": "111111111111",
                              "aws:username": "bob", "aws:PrincipalServiceName": "lambda.amazonaws.com"}}}}"#
        ));
        let keys: Vec<String> = found
            .iter()
            .filter_map(|(a, _)| match a {
                At::ContextKey(k) => Some(k.clone()),
                At::Field(_) => None,
            })
            .collect();
        assert_eq!(
            keys,
            vec!["aws:PrincipalAccount", "aws:PrincipalServiceName", "aws:username"]
        );
        // kms:CallerAccount is not set for other services; aws:username not for a role session.
        let found = problems(
            r#"{"principal": "arn:aws:sts::111111111111:assumed-role/App/s", "action": "s3:GetObject",
                "resource": "arn:aws:s3:::b/k", "context": {"kms:CallerAccount": "111111111111", "aws:username": "s"}}"#,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().all(|(_, m)| m.starts_with("AWS does not set")),
            "{found:?}"
        );
        // A service principal carries no kms:CallerAccount, even on a KMS action (the derived-key
        // table; the evaluator removes it from such requests too).
        let found = problems(
            r#"{"principal": "cloudtrail.amazonaws.com", "action": "kms:GenerateDataKey",
                "resource": "arn:aws:kms:us-east-1:111111111111:key/k", "context": {"kms:CallerAccount": "111111111111"}}"#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn consistent_keys_are_honoured_and_a_role_path_is_allowed() {
        let r = request(
            r#"{"principal": "arn:aws:sts::111111111111:assumed-role/App/s", "action": "s3:GetObject",
                "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111",
                "context": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/team/App",
                            "aws:PrincipalAccount": "111111111111", "aws:PrincipalIsAWSService": "FALSE"}}"#,
        )
        .resolve()
        .unwrap_or_else(|p| unreachable!("{p:?}"));
        assert_eq!(
            r.request.context.get("aws:PrincipalArn"),
            Some(&ContextValue::Single("arn:aws:iam::111111111111:role/team/App".into()))
        );
        // Another role's ARN, or the role in another account, is not this session's.
        for arn in [
            "arn:aws:iam::111111111111:role/team/Other",
            "arn:aws:iam::222222222222:role/App",
            "arn:aws:iam::111111111111:role/xApp",
        ] {
            let found = problems(&format!(
                r#"{{"principal": "arn:aws:sts::111111111111:assumed-role/App/s", "action": "s3:GetObject",
                     "resource": "arn:aws:s3:::b/k", "context": {{"aws:PrincipalArn": "{arn}"}}}}"#
            ));
            assert_eq!(found.len(), 1, "{arn}: {found:?}");
        }
    }

    #[test]
    fn a_key_given_in_two_cases_is_rejected() {
        let found = problems(&format!(
            r#"{{"principal": "{ALICE}", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                 "context": {{"aws:SourceIp": "192.0.2.1", "aws:sourceip": "192.0.2.2"}}}}"#
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("given twice"));
    }
}
