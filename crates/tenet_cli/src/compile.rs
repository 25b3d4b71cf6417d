//! `tenet compile --emit smt2 FILE.tenet [--property NAME]`: prints the SMT-LIB 2 queries the prover
//! checks (the exact text given to Z3), with comments naming the principal candidates and anything
//! approximated. Exit 0, or 2 when the file cannot be read or parsed.

use std::path::Path;

/// What `tenet compile` emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// SMT-LIB 2.
    Smt2,
}

/// Runs `tenet compile` and returns the exit code. Unless `allow_outside`, the policy files the
/// `.tenet` file names must be under the current directory, as for `tenet prove`.
pub fn run_compile(path: &Path, emit: Emit, property: Option<&str>, allow_outside: bool) -> i32 {
    let root = (!allow_outside).then(|| Path::new("."));
    match emit {
        Emit::Smt2 => match tenet_prove::run::compile_smt2_file_in(path, property, root) {
            Ok(text) => {
                print!("{text}");
                0
            }
            Err(e) => {
                eprintln!("{:?}", miette::Report::new(e));
                2
            }
        },
    }
}
