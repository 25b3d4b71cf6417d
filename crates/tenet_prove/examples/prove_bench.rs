//! The prover benchmark: median, p99 and max of the whole time per property (loading, encoding,
//! alphabets, solving, counterexamples: the time `tenet prove` shows) over
//!
//! - the example properties in `policies/prove/`;
//! - `not public` on every resource and key policy found in `../shared/corpora` and `policies/`;
//! - `no new access` on the labelled IAM Access Analyzer samples in
//!   `../shared/corpora/aa-custom-policy-check-samples`;
//! - the pathological cases of issue 13: generated bucket policies of 300 wildcard statements
//!   (`not public`), and the largest AWS managed policies (`ReadOnlyAccess` among them) proved
//!   `equivalent` to themselves and `no new access` against `ReadOnlyAccess`.
//!
//! The corpora are skipped when absent. Properties run one at a time. Run with
//! `cargo run --release -p tenet_prove --example prove_bench`.
//!
//! Options: `--limit N` (at most N corpus policies), `--timeout MS` (per property, default 5000),
//! `--memory-mb MB` (default 2048), `--only pathological` (only the pathological cases).
#![allow(
    clippy::indexing_slicing,
    reason = "a benchmark harness: an out-of-range index is a bug that fails the run loudly"
)]

use std::path::{Path, PathBuf};
use std::time::Instant;
use tenet_prove::budget::Limits;
use tenet_prove::run::{prove_file_streaming, RunOptions};
use tenet_prove::{PropertyResult, Verdict};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The times (ms, as shown) and verdicts of a group of properties, with the largest gap between the
/// time shown and the wall time of the call.
#[derive(Default)]
struct Group {
    times: Vec<f64>,
    verdicts: Vec<Verdict>,
    unknown: Vec<String>,
    worst_gap_ms: f64,
}

impl Group {
    /// Proves the properties of `tenet` one at a time and records them under `label`.
    fn prove(&mut self, tenet: &Path, limits: &Limits, label: &str) {
        let options = RunOptions {
            limits: limits.clone(),
            only: Vec::new(),
            root: None,
        };
        let results = std::sync::Mutex::new(Vec::<PropertyResult>::new());
        let start = Instant::now();
        let ran = prove_file_streaming(tenet, &options, |r| {
            if let Ok(mut rs) = results.lock() {
                rs.push(r);
            }
        });
        let wall = start.elapsed().as_secs_f64() * 1000.0;
        if ran.is_err() {
            return;
        }
        let results = results.into_inner().unwrap_or_default();
        let shown: f64 = results.iter().map(|r| r.elapsed_ms as f64).sum();
        self.worst_gap_ms = self.worst_gap_ms.max(wall - shown);
        for r in results {
            self.times.push(r.elapsed_ms as f64);
            if r.verdict == Verdict::Unknown {
                self.unknown.push(format!(
                    "{label} `{}`: {}",
                    r.name,
                    r.reason.clone().unwrap_or_default()
                ));
            }
            self.verdicts.push(r.verdict);
        }
    }

    fn report(&mut self, label: &str, show_unknown: usize) {
        self.times.sort_by(f64::total_cmp);
        let count = |v: Verdict| self.verdicts.iter().filter(|x| **x == v).count();
        println!(
            "{label}: {} properties, median {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} holds, {} violated, {} unknown); \
             wall time beyond the time shown: at most {:.1} ms per file",
            self.times.len(),
            percentile(&self.times, 0.5),
            percentile(&self.times, 0.99),
            self.times.last().copied().unwrap_or(0.0),
            count(Verdict::Holds),
            count(Verdict::Violated),
            count(Verdict::Unknown),
            self.worst_gap_ms,
        );
        for u in self.unknown.iter().take(show_unknown) {
            println!("  unknown: {u}");
        }
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let limit = opt("--limit").unwrap_or(u64::MAX) as usize;
    let limits = Limits::new(
        opt("--timeout").unwrap_or(5000) as u32,
        opt("--memory-mb").unwrap_or(2048) as u32,
        None,
    );
    let only_pathological = args.iter().any(|a| a == "pathological");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpora = root.join("../shared/corpora");
    // One property at a time, so that each time is its own.
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start a thread pool: {e}");
            std::process::exit(2);
        }
    };
    pool.install(|| {
        if !only_pathological {
            examples(&root, &limits);
            if corpora.is_dir() {
                not_public(&root, &corpora, &limits, limit);
                no_new_access(&corpora.join("aa-custom-policy-check-samples"), &limits);
            } else {
                println!("corpora absent: skipped the corpus benchmarks");
            }
        }
        pathological(&corpora, &limits);
    });
    if let Some(peak) = peak_rss_mb() {
        println!("peak resident memory of the benchmark: {peak} MB");
    }
}

/// The process's peak resident set size in MB (Linux), if known.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// The example properties of `policies/prove/`.
fn examples(root: &Path, limits: &Limits) {
    let mut tenets: Vec<PathBuf> = std::fs::read_dir(root.join("policies/prove"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "tenet"))
                .collect()
        })
        .unwrap_or_default();
    tenets.sort();
    let mut g = Group::default();
    for t in &tenets {
        g.prove(t, limits, &t.display().to_string());
    }
    g.report("example properties", 10);
}

