//! The JSON format: the document itself, serialized by serde — every row,
//! whatever `--top` says (`--top` shapes only the text formats).

use serde::Serialize;

/// The document as pretty-printed JSON with a final newline.
pub fn render<D: Serialize>(doc: &D) -> serde_json::Result<String> {
    Ok(serde_json::to_string_pretty(doc)? + "\n")
}

/// A recommendation as JSON: the document, with each reason's and each
/// rejection's sentence beside its data as `text` (for showing, never for
/// parsing: the data is the answer).
pub fn recommendation(
    r: &crate::results::advice::Recommendation,
) -> serde_json::Result<serde_json::Value> {
    let mut v = serde_json::to_value(r)?;
    for (reason, out) in r.reasons.iter().zip(array(&mut v, "reasons")) {
        out["text"] = super::reasons::reason_text(reason).into();
    }
    for (x, out) in r.rejected.iter().zip(array(&mut v, "rejected")) {
        out["text"] = super::reasons::rejected(x).into();
    }
    Ok(v)
}

/// The report as JSON: each recommendation with its sentences, as
/// [`recommendation`] writes them.
pub fn report(
    doc: &crate::results::report::ReportDocument,
) -> serde_json::Result<serde_json::Value> {
    let mut v = serde_json::to_value(doc)?;
    for (entry, out) in doc.reports.iter().zip(array(&mut v, "reports")) {
        if let Some(r) = &entry.recommendation {
            out["recommendation"] = recommendation(r)?;
        }
    }
    Ok(v)
}

/// A doctor report as JSON: each finding with its `message` and `fix`
/// worded beside its data.
pub fn doctor(d: &crate::results::doctor::DoctorReport) -> serde_json::Result<serde_json::Value> {
    let mut v = serde_json::to_value(d)?;
    for (f, out) in d.findings.iter().zip(array(&mut v, "findings")) {
        out["message"] = super::doctor::message(&f.detail).into();
        out["fix"] = super::doctor::fix(&f.detail).into();
    }
    Ok(v)
}

/// A check report as JSON: each note with its sentence beside it as `text`.
pub fn check(r: &crate::results::gate::CheckReport) -> serde_json::Result<serde_json::Value> {
    let mut v = serde_json::to_value(r)?;
    for (row, out) in r.rows.iter().zip(array(&mut v, "rows")) {
        for (note, out) in row.notes.iter().zip(array(out, "notes")) {
            out["text"] = super::gate::note(note).into();
        }
    }
    for (note, out) in r.notes.iter().zip(array(&mut v, "notes")) {
        out["text"] = super::gate::report_note(note).into();
    }
    Ok(v)
}

/// The array at `key` of an object, or nothing.
fn array<'a>(
    v: &'a mut serde_json::Value,
    key: &str,
) -> impl Iterator<Item = &'a mut serde_json::Value> {
    v.get_mut(key)
        .and_then(|a| a.as_array_mut())
        .into_iter()
        .flatten()
}
