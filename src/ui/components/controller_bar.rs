//! The controllers: the KRaft quorum's voters (which is active, the epoch, kill / start), or in
//! ZooKeeper mode which broker is the controller.

use yew::prelude::*;

use super::use_app;
use crate::sim::ControllerMode;
use crate::ui::i18n::fill;
use crate::ui::state::Action;

#[function_component]
pub fn ControllerBar() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let c = app.view.controller.clone();
    let run = {
        let d = app.dispatcher();
        use_callback(d, |line: String, d| d.dispatch(Action::Run(line)))
    };

    match c.mode {
        ControllerMode::Kraft => html! {
            <div class="controller-bar" data-controllers="kraft">
                <span class="bar-title">{ t.quorum_heading }</span>
                <ul class="voters">
                    { for c.voters.iter().map(|v| {
                        let line = if v.alive {
                            format!("controller kill {}", v.id)
                        } else {
                            format!("controller start {}", v.id)
                        };
                        let hint = if v.alive {
                            fill(t.controller_kill_hint, &[("id", &v.id)])
                        } else {
                            fill(t.controller_start_hint, &[("id", &v.id)])
                        };
                        let onclick = {
                            let run = run.clone();
                            Callback::from(move |_: MouseEvent| run.emit(line.clone()))
                        };
                        html! {
                            <li key={v.id} class={classes!("voter-chip", v.active.then_some("active"), (!v.alive).then_some("down"))}
                                data-controller={v.id.to_string()} data-active={v.active.to_string()}
                                data-alive={v.alive.to_string()}>
                                <span class="voter-name">
                                    if v.active { <span class="star" aria-hidden="true">{ "★ " }</span> }
                                    { fill(t.controller_title, &[("id", &v.id)]) }
                                </span>
                                if v.active {
                                    <span class="voter-note">{ fill(t.active_controller, &[("epoch", &c.epoch)]) }</span>
                                } else if !v.alive {
                                    <span class="voter-note">{ t.node_down }</span>
                                }
                                <button type="button" class="btn small" title={hint.clone()} aria-label={hint}
                                    data-action={if v.alive { "controller-kill" } else { "controller-start" }}
                                    {onclick}>
                                    { if v.alive { t.kill } else { t.start } }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                if c.active.is_none() {
                    <span class="voter-note warn">{ t.no_active_controller }</span>
                }
            </div>
        },
        ControllerMode::Zookeeper => html! {
            <div class="controller-bar" data-controllers="zookeeper">
                <span class="bar-title">{ t.zookeeper_heading }</span>
                if let Some(id) = c.active {
                    <span class="voter-note" data-controller-broker={id.to_string()}>
                        <span class="star" aria-hidden="true">{ "★ " }</span>
                        { fill(t.zk_controller, &[("id", &id), ("epoch", &c.epoch)]) }
                    </span>
                } else {
                    <span class="voter-note warn">{ t.zk_no_controller }</span>
                }
            </div>
        },
    }
}
