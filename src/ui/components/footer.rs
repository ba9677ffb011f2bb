//! The page footer.

use yew::prelude::*;

use super::use_app;

#[function_component]
pub fn Footer() -> Html {
    let t = use_app().lang.texts();
    html! {
        <footer class="site-footer"><p>{ t.footer }</p></footer>
    }
}
