//! A member whose `partition.assignment.strategy` shares no assignor with every member of its
//! group is refused with INCONSISTENT_GROUP_PROTOCOL and the group stays as it was
//! (`ClassicGroup.supportsProtocols`); the client treats the error as fatal: poll() throws and
//! the application stops ("JoinGroup failed due to fatal error").

use kafkascope_core::sim::coordinator::GroupState;
use kafkascope_core::sim::script;

#[test]
fn a_member_with_no_common_assignor_is_refused_and_the_group_is_unchanged() {
    let sim = script::run(
        "seed 3
        topic create t partitions=4 replication-factor=3
        consumer create c1 group.id=g topics=t
        advance 10s
        consumer create c2 group.id=g topics=t partition.assignment.strategy=roundrobin
        advance 30s",
    )
    .unwrap();
    let report = sim.report();
    let g = &report.groups[0];
    assert_eq!(g.members.len(), 1, "only c1 is a member");
    assert_eq!(g.generation, 1, "no rebalance happened");
    let groups: Vec<_> = sim
        .brokers
        .values()
        .filter_map(|b| b.coordinator.groups.get("g"))
        .collect();
    assert!(groups.iter().any(|g| g.state == GroupState::Stable));
    let c2 = sim.consumers.iter().find(|c| &*c.name == "c2").unwrap();
    assert!(
        c2.errors
            .iter()
            .any(|e| e.starts_with("InconsistentGroupProtocolException: ")),
        "{:?}",
        c2.errors
    );
    assert!(sim
        .trace
        .events
        .iter()
        .any(|e| e.text().contains("JoinGroup failed due to fatal error: The group member's supported protocols are incompatible")));
}

#[test]
fn a_member_sharing_one_assignor_joins() {
    let sim = script::run(
        "seed 3
        topic create t partitions=4 replication-factor=3
        consumer create c1 group.id=g topics=t
        advance 10s
        consumer create c2 group.id=g topics=t partition.assignment.strategy=roundrobin,cooperative-sticky
        advance 30s",
    )
    .unwrap();
    let report = sim.report();
    assert_eq!(report.groups[0].members.len(), 2);
    assert!(sim.consumers.iter().all(|c| c.errors.is_empty()));
}
