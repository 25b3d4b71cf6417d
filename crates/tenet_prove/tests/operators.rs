//! Every condition operator, in every form IAM accepts (plain, `IfExists`, `ForAnyValue:`,
//! `ForAllValues:`), written into a one-statement policy, parsed like the linter parses it, encoded
//! and evaluated on the same requests: absent keys, single values, empty and multi-valued sets,
//! unparsable values. The operators come from `ConditionOperator::ALL`, so an operator added to the
//! evaluator without its encoding (the encoder then approximates it) or with an encoding that
//! disagrees fails here.

mod common;

use common::assignment;
use std::collections::BTreeMap;
use tenet_ast::eval::{condition_holds, ContextValue, Request};
use tenet_ast::{ConditionOperator, OperatorFamily, Policy, QualifiedOperator, SetQualifier, Span};
use tenet_diagnostics::Severity;
use tenet_prove::encode::Encoder;
use tenet_prove::principals::candidates;
use tenet_prove::property::allowed_alone;

/// The operators the encoder approximates on purpose (a free boolean, so `unknown` rather than a
/// proof), with a word of the reason it gives: none. An operator may only join this list with a
/// reason; any other approximated operator fails the test.
const APPROXIMATED: [(ConditionOperator, &str); 0] = [];

const KEY: &str = "tenet:TestKey";

/// Policy values and request values for each operator family.
fn samples(family: OperatorFamily) -> (Vec<&'static str>, Vec<&'static str>) {
    match family {
        OperatorFamily::String => (vec!["abc", "a*c"], vec!["abc", "aXc", "ABC", "zz", ""]),
        OperatorFamily::Numeric => (vec!["1.5", "10"], vec!["1.5", "1.25", "10", "11", "-3", "x"]),
        OperatorFamily::Date => (
            vec!["2020-01-01T00:00:00Z", "1600000000"],
            vec!["2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", "1600000001", "nope"],
        ),
        OperatorFamily::Bool => (vec!["true"], vec!["true", "false", "TRUE", "maybe"]),
        // Base64 as the evaluator reads it: URL-safe symbols, whitespace, padding, and the bits past
        // the last byte ignored (`QR==` is `QQ==`); `Q` alone is not a byte.
        OperatorFamily::Binary => (
            vec!["QUJD", "QQ==", "+/8"],
            vec![
                "QUJD", "QUJE", "!!", "QU JD\n", "QR==", "QQ", "Q", "-_8=", "QUJD=", "", "QUJ=D",
            ],
        ),
        OperatorFamily::IpAddress => (
            vec!["10.0.0.0/8", "2001:db8::/32"],
            vec!["10.1.2.3", "11.0.0.1", "2001:db8::1", "::1", "x"],
        ),
        OperatorFamily::Arn => (
            vec!["arn:aws:s3:::b/*", "arn:aws:iam::111111111111:role/r"],
            vec![
                "arn:aws:s3:::b/k",
                "arn:aws:s3:::c/k",
                "arn:aws:iam::111111111111:role/r",
                "x",
            ],
        ),
        OperatorFamily::Null => (vec!["true", "false"], vec!["v"]),
    }
}

/// Whether IAM accepts the operator name, asked of the parser the linter uses.
fn accepted(name: &str) -> bool {
    let (parsed, diagnostics) = tenet_syntax::grammar::operator::parse_operator(name, Span::default());
    parsed.is_some() && diagnostics.iter().all(|d| d.severity != Severity::Error)
}

/// A one-statement identity policy with the condition `operator: {KEY: values}`, parsed.
fn policy(operator: &str, values: &[&str]) -> Policy {
    let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {{"{operator}": {{"{KEY}": [{}]}}}}}}]}}"#,
        values.join(", ")
    );
    let parsed = tenet_syntax::parse_policy_file("operator.json", &text, None);
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{operator}: {errors:?}");
    parsed
        .documents
        .into_iter()
        .next()
        .map(|d| d.policy)
        .unwrap_or_default()
}

/// The request contexts to compare on: the key absent, an empty set, each sample alone, and sets
/// of two and three samples.
fn contexts(request_values: &[&str]) -> Vec<Option<ContextValue>> {
    let mut out: Vec<Option<ContextValue>> = vec![None, Some(ContextValue::Multi(vec![]))];
    for v in request_values {
        out.push(Some(ContextValue::Single((*v).into())));
    }
    for n in [2, 3] {
        out.push(Some(ContextValue::Multi(
            request_values.iter().take(n).map(|v| (*v).to_string()).collect(),
        )));
    }
    out
}

