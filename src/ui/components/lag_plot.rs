//! A group's total lag over simulated time: a small SVG line, sampled at each snapshot and keyed
//! by simulated time (after a seek back, the samples later than "now" are gone).

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::engine::{format_clock, px};
use crate::ui::group_view::LagSeries;
use crate::ui::i18n::{fill, Lang};

#[derive(Properties, PartialEq)]
pub struct LagPlotProps {
    pub group: String,
    pub series: Rc<LagSeries>,
    pub total: Option<i64>,
    pub lang: Lang,
}

const W: f64 = 240.0;
const H: f64 = 64.0;
const PAD: f64 = 4.0;

#[function_component]
pub fn LagPlot(props: &LagPlotProps) -> Html {
    let t = props.lang.texts();
    let points = &props.series.points;
    let label = fill(t.lag_plot_label, &[("group", &props.group)]);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return html! {
            <figure class="lag-plot empty" data-lag-points="0">
                <figcaption>{ t.lag_no_data }</figcaption>
            </figure>
        };
    };
    let span = (last.0 - first.0).max(1) as f64;
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let xy = |(at, lag): (u64, i64)| {
        (
            PAD + (at - first.0) as f64 / span * (W - 2.0 * PAD),
            H - PAD - lag.max(0) as f64 / max * (H - 2.0 * PAD),
        )
    };
    // A step line: lag holds its value until the next sample.
    let mut d = String::new();
    let mut prev_y = None;
    for (i, p) in points.iter().enumerate() {
        let (x, y) = xy(*p);
        if i == 0 {
            d.push_str(&format!("M{} {}", px(x), px(y)));
        } else {
            if let Some(py) = prev_y {
                d.push_str(&format!("L{} {}", px(x), px(py)));
            }
            d.push_str(&format!("L{} {}", px(x), px(y)));
        }
        prev_y = Some(y);
    }
    let area = format!(
        "{d}L{} {}L{} {}Z",
        px(xy(*last).0),
        px(H - PAD),
        px(PAD),
        px(H - PAD)
    );
    let now = props
        .total
        .map_or_else(|| "-".to_string(), |l| l.to_string());
    html! {
        <figure class="lag-plot" data-lag-points={points.len().to_string()}
            data-lag-now={now.clone()}>
            <svg viewBox={format!("0 0 {} {}", px(W), px(H))} role="img" aria-label={label.clone()}
                preserveAspectRatio="none">
                <path class="lag-area" d={area} />
                <path class="lag-line" {d} />
            </svg>
            <figcaption>
                <span class="lag-now">{ fill(t.lag_now, &[("lag", &now)]) }</span>
                <span class="lag-range">{ format!("{} – {} · max {}", format_clock(first.0 as f64),
                    format_clock(last.0 as f64), max as i64) }</span>
            </figcaption>
        </figure>
    }
}
