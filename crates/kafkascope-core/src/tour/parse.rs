//! The tour file format (docs/TOURS.md): one keyword per line, then its text.
//!
//! ```text
//! title.en  acks=0, 1 and all
//! title.ko  acks=0, 1, all
//! summary.en  What a producer waits for, and what it can lose.
//! summary.ko  프로듀서가 무엇을 기다리고, 무엇을 잃을 수 있는지.
//!
//! step
//! > topic create t partitions=1 replication-factor=3
//! > advance 1s
//! say.en  One paragraph of narration per line.
//! say.ko  한 줄에 한 문단씩 설명합니다.
//! ask.en  Will the write succeed?          (asked before this step runs)
//! choice.en  Yes
//! choice.en  No
//! answer 2
//! why.en  ...
//! expect partitions[topic=t,partition=0].leader = 1
//! highlight broker 1
//! ```

#[cfg(not(target_arch = "wasm32"))]
use super::expect::Expectation;
use super::{Bilingual, Highlight, Prediction, ScriptLine, Step, Tour, TourError};
use crate::sim::script::{self, Line};

/// Parses one tour file. `file` names it in errors (`05-acks.tour:12: ...`).
pub fn parse(file: &str, text: &str) -> Result<Tour, TourError> {
    let mut p = Parser {
        file,
        tour: Tour {
            file: file.to_string(),
            ..Tour::default()
        },
        step: None,
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (keyword, rest) = match trimmed.strip_prefix('>') {
            Some(rest) => match rest.strip_prefix('!') {
                Some(rest) => (">!", rest.trim()),
                None => (">", rest.trim()),
            },
            None => match trimmed.split_once(char::is_whitespace) {
                Some((k, rest)) => (k, rest.trim()),
                None => (trimmed, ""),
            },
        };
        p.line(line, keyword, rest)?;
    }
    p.finish()
}

/// A step while it is read: predictions come in pieces, checked when the step ends.
#[derive(Default)]
struct Draft {
    step: Step,
    say_en: Vec<String>,
    say_ko: Vec<String>,
    ask: [Option<String>; 2],
    choices: [Vec<String>; 2],
    answer: Option<(usize, usize)>,
    why: [Option<String>; 2],
    /// The first line of the prediction, for errors.
    prediction_line: Option<usize>,
    /// A command has been read: `seed` and `cluster` may no longer appear in this step.
    commands_seen: bool,
}

struct Parser<'a> {
    file: &'a str,
    tour: Tour,
    step: Option<Draft>,
}

impl Parser<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> TourError {
        TourError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    fn line(&mut self, line: usize, keyword: &str, rest: &str) -> Result<(), TourError> {
        if keyword == "step" {
            return self.start_step(line, rest);
        }
        let (name, lang) = match keyword.rsplit_once('.') {
            Some((name, "en")) => (name, Some(0)),
            Some((name, "ko")) => (name, Some(1)),
            _ => (keyword, None),
        };
        let needs_text = lang.is_some() || matches!(keyword, ">" | ">!" | "expect" | "highlight");
        if needs_text && rest.is_empty() {
            return Err(self.error(line, format!("'{keyword}' needs a text after it")));
        }
        if let (Some(lang), "title" | "summary") = (lang, name) {
            return self.header_line(line, keyword, name == "title", lang, rest);
        }
        let known = matches!(
            (name, lang),
            (">" | ">!" | "expect" | "highlight" | "answer", None)
                | ("say" | "ask" | "choice" | "why", Some(_))
        );
        if !known {
            return Err(self.error(
                line,
                format!(
                    "unknown keyword '{keyword}' (title.en/ko, summary.en/ko, step, >, >!, \
                     say.en/ko, ask.en/ko, choice.en/ko, answer, why.en/ko, expect, highlight)"
                ),
            ));
        }
        let Some(draft) = self.step.as_mut() else {
            return Err(self.error(
                line,
                format!("'{keyword}' belongs inside a step: start one with 'step'"),
            ));
        };
        step_line(draft, line, keyword, (name, lang), rest).map_err(|m| self.error(line, m))
    }

    /// `step`: the step before ends (and is checked), a new one starts.
    fn start_step(&mut self, line: usize, rest: &str) -> Result<(), TourError> {
        if !rest.is_empty() {
            return Err(self.error(line, "'step' takes nothing after it"));
        }
        self.end_step()?;
        self.step = Some(Draft {
            step: Step {
                line,
                ..Step::default()
            },
            ..Draft::default()
        });
        Ok(())
    }

