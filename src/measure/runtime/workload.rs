//! Workloads: what to run on each configuration's binary. From `--run`
//! (arguments to the binary), `--run-cmd` (a whole command with `{bin}`),
//! or `[*.metadata.cargo-lto.workloads.NAME]` — all built by one
//! constructor, so the three agree on splitting, `{bin}` and `--shell`.
//! A workload is recorded as it is run: the type is the document's.

use std::path::{Path, PathBuf};

use crate::error::UsageError;
use crate::metadata;

pub use crate::results::measure::{CompareOutput, Workload};

/// What a workload runs.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// Arguments to the binary.
    Args(&'a str),
    /// A whole command, `{bin}` standing for the binary.
    Command(&'a str),
}

/// The options a workload has besides its command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Run through `sh -c`.
    pub shell: bool,
    /// Run before each run, untimed.
    pub prepare: Option<String>,
    /// Working directory.
    pub dir: Option<PathBuf>,
    /// File for stdin.
    pub stdin: Option<PathBuf>,
    /// How to compare outputs.
    pub compare_output: CompareOutput,
}

/// Splits `text` into words as a POSIX shell would (quotes, escapes),
/// without running a shell.
pub fn split_words(text: &str, origin: &str) -> Result<Vec<String>, UsageError> {
    shell_words::split(text).map_err(|e| UsageError::Syntax {
        origin: origin.to_string(),
        message: format!("cannot split into words: {e}"),
    })
}

/// The one constructor: `body` becomes the command (with `{bin}` first for
/// arguments), checked; `origin` names where it was written.
pub fn new(
    name: String,
    body: Body,
    options: &Options,
    origin: &str,
) -> Result<Workload, UsageError> {
    if let Body::Args(args) = body
        && args.contains("{bin}")
    {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: "these are arguments to your binary, which comes first by itself; {bin} belongs in a whole command (--run-cmd, or `command` in metadata)".into(),
        });
    }
    let command = match (body, options.shell) {
        (Body::Args(args), true) => vec![format!("{{bin}} {args}")],
        (Body::Command(cmd), true) => vec![cmd.to_string()],
        (Body::Args(args), false) => {
            let mut words = split_words(args, origin)?;
            words.insert(0, "{bin}".into());
            words
        }
        (Body::Command(cmd), false) => split_words(cmd, origin)?,
    };
    if matches!(body, Body::Command(_)) && !command.iter().any(|w| w.contains("{bin}")) {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: "a command must contain {bin}, which stands for the configuration's binary"
                .into(),
        });
    }
    Ok(Workload {
        name,
        command,
        shell: options.shell,
        prepare: options.prepare.clone(),
        dir: options.dir.clone(),
        stdin: options.stdin.clone(),
        compare_output: options.compare_output,
        compared_by: None,
        noise: None,
    })
}

/// Workloads from `--run` and `--run-cmd`, named `NAME='…'` or numbered.
pub fn from_cli(
    runs: &[String],
    run_cmds: &[String],
    options: &Options,
) -> Result<Vec<Workload>, UsageError> {
    given(runs, run_cmds, options, ("--run", "run"))
}

/// PGO's training runs from `--train` and `--train-cmd`, as [`from_cli`]
/// reads workloads (numbered `train1`, …).
pub fn training_from_cli(
    trains: &[String],
    train_cmds: &[String],
    options: &Options,
) -> Result<Vec<Workload>, UsageError> {
    given(trains, train_cmds, options, ("--train", "train"))
}

/// `(flag, stem)`: the flag the texts came with, and the stem of the
/// numbered names.
fn given(
    runs: &[String],
    run_cmds: &[String],
    options: &Options,
    (flag, stem): (&str, &str),
) -> Result<Vec<Workload>, UsageError> {
    let mut out: Vec<Workload> = Vec::new();
    let given = runs
        .iter()
        .map(|r| (r, false))
        .chain(run_cmds.iter().map(|r| (r, true)));
    for (text, is_cmd) in given {
        let origin = if is_cmd {
            format!("{flag}-cmd '{text}'")
        } else {
            format!("{flag} '{text}'")
        };
        let (name, rest) = match text.split_once('=') {
            Some((name, rest)) if !name.starts_with('-') && metadata::valid_name(name) => {
                (name.to_string(), rest)
            }
            _ => (format!("{stem}{}", out.len() + 1), text.as_str()),
        };
        if out.iter().any(|w| w.name == name) {
            return Err(UsageError::Syntax {
                origin,
                message: format!("a workload named `{name}` was already given"),
            });
        }
        let body = if is_cmd {
            Body::Command(rest)
        } else {
            Body::Args(rest)
        };
        out.push(new(name, body, options, &origin)?);
    }
    Ok(out)
}

