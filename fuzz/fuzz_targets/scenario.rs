//! The scenario reader of `tenet simulate` on arbitrary text (see `targets::scenario`).
#![no_main]

#[path = "../targets.rs"]
#[allow(dead_code)] // each target uses one of the shared bodies
mod targets;

libfuzzer_sys::fuzz_target!(|text: &str| targets::scenario(text));
