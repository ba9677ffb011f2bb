//! Lists `tours/*.tour` into `$OUT_DIR/tours.rs`, so a new tour is a new file and nothing else:
//! `INDEX` (each tour's id and titles, for the page's list) on every target, and `FILES`
//! (each file's text, `include_str!`) natively. The page fetches a tour's file when it is opened
//! (Trunk copies `tours/` next to the page), which keeps the texts out of the WebAssembly.

// A build script runs on the host, once per build: std's sort is fine here (the model's rule,
// sim::sort in clippy.toml, is about the wasm the page ships).
#![allow(clippy::disallowed_methods)]

use std::fmt::Write;
use std::path::Path;

/// The value of the first `keyword` line (`title.en  Some title` gives `Some title`).
fn header(text: &str, keyword: &str) -> String {
    text.lines()
        .map(str::trim)
        .find_map(|l| {
            let (k, rest) = l.split_once(char::is_whitespace)?;
            (k == keyword).then(|| rest.trim().to_string())
        })
        .unwrap_or_default()
}

fn main() {
    // The tours live at the top of the repository (Trunk copies them next to the page).
    let dir =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("../../tours");
    println!("cargo:rerun-if-changed={}", dir.display());
    let native = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".tour"))
                .collect()
        })
        .unwrap_or_default();
    // The build script runs on the host at build time: the model's sort rule (clippy.toml) is
    // about the bundle and the runs, neither of which this touches.
    #[allow(clippy::disallowed_methods)]
    files.sort();
    let mut index = String::from(
        "/// Every tour, in file-name order: id and titles.\npub static INDEX: &[Entry] = &[\n",
    );
    let mut texts = String::from(
        "/// Every tour file (native builds), by name.\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for name in &files {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a readable tour file");
        let id = name.trim_end_matches(".tour");
        writeln!(
            index,
            "    Entry {{ id: {id:?}, title_en: {:?}, title_ko: {:?} }},",
            header(&text, "title.en"),
            header(&text, "title.ko"),
        )
        .expect("a String");
        if native {
            writeln!(
                texts,
                "    ({name:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .expect("a String");
        }
    }
    index.push_str("];\n");
    texts.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("set by cargo")).join("tours.rs");
    std::fs::write(target, index + &texts).expect("OUT_DIR is writable");
}
