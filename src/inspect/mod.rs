//! Reading built binaries.

pub mod analyse;
pub mod attribution;
pub mod binary;
pub mod code;
pub mod diff;
pub mod dwarf;
pub mod functions;
