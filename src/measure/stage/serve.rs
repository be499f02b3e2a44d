//! A server under load (`measure --serve`, `--load`): over every
//! configuration at once, in rounds, each configuration's binary started
//! as a server in its own process group on a free port, waited for,
//! loaded by each load command, and stopped (SIGTERM, then SIGKILL); the
//! A/A copy of baseline's binary runs beside them. Per load run: the
//! server's CPU time and peak RSS (`/proc`, its whole group), the load's
//! wall time, and what the load generator reported (`serve/parse.rs`);
//! with `--counter instructions`, instructions per request under
//! cachegrind, an idle start subtracted. The server is `serve/server.rs`,
//! the rounds `serve/rounds.rs`, the series `serve/record.rs`, training a
//! pipeline configuration with it `serve/train.rs`.

#[path = "serve/parse.rs"]
mod parse;
#[path = "serve/record.rs"]
mod record;
#[path = "serve/rounds.rs"]
mod rounds;
#[path = "serve/server.rs"]
mod server;
#[path = "serve/train.rs"]
mod train;

pub use train::train;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::{Phase, Sweep};
use crate::load::Counters;
use crate::measure::CounterChoice;
use crate::measure::runtime::noise::{BASELINE_COPY, baseline_copy};
use crate::measure::runtime::workload::Binaries;
use crate::measure::serve_plan::{LoadSpec, Ready, ServeSpec, with_port};
use crate::process::{Wait, read_all, run_piped};
use crate::results::measure::Status;
use crate::results::notes::NoteKind;
use rounds::{Job, LoadRun, Runner, Started};
use server::{NotReady, Server};

/// Counted rounds per configuration under cachegrind (deterministic:
/// a few confirm it).
const COUNTED_ROUNDS: usize = 3;

/// The servers under load.
pub struct Servers;

impl super::Stage for Servers {
    fn name(&self) -> &'static str {
        "servers"
    }

    fn phase(&self) -> Phase {
        Phase::AtRunTime
    }

    fn applies_to_sweep(&self, sweep: &Sweep) -> bool {
        sweep.plan.serve.is_some() && !sweep.stopped()
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        let Some(spec) = sweep.plan.serve.as_ref() else {
            return Ok(());
        };
        let mut arms: Vec<(String, Binaries)> = sweep
            .doc
            .configurations
            .iter()
            .filter(|c| c.status == Status::Ok && c.identical_to.is_none() && c.built())
            .map(|c| (c.name.clone(), crate::measure::runtime::binaries(c)))
            .collect();
        if let Some(copy) = baseline_copy(sweep.doc)? {
            arms.push((BASELINE_COPY.to_string(), copy));
        }
        let counted = if sweep.plan.runtime.counter == CounterChoice::Instructions {
            match crate::measure::runtime::counter::detect_counter() {
                (Some(_), _) if valgrind_runs() => COUNTED_ROUNDS,
                (_, why) => {
                    let reason = if valgrind_runs() {
                        why
                    } else {
                        "valgrind's cachegrind does not run here (it counts a server's instructions)".into()
                    };
                    sweep
                        .doc
                        .notes
                        .push(NoteKind::ServerUncounted { reason }.into());
                    0
                }
            }
        } else {
            0
        };
        let names: Vec<String> = spec.loads.iter().map(|l| l.name.clone()).collect();
        let rounds = sweep.plan.runtime.plan.runs;
        let job = Job {
            loads: &names,
            rounds,
            counted,
            retry_busy: sweep.plan.runtime.plan.retry_busy,
        };
        let dir = crate::measure::builder::tool_dir(&sweep.plan.project).join("serve");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut runner = RealRunner {
            spec,
            loads: &spec.loads,
            timeout: sweep.plan.options.timeout,
            dir,
            env: Vec::new(),
        };
        let bar = sweep.progress.start_config("server under load", 0);
        let out = rounds::run(
            &arms,
            &job,
            &mut runner,
            &mut |arm, round, count| {
                let what = if count { "counting" } else { "round" };
                bar.phase(&format!("{what} {round}: {arm}"));
            },
            &|| crate::process::interrupted(),
        )?;
        bar.finish("done");
        record::record(sweep.doc, spec, rounds, out);
        (sweep.save)(sweep.doc)
    }
}

