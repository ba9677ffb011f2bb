//! Guided tours: a concept of Kafka told step by step on a running simulation, in Korean and
//! English. A tour is a data file in `tours/` (format: docs/TOURS.md); this module parses it
//! ([`parse`]), rebuilds the cluster at any step by replaying the steps before it on a fresh
//! [`Simulation`](crate::sim::Simulation) ([`play`]), and checks what each step claims against
//! the run's JSON report ([`expect`]). Native code: the page and the tests share it.

pub mod catalog;
pub mod expect;
pub mod parse;
pub mod play;

pub use expect::Expectation;
pub use parse::parse;
pub use play::Player;

/// A text in both languages of the page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bilingual {
    pub en: String,
    pub ko: String,
}

impl Bilingual {
    pub fn get(&self, korean: bool) -> &str {
        if korean {
            &self.ko
        } else {
            &self.en
        }
    }
}

/// A scenario-language line of a step, with its line number in the tour file.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptLine {
    pub line: usize,
    pub text: String,
    /// Written `>!`: the core must refuse it (the tour shows the refusal); it changes nothing.
    pub refused: bool,
}

/// A question asked before a step runs: the learner predicts, the step shows the answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prediction {
    pub question: Bilingual,
    pub choices: Vec<Bilingual>,
    /// Index into `choices` (the file says it from 1).
    pub answer: usize,
    /// Shown after the step has run.
    pub explanation: Bilingual,
}

/// Something the page outlines during a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Highlight {
    Broker(i32),
    /// `topic-partition`, as `kafka-topics.sh` names it (`orders-0`).
    Partition(String),
    Producer(String),
    Consumer(String),
    /// The controllers (the KRaft quorum, or ZooKeeper and the controller broker).
    Controller,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    /// The line of the `step` keyword.
    pub line: usize,
    /// Scenario lines run by this step, in order.
    pub script: Vec<ScriptLine>,
    /// Narration: one paragraph per entry (equal counts in both languages).
    pub narration: Vec<Bilingual>,
    pub prediction: Option<Prediction>,
    pub expectations: Vec<Expectation>,
    pub highlights: Vec<Highlight>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tour {
    /// The file's name (`05-acks.tour`): errors name it, the page keys tours by it.
    pub file: String,
    pub title: Bilingual,
    pub summary: Bilingual,
    pub steps: Vec<Step>,
}

impl Step {
    /// Whether the step starts a new cluster: the first step always does, a later one when its
    /// lines begin with `seed` or `cluster`.
    pub fn is_setup(&self) -> bool {
        self.script.iter().any(|l| {
            matches!(
                crate::sim::script::parse(&l.text),
                Ok(Some(crate::sim::script::Line::Setup(_)))
            )
        })
    }
}

impl Tour {
    /// The tour's id in links and the DOM: the file name without `.tour`.
    pub fn id(&self) -> &str {
        self.file.strip_suffix(".tour").unwrap_or(&self.file)
    }
}

/// A bad tour: the file, the line (1-based; 0 for the file as a whole) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for TourError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for TourError {}
