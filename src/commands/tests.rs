//! The answers as users read them: what `advise` and `gate` decide,
//! worded by `render` (snapshots). The deciding layers hold data only and
//! test it as data; their words are tested here, where both meet.

use crate::advise::explain::{explain, settings};
use crate::advise::recommend::recommend;
use crate::gate::{check, merge::merge};
use crate::render::{self, Format};
use crate::results::MeasureDocument;
use crate::results::advice::{Constraints, Goal, Need};
use crate::results::gate::Limits;
use crate::results::test_docs::{FAT, doc, spec, sweep, template, two_shards};

fn runtime_doc() -> MeasureDocument {
    template()
}

#[test]
fn recommendation_snapshots() {
    let r = recommend(&template(), Goal::Speed, &Constraints::default()).unwrap();
    insta::assert_snapshot!(
        "recommend_table",
        render::recommendation(&r, Format::Table).unwrap()
    );
    insta::assert_snapshot!(
        "recommend_markdown",
        render::recommendation(&r, Format::Markdown).unwrap()
    );
    // JSON: the data, each reason and rejection with its sentence beside it
    let json: serde_json::Value =
        serde_json::from_str(&render::recommendation(&r, Format::Json).unwrap()).unwrap();
    assert_eq!(json["reasons"][1]["kind"], "chosen");
    let text = json["reasons"][1]["text"].as_str().unwrap();
    assert!(text.starts_with("fat runs fastest"), "{text}");
    for x in json["rejected"].as_array().unwrap() {
        assert!(
            x["why"]["kind"].is_string() && x["text"].is_string(),
            "{x:#}"
        );
    }
}

#[test]
fn reasons_in_words() {
    let words = |specs: Vec<_>, goal, constraints: Constraints| {
        let r = recommend(&doc(&specs), goal, &constraints).unwrap();
        let mut all = render::reasons::reasons(&r);
        all.extend(
            r.rejected
                .iter()
                .map(|x| format!("{}: {}", x.name, render::reasons::rejected(x))),
        );
        all.join("\n")
    };
    let text = words(sweep(), Goal::Size, Constraints::default());
    assert!(text.contains("30.0% less than baseline's"), "{text}");
    assert!(
        text.contains("fat-cgu1: dominated by size-z: against size-z: shipped 21.4% larger"),
        "{text}"
    );
    let mut no_z = sweep();
    no_z.retain(|s| s.name != "size-z");
    let text = words(
        no_z,
        Goal::Size,
        Constraints {
            max_link_memory_bytes: Some(1000 << 20),
            ..Constraints::default()
        },
    );
    assert!(
        text.contains("fat-cgu1 is 15.0% smaller but its link step peaked at 1.2 GiB, above --max-link-memory 1000.0 MiB"),
        "{text}"
    );
    let text = words(
        sweep(),
        Goal::Size,
        Constraints {
            max_build_time_s: Some(90.0),
            needs: vec![Need::Unwind],
            ..Constraints::default()
        },
    );
    assert!(
        text.contains(
            "size-z is 30.0% smaller but its clean build took 110 s, above --max-build-time 90.0 s"
        ),
        "{text}"
    );
    let text = words(
        sweep(),
        Goal::Size,
        Constraints {
            needs: vec![Need::Debuginfo],
            ..Constraints::default()
        },
    );
    assert!(
        text.contains("your current profile (baseline) breaks a constraint: debug = none"),
        "{text}"
    );
    // 0.5% smaller is a size tie; fat is on the front for its build
    let small = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("fat", 995_000, 40.0, 300).set(FAT),
    ];
    let text = words(small, Goal::Size, Constraints::default());
    assert!(text.starts_with("keep what you have: the smallest configuration that meets the constraints, fat, ships 971.7 KiB against baseline's 976.6 KiB (0.50% smaller; --goal size asks for at least 1%)"), "{text}");
    assert!(
        text.contains("fat: not enough gain over baseline"),
        "{text}"
    );
    let tie = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("off", 1_000_000, 56.0, 300).set(&[("lto", "off")]),
    ];
    let text = words(tie, Goal::BuildTime, Constraints::default());
    assert!(
        text.contains("is within 10% of baseline's 60.0 s (one build each: a tie)"),
        "{text}"
    );
}

