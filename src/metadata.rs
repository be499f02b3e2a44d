//! `[workspace.metadata.cargo-lto]` and `[package.metadata.cargo-lto]`,
//! parsed once, typed (serde): the configurations (read by
//! `profile/matrix.rs`) and the workloads (read by
//! `measure/runtime/workload.rs`) come from the same parse. An unknown key,
//! a value of the wrong type, anywhere in the table, is an error that names
//! the key's path and the file.
//!
//! ```toml
//! [workspace.metadata.cargo-lto]
//! preset = "standard"
//! [workspace.metadata.cargo-lto.configurations.small]
//! lto = "fat"
//! opt-level = "z"
//! [workspace.metadata.cargo-lto.workloads.big]
//! args = "30000000"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::UsageError;
pub use crate::results::measure::CompareOutput;

/// The `cargo-lto` metadata table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// `preset`: `quick`, `standard` or `pgo` (checked where presets are known).
    pub preset: Option<String>,
    /// `configurations.NAME`: profile keys, checked by `profile::Settings`
    /// with the same messages as `--with`.
    #[serde(default)]
    pub configurations: BTreeMap<String, toml::Table>,
    /// `workloads.NAME`: how to run the binary.
    #[serde(default)]
    pub workloads: BTreeMap<String, WorkloadSpec>,
    /// `train.NAME`: how to run the binary to train PGO configurations
    /// (`--train`), with the keys of `workloads.NAME`.
    #[serde(default)]
    pub train: BTreeMap<String, WorkloadSpec>,
    /// `build-runs`: clean builds per configuration (`--build-runs`).
    #[serde(rename = "build-runs")]
    pub build_runs: Option<usize>,
    /// `benches`: the bench targets `measure` runs (`--bench`, each).
    pub benches: Option<Vec<String>>,
    /// `bench-filter`: a regex of the benchmark ids to run
    /// (`--bench-filter`).
    #[serde(rename = "bench-filter")]
    pub bench_filter: Option<String>,
    /// `bench-time`: the benchmarks phase's budget in seconds
    /// (`--bench-time`).
    #[serde(rename = "bench-time")]
    pub bench_time: Option<f64>,
    /// `server`: the binary as a server under load (`--serve` and its
    /// options, as keys).
    pub server: Option<ServerSpec>,
}

/// `server`: how to start the binary as a server and load it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// Arguments to the binary (`--serve`), `{port}` for its port.
    pub args: Option<String>,
    /// A whole command with `{bin}` and `{port}` (`--serve-cmd`).
    pub command: Option<String>,
    /// `tcp`, `http:/PATH` or `line:REGEX` (`--ready`).
    pub ready: Option<String>,
    /// Seconds to become ready (`--ready-timeout`).
    #[serde(rename = "ready-timeout")]
    pub ready_timeout: Option<f64>,
    /// Seconds between SIGTERM and SIGKILL (`--stop-timeout`).
    #[serde(rename = "stop-timeout")]
    pub stop_timeout: Option<f64>,
    /// A fixed port (`--port`).
    pub port: Option<u16>,
    /// `loads.NAME = "CMD"`: the load commands (`--load NAME=CMD`), with
    /// `{port}` and `{url}`.
    #[serde(default)]
    pub loads: BTreeMap<String, String>,
    /// The load that trains PGO and BOLT configurations (`--train-load`).
    #[serde(rename = "train-load")]
    pub train_load: Option<String>,
}

/// `workloads.NAME`: the `--run`/`--run-cmd` options, as keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    /// Arguments to the binary (split like a shell splits them).
    pub args: Option<String>,
    /// A whole command with `{bin}` for the binary.
    pub command: Option<String>,
    /// In a `train` table only: train with this bench target's
    /// benchmarks (its harness run briefly over each) instead of a command.
    pub bench: Option<String>,
    /// Run through `sh -c`.
    #[serde(default)]
    pub shell: bool,
    /// Run before each run, untimed, through `sh -c`.
    pub prepare: Option<String>,
    /// Working directory, relative to the manifest's directory.
    pub dir: Option<PathBuf>,
    /// File for stdin, relative to the manifest's directory.
    pub stdin: Option<PathBuf>,
    /// How to compare outputs (overrides `--compare-output` for this workload).
    #[serde(rename = "compare-output")]
    pub compare_output: Option<CompareOutput>,
}

