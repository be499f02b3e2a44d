//! How a figure is written, in one place: bytes, seconds, ratios, relative
//! changes and p-values. The bottom layer (it imports nothing), so the
//! renderers and any message that shows a figure write it the same way.

/// Bytes in binary units with one decimal: `512 B`, `497.2 KiB`, `2.1 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A signed change in bytes: `+1.9 KiB`, `-19.5 KiB`, `0`.
pub fn bytes_delta(n: i64) -> String {
    match n.signum() {
        1 => format!("+{}", bytes(n.unsigned_abs())),
        -1 => format!("-{}", bytes(n.unsigned_abs())),
        _ => "0".into(),
    }
}

/// Seconds: `0.42 s`, `12.3 s`, `125 s`.
pub fn seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 100.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.0} s")
    }
}

/// A ratio with `decimals` decimals: `×1.85` (`n/a` when not finite).
pub fn ratio(r: f64, decimals: usize) -> String {
    if r.is_finite() {
        format!("×{r:.decimals$}")
    } else {
        "n/a".into()
    }
}

/// A relative change, 0.05 meaning +5%: `+5.0%` (`n/a` when not finite).
pub fn change(c: f64) -> String {
    if c.is_finite() {
        format!("{:+.1}%", c * 100.0)
    } else {
        "n/a".into()
    }
}

/// A limit on a relative change as the user gave it, to the precision
/// given: `+3%`, `+0.01%`, `-2.5%`.
pub fn limit(c: f64) -> String {
    let text = format!("{:+.4}", c * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// A part of a whole or the size of a change, 0.012 meaning 1.2%, with
/// `decimals` decimals and no sign: `1.2%`.
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{:.decimals$}%", share * 100.0)
}

/// A p-value for people: `p = 0.43`, `p = 0.003`, `p < 0.001`.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(509_168), "497.2 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(bytes_delta(-20_000), "-19.5 KiB");
        assert_eq!(bytes_delta(0), "0");
        assert_eq!(seconds(0.421), "0.42 s");
        assert_eq!(seconds(12.34), "12.3 s");
        assert_eq!(seconds(125.4), "125 s");
        assert_eq!(ratio(2.0, 2), "×2.00");
        assert_eq!(ratio(f64::INFINITY, 2), "n/a");
        assert_eq!(change(424_008.0 / 509_168.0 - 1.0), "-16.7%");
        assert_eq!(change(f64::NAN), "n/a");
        assert_eq!(percent(0.0012, 1), "0.1%");
        assert_eq!(limit(0.03), "+3%");
        assert_eq!(limit(0.0001), "+0.01%");
        assert_eq!(limit(-0.025), "-2.5%");
        assert_eq!(limit(0.0), "+0%");
        assert_eq!(p_value(0.043), "p = 0.04");
        assert_eq!(p_value(0.0043), "p = 0.004");
        assert_eq!(p_value(0.0001), "p < 0.001");
    }
}
