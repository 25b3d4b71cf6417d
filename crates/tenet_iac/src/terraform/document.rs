//! `data "aws_iam_policy_document"` blocks translated to the policy JSON the AWS provider renders:
//! `statement` blocks with `sid`, `effect` (default `Allow`), `actions` / `not_actions`,
//! `resources` / `not_resources`, `principals` / `not_principals` blocks (`type` and
//! `identifiers`; type `*` with identifier `*` is `"Principal": "*"`) and `condition` blocks
//! (`test`, `variable`, `values`). Policy variables are written `&{aws:username}` there; they become
//! `${aws:username}`. Each key of the JSON maps to the attribute or block it came from.
//!
//! `source_policy_documents`, `override_policy_documents` and `dynamic` blocks merge in content
//! that is not in the block: the policy is then marked as not fully known.

use hcl_edit::structure::Block;
use hcl_edit::Span as _;
use tenet_ast::PolicyKind;
use tenet_diagnostics::Span;

use super::{span_of, Ctx};
use crate::tree::{Kind, Node, Piece, Text};
use crate::{Extracted, Unresolved};

fn key(name: &str, span: Span) -> Node {
    Node {
        kind: Kind::Str(Text::synthetic(name, span)),
        span,
    }
}

fn string(value: &str, span: Span) -> Node {
    Node {
        kind: Kind::Str(Text::synthetic(value, span)),
        span,
    }
}

/// `&{` is how the provider spells a policy variable's `${`.
fn ampersand_variables(n: &mut Node) {
    match &mut n.kind {
        Kind::Str(t) => {
            for p in &mut t.pieces {
                if let Piece::Lit { text, .. } = p {
                    // Same length: the offset table still fits.
                    *text = text.replace("&{", "${");
                }
            }
        }
        Kind::List(items) => items.iter_mut().for_each(ampersand_variables),
        _ => {}
    }
}

pub(crate) fn translate(ctx: &Ctx<'_>, block: &Block, name: &str, kind: Option<PolicyKind>) -> Extracted {
    let span = span_of(block.span());
    let head = span_of(block.ident.span());
    let mut members = Vec::new();
    let mut incomplete = Vec::new();
    match block.body.get_attribute("version") {
        Some(a) => members.push((key("Version", span_of(a.key.span())), ctx.convert(&a.value))),
        None => members.push((key("Version", head), string("2012-10-17", head))),
    }
    if let Some(a) = block.body.get_attribute("policy_id") {
        members.push((key("Id", span_of(a.key.span())), ctx.convert(&a.value)));
    }
    for merged in [
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ] {
        if let Some(a) = block.body.get_attribute(merged) {
            incomplete.push(span_of(a.span()));
        }
    }
    let mut statements = Vec::new();
    for b in block.body.blocks() {
        match b.ident.as_str() {
            "statement" => statements.push(statement(ctx, b)),
            "dynamic" => incomplete.push(span_of(b.span())),
            _ => {}
        }
    }
    if !statements.is_empty() {
        let first = statements.first().map_or(head, |s: &Node| s.span);
        let last = statements.last().map_or(head, |s: &Node| s.span);
        let list = Node {
            kind: Kind::List(statements),
            span: Span {
                start: first.start,
                end: last.end,
            },
        };
        members.push((key("Statement", first), list));
    }
    let doc = Node {
        kind: Kind::Map(members),
        span,
    };
    let mut found = Extracted::tree(format!("data.aws_iam_policy_document.{name}"), kind, doc);
    found.incomplete = incomplete
        .into_iter()
        .map(|at| Unresolved {
            at,
            within: at,
            whole: false,
        })
        .collect();
    found
}

fn statement(ctx: &Ctx<'_>, b: &Block) -> Node {
    let span = span_of(b.span());
    let mut members = Vec::new();
    let mut has_effect = false;
    for a in b.body.attributes() {
        let element = match a.key.as_str() {
            "sid" => "Sid",
            "effect" => {
                has_effect = true;
                "Effect"
            }
            "actions" => "Action",
            "not_actions" => "NotAction",
            "resources" => "Resource",
            "not_resources" => "NotResource",
            _ => continue,
        };
        let mut value = ctx.convert(&a.value);
        ampersand_variables(&mut value);
        members.push((key(element, span_of(a.key.span())), value));
    }
    if !has_effect {
        let at = span_of(b.ident.span());
        members.push((key("Effect", at), string("Allow", at)));
    }
    for element in ["principals", "not_principals"] {
        if let Some(p) = principals(ctx, b, element) {
            members.push(p);
        }
    }
    if let Some(c) = conditions(ctx, b) {
        members.push(c);
    }
    Node {
        kind: Kind::Map(members),
        span,
    }
}

