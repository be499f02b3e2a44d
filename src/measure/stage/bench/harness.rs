//! Which harness a bench target runs with, and how to run one of its
//! benchmarks for a given time. Told before anything is built from the
//! target's `harness` key and its package's dependencies; where those
//! leave a choice (a package depending on both criterion and divan), the
//! built binary's `--help` decides.

use std::path::Path;

use crate::results::bench::Harness;
use crate::workspace::BenchTarget;

/// The harnesses a bench target may run with, as far as its manifest
/// tells: one, several (its `--help` decides), or none the tool knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// This one, and how that was told.
    Known(Harness, String),
    /// One of these: the built binary's `--help` decides.
    OneOf(Vec<Harness>),
}

/// Why a bench target cannot be run: no harness the tool knows.
#[derive(Debug, thiserror::Error)]
#[error(
    "bench target `{bench}` (package `{package}`): {found}; cargo-lto runs criterion, divan, libtest's #[bench] (or any harness printing its `bencher` lines) and iai-callgrind/gungraun benchmarks"
)]
pub struct UnknownHarness {
    pub bench: String,
    pub package: String,
    /// What was found instead.
    pub found: String,
}

crate::exit_code!(UnknownHarness => crate::error::exit::USAGE);

/// The crates that bring a harness, by name.
const CRATES: [(&str, Harness); 6] = [
    ("criterion", Harness::Criterion),
    ("codspeed-criterion-compat", Harness::Criterion),
    ("divan", Harness::Divan),
    ("codspeed-divan-compat", Harness::Divan),
    ("iai-callgrind", Harness::IaiCallgrind),
    ("gungraun", Harness::IaiCallgrind),
];

/// The `harness` key of bench target `name` in the manifest `manifest`
/// (true when absent, as cargo has it; a `benches/*.rs` found without a
/// `[[bench]]` entry uses libtest).
fn harness_key(manifest: &Path, name: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return true;
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return true;
    };
    table
        .get("bench")
        .and_then(|b| b.as_array())
        .into_iter()
        .flatten()
        .find(|b| b.get("name").and_then(|n| n.as_str()) == Some(name))
        .and_then(|b| b.get("harness"))
        .and_then(|h| h.as_bool())
        .unwrap_or(true)
}

/// What bench target `b`'s manifest says of its harness.
pub fn expected(b: &BenchTarget) -> Result<Expected, UnknownHarness> {
    let t = &b.target;
    if harness_key(&t.manifest, &t.name) {
        return Ok(Expected::Known(
            Harness::Libtest,
            "`harness = true`: libtest".into(),
        ));
    }
    let mut found: Vec<(Harness, &str)> = CRATES
        .iter()
        .filter(|(name, _)| b.dependencies.iter().any(|d| d == name))
        .map(|(name, h)| (*h, *name))
        .collect();
    found.sort();
    found.dedup_by_key(|(h, _)| *h);
    match found.as_slice() {
        [] => Err(UnknownHarness {
            bench: t.name.clone(),
            package: t.package.clone(),
            found: "it sets `harness = false` and its package depends on no benchmark harness cargo-lto knows".into(),
        }),
        [(h, name)] => Ok(Expected::Known(*h, format!("`harness = false`, depends on {name}"))),
        many => Ok(Expected::OneOf(many.iter().map(|(h, _)| *h).collect())),
    }
}

/// The harness a built binary's `--help` text names, if any.
pub fn from_help(help: &str) -> Option<Harness> {
    if help.contains("Criterion.rs") {
        Some(Harness::Criterion)
    } else if help.contains("DIVAN_") {
        Some(Harness::Divan)
    } else if help.contains("--test-threads") || help.contains("--logfile") {
        Some(Harness::Libtest)
    } else if help.contains("iai-callgrind") || help.contains("gungraun") {
        Some(Harness::IaiCallgrind)
    } else {
        None
    }
}

/// The arguments that run benchmark `id` alone, measuring it for about
/// `seconds` where the harness takes a time.
///
/// `exact`: the binary takes `--exact` (its `--help` lists it); criterion
/// before 0.5 does not, and its filter is a regular expression, so the id
/// is matched whole as `^id$`, escaped.
pub fn run_args(harness: Harness, id: &str, seconds: f64, exact: bool) -> Vec<String> {
    let s = |v: f64| format!("{v:.3}");
    let mut args: Vec<String> = vec!["--bench".into()];
    let only = if exact {
        vec!["--exact".to_string(), id.to_string()]
    } else {
        vec![format!("^{}$", regex_lite::escape(id))]
    };
    match harness {
        Harness::Criterion => {
            args.extend(only);
            args.extend(
                [
                    "--noplot",
                    "--discard-baseline",
                    "--color",
                    "never",
                    "--sample-size",
                    "10",
                    "--nresamples",
                    "1000",
                ]
                .map(String::from),
            );
            args.extend(["--warm-up-time".into(), s((seconds * 0.25).max(0.05))]);
            args.extend(["--measurement-time".into(), s(seconds.max(0.05))]);
        }
        Harness::Divan => {
            args.extend(only);
            args.extend(["--color", "never"].map(String::from));
            let t = s(seconds.max(0.05));
            args.extend(["--min-time".into(), t.clone(), "--max-time".into(), t]);
        }
        Harness::Libtest => args.extend(only),
        // its runner takes no filter of --list's ids: a run counts every
        // benchmark (deterministically), and the id's count is read
        Harness::IaiCallgrind => {}
    }
    args
}

