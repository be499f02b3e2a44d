//! `cargo lto explain [SETTING]`: the setting's facts, and, inside a
//! project with results (or with `--results`), what it did there.

use std::io::Write;

use anyhow::Result;

use crate::advise::explain;
use crate::cli::ExplainArgs;
use crate::error::exit;
use crate::render;

/// Runs `explain`; returns the exit code.
pub fn run(args: &ExplainArgs) -> Result<i32> {
    let format = args.format.into();
    let mut out = std::io::stdout().lock();
    let Some(setting) = &args.setting else {
        out.write_all(render::settings(&explain::summaries(), format)?.as_bytes())?;
        return Ok(exit::OK);
    };
    if !explain::settings().any(|spec| spec.name == setting) {
        let known = explain::settings().map(|spec| spec.name).collect();
        let setting = setting.clone();
        return Err(super::Error::UnknownSetting { setting, known }.into());
    }
    // a path the user gave must exist, results optional or not
    if let Some(p) = args.project.manifest_path.as_deref()
        && !p.is_file()
    {
        return Err(crate::workspace::Error::ManifestMissing(p.to_path_buf()).into());
    }
    // results are optional: outside a project, or before a sweep, the
    // facts alone; a --results file that cannot be read is an error
    let doc = match super::measured(&args.project, args.results.as_deref(), "", false) {
        Ok(found) => Some(found.doc),
        Err(e) if args.results.is_some() => return Err(e),
        Err(_) => None,
    };
    let e = explain::explain(setting, doc.as_ref()).expect("a known setting");
    out.write_all(render::explanation(&e, format)?.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}
