//! Running one `cargo build` of one configuration, with `cargo-lto` itself as
//! the rustc wrapper, and reading what it produced from cargo's JSON messages.

pub mod disk;
pub mod environment;
pub mod llvm;
pub mod preflight;
pub mod twin;
pub mod wrapper;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use cargo_metadata::{Message, TargetKind};

use crate::process::{Outcome, Usage, Wait, run_piped};

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
    /// The binary targets whose executables to find.
    pub bins: Vec<crate::workspace::BinTarget>,
    /// The bench targets whose executables to find.
    pub benches: Vec<crate::workspace::BinTarget>,
    /// Kill the build after this long.
    pub timeout: Option<Duration>,
    /// Blank `RUSTC_WORKSPACE_WRAPPER` to override a config file's
    /// `build.rustc-workspace-wrapper` (see [`wrapper_env`]).
    pub blank_workspace_wrapper: bool,
    /// More environment for cargo: a configuration's rustflags
    /// (`profile/rustflags.rs`).
    pub env: Vec<(String, String)>,
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
    /// The binaries' paths, by binary target, from their
    /// `compiler-artifact` messages (those cargo reported).
    pub executables: std::collections::BTreeMap<String, PathBuf>,
    /// The bench targets' executables, by target.
    pub bench_executables: std::collections::BTreeMap<String, PathBuf>,
    /// The last lines of cargo's stderr.
    pub stderr_tail: String,
    /// The wrapper wrote its log: at least one rustc ran.
    pub wrapper_log_written: bool,
    /// The per-unit records the wrapper logged.
    pub units: Vec<wrapper::UnitRecord>,
    /// The functions (mangled) a profile-use build compiled without
    /// profile data (`-pgo-warn-missing-function`, and hash mismatches);
    /// their warnings are kept out of the stderr tail and the echo.
    pub missing_profile: Vec<String>,
}

/// The function a rustc warning says has no profile data, or data for
/// other code (`function control flow change detected (hash mismatch)`):
/// `warning: <module>: no profile data available for function <name> Hash = …`.
pub fn missing_profile_function(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("warning: ")?;
    let after = [
        ": no profile data available for function ",
        ": function control flow change detected (hash mismatch) ",
    ]
    .iter()
    .find_map(|m| rest.split_once(m))?
    .1;
    after.split_whitespace().next()
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

/// Reads `pipe` line by line (invalid UTF-8 replaced, never a reason to
/// stop), giving each line to `on_line`; returns the last `keep` lines.
/// A line `on_line` answers false to is left out of the tail, with the
/// blank line after it.
fn tail_lines(
    pipe: impl std::io::Read,
    keep: usize,
    on_line: &dyn Fn(&str) -> bool,
) -> std::io::Result<String> {
    let mut reader = BufReader::new(pipe);
    let mut tail = VecDeque::new();
    let mut buf = Vec::new();
    let mut skipped = false;
    while reader.read_until(b'\n', &mut buf)? > 0 {
        let line = String::from_utf8_lossy(&buf)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        buf.clear();
        let blank_after_skipped = skipped && line.is_empty();
        skipped = !on_line(&line);
        if skipped || blank_after_skipped {
            continue;
        }
        if tail.len() == keep {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    Ok(Vec::from(tail).join("\n"))
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
    cmd.args(&inv.args).stdin(Stdio::null());
    for (key, value) in wrapper_env(&inv.wrapper_log, inv.blank_workspace_wrapper)? {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd.envs(inv.env.iter().map(|(k, v)| (k, v)));
    // In its own process group (Wait::Deadline), so a timeout or Ctrl-C stops
    // cargo and every rustc at once, not at cargo's end.
    let done = run_piped(
        &mut cmd,
        Wait::Deadline(inv.timeout),
        |stdout| {
            let mut artifacts = 0;
            let mut executables = std::collections::BTreeMap::new();
            let mut benches = std::collections::BTreeMap::new();
            for message in Message::parse_stream(BufReader::new(stdout)) {
                if let Message::CompilerArtifact(artifact) = message? {
                    artifacts += 1;
                    on_unit(artifacts);
                    let wanted = inv.bins.iter().find(|b| {
                        artifact.target.name == b.name
                            && artifact.manifest_path.as_std_path() == b.manifest
                    });
                    if let Some(bin) = wanted
                        && artifact.target.kind.contains(&TargetKind::Bin)
                        && let Some(exe) = artifact.executable
                    {
                        executables.insert(bin.name.clone(), exe.into_std_path_buf());
                        continue;
                    }
                    let bench = inv.benches.iter().find(|b| {
                        artifact.target.name == b.name
                            && artifact.manifest_path.as_std_path() == b.manifest
                    });
                    if let Some(bench) = bench
                        && artifact.target.kind.contains(&TargetKind::Bench)
                        && let Some(exe) = artifact.executable
                    {
                        benches.insert(bench.name.clone(), exe.into_std_path_buf());
                    }
                }
            }
            Ok((artifacts, (executables, benches)))
        },
        |stderr| {
            let mut missing = Vec::new();
            let cell = std::cell::RefCell::new(&mut missing);
            let tail = tail_lines(
                stderr,
                STDERR_TAIL_LINES,
                &|line| match missing_profile_function(line) {
                    Some(f) => {
                        cell.borrow_mut().push(f.to_string());
                        false
                    }
                    None => {
                        on_stderr(line);
                        true
                    }
                },
            )?;
            Ok((tail, missing))
        },
    )
    .with_context(|| format!("running {}", inv.cargo.display()))?;
    let (artifacts, (executables, bench_executables)) = done.stdout;
    let (stderr_tail, missing_profile) = done.stderr;
    Ok(BuildRun {
        outcome: done.outcome,
        usage: done.usage,
        artifacts,
        executables,
        bench_executables,
        stderr_tail,
        missing_profile,
        wrapper_log_written: inv.wrapper_log.exists(),
        units: wrapper::read_log(&inv.wrapper_log),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_tail_survives_invalid_utf8_and_keeps_the_end() {
        let text: &[u8] = b"one\n\xff\xfe bad\nthree\nfour";
        let seen = std::sync::Mutex::new(Vec::new());
        let tail = tail_lines(text, 3, &|l| {
            seen.lock().unwrap().push(l.to_string());
            true
        })
        .unwrap();
        assert_eq!(tail, "\u{fffd}\u{fffd} bad\nthree\nfour");
        assert_eq!(seen.lock().unwrap().len(), 4, "every line is echoed");
    }

    #[test]
    fn missing_profile_warnings_are_counted_and_kept_out_of_the_tail() {
        let text = "   Compiling a v0.1.0\nwarning: a.1f-cgu.0: no profile data available for function _ZN1a1f17h0123456789abcdefE Hash = 10 up to 0 count discarded\n\nwarning: a.1f-cgu.0: function control flow change detected (hash mismatch) _ZN1a1g17h0123456789abcdefE Hash = 11\n\nerror: linking failed\n";
        let missing = std::sync::Mutex::new(Vec::new());
        let tail = tail_lines(
            text.as_bytes(),
            30,
            &|l| match missing_profile_function(l) {
                Some(f) => {
                    missing.lock().unwrap().push(f.to_string());
                    false
                }
                None => true,
            },
        )
        .unwrap();
        assert_eq!(tail, "   Compiling a v0.1.0\nerror: linking failed");
        assert_eq!(
            *missing.lock().unwrap(),
            ["_ZN1a1f17h0123456789abcdefE", "_ZN1a1g17h0123456789abcdefE"]
        );
        assert_eq!(
            missing_profile_function("warning: unused variable: `x`"),
            None
        );
    }
}
