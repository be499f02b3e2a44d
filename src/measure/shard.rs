//! Sharding a sweep over CI jobs (`--shard K/N`, `cargo lto plan`):
//! which configurations each shard builds, identical ones together.

use super::resolved::{effective, values};
use crate::profile::resolve::Resolved;
use crate::profile::{BASELINE, Configuration};

/// The configurations of shard `k` of `n` (1-based): configurations with
/// the same effective settings form one group (they are one build); the
/// groups other than baseline's are dealt round-robin in matrix order, and
/// baseline itself is in every shard, so each shard's runtime comparisons
/// have their reference measured on the same machine. Deterministic: the
/// same matrix and profile give every shard the same list on any machine.
pub fn shard(configs: &[Configuration], base: &Resolved, k: usize, n: usize) -> Vec<Configuration> {
    let mut out = Vec::new();
    let mut dealt = 0;
    for members in groups(configs, base) {
        let has_baseline = members.iter().any(|c| c.name == BASELINE);
        let mine = if has_baseline {
            k == 1
        } else {
            dealt += 1;
            (dealt - 1) % n == k - 1
        };
        for c in members {
            if mine || c.name == BASELINE {
                out.push(c.clone());
            }
        }
    }
    // matrix order, baseline first
    out.sort_by_key(|c| configs.iter().position(|d| d.name == c.name));
    out
}

/// The configurations grouped by effective settings (each group is one
/// build), in matrix order.
pub fn groups<'a>(configs: &'a [Configuration], base: &Resolved) -> Vec<Vec<&'a Configuration>> {
    let mut groups: Vec<(Resolved, Vec<&Configuration>)> = Vec::new();
    for c in configs {
        let settings = effective(c, base);
        match groups
            .iter_mut()
            .find(|(s, _)| values(s) == values(&settings))
        {
            Some((_, members)) => members.push(c),
            None => groups.push((settings, vec![c])),
        }
    }
    groups.into_iter().map(|(_, m)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Settings;
    use crate::profile::presets::Preset;
    use crate::profile::resolve::ResolvedValue;

    fn base(lto: &str, cgu: &str) -> Resolved {
        let settings =
            Settings::parse_list(&format!("lto={lto},codegen-units={cgu}"), "t").unwrap();
        settings
            .iter()
            .map(|(key, value)| {
                let value = value.clone();
                let source = "test".to_string();
                (key, ResolvedValue { value, source })
            })
            .collect()
    }

    fn names(c: &[Configuration]) -> Vec<&str> {
        c.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn shards_cover_every_configuration_once_with_baseline_in_each() {
        let configs = Preset::Standard.configurations();
        let base = base("false", "16");
        for n in 1..=5 {
            let mut seen = Vec::new();
            for k in 1..=n {
                let s = shard(&configs, &base, k, n);
                assert_eq!(s[0].name, "baseline", "{k}/{n}");
                seen.extend(s.into_iter().map(|c| c.name).filter(|c| c != "baseline"));
            }
            seen.sort();
            let mut all: Vec<String> = configs
                .iter()
                .map(|c| c.name.clone())
                .filter(|c| c != "baseline")
                .collect();
            all.sort();
            assert_eq!(seen, all, "n = {n}");
        }
    }

    #[test]
    fn identical_configurations_share_a_shard() {
        let configs = Preset::Quick.configurations();
        // fat and fat-cgu1 are baseline here: they go with baseline, to
        // shard 1; off and thin are dealt to shards 1 and 2
        let base = base("fat", "1");
        let one = shard(&configs, &base, 1, 2);
        assert_eq!(names(&one), ["baseline", "off", "fat", "fat-cgu1"]);
        assert_eq!(names(&shard(&configs, &base, 2, 2)), ["baseline", "thin"]);
    }
}
