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

    pub player_label: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub play_hint: &'static str,
    pub step: &'static str,
    pub step_hint: &'static str,
    /// `{duration}`
    pub advance_hint: &'static str,
    pub speed: &'static str,
    /// `{min}`, `{max}`
    pub speed_hint: &'static str,
    /// `{time}`
    pub crossing: &'static str,
    pub quiet: &'static str,
    pub quiet_hint: &'static str,
    pub sim_time: &'static str,
    pub in_flight: &'static str,
    pub reduced_motion_note: &'static str,
    pub setup_label: &'static str,
    pub mode_label: &'static str,
    pub diagram_label: &'static str,
    pub row_controllers: &'static str,
    pub row_brokers: &'static str,
    pub row_producers: &'static str,
    pub row_consumers: &'static str,
    /// `{group}`, `{generation}`
    pub consumer_sub: &'static str,
    pub node_down: &'static str,
    pub active_mark: &'static str,
    pub messages_heading: &'static str,
    pub message_shapes: &'static str,
    pub message_dropped: &'static str,
    pub family_produce: &'static str,
    pub family_fetch: &'static str,
    pub family_metadata: &'static str,
    pub family_heartbeat: &'static str,
    pub family_alter_partition: &'static str,
    pub family_metadata_update: &'static str,
    pub family_vote: &'static str,
    pub family_zookeeper: &'static str,
    pub family_group: &'static str,
    pub family_disconnected: &'static str,
    pub quorum_heading: &'static str,
    pub zookeeper_heading: &'static str,
    /// `{id}`
    pub controller_title: &'static str,
    /// `{epoch}`
    pub active_controller: &'static str,
    pub no_active_controller: &'static str,
    /// `{id}`, `{epoch}`
    pub zk_controller: &'static str,
    pub zk_no_controller: &'static str,
    pub kill: &'static str,
    pub start: &'static str,
    pub stop: &'static str,
    pub isolate: &'static str,
    pub heal: &'static str,
    /// `{id}`
    pub controller_kill_hint: &'static str,
    /// `{id}`
    pub controller_start_hint: &'static str,
    /// `{id}`
    pub broker_actions: &'static str,
    /// `{id}`
    pub stop_hint: &'static str,
    /// `{id}`
    pub kill_hint: &'static str,
    /// `{id}`
    pub start_hint: &'static str,
    /// `{id}`
    pub isolate_hint: &'static str,
    /// `{id}`
    pub heal_hint: &'static str,
    pub badge_fenced: &'static str,
    pub badge_isolated: &'static str,
    pub badge_controller: &'static str,
    /// `{leo}`, `{hw}`
    pub log_numbers: &'static str,
    /// `{name}`, `{leo}`, `{hw}`
    pub log_label: &'static str,
    pub legend_committed: &'static str,
    pub legend_uncommitted: &'static str,
    pub legend_hw: &'static str,
    pub actions_heading: &'static str,
    pub create_heading: &'static str,
    pub produce_heading: &'static str,
    pub producer_field: &'static str,
    pub topic_field: &'static str,
    pub key_field: &'static str,
    pub key_hint: &'static str,
    pub value_field: &'static str,
    pub send: &'static str,
    pub rate_field: &'static str,
    pub count_field: &'static str,
    pub start_stream: &'static str,
    pub no_producer: &'static str,
    /// `{acked}`, `{failed}`, `{pending}`
    pub producer_stats: &'static str,
    pub add_producer_heading: &'static str,
    pub name_field: &'static str,
    /// `{value}`
    pub default_value: &'static str,
    pub acks_help: &'static str,
    pub idempotence_help: &'static str,
    pub linger_help: &'static str,
    pub create: &'static str,
    pub add_topic_heading: &'static str,
    pub partitions_field: &'static str,
    pub rf_field: &'static str,
    pub min_isr_help: &'static str,
    pub cluster_actions_heading: &'static str,
    pub add_live_broker: &'static str,
    pub add_live_broker_hint: &'static str,
    pub heal_all: &'static str,
    pub heal_all_hint: &'static str,
    pub kill_active_controller: &'static str,
    pub kill_active_controller_hint: &'static str,
    pub console_heading: &'static str,
    pub console_note: &'static str,
    pub console_label: &'static str,
    pub console_placeholder: &'static str,
    pub run: &'static str,
    pub history_label: &'static str,
    pub events_heading: &'static str,
    pub events_note: &'static str,
    pub events_empty: &'static str,
    pub panic_script: &'static str,
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
    broker_count_hint: "Number of brokers, {min} to {max} (starts a new cluster)",
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

    player_label: "Simulated time",
    play: "Play",
    pause: "Pause",
    play_hint: "Play or pause simulated time (Space)",
    step: "Step",
    step_hint: "Process the next event only (→)",
    advance_hint: "Run the cluster for {duration} of simulated time (advance {duration})",
    speed: "Speed",
    speed_hint: "Playback speed, from ×{min} to ×{max} of real time",
    crossing: "a message crosses in {time}",
    quiet: "Quiet time at 1×",
    quiet_hint: "While no message is in flight, time runs at least as fast as real time, so timeouts of seconds take seconds",
    sim_time: "Time",
    in_flight: "In flight",
    reduced_motion_note: "Reduced motion: messages wait halfway instead of moving.",
    setup_label: "New cluster",
    mode_label: "Controller mode (starts a new cluster)",
    diagram_label: "The cluster's network: every message in flight, moving from its sender to its receiver",
    row_controllers: "Controllers",
    row_brokers: "Brokers",
    row_producers: "Producers",
    row_consumers: "Consumers",
    consumer_sub: "{group} · gen {generation}",
    node_down: "down",
    active_mark: "active",
    messages_heading: "Messages",
    message_shapes: "● request · ○ response",
    message_dropped: "faded: lost to a network fault",
    family_produce: "Produce",
    family_fetch: "Fetch (replication)",
    family_metadata: "Metadata",
    family_heartbeat: "Heartbeat",
    family_alter_partition: "AlterPartition (ISR change)",
    family_metadata_update: "Metadata update (controller → brokers)",
    family_vote: "Vote (controller election)",
    family_zookeeper: "ZooKeeper",
    family_group: "Consumer group",
    family_disconnected: "Connection reset",
    quorum_heading: "KRaft controller quorum",
    zookeeper_heading: "ZooKeeper mode",
    controller_title: "Controller {id}",
    active_controller: "active controller, epoch {epoch}",
    no_active_controller: "No active controller: the quorum is electing one",
    zk_controller: "The controller is broker {id} (controller epoch {epoch})",
    zk_no_controller: "No controller: the brokers race to create /controller in ZooKeeper",
    kill: "Kill",
    start: "Start",
    stop: "Stop",
    isolate: "Isolate",
    heal: "Heal",
    controller_kill_hint: "Kill controller {id} (controller kill {id})",
    controller_start_hint: "Start controller {id} (controller start {id})",
    broker_actions: "Broker {id} actions",
    stop_hint: "Controlled shutdown: leaders move away first (broker stop {id})",
    kill_hint: "kill -9: no controlled shutdown; the controller notices when the session times out (broker kill {id})",
    start_hint: "Start broker {id} again (broker start {id})",
    isolate_hint: "Cut broker {id} off the network: every message to or from it is lost (network isolate {id})",
    heal_hint: "Reconnect broker {id} (network heal {id})",
    badge_fenced: "fenced",
    badge_isolated: "isolated",
    badge_controller: "controller",
    log_numbers: "LEO {leo} · HW {hw}",
    log_label: "Log of {name}: log end offset {leo}, high watermark {hw}",
    legend_committed: "Committed record (below the high watermark)",
    legend_uncommitted: "Not yet committed (between HW and LEO)",
    legend_hw: "HW: consumers read up to here",
    actions_heading: "Actions",
    create_heading: "Producers and topics",
    produce_heading: "Produce",
    producer_field: "Producer",
    topic_field: "Topic",
    key_field: "Key",
    key_hint: "The same key always goes to the same partition (murmur2 hash). Empty: the sticky partitioner spreads batches.",
    value_field: "Value",
    send: "Send one record",
    rate_field: "Records/s",
    count_field: "Count",
    start_stream: "Start a steady stream",
    no_producer: "Add a producer first.",
    producer_stats: "{acked} acknowledged · {failed} failed · {pending} pending",
    add_producer_heading: "Add a producer",
    name_field: "Name",
    default_value: "Kafka's default: {value}",
    acks_help: "Who must have the record before the producer hears back: 0 = nobody, 1 = the leader, all = every in-sync replica.",
    idempotence_help: "The broker discards duplicates of a retried batch, using the producer id and sequence numbers.",
    linger_help: "How long the producer waits for more records to fill a batch before sending it.",
    create: "Create",
    add_topic_heading: "Create a topic",
    partitions_field: "Partitions",
    rf_field: "Replication factor",
    min_isr_help: "With acks=all, a write fails with NOT_ENOUGH_REPLICAS when fewer replicas than this are in sync.",
    cluster_actions_heading: "Cluster and network",
    add_live_broker: "Add a broker",
    add_live_broker_hint: "A new, empty broker joins the running cluster (broker add)",
    heal_all: "Heal the network",
    heal_all_hint: "Remove every network fault (network heal)",
    kill_active_controller: "Kill the active controller",
    kill_active_controller_hint: "The quorum elects another voter (controller kill)",
    console_heading: "Console",
    console_note: "Every control writes a scenario line here. Type your own: broker kill 2, advance 15s, network drop fetch-response count=3 ...",
    console_label: "Scenario command",
    console_placeholder: "e.g. broker kill 2",
    run: "Run",
    history_label: "Commands so far, newest first",
    events_heading: "Event log",
    events_note: "The core's trace as Kafka would log it, newest first.",
    events_empty: "No events yet.",
    panic_script: "Commands so far:",

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
    broker_count_hint: "브로커 수, {min}~{max} (새 클러스터를 시작합니다)",
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

    player_label: "시뮬레이션 시간",
    play: "재생",
    pause: "일시 정지",
    play_hint: "시뮬레이션 시간을 재생하거나 멈춥니다 (Space)",
    step: "한 단계",
    step_hint: "다음 이벤트 하나만 처리합니다 (→)",
    advance_hint: "클러스터를 시뮬레이션 시간 {duration} 동안 돌립니다 (advance {duration})",
    speed: "속도",
    speed_hint: "재생 속도, 실제 시간의 ×{min}부터 ×{max}까지",
    crossing: "메시지 하나가 {time}에 도착",
    quiet: "조용할 땐 1배속",
    quiet_hint: "전송 중인 메시지가 없으면 시간이 최소 실제 속도로 흐릅니다. 몇 초짜리 타임아웃은 몇 초면 지나갑니다",
    sim_time: "시각",
    in_flight: "전송 중",
    reduced_motion_note: "움직임 줄이기: 메시지가 움직이지 않고 중간에 머뭅니다.",
    setup_label: "새 클러스터",
    mode_label: "컨트롤러 모드 (새 클러스터를 시작합니다)",
    diagram_label: "클러스터 네트워크: 전송 중인 모든 메시지가 보낸 노드에서 받는 노드로 움직입니다",
    row_controllers: "컨트롤러",
    row_brokers: "브로커",
    row_producers: "프로듀서",
    row_consumers: "컨슈머",
    consumer_sub: "{group} · 세대 {generation}",
    node_down: "중지",
    active_mark: "활성",
    messages_heading: "메시지",
    message_shapes: "● 요청 · ○ 응답",
    message_dropped: "흐린 것: 네트워크 장애로 유실",
    family_produce: "Produce",
    family_fetch: "Fetch (복제)",
    family_metadata: "Metadata",
    family_heartbeat: "하트비트",
    family_alter_partition: "AlterPartition (ISR 변경)",
    family_metadata_update: "메타데이터 갱신 (컨트롤러 → 브로커)",
    family_vote: "투표 (컨트롤러 선출)",
    family_zookeeper: "ZooKeeper",
    family_group: "컨슈머 그룹",
    family_disconnected: "연결 끊김",
    quorum_heading: "KRaft 컨트롤러 쿼럼",
    zookeeper_heading: "ZooKeeper 모드",
    controller_title: "컨트롤러 {id}",
    active_controller: "활성 컨트롤러, 에포크 {epoch}",
    no_active_controller: "활성 컨트롤러 없음: 쿼럼이 선출 중입니다",
    zk_controller: "컨트롤러는 브로커 {id}입니다 (컨트롤러 에포크 {epoch})",
    zk_no_controller: "컨트롤러 없음: 브로커들이 ZooKeeper의 /controller를 먼저 만들려고 경쟁합니다",
    kill: "강제 종료",
    start: "시작",
    stop: "정지",
    isolate: "격리",
    heal: "복구",
    controller_kill_hint: "컨트롤러 {id} 강제 종료 (controller kill {id})",
    controller_start_hint: "컨트롤러 {id} 시작 (controller start {id})",
    broker_actions: "브로커 {id} 조작",
    stop_hint: "정상 종료: 리더를 먼저 옮깁니다 (broker stop {id})",
    kill_hint: "kill -9: 정상 종료 없음. 세션이 만료되면 컨트롤러가 알아챕니다 (broker kill {id})",
    start_hint: "브로커 {id} 다시 시작 (broker start {id})",
    isolate_hint: "브로커 {id}를 네트워크에서 끊습니다: 주고받는 모든 메시지가 유실됩니다 (network isolate {id})",
    heal_hint: "브로커 {id}를 다시 연결합니다 (network heal {id})",
    badge_fenced: "펜싱됨",
    badge_isolated: "격리됨",
    badge_controller: "컨트롤러",
    log_numbers: "LEO {leo} · HW {hw}",
    log_label: "{name}의 로그: 로그 끝 오프셋 {leo}, 하이 워터마크 {hw}",
    legend_committed: "커밋된 레코드 (하이 워터마크 아래)",
    legend_uncommitted: "아직 커밋되지 않은 레코드 (HW와 LEO 사이)",
    legend_hw: "HW: 컨슈머는 여기까지 읽습니다",
    actions_heading: "조작",
    create_heading: "프로듀서와 토픽",
    produce_heading: "레코드 보내기",
    producer_field: "프로듀서",
    topic_field: "토픽",
    key_field: "키",
    key_hint: "같은 키는 항상 같은 파티션으로 갑니다 (murmur2 해시). 비우면 스티키 파티셔너가 배치를 나눠 보냅니다.",
    value_field: "값",
    send: "레코드 하나 보내기",
    rate_field: "초당 레코드",
    count_field: "개수",
    start_stream: "꾸준히 보내기",
    no_producer: "먼저 프로듀서를 추가하세요.",
    producer_stats: "확인 {acked} · 실패 {failed} · 대기 {pending}",
    add_producer_heading: "프로듀서 추가",
    name_field: "이름",
    default_value: "카프카 기본값: {value}",
    acks_help: "프로듀서가 응답을 받기 전에 레코드를 가져야 하는 쪽: 0 = 아무도, 1 = 리더, all = 모든 동기화 복제본.",
    idempotence_help: "브로커가 프로듀서 ID와 시퀀스 번호로 재시도된 배치의 중복을 버립니다.",
    linger_help: "배치를 더 채우려고 보내기 전에 기다리는 시간.",
    create: "만들기",
    add_topic_heading: "토픽 생성",
    partitions_field: "파티션",
    rf_field: "복제 계수",
    min_isr_help: "acks=all일 때 동기화 복제본이 이보다 적으면 쓰기가 NOT_ENOUGH_REPLICAS로 실패합니다.",
    cluster_actions_heading: "클러스터와 네트워크",
    add_live_broker: "브로커 추가",
    add_live_broker_hint: "비어 있는 새 브로커가 실행 중인 클러스터에 합류합니다 (broker add)",
    heal_all: "네트워크 모두 복구",
    heal_all_hint: "모든 네트워크 장애를 없앱니다 (network heal)",
    kill_active_controller: "활성 컨트롤러 강제 종료",
    kill_active_controller_hint: "쿼럼이 다른 투표자를 선출합니다 (controller kill)",
    console_heading: "콘솔",
    console_note: "모든 조작은 여기에 시나리오 명령 한 줄을 씁니다. 직접 입력할 수도 있습니다: broker kill 2, advance 15s, network drop fetch-response count=3 ...",
    console_label: "시나리오 명령",
    console_placeholder: "예: broker kill 2",
    run: "실행",
    history_label: "지금까지의 명령, 최신 순",
    events_heading: "이벤트 로그",
    events_note: "코어의 추적 기록을 카프카 로그 형식으로, 최신 순으로 보여 줍니다.",
    events_empty: "아직 이벤트가 없습니다.",
    panic_script: "지금까지의 명령:",

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
