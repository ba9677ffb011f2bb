//! The texts of outcomes drawn as marks (the log cells' fates, the producers' counts, faults on
//! the diagram's links, the allowed outcomes under the monitors), English and Korean. Reached
//! as `Texts::marks`; the tables are in `i18n/en.rs` and `i18n/ko.rs`.

#[derive(Debug)]
pub struct MarksTexts {
    /// `{offset}`, `{epoch}`
    pub cell: &'static str,
    /// `{seq}`: the idempotent producer's sequence number.
    pub cell_sequence: &'static str,
    pub cell_acked: &'static str,
    /// `{config}`
    pub cell_lost_allowed: &'static str,
    pub cell_lost_promised: &'static str,
    /// `{offset}`
    pub cell_duplicate: &'static str,
    /// `{groups}`
    pub cell_twice: &'static str,
    /// `{groups}`
    pub cell_never: &'static str,
    /// `{offsets}`, `{config}`: a replica's line under its log.
    pub fate_lost: &'static str,
    /// `{offsets}`, `{groups}`
    pub fate_twice: &'static str,
    /// `{offsets}`, `{groups}`
    pub fate_never: &'static str,
    /// `{offsets}`
    pub fate_duplicate: &'static str,
    /// `{acked}`, `{failed}`, `{pending}`
    pub producer_counts: &'static str,
    /// `{id}`, `{epoch}`
    pub producer_id: &'static str,
    /// `{count}`, `{linger}`
    pub producer_gathering: &'static str,
    /// `{count}`, `{config}`
    pub producer_lost: &'static str,
    /// `{count}`, `{config}`: under the producer's node.
    pub producer_lost_short: &'static str,
    /// `{nodes}`
    pub cut_off_from: &'static str,
    pub unreachable: &'static str,
    pub link_cut: &'static str,
    /// `{a}`, `{b}`, `{ms}`
    pub link_slow: &'static str,
    /// `{kind}`, `{count}` (`∞` until healed)
    pub link_drop: &'static str,
    /// `{kind}`, `{count}`: a rule on every link.
    pub drop_everywhere: &'static str,
    pub retry: &'static str,
    pub duplicate_dropped: &'static str,
    pub allowed_heading: &'static str,
    pub allowed_note: &'static str,
    /// `{count}`, `{config}`
    pub allowed_loss: &'static str,
    /// `{count}`, `{group}`
    pub allowed_twice: &'static str,
    pub allowed_none: &'static str,
    pub legend_acked: &'static str,
    pub legend_lost: &'static str,
    pub legend_duplicate: &'static str,
    pub legend_twice: &'static str,
    pub legend_never: &'static str,
    pub legend_batch: &'static str,
    pub legend_retry: &'static str,
    pub legend_cut: &'static str,
    pub legend_slow: &'static str,
    pub legend_counts: &'static str,
}
