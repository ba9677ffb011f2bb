//! The core's refusal of the last command, in its own words (any control or the console).

use yew::prelude::*;

use super::use_app;

#[function_component]
pub fn CommandErrorNotice() -> Html {
    let app = use_app();
    let Some(error) = app.error.clone() else {
        return Html::default();
    };
    html! {
        <div class="command-error" role="status" data-command-error="">
            <strong>{ app.lang.texts().command_refused }</strong>
            { " " }
            <code>{ error.to_string() }</code>
        </div>
    }
}
