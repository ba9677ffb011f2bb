//! A guided tour on the page: which tour, which step, the learner's predictions, and the
//! actions that move through it. Every step's cluster is the tour's accepted lines imported as a
//! recorded run (exactly the tour's replay, [`Player`]; tests/timeline.rs checks every step), so
//! Back shows exactly the cluster the step had; Next plays the step's lines on
//! the live cluster (see [`super::tour_script`]) and ends on that same exact cluster.

use std::cell::RefCell;
use std::rc::Rc;

use super::i18n::fill;
use super::state::{remember_script, AppState, HistoryEntry};
use super::tour_script::Script;
use super::view::View;
use crate::timeline::scenario;
use crate::tour::{catalog, Player, Tour};

pub struct TourSession {
    pub player: Rc<RefCell<Player>>,
    /// The step on screen (from 0).
    pub step: usize,
    /// The learner's choice for each step's prediction (asked at the step before it).
    pub picks: Rc<Vec<Option<usize>>>,
    /// The step's lines are still being played on the cluster.
    pub animating: bool,
    /// The tour could not be run (a bad tour file): shown instead of the narration.
    pub error: Option<Rc<str>>,
}

impl TourSession {
    pub fn steps(&self) -> usize {
        self.player.borrow().tour().steps.len()
    }

    pub fn tour(&self) -> std::cell::Ref<'_, Tour> {
        std::cell::Ref::map(self.player.borrow(), |p| p.tour())
    }

    fn with(&self, step: usize) -> TourSession {
        TourSession {
            player: self.player.clone(),
            step,
            picks: self.picks.clone(),
            animating: false,
            error: None,
        }
    }
}

pub enum TourAction {
    /// Start the tour with this id (file name without `.tour`) at this step (from 0).
    Open(String, usize),
    Next,
    Back,
    /// The learner's choice for the next step's prediction.
    Choose(usize),
    /// Show the end of the step being played at once.
    Skip,
    /// The step being played reached its end (the animation loop says so).
    Arrived,
    /// Leave the tour, keeping its cluster and all controls.
    PlayFreely,
}

impl AppState {
    pub(super) fn tour_action(&self, action: TourAction) -> AppState {
        match action {
            TourAction::Open(id, step) => match catalog::find(&id) {
                Some(Ok(tour)) => {
                    let steps = tour.steps.len();
                    let session = TourSession {
                        player: Rc::new(RefCell::new(Player::new(tour))),
                        step: 0,
                        picks: Rc::new(vec![None; steps]),
                        animating: false,
                        error: None,
                    };
                    self.show_step(&session, step.min(steps - 1), false)
                }
                Some(Err(e)) => {
                    let mut next = self.clone();
                    next.error = Some(e.to_string().into());
                    next
                }
                None => {
                    let mut next = self.clone();
                    let t = self.lang.texts();
                    next.error = Some(fill(t.tour_not_found, &[("id", &id)]).into());
                    next
                }
            },
            TourAction::Next => match &self.tour {
                Some(s) if s.step + 1 < s.steps() => self.show_step(s, s.step + 1, true),
                _ => self.clone(),
            },
            TourAction::Back => match &self.tour {
                Some(s) if s.step > 0 => self.show_step(s, s.step - 1, false),
                _ => self.clone(),
            },
            TourAction::Skip => match &self.tour {
                Some(s) if s.animating => self.show_step(s, s.step, false),
                _ => self.clone(),
            },
            TourAction::Choose(choice) => match &self.tour {
                Some(s) if s.step + 1 < s.steps() => {
                    let mut picks = (*s.picks).clone();
                    picks[s.step + 1] = Some(choice);
                    let mut session = s.with(s.step);
                    session.animating = s.animating;
                    session.picks = Rc::new(picks);
                    let mut next = self.clone();
                    next.tour = Some(Rc::new(session));
                    next
                }
                _ => self.clone(),
            },
            TourAction::Arrived => match &self.tour {
                Some(s) if s.animating => {
                    let mut next = self.refreshed_now();
                    next.playing = false;
                    next.tour = Some(Rc::new(s.with(s.step)));
                    next
                }
                _ => self.clone(),
            },
            TourAction::PlayFreely => match &self.tour {
                Some(s) => {
                    let mut next = if s.animating {
                        self.show_step(s, s.step, false)
                    } else {
                        self.clone()
                    };
                    next.tour = None;
                    next
                }
                None => self.clone(),
            },
        }
    }

    /// Any other command in a tour first finishes the step being played, so the cluster the
    /// command acts on is the step's exact end.
    pub(super) fn settle_tour(&self) -> AppState {
        match &self.tour {
            Some(s) if s.animating => self.show_step(s, s.step, false),
            _ => self.clone(),
        }
    }

    /// Shows step `k`: played from the step before when `animate` (and the step continues the
    /// cluster), else its end at once.
    fn show_step(&self, session: &TourSession, k: usize, animate: bool) -> AppState {
        let mut next = self.clone();
        let mut tour = session.with(k);
        let loaded = {
            let mut player = session.player.borrow_mut();
            let setup = k == 0 || player.tour().steps[k].is_setup();
            let history = player.lines_through(k);
            // The cluster as a recorded run (the tour's accepted lines, imported), so the
            // timeline, share links and export work in a tour too: the lines up to the step's
            // start when it is played, else through its end.
            let state = if animate && !setup {
                player.lines_through(k - 1).map(|before| {
                    let timeline = player.tour().steps[k].timeline();
                    (before, Some(Script::new(player.start_ms(k), &timeline)))
                })
            } else {
                history.clone().map(|lines| (lines, None))
            };
            history.and_then(|h| state.map(|s| (h, s)))
        };
        let loaded = loaded
            .map_err(|e| e.to_string())
            .and_then(|(lines, (run, script))| {
                let accepted: Vec<&str> = run
                    .iter()
                    .filter(|l| l.error.is_none())
                    .map(|l| l.text.as_str())
                    .collect();
                scenario::import(&accepted.join("\n"))
                    .map(|run| (lines, (run, script)))
                    .map_err(|e| e.to_string())
            });
        match loaded {
            Ok((lines, (run, script))) => {
                self.engine.replace(run);
                let playing = script.is_some_and(|script| self.engine.play_script(script));
                tour.animating = playing;
                next.playing = playing;
                next.view = Rc::new(View::build(&self.engine.player(), None));
                next.revision += 1;
                next.error = None;
                let history: Vec<HistoryEntry> = lines
                    .into_iter()
                    .map(|l| HistoryEntry {
                        line: l.text.into(),
                        at_ms: l.at_ms,
                        error: l.error.map(Into::into),
                    })
                    .collect();
                remember_script(&history);
                next.history = Rc::new(history);
            }
            Err(e) => tour.error = Some(e.into()),
        }
        next.tour = Some(Rc::new(tour));
        next
    }

    fn refreshed_now(&self) -> AppState {
        let mut next = self.clone();
        next.view = Rc::new(View::build(&self.engine.player(), Some(&self.view)));
        next.revision += 1;
        next
    }
}
