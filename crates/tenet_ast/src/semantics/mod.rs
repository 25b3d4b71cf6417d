//! The semantic core's value readers: how IAM reads a date, an IP range, an account id or a
//! wildcard, written once.
//!
//! The evaluator (`crate::eval`), the prover's encoding (`tenet_prove`) and the linter's grammar
//! checks (`tenet_syntax::grammar`) all call these functions for the verdict, so a value the linter
//! accepts is exactly a value the evaluator can compare. A reader that refuses a value says which
//! part of it is wrong as a byte range of the input; turning that into a located diagnostic with a
//! help text is the syntax layer's business.
//!
//! Architecture invariant: nothing here knows spans in a file, diagnostics or JSON text.

mod cidr;
mod date;
mod names;

pub use cidr::{parse_cidr, read_cidr, Cidr, CidrError};
pub use date::{days_from_civil, days_in_month, parse_date, read_date, DateError, DateField};
pub use names::{has_wildcard, is_account_id};
/// The one IAM wildcard matcher (`*` any run, `?` one character), which the catalog owns so that
/// its action expansion and the evaluator agree.
pub use tenet_catalog::wildcard::wildcard_match;
