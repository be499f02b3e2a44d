//! docs/ci/cargo-lto.yml works as written as far as it can be checked
//! here: it is valid YAML with the plan → measure → merge jobs, and every
//! `cargo lto …` command it runs parses with this CLI, flags included.

use clap::Parser;
use yaml_rust2::{Yaml, YamlLoader};

use crate::common::repo;

fn workflow() -> Yaml {
    let text = std::fs::read_to_string(repo().join("docs/ci/cargo-lto.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// Every `run:` script of a job.
fn runs(job: &Yaml) -> Vec<String> {
    job["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect()
}

/// The `cargo lto …` commands of a script, with GitHub expressions given
/// the values they take (a matrix entry's `args` is `--shard K/N`).
fn cargo_lto_commands(script: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in script.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("cargo lto ") {
            let tail = &rest[i..];
            let end = ["||", ">>", " > ", "|", ";", ")", "&&"]
                .iter()
                .filter_map(|s| tail.find(s))
                .min()
                .unwrap_or(tail.len());
            let cmd = tail[..end]
                .replace("${{ matrix.args }}", "--shard 1/2")
                .replace("$(", "");
            let cmd = regex_free_expressions(&cmd);
            out.push(shell_words::split(&cmd).unwrap());
            rest = &tail[end..];
        }
    }
    out
}

/// `${{ … }}` → `X`.
fn regex_free_expressions(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let j = rest[i..].find("}}").map_or(rest.len(), |j| i + j + 2);
        out.push('X');
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_workflow_is_valid_and_runs_only_real_commands() {
    let w = workflow();
    let jobs = &w["jobs"];
    for job in ["plan", "measure", "merge"] {
        assert!(!jobs[job].is_badvalue(), "job {job} missing");
    }
    assert_eq!(jobs["measure"]["needs"].as_str(), Some("plan"));
    assert_eq!(jobs["merge"]["needs"].as_str(), Some("measure"));
    assert_eq!(
        jobs["measure"]["strategy"]["matrix"].as_str(),
        Some("${{ fromJSON(needs.plan.outputs.matrix) }}")
    );
    let mut commands = Vec::new();
    for job in ["plan", "measure", "merge"] {
        for script in runs(&jobs[job]) {
            commands.extend(cargo_lto_commands(&script));
        }
    }
    let used: Vec<&str> = commands.iter().map(|c| c[2].as_str()).collect();
    for expected in ["plan", "measure", "merge", "report", "check"] {
        assert!(
            used.contains(&expected),
            "the workflow never runs `cargo lto {expected}`"
        );
    }
    for argv in &commands {
        cargo_lto::cli::Cargo::try_parse_from(argv)
            .unwrap_or_else(|e| panic!("`{}` does not parse: {e}", argv.join(" ")));
    }
}

#[test]
fn the_matrix_keys_the_workflow_reads_are_the_ones_plan_writes() {
    let text = std::fs::read_to_string(repo().join("docs/ci/cargo-lto.yml")).unwrap();
    let dir = crate::common::fixture("tiny");
    let out = crate::common::cargo_lto()
        .current_dir(&dir)
        .args(["plan", "--format", "github-matrix"])
        .output()
        .unwrap();
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let job = m["include"][0].as_object().unwrap();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("matrix.") {
        let key: String = rest[i + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert!(
            job.contains_key(&key),
            "the workflow reads matrix.{key}, plan writes {job:?}"
        );
        rest = &rest[i + 7..];
    }
}
