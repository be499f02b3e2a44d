//! The LLVM tools a PGO or BOLT pipeline runs: `llvm-profdata` (merges the
//! raw profiles an instrumented binary writes), `llvm-bolt`, `merge-fdata`,
//! `llvm-strip` and `llvm-objcopy`. Each must be of the LLVM major version rustc itself
//! uses: an older `llvm-profdata` cannot read rustc's profiles
//! ("unsupported instrumentation profile format version", LLVM 14's against
//! rustc 1.95's LLVM 22). They are found, checked and named before anything
//! is built.
//!
//! Where each is looked for, in order: the tool's environment variable
//! (which must then be right), rustup's `llvm-tools` in the sysroot,
//! `NAME-N` on PATH, `/usr/lib/llvm-N/bin/NAME`, then a plain `NAME` on
//! PATH whose version matches.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An LLVM tool a pipeline needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Merges `.profraw` files into the `.profdata` that `-Cprofile-use` reads.
    Profdata,
    /// Instruments and optimizes a linked binary.
    Bolt,
    /// Merges BOLT's `.fdata` profiles.
    MergeFdata,
    /// Strips a BOLT-optimized binary as the profile says.
    Strip,
    /// Renames over-long symbols in BOLT's copy, and back after.
    Objcopy,
}

impl Tool {
    /// The program's name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Profdata => "llvm-profdata",
            Tool::Bolt => "llvm-bolt",
            Tool::MergeFdata => "merge-fdata",
            Tool::Strip => "llvm-strip",
            Tool::Objcopy => "llvm-objcopy",
        }
    }

    /// The environment variable that names it, overriding the search.
    pub fn env(self) -> &'static str {
        match self {
            Tool::Profdata => "CARGO_LTO_LLVM_PROFDATA",
            Tool::Bolt => "CARGO_LTO_LLVM_BOLT",
            Tool::MergeFdata => "CARGO_LTO_MERGE_FDATA",
            Tool::Strip => "CARGO_LTO_LLVM_STRIP",
            Tool::Objcopy => "CARGO_LTO_LLVM_OBJCOPY",
        }
    }

    /// How to install it for LLVM `major`.
    fn install(self, major: u32) -> String {
        match self {
            Tool::Bolt | Tool::MergeFdata => format!(
                "install the distribution's BOLT of LLVM {major} (Debian and Ubuntu: `apt-get install --no-install-recommends bolt-{major}`)"
            ),
            Tool::Profdata | Tool::Strip | Tool::Objcopy => format!(
                "install it with `rustup component add llvm-tools`, or the distribution's LLVM {major} (Debian and Ubuntu: `apt-get install --no-install-recommends llvm-{major}`)"
            ),
        }
    }

    /// The arguments that make it print its version (older llvm-profdata
    /// knows `--version` only after a subcommand).
    fn version_args(self) -> &'static [&'static [&'static str]] {
        match self {
            Tool::Profdata => &[&["--version"], &["merge", "--version"]],
            _ => &[&["--version"]],
        }
    }
}

/// A tool found with the right version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Its LLVM version, as it printed it (`22.1.8`).
    pub version: String,
}

/// A tool not found with the right version.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// rustc did not say which LLVM it uses.
    #[error(
        "{needed_by} needs LLVM tools of rustc's LLVM version, and `rustc -vV` did not name one"
    )]
    RustcLlvmUnknown {
        /// What needs the tool (`pgo = "on"`).
        needed_by: String,
    },
    /// The tool was not found, or only in other versions.
    #[error("{0}")]
    Missing(Box<Missing>),
}

/// A tool not found of the version needed: what was looked for and found.
#[derive(Debug, PartialEq, Eq)]
pub struct Missing {
    pub tool: &'static str,
    /// What needs it.
    pub needed_by: String,
    /// The LLVM major version needed.
    pub major: u32,
    /// rustc's LLVM version in full.
    pub rustc_llvm: String,
    /// What was found instead: each path and its version (None: it printed
    /// none).
    pub found: Vec<(PathBuf, Option<String>)>,
    /// The environment variable that names the tool.
    pub env: &'static str,
    /// True when it was set (and so the only place looked at).
    pub env_given: bool,
    /// How to install it.
    pub install: String,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&missing_message(
            self.tool,
            &self.needed_by,
            &self.major,
            &self.rustc_llvm,
            &self.found,
            (self.env, self.env_given),
            &self.install,
        ))
    }
}

