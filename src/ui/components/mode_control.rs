//! KRaft or ZooKeeper: the controller mode of *New cluster* (a draft until it is created).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::use_app;
use crate::sim::ControllerMode;

#[derive(Properties, PartialEq)]
pub struct ModeControlProps {
    pub value: ControllerMode,
    pub onchange: Callback<ControllerMode>,
}

#[function_component]
pub fn ModeControl(props: &ModeControlProps) -> Html {
    let t = use_app().lang.texts();
    let onchange = props.onchange.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        match select.value().as_str() {
            "zookeeper" => ControllerMode::Zookeeper,
            _ => ControllerMode::Kraft,
        }
    });
    let mode = props.value;
    html! {
        <select class="mode-select" data-control="mode" aria-label={t.mode_label}
            title={t.mode_label} {onchange}>
            <option value="kraft" selected={mode == ControllerMode::Kraft}>{ t.mode_kraft }</option>
            <option value="zookeeper" selected={mode == ControllerMode::Zookeeper}>{ t.mode_zookeeper }</option>
        </select>
    }
}
