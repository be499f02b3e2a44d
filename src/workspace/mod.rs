//! The project to measure, from `cargo metadata`: the workspace root
//! manifest (whose profiles count), the target directory, the binary target,
//! and the `cargo-lto` metadata tables.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;
use cargo_metadata::{Metadata, MetadataCommand, Package, PackageId, TargetKind};

use crate::metadata;

mod area;
mod error;
mod flags;
mod lockfile;
mod target_cfg;
use area::lock_shared;
pub use area::{AreaLock, lock as lock_area};
pub use error::Error;
pub use flags::CargoFlags;
pub use lockfile::Lockfile;
pub use target_cfg::TargetCfg;

/// The binary to measure and where it lives.
#[derive(Debug, Clone)]
pub struct Project {
    /// The workspace root; its Cargo.toml's profiles are the ones that count.
    pub workspace_root: PathBuf,
    /// `<workspace_root>/Cargo.toml`.
    pub root_manifest: PathBuf,
    /// The manifest of the package that has the binary.
    pub package_manifest: PathBuf,
    /// Target directory (`--target-dir`, `CARGO_TARGET_DIR`, config, or default).
    pub target_dir: PathBuf,
    /// Package name.
    pub package: String,
    /// Package version.
    pub version: String,
    /// Binary target name.
    pub bin: String,
    /// `cargo-lto` metadata tables, workspace first.
    pub metadata: Vec<metadata::Source>,
    /// Crate names of the workspace members' targets (`-` as `_`).
    pub member_crates: Vec<String>,
    /// The package's features (explicit, and implicit ones of optional
    /// dependencies), for checking `--features` before building.
    pub features: Vec<String>,
    /// The names the package's dependencies go by (`dep/feature` syntax).
    pub dependencies: Vec<String>,
    /// Packages the binary's build compiles (normal and build dependencies):
    /// an estimate of the unit count before the first build has counted it.
    pub unit_estimate: usize,
    /// The target's triple and `cfg` values (asked of rustc once).
    pub target: TargetCfg,
    /// Crate names (`-` as `_`) of the library targets the binary's build
    /// compiles: to tell a crate of the user's graph from std's copy.
    pub dependency_crates: Vec<String>,
}

fn has_kind(p: &Package, kind: &TargetKind) -> bool {
    p.targets.iter().any(|t| t.kind.contains(kind))
}

fn bins(p: &Package) -> Vec<&cargo_metadata::Target> {
    p.targets
        .iter()
        .filter(|t| t.kind.contains(&TargetKind::Bin))
        .collect()
}

/// The cargo to run: `$CARGO` (set when cargo runs us) or `cargo`.
pub fn cargo_binary() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// The workspace root directory, found without resolving dependencies
/// (`cargo locate-project --workspace`, which neither needs a binary nor
/// creates a Cargo.lock); `None` outside a Cargo project.
pub fn locate_root(cargo: &Path, manifest_path: Option<&Path>) -> Result<PathBuf, Error> {
    let mut cmd = std::process::Command::new(cargo);
    cmd.args(["locate-project", "--workspace", "--message-format", "plain"]);
    if let Some(p) = manifest_path {
        cmd.arg("--manifest-path").arg(p);
    }
    let out = cmd
        .output()
        .map_err(|e| Error::Metadata(format!("running {}: {e}", cargo.display())))?;
    if !out.status.success() {
        return Err(cargo_error(&String::from_utf8_lossy(&out.stderr)));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::Metadata(format!("cargo located {}", manifest.display())))
}

/// Cargo's error, whole: its message with the file, line and caret it
/// points at (`error: ` dropped from the first line). Not a Cargo project
/// at all is [`Error::NotAProject`].
fn cargo_error(stderr: &str) -> Error {
    let text = stderr.trim();
    let text = text.strip_prefix("error: ").unwrap_or(text).to_string();
    if text.contains("could not find `Cargo.toml`") {
        Error::NotAProject(text)
    } else {
        Error::Metadata(text)
    }
}

/// Runs `cargo metadata` and picks the binary as cargo would for `cargo
/// build`. In a project without a Cargo.lock cargo creates one: the
/// [`Lockfile`] returned with the project removes it again when dropped or
/// restored, so the user's tree is left as it was. Every command that
/// resolves the project loads it so (the advice commands need no
/// resolution: [`locate`]).
///
/// It holds the project's build area shared while the `Lockfile` lives
/// (waiting for a sweep that holds it): see `area`. A sweep, which holds
/// it already, resolves with [`resolve_untouched`].
pub fn load_untouched(cargo: &Path, flags: &CargoFlags) -> Result<(Project, Lockfile)> {
    let located = locate(cargo, flags)?;
    let shared = lock_shared(&located.target_dir, &|holder| {
        eprintln!("cargo-lto: waiting for a `cargo lto measure` ({holder}) on this project to end")
    })?;
    let (project, mut lock) = resolve_untouched(cargo, flags)?;
    lock.hold(shared);
    Ok((project, lock))
}

