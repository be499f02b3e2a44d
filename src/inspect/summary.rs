//! The inspect document's seam: a read binary becomes its `BinaryReport`
//! (sizes per crate, cross-crate calls, duplicate code), and two of them a
//! `DiffReport`. Every list is kept whole; renderers choose how many rows
//! to show.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Result;

use super::attribution::Attributor;
use super::calls::{self, CodeFacts};
use super::crates::STD_CRATES;
use super::diff::{by_name, missing};
use super::symbols::{self, Binary};
use crate::results::inspect::{
    BinaryReport, CallTargets, Callee, CallsReport, CrateDiff, CratePair, CrateSize, DiffReport,
    DuplicateGroup, DuplicatesReport, FunctionChange, Total,
};

/// A binary read and analysed.
pub struct Analysed {
    /// What was read.
    pub binary: Binary,
    pub report: BinaryReport,
}

/// Reads and summarizes the binary at `path`, shown as `name`; its
/// symbols from `twin`, an unstripped twin of the same code, when given.
/// `workspace` names the workspace's member crates (empty: unknown).
pub fn summarize(
    name: &str,
    path: &Path,
    twin: Option<&Path>,
    by: &Attributor,
    workspace: &[String],
) -> Result<Analysed> {
    let binary = symbols::read(twin.unwrap_or(path), by)?;
    let mut unavailable = Vec::new();
    if binary.stripped {
        unavailable.push(
            "the binary has no symbol table (stripped): size per crate, the diff, cross-crate calls and duplicates need symbols; build with strip = \"none\" or \"debuginfo\"".to_string(),
        );
    }
    let code = match calls::unsupported(&binary) {
        Some(why) => {
            unavailable.push(why);
            None
        }
        None if binary.stripped => None,
        None => Some(calls::scan(&binary)),
    };

    let (text_sizes, unattributed_bytes) = binary.size_by_crate();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &binary.functions {
        *counts.entry(f.krate.as_str()).or_default() += 1;
    }
    let mut crates: Vec<CrateSize> = text_sizes
        .iter()
        .map(|(name, bytes)| CrateSize {
            name: name.clone(),
            text_bytes: *bytes,
            rodata_bytes: binary.rodata_by_crate.get(name).copied().unwrap_or(0),
            functions: counts.get(name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    crates.sort_by(|a, b| {
        b.text_bytes
            .cmp(&a.text_bytes)
            .then_with(|| a.name.cmp(&b.name))
    });

    let calls = code.as_ref().map(|c| calls_report(&binary, c, workspace));
    let duplicates = code.as_ref().map(|c| duplicates_report(&binary, c));
    let (units, units_unattributed_bytes) = match &binary.by_unit {
        Some((sizes, rest)) => {
            let mut v: Vec<CrateSize> = sizes
                .iter()
                .map(|(name, bytes)| CrateSize {
                    name: name.clone(),
                    text_bytes: *bytes,
                    rodata_bytes: 0,
                    functions: 0,
                })
                .collect();
            v.sort_by(|a, b| {
                b.text_bytes
                    .cmp(&a.text_bytes)
                    .then_with(|| a.name.cmp(&b.name))
            });
            (Some(v), Some(*rest))
        }
        None => (None, None),
    };
    let report = BinaryReport {
        bin: None,
        units,
        units_unattributed_bytes,
        name: name.to_string(),
        path: path.display().to_string(),
        symbols_from: twin.map(|t| t.display().to_string()),
        architecture: format!("{:?}", binary.architecture),
        text_bytes: binary.text_size(),
        rodata_bytes: binary.rodata_size,
        stripped: binary.stripped,
        crates,
        unattributed_bytes,
        functions: binary.functions.len(),
        calls,
        duplicates,
        unavailable,
    };
    Ok(Analysed { binary, report })
}

fn calls_report(binary: &Binary, facts: &CodeFacts, workspace: &[String]) -> CallsReport {
    let mut pairs: BTreeMap<(&str, &str), HashMap<&str, usize>> = BTreeMap::new();
    let mut cross = 0;
    let mut into = CallTargets {
        workspace: (!workspace.is_empty()).then_some(0),
        ..CallTargets::default()
    };
    for e in &facts.edges {
        let (Some(caller), Some(callee)) = (
            binary.functions.get(e.caller),
            binary.functions.get(e.callee),
        ) else {
            continue;
        };
        if caller.krate != callee.krate {
            cross += 1;
            let to = callee.krate.as_str();
            match into.workspace.as_mut() {
                Some(n) if workspace.iter().any(|w| w == to) => *n += 1,
                _ if STD_CRATES.contains(&to) => into.std += 1,
                _ => into.other += 1,
            }
            *pairs
                .entry((caller.krate.as_str(), callee.krate.as_str()))
                .or_default()
                .entry(callee.name.as_str())
                .or_default() += 1;
        }
    }
    let mut pairs: Vec<CratePair> = pairs
        .into_iter()
        .map(|((from, to), callees)| {
            let mut top_callees: Vec<Callee> = callees
                .into_iter()
                .map(|(name, call_sites)| Callee {
                    name: name.to_string(),
                    call_sites,
                })
                .collect();
            top_callees.sort_by(|a, b| {
                b.call_sites
                    .cmp(&a.call_sites)
                    .then_with(|| a.name.cmp(&b.name))
            });
            let call_sites = top_callees.iter().map(|c| c.call_sites).sum();
            CratePair {
                from: from.to_string(),
                to: to.to_string(),
                call_sites,
                top_callees,
            }
        })
        .collect();
    pairs.sort_by(|a, b| {
        b.call_sites
            .cmp(&a.call_sites)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    CallsReport {
        call_sites: facts.edges.len(),
        cross_crate_call_sites: cross,
        pairs,
        into: Some(into),
    }
}

fn duplicates_report(binary: &Binary, facts: &CodeFacts) -> DuplicatesReport {
    let mut groups: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, f) in binary.functions.iter().enumerate() {
        if let Some(h) = facts.hashes.get(i) {
            groups.entry((*h, f.size)).or_default().push(i);
        }
    }
    let mut groups: Vec<(u64, Vec<usize>)> = groups
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|((_, size), v)| (size, v))
        .collect();
    groups.sort_by(|a, b| {
        let saved = |g: &(u64, Vec<usize>)| g.0 * (g.1.len() as u64 - 1);
        saved(b).cmp(&saved(a)).then_with(|| a.1.cmp(&b.1))
    });
    let foldable_bytes = groups
        .iter()
        .map(|(size, v)| size * (v.len() as u64 - 1))
        .sum();
    DuplicatesReport {
        groups: groups.len(),
        functions: groups.iter().map(|(_, v)| v.len()).sum(),
        foldable_bytes,
        top: groups
            .iter()
            .map(|(size, members)| DuplicateGroup {
                bytes: *size,
                count: members.len(),
                names: members
                    .iter()
                    .take(4)
                    .map(|&i| binary.functions[i].name.clone())
                    .collect(),
            })
            .collect(),
    }
}

fn change(name: String, p: super::diff::Presence) -> FunctionChange {
    FunctionChange {
        name,
        krate: p.krate,
        bytes: p.bytes,
        count: p.count,
        clone: p.clone,
    }
}

/// Compares `base` with `against`; every vanished and appeared function is
/// listed (renderers show the top ones).
pub fn diff(base: &Analysed, against: &Analysed) -> DiffReport {
    let a = by_name(&base.binary);
    let b = by_name(&against.binary);
    let vanished_all = missing(&a, &b);
    let appeared_all = missing(&b, &a);
    let total = |v: &[(String, super::diff::Presence)]| Total {
        count: v.iter().map(|(_, p)| p.count).sum(),
        bytes: v.iter().map(|(_, p)| p.bytes).sum(),
    };
    let mut crates: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for c in &base.report.crates {
        crates.entry(c.name.clone()).or_default().0 = c.text_bytes;
    }
    for c in &against.report.crates {
        crates.entry(c.name.clone()).or_default().1 = c.text_bytes;
    }
    let mut crates: Vec<CrateDiff> = crates
        .into_iter()
        .map(|(name, (base_bytes, against_bytes))| CrateDiff {
            name,
            base_bytes,
            against_bytes,
        })
        .collect();
    crates.sort_by_key(|c| std::cmp::Reverse((c.base_bytes as i64 - c.against_bytes as i64).abs()));
    DiffReport {
        bin: base.report.bin.clone(),
        base: base.report.name.clone(),
        against: against.report.name.clone(),
        crates,
        vanished_total: total(&vanished_all),
        appeared_total: total(&appeared_all),
        vanished: vanished_all
            .into_iter()
            .map(|(n, p)| change(n, p))
            .collect(),
        appeared: appeared_all
            .into_iter()
            .map(|(n, p)| change(n, p))
            .collect(),
        cross_crate_call_sites: base
            .report
            .calls
            .as_ref()
            .zip(against.report.calls.as_ref())
            .map(|(x, y)| (x.cross_crate_call_sites, y.cross_crate_call_sites)),
    }
}
