//! `kafka-consumer-groups.sh --describe --group G` for every group, as the core prints it
//! ([`crate::sim::Simulation::describe_group_text`]): the offsets by default, or `--members`
//! or `--state`; the status line (stderr) first, as a terminal shows it.

use yew::prelude::*;

use super::use_app;
use crate::ui::group_view::GroupView;
use crate::ui::i18n::{fill, Texts};

const OPTIONS: [&str; 3] = ["", " --members", " --state"];

#[function_component]
pub fn GroupDescribePanel() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let chosen = use_state(|| 0usize);
    if app.view.groups.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel describe-panel group-describe-panel">
            <h2>{ t.describe_groups_heading }</h2>
            <p class="note">{ t.describe_groups_note }</p>
            <div class="segmented" role="group" aria-label={t.describe_view_label}>
                { for OPTIONS.iter().enumerate().map(|(i, o)| {
                    let chosen2 = chosen.clone();
                    let label = if o.is_empty() { t.describe_offsets } else { o.trim() };
                    html! {
                        <button type="button" class={classes!("seg", (*chosen == i).then_some("on"))}
                            aria-pressed={(*chosen == i).to_string()} data-describe-view={i.to_string()}
                            onclick={Callback::from(move |_: MouseEvent| chosen2.set(i))}>{ label }</button>
                    }
                }) }
            </div>
            { for app.view.groups.iter().map(|g| block(t, g, *chosen)) }
        </section>
    }
}

fn block(t: &Texts, g: &GroupView, view: usize) -> Html {
    let option = OPTIONS[view.min(2)];
    html! {
        <div class="terminal" key={g.id.clone()}>
            <div class="prompt"><span aria-hidden="true">{ "$ " }</span>
                <code>{ fill(t.describe_group_command, &[("group", &g.id), ("option", &option)]) }</code></div>
            <pre class="tool-output" data-group-describe={g.id.clone()}>{ g.describe[view.min(2)].clone() }</pre>
        </div>
    }
}
