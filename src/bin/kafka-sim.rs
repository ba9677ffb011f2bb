//! `kafka-sim`: runs Kafkascope scenarios natively (for authors and CI).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(kafkascope::sim::cli::run(&args));
}

#[cfg(target_arch = "wasm32")]
fn main() {}
