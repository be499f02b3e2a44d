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
}

impl Stage {
    /// The stage named `stage` of `stages`.
    pub fn named<'a>(stages: &'a [Stage], stage: &str) -> Option<&'a Stage> {
        stages.iter().find(|s| s.stage == stage)
    }
}