/// Workloads from the metadata tables; relative `dir` and `stdin` are
/// relative to the manifest that names them. A workload without its own
/// `compare-output` key compares by `compare` (`--compare-output`).
pub fn from_metadata(
    sources: &[metadata::Source],
    compare: CompareOutput,
) -> Result<Vec<Workload>, UsageError> {
    from_table(sources, compare, "workloads", |t| &t.workloads)
}

/// The metadata's PGO training runs (`train.NAME`), as [`from_metadata`]
/// reads workloads.
pub fn training_from_metadata(sources: &[metadata::Source]) -> Result<Vec<Workload>, UsageError> {
    from_table(sources, CompareOutput::Exact, "train", |t| &t.train)
}

fn from_table(
    sources: &[metadata::Source],
    compare: CompareOutput,
    table: &str,
    specs: fn(&metadata::Table) -> &std::collections::BTreeMap<String, metadata::WorkloadSpec>,
) -> Result<Vec<Workload>, UsageError> {
    let mut out = Vec::new();
    for source in sources {
        for (name, spec) in specs(&source.table) {
            let origin = format!("{} {table}.{name}", source.origin);
            if !metadata::valid_name(name) {
                return Err(UsageError::Syntax {
                    origin,
                    message: format!(
                        "workload name `{name}` must be 1–64 letters, digits, `-` or `_`"
                    ),
                });
            }
            let body = match (&spec.args, &spec.command) {
                (Some(a), None) => Body::Args(a),
                (None, Some(c)) => Body::Command(c),
                _ => {
                    return Err(UsageError::Syntax {
                        origin,
                        message: "give exactly one of `args` (arguments to the binary) or `command` (with {bin})".into(),
                    });
                }
            };
            let near = |p: &Option<PathBuf>| p.as_ref().map(|p| source.dir.join(p));
            let options = Options {
                shell: spec.shell,
                prepare: spec.prepare.clone(),
                dir: near(&spec.dir),
                stdin: near(&spec.stdin),
                compare_output: spec.compare_output.unwrap_or(compare),
            };
            out.push(new(name.clone(), body, &options, &origin)?);
        }
    }
    Ok(out)
}

/// The command line's workloads, then the metadata's not named the same.
pub fn collect(cli: Vec<Workload>, metadata: Vec<Workload>) -> Vec<Workload> {
    let mut all = cli;
    for w in metadata {
        if !all.iter().any(|c| c.name == w.name) {
            all.push(w);
        }
    }
    all
}

/// Why a workload cannot run: what of it is missing.
#[derive(Debug, thiserror::Error)]
pub enum Unrunnable {
    /// Its directory is missing.
    #[error("directory {} does not exist", .0.display())]
    Dir(std::path::PathBuf),
    /// Its stdin file is missing.
    #[error("stdin file {} does not exist", .0.display())]
    Stdin(std::path::PathBuf),
    /// Its program is not found.
    #[error("program `{0}` not found (on PATH, or as a path)")]
    Program(String),
}

/// Checks, before anything is built, that `w` can run: its directory and
/// stdin file exist, and its program (unless it is the binary itself or a
/// shell command) is a path that exists or a name on `PATH`.
pub fn check_runnable(w: &Workload) -> Result<(), crate::measure::Error> {
    let bad = |problem| crate::measure::Error::Workload {
        name: w.name.clone(),
        problem,
    };
    if let Some(dir) = w.dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(bad(Unrunnable::Dir(dir.clone())));
    }
    if let Some(file) = w.stdin.as_ref().filter(|f| !f.is_file()) {
        return Err(bad(Unrunnable::Stdin(file.clone())));
    }
    let Some(program) = w
        .command
        .first()
        .filter(|p| !w.shell && !p.contains("{bin}"))
    else {
        return Ok(());
    };
    let found = crate::process::findable(program, w.dir.as_deref());
    if found {
        Ok(())
    } else {
        Err(bad(Unrunnable::Program(program.clone())))
    }
}

