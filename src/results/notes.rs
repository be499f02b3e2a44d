//! What a measure document tells its reader about how it was measured, as
//! data: each note a `kind` with its figures, and beside it the sentence
//! the tool words it in (`text`, for showing; never parse it). The words
//! are `render/notes.rs`'s alone: it registers them in [`WORDING`] (a
//! `linkme` distributed slice, as the exit codes are), so that a note made
//! anywhere carries its sentence without that place knowing the words.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::pipeline::{Functions, Stage};

/// One note: what it is, with its figures, and its sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// What the note says, by `kind`, with its figures.
    #[serde(flatten)]
    pub kind: NoteKind,
    /// The sentence (for showing).
    #[serde(default)]
    pub text: String,
}

impl Note {
    /// The note of `kind`, worded.
    pub fn new(kind: NoteKind) -> Note {
        let text = WORDING.first().map(|w| (w.note)(&kind)).unwrap_or_default();
        Note { kind, text }
    }
}

impl From<NoteKind> for Note {
    fn from(kind: NoteKind) -> Note {
        Note::new(kind)
    }
}

/// How notes and stage failures are worded: `render/notes.rs`'s functions.
pub struct Wording {
    /// A note's sentence.
    pub note: fn(&NoteKind) -> String,
    /// A failed stage's sentence.
    pub failure: fn(&Failure) -> String,
}

/// The wording, registered by `render/notes.rs` (one element).
#[linkme::distributed_slice]
pub static WORDING: [Wording];

/// A failed stage's sentence (empty where no wording is linked).
pub fn failure_text(f: &Failure) -> String {
    WORDING.first().map(|w| (w.failure)(f)).unwrap_or_default()
}

