//! Output equivalence: did a configuration print what baseline printed?
//!
//! `exact` compares stdout's bytes; `lines` the sorted multiset of its lines,
//! for programs whose threads print in scheduler order; `auto` uses `exact`
//! while every configuration's own runs agree byte for byte, else `lines`.
//! A configuration whose own runs disagree even by the comparison in use
//! cannot be judged: it is said so, and neither flagged nor failed.

use crate::results::notes::{Note, NoteKind};
use std::collections::BTreeMap;

use super::schedule::{Series, most_common};
use crate::profile::BASELINE;
use crate::results::measure::{CompareBy, CompareOutput};

/// The outcome of comparing one workload's outputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judgement {
    /// The comparison used (none: not compared).
    pub compared_by: Option<CompareBy>,
    /// The configurations whose output differs from the reference.
    pub differs: Vec<String>,
    /// The configurations that cannot be judged.
    pub unjudged: Vec<String>,
    /// What the reader should know.
    pub notes: Vec<Note>,
}

fn tally(s: &Series, by: CompareBy) -> &BTreeMap<String, usize> {
    match by {
        CompareBy::Exact => &s.outputs,
        CompareBy::Lines => &s.line_outputs,
    }
}

fn varies(s: &Series, by: CompareBy) -> bool {
    tally(s, by).len() > 1
}

/// Compares the outputs of `series` (configuration → its runs) of the
/// workload `name`, as `asked`.
pub fn judge(name: &str, asked: CompareOutput, series: &BTreeMap<String, Series>) -> Judgement {
    let ran: Vec<(&String, &Series)> = series
        .iter()
        .filter(|(_, s)| !s.outputs.is_empty())
        .collect();
    let mut j = Judgement::default();
    let by = match asked {
        CompareOutput::None => {
            j.notes.push(
                NoteKind::OutputsNotCompared {
                    workload: name.to_string(),
                }
                .into(),
            );
            return j;
        }
        CompareOutput::Exact => CompareBy::Exact,
        CompareOutput::Lines => CompareBy::Lines,
        CompareOutput::Auto if ran.iter().all(|(_, s)| !varies(s, CompareBy::Exact)) => {
            CompareBy::Exact
        }
        CompareOutput::Auto => {
            j.notes.push(
                NoteKind::ComparedAsLines {
                    workload: name.to_string(),
                }
                .into(),
            );
            CompareBy::Lines
        }
    };
    j.compared_by = Some(by);
    let (judged, unjudged): (Vec<_>, Vec<_>) = ran.into_iter().partition(|(_, s)| !varies(s, by));
    for (config, _) in &unjudged {
        j.notes.push(
            NoteKind::OutputVaries {
                config: config.to_string(),
                workload: name.to_string(),
                as_lines: by == CompareBy::Lines,
            }
            .into(),
        );
        j.unjudged.push(config.to_string());
    }
    // baseline's output when it can be judged, else the most common
    let main = |s: &Series| most_common(tally(s, by)).map(str::to_string);
    let reference = match judged.iter().find(|(c, _)| c.as_str() == BASELINE) {
        Some((_, s)) => main(s),
        None => {
            let mut votes: BTreeMap<String, usize> = BTreeMap::new();
            for (_, s) in &judged {
                *votes.entry(main(s).unwrap_or_default()).or_default() += 1;
            }
            votes.into_iter().max_by_key(|(_, n)| *n).map(|(h, _)| h)
        }
    };
    for (config, s) in &judged {
        if main(s) != reference {
            j.differs.push(config.to_string());
        }
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A series whose runs printed these (exact, lines) outputs.
    fn series(runs: &[(&str, &str)]) -> Series {
        let mut s = Series::default();
        for (exact, lines) in runs {
            *s.outputs.entry(exact.to_string()).or_default() += 1;
            *s.line_outputs.entry(lines.to_string()).or_default() += 1;
        }
        s
    }

    fn configs(list: &[(&str, Series)]) -> BTreeMap<String, Series> {
        list.iter()
            .map(|(n, s)| (n.to_string(), s.clone()))
            .collect()
    }

    #[test]
    fn threads_in_scheduler_order_are_not_a_difference() {
        // same lines, another order every run: was OUTPUT DIFFERS for all
        let s = configs(&[
            ("baseline", series(&[("ab", "L"), ("ba", "L"), ("ab", "L")])),
            ("fat", series(&[("ba", "L"), ("ab", "L"), ("ba", "L")])),
        ]);
        let j = judge("w", CompareOutput::Auto, &s);
        assert_eq!(j.compared_by, Some(CompareBy::Lines));
        assert!(j.differs.is_empty() && j.unjudged.is_empty(), "{j:?}");
        assert!(
            j.notes[0].text.contains("compared as sorted lines"),
            "{:?}",
            j.notes
        );
        // other lines are still caught
        let s = configs(&[
            ("baseline", series(&[("ab", "L"), ("ba", "L")])),
            ("abort", series(&[("ac", "M"), ("ca", "M")])),
        ]);
        assert_eq!(judge("w", CompareOutput::Auto, &s).differs, ["abort"]);
    }

    #[test]
    fn stable_outputs_compare_exactly() {
        let s = configs(&[
            ("baseline", series(&[("x", "L"), ("x", "L")])),
            ("dbg", series(&[("y", "L"), ("y", "L")])),
        ]);
        let j = judge("w", CompareOutput::Auto, &s);
        assert_eq!(j.compared_by, Some(CompareBy::Exact));
        assert_eq!(j.differs, ["dbg"], "same lines, other bytes: exact sees it");
        assert!(j.notes.is_empty());
        assert!(judge("w", CompareOutput::Lines, &s).differs.is_empty());
    }

    #[test]
    fn varying_even_as_lines_cannot_be_judged_and_is_not_flagged() {
        let s = configs(&[
            ("baseline", series(&[("a", "L1"), ("b", "L2")])),
            ("off", series(&[("c", "L3"), ("d", "L3")])),
            ("fat", series(&[("e", "L4"), ("e", "L4")])),
        ]);
        let j = judge("w", CompareOutput::Auto, &s);
        assert_eq!(j.unjudged, ["baseline"]);
        // without a judged baseline the most common output is the reference:
        // off and fat disagree, one vote each, and the tie goes to one of them
        assert_eq!(j.differs.len(), 1, "{j:?}");
        assert!(
            j.notes
                .iter()
                .any(|n| n.text.contains("even as sorted lines"))
        );
        // asked for exact: every varying configuration is unjudged, none flagged
        let exact = judge("w", CompareOutput::Exact, &s);
        assert_eq!(exact.unjudged, ["baseline", "off"]);
        assert!(exact.differs.is_empty());
    }

    #[test]
    fn none_compares_nothing() {
        let s = configs(&[
            ("baseline", series(&[("a", "L")])),
            ("off", series(&[("b", "M")])),
        ]);
        let j = judge("w", CompareOutput::None, &s);
        assert_eq!(j.compared_by, None);
        assert!(j.differs.is_empty());
        assert!(j.notes[0].text.contains("not compared"));
    }
}
