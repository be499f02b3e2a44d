//! What else the machine did while something ran: the CPU time of every
//! other process, and the time the hypervisor stole, from `/proc/stat`
//! before and after, less this process's own time and its child's
//! (`getrusage(RUSAGE_SELF)`, `wait4`). On a shared machine a build or a
//! run that competed for the CPU is not comparable with one that did not;
//! the figures say how much it competed, and where `/proc/stat` is absent
//! they say nothing rather than guess.

use serde::{Deserialize, Serialize};

/// Above this share of the machine used by other processes, a build or a
/// run is `busy`: its time is shown with the mark, and neither `recommend`
/// nor `check` compares it (docs/results-schema.md).
pub const BUSY: f64 = 0.10;

/// The machine's CPU counters, in seconds, at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counters {
    /// Busy CPU seconds of all CPUs (user, nice, system, irq, softirq).
    busy_s: f64,
    /// Seconds stolen by the hypervisor, all CPUs.
    steal_s: f64,
    /// CPUs counted.
    cpus: usize,
    /// This process's own user + system CPU seconds (its threads, not its
    /// children).
    own_s: f64,
}

/// What other processes used of the machine while one child ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// CPU seconds of processes other than the child (with the children it
    /// waited for) and this tool.
    pub others_cpu_s: f64,
    /// CPU seconds the hypervisor stole from this machine.
    pub steal_s: f64,
    /// What the machine had: CPUs × wall seconds.
    pub capacity_s: f64,
}

impl Load {
    /// The share of the machine other processes used, 0–1.
    pub fn contention(&self) -> f64 {
        share(self.others_cpu_s, self.capacity_s)
    }

    /// The share stolen by the hypervisor, 0–1.
    pub fn steal(&self) -> f64 {
        share(self.steal_s, self.capacity_s)
    }

    /// Two intervals as one (successive runs of one configuration).
    pub fn add(&mut self, other: &Load) {
        self.others_cpu_s += other.others_cpu_s;
        self.steal_s += other.steal_s;
        self.capacity_s += other.capacity_s;
    }
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

impl Counters {
    /// The counters now, or None where `/proc/stat` cannot be read.
    pub fn now() -> Option<Counters> {
        let text = std::fs::read_to_string("/proc/stat").ok()?;
        // SAFETY: sysconf has no preconditions.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        parse(
            &text,
            if ticks > 0 { ticks as f64 } else { 100.0 },
            own_cpu_s(),
        )
    }

    /// What others used between `self` and `after`, over `wall_s` seconds,
    /// while the child used `child_cpu_s`.
    pub fn load_until(&self, after: &Counters, wall_s: f64, child_cpu_s: f64) -> Load {
        let own = (after.own_s - self.own_s).max(0.0);
        Load {
            others_cpu_s: (after.busy_s - self.busy_s - child_cpu_s - own).max(0.0),
            steal_s: (after.steal_s - self.steal_s).max(0.0),
            capacity_s: self.cpus as f64 * wall_s,
        }
    }
}

/// This process's user + system CPU seconds.
fn own_cpu_s() -> f64 {
    // SAFETY: rusage is plain data; getrusage fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a local.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return 0.0;
    }
    let s = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    s(ru.ru_utime) + s(ru.ru_stime)
}

/// The counters in a `/proc/stat` text (`ticks` per second).
fn parse(text: &str, ticks: f64, own_s: f64) -> Option<Counters> {
    let total = text.lines().find(|l| l.starts_with("cpu "))?;
    let f: Vec<u64> = total
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal (guest is in user)
    let at = |i: usize| f.get(i).copied().unwrap_or(0);
    let cpus = text
        .lines()
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .count()
        .max(1);
    Some(Counters {
        busy_s: (at(0) + at(1) + at(2) + at(5) + at(6)) as f64 / ticks,
        steal_s: at(7) as f64 / ticks,
        cpus,
        own_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  100 10 50 1000 5 2 3 7 0 0\ncpu0 50 5 25 500 2 1 1 3 0 0\ncpu1 50 5 25 500 3 1 2 4 0 0\nintr 1 2 3\n";

    #[test]
    fn reads_proc_stat() {
        let c = parse(STAT, 100.0, 0.0).unwrap();
        assert_eq!(c.cpus, 2);
        assert!((c.busy_s - 1.65).abs() < 1e-9, "{c:?}");
        assert!((c.steal_s - 0.07).abs() < 1e-9);
        assert!(
            parse("intr 1\n", 100.0, 0.0).is_none(),
            "no cpu line: no figure"
        );
    }

    #[test]
    fn others_are_what_is_left_of_the_busy_time() {
        let before = parse(STAT, 100.0, 1.0).unwrap();
        // 3 s later: 4 busy seconds more, the child used 2.5, this tool 0.5
        let after = Counters {
            busy_s: before.busy_s + 4.0,
            steal_s: before.steal_s + 0.3,
            own_s: 1.5,
            ..before
        };
        let load = before.load_until(&after, 3.0, 2.5);
        assert!((load.others_cpu_s - 1.0).abs() < 1e-9, "{load:?}");
        assert!((load.contention() - 1.0 / 6.0).abs() < 1e-9);
        assert!((load.steal() - 0.05).abs() < 1e-9);
        // never negative: tick rounding can make the child's own exceed it
        let load = before.load_until(&after, 3.0, 10.0);
        assert_eq!(load.others_cpu_s, 0.0);
        let mut sum = Load::default();
        sum.add(&load);
        sum.add(&Load {
            others_cpu_s: 6.0,
            steal_s: 0.0,
            capacity_s: 6.0,
        });
        assert!((sum.contention() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_cpu_burner_beside_a_child_is_seen() {
        let Some(_) = Counters::now() else {
            return; // no /proc/stat here: nothing to see, and nothing guessed
        };
        let measure = || {
            let before = Counters::now().unwrap();
            let start = std::time::Instant::now();
            let status = std::process::Command::new("sleep")
                .arg("1")
                .status()
                .unwrap();
            assert!(status.success());
            let after = Counters::now().unwrap();
            before.load_until(&after, start.elapsed().as_secs_f64(), 0.0)
        };
        let quiet = measure();
        let mut burner = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .unwrap();
        let busy = measure();
        let _ = burner.kill();
        let _ = burner.wait();
        // one busy CPU of this machine's: at least 1/cpus of it, less the
        // scheduler's slack; and more than without the burner
        let cpus = Counters::now().unwrap().cpus as f64;
        assert!(busy.contention() > 0.6 / cpus, "{busy:?}");
        assert!(
            busy.contention() > quiet.contention(),
            "{busy:?} vs {quiet:?}"
        );
    }
}
