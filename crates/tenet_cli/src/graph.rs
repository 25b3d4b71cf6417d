//! `tenet graph ESTATE`: the estate drawn as DOT, Mermaid or JSON, whole or around one principal or
//! resource.

use std::path::Path;

use tenet_graph::graph::EstateGraph;
use tenet_graph::render;

/// Output formats of `tenet graph`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid (renders on GitHub).
    Mermaid,
    /// JSON nodes and edges.
    Json,
}

/// Runs the command; the exit code.
pub fn run(estate: &Path, format: GraphFormat, focus: Option<&str>, iac: &crate::estate::IacArgs) -> i32 {
    let loaded = match crate::estate::read(estate, iac) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let g = EstateGraph::build(&loaded.estate);
    let selection = match focus {
        None => None,
        Some(f) => match g.node(f) {
            Some(n) => Some(g.neighbourhood(n)),
            None => {
                eprintln!("error: `{f}` is not a principal or resource of the estate");
                return 2;
            }
        },
    };
    let text = match format {
        GraphFormat::Dot => render::dot(&loaded.estate, &g, &selection),
        GraphFormat::Mermaid => render::mermaid(&loaded.estate, &g, &selection),
        GraphFormat::Json => format!("{:#}\n", render::json(&loaded.estate, &g, &selection)),
    };
    print!("{text}");
    0
}
