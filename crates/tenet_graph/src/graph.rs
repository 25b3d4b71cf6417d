//! The estate as a petgraph: accounts, principals and resources as nodes; the ways access flows as
//! edges, always from who gets access to what they get it to.
//!
//! - `Trust`: a principal (or a service, or an account root standing for its account) may assume a
//!   role, with the trust statement's conditions.
//! - `Delegation`: a resource or key policy names an account root, handing the decision to that
//!   account's IAM policies.
//! - `IdentityGrant`: an identity policy of the principal allows some action on the resource.
//! - `ResourceGrant`: the resource policy names the principal (directly or by `aws:PrincipalArn`).
//! - `KeyGrant`: a KMS grant gives the principal operations on the key.
//! - `EncryptedBy`: a bucket's default encryption uses the key; `Owns`: an account holds the node.
//!
//! Edges are drawn from the policies without their conditions (which are kept as labels): an edge
//! says access may flow, `who-can` says whether it does.
use std::collections::{BTreeSet, HashMap};

mod query;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use tenet_ast::eval::wildcard_match;
use tenet_ast::{Effect, Policy, PrincipalType, Statement};

use crate::model::{Encryption, Estate, PrincipalKind};

/// A node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// An account (`id`, `name`).
    Account {
        /// The id.
        id: String,
        /// The name.
        name: String,
    },
    /// An estate principal (index into `Estate::principals`).
    Principal(usize),
    /// A principal outside the estate's lists: a service, a federated provider, a principal named
    /// by a policy but not listed, or anyone (`*`).
    External {
        /// The ARN or name.
        label: String,
        /// `service`, `federated`, `unlisted` or `anyone`.
        kind: &'static str,
    },
    /// A bucket (index into `Estate::buckets`).
    Bucket(usize),
    /// An object prefix of a bucket named by some policy (`arn:aws:s3:::b/logs/*`).
    Prefix {
        /// The bucket's index.
        bucket: usize,
        /// The pattern.
        pattern: String,
    },
    /// A KMS key (index into `Estate::keys`).
    Key(usize),
}

/// An edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The account holds the node.
    Owns,
    /// A user is in a group.
    MemberOf,
    /// May assume the role, when the conditions hold.
    Trust {
        /// The trust statement's conditions, rendered.
        conditions: Vec<String>,
    },
    /// An account root named in a resource or key policy.
    Delegation {
        /// The actions of the statement.
        actions: Vec<String>,
    },
    /// An identity policy allows these actions.
    IdentityGrant {
        /// The actions.
        actions: Vec<String>,
    },
    /// The resource policy names the principal.
    ResourceGrant {
        /// The actions.
        actions: Vec<String>,
        /// The statement's conditions, rendered.
        conditions: Vec<String>,
    },
    /// A KMS grant.
    KeyGrant {
        /// The grant's operations.
        operations: Vec<String>,
    },
    /// The bucket's default encryption uses the key.
    EncryptedBy,
}

impl Edge {
    /// The edge kind's name: `trust`, `delegation`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Edge::Owns => "owns",
            Edge::MemberOf => "member-of",
            Edge::Trust { .. } => "trust",
            Edge::Delegation { .. } => "delegation",
            Edge::IdentityGrant { .. } => "identity-grant",
            Edge::ResourceGrant { .. } => "resource-grant",
            Edge::KeyGrant { .. } => "key-grant",
            Edge::EncryptedBy => "encrypted-by",
        }
    }
}

/// The graph and its indices.
pub struct EstateGraph {
    /// The graph.
    pub graph: DiGraph<Node, Edge>,
    by_label: HashMap<String, NodeIndex>,
    accounts: HashMap<String, NodeIndex>,
}

fn rendered_conditions(s: &Statement) -> Vec<String> {
    s.conditions()
        .iter()
        .map(|c| {
            let values: Vec<String> = c.values.iter().map(|v| v.value.as_text().into_owned()).collect();
            format!("{} {} {}", c.operator.value, c.key.value, values.join(","))
        })
        .collect()
}

fn actions(s: &Statement) -> Vec<String> {
    match &s.action {
        Some(a) => {
            let items = a.value.items.iter().map(|i| i.value.clone());
            if a.value.negated.value {
                items.map(|i| format!("not {i}")).collect()
            } else {
                items.collect()
            }
        }
        None => Vec::new(),
    }
}

fn allows_assume(s: &Statement) -> bool {
    let Some(a) = &s.action else { return false };
    let hit = [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
    ]
    .iter()
    .any(|act| a.value.items.iter().any(|i| wildcard_match(&i.value, act, true)));
    hit != a.value.negated.value
}

