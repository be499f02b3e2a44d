//! Reading a harness's output: the benchmarks a bench binary lists, and
//! the one figure a run of one benchmark gives (criterion's `time:` line,
//! divan's table, libtest's `bencher` lines, iai-callgrind's instruction
//! count). Pure functions over text, each tested on the harness's own
//! output.

use crate::results::bench::Harness;

/// One run's estimate of one benchmark: the point and, where the harness
/// gives one, its interval; in nanoseconds per iteration (instructions
/// for iai-callgrind).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The harness's point estimate.
    pub value: f64,
    /// Its interval (criterion's CI; libtest's ± spread), else the point.
    pub low: f64,
    pub high: f64,
    /// How many samples the harness took (divan's `samples`), when it says.
    pub samples: Option<u64>,
}

/// A duration as harnesses print it (`2.4262 µs`, `812 ns`, `1.5 ms`), in
/// nanoseconds.
fn nanos(number: &str, unit: &str) -> Option<f64> {
    let value: f64 = number.replace(',', "").parse().ok()?;
    let scale = match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "μs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(value * scale).filter(|v| v.is_finite() && *v >= 0.0)
}

/// The benchmark ids `--list` printed, in order: `id: benchmark` (criterion)
/// and `id: bench` (libtest) lines, or divan's tree (ids are the tree's
/// paths, `crate::module::function`).
pub fn list(harness: Harness, text: &str) -> Vec<String> {
    match harness {
        Harness::Divan => tree_rows(text).into_iter().map(|r| r.path).collect(),
        Harness::Criterion | Harness::Libtest | Harness::IaiCallgrind => text
            .lines()
            .filter_map(|l| {
                l.strip_suffix(": benchmark")
                    .or_else(|| l.strip_suffix(": bench"))
            })
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect(),
    }
}

/// The estimate of benchmark `id` in one run's stdout.
pub fn estimate(harness: Harness, id: &str, text: &str) -> Option<Estimate> {
    match harness {
        Harness::Criterion => criterion(text),
        Harness::Divan => divan(id, text),
        Harness::Libtest => bencher(id, text),
        Harness::IaiCallgrind => iai(id, text),
    }
}

/// criterion's `time:   [low unit point unit high unit]` (the typical time
/// per iteration with its CI). A run of one benchmark (`--exact`) prints
/// one.
fn criterion(text: &str) -> Option<Estimate> {
    let line = text.lines().find(|l| l.contains("time:"))?;
    let inside = line.split('[').nth(1)?.split(']').next()?;
    let words: Vec<&str> = inside.split_whitespace().collect();
    let [a, au, b, bu, c, cu] = words.as_slice() else {
        return None;
    };
    Some(Estimate {
        low: nanos(a, au)?,
        value: nanos(b, bu)?,
        high: nanos(c, cu)?,
        samples: None,
    })
}

/// libtest's `test ID ... bench:   N ns/iter (+/- M)` line for `id`
/// (criterion's `--output-format bencher` too).
fn bencher(id: &str, text: &str) -> Option<Estimate> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix("test ")?;
        let (name, rest) = rest.split_once(" ... bench:")?;
        if name.trim() != id {
            return None;
        }
        let words: Vec<&str> = rest.split_whitespace().collect();
        let [value, unit, plus_minus, spread] = words.get(..4)? else {
            return None;
        };
        let unit = unit.strip_suffix("/iter")?;
        if *plus_minus != "(+/-" {
            return None;
        }
        let value = nanos(value, unit)?;
        let spread = nanos(spread.trim_end_matches(')'), unit)?;
        Some(Estimate {
            value,
            low: (value - spread).max(0.0),
            high: value + spread,
            samples: None,
        })
    })
}

/// The id `--list` gives a benchmark whose header line in iai-callgrind's
/// output is `path::function name:args`: `path::function::name`.
fn iai_header(line: &str) -> Option<String> {
    let (path, rest) = line.split_once(' ')?;
    let name = rest.split(':').next()?;
    Some(format!("{path}::{name}"))
}

/// iai-callgrind's (and gungraun's) `Instructions:  N|…` line under the
/// benchmark's header line (`path::function name:args`, which `--list`
/// names `path::function::name`).
fn iai(id: &str, text: &str) -> Option<Estimate> {
    let header = |l: &str| {
        !l.starts_with(' ') && (l.starts_with(id) || iai_header(l).as_deref() == Some(id))
    };
    let mut lines = text.lines().skip_while(|l| !header(l));
    lines.next()?;
    for l in lines {
        let t = l.trim();
        if let Some(rest) = t.strip_prefix("Instructions:") {
            let first = rest.split_whitespace().next()?;
            let count = first.split('|').next()?.replace(',', "");
            let value: f64 = count.parse().ok()?;
            return Some(Estimate {
                value,
                low: value,
                high: value,
                samples: Some(1),
            });
        }
        if !l.starts_with(' ') && !t.is_empty() {
            return None;
        }
    }
    None
}

