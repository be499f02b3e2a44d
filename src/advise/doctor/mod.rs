//! `doctor`: the profile and flag mistakes people really make, found in the
//! project's files and environment, each with where, why (docs/facts.md)
//! and the fix. Pure: [`Input`] is what the command read; docs/advice.md
//! lists every finding id.

use std::path::{Path, PathBuf};

use crate::profile::Key;
use crate::profile::resolve::{Resolved, ResolvedValue, value_of};
use crate::profile::values::{Debug, Lto, OptLevel, Panic, Strip, Value};
use crate::results::MeasureDocument;
use crate::results::advice::{ADVICE_SCHEMA_VERSION, Detail, DoctorReport, Finding, Severity};
use crate::results::doctor::SymbolsCost;

mod flags;
mod myths;

/// A workspace member, with the files doctor reads.
#[derive(Debug, Clone, Default)]
pub struct MemberInput {
    /// Package name.
    pub name: String,
    /// Its Cargo.toml and that file's text.
    pub manifest: (PathBuf, String),
    /// Its library target's crate types.
    pub lib_crate_types: Vec<String>,
    /// Its library target's crate name, when it has one.
    pub lib_name: Option<String>,
    /// Its binary targets' names.
    pub bins: Vec<String>,
    /// Its build script and that file's text.
    pub build_script: Option<(PathBuf, String)>,
    /// The Rust sources under its targets' directories.
    pub sources: Vec<(PathBuf, String)>,
}

/// Everything doctor looks at.
pub struct Input<'a> {
    /// The workspace root.
    pub root: PathBuf,
    /// The root Cargo.toml and its text.
    pub root_manifest: (PathBuf, String),
    /// The members (the root package among them, when there is one).
    pub members: Vec<MemberInput>,
    /// The config files cargo reads and their text, lowest precedence first.
    pub configs: Vec<(PathBuf, String)>,
    /// The environment (name → value) as far as doctor reads it.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The names of the environment variables set.
    pub env_names: Vec<String>,
    /// The profiles to check, each resolved (release and the custom
    /// profiles that inherit it).
    pub profiles: Vec<(String, Resolved)>,
    /// The target triple.
    pub triple: String,
    /// Config files beside the project that cargo, run from here, does
    /// not read (`resolve::unread_configs`), and where it runs.
    pub unread_configs: (PathBuf, Vec<PathBuf>),
    /// The project's newest measure document, if any: its figures make
    /// some advice this project's own.
    pub measured: Option<MeasureDocument>,
}

impl Input<'_> {
    /// `path` relative to the workspace root when inside it.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// `file:line` of the first source line, not a comment, that `matches`.
    fn first_line(&self, matches: impl Fn(&str) -> bool) -> Option<String> {
        self.members.iter().find_map(|m| {
            m.sources.iter().find_map(|(p, t)| {
                t.lines()
                    .position(|l| matches(l) && !l.trim_start().starts_with("//"))
                    .map(|i| format!("{}:{}", self.show(p), i + 1))
            })
        })
    }

    /// The text of the file a resolved value came from, when it is a file.
    fn file_text(&self, origin: &str) -> Option<(&Path, &str)> {
        let files = std::iter::once(&self.root_manifest)
            .chain(&self.configs)
            .chain(self.members.iter().map(|m| &m.manifest));
        files
            .into_iter()
            .find(|(p, _)| p.display().to_string() == origin)
            .map(|(p, t)| (p.as_path(), t.as_str()))
    }

    /// Where `key` of profile `profile` was set, from its resolved source.
    fn place(&self, profile: &str, key: &str, value: &ResolvedValue) -> (String, Option<usize>) {
        if let Some((path, text)) = self.file_text(&value.source) {
            return (self.show(path), profile_key_line(text, profile, key));
        }
        if let Some(vars) = value.source.strip_prefix("env ") {
            return (format!("environment variable {vars}"), None);
        }
        if value.source.starts_with("default") {
            // not written anywhere: the root manifest is where it would go
            return (self.show(&self.root_manifest.0), None);
        }
        (value.source.clone(), None)
    }
}

/// 1-based line of `[profile.<name>]`'s `key` (or of the table's header
/// when the key is not there, or `key` is empty) in a TOML text; dotted
/// and inline spellings too.
pub fn profile_key_line(text: &str, profile: &str, key: &str) -> Option<usize> {
    let mut in_table = false;
    let mut header = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        let compact = compact.replace(['"', '\''], "");
        if t.starts_with('[') {
            in_table = compact.starts_with(&format!("[profile.{profile}]"));
            if in_table {
                header = Some(i + 1);
            }
            continue;
        }
        let is_key = |k: &str| compact.starts_with(&format!("{k}="));
        if (in_table && is_key(key))
            || is_key(&format!("profile.{profile}.{key}"))
            || (compact.starts_with(&format!("{profile}={{"))
                && compact.contains(&format!("{key}=")))
        {
            return Some(i + 1);
        }
    }
    header
}

