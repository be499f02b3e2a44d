//! GitHub-flavoured Markdown, for a pull request or an issue: pipe tables,
//! no raw HTML. Table cells are escaped so names like
//! `<u64 as core::fmt::Display>::fmt` show as written.

use super::Render;
use super::blocks::{Align, Block, Report, Table};

/// Renders as Markdown.
pub struct Markdown;

impl Render for Markdown {
    fn render(&self, report: &Report) -> String {
        let mut out = format!("# {}\n\n", report.title);
        for (i, block) in report.blocks.iter().enumerate() {
            match block {
                // two blank lines set a section apart from the one before
                Block::Heading(h) if i > 0 => out.push_str(&format!("\n## {h}\n\n")),
                Block::Heading(h) => out.push_str(&format!("## {h}\n\n")),
                Block::Table(t) => {
                    out.push_str(&table(t));
                    out.push('\n');
                }
                Block::Text(t) => out.push_str(&format!("{}\n\n", t.replace('\n', "  \n"))),
                Block::List(items) | Block::Notes(items) => {
                    items.iter().for_each(|n| out.push_str(&format!("- {n}\n")));
                    out.push('\n');
                }
                Block::Code { language, text } => {
                    out.push_str(&format!("```{language}\n{text}"));
                    if !text.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str("```\n\n");
                }
                Block::Quote { title, lines } => {
                    out.push_str(&format!("**{title}**\n\n```text\n"));
                    lines.iter().for_each(|l| out.push_str(&format!("{l}\n")));
                    out.push_str("```\n\n");
                }
            }
        }
        out
    }
}

/// A cell's text escaped for a pipe table; leading spaces (indented rows)
/// are kept as non-breaking spaces.
fn escape(cell: &str) -> String {
    let trimmed = cell.trim_start_matches(' ');
    let indent = "&nbsp;".repeat(cell.len() - trimmed.len());
    format!("{indent}{}", escape_text(trimmed))
}

/// Markdown's special characters in `text`, escaped.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('*', "\\*")
}

/// A paragraph: escaped as a cell is, except inside `code spans`, which
/// Markdown shows as they are (an escape there would show literally).
fn escape_paragraph(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i {
            0 => escape(part),
            _ if i % 2 == 1 => part.to_string(),
            _ => escape_text(part),
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// A pipe table, with its title as a paragraph above and its footnotes as
/// paragraphs below.
fn table(t: &Table) -> String {
    let mut out = String::new();
    if let Some(title) = &t.title {
        out.push_str(&format!("{title}\n\n"));
    }
    let header: Vec<String> = t.columns.iter().map(|c| escape(&c.header)).collect();
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    let rule: Vec<&str> = t
        .columns
        .iter()
        .map(|c| {
            if c.align == Align::Right {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in t.text_rows() {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    for f in &t.footnotes {
        out.push_str(&format!("\n{}\n", escape_paragraph(f.trim_start())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::cells::Cell;
    use super::*;

    #[test]
    fn code_spans_in_paragraphs_are_left_as_they_are() {
        assert_eq!(
            escape_paragraph("a <b> `sh -c 'x >&2' | y` c*d"),
            "a &lt;b&gt; `sh -c 'x >&2' | y` c\\*d"
        );
    }

    #[test]
    fn escapes_names() {
        let mut t = Table::new(&[("name", Align::Left), ("n", Align::Right)]);
        t.row(vec![
            Cell::Text("  <u64 as core::fmt::Display>::fmt | *const T".into()),
            Cell::Count(1),
        ]);
        assert_eq!(
            table(&t),
            "| name | n |\n|---|---:|\n| &nbsp;&nbsp;&lt;u64 as core::fmt::Display&gt;::fmt \\| \\*const T | 1 |\n"
        );
    }

    #[test]
    fn blocks() {
        let report = Report {
            title: "T".into(),
            blocks: vec![
                Block::Heading("H".into()),
                Block::Text("two\nlines".into()),
                Block::Notes(vec!["a".into(), "b".into()]),
                Block::Quote {
                    title: "fat FAILED".into(),
                    lines: vec!["error: x".into()],
                },
            ],
        };
        assert_eq!(
            Markdown.render(&report),
            "# T\n\n## H\n\ntwo  \nlines\n\n- a\n- b\n\n**fat FAILED**\n\n```text\nerror: x\n```\n\n"
        );
    }
}
