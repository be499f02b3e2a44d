//! The documented exit codes, how an error type says its own, and the
//! errors of the input every area reads: a setting, a name, a `KEY=VALUE`
//! list. Each area has its own error enum beside its code, marked once,
//! beside it, with [`exit_code!`](crate::exit_code) (as nextest's
//! `ExpectedError` has one match per meaning): [`code_of`] finds the first
//! marked error in a cause chain. No list of types is kept anywhere, so
//! no new error can be forgotten in one.

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

/// One error type's exit code: `Some` when `cause` is of that type. The
/// [`exit_code!`](crate::exit_code) marks are gathered here at link time.
pub type Classifier = fn(&(dyn std::error::Error + 'static)) -> Option<i32>;

/// Every marked error type's classifier.
#[linkme::distributed_slice]
pub static EXIT_CODES: [Classifier];

/// Marks an error type with its exit code, beside its definition:
/// `exit_code!(Error => exit::USAGE)`, or with a function of the value for
/// a type whose variants differ (`exit_code!(Error, |e| …)`).
#[macro_export]
macro_rules! exit_code {
    ($t:ty => $code:expr) => {
        $crate::exit_code!($t, |_| $code);
    };
    ($t:ty, $f:expr) => {
        const _: () = {
            #[linkme::distributed_slice($crate::error::EXIT_CODES)]
            #[linkme(crate = linkme)]
            static CLASSIFY: $crate::error::Classifier = |cause| {
                let code: fn(&$t) -> i32 = $f;
                cause.downcast_ref::<$t>().map(code)
            };
        };
    };
}

/// The exit code of the first marked error in `err`'s cause chain;
/// [`exit::ERROR`] when none is (I/O, a child that could not start).
pub fn code_of(err: &anyhow::Error) -> i32 {
    err.chain()
        .find_map(|cause| EXIT_CODES.iter().find_map(|classify| classify(cause)))
        .unwrap_or(exit::ERROR)
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

crate::exit_code!(UsageError => exit::USAGE);

// `results` imports nothing of this crate, so its store's error is marked
// here: a missing, foreign or outdated document is bad input, a failed
// write the tool's own failure.
crate::exit_code!(crate::results::Error, |e| if e.is_bad_input() {
    exit::USAGE
} else {
    exit::ERROR
});

#[cfg(test)]
mod tests {
    use super::*;

    /// An error type nobody listed anywhere: marked beside itself, it is
    /// found under any context, and an unmarked one is exit 3.
    #[derive(Debug, Error)]
    #[error("a planted bad input")]
    struct Planted;
    crate::exit_code!(Planted => exit::USAGE);

    #[derive(Debug, Error)]
    #[error("not marked")]
    struct Unmarked;

    #[test]
    fn a_new_marked_error_is_its_code_under_any_context() {
        let err = anyhow::Error::new(Planted)
            .context("loading")
            .context("measuring");
        assert_eq!(code_of(&err), exit::USAGE);
        assert_eq!(code_of(&anyhow::Error::new(Unmarked)), exit::ERROR);
        // the first marked one in the chain decides
        let inner = UsageError::Syntax {
            origin: "x".into(),
            message: "y".into(),
        };
        assert_eq!(
            code_of(&anyhow::Error::new(inner).context(Unmarked)),
            exit::USAGE
        );
    }
}
