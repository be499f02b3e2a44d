//! `explain`: what each setting really does, its release default, what it
//! costs and buys, with ../shared/FACTS.md's sources; with a measure
//! document, what it did in this project (pairs of configurations that
//! differ in that setting alone).

use crate::results::advice::{Explanation, Observed, RuntimeFigure, RuntimePair, ValueMeaning};
use crate::results::measure::{Configuration, MeasureDocument, Status};

/// The settings `explain` knows, in the order it lists them.
pub const SETTINGS: [&str; 10] = [
    "lto",
    "codegen-units",
    "opt-level",
    "panic",
    "strip",
    "debug",
    "incremental",
    "target-cpu",
    "linker",
    "icf",
];

const PROFILES: &str =
    "Cargo book, Profiles: https://doc.rust-lang.org/cargo/reference/profiles.html";
const CODEGEN: &str =
    "rustc book, Codegen options: https://doc.rust-lang.org/rustc/codegen-options/index.html";
const CONFIG: &str = "Cargo book, Configuration (build.rustflags, target.<triple>.rustflags): https://doc.rust-lang.org/cargo/reference/config.html";
const FACTS: &str = "cargo-lto's FACTS sheet, reproduced with cargo/rustc 1.95 on x86_64 Linux";

/// One setting's text: (lives in, summary, default, values, costs, buys,
/// notes, sources).
type Text = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