/// `not public` on every resource and key policy of the corpora and `policies/`.
fn not_public(root: &Path, corpora: &Path, limits: &Limits, limit: usize) {
    let mut files = Vec::new();
    json_files(corpora, &mut files);
    json_files(&root.join("policies"), &mut files);
    let dir = std::env::temp_dir().join(format!("tenet-prove-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut g = Group::default();
    let mut tried = 0;
    for f in files {
        if tried >= limit {
            break;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let parsed = tenet_syntax::parse_policy_file(&f.to_string_lossy(), &text, None);
        let resource_like = parsed.documents.len() == 1
            && matches!(
                parsed.documents[0].kind,
                tenet_ast::PolicyKind::Resource | tenet_ast::PolicyKind::Key
            );
        if !resource_like
            || parsed
                .diagnostics
                .iter()
                .any(|d| d.severity == tenet_diagnostics::Severity::Error)
        {
            continue;
        }
        tried += 1;
        let tenet = dir.join("bench.tenet");
        let _ = std::fs::write(
            &tenet,
            format!("property p: not public {:?}\n", f.display().to_string()),
        );
        g.prove(&tenet, limits, &f.display().to_string());
    }
    let _ = std::fs::remove_dir_all(&dir);
    g.report("not public over the corpus and policies/ resource and key policies", 10);
}

/// The pathological cases: generated 300-statement wildcard bucket policies, and the largest AWS
/// managed policies compared with themselves and with `ReadOnlyAccess`.
fn pathological(corpora: &Path, limits: &Limits) {
    let dir = std::env::temp_dir().join(format!("tenet-prove-bench-path-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut g = Group::default();
    for (name, policy) in tenet_prove::stress::wildcard_bucket_policies(300) {
        let _ = std::fs::write(dir.join(format!("{name}.json")), policy);
        let tenet = dir.join(format!("{name}.tenet"));
        let _ = std::fs::write(&tenet, format!("property {name}: not public \"{name}.json\"\n"));
        g.prove(&tenet, limits, &name);
    }
    g.report("not public over 300-statement wildcard bucket policies", 10);
    let managed = corpora.join("aws-managed-policies");
    if !managed.is_dir() {
        println!("managed policies absent: skipped the large-policy cases");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let mut sized: Vec<(usize, PathBuf)> = Vec::new();
    let mut files = Vec::new();
    json_files(&managed, &mut files);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        // The number of action patterns, roughly.
        sized.push((text.matches("\":").count() + text.matches("\",").count(), f));
    }
    sized.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut g = Group::default();
    let reference = managed.join("ReadOnlyAccess.json");
    for (_, f) in sized.iter().take(12) {
        let tenet = dir.join("large.tenet");
        let p = f.display();
        let _ = std::fs::write(
            &tenet,
            format!(
                "property same: equivalent \"{p}\" and \"{p}\"\nproperty within-read-only: no new access in \"{p}\" beyond {:?}\n",
                reference.display().to_string()
            ),
        );
        g.prove(&tenet, limits, &p.to_string());
    }
    g.report(
        "equivalent to itself and no new access beyond ReadOnlyAccess, 12 largest managed policies",
        24,
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `no new access` of every candidate against the reference policy of each Access Analyzer sample
/// (the `json` blocks of its markdown file; the reference is the block under "Reference policy").
fn no_new_access(samples: &Path, limits: &Limits) {
    let mut mds = Vec::new();
    md_files(samples, &mut mds);
    let dir = std::env::temp_dir().join(format!("tenet-prove-bench-nna-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut g = Group::default();
    for md in mds {
        let text = std::fs::read_to_string(&md).unwrap_or_default();
        let mut heading = String::new();
        let mut blocks: Vec<(String, String)> = Vec::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.starts_with('#') {
                heading = line.trim_start_matches('#').trim().to_string();
            } else if line.trim_start().starts_with("```json") {
                let body: Vec<&str> = lines
                    .by_ref()
                    .take_while(|l| !l.trim_start().starts_with("```"))
                    .collect();
                blocks.push((heading.clone(), body.join("\n")));
            }
        }
        let Some((_, reference)) = blocks
            .iter()
            .find(|(h, _)| h.to_lowercase().contains("reference policy"))
        else {
            continue;
        };
        let _ = std::fs::write(
            dir.join("reference.json"),
            reference.replace("<ACCOUNT ID>", "111111111111"),
        );
        for (h, candidate) in &blocks {
            if !h.contains("PASS") && !h.contains("FAIL") {
                continue;
            }
            let _ = std::fs::write(dir.join("candidate.json"), candidate);
            let tenet = dir.join("check.tenet");
            let _ = std::fs::write(
                &tenet,
                "property p: no new access in \"candidate.json\" beyond \"reference.json\"\n",
            );
            let name = md.strip_prefix(samples).unwrap_or(&md).display().to_string();
            g.prove(&tenet, limits, &format!("{name} `{h}`"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    g.report("no new access over the Access Analyzer samples", 50);
}

fn md_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            md_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md") {
            out.push(p);
        }
    }
}
