//! The button that switches the page between English and Korean.

use yew::prelude::*;

use super::use_app;
use crate::ui::i18n::fill;
use crate::ui::state::Action;

#[function_component]
pub fn LanguageToggle() -> Html {
    let app = use_app();
    let target = app.lang.other();
    let onclick = {
        let dispatcher = app.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::SetLang(target)))
    };
    let label = fill(
        app.lang.texts().switch_language_label,
        &[("language", &target.texts().language_name)],
    );
    html! {
        <button type="button" class="lang-toggle" data-action="switch-language"
            lang={target.tag()} aria-label={label.clone()} title={label} {onclick}>
            { target.texts().language_name }
        </button>
    }
}
