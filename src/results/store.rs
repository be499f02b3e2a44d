//! Where measure documents live, and how they are named, written, read and
//! listed: `<target-dir>/cargo-lto/results/measure-<id>.json`, plus
//! `latest.json`, a copy of the newest.
//!
//! Ids start with the UTC start time to the nanosecond and end with random
//! hex, so documents of parallel shards and of rapid re-runs never share a
//! name, and they sort by time as text.

use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::measure::{MEASURE_SCHEMA_VERSION, MeasureDocument};

/// The name of the copy of the newest measure document.
pub const LATEST: &str = "latest.json";

/// What can go wrong reading or writing documents. Every variant but
/// [`Error::Write`] and [`Error::Unreadable`] is the user's input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No measure document in the results directory.
    #[error("no measurements in {}: run `cargo lto measure` first", dir.display())]
    NoResults {
        /// The directory searched.
        dir: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// Not JSON, or not this kind of document.
    #[error("{} is not a cargo-lto {kind} document: {error}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// `measure` or `inspect`.
        kind: &'static str,
        /// What serde said, with the field's path.
        error: String,
    },
    /// Written by a cargo-lto with another layout.
    #[error("{} has schema version {found}; this cargo-lto reads version {expected}: measure again", path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// Ours.
        expected: u32,
    },
    /// The document measured another workspace.
    #[error(
        "{} holds results of another project ({}), not of {}: pass --results for this project's, or --manifest-path for that one",
        path.display(), found.display(), expected.display()
    )]
    OtherProject {
        /// The file.
        path: PathBuf,
        /// The workspace it measured.
        found: PathBuf,
        /// The workspace it was read for.
        expected: PathBuf,
    },
    /// Writing failed.
    #[error("writing {}: {error}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The document would not read back (a bug): nothing was written.
    #[error("refusing to write {}: the document would not read back ({error})", path.display())]
    Unreadable {
        /// The file not written.
        path: PathBuf,
        /// What serde said.
        error: String,
    },
}

impl Error {
    /// True when the user's input is at fault (a missing, foreign or
    /// outdated document), false for the tool's own failures.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Error::Write { .. } | Error::Unreadable { .. })
    }

    /// True when a write failed because its filesystem is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, Error::Write { error, .. } if error.kind() == std::io::ErrorKind::StorageFull)
    }
}

/// The results directory under a target directory.
pub fn results_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("cargo-lto").join("results")
}

/// A new document id for a sweep started at `now`:
/// `20261126T083012.123456789Z-3fa9c2`.
pub fn new_id(now: SystemTime) -> String {
    let stamp: String = humantime::format_rfc3339_nanos(now)
        .to_string()
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    // RandomState is seeded from the OS per process: pid and time alone could
    // meet on two machines of a CI matrix.
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        now.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{stamp}-{:06x}", hasher.finish() & 0xff_ffff)
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so no reader ever sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let write = |error| Error::Write {
        path: path.to_path_buf(),
        error,
    };
    let dir = path
        .parent()
        .ok_or_else(|| write(std::io::Error::other("no parent directory")))?;
    std::fs::create_dir_all(dir).map_err(write)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write)?;
    tmp.write_all(bytes).map_err(write)?;
    tmp.as_file().sync_all().map_err(write)?;
    // the file's own permissions when it exists; else rw-r--r--, not the
    // temporary file's rw-------
    let permissions = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o644)
        }
    };
    tmp.as_file().set_permissions(permissions).map_err(write)?;
    tmp.persist(path).map_err(|e| write(e.error))?;
    Ok(())
}

/// Saves `doc` as `measure-<id>.json` and `latest.json` in `dir`; returns
/// the first path. Refuses a document that would not read back (a NaN is
/// written by serde as `null`, which no reader accepts).
pub fn save(dir: &Path, doc: &MeasureDocument) -> Result<PathBuf, Error> {
    let path = dir.join(format!("measure-{}.json", doc.id));
    let json = checked(&path, doc)?;
    write_atomic(&path, &json)?;
    write_atomic(&dir.join(LATEST), &json)?;
    Ok(path)
}

/// Saves the document of a `cargo lto build` as `build-<id>.json` in
/// `dir`, and nothing else: it is no sweep, so neither `latest.json` nor
/// [`list`] (which `recommend`, `check`, `report` and `inspect` read)
/// ever sees it.
pub fn save_build(dir: &Path, doc: &MeasureDocument) -> Result<PathBuf, Error> {
    let path = dir.join(format!("build-{}.json", doc.id));
    let json = checked(&path, doc)?;
    write_atomic(&path, &json)?;
    Ok(path)
}

