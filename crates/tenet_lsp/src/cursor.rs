//! Where the cursor is in a policy's JSON, for hover and completion: the path of keys and indices
//! from the root to it, whether it is in a key or a value, and the string under it.
//!
//! The scanner is tolerant on purpose: the text being edited is usually not valid JSON (an
//! unterminated string, a missing comma), so it never fails; it keeps a stack of open containers and
//! ends an unterminated string at the end of its line, since JSON strings cannot span lines.

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A string literal of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToken {
    /// The byte offset of its opening quote.
    pub start: usize,
    /// The byte offset after its closing quote (or the end of its line when unterminated).
    pub end: usize,
    /// Whether it has its closing quote.
    pub closed: bool,
    /// Its contents, escapes decoded where they are simple (policies rarely hold any).
    pub value: String,
    /// Whether it is a member's key.
    pub is_key: bool,
    /// The path of the value it is (for a key: of the object holding it).
    pub path: Vec<Seg>,
}

impl StringToken {
    /// The byte offset where its contents start.
    pub fn content_start(&self) -> usize {
        self.start + 1
    }

    /// The byte offset where its contents end.
    pub fn content_end(&self) -> usize {
        if self.closed {
            self.end - 1
        } else {
            self.end
        }
    }
}

/// What is at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The string literal the cursor is in, if any.
    pub token: Option<StringToken>,
    /// Outside a string: the path of the container the cursor is in, plus the member key when a value
    /// is expected.
    pub path: Vec<Seg>,
    /// Outside a string: whether a member key is expected here.
    pub expects_key: bool,
}

#[derive(Debug)]
enum Frame {
    Object { key: Option<String>, expects_key: bool },
    Array { index: usize },
}

struct Scanner {
    stack: Vec<Frame>,
}

impl Scanner {
    fn path(&self) -> Vec<Seg> {
        let mut out = Vec::with_capacity(self.stack.len());
        for frame in &self.stack {
            match frame {
                Frame::Object {
                    key: Some(k),
                    expects_key: false,
                } => out.push(Seg::Key(k.clone())),
                Frame::Object { .. } => {}
                Frame::Array { index } => out.push(Seg::Index(*index)),
            }
        }
        out
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Object { expects_key: true, .. }))
    }
}

/// Calls `f` with every string literal of `text` in order; stops when `f` returns `false`.
pub fn for_each_string(text: &str, f: impl FnMut(StringToken) -> bool) {
    scan(text, usize::MAX, f);
}

/// What is at byte `offset` of `text`. A cursor right after a string's last character, or right
/// after an unterminated string, is in it.
pub fn at(text: &str, offset: usize) -> Cursor {
    let mut found = None;
    let scanner = scan(text, offset, |t| {
        let inside = t.start < offset && offset <= t.content_end();
        if inside {
            found = Some(t);
        }
        !inside
    });
    match found {
        Some(token) => Cursor {
            path: token.path.clone(),
            expects_key: token.is_key,
            token: Some(token),
        },
        None => Cursor {
            path: scanner.path(),
            expects_key: scanner.expects_key(),
            token: None,
        },
    }
}

