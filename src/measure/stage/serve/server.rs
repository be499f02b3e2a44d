//! One server process: started in a process group of its own, waited for
//! until ready (its port accepts, `GET PATH` answers 2xx, or a line it
//! prints matches), its CPU time and peak RSS read from `/proc` over the
//! whole group, and stopped with SIGTERM, then SIGKILL after the stop
//! timeout. Dropped without a stop, its group is killed: no server
//! outlives the tool, whatever ended the measurement.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::measure::serve_plan::Ready;

/// How many of the server's last lines are kept for a failure's report.
const TAIL: usize = 12;

/// A server that is running (or was, until stopped).
pub struct Server {
    child: Child,
    /// Its process group (its pid).
    pgid: i32,
    /// Its last lines, stdout and stderr mixed in order of arrival.
    tail: Arc<Mutex<VecDeque<String>>>,
    /// A line matched `--ready line:REGEX`.
    line_seen: Arc<AtomicBool>,
    /// Stopped and reaped.
    reaped: bool,
}

/// Why a server did not become ready.
#[derive(Debug)]
pub enum NotReady {
    /// It exited first, with this code (minus the signal).
    Exited(i32),
    /// The ready timeout passed.
    Timeout,
    /// Ctrl-C.
    Interrupted,
}

/// How a server stopped.
#[derive(Debug, Clone, Copy)]
pub struct Stopped {
    /// It ignored SIGTERM for the stop timeout and was killed.
    pub killed: bool,
    /// Its exit code, minus the signal that ended it.
    pub exit_code: i32,
}

