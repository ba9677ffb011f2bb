//! One line on the cluster (mode, seed, brokers) and one on the default topic's rule; every
//! number in them is read from the core.

use yew::prelude::*;

use super::use_app;
use crate::sim::ControllerMode;
use crate::ui::cluster::DEFAULT_TOPIC;
use crate::ui::i18n::fill;

#[function_component]
pub fn ClusterSummary() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let view = &app.view;
    let mode = match view.mode {
        ControllerMode::Kraft => t.mode_kraft,
        ControllerMode::Zookeeper => t.mode_zookeeper,
    };
    let summary = fill(
        t.cluster_summary,
        &[
            ("mode", &mode),
            ("seed", &view.seed),
            ("brokers", &view.brokers.len()),
        ],
    );
    let rule = view
        .topics
        .iter()
        .find(|topic| topic.name == DEFAULT_TOPIC)
        .map(|topic| {
            fill(
                t.topic_rule,
                &[
                    ("topic", &DEFAULT_TOPIC),
                    ("partitions", &topic.partitions),
                    ("rf", &topic.replication_factor),
                ],
            )
        });

    html! {
        <div class="cluster-summary">
            <p class="summary" data-summary="cluster">{ summary }</p>
            if let Some(rule) = rule {
                <p class="topic-rule" data-summary="topic">{ rule }</p>
            }
        </div>
    }
}
