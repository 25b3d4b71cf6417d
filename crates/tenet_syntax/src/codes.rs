//! The stable codes of the structural diagnostics that reading and lowering report.
//!
//! Each entry is `(code, rule name)`; [`STRUCTURAL_CODES`] lists them with a description and the IAM
//! Access Analyzer checks they cover, for `tenet rules` and the coverage table.

/// A code and its kebab-case rule name.
pub type Code = (&'static str, &'static str);

/// Malformed JSON.
pub const JSON_SYNTAX: Code = ("SYN001", "json-syntax-error");
/// An empty or whitespace-only file.
pub const EMPTY_FILE: Code = ("SYN002", "empty-file");
/// Bytes that are not UTF-8.
pub const INVALID_UTF8: Code = ("SYN003", "invalid-utf8");
/// The same key twice in one object.
pub const DUPLICATE_KEY: Code = ("SYN004", "duplicate-key");
/// An element name IAM does not know.
pub const UNKNOWN_ELEMENT: Code = ("SYN005", "unknown-element");
/// An element whose value has the wrong JSON type.
pub const WRONG_TYPE: Code = ("SYN006", "invalid-element-type");
/// A `Version` other than `2012-10-17` or `2008-10-17`.
pub const INVALID_VERSION: Code = ("SYN007", "invalid-version");
/// An `Effect` other than `Allow` or `Deny`.
pub const INVALID_EFFECT: Code = ("SYN008", "invalid-effect");
/// A statement without `Effect`.
pub const MISSING_EFFECT: Code = ("SYN009", "missing-effect");
/// A statement without `Action` or `NotAction`.
pub const MISSING_ACTION: Code = ("SYN010", "missing-action");
/// A statement without `Resource` or `NotResource` where the kind needs one.
pub const MISSING_RESOURCE: Code = ("SYN011", "missing-resource");
/// A statement without `Principal` or `NotPrincipal` where the kind needs one.
pub const MISSING_PRINCIPAL: Code = ("SYN012", "missing-principal");
/// A policy without statements.
pub const MISSING_STATEMENT: Code = ("SYN013", "missing-statement");
/// An element together with its negation (`Action` and `NotAction`).
pub const CONFLICTING_ELEMENTS: Code = ("SYN014", "conflicting-elements");
/// `Principal` where the kind forbids it, or `Resource` in a trust policy.
pub const UNSUPPORTED_ELEMENT: Code = ("SYN015", "unsupported-element");
/// A principal map key other than `AWS`, `Service`, `Federated`, `CanonicalUser`.
pub const INVALID_PRINCIPAL_KEY: Code = ("SYN016", "invalid-principal-key");
/// A file too large to be a policy.
pub const FILE_TOO_LARGE: Code = ("SYN017", "file-too-large");
/// An embedded policy string that cannot be decoded.
pub const INVALID_EMBEDDED_POLICY: Code = ("SYN018", "invalid-embedded-policy");
/// A file named explicitly that holds no policy and no AWS CLI output that embeds one.
pub const NOT_A_POLICY: Code = ("SYN019", "not-a-policy");