/// What a note says, with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteKind {
    /// The user's rustc wrappers are bypassed while measuring.
    WrapperBypassed {
        /// As found (`RUSTC_WRAPPER=sccache`, …).
        wrappers: Vec<String>,
    },
    /// `build.rustc-workspace-wrapper` is overridden with an empty
    /// `RUSTC_WORKSPACE_WRAPPER`, which changes symbol hashes.
    WorkspaceWrapperBlanked,
    /// Config files beside the project that cargo, run from `cwd`, does
    /// not read.
    UnreadConfigs {
        /// Where cargo runs.
        cwd: PathBuf,
        /// The files not read.
        files: Vec<PathBuf>,
    },
    /// The pipeline configurations were trained with the measured
    /// workloads: their gain is an upper bound.
    TrainedOnWorkloads,
    /// PGO and BOLT configurations of a server are trained with the loads
    /// they are measured with (no `--train-load`).
    ServerTrainedOnLoads,
    /// The metadata's `train` table trained nothing: no pipeline
    /// configuration ran.
    TrainTableUnused,
    /// Several binaries measured, every one of the selected packages'
    /// (neither `--bin` nor `--bins` given).
    EveryBinary {
        /// Their names.
        bins: Vec<String>,
        /// Their packages.
        packages: Vec<String>,
    },
    /// This document is shard `k` of `n`.
    Shard {
        /// This shard.
        k: usize,
        /// Of so many.
        n: usize,
        /// The configurations it measured.
        configurations: Vec<String>,
    },
    /// Configurations linked with gold, which rustc warns about.
    LinkedWithGold {
        /// Them.
        configurations: Vec<String>,
    },
    /// A Cargo.lock that cargo created was removed again.
    LockfileRemoved {
        /// It.
        path: PathBuf,
    },
    /// The counter asked for is not available here: time was measured.
    CounterFallback {
        /// What the probe found, in its words.
        reason: String,
    },
    /// A busy clean build was built again (`--retry-busy`).
    RetriedBusy {
        /// The configuration.
        config: String,
        /// Which clean build (1-based).
        round: usize,
        /// How many times it was built again.
        retried: usize,
    },
    /// A configuration has no link step to show.
    NoLinkStep {
        /// The configuration.
        config: String,
        /// Why.
        why: NoLinkStep,
    },
    /// A configuration's build competed for the CPU: not compared.
    BusyBuild {
        /// The configuration.
        config: String,
        /// Which builds.
        builds: BusyBuilds,
        /// The share of the machine other processes used, 0–1.
        contention: f64,
        /// Above this share a build is busy.
        threshold: f64,
    },
    /// Some of a configuration's clean builds competed for the CPU and
    /// are left out of its median.
    BusyLeftOut {
        /// The configuration.
        config: String,
        /// How many were busy…
        busy: usize,
        /// …of so many.
        of: usize,
        /// The most of the machine other processes used meanwhile, 0–1.
        max_contention: f64,
    },
    /// The filesystem a build wrote to is (nearly) full.
    LowDiskSpace {
        /// The configuration that failed, when one did.
        config: Option<String>,
        /// Where it wrote.
        dir: PathBuf,
        /// Bytes free…
        available_bytes: u64,
        /// …of so many.
        total_bytes: u64,
    },
    /// A pipeline stage failed, and its configuration with it.
    StageFailed {
        /// The configuration.
        config: String,
        /// What failed.
        failure: Failure,
    },
    /// A configuration was built through a pipeline: its other stages.
    Pipeline {
        /// The configuration.
        config: String,
        /// The stages besides its timed build.
        stages: Vec<Stage>,
    },
    /// llvm-bolt kept the original code beside the new.
    BoltKeptOldCode {
        /// The configuration.
        config: String,
        /// llvm-bolt's warning.
        said: String,
    },
    /// A binary BOLT's training never ran: no profile to lay it out by,
    /// so it is measured as linked (stripped as the profile says).
    BoltUntrained {
        /// The configuration.
        config: String,
        /// The binary.
        bin: String,
    },
    /// No unstripped twin for inspect.
    NoTwin {
        /// The configuration.
        config: String,
        /// Why, in the words of the error (or that the code differed).
        why: String,
    },
    /// The instrumentation's slowdown of a PGO configuration.
    Slowdown {
        /// The configuration.
        config: String,
        /// The instrumented binary's median pass over the training, s.
        instrumented_s: f64,
        /// The optimized binary's, s.
        optimized_s: f64,
        /// How many passes each.
        runs: usize,
    },
    /// How well a PGO configuration's profile fits its build.
    Coverage {
        /// The configuration.
        config: String,
        /// The workspace's functions, by what the profile knows.
        workspace: Functions,
        /// Under half with data: the profile does not fit.
        low: bool,
    },
    /// The profile's coverage could not be read.
    CoverageUnknown {
        /// The configuration.
        config: String,
        /// llvm-profdata.
        tool: PathBuf,
        /// What it said.
        said: String,
    },
    /// A repeated clean build failed after the first succeeded.
    RoundFailed {
        /// The configuration.
        config: String,
        /// Which build.
        round: usize,
        /// Of so many.
        runs: usize,
    },
    /// A repeated clean build made a different binary.
    NotReproducible {
        /// The configuration.
        config: String,
        /// Which build.
        round: usize,
    },
    /// Configurations with the same effective settings: built once.
    Identical {
        /// Those not built.
        configurations: Vec<String>,
        /// The one built.
        original: String,
    },
    /// Clean builds carried from an earlier document into a warm one.
    CarriedBuilds {
        /// The configurations.
        configurations: Vec<String>,
        /// The document (its id).
        from: String,
    },
    /// A warm run's configurations with no clean build to carry.
    WarmBuildsOnly {
        /// The configurations.
        configurations: Vec<String>,
        /// Why none was carried.
        why: NoCleanBuild,
    },
    /// A configuration printed other output than the reference.
    OutputDiffers {
        /// The configuration.
        config: String,
        /// The workload.
        workload: String,
        /// The reference was baseline (else the other configurations).
        against_baseline: bool,
        /// Compared as sorted lines.
        as_lines: bool,
    },
    /// Runs that exited non-zero without an instruction count.
    Uncounted {
        /// The configuration.
        config: String,
        /// The workload.
        workload: String,
        /// How many.
        runs: usize,
    },
    /// A failed workload looks like shell syntax run without a shell.
    ShellSyntax {
        /// The workload.
        workload: String,
        /// The word that reached the program.
        word: String,
    },
    /// `--compare-output none`.
    OutputsNotCompared {
        /// The workload.
        workload: String,
    },
    /// stdout changed from run to run: compared as sorted lines.
    ComparedAsLines {
        /// The workload.
        workload: String,
    },
    /// A configuration's output varied: its equivalence cannot be judged.
    OutputVaries {
        /// The configuration.
        config: String,
        /// The workload.
        workload: String,
        /// Even as sorted lines.
        as_lines: bool,
    },
    /// Differences no p-value these few runs allow could confirm.
    TooFewRuns {
        /// Each: configuration, workload, ratio.
        differences: Vec<(String, String, f64)>,
        /// The fewest runs among them.
        runs: usize,
        /// The comparisons of the document.
        comparisons: usize,
        /// The smallest p-value `runs` allow, alone…
        smallest_p: f64,
        /// …and adjusted.
        smallest_adjusted: f64,
        /// The `--runs` that could confirm them.
        runs_needed: usize,
    },
    /// Runs that competed for the CPU: no verdict.
    BusyRuns {
        /// Each: configuration, workload, contention (0–1).
        runs: Vec<(String, String, f64)>,
        /// Above this share a run is busy.
        threshold: f64,
    },
    /// Baseline differed from a copy of itself: no verdict on it.
    TooNoisy {
        /// The workload.
        workload: String,
        /// The A/A ratio.
        ratio: f64,
    },
    /// A bench target listed no benchmark (that the filter kept).
    NoBenchmarks {
        /// The bench target.
        bench: String,
        /// `--bench-filter`, when one was given.
        filter: Option<String>,
    },
    /// `--bench-time` ran out before every round of some benchmarks ran.
    BenchRoundsCut {
        /// The benchmarks cut short…
        benchmarks: usize,
        /// …of those run.
        of: usize,
        /// The fewest rounds one of them ran…
        fewest: usize,
        /// …of those asked for (`--runs`).
        asked: usize,
        /// The median wall seconds of a run of a bench binary (the
        /// harness's own warm-up, measuring and analysis: a project's code
        /// may set longer ones than the tool asks for).
        run_s: f64,
        /// About what every round of every benchmark would take, seconds.
        needed_s: f64,
    },
    /// The bench profile ranks the configurations otherwise than the
    /// shipped one (`--bench-profile`).
    BenchProfileMisleads {
        /// The bench profile.
        profile: String,
        /// Each (benchmark, configuration) judged better on one profile
        /// and worse on the other.
        flips: Vec<(String, String)>,
        /// The mean Kendall tau of the benchmarks' rankings.
        mean_tau: Option<f64>,
        /// Below it the rankings are said to disagree.
        threshold: f64,
    },
    /// Benchmarks of BOLT configurations run the bench binary as cargo
    /// linked it: BOLT rewrites the measured binaries only.
    BenchNotBolted {
        /// The configurations.
        configurations: Vec<String>,
    },
    /// Servers that ignored SIGTERM for the stop timeout and were killed
    /// (SIGKILL); their load runs still count.
    ServerKilled {
        /// The configurations (or the A/A copy).
        configurations: Vec<String>,
        /// The stop timeout, seconds.
        stop_timeout_s: f64,
    },
    /// Instructions per request were asked for (`--counter instructions`)
    /// and cannot be counted for the server: why.
    ServerUncounted {
        /// Why.
        reason: String,
    },
    /// Shards merged into one document.
    Merged {
        /// The documents (their ids), baseline's first.
        ids: Vec<String>,
    },
}

