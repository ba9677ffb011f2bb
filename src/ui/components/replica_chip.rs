//! One partition replica on a broker: leader or follower, in the ISR or not.

use yew::prelude::*;

use crate::ui::i18n::{fill, Lang};

#[derive(Properties, PartialEq)]
pub struct ReplicaChipProps {
    pub topic: AttrValue,
    pub partition: i32,
    pub leader: bool,
    pub leader_epoch: i32,
    pub in_isr: bool,
    pub lang: Lang,
}

/// Partitions get distinct colours (classes `p0`..`p7` in style.css) so that a partition's
/// replicas can be followed across brokers.
const PALETTE: i32 = 8;

#[function_component]
pub fn ReplicaChip(props: &ReplicaChipProps) -> Html {
    let t = props.lang.texts();
    let name = format!("{}-{}", props.topic, props.partition);
    let class = classes!(
        "replica",
        format!("p{}", props.partition.rem_euclid(PALETTE)),
        if props.leader { "leader" } else { "follower" },
        if props.in_isr { "in-isr" } else { "out-of-isr" },
    );

    html! {
        <li {class} data-replica={name.clone()}
            data-leader={props.leader.to_string()} data-isr={props.in_isr.to_string()}>
            <span class="replica-name">{ name }</span>
            <span class="replica-role">
                if props.leader {
                    <span class="role leader-mark" data-leader-epoch={props.leader_epoch.to_string()}>
                        <span class="star" aria-hidden="true">{ "★" }</span>
                        { t.leader }
                        <span class="epoch">{ fill(t.leader_epoch, &[("epoch", &props.leader_epoch)]) }</span>
                    </span>
                } else {
                    <span class="role">{ t.follower }</span>
                }
                <span class="isr-mark">{ if props.in_isr { t.in_isr } else { t.out_of_isr } }</span>
            </span>
        </li>
    }
}
