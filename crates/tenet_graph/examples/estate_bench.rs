//! The estate benchmark: generates estates of N accounts (M roles each), writes them to a
//! temporary directory, and measures reading them back, building the graph, and answering
//! `who-can s3:GetObject` on an object of account 0's SSE-KMS bucket (relaxed check and concrete
//! witnesses only; `scripts/bench_estate.sh` also times the whole `tenet who-can` with the prover).
//!
//! `cargo run --release -p tenet_graph --example estate_bench -- [M] [N...]` (default: 5 10 100 1000);
//! `… -- write DIR N M` only writes an estate.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark fails loudly")]
#![allow(
    clippy::indexing_slicing,
    reason = "a benchmark harness: an out-of-range index is a bug that fails the run loudly"
)]

use std::path::Path;
use std::time::Instant;

use tenet_graph::access::{who_can, Analysis};
use tenet_graph::generate::{bucket, generate};
use tenet_graph::graph::EstateGraph;
use tenet_graph::Sources;

/// Peak resident memory of this process in MiB (Linux `VmHWM`).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn write(dir: &Path, sources: &Sources) {
    for (p, t) in sources.iter() {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
}

fn read(dir: &Path, root: &Path, out: &mut Sources) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read(&path, root, out);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn main() {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.first().map(String::as_str) == Some("write") {
        // `write DIR N M`: only write the estate, for timing the `tenet` binary on it.
        let dir = Path::new(&raw[1]);
        let n: usize = raw[2].parse().unwrap();
        let m: usize = raw[3].parse().unwrap();
        write(dir, &generate(n, m));
        return;
    }
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let m = args.first().copied().unwrap_or(5);
    let ns: Vec<usize> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec![10, 100, 1000]
    };
    println!("accounts roles principals policies  files  read_ms import_ms graph_ms nodes edges who_can_ms allowed denied unknown peak_MiB");
    for n in ns {
        let dir = std::env::temp_dir().join(format!("tenet-estate-bench-{n}-{m}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(&dir, &generate(n, m));
        let t = Instant::now();
        let mut sources = Sources::new();
        read(&dir, &dir, &mut sources);
        let read_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let loaded = tenet_graph::load(&sources);
        let import_ms = t.elapsed().as_secs_f64() * 1e3;
        assert!(!loaded.has_errors(), "{:?}", loaded.reports.first());
        let t = Instant::now();
        let g = EstateGraph::build(&loaded.estate);
        let graph_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let a = Analysis::new(&loaded.estate);
        let object = format!("arn:aws:s3:::{}/shared/report.csv", bucket(0));
        let r = who_can(&a, "s3:GetObject", &object, None, None).unwrap();
        let who_ms = t.elapsed().as_secs_f64() * 1e3;
        let count = |v: &str| r.answers.iter().filter(|x| x.verdict() == v).count();
        println!(
            "{n:>8} {m:>5} {:>10} {:>8} {:>6} {read_ms:>8.1} {import_ms:>9.1} {graph_ms:>8.1} {:>5} {:>5} {who_ms:>10.1} {:>7} {:>6} {:>7} {:>8.1}",
            loaded.estate.principals.len(),
            loaded.estate.policies.len(),
            sources.len(),
            g.graph.node_count(),
            g.graph.edge_count(),
            count("allowed"),
            count("denied"),
            count("unknown"),
            peak_mib(),
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
