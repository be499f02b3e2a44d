//! What `validate` resolves of a server under load (`--serve`, `--load`
//! and friends, the metadata's `server` table): the server's command, its
//! loads with the generator each one is, how readiness is told, the
//! timeouts, and what trains a pipeline configuration.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::UsageError;
use crate::metadata::{ServerSpec, valid_name};
use crate::results::serve::Generator;
use crate::workspace::Project;

use super::runtime::workload::split_words;

/// `--serve` and friends, as given.
#[derive(Debug, Clone, Default)]
pub struct ServeRequest {
    /// `--serve ARGS`: the binary with these arguments.
    pub serve: Option<String>,
    /// `--serve-cmd CMD`: any command, `{bin}` for the binary.
    pub serve_cmd: Option<String>,
    /// `--load [NAME=]CMD`, repeatable.
    pub load: Vec<String>,
    /// `--train-load [NAME=]CMD`, repeatable.
    pub train_load: Vec<String>,
    /// `--ready tcp|http:/PATH|line:REGEX`.
    pub ready: Option<String>,
    /// `--ready-timeout`.
    pub ready_timeout: Option<Duration>,
    /// `--stop-timeout`.
    pub stop_timeout: Option<Duration>,
    /// `--port`.
    pub port: Option<u16>,
    /// `--run-dir`: where the server and the loads run.
    pub dir: Option<PathBuf>,
}

/// How a server tells it is ready.
#[derive(Debug, Clone)]
pub enum Ready {
    /// Its port accepts a connection.
    Tcp,
    /// `GET PATH` is answered with a 2xx status.
    Http(String),
    /// A line of its stdout or stderr matches.
    Line(regex_lite::Regex),
}

impl Ready {
    /// As written: `tcp`, `http:/PATH`, `line:REGEX`.
    pub fn text(&self) -> String {
        match self {
            Ready::Tcp => "tcp".into(),
            Ready::Http(path) => format!("http:{path}"),
            Ready::Line(re) => format!("line:{}", re.as_str()),
        }
    }
}

/// One load command.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// Its name.
    pub name: String,
    /// Its words, `{port}` and `{url}` in them.
    pub command: Vec<String>,
    /// The generator it runs, when the tool reads its output.
    pub generator: Option<Generator>,
}

/// A server and its loads, resolved.
#[derive(Debug, Clone)]
pub struct ServeSpec {
    /// The server's words: `{bin}` (or `{bin:NAME}`) and `{port}`.
    pub command: Vec<String>,
    /// The loads measured.
    pub loads: Vec<LoadSpec>,
    /// The loads that train pipeline configurations (`--train-load`, else
    /// the loads).
    pub train_loads: Vec<LoadSpec>,
    /// They were given (`--train-load`, the metadata's `train-load`).
    pub train_given: bool,
    /// How readiness is told.
    pub ready: Ready,
    /// At most this long to become ready.
    pub ready_timeout: Duration,
    /// SIGTERM, then SIGKILL after this long.
    pub stop_timeout: Duration,
    /// A fixed port, else a free one per start.
    pub port: Option<u16>,
    /// Where the server and the loads run.
    pub dir: Option<PathBuf>,
}

