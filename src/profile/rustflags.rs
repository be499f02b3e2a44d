//! The configuration keys that live in rustflags, not in a profile —
//! `target-cpu`, `linker`, `icf` — and how they join the user's own flags.
//!
//! Cargo takes a build's rustflags from one source, the first it finds:
//! `CARGO_ENCODED_RUSTFLAGS`, then `RUSTFLAGS`, then every matching
//! `target.<triple>.rustflags` and `target.<cfg>.rustflags` joined, and only
//! if there are none `build.rustflags` (docs/facts.md, "which rustflags cargo reads"). A flag added to
//! any other source would be silently ignored — or would silently replace
//! the user's: `--config build.rustflags="…"` replaces a string-valued
//! `rustflags` in their config file, and an array cannot be merged with
//! one at all. So a configuration's flags go through the environment, into
//! the very source cargo will use, after the user's: `CARGO_ENCODED_RUSTFLAGS`
//! or `RUSTFLAGS` extended, or `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` /
//! `CARGO_BUILD_RUSTFLAGS`, which cargo merges with the config files' values
//! whatever their form. Later flags win in rustc, so a configuration's
//! `target-cpu` overrides the user's, and every other flag of theirs stays.

use std::collections::BTreeMap;

use super::keys::Key;
use super::resolve::{Resolved, ResolvedValue, value_of};
use super::settings::Settings;
use super::values::{Icf, Linker, LinkerName, Value};

/// The target whose default linker is rust-lld (Rust ≥ 1.90); elsewhere the
/// C compiler driver picks the system's default linker.
pub const RUST_LLD_DEFAULT: &str = "x86_64-unknown-linux-gnu";

/// Where cargo takes a build's rustflags from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `CARGO_ENCODED_RUSTFLAGS` (flags separated by 0x1f).
    Encoded,
    /// `RUSTFLAGS`.
    Env,
    /// `target.<triple>.rustflags` / `target.<cfg>.rustflags` (config files,
    /// or `CARGO_TARGET_<TRIPLE>_RUSTFLAGS`).
    Target,
    /// `build.rustflags`, or no rustflags at all.
    Build,
}

/// The user's rustflags for the target, as cargo will read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFlags {
    /// The source cargo uses.
    pub source: Source,
    /// The target triple.
    pub triple: String,
    /// The flags, word by word.
    pub flags: Vec<String>,
    /// Where they come from, for messages and resolved sources.
    pub origin: String,
    /// `target.<triple>.linker` (config or `CARGO_TARGET_<TRIPLE>_LINKER`) and where.
    pub linker: Option<(String, String)>,
}

/// `CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_<SUFFIX>`.
pub fn target_var(triple: &str, suffix: &str) -> String {
    let t: String = triple
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("CARGO_TARGET_{t}_{suffix}")
}