fn text(setting: &str) -> Option<Text> {
    Some(match setting {
        "lto" => (
            "[profile.*] lto",
            "Link-time optimisation: LLVM optimises across crate boundaries (inlining, removing unused code) when the final binary is produced.",
            "false (thin local LTO)",
            &[
                (
                    "false",
                    "thin *local* LTO: only across the codegen units of one crate; none at all when codegen-units = 1 or opt-level = 0",
                ),
                ("\"off\"", "no LTO of any kind (-C lto=off)"),
                ("\"thin\"", "ThinLTO across all crates, in parallel"),
                (
                    "true or \"fat\"",
                    "fat LTO: every crate merged into one module, optimised single-threaded (`true` is fat, not thin; the string \"true\" is rejected)",
                ),
            ],
            "thin and fat rebuild every dependency (the setting changes each unit's -C metadata hash) and build dependencies as bitcode; the final link step does the optimisation: fat's is single-threaded and its memory peak can be several times thin's (large projects have been OOM-killed on CI runners)",
            "smaller, often faster code: code from other crates can be inlined and unused code dropped; std, core and alloc take part too, so even hello-world shrinks under fat",
            &[
                "rustc runs the LTO itself: the system linker receives native objects, so cross-compiling needs no bitcode-aware linker (only -C linker-plugin-lto hands it bitcode)",
                "a library's [profile] never applies to its users: the workspace root's profile of the final binary decides",
                "-C lto in RUSTFLAGS fails (`-C embed-bitcode=no` and `-C lto` are incompatible) and hits proc macros: use the profile",
                "a package with crate-type cdylib + rlib (or lib + staticlib) gets no LTO at all, silently (cargo issue 9672)",
                "build scripts and proc macros are never LTO'd",
            ],
            &[
                PROFILES,
                CODEGEN,
                "Cargo source: src/cargo/core/compiler/lto.rs",
                "cargo issue 9672: https://github.com/rust-lang/cargo/issues/9672",
                FACTS,
            ],
        ),
        "codegen-units" => (
            "[profile.*] codegen-units",
            "How many pieces rustc splits each crate into so that code generation runs in parallel.",
            "16 (256 for incremental builds)",
            &[
                (
                    "16",
                    "release's default: 16 units per crate compiled in parallel, joined by thin local LTO when lto = false",
                ),
                (
                    "1",
                    "the whole crate as one unit: the most optimisation inside the crate, the least parallelism",
                ),
            ],
            "fewer units: less parallel code generation inside each crate, so longer builds on many cores",
            "more inlining inside each crate; and reproducibility: with 16 units the partitioning shifts when unrelated code changes, so a benchmark or a size can move without its code moving; 1 removes that",
            &[
                "codegen-units = 1 does not turn off an explicit lto = \"thin\" or \"fat\"; only lto = false (thin local) has nothing left to do with one unit",
            ],
            &[PROFILES, CODEGEN, FACTS],
        ),
        "opt-level" => (
            "[profile.*] opt-level",
            "How hard LLVM optimises.",
            "3",
            &[
                ("0", "no optimisation (dev's default)"),
                ("1, 2", "less optimisation, faster compiles"),
                (
                    "3",
                    "release's default: full optimisation, aggressive inlining and vectorisation",
                ),
                ("\"s\"", "optimise for size"),
                (
                    "\"z\"",
                    "optimise for size harder (also no loop vectorisation)",
                ),
            ],
            "higher levels compile slower; \"s\"/\"z\" usually run slower than 3",
            "3: speed; \"s\"/\"z\": smaller code, for embedded targets or downloads",
            &[
                "an explicit lto still runs at opt-level 0: the link pays for LTO while the code stays unoptimised",
            ],
            &[PROFILES, CODEGEN],
        ),
        "panic" => (
            "[profile.*] panic",
            "What a panic does: unwind the stack (running destructors) or abort the process.",
            "\"unwind\"",
            &[
                (
                    "\"unwind\"",
                    "release's default: the panicking thread unwinds, destructors run, catch_unwind can catch it",
                ),
                (
                    "\"abort\"",
                    "the process ends at the first panic: smaller code (no landing pads), but catch_unwind catches nothing and no destructors run",
                ),
            ],
            "abort: a panic in any thread (a web handler, a plugin) takes the whole process down, without cleanup",
            "abort: smaller binaries and slightly less code on hot paths",
            &["`cargo lto recommend --need unwind` rules abort out"],
            &[PROFILES, CODEGEN],
        ),
        "strip" => (
            "[profile.*] strip",
            "What the linker removes from the binary: debug info, or the symbol table as well.",
            "\"none\", which Cargo ≥ 1.77 turns into \"debuginfo\" when nothing in the build has debug info",
            &[
                ("\"none\"", "keep everything"),
                (
                    "\"debuginfo\"",
                    "drop debug info, keep symbols: backtraces show function names but no file:line (a small program: ~380 KB)",
                ),
                (
                    "\"symbols\"",
                    "drop the symbol table too: backtraces show `<unknown>` frames (~310 KB)",
                ),
            ],
            "\"symbols\": panics and crashes in the field become hard to diagnose",
            "a smaller file: none of it is code, so the program does not run faster",
            &[
                "LTO does not mangle backtraces; stripping symbols and missing debug info do",
                "`cargo lto recommend --need backtraces` rules out strip = \"symbols\"",
            ],
            &[PROFILES, FACTS],
        ),
        "debug" => (
            "[profile.*] debug",
            "How much debug info rustc emits: file:line for backtraces, debuggers and profilers.",
            "false (none)",
            &[
                ("false, 0, \"none\"", "none (release's default)"),
                (
                    "\"line-tables-only\"",
                    "file:line only: backtraces show file:line and inlined frames (a small program: ~2.1 MB)",
                ),
                (
                    "1, \"limited\"",
                    "line tables and little else about types and variables",
                ),
                ("true, 2, \"full\"", "everything a debugger needs"),
            ],
            "a much larger file and somewhat longer builds; it also turns off Cargo's default strip = \"debuginfo\"",
            "diagnosable backtraces and profiles; the code itself is the same",
            &[
                "a file-size comparison of binaries with debug info is mostly a comparison of debug info: compare the shipped size (what strip keeps)",
            ],
            &[PROFILES, FACTS],
        ),
        "incremental" => (
            "[profile.*] incremental",
            "Reuse compiler work between builds of a crate.",
            "false",
            &[
                ("false", "release's default"),
                ("true", "dev's default: faster rebuilds after an edit"),
            ],
            "in a release build: slower code, as incremental splits code into many more units and turns off the cross-crate inlining of small leaf functions (Rust ≥ 1.75)",
            "faster rebuilds; for dev, not for what ships",
            &[],
            &[
                PROFILES,
                "rustc: compiler/rustc_mir_transform/src/cross_crate_inline.rs",
            ],
        ),
        "target-cpu" => (
            "rustflags: -C target-cpu=NAME (no profile key; `cargo lto apply` writes .cargo/config.toml)",
            "Which CPU the code may assume: newer instruction sets (AVX2, …) for speed.",
            "the target's baseline (x86-64 on x86_64)",
            &[
                (
                    "x86-64-v2, x86-64-v3, …",
                    "a CPU level: runs on every CPU of that level or newer",
                ),
                ("native", "the CPU of the machine that builds it"),
            ],
            "a binary built for a newer CPU stops with an illegal instruction on an older one; `native` ties it to the build machine",
            "speed where the code vectorises or uses newer instructions",
            &[
                "per-profile rustflags exist only on nightly (cargo issue 10271): the flag applies to every profile of the target",
            ],
            &[CODEGEN, CONFIG],
        ),
        "linker" => (
            "rustflags: -C link-arg=-fuse-ld=NAME, or -C linker=PATH",
            "The program that joins the compiled objects into the binary.",
            "rust-lld on x86_64-unknown-linux-gnu since Rust 1.90 (`readelf -p .comment BINARY` shows \"Linker: LLD\"); the system's default elsewhere",
            &[
                (
                    "lld",
                    "LLVM's linker: fast, supports identical-code folding",
                ),
                ("mold", "a fast linker, when installed"),
                ("gold", "GNU gold (deprecated upstream)"),
                ("bfd", "GNU ld; no identical-code folding"),
            ],
            "a linker that is not installed fails the build; on x86_64 Linux leaving rust-lld needs -C linker-features=-lld",
            "link time, which is a large part of a rebuild; folding with lld (icf)",
            &["Cargo's lto never hands the linker bitcode, so LTO needs no special linker"],
            &[CODEGEN, CONFIG, FACTS],
        ),
        "icf" => (
            "rustflags: -C link-arg=-Wl,--icf=all|safe (lld; no profile key)",
            "Identical-code folding: the linker keeps one copy of functions whose machine code is identical.",
            "none",
            &[
                ("none", "no folding"),
                ("safe", "fold only functions whose address is not taken"),
                (
                    "all",
                    "fold every identical function (two functions may then share an address)",
                ),
            ],
            "a little link time; `all` can make distinct functions compare equal by address",
            "a smaller binary: on a tiny program 0.7% (451,192 → 448,016 bytes) without LTO",
            &["GNU ld (bfd) cannot fold: a build asking it to fails to link"],
            &[CODEGEN, FACTS],
        ),
        _ => return None,
    })
}

