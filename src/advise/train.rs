//! `apply` of a pipeline (`pgo`, `bolt`): what no Cargo.toml can hold.
//! Its training runs become the metadata's `train` table, and the outcome
//! carries the `cargo lto build` line that runs the pipeline.

use std::path::Path;

use anyhow::Result;

use super::edit;
use crate::profile::settings::Settings;
use crate::results::measure::Workload;

/// A pipeline configuration to apply.
pub struct Pipeline<'a> {
    /// Its settings (the pipeline steps among them).
    pub settings: &'a Settings,
    /// Its name, for the build line.
    pub config: &'a str,
    /// The profile written (`--base-profile` of the build line).
    pub profile: &'a str,
    /// The runs that trained it.
    pub training: &'a [Workload],
    /// The server under load that trained it too (`measure --serve`).
    pub server: Option<&'a crate::results::serve::Server>,
    /// The workspace root, and where relative training paths were given.
    pub root: &'a Path,
    pub cwd: &'a Path,
}

/// What applying its pipeline part did.
#[derive(Debug, Default)]
pub struct Applied {
    /// `train.NAME` tables written, with their keys.
    pub keys: Vec<(String, String)>,
    /// Things the user should know.
    pub notes: Vec<String>,
    /// The command that builds the release with it.
    pub build_line: String,
}

/// A pipeline (`pgo`, `bolt`) lives in no Cargo.toml: its profile keys are
/// written as any others, its training as the metadata's `train` table in
/// the manifest `text` (unless it has one), and the answer carries the
/// `cargo lto build` line that runs the pipeline on the profile written.
pub fn apply(p: &Pipeline, text: &mut String, label: &str) -> Result<Applied> {
    let mut out = Applied::default();
    let entries: Vec<edit::TrainEntry> = p
        .training
        .iter()
        .map(|w| train_entry(w, p.root, p.cwd))
        .collect();
    let t = edit::train(text, &entries, label)?;
    *text = t.text;
    if let Some(at) = t.present {
        out.notes.push(format!(
            "[{at}] is already there and trains the build: left as it is"
        ));
    } else if let Some(at) = t.written {
        for e in &entries {
            let fields: Vec<String> = e.keys.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            out.keys.push((
                format!("{at}.{}", e.name),
                format!("{{ {} }}", fields.join(", ")),
            ));
        }
    } else if let Some(server) = p.server {
        out.notes.push(server_note(server, has_server_table(text)));
    } else {
        out.notes.push(
            "nothing trained this configuration here: add a `train` table to [workspace.metadata.cargo-lto] (the keys of `workloads`), or give `--train` to `cargo lto build`".into(),
        );
    }
    let steps: Vec<String> = p
        .settings
        .steps()
        .iter()
        .map(|s| format!("{}=on", s.name()))
        .collect();
    out.build_line = format!(
        "cargo lto build {0} --with {0}:{1}",
        p.config,
        steps.join(",")
    );
    if p.profile != "release" {
        out.build_line
            .push_str(&format!(" --base-profile {}", p.profile));
    }
    Ok(out)
}

/// Whether the manifest `text` has a `server` table in its cargo-lto
/// metadata (the workspace's or the package's).
fn has_server_table(text: &str) -> bool {
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return false;
    };
    ["workspace", "package"].iter().any(|top| {
        doc.get(top)
            .and_then(|t| t.get("metadata"))
            .and_then(|m| m.get("cargo-lto"))
            .and_then(|c| c.get("server"))
            .is_some()
    })
}

/// What trains a pipeline measured on a server: the manifest's `server`
/// table, or the one to add (its keys as measured) for `cargo lto build`
/// to train with.
fn server_note(server: &crate::results::serve::Server, present: bool) -> String {
    if present {
        return "the metadata's [workspace.metadata.cargo-lto.server] table trains the build: its `train-load`, else its loads".into();
    }
    let command = if server.command.first().map(String::as_str) == Some("{bin}") {
        format!("args = {:?}", shell_words::join(&server.command[1..]))
    } else {
        format!("command = {:?}", shell_words::join(&server.command))
    };
    let loads: Vec<String> = server
        .loads
        .iter()
        .map(|l| format!("{} = {:?}", l.name, shell_words::join(&l.command)))
        .collect();
    format!(
        "the server under load trained it (`measure --serve`), and `cargo lto build` trains with the metadata's server table: add [workspace.metadata.cargo-lto.server] with {command}, ready = {:?}, loads = {{ {} }}",
        server.ready,
        loads.join(", ")
    )
}