/// Scans `text` up to `limit` (the offset a string token must start before), calling `on_string`
/// for each string literal; returns the state at the stop.
fn scan(text: &str, limit: usize, mut on_string: impl FnMut(StringToken) -> bool) -> Scanner {
    let bytes = text.as_bytes();
    let mut s = Scanner { stack: Vec::new() };
    let mut i = 0;
    while let Some(&byte) = bytes.get(i).filter(|_| i < limit) {
        match byte {
            b'{' => s.stack.push(Frame::Object {
                key: None,
                expects_key: true,
            }),
            b'[' => s.stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                s.stack.pop();
            }
            b',' => match s.stack.last_mut() {
                Some(Frame::Object { key, expects_key }) => {
                    *key = None;
                    *expects_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let (end, closed, value) = read_string(text, i);
                let is_key = s.expects_key();
                let token = StringToken {
                    start: i,
                    end,
                    closed,
                    value: value.clone(),
                    is_key,
                    path: s.path(),
                };
                if !on_string(token) {
                    return s;
                }
                if let (true, Some(Frame::Object { key, expects_key })) = (is_key, s.stack.last_mut()) {
                    *key = Some(value);
                    *expects_key = false;
                }
                i = end;
                continue;
            }
            b':' => {
                if let Some(Frame::Object { expects_key, .. }) = s.stack.last_mut() {
                    *expects_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}

/// Reads the string literal whose opening quote is at `start`: (end, closed, contents).
fn read_string(text: &str, start: usize) -> (usize, bool, String) {
    let mut value = String::new();
    let body = text.get(start + 1..).unwrap_or_default();
    let mut chars = body.char_indices();
    while let Some((n, ch)) = chars.next() {
        let i = start + 1 + n;
        match ch {
            '"' => return (i + 1, true, value),
            '\n' | '\r' => return (i, false, value),
            // An escape takes the whole next character, multi-byte ones included (`\é`).
            '\\' => match chars.next() {
                Some((_, next)) => value.push(match next {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                }),
                None => value.push('\\'),
            },
            _ => value.push(ch),
        }
    }
    (text.len(), false, value)
}

/// The path of the statement a path is in: up to the `Statement` member, plus the index when the
/// statements are an array. `None` outside a statement.
pub fn statement_path(path: &[Seg]) -> Option<&[Seg]> {
    let at = path
        .iter()
        .rposition(|s| matches!(s, Seg::Key(k) if k == "Statement"))?;
    let end = match path.get(at + 1) {
        Some(Seg::Index(_)) => at + 2,
        _ => at + 1,
    };
    path.get(..end)
}

/// The `Action` strings of the statement at `statement` (a path from [`statement_path`]).
pub fn statement_actions(text: &str, statement: &[Seg]) -> Vec<String> {
    let mut out = Vec::new();
    for_each_string(text, |t| {
        let rest = t.path.strip_prefix(statement).unwrap_or_default();
        let is_action = match rest {
            [Seg::Key(k)] | [Seg::Key(k), Seg::Index(_)] => k == "Action",
            _ => false,
        };
        if is_action && !t.is_key {
            out.push(t.value);
        }
        true
    });
    out
}

/// What a place in a policy holds, for hover and completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// An element name of the policy (`Version`, `Statement`).
    PolicyElement,
    /// An element name of a statement (`Effect`, `Action`).
    StatementElement,
    /// A key of a `Principal` object (`AWS`, `Service`).
    PrincipalType,
    /// An action (under `Action` or `NotAction`).
    Action,
    /// An operator (a key of `Condition`).
    Operator,
    /// A condition key (a key under an operator).
    ConditionKey,
    /// The value of `Effect`.
    Effect,
    /// The value of `Version`.
    Version,
    /// Anything else.
    Other,
}

/// What the string at `path` (a key when `is_key`) is.
pub fn slot(is_key: bool, path: &[Seg]) -> Slot {
    let last = |n: usize| -> Option<&str> {
        match path.len().checked_sub(n).and_then(|i| path.get(i)) {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        }
    };
    if is_key {
        if path.is_empty() {
            return Slot::PolicyElement;
        }
        if statement_path(path).is_some_and(|s| s.len() == path.len()) {
            return Slot::StatementElement;
        }
        return match (last(2), last(1)) {
            (_, Some("Condition")) => Slot::Operator,
            (Some("Condition"), Some(_)) => Slot::ConditionKey,
            (_, Some("Principal" | "NotPrincipal")) => Slot::PrincipalType,
            _ => Slot::Other,
        };
    }
    let element = match path.last() {
        Some(Seg::Index(_)) => last(2),
        _ => last(1),
    };
    match element {
        Some("Action" | "NotAction") if statement_path(path).is_some() => Slot::Action,
        Some("Effect") if matches!(path.last(), Some(Seg::Key(_))) => Slot::Effect,
        Some("Version") if path.len() == 1 => Slot::Version,
        _ => Slot::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.into())
    }

    /// The text with `|` removed, and the offset where it was.
    fn split(marked: &str) -> (String, usize) {
        let at = marked.find('|').unwrap();
        (marked.replacen('|', "", 1), at)
    }

    #[test]
    fn a_value_in_an_action_array() {
        let (text, at) = split(r#"{"Statement": [{"Effect": "Allow"}, {"Action": ["s3:Get|Object"]}]}"#);
        let c = at_(&text, at);
        let t = c.token.unwrap();
        assert_eq!(t.value, "s3:GetObject");
        assert!(!t.is_key);
        assert_eq!(
            t.path,
            vec![key("Statement"), Seg::Index(1), key("Action"), Seg::Index(0)]
        );
        assert_eq!(text.get(t.content_start()..t.content_end()), Some("s3:GetObject"));
    }

    fn at_(text: &str, offset: usize) -> Cursor {
        at(text, offset)
    }

    #[test]
    fn keys_of_a_condition_block_while_typing() {
        let (text, at) = split("{\"Statement\": {\"Condition\": {\"StringEquals\": {\"aws:Sou|\n}}}");
        let t = at_(&text, at).token.unwrap();
        assert!(t.is_key && !t.closed);
        assert_eq!(t.value, "aws:Sou");
        assert_eq!(t.path, vec![key("Statement"), key("Condition"), key("StringEquals")]);
    }

    #[test]
    fn between_tokens_says_whether_a_key_is_expected() {
        let (text, at) = split(r#"{"Statement": [{"Effect": "Allow", | }]}"#);
        let c = at_(&text, at);
        assert_eq!(c.token, None);
        assert!(c.expects_key);
        assert_eq!(c.path, vec![key("Statement"), Seg::Index(0)]);
        let (text, at) = split(r#"{"Statement": [{"Effect": |}]}"#);
        let c = at_(&text, at);
        assert!(!c.expects_key);
        assert_eq!(c.path, vec![key("Statement"), Seg::Index(0), key("Effect")]);
    }

    #[test]
    fn statement_actions_are_the_enclosing_statements() {
        let text = r#"{"Statement": [{"Action": "sqs:SendMessage"}, {"Action": ["s3:GetObject", "s3:PutObject"], "Condition": {}}]}"#;
        let stmt = [key("Statement"), Seg::Index(1)];
        assert_eq!(statement_actions(text, &stmt), vec!["s3:GetObject", "s3:PutObject"]);
        let path = vec![key("Statement"), Seg::Index(1), key("Condition"), key("StringEquals")];
        assert_eq!(statement_path(&path), Some(&stmt[..]));
        assert_eq!(statement_path(&[key("Version")]), None);
    }

    #[test]
    fn slots_name_what_a_place_holds() {
        let stmt = vec![key("Statement"), Seg::Index(0)];
        assert_eq!(slot(true, &stmt), Slot::StatementElement);
        assert_eq!(slot(true, &[]), Slot::PolicyElement);
        let mut action = stmt.clone();
        action.extend([key("Action"), Seg::Index(2)]);
        assert_eq!(slot(false, &action), Slot::Action);
        let mut cond = stmt.clone();
        cond.push(key("Condition"));
        assert_eq!(slot(true, &cond), Slot::Operator);
        cond.push(key("StringEquals"));
        assert_eq!(slot(true, &cond), Slot::ConditionKey);
        let mut effect = stmt.clone();
        effect.push(key("Effect"));
        assert_eq!(slot(false, &effect), Slot::Effect);
        assert_eq!(slot(false, &[key("Version")]), Slot::Version);
        assert_eq!(slot(false, &[key("Action")]), Slot::Other, "not in a statement");
    }

    #[test]
    fn escapes_and_non_ascii_do_not_derail_the_scan() {
        let (text, at) = split(r#"{"Sid": "Zugriff für \"alle\"", "Action": "kms:Dec|rypt"}"#);
        let t = at_(&text, at).token.unwrap();
        assert_eq!(t.value, "kms:Decrypt");
        assert_eq!(t.path, vec![key("Action")]);
    }

    #[test]
    fn an_escape_before_a_multi_byte_character_takes_all_of_it() {
        // `\é` is no JSON escape, but it gets typed; the scanner once stepped two bytes and sliced
        // inside `é` (a panic on every hover and completion in the document).
        let (text, at) = split(r#"{"Sid": "a\é b", "Action": "s3:\ü|x"}"#);
        let mut values = Vec::new();
        for_each_string(&text, |t| {
            values.push(t.value);
            true
        });
        assert_eq!(values, ["Sid", "a\u{e9} b", "Action", "s3:\u{fc}x"]);
        assert_eq!(at_(&text, at).token.map(|t| t.value), Some("s3:\u{fc}x".to_owned()));
    }
}