fn resource_matches(s: &Statement, arn: &str) -> bool {
    match &s.resource {
        None => true,
        Some(r) => {
            let hit = r
                .value
                .items
                .iter()
                .any(|i| i.value.contains("${") || wildcard_match(&i.value, arn, false));
            hit != r.value.negated.value
        }
    }
}

/// Whether an action pattern (or `not …` of a `NotAction`) may name an action of `service`.
fn of_service(action: &str, service: &str) -> bool {
    if action.starts_with("not ") {
        return true;
    }
    let prefix = action.split_once(':').map_or(action, |(p, _)| p);
    wildcard_match(prefix, service, true)
}

fn allow_statements(p: &Policy) -> impl Iterator<Item = &Statement> {
    p.statements
        .iter()
        .map(|s| &s.value)
        .filter(|s| s.effect() == Some(Effect::Allow))
}

impl EstateGraph {
    /// Builds the graph of an estate.
    pub fn build(estate: &Estate) -> Self {
        let mut g = EstateGraph {
            graph: DiGraph::new(),
            by_label: HashMap::new(),
            accounts: HashMap::new(),
        };
        for a in estate.accounts.values() {
            let n = g.graph.add_node(Node::Account {
                id: a.id.clone(),
                name: a.name.clone(),
            });
            g.accounts.insert(a.id.clone(), n);
        }
        for (i, p) in estate.principals.iter().enumerate() {
            let n = g.graph.add_node(Node::Principal(i));
            g.by_label.insert(p.arn.clone(), n);
            g.own(&p.account, n);
        }
        for (i, b) in estate.buckets.iter().enumerate() {
            let n = g.graph.add_node(Node::Bucket(i));
            g.by_label.insert(b.arn(), n);
            g.own(&b.account, n);
        }
        for (i, k) in estate.keys.iter().enumerate() {
            let n = g.graph.add_node(Node::Key(i));
            g.by_label.insert(k.arn.clone(), n);
            g.own(&k.account, n);
        }
        g.memberships(estate);
        g.encryption(estate);
        g.resource_policies(estate);
        g.trusts(estate);
        g.identity_grants(estate);
        g.key_grants(estate);
        g
    }

    fn own(&mut self, account: &str, n: NodeIndex) {
        if let Some(a) = self.accounts.get(account) {
            self.graph.add_edge(*a, n, Edge::Owns);
        }
    }

    /// The node of an ARN or name (principal, bucket, key, external).
    pub fn node(&self, label: &str) -> Option<NodeIndex> {
        self.by_label.get(label).copied()
    }

    fn external(&mut self, label: &str, kind: &'static str) -> NodeIndex {
        if let Some(n) = self.by_label.get(label) {
            return *n;
        }
        let n = self.graph.add_node(Node::External {
            label: label.to_owned(),
            kind,
        });
        self.by_label.insert(label.to_owned(), n);
        n
    }

    /// The nodes a `Principal` value reaches: (node, whether it is an account root standing for its
    /// account). Unknown ARNs become `unlisted` external nodes.
    pub fn resolve(&mut self, ty: PrincipalType, value: &str) -> Option<(NodeIndex, bool)> {
        match ty {
            PrincipalType::Aws if value == "*" => Some((self.external("*", "anyone"), false)),
            PrincipalType::Aws => {
                let arn = if tenet_ast::eval::is_account_id(value) {
                    format!("arn:aws:iam::{value}:root")
                } else {
                    value.to_owned()
                };
                let root = arn.ends_with(":root");
                Some((self.node(&arn).unwrap_or_else(|| self.external(&arn, "unlisted")), root))
            }
            PrincipalType::Service => Some((self.external(value, "service"), false)),
            PrincipalType::Federated => Some((self.external(value, "federated"), false)),
            PrincipalType::CanonicalUser => None,
        }
    }

    /// The estate principals whose ARN matches an `aws:PrincipalArn` pattern.
    pub fn resolve_arn_pattern(&self, estate: &Estate, pattern: &str) -> Vec<NodeIndex> {
        // A literal account field narrows the search to that account's principals.
        let account = pattern.split(':').nth(4).filter(|a| tenet_ast::eval::is_account_id(a));
        let matches = |p: &crate::model::Principal| wildcard_match(pattern, &p.arn, false);
        match account {
            Some(a) => estate
                .principals_of(a)
                .iter()
                .filter_map(|i| estate.principals.get(*i))
                .filter(|p| matches(p))
                .filter_map(|p| self.node(&p.arn))
                .collect(),
            None => estate
                .principals
                .iter()
                .filter(|p| matches(p))
                .filter_map(|p| self.node(&p.arn))
                .collect(),
        }
    }

