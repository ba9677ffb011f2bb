//! The page header: name, tagline, theme and language switches.

use yew::prelude::*;

use super::{use_app, LanguageToggle, ThemeToggle, TourMenu};

#[function_component]
pub fn Header() -> Html {
    let t = use_app().lang.texts();
    html! {
        <header class="site-header">
            <div class="brand">
                <span class="logo" aria-hidden="true">
                    <span></span><span></span><span></span>
                </span>
                <div>
                    <h1 class="title">{ t.app_name }</h1>
                    <p class="tagline">{ t.tagline }</p>
                </div>
            </div>
            <div class="header-controls">
                <TourMenu />
                <ThemeToggle />
                <LanguageToggle />
            </div>
        </header>
    }
}
