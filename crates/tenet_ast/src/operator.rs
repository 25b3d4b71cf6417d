//! Condition operators, decomposed: `ForAnyValue:StringLikeIfExists` is a set qualifier, a base
//! operator and the `IfExists` flag.

use std::fmt;

use crate::truth::Truth;

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

impl QualifiedOperator {
    /// The condition's value when the request lacks the key (IAM User Guide, "Condition
    /// operators"): `…IfExists` and `ForAllValues:` hold, `ForAnyValue:` does not, and otherwise
    /// a negated operator holds and the others do not.
    pub fn holds_when_missing(self) -> bool {
        self.if_exists
            || match self.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => self.operator.is_negated(),
            }
    }

    /// `Null` with the policy value `value`, given whether the key is present (a multi-valued key
    /// counts only when non-empty): `"true"` holds when it is absent, `"false"` when it is present,
    /// anything else never.
    pub fn null_holds<T: Truth>(value: &str, present: T) -> T {
        if value.eq_ignore_ascii_case("true") {
            present.negate()
        } else if value.eq_ignore_ascii_case("false") {
            present
        } else {
            T::lit(false)
        }
    }

    /// The condition's value on a present key, from each request value's `(there, positive)`:
    /// whether the value is in the request, and whether some policy value matches it under the
    /// operator's positive form (`StringNotEquals` read as `StringEquals`). Unqualified: some value
    /// matches, the answer negated for a negated operator; `ForAnyValue:`: some value satisfies the
    /// operator; `ForAllValues:`: every value does (vacuously on an empty set).
    ///
    /// NOTE: an unqualified operator on several values is read like `ForAnyValue:` for positive
    /// operators and as its negation for negated ones, which is the single-valued reading for one
    /// value; AWS documents only the qualified forms on sets.
    pub fn combine<T: Truth>(self, values: Vec<(T, T)>) -> T {
        let negated = self.operator.is_negated();
        let flip = |t: T| if negated { t.negate() } else { t };
        match self.qualifier {
            None => flip(T::any(
                values.into_iter().map(|(there, p)| T::all(vec![there, p])).collect(),
            )),
            Some(SetQualifier::ForAnyValue) => T::any(
                values
                    .into_iter()
                    .map(|(there, p)| T::all(vec![there, flip(p)]))
                    .collect(),
            ),
            Some(SetQualifier::ForAllValues) => T::all(
                values
                    .into_iter()
                    .map(|(there, p)| T::any(vec![there.negate(), flip(p)]))
                    .collect(),
            ),
        }
    }
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