/// Whether valgrind's cachegrind runs here.
fn valgrind_runs() -> bool {
    Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            "--",
            "true",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts servers and runs loads for real.
pub(crate) struct RealRunner<'a> {
    pub spec: &'a ServeSpec,
    /// The loads, by name.
    pub loads: &'a [LoadSpec],
    /// `--timeout`: a load run is stopped after this long.
    pub timeout: Option<Duration>,
    /// Where cachegrind's files go.
    pub dir: PathBuf,
    /// The server's environment beyond `PORT` (a training's `LD_PRELOAD`).
    pub env: Vec<(String, String)>,
}

impl RealRunner<'_> {
    /// The server's words for `bins` on `port`.
    fn argv(&self, bins: &Binaries, port: u16) -> Vec<String> {
        self.spec
            .command
            .iter()
            .map(|w| {
                let w = crate::results::runtime::substitute(w, &|name| {
                    bins.path(name)
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                });
                with_port(&w, port)
            })
            .collect()
    }
}

impl Runner for RealRunner<'_> {
    fn start(
        &mut self,
        arm: &str,
        bins: &Binaries,
        loads: &[String],
        count: bool,
    ) -> Result<Started> {
        let spec = self.spec;
        let mut started = Started::default();
        let fail = |mut started: Started, sentence: String, tail: &str, code: i32| {
            let tail = tail.trim();
            started.failure = Some((
                if tail.is_empty() {
                    sentence
                } else {
                    format!("{sentence}\n{tail}")
                },
                code,
            ));
            Ok(started)
        };
        let port = match spec.port {
            Some(p) if server::port_taken(p) => {
                return fail(
                    started,
                    format!(
                        "port {p} is in use by another process before the server started: its answers could not be told from the server's (free it, or leave out --port)"
                    ),
                    "",
                    0,
                );
            }
            Some(p) => p,
            None => server::free_port().context("finding a free port")?,
        };
        let mut argv = self.argv(bins, port);
        let counts = self
            .dir
            .join(format!("cachegrind.{}.out", std::process::id()));
        if count {
            let _ = std::fs::remove_file(&counts);
            let mut wrapped: Vec<String> = ["valgrind", "--tool=cachegrind", "--cache-sim=no"]
                .map(String::from)
                .to_vec();
            wrapped.push(format!("--cachegrind-out-file={}", counts.display()));
            wrapped.push("--".into());
            wrapped.append(&mut argv);
            argv = wrapped;
        }
        let mut env = self.env.clone();
        env.push(("PORT".into(), port.to_string()));
        let line = match &spec.ready {
            Ready::Line(re) => Some(re.clone()),
            _ => None,
        };
        let mut server = match Server::start(&argv, spec.dir.as_deref(), &env, line) {
            Ok(s) => s,
            Err(e) => {
                return fail(
                    started,
                    format!(
                        "`{arm}`: the server could not be started ({}): {e}",
                        argv[0]
                    ),
                    "",
                    0,
                );
            }
        };
        match server.wait_ready(&spec.ready, port, spec.ready_timeout) {
            Ok(()) => {}
            Err(NotReady::Interrupted) => {
                server.stop(Duration::ZERO);
                return Ok(started);
            }
            Err(NotReady::Exited(code)) => {
                let tail = server.tail();
                return fail(
                    started,
                    format!(
                        "the server exited with {code} before it was ready ({}); its last lines:",
                        spec.ready.text()
                    ),
                    &tail,
                    code,
                );
            }
            Err(NotReady::Timeout) => {
                let tail = server.tail();
                server.stop(spec.stop_timeout);
                return fail(
                    started,
                    format!(
                        "the server was not ready within the ready timeout of {} (--ready {} on port {port}); its last lines:",
                        format_args!("{} s", spec.ready_timeout.as_secs_f64()),
                        spec.ready.text()
                    ),
                    &tail,
                    0,
                );
            }
        }
        for name in loads {
            let Some(load) = self.loads.iter().find(|l| &l.name == name) else {
                continue;
            };
            match self.load(&mut server, load, port)? {
                Ok(_) if crate::process::interrupted() => break,
                Ok(run) => {
                    started.runs.insert(name.clone(), run);
                }
                Err((sentence, tail, code)) => {
                    server.stop(spec.stop_timeout);
                    return fail(started, sentence, &tail, code);
                }
            }
            if crate::process::interrupted() {
                break;
            }
        }
        let stopped = server.stop(spec.stop_timeout);
        started.killed = stopped.killed;
        if count {
            let text = std::fs::read_to_string(&counts).unwrap_or_default();
            let Some(n) = crate::measure::runtime::counter::parse_cachegrind_event(&text, "Ir")
            else {
                return fail(
                    started,
                    "cachegrind wrote no count for the server (it was killed, or valgrind failed)"
                        .into(),
                    "",
                    stopped.exit_code,
                );
            };
            if loads.is_empty() {
                started.runs.insert(
                    String::new(),
                    LoadRun {
                        instructions: Some(n),
                        ..LoadRun::default()
                    },
                );
            }
            for run in started.runs.values_mut() {
                run.instructions = Some(n);
            }
        }
        Ok(started)
    }
}

