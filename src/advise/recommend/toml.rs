//! The TOML a recommendation gives to paste.

use std::collections::BTreeMap;

use crate::results::pipeline::PipelineStep;

/// The TOML to paste: profile keys under `[profile.<profile>]`; rustflags
/// keys as a comment pointing at `cargo lto apply`, which knows where they go.
pub fn toml_snippet(profile: &str, settings: &BTreeMap<String, String>) -> String {
    let Ok(parsed) = crate::profile::Settings::from_map(settings, "recommendation") else {
        return String::new();
    };
    let profile_pairs = parsed.profile_pairs();
    let mut out = String::new();
    if !profile_pairs.is_empty() {
        out.push_str(&format!("[profile.{profile}]\n"));
        for (k, v) in profile_pairs {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    let flags: Vec<String> = parsed
        .living_in(crate::profile::Lives::Rustflags)
        .map(|(k, v)| format!("{k} = {}", v.toml()))
        .collect();
    if !flags.is_empty() {
        out.push_str(&format!(
            "# and in rustflags (.cargo/config.toml; `cargo lto apply` writes them): {}\n",
            flags.join(", ")
        ));
    }
    out
}

/// The pipeline steps of `settings` that are on (`pgo = "on"`), which no
/// Cargo.toml can hold.
pub fn pipeline_steps(settings: &BTreeMap<String, String>) -> Vec<PipelineStep> {
    crate::profile::Settings::from_map(settings, "recommendation")
        .map(|parsed| parsed.steps())
        .unwrap_or_default()
}
