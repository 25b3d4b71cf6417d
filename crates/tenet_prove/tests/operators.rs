//! Every condition operator, in every form (plain, `IfExists`, `ForAnyValue:`, `ForAllValues:`),
//! encoded and evaluated on the same requests: absent keys, single values, empty and multi-valued
//! sets, unparsable values. The operators come from `ConditionOperator::ALL`, so an operator added to
//! the evaluator without its encoding (or the reverse) fails here.

mod common;

use common::assignment;
use std::collections::BTreeMap;
use tenet_ast::eval::{condition_holds, ContextValue, Request};
use tenet_ast::{
    Condition, ConditionOperator, ConditionValue, OperatorFamily, Policy, QualifiedOperator, SetQualifier, Span,
    Spanned, Statement, Version,
};
use tenet_prove::encode::Encoder;
use tenet_prove::principals::candidates;

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Span::default())
}

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
        OperatorFamily::Binary => (vec!["QUJD"], vec!["QUJD", "QUJE", "!!"]),
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

#[test]
fn every_operator_agrees_with_the_evaluator() {
    let key = "tenet:TestKey";
    let mut compared = 0;
    let mut forms = 0;
    for op in ConditionOperator::ALL {
        let family = op.family();
        let qualifiers: &[Option<SetQualifier>] = if family == OperatorFamily::Null {
            &[None]
        } else {
            &[None, Some(SetQualifier::ForAnyValue), Some(SetQualifier::ForAllValues)]
        };
        let (policy_values, request_values) = samples(family);
        for &qualifier in qualifiers {
            for if_exists in [false, true] {
                if family == OperatorFamily::Null && if_exists {
                    continue;
                }
                let parsed = QualifiedOperator {
                    qualifier,
                    operator: op,
                    if_exists,
                };
                let cond = Condition {
                    operator: sp(parsed.to_string()),
                    parsed: Some(parsed),
                    key: sp(key.to_owned()),
                    values: policy_values
                        .iter()
                        .map(|v| sp(ConditionValue::String((*v).into())))
                        .collect(),
                    is_array: true,
                };
                let stmt = Statement {
                    condition: Some(sp(vec![cond.clone()])),
                    ..Statement::default()
                };
                let policy = Policy {
                    version: Some(sp(Version::V2012_10_17)),
                    id: None,
                    statements: vec![sp(stmt)],
                    unresolved: Vec::new(),
                };
                let mut enc = Encoder::new(&[&policy], candidates([&policy], &[], &[]), &[]);
                let formula = enc.condition(&cond, true);
                if !enc.approx.over.is_empty() {
                    // Modelled as a free boolean (BinaryEquals): nothing to compare.
                    assert_eq!(op, ConditionOperator::BinaryEquals, "{parsed}: {:?}", enc.approx.over);
                    continue;
                }
                forms += 1;
                let mut vars = BTreeMap::new();
                formula.collect_vars(&mut vars);
                enc.domain().collect_vars(&mut vars);
                let mut contexts: Vec<Option<ContextValue>> = vec![None, Some(ContextValue::Multi(vec![]))];
                for v in &request_values {
                    contexts.push(Some(ContextValue::Single((*v).into())));
                }
                contexts.push(Some(ContextValue::Multi(
                    request_values.iter().take(2).map(|v| (*v).to_string()).collect(),
                )));
                for value in contexts {
                    // A candidate principal of the encoding (a fresh user of an account named nowhere).
                    let mut req = Request::new("arn:aws:iam::999999999999:user/tenet-user", "s3:GetObject", "*")
                        .unwrap_or_else(|e| unreachable!("{e}"));
                    req.resource_account = Some("999999999999".into());
                    if let Some(v) = value.clone() {
                        req.context.insert(key, v);
                    }
                    if enc.reading_dependent(&req).is_some() {
                        continue;
                    }
                    let Some(fixed) = enc.fix(&req) else { continue };
                    let a = assignment(&fixed, &vars);
                    let expected = condition_holds(&cond, &policy, &req);
                    assert_eq!(
                        formula.eval(&a),
                        Some(expected),
                        "{parsed} {:?} on {value:?}",
                        policy_values
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(forms >= 100, "only {forms} operator forms encoded");
    assert!(compared >= 500, "only {compared} comparisons");
}
