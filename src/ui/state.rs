//! The one app state: the core's simulation plus what the page chose (language). Components read
//! it from the context and dispatch [`Action`]s, which become core commands.

use std::rc::Rc;

use yew::prelude::*;

use super::cluster::{default_cluster, DEFAULT_BROKERS, MAX_BROKERS, MIN_BROKERS};
use super::i18n::Lang;
use crate::sim::{BrokerDescription, PartitionDescription, Simulation};

pub struct AppState {
    pub lang: Lang,
    pub sim: Rc<Simulation>,
    /// The core's descriptions of `sim`, taken once per change rather than once per render.
    pub brokers: Rc<[BrokerDescription]>,
    pub partitions: Rc<[PartitionDescription]>,
    /// The core's refusal of the last command, in its own (Kafka-style) words.
    pub error: Option<Rc<str>>,
}

pub enum Action {
    /// Re-create the default cluster with this many brokers (ignored outside the control's range).
    SetBrokers(usize),
    SetLang(Lang),
    /// Panics on purpose: `?panic` in the page's URL dispatches it, so a check can see that a
    /// panic shows the error banner instead of leaving a dead page.
    Crash,
}

pub type AppContext = UseReducerHandle<AppState>;

impl AppState {
    pub fn new(lang: Lang) -> Self {
        let sim = default_cluster(DEFAULT_BROKERS)
            .expect("the default cluster (3 brokers, topic orders with RF 3) is valid");
        Self::with_sim(lang, sim, None)
    }

    fn with_sim(lang: Lang, sim: Simulation, error: Option<Rc<str>>) -> Self {
        Self {
            lang,
            brokers: sim.describe_brokers().into(),
            partitions: sim.describe_partitions().into(),
            sim: Rc::new(sim),
            error,
        }
    }

    /// The broker count of the cluster on screen, as the core was configured.
    pub fn broker_count(&self) -> usize {
        self.sim.config().brokers
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::SetBrokers(n) => {
                if !(MIN_BROKERS..=MAX_BROKERS).contains(&n) || n == self.broker_count() {
                    return self;
                }
                match default_cluster(n) {
                    Ok(sim) => Rc::new(Self::with_sim(self.lang, sim, None)),
                    Err(e) => Rc::new(Self {
                        lang: self.lang,
                        sim: self.sim.clone(),
                        brokers: self.brokers.clone(),
                        partitions: self.partitions.clone(),
                        error: Some(e.to_string().into()),
                    }),
                }
            }
            Action::SetLang(lang) if lang == self.lang => self,
            Action::SetLang(lang) => Rc::new(Self {
                lang,
                sim: self.sim.clone(),
                brokers: self.brokers.clone(),
                partitions: self.partitions.clone(),
                error: self.error.clone(),
            }),
            Action::Crash => panic!("a panic on purpose (the page was opened with ?panic)"),
        }
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang && Rc::ptr_eq(&self.sim, &other.sim) && self.error == other.error
    }
}
