//! The block model every text format renders: a report is a title and a
//! list of blocks — headings, tables of typed cells, paragraphs, lists,
//! notes, quoted output. A document becomes blocks once (`measure.rs`,
//! `inspect.rs`); each format (`table.rs`, `markdown.rs`) lays them out.

use super::cells::Cell;

/// What a text format renders.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report's title (Markdown shows it; the terminal does not).
    pub title: String,
    /// The content, in order.
    pub blocks: Vec<Block>,
}

/// One piece of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section title.
    Heading(String),
    Table(Table),
    /// A paragraph (its lines are kept).
    Text(String),
    /// Bullet points.
    List(Vec<String>),
    /// Things to know about how the figures were obtained.
    Notes(Vec<String>),
    /// Text to copy (a TOML snippet, a diff), in the named language.
    Code {
        /// Fence language for Markdown: `toml`, `diff`, …
        language: String,
        /// The text, lines ending in `\n`.
        text: String,
    },
    /// Output quoted verbatim (a failure's stderr), under a title.
    Quote {
        /// What is quoted.
        title: String,
        lines: Vec<String>,
    },
}

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// For text.
    Left,
    /// For figures: their digits line up.
    Right,
}

/// A column: its header and alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header text.
    pub header: String,
    /// Alignment of its cells.
    pub align: Align,
}

/// A table of typed cells, with an optional title line above it and
/// footnote lines below.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// A caption shown above the table.
    pub title: Option<String>,
    pub columns: Vec<Column>,
    /// Rows, each as wide as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// Lines shown right below the table.
    pub footnotes: Vec<String>,
}

impl Table {
    /// A table with these columns.
    pub fn new(headers: &[(&str, Align)]) -> Table {
        Table {
            columns: headers
                .iter()
                .map(|(header, align)| Column {
                    header: header.to_string(),
                    align: *align,
                })
                .collect(),
            ..Table::default()
        }
    }

    /// The same table with a caption.
    pub fn titled(mut self, title: impl Into<String>) -> Table {
        self.title = Some(title.into());
        self
    }

    /// Appends a row (padded with empty cells or cut to the column count).
    pub fn row(&mut self, mut cells: Vec<Cell>) {
        cells.resize(self.columns.len(), Cell::Empty);
        self.rows.push(cells);
    }

    /// The rows as text, cell by cell.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect()
    }
}
