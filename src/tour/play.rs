//! Runs a tour: the cluster after step k is steps 0..=k replayed on a fresh simulation. The core
//! is deterministic, so going back to a step gives exactly the cluster it had; the states are
//! cached, so going back and forth replays nothing twice.

use super::{Step, Tour, TourError};
use crate::sim::command::Command;
use crate::sim::script::{self, Line, Setup};
use crate::sim::Simulation;

/// A step's lines on its own clock: the commands with the time (ms after the step starts) they
/// run at, and how long the step lasts (the sum of its `advance` lines). The page applies the
/// commands while it plays the time in between, so the step's messages are drawn moving.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub commands: Vec<(u64, String)>,
    pub duration_ms: u64,
}

impl Step {
    pub fn timeline(&self) -> Timeline {
        let mut t = Timeline::default();
        for l in &self.script {
            match script::parse(&l.text) {
                Ok(Some(Line::Command(Command::Advance(ms)))) => t.duration_ms += ms,
                Ok(Some(_)) => t.commands.push((t.duration_ms, l.text.clone())),
                _ => {}
            }
        }
        t
    }
}

pub struct Player {
    tour: Tour,
    /// `states[k]`: the cluster after step k.
    states: Vec<Simulation>,
}

impl Player {
    pub fn new(tour: Tour) -> Player {
        Player {
            tour,
            states: Vec::new(),
        }
    }

    pub fn tour(&self) -> &Tour {
        &self.tour
    }

    fn error(&self, line: usize, message: impl Into<String>) -> TourError {
        TourError {
            file: self.tour.file.clone(),
            line,
            message: message.into(),
        }
    }

    /// The cluster after step `k` (from 0), replaying only the steps not yet cached.
    pub fn state_after(&mut self, k: usize) -> Result<&Simulation, TourError> {
        if k >= self.tour.steps.len() {
            return Err(self.error(
                0,
                format!("no step {} (the tour has {})", k + 1, self.tour.steps.len()),
            ));
        }
        while self.states.len() <= k {
            let i = self.states.len();
            let next = match self.states.last() {
                None => self.first_state()?,
                Some(before) => {
                    let mut sim = before.clone();
                    for l in &self.tour.steps[i].script {
                        sim.apply_line(&l.text)
                            .map_err(|e| self.error(l.line, e.to_string()))?;
                    }
                    sim
                }
            };
            self.states.push(next);
        }
        Ok(&self.states[k])
    }

    /// Step 0: `seed` and `cluster` lines set the cluster up, the commands then run on it.
    fn first_state(&self) -> Result<Simulation, TourError> {
        let mut seed = 1;
        let mut cluster = Vec::new();
        let mut sim: Option<Simulation> = None;
        let steps = &self.tour.steps;
        for l in steps.first().map_or(&[][..], |s| &s.script[..]) {
            let at = |e: crate::sim::CommandError| self.error(l.line, e.to_string());
            match script::parse(&l.text).map_err(at)? {
                None => {}
                Some(Line::Setup(Setup::Seed(n))) => seed = n,
                Some(Line::Setup(Setup::Cluster(pairs))) => {
                    script::cluster_config_from(seed, &pairs).map_err(at)?;
                    cluster = pairs;
                }
                Some(Line::Command(cmd)) => {
                    if sim.is_none() {
                        let config = script::cluster_config_from(seed, &cluster).map_err(at)?;
                        sim = Some(Simulation::new(config).map_err(at)?);
                    }
                    sim.as_mut().expect("created").apply(cmd).map_err(at)?;
                }
            }
        }
        match sim {
            Some(sim) => Ok(sim),
            None => {
                let line = steps.first().map_or(0, |s| s.line);
                let at = |e: crate::sim::CommandError| self.error(line, e.to_string());
                Simulation::new(script::cluster_config_from(seed, &cluster).map_err(at)?)
                    .map_err(at)
            }
        }
    }

    /// When step `k` starts, in simulated ms (the steps before it are `advance`s and commands).
    pub fn start_ms(&self, k: usize) -> u64 {
        self.tour.steps[..k.min(self.tour.steps.len())]
            .iter()
            .map(|s| s.timeline().duration_ms)
            .sum()
    }

    /// The lines of steps 0..=k with the simulated time each was given to the core at: the
    /// console's history after step k.
    pub fn lines_through(&self, k: usize) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut now = 0;
        for step in self.tour.steps.iter().take(k + 1) {
            for l in &step.script {
                out.push((now, l.text.clone()));
                if let Ok(Some(Line::Command(Command::Advance(ms)))) = script::parse(&l.text) {
                    now += ms;
                }
            }
        }
        out
    }

    /// Runs every step and checks every expectation: the tour's claims, as errors naming the
    /// `expect` line (empty when the tour holds).
    pub fn check(&mut self) -> Vec<TourError> {
        let mut failures = Vec::new();
        for k in 0..self.tour.steps.len() {
            let sim = match self.state_after(k) {
                Ok(sim) => sim.clone(),
                Err(e) => {
                    failures.push(e);
                    return failures;
                }
            };
            for e in &self.tour.steps[k].expectations {
                if let Err(found) = e.check(&sim) {
                    failures.push(self.error(e.line, format!("expect {}: {found}", e.text)));
                }
            }
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tour::parse;

    const TOUR: &str = "title.en T\ntitle.ko T\nsummary.en S\nsummary.ko S
step
> seed 11
> topic create t partitions=1 replication-factor=3
> producer create p acks=1 linger.ms=0
say.en a
say.ko a
expect partitions[topic=t,partition=0].leader = 1
step
> produce p t value=x
> advance 1s
> produce p t value=y
> advance 500ms
say.en b
say.ko b
expect partitions[topic=t,partition=0].high_watermark = 2
expect time_ms = 1500
step
> broker kill 1
> advance 15s
say.en c
say.ko c
expect partitions[topic=t,partition=0].leader = 1
";

    #[test]
    fn replays_steps_and_checks_claims() {
        let mut p = Player::new(parse("t.tour", TOUR).unwrap());
        let failures = p.check();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0]
            .to_string()
            .starts_with("t.tour:26: expect partitions[topic=t,partition=0].leader = 1: found "));
        assert_eq!(p.state_after(1).unwrap().now_ms(), 1500);
        assert_eq!(p.start_ms(2), 1500);
        let lines = p.lines_through(1);
        assert_eq!(lines[3], (0, "produce p t value=x".to_string()));
        assert_eq!(lines[5], (1000, "produce p t value=y".to_string()));
        assert_eq!(lines.len(), 7);
        let t = p.tour().steps[1].timeline();
        assert_eq!(t.duration_ms, 1500);
        assert_eq!(
            t.commands,
            vec![
                (0, "produce p t value=x".into()),
                (1000, "produce p t value=y".into())
            ]
        );
    }

    #[test]
    fn back_gives_the_same_cluster() {
        let mut p = Player::new(parse("t.tour", TOUR).unwrap());
        let first = p.state_after(1).unwrap().report_json();
        p.state_after(2).unwrap();
        assert_eq!(p.state_after(1).unwrap().report_json(), first);
        let mut fresh = Player::new(parse("t.tour", TOUR).unwrap());
        assert_eq!(fresh.state_after(1).unwrap().report_json(), first);
    }

    #[test]
    fn a_refused_line_names_its_line() {
        let bad = TOUR.replace("> broker kill 1", "> broker kill 9");
        let mut p = Player::new(parse("t.tour", &bad).unwrap());
        let e = p.state_after(2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.tour:22: BROKER_NOT_AVAILABLE: Broker 9 does not exist"
        );
    }
}