/// One parsed table and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// For messages: `[workspace.metadata.cargo-lto] in /p/Cargo.toml`.
    pub origin: String,
    /// The directory of that manifest: relative paths are relative to it.
    pub dir: PathBuf,
    pub table: Table,
}

/// True for a name of a configuration or workload: 1–64 ASCII letters,
/// digits, `-` or `_` (it names a directory, a cargo profile, a table row).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Parses the table `value` (as `cargo metadata` reports it) of the
/// manifest `manifest`; `origin` names it in messages.
pub fn parse(
    origin: String,
    manifest: &Path,
    value: &serde_json::Value,
) -> Result<Source, UsageError> {
    let table: Table = serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        UsageError::Syntax {
            origin: if at == "." {
                origin.clone()
            } else {
                format!("{origin} {at}")
            },
            message: e.inner().to_string(),
        }
    })?;
    Ok(Source {
        origin,
        dir: manifest
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf),
        table,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse_json(value: serde_json::Value) -> Result<Source, UsageError> {
        parse(
            "[m] in /p/Cargo.toml".into(),
            Path::new("/p/Cargo.toml"),
            &value,
        )
    }

    #[test]
    fn a_full_table() {
        let s = parse_json(json!({
            "preset": "standard",
            "configurations": {"small": {"lto": "fat", "opt-level": "z"}},
            "workloads": {"big.one": {"args": "1 2", "dir": "data"}}
        }))
        .unwrap();
        assert_eq!(s.dir, Path::new("/p"));
        assert_eq!(s.table.preset.as_deref(), Some("standard"));
        assert_eq!(s.table.configurations["small"]["lto"].as_str(), Some("fat"));
        assert_eq!(s.table.workloads["big.one"].args.as_deref(), Some("1 2"));
        assert_eq!(parse_json(json!({})).unwrap().table, Table::default());
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_path_and_the_file() {
        for (value, path, word) in [
            (json!({"presets": "x"}), "", "presets"),
            (json!({"preset": 3}), "preset", "string"),
            (
                json!({"workloads": {"x": {"args": "1", "argz": "2"}}}),
                "workloads.x",
                "argz",
            ),
            (
                json!({"workloads": {"x": {"shell": "yes"}}}),
                "workloads.x.shell",
                "boolean",
            ),
            (
                json!({"configurations": {"x": 3}}),
                "configurations.x",
                "map",
            ),
            (json!({"workloads": []}), "workloads", "map"),
        ] {
            let err = parse_json(value.clone()).unwrap_err().to_string();
            assert!(err.starts_with("[m] in /p/Cargo.toml"), "{err}");
            assert!(err.contains(path) && err.contains(word), "{value}: {err}");
        }
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "[a-z{} .=-]{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let key = prop_oneof![
                Just("preset".to_string()),
                Just("configurations".to_string()),
                Just("workloads".to_string()),
                Just("args".to_string()),
                Just("command".to_string()),
                Just("lto".to_string()),
                "[a-z.-]{1,8}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map(key, inner, 0..5)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever a manifest holds, the parse answers with a table or an
        /// error that names the file; it never panics.
        #[test]
        fn any_table_parses_or_is_named(value in json_value()) {
            match parse_json(value) {
                Ok(source) => prop_assert_eq!(source.dir, PathBuf::from("/p")),
                Err(e) => prop_assert!(e.to_string().starts_with("[m] in /p/Cargo.toml")),
            }
        }
    }
}
