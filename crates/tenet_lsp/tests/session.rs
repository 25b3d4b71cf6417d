//! Whole sessions against `tenet_lsp::run` over an in-memory connection: the protocol's edges
//! (errors, shutdown, exit), the configuration, and the order of results under a burst of edits.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

struct Client {
    conn: Connection,
    server: std::thread::JoinHandle<Result<(), tenet_lsp::LspError>>,
    next: i32,
}

impl Client {
    fn start(root: Option<&std::path::Path>) -> Client {
        Client::start_with(root, Value::Null)
    }

    fn start_with(root: Option<&std::path::Path>, options: Value) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || tenet_lsp::run(&server_side));
        let mut c = Client {
            conn: client_side,
            server,
            next: 0,
        };
        let root_uri = root.map(|r| format!("file://{}", r.display()));
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": root_uri, "initializationOptions": options,
                "capabilities": {"general": {"positionEncodings": ["utf-16"]}}}),
        );
        assert_eq!(init.result.unwrap()["capabilities"]["positionEncoding"], "utf-16");
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(method.into(), params)))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request::new(id.clone(), method.into(), params)))
            .unwrap();
        loop {
            if let Message::Response(r) = self.recv() {
                if r.id == id {
                    return r;
                }
            }
        }
    }

    fn recv(&self) -> Message {
        self.conn.receiver.recv_timeout(Duration::from_secs(20)).unwrap()
    }

    /// The next publishDiagnostics for `uri`: (version, codes).
    fn published(&self, uri: &str) -> (Option<i64>, Vec<String>) {
        loop {
            if let Message::Notification(n) = self.recv() {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    let codes = n.params["diagnostics"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
                        .collect();
                    return (n.params["version"].as_i64(), codes);
                }
            }
        }
    }

    /// The diagnostics of the next publishDiagnostics for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            if let Message::Notification(n) = self.recv() {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
            }
        }
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        );
    }

    fn shutdown(mut self) -> Result<(), tenet_lsp::LspError> {
        let r = self.request("shutdown", Value::Null);
        assert!(r.error.is_none());
        self.notify("exit", Value::Null);
        self.server.join().unwrap()
    }
}

const BAD_EFFECT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Alow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}"#;

#[test]
fn errors_are_lsp_errors_and_shutdown_then_exit_is_clean() {
    let mut c = Client::start(None);
    let r = c.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(r.error.unwrap().code, lsp_server::ErrorCode::MethodNotFound as i32);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///never/opened.json"}, "position": {"line": 0, "character": 0}}),
    );
    let e = r.error.unwrap();
    assert_eq!(e.code, lsp_server::ErrorCode::InvalidParams as i32);
    assert!(e.message.contains("not open"), "{}", e.message);
    let r = c.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r.error.unwrap().code, lsp_server::ErrorCode::InvalidParams as i32);
    assert!(c.shutdown().is_ok());
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let c = Client::start(None);
    c.notify("exit", Value::Null);
    assert!(matches!(
        c.server.join().unwrap(),
        Err(tenet_lsp::LspError::ExitWithoutShutdown)
    ));
}

#[test]
fn a_burst_of_edits_ends_with_the_newest_texts_diagnostics() {
    let c = Client::start(None);
    let uri = "file:///nonexistent/burst.json";
    c.open(uri, BAD_EFFECT);
    assert_eq!(c.published(uri), (Some(1), vec!["SYN008".to_owned()]));
    let col = BAD_EFFECT.find("Alow").unwrap();
    for v in 2..=40 {
        let (len, text) = if v % 2 == 0 { (4, "Allow") } else { (5, "Alow") };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": col}, "end": {"line": 0, "character": col + len}}, "text": text}
            ]}),
        );
    }
    // Results may be skipped (coalesced or stale) but never arrive out of order, and the last one is
    // for version 40, whose Effect is valid again.
    let mut last = 1;
    loop {
        let (version, codes) = c.published(uri);
        let version = version.unwrap();
        assert!(version > last, "version {version} after {last}");
        last = version;
        if version == 40 {
            assert!(codes.is_empty(), "{codes:?}");
            break;
        }
    }
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    assert_eq!(c.published(uri), (None, vec![]));
    assert!(c.shutdown().is_ok());
}

#[test]
fn with_a_lint_delay_a_burst_is_linted_once() {
    let c = Client::start_with(None, json!({"lintDelayMs": 300}));
    let uri = "file:///nonexistent/delayed.json";
    c.open(uri, BAD_EFFECT);
    let col = BAD_EFFECT.find("Alow").unwrap();
    for v in 2..=11 {
        let (len, text) = if v % 2 == 0 { (4, "Allow") } else { (5, "Alow") };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": col}, "end": {"line": 0, "character": col + len}}, "text": text}
            ]}),
        );
    }
    // Every change came well within the delay of the one before: only the last text is linted.
    assert_eq!(c.published(uri), (Some(11), vec!["SYN008".to_owned()]));
    assert!(c.shutdown().is_ok());
}

