//! Time travel and sharing in the page: seeking along the recorded run, forks, share links,
//! scenario import, the help overlay and embed mode. The run itself is a
//! [`Player`](crate::timeline::Player) inside the engine; this is the app state around it.

use std::rc::Rc;

use crate::sim::script::ScriptError;
use crate::sim::ControllerMode;
use crate::timeline::link::{self, LinkError};
use crate::timeline::{scenario, Applied, Cursor, Fork, Player};

use super::cluster::setup_script;
use super::state::{remember_script, AppState, HistoryEntry, HISTORY};
use super::view::View;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeUi {
    /// The last command applied in the past forked the timeline here (shown until dismissed or
    /// the next command).
    pub fork: Option<Fork>,
    /// The share link the page was opened with could not be used.
    pub damaged_link: Option<LinkError>,
    /// The share link the page was opened with was made by another model version (this one):
    /// the run replayed may differ from the one shared.
    pub link_model: Option<u64>,
    /// A scenario file that was not imported: `file: line N: reason`.
    pub import_error: Option<Rc<str>>,
    /// The keyboard help overlay is open.
    pub help: bool,
    /// Diagram and time controls only (for an iframe).
    pub embed: bool,
}

pub enum TimeAction {
    /// Show the run at this simulated time (ms), earlier or later.
    Seek(f64),
    /// One event back.
    StepBack,
    /// To the end of the recorded run.
    ToEnd,
    /// A scenario file's text: run it instead of the current run.
    Import {
        name: String,
        text: String,
    },
    /// An imported run (the JavaScript API imports before dispatching).
    Load(Box<Player>),
    ToggleHelp,
    CloseHelp,
    /// Close the notices (fork, damaged link, import error).
    Dismiss,
}

/// The first screen's run: [`setup_script`] run by the core, its commands recorded.
pub fn default_player(brokers: usize, mode: ControllerMode) -> Result<Player, ScriptError> {
    scenario::import(&setup_script(brokers, mode).join("\n"))
}

/// The console history of a run: its setup lines and recorded commands (the newest
/// [`HISTORY`]).
pub fn history_of(player: &Player) -> Vec<HistoryEntry> {
    let timeline = player.timeline();
    let setup = timeline
        .start
        .script_lines()
        .into_iter()
        .map(|line| (line, 0));
    let commands = timeline
        .entries
        .iter()
        .map(|e| (e.line.clone(), e.at.at_ms));
    let all: Vec<HistoryEntry> = setup
        .chain(commands)
        .map(|(line, at_ms)| HistoryEntry {
            line: line.into(),
            at_ms,
            error: None,
        })
        .collect();
    let skip = all.len().saturating_sub(HISTORY);
    all.into_iter().skip(skip).collect()
}

/// Opens a share link's value: the run it holds, or why it cannot be used; and the notices to
/// show about it (a damaged link, another model version).
pub fn open_link(value: Option<&str>) -> (Option<Player>, TimeUi) {
    let mut notices = TimeUi::default();
    let Some(value) = value else {
        return (None, notices);
    };
    let opened = link::decode(value).and_then(|shared| {
        let player = Player::replay(&shared.timeline, shared.at).map_err(LinkError::Replay)?;
        Ok((player, shared))
    });
    match opened {
        Ok((player, shared)) => {
            notices.link_model = (!shared.same_model()).then_some(shared.model);
            (Some(player), notices)
        }
        Err(e) => {
            notices.damaged_link = Some(e);
            (None, notices)
        }
    }
}

/// The share link's value for the run on screen, at the moment shown.
pub fn link_value(player: &Player) -> String {
    link::encode(player.timeline(), player.cursor())
}

/// After an accepted line: a fork drops the history after its moment and shows a notice.
pub(super) fn after_command(next: &mut AppState, applied: Applied) {
    if let Applied::Command { fork } = applied {
        next.time.fork = fork;
        if let Some(fork) = fork {
            let history: Vec<HistoryEntry> = next
                .history
                .iter()
                .filter(|h| h.error.is_some() || h.at_ms <= fork.at.at_ms)
                .cloned()
                .collect();
            next.history = Rc::new(history);
        }
    }
}

/// `None`: nothing changed.
pub(super) fn reduce(state: &AppState, action: TimeAction) -> Option<AppState> {
    let engine = &state.engine;
    let moved = |state: &AppState| {
        let mut next = state.refreshed();
        next.playing = false;
        next
    };
    match action {
        TimeAction::Seek(ms) if ms.is_finite() => {
            let end = engine.player().end().at_ms as f64;
            engine.travel(ms.clamp(0.0, end));
            Some(moved(state))
        }
        TimeAction::Seek(_) => None,
        TimeAction::StepBack => engine.step_back().then(|| moved(state)),
        TimeAction::ToEnd => {
            let end = {
                let player = engine.player();
                Cursor {
                    applied: player.timeline().entries.len(),
                    at: player.end(),
                }
            };
            // The end of a recorded run is always reachable.
            let _ = engine.player_mut().seek_cursor(end);
            engine.show_core_time();
            Some(moved(state))
        }
        TimeAction::Import { name, text } => match scenario::import(&text) {
            Ok(player) => Some(loaded(state, player)),
            Err(e) => {
                let mut next = state.clone();
                next.time.import_error = Some(format!("{name}: {e}").into());
                Some(next)
            }
        },
        TimeAction::Load(player) => Some(loaded(state, *player)),
        TimeAction::ToggleHelp => {
            let mut next = state.clone();
            next.time.help = !state.time.help;
            Some(next)
        }
        TimeAction::CloseHelp if state.time.help => {
            let mut next = state.clone();
            next.time.help = false;
            Some(next)
        }
        TimeAction::CloseHelp => None,
        TimeAction::Dismiss => {
            let mut next = state.clone();
            next.time.fork = None;
            next.time.damaged_link = None;
            next.time.link_model = None;
            next.time.import_error = None;
            Some(next)
        }
    }
}

/// The page now shows `player`'s run, paused where it is.
fn loaded(state: &AppState, player: Player) -> AppState {
    let history = history_of(&player);
    state.engine.replace(player);
    let mut next = state.clone();
    next.view = Rc::new(View::build(&state.engine.player(), None));
    next.history = Rc::new(history);
    next.error = None;
    next.playing = false;
    next.revision += 1;
    next.time.fork = None;
    next.time.import_error = None;
    next.time.damaged_link = None;
    next.time.link_model = None;
    remember_script(&next.history);
    next
}
