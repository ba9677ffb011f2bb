//! Every text the page shows, in English and Korean: one table, one struct per language.
//!
//! Templates carry named placeholders (`{id}`) filled by [`fill`]; the numbers put into them come
//! from the core. Kafka's own output labels (`Leader:`, `Isr:`) are kept as Kafka prints them.

use std::fmt::Display;

/// The page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// Korean for any `ko` tag (`ko`, `ko-KR`), English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The browser's preferred language (`navigator.language`).
    pub fn detect() -> Lang {
        web_sys::window()
            .and_then(|w| w.navigator().language())
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::En)
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The language the switch button offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ko,
            Lang::Ko => Lang::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Ko => &KO,
        }
    }
}

/// One language's texts. Fields ending in a template comment take [`fill`] arguments.
#[derive(Debug)]
pub struct Texts {
    /// The language's own name, shown on the button that switches to it.
    pub language_name: &'static str,
    /// `{language}`
    pub switch_language_label: &'static str,
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub document_title: &'static str,

    pub cluster_heading: &'static str,
    pub brokers_label: &'static str,
    pub remove_broker: &'static str,
    pub add_broker: &'static str,
    /// `{min}`, `{max}`
    pub broker_count_hint: &'static str,
    /// `{mode}`, `{seed}`, `{brokers}`
    pub cluster_summary: &'static str,
    /// `{topic}`, `{partitions}`, `{rf}`
    pub topic_rule: &'static str,
    pub mode_kraft: &'static str,
    pub mode_zookeeper: &'static str,

    /// `{id}`
    pub broker_title: &'static str,
    pub state_running: &'static str,
    pub state_stopped: &'static str,
    pub state_crashed: &'static str,
    pub no_replicas: &'static str,

    pub leader: &'static str,
    pub follower: &'static str,
    /// `{epoch}`
    pub leader_epoch: &'static str,
    pub in_isr: &'static str,
    pub out_of_isr: &'static str,

    pub legend_heading: &'static str,
    pub legend_leader: &'static str,
    pub legend_follower: &'static str,
    pub legend_out_of_isr: &'static str,

    pub describe_heading: &'static str,
    pub describe_note: &'static str,
    /// `{topic}`
    pub describe_command: &'static str,
    pub kafka_topic: &'static str,
    pub kafka_partition: &'static str,
    pub kafka_leader: &'static str,
    pub kafka_replicas: &'static str,
    pub kafka_isr: &'static str,
    pub kafka_partition_count: &'static str,
    pub kafka_replication_factor: &'static str,
    pub kafka_leader_none: &'static str,

    pub command_refused: &'static str,
    pub footer: &'static str,

    pub panic_title: &'static str,
    pub panic_body: &'static str,
    pub panic_reload: &'static str,
    /// `{seed}`, `{brokers}`
    pub panic_context: &'static str,
}

