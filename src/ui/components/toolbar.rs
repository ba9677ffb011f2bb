//! The player: play/pause, step, jumps, speed, quiet time, and the clock. The clock and the
//! in-flight count are filled by the engine's painter every frame (their elements are empty here).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_app;
use crate::ui::engine::{SPEEDS, SPEED_LABELS};
use crate::ui::i18n::fill;
use crate::ui::state::Action;

/// How long one network hop of `latency_ms` takes on screen at `factor` (integer arithmetic:
/// no float formatting in the bundle).
fn crossing_text(latency_ms: u64, factor: f64) -> String {
    let wall_ms = (latency_ms as f64 / factor).round() as u64;
    if wall_ms >= 1000 {
        format!("{}.{} s", wall_ms / 1000, wall_ms % 1000 / 100)
    } else {
        format!("{wall_ms} ms")
    }
}

fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 14 14" width="14" height="14" aria-hidden="true">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

#[function_component]
pub fn Toolbar() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let dispatcher = app.dispatcher();

    let on_play = {
        let d = dispatcher.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::TogglePlay))
    };
    let on_step = {
        let d = dispatcher.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Step))
    };
    let advance = |duration: &'static str| {
        let d = dispatcher.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Run(format!("advance {duration}"))))
    };
    let on_speed = {
        let d = dispatcher.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(i) = input.value().parse::<usize>() {
                d.dispatch(Action::SetSpeed(i));
            }
        })
    };
    let on_quiet = {
        let d = dispatcher.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            d.dispatch(Action::SetQuiet(input.checked()));
        })
    };

    let factor = app.speed_factor();
    let speed_label = fill(
        t.speed_hint,
        &[
            ("min", &SPEED_LABELS[0].trim_start_matches('×')),
            (
                "max",
                &SPEED_LABELS[SPEEDS.len() - 1].trim_start_matches('×'),
            ),
        ],
    );
    let crossing = fill(
        t.crossing,
        &[("time", &crossing_text(app.view.latency_ms, factor))],
    );
    let (play_icon, play_text) = if app.playing {
        ("M3 2h3v10H3zM8 2h3v10H8z", t.pause)
    } else {
        ("M3 1.5l9 5.5-9 5.5z", t.play)
    };

    html! {
        <section class="toolbar" aria-label={t.player_label}>
            <div class="transport">
                <button type="button" class={classes!("btn", "primary", "play", app.playing.then_some("on"))}
                    data-action="play" aria-pressed={app.playing.to_string()}
                    title={t.play_hint} onclick={on_play}>
                    { icon(play_icon) }{ play_text }
                </button>
                <button type="button" class="btn" data-action="step" title={t.step_hint}
                    aria-label={t.step_hint} onclick={on_step}>
                    { icon("M2 1.5l7 5.5-7 5.5zM10 2h2.5v10H10z") }{ t.step }
                </button>
                <button type="button" class="btn" data-action="advance-1s"
                    title={fill(t.advance_hint, &[("duration", &"1s")])}
                    aria-label={fill(t.advance_hint, &[("duration", &"1s")])}
                    onclick={advance("1s")}>{ "+1 s" }</button>
                <button type="button" class="btn" data-action="advance-10s"
                    title={fill(t.advance_hint, &[("duration", &"10s")])}
                    aria-label={fill(t.advance_hint, &[("duration", &"10s")])}
                    onclick={advance("10s")}>{ "+10 s" }</button>
            </div>
            <div class="speed">
                <label class="speed-label" for="speed-control">{ t.speed }</label>
                <input id="speed-control" type="range" data-control="speed" min="0"
                    max={(SPEEDS.len() - 1).to_string()} step="1" value={app.speed.to_string()}
                    aria-label={speed_label.clone()} title={speed_label}
                    aria-valuetext={SPEED_LABELS[app.speed]} oninput={on_speed} />
                <span class="speed-value">{ SPEED_LABELS[app.speed] }</span>
                <span class="speed-hint">{ crossing }</span>
            </div>
            <label class="quiet" title={t.quiet_hint}>
                <input type="checkbox" data-control="quiet" checked={app.quiet}
                    aria-describedby="quiet-hint" onchange={on_quiet} />
                { t.quiet }
                <span id="quiet-hint" class="visually-hidden">{ t.quiet_hint }</span>
            </label>
            <div class="readouts">
                <div class="readout clock-readout">
                    <span class="readout-label">{ t.sim_time }</span>
                    <output class="clock" data-clock="" ref={app.engine.clock.clone()}></output>
                </div>
                <div class="readout">
                    <span class="readout-label">{ t.in_flight }</span>
                    <output class="in-flight" data-in-flight="" ref={app.engine.count.clone()}></output>
                </div>
            </div>
        </section>
    }
}
