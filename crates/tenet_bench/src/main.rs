//! `tenet_bench`: measures tenet on policy corpora and prints a compact table.
//!
//! `tenet_bench lint [DIR]... [--iterations N] [--no-cli]` reads every `*.json` file under the
//! directories into memory once, then times, over N iterations (default 5), (a) reading only
//! (`tenet_syntax::parse_policy_bytes`) and (b) reading and linting every document found
//! (`tenet_lint::lint_with_source` with the default configuration), each on one thread and with rayon
//! across all cores. It prints files/s and MB/s (from the median iteration), per-file latency
//! (p50/p99/max over all iterations), and the peak resident set size (`VmHWM`). Finally, if
//! `target/release/tenet` exists, it times the whole process `tenet lint --format json DIR` (three
//! runs, median wall clock).
//!
//! Without directories it uses `aws-managed-policies` and `aws-cli-policy-versions` under
//! `$TENET_CORPORA`, or under `../shared/corpora` relative to the repository root, and skips with a
//! note the ones that are absent. It sits outside the pipeline: it only calls the public entry points
//! of the reader and the linter, as the CLI does.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tenet_lint::LintConfig;
use tenet_syntax::parse_policy_bytes;

/// The corpora used when no directory is named.
const DEFAULT_CORPORA: [&str; 2] = ["aws-managed-policies", "aws-cli-policy-versions"];

/// Runs of the whole-process CLI timing (the median is reported).
const CLI_RUNS: usize = 3;

struct Options {
    dirs: Vec<PathBuf>,
    iterations: usize,
    cli: bool,
    per_rule: bool,
}

/// One input file, read into memory.
struct Input {
    name: String,
    bytes: Vec<u8>,
}

/// What one pass over the corpus measured.
struct Pass {
    /// Wall clock of each iteration.
    walls: Vec<Duration>,
    /// Per-file latencies over all iterations, in nanoseconds.
    latencies: Vec<u64>,
    /// Findings in the last iteration (also keeps the work from being optimised away).
    findings: usize,
    /// The slowest latency of each file over all iterations, by file index.
    per_file_max: Vec<u64>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> String {
    "usage: tenet_bench lint [DIR]... [--iterations N] [--no-cli] [--per-rule]".to_owned()
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("lint") => {}
        Some("-h" | "--help") => return Err(usage()),
        _ => return Err(usage()),
    }
    let mut options = Options {
        dirs: Vec::new(),
        iterations: 5,
        cli: true,
        per_rule: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--iterations" | "-n" => {
                let n = args.next().ok_or_else(usage)?;
                options.iterations = n
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("`{n}` is not a positive number of iterations"))?;
            }
            "--no-cli" => options.cli = false,
            "--per-rule" => options.per_rule = true,
            "-h" | "--help" => return Err(usage()),
            _ => options.dirs.push(PathBuf::from(arg)),
        }
    }
    Ok(options)
}

fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The default corpus directories that exist; a note on stderr for each that does not.
fn default_dirs() -> Vec<PathBuf> {
    let root = std::env::var_os("TENET_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpora"));
    DEFAULT_CORPORA
        .iter()
        .map(|name| {
            let dir = root.join(name);
            dir.canonicalize().unwrap_or(dir)
        })
        .filter(|dir| {
            let exists = dir.is_dir();
            if !exists {
                eprintln!("note: corpus `{}` not found, skipped", dir.display());
            }
            exists
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn read_inputs(dirs: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut paths = Vec::new();
    for dir in dirs {
        collect(dir, &mut paths)?;
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
            Ok(Input {
                name: p.to_string_lossy().into_owned(),
                bytes,
            })
        })
        .collect()
}

/// Reads one file; with `config`, also lints every document found. Returns the number of findings.
fn process(input: &Input, config: Option<&LintConfig>) -> usize {
    let parsed = parse_policy_bytes(&input.name, &input.bytes, None);
    let mut findings = parsed.diagnostics.len();
    if let Some(config) = config {
        let text = std::str::from_utf8(&input.bytes).ok();
        for doc in &parsed.documents {
            findings += tenet_lint::lint_with_source(doc, text, config).len();
        }
    }
    findings
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Processes one file and returns (latency, findings).
fn timed(input: &Input, config: Option<&LintConfig>) -> (u64, usize) {
    let start = Instant::now();
    let findings = std::hint::black_box(process(input, config));
    (nanos(start.elapsed()), findings)
}

fn run_pass(inputs: &[Input], config: Option<&LintConfig>, parallel: bool, iterations: usize) -> Pass {
    let mut pass = Pass {
        walls: Vec::with_capacity(iterations),
        latencies: Vec::with_capacity(inputs.len() * iterations),
        findings: 0,
        per_file_max: vec![0; inputs.len()],
    };
    for _ in 0..iterations {
        let start = Instant::now();
        let results: Vec<(u64, usize)> = if parallel {
            inputs.par_iter().map(|i| timed(i, config)).collect()
        } else {
            inputs.iter().map(|i| timed(i, config)).collect()
        };
        pass.walls.push(start.elapsed());
        pass.findings = results.iter().map(|r| r.1).sum();
        pass.latencies.extend(results.iter().map(|r| r.0));
        for (max, r) in pass.per_file_max.iter_mut().zip(&results) {
            *max = (*max).max(r.0);
        }
    }
    pass
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// The `q`-quantile (0..=1) of sorted `values`.
fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted.get(index).or(sorted.last()).copied().unwrap_or(0)
}

fn micros(ns: u64) -> String {
    let us = ns as f64 / 1000.0;
    if us >= 100.0 {
        format!("{us:.0}")
    } else {
        format!("{us:.1}")
    }
}

/// Times each lint rule alone over the corpus (documents read once, one thread, one iteration)
/// and prints the ten most expensive.
fn per_rule(inputs: &[Input]) -> Result<(), String> {
    let parsed: Vec<_> = inputs
        .iter()
        .map(|i| {
            (
                parse_policy_bytes(&i.name, &i.bytes, None),
                std::str::from_utf8(&i.bytes).ok(),
            )
        })
        .collect();
    let mut costs = Vec::new();
    for meta in tenet_lint::rules() {
        let toml = format!("select = [\"{}\"]\n", meta.code);
        let config = LintConfig::from_toml(&toml, None).map_err(|e| format!("{}: {e}", meta.code))?;
        let start = Instant::now();
        let mut findings = 0;
        let mut worst = (Duration::ZERO, 0);
        for (i, (file, text)) in parsed.iter().enumerate() {
            let file_start = Instant::now();
            for doc in &file.documents {
                findings += std::hint::black_box(tenet_lint::lint_with_source(doc, *text, &config)).len();
            }
            worst = worst.max((file_start.elapsed(), i));
        }
        costs.push((start.elapsed(), meta.code, meta.name, findings, worst));
    }
    costs.sort_by_key(|c| std::cmp::Reverse(c.0));
    println!("\nmost expensive rules alone (one thread, whole corpus):");
    for (wall, code, name, findings, (worst, i)) in costs.iter().take(10) {
        let file = inputs
            .get(*i)
            .and_then(|input| input.name.rsplit('/').next())
            .unwrap_or_default();
        println!(
            "  {code} {name:<40} {:>8.1} ms {findings:>6} findings, worst {:.1} ms ({file})",
            wall.as_secs_f64() * 1000.0,
            worst.as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}

/// Peak resident set size in kB, from `/proc/self/status` (Linux only).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print_row(label: &str, threads: &str, pass: &mut Pass, files: usize, bytes: usize) {
    let wall = median(&mut pass.walls).as_secs_f64().max(1e-9);
    pass.latencies.sort_unstable();
    println!(
        "{label:<12} {threads:>7} {:>11.0} {:>8.1} {:>9} {:>9} {:>9} {:>10} {:>9}",
        files as f64 / wall,
        bytes as f64 / wall / 1e6,
        micros(quantile(&pass.latencies, 0.5)),
        micros(quantile(&pass.latencies, 0.99)),
        micros(pass.latencies.last().copied().unwrap_or(0)),
        format!("{:.1}", wall * 1000.0),
        pass.findings,
    );
}

/// Times `tenet lint --format json DIR...` as a whole process; the median of [`CLI_RUNS`] runs.
fn time_cli(tenet: &Path, dirs: &[PathBuf]) -> Result<(Duration, Option<i32>), String> {
    let mut walls = Vec::with_capacity(CLI_RUNS);
    let mut status = None;
    for _ in 0..CLI_RUNS {
        let start = Instant::now();
        let s = Command::new(tenet)
            .args(["lint", "--format", "json"])
            .args(dirs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run `{}`: {e}", tenet.display()))?;
        walls.push(start.elapsed());
        status = s.code();
    }
    Ok((median(&mut walls), status))
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    let dirs = if options.dirs.is_empty() {
        default_dirs()
    } else {
        options.dirs.clone()
    };
    if dirs.is_empty() {
        println!("no corpus found: nothing to measure (set TENET_CORPORA or name directories)");
        return Ok(());
    }
    let inputs = read_inputs(&dirs)?;
    if inputs.is_empty() {
        println!("no *.json files under the corpus directories: nothing to measure");
        return Ok(());
    }
    let files = inputs.len();
    let bytes: usize = inputs.iter().map(|i| i.bytes.len()).sum();
    let threads = rayon::current_num_threads();
    let config = LintConfig::default();
    let n = options.iterations;

    println!("corpus:");
    for dir in &dirs {
        println!("  {}", dir.display());
    }
    println!(
        "{files} files, {:.1} MB, {n} iterations, rayon threads: {threads}\n",
        bytes as f64 / 1e6
    );
    println!(
        "{:<12} {:>7} {:>11} {:>8} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "pass", "threads", "files/s", "MB/s", "p50 µs", "p99 µs", "max µs", "wall ms", "findings"
    );
    // Warm-up: one untimed pass, so the first timed iteration does not pay for page faults.
    let _ = run_pass(&inputs, Some(&config), false, 1);
    let mut slowest = Vec::new();
    for (label, config) in [("parse", None), ("parse+lint", Some(&config))] {
        let mut single = run_pass(&inputs, config, false, n);
        print_row(label, "1", &mut single, files, bytes);
        let mut parallel = run_pass(&inputs, config, true, n);
        print_row(label, &threads.to_string(), &mut parallel, files, bytes);
        let mut by_file: Vec<(u64, usize)> = single.per_file_max.iter().copied().zip(0..).collect();
        by_file.sort_unstable_by(|a, b| b.cmp(a));
        slowest.push((label, by_file));
    }
    println!("\nslowest files (single thread, worst iteration):");
    for (label, by_file) in &slowest {
        for &(ns, i) in by_file.iter().take(3) {
            let Some(input) = inputs.get(i) else {
                continue;
            };
            println!(
                "  {label:<10} {:>9} µs {:>8} B  {}",
                micros(ns),
                input.bytes.len(),
                input.name
            );
        }
    }
    if options.per_rule {
        per_rule(&inputs)?;
    }
    match peak_rss_kb() {
        Some(kb) => println!("\npeak RSS (VmHWM): {:.1} MB", kb as f64 / 1024.0),
        None => println!("\npeak RSS: unavailable (no /proc/self/status)"),
    }

    if !options.cli {
        return Ok(());
    }
    let tenet = repo_root().join("target/release/tenet");
    if !tenet.is_file() {
        println!("\nwhole process: skipped (`{}` not built)", tenet.display());
        return Ok(());
    }
    println!("\nwhole process: tenet lint --format json DIR (median of {CLI_RUNS} runs)");
    println!(
        "{:<36} {:>6} {:>9} {:>9} {:>5}",
        "corpus", "files", "wall ms", "ms/file", "exit"
    );
    let mut all = dirs.clone();
    all.dedup();
    let mut rows: Vec<(String, Vec<PathBuf>)> = dirs
        .iter()
        .map(|d| {
            let name = d
                .file_name()
                .map_or_else(|| d.display().to_string(), |n| n.to_string_lossy().into());
            (name, vec![d.clone()])
        })
        .collect();
    if dirs.len() > 1 {
        rows.push(("all of the above".to_owned(), all));
    }
    for (name, row_dirs) in rows {
        let count = read_inputs(&row_dirs)?.len();
        let (wall, status) = time_cli(&tenet, &row_dirs)?;
        let ms = wall.as_secs_f64() * 1000.0;
        let exit = status.map_or_else(|| "sig".to_owned(), |c| c.to_string());
        println!(
            "{name:<36} {count:>6} {ms:>9.1} {:>9.3} {exit:>5}",
            ms / count.max(1) as f64
        );
    }
    Ok(())
}
