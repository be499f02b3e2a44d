//! Instruction counters for `--counter instructions`: hardware counters
//! through `perf stat` where the machine has them, else valgrind's
//! cachegrind with its cache simulation off (counts, not seconds: repeatable
//! whatever else the machine does; callgrind counts the same way in about
//! twice the time, and is used where this valgrind has no cachegrind), else
//! none — and then the tool says so and measures time.

use std::process::{Command, Stdio};

pub use crate::results::measure::Counter;

/// Total instructions (`Ir`) from a callgrind or cachegrind output file:
/// its `totals:` or `summary:` line.
pub fn parse_callgrind(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// One event's total from a cachegrind output file: the column of its
/// `events:` line in the `summary:` line (`I1mr`: first-level
/// instruction-cache read misses).
pub fn parse_cachegrind_event(text: &str, event: &str) -> Option<u64> {
    let column = text
        .lines()
        .find_map(|l| l.strip_prefix("events:"))?
        .split_whitespace()
        .position(|e| e == event)?;
    text.lines()
        .find_map(|l| l.strip_prefix("summary:"))?
        .split_whitespace()
        .nth(column)?
        .parse()
        .ok()
}

/// Whether cachegrind's cache simulation runs here: its source, or why not.
pub fn detect_cache_sim() -> Result<String, String> {
    let ran = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=yes",
            "--cachegrind-out-file=/dev/null",
            "--",
            "true",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match ran {
        Ok(s) if s.success() => Ok(
            "valgrind --tool=cachegrind --cache-sim=yes: first-level instruction-cache misses (I1mr) of a simulated cache modelled on this machine's, not a hardware count".into(),
        ),
        Ok(s) => Err(format!(
            "no instruction-fetch counter: valgrind's cachegrind does not run here ({s}); measuring time instead"
        )),
        Err(e) => Err(format!(
            "no instruction-fetch counter: valgrind cannot be run ({e}); measuring time instead"
        )),
    }
}

/// The instruction count from `perf stat -x,` output (`N,,instructions:u,…`).
pub fn parse_perf(text: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.contains("instructions"))
        .and_then(|l| l.split(',').next())
        .and_then(|n| n.trim().parse().ok())
}

/// Which instruction counter this machine has: perf_event where `perf stat`
/// counts instructions, else cachegrind (callgrind) where valgrind runs,
/// else none.
pub fn detect_counter() -> (Option<Counter>, String) {
    detect_counter_with(&|program, args| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .output()
            .ok()
    })
}

/// [`detect_counter`] with the way to run a probe given (for tests).
pub fn detect_counter_with(
    run: &dyn Fn(&str, &[&str]) -> Option<std::process::Output>,
) -> (Option<Counter>, String) {
    let perf = run(
        "perf",
        &["stat", "-x,", "-e", "instructions:u", "--", "true"],
    );
    if let Some(out) = &perf {
        let text = String::from_utf8_lossy(&out.stderr);
        if out.status.success() && parse_perf(&text).is_some() {
            return (
                Some(Counter::PerfEvent),
                "perf_event hardware counters (perf stat)".into(),
            );
        }
    }
    let why_not_perf = match perf {
        None => "perf is not installed".to_string(),
        Some(out) => {
            let text = String::from_utf8_lossy(&out.stderr);
            if text.contains("<not supported>") || text.contains("<not counted>") {
                "perf reports instructions as not supported: no hardware counters here".to_string()
            } else {
                format!(
                    "perf cannot count instructions here ({})",
                    text.lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("no count")
                        .trim()
                )
            }
        }
    };
    let runs = |tool: &[&str]| run("valgrind", tool).is_some_and(|o| o.status.success());
    if runs(&[
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        "--",
        "true",
    ]) {
        return (
            Some(Counter::Cachegrind),
            format!("valgrind --tool=cachegrind --cache-sim=no ({why_not_perf})"),
        );
    }
    if runs(&["--version"]) {
        return (
            Some(Counter::Callgrind),
            format!("valgrind --tool=callgrind ({why_not_perf})"),
        );
    }
    (
        None,
        format!(
            "no instruction counter: {why_not_perf}, and valgrind is not installed; measuring time instead"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cachegrind_event_is_read_by_its_column() {
        let text = "desc: I1 cache: 32768 B, 64 B, 8-way associative\ncmd: app\nevents: Ir I1mr ILmr Dr D1mr\nfl=x\n0 1 2 3 4 5\nsummary: 85258645 1819 1804 11463518 167843\n";
        assert_eq!(parse_cachegrind_event(text, "I1mr"), Some(1819));
        assert_eq!(parse_cachegrind_event(text, "Ir"), Some(85258645));
        assert_eq!(parse_callgrind(text), Some(85258645));
        // no such event (cache simulation off), no summary
        assert_eq!(parse_cachegrind_event(text, "Bc"), None);
        assert_eq!(parse_cachegrind_event("events: Ir I1mr\n", "I1mr"), None);
    }

    #[test]
    fn counter_detection_prefers_perf_then_cachegrind_then_says_none() {
        use std::os::unix::process::ExitStatusExt;
        let out = |code: i32, stderr: &str| std::process::Output {
            status: std::process::ExitStatus::from_raw(code << 8),
            stdout: vec![],
            stderr: stderr.as_bytes().to_vec(),
        };
        let perf_ok = |p: &str, _: &[&str]| {
            (p == "perf").then(|| out(0, "123456,,instructions:u,100.00,,\n"))
        };
        assert_eq!(detect_counter_with(&perf_ok).0, Some(Counter::PerfEvent));
        let no_counters = |p: &str, _: &[&str]| match p {
            "perf" => Some(out(0, "<not supported>,,instructions:u,0,100.00,,\n")),
            _ => Some(out(0, "valgrind-3.19.0")),
        };
        let (c, why) = detect_counter_with(&no_counters);
        assert_eq!(c, Some(Counter::Cachegrind));
        assert!(why.contains("no hardware counters"), "{why}");
        // a valgrind without cachegrind: callgrind
        let no_cachegrind = |p: &str, args: &[&str]| match p {
            "perf" => None,
            _ if args.contains(&"--tool=cachegrind") => Some(out(1, "unknown tool")),
            _ => Some(out(0, "valgrind-3.19.0")),
        };
        assert_eq!(
            detect_counter_with(&no_cachegrind).0,
            Some(Counter::Callgrind)
        );
        let (c, why) = detect_counter_with(&|_: &str, _: &[&str]| None);
        assert_eq!(c, None);
        assert!(
            why.contains("perf is not installed") && why.contains("measuring time instead"),
            "{why}"
        );
    }

    #[test]
    fn counter_outputs_parse() {
        assert_eq!(
            parse_callgrind("events: Ir\nsummary: 123456\ntotals: 123456\n"),
            Some(123_456)
        );
        assert_eq!(
            parse_perf("# started on x\n\n1234567,,instructions:u,100.00,,\n"),
            Some(1_234_567)
        );
        assert_eq!(
            parse_perf("<not supported>,,instructions:u,0,100.00,,\n"),
            None
        );
    }
}
