//! The JSON reader, wrappers, lowering, lint rules and renderer on arbitrary bytes (see
//! `targets::policy_file`).
#![no_main]

#[path = "../targets.rs"]
#[allow(dead_code)] // each target uses one of the shared bodies
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::policy_file(data));
