//! `cargo lto merge`: measure documents of one project, toolchain and
//! source revision — the shards of a sweep spread over a CI matrix — as
//! one document. Each configuration keeps the machine it was measured on;
//! baseline, measured in every shard, is kept once (the first document's),
//! and every configuration keeps the comparison with its own shard's
//! baseline, made on its own machine.

use crate::results::{BASELINE, MeasureDocument};

/// Why documents cannot be merged (bad input: exit 2).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    /// Nothing given.
    #[error("no documents to merge")]
    Empty,
    /// Different projects, toolchains or revisions.
    #[error("{0}")]
    Mismatch(String),
    /// One configuration measured in two documents.
    #[error(
        "configuration `{0}` was measured in two documents ({1} and {2}): merge the shards of one sweep, each measured once"
    )]
    Twice(String, String, String),
    /// One document given twice.
    #[error("document {0} was given twice: merge each shard's document once")]
    SameDocument(String),
}

crate::exit_code!(MergeError => crate::error::exit::USAGE);

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Checks that every document is of the same project, toolchain and
/// source revision as the first.
fn check_same(docs: &[MeasureDocument]) -> Result<(), MergeError> {
    for (i, d) in docs.iter().enumerate() {
        if docs[..i].iter().any(|e| e.id == d.id) {
            return Err(MergeError::SameDocument(d.id.clone()));
        }
    }
    let first = &docs[0];
    for d in &docs[1..] {
        let (a, b) = (&first.project, &d.project);
        if !a.same_bins(b) || a.target != b.target {
            return Err(MergeError::Mismatch(format!(
                "{} measured {}, {} measured {}: merge documents of one project",
                first.id,
                a.bins_label(),
                d.id,
                b.bins_label()
            )));
        }
        if first.toolchain.rustc_vv != d.toolchain.rustc_vv {
            return Err(MergeError::Mismatch(format!(
                "{} was measured with {}, {} with {}: sizes and times of different compilers do not compare",
                first.id,
                first_line(&first.toolchain.rustc_vv),
                d.id,
                first_line(&d.toolchain.rustc_vv)
            )));
        }
        let commit = |x: &MeasureDocument| x.source.as_ref().map(|s| (s.commit.clone(), s.dirty));
        if commit(first) != commit(d) {
            let show = |x: &MeasureDocument| match &x.source {
                Some(s) => format!("{}{}", s.commit, if s.dirty { " (dirty)" } else { "" }),
                None => "no git revision".into(),
            };
            return Err(MergeError::Mismatch(format!(
                "{} measured {}, {} measured {}: merge documents of one source revision",
                first.id,
                show(first),
                d.id,
                show(d)
            )));
        }
        if first.base_profile != d.base_profile {
            return Err(MergeError::Mismatch(format!(
                "{} built on profile `{}`, {} on `{}`",
                first.id, first.base_profile, d.id, d.base_profile
            )));
        }
    }
    Ok(())
}

/// One document of `docs`, under the new `id`, recording `invocation`.
pub fn merge(
    docs: &[MeasureDocument],
    id: String,
    invocation: Vec<String>,
    allow_cross_host: bool,
) -> Result<MeasureDocument, MergeError> {
    if docs.is_empty() {
        return Err(MergeError::Empty);
    }
    check_same(docs)?;
    let mut out = docs[0].clone();
    out.id = id;
    out.invocation = invocation;
    out.cross_host_times = allow_cross_host;
    out.configurations.clear();
    out.notes.clear();
    let mut from: Vec<(String, String)> = Vec::new(); // (configuration, document id)
    for d in docs {
        out.started_unix_s = out.started_unix_s.min(d.started_unix_s);
        out.warm |= d.warm;
        if out.runtime_plan.is_none() {
            out.runtime_plan = d.runtime_plan.clone();
        }
        for w in &d.workloads {
            match out.workloads.iter().find(|x| x.name == w.name) {
                Some(x) if x.command != w.command => {
                    return Err(MergeError::Mismatch(format!(
                        "workload `{}` is `{}` in {} and `{}` in {}",
                        w.name,
                        x.command.join(" "),
                        docs[0].id,
                        w.command.join(" "),
                        d.id
                    )));
                }
                Some(_) => {}
                None => out.workloads.push(w.clone()),
            }
        }
        for note in &d.notes {
            if !out.notes.contains(note) {
                out.notes.push(note.clone());
            }
        }
        for c in &d.configurations {
            if let Some((_, other)) = from.iter().find(|(n, _)| *n == c.name) {
                if c.name == BASELINE {
                    continue; // every shard's reference: the first is kept
                }
                return Err(MergeError::Twice(
                    c.name.clone(),
                    other.clone(),
                    d.id.clone(),
                ));
            }
            let mut c = c.clone();
            c.machine = Some(d.machine_of(&c).clone());
            from.push((c.name.clone(), d.id.clone()));
            out.configurations.push(c);
        }
    }
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    out.notes
        .push(crate::results::notes::NoteKind::Merged { ids }.into());
    Ok(out)
}
