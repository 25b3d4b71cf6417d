//! Compiles the `tenet prove` / `tenet compile` front ends against this crate and runs them:
//! `cargo run -p tenet_prove --example cli_check -- prove human policies/prove`.
#[path = "../../tenet_cli/src/compile.rs"]
mod compile;
#[path = "../../tenet_cli/src/prove.rs"]
mod prove;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("compile") => compile::run_compile(
            std::path::Path::new(args.get(1).map_or("", String::as_str)),
            compile::Emit::parse("smt2").unwrap_or(compile::Emit::Smt2),
            args.get(2).map(String::as_str),
        ),
        _ => {
            let format = args
                .get(1)
                .and_then(|f| prove::ProveFormat::parse(f))
                .unwrap_or(prove::ProveFormat::Human);
            let paths: Vec<std::path::PathBuf> = args.iter().skip(2).map(Into::into).collect();
            prove::run_prove(&paths, format, 5000)
        }
    };
    std::process::exit(code);
}
