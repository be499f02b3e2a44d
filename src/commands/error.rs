//! The commands' own bad-input errors, and the exit code of any error that
//! ends a command: each area's error enum is marked with its own
//! (`exit_code!`, beside the type),
//! found anywhere in the cause chain.

use std::path::PathBuf;

use crate::error::exit;

/// What a command refuses before it reaches the library. Bad input: exit
/// code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `explain` of a setting the key table has no text for.
    #[error("unknown setting `{setting}`: cargo lto explain knows {}", .known.join(", "))]
    UnknownSetting {
        /// the setting asked for
        setting: String,
        /// those explain knows
        known: Vec<&'static str>,
    },
    /// A file the user named that cannot be read.
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file given as an inspect document that is not one.
    #[error("{} is not an inspect document (`cargo lto inspect --format json`)", .path.display())]
    NotInspect {
        path: PathBuf,
        /// what serde said
        #[source]
        source: serde_json::Error,
    },
    /// No measure document to read, and what else the command accepts.
    #[error("{source}, {hint}")]
    NoResults {
        /// the store's answer
        source: crate::results::Error,
        /// what else the command accepts
        hint: String,
    },
    /// Two documents of different projects given to compare.
    #[error(
        "the baseline measured {0}, the new results {1}: compare documents that measured the same binaries"
    )]
    OtherProject(String, String),
    /// `apply` of a configuration nobody measured or built in.
    #[error("unknown configuration `{name}`: measured: {}; built-in: {}", if .measured.is_empty() { "none".to_string() } else { .measured.join(", ") }, .built_in.join(", "))]
    UnknownConfiguration {
        /// the name given
        name: String,
        /// the measured configurations
        measured: Vec<String>,
        /// the built-in ones
        built_in: Vec<String>,
    },
    /// No Cargo project where `apply` was asked to write.
    #[error("not a Cargo project: run `cargo lto apply` inside one or pass --manifest-path")]
    NotAProject,
    /// A recommendation that cannot be made for a document.
    #[error("{}", .path.display())]
    Recommend {
        path: PathBuf,
        #[source]
        source: crate::advise::recommend::Impossible,
    },
    /// No configuration of a document can be judged; `first` words why the
    /// first was rejected.
    #[error("{}: no configuration in results {id} can be judged: {first}", .path.display())]
    NothingJudged {
        path: PathBuf,
        id: String,
        /// the first rejection, worded
        first: String,
    },
}

crate::exit_code!(Error => exit::USAGE);

/// The exit code for an error that ended a command: the first error in the
/// chain whose type is marked with one (`exit_code!`, beside the type; bad
/// input is [`exit::USAGE`]); anything else (I/O, a child that could not
/// start) is [`exit::ERROR`].
pub fn exit_code(err: &anyhow::Error) -> i32 {
    crate::error::code_of(err)
}

/// True when a broken pipe (the reader of stdout went away, as `| head`
/// does) is anywhere in the chain: the command then ends quietly with 0.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_error_deep_in_the_chain_sets_the_code() {
        let inner = crate::workspace::Error::NotAProject("here".into());
        let err = anyhow::Error::from(inner)
            .context("loading")
            .context("measuring");
        assert_eq!(exit_code(&err), exit::USAGE);
        let io = std::io::Error::other("disk on fire");
        assert_eq!(exit_code(&anyhow::Error::from(io)), exit::ERROR);
    }

    #[test]
    fn a_broken_pipe_is_found_under_context() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::from(pipe).context("writing the table");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
