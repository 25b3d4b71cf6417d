//! CloudFormation intrinsic functions, evaluated as far as the template itself decides them.
//!
//! `Ref` to a parameter (its `--parameter` value or its `Default`), to a pseudo parameter given with
//! `--parameter AWS::AccountId=...`, or to a resource whose name property is written in the
//! template; `Fn::GetAtt` of such a bucket's, role's or queue's `Arn`; `Fn::Sub`, `Fn::Join`,
//! `Fn::Select` and `Fn::FindInMap` over what resolves. Everything else (`Fn::If`,
//! `Fn::ImportValue`, a generated name, an unknown account) becomes an unresolved value, never a
//! guess.

use std::collections::BTreeMap;

use tenet_diagnostics::Span;

use crate::tree::{Kind, Node, Piece, Text};

/// What a template resolves: parameters, resources, mappings.
pub(crate) struct Scope<'a> {
    /// Parameter and pseudo-parameter values: given on the command line, or a parameter's default.
    pub values: BTreeMap<String, Node>,
    /// Values given on the command line (used as synthetic text at the reference).
    pub given: &'a BTreeMap<String, String>,
    /// Resources: logical id -> (type, properties).
    pub resources: BTreeMap<String, (String, Option<&'a Node>)>,
    /// The `Mappings` section.
    pub mappings: Option<&'a Node>,
    /// Values of references an estate reader fixes (`Role` for `Ref Role`, `Role.Arn` for
    /// `Fn::GetAtt Role.Arn`): names it stands in for ones AWS generates.
    pub refs: &'a BTreeMap<String, String>,
    /// How many resource properties are being evaluated for a reference, one inside the other
    /// (a template whose resources name each other in a cycle must not recurse forever).
    pub depth: std::cell::Cell<u32>,
    /// How many more resource properties may be evaluated for references (a template whose
    /// names each refer to many others must not take exponential time).
    pub budget: std::cell::Cell<u32>,
}

/// How deep references to resources' properties are followed.
const MAX_DEPTH: u32 = 8;

/// A member of a map node by literal key.
pub(crate) fn get<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
    match &n.kind {
        Kind::Map(m) => m.iter().find(|(k, _)| key_is(k, key)).map(|(_, v)| v),
        _ => None,
    }
}

fn key_is(k: &Node, key: &str) -> bool {
    matches!(&k.kind, Kind::Str(t) if t.literal().as_deref() == Some(key))
}

/// The literal string of a node.
pub(crate) fn lit(n: &Node) -> Option<String> {
    match &n.kind {
        Kind::Str(t) => t.literal(),
        Kind::Number(s) => Some(s.clone()),
        _ => None,
    }
}

fn sym(label: &str, span: Span) -> Node {
    Node {
        kind: Kind::Sym(label.to_owned()),
        span,
    }
}