#[test]
fn explain_snapshots() {
    let mut all = String::new();
    for s in settings().map(|spec| spec.name) {
        let e = explain(s, None).unwrap();
        all.push_str(&render::explanation(&e, Format::Markdown).unwrap());
    }
    insta::assert_snapshot!("explain_all", all);
    let doc = runtime_doc();
    let e = explain("lto", Some(&doc)).unwrap();
    insta::assert_snapshot!(
        "explain_lto_measured",
        render::explanation(&e, Format::Table).unwrap()
    );
    // a setting the sweep did not vary says how to measure it
    let e = explain("opt-level", Some(&doc)).unwrap();
    let text = render::explanation(&e, Format::Table).unwrap();
    assert!(text.contains("--with opt-level=VALUE"), "{text}");
}

#[test]
fn check_notes_in_words() {
    let base = runtime_doc();
    let mut new = runtime_doc();
    for c in &mut new.configurations {
        if let Some(b) = c.build.as_mut() {
            b.wall_s *= 2.0;
        }
    }
    new.machine.cpu_model = "other CPU".into();
    let limits = Limits {
        max_build_time: Some(0.1),
        max_size: Some(0.0),
        ..Limits::default()
    };
    let text = render::check(&check(&base, &new, &limits), Format::Table).unwrap();
    assert!(text.contains("measured on another machine"), "{text}");
    assert!(
        text.contains(
            "build times and runtimes are not compared (--allow-cross-host compares them)"
        ),
        "{text}"
    );
    let limits = Limits {
        allow_cross_host: true,
        ..limits
    };
    let text = render::check(&check(&base, &new, &limits), Format::Table).unwrap();
    assert!(
        text.contains("one clean build each (n = 1); +100.0% is over the limit +10%"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&render::check(&check(&base, &new, &limits), Format::Json).unwrap())
            .unwrap();
    assert_eq!(json["schema_version"], 2);
    let build = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "build")
        .unwrap();
    assert_eq!(build["limit"], serde_json::json!({"relative": 0.1}));
    assert_eq!(build["notes"][1]["kind"], "over_limit");
    assert!(build["notes"][1]["text"].is_string(), "{build:#}");
}

#[test]
fn a_merged_document_shows_each_hosts_rows() {
    let (a, b) = two_shards();
    let m = merge(&[a.clone(), b.clone()], "merged".into(), vec![], false).unwrap();
    // the table says which host each row is from, and does not compare
    // dbg's build time with baseline's from another machine
    let text = render::measure(&m, Format::Table, Default::default()).unwrap();
    assert!(
        text.contains("host A: 2 × AMD EPYC") && text.contains("host B: 2 × other CPU"),
        "{text}"
    );
    assert!(text.contains("other host"), "{text}");
    // and so does the report to paste
    let section = render::report::Section {
        doc: &m,
        advice: Err("not asked".into()),
    };
    let md = render::report(&[section], Format::Markdown, None, None).unwrap();
    assert!(
        md.contains("| config | host |") && md.contains("host B: 2 × other CPU"),
        "{md}"
    );
    let m = merge(&[a, b], "x".into(), vec![], true).unwrap();
    let text = render::measure(&m, Format::Table, Default::default()).unwrap();
    assert!(!text.contains("other host  "), "{text}");
}

#[test]
fn every_json_output_is_a_versioned_document() {
    let list: serde_json::Value = serde_json::from_str(
        &render::settings(&crate::advise::explain::summaries(), Format::Json).unwrap(),
    )
    .unwrap();
    assert_eq!(list["schema_version"], 2);
    assert_eq!(list["settings"][0]["setting"], "lto");
    let doc = runtime_doc();
    let r = recommend(&doc, Goal::Speed, &Constraints::default()).unwrap();
    let section = render::report::Section {
        doc: &doc,
        advice: Ok(&r),
    };
    let report: serde_json::Value =
        serde_json::from_str(&render::report(&[section], Format::Json, None, None).unwrap())
            .unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["reports"][0]["recommendation"]["choice"], "fat");
    assert!(report["reports"][0]["recommendation"]["reasons"][1]["text"].is_string());
    let history = render::history::entries(std::slice::from_ref(&doc));
    let h: serde_json::Value =
        serde_json::from_str(&render::history(&history, Format::Json).unwrap()).unwrap();
    assert_eq!(h["schema_version"], 1);
    assert_eq!(h["history"][0]["id"], doc.id.as_str());
}