fn missing_message(
    tool: &str,
    needed_by: &str,
    major: &u32,
    rustc_llvm: &str,
    found: &[(PathBuf, Option<String>)],
    (var, given): (&str, bool),
    install: &str,
) -> String {
    let mut s = format!(
        "{needed_by} needs {tool} of LLVM {major} (rustc uses LLVM {rustc_llvm}; another major version cannot read or write its profiles)"
    );
    if found.is_empty() {
        s.push_str(&format!("; no {tool} was found"));
    } else {
        let list: Vec<String> = found
            .iter()
            .map(|(p, v)| match v {
                Some(v) => format!("{} (LLVM {v})", p.display()),
                None => format!("{} (no LLVM version printed)", p.display()),
            })
            .collect();
        s.push_str(&format!("; found {}", list.join(", ")));
    }
    if given {
        s.push_str(&format!(
            ", named by {var}: point {var} at {tool} of LLVM {major}, or unset it"
        ));
    } else {
        s.push_str(&format!(": {install}; or name one with {var}"));
    }
    s
}

crate::exit_code!(Error => crate::error::exit::USAGE);

/// The LLVM version in `rustc -vV`'s output (`LLVM version: 22.1.2`).
pub fn rustc_llvm(rustc_vv: &str) -> Option<String> {
    rustc_vv
        .lines()
        .find_map(|l| l.strip_prefix("LLVM version:"))
        .map(|v| v.trim().to_string())
}

/// The LLVM version a tool printed (`Debian LLVM version 22.1.8`, `LLVM
/// version 14.0.6`).
pub fn printed_version(text: &str) -> Option<String> {
    let at = text.find("LLVM version")? + "LLVM version".len();
    let v: String = text[at..]
        .trim_start_matches([' ', ':'])
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    (!v.is_empty()).then_some(v)
}

fn major(version: &str) -> Option<u32> {
    version.split('.').next()?.parse().ok()
}

/// The LLVM version `path` prints, if it runs and says.
fn version_of(tool: Tool, path: &Path) -> Option<String> {
    tool.version_args().iter().find_map(|args| {
        let out = Command::new(path).args(*args).output().ok()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        printed_version(&text)
    })
}

