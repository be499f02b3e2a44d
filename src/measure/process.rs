//! Timing a child process: wall clock, and user+sys CPU time and peak RSS
//! from `wait4(2)`.
//!
//! `wait4` reports the child's own usage plus that of every descendant it
//! waited for, and `ru_maxrss` is the largest single process among them (KiB
//! on Linux). `getrusage(RUSAGE_CHILDREN)` would be a high-water mark over
//! every child this process ever had, useless across successive builds.

use std::io;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Set by the Ctrl-C handler; waits notice it and stop their child.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Resources a finished process used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Wall-clock seconds from spawn to exit.
    pub wall_s: f64,
    /// User + system CPU seconds of the process and its waited-for descendants.
    pub cpu_s: f64,
    /// Peak resident set of the largest single process, in bytes.
    pub peak_rss_bytes: u64,
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exited with this code.
    Exited(i32),
    /// Killed by this signal.
    Signalled(i32),
    /// Killed by us after the timeout.
    TimedOut,
    /// Killed by us after Ctrl-C.
    Interrupted,
}

impl Outcome {
    /// True for exit code 0.
    pub fn success(self) -> bool {
        self == Outcome::Exited(0)
    }
}

fn seconds(tv: libc::timeval) -> f64 {
    tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6
}

/// Converts a `rusage` into [`Usage`] with the given wall time.
fn usage(ru: &libc::rusage, wall: Duration) -> Usage {
    Usage {
        wall_s: wall.as_secs_f64(),
        cpu_s: seconds(ru.ru_utime) + seconds(ru.ru_stime),
        // Linux reports ru_maxrss in KiB.
        peak_rss_bytes: (ru.ru_maxrss.max(0) as u64) * 1024,
    }
}

fn decode(status: libc::c_int) -> Outcome {
    if libc::WIFEXITED(status) {
        Outcome::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Outcome::Signalled(libc::WTERMSIG(status))
    } else {
        Outcome::Exited(-1)
    }
}

/// Waits for `child` (spawned at `start`) without a deadline, in one
/// blocking `wait4`. Used by the rustc wrapper, where every microsecond of
/// polling would be added to every unit.
pub fn wait_blocking(child: &Child, start: Instant) -> io::Result<(Outcome, Usage)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; pid is our own child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            return Ok((decode(status), usage(&ru, start.elapsed())));
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Waits for `child`, a process-group leader spawned at `start`, killing its
/// whole group when `timeout` passes or Ctrl-C is pressed.
pub fn wait_with_deadline(
    child: &Child,
    start: Instant,
    timeout: Option<Duration>,
) -> io::Result<(Outcome, Usage)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed: Option<Outcome> = None;
    let mut pause = Duration::from_millis(1);
    loop {
        let flags = if killed.is_some() { 0 } else { libc::WNOHANG };
        // SAFETY: valid pointers to locals; pid is our own child.
        let r = unsafe { libc::wait4(pid, &mut status, flags, &mut ru) };
        if r == pid {
            let outcome = killed.unwrap_or_else(|| decode(status));
            return Ok((outcome, usage(&ru, start.elapsed())));
        }
        if r < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        let reason = if INTERRUPTED.load(Ordering::SeqCst) {
            Some(Outcome::Interrupted)
        } else if timeout.is_some_and(|t| start.elapsed() >= t) {
            Some(Outcome::TimedOut)
        } else {
            None
        };
        if let Some(reason) = reason {
            // SAFETY: signalling our own child's process group.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            killed = Some(reason);
            continue;
        }
        // Polling costs at most 20 ms at the end of a build of seconds.
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

#[cfg(test)]
#[allow(clippy::zombie_processes)] // reaped by wait4, which clippy does not know
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    #[test]
    fn measures_cpu_and_exit_code() {
        let start = Instant::now();
        let child = Command::new("sh")
            .args([
                "-c",
                "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 3",
            ])
            .spawn()
            .unwrap();
        let (outcome, usage) = wait_blocking(&child, start).unwrap();
        assert_eq!(outcome, Outcome::Exited(3));
        assert!(usage.cpu_s > 0.0 && usage.wall_s >= usage.cpu_s * 0.5);
        assert!(usage.peak_rss_bytes > 100 * 1024);
    }

    #[test]
    fn timeout_kills_the_group() {
        let start = Instant::now();
        let child = Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30; wait"])
            .process_group(0)
            .spawn()
            .unwrap();
        let (outcome, usage) =
            wait_with_deadline(&child, start, Some(Duration::from_millis(200))).unwrap();
        assert_eq!(outcome, Outcome::TimedOut);
        assert!(usage.wall_s < 10.0);
    }
}
