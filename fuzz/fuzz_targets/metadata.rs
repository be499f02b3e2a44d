//! Fuzzes what a user writes in `[workspace.metadata.cargo-lto]`: any text
//! that is TOML goes through the typed parse, the configuration matrix and
//! the workloads, as `measure` would take it. None of them may panic; an
//! error must name the table it came from.
#![no_main]

use std::path::Path;

use cargo_lto::measure::runtime::workload;
use cargo_lto::metadata;
use cargo_lto::profile::matrix::{self, MatrixRequest};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "[workspace.metadata.cargo-lto] in /p/Cargo.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return;
    };
    // cargo metadata hands the table over as JSON
    let Ok(value) = serde_json::to_value(&table) else {
        return;
    };
    match metadata::parse(ORIGIN.into(), Path::new("/p/Cargo.toml"), &value) {
        Ok(source) => {
            let sources = [source];
            if let Err(e) = matrix::build(&MatrixRequest::default(), &sources) {
                assert!(e.to_string().contains(ORIGIN), "{e}");
            }
            if let Err(e) = workload::from_metadata(&sources, workload::CompareOutput::Auto) {
                assert!(e.to_string().contains(ORIGIN), "{e}");
            }
        }
        Err(e) => assert!(e.to_string().starts_with(ORIGIN), "{e}"),
    }
});