/// The server asked for on the command line or in the metadata (the
/// command line wins, key by key); None when neither asks for one.
pub(super) fn serve_spec(
    asked: &ServeRequest,
    project: &Project,
) -> Result<Option<ServeSpec>, UsageError> {
    let source = project.metadata.iter().find(|s| s.table.server.is_some());
    let meta: ServerSpec = source
        .and_then(|s| s.table.server.clone())
        .unwrap_or_default();
    // the metadata's commands run from its manifest's directory (a load's
    // relative file is the project's), unless --run-dir says otherwise
    let meta_dir = source.map(|s| s.dir.clone());
    let bad = |origin: &str, message: String| UsageError::Syntax {
        origin: origin.to_string(),
        message,
    };
    let command = if let Some(cmd) = &asked.serve_cmd {
        let words = split_words(cmd, "--serve-cmd")?;
        if !words.iter().any(|w| w.contains("{bin")) {
            return Err(bad(
                "--serve-cmd",
                "has no {bin}: the configuration's binary must be in the command".into(),
            ));
        }
        words
    } else if let Some(args) = &asked.serve {
        binary_with(split_words(args, "--serve")?)
    } else if let Some(cmd) = &meta.command {
        split_words(cmd, "the metadata's server.command")?
    } else if let Some(args) = &meta.args {
        binary_with(split_words(args, "the metadata's server.args")?)
    } else {
        if let Some(first) = asked.load.first() {
            return Err(bad(
                &format!("--load {first}"),
                "loads a server, and none is started: add --serve ARGS (or --serve-cmd CMD)".into(),
            ));
        }
        return Ok(None);
    };
    if command.is_empty() || !command.iter().any(|w| w.contains("{bin")) {
        return Err(bad(
            "the server's command",
            "must hold {bin}, the configuration's binary".into(),
        ));
    }
    let loads = if asked.load.is_empty() {
        let mut out = Vec::new();
        for (name, cmd) in &meta.loads {
            out.push(load(
                Some(name.clone()),
                cmd,
                "the metadata's server.loads",
                0,
            )?);
        }
        out
    } else {
        loads(&asked.load, "--load", "load")?
    };
    if loads.is_empty() {
        return Err(bad(
            "--serve",
            "starts a server and nothing loads it: add --load CMD (e.g. --load 'hey -n 20000 {url}/')"
                .into(),
        ));
    }
    let train_given = !asked.train_load.is_empty() || meta.train_load.is_some();
    let train_loads = if !asked.train_load.is_empty() {
        loads_named(&asked.train_load, "--train-load", "train")?
    } else if let Some(cmd) = &meta.train_load {
        vec![load(None, cmd, "the metadata's server.train-load", 0)?]
    } else {
        loads.clone()
    };
    let ready_text = asked
        .ready
        .clone()
        .or(meta.ready.clone())
        .unwrap_or_else(|| "tcp".into());
    let ready = ready(&ready_text)?;
    let seconds = |s: Option<f64>, origin: &str| -> Result<Option<Duration>, UsageError> {
        s.map(|s| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| bad(origin, format!("{s} is not a number of seconds")))
        })
        .transpose()
    };
    Ok(Some(ServeSpec {
        command,
        loads,
        train_loads,
        train_given,
        ready,
        ready_timeout: asked
            .ready_timeout
            .or(seconds(meta.ready_timeout, "server.ready-timeout")?)
            .unwrap_or(Duration::from_secs(30)),
        stop_timeout: asked
            .stop_timeout
            .or(seconds(meta.stop_timeout, "server.stop-timeout")?)
            .unwrap_or(Duration::from_secs(5)),
        port: asked.port.or(meta.port),
        dir: asked.dir.clone().or(if asked.load.is_empty() {
            meta_dir
        } else {
            None
        }),
    }))
}

/// Each `{bin:NAME}` of the server's command names a binary measured,
/// and `{bin}` one binary (the only one, or the default-run).
pub(super) fn check_bins(spec: &ServeSpec, project: &Project) -> Result<(), UsageError> {
    let bins = project.bin_names();
    for word in &spec.command {
        for (_, name) in crate::results::runtime::placeholders(word) {
            let ok = match name {
                Some(n) => bins.contains(&n),
                None => bins.len() == 1 || project.default_bin.is_some(),
            };
            if !ok {
                return Err(UsageError::Syntax {
                    origin: "--serve".into(),
                    message: match name {
                        Some(n) => format!(
                            "names binary `{n}`, which is not measured (measured: {})",
                            bins.join(", ")
                        ),
                        None => format!(
                            "{{bin}} is one of several binaries ({}): name it, {{bin:NAME}} in --serve-cmd",
                            bins.join(", ")
                        ),
                    },
                });
            }
        }
    }
    Ok(())
}

