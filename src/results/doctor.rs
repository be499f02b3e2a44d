//! `cargo lto doctor`'s answer as data: each finding's id, severity, place
//! and what it rests on (the profile, the values, where in the sources);
//! `render` words the message and the fix (docs/advice.md lists the ids).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How bad a doctor finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The build fails, or a setting silently does not do what it says.
    Error,
    /// Probably not what was meant; costs size, speed or diagnosability.
    Warning,
    /// Worth knowing.
    Info,
}

/// One doctor finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found: `id` (e.g. `member-profile`) and its data.
    #[serde(flatten)]
    pub detail: Detail,
    /// How bad.
    pub severity: Severity,
    /// The file, relative to the workspace root when inside it, or
    /// `environment variable NAME`.
    pub file: String,
    /// 1-based line, when the finding is in a file.
    pub line: Option<usize>,
}

/// What a finding is about, by id, with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "id", rename_all = "kebab-case")]
pub enum Detail {
    /// `[profile]` in a member's manifest: ignored by Cargo.
    MemberProfile {
        /// The member.
        member: String,
        /// The profile its manifest names.
        profile: String,
    },
    /// `-C lto` in rustflags.
    RustflagsLto {
        /// The flag as written (`-C lto=fat`).
        flag: String,
    },
    /// A package whose library is both cdylib/staticlib and rlib under
    /// thin/fat LTO: its cdylib/staticlib gets no LTO; its binaries do.
    LtoSkippedCrateType {
        /// The package.
        member: String,
        /// Its library's crate types.
        crate_types: Vec<String>,
        /// The profile.
        profile: String,
        /// Its `lto`.
        lto: String,
        /// The files built without LTO (`libgrex.so`, `libx.a`).
        #[serde(default)]
        artifacts: Vec<String>,
        /// The package's binaries, which do get LTO (an error when none).
        #[serde(default)]
        bins: Vec<String>,
    },
    /// `panic = "abort"` while the sources call `catch_unwind`.
    AbortWithCatchUnwind {
        /// The profile.
        profile: String,
        /// `file:line` of the call.
        catch_unwind_at: String,
    },
    /// `-C linker-plugin-lto` without a linker that reads bitcode.
    LinkerPluginLtoLinker,
    /// A `.cargo/config.toml` beside the project that cargo, run from
    /// `cwd`, does not read.
    UnreadConfig {
        /// Where cargo runs.
        cwd: String,
    },
    /// C code built with `-flto` and no cross-language LTO.
    CFltoWithoutLto,
    /// `incremental = true` in a release profile.
    IncrementalRelease {
        /// The profile.
        profile: String,
    },
    /// Thin or fat LTO at `opt-level = 0`.
    #[serde(rename = "lto-at-opt-level-0")]
    LtoAtOptLevel0 {
        /// The profile.
        profile: String,
        /// Its `lto`.
        lto: String,
    },
    /// `-C target-cpu=native` in rustflags.
    TargetCpuNative,
    /// `strip = "symbols"`.
    StripSymbolsBacktraces {
        /// The profile.
        profile: String,
        /// `file:line` where the sources capture backtraces, if they do.
        backtraces_at: Option<String>,
        /// What the symbols cost this project, from its newest measure
        /// document (none measured with this profile: absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        measured: Option<SymbolsCost>,
    },
    /// No debug info while the sources capture backtraces.
    NoDebuginfoBacktraces {
        /// The profile.
        profile: String,
        /// `file:line` where the sources capture backtraces.
        backtraces_at: String,
    },
    /// `lto = false` with `codegen-units = 1`.
    NoLtoAtAll {
        /// The profile.
        profile: String,
    },
    /// A comment beside a profile setting states a myth.
    MythComment {
        /// The setting, as written.
        code: String,
        /// The comment (lower case).
        comment: String,
        /// Which myth.
        myth: Myth,
    },
}

impl Detail {
    /// The finding's stable id (`member-profile`, …), as in the JSON.
    pub fn id(&self) -> &'static str {
        match self {
            Detail::MemberProfile { .. } => "member-profile",
            Detail::RustflagsLto { .. } => "rustflags-lto",
            Detail::LtoSkippedCrateType { .. } => "lto-skipped-crate-type",
            Detail::AbortWithCatchUnwind { .. } => "abort-with-catch-unwind",
            Detail::LinkerPluginLtoLinker => "linker-plugin-lto-linker",
            Detail::UnreadConfig { .. } => "unread-config",
            Detail::CFltoWithoutLto => "c-flto-without-lto",
            Detail::IncrementalRelease { .. } => "incremental-release",
            Detail::LtoAtOptLevel0 { .. } => "lto-at-opt-level-0",
            Detail::TargetCpuNative => "target-cpu-native",
            Detail::StripSymbolsBacktraces { .. } => "strip-symbols-backtraces",
            Detail::NoDebuginfoBacktraces { .. } => "no-debuginfo-backtraces",
            Detail::NoLtoAtAll { .. } => "no-lto-at-all",
            Detail::MythComment { .. } => "myth-comment",
        }
    }
}

/// The size of a binary built with `strip = "symbols"` and of the symbol
/// table stripping removed from it, as a measure document recorded them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SymbolsCost {
    /// The measure document's id.
    pub document: String,
    /// The configuration quoted (baseline: the profile as it is).
    pub config: String,
    /// The stripped binary's size on disk.
    pub size_bytes: u64,
    /// Bytes of `.symtab` and `.strtab` that strip removed.
    pub symbols_bytes: u64,
}

/// The myths `doctor` recognises in comments (docs/facts.md has each
/// truth with its reproduction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Myth {
    /// "lto = true is thin".
    LtoTrueIsThin,
    /// "lto = false disables LTO".
    LtoFalseIsOff,
    /// "codegen-units = 1 disables LTO".
    OneCodegenUnitDisablesLto,
    /// "LTO for our users" (a library's profile).
    LtoForUsers,
    /// "LTO mangles backtraces".
    LtoManglesBacktraces,
    /// "LTO needs a bitcode-aware linker".
    LtoNeedsBitcodeLinker,
}

/// `cargo lto doctor`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    /// [`crate::results::advice::ADVICE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The workspace root.
    pub workspace_root: PathBuf,
    /// Findings, errors first.
    pub findings: Vec<Finding>,
}
