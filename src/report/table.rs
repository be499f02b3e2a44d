//! The terminal table of a sweep: one row per configuration, each figure with
//! its change against baseline, and a legend that says what each figure is.

use super::markup::{Align, Table, bytes, metric_value, percent_change, ratio, seconds};
use std::collections::BTreeMap;

use super::schema::{ConfigResult, Results, Status, Unit};

fn status_cell(c: &ConfigResult) -> String {
    match (c.status, c.exit_code) {
        (Status::Ok, _) => "ok".into(),
        (Status::Failed, Some(code)) => format!("FAILED ({code})"),
        (Status::Failed, None) => "FAILED".into(),
        (Status::Timeout, _) => "TIMEOUT".into(),
        (Status::Interrupted, _) => "interrupted".into(),
    }
}

/// How many crates the per-crate cost table shows.
const TOP_UNITS: usize = 8;

/// A unit's label: the crate, or `package (build.rs)` for a build script.
fn unit_label(u: &Unit) -> String {
    if u.crate_name.starts_with("build_script_") {
        format!("{} (build.rs)", u.package.as_deref().unwrap_or("?"))
    } else {
        u.crate_name.clone()
    }
}

/// CPU seconds per crate and configuration, the costliest crates first.
pub fn render_units(results: &Results) -> Option<String> {
    let measured: Vec<&ConfigResult> = results
        .configurations
        .iter()
        .filter(|c| c.build.is_some())
        .collect();
    if measured.is_empty() {
        return None;
    }
    let mut cost: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (i, c) in measured.iter().enumerate() {
        for u in c.build.iter().flat_map(|b| &b.units) {
            let row = cost
                .entry(unit_label(u))
                .or_insert_with(|| vec![0.0; measured.len()]);
            row[i] += u.cpu_s;
        }
    }
    let total = cost.len();
    let mut rows: Vec<(String, Vec<f64>)> = cost.into_iter().collect();
    rows.sort_by(|a, b| {
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        max(&b.1).total_cmp(&max(&a.1)).then_with(|| a.0.cmp(&b.0))
    });
    let mut headers: Vec<(&str, Align)> = vec![("crate (CPU s)", Align::Left)];
    headers.extend(measured.iter().map(|c| (c.name.as_str(), Align::Right)));
    let mut table = Table::new(&headers);
    for (label, values) in rows.iter().take(TOP_UNITS) {
        let mut row = vec![label.clone()];
        row.extend(values.iter().map(|v| format!("{v:.2}")));
        table.row(row);
    }
    let mut out = table.to_text();
    if total > TOP_UNITS {
        out.push_str(&format!(
            "({} more crates in the JSON; user+sys CPU of each rustc invocation, the linker included)\n",
            total - TOP_UNITS
        ));
    } else {
        out.push_str("(user+sys CPU of each rustc invocation, the linker included)\n");
    }
    Some(out)
}

/// A p-value for people: `0.43`, `0.003`, `<0.001`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else if p < 0.01 {
        format!("{p:.3}")
    } else {
        format!("{p:.2}")
    }
}

