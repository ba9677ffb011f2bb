//! Painting the messages in flight: one `<g>` per message (its route and its token) in the
//! diagram's token layer, cloned from a template per message kind, moved every frame, removed
//! when the core delivers the message; at most [`MAX_TOKENS`], with a note of the rest.

use super::*;
use crate::sim::NodeId;
use crate::sim::Payload;

impl Engine {
    /// Shows (or hides, at 0) the note of the messages in flight that are not drawn.
    fn show_not_drawn(&self, more: usize) {
        let (Some(note), Some(number)) = (
            self.not_drawn.cast::<Element>(),
            self.not_drawn_count.cast::<Element>(),
        ) else {
            return;
        };
        // Written only when it changes.
        let mut shown = self.not_drawn_shown.borrow_mut();
        if shown
            .as_ref()
            .is_some_and(|(el, n)| *n == more && el.is_same_node(Some(&note)))
        {
            return;
        }
        *shown = Some((note.clone(), more));
        number.set_text_content(Some(&more.to_string()));
        let _ = if more == 0 {
            note.set_attribute("hidden", "")
        } else {
            note.remove_attribute("hidden")
        };
    }

    /// Draws the clock, the count and every message in flight at the animation clock (the first
    /// [`MAX_TOKENS`] of them, oldest first, and a note of how many more). Returns
    /// how many tokens it drew new (for the frame-time harness).
    pub fn paint(&self) -> usize {
        let sim = self.sim();
        let now = sim.now_ms();
        let view_ms = self.view_ms.get().max(now as f64);
        if let Some(clock) = self.clock.cast::<Element>() {
            clock.set_text_content(Some(&format_clock(view_ms)));
            let _ = clock.set_attribute("data-now-ms", &now.to_string());
        }
        if let Some(seek) = self.seek.cast::<web_sys::HtmlInputElement>() {
            seek.set_value(&(view_ms.floor() as u64).to_string());
            let _ = seek.set_attribute("aria-valuetext", &format_clock(view_ms));
        }
        let in_flight = sim.network.in_flight.len();
        if let Some(count) = self.count.cast::<Element>() {
            count.set_text_content(Some(&in_flight.to_string()));
        }
        self.show_not_drawn(in_flight.saturating_sub(MAX_TOKENS));
        let Some(layer) = self.layer.cast::<Element>() else {
            return 0;
        };
        let Some(document) = layer.owner_document() else {
            return 0;
        };
        let mut drawn = 0;
        // Tokens belong to the group they were drawn in: should Yew ever replace that group,
        // start again in the new one.
        let moved = self.tokens.borrow().values().next().is_some_and(|token| {
            !token
                .group
                .parent_node()
                .is_some_and(|p| p.is_same_node(Some(&layer)))
        });
        if moved {
            self.tokens.borrow_mut().clear();
        }

        let layout = Layout::of(&sim);
        let relayout = self.layout.borrow().as_ref() != Some(&layout);
        let pass = self.pass.get() + 1;
        self.pass.set(pass);
        let reduced = self.reduced_motion.get();
        let mut tokens = self.tokens.borrow_mut();
        let mut templates = self.templates.borrow_mut();
        for msg in sim.in_flight().take(MAX_TOKENS) {
            let (Some(from), Some(to)) = (layout.pos(msg.from), layout.pos(msg.to)) else {
                continue;
            };
            // A hop between two brokers arcs wide, over the brokers between them.
            let curve = if matches!((msg.from, msg.to), (NodeId::Broker(_), NodeId::Broker(_))) {
                Curve::bowed(from, to, BROKER_HOP_BULGE)
            } else {
                Curve::new(from, to)
            };
            match tokens.get_mut(&msg.id) {
                Some(token) => {
                    if relayout {
                        let _ = token.path.set_attribute("d", &curve.path());
                    }
                }
                None => match create_token(&mut templates, &document, &layer, msg, &curve) {
                    // Messages come in id order: a new token is appended.
                    Some(token) => {
                        drawn += 1;
                        tokens.insert(msg.id, token);
                    }
                    None => continue,
                },
            }
            let Some(token) = tokens.get_mut(&msg.id) else {
                continue;
            };
            token.seen = pass;
            let frac = if reduced {
                // No motion: the token waits halfway along its path until delivered.
                0.5
            } else {
                let span = msg.deliver_at_ms.saturating_sub(msg.sent_at_ms) as f64;
                if span <= 0.0 {
                    1.0
                } else {
                    ((view_ms - msg.sent_at_ms as f64) / span).clamp(0.0, 1.0)
                }
            };
            let (x, y) = curve.at(frac);
            let _ = token.dot.set_attribute("cx", &px(x).to_string());
            let _ = token.dot.set_attribute("cy", &px(y).to_string());
            if let Some(label) = &token.label {
                let _ = label.set_attribute("x", &px(x + 9.0).to_string());
                let _ = label.set_attribute("y", &px(y - 8.0).to_string());
            }
        }
        tokens.retain(|_, token| {
            let keep = token.seen == pass;
            if !keep {
                token.group.remove();
            }
            keep
        });
        if relayout {
            *self.layout.borrow_mut() = Some(layout);
        }
        drawn
    }
}

