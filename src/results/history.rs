//! `report --history --format json`: the measure documents of a results
//! directory as a trend per configuration, oldest first.

use serde::{Deserialize, Serialize};

/// The version of the history document.
pub const HISTORY_SCHEMA_VERSION: u32 = 1;

/// The history (`report --history --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryDocument {
    /// [`HISTORY_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// One entry per measure document, oldest first.
    pub history: Vec<Entry>,
}

/// One configuration's figures in one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// File size.
    pub size_bytes: Option<u64>,
    /// Shipped size.
    pub shipped_bytes: Option<u64>,
    /// Clean build wall seconds (None for a warm build).
    pub build_s: Option<f64>,
    /// Per workload, the ratio of medians to that document's baseline.
    pub runtime: Vec<(String, f64)>,
}

/// One document of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its id.
    pub id: String,
    /// When it started (RFC 3339, UTC).
    pub started: String,
    /// Its git commit, when known.
    pub commit: Option<String>,
    /// Uncommitted changes were measured.
    pub dirty: bool,
    /// Each configuration's figures, in the document's order.
    pub configs: Vec<(String, Point)>,
}
