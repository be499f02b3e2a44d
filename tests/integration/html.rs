//! The HTML report in a real browser: headless Chromium (Debian's
//! `chromium`, which `.ci/run` installs) loads the page without console
//! errors, every chart has its marks in the DOM, and a screenshot is
//! written and is not blank. The page's structure is a snapshot.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{cargo_lto, repo};

/// Chromium, or None with the reason the test is skipped.
fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome"];
    let from_env = std::env::var_os("CHROMIUM").map(PathBuf::from);
    from_env
        .into_iter()
        .chain(names.iter().map(PathBuf::from))
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn page(dir: &Path) -> PathBuf {
    let out = dir.join("report.html");
    let data = repo().join("tests/data");
    let run = cargo_lto()
        .current_dir(dir)
        .arg("report")
        .arg(data.join("measure-runtime.json"))
        .args([
            "--goal",
            "speed",
            "--format",
            "html",
            "--max-link-memory",
            "150MiB",
        ])
        .arg("--inspect")
        .arg(data.join("inspect.json"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    // -o says where it wrote
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(
        said.contains(&format!("wrote the report to {}", out.display())),
        "{said}"
    );
    out
}

/// The figures of a page: id, and how many marks each has.
fn figures(html: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for part in html.split("<figure class=\"chart\" id=\"").skip(1) {
        let id = part.split('"').next().unwrap().to_string();
        let body = part.split("</figure>").next().unwrap();
        assert!(body.contains("<title>"), "{id} has no title");
        assert!(body.contains("<table>"), "{id} has no data table");
        out.push((id, body.matches("class=\"mark").count()));
    }
    out
}

#[test]
fn the_page_is_self_contained_and_structured() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(page(dir.path())).unwrap();
    // no network: nothing fetched (the only URL is the SVG namespace)
    for attr in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(attr), "the page loads something: {attr}");
    }
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    let figs = figures(&html);
    let summary: Vec<String> = figs
        .iter()
        .map(|(id, n)| format!("{id}: {n} marks"))
        .collect();
    insta::assert_snapshot!("html_figures", summary.join("\n"));
    // calls into the user's crates apart from std's, and how to read them
    let calls = html.split("id=\"inspect-calls\"").nth(1).unwrap();
    let calls = calls.split("</figure>").next().unwrap();
    assert!(calls.contains("into your crates · fat"), "{calls}");
    assert!(calls.contains("std's own calls come along"), "{calls}");
}

