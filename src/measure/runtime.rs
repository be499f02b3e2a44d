//! Running each configuration's binary on the user's workloads: warm-ups,
//! then rounds in which every configuration runs once, in an order shuffled
//! per round (so drift of the machine hits all of them alike), until both
//! `--runs` and `--min-time` are met. Each run's stdout is hashed: a
//! configuration whose output differs from baseline's is flagged.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::process::{Outcome, wait_blocking};

/// One workload, as given with `--run`/`--run-cmd` or in metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// Name (`--run NAME='…'`), or `run1`, `run2`, … when unnamed.
    pub name: String,
    /// The command: words with `{bin}` standing for the binary, or with
    /// `shell`, one string for `sh -c`.
    pub command: Vec<String>,
    /// Run through `sh -c` (`--shell`).
    pub shell: bool,
    /// A command run before each run, untimed (always through `sh -c`).
    pub prepare: Option<String>,
    /// Working directory.
    pub dir: Option<PathBuf>,
    /// File given as stdin.
    pub stdin: Option<PathBuf>,
}

/// How to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Wall-clock time.
    Time,
    /// Instructions from hardware counters (`perf stat`).
    PerfEvent,
    /// Instructions counted by `valgrind --tool=callgrind`.
    Callgrind,
}

/// One run's result.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Wall seconds.
    pub wall_s: f64,
    /// Instructions, with a counter.
    pub instructions: Option<u64>,
    /// Peak RSS (wait4).
    pub peak_rss_bytes: u64,
    /// Exit code (negative: signal).
    pub exit_code: i32,
    /// SHA-256 of stdout, hex.
    pub stdout_sha256: String,
    /// The last lines of stderr.
    pub stderr_tail: String,
}

/// Runs a workload against a binary. The real one spawns processes; tests
/// substitute a deterministic one.
pub trait Executor {
    /// One run of `workload` with `bin`, measured with `counter`.
    fn run(
        &mut self,
        config: &str,
        bin: &Path,
        workload: &Workload,
        counter: Counter,
    ) -> Result<RunRecord>;
}

/// Splits `text` into words as a POSIX shell would (quotes, escapes), without
/// running a shell.
pub fn split_words(text: &str, origin: &str) -> Result<Vec<String>, crate::error::UsageError> {
    shell_words::split(text).map_err(|e| crate::error::UsageError::Syntax {
        origin: origin.to_string(),
        message: format!("cannot split into words: {e}"),
    })
}

/// Builds workloads from `--run` (arguments to the binary) and `--run-cmd`
/// (a whole command with `{bin}`), named `NAME='…'` or numbered.
pub fn parse_workloads(
    runs: &[String],
    run_cmds: &[String],
    shell: bool,
    prepare: Option<&str>,
    dir: Option<&Path>,
    stdin: Option<&Path>,
) -> Result<Vec<Workload>, crate::error::UsageError> {
    let mut out: Vec<Workload> = Vec::new();
    let named = |text: &str| -> (Option<String>, String) {
        if let Some((name, rest)) = text.split_once('=')
            && !name.is_empty()
            && !name.starts_with('-')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return (Some(name.to_string()), rest.to_string());
        }
        (None, text.to_string())
    };
    for (text, is_cmd) in runs
        .iter()
        .map(|r| (r, false))
        .chain(run_cmds.iter().map(|r| (r, true)))
    {
        let origin = if is_cmd {
            format!("--run-cmd '{text}'")
        } else {
            format!("--run '{text}'")
        };
        let (name, body) = named(text);
        let name = name.unwrap_or_else(|| format!("run{}", out.len() + 1));
        if out.iter().any(|w| w.name == name) {
            return Err(crate::error::UsageError::Syntax {
                origin,
                message: format!("a workload named `{name}` was already given"),
            });
        }
        let command = if shell {
            let body = if is_cmd {
                body
            } else {
                format!("{{bin}} {body}")
            };
            vec![body]
        } else {
            let mut words = split_words(&body, &origin)?;
            if !is_cmd {
                words.insert(0, "{bin}".into());
            } else if !words.iter().any(|w| w.contains("{bin}")) {
                return Err(crate::error::UsageError::Syntax {
                    origin,
                    message: "a --run-cmd must contain {bin}, which stands for the configuration's binary".into(),
                });
            }
            words
        };
        out.push(Workload {
            name,
            command,
            shell,
            prepare: prepare.map(str::to_string),
            dir: dir.map(Path::to_path_buf),
            stdin: stdin.map(Path::to_path_buf),
        });
    }
    Ok(out)
}