/// A message's path: a quadratic curve bowed to the left of its direction, so a request and its
/// response travel on two lanes, and a hop between brokers of one row arcs over the others. It
/// starts and ends at the edges of its nodes, not their centres, so a token never sits on a
/// node's name.
pub struct Curve {
    a: (f64, f64),
    c: (f64, f64),
    b: (f64, f64),
}

/// A hop between two brokers bows at least this far (its apex half of it, 42 units: more than a
/// broker's half-height, 24), so it arcs over the brokers of the row between them.
const BROKER_HOP_BULGE: f64 = 84.0;

/// About half a node's box (a broker is 116 × 48, a producer 116 × 40, a controller a circle of
/// radius 24): where a path leaves it.
const NODE_HALF: (f64, f64) = (60.0, 26.0);

impl Curve {
    pub fn new(a: (f64, f64), b: (f64, f64)) -> Curve {
        Curve::bowed(a, b, 0.0)
    }

    /// [`Curve::new`], its control point at least `least` off the chord (its apex: half of it).
    pub fn bowed(a: (f64, f64), b: (f64, f64), least: f64) -> Curve {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (nx, ny) = (dy / len, -dx / len);
        let bulge = ((len * 0.16).min(70.0) + 8.0).max(least);
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        let c = (mid.0 + nx * bulge, mid.1 + ny * bulge);
        let (t0, t1) = (edge(a, c, len), 1.0 - edge(b, c, len));
        Curve { a, c, b }.part(t0, t1)
    }

    /// The same curve from `t0` to `t1` (a quadratic Bézier's piece is a quadratic Bézier).
    fn part(&self, t0: f64, t1: f64) -> Curve {
        let mix = |p: f64, c: f64, q: f64| {
            p * (1.0 - t0) * (1.0 - t1) + c * ((1.0 - t0) * t1 + t0 * (1.0 - t1)) + q * t0 * t1
        };
        Curve {
            a: self.at(t0),
            c: (
                mix(self.a.0, self.c.0, self.b.0),
                mix(self.a.1, self.c.1, self.b.1),
            ),
            b: self.at(t1),
        }
    }

    pub fn at(&self, t: f64) -> (f64, f64) {
        let u = 1.0 - t;
        (
            u * u * self.a.0 + 2.0 * u * t * self.c.0 + t * t * self.b.0,
            u * u * self.a.1 + 2.0 * u * t * self.c.1 + t * t * self.b.1,
        )
    }

