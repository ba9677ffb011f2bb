//! Share links across versions of the page: a link carries the model version that made it, so
//! a page running another model still opens it but can say that the run may differ; links of
//! the first format (`#k=1`, before model versions) still open; a link of a newer format is
//! named as such (the page shows a banner and its default cluster).

use kafkascope_core::sim::base64;
use kafkascope_core::timeline::link::{self, LinkError, MODEL_VERSION, VERSION, VERSION_1};
use kafkascope_core::timeline::{scenario, Player};

/// The run behind [`FORMAT_1_LINK`].
const SCRIPT: &str = "seed 7\ncluster brokers=3 mode=kraft\n\
    topic create orders partitions=3 replication-factor=3\n\
    producer create p1 acks=all linger.ms=0\n\
    produce p1 orders key=alice count=5\n\
    advance 2s\nbroker kill 2\nadvance 3s\n";

/// [`SCRIPT`] at 2.5 s, as the page wrote it before links had a model version (format 1).
const FORMAT_1_LINK: &str =
    "1BwQaMyAbBAAACAgZIAkzIAozAAALAXAxIBVhbGwgFzAAAA8AcDEgGSANYWxpY2UgCzVV0A8DBAUyTLgXBGjEE1TjTCQ";

fn script_at_2500() -> Player {
    let mut player = scenario::import(SCRIPT).unwrap();
    player.seek_ms(2500);
    player
}

/// The run a link opens, for comparison: its trace hash, time and applied commands.
fn picture(player: &Player) -> (u64, u64, usize) {
    (
        player.sim().trace.hash(),
        player.sim().now_ms(),
        player.cursor().applied,
    )
}

fn open(value: &str) -> (Player, link::Shared) {
    let shared = link::decode(value).unwrap_or_else(|e| panic!("{value}: {e}"));
    let player = Player::replay(&shared.timeline, shared.at).unwrap();
    (player, shared)
}

#[test]
fn format_1_links_still_open_as_model_1() {
    let (opened, shared) = open(FORMAT_1_LINK);
    assert_eq!(shared.model, 1);
    assert_eq!(shared.same_model(), MODEL_VERSION == 1);
    let here = script_at_2500();
    assert_eq!(picture(&opened), picture(&here));
    assert_eq!(shared.timeline, *here.timeline());
}

#[test]
fn new_links_carry_this_model_version() {
    let player = script_at_2500();
    let value = link::encode(player.timeline(), player.cursor());
    assert!(value.starts_with(VERSION), "{value}");
    let (opened, shared) = open(&value);
    assert_eq!(shared.model, MODEL_VERSION);
    assert!(shared.same_model());
    assert_eq!(picture(&opened), picture(&player));
}

#[test]
fn a_link_of_another_model_opens_and_says_so() {
    let player = script_at_2500();
    for model in [MODEL_VERSION + 1, 1_000_000] {
        let value = link::encode_by_model(player.timeline(), player.cursor(), model);
        let (opened, shared) = open(&value);
        assert_eq!(shared.model, model);
        assert!(!shared.same_model());
        // The same seed and commands, replayed here by this model.
        assert_eq!(shared.timeline, *player.timeline());
        assert_eq!(picture(&opened), picture(&player));
    }
}

#[test]
fn a_newer_format_is_named_and_a_foreign_one_refused() {
    assert_eq!(VERSION_1, '1');
    for newer in ["3BwQaMy", "9", "Aabc", "zzz"] {
        assert_eq!(
            link::decode(newer),
            Err(LinkError::Newer(newer[..1].to_string())),
            "{newer}"
        );
    }
    for foreign in ["0BwQa", "!abc", "-abc", "\u{d0a4}abc"] {
        assert!(
            matches!(link::decode(foreign), Err(LinkError::Version(_))),
            "{foreign}"
        );
    }
    let e = link::decode("3BwQaMy").unwrap_err().to_string();
    assert!(e.contains("newer"), "{e}");
}

#[test]
fn model_version_0_is_out_of_range() {
    let player = script_at_2500();
    let value = link::encode(player.timeline(), player.cursor());
    let mut bytes = base64::decode(&value[1..]).unwrap();
    bytes.truncate(bytes.len() - 4);
    // The model version is the payload's first varint: this model's is one byte.
    const { assert!(MODEL_VERSION < 0x80) };
    bytes[0] = 0;
    let sum = link::checksum(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    assert_eq!(
        link::decode(&format!("{VERSION}{}", base64::encode(&bytes))),
        Err(LinkError::Invalid("the model version"))
    );
}
