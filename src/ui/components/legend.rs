//! What the replica chips' marks and the log strips mean.

use yew::prelude::*;

use super::use_app;

#[function_component]
pub fn Legend() -> Html {
    let t = use_app().lang.texts();
    let w = t.marks;
    html! {
        <div class="legend" role="note" aria-label={t.legend_heading}>
            <span class="legend-item"><span class="swatch leader" aria-hidden="true">{ "★" }</span>{ t.legend_leader }</span>
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
        </div>
    }
}
