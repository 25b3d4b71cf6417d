//! The open documents: their text as the editor has it, the line index, what language they are, and
//! the conversions between byte offsets and LSP positions in the negotiated encoding.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};
use tenet_diagnostics::{LineIndex, Span};

/// How LSP positions count columns, as negotiated at `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (when the client offers `utf-8`).
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
}

/// What tenet does with a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// A JSON file that may hold policies: linted on every change.
    Policy,
    /// A `.tenet` property file: parsed on every change, proved on save.
    Property,
    /// Anything else: tracked (so requests about it are answered), never checked.
    Other,
}

impl Language {
    /// Decides from the file name first (`.tenet`, `.json`), then from the client's language id.
    pub fn detect(uri: &Url, language_id: &str) -> Language {
        let path = uri.path().to_ascii_lowercase();
        if path.ends_with(".tenet") || language_id == "tenet" {
            Language::Property
        } else if path.ends_with(".json") || language_id == "json" {
            Language::Policy
        } else {
            Language::Other
        }
    }
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// The text as the editor has it.
    pub text: Arc<str>,
    /// The client's version of it.
    pub version: i32,
    /// What it is.
    pub language: Language,
    /// The index of `text`.
    pub index: LineIndex,
    /// The file on disk, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// Bumped on every change and on close; a background result computed for an older generation
    /// is stale and dropped.
    pub generation: Arc<AtomicU64>,
}

impl Document {
    /// A newly opened document.
    pub fn new(uri: &Url, text: String, version: i32, language_id: &str) -> Document {
        let index = LineIndex::new(&text);
        Document {
            text: text.into(),
            version,
            language: Language::detect(uri, language_id),
            index,
            path: uri.to_file_path().ok(),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The current generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Marks every result computed so far as stale.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Applies the changes of a `didChange`, in order: ranged edits in `encoding`, or whole-text
    /// replacements.
    pub fn apply_changes(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        let mut text = String::from(&*self.text);
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let start = offset(&self.index, &text, range.start, encoding);
                    let end = offset(&self.index, &text, range.end, encoding).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
            self.index = LineIndex::new(&text);
        }
        self.text = text.into();
        self.version = version;
        self.bump();
    }

    /// The byte offset of an LSP position.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        offset(&self.index, &self.text, position, encoding)
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        range(&self.index, &self.text, span, encoding)
    }
}

/// The byte offset of `position` in `text` (indexed by `index`), clamped to the text.
pub fn offset(index: &LineIndex, text: &str, position: Position, encoding: Encoding) -> usize {
    let o = match encoding {
        Encoding::Utf8 => index.offset_of_utf8(text, position.line, position.character),
        Encoding::Utf16 => index.offset_of_utf16(text, position.line, position.character),
    };
    (o as usize).min(text.len())
}

/// The LSP position of a byte offset.
pub fn position(index: &LineIndex, text: &str, offset: u32, encoding: Encoding) -> Position {
    let (line, character) = match encoding {
        Encoding::Utf8 => index.utf8_position(text, offset),
        Encoding::Utf16 => index.utf16_position(text, offset),
    };
    Position { line, character }
}

/// The LSP range of a byte span.
pub fn range(index: &LineIndex, text: &str, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(index, text, span.start, encoding),
        end: position(index, text, span.end, encoding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri() -> Url {
        Url::parse("file:///tmp/p.json").unwrap()
    }

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn ranged_edits_count_utf16_units_after_astral_characters() {
        let mut doc = Document::new(&uri(), "{\"Sid\": \"😀a\"}".into(), 1, "json");
        // `😀` is two UTF-16 units: column 11 is `a`.
        doc.apply_changes(2, vec![change(0, 11, 0, 12, "b")], Encoding::Utf16);
        assert_eq!(&*doc.text, "{\"Sid\": \"😀b\"}");
        assert_eq!(doc.version, 2);
        // In UTF-8 the same character starts at byte 13.
        doc.apply_changes(3, vec![change(0, 13, 0, 14, "c")], Encoding::Utf8);
        assert_eq!(&*doc.text, "{\"Sid\": \"😀c\"}");
    }

    #[test]
    fn edits_apply_in_order_and_bump_the_generation() {
        let mut doc = Document::new(&uri(), "ab\ncd".into(), 1, "json");
        let before = doc.generation();
        doc.apply_changes(
            2,
            vec![
                change(1, 0, 1, 2, "xyz"),
                change(0, 0, 0, 0, ">"),
                change(1, 3, 1, 3, "!"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(&*doc.text, ">ab\nxyz!");
        assert!(doc.generation() > before);
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".into(),
        };
        doc.apply_changes(3, vec![whole], Encoding::Utf16);
        assert_eq!(&*doc.text, "new");
    }

    #[test]
    fn languages_come_from_the_name_then_the_id() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            Language::detect(&u("file:///a/props.tenet"), "plaintext"),
            Language::Property
        );
        assert_eq!(Language::detect(&u("file:///a/p.json"), "jsonc"), Language::Policy);
        assert_eq!(Language::detect(&u("untitled:Untitled-1"), "json"), Language::Policy);
        assert_eq!(Language::detect(&u("file:///a/readme.md"), "markdown"), Language::Other);
    }
}