    fn memberships(&mut self, estate: &Estate) {
        for p in &estate.principals {
            for group in &p.groups {
                let g = estate.group(&p.account, group).and_then(|i| estate.principals.get(i));
                if let (Some(u), Some(g)) = (self.node(&p.arn), g.and_then(|g| self.node(&g.arn))) {
                    self.graph.add_edge(u, g, Edge::MemberOf);
                }
            }
        }
    }

    fn encryption(&mut self, estate: &Estate) {
        for b in &estate.buckets {
            if let Encryption::SseKms { key, .. } = &b.encryption {
                let kn = match self.node(key) {
                    Some(n) => n,
                    None => {
                        let k = estate.key(key).map(|k| k.arn.clone()).unwrap_or_else(|| key.clone());
                        self.node(&k).unwrap_or_else(|| self.external(&k, "unlisted"))
                    }
                };
                if let Some(bn) = self.node(&b.arn()) {
                    self.graph.add_edge(bn, kn, Edge::EncryptedBy);
                }
            }
        }
    }

    /// Resource and key policies: who they name, how.
    fn resource_policies(&mut self, estate: &Estate) {
        let mut targets: Vec<(String, Option<usize>, Option<usize>)> = Vec::new();
        for (i, b) in estate.buckets.iter().enumerate() {
            targets.push((b.arn(), b.policy, Some(i)));
        }
        for k in &estate.keys {
            targets.push((k.arn.clone(), k.policy, None));
        }
        for (arn, policy, bucket) in targets {
            let Some(policy) = policy.and_then(|id| estate.policy(id)) else {
                continue;
            };
            let Some(rn) = self.node(&arn) else { continue };
            for s in allow_statements(policy) {
                let conditions = rendered_conditions(s);
                let acts = actions(s);
                let to = self.prefix_node(estate, bucket, s).unwrap_or(rn);
                let mut reached: Vec<(NodeIndex, bool)> = Vec::new();
                if let Some(pr) = &s.principal {
                    if pr.value.negated.value {
                        continue;
                    }
                    if matches!(pr.value.value, tenet_ast::PrincipalValue::Any) {
                        reached.push((self.external("*", "anyone"), false));
                    }
                    for (ty, v) in pr.value.entries() {
                        reached.extend(self.resolve(ty, &v.value));
                    }
                }
                for c in s.conditions() {
                    if c.key.value.eq_ignore_ascii_case("aws:PrincipalArn") {
                        for v in &c.values {
                            for n in self.resolve_arn_pattern(estate, &v.value.as_text()) {
                                reached.push((n, false));
                            }
                        }
                    }
                }
                for (n, root) in reached {
                    let edge = if root {
                        Edge::Delegation { actions: acts.clone() }
                    } else {
                        Edge::ResourceGrant {
                            actions: acts.clone(),
                            conditions: conditions.clone(),
                        }
                    };
                    self.graph.add_edge(n, to, edge);
                }
            }
        }
    }

    /// The object-prefix node of a bucket statement whose resources name a proper prefix.
    fn prefix_node(&mut self, estate: &Estate, bucket: Option<usize>, s: &Statement) -> Option<NodeIndex> {
        let b = bucket?;
        let r = s.resource.as_ref()?;
        let item = r.value.items.iter().find(|i| {
            i.value
                .split_once('/')
                .is_some_and(|(_, rest)| !rest.is_empty() && rest != "*")
        })?;
        let label = item.value.clone();
        if let Some(n) = self.by_label.get(&label) {
            return Some(*n);
        }
        let n = self.graph.add_node(Node::Prefix {
            bucket: b,
            pattern: label.clone(),
        });
        self.by_label.insert(label, n);
        if let Some(owner) = estate.buckets.get(b) {
            self.own(&owner.account, n);
        }
        Some(n)
    }

    fn trusts(&mut self, estate: &Estate) {
        for p in &estate.principals {
            let Some(rn) = self.node(&p.arn) else { continue };
            if let PrincipalKind::ServiceLinkedRole { service } = &p.kind {
                let sn = self.external(service, "service");
                self.graph.add_edge(
                    sn,
                    rn,
                    Edge::Trust {
                        conditions: vec!["service-linked".into()],
                    },
                );
                continue;
            }
            let Some(trust) = p.trust.and_then(|id| estate.policy(id)) else {
                continue;
            };
            for s in allow_statements(trust).filter(|s| allows_assume(s)) {
                let conditions = rendered_conditions(s);
                let Some(pr) = &s.principal else { continue };
                if pr.value.negated.value {
                    continue;
                }
                let mut reached: Vec<(NodeIndex, bool)> = Vec::new();
                if matches!(pr.value.value, tenet_ast::PrincipalValue::Any) {
                    reached.push((self.external("*", "anyone"), false));
                }
                for (ty, v) in pr.value.entries() {
                    reached.extend(self.resolve(ty, &v.value));
                }
                for (n, root) in reached {
                    self.graph.add_edge(
                        n,
                        rn,
                        Edge::Trust {
                            conditions: conditions.clone(),
                        },
                    );
                    if root {
                        self.delegated_assumers(estate, n, &p.arn, rn, &conditions);
                    }
                }
            }
        }
    }

