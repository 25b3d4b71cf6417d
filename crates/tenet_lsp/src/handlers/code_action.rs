//! `textDocument/codeAction`: every certain fix of the linter as a quick fix, "fix all" as a source
//! action, and "suppress in this statement", which adds a `TenetIgnore<CODE>` marker to the
//! statement's `Sid` (JSON has no comments; the README describes the marker).

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Url, WorkspaceEdit};
use serde_json::Value;
use tenet_ast::{PolicyDocument, Spanned, Statement};
use tenet_diagnostics::{Diagnostic, Edit, LineIndex, Span};
use tenet_lint::config::suppression_marker;

use crate::check::{lint_checked, to_lsp};
use crate::document::{range, Encoding, Language};
use crate::server::{params, Failure, Server};

/// Answers a code action request for the diagnostics that touch the requested range.
pub fn handle(server: &mut Server, value: Value) -> Result<Value, Failure> {
    let p: CodeActionParams = params(value)?;
    let uri = p.text_document.uri;
    let doc = server.doc(&uri)?;
    if doc.language != Language::Policy {
        return Ok(Value::Array(Vec::new()));
    }
    let start = doc.offset(p.range.start, server.encoding);
    let end = doc.offset(p.range.end, server.encoding);
    let only = p.context.only;
    let encoding = server.encoding;
    let input = server.lint_input(&uri);
    let checked = lint_checked(&input);
    let wanted = |kind: &CodeActionKind| {
        only.as_ref()
            .is_none_or(|o| o.iter().any(|k| kind.as_str().starts_with(k.as_str())))
    };
    let mut actions = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        actions.extend(quick_fixes(
            &input.text,
            &uri,
            &checked.diagnostics,
            &checked.documents,
            Span::new(start, end),
            encoding,
        ));
    }
    if wanted(&CodeActionKind::SOURCE_FIX_ALL) {
        actions.extend(fix_all(&input.text, &uri, &checked.diagnostics, encoding));
    }
    let actions: Vec<CodeActionOrCommand> = actions.into_iter().map(CodeActionOrCommand::CodeAction).collect();
    serde_json::to_value(actions).map_err(|e| Failure::new(lsp_server::ErrorCode::InternalError, e.to_string()))
}

/// The fixes and suppressions of the diagnostics touching `requested`.
pub fn quick_fixes(
    text: &str,
    uri: &Url,
    diagnostics: &[Diagnostic],
    documents: &[PolicyDocument],
    requested: Span,
    encoding: Encoding,
) -> Vec<CodeAction> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for d in diagnostics {
        if d.span.start > requested.end || requested.start > d.span.end {
            continue;
        }
        let lsp = to_lsp(d, uri, &index, text, encoding);
        if let Some(fix) = &d.fix {
            out.push(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp.clone()]),
                edit: Some(edit(uri, text, &index, &fix.edits, encoding)),
                is_preferred: Some(true),
                ..Default::default()
            });
        }
        if let Some(e) = suppression(text, documents, d) {
            out.push(CodeAction {
                title: format!("suppress `{}` in this statement (Sid marker)", d.code),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp]),
                edit: Some(edit(uri, text, &index, &[e], encoding)),
                ..Default::default()
            });
        }
    }
    out
}

/// Every certain fix whose edits do not overlap an earlier one's, as one action.
fn fix_all(text: &str, uri: &Url, diagnostics: &[Diagnostic], encoding: Encoding) -> Option<CodeAction> {
    let mut chosen: Vec<Edit> = Vec::new();
    let mut count = 0;
    for fix in diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        let overlaps = fix.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                e.span.start < c.span.end.max(c.span.start + 1) && c.span.start < e.span.end.max(e.span.start + 1)
            })
        });
        if overlaps || fix.edits.is_empty() {
            continue;
        }
        chosen.extend(fix.edits.iter().cloned());
        count += 1;
    }
    if count == 0 {
        return None;
    }
    let index = LineIndex::new(text);
    Some(CodeAction {
        title: format!("apply {count} certain tenet fix{}", if count == 1 { "" } else { "es" }),
        kind: Some(CodeActionKind::SOURCE_FIX_ALL),
        edit: Some(edit(uri, text, &index, &chosen, encoding)),
        ..Default::default()
    })
}

fn edit(uri: &Url, text: &str, index: &LineIndex, edits: &[Edit], encoding: Encoding) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit {
            range: range(index, text, e.span, encoding),
            new_text: e.replacement.clone(),
        })
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

