//! A small argument parser: positionals, `--flag`, `--key value` and
//! repeatable `--map`. Hand-written so errors are one line in our words.

use opscalc_core::Date;
use std::collections::HashMap;

/// Parsed command-line arguments of one subcommand.
#[derive(Debug, Default)]
pub struct Args {
    pub positional: Vec<String>,
    values: HashMap<String, Vec<String>>,
    flags: Vec<String>,
}

impl Args {
    /// Parses `argv` (after the subcommand). `valued` lists options that take
    /// a value; `flags` lists options that do not.
    pub fn parse(argv: &[String], valued: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut i = 0;
        while i < argv.len() {
            let arg = &argv[i];
            if let Some(name) = arg.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                if valued.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            argv.get(i)
                                .cloned()
                                .ok_or_else(|| format!("--{name} needs a value"))?
                        }
                    };
                    a.values.entry(name.to_string()).or_default().push(v);
                } else if flags.contains(&name) && inline.is_none() {
                    a.flags.push(name.to_string());
                } else {
                    return Err(format!("unknown option --{name}"));
                }
            } else {
                a.positional.push(arg.clone());
            }
            i += 1;
        }
        Ok(a)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn values(&self, name: &str) -> Vec<String> {
        self.values.get(name).cloned().unwrap_or_default()
    }

    pub fn date(&self, name: &str) -> Result<Option<Date>, String> {
        self.value(name)
            .map(|v| Date::parse(v).ok_or_else(|| format!("--{name}: not a date: \"{v}\"")))
            .transpose()
    }

    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.value(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("--{name}: not a valid number: \"{v}\""))
            })
            .transpose()
    }

    /// The one positional FILE argument.
    pub fn file(&self, what: &str) -> Result<&str, String> {
        match self.positional.as_slice() {
            [f] => Ok(f),
            [] => Err(format!("missing {what} file")),
            [_, extra, ..] => Err(format!("unexpected argument \"{extra}\"")),
        }
    }
}
