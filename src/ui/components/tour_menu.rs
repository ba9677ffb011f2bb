//! The header's Tours button and the list of guided tours it opens, by title in the page's
//! language.

use yew::prelude::*;

use super::use_app;
use crate::tour::catalog;
use crate::ui::i18n::Lang;
use crate::ui::tour_loader;

#[function_component]
pub fn TourMenu() -> Html {
    let app = use_app();
    let t = app.lang.texts();
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let korean = app.lang == Lang::Ko;
    let current = app.tour.as_ref().map(|s| s.tour().id().to_string());

    html! {
        <div class="tour-menu">
            <button type="button" class={classes!("btn", "tours-button", current.is_some().then_some("on"))}
                data-action="tours" aria-expanded={open.to_string()} aria-controls="tour-list"
                title={t.tours_button_hint} onclick={toggle.clone()}>
                { t.tours_button }
            </button>
            if *open {
                <div class="tour-list-popover" id="tour-list" role="dialog" aria-label={t.tours_heading}>
                    <div class="tour-list-head">
                        <h2>{ t.tours_heading }</h2>
                        <button type="button" class="btn ghost" data-action="tours-close"
                            onclick={toggle}>{ t.tours_close }</button>
                    </div>
                    <p class="note">{ t.tours_intro }</p>
                    <ol class="tour-list">
                        { for catalog::INDEX.iter().map(|entry| {
                            let id = entry.id;
                            let onclick = {
                                let d = app.dispatcher();
                                let open = open.clone();
                                Callback::from(move |_: MouseEvent| {
                                    open.set(false);
                                    tour_loader::open(d.clone(), id.to_string(), 0);
                                })
                            };
                            let here = current.as_deref() == Some(id);
                            html! {
                                <li key={id}>
                                    <button type="button" class={classes!("tour-item", here.then_some("on"))}
                                        data-tour-id={id} {onclick}>
                                        <span class="tour-item-title">{ entry.title(korean) }</span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ol>
                </div>
            }
        </div>
    }
}
