//! One integration test binary: real cargo, tiny fixture workspaces copied
//! to temporary directories, the built `cargo-lto` driven as a user would.

mod apply;
mod architecture;
mod bad_input;
mod benches;
mod binaries;
mod build_runs;
mod check;
mod common;
mod concurrent;
mod doctor;
mod environment;
mod failures;
mod history;
mod html;
mod identical;
mod inspect;
mod interrupt;
mod measure_example;
mod pgo;
mod report;
mod runtime;
mod servers;
mod shards;
mod stripped;
mod warm;
mod workflow;
