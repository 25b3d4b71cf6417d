//! The prover benchmark: median and p99 time per property over the example properties in
//! `policies/prove/`, over `not public` on every resource and key policy found in `../shared/corpora` and `policies/`,
//! and over `no new access` on the labelled IAM Access Analyzer samples in
//! `../shared/corpora/aa-custom-policy-check-samples` (the corpora are skipped when absent). Run with `cargo run --release -p tenet_prove --example prove_bench`.
//!
//! Options: `--limit N` (at most N corpus policies), `--timeout MS` (per property, default 5000).

use std::path::{Path, PathBuf};
use std::time::Instant;
use tenet_prove::run::{check, prepare_file};
use tenet_prove::Verdict;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, times: &mut [f64], verdicts: &[Verdict]) {
    times.sort_by(f64::total_cmp);
    let count = |v: Verdict| verdicts.iter().filter(|x| **x == v).count();
    println!(
        "{label}: {} properties, median {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} holds, {} violated, {} unknown)",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.99),
        times.last().copied().unwrap_or(0.0),
        count(Verdict::Holds),
        count(Verdict::Violated),
        count(Verdict::Unknown),
    );
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
    let timeout = opt("--timeout").unwrap_or(5000) as u32;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");

    // The example properties (solving time only; each property once, sequentially).
    let mut times = Vec::new();
    let mut verdicts = Vec::new();
    let mut tenets: Vec<PathBuf> = std::fs::read_dir(root.join("policies/prove"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "tenet"))
                .collect()
        })
        .unwrap_or_default();
    tenets.sort();
    for t in &tenets {
        let Ok(prepared) = prepare_file(t) else { continue };
        for p in &prepared {
            let start = Instant::now();
            let r = check(p, timeout);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            verdicts.push(r.verdict);
        }
    }
    report("example properties", &mut times, &verdicts);

    // `not public` on every resource policy of the corpora.
    let corpora = root.join("../shared/corpora");
    if !corpora.is_dir() {
        println!("corpora absent: skipped the corpus benchmark");
        return;
    }
    let mut files = Vec::new();
    json_files(&corpora, &mut files);
    json_files(&root.join("policies"), &mut files);
    let dir = std::env::temp_dir().join(format!("tenet-prove-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (mut times, mut verdicts, mut unknown_reasons) = (Vec::new(), Vec::new(), Vec::new());
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
        let start = Instant::now();
        let Ok(prepared) = prepare_file(&tenet) else { continue };
        let Some(p) = prepared.first() else { continue };
        let r = check(p, timeout);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if r.verdict == Verdict::Unknown {
            unknown_reasons.push(format!("{}: {}", f.display(), r.reason.clone().unwrap_or_default()));
        }
        verdicts.push(r.verdict);
    }
    let _ = std::fs::remove_dir_all(&dir);
    report(
        "not public over the corpus and policies/ resource and key policies (load + solve)",
        &mut times,
        &verdicts,
    );
    for u in unknown_reasons.iter().take(10) {
        println!("  unknown: {u}");
    }
    no_new_access(&corpora.join("aa-custom-policy-check-samples"), timeout);
}

/// `no new access` of every candidate against the reference policy of each Access Analyzer sample
/// (the `json` blocks of its markdown file; the reference is the block under "Reference policy").
fn no_new_access(samples: &Path, timeout: u32) {
    let mut mds = Vec::new();
    md_files(samples, &mut mds);
    let dir = std::env::temp_dir().join(format!("tenet-prove-bench-nna-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (mut times, mut verdicts, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
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
            let start = Instant::now();
            let Ok(prepared) = prepare_file(&tenet) else { continue };
            let Some(p) = prepared.first() else { continue };
            let r = check(p, timeout);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if r.verdict == Verdict::Unknown {
                let name = md.strip_prefix(samples).unwrap_or(&md).display().to_string();
                unknown.push(format!("{name} `{h}`: {}", r.reason.clone().unwrap_or_default()));
            }
            verdicts.push(r.verdict);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    report(
        "no new access over the Access Analyzer samples (load + solve)",
        &mut times,
        &verdicts,
    );
    for u in &unknown {
        println!("  unknown: {u}");
    }
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