/// Quotes a path for `sh -c`.
fn sh_quote(p: &Path) -> String {
    shell_words::quote(&p.display().to_string()).into_owned()
}

/// The argv for a run: `{bin}` replaced; through `sh -c` when asked.
pub fn argv(workload: &Workload, bin: &Path) -> Vec<String> {
    if workload.shell {
        let script = workload.command.join(" ").replace("{bin}", &sh_quote(bin));
        vec!["sh".into(), "-c".into(), script]
    } else {
        workload
            .command
            .iter()
            .map(|w| w.replace("{bin}", &bin.display().to_string()))
            .collect()
    }
}

/// Spawns real processes.
pub struct RealExecutor;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Executor for RealExecutor {
    fn run(
        &mut self,
        _config: &str,
        bin: &Path,
        workload: &Workload,
        counter: Counter,
    ) -> Result<RunRecord> {
        use sha2::Digest;
        if let Some(prepare) = &workload.prepare {
            let mut cmd = Command::new("sh");
            cmd.args(["-c", prepare]);
            if let Some(dir) = &workload.dir {
                cmd.current_dir(dir);
            }
            let status = cmd
                .status()
                .with_context(|| format!("running --prepare '{prepare}'"))?;
            anyhow::ensure!(status.success(), "--prepare '{prepare}' failed: {status}");
        }
        let mut words = argv(workload, bin);
        let count_file = tempfile::NamedTempFile::new()?;
        match counter {
            Counter::Time => {}
            Counter::Callgrind => {
                let mut v = vec![
                    "valgrind".to_string(),
                    "--tool=callgrind".into(),
                    format!("--callgrind-out-file={}", count_file.path().display()),
                    "--".into(),
                ];
                v.append(&mut words);
                words = v;
            }
            Counter::PerfEvent => {
                let mut v = vec![
                    "perf".to_string(),
                    "stat".into(),
                    "-x,".into(),
                    "-e".into(),
                    "instructions:u".into(),
                    "-o".into(),
                    count_file.path().display().to_string(),
                    "--".into(),
                ];
                v.append(&mut words);
                words = v;
            }
        }
        let (program, args) = words.split_first().context("empty workload command")?;
        let mut cmd = Command::new(program);
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(match &workload.stdin {
            Some(f) => Stdio::from(
                std::fs::File::open(f)
                    .with_context(|| format!("opening --stdin {}", f.display()))?,
            ),
            None => Stdio::null(),
        });
        if let Some(dir) = &workload.dir {
            cmd.current_dir(dir);
        }
        let start = Instant::now();
        let mut child = cmd.spawn().with_context(|| format!("running {program}"))?;
        let mut out = child.stdout.take().context("stdout")?;
        let mut err = child.stderr.take().context("stderr")?;
        let (stdout, stderr, waited) = std::thread::scope(|s| {
            let o = s.spawn(move || {
                let mut buf = Vec::new();
                let _ = out.read_to_end(&mut buf);
                buf
            });
            let e = s.spawn(move || {
                let mut buf = Vec::new();
                let _ = err.read_to_end(&mut buf);
                buf
            });
            let waited = wait_blocking(&child, start);
            (
                o.join().unwrap_or_default(),
                e.join().unwrap_or_default(),
                waited,
            )
        });
        let (outcome, usage) = waited?;
        let exit_code = match outcome {
            Outcome::Exited(c) => c,
            Outcome::Signalled(s) => -s,
            _ => -9,
        };
        let instructions = match counter {
            Counter::Time => None,
            Counter::Callgrind => {
                parse_callgrind(&std::fs::read_to_string(count_file.path()).unwrap_or_default())
            }
            Counter::PerfEvent => {
                parse_perf(&std::fs::read_to_string(count_file.path()).unwrap_or_default())
            }
        };
        if counter != Counter::Time && instructions.is_none() && exit_code == 0 {
            anyhow::bail!("the {counter:?} counter gave no instruction count for {program}");
        }
        Ok(RunRecord {
            wall_s: usage.wall_s,
            instructions,
            peak_rss_bytes: usage.peak_rss_bytes,
            exit_code,
            stdout_sha256: hex(&sha2::Sha256::digest(&stdout)),
            stderr_tail: tail(&stderr, 10),
        })
    }
}

