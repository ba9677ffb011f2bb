//! What the tokens' colours and shapes mean.

use yew::prelude::*;

use super::use_app;
use crate::ui::i18n::Texts;

/// The message families (classes `f-NAME` in style.css), in the legend's order.
pub fn families(t: &Texts) -> [(&'static str, &'static str); 10] {
    [
        ("produce", t.family_produce),
        ("fetch", t.family_fetch),
        ("metadata", t.family_metadata),
        ("heartbeat", t.family_heartbeat),
        ("alter-partition", t.family_alter_partition),
        ("metadata-update", t.family_metadata_update),
        ("vote", t.family_vote),
        ("zookeeper", t.family_zookeeper),
        ("group", t.family_group),
        ("disconnected", t.family_disconnected),
    ]
}

#[function_component]
pub fn MessageLegend() -> Html {
    let t = use_app().lang.texts();
    html! {
        <div class="legend message-legend" role="note" aria-label={t.messages_heading}>
            <strong class="legend-title">{ t.messages_heading }</strong>
            { for families(t).into_iter().map(|(family, name)| html! {
                <span class="legend-item" key={family}>
                    <svg class="swatch-svg" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                        <circle class={classes!("tok-dot", format!("f-{family}"))} cx="8" cy="8" r="6" />
                    </svg>
                    { name }
                </span>
            }) }
            <span class="legend-item muted">{ t.message_shapes }</span>
            <span class="legend-item muted">{ t.message_dropped }</span>
            // Batches, retries, faults on links, producers' counts (issue 14).
            <span class="legend-item"><span class="legend-sample tok-label">{ "×5 #0" }</span>{ t.marks.legend_batch }</span>
            <span class="legend-item">
                <svg class="swatch-svg" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                    <g class="tok f-produce retry"><circle class="tok-dot" cx="8" cy="8" r="6" /></g>
                </svg>
                { t.marks.legend_retry }
            </span>
            <span class="legend-item">
                <svg class="swatch-svg" viewBox="0 0 24 16" width="24" height="16" aria-hidden="true">
                    <g class="fault-link link-cut"><path class="link-line" d="M1 8H23" /></g>
                </svg>
                { t.marks.legend_cut }
            </span>
            <span class="legend-item">
                <svg class="swatch-svg" viewBox="0 0 24 16" width="24" height="16" aria-hidden="true">
                    <g class="fault-link link-slow"><path class="link-line" d="M1 8H23" /></g>
                </svg>
                { t.marks.legend_slow }
            </span>
            <span class="legend-item muted">{ t.marks.legend_counts }</span>
        </div>
    }
}
