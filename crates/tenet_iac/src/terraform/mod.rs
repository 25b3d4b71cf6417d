//! Terraform source (`.tf`, read with hcl-edit, byte spans kept): the policy attributes of the AWS
//! resources that hold policies, written as `jsonencode({...})`, heredoc JSON or a JSON string,
//! and `data "aws_iam_policy_document"` blocks translated to policies.
//!
//! Interpolations (`${var.bucket}`), references and function calls are unresolved values, except a
//! `var.NAME` given with `--parameter var.NAME=VALUE` or with a literal `default`.

mod document;

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use tenet_ast::PolicyKind;
use tenet_diagnostics::{Diagnostic, Span};

use crate::codes;
use crate::tree::{Kind, Node, Text};
use crate::{Extracted, Options};

/// What converting expressions needs: the source text and the known variables.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub vars: BTreeMap<String, Node>,
}

pub(crate) fn span_of(r: Option<std::ops::Range<usize>>) -> Span {
    r.map_or(Span::new(0, 0), |r| Span::new(r.start, r.end))
}

/// Reads a `.tf` file: its policies, or a syntax diagnostic.
pub(crate) fn read(text: &str, options: &Options) -> (Vec<Extracted>, Vec<Diagnostic>) {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(b) => b,
        Err(e) => {
            let at = e.location().offset().min(text.len());
            let end = (at + 1).min(text.len()).max(at);
            let message = format!("invalid HCL: {}", e.message().trim_end_matches('.').to_lowercase());
            return (Vec::new(), vec![codes::TEMPLATE_SYNTAX.at(Span::new(at, end), message)]);
        }
    };
    let mut ctx = Ctx {
        text,
        vars: BTreeMap::new(),
    };
    for (k, v) in &options.parameters {
        if k.starts_with("var.") || k.starts_with("local.") {
            ctx.vars.insert(
                k.clone(),
                Node {
                    kind: Kind::Str(Text::synthetic(v, Span::new(0, 0))),
                    span: Span::new(0, 0),
                },
            );
        }
    }
    for (k, v) in &options.references {
        ctx.vars.entry(k.clone()).or_insert_with(|| Node {
            kind: Kind::Str(Text::synthetic(v, Span::new(0, 0))),
            span: Span::new(0, 0),
        });
    }
    variable_defaults(&body, &mut ctx);
    let mut out = Vec::new();
    let mut document_kinds: BTreeMap<String, PolicyKind> = BTreeMap::new();
    for block in body.blocks().filter(|b| b.ident.as_str() == "resource") {
        let [ty, name] = labels(block).try_into().unwrap_or_default();
        let org_type = block
            .body
            .get_attribute("type")
            .and_then(|a| a.value.as_str().map(str::to_owned));
        for (attr, kind) in policy_attributes(&ty, org_type.as_deref()) {
            let Some(a) = block.body.get_attribute(attr) else {
                continue;
            };
            let label = format!("{ty}.{name} / {attr}");
            policy_value(&ctx, &a.value, label, kind, &mut out, &mut document_kinds);
        }
        if ty == "aws_iam_role" {
            for (i, inline) in block.body.get_blocks("inline_policy").enumerate() {
                if let Some(a) = inline.body.get_attribute("policy") {
                    let label = format!("{ty}.{name} / inline_policy[{i}]");
                    let kind = PolicyKind::Identity;
                    policy_value(&ctx, &a.value, label, kind, &mut out, &mut document_kinds);
                }
            }
        }
    }
    for block in body.blocks().filter(|b| b.ident.as_str() == "data") {
        let [ty, name] = labels(block).try_into().unwrap_or_default();
        if ty == "aws_iam_policy_document" {
            let kind = document_kinds.get(&name).copied();
            out.push(document::translate(&ctx, block, &name, kind));
        }
    }
    (out, Vec::new())
}

fn labels(block: &Block) -> Vec<String> {
    block
        .labels
        .iter()
        .map(|l| match l {
            hcl_edit::structure::BlockLabel::Ident(i) => i.as_str().to_owned(),
            hcl_edit::structure::BlockLabel::String(s) => s.value().clone(),
        })
        .collect()
}

