//! tenet's own failures while reading `tenet.toml`.

use std::path::PathBuf;

/// tenet's own failures while reading a configuration.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(code(tenet::config::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("invalid configuration `{path}`: {message}")]
    #[diagnostic(code(tenet::config::toml))]
    Toml {
        /// The file.
        path: PathBuf,
        /// The TOML parser's message.
        message: String,
    },
    /// A selector matches no code, prefix, category or rule name.
    #[error("{}:{at}: unknown rule selector `{selector}`{hint}", path.display())]
    #[diagnostic(
        code(tenet::config::selector),
        help("use a code such as `IAM012`, a prefix such as `IAM0`, a category or a rule name (`tenet rules` lists them)")
    )]
    UnknownSelector {
        /// The configuration file.
        path: PathBuf,
        /// `line:column` of the selector in the file.
        at: String,
        /// The selector as written.
        selector: String,
        /// `: did you mean …?`, or empty.
        hint: String,
    },
    /// No rule is selected and no structural code either.
    #[error("{}: the configuration selects no rule: nothing would be checked", path.display())]
    #[diagnostic(
        code(tenet::config::empty),
        help("remove the `ignore` that covers everything, or `select` some rules")
    )]
    SelectsNothing {
        /// The configuration file.
        path: PathBuf,
    },
    /// A severity is not `info`, `warning` or `error`.
    #[error("invalid severity `{value}` for `{selector}`")]
    #[diagnostic(code(tenet::config::severity), help("use `info`, `warning` or `error`"))]
    InvalidSeverity {
        /// The selector it was given for.
        selector: String,
        /// The value as written.
        value: String,
    },
    /// A `[kinds]` value is not a policy kind.
    #[error("invalid policy kind `{value}` for `{glob}`")]
    #[diagnostic(
        code(tenet::config::kind),
        help("use `identity`, `resource`, `key`, `trust`, `scp` or `rcp`")
    )]
    InvalidKind {
        /// The glob.
        glob: String,
        /// The value as written.
        value: String,
    },
    /// A glob does not parse.
    #[error("invalid glob `{glob}`")]
    #[diagnostic(code(tenet::config::glob))]
    InvalidGlob {
        /// The glob as written.
        glob: String,
        /// Why.
        #[source]
        source: globset::Error,
    },
}
