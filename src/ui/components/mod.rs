//! The page's components, one concept per file.

mod actions;
mod broker_card;
mod broker_control;
mod broker_grid;
mod brokers_panel;
mod cluster_panel;
mod cluster_summary;
mod command_error;
mod console;
mod controller_bar;
mod describe_table;
mod diagram;
mod event_log;
mod fault_links;
mod footer;
mod header;
mod language_toggle;
mod legend;
mod message_legend;
mod mode_control;
mod new_cluster;
mod producer_node;
mod replica_chip;
mod stage_cards;
mod toolbar;
mod tour_menu;
mod tour_panel;
// --- time ---
mod help_overlay;
mod monitors_panel;
mod share_panel;
mod time_notices;
mod timeline_bar;

// --- groups ---
mod consumer_form;
mod group_card;
mod group_describe;
mod groups_panel;
mod lag_plot;
mod offsets_strip;
mod record_inspector;
mod theme_toggle;

// --- harden ---
mod network_panel;

// --- frames ---
mod broker_row;

pub use actions::{quote, ActionsPanel, CreatePanel};
pub use broker_card::BrokerCard;
pub use broker_control::BrokerControl;
pub use broker_grid::BrokerGrid;
pub use brokers_panel::BrokersPanel;
pub use cluster_panel::ClusterPanel;
pub use cluster_summary::ClusterSummary;
pub use command_error::CommandErrorNotice;
pub use console::ConsolePanel;
pub use controller_bar::ControllerBar;
pub use describe_table::DescribeTable;
pub use diagram::NetworkDiagram;
pub use event_log::EventLog;
pub use footer::Footer;
pub use header::Header;
pub use language_toggle::LanguageToggle;
pub use legend::Legend;
pub use message_legend::{families, MessageLegend};
pub use mode_control::ModeControl;
pub use new_cluster::NewCluster;
pub use replica_chip::ReplicaChip;
pub use stage_cards::StageCards;
pub use toolbar::Toolbar;
pub use tour_menu::TourMenu;
pub use tour_panel::TourPanel;
// --- time ---
pub use help_overlay::HelpOverlay;
pub use monitors_panel::MonitorsPanel;
pub use share_panel::SharePanel;
pub use time_notices::TimeNotices;
pub use timeline_bar::TimelineBar;

// --- groups ---
pub use consumer_form::{ConsumerForm, ConsumersPanel};
pub use group_card::GroupCard;
pub use group_describe::GroupDescribePanel;
pub use groups_panel::GroupsPanel;
pub use lag_plot::LagPlot;
pub use offsets_strip::OffsetsStrip;
pub use record_inspector::{InspectContext, RecordInspector, RecordRef};
pub use theme_toggle::ThemeToggle;

// --- harden ---
pub use network_panel::NetworkPanel;

// --- frames ---
pub use broker_row::{BrokerRow, BrokerSummary};

use yew::prelude::*;

use super::state::AppContext;

/// The app state from the context; every component below `App` has one.
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("components are rendered inside App's context")
}
