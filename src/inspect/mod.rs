//! Reading built binaries.

pub mod binary;
