//! `textDocument/hover`: catalog facts about the action, condition key, operator or element under the
//! cursor, and the documentation of the rules whose diagnostics cover it (as `tenet explain` prints).

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use serde_json::Value;
use tenet_diagnostics::Span;

use crate::check;
use crate::cursor::{self, Slot};
use crate::docs;
use crate::document::Language;
use crate::server::{params, Failure, Server};

/// Answers a hover: `null` when there is nothing to say.
pub fn handle(server: &mut Server, value: Value) -> Result<Value, Failure> {
    let p: HoverParams = params(value)?;
    let uri = p.text_document_position_params.text_document.uri;
    let doc = server.doc(&uri)?;
    let offset = doc.offset(p.text_document_position_params.position, server.encoding);
    let (text, language) = (doc.text.clone(), doc.language);
    let (mut parts, mut span) = match language {
        Language::Policy => policy_hover(&text, offset),
        Language::Property => property_hover(&text, offset),
        Language::Other => return Ok(Value::Null),
    };
    if language == Language::Policy {
        let input = server.lint_input(&uri);
        let mut explained = Vec::new();
        for d in check::lint(&input) {
            let covers = (d.span.start as usize) <= offset && offset <= (d.span.end as usize);
            if covers && !explained.contains(&d.code) {
                explained.push(d.code);
                if let Some(doc) = tenet_lint::pipeline::explain(d.code) {
                    parts.push(doc);
                }
                span = span.or(Some(d.span));
            }
        }
    }
    if parts.is_empty() {
        return Ok(Value::Null);
    }
    let doc = server.doc(&uri)?;
    let hover = Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n---\n\n"),
        }),
        range: span.map(|s| doc.range(s, server.encoding)),
    };
    serde_json::to_value(hover).map_err(|e| Failure::new(lsp_server::ErrorCode::InternalError, e.to_string()))
}

/// The catalog text for the string under the cursor in a policy, and its span.
fn policy_hover(text: &str, offset: usize) -> (Vec<String>, Option<Span>) {
    let Some(token) = cursor::at(text, offset).token else {
        return (Vec::new(), None);
    };
    let name = token.value.as_str();
    let doc = match cursor::slot(token.is_key, &token.path) {
        Slot::Action => docs::action(name),
        Slot::ConditionKey => docs::condition_key(name),
        Slot::Operator => docs::operator(name),
        Slot::StatementElement | Slot::PolicyElement => docs::element(name),
        _ => None,
    };
    match doc {
        Some(d) => (vec![d], Some(Span::new(token.start, token.end))),
        None => (Vec::new(), None),
    }
}

/// The word under the cursor in a `.tenet` file: an action or a condition key.
fn property_hover(text: &str, offset: usize) -> (Vec<String>, Option<Span>) {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, ':' | '*' | '?' | '-' | '_' | '/' | '.');
    let Some((before, after)) = text.split_at_checked(offset) else {
        return (Vec::new(), None);
    };
    let start = before.trim_end_matches(is_word).len();
    let end = text.len() - after.trim_start_matches(is_word).len();
    let word = text.get(start..end).unwrap_or_default();
    if !word.contains(':') {
        return (Vec::new(), None);
    }
    match docs::action(word).or_else(|| docs::condition_key(word)) {
        Some(d) => (vec![d], Some(Span::new(start, end))),
        None => (Vec::new(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &str) -> (String, usize) {
        let at = s.find('|').unwrap();
        (s.replacen('|', "", 1), at)
    }

    #[test]
    fn hovers_name_actions_keys_and_operators() {
        let (text, at) = marked(
            r#"{"Statement": [{"Action": "kms:Dec|rypt", "Condition": {"StringEquals": {"kms:ViaService": "x"}}}]}"#,
        );
        let (parts, span) = policy_hover(&text, at);
        assert!(
            parts[0].contains("**kms:Decrypt**") && parts[0].contains("Access level: Write"),
            "{parts:?}"
        );
        assert_eq!(text.get(span.unwrap().range()), Some("\"kms:Decrypt\""));
        let at = text.find("kms:ViaService").unwrap() + 2;
        let (parts, _) = policy_hover(&text, at);
        assert!(
            parts[0].contains("**kms:ViaService**") && parts[0].contains("Type `String`"),
            "{parts:?}"
        );
        let at = text.find("StringEquals").unwrap() + 2;
        let (parts, _) = policy_hover(&text, at);
        assert!(parts[0].contains("case-sensitively"), "{parts:?}");
        let (parts, _) = policy_hover(&text, 1);
        assert!(parts.is_empty(), "outside any string: {parts:?}");
    }

    #[test]
    fn property_files_hover_on_actions() {
        let text = "property p:\n  never allow s3:PutObject on \"arn:aws:s3:::b/*\"\n";
        let at = text.find("PutObject").unwrap();
        let (parts, span) = property_hover(text, at);
        assert!(parts[0].contains("**s3:PutObject**"), "{parts:?}");
        assert_eq!(text.get(span.unwrap().range()), Some("s3:PutObject"));
        assert!(property_hover(text, 3).0.is_empty());
    }
}