pub static EN: Texts = Texts {
    language_name: "English",
    switch_language_label: "Switch the page to {language}",
    app_name: "Kafkascope",
    tagline: "Watch an Apache Kafka cluster at work: a deterministic model running in your browser.",
    document_title: "Kafkascope: an Apache Kafka cluster, simulated in your browser",

    cluster_heading: "Cluster",
    brokers_label: "Brokers",
    remove_broker: "Remove a broker",
    add_broker: "Add a broker",
    broker_count_hint: "Number of brokers, {min} to {max}",
    cluster_summary: "{mode} mode · seed {seed} · {brokers} brokers",
    topic_rule: "Topic {topic} has {partitions} partitions; its replication factor is min(3, brokers) = {rf}. Replicas are placed as Kafka's controller places them.",
    mode_kraft: "KRaft",
    mode_zookeeper: "ZooKeeper",

    broker_title: "Broker {id}",
    state_running: "running",
    state_stopped: "stopped",
    state_crashed: "crashed",
    no_replicas: "No replicas on this broker",

    leader: "Leader",
    follower: "Follower",
    leader_epoch: "epoch {epoch}",
    in_isr: "in ISR",
    out_of_isr: "out of ISR",

    legend_heading: "Legend",
    legend_leader: "Leader replica: serves reads and writes for its partition",
    legend_follower: "Follower in the ISR (in-sync replicas)",
    legend_out_of_isr: "Replica that has fallen out of the ISR",

    describe_heading: "Topic description",
    describe_note: "What kafka-topics.sh prints for this cluster.",
    describe_command: "kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic {topic}",
    kafka_topic: "Topic",
    kafka_partition: "Partition",
    kafka_leader: "Leader",
    kafka_replicas: "Replicas",
    kafka_isr: "Isr",
    kafka_partition_count: "PartitionCount",
    kafka_replication_factor: "ReplicationFactor",
    kafka_leader_none: "none",

    command_refused: "The cluster refused the command:",
    footer: "A teaching model of Apache Kafka. Kafka is a trademark of the Apache Software Foundation.",

    panic_title: "Kafkascope stopped because of an internal error.",
    panic_body: "The page can no longer update. Reloading starts it again.",
    panic_reload: "Reload the page",
    panic_context: "Seed {seed}, {brokers} brokers.",
};

pub static KO: Texts = Texts {
    language_name: "한국어",
    switch_language_label: "페이지 언어를 {language}(으)로 바꾸기",
    app_name: "Kafkascope",
    tagline: "아파치 카프카 클러스터가 일하는 모습을 봅니다: 브라우저에서 돌아가는 결정론적 모델.",
    document_title: "Kafkascope: 브라우저에서 시뮬레이션하는 아파치 카프카 클러스터",

    cluster_heading: "클러스터",
    brokers_label: "브로커",
    remove_broker: "브로커 하나 줄이기",
    add_broker: "브로커 하나 늘리기",
    broker_count_hint: "브로커 수, {min}~{max}",
    cluster_summary: "{mode} 모드 · 시드 {seed} · 브로커 {brokers}대",
    topic_rule: "토픽 {topic}: 파티션 {partitions}개, 복제 계수는 min(3, 브로커 수) = {rf}. 복제본은 카프카 컨트롤러와 같은 방식으로 배치됩니다.",
    mode_kraft: "KRaft",
    mode_zookeeper: "ZooKeeper",

    broker_title: "브로커 {id}",
    state_running: "실행 중",
    state_stopped: "정지됨",
    state_crashed: "장애",
    no_replicas: "이 브로커에는 복제본이 없습니다",

    leader: "리더",
    follower: "팔로워",
    leader_epoch: "에포크 {epoch}",
    in_isr: "ISR 소속",
    out_of_isr: "ISR 이탈",

    legend_heading: "범례",
    legend_leader: "리더 복제본: 파티션의 읽기와 쓰기를 처리합니다",
    legend_follower: "ISR(동기화된 복제본)에 속한 팔로워",
    legend_out_of_isr: "ISR에서 빠진 복제본",

    describe_heading: "토픽 상세",
    describe_note: "이 클러스터에서 kafka-topics.sh가 출력하는 내용입니다.",
    describe_command: "kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic {topic}",
    kafka_topic: "Topic",
    kafka_partition: "Partition",
    kafka_leader: "Leader",
    kafka_replicas: "Replicas",
    kafka_isr: "Isr",
    kafka_partition_count: "PartitionCount",
    kafka_replication_factor: "ReplicationFactor",
    kafka_leader_none: "none",

    command_refused: "클러스터가 명령을 거부했습니다:",
    footer: "아파치 카프카 학습용 모델입니다. Kafka는 Apache Software Foundation의 상표입니다.",

    panic_title: "내부 오류로 Kafkascope가 멈췄습니다.",
    panic_body: "페이지를 더 이상 갱신할 수 없습니다. 새로 고치면 다시 시작합니다.",
    panic_reload: "페이지 새로 고침",
    panic_context: "시드 {seed}, 브로커 {brokers}대.",
};

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
