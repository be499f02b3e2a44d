//! The target's triple and `cfg` values, asked from rustc.

/// The target's triple and `cfg` values, to tell which platform-specific
/// dependencies cargo will build.
#[derive(Debug, Clone, Default)]
pub struct TargetCfg {
    triple: String,
    cfgs: Vec<cargo_metadata::cargo_platform::Cfg>,
}

impl TargetCfg {
    /// Asks rustc (`--print cfg`, and `-vV` for the host triple). On failure
    /// every platform-specific dependency counts as built.
    pub fn probe(target: Option<&str>) -> TargetCfg {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let run = |args: &[&str]| {
            std::process::Command::new(&rustc)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        };
        let triple = match target {
            Some(t) => t.to_string(),
            None => run(&["-vV"])
                .and_then(|v| {
                    v.lines()
                        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
                })
                .unwrap_or_default(),
        };
        let mut args = vec!["--print", "cfg"];
        if let Some(t) = target {
            args.extend(["--target", t]);
        }
        let cfgs = run(&args)
            .map(|out| out.lines().filter_map(|l| l.parse().ok()).collect())
            .unwrap_or_default();
        TargetCfg { triple, cfgs }
    }

    /// The target triple.
    pub fn triple(&self) -> &str {
        &self.triple
    }

    /// True when a config key such as `cfg(target_os = "linux")` applies
    /// to the target.
    pub fn cfg_matches(&self, key: &str) -> bool {
        key.parse::<cargo_metadata::cargo_platform::Platform>()
            .is_ok_and(|p| self.matches(Some(&p)))
    }

    pub(super) fn matches(
        &self,
        platform: Option<&cargo_metadata::cargo_platform::Platform>,
    ) -> bool {
        match platform {
            None => true,
            Some(_) if self.triple.is_empty() => true,
            Some(p) => p.matches(&self.triple, &self.cfgs),
        }
    }
}
