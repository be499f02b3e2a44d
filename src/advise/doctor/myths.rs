//! doctor's myth finder: a comment beside a profile setting that states
//! something docs/facts.md shows is false, answered with what is true.

use super::{Input, finding};
use crate::results::advice::{Detail, Finding, Myth as Id, Severity};

/// A myth: which key it is written beside, what in the comment (lower
/// case) gives it away, and the truth.
struct Myth {
    key: &'static str,
    /// The value it applies to (as written, lower case, quotes removed), or
    /// any value.
    value: Option<&'static [&'static str]>,
    /// Every group must have one word in the comment.
    words: &'static [&'static [&'static str]],
    /// Words that mean the comment already says the truth.
    unless: &'static [&'static str],
    /// Which myth (its truth is worded by `render`).
    id: Id,
}

const MYTHS: &[Myth] = &[
    Myth {
        key: "lto",
        value: Some(&["true", "fat"]),
        words: &[&["thin"]],
        unless: &["not thin", "fat"],
        id: Id::LtoTrueIsThin,
    },
    Myth {
        key: "lto",
        value: Some(&["false"]),
        words: &[&[
            "disabl",
            "no lto",
            "turn off",
            "turns off",
            "without lto",
            "off",
        ]],
        unless: &["thin-local", "thin local", "local"],
        id: Id::LtoFalseIsOff,
    },
    Myth {
        key: "codegen-units",
        value: Some(&["1"]),
        words: &[&["lto"], &["disabl", "no ", "without", "off", "ignor"]],
        unless: &["lto = false", "lto=false"],
        id: Id::OneCodegenUnitDisablesLto,
    },
    Myth {
        key: "lto",
        value: None,
        words: &[&[
            "user",
            "downstream",
            "dependent",
            "consumer",
            "crates that use",
        ]],
        unless: &[],
        id: Id::LtoForUsers,
    },
    Myth {
        key: "lto",
        value: None,
        words: &[
            &["backtrace", "stack trace"],
            &["mangl", "break", "lose", "lost", "unreadable", "garbl"],
        ],
        unless: &[],
        id: Id::LtoManglesBacktraces,
    },
    Myth {
        key: "lto",
        value: Some(&["true", "fat", "thin"]),
        words: &[&["linker"], &["bitcode", "plugin", "lld", "llvm"]],
        unless: &["linker-plugin-lto"],
        id: Id::LtoNeedsBitcodeLinker,
    },
];

/// The comments on and directly above line `i` of `lines`.
fn comment_of(lines: &[&str], i: usize) -> String {
    let mut text = String::new();
    if let Some((_, c)) = lines[i].split_once('#') {
        text.push_str(c);
    }
    let mut j = i;
    while j > 0 && lines[j - 1].trim_start().starts_with('#') {
        j -= 1;
        text.push(' ');
        text.push_str(lines[j].trim_start().trim_start_matches('#'));
    }
    text.to_lowercase()
}

/// Myths in the profile tables of every manifest and config file.
pub fn findings(input: &Input) -> Vec<Finding> {
    let mut out = Vec::new();
    let files = std::iter::once(&input.root_manifest)
        .chain(input.members.iter().map(|m| &m.manifest))
        .chain(&input.configs);
    for (path, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        let mut in_profile = false;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            if t.starts_with('[') {
                in_profile = t.trim_start_matches('[').trim().starts_with("profile");
                continue;
            }
            let code = t.split('#').next().unwrap_or("");
            let Some((k, v)) = code.split_once('=') else {
                continue;
            };
            let key = k.trim().rsplit('.').next().unwrap_or("").trim();
            if !(in_profile || k.trim().starts_with("profile.")) {
                continue;
            }
            let value = v.trim().trim_matches(['"', '\'']).to_lowercase();
            let comment = comment_of(&lines, i);
            if comment.is_empty() {
                continue;
            }
            for myth in MYTHS.iter().filter(|m| m.key == key) {
                let value_matches = myth.value.is_none_or(|vs| vs.contains(&value.as_str()));
                let said = myth
                    .words
                    .iter()
                    .all(|group| group.iter().any(|w| comment.contains(w)));
                let corrected = myth.unless.iter().any(|u| comment.contains(u));
                if value_matches && said && !corrected {
                    out.push(finding(
                        Detail::MythComment {
                            code: code.trim().to_string(),
                            comment: comment.trim().to_string(),
                            myth: myth.id,
                        },
                        Severity::Warning,
                        (input.show(path), Some(i + 1)),
                    ));
                }
            }
        }
    }
    out
}