/// A workload named `w` running `command` directly, no other option: for
/// tests of the runtime phase.
#[cfg(test)]
pub fn plain(command: &[&str]) -> Workload {
    Workload {
        name: "w".into(),
        command: command.iter().map(|s| s.to_string()).collect(),
        shell: false,
        prepare: None,
        dir: None,
        stdin: None,
        compare_output: CompareOutput::default(),
        compared_by: None,
        noise: None,
    }
}

/// Quotes a path for `sh -c`.
fn sh_quote(p: &Path) -> String {
    shell_words::quote(&p.display().to_string()).into_owned()
}

/// The argv for a run: `{bin}` replaced; through `sh -c` when asked.
pub fn argv(workload: &Workload, bin: &Path) -> Vec<String> {
    if workload.shell {
        let script = workload.command.join(" ").replace("{bin}", &sh_quote(bin));
        vec!["sh".into(), "-c".into(), script]
    } else {
        workload
            .command
            .iter()
            .map(|w| w.replace("{bin}", &bin.display().to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn cli(runs: &[&str], cmds: &[&str], options: &Options) -> Result<Vec<Workload>, UsageError> {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        from_cli(&s(runs), &s(cmds), options)
    }

    #[test]
    fn workloads_parse_like_a_shell_and_name_themselves() {
        let options = Options {
            prepare: Some("rm -f out".into()),
            ..Options::default()
        };
        let w = cli(&["big='1 000' -v", "42"], &["hf=hyperfine {bin}"], &options).unwrap();
        assert_eq!(w[0].name, "big");
        assert_eq!(w[0].command, ["{bin}", "1 000", "-v"]);
        assert_eq!(w[1].name, "run2");
        assert_eq!(w[1].command, ["{bin}", "42"]);
        assert_eq!(w[2].command, ["hyperfine", "{bin}"]);
        // {bin} among --run's arguments would pass the binary to itself
        let err = cli(&["lit={bin} -c fn"], &[], &options)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--run-cmd"), "{err}");
        assert_eq!(w[0].prepare.as_deref(), Some("rm -f out"));
        assert_eq!(argv(&w[0], Path::new("/t/app")), ["/t/app", "1 000", "-v"]);
        let shell = Options {
            shell: true,
            ..Options::default()
        };
        let sh = cli(&["x=5 | wc -c"], &[], &shell).unwrap();
        assert_eq!(
            argv(&sh[0], Path::new("/t dir/app")),
            ["sh", "-c", "'/t dir/app' 5 | wc -c"]
        );
        let none = Options::default();
        assert!(cli(&[], &["nobin=echo hi"], &none).is_err());
        assert!(cli(&["a=1", "a=2"], &[], &none).is_err());
        assert!(cli(&["'unclosed"], &[], &none).is_err());
        // a flag with `=` is an argument, not a name
        assert_eq!(
            cli(&["--n=3"], &[], &none).unwrap()[0].command,
            ["{bin}", "--n=3"]
        );
    }

    fn source(value: serde_json::Value) -> metadata::Source {
        let origin = "[workspace.metadata.cargo-lto] in /p/Cargo.toml".to_string();
        metadata::parse(origin, Path::new("/p/Cargo.toml"), &value).unwrap()
    }

    #[test]
    fn metadata_workloads() {
        let s = source(json!({"workloads": {
            "big": {"args": "1000000", "dir": "data", "stdin": "/abs/in"},
            "pipe": {"command": "{bin} 5 | wc -c", "shell": true, "prepare": "true", "compare-output": "lines"}
        }}));
        let w = from_metadata(&[s], CompareOutput::Auto).unwrap();
        assert_eq!(w[0].name, "big");
        assert_eq!(w[0].command, ["{bin}", "1000000"]);
        assert_eq!(
            w[0].dir.as_deref(),
            Some(Path::new("/p/data")),
            "relative to the manifest"
        );
        assert_eq!(w[0].stdin.as_deref(), Some(Path::new("/abs/in")));
        assert!(w[1].shell);
        assert_eq!(w[1].prepare.as_deref(), Some("true"));
        assert_eq!(
            w[0].compare_output,
            CompareOutput::Auto,
            "--compare-output's"
        );
        assert_eq!(
            w[1].compare_output,
            CompareOutput::Lines,
            "its own key wins"
        );
        let both = source(json!({"workloads": {"x": {"args": "1", "command": "{bin}"}}}));
        assert!(from_metadata(&[both], CompareOutput::Auto).is_err());
    }

    #[test]
    fn a_dotted_key_is_refused_not_passed_to_the_program() {
        // was: the key became `big.one=ARGS`, read back as one more argument
        let s = source(json!({"workloads": {"big.one": {"args": "7"}}}));
        let err = from_metadata(&[s], CompareOutput::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("workloads.big.one") && err.contains("`big.one` must be"),
            "{err}"
        );
        let s = source(json!({"workloads": {"big": {"args": "big.one=7"}}}));
        assert_eq!(
            from_metadata(&[s], CompareOutput::Auto).unwrap()[0].command,
            ["{bin}", "big.one=7"]
        );
    }

    #[test]
    fn runnable_workloads_are_checked_before_building() {
        let none = Options::default();
        let ok = cli(
            &["a=1"],
            &["b=sh -c 'true' {bin}", "c=/bin/sh {bin}"],
            &none,
        )
        .unwrap();
        for w in &ok {
            assert!(check_runnable(w).is_ok(), "{w:?}");
        }
        let missing = cli(
            &[],
            &["x=/nonexistent/prog {bin}", "y=no-such-program-here {bin}"],
            &none,
        );
        for w in missing.unwrap() {
            let err = check_runnable(&w).unwrap_err().to_string();
            assert!(
                err.contains(&format!("workload `{}`", w.name)) && err.contains("not found"),
                "{err}"
            );
        }
        let in_nowhere = Options {
            dir: Some("/nonexistent/dir".into()),
            ..Options::default()
        };
        let err = check_runnable(&cli(&["w=1"], &[], &in_nowhere).unwrap()[0]).unwrap_err();
        assert!(
            err.to_string()
                .contains("directory /nonexistent/dir does not exist"),
            "{err}"
        );
        let no_input = Options {
            stdin: Some("/nonexistent/input".into()),
            ..Options::default()
        };
        assert!(check_runnable(&cli(&["w=1"], &[], &no_input).unwrap()[0]).is_err());
    }

    #[test]
    fn training_runs_come_from_their_own_flags_and_table() {
        let none = Options::default();
        let t = training_from_cli(&["1 20000".into()], &["c={bin} 2".into()], &none).unwrap();
        assert_eq!(t[0].name, "train1");
        assert_eq!(t[1].name, "c");
        let e = training_from_cli(&[], &["true".into()], &none).unwrap_err();
        assert!(e.to_string().starts_with("--train-cmd 'true'"), "{e}");
        let s = source(
            json!({"train": {"corpus": {"args": "1 20000"}}, "workloads": {"w": {"args": "2"}}}),
        );
        let t = training_from_metadata(std::slice::from_ref(&s)).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(
            (t[0].name.as_str(), &t[0].command[..]),
            (
                "corpus",
                &["{bin}".to_string(), "1".into(), "20000".into()][..]
            )
        );
        let e = training_from_metadata(&[source(json!({"train": {"x": {}}}))]).unwrap_err();
        assert!(e.to_string().contains("train.x"), "{e}");
    }

    #[test]
    fn the_command_line_wins_over_metadata() {
        let none = Options::default();
        let from_cmd = cli(&["big=1"], &[], &none).unwrap();
        let s = source(json!({"workloads": {"big": {"args": "2"}, "small": {"args": "3"}}}));
        let all = collect(from_cmd, from_metadata(&[s], CompareOutput::Auto).unwrap());
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].command, ["{bin}", "1"]);
        assert_eq!(all[1].name, "small");
    }

    proptest! {
        /// Any `--run` text: a workload whose words, joined again like a
        /// shell would quote them, give back what was split — or an error.
        #[test]
        fn run_text_round_trips(words in prop::collection::vec("[ -~]{0,8}", 1..5)) {
            let text = shell_words::join(&words);
            let w = cli(&[&text], &[], &Options::default());
            let w = w.expect("a joined line always splits");
            prop_assert_eq!(&w[0].command[0], "{bin}");
            if !words[0].contains('=') {
                prop_assert_eq!(&w[0].name, "run1");
                prop_assert_eq!(&w[0].command[1..], &words[..]);
            }
        }

        #[test]
        fn any_run_text_parses_or_errs(text in "\\PC{0,40}") {
            let _ = cli(&[&text], &[&text], &Options::default());
        }
    }
}