/// A training run as the keys of a `train.NAME` table: paths relative to
/// the workspace root where they are under it.
pub fn train_entry(w: &Workload, root: &Path, cwd: &Path) -> edit::TrainEntry {
    use toml_edit::Value;
    let mut keys: Vec<(&'static str, Value)> = Vec::new();
    let only_bin_first = w.command.first().map(String::as_str) == Some("{bin}")
        && w.command.iter().skip(1).all(|a| !a.contains("{bin}"));
    if w.shell {
        keys.push(("command", Value::from(w.command.join(" "))));
        keys.push(("shell", Value::from(true)));
    } else if only_bin_first {
        keys.push(("args", Value::from(shell_words::join(&w.command[1..]))));
    } else {
        keys.push(("command", Value::from(shell_words::join(&w.command))));
    }
    if let Some(p) = &w.prepare {
        keys.push(("prepare", Value::from(p.as_str())));
    }
    let near = |p: &Path| {
        let abs = cwd.join(p);
        abs.strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
            .display()
            .to_string()
    };
    if let Some(d) = &w.dir {
        keys.push(("dir", Value::from(near(d))));
    }
    if let Some(f) = &w.stdin {
        keys.push(("stdin", Value::from(near(f))));
    }
    edit::TrainEntry {
        name: w.name.clone(),
        keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::measure::CompareOutput;

    fn workload(command: &[&str], shell: bool) -> Workload {
        Workload {
            name: "t".into(),
            command: command.iter().map(|w| w.to_string()).collect(),
            shell,
            prepare: None,
            dir: None,
            stdin: None,
            compare_output: CompareOutput::Auto,
            compared_by: None,
            noise: None,
            input_sha256: None,
            carried_from: None,
        }
    }

    fn keys(w: &Workload) -> Vec<String> {
        train_entry(w, Path::new("/ws"), Path::new("/ws/sub"))
            .keys
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect()
    }

    #[test]
    fn a_server_table_is_found_in_either_metadata() {
        assert!(has_server_table(
            "[workspace.metadata.cargo-lto.server]\nargs = \"x\"\n"
        ));
        assert!(has_server_table(
            "[package]\nname = \"p\"\n[package.metadata.cargo-lto.server]\nargs = \"x\"\n"
        ));
        assert!(!has_server_table(
            "[workspace.metadata.cargo-lto.train.a]\nargs = \"x\"\n"
        ));
    }

    #[test]
    fn the_build_line_names_the_steps_on_and_a_custom_profile() {
        let settings = Settings::parse_list("lto=fat,pgo=on,bolt=off", "test").unwrap();
        let training = [workload(&["{bin}", "1"], false)];
        let p = Pipeline {
            settings: &settings,
            config: "rel",
            profile: "dist",
            training: &training,
            server: None,
            root: Path::new("/ws"),
            cwd: Path::new("/ws"),
        };
        let mut text = "[package]\nname = \"x\"\n".to_string();
        let a = apply(&p, &mut text, "Cargo.toml").unwrap();
        assert_eq!(
            a.build_line,
            "cargo lto build rel --with rel:pgo=on --base-profile dist"
        );
        assert!(
            text.ends_with("[package.metadata.cargo-lto.train.t]\nargs = \"1\"\n"),
            "{text}"
        );
        assert_eq!(
            a.keys,
            [(
                "package.metadata.cargo-lto.train.t".to_string(),
                "{ args = \"1\" }".to_string()
            )]
        );
        // a second time: the table is there, and kept
        let again = apply(&p, &mut text, "Cargo.toml").unwrap();
        assert!(
            again.keys.is_empty() && again.notes[0].contains("already there"),
            "{again:?}"
        );
    }

    #[test]
    fn a_training_run_is_written_as_the_keys_it_was_read_from() {
        // arguments to the binary, quoted as a shell reads them back
        assert_eq!(
            keys(&workload(&["{bin}", "1", "a b"], false)),
            [r#"args = "1 'a b'""#]
        );
        // a command with {bin} elsewhere
        assert_eq!(
            keys(&workload(&["env", "X=1", "{bin}", "2"], false)),
            [r#"command = "env 'X=1' {bin} 2""#]
        );
        // through the shell, as one string
        assert_eq!(
            keys(&workload(&["{bin} 5 | wc -c"], true)),
            [r#"command = "{bin} 5 | wc -c""#, "shell = true"]
        );
        // paths relative to the root where they are under it
        let mut w = workload(&["{bin}"], false);
        w.dir = Some("data".into());
        w.stdin = Some("/elsewhere/in.txt".into());
        w.prepare = Some("make input".into());
        assert_eq!(
            keys(&w),
            [
                r#"args = """#,
                r#"prepare = "make input""#,
                r#"dir = "sub/data""#,
                r#"stdin = "/elsewhere/in.txt""#
            ]
        );
    }
}
