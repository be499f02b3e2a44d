//! The terminal format: aligned plain-text tables, two spaces between
//! columns, a rule under the header; one blank line between blocks and two
//! before a heading (`== Heading`).

use super::Render;
use super::blocks::{Align, Block, Report, Table};

/// Renders for a terminal (or a plain-text log).
pub struct Terminal;

impl Render for Terminal {
    fn render(&self, report: &Report) -> String {
        let mut out = String::new();
        for (i, block) in report.blocks.iter().enumerate() {
            let after_heading = i > 0 && matches!(report.blocks[i - 1], Block::Heading(_));
            if i > 0 && !after_heading {
                out.push('\n');
            }
            match block {
                Block::Heading(h) => {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&format!("== {h}\n"));
                }
                Block::Table(t) => out.push_str(&table(t)),
                // `**strong**` is Markdown's; a terminal shows the words
                Block::Text(t) => out.push_str(&format!("{}\n", t.replace("**", ""))),
                // as is, so that it can be copied
                Block::Code { text, .. } => out.push_str(text),
                Block::List(items) => items.iter().for_each(|n| out.push_str(&format!("- {n}\n"))),
                Block::Notes(items) => {
                    items
                        .iter()
                        .for_each(|n| out.push_str(&format!("note: {n}\n")));
                }
                Block::Quote { title, lines } => {
                    out.push_str(&format!("{title}:\n"));
                    lines
                        .iter()
                        .for_each(|l| out.push_str(&format!("  | {l}\n")));
                }
            }
        }
        out
    }
}

/// A table as aligned text, with its title line and footnotes.
fn table(t: &Table) -> String {
    let rows = t.text_rows();
    // a header's code marks (`` `o2` × base ``) are Markdown's and HTML's:
    // the terminal shows the plain words
    let headers: Vec<String> = t
        .columns
        .iter()
        .map(|c| c.header.replace('`', ""))
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain(std::iter::once(headers[i].chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..t.columns.len()).map(width).collect();
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| match t.columns[i].align {
                Align::Left => format!("{c:<w$}", w = widths[i]),
                Align::Right => format!("{c:>w$}", w = widths[i]),
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = String::new();
    if let Some(title) = &t.title {
        out.push_str(&format!("{title}\n"));
    }
    out.push_str(&line(headers.iter().map(String::as_str).collect()));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&rule.join("  "));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    for f in &t.footnotes {
        out.push_str(&format!("{f}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::cells::Cell;
    use super::*;

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&[("name", Align::Left), ("size", Align::Right)]);
        t.row(vec![Cell::Text("a".into()), Cell::Bytes(1)]);
        t.row(vec![Cell::Text("longer".into()), Cell::Bytes(100)]);
        assert_eq!(
            table(&t),
            "name     size\n------  -----\na         1 B\nlonger  100 B\n"
        );
    }

    #[test]
    fn code_marks_in_headers_are_markdown_not_terminal_text() {
        let t = Table::new(&[("`o2` × base", Align::Right)]);
        assert_eq!(table(&t), "o2 × base\n---------\n");
    }

    #[test]
    fn blocks_are_spaced_and_headings_set_apart() {
        let mut t = Table::new(&[("a", Align::Left)]).titled("caption");
        t.row(vec![Cell::Count(1)]);
        t.footnotes.push("(a footnote)".into());
        let report = Report {
            title: "ignored here".into(),
            blocks: vec![
                Block::Heading("One".into()),
                Block::Table(t),
                Block::Text("para".into()),
                Block::Heading("Two".into()),
                Block::Notes(vec!["n".into()]),
                Block::Quote {
                    title: "x FAILED".into(),
                    lines: vec!["err".into()],
                },
            ],
        };
        assert_eq!(
            Terminal.render(&report),
            "== One\ncaption\na\n-\n1\n(a footnote)\n\npara\n\n\n== Two\nnote: n\n\nx FAILED:\n  | err\n"
        );
    }
}
