//! The project to measure, from `cargo metadata`: the workspace root
//! manifest (whose profiles count), the target directory, the binary
//! targets, and the `cargo-lto` metadata tables.

use std::path::{Path, PathBuf};

use anyhow::Result;
use cargo_metadata::{Metadata, MetadataCommand};

use crate::metadata;

mod area;
mod error;
mod flags;
mod lockfile;
mod select;
mod target_cfg;
use area::lock_shared;
pub use area::{AreaLock, lock as lock_area};
pub use error::Error;
pub use flags::CargoFlags;
pub use lockfile::Lockfile;
pub use select::select;
pub use target_cfg::TargetCfg;

/// A binary target to build and measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinTarget {
    /// The target's name.
    pub name: String,
    /// Its package.
    pub package: String,
    /// The package's version.
    pub version: String,
    /// The package's Cargo.toml: cargo's messages name a target's package
    /// by it.
    pub manifest: PathBuf,
}

impl BinTarget {
    /// Its crate name (`-` as `_`), as rustc and the wrapper's log know it.
    pub fn crate_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// A bench target whose benchmarks to run (`measure --bench`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchTarget {
    /// The target, as a binary's.
    pub target: BinTarget,
    /// The names of its package's dependencies (dev-dependencies
    /// included): how its harness is told.
    pub dependencies: Vec<String>,
}

/// How the binaries were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// By `--bin NAME` (and `--bins` with it).
    Named,
    /// By `--bins`: every binary of the selected packages.
    Bins,
    /// By default, neither flag given: every binary of the selected
    /// packages, as `cargo build` builds them.
    Default,
}

/// The binaries to measure and where they live.
#[derive(Debug, Clone)]
pub struct Project {
    /// The workspace root; its Cargo.toml's profiles are the ones that count.
    pub workspace_root: PathBuf,
    /// `<workspace_root>/Cargo.toml`.
    pub root_manifest: PathBuf,
    /// Target directory (`--target-dir`, `CARGO_TARGET_DIR`, config, or default).
    pub target_dir: PathBuf,
    /// The selected packages' names (`-p`, or cargo's default).
    pub packages: Vec<String>,
    /// The binary targets to build and measure, in order: every one of
    /// the selected packages', or those `--bin` names.
    pub bins: Vec<BinTarget>,
    /// The bench targets whose benchmarks to run (`--bench`, `--benches`,
    /// the metadata's `benches`).
    pub benches: Vec<BenchTarget>,
    /// Every bench target of the selected packages (what a PGO training
    /// may name: `train = { bench = "NAME" }`).
    pub bench_targets: Vec<BenchTarget>,
    /// How they were chosen.
    pub chosen: Chosen,
    /// The binary a workload's `{bin}` stands for: the only one, or with
    /// several the package's `default-run` (what `cargo run` runs).
    pub default_bin: Option<String>,
    /// `cargo-lto` metadata tables, workspace first, then each selected
    /// package's.
    pub metadata: Vec<metadata::Source>,
    /// Crate names of the workspace members' targets (`-` as `_`).
    pub member_crates: Vec<String>,
    /// The selected packages' features (explicit, and implicit ones of
    /// optional dependencies), for checking `--features` before building.
    pub features: Vec<String>,
    /// The names their dependencies go by (`dep/feature` syntax).
    pub dependencies: Vec<String>,
    /// Packages the binaries' build compiles (normal and build
    /// dependencies): an estimate of the unit count before the first build
    /// has counted it.
    pub unit_estimate: usize,
    /// The target's triple and `cfg` values (asked of rustc once).
    pub target: TargetCfg,
    /// Crate names (`-` as `_`) of the library targets the binaries' build
    /// compiles: to tell a crate of the user's graph from std's copy.
    pub dependency_crates: Vec<String>,
}

impl Project {
    /// The binary targets' names, in order.
    pub fn bin_names(&self) -> Vec<&str> {
        self.bins.iter().map(|b| b.name.as_str()).collect()
    }
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

/// Runs `cargo metadata` and picks the binaries as cargo would for `cargo
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
