//! Tests of `workload.rs`: parsing `--run`, `--train` and the metadata's
//! tables, and the checks before anything runs.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn cli(runs: &[&str], cmds: &[&str], options: &Options) -> Result<Vec<Workload>, UsageError> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    from_cli(&s(runs), &s(cmds), options)
}

#[test]
fn workloads_parse_like_a_shell_and_name_themselves() {
    let options = Options {
        prepare: Some("rm -f out".into()),
        ..Options::default()
    };
    let w = cli(&["big='1 000' -v", "42"], &["hf=hyperfine {bin}"], &options).unwrap();
    assert_eq!(w[0].name, "big");
    assert_eq!(w[0].command, ["{bin}", "1 000", "-v"]);
    assert_eq!(w[1].name, "run2");
    assert_eq!(w[1].command, ["{bin}", "42"]);
    assert_eq!(w[2].command, ["hyperfine", "{bin}"]);
    // {bin} among --run's arguments would pass the binary to itself
    let err = cli(&["lit={bin} -c fn"], &[], &options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--run-cmd"), "{err}");
    assert_eq!(w[0].prepare.as_deref(), Some("rm -f out"));
    let app = Binaries::one("app", Path::new("/t/app"));
    assert_eq!(argv(&w[0], &app), ["/t/app", "1 000", "-v"]);
    let shell = Options {
        shell: true,
        ..Options::default()
    };
    let sh = cli(&["x=5 | wc -c"], &[], &shell).unwrap();
    assert_eq!(
        argv(&sh[0], &Binaries::one("app", Path::new("/t dir/app"))),
        ["sh", "-c", "'/t dir/app' 5 | wc -c"]
    );
    let none = Options::default();
    assert!(cli(&[], &["nobin=echo hi"], &none).is_err());
    assert!(cli(&["a=1", "a=2"], &[], &none).is_err());
    assert!(cli(&["'unclosed"], &[], &none).is_err());
    // a flag with `=` is an argument, not a name
    assert_eq!(
        cli(&["--n=3"], &[], &none).unwrap()[0].command,
        ["{bin}", "--n=3"]
    );
}

/// `{bin:NAME}` names one of several binaries; `{bin}` is the only one,
/// or the package's `default-run`, written out as `{bin:NAME}` so the
/// document says which ran; anything else is refused before building.
#[test]
fn several_binaries_are_named_in_commands() {
    let none = Options::default();
    assert_eq!(
        placeholders("a{bin}b{bin:two}{bin:}{bin:x y}{binary}")
            .into_iter()
            .map(|(r, n)| (r, n.map(str::to_string)))
            .collect::<Vec<_>>(),
        [(1..6, None), (7..16, Some("two".to_string()))]
    );
    let w = cli(&[], &["x={bin:one} --pipe {bin:two}"], &none).unwrap();
    let bins = Binaries {
        paths: [("one", "/t/one"), ("two", "/t/two")]
            .into_iter()
            .map(|(n, p)| (n.to_string(), PathBuf::from(p)))
            .collect(),
    };
    assert_eq!(argv(&w[0], &bins), ["/t/one", "--pipe", "/t/two"]);
    let shell = Options {
        shell: true,
        ..Options::default()
    };
    let sh = cli(&[], &["s={bin:one} | {bin:two} -"], &shell).unwrap();
    assert_eq!(argv(&sh[0], &bins)[2], "/t/one | /t/two -");
    // a command whose only placeholder is named still has one
    assert!(cli(&[], &["y=echo {bin:one}"], &none).is_ok());
    // {bin:NAME} is no more an argument than {bin} is
    assert!(cli(&["z={bin:one} 1"], &[], &none).is_err());

    let mut plain = cli(&["p=1"], &[], &none).unwrap().remove(0);
    let mut named = w[0].clone();
    resolve_bins(&mut named, &["one", "two"], None).unwrap();
    assert_eq!(named.command, w[0].command, "named: unchanged");
    let err = resolve_bins(&mut plain.clone(), &["one", "two"], None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("measures several (one, two)") && err.contains("{bin:NAME}"),
        "{err}"
    );
    resolve_bins(&mut plain, &["one", "two"], Some("two")).unwrap();
    assert_eq!(
        plain.command,
        ["{bin:two}", "1"],
        "default-run, written out"
    );
    let mut alone = cli(&["p=1"], &[], &none).unwrap().remove(0);
    resolve_bins(&mut alone, &["app"], Some("app")).unwrap();
    assert_eq!(alone.command, ["{bin}", "1"], "one binary: as written");
    let mut typo = cli(&[], &["t={bin:tow}"], &none).unwrap().remove(0);
    let err = resolve_bins(&mut typo, &["one", "two"], None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("{bin:tow} names no binary"), "{err}");
}

fn source(value: serde_json::Value) -> metadata::Source {
    let origin = "[workspace.metadata.cargo-lto] in /p/Cargo.toml".to_string();
    metadata::parse(origin, Path::new("/p/Cargo.toml"), &value).unwrap()
}

#[test]
fn metadata_workloads() {
    let s = source(json!({"workloads": {
        "big": {"args": "1000000", "dir": "data", "stdin": "/abs/in"},
        "pipe": {"command": "{bin} 5 | wc -c", "shell": true, "prepare": "true", "compare-output": "lines"}
    }}));
    let w = from_metadata(&[s], CompareOutput::Auto).unwrap();
    assert_eq!(w[0].name, "big");
    assert_eq!(w[0].command, ["{bin}", "1000000"]);
    assert_eq!(
        w[0].dir.as_deref(),
        Some(Path::new("/p/data")),
        "relative to the manifest"
    );
    assert_eq!(w[0].stdin.as_deref(), Some(Path::new("/abs/in")));
    assert!(w[1].shell);
    assert_eq!(w[1].prepare.as_deref(), Some("true"));
    assert_eq!(
        w[0].compare_output,
        CompareOutput::Auto,
        "--compare-output's"
    );
    assert_eq!(
        w[1].compare_output,
        CompareOutput::Lines,
        "its own key wins"
    );
    let both = source(json!({"workloads": {"x": {"args": "1", "command": "{bin}"}}}));
    assert!(from_metadata(&[both], CompareOutput::Auto).is_err());
}

#[test]
fn a_dotted_key_is_refused_not_passed_to_the_program() {
    // was: the key became `big.one=ARGS`, read back as one more argument
    let s = source(json!({"workloads": {"big.one": {"args": "7"}}}));
    let err = from_metadata(&[s], CompareOutput::Auto)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("workloads.big.one") && err.contains("`big.one` must be"),
        "{err}"
    );
    let s = source(json!({"workloads": {"big": {"args": "big.one=7"}}}));
    assert_eq!(
        from_metadata(&[s], CompareOutput::Auto).unwrap()[0].command,
        ["{bin}", "big.one=7"]
    );
}

