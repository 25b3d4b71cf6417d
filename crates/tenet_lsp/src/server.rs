//! The main loop: negotiates capabilities, owns the open documents, dispatches requests and
//! notifications to the handlers (one file each under `handlers/`), schedules lint runs and publishes
//! what the background tasks send back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, HoverProviderCapability,
    InitializeParams, PositionEncodingKind, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use serde_json::Value;

use crate::check::{property_lsp, Confinement, LintInput};
use crate::config::Configs;
use crate::document::{Document, Encoding, Language};
use crate::handlers;
use crate::tasks::{spawn_lint_worker, spawn_proof, LintJob, Task};
use crate::LspError;

/// Settings a client may pass in `initializationOptions`.
#[derive(Debug, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Options {
    /// Milliseconds to wait after a change before linting (default 0: lint as soon as the queue of
    /// incoming messages is empty, which already merges a burst of changes).
    lint_delay_ms: Option<u64>,
    /// The time limit of one property, in milliseconds (default 5000, as `tenet prove`).
    prove_timeout_ms: Option<u32>,
}

/// The server's state, owned by the main loop.
pub struct Server {
    /// Where messages to the client go.
    pub sender: Sender<Message>,
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// The open documents.
    pub docs: HashMap<Url, Document>,
    /// `tenet.toml` lookups.
    pub configs: Configs,
    /// The last proof of each open `.tenet` file: its save number, verdicts and error.
    pub proofs: HashMap<Url, Proof>,
    /// Documents waiting to be linted, with when.
    pending: HashMap<Url, Instant>,
    lint_delay: Duration,
    prove_timeout_ms: u32,
    lint_jobs: Sender<LintJob>,
    tasks: Sender<Task>,
}

/// The latest proof of a `.tenet` file.
#[derive(Default)]
pub struct Proof {
    /// How many saves started a proof.
    pub saves: u64,
    /// The verdicts of the newest finished proof.
    pub verdicts: Vec<tenet_prove::PropertyResult>,
    /// Why the newest proof could not run.
    pub error: Option<String>,
}

/// What the server tells the client it can do.
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                include_text: Some(false),
            })),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ":".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE_FIX_ALL]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// UTF-8 when the client offers it (no conversion), else the protocol's UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|e| e.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The workspace root: the first workspace folder, else `rootUri`, else `rootPath`.
#[expect(deprecated, reason = "older clients only send rootUri or rootPath")]
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return folder.uri.to_file_path().ok();
    }
    if let Some(uri) = &params.root_uri {
        return uri.to_file_path().ok();
    }
    params.root_path.as_ref().map(PathBuf::from)
}

/// Runs a session on `connection`: the `initialize` handshake, then the main loop until `exit`.
/// Returns [`LspError::ExitWithoutShutdown`] when the client exits without asking to shut down first.
pub fn run(connection: &Connection) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = negotiate(&params);
    let options: Options = params
        .initialization_options
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": {"name": "tenet", "version": env!("CARGO_PKG_VERSION")},
    });
    connection.initialize_finish(id, result)?;

    let (job_tx, job_rx) = unbounded();
    let (task_tx, task_rx) = unbounded();
    let worker = spawn_lint_worker(job_rx, task_tx.clone())?;
    let mut server = Server {
        sender: connection.sender.clone(),
        encoding,
        docs: HashMap::new(),
        configs: Configs::new(workspace_root(&params)),
        proofs: HashMap::new(),
        pending: HashMap::new(),
        lint_delay: Duration::from_millis(options.lint_delay_ms.unwrap_or(0)),
        prove_timeout_ms: options.prove_timeout_ms.unwrap_or(5000),
        lint_jobs: job_tx,
        tasks: task_tx,
    };
    let outcome = server.main_loop(connection, &task_rx);
    drop(server);
    let _ = worker.join();
    outcome
}