/// Total instructions (`Ir`) from a callgrind output file: its `totals:` or
/// `summary:` line.
pub fn parse_callgrind(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// The instruction count from `perf stat -x,` output (`N,,instructions:u,…`).
pub fn parse_perf(text: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.contains("instructions"))
        .and_then(|l| l.split(',').next())
        .and_then(|n| n.trim().parse().ok())
}

/// Which instruction counter this machine has: perf_event where `perf stat`
/// counts instructions, else callgrind where valgrind runs, else none.
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
    if run("valgrind", &["--version"]).is_some_and(|o| o.status.success()) {
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

/// How many runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Warm-up runs per configuration, not recorded.
    pub warmup: usize,
    /// At least this many recorded runs per configuration.
    pub runs: usize,
    /// And keep going in rounds until this much time has passed.
    pub min_time_s: f64,
    /// Never more rounds than this.
    pub max_runs: usize,
    /// Record failing runs instead of dropping the configuration.
    pub ignore_failure: bool,
}

/// One configuration's runs of one workload.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// Measured values (seconds or instructions).
    pub samples: Vec<f64>,
    /// Peak RSS of each run.
    pub peak_rss_bytes: Vec<u64>,
    /// Distinct stdout hashes seen, with counts.
    pub outputs: BTreeMap<String, usize>,
    /// The failing run, if one failed: (exit code, stderr tail).
    pub failure: Option<(i32, String)>,
}

/// Runs `workload` on every configuration (name, binary) by the plan; `log`
/// receives every (configuration, warm-up?) run in order, for progress and tests.
pub fn schedule(
    configs: &[(String, PathBuf)],
    workload: &Workload,
    plan: &Plan,
    counter: Counter,
    executor: &mut dyn Executor,
    log: &mut dyn FnMut(&str, bool),
) -> Result<BTreeMap<String, Series>> {
    let mut series: BTreeMap<String, Series> = configs
        .iter()
        .map(|(n, _)| (n.clone(), Series::default()))
        .collect();
    let record = |name: &str, r: &RunRecord, series: &mut BTreeMap<String, Series>| {
        let s = series.get_mut(name).expect("known configuration");
        if r.exit_code != 0 && !plan.ignore_failure {
            s.failure = Some((r.exit_code, r.stderr_tail.clone()));
            return;
        }
        let value = match counter {
            Counter::Time => r.wall_s,
            _ => r.instructions.map_or(f64::NAN, |n| n as f64),
        };
        s.samples.push(value);
        s.peak_rss_bytes.push(r.peak_rss_bytes);
        *s.outputs.entry(r.stdout_sha256.clone()).or_default() += 1;
    };
    for (name, bin) in configs {
        for _ in 0..plan.warmup {
            log(name, true);
            let r = executor.run(name, bin, workload, Counter::Time)?;
            if r.exit_code != 0 && !plan.ignore_failure {
                series.get_mut(name).expect("known").failure = Some((r.exit_code, r.stderr_tail));
                break;
            }
        }
    }
    let start = Instant::now();
    let min_time = Duration::from_secs_f64(plan.min_time_s.max(0.0));
    let mut order: Vec<usize> = (0..configs.len()).collect();
    let mut shuffle = super::stats::SplitMix64(0x0dd5_eed5);
    let mut round = 0;
    while round < plan.max_runs && (round < plan.runs || start.elapsed() < min_time) {
        shuffle.shuffle(&mut order);
        let mut ran = false;
        for &i in &order {
            let (name, bin) = &configs[i];
            if series[name].failure.is_some() {
                continue;
            }
            log(name, false);
            let r = executor.run(name, bin, workload, counter)?;
            record(name, &r, &mut series);
            ran = true;
        }
        if !ran {
            break;
        }
        round += 1;
    }
    Ok(series)
}