/// `variable "NAME" { default = ... }` with a literal default, and `locals { NAME = ... }` with a
/// literal value.
pub(crate) fn variable_defaults(body: &Body, ctx: &mut Ctx<'_>) {
    for block in body.blocks().filter(|b| b.ident.as_str() == "locals") {
        for a in block.body.attributes() {
            let key = format!("local.{}", a.key.as_str());
            let node = ctx.convert(&a.value);
            if !ctx.vars.contains_key(&key) && is_literal(&node) {
                ctx.vars.insert(key, node);
            }
        }
    }
    for block in body.blocks().filter(|b| b.ident.as_str() == "variable") {
        let [name] = labels(block).try_into().unwrap_or_default();
        let Some(default) = block.body.get_attribute("default") else {
            continue;
        };
        let key = format!("var.{name}");
        if ctx.vars.contains_key(&key) {
            continue;
        }
        let node = ctx.convert(&default.value);
        if is_literal(&node) {
            ctx.vars.insert(key, node);
        }
    }
}

/// Whether a value is fully written out (no reference or interpolation anywhere in it).
fn is_literal(n: &Node) -> bool {
    match &n.kind {
        Kind::Sym(_) => false,
        Kind::Str(t) => t.literal().is_some(),
        Kind::List(items) => items.iter().all(is_literal),
        Kind::Map(members) => members.iter().all(|(k, v)| is_literal(k) && is_literal(v)),
        Kind::Null | Kind::Bool(_) | Kind::Number(_) => true,
    }
}

/// The policy attributes of a resource type and their kinds, in source and in plans alike;
/// `org_type` is an `aws_organizations_policy`'s `type` (which decides its kind).
pub(crate) fn policy_attributes(ty: &str, org_type: Option<&str>) -> Vec<(&'static str, PolicyKind)> {
    use PolicyKind::*;
    match ty {
        "aws_iam_policy" | "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            vec![("policy", Identity)]
        }
        "aws_iam_role" => vec![("assume_role_policy", Trust)],
        "aws_s3_bucket_policy"
        | "aws_sqs_queue_policy"
        | "aws_sns_topic_policy"
        | "aws_ecr_repository_policy"
        | "aws_secretsmanager_secret_policy" => vec![("policy", Resource)],
        "aws_kms_key" | "aws_kms_key_policy" => vec![("policy", Key)],
        "aws_organizations_policy" => match org_type {
            None | Some("SERVICE_CONTROL_POLICY") => vec![("content", Scp)],
            Some("RESOURCE_CONTROL_POLICY") => vec![("content", Rcp)],
            Some(_) => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A policy attribute's value: `jsonencode(...)`, a heredoc or string of JSON, or a reference to
/// an `aws_iam_policy_document` (whose kind it then tells).
fn policy_value(
    ctx: &Ctx<'_>,
    expr: &Expression,
    name: String,
    kind: PolicyKind,
    out: &mut Vec<Extracted>,
    document_kinds: &mut BTreeMap<String, PolicyKind>,
) {
    match expr {
        Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" && call.args.len() == 1 => {
            if let Some(arg) = call.args.iter().next() {
                out.push(Extracted::tree(name, Some(kind), ctx.convert(arg)));
            }
        }
        Expression::HeredocTemplate(_) | Expression::StringTemplate(_) | Expression::String(_) => {
            let node = ctx.convert(expr);
            let is_json = match &node.kind {
                Kind::Str(t) => t.pieces.first().is_some_and(|p| match p {
                    crate::tree::Piece::Lit { text, .. } => text.trim_start().starts_with('{'),
                    crate::tree::Piece::Sym { .. } => false,
                }),
                _ => false,
            };
            if is_json {
                out.push(Extracted::tree(name, Some(kind), node));
            }
        }
        Expression::Traversal(t) => {
            let path = traversal_path(t);
            if let [data, ty, doc, ..] = path.as_slice() {
                if data == "data" && ty == "aws_iam_policy_document" {
                    document_kinds.entry(doc.clone()).or_insert(kind);
                }
            }
        }
        Expression::Parenthesis(p) => policy_value(ctx, p.inner(), name, kind, out, document_kinds),
        _ => {}
    }
}

/// `a.b.c` of a traversal whose operators are attribute accesses.
fn traversal_path(t: &hcl_edit::expr::Traversal) -> Vec<String> {
    let mut path = match &t.expr {
        Expression::Variable(v) => vec![v.as_str().to_owned()],
        _ => return Vec::new(),
    };
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(i) => path.push(i.as_str().to_owned()),
            _ => break,
        }
    }
    path
}