/// A finding of `detail` at `file:line`.
pub fn finding(
    detail: Detail,
    severity: Severity,
    (file, line): (String, Option<usize>),
) -> Finding {
    Finding {
        detail,
        severity,
        file,
        line,
    }
}

/// Every finding, errors first, then by file and line.
pub fn doctor(input: &Input) -> DoctorReport {
    let mut findings = Vec::new();
    member_profiles(input, &mut findings);
    for (name, resolved) in &input.profiles {
        profile_findings(input, name, resolved, &mut findings);
    }
    findings.extend(flags::findings(input));
    findings.extend(myths::findings(input));
    let (cwd, unread) = &input.unread_configs;
    for path in unread {
        let detail = Detail::UnreadConfig {
            cwd: cwd.display().to_string(),
        };
        findings.push(finding(detail, Severity::Warning, (input.show(path), None)));
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.file, a.line, a.detail.id()).cmp(&(
            b.severity,
            &b.file,
            b.line,
            b.detail.id(),
        ))
    });
    findings.dedup();
    DoctorReport {
        schema_version: ADVICE_SCHEMA_VERSION,
        workspace_root: input.root.clone(),
        findings,
    }
}

/// `[profile]` in a member's manifest: Cargo ignores it.
fn member_profiles(input: &Input, out: &mut Vec<Finding>) {
    for m in &input.members {
        let (path, text) = &m.manifest;
        if path == &input.root_manifest.0 {
            continue;
        }
        let Ok(doc) = toml::from_str::<toml::Table>(text) else {
            continue;
        };
        let Some(profiles) = doc.get("profile").and_then(|p| p.as_table()) else {
            continue;
        };
        for name in profiles.keys() {
            out.push(finding(
                Detail::MemberProfile {
                    member: m.name.clone(),
                    profile: name.clone(),
                },
                Severity::Error,
                (input.show(path), profile_key_line(text, name, "")),
            ));
        }
    }
}

/// `lto-skipped-crate-type` for member `m` under `profile`'s cross-crate
/// `lto`, when its library is both linked (cdylib, staticlib) and an
/// rlib: the files built without LTO and the binaries that keep it. An
/// error only where the unLTO'd library is all the package links (`apply`
/// says the same in a note).
pub fn skipped_crate_type(
    m: &MemberInput,
    profile: &str,
    lto: Lto,
    triple: &str,
) -> Option<(Detail, Severity)> {
    let types = &m.lib_crate_types;
    let has = |t: &str| types.iter().any(|x| x == t);
    let mixed = (has("cdylib") || has("staticlib")) && (has("rlib") || has("lib") || has("dylib"));
    if !mixed || !lto.crosses_crates() {
        return None;
    }
    let severity = if m.bins.is_empty() {
        Severity::Error
    } else {
        Severity::Warning
    };
    let detail = Detail::LtoSkippedCrateType {
        member: m.name.clone(),
        crate_types: types.clone(),
        profile: profile.to_string(),
        lto: lto.to_string(),
        artifacts: linked_libraries(m, triple),
        bins: m.bins.clone(),
    };
    Some((detail, severity))
}

/// The files of `m`'s library that are linked like a binary (its cdylib
/// and staticlib outputs), named as cargo names them for `triple`.
fn linked_libraries(m: &MemberInput, triple: &str) -> Vec<String> {
    let name = m
        .lib_name
        .clone()
        .unwrap_or_else(|| m.name.replace('-', "_"));
    let (windows, apple) = (triple.contains("windows"), triple.contains("apple"));
    m.lib_crate_types
        .iter()
        .filter_map(|t| match t.as_str() {
            "cdylib" if windows => Some(format!("{name}.dll")),
            "cdylib" if apple => Some(format!("lib{name}.dylib")),
            "cdylib" => Some(format!("lib{name}.so")),
            "staticlib" if triple.contains("msvc") => Some(format!("{name}.lib")),
            "staticlib" => Some(format!("lib{name}.a")),
            _ => None,
        })
        .collect()
}

/// `lto` when it is thin or fat (LTO across crates).
fn lto_on(resolved: &Resolved) -> Option<Lto> {
    match value_of(resolved, Key::Lto) {
        Some(Value::Lto(lto)) if lto.crosses_crates() => Some(*lto),
        _ => None,
    }
}

/// True when `key` resolves to `value`.
fn is(resolved: &Resolved, key: Key, value: Value) -> bool {
    value_of(resolved, key) == Some(&value)
}

