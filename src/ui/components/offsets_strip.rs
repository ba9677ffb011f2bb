//! `__consumer_offsets` at a glance: its 50 partitions as small cells (leader broker, commit
//! records written, the groups that hash to it), each flashing when a commit lands. The broker
//! cards leave these replicas out.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::group_view::OffsetsView;
use crate::ui::i18n::{fill, Lang};

#[derive(Properties, PartialEq)]
pub struct OffsetsStripProps {
    pub offsets: Rc<OffsetsView>,
    pub lang: Lang,
}

#[function_component]
pub fn OffsetsStrip(props: &OffsetsStripProps) -> Html {
    let t = props.lang.texts();
    let cells = &props.offsets.cells;
    let leader = |l: Option<i32>| l.map_or_else(|| "none".to_string(), |l| l.to_string());
    html! {
        <div class="offsets-strip" data-offsets-partitions={cells.len().to_string()}>
            <h3 class="mono">{ t.offsets_heading }</h3>
            <p class="note">{ t.offsets_note }</p>
            <ol class="offsets-grid">
                { for cells.iter().map(|c| {
                    let title = fill(t.offsets_cell_title, &[("partition", &c.partition),
                        ("leader", &leader(c.leader)), ("commits", &c.commits)]);
                    let title = if c.groups.is_empty() { title } else { format!("{title} · {}", c.groups.join(", ")) };
                    // Keyed by the commit count: a new commit makes a new element, whose CSS
                    // animation (the flash) plays once.
                    html! {
                        <li key={format!("{}-{}", c.partition, c.commits)}
                            class={classes!("oc", (!c.groups.is_empty()).then_some("has-group"),
                                (c.commits > 0).then_some("flash"), c.leader.is_none().then_some("offline"))}
                            data-partition={c.partition.to_string()} data-leader={leader(c.leader)}
                            data-commits={c.commits.to_string()} {title}>
                            <span class="oc-p">{ c.partition }</span>
                            <span class="oc-l">{ leader(c.leader) }</span>
                        </li>
                    }
                }) }
            </ol>
            <ul class="offsets-groups">
                { for cells.iter().filter(|c| !c.groups.is_empty()).flat_map(|c| c.groups.iter().map(move |g| (c, g))).map(|(c, g)| html! {
                    <li data-offsets-group={g.clone()}>
                        { fill(t.offsets_group_line, &[("group", g), ("partition", &c.partition),
                            ("leader", &leader(c.leader)), ("commits", &c.commits)]) }
                        if let Some((_, tp, offset)) = c.last.as_ref().filter(|(lg, _, _)| lg == g) {
                            { " · " }{ fill(t.offsets_last, &[("tp", tp), ("offset", offset)]) }
                        }
                    </li>
                }) }
            </ul>
        </div>
    }
}
