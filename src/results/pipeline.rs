//! The stages of a configuration built through a pipeline (`pgo = "on"`):
//! what each took, so that a PGO build's cost is the whole pipeline's.

use serde::{Deserialize, Serialize};

/// A step of the release pipeline past cargo's build, as the profile keys
/// of the same names turn it on (`pgo = "on"`, `bolt = "on"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PipelineStep {
    /// Profile-guided optimization: an instrumented build, a training, a
    /// build with the merged profile.
    Pgo,
    /// BOLT over the linked binary: instrumented, trained, laid out.
    Bolt,
}

impl PipelineStep {
    /// Every step, in the order a pipeline runs them.
    pub const ALL: [PipelineStep; 2] = [PipelineStep::Pgo, PipelineStep::Bolt];

    /// Its name, as the profile key and the document spell it.
    pub fn name(self) -> &'static str {
        match self {
            PipelineStep::Pgo => "pgo",
            PipelineStep::Bolt => "bolt",
        }
    }

    /// The step of this name.
    pub fn by_name(name: &str) -> Option<PipelineStep> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A stage of a configuration's build, as the document names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageName {
    /// PGO's build with `-Cprofile-generate`.
    InstrumentedBuild,
    /// PGO's training runs with the instrumented binary.
    Training,
    /// `llvm-profdata merge`.
    Merge,
    /// The timed build of a configuration without PGO (never in
    /// `pipeline`: it is the configuration's `build`).
    Build,
    /// The timed build with the merged profile, under PGO (never in
    /// `pipeline` either).
    ProfileUseBuild,
    /// `llvm-bolt -instrument`.
    BoltInstrument,
    /// BOLT's training runs.
    BoltTraining,
    /// `merge-fdata`, `llvm-bolt` and `llvm-strip`.
    BoltOptimize,
}

impl StageName {
    /// The stages in the order they run, the timed build (`Build`, or
    /// `ProfileUseBuild` under PGO) between PGO's and BOLT's.
    pub const ORDER: [StageName; 8] = [
        StageName::InstrumentedBuild,
        StageName::Training,
        StageName::Merge,
        StageName::Build,
        StageName::ProfileUseBuild,
        StageName::BoltInstrument,
        StageName::BoltTraining,
        StageName::BoltOptimize,
    ];

    /// Its name, as the document spells it.
    pub fn name(self) -> &'static str {
        match self {
            StageName::InstrumentedBuild => "instrumented-build",
            StageName::Training => "training",
            StageName::Merge => "merge",
            StageName::Build => "build",
            StageName::ProfileUseBuild => "profile-use-build",
            StageName::BoltInstrument => "bolt-instrument",
            StageName::BoltTraining => "bolt-training",
            StageName::BoltOptimize => "bolt-optimize",
        }
    }

    /// The pipeline step it belongs to (None: the timed build).
    pub fn step(self) -> Option<PipelineStep> {
        match self {
            StageName::InstrumentedBuild | StageName::Training | StageName::Merge => {
                Some(PipelineStep::Pgo)
            }
            StageName::Build | StageName::ProfileUseBuild => None,
            StageName::BoltInstrument | StageName::BoltTraining | StageName::BoltOptimize => {
                Some(PipelineStep::Bolt)
            }
        }
    }

    /// The timed build's name for a configuration with these stages:
    /// `profile-use-build` under PGO, else `build`.
    pub fn timed(stages: &[Stage]) -> StageName {
        if steps(stages).contains(&PipelineStep::Pgo) {
            StageName::ProfileUseBuild
        } else {
            StageName::Build
        }
    }
}

impl std::fmt::Display for StageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// `instrumented-build`, `training`, `merge`, `bolt-instrument`,
    /// `bolt-training`, `bolt-optimize` (the timed build is the
    /// configuration's `build`).
    pub stage: StageName,
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

/// The steps a pipeline ran, in their order (empty for a plain build).
pub fn steps(stages: &[Stage]) -> Vec<PipelineStep> {
    PipelineStep::ALL
        .into_iter()
        .filter(|step| stages.iter().any(|s| s.stage.step() == Some(*step)))
        .collect()
}

/// The steps a pipeline ran, for a figure's mark: `pgo`, `bolt`,
/// `pgo+bolt` (None for a plain build).
pub fn mark(stages: &[Stage]) -> Option<String> {
    let steps = steps(stages);
    (!steps.is_empty()).then(|| steps.iter().map(|s| s.name()).collect::<Vec<_>>().join("+"))
}

impl Stage {
    /// A stage with its wall, CPU and peak figures, nothing else yet.
    pub fn new(stage: StageName, wall_s: f64, cpu_s: f64, peak_rss_bytes: u64) -> Stage {
        Stage {
            stage,
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
    pub fn named(stages: &[Stage], stage: StageName) -> Option<&Stage> {
        stages.iter().find(|s| s.stage == stage)
    }
}
