//! The `.tenet` property language's parser (read only: `tenet_prove::lang::parse`) on arbitrary
//! text: it returns a file or a syntax error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let _ = tenet_prove::lang::parse("fuzz.tenet", src);
});
