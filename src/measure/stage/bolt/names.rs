//! Over-long symbol names, shortened in the copy BOLT works on and given
//! back after. llvm-bolt's instrumentation runtime (LLVM 22) writes each
//! profile line in a fixed 10 KB buffer, and aborts the training run with
//! `Assertion failed: buffer overflow, function name too large` when a
//! function it counted has a longer name (docs/facts.md § bolt-long-names).
//! Legacy-mangled Rust names spell out the type of `drop_in_place::<T>`,
//! and nested generic types (parser combinators, async state machines)
//! make them that long. So before instrumenting, `llvm-objcopy
//! --redefine-syms` gives every name over [`LONGEST`] bytes a short one in
//! a copy; the instrumented binary and the profile know the short names,
//! the same copy is laid out by the profile, and the output's symbols get
//! their names back (the fragments BOLT split off, `short.cold.0`, too)
//! before it is stripped as the profile says: the binary measured has the
//! names cargo gave it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use object::{Object, ObjectSymbol};

use super::ToolFailure;

/// Names longer than this are shortened: a profile line holds two names
/// (a branch's source and target) in llvm-bolt's 10 KB buffer.
pub const LONGEST: usize = 2048;

/// A copy of a binary with its over-long names shortened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortened {
    /// The copy, which BOLT instruments and lays out.
    pub copy: PathBuf,
    /// Each long name and its short one.
    pub names: Vec<(String, String)>,
}

/// The static symbols' names of `path` longer than [`LONGEST`] bytes,
/// each once, in order.
pub fn long_names(path: &Path) -> Result<Vec<String>> {
    let map = crate::inspect::map(path)?;
    let file = object::File::parse(&*map).with_context(|| format!("reading {}", path.display()))?;
    let mut out: Vec<String> = Vec::new();
    for symbol in file.symbols() {
        let Ok(name) = symbol.name() else {
            continue;
        };
        // a name with a space cannot be written in a --redefine-syms file
        if name.len() > LONGEST
            && !name.contains(char::is_whitespace)
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// The short name of the `i`th long name: nothing a compiler emits.
fn short(i: usize) -> String {
    format!("__cargo_lto_long_name_{i}")
}

/// A `--redefine-syms` file of `pairs` (`old new` per line), at `path`.
fn write_map(path: &Path, pairs: &[(String, String)]) -> Result<()> {
    let text: String = pairs
        .iter()
        .map(|(old, new)| format!("{old} {new}\n"))
        .collect();
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// `objcopy --redefine-syms=<map> from to`; its failure in its words.
fn redefine(
    objcopy: &Path,
    map: &Path,
    from: &Path,
    to: &Path,
) -> Result<(crate::process::Usage, ToolFailure)> {
    super::run_tool(
        Command::new(objcopy)
            .arg(format!("--redefine-syms={}", map.display()))
            .arg(from)
            .arg(to),
        "llvm-objcopy --redefine-syms",
    )
}

/// A copy of `exe` in `dir` with its long names shortened; None when it
/// has none (BOLT then works on `exe` itself).
pub fn shorten(
    objcopy: &Path,
    exe: &Path,
    dir: &Path,
    usages: &mut Vec<crate::process::Usage>,
) -> Result<Result<Option<Shortened>, ToolFailure>> {
    let long = long_names(exe)?;
    if long.is_empty() {
        return Ok(Ok(None));
    }
    let name = exe.file_name().unwrap_or_default().to_string_lossy();
    let names: Vec<(String, String)> = long
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n, short(i)))
        .collect();
    let map = dir.join(format!("{name}.short-names"));
    write_map(&map, &names)?;
    let copy = dir.join(format!("{name}.short"));
    let (usage, failed) = redefine(objcopy, &map, exe, &copy)?;
    usages.push(usage);
    if failed.is_some() {
        return Ok(Err(failed));
    }
    Ok(Ok(Some(Shortened { copy, names })))
}

/// What each shortened name in `present` (an output's symbol names) is
/// called again: a short name is its long one, and a fragment BOLT split
/// off it (`short.cold.0`) the long name with the same suffix.
pub fn restored(names: &[(String, String)], present: &[String]) -> Vec<(String, String)> {
    let long: BTreeMap<&str, &str> = names
        .iter()
        .map(|(l, s)| (s.as_str(), l.as_str()))
        .collect();
    let mut out = Vec::new();
    for name in present {
        let (base, suffix) = match name.find('.') {
            Some(i) => name.split_at(i),
            None => (name.as_str(), ""),
        };
        if let Some(original) = long.get(base)
            && !out.iter().any(|(s, _): &(String, String)| s == name)
        {
            out.push((name.clone(), format!("{original}{suffix}")));
        }
    }
    out
}

/// BOLT's output `optimized` with its symbols' names given back, written
/// to `out`.
pub fn restore(
    objcopy: &Path,
    shortened: &Shortened,
    optimized: &Path,
    out: &Path,
    usages: &mut Vec<crate::process::Usage>,
) -> Result<ToolFailure> {
    let map = crate::inspect::map(optimized)?;
    let file =
        object::File::parse(&*map).with_context(|| format!("reading {}", optimized.display()))?;
    let present: Vec<String> = file
        .symbols()
        .filter_map(|s| s.name().ok())
        .filter(|n| n.starts_with("__cargo_lto_long_name_"))
        .map(str::to_string)
        .collect();
    let pairs = restored(&shortened.names, &present);
    let file = shortened.copy.with_extension("restore-names");
    write_map(&file, &pairs)?;
    let (usage, failed) = redefine(objcopy, &file, optimized, out)?;
    usages.push(usage);
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_get_their_long_names_back() {
        let names = vec![
            ("_ZN4core3ptr9000drop_in_placeE".to_string(), short(0)),
            ("_ZN1a1fE".to_string(), short(1)),
        ];
        let present = vec![
            short(0),
            format!("{}.cold.0", short(0)),
            short(1),
            short(1),
            "__cargo_lto_long_name_10".to_string(),
        ];
        assert_eq!(
            restored(&names, &present),
            [
                (short(0), names[0].0.clone()),
                (
                    format!("{}.cold.0", short(0)),
                    "_ZN4core3ptr9000drop_in_placeE.cold.0".to_string()
                ),
                (short(1), names[1].0.clone()),
            ],
            "each once; a name no long one had is left alone"
        );
    }
}
