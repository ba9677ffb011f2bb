//! The share link: a recorded run and the moment shown, in a URL fragment.
//!
//! `#k=2<base64url>`: `2` is the format's version; the base64url (no padding) holds the payload
//! followed by its FNV-1a 32-bit checksum (little-endian). The payload, with every number a
//! LEB128 varint and every text a varint length plus its packed bytes:
//!
//! ```text
//! model version (format 2 only; a format-1 link is model version 1),
//! seed, cluster settings (text),
//! command count, then per command: events since the previous one, ms since the previous one, line (text),
//! end: events and ms after the last command,
//! moment shown: commands applied, events, ms.
//! ```
//!
//! Texts are packed with a fixed dictionary of the language's common words: bytes 0-30 stand
//! for [`WORDS`], byte 31 escapes the next byte; every other byte is itself. Decoding checks
//! everything (alphabet, length, checksum, every number's range, UTF-8, the moments' order) and
//! never panics (fuzzed in `tests/fuzz.rs`); replaying is [`super::Player::replay`]'s job.
//!
//! A link replays the same run only on the model that made it: the model version it carries
//! lets a page running another model say that the run may differ ([`Shared::same_model`]).

use std::fmt;

use super::{Cursor, Entry, Moment, ReplayError, Start, Timeline};
use super::{MAX_ENTRIES, MAX_LINE, MAX_REPLAY_EVENTS};
use crate::sim::base64;

/// The format this page writes (the first character after `k=`).
pub const VERSION: char = '2';
/// The first format, still read: it has no model version (it was written by model 1).
pub const VERSION_1: char = '1';

/// The version of the model's behaviour: the same seed and commands give the same run only on
/// the same model version. Bump it with every change that changes runs, that is, whenever
/// tests/trace_hashes.txt gets new hashes (which checks it: its `model-version` line must be
/// this, and `UPDATE_TRACE_HASHES=1` refuses new hashes under an old model version).
pub const MODEL_VERSION: u64 = 10;

/// Words of the scenario language, packed to one byte each (version 1: never reorder).
pub const WORDS: [&str; 31] = [
    "produce ",
    "producer create ",
    "consumer create ",
    "consumer ",
    "broker ",
    "kill ",
    "stop ",
    "start ",
    "topic create ",
    "partitions=",
    "replication-factor=",
    "count=",
    "rate=",
    "key=",
    "value=",
    "group.id=",
    "topics=",
    "network ",
    "isolate ",
    "heal",
    "controller ",
    "acks=",
    "enable.idempotence=",
    "linger.ms=",
    "min.insync.replicas=",
    "orders",
    "brokers=",
    "mode=kraft",
    "mode=zookeeper",
    "true",
    " p1 ",
];
const ESCAPE: u8 = 31;

/// A decoded link: the recorded run and where to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    pub timeline: Timeline,
    pub at: Cursor,
    /// The [`MODEL_VERSION`] of the page that made the link.
    pub model: u64,
}

impl Shared {
    /// Made by this model: the replay is the run that was shared.
    pub fn same_model(&self) -> bool {
        self.model == MODEL_VERSION
    }
}

