//! Latency and memory benchmark of `tenet lsp`, measured from outside, as an editor sees it: the
//! server runs as a subprocess and this program speaks LSP to it over its stdin/stdout.
//!
//! 1. change -> publishDiagnostics: a ~20 KB policy is opened, then edited (a one-line ranged edit
//!    that breaks or repairs an `Effect`) `--edits` times; each edit's time is from writing the
//!    `didChange` to reading the `publishDiagnostics` of that version.
//! 2. memory: `--docs` policies are opened (generated, or the `*.json` files of `--corpus DIR`,
//!    cycled), and once each has its diagnostics the server's resident set size is read from
//!    `/proc/<pid>/status`.
//!
//! ```text
//! cargo build --release --bin tenet
//! cargo run --release -p tenet_lsp --example lsp_bench -- target/release/tenet [--edits 200] [--docs 1000] [--corpus DIR]
//! ```
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a benchmark program: failing loudly is the point"
)]
#![allow(
    clippy::indexing_slicing,
    reason = "a benchmark harness: an out-of-range index is a bug that fails the run loudly"
)]

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// Statements of the latency policy: about 20 KB.
const STATEMENTS: usize = 56;

struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Message>,
    next_id: i32,
}

impl Server {
    fn start(bin: &str) -> Server {
        let mut child = Command::new(bin)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start `tenet lsp`");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(msg)) = Message::read(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            incoming,
            next_id: 0,
        }
    }

    fn send(&mut self, msg: Message) {
        msg.write(&mut self.stdin).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(method.into(), params)));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(id.clone(), method.into(), params)));
        loop {
            match self.incoming.recv_timeout(Duration::from_secs(30)).expect("a response") {
                Message::Response(r) if r.id == id => return r.result.unwrap_or(Value::Null),
                _ => {}
            }
        }
    }

    /// Waits for the diagnostics of `uri` at `version`; returns how many there were.
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> usize {
        loop {
            let msg = self
                .incoming
                .recv_timeout(Duration::from_secs(30))
                .expect("diagnostics");
            if let Message::Notification(n) = msg {
                let p = &n.params;
                if n.method == "textDocument/publishDiagnostics"
                    && p["uri"] == uri
                    && (version.is_none() || p["version"].as_i64() == version)
                {
                    return p["diagnostics"].as_array().map_or(0, Vec::len);
                }
            }
        }
    }

    fn rss_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("the field in /proc status")
    }
}

/// A pretty-printed policy of `statements` statements (about 400 bytes each), the last one's
/// `Effect` on a line of its own.
fn policy(statements: usize, seed: usize) -> String {
    let mut out = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    for i in 0..statements {
        let n = seed * 1000 + i;
        out.push_str(&format!(
            "    {{\n      \"Sid\": \"Stmt{n}\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\", \"s3:ListBucket\", \"kms:Decrypt\"],\n      \"Resource\": [\"arn:aws:s3:::bucket-{n}\", \"arn:aws:s3:::bucket-{n}/*\", \"arn:aws:kms:us-east-1:111122223333:key/{n}\"],\n      \"Condition\": {{\"StringEquals\": {{\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}, \"IpAddress\": {{\"aws:SourceIp\": \"10.{}.0.0/16\"}}}}\n    }}{}\n",
            i % 250,
            if i + 1 == statements { "" } else { "," }
        ));
    }
    out.push_str("  ]\n}\n");
    out
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bin = args.first().cloned().unwrap_or_else(|| "target/release/tenet".into());
    let edits: usize = arg(&args, "--edits").map_or(200, |v| v.parse().unwrap());
    let docs: usize = arg(&args, "--docs").map_or(1000, |v| v.parse().unwrap());
    let corpus = arg(&args, "--corpus");

    let mut server = Server::start(&bin);
    let root = std::env::temp_dir().join("tenet-lsp-bench");
    let root_uri = format!("file://{}", root.display());
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "capabilities": {}}),
    );
    server.notify("initialized", json!({}));
    let rss_idle = server.rss_kib("VmRSS:");

    // 1. change -> publishDiagnostics on a ~20 KB policy.
    let text = policy(STATEMENTS, 0);
    let uri = format!("{root_uri}/big.json");
    let opened = Instant::now();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 0, "text": text}}),
    );
    let first = server.diagnostics(&uri, Some(0));
    let open_ms = opened.elapsed().as_secs_f64() * 1000.0;
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"Effect\""))
        .last()
        .unwrap()
        .0;
    let col = text.lines().nth(line).unwrap().find("\"Allow\"").unwrap() + 1;
    let mut times = Vec::with_capacity(edits);
    let mut counts = [0usize; 2];
    for v in 1..=edits {
        let broken = v % 2 == 1;
        let (len, new) = if broken { (5, "Alow") } else { (4, "Allow") };
        let change = json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + len}}, "text": new});
        let sent = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]}),
        );
        counts[usize::from(broken)] = server.diagnostics(&uri, Some(v as i64));
        times.push(sent.elapsed().as_secs_f64() * 1000.0);
    }
    assert_eq!(
        counts[1],
        counts[0] + 1,
        "breaking the Effect adds exactly one diagnostic"
    );
    times.sort_by(f64::total_cmp);
    println!(
        "change -> publishDiagnostics, {:.1} KB policy ({STATEMENTS} statements, {first} diagnostics), {edits} edits: median {:.2} ms, p95 {:.2} ms, max {:.2} ms (open -> first diagnostics {:.2} ms)",
        text.len() as f64 / 1024.0,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1],
        open_ms
    );

    // 2. RSS with `docs` documents open.
    let texts: Vec<String> = match &corpus {
        Some(dir) => {
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .expect("the corpus directory")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
        }
        None => (0..docs.min(1000)).map(|i| policy(3 + i % 8, i + 1)).collect(),
    };
    assert!(!texts.is_empty(), "no documents to open");
    let started = Instant::now();
    let mut bytes = 0;
    for i in 0..docs {
        let text = &texts[i % texts.len()];
        bytes += text.len();
        let u = format!("{root_uri}/doc{i}.json");
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "json", "version": 1, "text": text}}),
        );
    }
    for i in 0..docs {
        server.diagnostics(&format!("{root_uri}/doc{i}.json"), Some(1));
    }
    let all_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rss = server.rss_kib("VmRSS:");
    let peak = server.rss_kib("VmHWM:");
    println!(
        "{docs} open documents ({:.1} MB of text{}): RSS {:.1} MB (idle server {:.1} MB, peak {:.1} MB); all linted in {:.0} ms",
        bytes as f64 / 1e6,
        corpus.as_deref().map(|c| format!(" from {c}")).unwrap_or_default(),
        rss as f64 / 1024.0,
        rss_idle as f64 / 1024.0,
        peak as f64 / 1024.0,
        all_ms
    );

    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
    let status = server.child.wait().expect("the server exits");
    assert!(status.success(), "exit status {status}");
}
