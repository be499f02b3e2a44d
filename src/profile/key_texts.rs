//! What `explain` says about each key: the text of the key table's
//! `explain` entries. Every claim here is reproduced in docs/facts.md, and
//! each text cites the sections it rests on.

/// What `explain` says about a key.
#[derive(Debug)]
pub struct Explain {
    /// Where the setting is written.
    pub lives_in: &'static str,
    /// One sentence: what it does.
    pub summary: &'static str,
    /// Its release default, in words.
    pub default: &'static str,
    /// Each value (as written) and what it means.
    pub values: &'static [(&'static str, &'static str)],
    /// What it costs.
    pub costs: &'static str,
    /// What it buys.
    pub buys: &'static str,
    /// What users get wrong about it.
    pub notes: &'static [&'static str],
    /// The sections of docs/facts.md that reproduce what is said.
    pub sources: &'static [&'static str],
}

/// A section of docs/facts.md, as `explain` cites it.
macro_rules! fact {
    ($id:literal) => {
        concat!("docs/facts.md § ", $id)
    };
}

/// What `explain` says about the key.
pub static LTO: Explain = Explain {
    lives_in: "[profile.*] lto",
    summary: "Link-time optimisation: LLVM optimises across crate boundaries (inlining, removing unused code) when the final binary is produced.",
    default: "false (thin local LTO)",
    values: &[
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
    costs: "thin and fat rebuild every dependency (the setting changes each unit's -C metadata hash) and build dependencies as bitcode; the final link step does the optimisation: fat's is single-threaded and its memory peak can be several times thin's (large projects have been OOM-killed on CI runners)",
    buys: "smaller, often faster code: code from other crates can be inlined and unused code dropped; std, core and alloc take part too, so even hello-world shrinks under fat",
    notes: &[
        "rustc runs the LTO itself: the system linker receives native objects, so cross-compiling needs no bitcode-aware linker (only -C linker-plugin-lto hands it bitcode)",
        "a library's [profile] never applies to its users: the workspace root's profile of the final binary decides",
        "-C lto in RUSTFLAGS fails (`-C embed-bitcode=no` and `-C lto` are incompatible) and hits proc macros: use the profile",
        "a library with crate-type cdylib + rlib (or lib + staticlib) is built without LTO, silently: its .so/.a gets none, while the package's binaries still do, its code included",
        "build scripts and proc macros are never LTO'd",
    ],
    sources: &[
        fact!("lto-values"),
        fact!("thin-local-needs-units"),
        fact!("lto-rebuilds-dependencies"),
        fact!("never-lto"),
        fact!("root-profile-only"),
        fact!("rustc-does-lto"),
        fact!("rustflags-lto-fails"),
        fact!("cdylib-rlib-no-lto"),
        fact!("fat-memory"),
    ],
};

/// What `explain` says about the key.
pub static CODEGEN_UNITS: Explain = Explain {
    lives_in: "[profile.*] codegen-units",
    summary: "How many pieces rustc splits each crate into so that code generation runs in parallel.",
    default: "16 (256 for incremental builds)",
    values: &[
        (
            "16",
            "release's default: 16 units per crate compiled in parallel, joined by thin local LTO when lto = false",
        ),
        (
            "1",
            "the whole crate as one unit: the most optimisation inside the crate, the least parallelism",
        ),
    ],
    costs: "fewer units: less parallel code generation inside each crate, so longer builds on many cores",
    buys: "more inlining inside each crate; and reproducibility: with 16 units the partitioning shifts when unrelated code changes, so a benchmark or a size can move without its code moving; 1 removes that",
    notes: &[
        "codegen-units = 1 does not turn off an explicit lto = \"thin\" or \"fat\"; only lto = false (thin local) has nothing left to do with one unit",
    ],
    sources: &[
        fact!("codegen-units"),
        fact!("thin-local-needs-units"),
        fact!("release-defaults"),
    ],
};

/// What `explain` says about the key.
pub static OPT_LEVEL: Explain = Explain {
    lives_in: "[profile.*] opt-level",
    summary: "How hard LLVM optimises.",
    default: "3",
    values: &[
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
    costs: "higher levels compile slower; \"s\"/\"z\" usually run slower than 3",
    buys: "3: speed; \"s\"/\"z\": smaller code, for embedded targets or downloads",
    notes: &[
        "an explicit lto still runs at opt-level 0: the link pays for LTO while the code stays unoptimised",
    ],
    sources: &[
        fact!("opt-level"),
        fact!("thin-local-needs-units"),
        fact!("release-defaults"),
    ],
};

/// What `explain` says about the key.
pub static PANIC: Explain = Explain {
    lives_in: "[profile.*] panic",
    summary: "What a panic does: unwind the stack (running destructors) or abort the process.",
    default: "\"unwind\"",
    values: &[
        (
            "\"unwind\"",
            "release's default: the panicking thread unwinds, destructors run, catch_unwind can catch it",
        ),
        (
            "\"abort\"",
            "the process ends at the first panic: smaller code (no landing pads), but catch_unwind catches nothing and no destructors run",
        ),
    ],
    costs: "abort: a panic in any thread (a web handler, a plugin) takes the whole process down, without cleanup",
    buys: "abort: smaller binaries and slightly less code on hot paths",
    notes: &["`cargo lto recommend --need unwind` rules abort out"],
    sources: &[fact!("panic-abort"), fact!("release-defaults")],
};

/// What `explain` says about the key.
pub static STRIP: Explain = Explain {
    lives_in: "[profile.*] strip",
    summary: "What the linker removes from the binary: debug info, or the symbol table as well.",
    default: "\"none\", which Cargo ≥ 1.77 turns into \"debuginfo\" when nothing in the build has debug info",
    values: &[
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
    costs: "\"symbols\": panics and crashes in the field become hard to diagnose",
    buys: "a smaller file: none of it is code, so the program does not run faster",
    notes: &[
        "LTO does not mangle backtraces; stripping symbols and missing debug info do",
        "`cargo lto recommend --need backtraces` rules out strip = \"symbols\"",
    ],
    sources: &[
        fact!("strip-backtraces"),
        fact!("release-defaults"),
        fact!("shipped-bytes"),
    ],
};

/// What `explain` says about the key.
pub static DEBUG: Explain = Explain {
    lives_in: "[profile.*] debug",
    summary: "How much debug info rustc emits: file:line for backtraces, debuggers and profilers.",
    default: "false (none)",
    values: &[
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
    costs: "a much larger file and somewhat longer builds; it also turns off Cargo's default strip = \"debuginfo\"",
    buys: "diagnosable backtraces and profiles; the code itself is the same",
    notes: &[
        "a file-size comparison of binaries with debug info is mostly a comparison of debug info: compare the shipped size (what strip keeps)",
    ],
    sources: &[
        fact!("debug-levels"),
        fact!("strip-backtraces"),
        fact!("shipped-bytes"),
        fact!("release-defaults"),
    ],
};

/// What `explain` says about the key.
pub static SPLIT_DEBUGINFO: Explain = Explain {
    lives_in: "[profile.*] split-debuginfo",
    summary: "Where the debug info goes: inside the binary, or beside it in separate files.",
    default: "\"off\" on Linux (inside the binary); macOS's dev builds use \"unpacked\"",
    values: &[
        ("\"off\"", "the debug info stays inside the binary"),
        (
            "\"packed\"",
            "the debug info goes into one file beside the binary (a .dwp on Linux): the binary is as small as without it, and a debugger still finds it",
        ),
        (
            "\"unpacked\"",
            "the debug info stays in the object files (.dwo on Linux), which must be kept for debugging",
        ),
    ],
    costs: "a second file to ship or archive beside the binary for symbolication; \"packed\" adds a packaging step to the link",
    buys: "with debug info on, a much smaller binary and faster links, while debuggers and profilers keep file:line",
    notes: &[
        "without debug info (release's default) there is nothing to split: the setting changes nothing",
    ],
    sources: &[fact!("split-debuginfo"), fact!("shipped-bytes")],
};

/// What `explain` says about the key.
pub static INCREMENTAL: Explain = Explain {
    lives_in: "[profile.*] incremental",
    summary: "Reuse compiler work between builds of a crate.",
    default: "false",
    values: &[
        ("false", "release's default"),
        ("true", "dev's default: faster rebuilds after an edit"),
    ],
    costs: "in a release build: slower code, as incremental splits code into many more units and turns off the cross-crate inlining of small leaf functions (Rust ≥ 1.75)",
    buys: "faster rebuilds; for dev, not for what ships",
    notes: &[],
    sources: &[
        fact!("incremental-release"),
        fact!("leaf-inlining"),
        fact!("release-defaults"),
    ],
};

/// What `explain` says about the key.
pub static TARGET_CPU: Explain = Explain {
    lives_in: "rustflags: -C target-cpu=NAME (no profile key; `cargo lto apply` writes .cargo/config.toml)",
    summary: "Which CPU the code may assume: newer instruction sets (AVX2, …) for speed.",
    default: "the target's baseline (x86-64 on x86_64)",
    values: &[
        (
            "x86-64-v2, x86-64-v3, …",
            "a CPU level: runs on every CPU of that level or newer",
        ),
        ("native", "the CPU of the machine that builds it"),
    ],
    costs: "a binary built for a newer CPU stops with an illegal instruction on an older one; `native` ties it to the build machine",
    buys: "speed where the code vectorises or uses newer instructions",
    notes: &[
        "per-profile rustflags exist only on nightly: the flag applies to every profile of the target",
    ],
    sources: &[fact!("target-cpu"), fact!("rustflags-sources")],
};

/// What `explain` says about the key.
pub static LINKER: Explain = Explain {
    lives_in: "rustflags: -C link-arg=-fuse-ld=NAME, or -C linker=PATH",
    summary: "The program that joins the compiled objects into the binary.",
    default: "rust-lld on x86_64-unknown-linux-gnu since Rust 1.90 (`readelf -p .comment BINARY` shows \"Linker: LLD\"); the system's default elsewhere",
    values: &[
        (
            "lld",
            "LLVM's linker: fast, supports identical-code folding",
        ),
        ("mold", "a fast linker, when installed"),
        ("gold", "GNU gold (deprecated upstream)"),
        ("bfd", "GNU ld; no identical-code folding"),
    ],
    costs: "a linker that is not installed fails the build; on x86_64 Linux leaving rust-lld needs -C linker-features=-lld",
    buys: "link time, which is a large part of a rebuild; folding with lld (icf)",
    notes: &["Cargo's lto never hands the linker bitcode, so LTO needs no special linker"],
    sources: &[
        fact!("linker-choice"),
        fact!("rust-lld-default"),
        fact!("rustc-does-lto"),
        fact!("rustflags-sources"),
    ],
};

/// What `explain` says about the key.
pub static ICF: Explain = Explain {
    lives_in: "rustflags: -C link-arg=-Wl,--icf=all|safe (lld; no profile key)",
    summary: "Identical-code folding: the linker keeps one copy of functions whose machine code is identical.",
    default: "none",
    values: &[
        ("none", "no folding"),
        ("safe", "fold only functions whose address is not taken"),
        (
            "all",
            "fold every identical function (two functions may then share an address)",
        ),
    ],
    costs: "a little link time; `all` can make distinct functions compare equal by address",
    buys: "a smaller binary: on a tiny program 0.7% (451,192 → 448,016 bytes) without LTO",
    notes: &["GNU ld (bfd) cannot fold: a build asking it to fails to link"],
    sources: &[fact!("icf"), fact!("rust-lld-default")],
};

/// What `explain` says about the key.
pub static PGO: Explain = Explain {
    lives_in: "cargo-lto's pipeline (no Cargo.toml can hold it): --with NAME:pgo=on, the metadata, --preset pgo",
    summary: "Profile-guided optimization: build the configuration instrumented, run it on representative input, and build it again with the profile of where its time went.",
    default: "off",
    values: &[
        ("\"off\"", "a plain build"),
        (
            "\"on\"",
            "an instrumented build (-Cprofile-generate), the training (--train, else the measured workloads), llvm-profdata merge, then the build with -Cprofile-use",
        ),
    ],
    costs: "a second full build and a training run: on sd 1.0.0 the release pipeline took ×2.24 as long, its instrumented build being the costly stage; llvm-profdata of rustc's LLVM version is needed",
    buys: "fewer instructions where the training went: −10.5% over fat on a branchy test program, −5.6% on sd, trained and counted on different input",
    notes: &[
        "a profile fits only the configuration it was trained under: every PGO configuration trains its own",
        "an llvm-profdata of another LLVM major version cannot read rustc's profiles",
        "trained and measured on the same input, the gain is an upper bound: train with --train on other input",
    ],
    sources: &[
        fact!("pgo-steps"),
        fact!("pgo-profdata-version"),
        fact!("pgo-profile-per-configuration"),
    ],
};

/// What `explain` says about the key.
pub static BOLT: Explain = Explain {
    lives_in: "cargo-lto's pipeline (no Cargo.toml can hold it): --with NAME:bolt=on, the metadata, --preset pgo",
    summary: "BOLT rewrites the linked binary's code layout from a profile of a training run: hot code together, cold code split off.",
    default: "off",
    values: &[
        ("\"off\"", "a plain build"),
        (
            "\"on\"",
            "the build linked with its relocations (-Wl,--emit-relocs) and unstripped, llvm-bolt -instrument, the training, merge-fdata, llvm-bolt, then llvm-strip as the profile says",
        ),
    ],
    costs: "the BOLT stages are quick next to a build; the file grows a little (+8.9% on sd, laid out in the original code's place); llvm-bolt and merge-fdata of rustc's LLVM version are needed",
    buys: "instruction-fetch locality, which instruction counts do not show (−0.3% instructions over fat + PGO on a test program); judge it by simulated instruction-cache misses (`--counter ifetch-misses`: −2.7% there) or by time on a quiet machine",
    notes: &[
        "no perf needed: BOLT's own instrumentation profiles the training",
        "a stripped link cannot keep the relocations BOLT needs: the build is linked unstripped and stripped after BOLT",
    ],
    sources: &[fact!("bolt-steps"), fact!("bolt-emit-relocs-strip")],
};
