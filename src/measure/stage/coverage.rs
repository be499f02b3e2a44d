//! How well a PGO configuration's profile fits its build, after the link:
//! the functions of the workspace's crates the profile has data for
//! (`llvm-profdata show`), and those the profile-use build compiled
//! without (`-pgo-warn-missing-function`, counted by `build::run`).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use super::{Ctx, Flow, Phase};
use crate::measure::resolved::MeasurePlan;
use crate::process::{Wait, read_all, run_piped};
use crate::results::measure::Status;
use crate::results::notes::{Note, NoteKind};
use crate::results::pipeline::{Coverage as Covered, Functions};

/// The profile's coverage of a PGO configuration's timed build.
pub struct Coverage;

impl super::Stage for Coverage {
    fn name(&self) -> &'static str {
        "pgo coverage"
    }

    fn phase(&self) -> Phase {
        Phase::AfterLink
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        ctx.profile.is_some() && ctx.plan.profdata.is_some() && ctx.entry.status == Status::Ok
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let (Some(profdata), Some(profile)) = (&ctx.plan.profdata, &ctx.profile) else {
            return Ok(Flow::Next);
        };
        record_coverage(
            ctx.plan,
            (profdata, profile),
            &ctx.missing_profile,
            &mut ctx.entry,
            &mut ctx.notes,
        )?;
        Ok(Flow::Next)
    }
}

/// The functions a profile has data for, from `llvm-profdata show
/// --all-functions --counts`: each name (mangled; a local function's is
/// prefixed `<module>;`) and whether the training ran it.
pub fn profile_functions(show: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for line in show.lines() {
        if let Some(name) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' '))
            .and_then(|l| l.strip_suffix(':'))
        {
            let name = name.rsplit(';').next().unwrap_or(name);
            out.push((name.to_string(), false));
        } else if let Some(counts) = line.trim_start().strip_prefix("Block counts: ")
            && let Some(last) = out.last_mut()
        {
            last.1 = counts
                .trim_matches(['[', ']'])
                .split(',')
                .any(|c| c.trim().parse::<u64>().is_ok_and(|n| n > 0));
        }
    }
    out
}

/// The profile's coverage of the build: functions with data (from the
/// profile) and without (`missing`, from the profile-use build's
/// warnings), for the workspace's crates (`members`) and for all.
pub fn coverage(functions: &[(String, bool)], missing: &[String], members: &[String]) -> Covered {
    use std::collections::BTreeMap;
    let ours = |mangled: &str| {
        let (_, krate) = crate::inspect::attribution::crate_of_symbol(mangled, true);
        members.contains(&krate)
    };
    let mut with: BTreeMap<&str, bool> = BTreeMap::new();
    for (name, ran) in functions {
        *with.entry(name.as_str()).or_default() |= ran;
    }
    let without: std::collections::BTreeSet<&str> = missing.iter().map(String::as_str).collect();
    let mut c = Covered {
        workspace: Functions::default(),
        all: Functions::default(),
    };
    // a function the build warned about has no usable data, whatever
    // the profile holds under its name (a hash mismatch)
    for (name, ran) in with.into_iter().filter(|(n, _)| !without.contains(n)) {
        let mine = ours(name);
        for f in std::iter::once(&mut c.all).chain(mine.then_some(&mut c.workspace)) {
            f.with_data += 1;
            f.executed += usize::from(ran);
        }
    }
    for name in without {
        c.all.without_data += 1;
        c.workspace.without_data += usize::from(ours(name));
    }
    c
}

