//! The page's entry point (wasm32). On the host this binary only points to `kafka-sim`.

#[cfg(target_arch = "wasm32")]
fn main() {
    kafkascope::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kafkascope is the web page (build it with `trunk serve`); the native runner is `kafka-sim`.");
}