impl Server {
    fn main_loop(&mut self, connection: &Connection, tasks: &Receiver<Task>) -> Result<(), LspError> {
        loop {
            let wait = self.pending.values().min().map_or(Duration::from_secs(3600), |t| {
                t.saturating_duration_since(Instant::now())
            });
            select! {
                recv(connection.receiver) -> msg => {
                    let Ok(msg) = msg else { return Err(LspError::ExitWithoutShutdown) };
                    match msg {
                        Message::Request(req) => {
                            if connection.handle_shutdown(&req)? {
                                return Ok(());
                            }
                            self.request(req);
                        }
                        Message::Notification(n) if n.method == "exit" => return Err(LspError::ExitWithoutShutdown),
                        Message::Notification(n) => self.notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(tasks) -> task => {
                    if let Ok(task) = task {
                        self.task(task);
                    }
                }
                default(wait) => {}
            }
            // Lint only when no message is waiting: a burst of changes is merged into one run.
            if connection.receiver.is_empty() {
                self.flush_pending();
            }
        }
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/hover" => handlers::hover::handle(self, req.params),
            "textDocument/completion" => handlers::completion::handle(self, req.params),
            "textDocument/codeAction" => handlers::code_action::handle(self, req.params),
            other => Err(Failure::new(
                ErrorCode::MethodNotFound,
                format!("tenet does not handle `{other}`"),
            )),
        };
        let response = match result {
            Ok(value) => Response {
                id,
                result: Some(value),
                error: None,
            },
            Err(f) => Response::new_err(id, f.code as i32, f.message),
        };
        self.send(Message::Response(response));
    }

    fn notification(&mut self, n: Notification) {
        let outcome = match n.method.as_str() {
            "textDocument/didOpen" => handlers::did_open::handle(self, n.params),
            "textDocument/didChange" => handlers::did_change::handle(self, n.params),
            "textDocument/didSave" => handlers::did_save::handle(self, n.params),
            "textDocument/didClose" => handlers::did_close::handle(self, n.params),
            "workspace/didChangeWatchedFiles" | "workspace/didChangeConfiguration" => {
                self.configs.clear();
                let uris: Vec<Url> = self.docs.keys().cloned().collect();
                uris.iter().for_each(|u| self.schedule(u));
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(f) = outcome {
            // Notifications have no reply: tell the user in the log instead.
            self.log(&f.message);
        }
    }

    fn task(&mut self, task: Task) {
        match task {
            Task::Linted {
                uri,
                generation,
                diagnostics,
            } => {
                let Some(doc) = self.docs.get(&uri) else { return };
                if doc.generation() == generation {
                    let version = doc.version;
                    self.publish(uri, diagnostics, Some(version));
                }
            }
            Task::Proved { uri, save, results } => {
                let Some(proof) = self.proofs.get_mut(&uri) else { return };
                if proof.saves != save || !self.docs.contains_key(&uri) {
                    return;
                }
                match results {
                    Ok(verdicts) => {
                        proof.verdicts = verdicts;
                        proof.error = None;
                    }
                    Err(e) => proof.error = Some(e),
                }
                self.check_property(&uri);
            }
        }
    }

    /// Queues a check of `uri`: policies are linted after the delay, `.tenet` files parsed at once.
    pub fn schedule(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else { return };
        match doc.language {
            Language::Policy => {
                self.pending.insert(uri.clone(), Instant::now() + self.lint_delay);
            }
            Language::Property => self.check_property(uri),
            Language::Other => {}
        }
    }

    /// Starts a proof of the `.tenet` file `uri` as saved on disk.
    pub fn prove(&mut self, uri: &Url) {
        let Some(path) = self.docs.get(uri).and_then(|d| d.path.clone()) else {
            return;
        };
        let root = self.confinement_root(&path);
        let proof = self.proofs.entry(uri.clone()).or_default();
        proof.saves += 1;
        spawn_proof(
            uri.clone(),
            proof.saves,
            path,
            root,
            self.prove_timeout_ms,
            self.tasks.clone(),
        );
    }

    /// The directory the paths a `.tenet` file names must stay in: the workspace root, else the
    /// file's own directory (as `tenet prove` confines them to the directory it runs in).
    fn confinement_root(&self, path: &Path) -> PathBuf {
        let root = match &self.configs.root {
            Some(r) => r.clone(),
            None => path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        root.canonicalize().unwrap_or(root)
    }

    fn check_property(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else { return };
        let proof = self.proofs.get(uri);
        let confined = doc.path.as_deref().map(|p| {
            let base = p.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (base, self.confinement_root(p))
        });
        let confine = confined.as_ref().map(|(base, root)| Confinement { base, root });
        let diagnostics = property_lsp(
            &doc.text,
            proof.map_or(&[][..], |p| &p.verdicts),
            proof.and_then(|p| p.error.as_deref()),
            self.encoding,
            confine.as_ref(),
        );
        let version = doc.version;
        self.publish(uri.clone(), diagnostics, Some(version));
    }

    fn flush_pending(&mut self) {
        let now = Instant::now();
        let due: Vec<Url> = self
            .pending
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            let Some(doc) = self.docs.get(&uri) else { continue };
            let job = LintJob {
                uri: uri.clone(),
                generation: doc.generation(),
                current: doc.generation.clone(),
                input: self.lint_input(&uri),
                encoding: self.encoding,
            };
            if self.lint_jobs.send(job).is_err() {
                self.log("the lint worker stopped");
            }
        }
    }

    /// The lint input of an open document (its text, paths and configuration).
    pub fn lint_input(&mut self, uri: &Url) -> LintInput {
        let (text, path) = match self.docs.get(uri) {
            Some(d) => (d.text.clone(), d.path.clone()),
            None => ("".into(), None),
        };
        let (config, config_error) = self.configs.for_path(path.as_deref());
        let absolute = path.clone().unwrap_or_else(|| PathBuf::from(uri.path()));
        // The name the linter sees (kind hints come from its directories) is relative to the
        // workspace root, as `tenet lint` run from the root would show it.
        let display = match (&path, &self.configs.root) {
            (Some(p), Some(root)) => p.strip_prefix(root).unwrap_or(p).to_string_lossy().into_owned(),
            (Some(p), None) => p.to_string_lossy().into_owned(),
            (None, _) => uri.to_string(),
        };
        LintInput {
            text,
            display,
            absolute,
            config,
            config_error,
        }
    }

    /// Sends `publishDiagnostics`.
    pub fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.into(),
            params,
        )));
    }

    /// Forgets everything pending about `uri`.
    pub fn forget(&mut self, uri: &Url) {
        self.pending.remove(uri);
        self.proofs.remove(uri);
    }

    fn log(&self, message: &str) {
        let params = serde_json::json!({"type": 1, "message": format!("tenet: {message}")});
        self.send(Message::Notification(Notification::new(
            "window/logMessage".into(),
            params,
        )));
    }

    fn send(&self, message: Message) {
        // The client is gone when this fails; the loop ends when its receiver closes.
        let _ = self.sender.send(message);
    }

    /// The open document `uri`, or the LSP error for an unknown document.
    pub fn doc(&self, uri: &Url) -> Result<&Document, Failure> {
        self.docs.get(uri).ok_or_else(|| {
            Failure::new(
                ErrorCode::InvalidParams,
                format!("document `{uri}` is not open: send textDocument/didOpen first"),
            )
        })
    }
}

/// A request that failed, as the LSP error to answer with.
#[derive(Debug)]
pub struct Failure {
    /// The JSON-RPC error code.
    pub code: ErrorCode,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// A failure.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

/// Reads a request's or notification's parameters.
pub fn params<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure::new(ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}
