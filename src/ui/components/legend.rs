//! What the replica chips' marks, the log strips and the symbols mean. Each symbol means one
//! thing everywhere on the page: ★ the active controller, ▲ a partition's leader, ⚑ a group's
//! leader, ◆ a group's coordinator.

use yew::prelude::*;

use super::use_app;

#[function_component]
pub fn Legend() -> Html {
    let t = use_app().lang.texts();
    let w = t.marks;
    let symbol = |glyph: &'static str, text: &'static str| {
        html! {
            <span class="legend-item"><span class="symbol" aria-hidden="true">{ glyph }</span>{ text }</span>
        }
    };
    html! {
        <div class="legend" role="note" aria-label={t.legend_heading} data-legend="">
            <span class="legend-item"><span class="swatch leader" aria-hidden="true">{ "▲" }</span>{ t.legend_leader }</span>
            <span class="legend-item"><span class="swatch follower" aria-hidden="true"></span>{ t.legend_follower }</span>
            <span class="legend-item"><span class="swatch out-of-isr" aria-hidden="true"></span>{ t.legend_out_of_isr }</span>
            <span class="legend-item"><span class="cell-swatch committed" aria-hidden="true"></span>{ t.legend_committed }</span>
            <span class="legend-item"><span class="cell-swatch uncommitted" aria-hidden="true"></span>{ t.legend_uncommitted }</span>
            <span class="legend-item"><span class="hw-swatch" aria-hidden="true"></span>{ t.legend_hw }</span>
            // The records' fates (issue 14): the same classes as the log cells.
            <span class="legend-item"><span class="cell-swatch log-cell committed acked" aria-hidden="true"></span>{ w.legend_acked }</span>
            <span class="legend-item"><span class="cell-swatch log-cell uncommitted lost allowed" aria-hidden="true"><span class="cell-mark">{ "✕" }</span></span>{ w.legend_lost }</span>
            <span class="legend-item"><span class="cell-swatch log-cell committed duplicate" aria-hidden="true"><span class="cell-mark">{ "2" }</span></span>{ w.legend_duplicate }</span>
            <span class="legend-item"><span class="cell-swatch log-cell committed twice" aria-hidden="true"><span class="cell-mark">{ "↻" }</span></span>{ w.legend_twice }</span>
            <span class="legend-item"><span class="cell-swatch log-cell committed never" aria-hidden="true"><span class="cell-mark">{ "∅" }</span></span>{ w.legend_never }</span>
            <span class="legend-symbols" data-symbols="">
                <strong class="legend-title">{ t.symbols_heading }</strong>
                { symbol("★", t.symbol_controller) }
                { symbol("▲", t.symbol_leader) }
                { symbol("⚑", t.symbol_group_leader) }
                { symbol("◆", t.symbol_coordinator) }
            </span>
        </div>
    }
}
