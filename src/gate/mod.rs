//! `cargo lto check`, the CI gate: a new measure document against a
//! baseline one, configuration by configuration, under the given limits.
//! Pure: two documents in, a [`CheckReport`] out.
//!
//! Sizes compare across machines (the toolchain decides them, and a
//! different one is noted); build times and runtimes only on the same
//! machine unless `allow_cross_host`; a runtime fails only when the new
//! runs are slower beyond the noise (the statistics of `measure`) and by
//! more than the limit.

use crate::results::gate::{CheckReport, Limits, Outcome, Row};
use crate::results::measure::{Configuration, MeasureDocument, Status, Verdict};
use crate::stats;

pub mod merge;
#[cfg(test)]
mod tests;

/// True when every configuration of `b` was measured on the machine of
/// its namesake in `a` (a merged document keeps each one's machine).
pub fn same_host(a: &MeasureDocument, b: &MeasureDocument) -> bool {
    a.machine == b.machine
        && b.configurations.iter().all(|c| match a.config(&c.name) {
            Some(o) => a.machine_of(o) == b.machine_of(c),
            None => true,
        })
}

fn pct(limit: f64) -> String {
    format!("{:+.1}%", limit * 100.0)
}

fn row(config: &str, check: &str) -> Row {
    Row {
        config: config.to_string(),
        check: check.to_string(),
        old: None,
        new: None,
        unit: String::new(),
        change: None,
        limit: String::new(),
        outcome: Outcome::Skipped,
        note: String::new(),
    }
}

/// A relative check: fail when new / old − 1 exceeds `limit`.
fn relative(config: &str, check: &str, old: f64, new: f64, limit: f64) -> Row {
    let change = new / old - 1.0;
    let fail = change > limit + 1e-12;
    Row {
        old: Some(old),
        new: Some(new),
        unit: if check == "build" { "seconds" } else { "bytes" }.into(),
        change: Some(change),
        limit: pct(limit),
        outcome: if fail { Outcome::Fail } else { Outcome::Pass },
        note: if fail {
            format!("{:+.1}% is over the limit {}", change * 100.0, pct(limit))
        } else {
            String::new()
        },
        ..row(config, check)
    }
}

