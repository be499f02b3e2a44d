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
    /// final (optimized, not instrumented) binary, once each after its
    /// build; `wall_s` over this is the instrumentation's slowdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimized_s: Option<f64>,
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
    /// The stage named `stage` of `stages`.
    pub fn named<'a>(stages: &'a [Stage], stage: &str) -> Option<&'a Stage> {
        stages.iter().find(|s| s.stage == stage)
    }
}