impl Ctx<'_> {
    fn source(&self, span: Span) -> &str {
        self.text.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    fn sym(&self, span: Span) -> Node {
        let label: String = self.source(span).split_whitespace().collect::<Vec<_>>().join(" ");
        let label = label.trim_start_matches("${").trim_end_matches('}').to_owned();
        Node {
            kind: Kind::Sym(label),
            span,
        }
    }

    /// An expression as a value: literals exact, everything Terraform computes unresolved.
    pub fn convert(&self, expr: &Expression) -> Node {
        let span = span_of(expr.span());
        let kind = match expr {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            Expression::Number(n) => Kind::Number(n.value().to_string()),
            Expression::String(s) => Kind::Str(self.quoted(s.value(), span)),
            Expression::StringTemplate(t) => Kind::Str(self.template(t, span)),
            Expression::HeredocTemplate(h) => Kind::Str(self.template(&h.template, span)),
            Expression::Array(a) => Kind::List(a.iter().map(|e| self.convert(e)).collect()),
            Expression::Object(o) => Kind::Map(o.iter().map(|(k, v)| (self.key(k), self.convert(v.expr()))).collect()),
            Expression::Parenthesis(p) => return self.convert(p.inner()),
            Expression::Traversal(t) => {
                let path = traversal_path(t).join(".");
                match self.vars.get(&path) {
                    Some(v) => return v.relocated(span),
                    None => return self.sym(span),
                }
            }
            _ => return self.sym(span),
        };
        Node { kind, span }
    }

    /// A quoted string literal: its value aligned with the text between the quotes.
    fn quoted(&self, value: &str, span: Span) -> Text {
        let raw = self.source(span);
        let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
        match inner {
            Some(inner) => Text::aligned(value, inner, span.start as usize + 1),
            None => Text::aligned(value, raw, span.start as usize),
        }
    }

    fn key(&self, k: &ObjectKey) -> Node {
        match k {
            ObjectKey::Ident(i) => {
                let span = span_of(i.span());
                Node {
                    kind: Kind::Str(Text::aligned(i.as_str(), self.source(span), span.start as usize)),
                    span,
                }
            }
            ObjectKey::Expression(e) => self.convert(e),
        }
    }

    /// A string template: literal pieces exact, interpolations and directives unresolved.
    fn template(&self, t: &Template, span: Span) -> Text {
        let mut out = Text::default();
        for el in t.iter() {
            let el_span = span_of(el.span());
            match el {
                Element::Literal(l) => {
                    out.push(Text::aligned(l.value(), self.source(el_span), el_span.start as usize));
                }
                Element::Interpolation(i) => {
                    let path = match &i.expr {
                        Expression::Traversal(t) => traversal_path(t).join("."),
                        _ => String::new(),
                    };
                    match self.vars.get(&path).map(|v| v.relocated(el_span).kind) {
                        Some(Kind::Str(t)) => out.push(t),
                        _ => {
                            let Kind::Sym(label) = self.sym(el_span).kind else {
                                continue;
                            };
                            out.push(Text::sym(&label, el_span));
                        }
                    }
                }
                Element::Directive(_) => out.push(Text::sym("directive", el_span)),
            }
        }
        if out.pieces.is_empty() {
            out = Text::synthetic("", span);
        }
        out
    }
}
