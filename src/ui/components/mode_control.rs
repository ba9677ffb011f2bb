//! KRaft or ZooKeeper: changing the mode starts a new cluster.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::use_app;
use crate::sim::ControllerMode;
use crate::ui::state::Action;

#[function_component]
pub fn ModeControl() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let onchange = {
        let d = app.dispatcher();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mode = match select.value().as_str() {
                "zookeeper" => ControllerMode::Zookeeper,
                _ => ControllerMode::Kraft,
            };
            d.dispatch(Action::SetMode(mode));
        })
    };
    let mode = app.mode();
    html! {
        <select class="mode-select" data-control="mode" aria-label={t.mode_label}
            title={t.mode_label} {onchange}>
            <option value="kraft" selected={mode == ControllerMode::Kraft}>{ t.mode_kraft }</option>
            <option value="zookeeper" selected={mode == ControllerMode::Zookeeper}>{ t.mode_zookeeper }</option>
        </select>
    }
}
