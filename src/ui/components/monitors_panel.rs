//! Invariant monitors: each guarantee the model checks, OK or broken, and for a broken one the
//! moment it broke with a button that takes the timeline there. Read from the run's monitors
//! (`timeline::monitors`), which the core feeds after every event and the snapshots refresh.

use yew::prelude::*;

use super::use_app;
use crate::timeline::monitors::MONITORED;
use crate::ui::engine::format_clock;
use crate::ui::i18n::fill;
use crate::ui::state::Action;
use crate::ui::time::TimeAction;

#[function_component]
pub fn MonitorsPanel() -> Html {
    let app = use_app();
    // Rendered again only when what it shows changes: which invariants broke, where, and
    // whether the moment shown is before or after.
    let key = {
        let player = app.engine.player();
        let now = player.sim().now_ms();
        let states: Vec<Option<(u64, bool)>> = MONITORED
            .iter()
            .map(|name| {
                player
                    .monitors()
                    .broken(name)
                    .map(|b| (b.at.at_ms, b.at.at_ms <= now))
            })
            .collect();
        (app.lang, states, player.monitors().allowed().clone())
    };
    let app = app.clone();
    (*use_memo(key, move |_| rows(&app))).clone()
}

fn rows(app: &crate::ui::state::AppContext) -> Html {
    let t = app.lang.texts().time;
    let player = app.engine.player();
    let now = player.sim().now_ms();
    let rows: Vec<Html> = MONITORED
        .iter()
        .zip(t.monitor_help)
        .map(|(name, help)| {
            let broken = player.monitors().broken(name);
            let (state, status) = match broken {
                None => ("ok", t.monitor_ok.to_string()),
                Some(b) if b.at.at_ms <= now => (
                    "broken",
                    fill(t.monitor_broken, &[("time", &format_clock(b.at.at_ms as f64))]),
                ),
                Some(b) => (
                    "later",
                    fill(t.monitor_later, &[("time", &format_clock(b.at.at_ms as f64))]),
                ),
            };
            let jump = broken.map(|b| {
                let d = app.dispatcher();
                let at = b.at.at_ms as f64;
                let label = fill(t.monitor_jump, &[("time", &format_clock(at))]);
                html! {
                    <button type="button" class="btn small" data-action="monitor-jump"
                        aria-label={format!("{name}: {label}")}
                        onclick={Callback::from(move |_: MouseEvent| d.dispatch(Action::Time(TimeAction::Seek(at))))}>
                        { label }
                    </button>
                }
            });
            let detail = broken.map(|b| b.detail.clone());
            html! {
                <li class={classes!("monitor", state)} data-monitor={*name} data-state={state}>
                    <div class="monitor-head">
                        <code class="monitor-name">{ *name }</code>
                        <span class="monitor-status">{ status }</span>
                    </div>
                    <p class="monitor-help">{ help }</p>
                    if let Some(detail) = detail {
                        <p class="monitor-detail">{ detail }</p>
                    }
                    { jump.unwrap_or_default() }
                </li>
            }
        })
        .collect();
    html! {
        <section class="panel monitors-panel" aria-labelledby="monitors-heading">
            <h2 id="monitors-heading">{ t.monitors_heading }</h2>
            <p class="note">{ t.monitors_note }</p>
            <ul class="monitors">{ for rows }</ul>
            { allowed(app) }
        </section>
    }
}

/// What Kafka allows to go wrong, counted and labelled as allowed: acknowledged records lost by
/// the configuration that allowed it, and records a group processed twice.
fn allowed(app: &crate::ui::state::AppContext) -> Html {
    let w = app.lang.texts().marks;
    let player = app.engine.player();
    let allowed = player.monitors().allowed();
    let losses = allowed.losses.iter().map(|(by, count)| {
        html! {
            <li class="monitor allowed" data-allowed="lost" data-config={by.config()}
                data-count={count.to_string()}>
                { fill(w.allowed_loss, &[("count", count), ("config", &by.config())]) }
            </li>
        }
    });
    let twice = allowed.processed_twice.iter().map(|(group, count)| {
        html! {
            <li class="monitor allowed" data-allowed="processed-twice" data-group={group.clone()}
                data-count={count.to_string()}>
                { fill(w.allowed_twice, &[("count", count), ("group", group)]) }
            </li>
        }
    });
    let none = allowed.losses.is_empty() && allowed.processed_twice.is_empty();
    html! {
        <div class="monitors-allowed" data-monitors-allowed="">
            <h3>{ w.allowed_heading }</h3>
            <p class="note">{ w.allowed_note }</p>
            <ul class="monitors">
                { for losses }
                { for twice }
                if none {
                    <li class="monitor allowed none">{ w.allowed_none }</li>
                }
            </ul>
        </div>
    }
}