/// The runtime section: per workload, each configuration's median with its
/// CI, the ratio to baseline with its CI, and whether that is beyond noise.
pub fn render_runtime(results: &Results) -> Option<String> {
    let plan = results.runtime_plan.as_ref()?;
    let mut out = String::new();
    for w in &results.workloads {
        let rows: Vec<(&ConfigResult, &crate::report::schema::WorkloadRuntime)> = results
            .configurations
            .iter()
            .filter_map(|c| Some((c, c.runtime.iter().find(|r| r.workload == w.name)?)))
            .collect();
        let Some((_, first)) = rows.first() else {
            continue;
        };
        let metric = first.metric.clone();
        out.push_str(&format!(
            "\nruntime of `{}` ({}: median of n interleaved runs [95% bootstrap CI]; {})\n",
            w.name,
            if metric == "wall_s" {
                "wall time"
            } else {
                "instructions"
            },
            plan.counter_source
        ));
        let mut table = Table::new(&[
            ("config", Align::Left),
            ("status", Align::Left),
            ("median", Align::Right),
            ("95% CI", Align::Right),
            ("vs base", Align::Right),
            ("95% CI", Align::Right),
            ("verdict", Align::Left),
            ("peak RSS", Align::Right),
            ("n", Align::Right),
            ("outliers", Align::Right),
        ]);
        for (c, r) in rows {
            let v = |x: f64| metric_value(&metric, x);
            let status = match (r.status, r.output_differs) {
                (Status::Ok, false) => "ok".to_string(),
                (Status::Ok, true) => "OUTPUT DIFFERS".to_string(),
                (_, _) => format!("FAILED ({})", r.exit_code.unwrap_or(-1)),
            };
            let mut row = vec![c.name.clone(), status];
            match &r.summary {
                Some(s) => {
                    row.push(v(s.median));
                    row.push(format!("[{}, {}]", v(s.median_ci[0]), v(s.median_ci[1])));
                }
                None => row.extend([String::new(), String::new()]),
            }
            match &r.vs_baseline {
                Some(cmp) => {
                    row.push(format!("×{:.3}", cmp.ratio));
                    row.push(format!("[{:.3}, {:.3}]", cmp.ratio_ci[0], cmp.ratio_ci[1]));
                    row.push(if cmp.significant {
                        let pct = (cmp.ratio - 1.0).abs() * 100.0;
                        let dir = if cmp.ratio < 1.0 { "faster" } else { "slower" };
                        let dir = if metric == "instructions" {
                            if cmp.ratio < 1.0 { "fewer" } else { "more" }
                        } else {
                            dir
                        };
                        format!("{pct:.1}% {dir} (p{})", p_text(cmp.p_value))
                    } else {
                        format!("within noise (p{})", p_text(cmp.p_value))
                    });
                }
                None if c.name == "baseline" && r.summary.is_some() => {
                    row.extend(["reference".into(), String::new(), String::new()])
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            }
            let peak = r.peak_rss_bytes.iter().max().copied();
            row.push(peak.map_or(String::new(), bytes));
            row.push(r.samples.len().to_string());
            row.push(
                r.summary
                    .as_ref()
                    .map_or(String::new(), |s| s.outliers.len().to_string()),
            );
            table.row(row);
        }
        out.push_str(&table.to_text());
        for c in &results.configurations {
            for r in c
                .runtime
                .iter()
                .filter(|r| r.workload == w.name && r.status != Status::Ok)
            {
                out.push_str(&format!(
                    "  {} failed `{}`: {}\n",
                    c.name,
                    w.name,
                    r.stderr_tail
                        .as_deref()
                        .unwrap_or("")
                        .lines()
                        .last()
                        .unwrap_or("")
                ));
            }
        }
    }
    (!out.is_empty()).then_some(out)
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
    if let Some(runtime) = render_runtime(results) {
        out.push_str(&runtime);
    }
    if let Some(units) = render_units(results) {
        out.push('\n');
        out.push_str(&units);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::binary::BinaryInfo;
    use crate::report::schema::{Build, Machine, ProjectInfo, Step, Toolchain};

    fn unit(name: &str, package: &str, cpu_s: f64) -> Unit {
        Unit {
            crate_name: name.into(),
            package: Some(package.into()),
            version: Some("1.0.0".into()),
            crate_types: vec!["lib".into()],
            wall_s: cpu_s,
            cpu_s,
            peak_rss_bytes: 100 << 20,
        }
    }

    fn config(name: &str, scale: f64, size: u64) -> ConfigResult {
        ConfigResult {
            name: name.into(),
            settings: BTreeMap::new(),
            effective: BTreeMap::new(),
            command: vec!["cargo".into(), "build".into()],
            measurement_env: BTreeMap::new(),
            status: Status::Ok,
            exit_code: None,
            stderr_tail: None,
            build: Some(Build {
                wall_s: 4.0 * scale,
                cpu_s: 6.0 * scale,
                peak_rss_bytes: 260 << 20,
                warm: false,
                units: vec![
                    unit("serde_json", "serde_json", 1.5),
                    unit("build_script_build", "serde_core", 0.25),
                    unit("app", "app", 0.2 * scale * scale),
                ],
                link: Some(Step {
                    wall_s: 0.2 * scale * scale,
                    cpu_s: 0.2 * scale * scale,
                    peak_rss_bytes: (130.0 * scale) as u64 * (1 << 20),
                }),
                rebuild_wall_s: Some(0.3 * scale * scale),
                rebuild_cpu_s: Some(0.3),
                rebuild_link: None,
                rebuild_error: None,
            }),
            runtime: Vec::new(),
            binary: Some(BinaryInfo {
                path: format!("/t/{name}/app").into(),
                size_bytes: size,
                sections: [("text".to_string(), size / 2)].into_iter().collect(),
                symbols: size / 400,
            }),
        }
    }

    #[test]
    fn table_with_a_failure_and_a_note() {
        let mut failed = config("broken", 1.0, 0);
        failed.status = Status::Failed;
        failed.exit_code = Some(101);
        failed.stderr_tail = Some("error: something\n  --> src/lib.rs:1:1".into());
        failed.binary = None;
        let results = Results {
            schema_version: 1,
            tool: "cargo-lto test".into(),
            started_unix_s: 0,
            machine: Machine {
                cpu_model: "cpu".into(),
                cores: 2,
                memory_bytes: 1,
                os: "linux".into(),
            },
            toolchain: Toolchain {
                rustc_vv: "rustc".into(),
                cargo_v: "cargo".into(),
            },
            project: ProjectInfo {
                workspace_root: "/w".into(),
                package: "app".into(),
                version: "0.1.0".into(),
                bin: "app".into(),
                target: None,
            },
            base_profile: "release".into(),
            base_settings: BTreeMap::new(),
            warm: false,
            notes: vec!["your rustc wrapper `sccache` is bypassed".into()],
            workloads: vec![],
            runtime_plan: None,
            configurations: vec![
                config("baseline", 1.0, 516_384),
                config("fat", 1.5, 424_008),
                failed,
            ],
        };
        insta::assert_snapshot!(render(&results));
    }
}