/// `{bin}` followed by `args`.
fn binary_with(args: Vec<String>) -> Vec<String> {
    std::iter::once("{bin}".to_string()).chain(args).collect()
}

/// `--load`'s values, numbered `load1`, … when unnamed.
fn loads(given: &[String], flag: &str, prefix: &str) -> Result<Vec<LoadSpec>, UsageError> {
    loads_named(given, flag, prefix)
}

fn loads_named(given: &[String], flag: &str, prefix: &str) -> Result<Vec<LoadSpec>, UsageError> {
    let mut out: Vec<LoadSpec> = Vec::new();
    for (i, text) in given.iter().enumerate() {
        let (name, cmd) = match text.split_once('=') {
            Some((n, cmd)) if valid_name(n) => (Some(n.to_string()), cmd),
            _ => (None, text.as_str()),
        };
        let spec = load(
            name.or_else(|| Some(format!("{prefix}{}", i + 1))),
            cmd,
            &format!("{flag} {text}"),
            i,
        )?;
        if out.iter().any(|l| l.name == spec.name) {
            return Err(UsageError::Syntax {
                origin: format!("{flag} {text}"),
                message: format!("a second load named `{}`", spec.name),
            });
        }
        out.push(spec);
    }
    Ok(out)
}

/// One load command, checked: its program must be found.
fn load(name: Option<String>, cmd: &str, origin: &str, i: usize) -> Result<LoadSpec, UsageError> {
    let command = split_words(cmd, origin)?;
    let Some(program) = command.first() else {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: "is empty".into(),
        });
    };
    if !crate::process::findable(program, None) {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: format!(
                "`{program}` is not found on PATH (a load generator: oha, wrk, h2load, hey or ab are read; any other command is timed)"
            ),
        });
    }
    Ok(LoadSpec {
        name: name.unwrap_or_else(|| format!("load{}", i + 1)),
        generator: Generator::of_program(program),
        command,
    })
}

/// `--ready`'s value.
fn ready(text: &str) -> Result<Ready, UsageError> {
    let bad = |message: String| UsageError::Syntax {
        origin: format!("--ready {text}"),
        message,
    };
    if text == "tcp" {
        Ok(Ready::Tcp)
    } else if let Some(path) = text.strip_prefix("http:") {
        if !path.starts_with('/') {
            return Err(bad("takes a path: http:/health".into()));
        }
        Ok(Ready::Http(path.to_string()))
    } else if let Some(re) = text.strip_prefix("line:") {
        regex_lite::Regex::new(re)
            .map(Ready::Line)
            .map_err(|e| bad(format!("is not a regular expression: {e}")))
    } else {
        Err(bad(
            "is one of tcp, http:/PATH (a 2xx answer) or line:REGEX (a line the server prints)"
                .into(),
        ))
    }
}

/// `{port}` and `{url}` (`http://127.0.0.1:{port}`) in `word`.
pub fn with_port(word: &str, port: u16) -> String {
    word.replace("{url}", &format!("http://127.0.0.1:{port}"))
        .replace("{port}", &port.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_are_named_and_checked() {
        let l = loads_named(
            &["api=sh -c true".into(), "sh -c x".into()],
            "--load",
            "load",
        )
        .unwrap();
        assert_eq!(l[0].name, "api");
        assert_eq!(l[1].name, "load2");
        assert_eq!(l[0].generator, None);
        let e = load(None, "no-such-generator -n 1", "--load x", 0).unwrap_err();
        assert!(e.to_string().contains("not found on PATH"), "{e}");
        assert!(matches!(ready("http:/health").unwrap(), Ready::Http(p) if p == "/health"));
        assert!(ready("http:health").is_err());
        assert!(ready("udp").is_err());
        assert!(matches!(ready("line:listening").unwrap(), Ready::Line(_)));
        assert_eq!(
            with_port("{url}/x?p={port}", 80),
            "http://127.0.0.1:80/x?p=80"
        );
    }
}