/// `doc` as JSON, refused when it would not read back.
fn checked(path: &Path, doc: &MeasureDocument) -> Result<Vec<u8>, Error> {
    let json = serde_json::to_vec_pretty(doc).map_err(|e| Error::Unreadable {
        path: path.to_path_buf(),
        error: e.to_string(),
    })?;
    if let Err(e) = parse::<MeasureDocument>(&json) {
        return Err(Error::Unreadable {
            path: path.to_path_buf(),
            error: e,
        });
    }
    Ok(json)
}

/// Deserializes with the path of the failing field in the message.
fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        if at == "." {
            e.inner().to_string()
        } else {
            format!("at `{at}`: {}", e.inner())
        }
    })
}

/// Reads a document of `kind` whose version is `expected`: the version is
/// checked before the layout, so an old document gets "measure again", not
/// a missing field.
pub fn read<T: serde::de::DeserializeOwned>(
    path: &Path,
    kind: &'static str,
    expected: u32,
) -> Result<T, Error> {
    let bytes = std::fs::read(path).map_err(|error| Error::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let parse_error = |error| Error::Parse {
        path: path.to_path_buf(),
        kind,
        error,
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| parse_error(e.to_string()))?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(expected) => {}
        Some(found) => {
            return Err(Error::Version {
                path: path.to_path_buf(),
                found,
                expected,
            });
        }
        None => return Err(parse_error("it has no `schema_version`".into())),
    }
    parse(&bytes).map_err(parse_error)
}

/// Reads a measure document; with `project` given, refuses one that
/// measured another workspace (compared after resolving links).
pub fn load(path: &Path, project: Option<&Path>) -> Result<MeasureDocument, Error> {
    let doc: MeasureDocument = read(path, "measure", MEASURE_SCHEMA_VERSION)?;
    if let Some(expected) = project {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let found = &doc.project.workspace_root;
        if canonical(found) != canonical(expected) {
            return Err(Error::OtherProject {
                path: path.to_path_buf(),
                found: found.clone(),
                expected: expected.to_path_buf(),
            });
        }
    }
    Ok(doc)
}

/// A measure document found in a results directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its id (the file name between `measure-` and `.json`).
    pub id: String,
    /// The file.
    pub path: PathBuf,
}

/// The measure documents in `dir`, newest first; an absent directory has none.
pub fn list(dir: &Path) -> Result<Vec<Listed>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(Error::Read {
                path: dir.to_path_buf(),
                error,
            });
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| Error::Read {
            path: dir.to_path_buf(),
            error,
        })?;
        let name = entry.file_name();
        let Some(id) = name
            .to_str()
            .and_then(|n| n.strip_prefix("measure-"))
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        found.push(Listed {
            id: id.to_string(),
            path: entry.path(),
        });
    }
    found.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(found)
}

