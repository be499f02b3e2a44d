//! `inspect` as Markdown, for a pull request or an issue.

use super::inspect_render::{Block, blocks};
use super::inspect_schema::InspectReport;

/// Renders the inspection as GitHub-flavoured Markdown.
pub fn render(report: &InspectReport, top: usize) -> String {
    let mut out = String::from("# cargo lto inspect\n");
    for block in blocks(report, top) {
        match block {
            Block::Heading(h) => out.push_str(&format!("\n## {h}\n\n")),
            Block::Table(t) => {
                out.push_str(&t.to_markdown());
                out.push('\n');
            }
            Block::Text(t) => out.push_str(&format!("{t}\n\n")),
        }
    }
    out
}
