//! One benchmark run in rounds across configurations: each round runs
//! every configuration's bench binary (and the A/A copy of baseline's) on
//! that benchmark once, in an order shuffled per round, so that drift of
//! the machine hits every configuration alike; a run other processes made
//! busy is run again while retries last.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use super::parse::{self, Estimate};
use crate::load::{BUSY, Load};
use crate::results::bench::Harness;

/// One run of a bench binary.
#[derive(Debug, Clone)]
pub struct Ran {
    pub stdout: String,
    pub exit_code: i32,
    /// The last lines of stderr.
    pub stderr_tail: String,
    /// What other processes used of the machine meanwhile.
    pub load: Option<Load>,
    /// How long the run took, start to exit.
    pub wall_s: f64,
}

/// Runs a bench binary; tests substitute one.
pub trait Runner {
    /// Runs `exe` with `args` for arm `arm`.
    fn run(&mut self, arm: &str, exe: &Path, args: &[String]) -> Result<Ran>;
}

/// One arm's runs of one benchmark.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// Each run's estimate, in order.
    pub estimates: Vec<Estimate>,
    /// The run that failed (exit code, stderr tail), ending the series.
    pub failure: Option<(i32, String)>,
    /// The load summed over the recorded runs (None when a run could not
    /// tell).
    pub load: Option<Load>,
    /// Runs made again for being busy.
    pub retried: usize,
    /// Every run's wall seconds (retried ones too): what a round costs.
    pub wall_s: Vec<f64>,
}

/// What to run, and how long.
pub struct Job<'a> {
    pub harness: Harness,
    /// The benchmark's id.
    pub id: &'a str,
    /// The arguments of one run.
    pub args: Vec<String>,
    /// Rounds to run.
    pub rounds: usize,
    /// No new round starts after this (once two have run).
    pub budget: Duration,
    /// Busy runs are run again up to this many times per arm.
    pub retry_busy: usize,
}

/// Runs `job` on every arm (name, bench binary), interleaved; `log` gets
/// each (arm, round) as it starts.
pub fn run(
    arms: &[(String, PathBuf)],
    job: &Job,
    runner: &mut dyn Runner,
    log: &mut dyn FnMut(&str, usize),
) -> Result<BTreeMap<String, Runs>> {
    let mut runs: BTreeMap<String, Runs> = arms
        .iter()
        .map(|(n, _)| (n.clone(), Runs::default()))
        .collect();
    let start = Instant::now();
    let mut order: Vec<usize> = (0..arms.len()).collect();
    let mut shuffle = crate::stats::SplitMix64(0xbe4c_4a11);
    for round in 0..job.rounds {
        if round >= 2 && start.elapsed() > job.budget {
            break;
        }
        shuffle.shuffle(&mut order);
        for &i in &order {
            let (name, exe) = &arms[i];
            let arm = runs.get_mut(name).expect("known arm");
            if arm.failure.is_some() {
                continue;
            }
            log(name, round + 1);
            let mut ran = runner.run(name, exe, &job.args)?;
            arm.wall_s.push(ran.wall_s);
            while ran.exit_code == 0
                && ran.load.is_some_and(|l| l.contention() > BUSY)
                && arm.retried < job.retry_busy
            {
                arm.retried += 1;
                ran = runner.run(name, exe, &job.args)?;
                arm.wall_s.push(ran.wall_s);
            }
            record(arm, &ran, job);
        }
    }
    Ok(runs)
}

/// Adds one run to its arm: an estimate, or the failure that ends it (a
/// run whose output holds no estimate of the benchmark fails too).
fn record(arm: &mut Runs, ran: &Ran, job: &Job) {
    if ran.exit_code != 0 {
        arm.failure = Some((ran.exit_code, ran.stderr_tail.clone()));
        return;
    }
    let Some(estimate) = parse::estimate(job.harness, job.id, &ran.stdout) else {
        let said = ran.stdout.lines().rev().take(5).collect::<Vec<_>>();
        let mut said: Vec<&str> = said.into_iter().rev().collect();
        said.retain(|l| !l.trim().is_empty());
        arm.failure = Some((
            0,
            format!(
                "{} printed no estimate of `{}`; its output ended:\n{}",
                job.harness.label(),
                job.id,
                said.join("\n")
            ),
        ));
        return;
    };
    arm.estimates.push(estimate);
    arm.load = match (arm.estimates.len(), arm.load, ran.load) {
        (1, _, Some(l)) => Some(l),
        (_, Some(mut sum), Some(l)) => {
            sum.add(&l);
            Some(sum)
        }
        _ => None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each arm's runs print criterion's line with its own time; the
    /// `busy` arm's first runs are busy.
    struct Fake {
        order: Vec<String>,
        busy_runs: usize,
    }

    impl Runner for Fake {
        fn run(&mut self, arm: &str, _: &Path, _: &[String]) -> Result<Ran> {
            self.order.push(arm.to_string());
            let ns = if arm == "fat" { 80.0 } else { 100.0 };
            let busy = arm == "busy" && self.busy_runs > 0;
            if busy {
                self.busy_runs -= 1;
            }
            let load = Load {
                others_cpu_s: if busy { 1.0 } else { 0.0 },
                steal_s: 0.0,
                capacity_s: 2.0,
            };
            Ok(Ran {
                stdout: format!("x  time:   [{ns} ns {ns} ns {ns} ns]\n"),
                exit_code: if arm == "broken" { 101 } else { 0 },
                stderr_tail: "thread 'main' panicked".into(),
                load: Some(load),
                wall_s: 0.1,
            })
        }
    }

    fn arms(names: &[&str]) -> Vec<(String, PathBuf)> {
        names
            .iter()
            .map(|n| (n.to_string(), PathBuf::from(n)))
            .collect()
    }

    fn job(rounds: usize) -> Job<'static> {
        Job {
            harness: Harness::Criterion,
            id: "x",
            args: Vec::new(),
            rounds,
            budget: Duration::from_secs(60),
            retry_busy: 2,
        }
    }

    #[test]
    fn every_round_runs_every_arm_in_a_shuffled_order() {
        let mut fake = Fake {
            order: Vec::new(),
            busy_runs: 0,
        };
        let names = ["baseline", "fat", "thin", "aa"];
        let runs = run(&arms(&names), &job(6), &mut fake, &mut |_, _| {}).unwrap();
        assert_eq!(fake.order.len(), 24);
        let rounds: Vec<&[String]> = fake.order.chunks(4).collect();
        for r in &rounds {
            let mut sorted = r.to_vec();
            sorted.sort();
            assert_eq!(
                sorted,
                ["aa", "baseline", "fat", "thin"],
                "each once a round"
            );
        }
        assert!(rounds.windows(2).any(|w| w[0] != w[1]), "orders vary");
        assert_eq!(runs["fat"].estimates.len(), 6);
        assert_eq!(runs["fat"].estimates[0].value, 80.0);
    }

    #[test]
    fn a_failing_arm_stops_alone_and_busy_runs_are_run_again() {
        let mut fake = Fake {
            order: Vec::new(),
            busy_runs: 2,
        };
        let runs = run(
            &arms(&["baseline", "broken", "busy"]),
            &job(3),
            &mut fake,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(runs["broken"].failure.as_ref().unwrap().0, 101);
        assert!(runs["broken"].estimates.is_empty());
        assert_eq!(runs["baseline"].estimates.len(), 3);
        assert_eq!(runs["busy"].retried, 2);
        assert_eq!(runs["busy"].estimates.len(), 3);
        assert_eq!(fake.order.iter().filter(|a| *a == "broken").count(), 1);
    }
}
