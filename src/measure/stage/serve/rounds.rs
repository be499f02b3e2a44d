//! A server's load runs in rounds across configurations: each round
//! starts every configuration's server (and the A/A copy of baseline's)
//! once, in an order shuffled per round, runs every load against it and
//! stops it; a start whose load runs other processes made busy is made
//! again while retries last. A configuration whose server fails stops
//! there, alone. Counting instructions, each arm then runs idle (start,
//! ready, stop) and once per load under cachegrind.

use std::collections::BTreeMap;

use anyhow::Result;

use super::parse::Figures;
use crate::load::{BUSY, Load};
use crate::measure::runtime::workload::Binaries;

/// One load run against a server.
#[derive(Debug, Clone, Default)]
pub struct LoadRun {
    /// What the generator reported.
    pub figures: Figures,
    /// The server's CPU seconds from ready to the load's end.
    pub server_cpu_s: Option<f64>,
    /// The server's peak RSS at the load's end, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// The load command's wall seconds.
    pub wall_s: f64,
    /// What other processes (not the server, the load generator or this
    /// tool) used of the machine meanwhile.
    pub load: Option<Load>,
    /// Instructions the server executed, start to stop (counted runs).
    pub instructions: Option<u64>,
}

/// One start of a server: its load runs by load name, or why it failed.
#[derive(Debug, Clone, Default)]
pub struct Started {
    pub runs: BTreeMap<String, LoadRun>,
    /// The tool's sentence and the server's (or the load's) last lines;
    /// the exit code.
    pub failure: Option<(String, i32)>,
    /// It ignored SIGTERM and was killed after the stop timeout.
    pub killed: bool,
}

/// Starts servers and loads them; tests substitute one.
pub trait Runner {
    /// Starts `arm`'s server from `bins`, runs `loads` (by name) against
    /// it and stops it; counted under cachegrind when `count`.
    fn start(
        &mut self,
        arm: &str,
        bins: &Binaries,
        loads: &[String],
        count: bool,
    ) -> Result<Started>;
}

/// One arm's runs of one load, and its server's failure.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// Each recorded load run, in order.
    pub runs: Vec<LoadRun>,
    /// Its counted load runs, each with the idle count of its round.
    pub counted: Vec<(LoadRun, u64)>,
}

/// Every arm's runs, by arm and load.
#[derive(Debug, Clone, Default)]
pub struct Arms {
    pub runs: BTreeMap<String, BTreeMap<String, Runs>>,
    /// The arms whose server failed: the failure, the exit code.
    pub failed: BTreeMap<String, (String, i32)>,
    /// The arms whose server was killed after ignoring SIGTERM.
    pub killed: Vec<String>,
    /// Starts made again for being busy.
    pub retried: usize,
}

/// What to run.
pub struct Job<'a> {
    pub loads: &'a [String],
    pub rounds: usize,
    /// Counted rounds per arm (0: none).
    pub counted: usize,
    pub retry_busy: usize,
}

/// Runs `job` on every arm (name, binaries); `log` gets each (arm, round)
/// as it starts.
pub fn run(
    arms: &[(String, Binaries)],
    job: &Job,
    runner: &mut dyn Runner,
    log: &mut dyn FnMut(&str, usize, bool),
    stopped: &dyn Fn() -> bool,
) -> Result<Arms> {
    let mut out = Arms::default();
    let mut order: Vec<usize> = (0..arms.len()).collect();
    let mut shuffle = crate::stats::SplitMix64(0x5e4e_4a11);
    let busy = |s: &Started| {
        s.runs
            .values()
            .any(|r| r.load.is_some_and(|l| l.contention() > BUSY))
    };
    let mut retries: BTreeMap<String, usize> = BTreeMap::new();
    for round in 0..job.rounds {
        shuffle.shuffle(&mut order);
        for &i in &order {
            let (name, bins) = &arms[i];
            if out.failed.contains_key(name) || stopped() {
                continue;
            }
            log(name, round + 1, false);
            let mut started = runner.start(name, bins, job.loads, false)?;
            let tries = retries.entry(name.clone()).or_default();
            while started.failure.is_none() && busy(&started) && *tries < job.retry_busy {
                *tries += 1;
                out.retried += 1;
                started = runner.start(name, bins, job.loads, false)?;
            }
            record(&mut out, name, started, None);
        }
    }
    for round in 0..job.counted {
        for (name, bins) in arms {
            if out.failed.contains_key(name) || stopped() {
                continue;
            }
            log(name, round + 1, true);
            let idle = runner.start(name, bins, &[], true)?;
            let Some(idle_count) = idle.runs.get("").and_then(|r| r.instructions) else {
                let failure = idle
                    .failure
                    .unwrap_or(("its idle run under cachegrind counted nothing".into(), 0));
                out.failed.insert(name.clone(), failure);
                continue;
            };
            for load in job.loads {
                let started = runner.start(name, bins, std::slice::from_ref(load), true)?;
                record(&mut out, name, started, Some(idle_count));
            }
        }
    }
    Ok(out)
}