/// The arguments that run every benchmark once, briefly, for PGO's
/// training: criterion's `--profile-time` (no analysis, nothing saved),
/// divan's `--max-time`.
pub fn train_args(harness: Harness) -> Vec<String> {
    let words: &[&str] = match harness {
        Harness::Criterion => &["--bench", "--profile-time", "1"],
        Harness::Divan => &["--bench", "--max-time", "0.5"],
        Harness::Libtest | Harness::IaiCallgrind => &["--bench"],
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// The arguments that list the benchmarks.
pub fn list_args(harness: Harness) -> Vec<String> {
    match harness {
        Harness::Divan | Harness::Criterion | Harness::Libtest | Harness::IaiCallgrind => {
            vec!["--bench".into(), "--list".into()]
        }
    }
}

/// What one sample of a benchmark's series is, in words.
pub fn sample_words(harness: Harness) -> String {
    match harness {
        Harness::Criterion => {
            "criterion's typical time per iteration (its slope or mean over 10 samples), one run"
                .into()
        }
        Harness::Divan => "divan's median time per iteration over its samples, one run".into(),
        Harness::Libtest => "libtest's ns/iter (its median over its samples), one run".into(),
        Harness::IaiCallgrind => "iai-callgrind's instruction count, one run".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::BinTarget;

    fn target(dir: &Path, manifest: &str, deps: &[&str]) -> BenchTarget {
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        BenchTarget {
            target: BinTarget {
                name: "b".into(),
                package: "p".into(),
                version: "0.1.0".into(),
                manifest: dir.join("Cargo.toml"),
            },
            dependencies: deps.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn the_manifest_tells_the_harness_or_leaves_a_choice() {
        let dir = tempfile::tempdir().unwrap();
        let off = "[package]\nname = \"p\"\n[[bench]]\nname = \"b\"\nharness = false\n";
        let libtest = target(dir.path(), "[package]\nname = \"p\"\n", &["criterion"]);
        assert!(matches!(
            expected(&libtest),
            Ok(Expected::Known(Harness::Libtest, _))
        ));
        let crit = target(dir.path(), off, &["criterion", "serde"]);
        assert!(matches!(
            expected(&crit),
            Ok(Expected::Known(Harness::Criterion, _))
        ));
        let both = target(dir.path(), off, &["divan", "criterion"]);
        assert_eq!(
            expected(&both).unwrap(),
            Expected::OneOf(vec![Harness::Criterion, Harness::Divan])
        );
        let none = target(dir.path(), off, &["serde"]);
        let e = expected(&none).unwrap_err().to_string();
        assert!(e.contains("`b`") && e.contains("criterion, divan"), "{e}");
    }

    #[test]
    fn one_benchmark_is_selected_with_or_without_exact() {
        let with = run_args(Harness::Criterion, "g/f/3", 0.2, true);
        assert_eq!(with[1..3], ["--exact", "g/f/3"]);
        // criterion 0.4: no --exact, a regular expression matched whole
        let without = run_args(Harness::Criterion, "g/f(x)/3.5", 0.2, false);
        assert_eq!(without[1], r"^g/f\(x\)/3\.5$");
        assert!(!without.contains(&"--exact".to_string()));
        let re = regex_lite::Regex::new(&without[1]).unwrap();
        assert!(re.is_match("g/f(x)/3.5") && !re.is_match("g/f(x)/3.55"));
    }

    #[test]
    fn help_texts_name_their_harness() {
        assert_eq!(
            from_help("This executable is a Criterion.rs benchmark."),
            Some(Harness::Criterion)
        );
        assert_eq!(
            from_help("--sample-count <N>  [env: DIVAN_SAMPLE_COUNT=]"),
            Some(Harness::Divan)
        );
        assert_eq!(
            from_help("Usage: x\n  --test-threads n_threads"),
            Some(Harness::Libtest)
        );
        assert_eq!(from_help("usage: my own thing"), None);
    }
}