#[test]
fn every_operator_agrees_with_the_evaluator() {
    let mut compared = 0;
    let mut forms = 0;
    let mut rejected = Vec::new();
    let mut approximated = Vec::new();
    for op in ConditionOperator::ALL {
        let (policy_values, request_values) = samples(op.family());
        for qualifier in [None, Some(SetQualifier::ForAnyValue), Some(SetQualifier::ForAllValues)] {
            for if_exists in [false, true] {
                let form = QualifiedOperator {
                    qualifier,
                    operator: op,
                    if_exists,
                };
                let name = form.to_string();
                if !accepted(&name) {
                    rejected.push(name);
                    continue;
                }
                let policy = policy(&name, &policy_values);
                let Some(cond) = policy
                    .statements
                    .first()
                    .and_then(|s| s.value.conditions().first())
                    .cloned()
                else {
                    unreachable!("{name}: the policy has no condition")
                };
                assert_eq!(cond.parsed, Some(form), "{name}");
                let mut enc = Encoder::new(&[&policy], candidates([&policy], &[], &[]), &[]);
                let condition = enc.condition(&cond, true);
                let allowed = enc.allowed_alone(&policy);
                // (a) The encoding is exact: no free boolean, no restricted request space.
                let reasons: Vec<&String> = enc.approx.over.iter().chain(&enc.approx.under).collect();
                if !reasons.is_empty() {
                    let expected = APPROXIMATED.iter().find(|(o, _)| *o == op);
                    assert!(
                        expected.is_some_and(|(_, word)| reasons.iter().all(|r| r.contains(word))),
                        "{name} is not encoded exactly: {reasons:?}"
                    );
                    approximated.push(op);
                    continue;
                }
                forms += 1;
                let mut vars = BTreeMap::new();
                condition.collect_vars(&mut vars);
                allowed.collect_vars(&mut vars);
                enc.domain().collect_vars(&mut vars);
                // A candidate principal of the encoding: a user of the account nothing names.
                let fresh = enc.fresh_account().unwrap_or_default().to_owned();
                // (b) The encoding and the evaluator agree, on the condition and on the decision.
                for value in contexts(&request_values) {
                    let mut req = Request::new(&format!("arn:aws:iam::{fresh}:user/tenet-user"), "s3:GetObject", "*")
                        .unwrap_or_else(|e| unreachable!("{e}"));
                    req.resource_account = Some(fresh.clone());
                    if let Some(v) = value.clone() {
                        req.context.insert(KEY, v);
                    }
                    // A set read without a qualifier has no documented meaning unless it holds one
                    // value: the encoding leaves it open.
                    if enc.reading_dependent(&req).is_some() {
                        continue;
                    }
                    let Some(fixed) = enc.fix(&req) else {
                        // Outside the modelled space: only sets may be (on a single-valued key, or
                        // larger than the bound).
                        assert!(
                            matches!(value, Some(ContextValue::Multi(_))),
                            "{name}: {value:?} is outside the encoding"
                        );
                        continue;
                    };
                    let a = assignment(&fixed, &vars);
                    let holds = condition_holds(&cond, &policy, &req);
                    assert_eq!(condition.eval(&a), Some(holds), "{name} {policy_values:?} on {value:?}");
                    assert_eq!(
                        allowed.eval(&a),
                        Some(allowed_alone(&policy, &req)),
                        "{name} {policy_values:?} on {value:?}: the decision"
                    );
                    compared += 1;
                }
            }
        }
    }
    // What the parser rejects: `Null` with `IfExists`, and nothing else.
    assert_eq!(
        rejected,
        ["NullIfExists", "ForAnyValue:NullIfExists", "ForAllValues:NullIfExists"],
        "forms IAM rejects"
    );
    approximated.dedup();
    let listed: Vec<ConditionOperator> = APPROXIMATED.iter().map(|(o, _)| *o).collect();
    assert_eq!(approximated, listed, "approximated operators");
    assert!(forms >= 140, "only {forms} operator forms encoded");
    assert!(compared >= 1000, "only {compared} comparisons");
}