    /// `title.en`, `summary.ko`, ...: once each, before the first step.
    fn header_line(
        &mut self,
        line: usize,
        keyword: &str,
        title: bool,
        lang: usize,
        rest: &str,
    ) -> Result<(), TourError> {
        if self.step.is_some() {
            return Err(self.error(line, format!("'{keyword}' belongs before the first 'step'")));
        }
        let target = if title {
            &mut self.tour.title
        } else {
            &mut self.tour.summary
        };
        let slot = if lang == 0 {
            &mut target.en
        } else {
            &mut target.ko
        };
        if !slot.is_empty() {
            return Err(self.error(line, format!("a second '{keyword}'")));
        }
        *slot = rest.to_string();
        Ok(())
    }

    /// Checks the step being read and adds it to the tour.
    fn end_step(&mut self) -> Result<(), TourError> {
        let Some(mut d) = self.step.take() else {
            return Ok(());
        };
        let at = d.step.line;
        if d.say_en.is_empty() || d.say_ko.is_empty() {
            return Err(self.error(
                at,
                "a step needs narration in both languages (say.en and say.ko)",
            ));
        }
        if d.say_en.len() != d.say_ko.len() {
            return Err(self.error(
                at,
                format!(
                    "the step has {} English and {} Korean paragraphs: say.en and say.ko go in pairs",
                    d.say_en.len(),
                    d.say_ko.len()
                ),
            ));
        }
        d.step.narration = d
            .say_en
            .into_iter()
            .zip(d.say_ko)
            .map(|(en, ko)| Bilingual { en, ko })
            .collect();
        if let Some(pl) = d.prediction_line {
            d.step.prediction = Some(self.prediction(pl, d.ask, d.why, d.choices, d.answer)?);
        }
        self.tour.steps.push(d.step);
        Ok(())
    }

    /// A step's prediction (from its line `pl`): the question, the choices and the
    /// explanation in both languages, and an answer among the choices.
    fn prediction(
        &self,
        pl: usize,
        ask: [Option<String>; 2],
        why: [Option<String>; 2],
        choices: [Vec<String>; 2],
        answer: Option<(usize, usize)>,
    ) -> Result<Prediction, TourError> {
        let [ask_en, ask_ko] = ask;
        let [why_en, why_ko] = why;
        let [choices_en, choices_ko] = choices;
        let (Some(ask_en), Some(ask_ko)) = (ask_en, ask_ko) else {
            return Err(self.error(
                pl,
                "a prediction needs its question in both languages (ask.en and ask.ko)",
            ));
        };
        let (Some(why_en), Some(why_ko)) = (why_en, why_ko) else {
            return Err(self.error(
                pl,
                "a prediction needs its explanation in both languages (why.en and why.ko)",
            ));
        };
        if choices_en.len() != choices_ko.len() || choices_en.len() < 2 {
            return Err(self.error(
                pl,
                format!(
                    "a prediction needs at least two choices, as many in English as in Korean (found {} and {})",
                    choices_en.len(),
                    choices_ko.len()
                ),
            ));
        }
        let Some((answer, answer_line)) = answer else {
            return Err(self.error(
                pl,
                "a prediction needs 'answer N' (the right choice, from 1)",
            ));
        };
        if answer > choices_en.len() {
            return Err(self.error(
                answer_line,
                format!(
                    "answer {answer}, but there are {} choices",
                    choices_en.len()
                ),
            ));
        }
        Ok(Prediction {
            question: Bilingual {
                en: ask_en,
                ko: ask_ko,
            },
            choices: choices_en
                .into_iter()
                .zip(choices_ko)
                .map(|(en, ko)| Bilingual { en, ko })
                .collect(),
            answer: answer - 1,
            explanation: Bilingual {
                en: why_en,
                ko: why_ko,
            },
        })
    }

