//! A configuration is measured as a list of stages over one context: what
//! comes before its build (PGO's instrumented build, training and merge),
//! the build, what comes after the link (coverage, BOLT), what reads the
//! binary (its sections, the unstripped twin, the instrumentation's
//! slowdown) and what follows (the rebuild); then, over every
//! configuration at once, the repeated builds, the runs at run time and
//! the verdicts. Each stage is a file of this folder implementing
//! [`Stage`], registered once in [`REGISTRY`]; the orchestrator
//! (`sweep.rs`) is a loop over them (CodSpeed's runner: one `Executor`
//! trait, one folder per instrument). docs/architecture.md, "Adding a kind
//! of measurement", walks through adding one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

use super::resolved::{MeasurePlan, Planned};
use super::runtime::workload::Binaries;
use crate::progress::{ConfigBar, Progress};
use crate::results::measure::{self as doc, MeasureDocument, Status};
use crate::results::notes::{Note, NoteKind, failure_text};

pub mod bench;
pub mod bolt;
mod build;
mod carried;
mod coverage;
pub mod pgo;
mod rebuild;
mod rounds;
mod sections;
pub mod serve;
mod twin;
mod workloads;

/// Where a stage runs. The first five run for one configuration at a
/// time, in this order; the others once over every configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Before its build: what the build needs (a trained profile).
    BeforeBuild,
    /// Its timed clean build.
    Build,
    /// On what cargo linked, before the binary is measured (a profile's
    /// coverage, BOLT's rewrite).
    AfterLink,
    /// On the binary measured.
    OnBinary,
    /// After the binary (the rebuild).
    AfterBinary,
    /// Over every configuration built: more rounds of builds.
    Rounds,
    /// Over the document, after every build (figures carried from
    /// earlier results).
    AfterBuilds,
    /// Over every configuration's binary, interleaved: the runs.
    AtRunTime,
    /// Over the document, after the runs (the verdicts).
    AfterRuns,
}

impl Phase {
    /// True for a phase that runs for one configuration at a time.
    pub fn per_configuration(self) -> bool {
        self <= Phase::AfterBinary
    }
}

/// What the orchestrator does after a stage of one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// On to the next stage.
    Next,
    /// The configuration ended here (it failed, or was stopped): its
    /// other stages do not run.
    Stop,
}

/// One step of measuring. A per-configuration stage implements `run`, a
/// stage over every configuration `run_sweep`; `applies` says whether it
/// has anything to do.
pub trait Stage: Sync {
    /// Its name, for tests and messages.
    fn name(&self) -> &'static str;
    /// Where it runs.
    fn phase(&self) -> Phase;
    /// Whether it runs for this configuration.
    fn applies(&self, _ctx: &Ctx) -> bool {
        true
    }
    /// Runs it for one configuration.
    fn run(&self, _ctx: &mut Ctx) -> Result<Flow> {
        Ok(Flow::Next)
    }
    /// Whether it runs over this sweep.
    fn applies_to_sweep(&self, _sweep: &Sweep) -> bool {
        true
    }
    /// Runs it over every configuration.
    fn run_sweep(&self, _sweep: &mut Sweep) -> Result<()> {
        Ok(())
    }
}

/// Every stage, in the order they run (phases in order: a test checks).
pub static REGISTRY: &[&dyn Stage] = &[
    &pgo::Training,
    &build::CleanBuild,
    &coverage::Coverage,
    &bolt::Bolt,
    &sections::Sections,
    &twin::Twin,
    &pgo::Slowdown,
    &bench::BenchBuild,
    &rebuild::Rebuild,
    &rounds::Rounds,
    &carried::CleanBuilds,
    &workloads::Workloads,
    &bench::Benchmarks,
    &serve::Servers,
    &carried::Verdicts,
    &bench::SUMMARIES,
];

/// A stage that failed: the configuration fails, with this first.
#[derive(Debug)]
pub struct Failed {
    /// What failed.
    pub failure: crate::results::notes::Failure,
    pub exit_code: Option<i32>,
    /// The failing program's last lines.
    pub stderr_tail: Option<String>,
    /// The stages run, the failed one last.
    pub stages: Vec<crate::results::pipeline::Stage>,
}

