//! `textDocument/didOpen`: start tracking the document and check it.

use lsp_types::DidOpenTextDocumentParams;
use serde_json::Value;

use crate::document::Document;
use crate::server::{params, Failure, Server};

/// Tracks the opened document and schedules its check.
pub fn handle(server: &mut Server, value: Value) -> Result<(), Failure> {
    let p: DidOpenTextDocumentParams = params(value)?;
    let item = p.text_document;
    if let Some(old) = server.docs.get(&item.uri) {
        old.bump();
    }
    let doc = Document::new(&item.uri, item.text, item.version, &item.language_id);
    server.docs.insert(item.uri.clone(), doc);
    server.schedule(&item.uri);
    Ok(())
}