/// Why a link cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Written by a format this page does not read (the character after `k=`).
    Version(String),
    /// Written by a newer page, in a format that came after this page's (its character).
    Newer(String),
    /// A character outside base64url, or a length no encoding gives.
    Encoding,
    /// It ends before its last field.
    Truncated,
    /// The checksum does not match: the link was changed or cut.
    Checksum,
    /// A field is out of range (what).
    Invalid(&'static str),
    /// It decodes, but the run it holds does not replay.
    Replay(ReplayError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Version(v) => write!(f, "format version '{v}' is not one this page reads"),
            LinkError::Newer(v) => write!(f, "format version '{v}' is newer than this page's"),
            LinkError::Encoding => write!(f, "it is not base64url"),
            LinkError::Truncated => write!(f, "it is cut short"),
            LinkError::Checksum => write!(f, "the checksum does not match"),
            LinkError::Invalid(what) => write!(f, "{what} is out of range"),
            LinkError::Replay(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// FNV-1a, 32 bits.
pub fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, b| {
        (h ^ *b as u32).wrapping_mul(0x0100_0193)
    })
}

/// The link's value (what follows `k=`), made by this model.
pub fn encode(timeline: &Timeline, at: Cursor) -> String {
    encode_by_model(timeline, at, MODEL_VERSION)
}

/// The link's value as the page of model version `model` writes it (tests make the links of
/// other models with it).
pub fn encode_by_model(timeline: &Timeline, at: Cursor, model: u64) -> String {
    let mut out = Vec::new();
    varint(&mut out, model);
    varint(&mut out, timeline.start.seed);
    text(&mut out, &timeline.start.cluster);
    varint(&mut out, timeline.entries.len() as u64);
    let mut last = Moment::default();
    for e in &timeline.entries {
        delta(&mut out, last, e.at);
        text(&mut out, &e.line);
        last = e.at;
    }
    delta(&mut out, last, timeline.end);
    varint(&mut out, at.applied as u64);
    varint(&mut out, at.at.events);
    varint(&mut out, at.at.at_ms);
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    let mut link = String::with_capacity(out.len() * 4 / 3 + 2);
    link.push(VERSION);
    link.push_str(&base64::encode(&out));
    link
}

/// Reads a link's value (what follows `k=`).
pub fn decode(value: &str) -> Result<Shared, LinkError> {
    let mut chars = value.chars();
    let format = match chars.next() {
        Some(c @ (VERSION | VERSION_1)) => c,
        // Formats are numbered 1-9, then A-Z, a-z.
        Some(c) if c.is_ascii_alphanumeric() && c > VERSION => {
            return Err(LinkError::Newer(c.to_string()))
        }
        Some(c) => return Err(LinkError::Version(c.to_string())),
        None => return Err(LinkError::Truncated),
    };
    let bytes = base64::decode(chars.as_str()).ok_or(LinkError::Encoding)?;
    if bytes.len() < 4 {
        return Err(LinkError::Truncated);
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 4);
    if checksum(payload).to_le_bytes() != sum {
        return Err(LinkError::Checksum);
    }
    let mut r = Reader { bytes: payload };
    let model = match format {
        VERSION_1 => 1,
        _ => r.varint()?,
    };
    if model == 0 {
        return Err(LinkError::Invalid("the model version"));
    }
    let seed = r.varint()?;
    let cluster = r.text()?;
    let count = r.varint()?;
    if count > MAX_ENTRIES as u64 {
        return Err(LinkError::Invalid("the number of commands"));
    }
    let mut entries = Vec::with_capacity(count as usize);
    let mut last = Moment::default();
    for _ in 0..count {
        let at = r.delta(last)?;
        entries.push(Entry {
            at,
            line: r.text()?,
        });
        last = at;
    }
    let end = r.delta(last)?;
    let applied = r.varint()?;
    let at = Moment {
        events: r.varint()?,
        at_ms: r.varint()?,
    };
    if !r.bytes.is_empty() {
        return Err(LinkError::Invalid("the length"));
    }
    if applied > count || at > end || at.at_ms > end.at_ms {
        return Err(LinkError::Invalid("the moment shown"));
    }
    let timeline = Timeline {
        start: Start { seed, cluster },
        entries,
        end,
    };
    timeline.check().map_err(LinkError::Replay)?;
    Ok(Shared {
        timeline,
        at: Cursor {
            applied: applied as usize,
            at,
        },
        model,
    })
}

/// The value of `k=` in a URL fragment (`#k=...&embed`), if there is one.
pub fn from_fragment(fragment: &str) -> Option<&str> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|p| p.strip_prefix("k="))
}