#[test]
fn chromium_renders_every_chart() {
    let Some(browser) = chromium() else {
        crate::common::skip(
            "no Chromium (set CHROMIUM, or install Debian's `chromium`, as .ci/run does)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = page(dir.path());
    let url = format!("file://{}", file.display());
    let headless = |extra: &[&str]| {
        let out = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .args(extra)
            .arg(&url)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        out
    };
    let out = headless(&["--dump-dom"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines() {
        assert!(
            !line.contains(":CONSOLE") && !line.contains("Uncaught"),
            "a console message: {line}"
        );
    }
    // the DOM Chromium built has every chart with its marks
    let dom = String::from_utf8(out.stdout).unwrap();
    // the recommended configuration is ringed on the scatter, the legend
    // for its points is on the page (not only in the SVG's description),
    // and the reasons the others lost are there as in the terminal
    let scatter = dom.split("-size-vs-build\"").nth(1).unwrap();
    let scatter = scatter.split("</figure>").next().unwrap();
    assert_eq!(
        scatter.matches("<circle class=\"chosen\"").count(),
        1,
        "{scatter}"
    );
    // (fat's link step breaks --max-link-memory: keep what you have)
    assert!(scatter.contains("baseline ◀ recommended"), "{scatter}");
    assert!(
        scatter.contains("<p class=\"notes\">Filled points: on the Pareto front"),
        "{scatter}"
    );
    assert!(dom.contains("Not chosen:"), "no reasons for the others");
    let figs = figures(&dom);
    assert_eq!(figs.len(), 5, "{figs:?}");
    for (id, marks) in &figs {
        assert!(*marks > 0, "{id} has no marks");
    }
    // a screenshot, not blank: many colours, and not all background
    let shot = dir.path().join("shot.png");
    headless(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1100,2400",
        "--hide-scrollbars",
    ]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let px = info.color_type.samples();
    let mut colours = std::collections::HashMap::new();
    for p in bytes.chunks(px) {
        *colours.entry(p[..3].to_vec()).or_insert(0usize) += 1;
    }
    let total = bytes.len() / px;
    let background = colours.values().max().copied().unwrap_or(0);
    assert!(colours.len() > 20, "{} colours", colours.len());
    assert!(
        background < total * 97 / 100,
        "the screenshot is almost all one colour"
    );
}

/// A sweep of the project's benchmarks (tests/data/measure-benches.json,
/// measured on the `benches` fixture): the page has the dot plot of every
/// benchmark's ratio per configuration, and Chromium draws its dots.
#[test]
fn benchmarks_are_a_dot_plot() {
    let (dir, out, html) = report_of("measure-benches.json");
    let figs = figures(&html);
    // 7 benchmarks, fat and planted: 14 dots, each with its whisker
    assert!(
        figs.contains(&("r0-benchmarks".to_string(), 14)),
        "{figs:?}"
    );
    let plot = html.split("id=\"r0-benchmarks\"").nth(1).unwrap();
    let plot = plot.split("</figure>").next().unwrap();
    assert_eq!(plot.matches("<line class=\"whisker").count(), 14);
    assert!(plot.contains("crit/per_element") && plot.contains("div/div::std_only"));
    // the tables of the terminal are on the page too
    assert!(html.contains("worst benchmark"), "no summary table");
    let Some(dom) = dom_of(dir.path(), &out) else {
        return;
    };
    assert!(
        figures(&dom).contains(&("r0-benchmarks".to_string(), 14)),
        "Chromium's DOM lacks the dots"
    );
}

/// A server measured under load (tests/data/measure-server.json, measured
/// on the `server` fixture: baseline, fat and `off`, a wrk load and a
/// counted hey load): the page has its table per load and a dot plot of
/// every load measure per configuration, which Chromium draws.
#[test]
fn a_server_under_load_is_a_table_and_a_dot_plot() {
    let (dir, out, html) = report_of("measure-server.json");
    assert!(
        html.contains("server under load `api`"),
        "no table of the load"
    );
    // fat and off, each on api's rps, p50, p99, cpu/req, instr/req and
    // count's five: 20 dots
    let figs = figures(&html);
    assert!(figs.contains(&("r0-server".to_string(), 20)), "{figs:?}");
    let plot = html.split("id=\"r0-server\"").nth(1).unwrap();
    assert!(plot.contains("api rps") && plot.contains("count instr/req"));
    let Some(dom) = dom_of(dir.path(), &out) else {
        return;
    };
    assert!(
        figures(&dom).contains(&("r0-server".to_string(), 20)),
        "Chromium's DOM lacks the dots"
    );
}

/// The DOM Chromium builds of the page `out` (a profile in `dir`); None,
/// said, where Chromium is not installed.
fn dom_of(dir: &std::path::Path, out: &std::path::Path) -> Option<String> {
    let Some(browser) = chromium() else {
        crate::common::skip("no Chromium (set CHROMIUM, or install Debian's `chromium`)");
        return None;
    };
    let dom = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("file://{}", out.display()))
        .output()
        .unwrap();
    assert!(dom.status.success(), "{dom:?}");
    Some(String::from_utf8(dom.stdout).unwrap())
}

/// `report --format html` of the stored document `tests/data/NAME`: its
/// directory, the page's path, the page.
fn report_of(name: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    let run = cargo_lto()
        .current_dir(dir.path())
        .arg("report")
        .arg(repo().join("tests/data").join(name))
        .args(["--format", "html", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    (dir, out, html)
}
