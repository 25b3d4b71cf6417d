//! The documented disagreement classes between tenet and iam-simulate. Each class is a predicate
//! over a disagreeing case (what the scenario exercises, both decisions), the AWS documentation
//! sentence that decides who is right, and the verdict. `docs/semantics.md` lists the same classes
//! with a minimal scenario each.
//!
//! A class is matched only in the direction it explains (e.g. tenet allows through a grant and
//! iam-simulate denies), so a new kind of disagreement in the same area stays unclassified.

use std::collections::BTreeSet;

use serde_json::Value;
use tenet_ast::eval::Decision;

/// Who the AWS documentation says is right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// tenet follows the documentation; iam-simulate does not.
    TenetRight,
    /// tenet departs from the documentation (a bug to fix in tenet).
    TenetWrong,
    /// The documentation does not decide it.
    Open,
}

/// One disagreeing scenario, as the classifier sees it.
pub struct Case<'a> {
    /// The generator's tags.
    pub tags: &'a BTreeSet<String>,
    /// The scenario.
    pub scenario: &'a Value,
    /// tenet's decision.
    pub tenet: Decision,
    /// Whether tenet allowed through a KMS grant.
    pub tenet_by_grant: bool,
    /// tenet's reason.
    pub tenet_reason: &'a str,
    /// iam-simulate's decision.
    pub peer: Decision,
    /// The context keys iam-simulate dropped as not applicable to the action.
    pub peer_ignored_keys: &'a [String],
    /// iam-simulate's result for each policy type (`{"identity": "Allowed", ...}`).
    pub peer_parts: &'a Value,
    /// The request context both evaluators read (tenet's, with its derived keys).
    pub context: &'a Value,
    /// The decisions on the scenario's ISO-dated twin, when it has epoch dates.
    pub twin: Option<Twin>,
}

/// What the two evaluators said on a scenario's twin (`twin.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Twin {
    /// tenet's decision on the twin.
    pub tenet: Decision,
    /// iam-simulate's decision on the twin.
    pub peer: Decision,
    /// Whether the two agree on the twin, or their disagreement there is in a documented class.
    pub explained: bool,
}

impl Case<'_> {
    fn has(&self, tag: &str) -> bool {
        self.tags.contains(tag)
    }

    /// Whether some statement of some policy of the scenario satisfies `pred`.
    fn any_statement(&self, pred: impl Fn(&Value) -> bool) -> bool {
        let mut found = false;
        visit_policies(self.scenario, &mut |policy| {
            let statements = policy.get("Statement").and_then(Value::as_array);
            if statements.into_iter().flatten().any(&pred) {
                found = true;
            }
        });
        found
    }

    /// Whether some condition of some policy of the scenario satisfies `pred(operator, key, value)`,
    /// where `value` is the key's value in the request context (looked up case-insensitively).
    fn any_condition(&self, pred: impl Fn(&str, &str, Option<&Value>) -> bool) -> bool {
        let mut found = false;
        visit_policies(self.scenario, &mut |policy| {
            let Some(statements) = policy.get("Statement").and_then(Value::as_array) else {
                return;
            };
            for stmt in statements {
                let Some(block) = stmt.get("Condition").and_then(Value::as_object) else {
                    continue;
                };
                for (op, keys) in block {
                    for key in keys.as_object().map(|k| k.keys()).into_iter().flatten() {
                        if pred(op, key, self.context_value(key)) {
                            found = true;
                        }
                    }
                }
            }
        });
        found
    }

    fn context_value(&self, key: &str) -> Option<&Value> {
        self.context
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// iam-simulate's result for one policy type (`""` when it has none).
    fn part(&self, name: &str) -> &str {
        self.peer_parts.get(name).and_then(Value::as_str).unwrap_or("")
    }
}

/// A documented class.
pub struct Class {
    /// Its name (stable: docs/semantics.md uses it).
    pub name: &'static str,
    /// Who is right.
    pub verdict: Verdict,
    /// Whether a case belongs to it.
    pub matches: fn(&Case) -> bool,
}