/// One configuration's measurement in progress: the plan, the resolved
/// configuration, its entry in the document as the stages fill it, its
/// progress bar and notes, and what one stage hands the next.
pub struct Ctx<'p> {
    pub plan: &'p MeasurePlan,
    pub config: &'p Planned,
    pub progress: &'p Progress,
    pub bar: ConfigBar,
    /// What the reader must know, for the document's notes.
    pub notes: Vec<Note>,
    /// Its entry in the document.
    pub entry: doc::Configuration,
    /// Rustflags the stages before the build add (`-Cprofile-use`).
    pub flags: Vec<String>,
    /// PGO's merged profile, once trained.
    pub profile: Option<PathBuf>,
    /// PGO's instrumented binaries, for the slowdown.
    pub instrumented: Option<Binaries>,
    /// The directory of its builds.
    pub target_dir: Option<PathBuf>,
    /// The wrapper's log of its clean build (for the unstripped twin).
    pub clean_log: Option<PathBuf>,
    /// Functions its profile-use build compiled without profile data.
    pub missing_profile: Vec<String>,
    /// What cargo linked, by binary target.
    pub executables: BTreeMap<String, PathBuf>,
    /// The binaries measured (BOLT's output, or what cargo linked).
    pub binaries: Binaries,
    /// The same binaries unstripped, where stripping removed their symbols
    /// (BOLT's output before `llvm-strip`), by binary target.
    pub unstripped: BTreeMap<String, PathBuf>,
}

impl<'p> Ctx<'p> {
    /// A context for `config`, its entry as it stands before anything
    /// ran, its bar expecting about `expected_units` units.
    pub fn new(
        plan: &'p MeasurePlan,
        config: &'p Planned,
        progress: &'p Progress,
        expected_units: usize,
    ) -> Ctx<'p> {
        Ctx {
            entry: entry(config, Vec::new(), Default::default()),
            bar: progress.start_config(config.name(), expected_units),
            plan,
            config,
            progress,
            notes: Vec::new(),
            flags: Vec::new(),
            profile: None,
            instrumented: None,
            target_dir: None,
            clean_log: None,
            missing_profile: Vec::new(),
            executables: BTreeMap::new(),
            binaries: Binaries::default(),
            unstripped: BTreeMap::new(),
        }
    }

    /// What echoes a line of cargo's output (`-vv`; nothing otherwise).
    pub fn echo(&self) -> impl Fn(&str) + Sync + 'p {
        let (progress, verbose) = (self.progress, self.plan.options.verbose);
        move |line: &str| {
            if verbose {
                progress.println(line);
            }
        }
    }

    /// The configuration's name.
    pub fn name(&self) -> &str {
        self.config.name()
    }

    /// A stage failed: the configuration fails with its sentence first and
    /// the tool's last lines after, the stages so far recorded.
    pub fn failed(&mut self, failed: Failed) -> Flow {
        let message = failure_text(&failed.failure);
        self.notes.push(
            NoteKind::StageFailed {
                config: self.name().to_string(),
                failure: failed.failure,
            }
            .into(),
        );
        self.entry.status = Status::Failed;
        self.entry.exit_code = failed.exit_code;
        self.entry.stderr_tail = Some(match failed.stderr_tail {
            Some(tail) if !tail.is_empty() => format!("{message}\n{tail}"),
            _ => message,
        });
        self.entry.pipeline.extend(failed.stages);
        Flow::Stop
    }
}

/// A configuration's entry before anything was built.
pub fn entry(
    config: &Planned,
    command: Vec<String>,
    measurement_env: BTreeMap<String, String>,
) -> doc::Configuration {
    doc::Configuration {
        name: config.name().to_string(),
        settings: config.settings().to_map(),
        effective: super::record::profile(&config.effective),
        command,
        measurement_env,
        status: Status::Ok,
        exit_code: None,
        stderr_tail: None,
        build: None,
        warm_build: None,
        binaries: Vec::new(),
        series: Vec::new(),
        identical_to: None,
        machine: None,
        pgo_coverage: None,
        pipeline: Vec::new(),
        benches: Vec::new(),
        bench_summary: None,
        twin: config
            .twin
            .as_ref()
            .map(|(of, profile)| crate::results::bench::ProfileTwin {
                of: of.clone(),
                profile: profile.clone(),
            }),
    }
}

/// The sweep over every configuration, for the stages that run once.
pub struct Sweep<'a> {
    pub plan: &'a MeasurePlan,
    pub doc: &'a mut MeasureDocument,
    pub progress: &'a Progress,
    /// Saves the document (after each finished unit of work).
    pub save: &'a dyn Fn(&MeasureDocument) -> Result<()>,
    /// The project's earlier documents, newest first.
    pub earlier: &'a [MeasureDocument],
}

impl Sweep<'_> {
    /// True when Ctrl-C (or SIGTERM) stopped the sweep, or a configuration.
    pub fn stopped(&self) -> bool {
        self.doc.interrupted() || crate::process::interrupted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry runs the phases in order, per-configuration ones first.
    #[test]
    fn the_registry_is_in_phase_order() {
        let phases: Vec<Phase> = REGISTRY.iter().map(|s| s.phase()).collect();
        let mut sorted = phases.clone();
        sorted.sort();
        assert_eq!(phases, sorted);
        let names: Vec<&str> = REGISTRY.iter().map(|s| s.name()).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique, "each stage once");
    }
}
