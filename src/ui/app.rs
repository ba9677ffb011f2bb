//! The root component: owns the app state, hands it down through a context, and lays out the
//! panels. Its hooks (`hooks/`) run the animation loop, the keyboard shortcuts, the document and
//! what the URL asks for.

use yew::prelude::*;

use super::components::NetworkPanel;
use super::components::{
    ActionsPanel, ClusterPanel, CommandErrorNotice, ConsolePanel, CreatePanel, DescribeTable,
    EventLog, Footer, Header, Toolbar, TourPanel,
};
use super::components::{
    ConsumersPanel, GroupDescribePanel, InspectContext, RecordInspector, RecordRef,
};
use super::components::{
    HelpOverlay, MessageLegend, MonitorsPanel, NetworkDiagram, SharePanel, StageCards, TimeNotices,
    TimelineBar,
};
use super::hooks::{url_options, use_animation_loop, use_document, use_keyboard, use_url_actions};
use super::i18n::Lang;
use super::share;
use super::state::{AppContext, AppState, StartOptions};

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Start with time running (the page); the browser tests start paused and drive time.
    #[prop_or(true)]
    pub autoplay: bool,
    /// Read `?paused`, `?speed=`, `?run=` ... from the page's URL.
    #[prop_or(true)]
    pub read_url: bool,
    /// Open with the first screen's story (`cluster::STORY`) unless the URL asks for something
    /// else; the browser tests start from the bare cluster.
    #[prop_or(false)]
    pub story: bool,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let state = {
        let (autoplay, read_url, story) = (props.autoplay, props.read_url, props.story);
        use_reducer(move || {
            let mut options = StartOptions::new(Lang::detect());
            options.playing = autoplay;
            options.story = story;
            if read_url {
                url_options(&mut options);
            }
            AppState::new(options)
        })
    };
    use_document(&state);
    use_url_actions(&state, props.read_url);
    // The address bar holds a share link of what is on screen (at rest).
    share::use_share_url(&state, props.read_url);
    use_animation_loop(&state);
    use_keyboard(state.dispatcher());

    // The record the inspector follows (set by a click on a log cell).
    let inspect: InspectContext = use_state(|| None::<RecordRef>);

    let touring = state.tour.is_some();
    // Embed mode (`?embed`, for an iframe): the diagram and the time controls only.
    let embed = state.time.embed;
    let start_here = state.lang.texts().start_here;
    html! {
        <ContextProvider<AppContext> context={state}>
        <ContextProvider<InspectContext> context={inspect}>
            <div class={classes!("app", embed.then_some("embed"))} data-embed={embed.then_some("")}>
                if embed {
                    <Toolbar />
                    <TimelineBar />
                    <TimeNotices />
                    <NetworkDiagram />
                    <MessageLegend />
                } else {
                    // The first screen: the player over the stage, which shares the window
                    // between the picture, the cards and the narration (a tour, or the feed).
                    <div class="first-screen">
                        <Header />
                        <Toolbar />
                        <TimelineBar />
                        <TimeNotices />
                        <CommandErrorNotice />
                        <div class={classes!("stage", touring.then_some("touring"))} data-stage="">
                            <div class="stage-picture">
                                <ClusterPanel />
                            </div>
                            <StageCards />
                            <aside class="stage-side" data-stage-side="">
                                if touring {
                                    <TourPanel />
                                } else {
                                    <p class="start-here" data-start-here="">{ start_here }</p>
                                    <EventLog />
                                }
                                <RecordInspector />
                            </aside>
                        </div>
                    </div>
                    // Below the stage: the tools, each in its panel.
                    <div class="workbench">
                        <div class="bench-col">
                            if !touring {
                                <ActionsPanel />
                                <ConsumersPanel />
                            }
                            <ConsolePanel />
                            if !touring {
                                <CreatePanel />
                            }
                        </div>
                        <div class="bench-col">
                            if touring {
                                <EventLog />
                            } else {
                                <NetworkPanel />
                            }
                            <MonitorsPanel />
                            <SharePanel />
                        </div>
                        <div class="bench-wide">
                            <DescribeTable />
                            <GroupDescribePanel />
                        </div>
                    </div>
                    <Footer />
                }
                <HelpOverlay />
            </div>
        </ContextProvider<InspectContext>>
        </ContextProvider<AppContext>>
    }
}
