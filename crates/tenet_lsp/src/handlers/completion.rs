//! `textDocument/completion`: element names, `Effect` and `Version` values, service prefixes, the
//! actions of a service after `service:`, condition operators, the condition keys valid for the
//! statement's actions, principal types; in `.tenet` files, the keywords and actions.

use std::collections::BTreeMap;

use lsp_types::{CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionTextEdit, TextEdit};
use serde_json::Value;
use tenet_ast::ConditionOperator;
use tenet_catalog::catalog;
use tenet_diagnostics::Span;

use crate::cursor::{self, Slot};
use crate::docs;
use crate::document::Language;
use crate::server::{params, Failure, Server};

/// The keywords of the property language (`grammar/property.ebnf`).
const TENET_KEYWORDS: &[&str] = &[
    "absent",
    "access",
    "accounts",
    "allow",
    "and",
    "beyond",
    "boundary",
    "bucket",
    "can",
    "dir",
    "do",
    "equivalent",
    "estate",
    "for",
    "given",
    "identity",
    "in",
    "is",
    "key",
    "like",
    "never",
    "new",
    "no",
    "not",
    "object",
    "on",
    "only",
    "or",
    "outside",
    "policy",
    "present",
    "principal",
    "property",
    "public",
    "rcp",
    "resource",
    "scp",
    "session",
    "when",
];

/// What to offer, before it becomes LSP items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// What is inserted (without quotes).
    pub label: String,
    /// A short description.
    pub detail: String,
    /// Its kind.
    pub kind: CompletionItemKind,
}

fn offer(label: impl Into<String>, detail: impl Into<String>, kind: CompletionItemKind) -> Offer {
    Offer {
        label: label.into(),
        detail: detail.into(),
        kind,
    }
}

/// Answers a completion request.
pub fn handle(server: &mut Server, value: Value) -> Result<Value, Failure> {
    let p: CompletionParams = params(value)?;
    let uri = p.text_document_position.text_document.uri;
    let doc = server.doc(&uri)?;
    let offset = doc.offset(p.text_document_position.position, server.encoding);
    let (offers, replace, quote) = match doc.language {
        Language::Policy => policy_offers(&doc.text, offset),
        Language::Property => {
            let (offers, span) = property_offers(&doc.text, offset);
            (offers, span, false)
        }
        Language::Other => return Ok(Value::Null),
    };
    let range = doc.range(replace, server.encoding);
    let items: Vec<CompletionItem> = offers
        .into_iter()
        .map(|o| {
            let insert = if quote {
                format!("\"{}\"", o.label)
            } else {
                o.label.clone()
            };
            CompletionItem {
                filter_text: Some(if quote {
                    format!("\"{}", o.label)
                } else {
                    o.label.clone()
                }),
                label: o.label,
                kind: Some(o.kind),
                detail: Some(o.detail),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: insert,
                })),
                ..Default::default()
            }
        })
        .collect();
    let list = CompletionList {
        is_incomplete: false,
        items,
    };
    serde_json::to_value(list).map_err(|e| Failure::new(lsp_server::ErrorCode::InternalError, e.to_string()))
}

/// The offers at `offset` of a policy, the span they replace, and whether they need quotes (the
/// cursor is not in a string).
pub fn policy_offers(text: &str, offset: usize) -> (Vec<Offer>, Span, bool) {
    let cursor = cursor::at(text, offset);
    let (is_key, path, prefix, span, quote) = match &cursor.token {
        Some(t) => (
            t.is_key,
            t.path.clone(),
            text.get(t.content_start()..offset).unwrap_or_default().to_owned(),
            Span::new(t.content_start(), t.content_end()),
            false,
        ),
        None => (
            cursor.expects_key,
            cursor.path.clone(),
            String::new(),
            Span::empty(offset),
            true,
        ),
    };
    let offers = match cursor::slot(is_key, &path) {
        Slot::PolicyElement => elements(tenet_syntax::POLICY_ELEMENTS),
        Slot::StatementElement => elements(tenet_syntax::STATEMENT_ELEMENTS),
        Slot::PrincipalType => tenet_syntax::PRINCIPAL_KEYS
            .iter()
            .map(|t| offer(*t, "principal type", CompletionItemKind::ENUM_MEMBER))
            .collect(),
        Slot::Effect => ["Allow", "Deny"]
            .iter()
            .map(|e| offer(*e, "effect", CompletionItemKind::ENUM_MEMBER))
            .collect(),
        Slot::Version => vec![offer(
            "2012-10-17",
            "the current policy language",
            CompletionItemKind::CONSTANT,
        )],
        Slot::Action => actions(&prefix),
        Slot::Operator => operators(),
        Slot::ConditionKey => {
            let actions = cursor::statement_path(&path)
                .map(|s| cursor::statement_actions(text, s))
                .unwrap_or_default();
            condition_keys(&actions)
        }
        Slot::Other => Vec::new(),
    };
    (offers, span, quote)
}