/// Every class, in the order they are tried.
pub const CLASSES: &[Class] = &[
    Class {
        name: "epoch-dates-misread-by-iam-simulate",
        verdict: Verdict::TenetRight,
        // Written as ISO 8601, the same dates leave tenet's decision as it was but change
        // iam-simulate's; whatever difference remains on the twin is itself explained.
        matches: |c| {
            c.twin
                .is_some_and(|t| t.tenet == c.tenet && t.peer != c.peer && t.explained)
        },
    },
    Class {
        name: "kms-grant-not-modelled-by-iam-simulate",
        verdict: Verdict::TenetRight,
        matches: |c| c.has("policy:grant") && c.tenet_by_grant && c.peer == Decision::ImplicitlyDenied,
    },
    Class {
        name: "rcp-full-aws-access-is-implicit",
        verdict: Verdict::TenetWrong,
        matches: |c| {
            c.has("policy:rcp")
                && c.tenet == Decision::ImplicitlyDenied
                && c.tenet_reason.starts_with("no resource control policy allows")
        },
    },
    Class {
        name: "get-caller-identity-needs-no-permission",
        verdict: Verdict::TenetWrong,
        matches: |c| c.has("family:sts-get-caller-identity") && c.peer == Decision::Allowed,
    },
    Class {
        name: "trust-policy-must-allow-in-same-account",
        verdict: Verdict::TenetWrong,
        matches: |c| {
            c.has("family:sts-assume-role")
                && c.has("same-account")
                && c.tenet == Decision::Allowed
                && c.tenet_reason.starts_with("allowed by identity")
                && c.peer == Decision::ImplicitlyDenied
                && c.part("resource") != "Allowed"
        },
    },
    Class {
        name: "root-user-needs-no-identity-policy",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.has("principal:root")
                && c.tenet == Decision::Allowed
                && c.peer == Decision::ImplicitlyDenied
                && c.part("identity") == "ImplicitlyDenied"
        },
    },
    Class {
        name: "root-user-cannot-assume-role",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.has("principal:root")
                && c.has("family:sts-assume-role")
                && c.tenet == Decision::ImplicitlyDenied
                && c.peer == Decision::Allowed
        },
    },
    Class {
        name: "kms-refuses-anonymous-callers",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.has("principal:anonymous")
                && c.tenet == Decision::ImplicitlyDenied
                && c.tenet_reason.starts_with("KMS refuses unauthenticated requests")
        },
    },
    Class {
        name: "session-arn-grant-not-capped-by-session-policy",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.has("policy:session")
                && (c.has("rp-principal:exact") || c.has("rp-principal:session-arn"))
                && c.tenet == Decision::Allowed
                && c.peer == Decision::ImplicitlyDenied
                && c.part("session") == "ImplicitlyDenied"
                && c.part("resource") == "Allowed"
        },
    },
    Class {
        name: "kms-encryption-context-keys-dropped-by-iam-simulate",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.has("key:kms-encryption-context")
                && c.peer_ignored_keys
                    .iter()
                    .any(|k| k.to_ascii_lowercase().starts_with("kms:encryptioncontext:"))
        },
    },
    Class {
        name: "plain-operator-on-multivalued-key",
        verdict: Verdict::Open,
        matches: |c| {
            c.any_condition(|op, _, value| !op.contains(':') && op != "Null" && value.is_some_and(Value::is_array))
        },
    },
    Class {
        name: "for-any-value-if-exists-on-absent-key",
        verdict: Verdict::Open,
        matches: |c| {
            c.any_condition(|op, _, value| {
                op.starts_with("ForAnyValue:") && op.ends_with("IfExists") && value.is_none()
            })
        },
    },
    Class {
        // STS API Reference, GetFederationToken `Policy`: without a session policy "the resulting
        // federated user session has no permissions" (only a resource policy naming the session
        // itself grants it); iam-simulate lets the user's identity policies through.
        name: "federated-session-without-session-policy",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.has("principal:federated-user")
                && c.has("federated-by")
                && !c.has("policy:session")
                && c.tenet == Decision::ImplicitlyDenied
                && c.tenet_reason.starts_with("no session policy")
                && c.peer == Decision::Allowed
        },
    },
    Class {
        name: "star-principal-vs-boundary-or-session-cap",
        verdict: Verdict::Open,
        matches: |c| {
            (c.tenet_reason.starts_with("no permissions boundary") || c.tenet_reason.starts_with("no session policy"))
                && c.peer == Decision::Allowed
                && (c.has("rp-principal:star") || c.has("rp-principal:aws-star") || c.has("element:NotPrincipal-allow"))
        },
    },
    Class {
        name: "not-principal-allow",
        verdict: Verdict::Open,
        matches: |c| {
            c.has("element:NotPrincipal-allow") && c.tenet == Decision::Allowed && c.peer == Decision::ImplicitlyDenied
        },
    },
    Class {
        name: "ipv6-request-against-ipv4-ranges",
        verdict: Verdict::TenetRight,
        matches: |c| {
            c.any_condition(|op, _, value| {
                op.contains("IpAddress") && value.and_then(Value::as_str).is_some_and(|v| v.contains(':'))
            })
        },
    },
    Class {
        name: "null-on-empty-list",
        verdict: Verdict::Open,
        matches: |c| {
            c.any_condition(|op, _, value| op == "Null" && value.and_then(Value::as_array).is_some_and(Vec::is_empty))
        },
    },
    Class {
        name: "not-principal-deny-without-account",
        verdict: Verdict::Open,
        matches: |c| {
            c.has("element:NotPrincipal-deny")
                && c.tenet == Decision::ExplicitlyDenied
                && (c.tenet_reason.contains("resource-based policy")
                    || c.tenet_reason.contains("key policy")
                    || c.tenet_reason.contains("trust policy"))
        },
    },
    Class {
        name: "absent-policy-variable",
        verdict: Verdict::Open,
        matches: |c| c.any_statement(|stmt| absent_variables(stmt, c.context)),
    },
];