/// The edit that adds `d`'s code to a `TenetIgnore` marker in the `Sid` of the statement holding it:
/// appended to a plain `Sid`, added after an existing marker's word, or a new `"Sid"` member when the
/// statement has none. `None` outside a statement, inside a policy embedded in a JSON string (whose
/// quotes would need escaping), or when a marker already silences every code there.
fn suppression(text: &str, documents: &[PolicyDocument], d: &Diagnostic) -> Option<Edit> {
    let stmt: &Spanned<Statement> = documents
        .iter()
        .filter(|doc| text.as_bytes().get(doc.span.start as usize) == Some(&b'{'))
        .flat_map(|doc| doc.policy.statements.iter())
        .find(|s| s.span.start <= d.span.start && d.span.end <= s.span.end)?;
    let code = d.code;
    let Some(sid) = &stmt.sid else {
        if text.as_bytes().get(stmt.span.start as usize) != Some(&b'{') {
            return None;
        }
        let at = stmt.span.start as usize + 1;
        return Some(Edit {
            span: Span::empty(at),
            replacement: format!("\"Sid\": \"TenetIgnore{code}\", "),
        });
    };
    // Only a Sid written without escapes maps offsets one to one.
    if text.get(sid.span.range()) != Some(format!("\"{}\"", sid.value).as_str()) {
        return None;
    }
    let contents = sid.span.start as usize + 1;
    match suppression_marker(&sid.value) {
        Some(codes) if codes.is_empty() => None,
        Some(_) => {
            let lower = sid.value.to_ascii_lowercase();
            let (at, len) = ["tenetignore", "tenet-ignore", "tenet_ignore", "tenet:ignore"]
                .iter()
                .find_map(|m| lower.find(m).map(|i| (i, m.len())))?;
            Some(Edit {
                span: Span::empty(contents + at + len),
                replacement: code.to_owned(),
            })
        }
        None => Some(Edit {
            span: Span::empty(sid.span.end as usize - 1),
            replacement: format!("TenetIgnore{code}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::LintInput;
    use std::sync::Arc;

    fn input(text: &str) -> LintInput {
        LintInput {
            text: text.into(),
            display: "p.json".into(),
            absolute: "/nonexistent/p.json".into(),
            config: Arc::new(tenet_lint::LintConfig::default()),
            config_error: None,
        }
    }

    /// Applies an action's edits (UTF-16 ranges) to `text`.
    fn apply(text: &str, action: &CodeAction) -> String {
        let index = LineIndex::new(text);
        let changes = action.edit.as_ref().unwrap().changes.as_ref().unwrap();
        let mut edits: Vec<(usize, usize, String)> = changes
            .values()
            .flatten()
            .map(|e| {
                let s = crate::document::offset(&index, text, e.range.start, Encoding::Utf16);
                let t = crate::document::offset(&index, text, e.range.end, Encoding::Utf16);
                (s, t, e.new_text.clone())
            })
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        let mut out = text.to_owned();
        for (s, t, new) in edits {
            out.replace_range(s..t, &new);
        }
        out
    }

    fn actions_for(text: &str, code: &str) -> Vec<CodeAction> {
        let uri = Url::parse("file:///nonexistent/p.json").unwrap();
        let checked = lint_checked(&input(text));
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code}: {:?}", checked.diagnostics));
        quick_fixes(
            text,
            &uri,
            std::slice::from_ref(d),
            &checked.documents,
            d.span,
            Encoding::Utf16,
        )
    }

    fn codes(text: &str) -> Vec<&'static str> {
        lint_checked(&input(text)).diagnostics.iter().map(|d| d.code).collect()
    }

    const POLICY: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Für\", \"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:GetObject\"], \"Resource\": \"*\"}]}";
    /// `redundant-action`, whose fix is certain.
    const CODE: &str = "IAM110";

    #[test]
    fn a_fix_applies_and_clears_its_diagnostic() {
        let code = CODE;
        let actions = actions_for(POLICY, code);
        let fix = actions.iter().find(|a| a.is_preferred == Some(true)).unwrap();
        let fixed = apply(POLICY, fix);
        assert!(!codes(&fixed).contains(&code), "{fixed}");
    }

    #[test]
    fn suppression_edits_the_sid_or_adds_one() {
        let code = CODE;
        let actions = actions_for(POLICY, code);
        let suppress = actions.iter().find(|a| a.title.starts_with("suppress")).unwrap();
        let fixed = apply(POLICY, suppress);
        assert!(fixed.contains(&format!("\"FürTenetIgnore{code}\"")), "{fixed}");
        assert!(!codes(&fixed).contains(&code), "{fixed}");

        let no_sid = POLICY.replace("\"Sid\": \"Für\", ", "");
        let actions = actions_for(&no_sid, code);
        let suppress = actions.iter().find(|a| a.title.starts_with("suppress")).unwrap();
        let fixed = apply(&no_sid, suppress);
        assert!(
            fixed.contains(&format!("{{\"Sid\": \"TenetIgnore{code}\", \"Effect\"")),
            "{fixed}"
        );
        assert!(!codes(&fixed).contains(&code), "{fixed}");
    }

    #[test]
    fn fix_all_applies_every_certain_fix() {
        let text = POLICY.replace("\"Version\": \"2012-10-17\", ", "");
        assert!(codes(&text).contains(&"IAM001") && codes(&text).contains(&CODE));
        let uri = Url::parse("file:///nonexistent/p.json").unwrap();
        let checked = lint_checked(&input(&text));
        let action = fix_all(&text, &uri, &checked.diagnostics, Encoding::Utf16).unwrap();
        assert_eq!(action.title, "apply 2 certain tenet fixes");
        let fixed = apply(&text, &action);
        let left = codes(&fixed);
        assert!(!left.contains(&"IAM001") && !left.contains(&CODE), "{fixed}: {left:?}");
    }

    #[test]
    fn a_second_code_joins_an_existing_marker() {
        let text = POLICY.replace("\"Für\"", "\"ReadTenetIgnoreIAM999ForNow\"");
        let code = CODE;
        let actions = actions_for(&text, code);
        let suppress = actions.iter().find(|a| a.title.starts_with("suppress")).unwrap();
        let fixed = apply(&text, suppress);
        assert!(
            fixed.contains(&format!("\"ReadTenetIgnore{code}IAM999ForNow\"")),
            "{fixed}"
        );
        assert!(!codes(&fixed).contains(&code), "{fixed}");
    }
}
