//! `inspect` for a terminal: aligned tables under plain headings.

use super::inspect_render::{Block, blocks};
use super::inspect_schema::InspectReport;

/// Renders the inspection as text.
pub fn render(report: &InspectReport, top: usize) -> String {
    let mut out = String::new();
    for block in blocks(report, top) {
        match block {
            Block::Heading(h) => out.push_str(&format!("\n== {h}\n")),
            Block::Table(t) => {
                out.push_str(&t.to_text());
                out.push('\n');
            }
            Block::Text(t) => out.push_str(&format!("{t}\n")),
        }
    }
    out.trim_start().to_string()
}
