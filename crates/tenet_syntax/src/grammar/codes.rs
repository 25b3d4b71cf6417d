//! The stable codes of every diagnostic the grammars emit, declared once.

use tenet_diagnostics::{Diagnostic, Severity, Span};

/// The identity of a grammar diagnostic: stable code, kebab-case rule name, default severity and a
/// one-line description for the linter's rule list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrammarRule {
    /// Stable code such as `SYN101`.
    pub code: &'static str,
    /// Kebab-case rule name such as `invalid-arn-prefix`.
    pub name: &'static str,
    /// The severity the grammar reports it with.
    pub severity: Severity,
    /// One line saying what it flags.
    pub summary: &'static str,
}

impl GrammarRule {
    /// A diagnostic of this rule at `span`.
    pub(crate) fn at(self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.name, self.severity, span, message)
    }
}

macro_rules! grammar_rules {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub(crate) const $ident: GrammarRule = GrammarRule {
                code: $code,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
            };
        )*

        /// Every grammar rule, in code order.
        pub const GRAMMAR_RULES: &[GrammarRule] = &[$($ident),*];

        /// Every code the grammars emit as `(code, rule, one-line description)`, in code order.
        pub const GRAMMAR_CODES: &[(&str, &str, &str)] = &[$(($code, $name, $summary)),*];
    };
}

grammar_rules! {
    INVALID_ARN_PREFIX = "SYN101", "invalid-arn-prefix", Error, "an ARN does not start with `arn:`";
    MISSING_ARN_FIELD = "SYN102", "missing-arn-field", Error, "an ARN has fewer than six fields, or an empty service or resource";
    INVALID_ARN_PARTITION = "SYN103", "invalid-arn-partition", Error, "an ARN names a partition AWS does not have";
    INVALID_ARN_SERVICE_CASE = "SYN104", "invalid-arn-service-case", Error, "an ARN's service prefix contains uppercase letters";
    INVALID_ARN_SERVICE = "SYN105", "invalid-arn-service", Error, "an ARN's service prefix contains characters other than letters, digits and `-`";
    INVALID_ARN_REGION = "SYN106", "invalid-arn-region", Error, "an ARN's region is not a region name such as `us-east-1`";
    INVALID_ARN_ACCOUNT = "SYN107", "invalid-arn-account", Error, "an ARN's account is not a 12-digit account id";
    MISSING_ACTION_COLON = "SYN110", "missing-action-colon", Error, "an action has no `service:` prefix";
    EMPTY_ACTION_PART = "SYN111", "empty-action-part", Error, "an action's service prefix or name is empty";
    INVALID_ACTION_CHARACTER = "SYN112", "invalid-action-character", Error, "an action contains a character that no action name has";
    WHITESPACE_IN_ACTION = "SYN113", "whitespace-in-action", Error, "an action contains whitespace";
    WILDCARD_IN_ACTION_SERVICE = "SYN114", "wildcard-in-action-service", Warning, "an action's service prefix contains a wildcard";
    MISSING_VARIABLE_BRACE = "SYN120", "missing-variable-brace", Error, "a policy variable `${` is not closed by `}`";
    MISSING_VARIABLE_QUOTE = "SYN121", "missing-variable-quote", Error, "a policy variable's default value is not enclosed in single quotes";
    UNSUPPORTED_VARIABLE_SPACE = "SYN122", "unsupported-variable-space", Error, "a policy variable's name contains whitespace";
    EMPTY_VARIABLE = "SYN123", "empty-variable", Error, "a policy variable `${}` names nothing";
    VARIABLE_IN_OLD_VERSION = "SYN124", "variable-in-old-version", Warning, "a policy variable is literal text because the policy version is `2008-10-17`";
    INVALID_CONDITION_OPERATOR = "SYN130", "invalid-condition-operator", Error, "a condition operator is not one of IAM's";
    NULL_WITH_IF_EXISTS = "SYN131", "null-with-if-exists", Error, "the `Null` operator has the `IfExists` suffix";
    NULL_WITH_QUALIFIER = "SYN132", "null-with-qualifier", Info, "the `Null` operator has a `ForAllValues:` or `ForAnyValue:` qualifier";
    OPERATOR_CASE = "SYN133", "condition-operator-case", Warning, "a condition operator is not spelled with IAM's documented capitalisation";
    INVALID_IP_ADDRESS = "SYN140", "invalid-ip-address", Error, "an IP address or CIDR block is malformed";
    INVALID_CIDR_PREFIX = "SYN141", "invalid-cidr-prefix", Error, "a CIDR prefix length is not a number in range for the address family";
    CIDR_HOST_BITS_SET = "SYN142", "cidr-host-bits-set", Info, "a CIDR block has host bits set; the network address says the same more clearly";
    INVALID_DATE = "SYN150", "invalid-date", Error, "a date is neither ISO 8601 nor epoch seconds, or names a day that does not exist";
    INVALID_VPC_ID = "SYN160", "invalid-vpc-id", Error, "a VPC id is not `vpc-` followed by 8 or 17 hex digits";
    INVALID_VPCE_ID = "SYN161", "invalid-vpce-id", Error, "a VPC endpoint id is not `vpce-` followed by 8 or 17 hex digits";
    INVALID_ACCOUNT_ID = "SYN162", "invalid-account-id", Error, "an AWS account id is not 12 digits";
}

/// The IAM Access Analyzer checks each grammar code covers (exact titles of the check reference).
pub const GRAMMAR_AA_CHECKS: &[(&str, &[&str])] = &[
    ("SYN101", &["Invalid ARN prefix"]),
    ("SYN102", &["Missing ARN field"]),
    ("SYN103", &["Invalid partition"]),
    ("SYN104", &["Invalid ARN service case"]),
    ("SYN106", &["Invalid ARN Region"]),
    ("SYN107", &["Invalid ARN account"]),
    ("SYN110", &["Invalid action"]),
    ("SYN111", &["Invalid action"]),
    ("SYN112", &["Invalid action"]),
    ("SYN113", &["Invalid action"]),
    ("SYN114", &["Wildcard in service name"]),
    ("SYN120", &["Missing brace in variable"]),
    ("SYN121", &["Missing quote in variable"]),
    ("SYN122", &["Unsupported space in variable"]),
    ("SYN123", &["Empty variable"]),
    ("SYN124", &["Variable unsupported in version"]),
    ("SYN130", &["Invalid condition operator"]),
    ("SYN131", &["Null with if exists"]),
    ("SYN132", &["Null with qualifier"]),
    ("SYN140", &["Type mismatch IP range"]),
    ("SYN142", &["Improve IP range"]),
    ("SYN150", &["Invalid date value", "Type mismatch date"]),
    ("SYN160", &["Invalid vpc format"]),
    ("SYN161", &["Invalid vpce format"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = GRAMMAR_CODES.iter().map(|(code, _, _)| *code).collect();
        let mut names: Vec<_> = GRAMMAR_CODES.iter().map(|(_, name, _)| *name).collect();
        codes.sort_unstable();
        codes.dedup();
        names.sort_unstable();
        names.dedup();
        assert_eq!(codes.len(), GRAMMAR_CODES.len());
        assert_eq!(names.len(), GRAMMAR_CODES.len());
        for (code, name, _) in GRAMMAR_CODES {
            assert!(code.starts_with("SYN1") && code.len() == 6, "{code}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name}");
        }
    }
}
