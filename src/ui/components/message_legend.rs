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
        </div>
    }
}
