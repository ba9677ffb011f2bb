//! The texts of time travel and sharing (the timeline bar, notices, share panel, invariant
//! monitors, keyboard help), English and Korean. Reached as `Texts::time`.

use crate::timeline::link::LinkError;
use crate::timeline::markers::MarkerKind;
use crate::timeline::ReplayError;

use super::i18n::fill;

#[derive(Debug)]
pub struct TimeTexts {
    pub timeline_label: &'static str,
    pub step_back: &'static str,
    pub step_back_hint: &'static str,
    pub step_forward: &'static str,
    pub step_forward_hint: &'static str,
    pub to_end: &'static str,
    pub to_end_hint: &'static str,
    pub seek_label: &'static str,
    pub live_status: &'static str,
    /// `{now}`, `{end}`
    pub past_status: &'static str,
    /// Fault, election, rebalance, error, command.
    pub marker_names: [&'static str; 5],
    /// `{kind}`, `{time}`, `{text}`
    pub marker_title: &'static str,
    /// `{count}`
    pub marker_more: &'static str,
    pub legend_label: &'static str,
    /// `{time}`, `{dropped}`
    pub fork_notice: &'static str,
    pub dismiss: &'static str,
    /// `{reason}`
    pub link_damaged: &'static str,
    /// `{version}`
    pub link_version: &'static str,
    pub link_encoding: &'static str,
    pub link_truncated: &'static str,
    pub link_checksum: &'static str,
    /// `{what}` (the field, in English)
    pub link_invalid: &'static str,
    /// `{detail}` (the replay's error, in Kafka's words)
    pub link_replay: &'static str,
    pub share_heading: &'static str,
    pub share_note: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub link_label: &'static str,
    pub export: &'static str,
    pub export_hint: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    /// `{error}`
    pub import_error: &'static str,
    pub monitors_heading: &'static str,
    pub monitors_note: &'static str,
    pub monitor_ok: &'static str,
    /// `{time}`
    pub monitor_broken: &'static str,
    /// `{time}`
    pub monitor_later: &'static str,
    /// `{time}`
    pub monitor_jump: &'static str,
    /// One line per invariant, in the order of `timeline::monitors::MONITORED`.
    pub monitor_help: [&'static str; 8],
    pub help_button: &'static str,
    pub help_title: &'static str,
    /// (keys, what they do)
    pub help_keys: [(&'static str, &'static str); 5],
    pub help_close: &'static str,

    // --- share links across versions ---
    /// `{version}`: a link in a newer format than this page's.
    pub link_newer: &'static str,
    /// `{link}`, `{page}`: the model versions of the link and of this page.
    pub link_other_model: &'static str,
}

impl TimeTexts {
    pub fn marker_name(&self, kind: Option<MarkerKind>) -> &'static str {
        match kind {
            Some(MarkerKind::Fault) => self.marker_names[0],
            Some(MarkerKind::Election) => self.marker_names[1],
            Some(MarkerKind::Rebalance) => self.marker_names[2],
            Some(MarkerKind::Error) => self.marker_names[3],
            None => self.marker_names[4],
        }
    }

    /// The banner's text for a link that cannot be used.
    pub fn damaged(&self, e: &LinkError) -> String {
        let reason = match e {
            LinkError::Newer(v) => return fill(self.link_newer, &[("version", v)]),
            LinkError::Version(v) => fill(self.link_version, &[("version", v)]),
            LinkError::Encoding => self.link_encoding.to_string(),
            LinkError::Truncated => self.link_truncated.to_string(),
            LinkError::Checksum => self.link_checksum.to_string(),
            LinkError::Invalid(what) => fill(self.link_invalid, &[("what", what)]),
            LinkError::Replay(ReplayError::TooLong(what)) => {
                fill(self.link_invalid, &[("what", what)])
            }
            LinkError::Replay(r) => fill(self.link_replay, &[("detail", r)]),
        };
        fill(self.link_damaged, &[("reason", &reason)])
    }
}

pub static EN: TimeTexts = TimeTexts {
    timeline_label: "Timeline",
    step_back: "Previous event",
    step_back_hint: "One event back (←)",
    step_forward: "Forward",
    step_forward_hint: "The next event (→)",
    to_end: "Latest",
    to_end_hint: "To the end of the recorded run",
    seek_label: "Simulated time: drag back to any earlier moment",
    live_status: "Recording",
    past_status: "Looking at {now} of a run recorded to {end}. ▶ plays on along the recording; a command here forks the timeline.",
    marker_names: [
        "Crash or fault",
        "Leader election",
        "Group rebalance",
        "Produce error",
        "Command",
    ],
    marker_title: "{kind} at {time}: {text}",
    marker_more: "(and {count} more)",
    legend_label: "Marks on the timeline",
    fork_notice: "Timeline forked at {time}; {dropped} later command(s) dropped.",
    dismiss: "Dismiss",
    link_damaged: "This link is damaged: {reason}. The page started with its default cluster instead.",
    link_version: "it was written in a format this page does not read (version {version})",
    link_encoding: "it holds characters a share link never has",
    link_truncated: "it is cut short",
    link_checksum: "its checksum does not match (a character was changed or lost)",
    link_invalid: "a field is out of range ({what})",
    link_replay: "the run it holds does not replay: {detail}",
    share_heading: "Share and save",
    share_note: "The link holds the seed, the cluster and every command with its exact moment, so it reproduces this run at this moment.",
    copy_link: "Copy link",
    copied: "Copied",
    copy_failed: "Copying was refused: select the link and copy it.",
    link_label: "Link to this run at this moment",
    export: "Export scenario",
    export_hint: "Download the run up to this moment as a scenario file (kafka-sim run FILE replays it)",
    import: "Import scenario",
    import_hint: "Run a scenario file (.kss) instead of this run",
    import_error: "The file was not imported: {error}",
    monitors_heading: "Invariant monitors",
    monitors_note: "Guarantees the model checks after every event (the last three at each snapshot and at rest).",
    monitor_ok: "OK",
    monitor_broken: "broken at {time}",
    monitor_later: "OK here; breaks at {time}",
    monitor_jump: "Go to {time}",
    monitor_help: [
        "No two brokers lead a partition in the same leader epoch.",
        "A leader's high watermark never goes down within its epoch.",
        "A leader is in the ISR it holds.",
        "The high watermark is not above the log end of any live ISR member.",
        "No partition is owned by two members of a group in one generation.",
        "No record acknowledged with acks=all, min.insync.replicas ≥ 2 and unclean election off is lost.",
        "The ISR members' logs agree below the high watermark.",
        "Every record below a group's committed offset was processed.",
    ],
    help_button: "Keyboard shortcuts (?)",
    help_title: "Keyboard shortcuts",
    help_keys: [
        ("Space", "Play or pause"),
        ("→", "The next event"),
        ("←", "One event back"),
        ("?", "Show or hide this help"),
        ("Esc", "Close this help"),
    ],
    help_close: "Close",

    // --- share links across versions ---
    link_newer: "This link was made by a newer version of Kafkascope (link format {version}), which this page cannot read: reload the page to get the newest version. The page started with its default cluster instead.",
    link_other_model: "This link was made by another version of Kafkascope's model (model {link}; this page runs model {page}). It replays the same seed and commands, but the run may differ from the one that was shared.",
};

pub static KO: TimeTexts = TimeTexts {
    timeline_label: "타임라인",
    step_back: "이전 이벤트",
    step_back_hint: "이벤트 하나 뒤로 (←)",
    step_forward: "앞으로",
    step_forward_hint: "다음 이벤트 (→)",
    to_end: "최신",
    to_end_hint: "기록된 실행의 끝으로",
    seek_label: "시뮬레이션 시간: 끌어서 이전 어느 순간으로든 돌아갑니다",
    live_status: "기록 중",
    past_status: "{end}까지 기록된 실행의 {now} 시점을 보고 있습니다. ▶는 기록을 따라 이어서 재생하고, 여기서 명령을 내리면 타임라인이 갈라집니다.",
    marker_names: [
        "장애 또는 중단",
        "리더 선출",
        "그룹 리밸런스",
        "프로듀스 오류",
        "명령",
    ],
    marker_title: "{time} {kind}: {text}",
    marker_more: "(외 {count}건)",
    legend_label: "타임라인 표시",
    fork_notice: "{time}에서 타임라인이 갈라졌습니다. 이후 명령 {dropped}개를 버렸습니다.",
    dismiss: "닫기",
    link_damaged: "이 링크는 손상되었습니다: {reason}. 대신 기본 클러스터로 시작했습니다.",
    link_version: "이 페이지가 읽지 못하는 형식으로 쓰였습니다 (버전 {version})",
    link_encoding: "공유 링크에 들어갈 수 없는 문자가 있습니다",
    link_truncated: "중간에 잘렸습니다",
    link_checksum: "체크섬이 맞지 않습니다 (문자가 바뀌었거나 빠졌습니다)",
    link_invalid: "범위를 벗어난 값이 있습니다 ({what})",
    link_replay: "담긴 실행을 재현할 수 없습니다: {detail}",
    share_heading: "공유와 저장",
    share_note: "링크에는 시드, 클러스터, 그리고 모든 명령과 그 정확한 순간이 담겨 있어 이 실행을 이 순간 그대로 재현합니다.",
    copy_link: "링크 복사",
    copied: "복사했습니다",
    copy_failed: "복사가 거부되었습니다. 링크를 선택해 직접 복사하세요.",
    link_label: "이 순간의 이 실행으로 가는 링크",
    export: "시나리오 내보내기",
    export_hint: "지금 순간까지의 실행을 시나리오 파일로 내려받습니다 (kafka-sim run FILE로 재현)",
    import: "시나리오 가져오기",
    import_hint: "이 실행 대신 시나리오 파일(.kss)을 실행합니다",
    import_error: "파일을 가져오지 못했습니다: {error}",
    monitors_heading: "불변식 모니터",
    monitors_note: "모델이 이벤트마다 확인하는 보장입니다 (마지막 세 개는 스냅숏마다, 그리고 멈춰 있을 때 확인).",
    monitor_ok: "정상",
    monitor_broken: "{time}에 깨짐",
    monitor_later: "이 시점은 정상, {time}에 깨짐",
    monitor_jump: "{time}으로 이동",
    monitor_help: [
        "한 리더 에포크에서 두 브로커가 같은 파티션을 이끌지 않습니다.",
        "리더의 하이 워터마크는 같은 에포크 안에서 줄어들지 않습니다.",
        "리더는 자신이 가진 ISR에 속합니다.",
        "하이 워터마크는 살아 있는 ISR 구성원의 로그 끝보다 높지 않습니다.",
        "한 세대(generation) 안에서 한 파티션을 그룹의 두 멤버가 갖지 않습니다.",
        "acks=all, min.insync.replicas ≥ 2, unclean 선출 꺼짐으로 확인받은 레코드는 사라지지 않습니다.",
        "ISR 구성원들의 로그는 하이 워터마크 아래에서 일치합니다.",
        "그룹의 커밋된 오프셋 아래의 레코드는 모두 처리되었습니다.",
    ],
    help_button: "키보드 단축키 (?)",
    help_title: "키보드 단축키",
    help_keys: [
        ("Space", "재생 또는 일시 정지"),
        ("→", "다음 이벤트"),
        ("←", "이벤트 하나 뒤로"),
        ("?", "이 도움말 열기/닫기"),
        ("Esc", "이 도움말 닫기"),
    ],
    help_close: "닫기",

    // --- share links across versions ---
    link_newer: "이 링크는 더 새로운 버전의 Kafkascope가 만든 것이라 (링크 형식 {version}) 이 페이지가 읽을 수 없습니다. 페이지를 새로 고쳐 최신 버전을 받으세요. 대신 기본 클러스터로 시작했습니다.",
    link_other_model: "이 링크는 다른 버전의 Kafkascope 모델이 만든 것입니다 (링크는 모델 {link}, 이 페이지는 모델 {page}). 같은 시드와 명령을 재생하지만, 공유된 실행과 다르게 진행될 수 있습니다.",
};
