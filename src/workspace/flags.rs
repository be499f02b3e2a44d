//! Cargo's own flags, as the user gave them: passed through to cargo
//! with cargo's meanings, and forwarded to other `cargo lto` command lines.

use std::path::PathBuf;

/// Cargo's own flags, passed through with cargo's meanings.
#[derive(Debug, Clone, Default)]
pub struct CargoFlags {
    /// `--manifest-path`
    pub manifest_path: Option<PathBuf>,
    /// `-p/--package`, each given
    pub package: Vec<String>,
    /// `--bin`, each given
    pub bin: Vec<String>,
    /// `--bins`: every binary of the selected packages (which is also
    /// what neither `--bin` nor `--bins` measures)
    pub bins: bool,
    /// `--bench`, each given: bench targets whose benchmarks to run
    pub bench: Vec<String>,
    /// `--benches`: every bench target of the selected packages
    pub benches: bool,
    /// `--features` (each as given)
    pub features: Vec<String>,
    /// `--all-features`
    pub all_features: bool,
    /// `--no-default-features`
    pub no_default_features: bool,
    /// `--target`
    pub target: Option<String>,
    /// `--target-dir`
    pub target_dir: Option<PathBuf>,
    /// `--locked`
    pub locked: bool,
    /// `--offline`
    pub offline: bool,
    /// `--frozen`
    pub frozen: bool,
    /// `-j/--jobs`
    pub jobs: Option<String>,
}

impl CargoFlags {
    /// True when bench targets were asked for (`--bench`, `--benches`).
    pub fn wants_benches(&self) -> bool {
        self.benches || !self.bench.is_empty()
    }

    /// `--locked`, `--offline`, `--frozen` as given.
    pub fn network_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for (on, flag) in [
            (self.locked, "--locked"),
            (self.offline, "--offline"),
            (self.frozen, "--frozen"),
        ] {
            if on {
                args.push(flag.to_string());
            }
        }
        args
    }

    /// Every flag that says what to build, as given, for another
    /// `cargo lto` command line (a CI job of `cargo lto plan`):
    /// `--manifest-path`, `-p`, `--bin`, features, `--target`, `-j`, and
    /// `--locked`/`--offline`/`--frozen`. `--target-dir` is the job's own.
    pub fn forwarded_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut pair = |flag: &str, value: Option<String>| {
            if let Some(v) = value {
                args.extend([flag.to_string(), v]);
            }
        };
        pair(
            "--manifest-path",
            self.manifest_path.as_ref().map(|p| p.display().to_string()),
        );
        for p in &self.package {
            pair("--package", Some(p.clone()));
        }
        for b in &self.bin {
            pair("--bin", Some(b.clone()));
        }
        for b in &self.bench {
            pair("--bench", Some(b.clone()));
        }
        pair("--target", self.target.clone());
        pair("--jobs", self.jobs.clone());
        if self.bins {
            args.push("--bins".into());
        }
        if self.benches {
            args.push("--benches".into());
        }
        args.extend(self.feature_args());
        args.extend(self.network_args());
        args
    }

    /// Feature selection flags as given.
    pub fn feature_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for f in &self.features {
            args.push("--features".into());
            args.push(f.clone());
        }
        if self.all_features {
            args.push("--all-features".into());
        }
        if self.no_default_features {
            args.push("--no-default-features".into());
        }
        args
    }
}