/// The explanation of `setting`, with what it did in `doc` when given;
/// None for a setting `explain` does not know.
pub fn explain(setting: &str, doc: Option<&MeasureDocument>) -> Option<Explanation> {
    let (lives_in, summary, default, values, costs, buys, notes, sources) = text(setting)?;
    Some(Explanation {
        setting: setting.to_string(),
        lives_in: lives_in.into(),
        summary: summary.into(),
        release_default: default.into(),
        values: values
            .iter()
            .map(|(v, m)| ValueMeaning {
                value: (*v).into(),
                meaning: (*m).into(),
            })
            .collect(),
        costs: costs.into(),
        buys: buys.into(),
        notes: notes.iter().map(|n| (*n).into()).collect(),
        sources: sources.iter().map(|s| (*s).into()).collect(),
        measured: doc.map(|d| observed(d, setting)).unwrap_or_default(),
        results_id: doc.map(|d| d.id.clone()),
    })
}

/// The one-line summary of every setting.
pub fn summaries() -> Vec<(&'static str, &'static str)> {
    SETTINGS
        .iter()
        .filter_map(|s| Some((*s, text(s)?.1)))
        .collect()
}

fn usable(c: &Configuration) -> bool {
    c.status == Status::Ok && c.identical_to.is_none() && c.binary.is_some() && c.build.is_some()
}

/// Pairs of configurations whose settings differ in `key` alone.
fn observed(doc: &MeasureDocument, key: &str) -> Vec<Observed> {
    let value = |c: &Configuration| {
        c.effective
            .get(key)
            .map(|s| s.value.clone())
            .or_else(|| c.settings.get(key).cloned())
            .unwrap_or_else(|| "?".into())
    };
    let others = |c: &Configuration| {
        let mut m = c.settings.clone();
        m.remove(key);
        m
    };
    let configs: Vec<&Configuration> = doc.configurations.iter().filter(|c| usable(c)).collect();
    let mut out = Vec::new();
    for (i, a) in configs.iter().enumerate() {
        for b in &configs[i + 1..] {
            let differs = a.settings.get(key) != b.settings.get(key) && value(a) != value(b);
            if !differs || others(a) != others(b) {
                continue;
            }
            let (ba, bb) = (a.binary.as_ref().unwrap(), b.binary.as_ref().unwrap());
            let (pa, pb) = (a.build.as_ref().unwrap(), b.build.as_ref().unwrap());
            let figure = |c: &Configuration, w: &str| {
                c.runtime
                    .iter()
                    .find(|r| r.workload == w)
                    .and_then(|r| r.vs_baseline.as_ref())
                    .map(|v| RuntimeFigure {
                        workload: w.to_string(),
                        ratio: v.ratio,
                        ratio_ci: v.ratio_ci,
                        verdict: v.verdict,
                    })
            };
            out.push(Observed {
                from: a.name.clone(),
                from_value: value(a),
                to: b.name.clone(),
                to_value: value(b),
                shipped_change: bb.shipped_bytes as f64 / ba.shipped_bytes as f64 - 1.0,
                size_change: bb.size_bytes as f64 / ba.size_bytes as f64 - 1.0,
                sections_change: super::wording::section_changes(&ba.sections, &bb.sections),
                build_ratio: pb.wall_s / pa.wall_s,
                link_rss_ratio: pa
                    .link
                    .zip(pb.link)
                    .map(|(x, y)| y.peak_rss_bytes as f64 / x.peak_rss_bytes as f64),
                runtime: doc
                    .workloads
                    .iter()
                    .map(|w| RuntimePair {
                        workload: w.name.clone(),
                        from: figure(a, &w.name),
                        to: figure(b, &w.name),
                        unusable: [a, b]
                            .iter()
                            .flat_map(|c| c.runtime.iter().filter(|r| r.workload == w.name))
                            .find_map(|r| {
                                if r.status != Status::Ok {
                                    Some("failed".to_string())
                                } else if r.output_differs {
                                    Some("output differs".to_string())
                                } else {
                                    None
                                }
                            }),
                    })
                    .collect(),
            });
        }
    }
    out
}
