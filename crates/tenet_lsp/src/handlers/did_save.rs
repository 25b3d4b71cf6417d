//! `textDocument/didSave`: prove a `.tenet` file; re-read `tenet.toml` when one was saved.

use lsp_types::{DidSaveTextDocumentParams, Url};
use serde_json::Value;

use crate::document::Language;
use crate::server::{params, Failure, Server};

/// On a `.tenet` file, starts a proof of the saved file; on a `tenet.toml`, forgets the loaded
/// configurations and re-checks every open document.
pub fn handle(server: &mut Server, value: Value) -> Result<(), Failure> {
    let p: DidSaveTextDocumentParams = params(value)?;
    let uri = p.text_document.uri;
    if uri.path().ends_with("/tenet.toml") {
        server.configs.clear();
        let uris: Vec<Url> = server.docs.keys().cloned().collect();
        uris.iter().for_each(|u| server.schedule(u));
        return Ok(());
    }
    match server.doc(&uri)?.language {
        Language::Property => server.prove(&uri),
        Language::Policy => server.schedule(&uri),
        Language::Other => {}
    }
    Ok(())
}