/// The `principals` (or `not_principals`) blocks of a statement as one `Principal` member.
fn principals(ctx: &Ctx<'_>, st: &Block, block_name: &str) -> Option<(Node, Node)> {
    let blocks: Vec<&Block> = st.body.get_blocks(block_name).collect();
    let first = blocks.first()?;
    let element = if block_name == "principals" {
        "Principal"
    } else {
        "NotPrincipal"
    };
    let key_node = key(element, span_of(first.ident.span()));
    let mut entries: Vec<(Node, Node)> = Vec::new();
    for b in &blocks {
        let (Some(ty), Some(ids)) = (b.body.get_attribute("type"), b.body.get_attribute("identifiers")) else {
            continue;
        };
        let ty_node = ctx.convert(&ty.value);
        let ids_node = ctx.convert(&ids.value);
        let is_star = |n: &Node| match &n.kind {
            Kind::Str(t) => t.literal().as_deref() == Some("*"),
            Kind::List(items) => {
                matches!(items.as_slice(), [only] if matches!(&only.kind, Kind::Str(t) if t.literal().as_deref() == Some("*")))
            }
            _ => false,
        };
        if is_star(&ty_node) && is_star(&ids_node) {
            return Some((key_node, string("*", span_of(b.span()))));
        }
        let ty_name = match &ty_node.kind {
            Kind::Str(t) => t.literal(),
            _ => None,
        };
        let same = entries
            .iter_mut()
            .find(|(k, _)| matches!(&k.kind, Kind::Str(t) if t.literal() == ty_name && ty_name.is_some()));
        match (same, ids_node.kind) {
            (Some((_, existing)), Kind::List(more)) if matches!(existing.kind, Kind::List(_)) => {
                if let Kind::List(items) = &mut existing.kind {
                    items.extend(more);
                }
            }
            (_, kind) => entries.push((
                ty_node,
                Node {
                    kind,
                    span: ids_node.span,
                },
            )),
        }
    }
    let span = Span {
        start: first.span().map_or(0, |r| r.start as u32),
        end: blocks.last().and_then(|b| b.span()).map_or(0, |r| r.end as u32),
    };
    Some((
        key_node,
        Node {
            kind: Kind::Map(entries),
            span,
        },
    ))
}

/// The `condition` blocks of a statement as one `Condition` member: test -> variable -> values.
fn conditions(ctx: &Ctx<'_>, st: &Block) -> Option<(Node, Node)> {
    let blocks: Vec<&Block> = st.body.get_blocks("condition").collect();
    let first = blocks.first()?;
    let mut by_test: Vec<(Node, Node)> = Vec::new();
    for b in &blocks {
        let (Some(test), Some(var), Some(values)) = (
            b.body.get_attribute("test"),
            b.body.get_attribute("variable"),
            b.body.get_attribute("values"),
        ) else {
            continue;
        };
        let test_node = ctx.convert(&test.value);
        let mut values_node = ctx.convert(&values.value);
        ampersand_variables(&mut values_node);
        let entry = (ctx.convert(&var.value), values_node);
        let test_name = match &test_node.kind {
            Kind::Str(t) => t.literal(),
            _ => None,
        };
        let same = by_test
            .iter_mut()
            .find(|(k, _)| test_name.is_some() && matches!(&k.kind, Kind::Str(t) if t.literal() == test_name));
        match same {
            Some((
                _,
                Node {
                    kind: Kind::Map(m),
                    span,
                },
            )) => {
                m.push(entry);
                span.end = span.end.max(span_of(b.span()).end);
            }
            _ => by_test.push((
                test_node,
                Node {
                    kind: Kind::Map(vec![entry]),
                    span: span_of(b.span()),
                },
            )),
        }
    }
    let span = Span {
        start: first.span().map_or(0, |r| r.start as u32),
        end: blocks.last().and_then(|b| b.span()).map_or(0, |r| r.end as u32),
    };
    Some((
        key("Condition", span_of(first.ident.span())),
        Node {
            kind: Kind::Map(by_test),
            span,
        },
    ))
}