/// The keys custom profile `name` writes in its own table of the root
/// manifest (None for release, which inherits nothing it could be blamed
/// for): a key it inherits is judged where it is written, once.
fn own_keys(input: &Input, name: &str) -> Option<Vec<String>> {
    if name == "release" {
        return None;
    }
    let table = toml::from_str::<toml::Table>(&input.root_manifest.1).ok();
    Some(
        table
            .as_ref()
            .and_then(|t| t.get("profile")?.get(name)?.as_table())
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default(),
    )
}

/// Findings about one resolved profile.
fn profile_findings(input: &Input, name: &str, full: &Resolved, out: &mut Vec<Finding>) {
    // keys a custom profile inherits are judged where they are written
    let env_prefix = format!(
        "env CARGO_PROFILE_{}_",
        name.to_uppercase().replace('-', "_")
    );
    let own = own_keys(input, name);
    let r: Resolved = full
        .iter()
        .filter(|(k, v)| {
            own.as_ref().is_none_or(|o| o.iter().any(|n| n == k.name()))
                || v.source.starts_with(&env_prefix)
        })
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    let r = &r;
    let at = |key: Key| input.place(name, key.name(), &r[&key]);
    if let Some(lto) = lto_on(r) {
        for m in &input.members {
            if let Some((detail, severity)) = skipped_crate_type(m, name, lto, &input.triple) {
                let (path, text) = &m.manifest;
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("crate-type"))
                    .map(|i| i + 1);
                out.push(finding(detail, severity, (input.show(path), line)));
            }
        }
        if is(r, Key::OptLevel, Value::OptLevel(OptLevel::O0)) {
            out.push(finding(
                Detail::LtoAtOptLevel0 {
                    profile: name.to_string(),
                    lto: lto.to_string(),
                },
                Severity::Warning,
                at(Key::OptLevel),
            ));
        }
    }
    if is(r, Key::Lto, Value::Lto(Lto::ThinLocal)) && is(r, Key::CodegenUnits, Value::Count(1)) {
        out.push(finding(
            Detail::NoLtoAtAll {
                profile: name.to_string(),
            },
            Severity::Info,
            at(Key::CodegenUnits),
        ));
    }
    if is(r, Key::Incremental, Value::Bool(true))
        && r[&Key::Incremental].source != "default"
        && name != "dev"
    {
        out.push(finding(
            Detail::IncrementalRelease {
                profile: name.to_string(),
            },
            Severity::Warning,
            at(Key::Incremental),
        ));
    }
    let catch = input.first_line(|l| l.contains("catch_unwind"));
    if is(r, Key::Panic, Value::Panic(Panic::Abort))
        && let Some(at_call) = &catch
    {
        out.push(finding(
            Detail::AbortWithCatchUnwind {
                profile: name.to_string(),
                catch_unwind_at: at_call.clone(),
            },
            Severity::Error,
            at(Key::Panic),
        ));
    }
    let backtraces =
        input.first_line(|l| l.contains("Backtrace::") || l.contains("RUST_BACKTRACE"));
    if is(r, Key::Strip, Value::Strip(Strip::Symbols)) {
        let severity = match &backtraces {
            Some(_) => Severity::Warning,
            None => Severity::Info,
        };
        out.push(finding(
            Detail::StripSymbolsBacktraces {
                profile: name.to_string(),
                backtraces_at: backtraces.clone(),
                measured: symbols_cost(input.measured.as_ref(), name),
            },
            severity,
            at(Key::Strip),
        ));
    }
    if is(r, Key::Debug, Value::Debug(Debug::None))
        && !is(full, Key::Strip, Value::Strip(Strip::Symbols))
        && let Some(at_use) = &backtraces
    {
        out.push(finding(
            Detail::NoDebuginfoBacktraces {
                profile: name.to_string(),
                backtraces_at: at_use.clone(),
            },
            Severity::Info,
            at(Key::Debug),
        ));
    }
}

/// What stripping symbols saved on `profile`, from `doc`'s baseline (the
/// profile as it is): only when that build was stripped and its unstripped
/// twin measured (a profile changed since then has no such figure).
fn symbols_cost(doc: Option<&MeasureDocument>, profile: &str) -> Option<SymbolsCost> {
    let doc = doc.filter(|d| d.base_profile == profile)?;
    let baseline = doc
        .configurations
        .iter()
        .find(|c| c.name == crate::profile::BASELINE)?;
    let binary = baseline.sizes(None)?;
    Some(SymbolsCost {
        document: doc.id.clone(),
        config: baseline.name.clone(),
        size_bytes: binary.size_bytes,
        symbols_bytes: binary.stripped_symbols_bytes?,
    })
}
