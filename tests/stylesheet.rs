//! The stylesheet survives merges: every helper appends its own section to static/style.css,
//! and a rule left open by a merge silently swallows every rule after it (nested CSS).

#[test]
fn every_rule_of_the_stylesheet_is_closed() {
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/style.css")).unwrap();
    let mut depth = 0i32;
    let mut in_comment = false;
    let bytes = css.as_bytes();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match (in_comment, bytes[i], bytes.get(i + 1)) {
            (false, b'/', Some(b'*')) => {
                in_comment = true;
                i += 1;
            }
            (true, b'*', Some(b'/')) => {
                in_comment = false;
                i += 1;
            }
            (false, b'{', _) => depth += 1,
            (false, b'}', _) => {
                depth -= 1;
                assert!(depth >= 0, "static/style.css:{line}: '}}' without '{{'");
            }
            (_, b'\n', _) => {
                line += 1;
                // A section comment starts at the top level.
                if !in_comment && bytes[i + 1..].starts_with(b"/* ---") {
                    assert_eq!(
                        depth,
                        0,
                        "static/style.css:{}: a rule is still open",
                        line - 1
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    assert_eq!(
        depth, 0,
        "static/style.css: {depth} rule(s) left open at the end"
    );
}