/// The newest measure document's path in `dir`.
pub fn latest(dir: &Path) -> Result<PathBuf, Error> {
    if let Some(newest) = list(dir)?.into_iter().next() {
        return Ok(newest.path);
    }
    // written by an older cargo-lto: reading it says "measure again"
    let copy = dir.join(LATEST);
    if copy.is_file() {
        return Ok(copy);
    }
    Err(Error::NoResults {
        dir: dir.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::measure::*;
    use std::time::Duration;

    pub(crate) fn document(id: &str, root: &Path) -> MeasureDocument {
        MeasureDocument {
            schema_version: MEASURE_SCHEMA_VERSION,
            id: id.into(),
            tool: "cargo-lto test".into(),
            started_unix_s: 0,
            machine: Machine {
                cpu_model: "cpu".into(),
                cores: 2,
                memory_bytes: 1,
                os: "linux-x86_64".into(),
            },
            toolchain: Toolchain {
                rustc_vv: "rustc".into(),
                cargo_v: "cargo".into(),
            },
            project: Project {
                workspace_root: root.to_path_buf(),
                bins: vec![crate::results::measure::Bin {
                    name: "app".into(),
                    package: "app".into(),
                    version: "0.1.0".into(),
                }],
                target: None,
            },
            base_profile: "release".into(),
            base_settings: Profile::new(),
            warm: false,
            notes: vec![],
            configurations: vec![],
            workloads: vec![],
            training: vec![],
            runtime_plan: None,
            invocation: Vec::new(),
            source: None,
            cross_host_times: false,
            earlier_workloads: Vec::new(),
            benchmarks: Vec::new(),
            server: None,
            bench_plan: None,
            bench_profile: None,
        }
    }

    #[test]
    fn ids_sort_by_time_and_do_not_collide() {
        let t = SystemTime::UNIX_EPOCH + Duration::new(1_764_145_812, 123_456_789);
        let a = new_id(t);
        assert!(a.starts_with("20251126T083012.123456789Z-"), "{a}");
        // the same nanosecond twice, as two shards might: still two names
        let ids: std::collections::BTreeSet<String> = (0..200).map(|_| new_id(t)).collect();
        assert_eq!(ids.len(), 200);
        assert!(new_id(t + Duration::from_nanos(1)) > a, "later sorts later");
    }

    #[test]
    fn save_load_list_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let older = document("20250101T000000.000000001Z-aaaaaa", root);
        let newer = document("20250101T000000.000000002Z-000000", root);
        let p1 = save(dir.path(), &older).unwrap();
        let p2 = save(dir.path(), &newer).unwrap();
        assert_ne!(p1, p2);
        let listed = list(dir.path()).unwrap();
        assert_eq!(
            listed.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
            [newer.id.as_str(), older.id.as_str()],
            "newest first, latest.json not listed"
        );
        assert_eq!(latest(dir.path()).unwrap(), p2);
        assert_eq!(load(&p1, Some(root)).unwrap(), older);
        assert_eq!(load(&dir.path().join(LATEST), None).unwrap(), newer);
        assert!(list(&dir.path().join("absent")).unwrap().is_empty());
        let err = latest(&dir.path().join("absent")).unwrap_err();
        assert!(
            err.to_string().contains("run `cargo lto measure` first"),
            "{err}"
        );
    }

    #[test]
    fn another_projects_document_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = save(dir.path(), &document("x", Path::new("/somewhere/else"))).unwrap();
        let err = load(&path, Some(dir.path())).unwrap_err();
        assert!(matches!(err, Error::OtherProject { .. }), "{err}");
        assert!(err.is_bad_input());
        assert!(
            err.to_string().contains("results of another project"),
            "{err}"
        );
    }

    #[test]
    fn versions_and_garbage_get_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.json");
        std::fs::write(&old, r#"{"schema_version": 1, "configurations": []}"#).unwrap();
        let err = load(&old, None).unwrap_err().to_string();
        assert!(
            err.contains("schema version 1") && err.contains("measure again"),
            "{err}"
        );
        let junk = dir.path().join("junk.json");
        std::fs::write(&junk, "not json").unwrap();
        assert!(matches!(load(&junk, None), Err(Error::Parse { .. })));
        let partial = dir.path().join("partial.json");
        std::fs::write(
            &partial,
            format!(r#"{{"schema_version": {MEASURE_SCHEMA_VERSION}, "id": 3}}"#),
        )
        .unwrap();
        let err = load(&partial, None).unwrap_err().to_string();
        assert!(err.contains("`id`"), "the failing field is named: {err}");
    }

    #[test]
    fn a_nan_is_refused_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = document("nan", dir.path());
        doc.configurations.push(Configuration {
            name: "baseline".into(),
            settings: Default::default(),
            effective: Profile::new(),
            command: vec![],
            measurement_env: Default::default(),
            status: Status::Ok,
            exit_code: None,
            stderr_tail: None,
            build: None,
            warm_build: None,
            pipeline: Vec::new(),
            binaries: Vec::new(),
            identical_to: None,
            machine: None,
            pgo_coverage: None,
            benches: Vec::new(),
            bench_summary: None,
            twin: None,
            series: vec![Series {
                samples: vec![1.0, f64::NAN],
                peak_rss_bytes: vec![1, 1],
                ..Series::new(SeriesKind::Workload, "w", Metric::Instructions)
            }],
        });
        let err = save(dir.path(), &doc).unwrap_err();
        assert!(matches!(err, Error::Unreadable { .. }), "{err}");
        assert!(!err.is_bad_input());
        assert!(
            list(dir.path()).unwrap().is_empty(),
            "nothing half-valid on disk"
        );
    }

    #[test]
    fn an_unknown_metric_is_refused() {
        let text = include_str!("../../tests/data/measure-runtime.json");
        assert!(text.contains("\"metric\": \"wall_s\""));
        let bad = text.replacen("\"metric\": \"wall_s\"", "\"metric\": \"furlongs\"", 1);
        let err = serde_json::from_str::<MeasureDocument>(&bad).unwrap_err();
        assert!(err.to_string().contains("furlongs"), "{err}");
    }
}
