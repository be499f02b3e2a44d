//! The CI gate's answer: what `cargo lto check` compared between a baseline
//! document and a new one, and what passed or failed (docs/ci.md).

use serde::{Deserialize, Serialize};

/// The thresholds given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// `--max-size`: the largest allowed relative growth of the file (0.03 = +3%).
    pub max_size: Option<f64>,
    /// `--max-shipped-size`: of the shipped bytes.
    pub max_shipped_size: Option<f64>,
    /// `--max-runtime`: of a workload's median, when significantly slower.
    pub max_runtime: Option<f64>,
    /// `--max-build-time`: of the clean build's wall time.
    pub max_build_time: Option<f64>,
    /// `--max-link-memory`: bytes the link step's peak may reach.
    pub max_link_memory_bytes: Option<u64>,
    /// `--allow-cross-host`: compare times measured on different machines.
    pub allow_cross_host: bool,
}

/// What became of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Within the limit.
    Pass,
    /// Over the limit: the gate fails.
    Fail,
    /// Not compared; `note` says why.
    Skipped,
}

/// One comparison of one configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Configuration name.
    pub config: String,
    /// `size`, `shipped`, `build`, `link_memory`, `runtime:<workload>`, or
    /// `status`.
    pub check: String,
    /// The baseline's figure (bytes, seconds, or the median).
    pub old: Option<f64>,
    /// The new figure.
    pub new: Option<f64>,
    /// What `old` and `new` count: `bytes`, `seconds`, `instructions`, or
    /// empty.
    pub unit: String,
    /// new / old − 1 (for runtime, the ratio of medians − 1).
    pub change: Option<f64>,
    /// The limit, as given.
    pub limit: String,
    /// Pass, fail or skipped.
    pub outcome: Outcome,
    /// Why it failed or was skipped, or the runtime's statistics.
    pub note: String,
}

/// `cargo lto check`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The baseline document's id.
    pub baseline_id: String,
    /// The new document's id.
    pub new_id: String,
    /// The two were measured on the same machine (CPU model, cores,
    /// memory, OS).
    pub same_host: bool,
    /// The limits.
    pub limits: Limits,
    /// Every comparison, by configuration.
    pub rows: Vec<Row>,
    /// Things to know (another host, another toolchain, …).
    pub notes: Vec<String>,
    /// A row failed: exit 1.
    pub failed: bool,
}
