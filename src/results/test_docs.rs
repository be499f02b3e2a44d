//! Hand-built measure documents for the tests of `recommend`: a template
//! (tests/data/measure-runtime.json) with the configurations replaced by
//! compact specs.

use super::measure::{
    Comparison, Configuration, MeasureDocument, Series, Setting, Status, Verdict,
};

/// One configuration of a hand-built document.
#[derive(Clone)]
pub struct Spec {
    pub name: &'static str,
    pub settings: &'static [(&'static str, &'static str)],
    pub shipped: u64,
    pub file: u64,
    pub build_s: f64,
    pub link_mib: u64,
    /// ratio, CI low, CI high (verdict from the CI, as `stats` decides it)
    pub runtime: Option<(f64, f64, f64)>,
    pub status: Status,
}

pub fn spec(name: &'static str, shipped: u64, build_s: f64, link_mib: u64) -> Spec {
    Spec {
        name,
        settings: &[],
        shipped,
        file: shipped * 2,
        build_s,
        link_mib,
        runtime: None,
        status: Status::Ok,
    }
}

impl Spec {
    pub fn set(mut self, settings: &'static [(&'static str, &'static str)]) -> Spec {
        self.settings = settings;
        self
    }
    pub fn run(mut self, ratio: f64, low: f64, high: f64) -> Spec {
        self.runtime = Some((ratio, low, high));
        self
    }
    pub fn failed(mut self) -> Spec {
        self.status = Status::Failed;
        self
    }
}

pub fn template() -> MeasureDocument {
    serde_json::from_str(include_str!("../../tests/data/measure-runtime.json")).unwrap()
}

pub fn doc(specs: &[Spec]) -> MeasureDocument {
    let mut doc = template();
    let proto = doc.config("baseline").unwrap().clone();
    let base_rt = proto.series[0].clone();
    doc.configurations = specs
        .iter()
        .map(|s| {
            let mut c: Configuration = proto.clone();
            c.name = s.name.to_string();
            c.status = s.status;
            c.exit_code = (s.status == Status::Failed).then_some(101);
            c.settings = s
                .settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            for (k, v) in s.settings {
                c.effective.insert(
                    k.to_string(),
                    Setting {
                        value: v.to_string(),
                        source: "cargo-lto".into(),
                    },
                );
            }
            let bin = &mut c.binaries[0];
            bin.shipped_bytes = s.shipped;
            bin.size_bytes = s.file;
            let build = c.build.as_mut().unwrap();
            build.wall_s = s.build_s;
            build.link.as_mut().unwrap().peak_rss_bytes = s.link_mib << 20;
            c.series = match s.runtime {
                Some((ratio, low, high)) => vec![Series {
                    vs_baseline: (s.name != "baseline").then_some(Comparison {
                        ratio,
                        ratio_ci: [low, high],
                        p_value: if low > 1.0 || high < 1.0 { 0.001 } else { 0.4 },
                        p_adjusted: None,
                        significant: low > 1.0 || high < 1.0,
                        verdict: if high < 1.0 {
                            Verdict::Better
                        } else if low > 1.0 {
                            Verdict::Worse
                        } else {
                            Verdict::WithinNoise
                        },
                        direction: Default::default(),
                        rule: Default::default(),
                        within_noise: None,
                    }),
                    status: Status::Ok,
                    output_differs: false,
                    ..base_rt.clone()
                }],
                None => Vec::new(),
            };
            c
        })
        .collect();
    doc
}

/// Fat LTO.
pub const FAT: &[(&str, &str)] = &[("lto", "fat")];
/// Fat LTO and one codegen unit.
pub const FAT1: &[(&str, &str)] = &[("lto", "fat"), ("codegen-units", "1")];
/// Everything for size.
pub const SIZE_Z: &[(&str, &str)] = &[
    ("lto", "fat"),
    ("opt-level", "z"),
    ("panic", "abort"),
    ("strip", "symbols"),
];

/// A sweep where each step buys size and costs build time and link memory.
pub fn sweep() -> Vec<Spec> {
    vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("thin", 960_000, 70.0, 500).set(&[("lto", "thin")]),
        spec("fat", 900_000, 80.0, 800).set(FAT),
        spec("fat-cgu1", 850_000, 100.0, 1200).set(FAT1),
        spec("size-z", 700_000, 110.0, 1100).set(SIZE_Z),
    ]
}

/// Two shards of one sweep measured on two machines: `a` without `dbg`,
/// `b` (on "other CPU") without `fat`.
pub fn two_shards() -> (MeasureDocument, MeasureDocument) {
    let mut a = template();
    a.id = "a".into();
    a.configurations.retain(|c| c.name != "dbg");
    let mut b = template();
    b.id = "b".into();
    b.machine.cpu_model = "other CPU".into();
    b.configurations.retain(|c| c.name != "fat");
    (a, b)
}

/// Gives `build` the clean builds `walls` (3 to 5 of them, all quiet), as
/// `measure --build-runs` records them: the median, and the range as its
/// CI (the order-statistic interval for so few).
pub fn repeated(build: &mut super::measure::Build, walls: &[f64]) {
    assert!((3..=5).contains(&walls.len()));
    let mut sorted = walls.to_vec();
    sorted.sort_by(f64::total_cmp);
    build.samples = walls
        .iter()
        .enumerate()
        .map(|(i, &wall_s)| super::measure::BuildSample {
            started_unix_s: i as f64,
            wall_s,
            cpu_s: wall_s,
            peak_rss_bytes: build.peak_rss_bytes,
            contention: Some(0.0),
            busy: false,
        })
        .collect();
    build.wall_s = sorted[sorted.len() / 2];
    build.wall_s_ci = Some([sorted[0], sorted[sorted.len() - 1]]);
    build.wall_s_ci_level = Some(if walls.len() == 3 { 0.75 } else { 0.9 });
}
