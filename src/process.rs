//! Child processes, done one way for the whole tool: spawn, drain both pipes
//! on their own threads while waiting, time the child with `wait4(2)`, and
//! turn how it ended into an exit code. Used by `build/` (cargo), the rustc
//! wrapper, and `measure/` (workload runs).
//!
//! `wait4` reports the child's own usage plus that of every descendant it
//! waited for, and `ru_maxrss` is the largest single process among them (KiB
//! on Linux). `getrusage(RUSAGE_CHILDREN)` would be a high-water mark over
//! every child this process ever had, useless across successive builds.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::load::{Counters, Load};

/// Set by the Ctrl-C handler; waits notice it and stop their child.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// True once Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Resources a finished process used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Wall-clock seconds from spawn to exit.
    pub wall_s: f64,
    /// User + system CPU seconds of the process and its waited-for descendants.
    pub cpu_s: f64,
    /// Peak resident set of the largest single process, in bytes.
    pub peak_rss_bytes: u64,
    /// What other processes used of the machine meanwhile (None where
    /// `/proc/stat` cannot be read, and for the rustc wrapper's units).
    #[serde(default)]
    pub load: Option<Load>,
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

    /// The exit code to record: the code itself, or minus the signal that
    /// killed the process (SIGKILL when this tool killed it).
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Exited(code) => code,
            Outcome::Signalled(signal) => -signal,
            Outcome::TimedOut | Outcome::Interrupted => -libc::SIGKILL,
        }
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
        load: None,
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
        let reason = if interrupted() {
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

/// How [`run_piped`] waits for its child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// One blocking `wait4`: the cheapest, for short runs that are timed.
    Blocking,
    /// In its own process group, polled, the whole group killed after the
    /// timeout or on Ctrl-C.
    Deadline(Option<Duration>),
}

/// A child that ran to its end, and what its two pipe readers returned.
#[derive(Debug)]
pub struct Finished<O, E> {
    /// How it ended.
    pub outcome: Outcome,
    /// What it used.
    pub usage: Usage,
    /// The stdout reader's result.
    pub stdout: O,
    /// The stderr reader's result.
    pub stderr: E,
}

/// Spawns `cmd` with stdout and stderr piped, hands each pipe to its reader
/// on a thread of its own while this one waits, so a timeout or Ctrl-C is
/// acted on at once and a full pipe never blocks the child. The child is
/// always reaped; a reader's I/O error is then returned, never dropped (a
/// truncated output must not pass for the whole one).
pub fn run_piped<O, E>(
    cmd: &mut Command,
    wait: Wait,
    read_stdout: impl FnOnce(ChildStdout) -> io::Result<O> + Send,
    read_stderr: impl FnOnce(ChildStderr) -> io::Result<E> + Send,
) -> io::Result<Finished<O, E>>
where
    O: Send,
    E: Send,
{
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if matches!(wait, Wait::Deadline(_)) {
        cmd.process_group(0);
    }
    let counters = Counters::now();
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        // cannot happen: both were set to piped above
        let _ = child.kill();
        let _ = wait_blocking(&child, start);
        return Err(io::Error::other("the child's pipes were not created"));
    };
    std::thread::scope(|scope| {
        let out = scope.spawn(move || read_stdout(stdout));
        let err = scope.spawn(move || read_stderr(stderr));
        let waited = match wait {
            Wait::Blocking => wait_blocking(&child, start),
            Wait::Deadline(timeout) => wait_with_deadline(&child, start, timeout),
        };
        let stdout = joined(out.join(), "stdout");
        let stderr = joined(err.join(), "stderr");
        let (outcome, mut usage) = waited?;
        if let (Some(before), Some(after)) = (counters, Counters::now()) {
            usage.load = Some(before.load_until(&after, usage.wall_s, usage.cpu_s));
        }
        Ok(Finished {
            outcome,
            usage,
            stdout: stdout?,
            stderr: stderr?,
        })
    })
}

/// True when `program` can be run: a path to a file (relative ones against
/// `dir` when given), or a name found on `PATH`.
pub fn findable(program: &str, dir: Option<&std::path::Path>) -> bool {
    if program.contains('/') {
        let path = std::path::Path::new(program);
        return match dir {
            Some(d) if path.is_relative() => d.join(path).is_file(),
            _ => path.is_file(),
        };
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// A pipe reader's result, its error saying which pipe.
fn joined<T>(r: std::thread::Result<io::Result<T>>, pipe: &str) -> io::Result<T> {
    r.unwrap_or_else(|_| Err(io::Error::other("the pipe reader panicked")))
        .map_err(|e| io::Error::new(e.kind(), format!("reading the child's {pipe}: {e}")))
}

/// Reads a pipe to its end; an error is returned, not swallowed.
pub fn read_all(mut pipe: impl Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    pipe.read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
#[allow(clippy::zombie_processes)] // reaped by wait4, which clippy does not know
mod tests {
    use super::*;

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
        assert_eq!(outcome.exit_code(), 3);
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
        assert_eq!(outcome.exit_code(), -9);
        assert!(usage.wall_s < 10.0);
    }

    #[test]
    fn both_pipes_are_drained_and_the_outcome_kept() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; kill -TERM $$"]);
        let done = run_piped(&mut cmd, Wait::Blocking, read_all, read_all).unwrap();
        assert_eq!(done.stdout, b"out\n");
        assert_eq!(done.stderr, b"err\n");
        assert_eq!(done.outcome, Outcome::Signalled(libc::SIGTERM));
        assert_eq!(done.outcome.exit_code(), -libc::SIGTERM);
    }

    /// A pipe that yields some bytes, then fails.
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("device gone"));
            }
            self.0 -= 1;
            buf[0] = b'x';
            Ok(1)
        }
    }

    #[test]
    fn a_read_error_is_reported_not_swallowed() {
        assert!(
            read_all(Failing(3)).is_err(),
            "truncated output must not pass"
        );
        // and through run_piped: the child is reaped, the error comes back
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo hello"]);
        let err = run_piped(
            &mut cmd,
            Wait::Blocking,
            |pipe| {
                read_all(pipe)?;
                read_all(Failing(2))
            },
            read_all,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("reading the child's stdout"),
            "{err}"
        );
    }
}