#[test]
fn runnable_workloads_are_checked_before_building() {
    let none = Options::default();
    let ok = cli(
        &["a=1"],
        &["b=sh -c 'true' {bin}", "c=/bin/sh {bin}"],
        &none,
    )
    .unwrap();
    for w in &ok {
        assert!(check_runnable(w).is_ok(), "{w:?}");
    }
    let missing = cli(
        &[],
        &["x=/nonexistent/prog {bin}", "y=no-such-program-here {bin}"],
        &none,
    );
    for w in missing.unwrap() {
        let err = check_runnable(&w).unwrap_err().to_string();
        assert!(
            err.contains(&format!("workload `{}`", w.name)) && err.contains("not found"),
            "{err}"
        );
    }
    let in_nowhere = Options {
        dir: Some("/nonexistent/dir".into()),
        ..Options::default()
    };
    let err = check_runnable(&cli(&["w=1"], &[], &in_nowhere).unwrap()[0]).unwrap_err();
    assert!(
        err.to_string()
            .contains("directory /nonexistent/dir does not exist"),
        "{err}"
    );
    let no_input = Options {
        stdin: Some("/nonexistent/input".into()),
        ..Options::default()
    };
    assert!(check_runnable(&cli(&["w=1"], &[], &no_input).unwrap()[0]).is_err());
}

#[test]
fn training_runs_come_from_their_own_flags_and_table() {
    let none = Options::default();
    let t = training_from_cli(&["1 20000".into()], &["c={bin} 2".into()], &none).unwrap();
    assert_eq!(t[0].name, "train1");
    assert_eq!(t[1].name, "c");
    let e = training_from_cli(&[], &["true".into()], &none).unwrap_err();
    assert!(e.to_string().starts_with("--train-cmd 'true'"), "{e}");
    let s = source(
        json!({"train": {"corpus": {"args": "1 20000"}}, "workloads": {"w": {"args": "2"}}}),
    );
    let t = training_from_metadata(std::slice::from_ref(&s)).unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(
        (t[0].name.as_str(), &t[0].command[..]),
        (
            "corpus",
            &["{bin}".to_string(), "1".into(), "20000".into()][..]
        )
    );
    let e = training_from_metadata(&[source(json!({"train": {"x": {}}}))]).unwrap_err();
    assert!(e.to_string().contains("train.x"), "{e}");
}

#[test]
fn the_command_line_wins_over_metadata() {
    let none = Options::default();
    let from_cmd = cli(&["big=1"], &[], &none).unwrap();
    let s = source(json!({"workloads": {"big": {"args": "2"}, "small": {"args": "3"}}}));
    let all = collect(from_cmd, from_metadata(&[s], CompareOutput::Auto).unwrap());
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].command, ["{bin}", "1"]);
    assert_eq!(all[1].name, "small");
}

proptest! {
    /// Any `--run` text: a workload whose words, joined again like a
    /// shell would quote them, give back what was split — or an error.
    #[test]
    fn run_text_round_trips(words in prop::collection::vec("[ -~]{0,8}", 1..5)) {
        let text = shell_words::join(&words);
        let w = cli(&[&text], &[], &Options::default());
        let w = w.expect("a joined line always splits");
        prop_assert_eq!(&w[0].command[0], "{bin}");
        if !words[0].contains('=') {
            prop_assert_eq!(&w[0].name, "run1");
            prop_assert_eq!(&w[0].command[1..], &words[..]);
        }
    }

    #[test]
    fn any_run_text_parses_or_errs(text in "\\PC{0,40}") {
        let _ = cli(&[&text], &[&text], &Options::default());
    }
}
