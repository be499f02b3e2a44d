//! Snapshots of every format from fixed documents (tests/data/), and the
//! rule that `--top` shapes only the text formats.

use super::*;

fn measure_doc(text: &str) -> MeasureDocument {
    serde_json::from_str(text).expect("test document parses")
}

fn failure_doc() -> MeasureDocument {
    measure_doc(include_str!("../../tests/data/measure-failure.json"))
}

fn runtime_doc() -> MeasureDocument {
    measure_doc(include_str!("../../tests/data/measure-runtime.json"))
}

fn ripgrep_doc() -> MeasureDocument {
    measure_doc(include_str!("../../tests/data/measure-ripgrep.json"))
}

fn inspect_doc() -> InspectDocument {
    serde_json::from_str(include_str!("../../tests/data/inspect.json")).expect("parses")
}

#[test]
fn measure_table_with_a_failure_and_a_note() {
    insta::assert_snapshot!(measure(&failure_doc(), Format::Table, View::default()).unwrap());
}

#[test]
fn measure_markdown_with_a_failure_and_a_note() {
    insta::assert_snapshot!(measure(&failure_doc(), Format::Markdown, View::default()).unwrap());
}

#[test]
fn measure_table_with_runtime() {
    insta::assert_snapshot!(measure(&runtime_doc(), Format::Table, View::default()).unwrap());
}

#[test]
fn measure_markdown_with_runtime() {
    insta::assert_snapshot!(measure(&runtime_doc(), Format::Markdown, View::default()).unwrap());
}

#[test]
fn the_default_tables_fit_100_columns() {
    // ripgrep with two workloads: was 130 columns wide
    for doc in [ripgrep_doc(), runtime_doc(), failure_doc()] {
        let text = measure(&doc, Format::Table, View::default()).unwrap();
        for line in text.lines().filter(|l| !l.starts_with("note: ")) {
            assert!(
                line.chars().count() <= 100,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        // -v shows every figure
        let wide = measure(&doc, Format::Table, View { wide: true }).unwrap();
        assert!(
            wide.contains(".text")
                && wide.contains("CPU")
                && wide.contains("outliers") != doc.workloads.is_empty()
        );
        assert!(!text.contains(".text  ") && !text.contains("outliers"));
    }
    insta::assert_snapshot!(measure(&ripgrep_doc(), Format::Table, View::default()).unwrap());
}

#[test]
fn measure_json_is_the_document() {
    let doc = runtime_doc();
    let again: MeasureDocument =
        serde_json::from_str(&measure(&doc, Format::Json, View::default()).unwrap()).unwrap();
    assert_eq!(again, doc);
}

#[test]
fn inspect_table() {
    insta::assert_snapshot!(inspect(&inspect_doc(), Format::Table, 5).unwrap());
}

#[test]
fn inspect_markdown() {
    insta::assert_snapshot!(inspect(&inspect_doc(), Format::Markdown, 5).unwrap());
}

#[test]
fn top_shapes_the_text_not_the_json() {
    let doc = inspect_doc();
    let one = inspect(&doc, Format::Table, 1).unwrap();
    let five = inspect(&doc, Format::Table, 5).unwrap();
    assert!(one.lines().count() < five.lines().count());
    assert!(!one.contains("serde_json → std"), "{one}");
    for top in [1, 5] {
        let json: InspectDocument =
            serde_json::from_str(&inspect(&doc, Format::Json, top).unwrap()).unwrap();
        assert_eq!(json, doc, "--top {top} must not cut the JSON");
    }
}

#[test]
fn repeated_builds_say_what_their_figure_is() {
    let mut doc = runtime_doc();
    for (c, walls) in
        doc.configurations
            .iter_mut()
            .zip([[0.40, 0.42, 0.44], [6.0, 6.13, 6.5], [0.5, 0.54, 0.55]])
    {
        crate::results::test_docs::repeated(c.build.as_mut().unwrap(), &walls);
    }
    let text = measure(&doc, Format::Table, View::default()).unwrap();
    assert!(
        text.contains("build: median wall time of 3 clean `cargo build`s"),
        "{text}"
    );
    assert!(text.contains("75% CI"), "{text}");
    assert!(
        !text.contains("s ±"),
        "the default table has no room for it: {text}"
    );
    // -v shows the CI's wider side beside the median: fat's 6.13 s [6.0–6.5]
    let wide = measure(&doc, Format::Table, View { wide: true }).unwrap();
    assert!(wide.contains("6.13 s ±6%"), "{wide}");
}
