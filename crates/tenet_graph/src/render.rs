//! Drawing the estate graph: Graphviz DOT, Mermaid (which GitHub renders) and JSON. Accounts are
//! drawn as clusters holding their principals and resources; every other edge is an arrow from who
//! gets access to what they get it to.
use std::collections::BTreeSet;
use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::graph::{Edge, EstateGraph, Node};
use crate::model::Estate;

/// What to draw: every node, or a neighbourhood (see [`EstateGraph::neighbourhood`]).
pub type Selection = Option<BTreeSet<NodeIndex>>;

fn shorten(items: &[String], max: usize) -> String {
    let mut s = items.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > max {
        s.push_str(", …");
    }
    s
}

/// A node's label. A node whose index the estate does not hold (the graph never builds one) is
/// labelled by its kind and index.
pub fn node_label(estate: &Estate, node: &Node) -> String {
    match node {
        Node::Account { id, name } if name != id => format!("{name} ({id})"),
        Node::Account { id, .. } => id.clone(),
        Node::Principal(i) => match estate.principals.get(*i) {
            Some(p) if p.kind == crate::model::PrincipalKind::Root => format!("root {}", p.account),
            Some(p) => format!("{} {}", p.kind.as_str(), p.name),
            None => format!("principal #{i}"),
        },
        Node::External { label, kind } => format!("{kind} {label}"),
        Node::Bucket(i) => match estate.buckets.get(*i) {
            Some(b) => format!("bucket {}", b.name),
            None => format!("bucket #{i}"),
        },
        Node::Prefix { pattern, .. } => format!("objects {}", pattern.trim_start_matches("arn:aws:s3:::")),
        Node::Key(i) => match estate.keys.get(*i) {
            Some(k) => format!("key {}", k.arn.rsplit('/').next().unwrap_or("")),
            None => format!("key #{i}"),
        },
    }
}

/// An edge's label.
pub fn edge_label(edge: &Edge) -> String {
    match edge {
        Edge::Owns => String::new(),
        Edge::MemberOf => "member of".into(),
        Edge::Trust { conditions } if conditions.is_empty() => "can assume".into(),
        Edge::Trust { conditions } => format!("can assume if {}", shorten(conditions, 2)),
        Edge::Delegation { actions } => format!("delegation: {}", shorten(actions, 3)),
        Edge::IdentityGrant { actions } => format!("identity: {}", shorten(actions, 3)),
        Edge::ResourceGrant { actions, conditions } if conditions.is_empty() => {
            format!("resource policy: {}", shorten(actions, 3))
        }
        Edge::ResourceGrant { actions, conditions } => {
            format!("resource policy: {} if {}", shorten(actions, 3), shorten(conditions, 3))
        }
        Edge::KeyGrant { operations } => format!("KMS grant: {}", shorten(operations, 3)),
        Edge::EncryptedBy => "SSE-KMS".into(),
    }
}

fn selected(sel: &Selection, n: NodeIndex) -> bool {
    sel.as_ref().is_none_or(|s| s.contains(&n))
}

/// Accounts and the nodes each holds (in node order), then the nodes no account holds.
fn clusters(g: &EstateGraph, sel: &Selection) -> (Vec<(NodeIndex, Vec<NodeIndex>)>, Vec<NodeIndex>) {
    let mut held = BTreeSet::new();
    let mut out = Vec::new();
    for n in g.graph.node_indices().filter(|n| selected(sel, *n)) {
        if !matches!(g.graph[n], Node::Account { .. }) {
            continue;
        }
        let members: Vec<NodeIndex> = g
            .graph
            .edges(n)
            .filter(|e| matches!(e.weight(), Edge::Owns) && selected(sel, e.target()))
            .map(|e| e.target())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        held.extend(members.iter().copied());
        out.push((n, members));
    }
    let loose = g
        .graph
        .node_indices()
        .filter(|n| selected(sel, *n) && !held.contains(n) && !matches!(g.graph[*n], Node::Account { .. }))
        .collect();
    (out, loose)
}

fn arrows(g: &EstateGraph, sel: &Selection) -> Vec<(NodeIndex, NodeIndex, String)> {
    g.graph
        .edge_references()
        .filter(|e| !matches!(e.weight(), Edge::Owns) && selected(sel, e.source()) && selected(sel, e.target()))
        .map(|e| (e.source(), e.target(), edge_label(e.weight())))
        .collect()
}