    fn finish(mut self) -> Result<Tour, TourError> {
        self.end_step()?;
        for (what, text) in [("title", &self.tour.title), ("summary", &self.tour.summary)] {
            if text.en.is_empty() || text.ko.is_empty() {
                return Err(self.error(
                    0,
                    format!("the tour needs a {what} in both languages ({what}.en and {what}.ko)"),
                ));
            }
        }
        if self.tour.steps.is_empty() {
            return Err(self.error(0, "the tour has no step"));
        }
        if self.tour.steps[0].prediction.is_some() {
            return Err(self.error(
                self.tour.steps[0].line,
                "the first step cannot ask a prediction: there is nothing on screen before it",
            ));
        }
        Ok(self.tour)
    }
}

/// `broker 2`, `partition orders-0`, `producer p1`, `consumer c1`, `controller`.
fn highlight(text: &str) -> Result<Highlight, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let usage =
        "highlight broker ID | partition TOPIC-N | producer NAME | consumer NAME | controller";
    Ok(match words.as_slice() {
        ["broker", id] => Highlight::Broker(
            id.parse()
                .map_err(|_| format!("'{id}' is not a broker id ({usage})"))?,
        ),
        ["partition", tp] => {
            let valid = tp
                .rsplit_once('-')
                .is_some_and(|(t, p)| !t.is_empty() && p.parse::<i32>().is_ok());
            if !valid {
                return Err(format!(
                    "'{tp}' is not TOPIC-PARTITION, e.g. orders-0 ({usage})"
                ));
            }
            Highlight::Partition(tp.to_string())
        }
        ["producer", name] => Highlight::Producer(name.to_string()),
        ["consumer", name] => Highlight::Consumer(name.to_string()),
        ["controller"] => Highlight::Controller,
        _ => return Err(format!("usage: {usage}")),
    })
}

/// `> LINE` (or `>! LINE`, a line the cluster refuses): seed and cluster only first in a step,
/// never refused.
fn script_line(draft: &mut Draft, line: usize, rest: &str, refused: bool) -> Result<(), String> {
    match script::parse(rest) {
        Err(e) => return Err(e.to_string()),
        Ok(Some(Line::Setup(_))) if refused => {
            return Err("'>!' is for commands the cluster refuses, not seed or cluster".into())
        }
        Ok(Some(Line::Setup(_))) if draft.commands_seen => return Err(
            "seed and cluster start a new cluster: they come first in a step, before its commands"
                .into(),
        ),
        Ok(Some(Line::Command(_))) => draft.commands_seen = true,
        Ok(_) => {}
    }
    draft.step.script.push(ScriptLine {
        line,
        text: rest.to_string(),
        refused,
    });
    Ok(())
}

