//! Cargo's flags checked before anything is built: a wrong `--target`,
//! `--features` or `-j` would otherwise fail every configuration at build
//! time, once per configuration, after minutes of building the others.

use std::path::Path;
use std::process::Command;

use crate::error::exit;
use crate::process::findable;
use crate::profile::Key;
use crate::profile::resolve::{Resolved, value_of};
use crate::profile::rustflags::RUST_LLD_DEFAULT;
use crate::profile::values::{Icf, Linker, LinkerName, Value};
use crate::workspace::{CargoFlags, Project};

/// What is wrong with cargo's flags or a configuration's rustflags keys,
/// found before anything is built. Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `-j` that cargo would refuse.
    #[error(
        "-j {0}: jobs must be a whole number other than 0 (negative: that many fewer than the CPUs), or `default`"
    )]
    Jobs(String),
    /// `--features` names a feature no selected package has.
    #[error("--features {feature}: {owner} no such feature ({})", if .known.is_empty() { "none is declared".to_string() } else { format!("declared: {}", .known.join(", ")) })]
    NoSuchFeature {
        /// the feature named
        feature: String,
        /// `package `a` has`, or `none of the packages `a`, `b` has`
        owner: String,
        known: Vec<String>,
    },
    /// `--target FILE.json` that does not exist.
    #[error("--target {0}: no such target specification file")]
    NoTargetFile(String),
    /// `--target` rustc does not know.
    #[error("--target {0}: rustc knows no such target (`rustc --print target-list` lists them)")]
    UnknownTarget(String),
    /// `--target` without its standard library.
    #[error("--target {0}: its standard library is not installed (`rustup target add {0}`)")]
    NoStd(String),
    /// A configuration's linker is not installed.
    #[error("configuration `{config}`: linker `{linker}` is not installed (no {} found)", .programs.join(" or "))]
    NoLinker {
        config: String,
        /// the linker it names
        linker: String,
        /// the programs looked for
        programs: Vec<String>,
    },
    /// Identical-code folding asked of GNU ld.
    #[error(
        "configuration `{0}`: icf needs a linker that folds identical code (lld, the default; mold; gold): GNU ld (bfd) has no --icf"
    )]
    IcfWithBfd(String),
    /// A CPU rustc does not know.
    #[error(
        "configuration `{config}`: target-cpu `{cpu}`: rustc knows no such CPU for {triple} (`rustc --print target-cpus` lists them)"
    )]
    UnknownCpu {
        config: String,
        /// the CPU named
        cpu: String,
        triple: String,
    },
}

crate::exit_code!(Error => exit::USAGE);

/// Checks the flags against the project and the toolchain (`rustc`).
pub fn check(flags: &CargoFlags, project: &Project, rustc: &Path) -> Result<(), Error> {
    check_jobs(flags.jobs.as_deref())?;
    check_features(&flags.features, project)?;
    if let Some(target) = &flags.target {
        check_target(target, rustc)?;
    }
    Ok(())
}