    pub fn path(&self) -> String {
        format!(
            "M{} {}Q{} {} {} {}",
            px(self.a.0),
            px(self.a.1),
            px(self.c.0),
            px(self.c.1),
            px(self.b.0),
            px(self.b.1)
        )
    }
}

/// The fraction of a path of length `len` that lies inside the box of the node at `p`, leaving
/// towards the control point `c` (at most 0.4, so a short hop still shows its token).
fn edge(p: (f64, f64), c: (f64, f64), len: f64) -> f64 {
    let (dx, dy) = ((c.0 - p.0).abs(), (c.1 - p.1).abs());
    let d = (dx * dx + dy * dy).sqrt().max(1.0);
    let inside = (NODE_HALF.0 * d / dx.max(1e-9)).min(NODE_HALF.1 * d / dy.max(1e-9));
    (inside / len).min(0.4)
}

/// A token's elements as a `<g>` ready to clone: its classes, kind and radius set once per kind
/// (a burst of hundreds of messages, such as a hundred brokers' fetch responses, then costs a
/// clone and a few attributes each rather than building every element).
fn token_template(document: &Document, msg: &Message) -> Option<Element> {
    let kind = msg.payload.kind();
    let (family, response) = family(kind);
    let group = document.create_element_ns(Some(SVG_NS), "g").ok()?;
    let mut class = format!("tok f-{family}");
    if response {
        class.push_str(" resp");
    }
    if msg.dropped {
        class.push_str(" dropped");
    }
    group.set_attribute("class", &class).ok()?;
    group.set_attribute("data-kind", kind.name()).ok()?;
    let path = document.create_element_ns(Some(SVG_NS), "path").ok()?;
    path.set_attribute("class", "tok-path").ok()?;
    let dot = document.create_element_ns(Some(SVG_NS), "circle").ok()?;
    dot.set_attribute("class", "tok-dot").ok()?;
    dot.set_attribute("r", if response { "6" } else { "7" })
        .ok()?;
    group.append_child(&path).ok()?;
    group.append_child(&dot).ok()?;
    if kind == MessageKind::Produce {
        let label = document.create_element_ns(Some(SVG_NS), "text").ok()?;
        label.set_attribute("class", "tok-label").ok()?;
        group.append_child(&label).ok()?;
    }
    Some(group)
}

/// A produce request's label: "×N" records in its batch, "#S" its first sequence number (with
/// idempotence), and whether it is a retry (the token is drawn dashed).
fn produce_label(msg: &Message) -> Option<(String, bool)> {
    let Payload::Produce { batch, .. } = &msg.payload else {
        return None;
    };
    let mut text = format!("×{}", batch.records.len());
    if batch.base_sequence >= 0 {
        text.push_str(&format!(" #{}", batch.base_sequence));
    }
    Some((text, batch.attempt > 0))
}

fn create_token(
    templates: &mut VecMap<(&'static str, bool), Element>,
    document: &Document,
    layer: &Element,
    msg: &Message,
    curve: &Curve,
) -> Option<Token> {
    let key = (msg.payload.kind().name(), msg.dropped);
    if !templates.contains_key(&key) {
        templates.insert(key, token_template(document, msg)?);
    }
    let template = templates.get(&key)?;
    let group: Element = template.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let path = group.first_element_child()?;
    let dot = path.next_element_sibling()?;
    let label = dot.next_element_sibling();
    group.set_attribute("data-msg", &msg.id.to_string()).ok()?;
    if let (Some(label), Some((text, retry))) = (&label, produce_label(msg)) {
        label.set_text_content(Some(&text));
        group.set_attribute("data-batch", &text).ok()?;
        if retry {
            let class = group.get_attribute("class").unwrap_or_default();
            group
                .set_attribute("class", &format!("{class} retry"))
                .ok()?;
        }
    }
    path.set_attribute("d", &curve.path()).ok()?;
    layer.append_child(&group).ok()?;
    Some(Token {
        group,
        path,
        dot,
        label,
        seen: 0,
    })
}
