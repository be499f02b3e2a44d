//! The stages of a configuration built through a pipeline (`pgo = "on"`):
//! what each took, so that a PGO build's cost is the whole pipeline's.

use serde::{Deserialize, Serialize};

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// `instrumented-build`, `training`, `merge` (the timed
    /// `profile-use-build` is the configuration's `build`).
    pub stage: String,
    /// Wall time in seconds.
    pub wall_s: f64,
    /// User + system CPU seconds of the stage's processes.
    pub cpu_s: f64,
    /// The largest process's peak resident memory in bytes.
    pub peak_rss_bytes: u64,
    /// For training: the raw profile files written, and their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<(usize, u64)>,
    /// For training: the same runs' wall seconds with the configuration's
    /// final (optimized, not instrumented) binary after its build, the
    /// median of `slowdown_runs` passes (one in older documents, where
    /// `wall_s` over this is the slowdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimized_s: Option<f64>,
    /// For training: the median of the instrumented binary's passes over
    /// the training runs (this stage's the first), alternated with the
    /// optimized binary's; `instrumented_s / optimized_s` is the slowdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrumented_s: Option<f64>,
    /// How many passes each of those medians is of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowdown_runs: Option<usize>,
}

/// Functions of a group of crates, by what the profile knows of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Functions {
    /// In the profile (`llvm-profdata show`): the instrumented build's
    /// functions that have counters.
    pub with_data: usize,
    /// Of those, the ones the training ran at least once.
    pub executed: usize,
    /// Compiled by the profile-use build without profile data (rustc's
    /// `no profile data available for function` and hash-mismatch
    /// warnings): the profile does not know them.
    pub without_data: usize,
}

impl Functions {
    /// `with_data` over every function compiled, when any was.
    pub fn share(&self) -> Option<f64> {
        let all = self.with_data + self.without_data;
        (all > 0).then(|| self.with_data as f64 / all as f64)
    }
}

/// How well a PGO configuration's profile fits its build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The workspace's own crates.
    pub workspace: Functions,
    /// Every crate (std's and the dependencies' code included).
    pub all: Functions,
}

/// What building a configuration took besides its timed build: the
/// stages' wall and CPU seconds, and the largest peak RSS among them.
pub fn cost(stages: &[Stage]) -> (f64, f64, Option<u64>) {
    (
        stages.iter().map(|s| s.wall_s).sum(),
        stages.iter().map(|s| s.cpu_s).sum(),
        stages.iter().map(|s| s.peak_rss_bytes).max(),
    )
}

/// The steps a pipeline ran, for a figure's mark: `pgo`, `bolt` or
/// `pgo+bolt` (None for a plain build).
pub fn steps(stages: &[Stage]) -> Option<&'static str> {
    let pgo = stages.iter().any(|s| s.stage == "instrumented-build");
    let bolt = stages.iter().any(|s| s.stage.starts_with("bolt-"));
    match (pgo, bolt) {
        (true, true) => Some("pgo+bolt"),
        (true, false) => Some("pgo"),
        (false, true) => Some("bolt"),
        (false, false) => None,
    }
}

impl Stage {
    /// A stage with its wall, CPU and peak figures, nothing else yet.
    pub fn new(stage: &str, wall_s: f64, cpu_s: f64, peak_rss_bytes: u64) -> Stage {
        Stage {
            stage: stage.into(),
            wall_s,
            cpu_s,
            peak_rss_bytes,
            profiles: None,
            optimized_s: None,
            instrumented_s: None,
            slowdown_runs: None,
        }
    }

    /// The stage named `stage` of `stages`.
    pub fn named<'a>(stages: &'a [Stage], stage: &str) -> Option<&'a Stage> {
        stages.iter().find(|s| s.stage == stage)
    }
}
