//! Running one `cargo build` of one configuration, with `cargo-lto` itself as
//! the rustc wrapper, and reading what it produced from cargo's JSON messages.

pub mod wrapper;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use cargo_metadata::{Message, TargetKind};

use crate::measure::process::{Outcome, Usage, wait_with_deadline};

/// Lines of cargo's stderr kept for a failure report.
const STDERR_TAIL_LINES: usize = 30;

/// One cargo invocation to run.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The cargo binary (`$CARGO` or `cargo`).
    pub cargo: PathBuf,
    /// Arguments after `cargo`.
    pub args: Vec<String>,
    /// Where the wrapper appends its per-unit records.
    pub wrapper_log: PathBuf,
    /// The binary target whose executable to find.
    pub bin: String,
    /// Kill the build after this long.
    pub timeout: Option<Duration>,
    /// Blank `RUSTC_WORKSPACE_WRAPPER` to override a config file's
    /// `build.rustc-workspace-wrapper` (see [`wrapper_env`]).
    pub blank_workspace_wrapper: bool,
}

/// What one cargo invocation did.
#[derive(Debug)]
pub struct BuildRun {
    /// How cargo ended.
    pub outcome: Outcome,
    /// cargo's wall time, and CPU and peak RSS over it and every process it ran.
    pub usage: Usage,
    /// `compiler-artifact` messages seen (compiled units, including fresh ones).
    pub artifacts: usize,
    /// The binary's path, from its `compiler-artifact` message.
    pub executable: Option<PathBuf>,
    /// The last lines of cargo's stderr.
    pub stderr_tail: String,
    /// The per-unit records the wrapper logged.
    pub units: Vec<wrapper::UnitRecord>,
}

/// Environment changes that make `cargo-lto` the only rustc wrapper.
///
/// `RUSTC_WRAPPER` does not enter cargo's `-C metadata` hash, but a set
/// `RUSTC_WORKSPACE_WRAPPER` does, even an empty one: it would change the
/// symbol hashes of workspace members, and with them the binary by a few
/// bytes. So it is blanked only to override a config file's
/// `build.rustc-workspace-wrapper` (`blank_workspace_wrapper`), and
/// otherwise just removed.
pub fn wrapper_env(
    log: &Path,
    blank_workspace_wrapper: bool,
) -> Result<Vec<(String, Option<String>)>> {
    let me = std::env::current_exe().context("locating the cargo-lto executable")?;
    Ok(vec![
        ("RUSTC_WRAPPER".into(), Some(me.display().to_string())),
        (wrapper::LOG_ENV.into(), Some(log.display().to_string())),
        (
            "RUSTC_WORKSPACE_WRAPPER".into(),
            blank_workspace_wrapper.then(String::new),
        ),
        ("CARGO_BUILD_RUSTC_WRAPPER".into(), None),
        ("CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER".into(), None),
    ])
}

/// Runs the invocation; `on_unit` gets the running count of compiled units,
/// `on_stderr` each line cargo prints to stderr.
pub fn run(
    inv: &Invocation,
    on_unit: &(dyn Fn(usize) + Sync),
    on_stderr: &(dyn Fn(&str) + Sync),
) -> Result<BuildRun> {
    if let Some(parent) = inv.wrapper_log.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    match std::fs::remove_file(&inv.wrapper_log) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("removing {}", inv.wrapper_log.display()));
        }
        _ => {}
    }
    let mut cmd = Command::new(&inv.cargo);
    cmd.args(&inv.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in wrapper_env(&inv.wrapper_log, inv.blank_workspace_wrapper)? {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    // Its own process group, so a timeout or Ctrl-C can stop cargo and every rustc.
    cmd.process_group(0);
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("running {}", inv.cargo.display()))?;
    let stdout = child.stdout.take().context("cargo's stdout")?;
    let stderr = child.stderr.take().context("cargo's stderr")?;

    // Both pipes are drained on their own threads while this one waits for
    // cargo, so a timeout or Ctrl-C is acted on at once, not at cargo's end.
    let (outcome, usage, artifacts, executable, stderr_tail) = std::thread::scope(|scope| {
        let err_reader = scope.spawn(move || {
            let mut tail = VecDeque::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                on_stderr(&line);
                if tail.len() == STDERR_TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
            Vec::from(tail).join("\n")
        });
        let out_reader = scope.spawn(move || {
            let mut artifacts = 0;
            let mut executable = None;
            for message in Message::parse_stream(BufReader::new(stdout)).map_while(Result::ok) {
                if let Message::CompilerArtifact(artifact) = message {
                    artifacts += 1;
                    on_unit(artifacts);
                    if artifact.target.name == inv.bin
                        && artifact.target.kind.contains(&TargetKind::Bin)
                        && let Some(exe) = artifact.executable
                    {
                        executable = Some(exe.into_std_path_buf());
                    }
                }
            }
            (artifacts, executable)
        });
        let waited = wait_with_deadline(&child, start, inv.timeout);
        let (artifacts, executable) = out_reader.join().unwrap_or((0, None));
        let tail = err_reader.join().unwrap_or_default();
        waited.map(|(o, u)| (o, u, artifacts, executable, tail))
    })?;
    Ok(BuildRun {
        outcome,
        usage,
        artifacts,
        executable,
        stderr_tail,
        units: wrapper::read_log(&inv.wrapper_log),
    })
}