fn elements(names: &[&str]) -> Vec<Offer> {
    names
        .iter()
        .map(|n| {
            let doc = docs::element(n).unwrap_or_default();
            offer(*n, doc.trim_end().to_owned(), CompletionItemKind::FIELD)
        })
        .collect()
}

/// Service prefixes, or the actions of the service named before `:`.
fn actions(prefix: &str) -> Vec<Offer> {
    let cat = catalog();
    match prefix.split_once(':') {
        Some((service, _)) => cat
            .service(service)
            .map(|s| {
                s.actions()
                    .iter()
                    .map(|a| {
                        offer(
                            format!("{}:{}", s.prefix, a.name),
                            a.access_level.as_str(),
                            CompletionItemKind::FUNCTION,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => cat
            .services()
            .map(|s| offer(format!("{}:", s.prefix), s.name, CompletionItemKind::MODULE))
            .collect(),
    }
}

/// Every operator, with and without `IfExists` and the set qualifiers.
fn operators() -> Vec<Offer> {
    let mut out = Vec::new();
    for op in ConditionOperator::ALL {
        let summary = docs::operator_summary(op);
        for qualifier in ["", "ForAnyValue:", "ForAllValues:"] {
            for suffix in ["", "IfExists"] {
                if op == ConditionOperator::Null && !suffix.is_empty() {
                    continue;
                }
                out.push(offer(
                    format!("{qualifier}{}{suffix}", op.name()),
                    summary,
                    CompletionItemKind::OPERATOR,
                ));
            }
        }
    }
    out
}

/// The keys the statement's actions support (their own and their resource types'), then the global
/// keys.
fn condition_keys(actions: &[String]) -> Vec<Offer> {
    let cat = catalog();
    let mut keys: BTreeMap<&str, String> = BTreeMap::new();
    for pattern in actions {
        for (service, action) in cat.expand_action(pattern).into_iter().take(2000) {
            let names = action
                .condition_keys
                .iter()
                .chain(action.resources.iter().flat_map(|r| r.condition_keys.iter()));
            for name in names {
                if let Some(k) = service.condition_key(name).or_else(|| cat.condition_key(name)) {
                    keys.entry(k.name).or_insert_with(|| docs::key_summary(k));
                }
            }
        }
    }
    let mut out: Vec<Offer> = keys
        .into_iter()
        .map(|(name, summary)| offer(name, summary, CompletionItemKind::PROPERTY))
        .collect();
    out.extend(
        cat.global_condition_keys()
            .filter(|k| !k.deprecated)
            .map(|k| offer(k.name, docs::key_summary(k), CompletionItemKind::VARIABLE)),
    );
    out
}

/// The condition keys named `service:…` (`aws:` gives the global keys), for `when` and `given`.
fn keys_of_service(service: &str) -> Vec<Offer> {
    let cat = catalog();
    let keys: Vec<&tenet_catalog::ConditionKey> = if service.eq_ignore_ascii_case("aws") {
        cat.global_condition_keys().collect()
    } else {
        cat.service(service)
            .map(|s| s.condition_keys.iter().collect())
            .unwrap_or_default()
    };
    keys.into_iter()
        .filter(|k| {
            k.name
                .split_once(':')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(service))
        })
        .map(|k| offer(k.name, docs::key_summary(k), CompletionItemKind::PROPERTY))
        .collect()
}

/// Keywords, or the actions and condition keys of a service after `service:`, for the word before the cursor.
pub fn property_offers(text: &str, offset: usize) -> (Vec<Offer>, Span) {
    // The offset comes from a position, so it is a char boundary; were it not, there is no word.
    let Some(before) = text.get(..offset) else {
        return (Vec::new(), Span::new(offset, offset));
    };
    let not_word = |c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '*'));
    let word = before.rsplit(not_word).next().unwrap_or_default();
    let start = offset - word.len();
    let offers = if let Some((service, _)) = word.split_once(':') {
        let mut offers = actions(word);
        offers.extend(keys_of_service(service));
        offers
    } else {
        TENET_KEYWORDS
            .iter()
            .map(|k| offer(*k, "keyword", CompletionItemKind::KEYWORD))
            .collect()
    };
    (offers, Span::new(start, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(offers: &[Offer]) -> Vec<&str> {
        offers.iter().map(|o| o.label.as_str()).collect()
    }

    fn marked(s: &str) -> (String, usize) {
        let at = s.find('|').unwrap();
        (s.replacen('|', "", 1), at)
    }

    #[test]
    fn services_then_actions() {
        let (text, at) = marked(r#"{"Statement": [{"Action": ["s|"]}]}"#);
        let (offers, span, quote) = policy_offers(&text, at);
        assert!(labels(&offers).contains(&"s3:") && !quote);
        assert_eq!(text.get(span.range()), Some("s"));
        let (text, at) = marked(r#"{"Statement": [{"Action": ["s3:GetObj|"]}]}"#);
        let (offers, _, _) = policy_offers(&text, at);
        assert!(labels(&offers).contains(&"s3:GetObjectTagging"));
        assert!(labels(&offers).iter().all(|l| l.starts_with("s3:")));
    }

    #[test]
    fn condition_keys_follow_the_statements_actions() {
        let (text, at) = marked(r#"{"Statement": [{"Action": "kms:Decrypt", "Condition": {"StringEquals": {"|"}}}]}"#);
        let (offers, _, _) = policy_offers(&text, at);
        let l = labels(&offers);
        assert!(l.contains(&"kms:ViaService") && l.contains(&"aws:SourceIp"), "{l:?}");
        assert!(!l.contains(&"s3:x-amz-acl"), "not an S3 statement");
    }

    #[test]
    fn operators_elements_and_values() {
        let (text, at) = marked(r#"{"Statement": [{"Condition": {"|"}}]}"#);
        let l: Vec<String> = policy_offers(&text, at).0.into_iter().map(|o| o.label).collect();
        assert!(l.iter().any(|x| x == "ForAnyValue:StringLikeIfExists") && !l.iter().any(|x| x == "NullIfExists"));
        let (text, at) = marked(r#"{"Statement": [{"Effect": "Allow", | }]}"#);
        let (offers, span, quote) = policy_offers(&text, at);
        assert!(labels(&offers).contains(&"Condition") && quote && span.is_empty());
        let (text, at) = marked(r#"{"Statement": [{"Effect": "|"}]}"#);
        assert_eq!(labels(&policy_offers(&text, at).0), vec!["Allow", "Deny"]);
    }

    #[test]
    fn tenet_keywords_and_actions() {
        let text = "property p:\n  nev";
        let (offers, span) = property_offers(text, text.len());
        assert!(labels(&offers).contains(&"never"));
        assert_eq!(text.get(span.range()), Some("nev"));
        let text = "property p:\n  never allow kms:Re";
        assert!(labels(&property_offers(text, text.len()).0).contains(&"kms:ReEncryptFrom"));
        let text = "property p:\n  only allow kms:Decrypt on \"*\" when kms:Vi";
        assert!(labels(&property_offers(text, text.len()).0).contains(&"kms:ViaService"));
        let text = "property p:\n  only allow s3:* on \"*\" when aws:Sec";
        assert!(labels(&property_offers(text, text.len()).0).contains(&"aws:SecureTransport"));
    }
}
