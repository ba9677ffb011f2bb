//! What a tour step claims, checked against the run's JSON report (`kafka-sim run`'s output,
//! `Simulation::report`) and its trace:
//!
//! ```text
//! expect acknowledged_records_lost.count = 1
//! expect partitions[topic=orders,partition=0].leader = 2
//! expect partitions[topic=t,partition=0].committed[value=once].count = 1
//! expect producers[name=p].failed[0].error = NOT_ENOUGH_REPLICAS
//! expect groups[group=g].processed_more_than_once.count > 0
//! expect log contains Request joining group due to
//! ```
//!
//! A path is field names separated by dots. On an array, `[N]` takes element N, `[field=value,...]`
//! keeps the elements whose fields have those values, and `count` is the number of elements (also
//! of an object's fields or a string's characters). A field name applied to an array of exactly
//! one element applies to that element. `log` is the trace's lines, one string.
//! Operators: `=`, `!=`, `<`, `<=`, `>`, `>=`, `contains` (an array's element, or a substring).
//! The value is JSON (`2`, `null`, `[1,2]`, `"a b"`) or else a bare string.

use serde_json::Value;

use crate::sim::decimal::parse_f64;
use crate::sim::Simulation;

/// What claims are checked against: the report as JSON, and the trace's lines as one string.
pub struct Documents {
    pub report: Value,
    pub log: Value,
}

impl Documents {
    pub fn of(sim: &Simulation) -> Documents {
        let lines: Vec<String> = sim.trace.events.iter().map(|e| e.text()).collect();
        Documents {
            report: serde_json::to_value(sim.report()).unwrap_or(Value::Null),
            log: Value::String(lines.join("\n")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
    Filter(Vec<(String, String)>),
    Count,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// The tour file's line (set by the tour parser).
    pub line: usize,
    /// As written, for messages.
    pub text: String,
    path: Vec<Segment>,
    op: Op,
    value: String,
}

impl Expectation {
    /// Parses `PATH OP VALUE`.
    pub fn parse(text: &str) -> Result<Expectation, String> {
        let usage =
            "expect PATH OP VALUE, e.g. expect partitions[topic=orders,partition=0].leader = 2";
        let text = text.trim();
        let (path_text, rest) = text
            .split_once(char::is_whitespace)
            .ok_or_else(|| format!("usage: {usage}"))?;
        let rest = rest.trim_start();
        let (op_text, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let op = match op_text {
            "=" | "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "contains" => Op::Contains,
            _ => {
                return Err(format!(
                    "unknown operator '{op_text}' (=, !=, <, <=, >, >=, contains); {usage}"
                ))
            }
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("no value after '{op_text}'; {usage}"));
        }
        let path = parse_path(path_text)?;
        if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) && parse_f64(value).is_none() {
            return Err(format!(
                "'{op_text}' compares numbers, and '{value}' is not one"
            ));
        }
        Ok(Expectation {
            line: 0,
            text: text.to_string(),
            path,
            op,
            value: value.to_string(),
        })
    }

    /// Checks the claim on a simulation's report; the error says what was found instead.
    pub fn check(&self, sim: &Simulation) -> Result<(), String> {
        self.check_in(&Documents::of(sim))
    }

    /// Checks the claim on documents built once for all the claims of a step.
    pub fn check_in(&self, docs: &Documents) -> Result<(), String> {
        if self.path.first() == Some(&Segment::Field("log".into())) {
            self.check_value(&docs.log)
        } else {
            self.check_value(&docs.report)
        }
    }

    /// Checks the claim on a JSON document (the report, or for `log ...` the trace as a string).
    pub fn check_value(&self, root: &Value) -> Result<(), String> {
        let mut current = root.clone();
        let mut skip_log = self.path.first() == Some(&Segment::Field("log".into()));
        for (i, segment) in self.path.iter().enumerate() {
            if std::mem::take(&mut skip_log) {
                continue;
            }
            current = apply(current, segment)
                .map_err(|e| format!("{}: {e}", shown_path(&self.path[..=i])))?;
        }
        let expected: Value =
            serde_json::from_str(&self.value).unwrap_or_else(|_| Value::String(self.value.clone()));
        let ok = match self.op {
            Op::Eq => equal(&current, &expected, &self.value),
            Op::Ne => !equal(&current, &expected, &self.value),
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let (Some(a), Some(b)) = (current.as_f64(), parse_f64(&self.value)) else {
                    return Err(format!("found {} (not a number)", short(&current)));
                };
                match self.op {
                    Op::Lt => a < b,
                    Op::Le => a <= b,
                    Op::Gt => a > b,
                    _ => a >= b,
                }
            }
            Op::Contains => match &current {
                Value::Array(items) => items.iter().any(|v| equal(v, &expected, &self.value)),
                Value::String(s) => s.contains(self.value.trim_matches('"')),
                other => {
                    return Err(format!(
                        "'contains' needs an array or a string, found {}",
                        short(other)
                    ))
                }
            },
        };
        if ok {
            Ok(())
        } else {
            Err(format!("found {}", short(&current)))
        }
    }
}

/// Equal as JSON, numbers as numbers, and a string equal to the value as written.
fn equal(actual: &Value, expected: &Value, raw: &str) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), _) => a == raw || Some(a.as_str()) == expected.as_str(),
        _ => actual == expected,
    }
}

/// A value in a message, cut short.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn shown_path(path: &[Segment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Segment::Field(f) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(f);
            }
            Segment::Count => s.push_str(".count"),
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
            Segment::Filter(pairs) => {
                let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&format!("[{}]", inner.join(",")));
            }
        }
    }
    s
}

