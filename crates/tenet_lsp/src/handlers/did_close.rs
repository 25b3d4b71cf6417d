//! `textDocument/didClose`: stop tracking the document and clear its diagnostics.

use lsp_types::DidCloseTextDocumentParams;
use serde_json::Value;

use crate::server::{params, Failure, Server};

/// Drops the document; any lint or proof still running for it is then stale, and its diagnostics are
/// cleared in the client.
pub fn handle(server: &mut Server, value: Value) -> Result<(), Failure> {
    let p: DidCloseTextDocumentParams = params(value)?;
    let uri = p.text_document.uri;
    if let Some(doc) = server.docs.remove(&uri) {
        doc.bump();
    }
    server.forget(&uri);
    server.publish(uri, Vec::new(), None);
    Ok(())
}
