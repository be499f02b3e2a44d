//! Tests of `settings.rs`: values checked as Cargo checks them, the lists
//! the command line takes, and round trips through what is printed.

use super::*;
use crate::profile::values::Lto;

#[test]
fn lto_true_is_fat_and_false_is_thin_local() {
    let s = Settings::parse_list("lto=true", "test").unwrap();
    assert_eq!(s.lto(), Some(Lto::Fat));
    let s = Settings::parse_list("lto=false", "test").unwrap();
    assert_eq!(s.lto(), Some(Lto::ThinLocal));
    let s = Settings::parse_list("lto=thin", "test").unwrap();
    assert_eq!(s.lto(), Some(Lto::Thin));
}

#[test]
fn string_true_is_rejected_like_cargo_does() {
    let err = Settings::parse_list("lto=\"true\"", "--with x").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`lto`"), "{text}");
    assert!(text.contains("--with x"), "{text}");
}

#[test]
fn bare_and_quoted_strings_agree() {
    let a = Settings::parse_list("opt-level=z, panic=abort, strip=symbols", "t").unwrap();
    let b = Settings::parse_list("opt-level=\"z\",panic=\"abort\",strip=\"symbols\"", "t").unwrap();
    assert_eq!(a, b);
    assert_eq!(
        a.to_string(),
        "opt-level=\"z\" panic=\"abort\" strip=\"symbols\""
    );
}

#[test]
fn unknown_key_and_bad_values_are_named() {
    let err = Settings::parse_list("ltoo=fat", "t")
        .unwrap_err()
        .to_string();
    assert!(err.contains("ltoo"), "{err}");
    for bad in [
        "codegen-units=0",
        "opt-level=4",
        "panic=crash",
        "debug=9",
        "incremental=1",
    ] {
        assert!(Settings::parse_list(bad, "t").is_err(), "{bad} accepted");
    }
    assert!(Settings::parse_list("lto", "t").is_err());
}

#[test]
fn rustflags_keys_are_checked_and_kept_out_of_the_profile() {
    let s = Settings::parse_list("lto=fat,target-cpu=native,linker=mold,icf=all", "t").unwrap();
    assert_eq!(s.profile_pairs(), [("lto", "\"fat\"".to_string())]);
    assert_eq!(s.iter().count(), 4);
    assert_eq!(s.living_in(Lives::Rustflags).count(), 3);
    assert!(Settings::parse_list("linker=/usr/bin/ld.lld", "t").is_ok());
    for bad in ["linker=ld", "linker=/a b/ld", "icf=most", "target-cpu=\"\""] {
        assert!(Settings::parse_list(bad, "t").is_err(), "{bad} accepted");
    }
}

#[test]
fn the_document_map_reads_back_to_the_same_settings() {
    let s = Settings::parse_list(
        "lto=false,codegen-units=1,opt-level=z,strip=true,debug=2,linker=/usr/bin/ld.lld,icf=safe",
        "t",
    )
    .unwrap();
    let map = s.to_map();
    assert_eq!(map["lto"], "false");
    assert_eq!(map["strip"], "symbols");
    assert_eq!(map["debug"], "full");
    assert_eq!(Settings::from_map(&map, "doc").unwrap(), s);
}

/// One valid `key=value` of each key, as a user could write it.
fn valid_item() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        prop::sample::select(vec!["true", "false", "off", "thin", "fat", "\"fat\""])
            .prop_map(|v| format!("lto={v}")),
        (1u32..512).prop_map(|n| format!("codegen-units={n}")),
        prop::sample::select(vec!["0", "1", "2", "3", "s", "z", "\"z\""])
            .prop_map(|v| format!("opt-level={v}")),
        prop::sample::select(vec!["unwind", "abort"]).prop_map(|v| format!("panic={v}")),
        prop::sample::select(vec!["none", "debuginfo", "symbols", "true", "false"])
            .prop_map(|v| format!("strip={v}")),
        prop::sample::select(vec!["0", "1", "2", "none", "line-tables-only", "full"])
            .prop_map(|v| format!("debug={v}")),
        any::<bool>().prop_map(|b| format!("incremental={b}")),
        any::<bool>().prop_map(|b| format!("overflow-checks={b}")),
        prop::sample::select(vec!["native", "x86-64-v3"]).prop_map(|v| format!("target-cpu={v}")),
        prop::sample::select(vec!["lld", "mold", "/usr/bin/ld.gold"])
            .prop_map(|v| format!("linker={v}")),
        prop::sample::select(vec!["none", "safe", "all"]).prop_map(|v| format!("icf={v}")),
    ]
}

proptest::proptest! {
    /// Any text: settings or an error naming where it came from; no panic.
    #[test]
    fn any_list_parses_or_is_named(text in "\\PC{0,40}") {
        if let Err(e) = Settings::parse_list(&text, "--with x") {
            proptest::prop_assert!(e.to_string().starts_with("--with x"), "{}", e);
        }
    }

    /// Valid lists parse, and what they print parses back to the same.
    #[test]
    fn valid_lists_round_trip(items in proptest::collection::vec(valid_item(), 0..8)) {
        let s = Settings::parse_list(&items.join(","), "t").unwrap();
        let printed: Vec<String> = s.iter().map(|(k, v)| format!("{k}={}", v.toml())).collect();
        proptest::prop_assert_eq!(Settings::parse_list(&printed.join(","), "t").unwrap(), s);
    }
}

#[test]
fn pairs_are_valid_toml_values() {
    let s = Settings::parse_list(
        "lto=off,codegen-units=1,opt-level=3,panic=abort,strip=none,debug=1,incremental=false",
        "t",
    )
    .unwrap();
    for (key, value) in s.iter() {
        let parsed: toml::Table = toml::from_str(&format!("{key} = {}", value.toml())).unwrap();
        let mut again = Settings::default();
        again.set(key.name(), &parsed[key.name()], "t").unwrap();
        assert_eq!(again.get(key), Some(value));
    }
}

#[test]
fn split_debuginfo_is_a_profile_key_with_its_default() {
    use crate::profile::values::{SplitDebuginfo, Value};
    let s = Settings::parse_list("split-debuginfo=packed", "t").unwrap();
    assert_eq!(
        s.profile_pairs(),
        [("split-debuginfo", "\"packed\"".to_string())]
    );
    assert!(Settings::parse_list("split-debuginfo=zipped", "t").is_err());
    assert_eq!(
        Key::SplitDebuginfo.default_in("release"),
        Some(&Value::SplitDebuginfo(SplitDebuginfo::Off))
    );
}
