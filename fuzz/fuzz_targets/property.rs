//! The `.tenet` property language's parser on arbitrary text (see `targets::property`).
#![no_main]

#[path = "../targets.rs"]
#[allow(dead_code)] // each target uses one of the shared bodies
mod targets;

libfuzzer_sys::fuzz_target!(|src: &str| targets::property(src));
