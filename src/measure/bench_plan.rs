//! What `validate` resolves of the benchmarks: the filter and budget
//! (`--bench-filter`, `--bench-time`, the metadata's keys), the bench
//! targets a PGO training names, and each configuration's twin on
//! `--bench-profile`.

use anyhow::Result;

use crate::error::UsageError;
use crate::workspace::Project;

/// Each configuration's twin built on the bench profile `profile`
/// (`--bench-profile`), which must be another profile that resolves, and
/// benchmarks to compare by.
pub(super) fn twins(
    project: &Project,
    cwd: &std::path::Path,
    configs: &[super::resolved::Planned],
    profile: &str,
    base_profile: &str,
) -> Result<Vec<super::resolved::Planned>> {
    let bad = |message: String| UsageError::Syntax {
        origin: format!("--bench-profile {profile}"),
        message,
    };
    if project.benches.is_empty() {
        return Err(bad(
            "compares benchmarks, and none is measured: add --bench NAME or --benches".into(),
        )
        .into());
    }
    if profile == base_profile {
        return Err(bad(format!(
            "is the profile every configuration builds on already (--base-profile {base_profile})"
        ))
        .into());
    }
    if !crate::metadata::valid_name(profile) {
        return Err(bad("is not a profile name".into()).into());
    }
    let resolved = match super::resolve_base(project, cwd, profile) {
        Ok(base) => base.resolved,
        Err(e) => match e.downcast::<super::Error>() {
            Ok(super::Error::BaseProfile { source, .. }) => {
                return Err(bad(source.to_string()).into());
            }
            Ok(other) => return Err(other.into()),
            Err(e) => return Err(e),
        },
    };
    Ok(super::resolved::plan_twins(configs, profile, &resolved))
}

/// The bench targets the metadata's `train` tables name, each a bench
/// target of the selected packages with a harness the tool can run.
pub(super) fn training_benches(project: &Project) -> Result<Vec<crate::workspace::BenchTarget>> {
    let mut out: Vec<crate::workspace::BenchTarget> = Vec::new();
    for (name, origin) in super::runtime::workload::bench_training_from_metadata(&project.metadata)
    {
        let Some(b) = project.bench_targets.iter().find(|b| b.target.name == name) else {
            let names: Vec<String> = project
                .bench_targets
                .iter()
                .map(|b| format!("`{}`", b.target.name))
                .collect();
            return Err(UsageError::Syntax {
                origin,
                message: format!(
                    "`bench = \"{name}\"` names no bench target of the measured packages ({})",
                    if names.is_empty() {
                        "they have none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            }
            .into());
        };
        super::stage::bench::harness::expected(b)?;
        if !out.contains(b) {
            out.push(b.clone());
        }
    }
    Ok(out)
}

/// The benchmarks' filter and budget: the command line's, else the last
/// metadata table's, else none and 2 minutes; a filter that is not a
/// regular expression, or one with no bench target to filter, is an error.
pub(super) fn bench_spec(
    rt: &super::RuntimeRequest,
    project: &Project,
) -> Result<Option<super::resolved::BenchSpec>> {
    let from_metadata = |get: &dyn Fn(&crate::metadata::Table) -> Option<String>| {
        project
            .metadata
            .iter()
            .filter_map(|s| Some((get(&s.table)?, format!("{} ", s.origin))))
            .next_back()
    };
    let filter = match &rt.bench_filter {
        Some(f) => Some((f.clone(), String::new())),
        None => from_metadata(&|t| t.bench_filter.clone()),
    };
    let budget = match rt.bench_time {
        Some(t) => Some((t, String::new())),
        None => project
            .metadata
            .iter()
            .filter_map(|s| Some((s.table.bench_time?, format!("{} ", s.origin))))
            .next_back()
            .map(|(secs, origin)| (std::time::Duration::from_secs_f64(secs.max(0.0)), origin)),
    };
    if project.benches.is_empty() {
        if let Some((_, origin)) = filter.as_ref().filter(|(_, o)| o.is_empty()) {
            return Err(UsageError::Syntax {
                origin: format!("{origin}--bench-filter"),
                message: "filters benchmarks, and no bench target is measured: add --bench NAME or --benches".into(),
            }
            .into());
        }
        return Ok(None);
    }
    let filter = match filter {
        Some((text, origin)) => {
            Some(
                regex_lite::Regex::new(&text).map_err(|e| UsageError::Syntax {
                    origin: format!("{origin}bench-filter `{text}`"),
                    message: format!("not a regular expression: {e}"),
                })?,
            )
        }
        None => None,
    };
    let budget = match budget {
        Some((t, origin)) if t.is_zero() => {
            return Err(UsageError::Syntax {
                origin: format!("{origin}bench-time"),
                message: "must be positive".into(),
            }
            .into());
        }
        Some((t, _)) => t,
        None => std::time::Duration::from_secs(120),
    };
    Ok(Some(super::resolved::BenchSpec { filter, budget }))
}