#[test]
fn tenet_toml_applies_as_in_tenet_lint() {
    let root = std::env::temp_dir().join(format!("tenet-lsp-session-{}", std::process::id()));
    std::fs::create_dir_all(root.join("legacy")).unwrap();
    std::fs::write(
        root.join("tenet.toml"),
        "[[per-path]]\nglob = \"legacy/**\"\nignore = [\"SYN008\"]\n",
    )
    .unwrap();
    let c = Client::start(Some(&root));
    let legacy = format!("file://{}/legacy/p.json", root.display());
    let current = format!("file://{}/p.json", root.display());
    c.open(&legacy, BAD_EFFECT);
    assert_eq!(c.published(&legacy).1, Vec::<String>::new());
    c.open(&current, BAD_EFFECT);
    assert_eq!(c.published(&current).1, vec!["SYN008".to_owned()]);
    let package = format!("file://{}/package.json", root.display());
    c.open(&package, r#"{"name": "x", "version": "1.0.0"}"#);
    assert_eq!(c.published(&package).1, Vec::<String>::new(), "not a policy: nothing");
    assert!(c.shutdown().is_ok());
    std::fs::remove_dir_all(&root).unwrap();
}

const PUBLIC_READ: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}"#;

/// The diagnostics with `code`, as (line, character) of their start.
fn starts(ds: &[Value], code: &str) -> Vec<(u64, u64)> {
    ds.iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            let s = &d["range"]["start"];
            (s["line"].as_u64().unwrap(), s["character"].as_u64().unwrap())
        })
        .collect()
}

/// Like `tenet prove` (which reads nothing outside the directory it runs in unless
/// `--allow-outside`), the server reads nothing a `.tenet` file names outside the workspace root,
/// or outside the file's own directory when there is no workspace: the path gets a diagnostic and
/// the proof is refused.
#[test]
fn paths_outside_the_workspace_are_refused_at_the_path() {
    let top = std::env::temp_dir().join(format!("tenet-lsp-confine-{}", std::process::id()));
    let project = top.join("project");
    std::fs::create_dir_all(project.join("props")).unwrap();
    std::fs::write(top.join("secret.json"), PUBLIC_READ).unwrap();
    std::fs::write(project.join("bucket.json"), PUBLIC_READ).unwrap();
    let text = "property inside: not public \"../bucket.json\"\nproperty outside: not public \"../../secret.json\"\n";
    let path = project.join("props/p.tenet");
    std::fs::write(&path, text).unwrap();
    let uri = format!("file://{}", path.display());
    let outside_at = (1, text.lines().nth(1).unwrap().find('"').unwrap() as u64);

    let c = Client::start(Some(&project));
    c.open(&uri, text);
    assert_eq!(starts(&c.diagnostics(&uri), "tenet::prove::outside"), vec![outside_at]);
    // Saving proves the file: refused, and the refusal stays at the path.
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    let after = c.diagnostics(&uri);
    assert_eq!(starts(&after, "tenet::prove::outside"), vec![outside_at], "{after:?}");
    assert!(
        after
            .iter()
            .all(|d| d["code"].as_str().is_some_and(|c| !c.starts_with("PRV"))),
        "no verdicts: {after:?}"
    );
    assert!(c.shutdown().is_ok());

    // Without a workspace, the file's directory confines: `../bucket.json` is outside too.
    let c = Client::start(None);
    c.open(&uri, text);
    let ds = c.diagnostics(&uri);
    let inside_at = (0, text.find('"').unwrap() as u64);
    assert_eq!(
        starts(&ds, "tenet::prove::outside"),
        vec![inside_at],
        "the first path outside"
    );
    assert!(c.shutdown().is_ok());

    // A file that names only paths inside the workspace is proved.
    let c = Client::start(Some(&project));
    let inside = "property inside: not public \"../bucket.json\"\n";
    std::fs::write(&path, inside).unwrap();
    c.open(&uri, inside);
    assert!(starts(&c.diagnostics(&uri), "tenet::prove::outside").is_empty());
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    let proved = c.diagnostics(&uri);
    assert_eq!(starts(&proved, "PRV001").len(), 1, "public: violated: {proved:?}");
    assert!(c.shutdown().is_ok());
    std::fs::remove_dir_all(&top).unwrap();
}
