//! The built-in configuration matrices (`--preset`).

use super::keys::Key;
use super::settings::Settings;
use super::values::{Debug, Icf, Lto, OptLevel, Panic, Step, Strip, Value};

/// One named point of the matrix: settings laid over the base profile.
/// `baseline` has no settings: it is the user's profile as it resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configuration {
    /// Short name, also the directory under `<target-dir>/cargo-lto/`.
    pub name: String,
    /// The keys overridden on top of the base profile.
    pub settings: Settings,
}

pub use crate::results::BASELINE;

/// Which built-in matrix to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// baseline, off, thin, fat, fat-cgu1.
    Quick,
    /// quick plus thin-local, off-cgu1, thin-cgu1, size-s, size-z, icf.
    Standard,
    /// The release pipeline past LTO: baseline, fat, fat-pgo, thin-pgo,
    /// fat-pgo-bolt.
    Pgo,
}

impl Preset {
    /// Parses a preset name.
    pub fn parse(name: &str) -> Option<Preset> {
        match name {
            "quick" => Some(Preset::Quick),
            "standard" => Some(Preset::Standard),
            "pgo" => Some(Preset::Pgo),
            _ => None,
        }
    }

    /// The preset's configurations, baseline first.
    pub fn configurations(self) -> Vec<Configuration> {
        let lto = |lto| Settings::of([(Key::Lto, Value::Lto(lto))]);
        let cgu1 = |l| {
            Settings::of([
                (Key::Lto, Value::Lto(l)),
                (Key::CodegenUnits, Value::Count(1)),
            ])
        };
        let size = |level| {
            Settings::of([
                (Key::Lto, Value::Lto(Lto::Fat)),
                (Key::CodegenUnits, Value::Count(1)),
                (Key::OptLevel, Value::OptLevel(level)),
                (Key::Panic, Value::Panic(Panic::Abort)),
                (Key::Strip, Value::Strip(Strip::Symbols)),
                (Key::Debug, Value::Debug(Debug::None)),
            ])
        };
        if self == Preset::Pgo {
            let step = |lto, bolt| {
                let mut keys = vec![
                    (Key::Lto, Value::Lto(lto)),
                    (Key::Pgo, Value::Step(Step::On)),
                ];
                if bolt {
                    keys.push((Key::Bolt, Value::Step(Step::On)));
                }
                Settings::of(keys)
            };
            return [
                (BASELINE, Settings::default()),
                ("fat", lto(Lto::Fat)),
                ("fat-pgo", step(Lto::Fat, false)),
                ("thin-pgo", step(Lto::Thin, false)),
                ("fat-pgo-bolt", step(Lto::Fat, true)),
            ]
            .into_iter()
            .map(|(name, settings)| Configuration {
                name: name.to_string(),
                settings,
            })
            .collect();
        }
        let mut list = vec![
            (BASELINE, Settings::default()),
            ("off", lto(Lto::Off)),
            ("thin", lto(Lto::Thin)),
            ("fat", lto(Lto::Fat)),
            ("fat-cgu1", cgu1(Lto::Fat)),
        ];
        if self == Preset::Standard {
            list.splice(
                2..2,
                [
                    ("off-cgu1", cgu1(Lto::Off)),
                    ("thin-local", lto(Lto::ThinLocal)),
                ],
            );
            list.insert(5, ("thin-cgu1", cgu1(Lto::Thin)));
            let icf = Settings::of([(Key::Icf, Value::Icf(Icf::All))]);
            list.extend([
                ("size-s", size(OptLevel::S)),
                ("size-z", size(OptLevel::Z)),
                ("icf", icf),
            ]);
        }
        list.into_iter()
            .map(|(name, settings)| Configuration {
                name: name.to_string(),
                settings,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: Preset) -> Vec<String> {
        p.configurations().into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn quick_is_the_five_of_the_issue() {
        assert_eq!(
            names(Preset::Quick),
            ["baseline", "off", "thin", "fat", "fat-cgu1"]
        );
    }

    #[test]
    fn standard_extends_quick() {
        let standard = names(Preset::Standard);
        for name in names(Preset::Quick) {
            assert!(standard.contains(&name), "{name} missing");
        }
        for name in [
            "off-cgu1",
            "thin-cgu1",
            "thin-local",
            "size-s",
            "size-z",
            "icf",
        ] {
            assert!(standard.contains(&name.to_string()), "{name} missing");
        }
        let size_z = Preset::Standard
            .configurations()
            .into_iter()
            .find(|c| c.name == "size-z")
            .unwrap();
        assert_eq!(
            size_z.settings.to_string(),
            "lto=\"fat\" codegen-units=1 opt-level=\"z\" panic=\"abort\" strip=\"symbols\" debug=\"none\""
        );
    }

    #[test]
    fn pgo_is_the_pipeline_past_lto() {
        assert_eq!(
            names(Preset::Pgo),
            ["baseline", "fat", "fat-pgo", "thin-pgo", "fat-pgo-bolt"]
        );
        let last = Preset::Pgo.configurations().pop().unwrap();
        assert_eq!(
            last.settings.to_string(),
            "lto=\"fat\" pgo=\"on\" bolt=\"on\""
        );
    }

    #[test]
    fn unknown_preset_is_none() {
        assert_eq!(Preset::parse("fast"), None);
    }
}
