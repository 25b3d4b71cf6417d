//! Proves the `.tenet` files given on the command line and prints JSON (a debugging aid).
fn main() {
    for a in std::env::args().skip(1) {
        match tenet_prove::prove_file(std::path::Path::new(&a)) {
            Ok(rs) => {
                for r in rs {
                    println!("{}", r.to_json());
                }
            }
            Err(e) => eprintln!("{e}"),
        }
    }
}
