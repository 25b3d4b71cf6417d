//! `textDocument/didChange`: apply the edits and schedule a check of the new text.

use lsp_server::ErrorCode;
use lsp_types::DidChangeTextDocumentParams;
use serde_json::Value;

use crate::server::{params, Failure, Server};

/// Applies the changes (incremental or whole) and schedules a check; the lint run of the older text
/// is then stale.
pub fn handle(server: &mut Server, value: Value) -> Result<(), Failure> {
    let p: DidChangeTextDocumentParams = params(value)?;
    let uri = p.text_document.uri;
    let encoding = server.encoding;
    let Some(doc) = server.docs.get_mut(&uri) else {
        return Err(Failure::new(
            ErrorCode::InvalidParams,
            format!("change to `{uri}`, which is not open"),
        ));
    };
    doc.apply_changes(p.text_document.version, p.content_changes, encoding);
    server.schedule(&uri);
    Ok(())
}
