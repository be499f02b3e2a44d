//! What crate boundaries cost in built binaries: machine code per crate,
//! what LTO inlined or removed between two configurations, the calls still
//! crossing crates, identical functions. Reads binaries (`symbols`,
//! `sections`, `dwarf`, `calls`), attributes code to crates
//! (`attribution`), and writes the inspect document (`summary`, `diff`).

pub mod attribution;
pub mod calls;
pub mod crates;
pub mod diff;
pub mod dwarf;
pub mod sections;
pub mod stdlib;
pub mod summary;
pub mod symbols;
pub mod targets;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::exit;
use crate::results::inspect::{INSPECT_SCHEMA_VERSION, InspectDocument};
use attribution::Attributor;
use stdlib::StdLib;
use summary::Analysed;

/// Maps a binary into memory: only the pages read (symbols, .text, DWARF
/// unit headers) become resident, not the whole file, which with debuginfo is
/// mostly sections this tool never touches.
pub fn map(path: &Path) -> Result<memmap2::Mmap> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    // SAFETY: the map is read-only and lives only for this analysis; a build
    // replacing the file meanwhile writes a new inode (cargo/rustc/the linker
    // write to a new file and rename), so these pages stay valid.
    unsafe { memmap2::Mmap::map(&file) }.with_context(|| format!("mapping {}", path.display()))
}

/// Notes every inspection carries: what the figures do and do not say.
pub fn standing_notes() -> Vec<String> {
    vec![
        "size per crate: from demangled symbols; trait impls go to the implementing type's crate, drop glue to the dropped type's, generic instances to the generic function's crate (docs/inspect.md)".into(),
        "cross-crate calls are counted where they sit after optimisation: when LTO inlines a function of crate A into a function of crate B, A's outgoing calls become B's, so the count can rise while the calls into your crates fall; calls into panic and error paths are included".into(),
        "functions absent from both builds are not LTO's doing: #[inline] and generic functions are inlined across crates without LTO, and since Rust 1.75 so are small leaf functions (no calls), outside incremental builds".into(),
    ]
}

/// One binary to inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its configuration, or its file name for `--file`.
    pub name: String,
    /// Its binary target (None for `--file`): binaries of one target are
    /// compared with each other.
    pub bin: Option<String>,
    /// The file.
    pub path: PathBuf,
    /// An unstripped twin of it, when it is stripped (the same code): its
    /// symbols are read instead.
    pub twin: Option<PathBuf>,
}

/// What to inspect.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Each binary, grouped by binary target.
    pub binaries: Vec<Target>,
    /// The workspace's own crates, listed first.
    pub workspace_crates: Vec<String>,
    /// Show std's crates separately.
    pub split_std: bool,
    /// The crates the user's build compiles (`None` for `--file`).
    pub user_crates: Option<Vec<String>>,
    /// The target the binaries were built for (`None`: the host).
    pub target: Option<String>,
    /// The pair to diff (`--base`, `--against`); both or neither.
    pub pair: Option<(String, String)>,
    /// The binaries were given as files: two of them are diffed first to second.
    pub files: bool,
}

/// Identical functions are worth folding when they are at least 1% of
/// `.text`, or 16 KiB, in some binary.
fn foldable_is_material(analysed: &[Analysed]) -> bool {
    analysed.iter().any(|a| {
        a.report.duplicates.as_ref().is_some_and(|d| {
            d.foldable_bytes >= 16 * 1024 || d.foldable_bytes * 100 >= a.report.text_bytes
        })
    })
}

/// What `inspect` cannot read or find. Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not an executable this tool reads.
    #[error("{} is not an executable or object file this tool can read ({source})", .path.display())]
    NotReadable {
        path: PathBuf,
        /// what the parser said
        #[source]
        source: object::Error,
    },
    /// An executable without code.
    #[error("{} has no .text section", .0.display())]
    NoText(PathBuf),
    /// A `--file` that does not exist.
    #[error("{} does not exist", .0.display())]
    FileMissing(PathBuf),
    /// A binary a document names that is gone.
    #[error("{} ({name}) does not exist: measure again, or pass an existing --file", .path.display())]
    Missing { name: String, path: PathBuf },
    /// `--base`/`--against` names a configuration not inspected.
    #[error("{flag} {name}: no such configuration among those inspected")]
    NotInspected {
        flag: &'static str,
        /// the name given
        name: String,
    },
    /// A configuration the document does not have.
    #[error("no configuration named `{name}` in {} (measured: {})", .path.display(), .known.join(", "))]
    NotMeasured {
        /// the name given
        name: String,
        path: PathBuf,
        /// the configurations it has
        known: Vec<String>,
    },
    /// `--bin` names a binary the document did not measure.
    #[error("--bin {name}: {} measured no such binary (it measured {measured})", .path.display())]
    NoSuchBin {
        /// the name given
        name: String,
        path: PathBuf,
        /// the binaries it measured
        measured: String,
    },
    /// A configuration that did not build.
    #[error("configuration `{name}` did not build ({status}): nothing to inspect")]
    NotBuilt { name: String, status: String },
    /// A document where nothing built.
    #[error("{} has no successfully built configuration to inspect", .0.display())]
    NothingBuilt(PathBuf),
}

crate::exit_code!(Error => exit::USAGE);

