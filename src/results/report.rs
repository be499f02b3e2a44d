//! `cargo lto report --format json`: each measure document with the
//! recommendation made from it, or why there is none.

use serde::{Deserialize, Serialize};

use super::MeasureDocument;
use super::advice::Recommendation;

/// The version of the report document.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDocument {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// One per measure document, in the order given.
    pub reports: Vec<ReportEntry>,
}

/// One measure document and what was recommended from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportEntry {
    /// The measure document.
    pub results: MeasureDocument,
    /// The recommendation (each reason and rejection with its `text`).
    pub recommendation: Option<Recommendation>,
    /// Why there is no recommendation, when there is none.
    pub no_recommendation: Option<String>,
}
