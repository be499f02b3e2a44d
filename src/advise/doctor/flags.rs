//! doctor's findings in rustflags (environment and config files) and in C
//! flags: `-C lto` where the profile belongs, `-C linker-plugin-lto` without
//! a linker that reads bitcode, C objects built with `-flto`, and
//! `target-cpu=native` in a build that ships.

use super::{Input, finding};
use crate::profile::rustflags::{RUST_LLD_DEFAULT, words};
use crate::results::advice::{Detail, Finding, Severity};

/// One place flags are set: where, and the flags.
struct Flags {
    place: String,
    /// The file's text, to find a flag's line.
    text: Option<String>,
    flags: Vec<String>,
}

impl Flags {
    fn line_of(&self, needle: &str) -> Option<usize> {
        let text = self.text.as_deref()?;
        text.lines()
            .position(|l| l.contains(needle))
            .or_else(|| text.lines().position(|l| l.contains("rustflags")))
            .map(|i| i + 1)
    }
}

/// The value of codegen option `name` in `flags` (`-Cname=v`, `-C name=v`,
/// `--codegen name=v`); `Some("")` when given without a value.
pub fn codegen(flags: &[String], name: &str) -> Option<String> {
    let mut it = flags.iter().peekable();
    let mut found = None;
    while let Some(f) = it.next() {
        let opt = if let Some(rest) = f.strip_prefix("-C").filter(|r| !r.is_empty()) {
            Some(rest.to_string())
        } else if f == "-C" || f == "--codegen" {
            it.next().cloned()
        } else {
            f.strip_prefix("--codegen=").map(str::to_string)
        };
        if let Some(opt) = opt {
            let (k, v) = opt.split_once('=').unwrap_or((&opt, ""));
            if k == name {
                found = Some(v.to_string());
            }
        }
    }
    found
}

/// Every place rustflags are set.
fn sources(input: &Input) -> Vec<Flags> {
    let mut out = Vec::new();
    for name in &input.env_names {
        let split = match name.as_str() {
            "CARGO_ENCODED_RUSTFLAGS" => '\u{1f}',
            "RUSTFLAGS" | "CARGO_BUILD_RUSTFLAGS" => ' ',
            n if n.starts_with("CARGO_TARGET_") && n.ends_with("_RUSTFLAGS") => ' ',
            _ => continue,
        };
        if let Some(v) = (input.env)(name) {
            out.push(Flags {
                place: format!("environment variable {name}"),
                text: None,
                flags: v
                    .split(split)
                    .filter(|f| !f.trim().is_empty())
                    .map(|f| f.trim().to_string())
                    .collect(),
            });
        }
    }
    for (path, text) in &input.configs {
        let Ok(doc) = toml::from_str::<toml::Table>(text) else {
            continue;
        };
        let mut flags = Vec::new();
        if let Some(v) = doc.get("build").and_then(|b| b.get("rustflags")) {
            flags.extend(words(v));
        }
        if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
            for t in targets.values() {
                if let Some(v) = t.get("rustflags") {
                    flags.extend(words(v));
                }
            }
        }
        if !flags.is_empty() {
            out.push(Flags {
                place: input.show(path),
                text: Some(text.clone()),
                flags,
            });
        }
    }
    out
}

/// The target's linker from the config files, if set.
fn config_linker(input: &Input) -> Option<String> {
    input.configs.iter().rev().find_map(|(_, text)| {
        let doc = toml::from_str::<toml::Table>(text).ok()?;
        Some(
            doc.get("target")?
                .get(&input.triple)?
                .get("linker")?
                .as_str()?
                .to_string(),
        )
    })
}

/// True when the link reads LLVM bitcode: lld (rust-lld is the default on
/// x86_64 Linux since Rust 1.90) or clang driving lld.
fn bitcode_linker(input: &Input, flags: &[String]) -> bool {
    let all = flags.join(" ");
    let linker = codegen(flags, "linker").or_else(|| config_linker(input));
    if all.contains("-fuse-ld=lld") || linker.as_deref().is_some_and(|l| l.contains("lld")) {
        return true;
    }
    input.triple == RUST_LLD_DEFAULT
        && !all.contains("linker-features=-lld")
        && !all.contains("-fuse-ld=")
        && linker.is_none()
}

/// The rustflags and C flags findings.
pub fn findings(input: &Input) -> Vec<Finding> {
    let mut out = Vec::new();
    let sources = sources(input);
    let mut plugin_lto = false;
    for s in &sources {
        if let Some(v) = codegen(&s.flags, "lto") {
            let spelled = if v.is_empty() {
                "-C lto".to_string()
            } else {
                format!("-C lto={v}")
            };
            out.push(finding(
                Detail::RustflagsLto { flag: spelled },
                Severity::Error,
                (s.place.clone(), s.line_of("lto")),
            ));
        }
        if codegen(&s.flags, "target-cpu").as_deref() == Some("native") {
            out.push(finding(
                Detail::TargetCpuNative,
                Severity::Warning,
                (s.place.clone(), s.line_of("target-cpu")),
            ));
        }
        if codegen(&s.flags, "linker-plugin-lto").is_some() {
            plugin_lto = true;
            if !bitcode_linker(input, &s.flags) {
                out.push(finding(
                    Detail::LinkerPluginLtoLinker,
                    Severity::Warning,
                    (s.place.clone(), s.line_of("linker-plugin-lto")),
                ));
            }
        }
    }
    // C code built with -flto, linked by a link that does no LTO
    if !plugin_lto {
        let mut c_places: Vec<(String, Option<usize>)> = Vec::new();
        let cflags = |n: &str| {
            n == "CFLAGS"
                || n == "TARGET_CFLAGS"
                || n == "CXXFLAGS"
                || n.starts_with("CFLAGS_")
                || n.starts_with("CXXFLAGS_")
        };
        for name in input.env_names.iter().filter(|n| cflags(n)) {
            if (input.env)(name)
                .is_some_and(|v| v.split_whitespace().any(|f| f.starts_with("-flto")))
            {
                c_places.push((format!("environment variable {name}"), None));
            }
        }
        for m in &input.members {
            if let Some((path, text)) = &m.build_script
                && let Some(i) = text.lines().position(|l| l.contains("\"-flto"))
            {
                c_places.push((input.show(path), Some(i + 1)));
            }
        }
        for place in c_places {
            out.push(finding(Detail::CFltoWithoutLto, Severity::Warning, place));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::codegen;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn codegen_options_in_every_spelling() {
        assert_eq!(codegen(&v("-Clto"), "lto").as_deref(), Some(""));
        assert_eq!(codegen(&v("-C lto=fat"), "lto").as_deref(), Some("fat"));
        assert_eq!(
            codegen(&v("--codegen lto=thin"), "lto").as_deref(),
            Some("thin")
        );
        assert_eq!(codegen(&v("--codegen=lto"), "lto").as_deref(), Some(""));
        assert_eq!(
            codegen(&v("-Ctarget-cpu=native -Clto=off"), "target-cpu").as_deref(),
            Some("native")
        );
        assert_eq!(codegen(&v("-Clinker-plugin-lto"), "lto"), None);
        assert_eq!(codegen(&v("--cfg lto"), "lto"), None);
    }
}
