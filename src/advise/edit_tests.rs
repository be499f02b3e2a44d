//! The edits `apply` makes, on small hand-written files.

use std::path::Path;

use super::edit::{FlagsKey, config, diff, manifest};
use crate::profile::settings::Settings;

fn settings(list: &str) -> Settings {
    Settings::parse_list(list, "test").unwrap()
}

const COMMENTED: &str = r#"[package]
name = "x"   # the name
version = "0.1.0"

[profile.release]
# size matters here
lto = "thin"     # thin for now
debug = 1

[dependencies]
serde = "1"
"#;

#[test]
fn a_key_there_changes_in_place_with_its_comment() {
    let e = manifest(
        COMMENTED,
        "release",
        &settings("lto=fat,codegen-units=1"),
        "Cargo.toml",
    )
    .unwrap();
    insta::assert_snapshot!(diff(Path::new("Cargo.toml"), COMMENTED, &e.text), @r#"
    --- a/Cargo.toml
    +++ b/Cargo.toml
    @@ -4,8 +4,9 @@
     
     [profile.release]
     # size matters here
    -lto = "thin"     # thin for now
    +lto = "fat"     # thin for now
     debug = 1
    +codegen-units = 1
     
     [dependencies]
     serde = "1"
    "#);
    assert_eq!(
        e.written,
        [
            ("lto".to_string(), "\"fat\"".to_string()),
            ("codegen-units".to_string(), "1".to_string())
        ]
    );
}

#[test]
fn a_second_apply_changes_nothing() {
    let s = settings("lto=fat,codegen-units=1,opt-level=z,panic=abort,strip=symbols");
    let once = manifest(COMMENTED, "release", &s, "Cargo.toml").unwrap();
    let twice = manifest(&once.text, "release", &s, "Cargo.toml").unwrap();
    assert_eq!(once.text, twice.text);
    assert!(twice.written.is_empty());
}

#[test]
fn equal_meaning_is_no_change() {
    // lto = true is fat, as Cargo reads it
    let text = "[package]\nname = \"x\"\n\n[profile.release]\nlto = true\n";
    let e = manifest(text, "release", &settings("lto=fat"), "Cargo.toml").unwrap();
    assert_eq!(e.text, text);
}

#[test]
fn inherited_values_are_not_written() {
    let text = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n";
    // 16 units and unwind are release's defaults
    let e = manifest(
        text,
        "release",
        &settings("codegen-units=16,panic=unwind"),
        "Cargo.toml",
    )
    .unwrap();
    assert_eq!(e.text, text, "no table is created for nothing");
    assert_eq!(e.inherited, ["codegen-units", "panic"]);
    let e = manifest(
        text,
        "release",
        &settings("codegen-units=1,panic=unwind"),
        "Cargo.toml",
    )
    .unwrap();
    insta::assert_snapshot!(e.text, @r#"
    [package]
    name = "x"
    version = "0.1.0"

    [profile.release]
    codegen-units = 1
    "#);
}

#[test]
fn a_custom_profile_inherits_release() {
    let e = manifest(
        COMMENTED,
        "dist",
        &settings("lto=thin,codegen-units=16"),
        "Cargo.toml",
    )
    .unwrap();
    // lto = "thin" is what release already says: dist inherits it
    assert!(e.written.is_empty(), "{:?}", e.written);
    let e = manifest(COMMENTED, "dist", &settings("lto=fat"), "Cargo.toml").unwrap();
    // next to the other profile, every other line as it was
    insta::assert_snapshot!(diff(Path::new("Cargo.toml"), COMMENTED, &e.text), @r#"
    --- a/Cargo.toml
    +++ b/Cargo.toml
    @@ -7,5 +7,9 @@
     lto = "thin"     # thin for now
     debug = 1
     
    +[profile.dist]
    +inherits = "release"
    +lto = "fat"
    +
     [dependencies]
     serde = "1"
    "#);
}

#[test]
fn dotted_and_inline_profiles_are_edited_where_they_are() {
    let inline = "[package]\nname = \"x\"\n\n[profile]\nrelease = { lto = \"thin\" }\n";
    let e = manifest(inline, "release", &settings("lto=fat"), "Cargo.toml").unwrap();
    assert_eq!(
        e.text,
        "[package]\nname = \"x\"\n\n[profile]\nrelease = { lto = \"fat\" }\n"
    );
    let dotted = "profile.release.lto = \"thin\"\n[package]\nname = \"x\"\n";
    let e = manifest(dotted, "release", &settings("lto=fat"), "Cargo.toml").unwrap();
    assert_eq!(
        e.text,
        "profile.release.lto = \"fat\"\n[package]\nname = \"x\"\n"
    );
}

#[test]
fn bad_toml_and_shapes_are_errors() {
    let e = manifest("[package\n", "release", &settings("lto=fat"), "Cargo.toml").unwrap_err();
    assert!(
        e.to_string().starts_with("Cargo.toml is not valid TOML"),
        "{e}"
    );
    let e = manifest(
        "profile = 3\n",
        "release",
        &settings("lto=fat"),
        "Cargo.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("`profile` is not a table"), "{e}");
}

#[test]
fn flags_join_the_users_array_string_or_a_new_table() {
    let flags = vec!["-Ctarget-cpu=native".to_string()];
    let t = FlagsKey::Target("x86_64-unknown-linux-gnu".into());
    let array =
        "# mine\n[target.x86_64-unknown-linux-gnu]\nrustflags = [\"--cfg\", \"foo\"] # keep\n";
    let out = config(array, &t, &flags, "c").unwrap();
    assert_eq!(
        out,
        "# mine\n[target.x86_64-unknown-linux-gnu]\nrustflags = [\"--cfg\", \"foo\", \"-Ctarget-cpu=native\"] # keep\n"
    );
    assert_eq!(config(&out, &t, &flags, "c").unwrap(), out, "idempotent");
    let string = "[build]\nrustflags = \"--cfg foo\"\njobs = 2\n";
    let out = config(string, &FlagsKey::Build, &flags, "c").unwrap();
    assert_eq!(
        out,
        "[build]\nrustflags = \"--cfg foo -Ctarget-cpu=native\"\njobs = 2\n"
    );
    let other = "[alias]\nb = \"build\"\n";
    let out = config(other, &t, &flags, "c").unwrap();
    assert_eq!(
        out,
        "[alias]\nb = \"build\"\n\n[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Ctarget-cpu=native\"]\n"
    );
    let out = config("", &t, &flags, "c").unwrap();
    assert_eq!(
        out,
        "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Ctarget-cpu=native\"]\n"
    );
}

fn entry(name: &str, args: &str) -> super::edit::TrainEntry {
    super::edit::TrainEntry {
        name: name.into(),
        keys: vec![("args", toml_edit::Value::from(args))],
    }
}

#[test]
fn training_goes_into_the_workspace_table_or_the_packages() {
    use super::edit::train;
    let e = train(COMMENTED, &[entry("t", "1 \"a b\"")], "Cargo.toml").unwrap();
    // beside the table it belongs to; the rest byte for byte
    let (head, tail) = COMMENTED.split_at(COMMENTED.find("[profile").unwrap());
    assert_eq!(
        e.text,
        format!("{head}[package.metadata.cargo-lto.train.t]\nargs = '1 \"a b\"'\n\n{tail}")
    );
    assert_eq!(
        e.written.as_deref(),
        Some("package.metadata.cargo-lto.train")
    );
    // the value reads back
    let t: toml::Table = e.text.parse().unwrap();
    assert_eq!(
        t["package"]["metadata"]["cargo-lto"]["train"]["t"]["args"].as_str(),
        Some("1 \"a b\"")
    );
    let ws = "[workspace]\nmembers = [\"a\"]\n\n[workspace.metadata.cargo-lto]\npreset = \"pgo\"\n";
    let e = train(ws, &[entry("t", "1"), entry("u", "2")], "Cargo.toml").unwrap();
    assert_eq!(
        e.text,
        format!(
            "{ws}\n[workspace.metadata.cargo-lto.train.t]\nargs = \"1\"\n\n[workspace.metadata.cargo-lto.train.u]\nargs = \"2\"\n"
        )
    );
}

#[test]
fn a_train_table_there_is_left_as_it_is() {
    use super::edit::train;
    for there in [
        "[package]\nname = \"x\"\n[package.metadata.cargo-lto.train.mine]\nargs = \"9\"\n",
        "[workspace]\n[workspace.metadata.cargo-lto]\ntrain = {}\n",
    ] {
        let e = train(there, &[entry("t", "1")], "Cargo.toml").unwrap();
        assert_eq!(e.text, there);
        assert!(e.present.is_some() && e.written.is_none(), "{e:?}");
    }
    // nothing to write: nothing written
    let e = train(COMMENTED, &[], "Cargo.toml").unwrap();
    assert_eq!(
        (e.text.as_str(), e.present, e.written),
        (COMMENTED, None, None)
    );
}
