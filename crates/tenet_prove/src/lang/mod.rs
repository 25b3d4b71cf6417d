//! The property language: `.tenet` files, parsed with nom (see `grammar/property.ebnf`).
//!
//! A file names the policies its `never`/`only`/`can` properties are checked against with `policy`
//! headers (every header applies to every such property of the file), then lists named properties:
//!
//! ```text
//! policy resource "bucket.json", identity "role.json"
//! policy scp "org-root.json"          # one `scp` (or `rcp`) item per organization level
//!
//! property no-public-put:
//!   never allow s3:PutObject on "arn:aws:s3:::examplebucket/*"
//!     for principal outside accounts ["111122223333"]
//! property bucket-not-public: not public "bucket.json"
//! ```
//!
//! Roles: `identity` (identity policies of the principal), `resource`/`bucket` (the resource
//! policy), `key` (a KMS key policy), `boundary`, `session`, `scp`, `rcp`. Paths are relative to the
//! `.tenet` file. `not public`, `no new access` and `equivalent` name their policy files themselves.

pub mod ast;
pub mod parser;

use miette::{NamedSource, SourceSpan};

/// A syntax error in a `.tenet` file, pointing at the offending token.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(tenet::prove::syntax))]
pub struct SyntaxError {
    /// The file.
    #[source_code]
    pub src: NamedSource<String>,
    /// The offending token.
    #[label("here")]
    pub span: SourceSpan,
    /// What was expected.
    pub message: String,
}

/// Parses a `.tenet` file.
pub fn parse(name: &str, src: &str) -> Result<ast::PropertyFile, SyntaxError> {
    parser::file(src).map_err(|(at, message)| {
        let len = src[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .map(char::len_utf8)
            .sum::<usize>()
            .max(usize::from(at < src.len()));
        SyntaxError {
            src: NamedSource::new(name, src.to_string()),
            span: (at, len).into(),
            message,
        }
    })
}