/// A line inside a step: a script line, a claim, a highlight, narration, or a part of the
/// prediction. The error's message, for the caller to place.
fn step_line(
    draft: &mut Draft,
    line: usize,
    keyword: &str,
    (name, lang): (&str, Option<usize>),
    rest: &str,
) -> Result<(), String> {
    match (name, lang) {
        (">" | ">!", _) => script_line(draft, line, rest, keyword == ">!")?,
        // Claims are checked natively (tests/tours.rs); the page only shows the tour.
        #[cfg(not(target_arch = "wasm32"))]
        ("expect", _) => {
            let mut e = Expectation::parse(rest)?;
            e.line = line;
            draft.step.expectations.push(e);
        }
        #[cfg(target_arch = "wasm32")]
        ("expect", _) => {}
        ("highlight", _) => draft.step.highlights.push(highlight(rest)?),
        ("answer", _) => {
            if draft.answer.is_some() {
                return Err("a second 'answer'".into());
            }
            let n = rest
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| {
                    format!("'answer' takes the right choice's number, from 1, not '{rest}'")
                })?;
            draft.answer = Some((n, line));
            draft.prediction_line.get_or_insert(line);
        }
        ("say", Some(l)) => {
            let paragraphs = if l == 0 {
                &mut draft.say_en
            } else {
                &mut draft.say_ko
            };
            paragraphs.push(rest.to_string());
        }
        ("choice", Some(l)) => {
            draft.choices[l].push(rest.to_string());
            draft.prediction_line.get_or_insert(line);
        }
        ("ask" | "why", Some(l)) => {
            let slot = if name == "ask" {
                &mut draft.ask[l]
            } else {
                &mut draft.why[l]
            };
            if slot.is_some() {
                return Err(format!("a second '{keyword}' in this step"));
            }
            *slot = Some(rest.to_string());
            draft.prediction_line.get_or_insert(line);
        }
        _ => unreachable!("keywords checked by Parser::line"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# a comment
title.en  T
title.ko  티
summary.en  S
summary.ko  에스

step
> seed 3
> topic create t partitions=1 replication-factor=3
say.en  First.
say.ko  첫째.
highlight partition t-0

step
>advance 1s
say.en  Second.
say.ko  둘째.
ask.en  Q?
ask.ko  질문?
choice.en  A
choice.ko  가
choice.en  B
choice.ko  나
answer 2
why.en  Because.
why.ko  왜냐하면.
expect partitions[topic=t,partition=0].high_watermark = 0
";

    #[test]
    fn parses_a_tour() {
        let t = parse("x.tour", GOOD).unwrap();
        assert_eq!(t.id(), "x");
        assert_eq!(t.title.ko, "티");
        assert_eq!(t.steps.len(), 2);
        assert_eq!(t.steps[0].script.len(), 2);
        assert_eq!(t.steps[0].script[1].line, 9);
        assert_eq!(t.steps[1].script[0].text, "advance 1s");
        assert_eq!(
            t.steps[0].highlights,
            vec![Highlight::Partition("t-0".into())]
        );
        let p = t.steps[1].prediction.as_ref().unwrap();
        assert_eq!(p.answer, 1);
        assert_eq!(p.choices[1].ko, "나");
        assert_eq!(t.steps[1].expectations[0].line, 27);
    }

    fn error_of(text: &str) -> String {
        parse("bad.tour", text).unwrap_err().to_string()
    }

    #[test]
    fn bad_tours_name_the_file_and_line() {
        let cases = [
            (GOOD.replace("say.ko  둘째.\n", ""), "bad.tour:14: a step needs narration in both languages"),
            (GOOD.replace("say.ko  첫째.\n", ""), "bad.tour:7: a step needs narration in both languages"),
            (GOOD.replace("choice.ko  나\n", ""), "bad.tour:18: a prediction needs at least two choices, as many in English as in Korean (found 2 and 1)"),
            (GOOD.replace("answer 2", "answer 3"), "bad.tour:24: answer 3, but there are 2 choices"),
            (GOOD.replace("why.ko  왜냐하면.\n", ""), "bad.tour:18: a prediction needs its explanation in both languages"),
            (GOOD.replace("ask.ko  질문?\n", ""), "bad.tour:18: a prediction needs its question in both languages"),
            (GOOD.replace(">advance 1s", ">advance 1 s"), "bad.tour:15: usage: advance DURATION"),
            (GOOD.replace(">advance 1s", ">advance 1s\n> seed 4"), "bad.tour:16: seed and cluster start a new cluster"),
            (GOOD.replace(">advance 1s", ">! seed 4"), "bad.tour:15: '>!' is for commands"),
            (GOOD.replace("title.ko  티\n", ""), "bad.tour:0: the tour needs a title in both languages"),
            (GOOD.replace("highlight partition t-0", "highlight partition t"), "bad.tour:12: 't' is not TOPIC-PARTITION"),
            (GOOD.replace("answer 2", "answr 2"), "bad.tour:24: unknown keyword 'answr'"),
            (GOOD.replace(".high_watermark = 0", ".high_watermark"), "bad.tour:27: usage: expect PATH OP VALUE"),
            (format!("{GOOD}title.en  again\n"), "bad.tour:28: 'title.en' belongs before the first 'step'"),
            ("title.en  a\ntitle.ko  b\nsummary.en  c\nsummary.ko  d\n".to_string(), "bad.tour:0: the tour has no step"),
            ("say.en x\n".to_string(), "bad.tour:1: 'say.en' belongs inside a step"),
            (GOOD.replace("say.en  Second.", "say.en"), "bad.tour:16: 'say.en' needs a text"),
        ];
        for (text, want) in cases {
            let got = error_of(&text);
            assert!(got.starts_with(want), "want {want:?}, got {got:?}");
        }
    }

    #[test]
    fn the_first_step_cannot_ask() {
        let text = GOOD.replacen("say.ko  첫째.", "say.ko  첫째.\nask.en q\nask.ko q\nchoice.en a\nchoice.ko a\nchoice.en b\nchoice.ko b\nanswer 1\nwhy.en w\nwhy.ko w", 1);
        assert!(error_of(&text).contains("the first step cannot ask"));
    }
}
