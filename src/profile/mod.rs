//! Release-profile settings in three layers: what the user wrote
//! ([`settings`]), what a profile resolves to ([`resolve`]), and the cargo
//! arguments that select a configuration ([`cargo_args`]); plus the built-in
//! matrix ([`presets`]) and the matrix the user asked for ([`matrix`]).

mod key_texts;
pub mod keys;
pub mod matrix;
pub mod presets;
pub mod resolve;
pub mod rustflags;
pub mod settings;
pub mod values;

pub use keys::{Key, Lives};
pub use presets::{BASELINE, Configuration, Preset};
pub use settings::Settings;
pub use values::Value;

/// The custom profile name cargo-lto gives a configuration (Cargo reserves names starting with `cargo`).
pub fn profile_name(config: &str) -> String {
    format!("lto-{config}")
}

/// The cargo arguments that build `config` on top of `base_profile`, without
/// touching any file: a config-only custom profile inheriting the base.
/// Baseline builds the base profile itself.
pub fn cargo_args(config: &Configuration, base_profile: &str) -> Vec<String> {
    if config.name == BASELINE {
        return if base_profile == "release" {
            vec!["--release".into()]
        } else {
            vec!["--profile".into(), base_profile.into()]
        };
    }
    let profile = profile_name(&config.name);
    let mut args = vec![
        "--config".to_string(),
        format!("profile.{profile}.inherits=\"{base_profile}\""),
    ];
    for (key, value) in config.settings.profile_pairs() {
        args.push("--config".into());
        args.push(format!("profile.{profile}.{key}={value}"));
    }
    args.push("--profile".into());
    args.push(profile);
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_of_a_custom_configuration() {
        let c = Configuration {
            name: "fat-cgu1".into(),
            settings: Settings::parse_list("lto=fat,codegen-units=1", "t").unwrap(),
        };
        assert_eq!(
            cargo_args(&c, "release"),
            [
                "--config",
                "profile.lto-fat-cgu1.inherits=\"release\"",
                "--config",
                "profile.lto-fat-cgu1.lto=\"fat\"",
                "--config",
                "profile.lto-fat-cgu1.codegen-units=1",
                "--profile",
                "lto-fat-cgu1"
            ]
        );
    }

    #[test]
    fn baseline_is_the_base_profile() {
        let c = Configuration {
            name: BASELINE.into(),
            settings: Settings::default(),
        };
        assert_eq!(cargo_args(&c, "release"), ["--release"]);
        assert_eq!(cargo_args(&c, "dist"), ["--profile", "dist"]);
    }
}
