//! Tool options as joptsimple reads them (`--name value`, `--name=value`), with its messages and
//! `CommandLineUtils`' checks.

use super::usage;
use crate::sim::error::CommandError;

/// The options a tool accepts: name and whether it takes a value.
pub(super) type Spec = &'static [(&'static str, bool)];

/// Parsed options in order: (name, value).
pub(super) struct Options(Vec<(&'static str, Option<String>)>);

impl Options {
    /// Reads `--name [value]` words the way joptsimple does (also `--name=value`), with its
    /// messages for unknown options and missing values.
    pub(super) fn parse(words: &[String], spec: Spec) -> Result<Options, CommandError> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            let Some(body) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
                return Err(usage(format!(
                    "Found non-option argument '{w}': options start with --"
                )));
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(&(known, takes_value)) = spec.iter().find(|(n, _)| *n == name) else {
                return Err(usage(format!("{name} is not a recognized option")));
            };
            let value = if takes_value {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        i += 1;
                        match words.get(i) {
                            Some(v) if !v.starts_with("--") => Some(v.clone()),
                            _ => return Err(usage(format!("Option {known} requires an argument"))),
                        }
                    }
                }
            } else {
                None
            };
            found.push((known, value));
            i += 1;
        }
        Ok(Options(found))
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| *n == name)
    }

    pub(super) fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    pub(super) fn values(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| *n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    pub(super) fn int(&self, name: &str) -> Result<Option<i32>, CommandError> {
        self.value(name)
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| usage(format!("Cannot parse argument '{v}' of option {name}")))
            })
            .transpose()
    }

    /// `CommandLineUtils.checkRequiredArgs`.
    pub(super) fn require(&self, name: &str) -> Result<(), CommandError> {
        if self.has(name) {
            Ok(())
        } else {
            Err(usage(format!("Missing required argument \"[{name}]\"")))
        }
    }

    /// `CommandLineUtils.checkInvalidArgs`: `name` may not come with any of `actions`.
    pub(super) fn invalid_with(&self, name: &str, actions: &[&str]) -> Result<(), CommandError> {
        match actions.iter().find(|a| self.has(name) && self.has(a)) {
            Some(a) => Err(usage(format!(
                "Option \"[{name}]\" can't be used with option \"[{a}]\""
            ))),
            None => Ok(()),
        }
    }
}