/// A load run's failure: the tool's sentence, the output's tail, a code.
type LoadFailure = (String, String, i32);

impl RealRunner<'_> {
    /// Runs `load` against `server` on `port`: its figures, the server's
    /// CPU time over it and its peak RSS; or why it failed.
    fn load(
        &self,
        server: &mut Server,
        load: &LoadSpec,
        port: u16,
    ) -> Result<Result<LoadRun, LoadFailure>> {
        let argv: Vec<String> = load.command.iter().map(|w| with_port(w, port)).collect();
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]).stdin(std::process::Stdio::null());
        if let Some(dir) = &self.spec.dir {
            cmd.current_dir(dir);
        }
        let cpu_before = server.cpu_s();
        let counters = Counters::now();
        let done = run_piped(&mut cmd, Wait::Deadline(self.timeout), read_all, read_all)
            .with_context(|| format!("running load `{}` ({})", load.name, argv[0]))?;
        let cpu = server
            .cpu_s()
            .zip(cpu_before)
            .map(|(a, b)| (a - b).max(0.0));
        let after = Counters::now();
        let peak = server.peak_rss_bytes();
        let stdout = String::from_utf8_lossy(&done.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&done.stderr).into_owned();
        let last = |text: &str| {
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            lines[lines.len().saturating_sub(8)..].join("\n")
        };
        if let Some(code) = server.exited() {
            return Ok(Err((
                format!(
                    "the server exited with {code} during load `{}`; its last lines:",
                    load.name
                ),
                server.tail(),
                code,
            )));
        }
        match done.outcome {
            // Ctrl-C: the sweep stops; nothing failed
            crate::process::Outcome::Interrupted => {
                return Ok(Ok(LoadRun::default()));
            }
            crate::process::Outcome::TimedOut => {
                return Ok(Err((
                    format!(
                        "load `{}` ran longer than --timeout ({} s) and was stopped; its output ended:",
                        load.name,
                        self.timeout.map_or(0.0, |t| t.as_secs_f64())
                    ),
                    format!("{}\n{}", last(&stdout), last(&stderr)),
                    done.outcome.exit_code(),
                )));
            }
            _ => {}
        }
        if !done.outcome.success() {
            let code = done.outcome.exit_code();
            return Ok(Err((
                format!(
                    "load `{}` ({}) failed with exit code {code}; its output ended:",
                    load.name,
                    argv.join(" ")
                ),
                format!("{}\n{}", last(&stdout), last(&stderr)),
                code,
            )));
        }
        let figures = load
            .generator
            .map(|g| parse::figures(g, &stdout))
            .unwrap_or_default();
        if let Some(g) = load.generator
            && figures.rps.is_none()
        {
            return Ok(Err((
                format!(
                    "load `{}`: {} printed no requests per second; its output ended:",
                    load.name,
                    g.label()
                ),
                last(&stdout),
                0,
            )));
        }
        Ok(Ok(LoadRun {
            figures,
            server_cpu_s: cpu,
            peak_rss_bytes: peak,
            wall_s: done.usage.wall_s,
            load: counters.zip(after).map(|(before, after)| {
                before.load_until(
                    &after,
                    done.usage.wall_s,
                    cpu.unwrap_or(0.0) + done.usage.cpu_s,
                )
            }),
            instructions: None,
        }))
    }
}
