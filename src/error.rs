//! Errors the user can act on, and the documented exit codes.

use thiserror::Error;

/// Exit codes of `cargo lto`, documented in README.md.
pub mod exit {
    /// Everything measured.
    pub const OK: i32 = 0;
    /// The sweep ran, but at least one configuration failed or timed out.
    pub const CONFIG_FAILED: i32 = 1;
    /// Bad input: command line, project, or configuration. Nothing was built.
    pub const USAGE: i32 = 2;
    /// Something else went wrong (I/O, cargo could not be started, …).
    pub const ERROR: i32 = 3;
    /// Interrupted by Ctrl-C; what was measured so far is saved.
    pub const INTERRUPTED: i32 = 130;
}

/// The exit code for an error that ended a command: bad input (a
/// [`UsageError`], or a missing, foreign or outdated results document) is
/// [`exit::USAGE`], anything else [`exit::ERROR`].
pub fn exit_code(err: &anyhow::Error) -> i32 {
    let bad_input = err.chain().any(|cause| {
        cause.downcast_ref::<UsageError>().is_some()
            || cause
                .downcast_ref::<crate::results::Error>()
                .is_some_and(|e| e.is_bad_input())
    });
    if bad_input { exit::USAGE } else { exit::ERROR }
}

/// Bad input, found before any build starts. Exit code 2.
#[derive(Debug, Error)]
pub enum UsageError {
    /// A profile key cargo-lto does not know.
    #[error("{origin}: unknown setting `{key}` (known: {known})")]
    UnknownSetting {
        /// where it was written
        origin: String,
        /// the key
        key: String,
        /// the keys that are known, from the key table
        known: String,
    },
    /// A value Cargo would reject.
    #[error("{origin}: invalid value {value} for `{key}`: expected {expected}")]
    InvalidSetting {
        /// where it was written
        origin: String,
        /// the key
        key: String,
        /// the value as written
        value: String,
        /// what would be accepted
        expected: String,
    },
    /// Malformed text.
    #[error("{origin}: {message}")]
    Syntax {
        /// where it was written
        origin: String,
        /// what is wrong
        message: String,
    },
    /// The project cannot be measured as asked; the message says what to do.
    #[error("{0}")]
    Project(String),
}