/// The rustflags keys of configuration `name`, resolved as `effective`:
/// the linker it sets is installed, identical-code folding is not asked of
/// a linker without it, a CPU it names is one rustc knows for `triple`.
pub fn check_rustflag_keys(
    name: &str,
    effective: &Resolved,
    triple: &str,
    rustc: &Path,
) -> Result<(), Error> {
    // a value this configuration sets (not the user's own)
    let set = |key: Key| {
        effective
            .get(&key)
            .filter(|v| v.source == "cargo-lto")
            .map(|v| &v.value)
    };
    if let Some(Value::Linker(linker)) = set(Key::Linker) {
        let bundled = *linker == Linker::Named(LinkerName::Lld) && triple == RUST_LLD_DEFAULT;
        let programs: &[&str] = match linker {
            Linker::Named(LinkerName::Lld) => &["ld.lld"],
            Linker::Named(LinkerName::Mold) => &["mold", "ld.mold"],
            Linker::Named(LinkerName::Bfd) => &["ld.bfd"],
            Linker::Named(LinkerName::Gold) => &["ld.gold"],
            Linker::Path(path) => &[path.as_str()][..],
            Linker::SystemDefault => &[],
        };
        if !bundled && !programs.is_empty() && !programs.iter().any(|p| findable(p, None)) {
            return Err(Error::NoLinker {
                config: name.to_string(),
                linker: linker.to_string(),
                programs: programs.iter().map(|p| p.to_string()).collect(),
            });
        }
    }
    let folds = matches!(
        value_of(effective, Key::Icf),
        Some(Value::Icf(Icf::All | Icf::Safe))
    );
    if folds
        && value_of(effective, Key::Linker) == Some(&Value::Linker(Linker::Named(LinkerName::Bfd)))
    {
        return Err(Error::IcfWithBfd(name.to_string()));
    }
    if let Some(Value::TargetCpu(cpu)) = set(Key::TargetCpu)
        && cpu != "native"
    {
        let mut cmd = Command::new(rustc);
        cmd.args(["--print", "target-cpus"]);
        if !triple.is_empty() {
            cmd.args(["--target", triple]);
        }
        // Without an answer from rustc, leave the judgement to it.
        if let Some(out) = cmd.output().ok().filter(|o| o.status.success()) {
            let list = String::from_utf8_lossy(&out.stdout).into_owned();
            let known = list
                .lines()
                .filter(|l| l.starts_with(char::is_whitespace))
                .any(|l| l.split_whitespace().next() == Some(cpu.as_str()));
            if !known {
                return Err(Error::UnknownCpu {
                    config: name.to_string(),
                    cpu: cpu.clone(),
                    triple: triple.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// `-j N`: a whole number other than 0 (negative counts down from the
/// number of CPUs, as cargo reads it), or `default`.
pub fn check_jobs(jobs: Option<&str>) -> Result<(), Error> {
    let Some(jobs) = jobs else { return Ok(()) };
    match jobs.parse::<i32>() {
        Ok(n) if n != 0 => Ok(()),
        _ if jobs == "default" => Ok(()),
        _ => Err(Error::Jobs(jobs.to_string())),
    }
}

/// Every feature named with `--features` exists on the package: its own
/// (and the implicit ones of optional dependencies), or `dep/feature` of a
/// dependency it has.
pub fn check_features(features: &[String], project: &Project) -> Result<(), Error> {
    let names = features
        .iter()
        .flat_map(|f| f.split([',', ' ']))
        .filter(|f| !f.is_empty());
    for feature in names {
        let known = match feature.split_once('/') {
            Some((dep, _)) => {
                let dep = dep.trim_end_matches('?');
                project.dependencies.iter().any(|d| d == dep)
                    || (project.packages.iter().any(|p| p == dep) && !project.features.is_empty())
            }
            None => project.features.iter().any(|f| f == feature),
        };
        if !known {
            return Err(Error::NoSuchFeature {
                feature: feature.to_string(),
                owner: match project.packages.as_slice() {
                    [one] => format!("package `{one}` has"),
                    many => format!(
                        "none of the packages {} has",
                        many.iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
                known: project.features.clone(),
            });
        }
    }
    Ok(())
}

/// `--target`: a triple rustc knows, whose standard library is installed
/// (or the path of a target specification file).
pub fn check_target(target: &str, rustc: &Path) -> Result<(), Error> {
    if target.ends_with(".json") {
        return if Path::new(target).is_file() {
            Ok(())
        } else {
            Err(Error::NoTargetFile(target.to_string()))
        };
    }
    let print = |what: &str| {
        Command::new(rustc)
            .args(["--print", what])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    // Without answers from rustc, leave the judgement to cargo.
    let Some(list) = print("target-list") else {
        return Ok(());
    };
    if !list.lines().any(|t| t.trim() == target) {
        return Err(Error::UnknownTarget(target.to_string()));
    }
    let Some(sysroot) = print("sysroot") else {
        return Ok(());
    };
    let lib = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(target)
        .join("lib");
    let has_std = std::fs::read_dir(&lib).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
    });
    if !has_std {
        return Err(Error::NoStd(target.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(features: &[&str], deps: &[&str]) -> Project {
        Project {
            workspace_root: "/w".into(),
            root_manifest: "/w/Cargo.toml".into(),
            target_dir: "/w/target".into(),
            packages: vec!["app".into()],
            bins: vec![],
            benches: vec![],
            bench_targets: vec![],
            chosen: crate::workspace::Chosen::Default,
            default_bin: None,
            metadata: vec![],
            member_crates: vec![],
            features: features.iter().map(|s| s.to_string()).collect(),
            dependencies: deps.iter().map(|s| s.to_string()).collect(),
            unit_estimate: 0,
            dependency_crates: vec![],
            target: Default::default(),
        }
    }

    #[test]
    fn jobs() {
        for ok in [None, Some("2"), Some("-1"), Some("default")] {
            assert!(check_jobs(ok).is_ok(), "{ok:?}");
        }
        for bad in ["0", "two", ""] {
            assert!(
                check_jobs(Some(bad))
                    .unwrap_err()
                    .to_string()
                    .contains("-j"),
                "{bad}"
            );
        }
    }

    #[test]
    fn features() {
        let p = project(&["fast", "serde"], &["serde", "memchr"]);
        let f = |list: &[&str]| {
            check_features(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &p)
        };
        assert!(f(&["fast", "serde"]).is_ok());
        assert!(f(&["fast,serde"]).is_ok() && f(&["fast serde"]).is_ok());
        assert!(f(&["memchr/std", "serde?/derive"]).is_ok());
        let err = f(&["nope"]).unwrap_err().to_string();
        assert!(
            err.contains("no such feature") && err.contains("fast, serde"),
            "{err}"
        );
        assert!(f(&["regex/std"]).is_err(), "not a dependency");
        let none = project(&[], &[]);
        let err = check_features(&["x".into()], &none)
            .unwrap_err()
            .to_string();
        assert!(err.contains("none is declared"), "{err}");
    }

    #[test]
    fn rustflag_keys() {
        use crate::profile::resolve::ResolvedValue;
        let rustc = Path::new("rustc");
        let host = "x86_64-unknown-linux-gnu";
        let resolved = |pairs: &[(&str, &str, &str)]| -> Resolved {
            pairs
                .iter()
                .map(|(k, v, s)| {
                    let key = Key::by_name(k).unwrap();
                    let value = crate::profile::settings::parse_value(
                        key,
                        &toml::Value::String(v.to_string()),
                        "t",
                    )
                    .unwrap();
                    let source = s.to_string();
                    (key, ResolvedValue { value, source })
                })
                .collect()
        };
        let ok = resolved(&[
            ("linker", "lld", "cargo-lto"),
            ("icf", "all", "cargo-lto"),
            ("target-cpu", "x86-64-v2", "cargo-lto"),
        ]);
        assert!(check_rustflag_keys("a", &ok, host, rustc).is_ok());
        let native = resolved(&[("target-cpu", "native", "cargo-lto")]);
        assert!(check_rustflag_keys("a", &native, host, rustc).is_ok());
        let err = |r: &Resolved| {
            check_rustflag_keys("x", r, host, rustc)
                .unwrap_err()
                .to_string()
        };
        let missing = resolved(&[("linker", "/nonexistent/ld", "cargo-lto")]);
        assert!(
            err(&missing).contains("configuration `x`: linker `/nonexistent/ld` is not installed")
        );
        let bfd = resolved(&[
            ("linker", "bfd", "env RUSTFLAGS"),
            ("icf", "all", "cargo-lto"),
        ]);
        assert!(err(&bfd).contains("bfd"), "{}", err(&bfd));
        let cpu = resolved(&[("target-cpu", "pentium9000", "cargo-lto")]);
        assert!(err(&cpu).contains("no such CPU"), "{}", err(&cpu));
        // the user's own values are theirs to keep: not checked here
        let users = resolved(&[("linker", "/their/ld", "env RUSTFLAGS")]);
        assert!(check_rustflag_keys("baseline", &users, host, rustc).is_ok());
    }

    #[test]
    fn targets() {
        let rustc = Path::new("rustc");
        let err = check_target("nope", rustc).unwrap_err().to_string();
        assert!(err.contains("no such target"), "{err}");
        let host = Command::new("rustc").arg("-vV").output().unwrap();
        let host = String::from_utf8_lossy(&host.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
            .unwrap();
        assert!(check_target(&host, rustc).is_ok());
        // a real target whose std this toolchain does not have
        let err = check_target("wasm32-unknown-unknown", rustc).map_err(|e| e.to_string());
        if let Err(e) = err {
            assert!(
                e.contains("rustup target add wasm32-unknown-unknown"),
                "{e}"
            );
        }
        assert!(check_target("/nonexistent/spec.json", rustc).is_err());
    }
}
