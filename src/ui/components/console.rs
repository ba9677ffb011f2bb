//! The console: any scenario-language line, and the history of every line given to the core
//! (from here or from any control), newest first, with the core's refusal when it refused.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_app;
use crate::ui::engine::format_clock;
use crate::ui::state::Action;

#[function_component]
pub fn ConsolePanel() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let input = use_node_ref();
    let onsubmit = {
        let d = app.dispatcher();
        let input = input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let line = field.value();
                if !line.trim().is_empty() {
                    d.dispatch(Action::Run(line));
                    field.set_value("");
                }
            }
        })
    };
    let last_refused = app
        .history
        .last()
        .and_then(|h| h.error.clone().map(|e| (h.line.clone(), e)));

    html! {
        <section class="panel console-panel">
            <h2>{ t.console_heading }</h2>
            <p class="note">{ t.console_note }</p>
            <p class="note console-tools-note">{ t.console_tools_note }</p>
            <form class="console-form" data-form="console" {onsubmit}>
                <span class="console-prompt" aria-hidden="true">{ "›" }</span>
                <input ref={input} type="text" class="console-input" data-control="console"
                    aria-label={t.console_label} placeholder={t.console_placeholder}
                    autocomplete="off" spellcheck="false" autocapitalize="off" />
                <button type="submit" class="btn primary" data-action="console-run">{ t.run }</button>
            </form>
            if let Some((line, error)) = last_refused {
                <div class="console-error" role="alert" data-console-error="">
                    <strong>{ t.command_refused }</strong>{ " " }
                    <code class="refused-line">{ line.to_string() }</code>
                    <pre class="error-text">{ error.to_string() }</pre>
                </div>
            }
            if let Some(output) = app.console_output.clone() {
                <pre class="console-output" data-console-output="" aria-label={t.console_output_label}>{ output.to_string() }</pre>
            }
            <ol class="history" aria-label={t.history_label} reversed=true>
                { for app.history.iter().enumerate().rev().map(|(i, h)| html! {
                    <li key={i} class={classes!("history-line", h.error.is_some().then_some("refused"))}
                        data-ok={h.error.is_none().to_string()}>
                        <span class="history-time">{ format_clock(h.at_ms as f64) }</span>
                        <code>{ h.line.to_string() }</code>
                        if let Some(error) = &h.error {
                            <span class="error-text">{ error.to_string() }</span>
                        }
                    </li>
                }) }
            </ol>
        </section>
    }
}
