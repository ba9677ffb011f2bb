//! Share and save: the link to this run at this moment (copy it), export the run as a scenario
//! file, import a scenario file.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_app;
use crate::timeline::scenario;
use crate::ui::share::{copy, download, share_url};
use crate::ui::state::Action;
use crate::ui::time::{link_value, TimeAction};

/// The name of an exported file.
const EXPORT_NAME: &str = "kafkascope-run.kss";

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    No,
    Yes,
    Refused,
}

#[function_component]
pub fn SharePanel() -> Html {
    let app = use_app();
    let t = app.lang.texts().time;
    let copied = use_state(|| Copied::No);
    // The file being read (dropping it would cancel the read).
    let reader: Rc<RefCell<Option<FileReader>>> = use_mut_ref(|| None);

    // The link of the moment shown; while playing it would change every frame, so it follows
    // the run's commands only and catches up when paused.
    let url = {
        let player = app.engine.player();
        let moment = (!app.playing).then(|| player.cursor());
        let engine = app.engine.clone();
        use_memo((player.revision(), moment), move |_| {
            share_url(&link_value(&engine.player()))
        })
    };
    let url = (*url).clone();
    let on_copy = {
        let (url, copied) = (url.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy(&url, move |ok| {
                copied.set(if ok { Copied::Yes } else { Copied::Refused })
            });
        })
    };
    let on_export = {
        let engine = app.engine.clone();
        Callback::from(move |_: MouseEvent| {
            let text = {
                let player = engine.player();
                scenario::export(
                    player.timeline(),
                    player.cursor().applied,
                    player.position(),
                )
            };
            download(EXPORT_NAME, &text);
        })
    };
    let on_import = {
        let d = app.dispatcher();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            let d = d.clone();
            let read = gloo::file::callbacks::read_as_text(&file.into(), move |text| {
                let text = text.unwrap_or_default();
                d.dispatch(Action::Time(TimeAction::Import { name, text }));
            });
            *reader.borrow_mut() = Some(read);
        })
    };
    let copy_text = match *copied {
        Copied::No => t.copy_link,
        Copied::Yes => t.copied,
        Copied::Refused => t.copy_failed,
    };

    html! {
        <section class="panel share-panel" aria-labelledby="share-heading">
            <h2 id="share-heading">{ t.share_heading }</h2>
            <p class="note">{ t.share_note }</p>
            <label class="field share-link">
                <span>{ t.link_label }</span>
                <input type="text" readonly=true data-control="share-link" value={url}
                    onfocus={Callback::from(|e: FocusEvent| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        input.select();
                    })} />
            </label>
            <div class="share-actions">
                <button type="button" class="btn primary" data-action="copy-link" onclick={on_copy}
                    aria-live="polite">{ copy_text }</button>
                <button type="button" class="btn" data-action="export" title={t.export_hint}
                    aria-label={t.export_hint} onclick={on_export}>{ t.export }</button>
                <label class="btn file-btn" title={t.import_hint}>
                    { t.import }
                    <input type="file" accept=".kss,.txt,text/plain" data-control="import"
                        class="visually-hidden" aria-label={t.import_hint} onchange={on_import} />
                </label>
            </div>
        </section>
    }
}
