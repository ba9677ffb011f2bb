//! The page's components, one concept per file.

mod broker_card;
mod broker_control;
mod broker_grid;
mod cluster_panel;
mod cluster_summary;
mod command_error;
mod describe_table;
mod footer;
mod header;
mod language_toggle;
mod legend;
mod replica_chip;

pub use broker_card::BrokerCard;
pub use broker_control::BrokerControl;
pub use broker_grid::BrokerGrid;
pub use cluster_panel::ClusterPanel;
pub use cluster_summary::ClusterSummary;
pub use command_error::CommandErrorNotice;
pub use describe_table::DescribeTable;
pub use footer::Footer;
pub use header::Header;
pub use language_toggle::LanguageToggle;
pub use legend::Legend;
pub use replica_chip::ReplicaChip;

use yew::prelude::*;

use super::state::AppContext;

/// The app state from the context; every component below `App` has one.
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("components are rendered inside App's context")
}
