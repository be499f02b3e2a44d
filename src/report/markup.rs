//! A table of cells rendered as aligned text (terminal) — and later Markdown —
//! plus the number formats every report shares.

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A table: a header row and data rows of equal width.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns.
    pub fn new(headers: &[(&str, Align)]) -> Table {
        Table {
            headers: headers.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: vec![],
        }
    }

    /// Appends a row (padded or cut to the column count).
    pub fn row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// Aligned plain text, two spaces between columns, a rule under the header.
    pub fn to_text(&self) -> String {
        let width = |i: usize| {
            self.rows
                .iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(self.headers[i].0.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.headers.len()).map(width).collect();
        let line = |cells: Vec<&str>| {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| match self.headers[i].1 {
                    Align::Left => format!("{c:<w$}", w = widths[i]),
                    Align::Right => format!("{c:>w$}", w = widths[i]),
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        let mut out = line(self.headers.iter().map(|h| h.0.as_str()).collect());
        out.push('\n');
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&rule.join("  "));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
            out.push('\n');
        }
        out
    }
}

impl Table {
    /// A GitHub-flavoured Markdown table. Cells are escaped so that names
    /// like `<u64 as core::fmt::Display>::fmt` show as written; leading
    /// spaces (indented rows) are kept as non-breaking spaces.
    pub fn to_markdown(&self) -> String {
        let esc = |c: &str| {
            let trimmed = c.trim_start_matches(' ');
            let indent = "&nbsp;".repeat(c.len() - trimmed.len());
            let body = trimmed
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('|', "\\|")
                .replace('*', "\\*");
            format!("{indent}{body}")
        };
        let mut out = String::new();
        let header: Vec<String> = self.headers.iter().map(|h| esc(&h.0)).collect();
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        let rule: Vec<&str> = self
            .headers
            .iter()
            .map(|h| if h.1 == Align::Right { "---:" } else { "---" })
            .collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| esc(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

/// Bytes in binary units with one decimal: `512 B`, `497.2 KiB`, `2.1 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Seconds: `0.42 s`, `12.3 s`, `125 s`.
pub fn seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 100.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.0} s")
    }
}

/// A measured value of `metric` (`wall_s` or `instructions`), compactly:
/// `850 µs`, `12.3 ms`, `1.25 s`; `1.23 G`, `45.6 M` instructions.
pub fn metric_value(metric: &str, v: f64) -> String {
    if metric == "instructions" {
        return match v {
            v if v >= 1e9 => format!("{:.3} G", v / 1e9),
            v if v >= 1e6 => format!("{:.3} M", v / 1e6),
            v if v >= 1e3 => format!("{:.3} k", v / 1e3),
            v => format!("{v:.0}"),
        };
    }
    match v {
        v if v < 1e-3 => format!("{:.0} µs", v * 1e6),
        v if v < 1.0 => format!("{:.2} ms", v * 1e3),
        v => format!("{v:.3} s"),
    }
}

/// Relative change in percent, signed: `-16.7%`, `+0.0%`.
pub fn percent_change(value: f64, base: f64) -> String {
    if base == 0.0 {
        return "n/a".into();
    }
    format!("{:+.1}%", (value / base - 1.0) * 100.0)
}

/// A ratio: `×1.85`.
pub fn ratio(value: f64, base: f64) -> String {
    if base == 0.0 {
        return "n/a".into();
    }
    format!("×{:.2}", value / base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(509_168), "497.2 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(seconds(0.421), "0.42 s");
        assert_eq!(seconds(12.34), "12.3 s");
        assert_eq!(percent_change(424_008.0, 509_168.0), "-16.7%");
        assert_eq!(ratio(2.0, 1.0), "×2.00");
        assert_eq!(ratio(2.0, 0.0), "n/a");
    }

    #[test]
    fn markdown_escapes_names() {
        let mut t = Table::new(&[("name", Align::Left), ("n", Align::Right)]);
        t.row(vec![
            "  <u64 as core::fmt::Display>::fmt | *const T".into(),
            "1".into(),
        ]);
        assert_eq!(
            t.to_markdown(),
            "| name | n |\n|---|---:|\n| &nbsp;&nbsp;&lt;u64 as core::fmt::Display&gt;::fmt \\| \\*const T | 1 |\n"
        );
    }

    #[test]
    fn aligns_columns() {
        let mut t = Table::new(&[("name", Align::Left), ("size", Align::Right)]);
        t.row(vec!["a".into(), "1 B".into()]);
        t.row(vec!["longer".into(), "100 B".into()]);
        assert_eq!(
            t.to_text(),
            "name     size\n------  -----\na         1 B\nlonger  100 B\n"
        );
    }
}
