//! The user's environment: their rustc wrapper is bypassed (and said so),
//! CARGO_TARGET_DIR is honoured.

use crate::common::{config, fixture, host, measure_json};

#[test]
fn user_wrapper_is_bypassed_and_target_dir_honoured() {
    let dir = fixture("tiny");
    let target = dir.join("elsewhere");
    // A wrapper that cannot run: were it used, every build would fail.
    let env = [
        (
            "RUSTC_WRAPPER",
            std::ffi::OsStr::new("/nonexistent/sccache"),
        ),
        ("CARGO_TARGET_DIR", target.as_os_str()),
    ];
    let run = measure_json(&dir, &["--no-rebuild", "--only", "off"], &env);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let notes = run.doc["notes"].to_string();
    assert!(
        notes.contains("/nonexistent/sccache") && notes.contains("bypassed"),
        "{notes}"
    );
    let path = config(&run.doc, "off")["binaries"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        path.starts_with(target.join("cargo-lto/off").to_str().unwrap()),
        "{path}"
    );
    assert!(target.join("cargo-lto/results/latest.json").is_file());
}

#[test]
fn rustflags_keys_join_the_users_own_flags() {
    // the user's flag in each of the places cargo reads rustflags from; a
    // configuration's `icf` must keep it and add its own
    let target_table = format!(
        "[target.{}]\nrustflags = [\"--cfg\", \"user_flag\"]\n",
        host()
    );
    let setups: [(&str, Option<&str>, Option<&str>); 3] = [
        (
            "string build.rustflags",
            Some("[build]\nrustflags = \"--cfg user_flag\"\n"),
            None,
        ),
        ("target rustflags", Some(target_table.as_str()), None),
        ("RUSTFLAGS", None, Some("--cfg user_flag")),
    ];
    for (setup, config_toml, rustflags) in setups {
        let dir = fixture("tiny");
        if let Some(text) = config_toml {
            std::fs::create_dir_all(dir.join(".cargo")).unwrap();
            std::fs::write(dir.join(".cargo/config.toml"), text).unwrap();
        }
        let env: Vec<(&str, &std::ffi::OsStr)> = rustflags
            .map(|r| ("RUSTFLAGS", std::ffi::OsStr::new(r)))
            .into_iter()
            .collect();
        let run = measure_json(
            &dir,
            &[
                "--only",
                "baseline,folded",
                "--with",
                "folded:icf=all",
                "--no-rebuild",
            ],
            &env,
        );
        assert_eq!(run.code, Some(0), "{setup}: {}", run.stderr);
        let folded = config(&run.doc, "folded");
        assert_eq!(folded["effective"]["icf"]["value"], "all", "{setup}");
        let passed = folded["measurement_env"].to_string();
        assert!(passed.contains("--icf=all"), "{setup}: {passed}");
        for name in ["baseline", "folded"] {
            let bin = config(&run.doc, name)["binaries"][0]["path"]
                .as_str()
                .unwrap()
                .to_string();
            let out = std::process::Command::new(&bin).arg("3").output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                stdout.contains("user_flag"),
                "{setup}: {name} lost the user's flag: {stdout}"
            );
        }
        // and the folding happened: identical code merged, the binary smaller
        let size = |n: &str| {
            config(&run.doc, n)["binaries"][0]["size_bytes"]
                .as_u64()
                .unwrap()
        };
        assert!(
            size("folded") < size("baseline"),
            "{setup}: {} vs {}",
            size("folded"),
            size("baseline")
        );
    }
}

#[test]
fn the_linker_key_picks_the_linker() {
    use object::Object;
    let dir = fixture("tiny");
    let run = measure_json(
        &dir,
        &["--only", "g", "--with", "g:linker=gold", "--no-rebuild"],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let path = config(&run.doc, "g")["binaries"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let data = std::fs::read(&path).unwrap();
    let file = object::File::parse(&*data).unwrap();
    assert!(
        file.section_by_name(".note.gnu.gold-version").is_some(),
        "not linked by gold"
    );
    // rustc's deprecation warning is cargo's output: the notes carry it
    let notes = run.doc["notes"].to_string();
    assert!(
        notes.contains("`g`: linked with gold") && notes.contains("deprecated"),
        "{notes}"
    );
}