impl Scope<'_> {
    /// Evaluates a resource's property for a reference to the resource: `None` past
    /// [`MAX_DEPTH`] (a cycle) or the budget, which leaves the reference unresolved.
    fn eval_nested(&self, n: &Node) -> Option<Node> {
        let (d, b) = (self.depth.get(), self.budget.get());
        if d >= MAX_DEPTH || b == 0 {
            return None;
        }
        self.budget.set(b - 1);
        self.depth.set(d + 1);
        let out = self.eval(n);
        self.depth.set(d);
        out
    }

    /// Evaluates the intrinsics in `n`. `None` is `AWS::NoValue`: the member or item is dropped.
    pub fn eval(&self, n: &Node) -> Option<Node> {
        match &n.kind {
            Kind::Map(members) => {
                if let [(k, arg)] = members.as_slice() {
                    if let Some(name) = lit(k).filter(|k| k == "Ref" || k.starts_with("Fn::")) {
                        return self.intrinsic(&name, arg, n.span);
                    }
                }
                let kept = members
                    .iter()
                    .filter_map(|(k, v)| self.eval(v).map(|v| (k.clone(), v)))
                    .collect();
                Some(Node {
                    kind: Kind::Map(kept),
                    span: n.span,
                })
            }
            Kind::List(items) => Some(Node {
                kind: Kind::List(items.iter().filter_map(|i| self.eval(i)).collect()),
                span: n.span,
            }),
            _ => Some(n.clone()),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Node, span: Span) -> Option<Node> {
        let resolved = match name {
            "Ref" => {
                let target = lit(arg)?;
                if target == "AWS::NoValue" {
                    return None;
                }
                self.reference(&target, span)
            }
            "Fn::GetAtt" => self.get_att(arg, span),
            "Fn::Sub" => self.sub(arg, span),
            "Fn::Join" => self.join(arg, span),
            "Fn::Select" => self.select(arg),
            "Fn::FindInMap" => self.find_in_map(arg),
            "Fn::ToJsonString" => self.eval(arg),
            _ => None,
        };
        Some(resolved.unwrap_or_else(|| sym(name.trim_start_matches("Fn::"), span)))
    }

    /// `Ref name` (or `${name}` in a `Fn::Sub`), at `span`.
    fn reference(&self, target: &str, span: Span) -> Option<Node> {
        if let Some(v) = self.given.get(target).or_else(|| self.refs.get(target)) {
            return Some(Node {
                kind: Kind::Str(Text::synthetic(v, span)),
                span,
            });
        }
        if let Some(v) = self.values.get(target) {
            return Some(v.relocated(span));
        }
        let (ty, props) = self.resources.get(target)?;
        let prop = |p: &str| props.and_then(|props| get(props, p)).and_then(|v| self.eval_nested(v));
        let name = match ty.as_str() {
            "AWS::S3::Bucket" => prop("BucketName"),
            "AWS::IAM::Role" => prop("RoleName"),
            "AWS::IAM::User" => prop("UserName"),
            "AWS::IAM::Group" => prop("GroupName"),
            "AWS::SNS::Topic" => {
                let topic = prop("TopicName")?;
                return self.arn("sns", true, "", &topic, span);
            }
            _ => None,
        }?;
        Some(name.relocated(span))
    }

    fn get_att(&self, arg: &Node, span: Span) -> Option<Node> {
        let (res, att) = match list_items(arg) {
            [res, att] => (lit(res)?, lit(att)?),
            _ => {
                let s = lit(arg)?;
                let (a, b) = s.split_once('.')?;
                (a.to_owned(), b.to_owned())
            }
        };
        if let Some(v) = self.refs.get(&format!("{res}.{att}")) {
            return Some(text_node(v, span));
        }
        if att != "Arn" {
            return None;
        }
        let (ty, props) = self.resources.get(&res)?;
        let prop = |p: &str| props.and_then(|props| get(props, p)).and_then(|v| self.eval_nested(v));
        match ty.as_str() {
            "AWS::S3::Bucket" => self.arn("s3", false, "", &prop("BucketName")?, span),
            "AWS::SQS::Queue" => self.arn("sqs", true, "", &prop("QueueName")?, span),
            "AWS::IAM::Role" | "AWS::IAM::User" => {
                let path = prop("Path").and_then(|p| lit(&p)).unwrap_or_else(|| "/".into());
                let (kind, name) = if ty == "AWS::IAM::Role" {
                    ("role", prop("RoleName")?)
                } else {
                    ("user", prop("UserName")?)
                };
                self.arn("iam", false, &format!("{kind}{path}"), &name, span)
            }
            _ => None,
        }
    }

    /// `arn:${AWS::Partition}:service:[region]:[account]:prefix` + `name`, pseudo parameters
    /// resolved only when given.
    fn arn(&self, service: &str, regional: bool, prefix: &str, name: &Node, span: Span) -> Option<Node> {
        let Kind::Str(name) = name.relocated(span).kind else {
            return None;
        };
        let mut t = Text::synthetic("arn:", span);
        t.push(self.pseudo("AWS::Partition", span));
        t.push(Text::synthetic(&format!(":{service}:"), span));
        if regional {
            t.push(self.pseudo("AWS::Region", span));
            t.push(Text::synthetic(":", span));
            t.push(self.pseudo("AWS::AccountId", span));
            t.push(Text::synthetic(":", span));
        } else if service == "iam" {
            // IAM ARNs name the account but no region.
            t.push(Text::synthetic(":", span));
            t.push(self.pseudo("AWS::AccountId", span));
            t.push(Text::synthetic(":", span));
        } else {
            t.push(Text::synthetic("::", span));
        }
        t.push(Text::synthetic(prefix, span));
        t.push(name);
        Some(Node {
            kind: Kind::Str(t),
            span,
        })
    }

    fn pseudo(&self, name: &str, span: Span) -> Text {
        match self.given.get(name) {
            Some(v) => Text::synthetic(v, span),
            None => Text::sym(name, span),
        }
    }

    fn sub(&self, arg: &Node, span: Span) -> Option<Node> {
        let (template, vars) = match list_items(arg) {
            [template, vars] => (template, Some(vars)),
            _ => (arg, None),
        };
        let Kind::Str(text) = &template.kind else {
            return None;
        };
        let mut out = Text::default();
        for piece in &text.pieces {
            match piece {
                Piece::Lit { text, at } => self.sub_literal(text, at, vars, &mut out),
                Piece::Sym { .. } => out.pieces.push(piece.clone()),
            }
        }
        Some(Node {
            kind: Kind::Str(out),
            span,
        })
    }

    /// Splits the literal text of a `Fn::Sub` template at its `${...}` references.
    fn sub_literal(&self, s: &str, at: &[u32], vars: Option<&Node>, out: &mut Text) {
        // INVARIANT: `at` has an offset for each byte of `s` and one for its end (see `Piece::Lit`),
        // and the cuts below fall next to the ASCII `${`, `!` and `}`, so no fallback is taken.
        let offset = |i: usize| at.get(i).or(at.last()).copied().unwrap_or_default();
        let slice = |a: usize, b: usize| {
            let text = s.get(a..b).unwrap_or_default().to_owned();
            Text::lit(text, (a..=b).map(offset).collect())
        };
        let mut pos = 0;
        while let Some(start) = s.get(pos..).and_then(|rest| rest.find("${")).map(|found| pos + found) {
            let Some(close) = s.get(start..).and_then(|rest| rest.find('}')).map(|c| start + c) else {
                break;
            };
            out.push(slice(pos, start));
            let name = s.get(start + 2..close).unwrap_or_default().trim();
            let ref_span = Span {
                start: offset(start),
                end: offset(close + 1),
            };
            if name.starts_with('!') {
                // `${!Literal}` is the text `${Literal}`: an IAM policy variable, usually.
                let mut t = slice(start, start + 2);
                t.push(slice(start + 3, close + 1));
                out.push(t);
            } else {
                out.push(self.sub_reference(name, vars, ref_span));
            }
            pos = close + 1;
        }
        out.push(slice(pos, s.len()));
    }

    fn sub_reference(&self, name: &str, vars: Option<&Node>, span: Span) -> Text {
        let value = match vars.and_then(|v| get(v, name)) {
            Some(v) => self.eval(v),
            None if name.contains('.') && !name.contains("::") => self.get_att(&text_node(name, span), span),
            None => self.reference(name, span),
        };
        match value.map(|v| v.kind) {
            Some(Kind::Str(t)) => t,
            Some(Kind::Number(n)) => Text::synthetic(&n, span),
            _ => Text::sym(name, span),
        }
    }

    fn join(&self, arg: &Node, span: Span) -> Option<Node> {
        let Kind::List(items) = &arg.kind else {
            return None;
        };
        let [delim, list] = items.as_slice() else {
            return None;
        };
        let delim = lit(delim)?;
        let Kind::List(parts) = self.eval(list)?.kind else {
            return None;
        };
        let mut out = Text::default();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                out.push(Text::synthetic(&delim, p.span));
            }
            match &p.kind {
                Kind::Str(t) => out.push(t.clone()),
                Kind::Number(n) => out.push(Text::synthetic(n, p.span)),
                Kind::Sym(label) => out.push(Text::sym(label, p.span)),
                _ => out.push(Text::sym("Join", p.span)),
            }
        }
        Some(Node {
            kind: Kind::Str(out),
            span,
        })
    }

    fn select(&self, arg: &Node) -> Option<Node> {
        let Kind::List(items) = &arg.kind else {
            return None;
        };
        let [index, list] = items.as_slice() else {
            return None;
        };
        let index: usize = lit(index)?.parse().ok()?;
        match self.eval(list)?.kind {
            Kind::List(values) => values.into_iter().nth(index),
            _ => None,
        }
    }

    fn find_in_map(&self, arg: &Node) -> Option<Node> {
        let Kind::List(items) = &arg.kind else {
            return None;
        };
        let keys: Vec<String> = items
            .iter()
            .map(|k| self.eval(k).and_then(|k| lit(&k)))
            .collect::<Option<_>>()?;
        let [map, first, second] = keys.as_slice() else {
            return None;
        };
        let found = get(get(get(self.mappings?, map)?, first)?, second)?;
        self.eval(found)
    }
}

/// The items of a list node (`[]` for any other node), to match an intrinsic's arguments by shape.
fn list_items(node: &Node) -> &[Node] {
    match &node.kind {
        Kind::List(items) => items,
        _ => &[],
    }
}

fn text_node(s: &str, span: Span) -> Node {
    Node {
        kind: Kind::Str(Text::synthetic(s, span)),
        span,
    }
}
