//! The machine and toolchain a sweep ran on, for the results document:
//! absolute times mean nothing without them.

use std::path::Path;
use std::process::Command;

use crate::results::measure::{Machine, SourceRevision, Toolchain};

/// Reads CPU model, core count and memory (Linux /proc; "unknown" elsewhere).
pub fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name") || l.starts_with("Model"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_bytes = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024);
    Machine {
        cpu_model,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_bytes,
        os: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

fn output_of(program: &Path, args: &[&str], dir: &Path) -> String {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// `rustc -vV` and `cargo -V` as cargo would run them from `dir`
/// (so that a rust-toolchain file there is honoured).
pub fn toolchain(cargo: &Path, dir: &Path) -> Toolchain {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Toolchain {
        rustc_vv: output_of(Path::new(&rustc), &["-vV"], dir),
        cargo_v: output_of(cargo, &["-V"], dir),
    }
}

/// The git revision of `dir`'s checkout and whether tracked files differ
/// from it; None outside git, without git, or when the project's
/// Cargo.toml is not tracked there (a copy inside another repository's
/// ignored directory is not that repository's).
pub fn source_revision(dir: &Path) -> Option<SourceRevision> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    git(&["ls-files", "--error-unmatch", "Cargo.toml"])?;
    let commit = git(&["rev-parse", "HEAD"])?;
    let status = git(&["status", "--porcelain", "--untracked-files=no"])?;
    Some(SourceRevision {
        commit,
        dirty: !status.is_empty(),
    })
}