fn parse_path(text: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        if name.is_empty() {
            return Err(format!("a field name is missing in '{text}'"));
        }
        segments.push(if name == "count" {
            Segment::Count
        } else {
            Segment::Field(name.to_string())
        });
        rest = &rest[end..];
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner
                .find(']')
                .ok_or_else(|| format!("'[' without ']' in '{text}'"))?;
            let selector = &inner[..close];
            segments.push(if let Ok(i) = selector.parse::<usize>() {
                Segment::Index(i)
            } else {
                let mut pairs = Vec::new();
                for pair in selector.split(',') {
                    match pair.split_once('=') {
                        Some((k, v)) if !k.trim().is_empty() => {
                            pairs.push((k.trim().to_string(), v.trim().to_string()))
                        }
                        _ => {
                            return Err(format!(
                            "'[{selector}]' is neither an index nor field=value pairs in '{text}'"
                        ))
                        }
                    }
                }
                Segment::Filter(pairs)
            });
            rest = &inner[close + 1..];
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None if rest.is_empty() => return Ok(segments),
            None => return Err(format!("unexpected '{rest}' in '{text}'")),
        }
    }
}

fn apply(current: Value, segment: &Segment) -> Result<Value, String> {
    match (segment, current) {
        (Segment::Count, Value::Array(a)) => Ok(Value::from(a.len())),
        (Segment::Count, Value::Object(o)) => Ok(Value::from(o.len())),
        (Segment::Count, Value::String(s)) => Ok(Value::from(s.chars().count())),
        (Segment::Count, other) => Err(format!("cannot count {}", short(&other))),
        (Segment::Index(i), Value::Array(a)) => {
            let n = a.len();
            a.into_iter()
                .nth(*i)
                .ok_or_else(|| format!("no element {i} (there are {n})"))
        }
        (Segment::Filter(pairs), Value::Array(a)) => Ok(Value::Array(
            a.into_iter()
                .filter(|item| {
                    pairs.iter().all(|(k, v)| {
                        item.get(k).is_some_and(|field| {
                            let expected = serde_json::from_str(v).unwrap_or(Value::Null);
                            equal(field, &expected, v)
                        })
                    })
                })
                .collect(),
        )),
        (Segment::Index(_) | Segment::Filter(_), other) => Err(format!(
            "a selector needs an array, found {}",
            short(&other)
        )),
        (Segment::Field(name), Value::Object(mut o)) => o.remove(name).ok_or_else(|| {
            let fields: Vec<&String> = o.keys().collect();
            format!("no field '{name}' (fields: {fields:?})")
        }),
        (Segment::Field(name), Value::Array(a)) => match name.parse::<usize>() {
            Ok(i) => apply(Value::Array(a), &Segment::Index(i)),
            Err(_) if a.len() == 1 => apply(a.into_iter().next().expect("one"), segment),
            Err(_) => Err(format!(
                "'{name}' of an array of {} elements: select one, e.g. [name=value] or [0]",
                a.len()
            )),
        },
        (Segment::Field(name), other) => Err(format!("no field '{name}' in {}", short(&other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        serde_json::json!({
            "partitions": [
                {"topic": "t", "partition": 0, "leader": 2, "isr": [2, 3], "leo": {"2": 5},
                 "committed": [{"value": "a"}, {"value": "a"}, {"value": "5"}]},
                {"topic": "t", "partition": 1, "leader": null, "isr": [], "leo": {}, "committed": []}
            ],
            "acknowledged_records_lost": []
        })
    }

    fn holds(text: &str) -> Result<(), String> {
        Expectation::parse(text)?.check_value(&doc())
    }

    #[test]
    fn paths_selectors_and_operators() {
        for ok in [
            "partitions[topic=t,partition=0].leader = 2",
            "partitions[partition=1].leader = null",
            "partitions[1].leader = null",
            "partitions.count = 2",
            "partitions[partition=0].isr = [2,3]",
            "partitions[partition=0].isr contains 3",
            "partitions[partition=0].leo.2 = 5",
            "partitions[partition=0].committed[value=a].count = 2",
            "partitions[partition=0].committed[2].value = 5",
            "partitions[partition=0].committed.count >= 3",
            "partitions[partition=0].leader != 1",
            "acknowledged_records_lost.count = 0",
            "partitions[partition=0].committed[value=zzz].count < 1",
        ] {
            assert_eq!(holds(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn a_false_claim_says_what_was_found() {
        assert_eq!(
            holds("partitions[partition=0].leader = 3"),
            Err("found 2".into())
        );
        assert_eq!(
            holds("partitions[partition=0].isr contains 1"),
            Err("found [2,3]".into())
        );
        let e = holds("partitions.leader = 2").unwrap_err();
        assert!(e.contains("array of 2 elements"), "{e}");
        let e = holds("partitions[partition=0].lead = 2").unwrap_err();
        assert!(
            e.starts_with("partitions[partition=0].lead: no field 'lead'"),
            "{e}"
        );
        let e = holds("partitions[topic=u].leader = 1").unwrap_err();
        assert!(e.contains("array of 0 elements"), "{e}");
    }

    #[test]
    fn bad_expectations_are_refused() {
        for bad in [
            "x",
            "x = ",
            "x ~ 1",
            "x[ = 1",
            "x.[1] = 1",
            "x[a] = 1",
            "x < y",
        ] {
            assert!(Expectation::parse(bad).is_err(), "{bad}");
        }
    }
}
