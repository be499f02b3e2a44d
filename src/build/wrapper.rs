//! `cargo-lto` acting as `RUSTC_WRAPPER`: it runs rustc exactly as cargo asked
//! and appends one JSON line per invocation (crate, wall, CPU, peak RSS) to
//! the log named by [`LOG_ENV`].
//!
//! Cargo calls a wrapper as `wrapper /path/to/rustc ARGS…`, also for its
//! `-vV` and `--print` probes, and arguments may sit in `@argfile`s. Every
//! argument, stdin, stdout and stderr pass through untouched; the wrapper only
//! reads the arguments to label its record. Calls without `--crate-name`
//! (the probes) are passed through and not recorded.

use std::ffi::{OsStr, OsString};
use std::fs::OpenOptions;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::process::{Outcome, Usage, wait_blocking};

/// Set to a file path, it turns the `cargo-lto` binary into a rustc wrapper.
pub const LOG_ENV: &str = "CARGO_LTO_WRAPPER_LOG";

/// One rustc invocation, as the wrapper logged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRecord {
    /// `--crate-name`.
    pub crate_name: String,
    /// `--crate-type` values (`lib`, `rlib`, `bin`, `proc-macro`, …).
    pub crate_types: Vec<String>,
    /// The package cargo compiled (`CARGO_PKG_NAME`), if set.
    pub package: Option<String>,
    /// Its version (`CARGO_PKG_VERSION`).
    pub version: Option<String>,
    /// True for `--test` builds.
    pub test: bool,
    /// rustc's exit code (or -signal).
    pub exit_code: i32,
    /// Seconds since the Unix epoch when rustc started (orders the log).
    pub started_unix_s: f64,
    /// Wall, CPU, peak RSS of rustc and the linker it ran.
    #[serde(flatten)]
    pub usage: Usage,
}

/// Arguments with `@file`s expanded (one argument per line, as rustc reads them).
fn expand(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for arg in args {
        match arg.strip_prefix('@').map(std::fs::read_to_string) {
            Some(Ok(text)) => out.extend(text.lines().map(str::to_string)),
            _ => out.push(arg.clone()),
        }
    }
    out
}

/// Labels a rustc invocation from its arguments; `None` for probes.
pub fn label(args: &[String]) -> Option<(String, Vec<String>, bool)> {
    let args = expand(args);
    // Cargo's `--print=file-names` probe names a dummy crate `___`.
    if args.iter().any(|a| a.starts_with("--print")) {
        return None;
    }
    let mut name = None;
    let mut types = Vec::new();
    let mut test = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--crate-name" {
            name = iter.next().cloned();
        } else if let Some(v) = arg.strip_prefix("--crate-name=") {
            name = Some(v.to_string());
        } else if arg == "--crate-type" {
            if let Some(v) = iter.next() {
                types.extend(v.split(',').map(str::to_string));
            }
        } else if let Some(v) = arg.strip_prefix("--crate-type=") {
            types.extend(v.split(',').map(str::to_string));
        } else if arg == "--test" {
            test = true;
        }
    }
    name.map(|n| (n, types, test))
}

/// Runs rustc (`args[0]`) with the rest, logs, and returns the exit code to use.
pub fn run(log: &OsStr, args: &[OsString]) -> i32 {
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("cargo-lto: {LOG_ENV} is set but no rustc path was given");
        return 101;
    };
    let rustc_name = rustc.to_string_lossy();
    let started_unix_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let start = Instant::now();
    let child = match Command::new(rustc).args(rest).spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("cargo-lto (rustc wrapper): cannot run {rustc_name}: {err}");
            return 101;
        }
    };
    let (outcome, usage) = match wait_blocking(&child, start) {
        Ok(done) => done,
        Err(err) => {
            eprintln!("cargo-lto (rustc wrapper): waiting for rustc: {err}");
            return 101;
        }
    };
    let exit_code = outcome.exit_code();
    let text_args: Vec<String> = rest
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some((crate_name, crate_types, test)) = label(&text_args) {
        // a stripped binary: its invocation, for an unstripped twin (twin.rs)
        let expanded = expand(&text_args);
        if exit_code == 0
            && !test
            && crate_types.iter().any(|t| t == "bin")
            && std::env::var(super::twin::SAVE_ENV)
                .is_ok_and(|list| list.split(',').any(|c| c == crate_name))
            && super::twin::strips_symbols(&expanded)
            && let Err(err) = super::twin::save(
                std::path::Path::new(log),
                &crate_name,
                std::path::Path::new(rustc),
                &expanded,
            )
        {
            eprintln!("cargo-lto (rustc wrapper): {err:#}");
        }
        let record = UnitRecord {
            crate_name,
            crate_types,
            package: std::env::var("CARGO_PKG_NAME").ok(),
            version: std::env::var("CARGO_PKG_VERSION").ok(),
            test,
            exit_code,
            started_unix_s,
            usage,
        };
        // One write of one line to an O_APPEND file: concurrent rustc's do not interleave.
        if let Ok(mut line) = serde_json::to_vec(&record) {
            line.push(b'\n');
            let written = OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .and_then(|mut f| f.write_all(&line));
            if let Err(err) = written {
                eprintln!(
                    "cargo-lto (rustc wrapper): cannot append to {}: {err}",
                    log.to_string_lossy()
                );
            }
        }
    }
    match outcome {
        Outcome::Signalled(sig) => {
            // Die the way rustc died, so cargo reports it faithfully.
            // SAFETY: resetting a handler and signalling ourselves.
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                libc::raise(sig);
            }
            128 + sig
        }
        _ => exit_code,
    }
}

/// Reads a wrapper log; lines that do not parse are skipped.
pub fn read_log(path: &std::path::Path) -> Vec<UnitRecord> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut records: Vec<UnitRecord> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    records.sort_by(|a, b| a.started_unix_s.total_cmp(&b.started_unix_s));
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn labels_plain_and_argfile_invocations() {
        let l = label(&s(&[
            "--crate-name",
            "app",
            "--edition=2024",
            "--crate-type",
            "bin",
        ]));
        assert_eq!(l, Some(("app".into(), vec!["bin".into()], false)));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("args");
        std::fs::write(
            &file,
            "--crate-name\nmath_utils\n--crate-type\nlib\n--test\n",
        )
        .unwrap();
        let l = label(&[format!("@{}", file.display())]);
        assert_eq!(l, Some(("math_utils".into(), vec!["lib".into()], true)));
    }

    #[test]
    fn probes_are_not_units() {
        assert_eq!(label(&s(&["-vV"])), None);
        assert_eq!(
            label(&s(&["-", "--crate-name", "___", "--print=file-names"])),
            None
        );
    }
}
