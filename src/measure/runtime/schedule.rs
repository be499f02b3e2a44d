//! The order of runs: warm-ups first, then rounds in which every
//! configuration runs once, in an order shuffled per round (so drift of the
//! machine hits all of them alike), until both `--runs` and `--min-time` are
//! met, capped by `--max-runs`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::counter::Counter;
use super::executor::{Executor, RunRecord};
use super::workload::{Binaries, Workload};
use crate::load::{BUSY, Load};

pub use crate::results::measure::Plan;

/// One configuration's runs of one workload.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// Measured values (seconds or instructions).
    pub samples: Vec<f64>,
    /// Peak RSS of each run.
    pub peak_rss_bytes: Vec<u64>,
    /// Distinct stdout hashes seen, with counts.
    pub outputs: BTreeMap<String, usize>,
    /// Distinct sorted-lines hashes seen, with counts.
    pub line_outputs: BTreeMap<String, usize>,
    /// The failing run, if one failed: (exit code, stderr tail).
    pub failure: Option<(i32, String)>,
    /// Runs that gave no instruction count (a failing run kept by
    /// `--ignore-failure`): not samples, but counted so the gap is said.
    pub uncounted: usize,
    /// What other processes used of the machine over the recorded runs
    /// (None when a run could not tell).
    pub load: Option<Load>,
}

/// Adds run `r` to its configuration's series `s`: a sample, or the
/// failure that ends the series (unless `--ignore-failure`), or an
/// uncounted run (never a NaN sample: it would poison the statistics and
/// the document).
fn record(s: &mut Series, r: &RunRecord, plan: &Plan, counter: Counter) {
    if r.exit_code != 0 && !plan.ignore_failure {
        s.failure = Some((r.exit_code, r.stderr_tail.clone()));
        return;
    }
    let value = match (counter, r.instructions) {
        (Counter::Time, _) => r.wall_s,
        (_, Some(n)) => n as f64,
        (_, None) => {
            s.uncounted += 1;
            return;
        }
    };
    s.samples.push(value);
    s.peak_rss_bytes.push(r.peak_rss_bytes);
    // the load of every recorded run, or none: one run without it leaves
    // the whole unknown rather than partly measured (this run's sample is
    // pushed: the first recorded run starts the sum)
    s.load = match (s.samples.len(), s.load, r.load) {
        (1, _, Some(l)) => Some(l),
        (_, Some(mut sum), Some(l)) => {
            sum.add(&l);
            Some(sum)
        }
        _ => None,
    };
    *s.outputs.entry(r.stdout_sha256.clone()).or_default() += 1;
    *s.line_outputs.entry(r.lines_sha256.clone()).or_default() += 1;
}

/// Runs `workload` on every configuration (name, binary) by the plan; `log`
/// receives every (configuration, warm-up?) run in order, for progress and tests.
pub fn schedule(
    configs: &[(String, Binaries)],
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
    let mut shuffle = crate::stats::SplitMix64(0x0dd5_eed5);
    let mut round = 0;
    let mut retried: BTreeMap<String, usize> = BTreeMap::new();
    while round < plan.max_runs && (round < plan.runs || start.elapsed() < min_time) {
        shuffle.shuffle(&mut order);
        let mut ran = false;
        for &i in &order {
            let (name, bin) = &configs[i];
            if series[name].failure.is_some() {
                continue;
            }
            log(name, false);
            let mut r = executor.run(name, bin, workload, counter)?;
            // a run another process made busy is run again, while retries
            // last; a count of instructions does not depend on the load
            while counter == Counter::Time
                && r.load.is_some_and(|l| l.contention() > BUSY)
                && retried.get(name).copied().unwrap_or(0) < plan.retry_busy
            {
                *retried.entry(name.clone()).or_default() += 1;
                log(name, false);
                r = executor.run(name, bin, workload, counter)?;
            }
            record(
                series.get_mut(name).expect("known configuration"),
                &r,
                plan,
                counter,
            );
            ran = true;
        }
        if !ran {
            break;
        }
        round += 1;
    }
    Ok(series)
}

