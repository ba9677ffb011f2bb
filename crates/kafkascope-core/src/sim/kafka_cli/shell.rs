//! Shell-like splitting of a tool line: what a POSIX shell does with quotes, `|` and `<<<`.

use super::usage;
use crate::sim::error::CommandError;

/// A word as a shell splits it; `op` marks the unquoted operators `|` and `<<<`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Word {
    pub(super) text: String,
    pub(super) op: bool,
}

/// Splits like a POSIX shell: blanks separate words, 'single quotes' keep everything, "double
/// quotes" keep blanks (a backslash escapes `"` and `\` inside them), `|` and `<<<` stand apart.
pub(super) fn shell_words(line: &str) -> Result<Vec<Word>, CommandError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut chars = line.chars().peekable();
    let flush = |cur: &mut String, any: &mut bool, words: &mut Vec<Word>| {
        if *any {
            words.push(Word {
                text: std::mem::take(cur),
                op: false,
            });
            *any = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                any = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(usage("unexpected end of line: unterminated quote")),
                    }
                }
            }
            '"' => {
                any = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') if matches!(chars.peek(), Some('"' | '\\')) => {
                            cur.push(chars.next().expect("peeked"));
                        }
                        Some(c) => cur.push(c),
                        None => return Err(usage("unexpected end of line: unterminated quote")),
                    }
                }
            }
            '\\' => {
                any = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            '|' => {
                flush(&mut cur, &mut any, &mut words);
                words.push(Word {
                    text: "|".into(),
                    op: true,
                });
            }
            '<' if !any && line_rest_starts(&mut chars, "<<") => {
                words.push(Word {
                    text: "<<<".into(),
                    op: true,
                });
            }
            c if c.is_whitespace() => flush(&mut cur, &mut any, &mut words),
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    flush(&mut cur, &mut any, &mut words);
    Ok(words)
}

/// Consumes `s` from `chars` if they start with it.
pub(super) fn line_rest_starts(chars: &mut std::iter::Peekable<std::str::Chars>, s: &str) -> bool {
    let ahead: String = chars.clone().take(s.len()).collect();
    if ahead == s {
        for _ in 0..s.len() {
            chars.next();
        }
        true
    } else {
        false
    }
}
