//! The keyboard help (`?`): a dialog listing the shortcuts; Esc or the button closes it.

use yew::prelude::*;

use super::use_app;
use crate::ui::state::Action;
use crate::ui::time::TimeAction;

#[function_component]
pub fn HelpOverlay() -> Html {
    let app = use_app();
    let close_ref = use_node_ref();
    {
        // Focus the close button when the dialog opens, so Esc and Enter work at once.
        let close_ref = close_ref.clone();
        use_effect_with(app.time.help, move |open| {
            if *open {
                if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
    if !app.time.help {
        return Html::default();
    }
    let t = app.lang.texts().time;
    let close = {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Time(TimeAction::CloseHelp)))
    };
    html! {
        <div class="help-overlay" data-help="">
            <div class="help-dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{ t.help_title }</h2>
                <dl class="help-keys">
                    { for t.help_keys.iter().map(|(key, what)| html! {
                        <>
                            <dt><kbd>{ *key }</kbd></dt>
                            <dd>{ *what }</dd>
                        </>
                    }) }
                </dl>
                <button type="button" class="btn primary" data-action="help-close" ref={close_ref}
                    onclick={close}>{ t.help_close }</button>
            </div>
        </div>
    }
}
