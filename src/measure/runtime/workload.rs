//! Workloads: what to run on each configuration's binary. From `--run`
//! (arguments to the binary), `--run-cmd` (a whole command with `{bin}`,
//! or `{bin:NAME}` for one of several binaries), or
//! `[*.metadata.cargo-lto.workloads.NAME]` — all built by one
//! constructor, so the three agree on splitting, `{bin}` and `--shell`.
//! A workload is recorded as it is run: the type is the document's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::UsageError;
use crate::metadata;

pub use crate::results::measure::{CompareOutput, Workload};
pub use crate::results::runtime::{placeholders, substitute};

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
        && !placeholders(args).is_empty()
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
    if matches!(body, Body::Command(_)) && !command.iter().any(|w| !placeholders(w).is_empty()) {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: "a command must contain {bin}, which stands for the configuration's binary ({bin:NAME} for one of several)"
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
        input_sha256: None,
        carried_from: None,
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

/// The bench targets the metadata's `train` tables train PGO with
/// (`train.NAME = { bench = "TARGET" }`), each with where it was written.
pub fn bench_training_from_metadata(sources: &[metadata::Source]) -> Vec<(String, String)> {
    sources
        .iter()
        .flat_map(|s| {
            s.table.train.iter().filter_map(move |(name, spec)| {
                let origin = format!("{} train.{name}", s.origin);
                Some((spec.bench.clone()?, origin))
            })
        })
        .collect()
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
            if let Some(bench) = &spec.bench {
                let only = table == "train" && spec.args.is_none() && spec.command.is_none();
                if !only {
                    return Err(UsageError::Syntax {
                        origin,
                        message: format!(
                            "`bench = \"{bench}\"` trains PGO with a bench target's benchmarks: only in a `train` table, and without `args` or `command`"
                        ),
                    });
                }
                continue;
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
    /// `{bin}` (or `--run`'s binary) with several binaries and no
    /// `default-run` among them.
    #[error("{{bin}} stands for your binary, and this sweep measures several ({}), none of them the package's `default-run`: write {{bin:NAME}} in a command (--run-cmd, or `command` in the metadata), or measure one with --bin NAME", .0.join(", "))]
    WhichBin(Vec<String>),
    /// `{bin:NAME}` names no binary measured.
    #[error("{{bin:{name}}} names no binary this sweep measures ({})", .bins.join(", "))]
    NoSuchBin {
        /// the name given
        name: String,
        /// the binaries measured
        bins: Vec<String>,
    },
}

/// Checks that every `{bin}` and `{bin:NAME}` of `w` names a binary of
/// `bins`, `{bin}` standing for `default`; with several binaries, makes
/// each `{bin}` the `{bin:NAME}` it stands for, so the document says
/// which binary ran.
pub fn resolve_bins(
    w: &mut Workload,
    bins: &[&str],
    default: Option<&str>,
) -> Result<(), crate::measure::Error> {
    let bad = |problem| crate::measure::Error::Workload {
        name: w.name.clone(),
        problem,
    };
    let owned = || bins.iter().map(|b| b.to_string()).collect();
    for word in &w.command {
        for (_, name) in placeholders(word) {
            match name {
                None if default.is_none() => return Err(bad(Unrunnable::WhichBin(owned()))),
                Some(n) if !bins.contains(&n) => {
                    let name = n.to_string();
                    return Err(bad(Unrunnable::NoSuchBin {
                        name,
                        bins: owned(),
                    }));
                }
                _ => {}
            }
        }
    }
    if let (Some(default), true) = (default, bins.len() > 1) {
        for word in &mut w.command {
            *word = substitute(word, &|name| format!("{{bin:{}}}", name.unwrap_or(default)));
        }
    }
    Ok(())
}

/// The binaries a run's `{bin}` and `{bin:NAME}` stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binaries {
    /// Each binary's path, by binary target.
    pub paths: BTreeMap<String, PathBuf>,
}

impl Binaries {
    /// One binary, as `name`.
    #[cfg(test)]
    pub fn one(name: &str, path: &Path) -> Binaries {
        Binaries {
            paths: BTreeMap::from([(name.to_string(), path.to_path_buf())]),
        }
    }

    /// True when it has none.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The binary `{bin:NAME}` (Some) or `{bin}` (None: the only one)
    /// stands for.
    pub fn path(&self, name: Option<&str>) -> Option<&Path> {
        match name {
            Some(n) => self.paths.get(n).map(PathBuf::as_path),
            None if self.paths.len() == 1 => self.paths.values().next().map(PathBuf::as_path),
            None => None,
        }
    }
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
        .filter(|p| !w.shell && placeholders(p).is_empty())
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

/// The SHA-256 of `w`'s stdin file, when it has one: what makes two runs
/// of one command the same workload.
pub fn input_hash(w: &Workload) -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    let Some(file) = &w.stdin else {
        return Ok(None);
    };
    use sha2::Digest;
    use std::io::Read;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut f = std::fs::File::open(file)
        .with_context(|| format!("workload `{}`: reading {}", w.name, file.display()))?;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("workload `{}`: reading {}", w.name, file.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Some(
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    ))
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
        input_sha256: None,
        carried_from: None,
    }
}

/// Quotes a path for `sh -c`.
fn sh_quote(p: &Path) -> String {
    shell_words::quote(&p.display().to_string()).into_owned()
}

/// The argv for a run: `{bin}` and `{bin:NAME}` replaced by the
/// binaries' paths (left as written where `bins` has none: validation
/// refused such a workload); through `sh -c` when asked.
pub fn argv(workload: &Workload, bins: &Binaries) -> Vec<String> {
    let path = |name: Option<&str>| bins.path(name);
    if workload.shell {
        let script = substitute(&workload.command.join(" "), &|name| {
            path(name).map_or_else(|| placeholder(name), sh_quote)
        });
        vec!["sh".into(), "-c".into(), script]
    } else {
        workload
            .command
            .iter()
            .map(|w| {
                substitute(w, &|name| {
                    path(name).map_or_else(|| placeholder(name), |p| p.display().to_string())
                })
            })
            .collect()
    }
}

/// A placeholder as written.
fn placeholder(name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{{bin:{n}}}"),
        None => "{bin}".into(),
    }
}

#[cfg(test)]
#[path = "workload_tests.rs"]
mod tests;