/// `name` in the directories of `path_var` (PATH's format).
fn on_path(name: &str, path_var: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path_var?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Where to look: what the search sees of the machine.
#[derive(Debug, Clone)]
pub struct Search {
    /// rustc's LLVM version (`rustc -vV`).
    pub rustc_llvm: String,
    /// rustc's sysroot (`rustc --print sysroot`).
    pub sysroot: Option<PathBuf>,
    /// The host triple.
    pub host: String,
    /// PATH.
    pub path: Option<std::ffi::OsString>,
    /// The directory holding `/usr/lib/llvm-N` (`/usr/lib`).
    pub usr_lib: PathBuf,
}

impl Search {
    /// The machine's, as `rustc` (or `$RUSTC`) reports it.
    pub fn probe(needed_by: &str) -> Result<Search, Error> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let run = |args: &[&str]| {
            Command::new(&rustc)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        };
        let vv = run(&["-vV"]).unwrap_or_default();
        let unknown = || Error::RustcLlvmUnknown {
            needed_by: needed_by.to_string(),
        };
        let rustc_llvm = rustc_llvm(&vv).ok_or_else(unknown)?;
        let host = vv
            .lines()
            .find_map(|l| l.strip_prefix("host:"))
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        Ok(Search {
            rustc_llvm,
            sysroot: run(&["--print", "sysroot"]).map(|s| PathBuf::from(s.trim())),
            host,
            path: std::env::var_os("PATH"),
            usr_lib: PathBuf::from("/usr/lib"),
        })
    }

    /// Finds `tool` of rustc's LLVM major version; `env` reads the
    /// environment (the tool's variable). `needed_by` says what needs it,
    /// for the error.
    pub fn find(
        &self,
        tool: Tool,
        needed_by: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Found, Error> {
        let name = tool.name();
        let want = major(&self.rustc_llvm).ok_or_else(|| Error::RustcLlvmUnknown {
            needed_by: needed_by.to_string(),
        })?;
        let given = env(tool.env()).filter(|v| !v.is_empty());
        let candidates: Vec<PathBuf> = match &given {
            // named by the user: that one, right or wrong
            Some(p) => vec![PathBuf::from(p)],
            None => [
                self.sysroot.as_ref().map(|s| {
                    s.join("lib/rustlib")
                        .join(&self.host)
                        .join("bin")
                        .join(name)
                }),
                on_path(&format!("{name}-{want}"), self.path.as_deref()),
                Some(self.usr_lib.join(format!("llvm-{want}/bin/{name}"))),
                on_path(name, self.path.as_deref()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        };
        let mut found = Vec::new();
        for path in candidates {
            if !path.is_file() || found.iter().any(|(p, _)| *p == path) {
                continue;
            }
            let version = version_of(tool, &path);
            if version.as_deref().and_then(major) == Some(want) {
                return Ok(Found {
                    path,
                    version: version.unwrap_or_default(),
                });
            }
            found.push((path, version));
        }
        Err(Error::Missing(Box::new(Missing {
            tool: name,
            needed_by: needed_by.to_string(),
            major: want,
            rustc_llvm: self.rustc_llvm.clone(),
            found,
            env: tool.env(),
            env_given: given.is_some(),
            install: tool.install(want),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A fake tool printing `LLVM version <v>` as llvm-profdata of that
    /// version does (LLVM 14's only after `merge`).
    fn fake(dir: &Path, name: &str, version: &str) -> PathBuf {
        let path = dir.join(name);
        let script = if version.starts_with("14.") {
            format!(
                "#!/bin/sh\n[ \"$1\" = merge ] && echo 'Debian LLVM version {version}' && exit 0\necho 'llvm-profdata: Unknown command!' >&2; exit 1\n"
            )
        } else {
            format!("#!/bin/sh\necho 'Debian LLVM version {version}'\n")
        };
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn search(dir: &Path) -> Search {
        Search {
            rustc_llvm: "22.1.2".into(),
            sysroot: Some(dir.join("sysroot")),
            host: "x86_64-unknown-linux-gnu".into(),
            path: Some(dir.join("bin").into_os_string()),
            usr_lib: dir.join("usr/lib"),
        }
    }

    #[test]
    fn versions_are_read_from_rustc_and_the_tools() {
        let vv = "rustc 1.95.0\nhost: x86_64-unknown-linux-gnu\nLLVM version: 22.1.2\n";
        assert_eq!(rustc_llvm(vv).as_deref(), Some("22.1.2"));
        assert_eq!(
            printed_version("Debian LLVM version 22.1.8\n  Optimized build.").as_deref(),
            Some("22.1.8")
        );
        assert_eq!(
            printed_version("LLVM (http://llvm.org/):\n  LLVM version 14.0.6").as_deref(),
            Some("14.0.6")
        );
        assert_eq!(printed_version("BOLT revision <unknown>"), None);
    }

    #[test]
    fn a_plain_tool_of_another_version_is_named_and_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        let old = fake(&dir.path().join("bin"), "llvm-profdata", "14.0.6");
        let e = search(dir.path())
            .find(Tool::Profdata, "pgo = \"on\"", &|_| None)
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("pgo = \"on\" needs llvm-profdata of LLVM 22 (rustc uses LLVM 22.1.2"),
            "{text}"
        );
        assert!(
            text.contains(&format!("found {} (LLVM 14.0.6)", old.display())),
            "{text}"
        );
        assert!(
            text.contains("apt-get install --no-install-recommends llvm-22"),
            "{text}"
        );
    }

    #[test]
    fn the_search_order_finds_the_matching_version() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let usr = dir.path().join("usr/lib/llvm-22/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&usr).unwrap();
        fake(&bin, "llvm-profdata", "14.0.6");
        let distro = fake(&usr, "llvm-profdata", "22.1.8");
        let s = search(dir.path());
        let found = s.find(Tool::Profdata, "pgo", &|_| None).unwrap();
        assert_eq!(found.path, distro);
        assert_eq!(found.version, "22.1.8");
        // NAME-N on PATH comes before /usr/lib/llvm-N
        let versioned = fake(&bin, "llvm-profdata-22", "22.1.8");
        assert_eq!(
            s.find(Tool::Profdata, "pgo", &|_| None).unwrap().path,
            versioned
        );
        // rustup's llvm-tools come first
        let sysroot = dir
            .path()
            .join("sysroot/lib/rustlib/x86_64-unknown-linux-gnu/bin");
        std::fs::create_dir_all(&sysroot).unwrap();
        let rustup = fake(&sysroot, "llvm-profdata", "22.1.2");
        assert_eq!(
            s.find(Tool::Profdata, "pgo", &|_| None).unwrap().path,
            rustup
        );
    }

    #[test]
    fn the_environment_variable_is_the_only_place_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        let usr = dir.path().join("usr/lib/llvm-22/bin");
        std::fs::create_dir_all(&usr).unwrap();
        fake(&usr, "llvm-bolt", "22.1.8");
        let other = fake(dir.path(), "my-bolt", "21.1.0");
        let s = search(dir.path());
        let path = other.display().to_string();
        let env = |k: &str| (k == "CARGO_LTO_LLVM_BOLT").then(|| path.clone());
        let e = s.find(Tool::Bolt, "bolt = \"on\"", &env).unwrap_err();
        assert!(
            e.to_string().contains(
                "(LLVM 21.1.0), named by CARGO_LTO_LLVM_BOLT: point CARGO_LTO_LLVM_BOLT at llvm-bolt of LLVM 22"
            ),
            "{e}"
        );
        // unset: the distribution's
        assert!(s.find(Tool::Bolt, "bolt", &|_| None).is_ok());
        // nothing anywhere: said so, with how to install it
        let e = s.find(Tool::MergeFdata, "bolt", &|_| None).unwrap_err();
        assert!(e.to_string().contains("no merge-fdata was found"), "{e}");
        assert!(e.to_string().contains("bolt-22"), "{e}");
    }
}