/// Whether a statement uses a policy variable (`${key}`, no default value) whose key the request
/// context lacks.
fn absent_variables(stmt: &Value, context: &Value) -> bool {
    let text = stmt.to_string();
    let mut rest = text.as_str();
    while let Some((_, after)) = rest.split_once("${") {
        let Some((name, tail)) = after.split_once('}') else {
            return false;
        };
        let special = matches!(name, "*" | "?" | "$") || name.contains(',');
        let present = context
            .as_object()
            .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(name)));
        if !special && !present {
            return true;
        }
        rest = tail;
    }
    false
}

/// Calls `f` on every policy document of a scenario.
fn visit_policies(scenario: &Value, f: &mut impl FnMut(&Value)) {
    for key in ["identityPolicies", "permissionBoundaries"] {
        for p in scenario.get(key).and_then(Value::as_array).into_iter().flatten() {
            f(p);
        }
    }
    for key in ["resourcePolicy", "sessionPolicy"] {
        if let Some(p) = scenario.get(key) {
            f(p);
        }
    }
    for key in ["serviceControlPolicies", "resourceControlPolicies"] {
        for level in scenario.get(key).and_then(Value::as_array).into_iter().flatten() {
            for p in level.as_array().into_iter().flatten() {
                f(p);
            }
        }
    }
}

/// The first class that explains the case.
pub fn classify(case: &Case) -> Option<&'static Class> {
    CLASSES.iter().find(|c| (c.matches)(case))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case<'a>(
        tags: &'a BTreeSet<String>,
        scenario: &'a Value,
        context: &'a Value,
        parts: &'a Value,
        tenet: Decision,
        peer: Decision,
    ) -> Case<'a> {
        Case {
            tags,
            scenario,
            tenet,
            tenet_by_grant: false,
            tenet_reason: "",
            peer,
            peer_ignored_keys: &[],
            peer_parts: parts,
            context,
            twin: None,
        }
    }

    #[test]
    fn classes_match_only_in_the_direction_they_explain() {
        let none = json!({});
        let tags: BTreeSet<String> = ["family:sts-get-caller-identity".to_owned()].into();
        let c = case(
            &tags,
            &none,
            &none,
            &none,
            Decision::ExplicitlyDenied,
            Decision::Allowed,
        );
        assert_eq!(
            classify(&c).map(|c| c.name),
            Some("get-caller-identity-needs-no-permission")
        );
        // The other direction is not explained by that class.
        let c = case(
            &tags,
            &none,
            &none,
            &none,
            Decision::Allowed,
            Decision::ImplicitlyDenied,
        );
        assert!(classify(&c).is_none());
    }

    #[test]
    fn plain_operator_class_reads_the_context_value() {
        let scenario = json!({"identityPolicies": [{"Statement": [
            {"Effect": "Allow", "Condition": {"StringLike": {"aws:PrincipalOrgPaths": "o-1/*"}}}]}]});
        let empty = BTreeSet::new();
        let multi = json!({"aws:principalorgpaths": ["o-1/r/", "o-1/s/"]});
        let single = json!({"aws:PrincipalOrgPaths": "o-1/r/"});
        let parts = json!({});
        let c = case(
            &empty,
            &scenario,
            &multi,
            &parts,
            Decision::Allowed,
            Decision::ImplicitlyDenied,
        );
        assert_eq!(classify(&c).map(|c| c.name), Some("plain-operator-on-multivalued-key"));
        let c = case(
            &empty,
            &scenario,
            &single,
            &parts,
            Decision::Allowed,
            Decision::ImplicitlyDenied,
        );
        assert!(classify(&c).is_none());
    }
}