/// Reads `profile`'s functions with `profdata` and sets `result`'s
/// coverage from them and the profile-use build's `missing` warnings; a
/// note says what it is, and warns when it is too low to fit.
pub fn record_coverage(
    plan: &MeasurePlan,
    (profdata, profile): (&Path, &Path),
    missing: &[String],
    result: &mut crate::results::measure::Configuration,
    notes: &mut Vec<Note>,
) -> Result<()> {
    let mut cmd = Command::new(profdata);
    cmd.args(["show", "--all-functions", "--counts"])
        .arg(profile);
    let done = run_piped(&mut cmd, Wait::Blocking, read_all, read_all)
        .with_context(|| format!("running {}", profdata.display()))?;
    if !done.outcome.success() {
        notes.push(
            NoteKind::CoverageUnknown {
                config: result.name.clone(),
                tool: profdata.to_path_buf(),
                said: String::from_utf8_lossy(&done.stderr).trim().to_string(),
            }
            .into(),
        );
        return Ok(());
    }
    let functions = profile_functions(&String::from_utf8_lossy(&done.stdout));
    let c = coverage(&functions, missing, &plan.project.member_crates);
    notes.extend(coverage_note(&result.name, &c));
    result.pgo_coverage = Some(c);
    Ok(())
}

/// Below this share of the workspace's functions with profile data, the
/// profile does not fit the build.
pub const LOW_COVERAGE: f64 = 0.5;

/// What the coverage says: the figures, and a LOW COVERAGE warning with
/// its likely cause when the profile does not fit (nothing when no
/// function of the workspace's was compiled).
pub fn coverage_note(name: &str, c: &Covered) -> Option<Note> {
    let share = c.workspace.share()?;
    Some(
        NoteKind::Coverage {
            config: name.to_string(),
            workspace: c.workspace,
            low: share < LOW_COVERAGE,
        }
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOW: &str = "Counters:
  _ZN3app4main17h0000000000000001E:
    Hash: 0x0209aa3e1d398548
    Counters: 2
    Block counts: [0, 15]
  app.1f-cgu.2;_ZN3app4cold17h0000000000000002E:
    Hash: 0x0a4d0ad3efffffff
    Counters: 1
    Block counts: [0]
  _ZN4core3ptr13drop_in_place17h0000000000000003E:
    Hash: 0x0ae15a43ac976867
    Counters: 1
    Block counts: [7]
  _ZN3app7changed17h0000000000000004E:
    Hash: 0x0ae15a43ac976867
    Counters: 1
    Block counts: [7]
Instrumentation level: IR  entry_first = 0
Functions shown: 4
";

    #[test]
    fn the_profiles_functions_and_whether_the_training_ran_them() {
        assert_eq!(
            profile_functions(SHOW),
            [
                ("_ZN3app4main17h0000000000000001E".to_string(), true),
                ("_ZN3app4cold17h0000000000000002E".to_string(), false),
                (
                    "_ZN4core3ptr13drop_in_place17h0000000000000003E".to_string(),
                    true
                ),
                ("_ZN3app7changed17h0000000000000004E".to_string(), true),
            ]
        );
    }

    #[test]
    fn coverage_counts_the_workspaces_functions_and_a_mismatch_as_without_data() {
        let missing = [
            // the profile has it, but for other code (a hash mismatch)
            "_ZN3app7changed17h0000000000000004E".to_string(),
            "_ZN3app3new17h0000000000000005E".to_string(),
            "_ZN4core3fmt5write17h0000000000000006E".to_string(),
        ];
        let c = coverage(&profile_functions(SHOW), &missing, &["app".to_string()]);
        let f = |with_data, executed, without_data| Functions {
            with_data,
            executed,
            without_data,
        };
        assert_eq!(c.workspace, f(2, 1, 2));
        assert_eq!(c.all, f(3, 2, 3));
        let note = coverage_note("p", &c).unwrap().text;
        assert!(note.starts_with("`p`: the profile covers 50% of your crates' functions: 2 with profile data (1 of them run by the training), 2 compiled without"), "{note}");
        // one more without data: below half, the warning with its causes
        let mut low = c.clone();
        low.workspace.without_data += 1;
        let note = coverage_note("p", &low).unwrap().text;
        assert!(
            note.starts_with("LOW COVERAGE: `p`: the profile covers 40%"),
            "{note}"
        );
        assert!(note.contains("Likely causes: a build script"), "{note}");
        // nothing of the workspace's compiled: nothing to say
        let none = coverage(&[], &[], &["app".to_string()]);
        assert_eq!(coverage_note("p", &none), None);
    }
}