/// Which two of `analysed` (one binary target's) to diff, by the
/// request; notes say why none (naming the target `bin`, when there are
/// several).
fn diff_pair(
    request: &Request,
    analysed: &[&Analysed],
    bin: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<Option<(usize, usize)>, Error> {
    let find = |name: &str| analysed.iter().position(|a| a.report.name == name);
    let of = bin.map_or_else(String::new, |b| format!(" of `{b}`"));
    let pair = match &request.pair {
        Some((b, a)) => {
            let missing = |flag: &'static str, n: &str| Error::NotInspected {
                flag,
                name: n.to_string(),
            };
            Some((
                find(b).ok_or_else(|| missing("--base", b))?,
                find(a).ok_or_else(|| missing("--against", a))?,
            ))
        }
        None if request.files && analysed.len() == 2 => Some((0, 1)),
        None => match (find("off"), find("fat")) {
            (Some(b), Some(a)) => Some((b, a)),
            _ => {
                notes.push(format!("no diff{of}: the default compares `off` with `fat`, and not both were inspected (choose with --base and --against)"));
                None
            }
        },
    };
    Ok(match pair {
        Some((b, a)) if analysed[b].binary.stripped || analysed[a].binary.stripped => {
            notes.push(format!("no diff{of}: one of the two binaries is stripped"));
            None
        }
        pair => pair,
    })
}

/// Each binary target of `request` (None for files), in order.
fn targets_of(request: &Request) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    for t in &request.binaries {
        if !out.contains(&t.bin) {
            out.push(t.bin.clone());
        }
    }
    out
}

/// What attributes code to crates for `request`: the naming rules, the
/// toolchain's std (read from its sysroot), the user's crates; `notes`
/// says when std could not be read or the user's crates are unknown.
fn attributor(request: &Request, notes: &mut Vec<String>) -> Attributor {
    let rustc = std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
    let stdlib = StdLib::dir(&rustc, request.target.as_deref()).and_then(|d| StdLib::read(&d));
    let stdlib = match stdlib {
        Ok(std) => {
            notes.push("std's own dependencies (gimli, addr2line, memchr, hashbrown, …) count as std: a function is std's when its symbol is one the toolchain's std libraries define, or when your build does not compile its crate (docs/inspect.md; --split-std shows them as `memchr (std)`)".into());
            std
        }
        Err(e) => {
            notes.push(format!("the toolchain's std libraries could not be read ({e:#}): std's own dependencies (gimli, addr2line, …) may show as crates of their own"));
            StdLib::default()
        }
    };
    if request.user_crates.is_none() {
        notes.push("binaries given as files: a crate that both std and your program use (memchr, hashbrown) is told apart by symbol only, so std's generic code instantiated in your crates counts as that crate".into());
    }
    Attributor {
        split_std: request.split_std,
        stdlib,
        user_crates: request
            .user_crates
            .as_ref()
            .map(|c| c.iter().cloned().collect()),
    }
}

/// Reads every binary of the request and writes the inspect document.
pub fn run(request: &Request) -> Result<InspectDocument> {
    let mut notes = standing_notes();
    let by = attributor(request, &mut notes);
    let mut analysed: Vec<Analysed> = Vec::new();
    for t in &request.binaries {
        let (name, path) = (&t.name, &t.path);
        if !path.exists() {
            if request.files {
                return Err(Error::FileMissing(path.clone()).into());
            }
            let (name, path) = (name.clone(), path.clone());
            return Err(Error::Missing { name, path }.into());
        }
        let label = match &t.bin {
            Some(bin) if request.binaries.iter().any(|o| o.bin != t.bin) => {
                format!("`{name}` ({bin})")
            }
            _ => format!("`{name}`"),
        };
        if t.twin.is_some() {
            notes.push(format!(
                "{label}: the binary has no symbol table (strip = \"symbols\"); its symbols were read from an unstripped twin of the same code that measure linked beside it"
            ));
        }
        // its errors name the file, the cause first
        let mut a = summary::summarize(
            name,
            path,
            t.twin.as_deref(),
            &by,
            &request.workspace_crates,
        )?;
        a.report.bin = t.bin.clone();
        analysed.push(a);
    }
    let targets = targets_of(request);
    let mut diffs = Vec::new();
    for bin in &targets {
        let group: Vec<&Analysed> = analysed.iter().filter(|a| a.report.bin == *bin).collect();
        let named = bin.as_deref().filter(|_| targets.len() > 1);
        if let Some((b, a)) = diff_pair(request, &group, named, &mut notes)? {
            diffs.push(summary::diff(group[b], group[a]));
        }
    }
    if foldable_is_material(&analysed) {
        notes.push(
            "identical functions make up a material share of .text, and the linker can fold them: on x86_64 Linux rustc links with rust-lld since Rust 1.90, so `-C link-arg=-Wl,--icf=all` (in build.rustflags; there is no profile key) folds them, at the cost of a slightly slower link, and of distinct functions sharing one address (function-pointer comparisons may then compare equal)".into(),
        );
    }
    Ok(InspectDocument {
        schema_version: INSPECT_SCHEMA_VERSION,
        tool: format!("cargo-lto {}", env!("CARGO_PKG_VERSION")),
        split_std: request.split_std,
        workspace_crates: request.workspace_crates.clone(),
        binaries: analysed.into_iter().map(|a| a.report).collect(),
        diffs,
        notes,
    })
}
