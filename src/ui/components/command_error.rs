//! The core's refusal of the last command, in its own words (any control or the console).

use yew::prelude::*;

use super::el::el;

use super::use_app;

#[function_component]
pub fn CommandErrorNotice() -> Html {
    let app = use_app();
    let Some(error) = app.error.clone() else {
        return Html::default();
    };
    html! {
        <div class="command-error" role="status" data-command-error="">
            { el("strong", "", Html::from(app.lang.texts().command_refused)) }
            { " " }
            { el("code", "", Html::from(error.to_string())) }
        </div>
    }
}
