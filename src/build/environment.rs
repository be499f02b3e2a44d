//! The user's build environment where it meets a measurement: a rustc
//! wrapper of theirs (sccache, …) would turn builds into cache hits, so it
//! is bypassed and the results say so (a Cargo.lock that cargo creates is
//! `workspace::Lockfile`'s).

use crate::results::notes::{Note, NoteKind};

/// The rustc wrappers the user configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wrappers {
    /// Each wrapper and where it is set, in words.
    pub found: Vec<String>,
    /// A config file sets `build.rustc-workspace-wrapper`, which must be
    /// overridden with an empty `RUSTC_WORKSPACE_WRAPPER`.
    pub config_workspace_wrapper: bool,
}

impl Wrappers {
    /// What the results should say about them.
    pub fn notes(&self) -> Vec<Note> {
        let mut notes = Vec::new();
        if !self.found.is_empty() {
            notes.push(
                NoteKind::WrapperBypassed {
                    wrappers: self.found.clone(),
                }
                .into(),
            );
        }
        if self.config_workspace_wrapper {
            notes.push(NoteKind::WorkspaceWrapperBlanked.into());
        }
        notes
    }
}

/// Finds the wrappers set in the environment and in `configs`, the config
/// files cargo reads (path, table).
pub fn user_wrappers(configs: &[(String, toml::Table)]) -> Wrappers {
    let mut w = Wrappers::default();
    for var in [
        "RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    ] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            w.found
                .push(format!("`{}` (from ${var})", v.to_string_lossy()));
        }
    }
    for (file, doc) in configs {
        let build = doc.get("build").and_then(|b| b.as_table());
        for key in ["rustc-wrapper", "rustc-workspace-wrapper"] {
            if let Some(v) = build.and_then(|b| b.get(key)).and_then(|v| v.as_str())
                && !v.is_empty()
            {
                w.found.push(format!("`{v}` (build.{key} in {file})"));
                w.config_workspace_wrapper |= key == "rustc-workspace-wrapper";
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapper_notes() {
        let w = Wrappers {
            found: vec!["`sccache` (from $RUSTC_WRAPPER)".into()],
            config_workspace_wrapper: true,
        };
        let notes = w.notes();
        assert!(notes[0].text.contains("sccache") && notes[0].text.contains("bypassed"));
        assert!(notes[1].text.contains("RUSTC_WORKSPACE_WRAPPER"));
        assert!(Wrappers::default().notes().is_empty());
    }
}
