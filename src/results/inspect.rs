//! The inspect document: what `cargo lto inspect --format json` prints,
//! versioned by [`INSPECT_SCHEMA_VERSION`] and documented in docs/inspect.md.
//! Lists hold every entry, in the order shown; `--top` shapes only what the
//! text formats show.

use serde::{Deserialize, Serialize};

/// Version of this document's layout. 2 inspects several binary targets
/// at once: each binary says which (`bin`), and `diff` became `diffs`, one
/// per binary target.
pub const INSPECT_SCHEMA_VERSION: u32 = 2;

/// The whole inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectDocument {
    /// [`INSPECT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `cargo-lto` and its version.
    pub tool: String,
    /// std, core, alloc, … shown separately (`--split-std`).
    pub split_std: bool,
    /// The workspace's own crates (listed first in reports), when known.
    pub workspace_crates: Vec<String>,
    /// One entry per binary (configuration or file; with several binary
    /// targets, per configuration and binary target).
    pub binaries: Vec<BinaryReport>,
    /// The comparison of two configurations, per binary target where two
    /// were available.
    pub diffs: Vec<DiffReport>,
    /// What the reader should know: attribution rules, why something is absent.
    pub notes: Vec<String>,
}

/// One binary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryReport {
    /// Configuration name, or the file name for `--file`.
    pub name: String,
    /// The binary target it is (null for `--file`).
    #[serde(default)]
    pub bin: Option<String>,
    /// The executable.
    pub path: String,
    /// Where its symbols were read, when not from it: the unstripped twin
    /// `measure` linked beside a stripped binary (the same code).
    #[serde(default)]
    pub symbols_from: Option<String>,
    /// Architecture as `object` names it.
    pub architecture: String,
    /// Size of `.text`.
    pub text_bytes: u64,
    /// Size of the read-only data sections.
    pub rodata_bytes: u64,
    /// No symbol table: per-crate, diff, calls and duplicates are unavailable.
    pub stripped: bool,
    /// Machine code per crate, largest first; with `unattributed_bytes` it sums to `text_bytes`.
    pub crates: Vec<CrateSize>,
    /// Bytes of `.text` no function symbol covers (alignment padding, stubs).
    pub unattributed_bytes: u64,
    /// The second view, when the binary has DWARF: bytes per crate by the
    /// compile unit that emitted them; with `units_unattributed_bytes` it
    /// sums to `text_bytes`.
    pub units: Option<Vec<CrateSize>>,
    /// Bytes of `.text` no compile unit covers.
    pub units_unattributed_bytes: Option<u64>,
    /// Functions found.
    pub functions: usize,
    /// Cross-crate calls, when disassembly is available.
    pub calls: Option<CallsReport>,
    /// Identical functions, when disassembly is available.
    pub duplicates: Option<DuplicatesReport>,
    /// Views that could not be produced, and why.
    pub unavailable: Vec<String>,
}

/// One crate's share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrateSize {
    /// Crate (`std` groups the standard library unless split; `[non-Rust]`).
    pub name: String,
    /// Bytes of machine code.
    pub text_bytes: u64,
    /// Bytes of named read-only data objects attributed to it (most constants
    /// have no symbol, so this undercounts; see docs/inspect.md).
    pub rodata_bytes: u64,
    /// Functions.
    pub functions: usize,
}

/// Direct calls and tail jumps between functions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallsReport {
    /// Direct call sites and cross-function jumps found.
    pub call_sites: usize,
    /// Of those, the ones whose caller and callee belong to different crates.
    pub cross_crate_call_sites: usize,
    /// Per (caller crate → callee crate), most call sites first.
    pub pairs: Vec<CratePair>,
    /// The cross-crate call sites by the crate called (absent in documents
    /// written before it was recorded).
    #[serde(default)]
    pub into: Option<CallTargets>,
}

/// Cross-crate call sites by the kind of crate called. LTO inlines across
/// the workspace's own crates, so calls into them fall; std's code inlined
/// into the workspace's functions brings std's own calls along, so calls
/// into std can rise at the same time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallTargets {
    /// Into the workspace's member crates (null when they are unknown:
    /// binaries given as files).
    pub workspace: Option<usize>,
    /// Into the standard library (std, core, alloc, …).
    pub std: usize,
    /// Into other crates (dependencies) and non-Rust code.
    pub other: usize,
}

/// Calls from one crate into another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CratePair {
    /// Calling crate.
    pub from: String,
    /// Called crate.
    pub to: String,
    /// Call sites.
    pub call_sites: usize,
    /// Every function of `to` called from `from`, most-called first (the
    /// name is historical: the list is complete).
    pub top_callees: Vec<Callee>,
}

/// A called function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callee {
    /// Demangled name.
    pub name: String,
    /// Call sites.
    pub call_sites: usize,
}

/// Functions whose code is identical up to position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatesReport {
    /// Groups of two or more identical functions.
    pub groups: usize,
    /// Functions in those groups.
    pub functions: usize,
    /// Bytes identical-code folding would save: per group, (members − 1) × size.
    pub foldable_bytes: u64,
    /// Every group, those saving most first (the name is historical: the
    /// list is complete).
    pub top: Vec<DuplicateGroup>,
}

/// One group of identical functions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// Size of each.
    pub bytes: u64,
    /// Members.
    pub count: usize,
    /// Their names (the first few).
    pub names: Vec<String>,
}

/// Two binaries compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    /// The binary target compared (null for `--file`).
    #[serde(default)]
    pub bin: Option<String>,
    /// The reference (default `off`).
    pub base: String,
    /// The one compared with it (default `fat`).
    pub against: String,
    /// Bytes per crate in each, largest change first.
    pub crates: Vec<CrateDiff>,
    /// Functions of `base` absent from `against`: inlined into callers or removed.
    pub vanished: Vec<FunctionChange>,
    /// How many vanished, and their bytes.
    pub vanished_total: Total,
    /// Functions of `against` absent from `base`: clones, merged or outlined code.
    pub appeared: Vec<FunctionChange>,
    /// How many appeared, and their bytes.
    pub appeared_total: Total,
    /// Cross-crate call sites in each.
    pub cross_crate_call_sites: Option<(usize, usize)>,
}

/// A crate in both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrateDiff {
    /// Crate.
    pub name: String,
    /// Bytes in base.
    pub base_bytes: u64,
    /// Bytes in against.
    pub against_bytes: u64,
}

/// A function that vanished or appeared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionChange {
    /// Demangled name without hash.
    pub name: String,
    /// Crate.
    pub krate: String,
    /// Bytes (all functions of that name).
    pub bytes: u64,
    /// How many functions had that name.
    pub count: usize,
    /// Clone kind, for appeared functions (`.llvm`, `.cold`, …).
    pub clone: Option<String>,
}

/// A count with bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    /// Functions.
    pub count: usize,
    /// Bytes.
    pub bytes: u64,
}
