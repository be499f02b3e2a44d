//! The documented exit codes, and the errors of the input every area
//! reads: a setting, a name, a `KEY=VALUE` list. Each area has its own
//! error enum beside its code, with `exit_code()`;
//! `commands::error::exit_code` finds it in the cause chain.

use thiserror::Error;

/// Exit codes of `cargo lto`, one constant per meaning (README.md,
/// "Exit codes", lists them). Several meanings share a number, as cargo's
/// and nextest's do: 1 is always "ran, and the answer is no".
pub mod exit {
    /// Everything measured, nothing found, every limit kept.
    pub const OK: i32 = 0;
    /// `measure`: the sweep ran, but at least one configuration failed or
    /// timed out.
    pub const CONFIG_FAILED: i32 = 1;
    /// `doctor`: a finding of severity error.
    pub const DOCTOR_FOUND_ERRORS: i32 = 1;
    /// `check`: a limit was broken.
    pub const LIMIT_BROKEN: i32 = 1;
    /// Bad input: command line, project, configuration or results
    /// document. Nothing was built or written.
    pub const USAGE: i32 = 2;
    /// Something else went wrong (I/O, cargo could not be started, …).
    pub const ERROR: i32 = 3;
    /// Interrupted by Ctrl-C (or SIGTERM, SIGHUP); what was measured so
    /// far is saved.
    pub const INTERRUPTED: i32 = 130;
}

/// Bad input, found before any build starts. Exit code 2.
#[derive(Debug, Error)]
pub enum UsageError {
    /// A profile key cargo-lto does not know.
    #[error("{origin}: unknown setting `{key}` (known: {known})")]
    UnknownSetting {
        /// where it was written
        origin: String,
        key: String,
        /// the keys that are known, from the key table
        known: String,
    },
    /// A value Cargo would reject.
    #[error("{origin}: invalid value {value} for `{key}`: expected {expected}")]
    InvalidSetting {
        /// where it was written
        origin: String,
        key: String,
        /// the value as written
        value: String,
        /// what would be accepted
        expected: String,
    },
    /// A configuration named that the matrix does not have.
    #[error("{origin}: no configuration named `{name}` (known: {})", .known.join(", "))]
    NoSuchConfiguration {
        /// where it was named (`--only`)
        origin: String,
        name: String,
        /// the matrix's names: the preset's, the metadata's, --with's
        known: Vec<String>,
    },
    /// Malformed text.
    #[error("{origin}: {message}")]
    Syntax {
        /// where it was written
        origin: String,
        /// what is wrong
        message: String,
    },
}

impl UsageError {
    /// The exit code: bad input.
    pub fn exit_code(&self) -> i32 {
        exit::USAGE
    }
}
