//! An inspect document as blocks: machine code per crate (by symbol and by
//! DWARF unit), the diff of two configurations, cross-crate calls, and
//! identical functions. `top` limits the rows shown, never the document.

use super::blocks::{Align, Block, Report, Table};
use super::cells::Cell;
use crate::results::inspect::{
    BinaryReport, CallsReport, CratePair, CrateSize, DiffReport, DuplicatesReport, InspectDocument,
};
use crate::units::bytes;

/// Long generic names cut to `max` characters with an ellipsis (JSON keeps them whole).
pub fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let cut: String = name.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// `1 function`, `2 functions`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Width names are cut to in tables.
const NAME_WIDTH: usize = 90;

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// The whole report, showing `top` rows per list.
pub fn report(report: &InspectDocument, top: usize) -> Report {
    Report {
        title: "cargo lto inspect".into(),
        blocks: blocks(report, top),
    }
}

/// One section per binary target (one when there is one), then the notes.
fn blocks(report: &InspectDocument, top: usize) -> Vec<Block> {
    let mut targets: Vec<Option<&str>> = Vec::new();
    for b in &report.binaries {
        if !targets.contains(&b.bin.as_deref()) {
            targets.push(b.bin.as_deref());
        }
    }
    let mut out = Vec::new();
    for bin in &targets {
        if targets.len() > 1 {
            out.push(Block::Heading(format!(
                "Binary `{}`",
                bin.unwrap_or("(file)")
            )));
        }
        let of_bin = InspectDocument {
            binaries: report
                .binaries
                .iter()
                .filter(|b| b.bin.as_deref() == *bin)
                .cloned()
                .collect(),
            diffs: report
                .diffs
                .iter()
                .filter(|d| d.bin.as_deref() == *bin)
                .cloned()
                .collect(),
            notes: Vec::new(),
            ..report.clone()
        };
        target_blocks(&of_bin, top, &mut out);
    }
    if !report.notes.is_empty() {
        out.push(Block::Heading("Notes".into()));
        out.push(Block::List(report.notes.clone()));
    }
    out
}

/// One binary target's blocks.
fn target_blocks(report: &InspectDocument, top: usize, out: &mut Vec<Block>) {
    sizes(report, top, out);
    for diff in &report.diffs {
        diff_blocks(diff, &report.workspace_crates, top, out);
    }
    calls(report, top, out);
    duplicates(report, top, out);
    for b in &report.binaries {
        for why in &b.unavailable {
            out.push(Block::Text(format!("{}: {why}", b.name)));
        }
    }
}

fn sizes(report: &InspectDocument, top: usize, out: &mut Vec<Block>) {
    let bins: Vec<&BinaryReport> = report.binaries.iter().filter(|b| !b.stripped).collect();
    out.push(Block::Heading(
        "Machine code per crate (.text bytes, by symbol)".into(),
    ));
    if bins.is_empty() {
        out.push(Block::Text("(no binary with symbols)".into()));
    } else {
        let view: Vec<(&BinaryReport, &[CrateSize], u64)> = bins
            .iter()
            .map(|b| (*b, b.crates.as_slice(), b.unattributed_bytes))
            .collect();
        out.push(Block::Table(size_table(
            &view,
            top,
            "[unattributed: padding, stubs]",
        )));
    }
    let with_units: Vec<(&BinaryReport, &[CrateSize], u64)> = report
        .binaries
        .iter()
        .filter_map(|b| Some((b, b.units.as_deref()?, b.units_unattributed_bytes?)))
        .collect();
    if !with_units.is_empty() {
        out.push(Block::Heading(
            "Machine code per crate (.text bytes, by the DWARF compile unit that emitted it)"
                .into(),
        ));
        out.push(Block::Table(size_table(
            &with_units,
            top,
            "[no compile unit]",
        )));
    }
}

