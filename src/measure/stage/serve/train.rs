//! Training a pipeline configuration (PGO, BOLT) with the server: its
//! instrumented binary started as the server, the training loads run
//! against it, and stopped. A server that does not handle SIGTERM dies of
//! it without running its exit hooks, and so writes no profile
//! (docs/facts.md § server-profile); the server is therefore started with
//! a small library preloaded whose constructor makes SIGTERM call
//! `exit(0)`, so LLVM's profile writer (and BOLT's) runs. A server that
//! installs its own SIGTERM handler replaces it, and exits as it would.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::RealRunner;
use super::rounds::Runner;
use crate::measure::resolved::MeasurePlan;
use crate::measure::runtime::workload::Binaries;

/// The preloaded library's source: SIGTERM becomes `exit(0)`.
const SIGTERM_EXIT: &str = r#"//! cargo-lto's training library: preloaded into a server being trained,
//! it makes SIGTERM call exit(0), so that the profile runtime's exit hook
//! writes the profile (docs/facts.md § server-profile).
#![no_std]
unsafe extern "C" {
    fn signal(signum: i32, handler: usize) -> usize;
    fn exit(code: i32) -> !;
}
extern "C" fn on_term(_: i32) {
    unsafe { exit(0) }
}
extern "C" fn install() {
    unsafe { signal(15, on_term as *const () as usize) };
}
#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL: extern "C" fn() = install;
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
"#;

/// What a training with the server took: wall and CPU seconds (the
/// loads' and the server's), the server's peak RSS.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trained {
    pub wall_s: f64,
    pub cpu_s: f64,
    pub peak_rss_bytes: u64,
}

/// Trains with the server: `exe`'s server started with the SIGTERM
/// library preloaded, the training loads run, stopped. `Ok(Err)`: the
/// training failed (a load's name, an exit code, the sentence).
pub fn train(plan: &MeasurePlan, exe: &Binaries) -> Result<Result<Trained, (String, i32, String)>> {
    let Some(spec) = &plan.serve else {
        return Ok(Ok(Trained::default()));
    };
    let dir = crate::measure::builder::tool_dir(&plan.project).join("serve");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let library = match sigterm_library(&dir) {
        Ok(l) => l,
        Err(e) => {
            return Ok(Err(("server".into(), 0, format!("{e:#}"))));
        }
    };
    let mut runner = RealRunner {
        spec,
        loads: &spec.train_loads,
        timeout: plan.options.timeout,
        dir,
        env: vec![("LD_PRELOAD".into(), library.display().to_string())],
    };
    let names: Vec<String> = spec.train_loads.iter().map(|l| l.name.clone()).collect();
    let started = runner.start("training", exe, &names, false)?;
    if let Some((sentence, code)) = started.failure {
        return Ok(Err(("server".into(), code, sentence)));
    }
    let mut t = Trained::default();
    for run in started.runs.values() {
        t.wall_s += run.wall_s;
        t.cpu_s += run.server_cpu_s.unwrap_or(0.0);
        t.peak_rss_bytes = t.peak_rss_bytes.max(run.peak_rss_bytes.unwrap_or(0));
    }
    Ok(Ok(t))
}

/// The SIGTERM library in `dir`, built with rustc once.
fn sigterm_library(dir: &Path) -> Result<PathBuf> {
    let lib = dir.join("libcargo_lto_sigterm_exit.so");
    let src = dir.join("sigterm_exit.rs");
    if lib.is_file() && std::fs::read_to_string(&src).is_ok_and(|s| s == SIGTERM_EXIT) {
        return Ok(lib);
    }
    let part = dir.join(format!("sigterm_exit.{}.so", std::process::id()));
    std::fs::write(&src, SIGTERM_EXIT).with_context(|| format!("writing {}", src.display()))?;
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(&rustc)
        .args([
            "--crate-type",
            "cdylib",
            "--edition",
            "2024",
            "-C",
            "panic=abort",
            "-O",
            "-o",
        ])
        .arg(&part)
        .arg(&src)
        .output()
        .with_context(|| {
            format!(
                "running {} to build the SIGTERM library",
                rustc.to_string_lossy()
            )
        })?;
    anyhow::ensure!(
        out.status.success(),
        "building the library that lets a trained server write its profile on SIGTERM failed:\n{}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    std::fs::rename(&part, &lib).with_context(|| format!("moving it to {}", lib.display()))?;
    Ok(lib)
}
