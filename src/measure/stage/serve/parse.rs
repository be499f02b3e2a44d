//! What a load generator reported: requests per second, the median and
//! 99th percentile latency, and how many requests were answered, read
//! from its own output — one function per generator. A figure it does not
//! print is None (h2load prints no percentiles; ab rounds them to whole
//! milliseconds).

use crate::results::serve::Generator;

/// One load run's figures, as its generator reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Requests per second.
    pub rps: Option<f64>,
    /// Median latency, seconds.
    pub p50_s: Option<f64>,
    /// 99th percentile latency, seconds.
    pub p99_s: Option<f64>,
    /// Requests answered (any status).
    pub requests: Option<u64>,
}

/// The figures in `output` of `generator`. A latency printed as 0 is
/// below the generator's resolution (hey's 0.1 ms, ab's 1 ms): no figure.
pub fn figures(generator: Generator, output: &str) -> Figures {
    let f = match generator {
        Generator::Hey => hey(output),
        Generator::Wrk => wrk(output),
        Generator::Ab => ab(output),
        Generator::H2load => h2load(output),
        Generator::Oha => oha(output),
    };
    let positive = |v: Option<f64>| v.filter(|x| *x > 0.0 && x.is_finite());
    Figures {
        rps: positive(f.rps),
        p50_s: positive(f.p50_s),
        p99_s: positive(f.p99_s),
        requests: f.requests,
    }
}

/// The first number in `text` (after `prefix`, trimmed).
fn number(text: &str) -> Option<f64> {
    let t = text.trim_start();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    t[..end].parse().ok()
}

/// The value after `key` on the first line that starts with it.
fn after(output: &str, key: &str) -> Option<f64> {
    output
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(key))
        .and_then(number)
}

/// A duration such as `52.00us`, `1.20ms`, `0.5s` in seconds.
fn duration(text: &str) -> Option<f64> {
    let t = text.trim();
    let n = number(t)?;
    let unit = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match unit {
        "ns" => n * 1e-9,
        "us" | "µs" => n * 1e-6,
        "ms" => n * 1e-3,
        "s" | "secs" | "" => n,
        "m" => n * 60.0,
        _ => return None,
    })
}

/// hey's summary (`Requests/sec:`, `50% in X secs`, `[200] N responses`),
/// or its `-o csv` rows (every request: exact latencies).
fn hey(output: &str) -> Figures {
    if output.starts_with("response-time,") {
        return hey_csv(output);
    }
    let pct = |p: &str| {
        output
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{p}% in ")))
            .and_then(number)
    };
    Figures {
        rps: after(output, "Requests/sec:"),
        p50_s: pct("50"),
        p99_s: pct("99"),
        requests: responses(output),
    }
}

/// The `[CODE] N responses` lines of hey and oha, added up.
fn responses(output: &str) -> Option<u64> {
    let counts: Vec<u64> = output
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix('[')?;
            let (_, rest) = rest.split_once(']')?;
            let rest = rest.trim();
            rest.strip_suffix("responses")?.trim().parse().ok()
        })
        .collect();
    (!counts.is_empty()).then(|| counts.iter().sum())
}

/// hey's `-o csv`: `response-time,DNS+dialup,DNS,Request-write,
/// Response-delay,Response-read,status-code,offset`, a row per request.
fn hey_csv(output: &str) -> Figures {
    let mut times = Vec::new();
    let mut end: f64 = 0.0;
    for line in output.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let (Some(t), Some(offset)) = (
            cols.first().and_then(|c| c.parse::<f64>().ok()),
            cols.get(7).and_then(|c| c.parse::<f64>().ok()),
        ) else {
            continue;
        };
        times.push(t);
        end = end.max(offset + t);
    }
    if times.is_empty() {
        return Figures::default();
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    Figures {
        rps: (end > 0.0).then(|| times.len() as f64 / end),
        p50_s: Some(at(0.5)),
        p99_s: Some(at(0.99)),
        requests: Some(times.len() as u64),
    }
}

/// wrk: `Requests/sec:`, `N requests in`, and with `--latency` its
/// distribution (`50%   52.00us`).
fn wrk(output: &str) -> Figures {
    let pct = |p: &str| {
        output.lines().find_map(|l| {
            let rest = l.trim().strip_prefix(&format!("{p}%"))?;
            duration(rest)
        })
    };
    Figures {
        rps: after(output, "Requests/sec:"),
        p50_s: pct("50"),
        p99_s: pct("99"),
        requests: output.lines().find_map(|l| {
            let (n, rest) = l.trim().split_once(' ')?;
            rest.starts_with("requests in").then(|| n.parse().ok())?
        }),
    }
}

/// ApacheBench: `Requests per second:`, `Complete requests:`, and its
/// percentiles in whole milliseconds (`  50%      3`).
fn ab(output: &str) -> Figures {
    let pct = |p: &str| {
        output.lines().find_map(|l| {
            let rest = l.trim().strip_prefix(&format!("{p}%"))?;
            number(rest).map(|ms| ms * 1e-3)
        })
    };
    Figures {
        rps: after(output, "Requests per second:"),
        p50_s: pct("50"),
        p99_s: pct("99"),
        requests: after(output, "Complete requests:").map(|n| n as u64),
    }
}

