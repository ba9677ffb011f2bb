//! One broker and the partition replicas it hosts.

use std::rc::Rc;

use yew::prelude::*;

use super::ReplicaChip;
use crate::sim::{BrokerDescription, BrokerState, PartitionDescription};
use crate::ui::i18n::{fill, Lang};

#[derive(Properties, PartialEq)]
pub struct BrokerCardProps {
    pub broker: BrokerDescription,
    pub partitions: Rc<[PartitionDescription]>,
    pub lang: Lang,
}

#[function_component]
pub fn BrokerCard(props: &BrokerCardProps) -> Html {
    let t = props.lang.texts();
    let id = props.broker.id;
    let (state_key, state_text) = match props.broker.state {
        BrokerState::Running => ("running", t.state_running),
        BrokerState::Stopped => ("stopped", t.state_stopped),
        BrokerState::Crashed => ("crashed", t.state_crashed),
    };
    let hosted: Vec<&PartitionDescription> = props
        .partitions
        .iter()
        .filter(|p| p.replicas.contains(&id))
        .collect();

    html! {
        <article class={classes!("broker-card", state_key)} data-broker={id.to_string()}
            data-state={state_key}>
            <header class="broker-head">
                <span class="broker-icon" aria-hidden="true"><span></span><span></span></span>
                <h3 class="broker-name">{ fill(t.broker_title, &[("id", &id)]) }</h3>
                <span class={classes!("state-badge", state_key)}>{ state_text }</span>
            </header>
            if hosted.is_empty() {
                <p class="no-replicas">{ t.no_replicas }</p>
            } else {
                <ul class="replica-list">
                    { for hosted.into_iter().map(|p| html! {
                        <ReplicaChip key={format!("{}-{}", p.topic, p.partition)}
                            topic={p.topic.clone()} partition={p.partition}
                            leader={p.leader == Some(id)} leader_epoch={p.leader_epoch}
                            in_isr={p.isr.contains(&id)} lang={props.lang} />
                    }) }
                </ul>
            }
        </article>
    }
}
