//! A sweep's sizes beyond the configuration table: each binary's, when it
//! measured several, and the changes against baseline by section group.

use super::blocks::{Align, Table};
use super::cells::Cell;
use super::{View, own};
use crate::results::BASELINE;
use crate::results::measure::{
    Binary, Configuration, MeasureDocument, SECTION_GROUPS, Sizes, Status,
};

/// Each binary's shipped size, with several: one column group per binary
/// (its shipped bytes and their change against baseline's), or one row
/// per configuration and binary when more than [`BINARY_COLUMNS`] would
/// not fit.
pub(super) fn per_binary(doc: &MeasureDocument) -> Option<Table> {
    let bins = doc.project.bin_names();
    if bins.len() < 2 {
        return None;
    }
    let base = doc.config(BASELINE).filter(|c| c.status == Status::Ok);
    let change = |c: &Configuration, bin: &str, of: fn(&Binary) -> u64| {
        let (b, bb) = (c.binary(bin)?, base?.binary(bin)?);
        Some(Cell::Change(of(b) as f64 / of(bb) as f64 - 1.0))
    };
    let shipped = |b: &Binary| b.shipped_bytes;
    let size = |b: &Binary| b.size_bytes;
    let configs: Vec<&Configuration> = doc
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok && c.built())
        .collect();
    let mut table = if bins.len() <= BINARY_COLUMNS {
        let labels: Vec<(String, String)> = bins
            .iter()
            .map(|b| (format!("{b} shipped"), format!("{b} ±")))
            .collect();
        let mut headers = vec![("config", Align::Left)];
        for (s, c) in &labels {
            headers.extend([(s.as_str(), Align::Right), (c.as_str(), Align::Right)]);
        }
        let mut table = Table::new(&headers);
        for c in &configs {
            let mut row = vec![Cell::Text(c.name.clone())];
            for bin in &bins {
                row.push(
                    c.binary(bin)
                        .map_or(Cell::Empty, |b| Cell::Bytes(b.shipped_bytes)),
                );
                row.push(change(c, bin, shipped).unwrap_or(Cell::Empty));
            }
            table.row(row);
        }
        table
    } else {
        let mut table = Table::new(&[
            ("config", Align::Left),
            ("binary", Align::Left),
            ("size", Align::Right),
            ("size ±", Align::Right),
            ("shipped", Align::Right),
            ("shipped ±", Align::Right),
        ]);
        for c in &configs {
            for bin in &bins {
                let Some(b) = c.binary(bin) else { continue };
                table.row(vec![
                    Cell::Text(c.name.clone()),
                    Cell::Text(bin.to_string()),
                    Cell::Bytes(b.size_bytes),
                    change(c, bin, size).unwrap_or(Cell::Empty),
                    Cell::Bytes(b.shipped_bytes),
                    change(c, bin, shipped).unwrap_or(Cell::Empty),
                ]);
            }
        }
        table
    };
    table.title =
        Some("size per binary (shipped: what `strip` keeps; ±: against baseline's)".into());
    (!table.rows.is_empty()).then_some(table)
}

/// Binaries the per-binary table gives a column group each; with more,
/// it has a row per binary.
const BINARY_COLUMNS: usize = 3;

/// Where each configuration's size changed against baseline, by section
/// group: a file-size change that is all debug info is no change to the
/// program a user ships stripped. The groups add up to the file; a group
/// that changed in no configuration is left out (the footnote says so).
pub(super) fn by_group(doc: &MeasureDocument, view: View) -> Option<Table> {
    let base = doc
        .config(BASELINE)
        .filter(|c| c.status == Status::Ok)?
        .sizes(None)?;
    let get = |b: &Sizes, g: &str| b.group(g);
    let rows: Vec<(&Configuration, Sizes)> = doc
        .configurations
        .iter()
        .filter(own)
        .filter(|c| c.name != BASELINE)
        .filter_map(|c| Some((c, c.sizes(None)?)))
        .collect();
    let groups: Vec<&str> = SECTION_GROUPS
        .iter()
        .copied()
        .filter(|g| rows.iter().any(|(_, b)| get(b, g) != get(&base, g)))
        .collect();
    let mut headers = vec![("config", Align::Left)];
    headers.extend(
        groups
            .iter()
            .map(|g| (super::figures::section_group(g), Align::Right)),
    );
    headers.push(("file", Align::Right));
    if view.wide {
        headers.push(("shipped", Align::Right));
    }
    let together = if doc.project.bins.len() > 1 {
        " (the binaries together)"
    } else {
        ""
    };
    let mut table = Table::new(&headers).titled(format!(
        "size change against baseline by section group{together}"
    ));
    let delta = |a: u64, b: u64| Cell::BytesDelta(a as i64 - b as i64);
    for (c, bin) in &rows {
        let mut row = vec![Cell::Text(c.name.clone())];
        row.extend(groups.iter().map(|g| delta(get(bin, g), get(&base, g))));
        row.push(delta(bin.size_bytes, base.size_bytes));
        if view.wide {
            row.push(delta(bin.shipped_bytes, base.shipped_bytes));
        }
        table.row(row);
    }
    let unchanged: Vec<&str> = SECTION_GROUPS
        .iter()
        .filter(|g| !groups.contains(g))
        .map(|g| super::figures::section_group(g))
        .collect();
    table.footnotes.push(
        "code: .text, .plt; data: .data, .data.rel.ro, the GOT and their dynamic relocations\n(.bss takes no file space); symbols: .symtab, .strtab; other: the rest of the file\n(.dynsym, .comment, headers, padding)."
            .into(),
    );
    table.footnotes.push(if unchanged.is_empty() {
        "The groups add up to the file.".to_string()
    } else {
        format!(
            "The groups add up to the file.\nNot shown, unchanged everywhere: {}.",
            unchanged.join(", ")
        )
    });
    (!table.rows.is_empty()).then_some(table)
}