/// One row of divan's tree: its path from the root, and its cells (empty
/// for a group).
#[derive(Debug)]
struct Row {
    path: String,
    cells: Vec<String>,
}

/// The leaves of divan's tree (a table, or `--list`'s bare tree): each
/// row's path is the root's name, then every ancestor's, `::`-joined.
fn tree_rows(text: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut root: Option<String> = None;
    let mut stack: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(at) = line.find("├─ ").or_else(|| line.find("╰─ ")) else {
            // the header (or the bare root of --list) names the root
            let first = line.split_whitespace().next();
            if root.is_none()
                && let Some(name) = first.filter(|w| !w.contains('│') && !w.ends_with(':'))
            {
                root = Some(name.to_string());
            }
            continue;
        };
        let depth = line[..at].chars().count() / 3;
        let rest = &line[at + "├─ ".len()..];
        let mut cells = rest.split('│').map(|c| c.trim().to_string());
        let first = cells.next().unwrap_or_default();
        // the first cell is the name, then (in a table) the first column
        let (name, first_cell) = match first.split_once("  ") {
            Some((n, v)) => (n.trim().to_string(), Some(v.trim().to_string())),
            None => (first.trim().to_string(), None),
        };
        stack.truncate(depth);
        stack.push(name);
        let path = std::iter::once(root.clone().unwrap_or_default())
            .chain(stack.iter().cloned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("::");
        let cells: Vec<String> = first_cell.into_iter().chain(cells).collect();
        // a group's row has no figures; a leaf of --list has none either
        rows.push(Row { path, cells });
    }
    // leaves: rows no other row's path extends
    let paths: Vec<String> = rows.iter().map(|r| r.path.clone()).collect();
    rows.into_iter()
        .filter(|r| {
            !paths
                .iter()
                .any(|p| p.len() > r.path.len() && p.starts_with(&format!("{}::", r.path)))
        })
        .collect()
}

