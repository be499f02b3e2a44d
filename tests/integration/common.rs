//! Shared helpers: fixture copies, tree fingerprints, one shared sweep of
//! the example (built once per test run, used by several tests).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use sha2::{Digest, Sha256};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `src` (without `target/`) to a fresh directory of its own under the
/// test tmp dir (tests run in parallel: each gets its own copy).
pub fn copy_fixture(src: &Path, name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dest = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{n}"));
    let _ = std::fs::remove_dir_all(&dest);
    for entry in walkdir::WalkDir::new(src)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
    {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let to = dest.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dest
}

/// A fixture from tests/fixtures, copied.
pub fn fixture(name: &str) -> PathBuf {
    copy_fixture(
        &repo().join("tests/fixtures").join(name),
        &format!("fixture-{name}"),
    )
}

/// `cargo-lto lto …` as cargo would run it.
pub fn cargo_lto() -> Command {
    let mut cmd = Command::cargo_bin("cargo-lto").unwrap();
    cmd.arg("lto");
    cmd.env_remove("CARGO_TARGET_DIR");
    cmd
}

/// What one `cargo lto measure --format json -q` run gave.
pub struct Run {
    /// Exit code.
    pub code: Option<i32>,
    /// The results document on stdout.
    pub doc: serde_json::Value,
    /// stderr.
    pub stderr: String,
}

/// Runs `measure -q --format json ARGS` on the project in `dir` (as the
/// working directory), with `env` set.
pub fn measure_json(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Run {
    let mut cmd = cargo_lto();
    cmd.args(["measure", "-q", "--format", "json"])
        .args(args)
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));
    Run {
        code: out.status.code(),
        doc,
        stderr,
    }
}

/// The names of the configurations of a results document, in order.
pub fn names(doc: &serde_json::Value) -> Vec<&str> {
    doc["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

/// Path → (sha256, mtime) of every file outside `target/`.
pub fn fingerprint(root: &Path) -> BTreeMap<PathBuf, (String, filetime::FileTime)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            let hash: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let mtime = filetime::FileTime::from_last_modification_time(&e.metadata().unwrap());
            (
                e.path().strip_prefix(root).unwrap().to_path_buf(),
                (hash, mtime),
            )
        })
        .collect()
}

/// The shared sweep of examples/cross-crate with the quick preset.
pub struct ExampleSweep {
    /// The copy of the example.
    pub dir: PathBuf,
    /// Exit code.
    pub code: i32,
    /// The results document printed on stdout.
    pub json: serde_json::Value,
    /// Fingerprints before and after.
    pub before: BTreeMap<PathBuf, (String, filetime::FileTime)>,
    /// After.
    pub after: BTreeMap<PathBuf, (String, filetime::FileTime)>,
}

/// Runs the quick sweep once per test binary.
pub fn example_sweep() -> &'static ExampleSweep {
    static SWEEP: OnceLock<ExampleSweep> = OnceLock::new();
    SWEEP.get_or_init(|| {
        let dir = copy_fixture(&repo().join("examples/cross-crate"), "example-sweep");
        let before = fingerprint(&dir);
        let out = cargo_lto()
            .args(["measure", "--quiet", "--format", "json", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));
        let after = fingerprint(&dir);
        ExampleSweep {
            dir,
            code: out.status.code().unwrap_or(-1),
            json,
            before,
            after,
        }
    })
}

/// The configuration `name` of a results document.
pub fn config<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no configuration {name}"))
}

/// Demangled names of a binary's symbols.
pub fn demangled_symbols(path: &Path) -> Vec<String> {
    use object::{Object, ObjectSymbol};
    let data = std::fs::read(path).unwrap();
    let file = object::File::parse(&*data).unwrap();
    file.symbols()
        .filter_map(|s| {
            s.name()
                .ok()
                .map(|n| format!("{:#}", rustc_demangle::demangle(n)))
        })
        .collect()
}

/// What the project's target directory holds besides the build area's
/// lock file (`target/cargo-lto/measure.lock`, taken before anything is
/// checked or built): empty when nothing was built.
pub fn built(dir: &Path) -> Vec<PathBuf> {
    let target = dir.join("target");
    if !target.exists() {
        return Vec::new();
    }
    walkdir::WalkDir::new(&target)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| {
            p != &target && p != &target.join("cargo-lto") && !p.ends_with("cargo-lto/measure.lock")
        })
        .collect()
}

/// A small tmpfs mounted for a test (a full disk, a read-only mount),
/// unmounted when dropped. `None` where one cannot be mounted (not root):
/// the caller says it skipped.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// A tmpfs of `size` (`300k`, `1m`).
    pub fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let fs = Tmpfs { dir };
        fs.options(&format!("size={size}")).then_some(fs)
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `mount -o OPTIONS` on it (`remount,ro`); true when it worked.
    pub fn options(&self, options: &str) -> bool {
        std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(self.path())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.path())
            .status();
    }
}

pub fn runtime<'a>(
    doc: &'a serde_json::Value,
    config_name: &str,
    workload: &str,
) -> &'a serde_json::Value {
    config(doc, config_name)["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == workload)
        .unwrap_or_else(|| panic!("no runtime of {workload} for {config_name}"))
}

/// Runs `cargo lto ARGS` in `dir` with `env` added, expects it refused
/// (exit 2), and returns its stderr.
pub fn refused(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> String {
    let mut cmd = cargo_lto();
    cmd.args(args).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

/// Runs `cargo lto ARGS` in `dir`, expects it to succeed, and returns its
/// stdout (and stderr in the message when it does not).
pub fn succeeded(dir: &Path, args: &[&str]) -> String {
    let out = cargo_lto().args(args).current_dir(dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The host's target triple.
pub fn host() -> String {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap()
}

/// A test that cannot run here for want of `what` (a tool, a tmpfs): it
/// says so and the caller returns; but where `CI` is set it fails, since
/// `.ci/run` installs everything the tests use and a skip there would pass
/// a broken install green.
pub fn skip(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, and this test cannot run: {what} (.ci/run installs what the tests use)"
    );
    eprintln!("SKIPPED: {what}");
}
