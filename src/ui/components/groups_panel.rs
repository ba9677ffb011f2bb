//! The consumer-group section: a card per group and the compact `__consumer_offsets` view.

use yew::prelude::*;

use super::{use_app, GroupCard, OffsetsStrip};
use crate::ui::state::Action;

#[function_component]
pub fn GroupsPanel() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let run = use_callback(app.dispatcher(), |line: String, d| {
        d.dispatch(Action::Run(line))
    });
    html! {
        <section class="panel groups-panel" data-panel="groups">
            <h2>{ t.groups_heading }</h2>
            <p class="note">{ t.groups_note }</p>
            if app.view.groups.is_empty() {
                <p class="help groups-empty">{ t.groups_empty }</p>
            }
            <div class="group-grid">
                { for app.view.groups.iter().map(|g| html! {
                    <GroupCard key={g.id.clone()} group={g.clone()} lang={app.lang} run={run.clone()} />
                }) }
            </div>
            if let Some(offsets) = &app.view.offsets {
                <OffsetsStrip offsets={offsets.clone()} lang={app.lang} />
            }
        </section>
    }
}
