//! Questions to the graph: the assume-role chains that reach a role, and the neighbourhood of a node
//! (what `tenet graph --focus` draws).

use std::collections::{BTreeSet, VecDeque};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{Edge, EstateGraph, Node};

impl EstateGraph {
    /// Every chain of trust edges that ends at `role`, each from its first principal to `role`
    /// (breadth first, each node once, so cycles end; at most `limit` chains).
    pub fn assume_chains(&self, role: NodeIndex, limit: usize) -> Vec<Vec<NodeIndex>> {
        let mut out = Vec::new();
        let mut seen: BTreeSet<NodeIndex> = BTreeSet::from([role]);
        let mut queue: VecDeque<Vec<NodeIndex>> = VecDeque::from([vec![role]]);
        while let Some(path) = queue.pop_front() {
            let Some(&head) = path.first() else { continue };
            for e in self.graph.edges_directed(head, Direction::Incoming) {
                if !matches!(e.weight(), Edge::Trust { .. }) || !seen.insert(e.source()) {
                    continue;
                }
                let mut longer = vec![e.source()];
                longer.extend(&path);
                if out.len() < limit {
                    out.push(longer.clone());
                }
                queue.push_back(longer);
            }
        }
        out
    }

    /// The nodes that matter to one node: for a resource, everything that reaches it (and its key,
    /// and what reaches that); for a principal, everything it reaches and everything that reaches it
    /// through trust. Accounts holding them are added.
    pub fn neighbourhood(&self, focus: NodeIndex) -> BTreeSet<NodeIndex> {
        let mut keep = BTreeSet::from([focus]);
        let is_resource = matches!(self.graph[focus], Node::Bucket(_) | Node::Key(_) | Node::Prefix { .. });
        let mut starts = vec![focus];
        if is_resource {
            for e in self.graph.edges_directed(focus, Direction::Outgoing) {
                if matches!(e.weight(), Edge::EncryptedBy) {
                    starts.push(e.target());
                }
            }
            for e in self.graph.edges_directed(focus, Direction::Incoming) {
                if matches!(self.graph[e.source()], Node::Prefix { .. }) {
                    starts.push(e.source());
                }
            }
            for s in starts {
                keep.insert(s);
                self.walk(s, Direction::Incoming, |_| true, &mut keep);
            }
        } else {
            self.walk(focus, Direction::Outgoing, |e| !matches!(e, Edge::Owns), &mut keep);
            self.walk(
                focus,
                Direction::Incoming,
                |e| matches!(e, Edge::Trust { .. }),
                &mut keep,
            );
        }
        let owners: Vec<NodeIndex> = keep
            .iter()
            .flat_map(|n| self.graph.edges_directed(*n, Direction::Incoming))
            .filter(|e| matches!(e.weight(), Edge::Owns))
            .map(|e| e.source())
            .collect();
        keep.extend(owners);
        keep
    }

    fn walk(&self, from: NodeIndex, dir: Direction, follow: impl Fn(&Edge) -> bool, keep: &mut BTreeSet<NodeIndex>) {
        let mut queue = VecDeque::from([from]);
        while let Some(n) = queue.pop_front() {
            for e in self.graph.edges_directed(n, dir) {
                if matches!(e.weight(), Edge::Owns) || !follow(e.weight()) {
                    continue;
                }
                let other = if dir == Direction::Incoming {
                    e.source()
                } else {
                    e.target()
                };
                if keep.insert(other) {
                    queue.push_back(other);
                }
            }
        }
    }
}
