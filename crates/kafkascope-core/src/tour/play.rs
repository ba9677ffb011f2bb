//! Runs a tour: the cluster after step k is steps 0..=k replayed on a fresh simulation. The core
//! is deterministic, so going back to a step gives exactly the cluster it had.

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
    /// The step's commands on its own clock (`seed` and `cluster` lines are not commands).
    pub fn timeline(&self) -> Timeline {
        let mut t = Timeline::default();
        for l in &self.script {
            match script::parse(&l.text) {
                Ok(Some(Line::Command(Command::Advance(ms)))) => t.duration_ms += ms,
                Ok(Some(Line::Command(_))) => t.commands.push((t.duration_ms, l.text.clone())),
                _ => {}
            }
        }
        t
    }
}

/// A line given to the core during a tour, as the console's history shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayedLine {
    pub at_ms: u64,
    pub text: String,
    /// The core's refusal of a `>!` line.
    pub error: Option<String>,
}

pub struct Player {
    tour: Tour,
    /// The core's refusals of `>!` lines, by tour-file line.
    refusals: Vec<(usize, String)>,
}

impl Player {
    pub fn new(tour: Tour) -> Player {
        Player {
            tour,
            refusals: Vec::new(),
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

    fn check_index(&self, k: usize) -> Result<(), TourError> {
        if k < self.tour.steps.len() {
            Ok(())
        } else {
            Err(self.error(
                0,
                format!("no step {} (the tour has {})", k + 1, self.tour.steps.len()),
            ))
        }
    }

    /// The cluster step `k` starts from: the one after step k-1, or for a step that starts a
    /// new cluster, that cluster as its `seed` and `cluster` lines make it (at time 0).
    pub fn start_state(&mut self, k: usize) -> Result<Simulation, TourError> {
        self.check_index(k)?;
        if k == 0 || self.tour.steps[k].is_setup() {
            self.fresh(k)
        } else {
            self.state_after(k - 1)
        }
    }

    /// The cluster after step `k` (from 0): the steps since the last new cluster replayed on a
    /// fresh simulation. (Replaying rather than keeping copies: the core is deterministic, and
    /// the page then never needs to copy a simulation.)
    pub fn state_after(&mut self, k: usize) -> Result<Simulation, TourError> {
        self.check_index(k)?;
        let first = self.cluster_start(k);
        let mut sim = self.fresh(first)?;
        for i in first..=k {
            self.run_step(i, &mut sim)?;
        }
        Ok(sim)
    }

    /// Runs every step once, in order, calling `each` with the cluster after each step.
    pub fn run_all(&mut self, mut each: impl FnMut(usize, &Simulation)) -> Result<(), TourError> {
        let mut sim: Option<Simulation> = None;
        for k in 0..self.tour.steps.len() {
            let mut current = match sim.take() {
                Some(s) if k > 0 && !self.tour.steps[k].is_setup() => s,
                _ => self.fresh(k)?,
            };
            self.run_step(k, &mut current)?;
            each(k, &current);
            sim = Some(current);
        }
        Ok(())
    }

    /// Applies step `k`'s commands to `sim` (its `seed` and `cluster` lines made `sim`).
    fn run_step(&mut self, k: usize, sim: &mut Simulation) -> Result<(), TourError> {
        for i in 0..self.tour.steps[k].script.len() {
            let l = &self.tour.steps[k].script[i];
            let result = match script::parse(&l.text) {
                Ok(Some(Line::Setup(_))) => continue,
                _ => sim.apply_line(&l.text),
            };
            match (result, l.refused) {
                (Ok(()), false) => {}
                (Err(e), false) => return Err(self.error(l.line, e.to_string())),
                (Ok(()), true) => {
                    return Err(self.error(
                        l.line,
                        format!(
                            "'>! {}' was accepted: '>!' marks a line the cluster refuses",
                            l.text
                        ),
                    ))
                }
                (Err(e), true) => {
                    let line = l.line;
                    if !self.refusals.iter().any(|(at, _)| *at == line) {
                        self.refusals.push((line, e.to_string()));
                    }
                }
            }
        }
        Ok(())
    }

    /// A new cluster from step `k`'s `seed` and `cluster` lines (seed 1 and the default
    /// cluster when it has none).
    fn fresh(&self, k: usize) -> Result<Simulation, TourError> {
        let step = &self.tour.steps[k];
        let mut seed = 1;
        let mut cluster = Vec::new();
        let mut last = step.line;
        for l in &step.script {
            let at = |e: crate::sim::CommandError| self.error(l.line, e.to_string());
            match script::parse(&l.text).map_err(at)? {
                Some(Line::Setup(Setup::Seed(n))) => seed = n,
                Some(Line::Setup(Setup::Cluster(pairs))) => {
                    script::cluster_config_from(seed, &pairs).map_err(at)?;
                    cluster = pairs;
                }
                _ => continue,
            }
            last = l.line;
        }
        let at = |e: crate::sim::CommandError| self.error(last, e.to_string());
        Simulation::new(script::cluster_config_from(seed, &cluster).map_err(at)?).map_err(at)
    }

    /// When step `k` starts, in simulated ms.
    pub fn start_ms(&self, k: usize) -> u64 {
        let first = self.cluster_start(k);
        self.tour.steps[first..k.min(self.tour.steps.len())]
            .iter()
            .map(|s| s.timeline().duration_ms)
            .sum()
    }

    /// The step that started the cluster step `k` runs on.
    fn cluster_start(&self, k: usize) -> usize {
        (0..=k.min(self.tour.steps.len().saturating_sub(1)))
            .rev()
            .find(|&i| i == 0 || self.tour.steps[i].is_setup())
            .unwrap_or(0)
    }

    /// The lines that built the cluster after step `k`, with the simulated time each was
    /// given to the core at: the console's history after step k.
    pub fn lines_through(&mut self, k: usize) -> Result<Vec<PlayedLine>, TourError> {
        let refused = self.tour.steps[..=k.min(self.tour.steps.len().saturating_sub(1))]
            .iter()
            .flat_map(|s| &s.script)
            .filter(|l| l.refused)
            .count();
        if self.refusals.len() < refused {
            self.state_after(k)?;
        }
        let mut out = Vec::new();
        let mut now = 0;
        for step in &self.tour.steps[self.cluster_start(k)..=k] {
            for l in &step.script {
                let error = self
                    .refusals
                    .iter()
                    .find(|(line, _)| *line == l.line)
                    .map(|(_, e)| e.clone());
                out.push(PlayedLine {
                    at_ms: now,
                    text: l.text.clone(),
                    error,
                });
                if let Ok(Some(Line::Command(Command::Advance(ms)))) = script::parse(&l.text) {
                    now += ms;
                }
            }
        }
        Ok(out)
    }

    /// Runs every step and checks every expectation: the tour's claims, as errors naming the
    /// `expect` line (empty when the tour holds).
    pub fn check(&mut self) -> Vec<TourError> {
        self.check_and(|_, _| {})
    }

    /// [`Player::check`], calling `each` with the cluster after each step as well.
    pub fn check_and(&mut self, mut each: impl FnMut(usize, &Simulation)) -> Vec<TourError> {
        let mut failures = Vec::new();
        let steps = self.tour.steps.clone();
        let file = self.tour.file.clone();
        let ran = self.run_all(|k, sim| {
            each(k, sim);
            if steps[k].expectations.is_empty() {
                return;
            }
            let docs = super::expect::Documents::of(sim);
            for e in &steps[k].expectations {
                if let Err(found) = e.check_in(&docs) {
                    failures.push(TourError {
                        file: file.clone(),
                        line: e.line,
                        message: format!("expect {}: {found}", e.text),
                    });
                }
            }
        });
        if let Err(e) = ran {
            failures.push(e);
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
        let lines = p.lines_through(1).unwrap();
        assert_eq!(
            (lines[3].at_ms, &*lines[3].text),
            (0, "produce p t value=x")
        );
        assert_eq!(
            (lines[5].at_ms, &*lines[5].text),
            (1000, "produce p t value=y")
        );
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
        let mut in_one_pass = String::new();
        p.run_all(|k, sim| {
            if k == 1 {
                in_one_pass = sim.report_json();
            }
        })
        .unwrap();
        assert_eq!(in_one_pass, first);
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

    #[test]
    fn refused_lines_and_new_clusters() {
        let text = TOUR.replace("> broker kill 1", ">! broker kill 9\n> broker kill 1")
            + "step\n> seed 4\n> cluster brokers=2\n> topic create u partitions=2 replication-factor=2\n> advance 1s\nsay.en d\nsay.ko d\n";
        let mut p = Player::new(parse("t.tour", &text).unwrap());
        assert!(p.tour().steps[3].is_setup() && !p.tour().steps[2].is_setup());
        let after = p.state_after(3).unwrap();
        assert_eq!(after.now_ms(), 1000);
        assert_eq!(after.describe_brokers().len(), 2);
        assert_eq!(p.start_ms(3), 0);
        assert_eq!(p.start_state(3).unwrap().now_ms(), 0);
        let lines = p.lines_through(2).unwrap();
        let refused = lines.iter().find(|l| l.text == "broker kill 9").unwrap();
        assert_eq!(
            refused.error.as_deref(),
            Some("BROKER_NOT_AVAILABLE: Broker 9 does not exist")
        );
        assert_eq!(p.lines_through(3).unwrap()[0].text, "seed 4");
        let accepted = TOUR.replace("> broker kill 1", ">! broker kill 1");
        let e = Player::new(parse("t.tour", &accepted).unwrap())
            .state_after(2)
            .unwrap_err();
        assert!(e.to_string().contains("was accepted"), "{e}");
    }
}