/// Adds one start's runs to its arm (counted ones with `idle`'s count).
fn record(out: &mut Arms, arm: &str, started: Started, idle: Option<u64>) {
    if started.killed && !out.killed.iter().any(|k| k == arm) {
        out.killed.push(arm.to_string());
    }
    if let Some(failure) = started.failure {
        out.failed.insert(arm.to_string(), failure);
        return;
    }
    let runs = out.runs.entry(arm.to_string()).or_default();
    for (load, run) in started.runs {
        let r = runs.entry(load).or_default();
        match idle {
            Some(count) => r.counted.push((run, count)),
            None => r.runs.push(run),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each arm's server answers its loads at its own rate; `broken` fails
    /// at once, `busy`'s first starts are busy.
    struct Fake {
        order: Vec<(String, bool)>,
        busy_starts: usize,
    }

    impl Runner for Fake {
        fn start(
            &mut self,
            arm: &str,
            _: &Binaries,
            loads: &[String],
            count: bool,
        ) -> Result<Started> {
            self.order.push((arm.to_string(), count));
            if arm == "broken" {
                return Ok(Started {
                    failure: Some(("the server exited before it was ready".into(), 3)),
                    ..Started::default()
                });
            }
            let busy = arm == "busy" && self.busy_starts > 0 && !count;
            if busy {
                self.busy_starts -= 1;
            }
            let run = |instructions| LoadRun {
                figures: Figures {
                    rps: Some(if arm == "fat" { 1200.0 } else { 1000.0 }),
                    requests: Some(100),
                    ..Figures::default()
                },
                load: Some(Load {
                    others_cpu_s: if busy { 1.0 } else { 0.0 },
                    steal_s: 0.0,
                    capacity_s: 2.0,
                }),
                instructions,
                ..LoadRun::default()
            };
            let mut runs = BTreeMap::new();
            if loads.is_empty() {
                runs.insert(String::new(), run(Some(1000)));
            }
            for l in loads {
                runs.insert(l.clone(), run(count.then_some(51_000)));
            }
            Ok(Started {
                runs,
                killed: arm == "stubborn",
                failure: None,
            })
        }
    }

    #[test]
    fn rounds_interleave_arms_and_a_failing_server_stops_alone() {
        let arms: Vec<(String, Binaries)> = ["baseline", "fat", "broken", "busy", "stubborn"]
            .iter()
            .map(|n| (n.to_string(), Binaries::default()))
            .collect();
        let mut fake = Fake {
            order: Vec::new(),
            busy_starts: 2,
        };
        let loads = ["api".to_string(), "health".to_string()];
        let job = Job {
            loads: &loads,
            rounds: 4,
            counted: 2,
            retry_busy: 1,
        };
        let out = run(&arms, &job, &mut fake, &mut |_, _, _| {}, &|| false).unwrap();
        assert_eq!(out.failed["broken"].1, 3);
        assert_eq!(fake.order.iter().filter(|(a, _)| a == "broken").count(), 1);
        assert_eq!(out.runs["fat"]["api"].runs.len(), 4);
        assert_eq!(out.runs["fat"]["health"].runs.len(), 4);
        assert_eq!(out.runs["fat"]["api"].counted.len(), 2);
        assert_eq!(out.runs["fat"]["api"].counted[0].1, 1000, "the idle count");
        assert_eq!(out.retried, 1, "busy retried once, as allowed");
        assert_eq!(out.killed, ["stubborn"]);
        let timed: Vec<&str> = fake
            .order
            .iter()
            .filter(|(_, c)| !c)
            .map(|(a, _)| a.as_str())
            .collect();
        assert!(timed.chunks(4).any(|w| w[0] != timed[0]), "orders vary");
    }
}
