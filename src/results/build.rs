//! A configuration's build figures in the measure document: its clean
//! builds (one, or several with `--build-runs`), the rustc invocations, the
//! link step and the rebuild. Re-exported by `results::measure`, whose
//! `Configuration` holds them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Build measurements: one or more clean builds (`--build-runs`) and one
/// rebuild. With several, `wall_s`, `cpu_s`, `peak_rss_bytes` and
/// `contention` are the medians of the quiet ones (of all, when every one
/// was busy), and `units` and `link` are the first build's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// Wall-clock seconds of the clean `cargo build`.
    pub wall_s: f64,
    /// User + system CPU seconds of cargo and every process it ran.
    pub cpu_s: f64,
    /// Peak RSS of the largest single process during the build, bytes.
    pub peak_rss_bytes: u64,
    /// Every clean build, in the order built (empty in documents older
    /// than `--build-runs`).
    #[serde(default)]
    pub samples: Vec<BuildSample>,
    /// A confidence interval of `wall_s`'s median from the samples it is
    /// the median of: their order statistics (docs/results-schema.md);
    /// null with fewer than 2.
    #[serde(default)]
    pub wall_s_ci: Option<[f64; 2]>,
    /// The coverage of `wall_s_ci` (0.75 for 3 builds: with so few, the
    /// range is the interval, and this says how sure it is).
    #[serde(default)]
    pub wall_s_ci_level: Option<f64>,
    /// True when the build directory was reused (`--warm`).
    pub warm: bool,
    /// Every rustc invocation, in start order.
    pub units: Vec<Unit>,
    /// The final binary crate's rustc invocation: its compile, LTO and
    /// link. With several binaries, the largest of each figure over their
    /// link steps (the longest, the most CPU, the highest peak).
    pub link: Option<Step>,
    /// With several binaries: each one's link step, by binary target
    /// (empty with one).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub links: BTreeMap<String, Step>,
    /// Wall seconds of the rebuild after bumping the binary crate root's mtime.
    pub rebuild_wall_s: Option<f64>,
    /// CPU seconds of that rebuild.
    pub rebuild_cpu_s: Option<f64>,
    /// The final rustc invocation of the rebuild (with several binaries,
    /// the largest of each figure, as `link`).
    pub rebuild_link: Option<Step>,
    /// Why the rebuild has no figure, if it has none.
    pub rebuild_error: Option<String>,
    /// The share of the machine's CPU time other processes used during the
    /// clean build, 0–1 (null where `/proc/stat` could not be read).
    #[serde(default)]
    pub contention: Option<f64>,
    /// The share the hypervisor stole meanwhile, 0–1.
    #[serde(default)]
    pub steal: Option<f64>,
    /// `contention` above the busy threshold: the build competed for the
    /// CPU, and its time is not compared.
    #[serde(default)]
    pub busy: bool,
    /// The contention during the rebuild.
    #[serde(default)]
    pub rebuild_contention: Option<f64>,
    /// The id of the document whose clean build this is: a `--warm` run
    /// whose binary was byte-identical to one an earlier sweep of the
    /// project built clean, with the same settings, on the same machine
    /// and toolchain, takes that build's figures (its own warm build is
    /// then in the configuration's `warm_build`). Null: measured here.
    #[serde(default)]
    pub carried_from: Option<String>,
}

/// One clean build of a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BuildSample {
    /// When it started, seconds since the Unix epoch.
    pub started_unix_s: f64,
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// User + system CPU seconds of cargo and every process it ran.
    pub cpu_s: f64,
    /// Peak RSS of the largest single process, bytes.
    pub peak_rss_bytes: u64,
    /// The share of the machine other processes used meanwhile, 0–1.
    pub contention: Option<f64>,
    /// `contention` above the busy threshold: left out of the median.
    pub busy: bool,
}

impl Step {
    /// The largest of each figure of `steps` (None for none): the link
    /// figure of several binaries.
    pub fn largest<'a>(steps: impl IntoIterator<Item = &'a Step>) -> Option<Step> {
        steps.into_iter().copied().reduce(|a, b| Step {
            wall_s: a.wall_s.max(b.wall_s),
            cpu_s: a.cpu_s.max(b.cpu_s),
            peak_rss_bytes: a.peak_rss_bytes.max(b.peak_rss_bytes),
        })
    }
}

impl Build {
    /// The samples the figures are the median of: the quiet ones, or all
    /// when every one was busy.
    pub fn used_samples(&self) -> Vec<&BuildSample> {
        let quiet: Vec<&BuildSample> = self.samples.iter().filter(|s| !s.busy).collect();
        if quiet.is_empty() {
            self.samples.iter().collect()
        } else {
            quiet
        }
    }
}

/// One rustc invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// `--crate-name`.
    pub crate_name: String,
    /// Package name, when cargo said.
    pub package: Option<String>,
    /// Package version.
    pub version: Option<String>,
    /// `--crate-type` values.
    pub crate_types: Vec<String>,
    /// Wall seconds.
    pub wall_s: f64,
    /// CPU seconds, rustc and the linker it ran.
    pub cpu_s: f64,
    /// Peak RSS of rustc or its largest child, bytes.
    pub peak_rss_bytes: u64,
}

/// One timed step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Wall seconds.
    pub wall_s: f64,
    /// CPU seconds.
    pub cpu_s: f64,
    /// Peak RSS, bytes.
    pub peak_rss_bytes: u64,
}
