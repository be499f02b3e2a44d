//! `recommend` over benchmarks (`measure --bench`): `--max-regression`.

use super::recommend;
use super::tests::why;
use crate::results::advice::{Constraints, Goal, Why};
use crate::results::test_docs::{doc, spec};

/// Benchmarks (`measure --bench`): a configuration whose benchmark is
/// judged worse by more than `--max-regression` is disqualified naming
/// the worst of them; one within the limit stays a candidate, and the
/// speed goal picks by the geometric mean.
#[test]
fn max_regression_names_the_benchmark_that_disqualifies() {
    use crate::results::measure::{Metric, SeriesKind};
    // each configuration's runtime turned into benchmarks: a fast one, and
    // a second with its own ratio
    let mut d = doc(&[
        spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
        spec("fat", 1_000_000, 60.0, 300).run(0.60, 0.58, 0.62),
        spec("slight", 1_000_000, 60.0, 300).run(0.80, 0.78, 0.82),
    ]);
    let second = [("fat", 1.30), ("slight", 1.03)];
    for c in d.configurations.iter_mut() {
        let mut s = c.series[0].clone();
        s.kind = SeriesKind::Benchmark;
        s.metric = Metric::NsPerIter;
        s.name = "b/fast".into();
        let mut t = s.clone();
        t.name = "b/other".into();
        if let (Some(v), Some((_, r))) = (
            t.vs_baseline.as_mut(),
            second.iter().find(|(n, _)| *n == c.name),
        ) {
            v.ratio = *r;
            v.ratio_ci = [r - 0.01, r + 0.01];
            v.verdict = crate::results::measure::Verdict::Worse;
        }
        c.series = vec![s, t];
    }
    let limit = Constraints {
        max_regression: Some(0.05),
        ..Constraints::default()
    };
    let r = recommend(&d, Goal::Speed, &limit).unwrap();
    assert!(
        matches!(why(&r, "fat"), Why::BenchmarkRegression { benchmark, worse_by, limit, count: 1, .. } if benchmark == "b/other" && (worse_by - 0.30).abs() < 1e-9 && *limit == 0.05),
        "{:#?}",
        r.rejected
    );
    // a 3% regression is within a 5% limit: slight is the pick
    assert_eq!(r.choice.as_deref(), Some("slight"), "{:#?}", r.reasons);
    // with no limit, fat's geometric mean wins
    let none = recommend(&d, Goal::Speed, &Constraints::default()).unwrap();
    assert_eq!(none.choice.as_deref(), Some("fat"), "{:#?}", none.reasons);
}