/// The most common of the hashes tallied in `outputs`.
pub fn most_common(outputs: &BTreeMap<String, usize>) -> Option<&str> {
    outputs
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(h, _)| h.as_str())
}

/// The most common stdout hash of a series.
pub fn main_output(s: &Series) -> Option<&str> {
    most_common(&s.outputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A deterministic executor: each configuration has a fixed time, an
    /// output, and optionally a run number from which it fails.
    struct Mock {
        time: BTreeMap<String, f64>,
        output: BTreeMap<String, String>,
        fail_from: BTreeMap<String, usize>,
        calls: BTreeMap<String, usize>,
        /// The share of a 2-CPU machine others use during each run of a
        /// configuration, by call (1st, 2nd, …); none after the last.
        others: BTreeMap<String, Vec<f64>>,
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
                others: BTreeMap::new(),
            }
        }
    }

    impl Executor for Mock {
        fn run(
            &mut self,
            config: &str,
            _: &Binaries,
            _: &Workload,
            counter: Counter,
        ) -> Result<RunRecord> {
            let n = self.calls.entry(config.to_string()).or_default();
            *n += 1;
            let failing = self.fail_from.get(config).is_some_and(|from| *n >= *from);
            Ok(RunRecord {
                wall_s: self.time[config],
                cpu_s: self.time[config],
                // like callgrind under a killed program: no count when failing
                instructions: (counter != Counter::Time && !failing).then_some(1000),
                peak_rss_bytes: 1 << 20,
                exit_code: if failing { 3 } else { 0 },
                stdout_sha256: self.output[config].clone(),
                lines_sha256: self.output[config].clone(),
                stderr_tail: if failing {
                    "boom".into()
                } else {
                    String::new()
                },
                load: Some(Load {
                    others_cpu_s: self
                        .others
                        .get(config)
                        .and_then(|shares| shares.get(*n - 1))
                        .map_or(0.0, |share| share * 2.0 * self.time[config]),
                    steal_s: 0.0,
                    capacity_s: 2.0 * self.time[config],
                }),
            })
        }
    }

    fn configs(names: &[&str]) -> Vec<(String, Binaries)> {
        names
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    Binaries::one(n, Path::new(&format!("/bin/{n}"))),
                )
            })
            .collect()
    }

    fn workload() -> Workload {
        super::super::workload::plain(&["{bin}", "1"])
    }

    /// Schedules `names` with `plan`, no progress log.
    fn quietly(
        names: &[&str],
        plan: &Plan,
        counter: Counter,
        executor: &mut dyn Executor,
    ) -> BTreeMap<String, Series> {
        schedule(
            &configs(names),
            &workload(),
            plan,
            counter,
            executor,
            &mut |_, _| {},
        )
        .unwrap()
    }

    fn plan(warmup: usize, runs: usize) -> Plan {
        Plan {
            warmup,
            runs,
            min_time_s: 0.0,
            max_runs: 1000,
            ignore_failure: false,
            retry_busy: 0,
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
            fn run(
                &mut self,
                c: &str,
                b: &Binaries,
                w: &Workload,
                k: Counter,
            ) -> Result<RunRecord> {
                std::thread::sleep(Duration::from_millis(5));
                self.0.run(c, b, w, k)
            }
        }
        let series = quietly(&["a"], &slow, Counter::Time, &mut Sleepy(&mut mock));
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
        let series = quietly(&["a"], &capped, Counter::Time, &mut mock);
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
        let series = quietly(&["bad"], &keep, Counter::Time, &mut mock);
        assert_eq!(series["bad"].samples.len(), 4);
        assert!(series["bad"].failure.is_none());
    }

    #[test]
    fn outputs_are_tallied_per_configuration() {
        let mut mock = Mock::new(&[("baseline", 1.0, "aaa"), ("abort", 1.0, "bbb")]);
        let series = quietly(
            &["baseline", "abort"],
            &plan(0, 3),
            Counter::Time,
            &mut mock,
        );
        assert_eq!(main_output(&series["baseline"]), Some("aaa"));
        assert_eq!(main_output(&series["abort"]), Some("bbb"));
    }

    #[test]
    fn the_load_of_every_recorded_run_is_summed() {
        let mut mock = Mock::new(&[("baseline", 1.0, "a"), ("fat", 1.0, "a")]);
        // fat's 3rd and 4th of 4 runs shared the machine with a 60% burner
        mock.others.insert("fat".into(), vec![0.0, 0.0, 0.6, 0.6]);
        let series = quietly(&["baseline", "fat"], &plan(0, 4), Counter::Time, &mut mock);
        let load = |n: &str| series[n].load.unwrap();
        assert_eq!(load("baseline").contention(), 0.0);
        assert!(
            (load("fat").contention() - 0.3).abs() < 1e-9,
            "{:?}",
            load("fat")
        );
        assert!(
            (load("fat").capacity_s - 8.0).abs() < 1e-9,
            "4 runs × 1 s × 2 CPUs"
        );
    }

    #[test]
    fn a_busy_run_is_run_again_while_retries_last() {
        let busy_twice = || {
            let mut mock = Mock::new(&[("baseline", 1.0, "a"), ("fat", 1.0, "a")]);
            mock.others.insert("fat".into(), vec![0.6, 0.6]);
            mock
        };
        // no retries: the busy runs are recorded, and say so
        let mut mock = busy_twice();
        let series = quietly(&["baseline", "fat"], &plan(0, 3), Counter::Time, &mut mock);
        assert_eq!(mock.calls["fat"], 3);
        assert!((series["fat"].load.unwrap().contention() - 0.4).abs() < 1e-9);
        // two retries: the first run is run twice more; only quiet ones count
        let mut mock = busy_twice();
        let retry = Plan {
            retry_busy: 2,
            ..plan(0, 3)
        };
        let series = quietly(&["baseline", "fat"], &retry, Counter::Time, &mut mock);
        assert_eq!(mock.calls["fat"], 5, "3 recorded + 2 retried");
        assert_eq!(series["fat"].samples.len(), 3);
        assert_eq!(series["fat"].load.unwrap().contention(), 0.0);
        // retries run out: the next busy run is recorded as it is
        let mut mock = busy_twice();
        let once = Plan {
            retry_busy: 1,
            ..plan(0, 3)
        };
        let series = quietly(&["baseline", "fat"], &once, Counter::Time, &mut mock);
        assert_eq!(mock.calls["fat"], 4);
        assert!(series["fat"].load.unwrap().contention() > 0.0);
        // instructions counted: other processes change no count, so a busy
        // run is not run again (its contention is still recorded)
        let mut mock = busy_twice();
        let series = quietly(&["baseline", "fat"], &retry, Counter::Callgrind, &mut mock);
        assert_eq!(mock.calls["fat"], 3);
        assert!(series["fat"].load.unwrap().contention() > 0.0);
    }

    #[test]
    fn counters_record_instructions() {
        let mut mock = Mock::new(&[("a", 1.0, "x")]);
        let series = quietly(&["a"], &plan(0, 2), Counter::Callgrind, &mut mock);
        assert_eq!(series["a"].samples, [1000.0, 1000.0]);
    }

    #[test]
    fn a_run_without_a_count_is_not_a_nan_sample() {
        let mut mock = Mock::new(&[("a", 1.0, "x")]);
        mock.fail_from.insert("a".into(), 3);
        let keep = Plan {
            ignore_failure: true,
            ..plan(0, 4)
        };
        let series = quietly(&["a"], &keep, Counter::Callgrind, &mut mock);
        assert_eq!(series["a"].samples, [1000.0, 1000.0]);
        assert!(series["a"].samples.iter().all(|x| x.is_finite()));
        assert_eq!(series["a"].uncounted, 2);
    }
}
