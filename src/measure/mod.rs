//! Measuring a matrix of configurations: clean build, per-unit costs, the
//! final link step, a rebuild after touching the binary's root source file,
//! and the binary itself.

pub mod machine;
pub mod process;
pub mod runtime;
pub mod stats;
pub mod sweep;