/// A config value that is a list of flags: an array, or a string of words.
pub fn words(value: &toml::Value) -> Vec<String> {
    match value {
        toml::Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        toml::Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Finds the user's rustflags for `triple`: `env` reads the environment,
/// `configs` are the config files (origin, table) lowest precedence first,
/// `cfg_matches` says whether a `cfg(…)` key applies to the target.
pub fn detect(
    env: &dyn Fn(&str) -> Option<String>,
    configs: &[(String, toml::Table)],
    triple: &str,
    cfg_matches: &dyn Fn(&str) -> bool,
) -> UserFlags {
    let mut linker = configs.iter().rev().find_map(|(origin, t)| {
        let l = t.get("target")?.get(triple)?.get("linker")?.as_str()?;
        Some((l.to_string(), origin.clone()))
    });
    if let Some(l) = env(&target_var(triple, "LINKER")) {
        linker = Some((l, format!("env {}", target_var(triple, "LINKER"))));
    }
    let user = |source, flags, origin: String| UserFlags {
        source,
        triple: triple.to_string(),
        flags,
        origin,
        linker: linker.clone(),
    };
    if let Some(v) = env("CARGO_ENCODED_RUSTFLAGS") {
        let flags = v
            .split('\u{1f}')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        return user(Source::Encoded, flags, "env CARGO_ENCODED_RUSTFLAGS".into());
    }
    if let Some(v) = env("RUSTFLAGS") {
        let flags = v.split_whitespace().map(str::to_string).collect();
        return user(Source::Env, flags, "env RUSTFLAGS".into());
    }
    let mut target_flags = Vec::new();
    let mut origins = Vec::new();
    for (origin, table) in configs {
        let Some(targets) = table.get("target").and_then(|t| t.as_table()) else {
            continue;
        };
        for (key, t) in targets {
            let applies = key == triple || (key.starts_with("cfg(") && cfg_matches(key));
            if let Some(flags) = t.get("rustflags").filter(|_| applies) {
                target_flags.extend(words(flags));
                origins.push(format!("target.{key}.rustflags in {origin}"));
            }
        }
    }
    if let Some(v) = env(&target_var(triple, "RUSTFLAGS")) {
        target_flags.extend(v.split_whitespace().map(str::to_string));
        origins.push(format!("env {}", target_var(triple, "RUSTFLAGS")));
    }
    if !origins.is_empty() {
        return user(Source::Target, target_flags, origins.join(", "));
    }
    let mut build_flags = Vec::new();
    let mut origins = Vec::new();
    for (origin, table) in configs {
        if let Some(flags) = table.get("build").and_then(|b| b.get("rustflags")) {
            build_flags.extend(words(flags));
            origins.push(format!("build.rustflags in {origin}"));
        }
    }
    if let Some(v) = env("CARGO_BUILD_RUSTFLAGS") {
        build_flags.extend(v.split_whitespace().map(str::to_string));
        origins.push("env CARGO_BUILD_RUSTFLAGS".into());
    }
    user(Source::Build, build_flags, origins.join(", "))
}

/// The codegen options (`-C key=value`, `-Ckey=value`, `--codegen …`) in
/// `flags`, in order.
fn codegen_options(flags: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut iter = flags.iter();
    while let Some(f) = iter.next() {
        let option = match f.as_str() {
            "-C" | "--codegen" => iter.next().map(String::as_str),
            f => f
                .strip_prefix("-C")
                .or_else(|| f.strip_prefix("--codegen=")),
        };
        if let Some((k, v)) = option.and_then(|o| o.split_once('=')) {
            out.push((k.to_string(), v.to_string()));
        }
    }
    out
}

/// The values the user's own flags give the rustflags keys, each with where
/// it came from; what they do not set has its default.
pub fn resolve(user: &UserFlags) -> Resolved {
    let options = codegen_options(&user.flags);
    let last = |key: &str| {
        options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    // link arguments, each word of `link-args` apart
    let link_args: Vec<String> = options
        .iter()
        .filter(|(k, _)| k == "link-arg" || k == "link-args")
        .flat_map(|(_, v)| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let from_args = |prefix: &str| {
        link_args.iter().rev().find_map(|a| {
            a.split(',')
                .find_map(|part| part.strip_prefix(prefix).map(str::to_string))
        })
    };
    let flagged = |value: Value| ResolvedValue {
        value,
        source: user.origin.clone(),
    };
    let default = |value: Value, why: &str| ResolvedValue {
        value,
        source: why.into(),
    };
    // a linker by a name `-fuse-ld` knows, or a program
    let program = |name: String| {
        Value::Linker(LinkerName::from_word(&name).map_or(Linker::Path(name), Linker::Named))
    };
    let mut out = BTreeMap::new();
    out.insert(
        Key::TargetCpu,
        last("target-cpu").map_or_else(
            || default(Value::TargetCpu("default".into()), "default"),
            |cpu| flagged(Value::TargetCpu(cpu)),
        ),
    );
    let opted_out = last("linker-features").is_some_and(|f| f.contains("-lld"));
    let linker = match (last("linker"), from_args("-fuse-ld="), &user.linker) {
        (Some(path), _, _) => flagged(Value::Linker(Linker::Path(path))),
        (None, Some(name), _) => flagged(program(name)),
        (None, None, Some((path, origin))) => ResolvedValue {
            value: Value::Linker(Linker::Path(path.clone())),
            source: origin.clone(),
        },
        _ if user.triple == RUST_LLD_DEFAULT && !opted_out => default(
            Value::Linker(Linker::Named(LinkerName::Lld)),
            "default (rust-lld, Rust ≥ 1.90)",
        ),
        _ if opted_out => flagged(Value::Linker(Linker::SystemDefault)),
        _ => default(
            Value::Linker(Linker::SystemDefault),
            "default (the C compiler driver's linker)",
        ),
    };
    out.insert(Key::Linker, linker);
    out.insert(
        Key::Icf,
        from_args("--icf=")
            .and_then(|v| Icf::from_word(&v))
            .map_or_else(
                || default(Value::Icf(Icf::None), "default"),
                |icf| flagged(Value::Icf(icf)),
            ),
    );
    out
}

/// The flags `settings`' rustflags keys add to a build whose resolved base
/// profile is `base`, for `triple`.
pub fn extra_flags(settings: &Settings, base: &Resolved, triple: &str) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(cpu) = settings.target_cpu() {
        flags.push(format!("-Ctarget-cpu={cpu}"));
    }
    let lld = Linker::Named(LinkerName::Lld);
    match settings.linker() {
        None | Some(Linker::SystemDefault) => {}
        // rust-lld is already the linker: nothing to add
        Some(l)
            if *l == lld
                && triple == RUST_LLD_DEFAULT
                && value_of(base, Key::Linker) == Some(&Value::Linker(lld.clone())) => {}
        Some(Linker::Named(name)) => {
            if triple == RUST_LLD_DEFAULT && *name != LinkerName::Lld {
                flags.push("-Clinker-features=-lld".into());
            }
            flags.push(format!("-Clink-arg=-fuse-ld={name}"));
        }
        Some(Linker::Path(path)) => flags.push(format!("-Clinker={path}")),
    }
    match settings.icf() {
        Some(mode @ (Icf::All | Icf::Safe)) => flags.push(format!("-Clink-arg=-Wl,--icf={mode}")),
        Some(Icf::None)
            if value_of(base, Key::Icf).is_some_and(|v| *v != Value::Icf(Icf::None)) =>
        {
            flags.push("-Clink-arg=-Wl,--icf=none".into())
        }
        _ => {}
    }
    flags
}

/// The environment that hands `extra` to cargo along with the user's flags,
/// through the source cargo will read; `env` reads the current environment.
/// Empty when there is nothing to add.
pub fn env_for(
    user: &UserFlags,
    extra: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    if extra.is_empty() {
        return Vec::new();
    }
    let appended = |var: &str, sep: &str| {
        let mut all: Vec<String> = env(var).into_iter().filter(|v| !v.is_empty()).collect();
        all.extend(extra.iter().cloned());
        (var.to_string(), all.join(sep))
    };
    vec![match user.source {
        Source::Encoded => appended("CARGO_ENCODED_RUSTFLAGS", "\u{1f}"),
        Source::Env => appended("RUSTFLAGS", " "),
        Source::Target => appended(&target_var(&user.triple, "RUSTFLAGS"), " "),
        Source::Build => appended("CARGO_BUILD_RUSTFLAGS", " "),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "x86_64-unknown-linux-gnu";

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn linux(key: &str) -> bool {
        key.contains("target_os = \"linux\"")
    }

    #[test]
    fn the_source_cargo_uses_is_found() {
        let build = [(
            "a".to_string(),
            table("[build]\nrustflags = \"--cfg user\""),
        )];
        let target = [(
            "b".to_string(),
            table(
                "[build]\nrustflags = [\"--cfg\", \"ignored\"]\n[target.'cfg(target_os = \"linux\")']\nrustflags = [\"--cfg\", \"user\"]",
            ),
        )];
        let none: &[(&str, &str)] = &[];
        let u = detect(&env_of(none), &build, HOST, &linux);
        assert_eq!(
            (u.source, u.flags.clone()),
            (Source::Build, vec!["--cfg".into(), "user".into()])
        );
        let u = detect(&env_of(none), &target, HOST, &linux);
        assert_eq!(u.source, Source::Target);
        assert_eq!(
            u.flags,
            ["--cfg", "user"],
            "build.rustflags is not used then"
        );
        let u = detect(
            &env_of(&[("RUSTFLAGS", "-Ctarget-cpu=x86-64-v2")]),
            &target,
            HOST,
            &linux,
        );
        assert_eq!((u.source, u.flags.len()), (Source::Env, 1));
        let u = detect(
            &env_of(&[
                ("CARGO_ENCODED_RUSTFLAGS", "-C\u{1f}opt-level=1"),
                ("RUSTFLAGS", "x"),
            ]),
            &[],
            HOST,
            &linux,
        );
        assert_eq!((u.source, u.flags.len()), (Source::Encoded, 2));
        let u = detect(
            &env_of(&[("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", "--cfg e")]),
            &[],
            HOST,
            &linux,
        );
        assert_eq!(u.source, Source::Target);
    }

    #[test]
    fn flags_join_the_users_source_and_never_replace_it() {
        let extra = vec!["-Clink-arg=-Wl,--icf=all".to_string()];
        let user = |source| UserFlags {
            source,
            triple: HOST.into(),
            flags: vec![],
            origin: String::new(),
            linker: None,
        };
        let env: &[(&str, &str)] = &[
            ("RUSTFLAGS", "--cfg user"),
            ("CARGO_ENCODED_RUSTFLAGS", "--cfg\u{1f}user"),
            ("CARGO_BUILD_RUSTFLAGS", "--cfg user"),
        ];
        let e = env_of(env);
        assert_eq!(
            env_for(&user(Source::Env), &extra, &e),
            [(
                "RUSTFLAGS".to_string(),
                "--cfg user -Clink-arg=-Wl,--icf=all".to_string()
            )]
        );
        assert_eq!(
            env_for(&user(Source::Encoded), &extra, &e)[0].1,
            "--cfg\u{1f}user\u{1f}-Clink-arg=-Wl,--icf=all"
        );
        // config files' values are merged by cargo with these variables
        assert_eq!(
            env_for(&user(Source::Build), &extra, &e)[0].1,
            "--cfg user -Clink-arg=-Wl,--icf=all"
        );
        let t = env_for(&user(Source::Target), &extra, &e);
        assert_eq!(
            t[0],
            (
                "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS".to_string(),
                extra[0].clone()
            )
        );
        assert!(env_for(&user(Source::Build), &[], &e).is_empty());
    }

    #[test]
    fn what_the_users_flags_set() {
        let u = |flags: &[&str]| UserFlags {
            source: Source::Env,
            triple: HOST.into(),
            flags: flags.iter().map(|s| s.to_string()).collect(),
            origin: "env RUSTFLAGS".into(),
            linker: None,
        };
        let r = resolve(&u(&[]));
        let text = |r: &Resolved, k: Key| r[&k].value.to_string();
        assert_eq!(
            (
                text(&r, Key::TargetCpu),
                text(&r, Key::Linker),
                text(&r, Key::Icf)
            ),
            ("default".into(), "lld".into(), "none".into())
        );
        let r = resolve(&u(&[
            "-C",
            "target-cpu=native",
            "-Clinker-features=-lld",
            "-Clink-args=-fuse-ld=mold -Wl,--icf=all",
        ]));
        assert_eq!(text(&r, Key::TargetCpu), "native");
        assert_eq!(r[&Key::TargetCpu].source, "env RUSTFLAGS");
        assert_eq!(text(&r, Key::Linker), "mold");
        assert_eq!(text(&r, Key::Icf), "all");
        assert_eq!(
            text(&resolve(&u(&["-Clinker=/opt/clang"])), Key::Linker),
            "/opt/clang"
        );
        assert_eq!(
            text(&resolve(&u(&["-Clinker-features=-lld"])), Key::Linker),
            "cc"
        );
    }

    #[test]
    fn a_configurations_flags() {
        let base = resolve(&UserFlags {
            source: Source::Build,
            triple: HOST.into(),
            flags: vec![],
            origin: String::new(),
            linker: None,
        });
        let f = |list: &str| extra_flags(&Settings::parse_list(list, "t").unwrap(), &base, HOST);
        assert_eq!(f("target-cpu=native"), ["-Ctarget-cpu=native"]);
        assert!(f("linker=lld").is_empty(), "rust-lld is already the linker");
        assert_eq!(
            f("linker=mold"),
            ["-Clinker-features=-lld", "-Clink-arg=-fuse-ld=mold"]
        );
        assert_eq!(f("linker=/opt/ld.wrapper"), ["-Clinker=/opt/ld.wrapper"]);
        assert_eq!(f("icf=all"), ["-Clink-arg=-Wl,--icf=all"]);
        assert!(f("icf=none").is_empty(), "already none");
        assert!(f("lto=fat").is_empty());
        // elsewhere, lld is the system's
        let other = extra_flags(
            &Settings::parse_list("linker=lld", "t").unwrap(),
            &base,
            "aarch64-unknown-linux-gnu",
        );
        assert_eq!(other, ["-Clink-arg=-fuse-ld=lld"]);
    }
}
