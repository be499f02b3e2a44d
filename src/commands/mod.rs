//! One module per `cargo lto` command: each turns CLI arguments into calls
//! of the library and chooses the exit code.

pub mod inspect;
pub mod measure;
