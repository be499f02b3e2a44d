//! Which packages and binaries to measure, as `cargo build` picks them
//! from `-p`, `--bin` and `--bins`, and what the project around them is.

use std::collections::{BTreeSet, HashMap};

use anyhow::Result;
use cargo_metadata::{Metadata, Package, PackageId, TargetKind};

use super::{BenchTarget, BinTarget, CargoFlags, Chosen, Error, Project, TargetCfg};
use crate::metadata;

fn has_kind(p: &Package, kind: &TargetKind) -> bool {
    p.targets.iter().any(|t| t.kind.contains(kind))
}

fn bins(p: &Package) -> Vec<&cargo_metadata::Target> {
    p.targets
        .iter()
        .filter(|t| t.kind.contains(&TargetKind::Bin))
        .collect()
}

/// The packages to measure: `-p`'s, else the root package, else the
/// workspace's default members that have a binary (or, when benchmarks
/// are asked for, a bench target).
fn packages<'m>(
    metadata: &'m Metadata,
    flags: &CargoFlags,
    benches: bool,
) -> Result<Vec<&'m Package>> {
    let members: Vec<&Package> = metadata.workspace_packages();
    if !flags.package.is_empty() {
        let mut chosen: Vec<&Package> = Vec::new();
        for name in &flags.package {
            let p = members
                .iter()
                .copied()
                .find(|p| p.name.as_str() == name)
                .ok_or_else(|| {
                    let members = members.iter().map(|p| p.name.to_string()).collect();
                    let name = name.clone();
                    Error::NotAMember { name, members }
                })?;
            if !chosen.iter().any(|c| c.id == p.id) {
                chosen.push(p);
            }
        }
        return Ok(chosen);
    }
    let chosen: Vec<&Package> = match metadata.root_package() {
        Some(root) => vec![root],
        None => metadata
            .workspace_default_packages()
            .into_iter()
            .filter(|p| !bins(p).is_empty() || (benches && has_kind(p, &TargetKind::Bench)))
            .collect(),
    };
    if chosen.is_empty() {
        let root = metadata.workspace_root.to_string();
        return Err(Error::NoBinaryInWorkspace(root).into());
    }
    Ok(chosen)
}

/// Why `package`, which has no binary, cannot be measured.
fn no_binary(package: &Package) -> Error {
    let why = if has_kind(package, &TargetKind::CDyLib) || has_kind(package, &TargetKind::StaticLib)
    {
        "it builds a cdylib/staticlib, which `measure` does not build yet; LTO applies to it, but measure needs a [[bin]]"
    } else {
        "it is a library only, and LTO happens only when linking a bin, cdylib or staticlib (a library's own [profile] never applies to its users: their root profile decides)"
    };
    let package = package.name.to_string();
    Error::NoBinary { package, why }
}

/// Target `t` of package `p`, as a binary target.
fn target(p: &Package, t: &cargo_metadata::Target) -> BinTarget {
    BinTarget {
        name: t.name.clone(),
        package: p.name.to_string(),
        version: p.version.to_string(),
        manifest: p.manifest_path.clone().into_std_path_buf(),
    }
}

/// The bench targets of `packages` whose benchmarks to run: those
/// `names` (`--bench`, else the metadata's `benches`), or with `every`
/// (`--benches`) all of them.
fn bench_targets(
    packages: &[&Package],
    names: &[String],
    every: bool,
) -> Result<Vec<BenchTarget>, Error> {
    let all: Vec<BenchTarget> = packages
        .iter()
        .flat_map(|p| {
            p.targets
                .iter()
                .filter(|t| t.kind.contains(&TargetKind::Bench))
                .map(move |t| BenchTarget {
                    target: target(p, t),
                    dependencies: p.dependencies.iter().map(|d| d.name.clone()).collect(),
                })
        })
        .collect();
    let quoted: Vec<String> = packages.iter().map(|p| format!("`{}`", p.name)).collect();
    let packages = quoted.join(", ");
    if every {
        if all.is_empty() {
            return Err(Error::NoBenches { packages });
        }
        return Ok(all);
    }
    let mut out: Vec<BenchTarget> = Vec::new();
    for name in names {
        let found =
            all.iter()
                .find(|b| b.target.name == *name)
                .ok_or_else(|| Error::NoSuchBench {
                    name: name.clone(),
                    packages: packages.clone(),
                    benches: all.iter().map(|b| b.target.name.clone()).collect(),
                })?;
        if !out.contains(found) {
            out.push(found.clone());
        }
    }
    Ok(out)
}