/// divan's table: the median column of `id`'s row, with its sample count.
fn divan(id: &str, text: &str) -> Option<Estimate> {
    let header = text.lines().find(|l| l.contains("median"))?;
    let columns: Vec<String> = header
        .split('│')
        .map(|c| c.split_whitespace().last().unwrap_or("").to_string())
        .collect();
    let at = |name: &str| columns.iter().position(|c| c == name);
    let (median, samples) = (at("median")?, at("samples"));
    let (fastest, slowest) = (at("fastest")?, at("slowest")?);
    let row = tree_rows(text).into_iter().find(|r| r.path == id)?;
    let time = |i: usize| {
        let cell = row.cells.get(i)?;
        let (number, unit) = cell.split_once(' ')?;
        nanos(number, unit.trim())
    };
    Some(Estimate {
        value: time(median)?,
        low: time(fastest)?,
        high: time(slowest)?,
        samples: samples.and_then(|i| row.cells.get(i)?.replace(',', "").parse().ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// criterion 0.7's output for one benchmark run with `--exact`.
    const CRITERION: &str = "Benchmarking per_element\nBenchmarking per_element: Warming up for 100.00 ms\nBenchmarking per_element: Collecting 10 samples in estimated 300.10 ms (121k iterations)\nBenchmarking per_element: Analyzing\nper_element             time:   [2.4320 µs 2.4395 µs 2.4580 µs]\n";

    /// divan 0.1.21's table for one benchmark run with `--exact`.
    const DIVAN: &str = "div             fastest       │ slowest       │ median        │ mean          │ samples │ iters\n╰─ per_element  2.412 µs      │ 2.673 µs      │ 2.433 µs      │ 2.439 µs      │ 100     │ 100\n";

    #[test]
    fn criterion_time_line_gives_the_point_and_its_ci() {
        let e = estimate(Harness::Criterion, "per_element", CRITERION).unwrap();
        assert!((e.value - 2439.5).abs() < 1e-6, "{e:?}");
        assert!((e.low - 2432.0).abs() < 1e-6 && (e.high - 2458.0).abs() < 1e-6);
        // a long id: criterion prints the name on a line of its own
        let long = "a_very_long_group_name/with_a_function/1024\n                        time:   [812.00 ns 815.50 ns 819.25 ns]\n";
        assert_eq!(
            estimate(Harness::Criterion, "x", long).unwrap().value,
            815.5
        );
        assert_eq!(estimate(Harness::Criterion, "x", "no time here"), None);
    }

    #[test]
    fn divan_table_gives_the_median_of_its_samples() {
        let e = estimate(Harness::Divan, "div::per_element", DIVAN).unwrap();
        assert!((e.value - 2433.0).abs() < 1e-6, "{e:?}");
        assert_eq!(e.samples, Some(100));
        assert!((e.low - 2412.0).abs() < 1e-6 && (e.high - 2673.0).abs() < 1e-6);
        assert_eq!(estimate(Harness::Divan, "div::other", DIVAN), None);
    }

    #[test]
    fn divan_nested_rows_and_arguments_have_their_paths() {
        let text = "benches         fastest       │ slowest       │ median        │ mean          │ samples │ iters\n├─ parse                      │               │               │               │         │\n│  ├─ 10        1.1 ns        │ 2 ns          │ 1.2 ns        │ 1.3 ns        │ 100     │ 51200\n│  ╰─ 1000      110 ns        │ 200 ns        │ 120.5 ns      │ 130 ns        │ 100     │ 800\n╰─ sort         3 ms          │ 4 ms          │ 3.5 ms        │ 3.6 ms        │ 50      │ 50\n";
        assert_eq!(
            list(Harness::Divan, text),
            [
                "benches::parse::10",
                "benches::parse::1000",
                "benches::sort"
            ]
        );
        assert_eq!(
            estimate(Harness::Divan, "benches::parse::1000", text)
                .unwrap()
                .value,
            120.5
        );
        assert_eq!(
            estimate(Harness::Divan, "benches::sort", text)
                .unwrap()
                .value,
            3.5e6
        );
        // --list prints the bare tree
        let listed = "div\n├─ in_dependency\n├─ per_element\n╰─ std_only\n";
        assert_eq!(
            list(Harness::Divan, listed),
            ["div::in_dependency", "div::per_element", "div::std_only"]
        );
    }

    #[test]
    fn bencher_lines_and_libtest_lists() {
        let text = "running 2 tests\ntest sort::big   ... bench:     123,456 ns/iter (+/- 1,234)\ntest sort::small ... bench:          42 ns/iter (+/- 3)\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 2 measured\n";
        let e = estimate(Harness::Libtest, "sort::big", text).unwrap();
        assert_eq!((e.value, e.low, e.high), (123456.0, 122222.0, 124690.0));
        assert_eq!(
            estimate(Harness::Libtest, "sort::small", text)
                .unwrap()
                .value,
            42.0
        );
        assert_eq!(
            list(
                Harness::Libtest,
                "sort::big: bench\nsort::small: bench\n\n2 benchmarks\n"
            ),
            ["sort::big", "sort::small"]
        );
        assert_eq!(
            list(
                Harness::Criterion,
                "per_element: benchmark\n\nplanted: benchmark\n"
            ),
            ["per_element", "planted"]
        );
    }

    /// iai-callgrind 0.14.2's output of a whole bench binary, as measured
    /// on a crate with two `#[bench::…]` cases; `--list` names them
    /// `counted::fibs::bench_fib::short` and `…::long`.
    #[test]
    fn iai_callgrind_headers_map_to_listed_ids() {
        let text = "counted::fibs::bench_fib short:10\n  Instructions:                        1802|N/A                  (*********)\n  L1 Hits:                             2573|N/A                  (*********)\ncounted::fibs::bench_fib long:20\n  Instructions:                      221505|N/A                  (*********)\n\nIai-Callgrind result: Ok. 2 without regressions; 0 regressed; 2 benchmarks finished in 0.76303s\n";
        let e = |id| estimate(Harness::IaiCallgrind, id, text).map(|e| e.value);
        assert_eq!(e("counted::fibs::bench_fib::short"), Some(1802.0));
        assert_eq!(e("counted::fibs::bench_fib::long"), Some(221505.0));
        assert_eq!(e("counted::fibs::bench_fib::other"), None);
    }

    #[test]
    fn iai_callgrind_counts_instructions() {
        let text = "lib_bench::bench_group::fib short:10\n  Instructions:                1734|1730            (+0.23121%) [+1.00231x]\n  L1 Hits:                     2359|N/A             (*********)\nlib_bench::bench_group::fib long:30\n  Instructions:            26214734|N/A             (*********)\n";
        assert_eq!(
            estimate(
                Harness::IaiCallgrind,
                "lib_bench::bench_group::fib long:30",
                text
            )
            .unwrap()
            .value,
            26214734.0
        );
        assert_eq!(
            estimate(
                Harness::IaiCallgrind,
                "lib_bench::bench_group::fib short:10",
                text
            )
            .unwrap()
            .value,
            1734.0
        );
    }

    #[test]
    fn units_scale_to_nanoseconds() {
        assert_eq!(nanos("1.5", "ms"), Some(1.5e6));
        assert_eq!(nanos("250", "ps"), Some(0.25));
        assert_eq!(nanos("2", "μs"), Some(2000.0));
        assert_eq!(nanos("x", "ns"), None);
        assert_eq!(nanos("1", "parsecs"), None);
    }
}