/// h2load: `finished in X, N req/s`, `requests: N total, … N succeeded`;
/// it prints no percentiles.
fn h2load(output: &str) -> Figures {
    let rps = output.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("finished in ")?;
        let (_, rest) = rest.split_once(", ")?;
        number(rest)
    });
    let requests = output.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("requests:")?;
        let done = rest.split(',').find(|p| p.trim().ends_with("done"))?;
        number(done).map(|n| n as u64)
    });
    Figures {
        rps,
        p50_s: None,
        p99_s: None,
        requests,
    }
}

/// oha: its JSON (`--output-format json`: `summary.requestsPerSec`,
/// `latencyPercentiles.p50`, `statusCodeDistribution`), else its text
/// summary, read as hey's.
fn oha(output: &str) -> Figures {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(output.trim()) else {
        return hey(output);
    };
    let f = |v: &serde_json::Value| v.as_f64();
    let requests = json["statusCodeDistribution"]
        .as_object()
        .map(|codes| codes.values().filter_map(|v| v.as_u64()).sum());
    Figures {
        rps: f(&json["summary"]["requestsPerSec"]),
        p50_s: f(&json["latencyPercentiles"]["p50"]),
        p99_s: f(&json["latencyPercentiles"]["p99"]),
        requests,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEY: &str = "\nSummary:\n  Total:\t0.0718 secs\n  Requests/sec:\t27860.4098\n\nLatency distribution:\n  10% in 0.0000 secs\n  50% in 0.0001 secs\n  99% in 0.0007 secs\n\nStatus code distribution:\n  [200]\t2000 responses\n  [503]\t5 responses\n";

    const WRK: &str = "Running 2s test @ http://127.0.0.1:18080/sum?n=2000\n  1 threads and 4 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency    61.10us  100.56us   3.67ms   98.94%\n    Req/Sec    56.17k     5.66k   68.57k    66.67%\n  Latency Distribution\n     50%   52.00us\n     75%   65.00us\n     90%   81.00us\n     99%    1.70ms\n  117104 requests in 2.10s, 11.95MB read\nRequests/sec:  55760.99\nTransfer/sec:      5.69MB\n";

    const AB: &str = "Complete requests:      2000\nFailed requests:        0\nRequests per second:    43176.03 [#/sec] (mean)\nPercentage of the requests served within a certain time (ms)\n  50%      2\n  66%      3\n  99%      7\n 100%      9 (longest request)\n";

    const H2LOAD: &str = "finished in 50.66ms, 39482.78 req/s, 4.03MB/s\nrequests: 2000 total, 2000 started, 1990 done, 1990 succeeded, 10 failed, 0 errored, 0 timeout\n";

    #[test]
    fn each_generator_is_read() {
        let h = figures(Generator::Hey, HEY);
        assert_eq!(h.rps, Some(27860.4098));
        assert_eq!(h.p50_s, Some(0.0001));
        assert_eq!(h.p99_s, Some(0.0007));
        assert_eq!(h.requests, Some(2005));
        let w = figures(Generator::Wrk, WRK);
        assert_eq!(w.rps, Some(55760.99));
        assert!((w.p50_s.unwrap() - 52e-6).abs() < 1e-12);
        assert!((w.p99_s.unwrap() - 1.7e-3).abs() < 1e-12);
        assert_eq!(w.requests, Some(117104));
        let a = figures(Generator::Ab, AB);
        assert_eq!((a.rps, a.requests), (Some(43176.03), Some(2000)));
        assert_eq!((a.p50_s, a.p99_s), (Some(0.002), Some(0.007)));
        let h2 = figures(Generator::H2load, H2LOAD);
        assert_eq!(
            (h2.rps, h2.requests, h2.p50_s),
            (Some(39482.78), Some(1990), None)
        );
        let json = r#"{"summary":{"successRate":1.0,"requestsPerSec":1234.5},"latencyPercentiles":{"p50":0.0002,"p99":0.003},"statusCodeDistribution":{"200":900,"404":100}}"#;
        let o = figures(Generator::Oha, json);
        assert_eq!(
            (o.rps, o.p50_s, o.p99_s, o.requests),
            (Some(1234.5), Some(0.0002), Some(0.003), Some(1000))
        );
        assert_eq!(figures(Generator::Wrk, "nothing here"), Figures::default());
        // hey's 0.0000 secs is under its resolution, not a latency
        let zero = HEY.replace("50% in 0.0001", "50% in 0.0000");
        assert_eq!(figures(Generator::Hey, &zero).p50_s, None);
    }

    #[test]
    fn hey_csv_gives_exact_latencies() {
        let csv = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n0.0010,0,0,0,0,0,200,0.0000\n0.0020,0,0,0,0,0,200,0.0010\n0.0030,0,0,0,0,0,200,0.0030\n";
        let f = figures(Generator::Hey, csv);
        assert_eq!(f.requests, Some(3));
        assert_eq!(f.p50_s, Some(0.002));
        assert!((f.rps.unwrap() - 3.0 / 0.006).abs() < 1e-6);
    }
}
