//! The root component: owns the app state and hands it down through a context.

use yew::prelude::*;

use super::components::{ClusterPanel, DescribeTable, Footer, Header};
use super::i18n::Lang;
use super::panic;
use super::state::{Action, AppContext, AppState};

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::new(Lang::detect()));

    // Keep the document's language and title, and what a panic banner reports, in step.
    {
        let lang = state.lang;
        let seed = state.sim.config().seed;
        let brokers = state.broker_count();
        use_effect_with((lang, seed, brokers), move |_| {
            panic::remember(lang, seed, brokers);
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                if let Some(root) = document.document_element() {
                    let _ = root.set_attribute("lang", lang.tag());
                }
                document.set_title(lang.texts().document_title);
            }
        });
    }

    // `?panic` in the URL: crash on purpose once mounted (see `Action::Crash`).
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            if url_asks_for_panic() {
                dispatcher.dispatch(Action::Crash);
            }
        });
    }

    html! {
        <ContextProvider<AppContext> context={state}>
            <div class="app">
                <Header />
                <main class="content">
                    <ClusterPanel />
                    <DescribeTable />
                </main>
                <Footer />
            </div>
        </ContextProvider<AppContext>>
    }
}

fn url_asks_for_panic() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|search| {
            search
                .trim_start_matches('?')
                .split('&')
                .any(|pair| pair == "panic" || pair.starts_with("panic="))
        })
}
