//! The names of crates, a leaf every part of `inspect` may use: the crates
//! that make up the standard library, the bucket of non-Rust code, and the
//! crate a compile unit belongs to.

/// The crates that make up the standard library as shipped with rustc.
pub const STD_CRATES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    "panic_unwind",
    "panic_abort",
    "unwind",
    "compiler_builtins",
    "std_detect",
    "rustc_std_workspace_core",
    "rustc_std_workspace_alloc",
    // std's allocator shim (`__rustc::__rdl_alloc`, …)
    "__rustc",
];

/// Where non-Rust symbols go.
pub const NON_RUST: &str = "[non-Rust]";

/// The crate of a compile unit named by rustc (`src/lib.rs/@/serde_json.1a2b-cgu.03`).
pub fn crate_of_unit(name: &str, split_std: bool) -> String {
    let Some((_, cgu)) = name.rsplit_once("/@/") else {
        return NON_RUST.to_string();
    };
    let krate = cgu.split('.').next().unwrap_or(cgu);
    if !split_std && STD_CRATES.contains(&krate) {
        "std".to_string()
    } else {
        krate.to_string()
    }
}
