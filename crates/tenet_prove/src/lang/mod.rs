//! The property language: `.tenet` files, parsed with nom (see `grammar/property.ebnf`).
//!
//! A file names the policies its `never`/`only`/`can` properties are checked against with `policy`
//! headers (every header applies to every such property of the file), then lists named properties:
//!
//! ```text
//! policy resource "bucket.json", identity "role.json" of "arn:aws:iam::111122223333:role/app"
//! policy scp "org-root.json"          # one `scp` (or `rcp`) item per organization level
//! organization accounts ["111122223333"]   # the accounts the SCPs and RCPs govern
//! closed accounts ["111122223333"]         # its principals are the root and the `of` owners
//!
//! property no-public-put:
//!   never allow s3:PutObject on "arn:aws:s3:::examplebucket/*"
//!     for principal outside accounts ["111122223333"]
//! property bucket-not-public: not public "bucket.json"
//! ```
//!
//! Roles: `identity` (identity policies of the user or role named by `of`), `resource`/`bucket`
//! (the resource policy), `key` (a KMS key policy), `trust` (a role trust policy, `of` the role),
//! `boundary` and `session` (of a user or role), `scp`, `rcp`. Paths are relative to the `.tenet`
//! file. Every IAM principal whose identity policies are not given, in an account not declared
//! `closed`, is in the open world: its administrators may attach any policy. `not public`, `no new access` and `equivalent` name their policy files themselves.

pub mod ast;
mod lexer;
pub mod parser;
pub mod validate;

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

/// Parses a `.tenet` file and checks that no property is vacuous (see [`validate`]).
pub fn parse(name: &str, src: &str) -> Result<ast::PropertyFile, SyntaxError> {
    let file = parse_syntax(name, src)?;
    match validate::check(&file) {
        None => Ok(file),
        Some((span, message)) => Err(SyntaxError {
            src: NamedSource::new(name, src.to_string()),
            span: (span.range().start, span.range().len()).into(),
            message,
        }),
    }
}

/// Parses a `.tenet` file (syntax only).
pub fn parse_syntax(name: &str, src: &str) -> Result<ast::PropertyFile, SyntaxError> {
    parser::file(src).map_err(|(at, message)| {
        let len = src
            .get(at..)
            .unwrap_or_default()
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