/// Graphviz DOT.
pub fn dot(estate: &Estate, g: &EstateGraph, sel: &Selection) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::from("digraph estate {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    let (accounts, loose) = clusters(g, sel);
    let shape = |n: &Node| match n {
        Node::Bucket(_) | Node::Prefix { .. } => "cylinder",
        Node::Key(_) => "hexagon",
        Node::External { .. } => "ellipse",
        _ => "box",
    };
    for (a, members) in &accounts {
        let _ = writeln!(out, "  subgraph cluster_{} {{", a.index());
        let _ = writeln!(out, "    label=\"account {}\";", esc(&node_label(estate, &g.graph[*a])));
        for m in members {
            let node = &g.graph[*m];
            let _ = writeln!(
                out,
                "    n{} [label=\"{}\", shape={}];",
                m.index(),
                esc(&node_label(estate, node)),
                shape(node)
            );
        }
        out.push_str("  }\n");
    }
    for m in loose {
        let node = &g.graph[m];
        let _ = writeln!(
            out,
            "  n{} [label=\"{}\", shape={}];",
            m.index(),
            esc(&node_label(estate, node)),
            shape(node)
        );
    }
    for (s, t, label) in arrows(g, sel) {
        let _ = writeln!(out, "  n{} -> n{} [label=\"{}\"];", s.index(), t.index(), esc(&label));
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart (renders on GitHub).
pub fn mermaid(estate: &Estate, g: &EstateGraph, sel: &Selection) -> String {
    let esc = |s: &str| s.replace('"', "#quot;").replace('|', "#124;");
    let shape = |n: &Node, label: String| match n {
        Node::Bucket(_) | Node::Prefix { .. } => format!("[(\"{label}\")]"),
        Node::Key(_) => format!("{{{{\"{label}\"}}}}"),
        Node::External { .. } => format!("([\"{label}\"])"),
        _ => format!("[\"{label}\"]"),
    };
    let mut out = String::from("flowchart LR\n");
    let (accounts, loose) = clusters(g, sel);
    for (a, members) in &accounts {
        let _ = writeln!(
            out,
            "  subgraph a{}[\"account {}\"]",
            a.index(),
            esc(&node_label(estate, &g.graph[*a]))
        );
        for m in members {
            let node = &g.graph[*m];
            let _ = writeln!(out, "    n{}{}", m.index(), shape(node, esc(&node_label(estate, node))));
        }
        out.push_str("  end\n");
    }
    for m in loose {
        let node = &g.graph[m];
        let _ = writeln!(out, "  n{}{}", m.index(), shape(node, esc(&node_label(estate, node))));
    }
    for (s, t, label) in arrows(g, sel) {
        let _ = writeln!(out, "  n{} -->|\"{}\"| n{}", s.index(), esc(&label), t.index());
    }
    out
}

/// JSON: `{"version":1,"nodes":[{"id","kind","label","account"?,"arn"?}],"edges":[{"from","to","kind",…}]}`.
pub fn json(estate: &Estate, g: &EstateGraph, sel: &Selection) -> serde_json::Value {
    use serde_json::json;
    let mut nodes = Vec::new();
    for n in g.graph.node_indices().filter(|n| selected(sel, *n)) {
        let Some(node) = g.graph.node_weight(n) else { continue };
        // A node whose index the estate does not hold (the graph never builds one) has no ARN or
        // account to show.
        let (kind, arn, account) = match node {
            Node::Account { id, .. } => ("account", None, Some(id.clone())),
            Node::Principal(i) => match estate.principals.get(*i) {
                Some(p) => (p.kind.as_str(), Some(p.arn.clone()), Some(p.account.clone())),
                None => ("principal", None, None),
            },
            Node::External { label, kind } => (*kind, Some(label.clone()), None),
            Node::Bucket(i) => {
                let b = estate.buckets.get(*i);
                ("bucket", b.map(|b| b.arn()), b.map(|b| b.account.clone()))
            }
            Node::Prefix { pattern, bucket } => (
                "object-prefix",
                Some(pattern.clone()),
                estate.buckets.get(*bucket).map(|b| b.account.clone()),
            ),
            Node::Key(i) => {
                let k = estate.keys.get(*i);
                ("key", k.map(|k| k.arn.clone()), k.map(|k| k.account.clone()))
            }
        };
        let mut o = serde_json::Map::new();
        o.insert("id".into(), n.index().into());
        o.insert("kind".into(), kind.into());
        o.insert("label".into(), node_label(estate, node).into());
        if let Some(a) = arn {
            o.insert("arn".into(), a.into());
        }
        if let Some(a) = account {
            o.insert("account".into(), a.into());
        }
        nodes.push(serde_json::Value::Object(o));
    }
    let mut edges = Vec::new();
    for e in g.graph.edge_references() {
        if !selected(sel, e.source()) || !selected(sel, e.target()) {
            continue;
        }
        let mut o = serde_json::Map::new();
        o.insert("from".into(), e.source().index().into());
        o.insert("to".into(), e.target().index().into());
        o.insert("kind".into(), e.weight().kind().into());
        match e.weight() {
            Edge::Trust { conditions } => {
                o.insert("conditions".into(), json!(conditions));
            }
            Edge::Delegation { actions } | Edge::IdentityGrant { actions } => {
                o.insert("actions".into(), json!(actions));
            }
            Edge::ResourceGrant { actions, conditions } => {
                o.insert("actions".into(), json!(actions));
                o.insert("conditions".into(), json!(conditions));
            }
            Edge::KeyGrant { operations } => {
                o.insert("operations".into(), json!(operations));
            }
            Edge::Owns | Edge::MemberOf | Edge::EncryptedBy => {}
        }
        edges.push(serde_json::Value::Object(o));
    }
    json!({"version": 1, "nodes": nodes, "edges": edges})
}