/// Why a configuration has no link step to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoLinkStep {
    /// `--warm`, and nothing had changed: no rustc ran.
    NothingChanged,
    /// The rustc wrapper left no log.
    NoWrapperLog,
    /// cargo did not recompile the binary crate.
    NotRecompiled {
        /// The binary.
        bin: String,
    },
}

/// Which builds of a configuration were busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusyBuilds {
    /// Its warm build.
    Warm,
    /// Its one clean build.
    Clean,
    /// Every one of its clean builds.
    EveryClean,
}

/// Why a warm run carried no clean build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoCleanBuild {
    /// No earlier clean sweep of the project is in the results directory.
    NoEarlierSweep,
    /// None built the same binary with the same settings on this machine
    /// and toolchain.
    NoSameBinary,
}

/// What failed in a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// PGO's instrumented build.
    InstrumentedBuild,
    /// A training run with an instrumented binary.
    TrainingRun {
        /// The workload.
        workload: String,
        /// Its exit code.
        exit_code: i32,
        /// With BOLT's instrumented binary (else PGO's).
        bolt: bool,
    },
    /// The training wrote no profile.
    NoProfile {
        /// BOLT's (else PGO's).
        bolt: bool,
    },
    /// llvm-profdata could not merge the raw profiles.
    Merge {
        /// It.
        tool: PathBuf,
    },
    /// llvm-bolt could not instrument the binary.
    BoltInstrument,
    /// merge-fdata could not merge BOLT's profiles.
    MergeFdata,
    /// llvm-bolt could not optimize the binary.
    BoltOptimize,
    /// llvm-strip could not strip BOLT's output.
    Strip,
    /// llvm-objcopy could not shorten over-long symbol names for BOLT, or
    /// give them back.
    RenameSymbols,
    /// cargo could not build the bench targets with its settings.
    BenchBuild {
        /// The bench targets.
        benches: Vec<String>,
    },
}
