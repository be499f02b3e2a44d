//! Progress on stderr: indicatif bars on a terminal, one plain line per
//! finished configuration elsewhere (CI logs), nothing with `-q`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How to show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bars (stderr is a terminal).
    Bars,
    /// One line per configuration.
    Lines,
    /// No progress display (`--quiet`).
    Quiet,
}

impl Mode {
    /// Bars on a terminal, lines otherwise, nothing when quiet.
    pub fn detect(quiet: bool) -> Mode {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bars
        } else {
            Mode::Lines
        }
    }
}

/// The sweep's progress display.
pub struct Progress {
    mode: Mode,
    multi: MultiProgress,
    overall: ProgressBar,
}

/// One configuration's bar.
pub struct ConfigBar {
    mode: Mode,
    name: String,
    bar: ProgressBar,
    expected: usize,
}

impl Progress {
    /// A display for `total` configurations.
    pub fn new(mode: Mode, total: usize) -> Progress {
        let target = match mode {
            Mode::Bars => ProgressDrawTarget::stderr(),
            _ => ProgressDrawTarget::hidden(),
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(total as u64));
        overall.set_style(
            ProgressStyle::with_template(
                "{prefix:>12.bold} [{bar:20}] {pos}/{len} configurations, {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        overall.set_prefix("cargo lto");
        Progress {
            mode,
            multi,
            overall,
        }
    }

    /// Starts the bar of configuration `name`, expecting about `expected` units.
    pub fn start_config(&self, name: &str, expected: usize) -> ConfigBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>12.cyan.bold} {spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message("compiling");
        ConfigBar {
            mode: self.mode,
            name: name.to_string(),
            bar,
            expected,
        }
    }

    /// Prints a line above the bars (or plainly).
    pub fn println(&self, line: &str) {
        match self.mode {
            Mode::Bars => self.multi.suspend(|| eprintln!("{line}")),
            Mode::Lines => eprintln!("{line}"),
            Mode::Quiet => {}
        }
    }

    /// Clears the display.
    pub fn finish(&self) {
        self.overall.finish_and_clear();
        let _ = self.multi.clear();
    }

    /// Advances the overall bar when a configuration is done.
    pub fn config_done(&self) {
        self.overall.inc(1);
    }
}

impl ConfigBar {
    /// `k` units compiled so far; the last one is the final rustc (LTO + link).
    pub fn units(&self, k: usize) {
        let msg = if self.expected > 0 && k + 1 >= self.expected {
            format!(
                "compiling {k}/~{} units, then linking (the final rustc does LTO)",
                self.expected
            )
        } else if self.expected > 0 {
            format!("compiling {k}/~{} units", self.expected)
        } else {
            format!("compiling {k} units")
        };
        self.bar.set_message(msg);
    }

    /// A named phase after the build.
    pub fn phase(&self, phase: &str) {
        self.bar.set_message(phase.to_string());
    }

    /// Ends the bar with a one-word outcome.
    pub fn finish(&self, outcome: &str) {
        self.finish_built(outcome, None);
    }

    /// Ends the bar with a one-word outcome and, for a configuration that
    /// built, its timed build's wall time: the table's figure, which is
    /// not the whole time the configuration took (its rebuild, the
    /// binary's analysis, a pipeline's other stages come on top).
    pub fn finish_built(&self, outcome: &str, build_s: Option<f64>) {
        let elapsed = self.bar.elapsed();
        self.bar.finish_and_clear();
        if self.mode == Mode::Lines {
            let all = crate::units::seconds(elapsed.as_secs_f64());
            match build_s {
                Some(b) => eprintln!(
                    "cargo lto: {} {outcome}: build {} (the table's figure), {all} with everything measured after it",
                    self.name,
                    crate::units::seconds(b)
                ),
                None => eprintln!("cargo lto: {} {outcome} in {all}", self.name),
            }
        }
    }
}

impl Drop for ConfigBar {
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}
