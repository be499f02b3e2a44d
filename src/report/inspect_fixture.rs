//! A small, fixed inspection report for the format snapshot tests.

use super::inspect_schema::*;

fn krate(name: &str, text: u64, functions: usize) -> CrateSize {
    CrateSize {
        name: name.into(),
        text_bytes: text,
        rodata_bytes: 0,
        functions,
    }
}

fn binary(name: &str, app: u64, std: u64, checksum_call: bool) -> BinaryReport {
    let callee = if checksum_call {
        "math_utils::checksum"
    } else {
        "math_utils::mix"
    };
    BinaryReport {
        name: name.into(),
        path: format!("/target/cargo-lto/{name}/app"),
        architecture: "X86_64".into(),
        text_bytes: app + std + 64 + 100,
        rodata_bytes: 4096,
        stripped: false,
        crates: vec![
            krate("std", std, 900),
            krate("app", app, 3),
            krate("math_utils", 64, 2),
        ],
        unattributed_bytes: 100,
        units: None,
        units_unattributed_bytes: None,
        functions: 905,
        calls: Some(CallsReport {
            call_sites: 2000,
            cross_crate_call_sites: 600,
            pairs: vec![
                CratePair {
                    from: "serde_json".into(),
                    to: "std".into(),
                    call_sites: 60,
                    top_callees: vec![Callee {
                        name: "std::io::Write::write_all".into(),
                        call_sites: 33,
                    }],
                },
                CratePair {
                    from: "app".into(),
                    to: "math_utils".into(),
                    call_sites: 1,
                    top_callees: vec![Callee {
                        name: callee.into(),
                        call_sites: 1,
                    }],
                },
            ],
        }),
        duplicates: Some(DuplicatesReport {
            groups: 1,
            functions: 2,
            foldable_bytes: 102,
            top: vec![DuplicateGroup {
                bytes: 102,
                count: 2,
                names: vec![
                    "<alloc::raw_vec::RawVec<u8>>::grow_one".into(),
                    "<alloc::raw_vec::RawVec<u16>>::grow_one".into(),
                ],
            }],
        }),
        unavailable: vec![],
    }
}

/// The fixed report: `off` against `fat` of a program like examples/cross-crate.
pub fn report() -> InspectReport {
    InspectReport {
        schema_version: INSPECT_SCHEMA_VERSION,
        tool: "cargo-lto test".into(),
        split_std: false,
        workspace_crates: vec!["app".into(), "math_utils".into()],
        binaries: vec![
            binary("off", 1200, 170_000, true),
            binary("fat", 3100, 150_000, false),
        ],
        diff: Some(DiffReport {
            base: "off".into(),
            against: "fat".into(),
            crates: vec![
                CrateDiff {
                    name: "std".into(),
                    base_bytes: 170_000,
                    against_bytes: 150_000,
                },
                CrateDiff {
                    name: "app".into(),
                    base_bytes: 1200,
                    against_bytes: 3100,
                },
            ],
            vanished: vec![
                FunctionChange {
                    name: "std::rt::lang_start_internal".into(),
                    krate: "std".into(),
                    bytes: 1700,
                    count: 1,
                    clone: None,
                },
                FunctionChange {
                    name: "math_utils::checksum".into(),
                    krate: "math_utils".into(),
                    bytes: 64,
                    count: 1,
                    clone: None,
                },
            ],
            vanished_total: Total {
                count: 2,
                bytes: 1764,
            },
            appeared: vec![FunctionChange {
                name: "<u64 as core::fmt::Display>::fmt".into(),
                krate: "std".into(),
                bytes: 265,
                count: 1,
                clone: Some(".llvm".into()),
            }],
            appeared_total: Total {
                count: 1,
                bytes: 265,
            },
            cross_crate_call_sites: Some((600, 534)),
        }),
        notes: vec!["a note".into()],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_snapshot() {
        insta::assert_snapshot!(super::super::inspect_table::render(&super::report(), 5));
    }

    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(super::super::inspect_markdown::render(&super::report(), 5));
    }

    #[test]
    fn json_snapshot() {
        insta::assert_json_snapshot!(super::report());
    }
}
