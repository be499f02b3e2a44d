//! The orchestrator: every configuration in turn, each in its own target
//! directory under `<target-dir>/cargo-lto/<config>/`, through the
//! per-configuration stages of `stage::REGISTRY`; then the stages over
//! every configuration. The document is saved after each unit of work.
//!
//! The user's tree is never written, not even a file's times:
//! configurations are config-only custom profiles passed with `--config`,
//! and the rebuild is forced by removing the binary crate's fingerprint in
//! the configuration's own build directory.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use super::builder::{cargo_command, tool_dir};
use super::resolved::{MeasurePlan, Planned};
use super::stage::{Ctx, Flow, REGISTRY, Sweep, entry};
use crate::progress::Progress;
use crate::results::measure::{self as doc, MeasureDocument, Status};
use crate::results::notes::{Note, NoteKind};

/// The entry of `config`, identical to the measured `original`: its
/// figures, its own name, settings and command.
fn identical(
    plan: &MeasurePlan,
    config: &Planned,
    original: &doc::Configuration,
) -> doc::Configuration {
    let dir = tool_dir(&plan.project).join(config.name());
    let mut command = vec![plan.cargo.display().to_string()];
    command.extend(cargo_command(plan, config, &dir));
    let own = entry(config, command, BTreeMap::new());
    doc::Configuration {
        name: own.name,
        settings: own.settings,
        effective: own.effective,
        command: own.command,
        measurement_env: own.measurement_env,
        identical_to: Some(original.name.clone()),
        ..original.clone()
    }
}

/// One note per group of identical configurations.
fn identical_notes(doc: &MeasureDocument) -> Vec<Note> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in &doc.configurations {
        if let Some(original) = &c.identical_to {
            groups.entry(original).or_default().push(c.name.clone());
        }
    }
    groups
        .into_iter()
        .map(|(original, configurations)| {
            NoteKind::Identical {
                configurations,
                original: original.to_string(),
            }
            .into()
        })
        .collect()
}

/// Measures one configuration through the per-configuration stages, until
/// the last or one that ends it; returns its entry and its notes. Errors
/// are the tool's own (I/O); a failing build is a result with a failed
/// status.
pub fn measure_one(
    plan: &MeasurePlan,
    config: &Planned,
    progress: &Progress,
    expected_units: usize,
) -> Result<(doc::Configuration, Vec<Note>)> {
    let mut ctx = Ctx::new(plan, config, progress, expected_units);
    for stage in REGISTRY.iter().filter(|s| s.phase().per_configuration()) {
        if !stage.applies(&ctx) {
            continue;
        }
        let flow = stage
            .run(&mut ctx)
            .with_context(|| format!("`{}`, {}", config.name(), stage.name()))?;
        if flow == Flow::Stop {
            break;
        }
    }
    let Ctx {
        entry, notes, bar, ..
    } = ctx;
    match entry.status {
        Status::Ok => bar.finish_built("done", entry.whole_build_s()),
        status => bar.finish(&format!("{status:?}").to_lowercase()),
    }
    Ok((entry, notes))
}

/// Measures every configuration into `doc`, then runs the stages over all
/// of them, calling `save` after each unit of work. A failing
/// configuration does not stop the others; Ctrl-C does.
pub fn run(
    plan: &MeasurePlan,
    doc: &mut MeasureDocument,
    progress: &Progress,
    save: &dyn Fn(&MeasureDocument) -> Result<()>,
    earlier: &[MeasureDocument],
) -> Result<()> {
    let mut expected = plan.project.unit_estimate;
    for config in &plan.configs {
        let original = config
            .identical_to
            .as_ref()
            .and_then(|o| doc.config(o).cloned());
        if let Some(original) = original {
            doc.configurations.push(identical(plan, config, &original));
            progress.config_done();
            save(doc)?;
            continue;
        }
        let (measured, notes) = measure_one(plan, config, progress, expected)?;
        if let Some(b) = &measured.build
            && measured.status == Status::Ok
        {
            expected = b.units.len().max(1);
        }
        progress.config_done();
        let interrupted = measured.status == Status::Interrupted;
        doc.configurations.push(measured);
        doc.notes.extend(notes);
        save(doc)?;
        if interrupted {
            break;
        }
    }
    doc.notes.extend(identical_notes(doc));
    save(doc)?;
    let mut sweep = Sweep {
        plan,
        doc,
        progress,
        save,
        earlier,
    };
    for stage in REGISTRY.iter().filter(|s| !s.phase().per_configuration()) {
        if stage.applies_to_sweep(&sweep) {
            stage.run_sweep(&mut sweep).context(stage.name())?;
        }
    }
    Ok(())
}
