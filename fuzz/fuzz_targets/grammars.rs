//! IAM's mini-grammars on arbitrary strings (see `targets::grammars`).
#![no_main]

#[path = "../targets.rs"]
#[allow(dead_code)] // each target uses one of the shared bodies
mod targets;

libfuzzer_sys::fuzz_target!(|s: &str| targets::grammars(s));
