//! Advice from measurements and from the project's own files: `recommend`
//! (a configuration under constraints, from a measure document), `apply`
//! (writing settings into Cargo.toml and .cargo/config.toml), `doctor`
//! (profile mistakes), `explain` (what each setting does). Reads results
//! through `results/` only, never the measuring code; docs/advice.md
//! documents the rules.

pub mod apply;
mod compare;
pub mod doctor;
mod doctor_flags;
pub mod edit;
#[cfg(test)]
mod edit_tests;
pub mod explain;
#[cfg(test)]
mod explain_tests;
mod myths;
mod pick;
pub mod recommend;
pub mod wording;

#[cfg(test)]
mod recommend_tests;
#[cfg(test)]
mod test_docs;