/// [`load_untouched`] for the sweep, which holds the build area itself.
pub fn resolve_untouched(cargo: &Path, flags: &CargoFlags) -> Result<(Project, Lockfile)> {
    let lock = Lockfile::before(
        locate_root(cargo, flags.manifest_path.as_deref())
            .ok()
            .as_deref(),
    );
    let project = select(&metadata(cargo, flags, false)?, flags)?;
    lock.settle(&project.root_manifest)?;
    Ok((project, lock))
}

/// The workspace root and the target directory, from `cargo metadata
/// --no-deps`: no dependency resolution, so no Cargo.lock is created and no
/// network is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The workspace root directory.
    pub root: PathBuf,
    /// The target directory (`--target-dir` when given).
    pub target_dir: PathBuf,
    /// The workspace members.
    pub members: Vec<Member>,
}

/// A workspace member as `cargo metadata --no-deps` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Package name.
    pub name: String,
    /// Its Cargo.toml.
    pub manifest: PathBuf,
    /// The crate types of its library target (empty without one).
    pub lib_crate_types: Vec<String>,
    /// Its library target's crate name (`-` made `_`), when it has one.
    pub lib_name: Option<String>,
    /// Its binary targets' names.
    pub bins: Vec<String>,
    /// Its build script, if any.
    pub build_script: Option<PathBuf>,
    /// The root source files of its lib and bin targets.
    pub roots: Vec<PathBuf>,
}

/// Finds the workspace root and target directory without resolving.
pub fn locate(cargo: &Path, flags: &CargoFlags) -> Result<Located> {
    let metadata = metadata(cargo, flags, true)?;
    let members = metadata
        .workspace_packages()
        .into_iter()
        .map(|p| {
            let path = |t: &cargo_metadata::Target| t.src_path.clone().into_std_path_buf();
            Member {
                name: p.name.to_string(),
                manifest: p.manifest_path.clone().into_std_path_buf(),
                lib_crate_types: p
                    .targets
                    .iter()
                    .filter(|t| {
                        t.is_lib()
                            || t.is_cdylib()
                            || t.is_staticlib()
                            || t.is_rlib()
                            || t.is_dylib()
                    })
                    .flat_map(|t| t.crate_types.iter().map(|c| c.to_string()))
                    .collect(),
                lib_name: p
                    .targets
                    .iter()
                    .find(|t| {
                        !t.is_bin()
                            && !t.is_custom_build()
                            && !t.is_test()
                            && !t.is_bench()
                            && !t.is_example()
                            && !t.is_proc_macro()
                    })
                    .map(|t| t.name.replace('-', "_")),
                bins: p
                    .targets
                    .iter()
                    .filter(|t| t.is_bin())
                    .map(|t| t.name.clone())
                    .collect(),
                build_script: p.targets.iter().find(|t| t.is_custom_build()).map(path),
                roots: p
                    .targets
                    .iter()
                    .filter(|t| {
                        !t.is_custom_build()
                            && (t.is_bin() || !t.crate_types.is_empty())
                            && !t.is_test()
                            && !t.is_bench()
                            && !t.is_example()
                    })
                    .map(path)
                    .collect(),
            }
        })
        .collect();
    Ok(Located {
        members,
        root: metadata.workspace_root.clone().into_std_path_buf(),
        target_dir: match &flags.target_dir {
            Some(dir) => std::path::absolute(dir)?,
            None => metadata.target_directory.clone().into_std_path_buf(),
        },
    })
}

/// `cargo metadata`, its failures worded for the user.
fn metadata(cargo: &Path, flags: &CargoFlags, no_deps: bool) -> Result<Metadata> {
    let mut cmd = MetadataCommand::new();
    if no_deps {
        cmd.no_deps();
    }
    cmd.cargo_path(cargo);
    if let Some(path) = &flags.manifest_path {
        if !path.exists() {
            return Err(Error::ManifestMissing(path.clone()).into());
        }
        cmd.manifest_path(path);
    }
    cmd.other_options(flags.network_args());
    // cargo metadata runs `rustc -vV` through the user's wrapper; measure
    // bypasses wrappers, and so does this query (empty disables them).
    cmd.env("RUSTC_WRAPPER", "")
        .env("RUSTC_WORKSPACE_WRAPPER", "");
    let metadata = cmd.exec().map_err(|err| match &err {
        cargo_metadata::Error::CargoMetadata { stderr } => cargo_error(stderr),
        other => Error::Metadata(other.to_string()),
    })?;
    Ok(metadata)
}