/// Whether a URL fragment has the flag `name` (`#k=...&embed`).
pub fn fragment_has(fragment: &str, name: &str) -> bool {
    fragment
        .trim_start_matches('#')
        .split('&')
        .any(|p| p == name || p.strip_prefix(name).is_some_and(|r| r.starts_with('=')))
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn delta(out: &mut Vec<u8>, from: Moment, to: Moment) {
    varint(out, to.events.saturating_sub(from.events));
    varint(out, to.at_ms.saturating_sub(from.at_ms));
}

fn text(out: &mut Vec<u8>, s: &str) {
    let packed = pack(s);
    varint(out, packed.len() as u64);
    out.extend_from_slice(&packed);
}

/// Replaces the dictionary's words (longest first) by their byte.
pub fn pack(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let word = WORDS
            .iter()
            .enumerate()
            .filter(|(_, w)| bytes[i..].starts_with(w.as_bytes()))
            .max_by_key(|(_, w)| w.len());
        match word {
            Some((code, w)) => {
                out.push(code as u8);
                i += w.len();
            }
            None => {
                if bytes[i] <= ESCAPE {
                    out.push(ESCAPE);
                }
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// The inverse of [`pack`]; `None` for a dangling escape or text longer than [`MAX_LINE`].
pub fn unpack(packed: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(packed.len() * 2);
    let mut bytes = packed.iter();
    while let Some(&b) = bytes.next() {
        match b {
            ESCAPE => out.push(*bytes.next()?),
            b if b < ESCAPE => out.extend_from_slice(WORDS[b as usize].as_bytes()),
            b => out.push(b),
        }
        if out.len() > MAX_LINE {
            return None;
        }
    }
    Some(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn varint(&mut self) -> Result<u64, LinkError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first().ok_or(LinkError::Truncated)?;
            self.bytes = rest;
            let bits = (b & 0x7f) as u64;
            if shift == 63 && bits > 1 {
                return Err(LinkError::Invalid("a number"));
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(LinkError::Invalid("a number"))
    }

    fn delta(&mut self, from: Moment) -> Result<Moment, LinkError> {
        let events = self.varint()?;
        let ms = self.varint()?;
        let at = Moment {
            events: from
                .events
                .checked_add(events)
                .filter(|&e| e <= MAX_REPLAY_EVENTS)
                .ok_or(LinkError::Invalid("the number of events"))?,
            at_ms: from
                .at_ms
                .checked_add(ms)
                .ok_or(LinkError::Invalid("a time"))?,
        };
        Ok(at)
    }

    fn text(&mut self) -> Result<String, LinkError> {
        let len = self.varint()?;
        if len > MAX_LINE as u64 * 2 {
            return Err(LinkError::Invalid("a command's length"));
        }
        let len = len as usize;
        if self.bytes.len() < len {
            return Err(LinkError::Truncated);
        }
        let (packed, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        let bytes = unpack(packed).ok_or(LinkError::Invalid("a command's text"))?;
        String::from_utf8(bytes).map_err(|_| LinkError::Invalid("a command's text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Timeline, Cursor) {
        let mut t = Timeline::new(Start::new(7, "brokers=3 mode=kraft"));
        for (events, at_ms, line) in [
            (
                0,
                0,
                "topic create orders partitions=3 replication-factor=3",
            ),
            (0, 0, "producer create p1"),
            (120, 3001, "broker kill 2"),
            (
                121,
                3001,
                "produce p1 orders key=\u{d0a4} value=\"a b\" count=5",
            ),
        ] {
            t.entries.push(Entry {
                at: Moment { events, at_ms },
                line: line.into(),
            });
        }
        t.end = Moment {
            events: 900,
            at_ms: 12_000,
        };
        let at = Cursor {
            applied: 3,
            at: Moment {
                events: 120,
                at_ms: 3001,
            },
        };
        (t, at)
    }

    #[test]
    fn round_trips() {
        let (timeline, at) = sample();
        let link = encode(&timeline, at);
        assert!(link.starts_with(VERSION));
        assert!(link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let shared = decode(&link).unwrap();
        assert_eq!(shared.timeline, timeline);
        assert_eq!(shared.at, at);
        assert_eq!(shared.model, MODEL_VERSION);
    }

    #[test]
    fn packing_is_lossless_and_shorter() {
        for s in [
            "produce p1 orders key=alice count=10",
            "\u{1}\u{1f}\u{1e} raw control bytes",
            "",
            "키 값",
        ] {
            assert_eq!(unpack(&pack(s)).unwrap(), s.as_bytes());
        }
        assert!(pack("topic create orders partitions=3 replication-factor=3").len() < 12);
    }

    #[test]
    fn damage_is_named() {
        let (timeline, at) = sample();
        let link = encode(&timeline, at);
        assert_eq!(decode(""), Err(LinkError::Truncated));
        assert_eq!(decode("9abc"), Err(LinkError::Newer("9".into())));
        assert_eq!(decode("+abc"), Err(LinkError::Version("+".into())));
        assert_eq!(decode(&format!("{}!", &link)), Err(LinkError::Encoding));
        // Cut to whole groups of 4 characters (a cut inside one may leave stray bits: Encoding).
        let cut = link.len() - 8 - (link.len() - 1) % 4;
        assert_eq!(decode(&link[..cut]), Err(LinkError::Checksum));
        // One character changed anywhere: refused, never accepted as another run.
        for i in 1..link.len() {
            let mut bytes = link.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).unwrap();
            assert!(decode(&changed).is_err(), "{changed}");
        }
    }

    #[test]
    fn fragments() {
        assert_eq!(from_fragment("#k=1abc&embed"), Some("1abc"));
        assert_eq!(from_fragment("embed&k=1x"), Some("1x"));
        assert_eq!(from_fragment("#t=5"), None);
        assert!(fragment_has("#k=1abc&embed", "embed"));
        assert!(!fragment_has("#k=1abc", "embed"));
    }
}