/// One column per binary, crates as rows ordered by their largest size, the
/// rest summed, then the unattributed row and the `.text` total.
fn size_table(view: &[(&BinaryReport, &[CrateSize], u64)], top: usize, rest_label: &str) -> Table {
    let mut names: Vec<(String, u64)> = Vec::new();
    for (_, crates, _) in view {
        for c in crates.iter() {
            match names.iter_mut().find(|(n, _)| *n == c.name) {
                Some(entry) => entry.1 = entry.1.max(c.text_bytes),
                None => names.push((c.name.clone(), c.text_bytes)),
            }
        }
    }
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut headers: Vec<(&str, Align)> = vec![("crate", Align::Left)];
    headers.extend(view.iter().map(|(b, _, _)| (b.name.as_str(), Align::Right)));
    let mut table = Table::new(&headers);
    let size_of = |crates: &[CrateSize], name: &str| {
        crates
            .iter()
            .find(|c| c.name == name)
            .map_or(0, |c| c.text_bytes)
    };
    for (name, _) in names.iter().take(top) {
        let mut row = vec![text(name.clone())];
        row.extend(
            view.iter()
                .map(|(_, crates, _)| Cell::Bytes(size_of(crates, name))),
        );
        table.row(row);
    }
    if names.len() > top {
        let mut row = vec![text(format!("({} more crates)", names.len() - top))];
        row.extend(view.iter().map(|(_, crates, _)| {
            Cell::Bytes(
                names
                    .iter()
                    .skip(top)
                    .map(|(n, _)| size_of(crates, n))
                    .sum(),
            )
        }));
        table.row(row);
    }
    let mut row = vec![text(rest_label)];
    row.extend(view.iter().map(|(_, _, rest)| Cell::Bytes(*rest)));
    table.row(row);
    let mut row = vec![text(".text total")];
    row.extend(view.iter().map(|(b, _, _)| Cell::Bytes(b.text_bytes)));
    table.row(row);
    table
}

fn diff_blocks(d: &DiffReport, workspace: &[String], top: usize, out: &mut Vec<Block>) {
    out.push(Block::Heading(format!(
        "What changed from `{}` to `{}`",
        d.base, d.against
    )));
    let mut table = Table::new(&[
        ("crate", Align::Left),
        (d.base.as_str(), Align::Right),
        (d.against.as_str(), Align::Right),
        ("change", Align::Right),
    ]);
    for c in d.crates.iter().take(top) {
        table.row(vec![
            text(c.name.clone()),
            Cell::Bytes(c.base_bytes),
            Cell::Bytes(c.against_bytes),
            Cell::BytesDelta(c.against_bytes as i64 - c.base_bytes as i64),
        ]);
    }
    out.push(Block::Table(table));
    out.push(Block::Text(format!(
        "{} ({}) of `{}` are gone in `{}`: inlined into their callers or removed as dead; {} ({}) appeared.",
        plural(d.vanished_total.count, "function"),
        bytes(d.vanished_total.bytes),
        d.base,
        d.against,
        plural(d.appeared_total.count, "function"),
        bytes(d.appeared_total.bytes),
    )));
    // Vanished functions by crate, so a small crate's functions are not buried under std's.
    let mut crates: Vec<(&str, u64)> = Vec::new();
    for f in &d.vanished {
        match crates.iter_mut().find(|(k, _)| *k == f.krate) {
            Some(e) => e.1 += f.bytes,
            None => crates.push((f.krate.as_str(), f.bytes)),
        }
    }
    crates.sort_by(|a, b| {
        let mine = |k: &str| !workspace.iter().any(|w| w == k);
        mine(a.0)
            .cmp(&mine(b.0))
            .then(b.1.cmp(&a.1))
            .then_with(|| a.0.cmp(b.0))
    });
    let mut table = Table::new(&[
        ("vanished, by crate (yours first)", Align::Left),
        ("bytes", Align::Right),
    ]);
    for (krate, total) in crates.iter().take(top) {
        let fs: Vec<_> = d.vanished.iter().filter(|f| f.krate == *krate).collect();
        table.row(vec![
            text(format!("{krate} ({})", plural(fs.len(), "function"))),
            Cell::Bytes(*total),
        ]);
        for f in fs.iter().take(3) {
            let count = if f.count > 1 {
                format!(" ×{}", f.count)
            } else {
                String::new()
            };
            table.row(vec![
                text(format!("  {}{count}", shorten(&f.name, NAME_WIDTH))),
                Cell::Bytes(f.bytes),
            ]);
        }
    }
    out.push(Block::Table(table));
    if !d.appeared.is_empty() {
        let mut table = Table::new(&[
            ("appeared", Align::Left),
            ("crate", Align::Left),
            ("kind", Align::Left),
            ("bytes", Align::Right),
        ]);
        for f in d.appeared.iter().take(top) {
            table.row(vec![
                text(shorten(&f.name, NAME_WIDTH)),
                text(f.krate.clone()),
                text(f.clone.clone().unwrap_or_else(|| "new".into())),
                Cell::Bytes(f.bytes),
            ]);
        }
        out.push(Block::Table(table));
    }
}

