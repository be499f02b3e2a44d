//! Why the project cannot be measured as asked.

use std::path::PathBuf;

use crate::error::exit;

/// Why the project cannot be measured as asked. Every one is bad input:
/// exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `--manifest-path` names no file.
    #[error("{} does not exist: pass --manifest-path the Cargo.toml of your project", .0.display())]
    ManifestMissing(PathBuf),
    /// No Cargo.toml here or above.
    #[error("not a Cargo project: {0}; run `cargo lto` inside one or pass --manifest-path")]
    NotAProject(String),
    /// Cargo refused the project: its whole message (file, line, caret).
    #[error("cargo could not read the project: {0}")]
    Metadata(String),
    /// `-p NAME` names no member.
    #[error("package `{name}` is not a member of this workspace (members: {})", .members.join(", "))]
    NotAMember {
        /// the name given
        name: String,
        members: Vec<String>,
    },
    /// No member has a binary.
    #[error(
        "no binary target in the workspace at {0}: LTO happens only when linking a bin, cdylib or staticlib; measure needs a package with a [[bin]]"
    )]
    NoBinaryInWorkspace(String),
    /// `--bin NAME` names no binary of the selected packages.
    #[error("{owner} `{name}`{}", if .bins.is_empty() { ": it has no binaries".to_string() } else { format!(" (binaries: {})", .bins.join(", ")) })]
    NoSuchBin {
        /// `package `a` has no binary`, or `no selected package (`a`,
        /// `b`) has a binary`
        owner: String,
        /// the name given
        name: String,
        bins: Vec<String>,
    },
    /// `--bench NAME` names no bench target of the selected packages.
    #[error("no bench target `{name}` in {packages}: {}", list_or_none(.benches))]
    NoSuchBench {
        name: String,
        /// the selected packages, quoted
        packages: String,
        benches: Vec<String>,
    },
    /// `--benches` in packages that have no bench target.
    #[error("--benches: {packages} has no bench target (a [[bench]], or a file in benches/)")]
    NoBenches {
        /// the selected packages, quoted
        packages: String,
    },
    /// The package has no binary target.
    #[error("package `{package}` has no binary target: {why}; pass -p with a package that has one")]
    NoBinary {
        package: String,
        /// what it builds instead
        why: &'static str,
    },
    /// Another sweep holds the build area (`measure --no-wait`).
    #[error("another `cargo lto measure` ({holder}) is measuring this project ({} is locked): run again when it is done, or without --no-wait to wait for it", .path.display())]
    AreaBusy {
        /// `pid N`, or `another process`
        holder: String,
        path: PathBuf,
    },
    /// Two selected packages have binaries of the same name: cargo's
    /// `--bin` cannot tell them apart.
    #[error("packages {} each have a binary `{name}`: cargo's --bin cannot tell them apart; select one of them with -p", .packages.join(" and "))]
    SameBinName {
        name: String,
        /// `a`, `b`
        packages: Vec<String>,
    },
}

crate::exit_code!(Error => exit::USAGE);

/// `the bench targets are `a`, `b``, or that there is none.
fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        return "they have none".into();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("the bench targets are {}", quoted.join(", "))
}
