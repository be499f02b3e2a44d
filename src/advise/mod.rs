//! Advice from measurements and from the project's own files: `recommend`
//! (a configuration under constraints, from a measure document), `apply`
//! (writing settings into Cargo.toml and .cargo/config.toml), `doctor`
//! (profile mistakes), `explain` (what each setting does). Reads results
//! through `results/` only, never the measuring code; docs/advice.md
//! documents the rules.

pub mod apply;
pub mod doctor;
pub mod edit;
#[cfg(test)]
mod edit_tests;
pub mod explain;
#[cfg(test)]
mod explain_tests;
pub mod recommend;
pub mod train;