#[test]
fn a_doctor_finding_is_its_data_with_the_words_beside() {
    use crate::results::doctor::{Detail, DoctorReport, Finding, Myth, Severity};
    let report = DoctorReport {
        schema_version: 2,
        workspace_root: "/w".into(),
        findings: vec![
            Finding {
                detail: Detail::LtoAtOptLevel0 {
                    profile: "release".into(),
                    lto: "fat".into(),
                },
                severity: Severity::Warning,
                file: "Cargo.toml".into(),
                line: Some(7),
            },
            Finding {
                detail: Detail::MythComment {
                    code: "lto = true".into(),
                    comment: "thin lto".into(),
                    myth: Myth::LtoTrueIsThin,
                },
                severity: Severity::Warning,
                file: "Cargo.toml".into(),
                line: Some(9),
            },
        ],
    };
    let json: serde_json::Value =
        serde_json::from_str(&render::doctor(&report, Format::Json).unwrap()).unwrap();
    let f = &json["findings"][0];
    assert_eq!(f["id"], "lto-at-opt-level-0");
    assert_eq!(
        (&f["profile"], &f["lto"]),
        (&"release".into(), &"fat".into())
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("opt-level = 0 with lto = \"fat\"")
    );
    assert!(f["fix"].as_str().unwrap().starts_with("raise opt-level"));
    assert_eq!(json["findings"][1]["myth"], "lto_true_is_thin");
    // the words are extra: the document reads back as it was
    let back: DoctorReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn each_finding_id_is_the_one_docs_list() {
    use crate::results::doctor::{Detail, Myth};
    let docs = include_str!("../../docs/advice.md");
    let all = [
        Detail::MemberProfile {
            member: String::new(),
            profile: String::new(),
        },
        Detail::RustflagsLto {
            flag: String::new(),
        },
        Detail::LtoSkippedCrateType {
            member: String::new(),
            crate_types: vec![],
            profile: String::new(),
            lto: String::new(),
            artifacts: vec![],
            bins: vec![],
        },
        Detail::AbortWithCatchUnwind {
            profile: String::new(),
            catch_unwind_at: String::new(),
        },
        Detail::LinkerPluginLtoLinker,
        Detail::CFltoWithoutLto,
        Detail::IncrementalRelease {
            profile: String::new(),
        },
        Detail::LtoAtOptLevel0 {
            profile: String::new(),
            lto: String::new(),
        },
        Detail::TargetCpuNative,
        Detail::StripSymbolsBacktraces {
            profile: String::new(),
            backtraces_at: None,
            measured: None,
        },
        Detail::NoDebuginfoBacktraces {
            profile: String::new(),
            backtraces_at: String::new(),
        },
        Detail::NoLtoAtAll {
            profile: String::new(),
        },
        Detail::MythComment {
            code: String::new(),
            comment: String::new(),
            myth: Myth::LtoForUsers,
        },
    ];
    for d in all {
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["id"], d.id(), "serde and id() agree");
        assert!(
            docs.contains(&format!("| `{}` |", d.id())),
            "docs/advice.md lists {}",
            d.id()
        );
    }
}

#[test]
fn html_is_a_format_like_the_others() {
    let doc = runtime_doc();
    let page = render::measure(&doc, Format::Html, render::View::default()).unwrap();
    assert!(
        page.starts_with("<!doctype html>") && page.contains("<table"),
        "{page}"
    );
    assert!(!page.contains("<h2>Charts</h2>"), "no charts asked for");
    let section = render::report::Section {
        doc: &doc,
        advice: Err("not asked".into()),
    };
    let page = render::report(&[section], Format::Html, None, None).unwrap();
    assert!(
        page.contains("<h2>Charts</h2>") && page.contains("<svg"),
        "the report charts its document"
    );
    let history = render::history::entries(std::slice::from_ref(&doc));
    let page = render::history(&history, Format::Html).unwrap();
    assert!(page.starts_with("<!doctype html>"), "{page}");
}
