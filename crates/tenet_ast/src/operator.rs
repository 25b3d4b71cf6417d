//! Condition operators, decomposed: `ForAnyValue:StringLikeIfExists` is a set qualifier, a base
//! operator and the `IfExists` flag.

use std::fmt;

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// True when at least one request value matches.
    ForAnyValue,
    /// True when every request value matches (and vacuously when the key is missing or empty).
    ForAllValues,
}

/// Declares the base operators once: the enum, [`ConditionOperator::ALL`] and
/// [`ConditionOperator::name`] come from one list.
macro_rules! condition_operators {
    ($($op:ident),* $(,)?) => {
        /// The base operators of IAM's condition language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[expect(missing_docs, reason = "the variants are IAM's operator names")]
        pub enum ConditionOperator {
            $($op,)*
        }

        impl ConditionOperator {
            /// Every base operator, in IAM's documentation order.
            pub const ALL: [ConditionOperator; [$(ConditionOperator::$op),*].len()] = [$(ConditionOperator::$op),*];

            /// IAM's name for the operator.
            pub fn name(self) -> &'static str {
                match self {
                    $(ConditionOperator::$op => stringify!($op),)*
                }
            }
        }
    };
}

condition_operators! {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// Families of operators, which decide the type the values must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[expect(missing_docs, reason = "the variants are IAM's operator families")]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

impl ConditionOperator {
    /// The operator with this exact name (IAM operator names are case-sensitive... in practice IAM
    /// accepts them case-insensitively; callers that want the strict form compare `name()`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name().eq_ignore_ascii_case(name))
    }

    /// The family that decides the values' type.
    pub fn family(self) -> OperatorFamily {
        use ConditionOperator::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorFamily::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::IpAddress,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// Whether the operator is a negated one (`...NotEquals`, `...NotLike`, `NotIpAddress`). Negated
    /// operators are true when the key is missing.
    pub fn is_negated(self) -> bool {
        use ConditionOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// Whether policy values are matched with `*` and `?` wildcards.
    pub fn uses_wildcards(self) -> bool {
        use ConditionOperator::*;
        matches!(
            self,
            StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike
        )
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed operator name such as `ForAllValues:StringNotEqualsIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QualifiedOperator {
    /// The set qualifier, if any.
    pub qualifier: Option<SetQualifier>,
    /// The base operator.
    pub operator: ConditionOperator,
    /// Whether `IfExists` was appended.
    pub if_exists: bool,
}

impl fmt::Display for QualifiedOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        f.write_str(self.operator.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}