    /// A trust policy naming an account root: the principals of that account whose identity
    /// policies allow assuming the role.
    fn delegated_assumers(
        &mut self,
        estate: &Estate,
        root: NodeIndex,
        role: &str,
        rn: NodeIndex,
        conditions: &[String],
    ) {
        let Node::Principal(ri) = self.graph[root] else { return };
        let Some(owner) = estate.principals.get(ri) else { return };
        let account = owner.account.clone();
        for &i in estate.principals_of(&account) {
            let Some(q) = estate.principals.get(i) else { continue };
            if matches!(q.kind, PrincipalKind::Root | PrincipalKind::Group) {
                continue;
            }
            let allows = crate::access::identity_ids(estate, i)
                .into_iter()
                .filter_map(|id| estate.policy(id))
                .any(|pol| allow_statements(pol).any(|s| allows_assume(s) && resource_matches(s, role)));
            if let (true, Some(qn)) = (allows, self.node(&q.arn)) {
                self.graph.add_edge(
                    qn,
                    rn,
                    Edge::Trust {
                        conditions: conditions.to_vec(),
                    },
                );
            }
        }
    }

    /// Identity grants to resources of the principal's own account and to resources whose policy
    /// reaches the principal's account (the only ones an identity policy can open).
    fn identity_grants(&mut self, estate: &Estate) {
        let mut reachable: HashMap<String, BTreeSet<NodeIndex>> = HashMap::new();
        for n in self.graph.node_indices() {
            let owner = match &self.graph[n] {
                Node::Bucket(i) => estate.buckets.get(*i).map(|b| &b.account),
                Node::Key(i) => estate.keys.get(*i).map(|k| &k.account),
                _ => None,
            };
            let Some(owner) = owner else { continue };
            reachable.entry(owner.clone()).or_default().insert(n);
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                let source = match &self.graph[e.source()] {
                    Node::Principal(pi) => estate.principals.get(*pi),
                    _ => None,
                };
                if let Some(source) = source {
                    reachable.entry(source.account.clone()).or_default().insert(n);
                }
            }
        }
        for (i, p) in estate.principals.iter().enumerate() {
            if matches!(p.kind, PrincipalKind::Group | PrincipalKind::Root) {
                continue;
            }
            let Some(pn) = self.node(&p.arn) else { continue };
            let Some(candidates) = reachable.get(&p.account).cloned() else {
                continue;
            };
            let policies: Vec<&Policy> = crate::access::identity_ids(estate, i)
                .into_iter()
                .filter_map(|id| estate.policy(id))
                .collect();
            for rn in candidates {
                let (arns, service) = match &self.graph[rn] {
                    Node::Bucket(b) => {
                        let Some(bucket) = estate.buckets.get(*b) else { continue };
                        let a = bucket.arn();
                        (vec![format!("{a}/tenet-any-object"), a], "s3")
                    }
                    Node::Key(k) => match estate.keys.get(*k) {
                        Some(key) => (vec![key.arn.clone()], "kms"),
                        None => continue,
                    },
                    _ => continue,
                };
                let mut acts: Vec<String> = Vec::new();
                for pol in &policies {
                    for s in allow_statements(pol) {
                        if arns.iter().any(|a| resource_matches(s, a)) {
                            acts.extend(actions(s).into_iter().filter(|a| of_service(a, service)));
                        }
                    }
                }
                if !acts.is_empty() {
                    acts.dedup();
                    self.graph.add_edge(pn, rn, Edge::IdentityGrant { actions: acts });
                }
            }
        }
    }

    fn key_grants(&mut self, estate: &Estate) {
        for k in &estate.keys {
            let Some(kn) = self.node(&k.arn) else { continue };
            for g in &k.grants {
                let gn = self
                    .node(&g.grantee_principal)
                    .unwrap_or_else(|| self.external(&g.grantee_principal, "unlisted"));
                self.graph.add_edge(
                    gn,
                    kn,
                    Edge::KeyGrant {
                        operations: g.operations.clone(),
                    },
                );
            }
        }
    }
}
