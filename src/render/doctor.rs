//! doctor's findings in words: what is wrong, with the reason, and what to
//! do. The findings hold what was found (docs/advice.md); only this file
//! words them.

use crate::results::doctor::{Detail, Myth};
use crate::units;

/// What is wrong, with the reason.
pub fn message(d: &Detail) -> String {
    match d {
        Detail::MemberProfile { member, profile } => format!(
            "[profile.{profile}] in member `{member}` is ignored: Cargo reads profiles only from the workspace root (it warns \"profiles for the non root package will be ignored, specify profiles at the workspace root\"); in a dependency it is ignored silently, so a library cannot enable LTO or any other profile setting for its users"
        ),
        Detail::RustflagsLto { flag } => format!(
            "{flag} in rustflags: cargo builds dependencies with `-C embed-bitcode=no`, which rustc refuses with `-C lto` (\"`-C embed-bitcode=no` and `-C lto` are incompatible\"), and rustflags reach proc macros too"
        ),
        Detail::LtoSkippedCrateType {
            member,
            crate_types,
            profile,
            lto,
            artifacts,
            bins,
        } => {
            let files = if artifacts.is_empty() {
                "its cdylib/staticlib".to_string()
            } else {
                artifacts.join(" and ")
            };
            let bins = match bins.as_slice() {
                [] => format!(
                    "and `{member}` has no binary that would get LTO instead: {files} is what it links"
                ),
                [one] => format!(
                    "its binary `{one}` does get it (-C lto={lto}, with the library's code)"
                ),
                many => format!(
                    "its binaries {} do get it (-C lto={lto}, with the library's code)",
                    many.iter()
                        .map(|b| format!("`{b}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!(
                "`{member}`'s library is crate-type {crate_types:?} under [profile.{profile}] lto = \"{lto}\": {files} is built without LTO, silently (cargo passes no -C lto to a library that is also an rlib); {bins} (docs/facts.md § cdylib-rlib-no-lto)"
            )
        }
        Detail::AbortWithCatchUnwind {
            profile,
            catch_unwind_at,
        } => format!(
            "[profile.{profile}] has panic = \"abort\", and {catch_unwind_at} calls catch_unwind: with abort the first panic ends the process, catch_unwind catches nothing and no destructors run"
        ),
        Detail::UnreadConfig { cwd } => format!(
            "this config file is not read: cargo reads config files from the directory it runs in ({cwd}) and the directories above it, not from the manifest's, so its [profile] and [build] settings do not apply to this build"
        ),
        Detail::LinkerPluginLtoLinker => "-C linker-plugin-lto hands the linker LLVM bitcode instead of machine code: only lld, or a linker with the LLVMgold plugin of the same LLVM version, can link it, and this build's linker is neither".into(),
        Detail::CFltoWithoutLto => "C code is compiled with -flto, which makes its objects LLVM or GCC bitcode, but the Rust link does no cross-language LTO (no -C linker-plugin-lto): the link fails with undefined references, or the objects are not optimised with the Rust code".into(),
        Detail::IncrementalRelease { profile } => format!(
            "[profile.{profile}] has incremental = true: incremental builds split code into many more codegen units and turn off the cross-crate inlining of small leaf functions (Rust ≥ 1.75), so the shipped code is slower; release's default is false"
        ),
        Detail::LtoAtOptLevel0 { profile, lto } => format!(
            "[profile.{profile}] has opt-level = 0 with lto = \"{lto}\": an explicit lto still runs at opt-level 0, so the link pays for LTO while the code is left unoptimised"
        ),
        Detail::TargetCpuNative => "-C target-cpu=native tunes the code to the CPU of the machine that builds it: a binary shipped to others can stop with an illegal instruction on an older CPU".into(),
        Detail::StripSymbolsBacktraces {
            profile,
            backtraces_at,
            ..
        } => format!(
            "[profile.{profile}] has strip = \"symbols\": a panic backtrace then shows only `<unknown>` frames{} (LTO does not mangle backtraces; stripping symbols does)",
            match backtraces_at {
                Some(at) => format!(", and {at} captures backtraces"),
                None => String::new(),
            }
        ),
        Detail::NoDebuginfoBacktraces {
            profile,
            backtraces_at,
        } => format!(
            "[profile.{profile}] has no debug info while {backtraces_at} captures backtraces: they show function names but no file:line"
        ),
        Detail::NoLtoAtAll { profile } => format!(
            "[profile.{profile}] has lto = false with codegen-units = 1: lto = false is thin *local* LTO, across one crate's codegen units, and with a single unit there is nothing to do: no LTO of any kind runs, across crates or within one"
        ),
        Detail::MythComment {
            code,
            comment,
            myth,
        } => format!(
            "the comment beside `{}` says \"{}\", but {}",
            code.trim(),
            comment.trim(),
            truth(*myth)
        ),
    }
}

/// What to do: with this project's own figures where a measure document
/// has them.
pub fn fix(d: &Detail) -> String {
    match d {
        Detail::StripSymbolsBacktraces {
            measured: Some(m), ..
        } => format!(
            "strip = \"debuginfo\" keeps the function names in backtraces; for this project the file grows from {} to about {} (+{} of symbol table, measured on `{}` of measure {})",
            units::bytes(m.size_bytes),
            units::bytes(m.size_bytes + m.symbols_bytes),
            units::bytes(m.symbols_bytes),
            m.config,
            m.document
        ),
        Detail::LtoSkippedCrateType { bins, .. } if !bins.is_empty() => {
            "nothing to do for the binaries; if you ship the cdylib/staticlib too and want it optimised across crates, build it from a package of its own with crate-type = [\"cdylib\"] (or [\"staticlib\"]) alone, depending on this one".into()
        }
        _ => general_fix(d).to_string(),
    }
}

/// What to do, in general.
fn general_fix(d: &Detail) -> &'static str {
    match d {
        Detail::MemberProfile { .. } => {
            "move the table into the workspace root's Cargo.toml (`cargo lto apply` writes there)"
        }
        Detail::RustflagsLto { .. } => {
            "remove it from the rustflags and set `lto` in the workspace root's [profile.release] (`cargo lto apply fat` or `thin`)"
        }
        Detail::LtoSkippedCrateType { .. } => {
            "split the cdylib/staticlib into its own package that depends on the rlib, or drop the rlib type"
        }
        Detail::AbortWithCatchUnwind { .. } => {
            "keep panic = \"unwind\" (the default) in this profile, or remove the reliance on catch_unwind"
        }
        Detail::UnreadConfig { .. } => {
            "run cargo from the project's directory, or move the settings into a config file cargo reads from where you run it"
        }
        Detail::LinkerPluginLtoLinker => {
            "link with lld (`-C link-arg=-fuse-ld=lld`, or clang as the linker with a matching LLVM), or drop -C linker-plugin-lto and use the profile's lto"
        }
        Detail::CFltoWithoutLto => {
            "drop -flto from the C flags, or build with clang and link with -C linker-plugin-lto and lld of the same LLVM version (cross-language LTO)"
        }
        Detail::IncrementalRelease { .. } => {
            "remove `incremental = true` from the release profile (keep it for dev)"
        }
        Detail::LtoAtOptLevel0 { .. } => {
            "raise opt-level (3, or \"s\"/\"z\" for size), or drop lto for this profile"
        }
        Detail::TargetCpuNative => {
            "remove it from the flags of builds that ship, or name the oldest CPU you support (e.g. target-cpu=x86-64-v2 or x86-64-v3)"
        }
        Detail::StripSymbolsBacktraces { .. } => {
            "strip = \"debuginfo\" keeps the function names in backtraces (a small program: ~380 KB against ~310 KB with symbols stripped)"
        }
        Detail::NoDebuginfoBacktraces { .. } => {
            "debug = \"line-tables-only\" adds file:line (and inlined frames) to backtraces; it makes the file larger, not the code"
        }
        Detail::NoLtoAtAll { .. } => {
            "that is lto = \"off\" in effect: write that if it is what you mean, or lto = \"thin\" / \"fat\" for LTO across crates"
        }
        Detail::MythComment { .. } => {
            "correct the comment (or the setting, if the comment says what you want)"
        }
    }
}

/// What is true instead of the myth.
fn truth(myth: Myth) -> &'static str {
    match myth {
        Myth::LtoTrueIsThin => {
            "lto = true is fat LTO (one merged module, single-threaded), not thin; thin is lto = \"thin\""
        }
        Myth::LtoFalseIsOff => {
            "lto = false is not \"no LTO\": it is thin local LTO across one crate's codegen units; lto = \"off\" disables LTO"
        }
        Myth::OneCodegenUnitDisablesLto => {
            "codegen-units = 1 does not turn off an explicit lto (thin or fat still run); only lto = false has nothing left to do with one unit"
        }
        Myth::LtoForUsers => {
            "a library's [profile] never applies to its users: the final binary's workspace root profile decides"
        }
        Myth::LtoManglesBacktraces => {
            "LTO does not mangle backtraces; strip = \"symbols\" and missing debug info do"
        }
        Myth::LtoNeedsBitcodeLinker => {
            "with Cargo's lto = \"thin\"/\"fat\" LTO runs inside rustc and the system linker receives native objects: no bitcode-aware linker is needed"
        }
    }
}