impl Server {
    /// Starts `argv` in `dir` with `env`, in a new process group; a line
    /// matching `line` marks it ready.
    pub fn start(
        argv: &[String],
        dir: Option<&Path>,
        env: &[(String, String)],
        line: Option<regex_lite::Regex>,
    ) -> std::io::Result<Server> {
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        if let Some(dir) = dir {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn()?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let line_seen = Arc::new(AtomicBool::new(false));
        let pipes: Vec<Box<dyn Read + Send>> = vec![
            Box::new(child.stdout.take().expect("piped")),
            Box::new(child.stderr.take().expect("piped")),
        ];
        for pipe in pipes {
            let (tail, seen, line) = (tail.clone(), line_seen.clone(), line.clone());
            // detached: it ends when every process of the group has closed
            // the pipe
            std::thread::spawn(move || {
                for l in BufReader::new(pipe).lines() {
                    let Ok(l) = l else { break };
                    if line.as_ref().is_some_and(|re| re.is_match(&l)) {
                        seen.store(true, Ordering::SeqCst);
                    }
                    let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                    if t.len() == TAIL {
                        t.pop_front();
                    }
                    t.push_back(l);
                }
            });
        }
        Ok(Server {
            pgid: child.id() as i32,
            child,
            tail,
            line_seen,
            reaped: false,
        })
    }

    /// Waits until the server is ready by `ready` on `port`, at most
    /// `timeout`.
    pub fn wait_ready(
        &mut self,
        ready: &Ready,
        port: u16,
        timeout: Duration,
    ) -> Result<(), NotReady> {
        let start = Instant::now();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        loop {
            if let Some(code) = self.exited() {
                return Err(NotReady::Exited(code));
            }
            if crate::process::interrupted() {
                return Err(NotReady::Interrupted);
            }
            let ok = match ready {
                Ready::Tcp => TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok(),
                Ready::Http(path) => http_ok(addr, path),
                Ready::Line(_) => self.line_seen.load(Ordering::SeqCst),
            };
            if ok {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                return Err(NotReady::Timeout);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Its exit code (minus the signal) once it exited, reaping it.
    pub fn exited(&mut self) -> Option<i32> {
        match self.child.try_wait() {
            Ok(Some(status)) => {
                self.reaped = true;
                Some(code(status))
            }
            _ => None,
        }
    }

    /// Its last lines.
    pub fn tail(&self) -> String {
        // the readers may still be draining what it wrote last
        std::thread::sleep(Duration::from_millis(20));
        let t = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        t.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// User + system CPU seconds of every process in its group (every
    /// thread of each), as `/proc` has them now; None without `/proc`.
    pub fn cpu_s(&self) -> Option<f64> {
        let ticks = clock_ticks();
        let mut total = 0.0;
        for (pid, stat) in group_pids(self.pgid)? {
            // the process's CPU clock counts nanoseconds (threads that
            // ended included); /proc's ticks are the fallback
            total += match process_clock_s(pid) {
                Some(s) => s,
                None => cpu_ticks(&stat).map_or(0.0, |(u, s)| (u + s) as f64 / ticks),
            };
        }
        Some(total)
    }

    /// The largest peak resident set (VmHWM) of its group's processes, bytes.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        group_files(self.pgid, "status")?
            .iter()
            .filter_map(|s| {
                let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
                let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(kib * 1024)
            })
            .max()
    }

    /// Stops it: SIGTERM to its group, then SIGKILL after `timeout`; any
    /// process left in the group is killed too.
    pub fn stop(mut self, timeout: Duration) -> Stopped {
        let mut killed = false;
        let code = match self.exited() {
            Some(code) => code,
            None => {
                signal_group(self.pgid, libc::SIGTERM);
                let start = Instant::now();
                loop {
                    if let Some(code) = self.exited() {
                        break code;
                    }
                    if start.elapsed() >= timeout || crate::process::interrupted() {
                        killed = true;
                        signal_group(self.pgid, libc::SIGKILL);
                        let code = self.child.wait().map_or(-libc::SIGKILL, code);
                        self.reaped = true;
                        break code;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        };
        signal_group(self.pgid, libc::SIGKILL);
        Stopped {
            killed,
            exit_code: code,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        signal_group(self.pgid, libc::SIGKILL);
        if !self.reaped {
            let _ = self.child.wait();
        }
    }
}

/// Sends `signal` to process group `pgid`.
fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: signalling a process group this tool created.
    unsafe { libc::kill(-pgid, signal) };
}

fn code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| -status.signal().unwrap_or(libc::SIGKILL))
}

/// `GET path` on `addr` answered 2xx.
fn http_ok(addr: SocketAddr, path: &str) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if s.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut status = String::new();
    if BufReader::new(s).read_line(&mut status).is_err() {
        return false;
    }
    status
        .split_whitespace()
        .nth(1)
        .is_some_and(|c| c.starts_with('2'))
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

/// Every live process whose group is `pgid`, with its `/proc/<pid>/stat`.
fn group_pids(pgid: i32) -> Option<Vec<(i32, String)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // a zombie is dead already, waiting for its parent to read it
        if group_of(&stat) == Some(pgid) && after_comm(&stat).first() != Some(&"Z") {
            out.push((pid, stat));
        }
    }
    Some(out)
}

/// `/proc/<pid>/<file>` of every process whose group is `pgid`.
fn group_files(pgid: i32, file: &str) -> Option<Vec<String>> {
    Some(
        group_pids(pgid)?
            .into_iter()
            .filter_map(|(pid, stat)| {
                if file == "stat" {
                    Some(stat)
                } else {
                    std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()
                }
            })
            .collect(),
    )
}

/// Process `pid`'s CPU seconds (every thread, ended ones too), from its
/// CPU-time clock.
fn process_clock_s(pid: i32) -> Option<f64> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: a valid pointer to a local; the pid is checked by the call.
    if unsafe { libc::clock_getcpuclockid(pid, &mut clock) } != 0 {
        return None;
    }
    // SAFETY: timespec is plain data; clock_gettime fills it.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a local.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return None;
    }
    Some(ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9)
}

/// The fields of a `/proc/<pid>/stat` line after its command (which may
/// hold spaces and parentheses): state first.
fn after_comm(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default()
}

/// Its process group (field 5).
fn group_of(stat: &str) -> Option<i32> {
    after_comm(stat).get(2)?.parse().ok()
}

/// Its user and system ticks (fields 14 and 15).
fn cpu_ticks(stat: &str) -> Option<(u64, u64)> {
    let f = after_comm(stat);
    Some((f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?))
}

/// A port no one listens on now, for a server to take.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

/// Whether something already listens on `port`.
pub fn port_taken(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_stat_fields_are_read_after_the_command() {
        let stat =
            "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0";
        assert_eq!(group_of(stat), Some(4242));
        assert_eq!(cpu_ticks(stat), Some((250, 50)));
    }

    #[test]
    fn a_group_is_stopped_whole_and_its_cpu_read() {
        let argv: Vec<String> = ["sh", "-c", "sleep 30 & while :; do :; done"]
            .map(String::from)
            .to_vec();
        let mut s = Server::start(&argv, None, &[], None).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(s.exited().is_none());
        let cpu = s.cpu_s().unwrap();
        assert!(cpu > 0.05, "{cpu}");
        assert!(s.peak_rss_bytes().unwrap() > 0);
        let pgid = s.pgid;
        let stopped = s.stop(Duration::from_secs(2));
        assert!(!stopped.killed, "sh dies of SIGTERM");
        assert_eq!(stopped.exit_code, -libc::SIGTERM);
        // the sleep in its group is gone too
        std::thread::sleep(Duration::from_millis(50));
        assert!(group_files(pgid, "stat").unwrap().is_empty());
    }
}
