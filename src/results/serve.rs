//! A server measured under load (`measure --serve`): how it was started,
//! waited for and stopped, its loads (each with the load generator the
//! tool read, and an A/A floor per metric), and how its series are named:
//! one per load and metric, `<load> <metric>` (docs/results-schema.md,
//! "Servers").

use serde::{Deserialize, Serialize};

use super::runtime::Metric;
use super::statistics::Comparison;

/// How the server ran, and its loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// The server's command: words with `{bin}` for the configuration's
    /// binary and `{port}` for the port it is given.
    pub command: Vec<String>,
    /// How readiness was told: `tcp`, `http:/PATH` or `line:REGEX`.
    pub ready: String,
    /// At most this long to become ready, seconds.
    pub ready_timeout_s: f64,
    /// After SIGTERM, this long before SIGKILL, seconds.
    pub stop_timeout_s: f64,
    /// The port every start was given, when fixed (`--port`); else a free
    /// one was picked for each start.
    pub port: Option<u16>,
    /// The loads run against it.
    pub loads: Vec<Load>,
    /// Load runs per configuration asked for (rounds).
    pub rounds: usize,
}

/// One load run against the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// Its name (`--load NAME=CMD`), or `load1`, `load2`, ….
    pub name: String,
    /// The command: words with `{port}` and `{url}`.
    pub command: Vec<String>,
    /// The load generator whose output was read; null for one the tool
    /// does not know (then only the server's CPU time and the load's wall
    /// time are measured).
    pub generator: Option<Generator>,
    /// Baseline against itself, per series of this load (`name` is the
    /// series'): the A/A floor, as a workload's `noise`.
    #[serde(default)]
    pub noise: Vec<Floor>,
}

/// One series' A/A comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    /// The series' name.
    pub series: String,
    /// The comparison of the copy of baseline's binary with baseline.
    pub noise: Comparison,
}

/// A load generator whose output the tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generator {
    /// `oha` (its `--output-format json` or its text summary).
    Oha,
    /// `wrk` (its `--latency` distribution for percentiles).
    Wrk,
    /// nghttp2's `h2load`.
    H2load,
    /// `hey`.
    Hey,
    /// ApacheBench, `ab`.
    Ab,
}

impl Generator {
    /// Its program's name.
    pub fn label(self) -> &'static str {
        match self {
            Generator::Oha => "oha",
            Generator::Wrk => "wrk",
            Generator::H2load => "h2load",
            Generator::Hey => "hey",
            Generator::Ab => "ab",
        }
    }

    /// The generator a program is (by its file name), if known.
    pub fn of_program(program: &str) -> Option<Generator> {
        let name = program.rsplit('/').next().unwrap_or(program);
        [
            Generator::Oha,
            Generator::Wrk,
            Generator::H2load,
            Generator::Hey,
            Generator::Ab,
        ]
        .into_iter()
        .find(|g| g.label() == name)
    }
}

/// What a server's series measures, each one series per load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Requests per second, as the load generator reported them.
    Throughput,
    /// The median latency it reported.
    LatencyP50,
    /// Its 99th percentile latency.
    LatencyP99,
    /// The server's CPU time (its processes, every thread, user + system)
    /// per request answered.
    CpuPerRequest,
    /// The server's CPU time over the load run, where the request count
    /// is not known.
    ServerCpu,
    /// The load command's wall time, where its generator is not known.
    LoadWall,
    /// Instructions the server executed per request, counted under
    /// cachegrind, an idle run (start, ready, stop) subtracted.
    InstructionsPerRequest,
}

impl Measure {
    /// The word in a series' name.
    pub fn word(self) -> &'static str {
        match self {
            Measure::Throughput => "rps",
            Measure::LatencyP50 => "p50",
            Measure::LatencyP99 => "p99",
            Measure::CpuPerRequest => "cpu/req",
            Measure::ServerCpu => "cpu",
            Measure::LoadWall => "wall",
            Measure::InstructionsPerRequest => "instr/req",
        }
    }

    /// Its metric (unit, direction, rule).
    pub fn metric(self) -> Metric {
        match self {
            Measure::Throughput => Metric::RequestsPerSecond,
            Measure::LatencyP50 | Measure::LatencyP99 | Measure::LoadWall => Metric::Seconds,
            Measure::CpuPerRequest => Metric::CpuPerRequest,
            Measure::ServerCpu => Metric::CpuSeconds,
            Measure::InstructionsPerRequest => Metric::InstructionsPerRequest,
        }
    }

    /// Every measure, in the order tables show them.
    pub const ALL: [Measure; 7] = [
        Measure::Throughput,
        Measure::LatencyP50,
        Measure::LatencyP99,
        Measure::CpuPerRequest,
        Measure::ServerCpu,
        Measure::LoadWall,
        Measure::InstructionsPerRequest,
    ];
}

/// The name of load `load`'s series of `measure`.
pub fn series_name(load: &str, measure: Measure) -> String {
    format!("{load} {}", measure.word())
}

/// The load and measure a server series' name stands for.
pub fn parse_series_name(name: &str) -> Option<(&str, Measure)> {
    let (load, word) = name.rsplit_once(' ')?;
    let measure = Measure::ALL.into_iter().find(|m| m.word() == word)?;
    Some((load, measure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_names_go_both_ways() {
        for m in Measure::ALL {
            let name = series_name("api", m);
            assert_eq!(parse_series_name(&name), Some(("api", m)));
        }
        assert_eq!(Generator::of_program("/usr/bin/hey"), Some(Generator::Hey));
        assert_eq!(Generator::of_program("curl"), None);
    }
}
