//! The seam between measuring and the measure document: every domain value
//! that enters the document is converted here, field by field, into the
//! published types of `results::measure`. A rename on either side shows up
//! here as a compile error, never silently in the output. (Workloads, run
//! plans, counters and statistics need no conversion: the runtime and
//! `stats` work in the document's own types.)

use std::path::Path;

use crate::build::wrapper::UnitRecord;
use crate::inspect::sections::SectionSizes;
use crate::process::Usage;
use crate::profile::resolve::Resolved;
use crate::results::measure::{self as doc, Counter, Plan};

/// A resolved profile.
pub fn profile(resolved: &Resolved) -> doc::Profile {
    resolved
        .iter()
        .map(|(key, v)| {
            (
                key.name().to_string(),
                doc::Setting {
                    value: v.value.to_string(),
                    source: v.source.clone(),
                },
            )
        })
        .collect()
}

/// One rustc invocation the wrapper logged.
pub fn unit(record: &UnitRecord) -> doc::Unit {
    doc::Unit {
        crate_name: record.crate_name.clone(),
        package: record.package.clone(),
        version: record.version.clone(),
        crate_types: record.crate_types.clone(),
        wall_s: record.usage.wall_s,
        cpu_s: record.usage.cpu_s,
        peak_rss_bytes: record.usage.peak_rss_bytes,
    }
}

/// A timed step.
pub fn step(usage: &Usage) -> doc::Step {
    doc::Step {
        wall_s: usage.wall_s,
        cpu_s: usage.cpu_s,
        peak_rss_bytes: usage.peak_rss_bytes,
    }
}

/// Binary target `bin`'s binary at `path` with its section sizes.
pub fn binary(bin: &str, path: &Path, sizes: SectionSizes) -> doc::Binary {
    doc::Binary {
        bin: bin.to_string(),
        path: path.to_path_buf(),
        size_bytes: sizes.size_bytes,
        shipped_bytes: sizes.shipped_bytes,
        sections: sizes.sections,
        symbols: sizes.symbols,
        sha256: Some(sizes.sha256),
        symbols_from: None,
        stripped_symbols_bytes: None,
    }
}

/// A binary target measured.
pub fn bin(target: &crate::workspace::BinTarget) -> doc::Bin {
    doc::Bin {
        name: target.name.clone(),
        package: target.package.clone(),
        version: target.version.clone(),
    }
}

/// How the workloads were run.
pub fn runtime_plan(plan: &Plan, counter: Counter, source: String) -> doc::RuntimePlan {
    doc::RuntimePlan {
        plan: *plan,
        counter,
        counter_source: source,
    }
}
