//! The results documents: the hub of the tool. Producers (`measure`,
//! `inspect`) convert their values into these types at one seam each;
//! every consumer (the renderers, and later advice, reports, the CI gate and
//! merging) reads only these. Serde-only, versioned, documented field by
//! field in docs/results-schema.md and docs/inspect.md.
//!
//! This module imports nothing else from this crate, so nothing it publishes
//! can change because the measuring code changed. Its types are what other
//! programs read, so every public item is documented.
#![warn(missing_docs)]

pub mod advice;
pub mod bench;
pub mod binary;
pub mod build;
pub mod doctor;
pub mod gate;
pub mod history;
pub mod inspect;
pub mod measure;
pub mod notes;
pub mod pipeline;
pub mod plan;
pub mod reasons;
pub mod report;
pub mod runtime;
pub mod serve;
pub mod statistics;
pub mod status;
pub mod store;
#[cfg(test)]
pub(crate) mod test_docs;

/// The name of the reference configuration: the project's own profile as
/// it is, which every measure document holds and every comparison is
/// against.
pub const BASELINE: &str = "baseline";

pub use inspect::{INSPECT_SCHEMA_VERSION, InspectDocument};
pub use measure::{MEASURE_SCHEMA_VERSION, MeasureDocument};
pub use store::{
    Error, Listed, latest, list, load, new_id, results_dir, save, save_build, write_atomic,
};

/// Serde's default for a count of clean builds in documents older than
/// `measure --build-runs`: one.
pub(crate) fn one_build() -> usize {
    1
}
