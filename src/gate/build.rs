//! The gate's build rows: a clean build against the baseline's, held to
//! the CIs when both sides have enough builds, and a pipeline's stages
//! under it.

use super::{relative, row};
use crate::results::advice::BUILD_CI_MIN_BUILDS;
use crate::results::gate::{Note, Outcome, Row, Unit};
use crate::results::measure::{Build, Configuration};

/// The stages of a pipeline, old against new, under the `build` row that
/// judges their sum (none for two plain builds): each stage before the
/// timed build, the timed build (`profile-use-build` under PGO), then
/// BOLT's. A stage only one side ran has no figure on the other.
pub(super) fn stage_rows(
    name: &str,
    (old, ob): (&Configuration, &Build),
    (new, nb): (&Configuration, &Build),
) -> Vec<Row> {
    use crate::results::pipeline::{PipelineStep, Stage, StageName};
    if old.pipeline.is_empty() && new.pipeline.is_empty() {
        return Vec::new();
    }
    let pgo = |c: &Configuration| {
        crate::results::pipeline::steps(&c.pipeline).contains(&PipelineStep::Pgo)
    };
    let timed = if pgo(old) || pgo(new) {
        StageName::ProfileUseBuild
    } else {
        StageName::Build
    };
    // every stage either side ran, in the order stages run, the timed
    // build among them
    let names: Vec<StageName> = StageName::ORDER
        .into_iter()
        .filter(|n| {
            *n == timed
                || old
                    .pipeline
                    .iter()
                    .chain(&new.pipeline)
                    .any(|s| s.stage == *n)
        })
        .collect();
    let figure = |c: &Configuration, b: &Build, stage: StageName| {
        if stage == timed {
            Some(b.wall_s)
        } else {
            Stage::named(&c.pipeline, stage).map(|s| s.wall_s)
        }
    };
    names
        .into_iter()
        .map(|stage| {
            let (o, n) = (figure(old, ob, stage), figure(new, nb, stage));
            Row {
                old: o,
                new: n,
                unit: Some(Unit::Seconds),
                change: o.zip(n).filter(|(o, _)| *o > 0.0).map(|(o, n)| n / o - 1.0),
                outcome: Outcome::Stage,
                notes: vec![Note::PipelineStage],
                ..row(name, &format!("build:{stage}"))
            }
        })
        .collect()
}

/// The build row of two comparable clean builds: a relative check, held
/// to the CIs when both sides have enough builds (a build is slower only
/// when its CI lies above the baseline's).
/// `(build, stages)`: a clean build and the seconds of the pipeline stages
/// before it (0 for a plain build), which the figure includes.
pub(super) fn build_row(
    name: &str,
    (old, old_stages): (&Build, f64),
    (new, new_stages): (&Build, f64),
    limit: f64,
) -> Row {
    let mut r = relative(
        name,
        "build",
        Unit::Seconds,
        (old.wall_s + old_stages, new.wall_s + new_stages),
        limit,
    );
    let builds = (old.used_samples().len(), new.used_samples().len());
    if builds.0.max(builds.1) <= 1 {
        r.notes.insert(0, Note::OneCleanBuildEach);
        return r;
    }
    if builds.0.min(builds.1) >= BUILD_CI_MIN_BUILDS
        && let (Some(x), Some(y)) = (old.wall_s_ci, new.wall_s_ci)
        && r.outcome == Outcome::Fail
        && y[0] + new_stages <= x[1] + old_stages
    {
        r.outcome = Outcome::Pass;
        r.notes = vec![Note::BuildWithinNoise {
            change: r.change.unwrap_or(0.0),
            limit,
        }];
    }
    r.notes.insert(
        0,
        Note::CleanBuilds {
            baseline_builds: builds.0,
            new_builds: builds.1,
        },
    );
    r
}