/// The bench targets asked for by name: `--bench`'s, else the workspace
/// metadata's `benches` (read before the tables are parsed: it decides
/// which packages are selected).
fn bench_names(metadata: &Metadata, flags: &CargoFlags) -> Vec<String> {
    if !flags.bench.is_empty() || flags.benches {
        return flags.bench.clone();
    }
    metadata
        .workspace_metadata
        .get("cargo-lto")
        .and_then(|t| t.get("benches"))
        .and_then(|b| b.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The binaries of `packages` to measure, as `cargo build` picks them:
/// those `--bin` names, and with `--bins` or neither flag every one (with
/// benchmarks asked for and neither flag, a package without a binary is
/// measured by its benchmarks alone).
fn binaries(
    packages: &[&Package],
    flags: &CargoFlags,
    benches: bool,
) -> Result<(Vec<BinTarget>, Chosen)> {
    let all: Vec<BinTarget> = packages
        .iter()
        .flat_map(|p| bins(p).into_iter().map(move |t| target(p, t)))
        .collect();
    let chosen = match (flags.bin.is_empty(), flags.bins) {
        (false, _) => Chosen::Named,
        (true, true) => Chosen::Bins,
        (true, false) => Chosen::Default,
    };
    let mut out: Vec<BinTarget> = Vec::new();
    for name in &flags.bin {
        let found = all.iter().find(|b| b.name == *name).ok_or_else(|| {
            let owner = match packages {
                [one] => format!("package `{}` has no binary", one.name),
                many => {
                    let names: Vec<String> = many.iter().map(|p| format!("`{}`", p.name)).collect();
                    format!("no selected package ({}) has a binary", names.join(", "))
                }
            };
            let bins = all.iter().map(|b| b.name.clone()).collect();
            Error::NoSuchBin {
                owner,
                name: name.clone(),
                bins,
            }
        })?;
        if !out.contains(found) {
            out.push(found.clone());
        }
    }
    if flags.bins || flags.bin.is_empty() {
        let bench_only = benches && !flags.bins;
        if let Some(p) = packages.iter().find(|p| bins(p).is_empty())
            && !(bench_only && has_kind(p, &TargetKind::Bench))
        {
            return Err(no_binary(p).into());
        }
        for b in &all {
            if !out.contains(b) {
                out.push(b.clone());
            }
        }
    }
    for (i, b) in out.iter().enumerate() {
        if let Some(other) = out[i + 1..].iter().find(|o| o.name == b.name) {
            return Err(Error::SameBinName {
                name: b.name.clone(),
                packages: vec![b.package.clone(), other.package.clone()],
            }
            .into());
        }
    }
    Ok((out, chosen))
}

/// Picks the packages and binaries from loaded metadata.
pub fn select(metadata: &Metadata, flags: &CargoFlags) -> Result<Project> {
    let members: Vec<&Package> = metadata.workspace_packages();
    let bench_names = bench_names(metadata, flags);
    let wants_benches = flags.benches || !bench_names.is_empty();
    let packages = packages(metadata, flags, wants_benches)?;
    let (bin_targets, chosen) = binaries(&packages, flags, wants_benches)?;
    let benches = match wants_benches {
        true => bench_targets(&packages, &bench_names, flags.benches)?,
        false => Vec::new(),
    };
    let default_bin = match (bin_targets.as_slice(), packages.as_slice()) {
        ([one], _) => Some(one.name.clone()),
        (_, [one]) => one
            .default_run
            .clone()
            .filter(|d| bin_targets.iter().any(|b| b.name == *d)),
        _ => None,
    };

    let mut sources = Vec::new();
    let root_manifest = metadata
        .workspace_root
        .join("Cargo.toml")
        .into_std_path_buf();
    if let Some(v) = metadata.workspace_metadata.get("cargo-lto") {
        sources.push(metadata::parse(
            format!(
                "[workspace.metadata.cargo-lto] in {}",
                root_manifest.display()
            ),
            &root_manifest,
            v,
        )?);
    }
    for package in &packages {
        if let Some(v) = package.metadata.get("cargo-lto") {
            sources.push(metadata::parse(
                format!("[package.metadata.cargo-lto] in {}", package.manifest_path),
                package.manifest_path.as_std_path(),
                v,
            )?);
        }
    }

    let target_cfg = TargetCfg::probe(flags.target.as_deref());
    let roots: Vec<&PackageId> = packages.iter().map(|p| &p.id).collect();
    let closure = closure(metadata, &roots, &target_cfg);
    let by_id: HashMap<&PackageId, &Package> =
        metadata.packages.iter().map(|p| (&p.id, p)).collect();
    let in_closure = || closure.iter().filter_map(|id| by_id.get(id));
    let build_scripts = in_closure()
        .filter(|p| has_kind(p, &TargetKind::CustomBuild))
        .count();
    let mut dependency_crates: Vec<String> = in_closure()
        .flat_map(|p| &p.targets)
        .filter(|t| !t.kind.contains(&TargetKind::CustomBuild))
        .map(|t| t.name.replace('-', "_"))
        .collect();
    dependency_crates.sort();
    dependency_crates.dedup();
    let target_dir = match &flags.target_dir {
        Some(dir) => std::path::absolute(dir)?,
        None => metadata.target_directory.clone().into_std_path_buf(),
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    Ok(Project {
        workspace_root: metadata.workspace_root.clone().into_std_path_buf(),
        root_manifest,
        target_dir,
        packages: packages.iter().map(|p| p.name.to_string()).collect(),
        bins: bin_targets,
        benches,
        bench_targets: bench_targets(&packages, &[], true).unwrap_or_default(),
        chosen,
        default_bin,
        metadata: sources,
        features: sorted(
            packages
                .iter()
                .flat_map(|p| p.features.keys().cloned())
                .collect(),
        ),
        dependencies: sorted(
            packages
                .iter()
                .flat_map(|p| &p.dependencies)
                .map(|d| d.rename.clone().unwrap_or_else(|| d.name.clone()))
                .collect(),
        ),
        member_crates: sorted(
            members
                .iter()
                .flat_map(|p| p.targets.iter().map(|t| t.name.replace('-', "_")))
                .collect(),
        ),
        unit_estimate: closure.len() + build_scripts,
        target: target_cfg,
        dependency_crates,
    })
}

/// Every package the build compiles: those reachable through normal and
/// build dependencies for the target.
fn closure<'a>(
    metadata: &'a Metadata,
    roots: &[&'a PackageId],
    target: &TargetCfg,
) -> BTreeSet<&'a PackageId> {
    let Some(resolve) = &metadata.resolve else {
        return BTreeSet::new();
    };
    let nodes: HashMap<&PackageId, &cargo_metadata::Node> =
        resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let mut seen = BTreeSet::new();
    let mut stack = roots.to_vec();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(node) = nodes.get(id) {
            for dep in &node.deps {
                let built = dep.dep_kinds.iter().any(|k| {
                    k.kind != cargo_metadata::DependencyKind::Development
                        && target.matches(k.target.as_ref())
                });
                if built {
                    stack.push(&dep.pkg);
                }
            }
        }
    }
    seen
}
