//! The terminal table of a sweep: one row per configuration, each figure with
//! its change against baseline, and a legend that says what each figure is.

use super::markup::{Align, Table, bytes, percent_change, ratio, seconds};
use super::schema::{ConfigResult, Results, Status};

fn status_cell(c: &ConfigResult) -> String {
    match (c.status, c.exit_code) {
        (Status::Ok, _) => "ok".into(),
        (Status::Failed, Some(code)) => format!("FAILED ({code})"),
        (Status::Failed, None) => "FAILED".into(),
        (Status::Timeout, _) => "TIMEOUT".into(),
        (Status::Interrupted, _) => "interrupted".into(),
    }
}

/// Renders the results as the terminal table with its legend.
pub fn render(results: &Results) -> String {
    let base = results
        .config("baseline")
        .filter(|c| c.status == Status::Ok);
    let mut table = Table::new(&[
        ("config", Align::Left),
        ("status", Align::Left),
        ("build", Align::Right),
        ("vs base", Align::Right),
        ("CPU", Align::Right),
        ("peak RSS", Align::Right),
        ("link", Align::Right),
        ("link RSS", Align::Right),
        ("vs base", Align::Right),
        ("rebuild", Align::Right),
        ("size", Align::Right),
        ("vs base", Align::Right),
        (".text", Align::Right),
        ("symbols", Align::Right),
    ]);
    for c in &results.configurations {
        let mut row = vec![c.name.clone(), status_cell(c)];
        let b = c.build.as_ref().filter(|_| c.status == Status::Ok);
        let bb = base.and_then(|b| b.build.as_ref());
        match b {
            Some(b) => {
                row.push(seconds(b.wall_s));
                row.push(bb.map_or(String::new(), |bb| ratio(b.wall_s, bb.wall_s)));
                row.push(seconds(b.cpu_s));
                row.push(bytes(b.peak_rss_bytes));
                let link = b.link.as_ref();
                let base_link = bb.and_then(|bb| bb.link.as_ref());
                row.push(link.map_or("?".into(), |l| seconds(l.wall_s)));
                row.push(link.map_or("?".into(), |l| bytes(l.peak_rss_bytes)));
                row.push(match (link, base_link) {
                    (Some(l), Some(bl)) => ratio(l.peak_rss_bytes as f64, bl.peak_rss_bytes as f64),
                    _ => String::new(),
                });
                row.push(b.rebuild_wall_s.map_or("-".into(), seconds));
            }
            None => row.extend(std::iter::repeat_n(String::new(), 8)),
        }
        match &c.binary {
            Some(bin) => {
                let base_bin = base.and_then(|b| b.binary.as_ref());
                row.push(bytes(bin.size_bytes));
                row.push(base_bin.map_or(String::new(), |bb| {
                    percent_change(bin.size_bytes as f64, bb.size_bytes as f64)
                }));
                row.push(bytes(bin.sections.get("text").copied().unwrap_or(0)));
                row.push(bin.symbols.to_string());
            }
            None => row.extend(std::iter::repeat_n(String::new(), 4)),
        }
        table.row(row);
    }
    let mut out = table.to_text();
    let clean = if results.warm {
        "WARM builds (--warm: build directories reused)"
    } else {
        "one clean build each (n = 1)"
    };
    out.push_str(&format!(
        "\nbuild, CPU: wall and user+sys CPU time of `cargo build`, {clean}; peak RSS: the largest single process.\n\
         link: the final rustc invocation of `{bin}` (its compile, LTO and the linker), wall time and peak RSS.\n\
         rebuild: wall time of `cargo build` after touching {bin}'s root source file. vs base: against `baseline` ({profile} as your files resolve it).\n",
        bin = results.project.bin,
        profile = results.base_profile,
    ));
    if !results.notes.is_empty() {
        out.push('\n');
        for note in &results.notes {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    for c in results
        .configurations
        .iter()
        .filter(|c| c.status != Status::Ok)
    {
        out.push_str(&format!("\n{} {}:\n", c.name, status_cell(c)));
        let tail = c.stderr_tail.as_deref().unwrap_or("");
        let lines: Vec<&str> = tail.lines().collect();
        for line in &lines[lines.len().saturating_sub(8)..] {
            out.push_str(&format!("  | {line}\n"));
        }
    }
    for c in &results.configurations {
        if let Some(err) = c.build.as_ref().and_then(|b| b.rebuild_error.as_ref()) {
            out.push_str(&format!(
                "\n{}: no rebuild figure: {}\n",
                c.name,
                err.lines().next().unwrap_or("")
            ));
        }
    }
    out
}
