//! Tests of the evaluator, written with a tiny statement builder instead of JSON.

use super::*;
use crate::operator::{ConditionOperator, QualifiedOperator, SetQualifier};
use crate::policy::{
    ConditionValue, ElementList, PrincipalEntry, PrincipalType, PrincipalValue, Principals, Statement, Version,
};
use crate::{Span, Spanned};

// ---------------------------------------------------------------------------------------------
// Builders.

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

struct S(Statement);

fn allow() -> S {
    S(Statement {
        effect: Some(sp(Effect::Allow)),
        ..Statement::default()
    })
}

fn deny() -> S {
    S(Statement {
        effect: Some(sp(Effect::Deny)),
        ..Statement::default()
    })
}

fn push_list(slot: &mut Option<Spanned<ElementList>>, value: &str, negated: bool) {
    let list = slot.get_or_insert_with(|| {
        sp(ElementList {
            negated: sp(negated),
            items: Vec::new(),
            is_array: true,
        })
    });
    list.value.items.push(sp(value.to_owned()));
}

fn parse_op(name: &str) -> Option<QualifiedOperator> {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, name)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    Some(QualifiedOperator {
        qualifier,
        operator: ConditionOperator::from_name(base)?,
        if_exists,
    })
}

impl S {
    fn sid(mut self, sid: &str) -> Self {
        self.0.sid = Some(sp(sid.to_owned()));
        self
    }
    fn action(mut self, a: &str) -> Self {
        push_list(&mut self.0.action, a, false);
        self
    }
    fn not_action(mut self, a: &str) -> Self {
        push_list(&mut self.0.action, a, true);
        self
    }
    fn resource(mut self, r: &str) -> Self {
        push_list(&mut self.0.resource, r, false);
        self
    }
    fn not_resource(mut self, r: &str) -> Self {
        push_list(&mut self.0.resource, r, true);
        self
    }
    fn principal_star(mut self) -> Self {
        self.0.principal = Some(sp(Principals {
            negated: sp(false),
            value: PrincipalValue::Any,
        }));
        self
    }
    fn principal_entry(mut self, ty: PrincipalType, value: &str, negated: bool) -> Self {
        let p = self.0.principal.get_or_insert_with(|| {
            sp(Principals {
                negated: sp(negated),
                value: PrincipalValue::Map(Vec::new()),
            })
        });
        if let PrincipalValue::Map(entries) = &mut p.value.value {
            entries.push(PrincipalEntry {
                ty: sp(ty),
                values: vec![sp(value.to_owned())],
                is_array: false,
            });
        }
        self
    }
    fn aws(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Aws, p, false)
    }
    fn not_aws(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Aws, p, true)
    }
    fn service(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Service, p, false)
    }
    fn federated(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Federated, p, false)
    }
    fn cond(mut self, op: &str, key: &str, values: &[&str]) -> Self {
        let cond = Condition {
            operator: sp(op.to_owned()),
            parsed: parse_op(op),
            key: sp(key.to_owned()),
            values: values
                .iter()
                .map(|v| sp(ConditionValue::String((*v).to_owned())))
                .collect(),
            is_array: values.len() != 1,
        };
        self.0.condition.get_or_insert_with(|| sp(Vec::new())).value.push(cond);
        self
    }
}

fn policy(statements: Vec<S>) -> Policy {
    Policy {
        version: Some(sp(Version::V2012_10_17)),
        id: None,
        statements: statements.into_iter().map(|s| sp(s.0)).collect(),
        unresolved: Vec::new(),
    }
}

fn policy_2008(statements: Vec<S>) -> Policy {
    Policy {
        version: Some(sp(Version::V2008_10_17)),
        ..policy(statements)
    }
}

fn req(principal: &str, action: &str, resource: &str) -> Request {
    match Request::new(principal, action, resource) {
        Ok(r) => r,
        Err(e) => panic!("bad test request: {e}"),
    }
}

fn with(mut r: Request, key: &str, value: &str) -> Request {
    r.context.insert(key, ContextValue::Single(value.to_owned()));
    r
}

fn with_multi(mut r: Request, key: &str, values: &[&str]) -> Request {
    r.context.insert(
        key,
        ContextValue::Multi(values.iter().map(|s| (*s).to_owned()).collect()),
    );
    r
}

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const ROLE: &str = "arn:aws:iam::111111111111:role/App";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/App/s1";
const OTHER_SESSION: &str = "arn:aws:sts::222222222222:assumed-role/Ext/s1";
const BUCKET_OBJ: &str = "arn:aws:s3:::bucket/key.txt";
const KEY: &str = "arn:aws:kms:us-east-1:333333333333:key/k-1";
const LOCAL_KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/k-1";

/// Evaluates a condition in a one-statement policy.
fn holds(s: S, r: &Request) -> bool {
    let p = policy(vec![s.action("*").resource("*")]);
    statement_applies(&p.statements[0].value, &p, r)
}

fn get_obj(principal: &str) -> Request {
    req(principal, "s3:GetObject", BUCKET_OBJ)
}

fn decision(r: &Request, ps: &PolicySet) -> Decision {
    evaluate(r, ps).decision
}

fn s3_read() -> Policy {
    policy(vec![allow()
        .sid("Read")
        .action("s3:GetObject")
        .resource("arn:aws:s3:::bucket/*")])
}

mod conditions;
mod context;
mod elements;
mod federation;
mod kms;
mod logic;
mod principals;
mod soundness;
mod variables;
mod wildcards;
mod world;