/// Every structural code: `(code, rule, description, Access Analyzer checks covered)`.
pub const STRUCTURAL_CODES: &[(&str, &str, &str, &[&str])] = &[
    (
        JSON_SYNTAX.0,
        JSON_SYNTAX.1,
        "the file is not strict RFC 8259 JSON",
        &["Json syntax error"],
    ),
    (EMPTY_FILE.0, EMPTY_FILE.1, "the file is empty", &[]),
    (INVALID_UTF8.0, INVALID_UTF8.1, "the file is not UTF-8", &[]),
    (
        DUPLICATE_KEY.0,
        DUPLICATE_KEY.1,
        "a key appears twice in one object; tools disagree on which counts",
        &[],
    ),
    (
        UNKNOWN_ELEMENT.0,
        UNKNOWN_ELEMENT.1,
        "an element name IAM does not know",
        &["Invalid policy element"],
    ),
    (
        WRONG_TYPE.0,
        WRONG_TYPE.1,
        "an element's value has the wrong JSON type",
        &["Invalid policy element", "Data type mismatch"],
    ),
    (
        INVALID_VERSION.0,
        INVALID_VERSION.1,
        "`Version` is not a policy language version",
        &["Invalid version"],
    ),
    (
        INVALID_EFFECT.0,
        INVALID_EFFECT.1,
        "`Effect` is neither `Allow` nor `Deny`",
        &["Invalid effect"],
    ),
    (
        MISSING_EFFECT.0,
        MISSING_EFFECT.1,
        "a statement has no `Effect`",
        &["Missing effect"],
    ),
    (
        MISSING_ACTION.0,
        MISSING_ACTION.1,
        "a statement has no `Action` or `NotAction`",
        &["Missing action"],
    ),
    (
        MISSING_RESOURCE.0,
        MISSING_RESOURCE.1,
        "a statement has no `Resource` or `NotResource`",
        &["Missing resource"],
    ),
    (
        MISSING_PRINCIPAL.0,
        MISSING_PRINCIPAL.1,
        "a resource-based statement names no principal",
        &["Missing principal"],
    ),
    (
        MISSING_STATEMENT.0,
        MISSING_STATEMENT.1,
        "the policy has no statement",
        &["Missing statement"],
    ),
    (
        CONFLICTING_ELEMENTS.0,
        CONFLICTING_ELEMENTS.1,
        "an element and its negation in one statement",
        &["Unsupported element combination"],
    ),
    (
        UNSUPPORTED_ELEMENT.0,
        UNSUPPORTED_ELEMENT.1,
        "an element the policy kind does not allow",
        &[
            "Unsupported principal",
            "Role trust policy syntax error resource",
            "SCP syntax error principal",
        ],
    ),
    (
        INVALID_PRINCIPAL_KEY.0,
        INVALID_PRINCIPAL_KEY.1,
        "an unknown principal type",
        &["Invalid principal key"],
    ),
    (
        FILE_TOO_LARGE.0,
        FILE_TOO_LARGE.1,
        "the file is too large to be a policy",
        &[],
    ),
    (
        INVALID_EMBEDDED_POLICY.0,
        INVALID_EMBEDDED_POLICY.1,
        "a policy embedded in a string cannot be decoded",
        &[],
    ),
    (
        NOT_A_POLICY.0,
        NOT_A_POLICY.1,
        "a file named on the command line holds no policy document and no AWS CLI output that embeds one",
        &[],
    ),
];

/// The reader codes whose findings may carry a fix (a key or `Effect` in the wrong case, an
/// operator's capitalisation, a CIDR block's host bits, and, as unsafe fixes, whitespace in an action
/// and an ARN's service case). The fix harness (`tenet_lint`'s `tests/fix_harness`) checks this list
/// against the fixes the reader offers.
pub const FIXABLE: &[&str] = &[
    UNKNOWN_ELEMENT.0,
    INVALID_EFFECT.0,
    INVALID_PRINCIPAL_KEY.0,
    // The grammars' `invalid-arn-service-case`, `whitespace-in-action`, `condition-operator-case`
    // and `cidr-host-bits-set`.
    "SYN104",
    "SYN113",
    "SYN133",
    "SYN142",
];

/// A code of the reader: `(code, rule, description, Access Analyzer checks covered)`.
pub type StaticCode = (&'static str, &'static str, &'static str, &'static [&'static str]);

/// Every code the reader emits, structural and grammar, for `tenet rules` and the coverage table.
pub fn all_codes() -> &'static [StaticCode] {
    static ALL: std::sync::OnceLock<Vec<StaticCode>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<StaticCode> = STRUCTURAL_CODES.to_vec();
        for &(code, rule, summary) in crate::grammar::GRAMMAR_CODES {
            let aa = crate::grammar::GRAMMAR_AA_CHECKS
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(&[][..], |(_, aa)| aa);
            all.push((code, rule, summary, aa));
        }
        all
    })
}