/// The most common stdout hash of a series.
pub fn main_output(s: &Series) -> Option<&str> {
    s.outputs
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(h, _)| h.as_str())
}

/// Workloads from `[*.metadata.cargo-lto.workloads.NAME]`: `args = "…"` (to
/// the binary) or `command = "… {bin} …"`, and optionally `shell`, `prepare`,
/// `dir`, `stdin`.
pub fn workloads_from_metadata(
    sources: &[crate::profile::matrix::MetadataSource],
) -> Result<Vec<Workload>, crate::error::UsageError> {
    use crate::error::UsageError;
    let mut out = Vec::new();
    for source in sources {
        let Some(table) = source.value.get("workloads") else {
            continue;
        };
        let table = table.as_object().ok_or_else(|| UsageError::Syntax {
            origin: source.origin.clone(),
            message: "`workloads` must be a table of tables".into(),
        })?;
        for (name, spec) in table {
            let origin = format!("{} workloads.{name}", source.origin);
            let spec = spec.as_object().ok_or_else(|| UsageError::Syntax {
                origin: origin.clone(),
                message: "must be a table with `args` or `command`".into(),
            })?;
            let text = |k: &str| spec.get(k).and_then(|v| v.as_str()).map(str::to_string);
            for key in spec.keys() {
                if !["args", "command", "shell", "prepare", "dir", "stdin"].contains(&key.as_str())
                {
                    return Err(UsageError::Syntax {
                        origin: origin.clone(),
                        message: format!(
                            "unknown key `{key}` (known: args, command, shell, prepare, dir, stdin)"
                        ),
                    });
                }
            }
            let shell = spec.get("shell").and_then(|v| v.as_bool()).unwrap_or(false);
            let (runs, cmds) = match (text("args"), text("command")) {
                (Some(a), None) => (vec![format!("{name}={a}")], vec![]),
                (None, Some(c)) => (vec![], vec![format!("{name}={c}")]),
                _ => {
                    return Err(UsageError::Syntax {
                        origin,
                        message: "give exactly one of `args` (arguments to the binary) or `command` (with {bin})".into(),
                    });
                }
            };
            let dir = text("dir").map(PathBuf::from);
            let stdin = text("stdin").map(PathBuf::from);
            out.extend(parse_workloads(
                &runs,
                &cmds,
                shell,
                text("prepare").as_deref(),
                dir.as_deref(),
                stdin.as_deref(),
            )?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic executor: each configuration has a fixed time, an
    /// output, and optionally a run number from which it fails.
    struct Mock {
        time: BTreeMap<String, f64>,
        output: BTreeMap<String, String>,
        fail_from: BTreeMap<String, usize>,
        calls: BTreeMap<String, usize>,
    }

    impl Mock {
        fn new(configs: &[(&str, f64, &str)]) -> Mock {
            Mock {
                time: configs
                    .iter()
                    .map(|(n, t, _)| (n.to_string(), *t))
                    .collect(),
                output: configs
                    .iter()
                    .map(|(n, _, o)| (n.to_string(), o.to_string()))
                    .collect(),
                fail_from: BTreeMap::new(),
                calls: BTreeMap::new(),
            }
        }
    }

    impl Executor for Mock {
        fn run(
            &mut self,
            config: &str,
            _: &Path,
            _: &Workload,
            counter: Counter,
        ) -> Result<RunRecord> {
            let n = self.calls.entry(config.to_string()).or_default();
            *n += 1;
            let failing = self.fail_from.get(config).is_some_and(|from| *n >= *from);
            Ok(RunRecord {
                wall_s: self.time[config],
                instructions: (counter != Counter::Time).then_some(1000),
                peak_rss_bytes: 1 << 20,
                exit_code: if failing { 3 } else { 0 },
                stdout_sha256: self.output[config].clone(),
                stderr_tail: if failing {
                    "boom".into()
                } else {
                    String::new()
                },
            })
        }
    }

    fn configs(names: &[&str]) -> Vec<(String, PathBuf)> {
        names
            .iter()
            .map(|n| (n.to_string(), PathBuf::from(format!("/bin/{n}"))))
            .collect()
    }

    fn workload() -> Workload {
        parse_workloads(&["w=1 2".into()], &[], false, None, None, None)
            .unwrap()
            .remove(0)
    }

    fn plan(warmup: usize, runs: usize) -> Plan {
        Plan {
            warmup,
            runs,
            min_time_s: 0.0,
            max_runs: 1000,
            ignore_failure: false,
        }
    }

    #[test]
    fn warmups_first_then_interleaved_shuffled_rounds() {
        let names = ["baseline", "off", "fat"];
        let mut mock = Mock::new(&[("baseline", 1.0, "x"), ("off", 1.0, "x"), ("fat", 0.9, "x")]);
        let mut log = Vec::new();
        let series = schedule(
            &configs(&names),
            &workload(),
            &plan(2, 8),
            Counter::Time,
            &mut mock,
            &mut |n, warm| log.push((n.to_string(), warm)),
        )
        .unwrap();
        // 2 warm-ups per configuration, before any recorded run
        assert!(log[..6].iter().all(|(_, warm)| *warm));
        assert!(log[6..].iter().all(|(_, warm)| !*warm));
        for name in names {
            assert_eq!(log[..6].iter().filter(|(n, _)| n == name).count(), 2);
            assert_eq!(series[name].samples.len(), 8, "{name}");
        }
        // every round runs each configuration exactly once
        let rounds: Vec<Vec<&str>> = log[6..]
            .chunks(3)
            .map(|r| r.iter().map(|(n, _)| n.as_str()).collect())
            .collect();
        assert_eq!(rounds.len(), 8);
        for r in &rounds {
            let mut sorted = r.clone();
            sorted.sort();
            assert_eq!(sorted, ["baseline", "fat", "off"]);
        }
        // and the order is shuffled, not fixed
        assert!(rounds.iter().any(|r| *r != rounds[0]), "{rounds:?}");
    }

    #[test]
    fn min_time_extends_the_rounds() {
        let mut mock = Mock::new(&[("a", 1.0, "x")]);
        let slow = Plan {
            min_time_s: 0.05,
            ..plan(0, 2)
        };
        struct Sleepy<'a>(&'a mut Mock);
        impl Executor for Sleepy<'_> {
            fn run(&mut self, c: &str, b: &Path, w: &Workload, k: Counter) -> Result<RunRecord> {
                std::thread::sleep(Duration::from_millis(5));
                self.0.run(c, b, w, k)
            }
        }
        let series = schedule(
            &configs(&["a"]),
            &workload(),
            &slow,
            Counter::Time,
            &mut Sleepy(&mut mock),
            &mut |_, _| {},
        )
        .unwrap();
        assert!(
            series["a"].samples.len() > 2,
            "{}",
            series["a"].samples.len()
        );
        let capped = Plan {
            min_time_s: 10.0,
            max_runs: 4,
            ..plan(0, 2)
        };
        let series = schedule(
            &configs(&["a"]),
            &workload(),
            &capped,
            Counter::Time,
            &mut mock,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(series["a"].samples.len(), 4, "--max-runs caps the rounds");
    }

    #[test]
    fn a_failing_configuration_stops_alone() {
        let mut mock = Mock::new(&[("ok", 1.0, "x"), ("bad", 1.0, "x")]);
        mock.fail_from.insert("bad".into(), 3);
        let mut log = Vec::new();
        let series = schedule(
            &configs(&["ok", "bad"]),
            &workload(),
            &plan(0, 6),
            Counter::Time,
            &mut mock,
            &mut |n, _| log.push(n.to_string()),
        )
        .unwrap();
        assert_eq!(series["ok"].samples.len(), 6);
        assert_eq!(
            series["bad"].samples.len(),
            2,
            "two good runs, then the failure"
        );
        assert_eq!(series["bad"].failure, Some((3, "boom".into())));
        assert_eq!(
            log.iter().filter(|n| *n == "bad").count(),
            3,
            "not run again after failing"
        );

        // --ignore-failure keeps measuring it
        let mut mock = Mock::new(&[("bad", 1.0, "x")]);
        mock.fail_from.insert("bad".into(), 1);
        let keep = Plan {
            ignore_failure: true,
            ..plan(1, 4)
        };
        let series = schedule(
            &configs(&["bad"]),
            &workload(),
            &keep,
            Counter::Time,
            &mut mock,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(series["bad"].samples.len(), 4);
        assert!(series["bad"].failure.is_none());
    }

    #[test]
    fn outputs_are_tallied_per_configuration() {
        let mut mock = Mock::new(&[("baseline", 1.0, "aaa"), ("abort", 1.0, "bbb")]);
        let series = schedule(
            &configs(&["baseline", "abort"]),
            &workload(),
            &plan(0, 3),
            Counter::Time,
            &mut mock,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(main_output(&series["baseline"]), Some("aaa"));
        assert_eq!(main_output(&series["abort"]), Some("bbb"));
    }

    #[test]
    fn counters_record_instructions() {
        let mut mock = Mock::new(&[("a", 1.0, "x")]);
        let series = schedule(
            &configs(&["a"]),
            &workload(),
            &plan(0, 2),
            Counter::Callgrind,
            &mut mock,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(series["a"].samples, [1000.0, 1000.0]);
    }

    #[test]
    fn workloads_parse_like_a_shell_and_name_themselves() {
        let w = parse_workloads(
            &["big='1 000' -v".into(), "42".into()],
            &["hf=hyperfine {bin}".into()],
            false,
            Some("rm -f out"),
            None,
            None,
        )
        .unwrap();
        assert_eq!(w[0].name, "big");
        assert_eq!(w[0].command, ["{bin}", "1 000", "-v"]);
        assert_eq!(w[1].name, "run2");
        assert_eq!(w[1].command, ["{bin}", "42"]);
        assert_eq!(w[2].command, ["hyperfine", "{bin}"]);
        assert_eq!(w[0].prepare.as_deref(), Some("rm -f out"));
        assert_eq!(argv(&w[0], Path::new("/t/app")), ["/t/app", "1 000", "-v"]);
        let sh = parse_workloads(&["x=5 | wc -c".into()], &[], true, None, None, None).unwrap();
        assert_eq!(
            argv(&sh[0], Path::new("/t dir/app")),
            ["sh", "-c", "'/t dir/app' 5 | wc -c"]
        );
        assert!(parse_workloads(&[], &["nobin=echo hi".into()], false, None, None, None).is_err());
        assert!(
            parse_workloads(&["a=1".into(), "a=2".into()], &[], false, None, None, None).is_err()
        );
        assert!(parse_workloads(&["'unclosed".into()], &[], false, None, None, None).is_err());
    }

    #[test]
    fn counter_detection_prefers_perf_then_callgrind_then_says_none() {
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
        assert_eq!(c, Some(Counter::Callgrind));
        assert!(why.contains("no hardware counters"), "{why}");
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

#[cfg(test)]
mod metadata_tests {
    use super::*;
    use crate::profile::matrix::MetadataSource;
    use serde_json::json;

    #[test]
    fn workloads_from_metadata_tables() {
        let source = MetadataSource {
            origin: "[workspace.metadata.cargo-lto]".into(),
            value: json!({"workloads": {
                "big": {"args": "1000000"},
                "pipe": {"command": "{bin} 5 | wc -c", "shell": true, "prepare": "true"}
            }}),
        };
        let w = workloads_from_metadata(&[source]).unwrap();
        assert_eq!(w[0].name, "big");
        assert_eq!(w[0].command, ["{bin}", "1000000"]);
        assert!(w[1].shell);
        assert_eq!(w[1].prepare.as_deref(), Some("true"));
        let bad = MetadataSource {
            origin: "[m]".into(),
            value: json!({"workloads": {"x": {"args": "1", "argz": "2"}}}),
        };
        let err = workloads_from_metadata(&[bad]).unwrap_err().to_string();
        assert!(err.contains("workloads.x") && err.contains("argz"), "{err}");
        let both = MetadataSource {
            origin: "[m]".into(),
            value: json!({"workloads": {"x": {"args": "1", "command": "{bin}"}}}),
        };
        assert!(workloads_from_metadata(&[both]).is_err());
    }
}