fn calls(report: &InspectDocument, top: usize, out: &mut Vec<Block>) {
    let bins: Vec<(&BinaryReport, &CallsReport)> = report
        .binaries
        .iter()
        .filter_map(|b| Some((b, b.calls.as_ref()?)))
        .collect();
    if bins.is_empty() {
        return;
    }
    out.push(Block::Heading(
        "Cross-crate calls (direct call sites and tail jumps)".into(),
    ));
    let mut table = Table::new(&[
        ("binary", Align::Left),
        ("call sites", Align::Right),
        ("cross-crate", Align::Right),
        ("into yours", Align::Right),
        ("into std", Align::Right),
        ("into others", Align::Right),
    ]);
    let count = |n: Option<usize>| n.map_or(Cell::Mark("?"), |n| Cell::Count(n as u64));
    for (b, c) in &bins {
        table.row(vec![
            text(b.name.clone()),
            Cell::Count(c.call_sites as u64),
            Cell::Count(c.cross_crate_call_sites as u64),
            count(c.into.and_then(|i| i.workspace)),
            count(c.into.map(|i| i.std)),
            count(c.into.map(|i| i.other)),
        ]);
    }
    table.footnotes.push(
        "(cross-crate call sites by the crate called: your workspace's crates, the standard library, other crates and non-Rust code; `?`: not recorded)".into(),
    );
    out.push(Block::Table(table));
    for (b, c) in &bins {
        let mut table = Table::new(&[
            (&format!("{}: caller → callee crate", b.name), Align::Left),
            ("sites", Align::Right),
            ("most-called", Align::Left),
        ]);
        // pairs touching the workspace's own crates first, then the busiest
        let mine = |p: &&CratePair| {
            report
                .workspace_crates
                .iter()
                .any(|w| *w == p.from || *w == p.to)
        };
        let ordered = c
            .pairs
            .iter()
            .filter(mine)
            .chain(c.pairs.iter().filter(|p| !mine(p)));
        for p in ordered.take(top) {
            let callees: Vec<String> = p
                .top_callees
                .iter()
                .take(2)
                .map(|c| format!("{} ({})", shorten(&c.name, NAME_WIDTH / 2), c.call_sites))
                .collect();
            table.row(vec![
                text(format!("{} → {}", p.from, p.to)),
                Cell::Count(p.call_sites as u64),
                text(callees.join(", ")),
            ]);
        }
        out.push(Block::Table(table));
    }
}

fn duplicates(report: &InspectDocument, top: usize, out: &mut Vec<Block>) {
    let bins: Vec<(&BinaryReport, &DuplicatesReport)> = report
        .binaries
        .iter()
        .filter_map(|b| Some((b, b.duplicates.as_ref()?)))
        .collect();
    if bins.is_empty() {
        return;
    }
    out.push(Block::Heading(
        "Identical functions (code equal up to position)".into(),
    ));
    let mut table = Table::new(&[
        ("binary", Align::Left),
        ("groups", Align::Right),
        ("functions", Align::Right),
        ("foldable", Align::Right),
        ("of .text", Align::Right),
    ]);
    for (b, d) in &bins {
        table.row(vec![
            text(b.name.clone()),
            Cell::Count(d.groups as u64),
            Cell::Count(d.functions as u64),
            Cell::Bytes(d.foldable_bytes),
            Cell::Share(d.foldable_bytes as f64 / b.text_bytes.max(1) as f64),
        ]);
    }
    out.push(Block::Table(table));
    if let Some((b, d)) = bins.last() {
        let mut table = Table::new(&[
            (&format!("{}: largest groups", b.name), Align::Left),
            ("×", Align::Right),
            ("each", Align::Right),
        ]);
        for g in d.top.iter().take(top) {
            let names: Vec<String> = g
                .names
                .iter()
                .take(2)
                .map(|n| shorten(n, NAME_WIDTH / 2))
                .collect();
            let more = if g.count > 2 {
                format!(" = … ({} more)", g.count - 2)
            } else {
                String::new()
            };
            table.row(vec![
                text(format!("{}{more}", names.join(" = "))),
                Cell::Count(g.count as u64),
                Cell::Bytes(g.bytes),
            ]);
        }
        out.push(Block::Table(table));
    }
}