/// Compares `new` with `baseline` under `limits`.
pub fn check(baseline: &MeasureDocument, new: &MeasureDocument, limits: &Limits) -> CheckReport {
    let host = same_host(baseline, new);
    let mut notes = Vec::new();
    if !host {
        notes.push(format!(
            "measured on different machines ({} × {} against {} × {}): {}",
            baseline.machine.cores,
            baseline.machine.cpu_model,
            new.machine.cores,
            new.machine.cpu_model,
            if limits.allow_cross_host {
                "build times and runtimes are compared anyway (--allow-cross-host)"
            } else {
                "build times and runtimes are not compared (--allow-cross-host compares them)"
            }
        ));
    }
    if baseline.toolchain.rustc_vv != new.toolchain.rustc_vv {
        notes.push(format!(
            "the toolchains differ ({} against {}): sizes can change with the compiler alone",
            first_line(&baseline.toolchain.rustc_vv),
            first_line(&new.toolchain.rustc_vv)
        ));
    }
    let mut rows = Vec::new();
    for old in &baseline.configurations {
        if old.status != Status::Ok {
            continue; // nothing to hold the new one to
        }
        let Some(c) = new.config(&old.name) else {
            rows.push(Row {
                outcome: Outcome::Fail,
                note: "measured in the baseline, missing from the new results: measure it (or drop it from the baseline)".into(),
                ..row(&old.name, "status")
            });
            continue;
        };
        if c.status != Status::Ok {
            rows.push(Row {
                outcome: Outcome::Fail,
                note: format!("its build {}", status_word(c)),
                ..row(&c.name, "status")
            });
            continue;
        }
        let times = baseline.machine_of(old) == new.machine_of(c) || limits.allow_cross_host;
        rows.extend(config_rows(
            old,
            c,
            limits,
            times,
            baseline.warm || new.warm,
        ));
    }
    for c in &new.configurations {
        if baseline.config(&c.name).is_none() {
            rows.push(Row {
                note: "new configuration: nothing in the baseline to compare with".into(),
                ..row(&c.name, "status")
            });
        }
    }
    let failed = rows.iter().any(|r| r.outcome == Outcome::Fail);
    CheckReport {
        baseline_id: baseline.id.clone(),
        new_id: new.id.clone(),
        same_host: host,
        limits: limits.clone(),
        rows,
        notes,
        failed,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn status_word(c: &Configuration) -> String {
    match (c.status, c.exit_code) {
        (Status::Failed, Some(code)) => format!("failed (exit {code})"),
        (Status::Failed, None) => "failed".into(),
        (Status::Timeout, _) => "timed out".into(),
        (Status::Interrupted, _) => "was interrupted".into(),
        (Status::Ok, _) => "succeeded".into(),
    }
}

/// The rows of one configuration present and built in both documents.
fn config_rows(
    old: &Configuration,
    c: &Configuration,
    limits: &Limits,
    times: bool,
    warm: bool,
) -> Vec<Row> {
    let name = c.name.as_str();
    let mut rows = Vec::new();
    if let (Some(a), Some(b)) = (&old.binary, &c.binary) {
        if let Some(limit) = limits.max_size {
            rows.push(relative(
                name,
                "size",
                a.size_bytes as f64,
                b.size_bytes as f64,
                limit,
            ));
        }
        if let Some(limit) = limits.max_shipped_size {
            rows.push(relative(
                name,
                "shipped",
                a.shipped_bytes as f64,
                b.shipped_bytes as f64,
                limit,
            ));
        }
    }
    let (ob, nb) = (old.build.as_ref(), c.build.as_ref());
    if let Some(limit) = limits.max_build_time
        && let (Some(a), Some(b)) = (ob, nb)
    {
        rows.push(if !times {
            Row {
                limit: pct(limit),
                note: "measured on another machine".into(),
                ..row(name, "build")
            }
        } else if warm {
            Row {
                limit: pct(limit),
                note: "a warm build (--warm) is not a clean build".into(),
                ..row(name, "build")
            }
        } else {
            let mut r = relative(name, "build", a.wall_s, b.wall_s, limit);
            r.note = format!("one clean build each (n = 1){}", prefixed(&r.note));
            r
        });
    }
    if let Some(max) = limits.max_link_memory_bytes {
        let peak = nb.and_then(|b| b.link).map(|l| l.peak_rss_bytes);
        rows.push(match peak {
            Some(p) => Row {
                old: ob.and_then(|b| b.link).map(|l| l.peak_rss_bytes as f64),
                new: Some(p as f64),
                unit: "bytes".into(),
                limit: crate::render::cells::Cell::Bytes(max).text(),
                outcome: if p > max {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                },
                note: if p > max {
                    "the link step's peak is over the limit".into()
                } else {
                    String::new()
                },
                ..row(name, "link_memory")
            },
            None => Row {
                limit: crate::render::cells::Cell::Bytes(max).text(),
                note: "no link step was recorded (a warm build with nothing to do?)".into(),
                ..row(name, "link_memory")
            },
        });
    }
    if let Some(limit) = limits.max_runtime {
        for r in &c.runtime {
            let check = format!("runtime:{}", r.workload);
            let Some(o) = old.runtime.iter().find(|o| o.workload == r.workload) else {
                rows.push(Row {
                    limit: pct(limit),
                    note: "the baseline did not run this workload".into(),
                    ..row(name, &check)
                });
                continue;
            };
            rows.push(runtime_row(name, &check, o, r, limit, times));
        }
    }
    rows
}

fn prefixed(note: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!("; {note}")
    }
}

fn runtime_row(
    name: &str,
    check: &str,
    old: &crate::results::measure::WorkloadRuntime,
    new: &crate::results::measure::WorkloadRuntime,
    limit: f64,
    times: bool,
) -> Row {
    let skipped = |note: &str| Row {
        limit: pct(limit),
        note: note.to_string(),
        ..row(name, check)
    };
    if !times {
        return skipped("measured on another machine");
    }
    if old.metric != new.metric {
        return skipped(&format!(
            "counted {} against {}: not comparable",
            old.metric, new.metric
        ));
    }
    if new.status != Status::Ok && old.status != Status::Ok {
        return skipped("the workload failed in the baseline too");
    }
    if new.status != Status::Ok {
        return Row {
            outcome: Outcome::Fail,
            limit: pct(limit),
            note: format!("the workload failed (exit {})", new.exit_code.unwrap_or(-1)),
            ..row(name, check)
        };
    }
    if old.status != Status::Ok || old.samples.is_empty() || new.samples.is_empty() {
        return skipped("no runs to compare");
    }
    let cmp = stats::compare(&new.samples, &old.samples);
    let change = cmp.ratio - 1.0;
    let slower = cmp.verdict == Verdict::Slower;
    let fail = slower && change > limit;
    let p = if cmp.p_value < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {:.3}", cmp.p_value)
    };
    Row {
        old: Some(stats::median(&old.samples)),
        new: Some(stats::median(&new.samples)),
        unit: if new.metric == "instructions" {
            "instructions"
        } else {
            "seconds"
        }
        .into(),
        change: Some(change),
        limit: pct(limit),
        outcome: if fail { Outcome::Fail } else { Outcome::Pass },
        note: format!(
            "×{:.3} [{:.3}–{:.3}], {p}: {}",
            cmp.ratio,
            cmp.ratio_ci[0],
            cmp.ratio_ci[1],
            match cmp.verdict {
                Verdict::Slower if fail => "slower beyond the noise and the limit",
                Verdict::Slower => "slower beyond the noise, within the limit",
                Verdict::Faster => "faster beyond the noise",
                Verdict::WithinNoise => "within the noise: never a failure",
            }
        ),
        ..row(name, check)
    }
}