/// Picks the package and binary from loaded metadata.
pub fn select(metadata: &Metadata, flags: &CargoFlags) -> Result<Project> {
    let members: Vec<&Package> = metadata.workspace_packages();
    let package: &Package = match &flags.package {
        Some(name) => members
            .iter()
            .copied()
            .find(|p| p.name.as_str() == name)
            .ok_or_else(|| {
                let members = members.iter().map(|p| p.name.to_string()).collect();
                let name = name.clone();
                Error::NotAMember { name, members }
            })?,
        None => {
            let candidates: Vec<&Package> = match metadata.root_package() {
                Some(root) => vec![root],
                None => {
                    let defaults: Vec<&Package> = metadata
                        .workspace_default_packages()
                        .into_iter()
                        .filter(|p| !bins(p).is_empty())
                        .collect();
                    defaults
                }
            };
            match candidates.as_slice() {
                [one] => one,
                [] => {
                    let root = metadata.workspace_root.to_string();
                    return Err(Error::NoBinaryInWorkspace(root).into());
                }
                many => {
                    let names = many.iter().map(|p| p.name.to_string()).collect();
                    return Err(Error::SeveralPackages(names).into());
                }
            }
        }
    };
    let package_bins = bins(package);
    let target = match &flags.bin {
        Some(name) => package_bins
            .iter()
            .find(|t| t.name == *name)
            .copied()
            .ok_or_else(|| {
                let bins = package_bins.iter().map(|t| t.name.clone()).collect();
                let (package, name) = (package.name.to_string(), name.clone());
                Error::NoSuchBin {
                    package,
                    name,
                    bins,
                }
            })?,
        None => match package_bins.as_slice() {
            [one] => *one,
            [] => {
                let why = if has_kind(package, &TargetKind::CDyLib)
                    || has_kind(package, &TargetKind::StaticLib)
                {
                    "it builds a cdylib/staticlib, which `measure` does not build yet; LTO applies to it, but measure needs a [[bin]]"
                } else {
                    "it is a library only, and LTO happens only when linking a bin, cdylib or staticlib (a library's own [profile] never applies to its users: their root profile decides)"
                };
                let package = package.name.to_string();
                return Err(Error::NoBinary { package, why }.into());
            }
            many => {
                let default_run = package.default_run.as_deref();
                match many.iter().find(|t| Some(t.name.as_str()) == default_run) {
                    Some(t) => *t,
                    None => {
                        let bins = many.iter().map(|t| t.name.clone()).collect();
                        let package = package.name.to_string();
                        return Err(Error::SeveralBins { package, bins }.into());
                    }
                }
            }
        },
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
    if let Some(v) = package.metadata.get("cargo-lto") {
        sources.push(metadata::parse(
            format!("[package.metadata.cargo-lto] in {}", package.manifest_path),
            package.manifest_path.as_std_path(),
            v,
        )?);
    }

    let target_cfg = TargetCfg::probe(flags.target.as_deref());
    let closure = closure(metadata, &package.id, &target_cfg);
    let packages: HashMap<&PackageId, &Package> =
        metadata.packages.iter().map(|p| (&p.id, p)).collect();
    let in_closure = || closure.iter().filter_map(|id| packages.get(id));
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
    Ok(Project {
        workspace_root: metadata.workspace_root.clone().into_std_path_buf(),
        root_manifest,
        package_manifest: package.manifest_path.clone().into_std_path_buf(),
        target_dir,
        package: package.name.to_string(),
        version: package.version.to_string(),
        bin: target.name.clone(),
        metadata: sources,
        features: package.features.keys().cloned().collect(),
        dependencies: package
            .dependencies
            .iter()
            .map(|d| d.rename.clone().unwrap_or_else(|| d.name.clone()))
            .collect(),
        member_crates: {
            let mut names: Vec<String> = members
                .iter()
                .flat_map(|p| p.targets.iter().map(|t| t.name.replace('-', "_")))
                .collect();
            names.sort();
            names.dedup();
            names
        },
        unit_estimate: closure.len() + build_scripts,
        target: target_cfg,
        dependency_crates,
    })
}

/// Every package the build compiles: those reachable through normal and
/// build dependencies for the target.
fn closure<'a>(
    metadata: &'a Metadata,
    root: &'a PackageId,
    target: &TargetCfg,
) -> BTreeSet<&'a PackageId> {
    let Some(resolve) = &metadata.resolve else {
        return BTreeSet::new();
    };
    let nodes: HashMap<&PackageId, &cargo_metadata::Node> =
        resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
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
