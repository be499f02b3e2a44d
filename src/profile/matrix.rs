//! The matrix the user asked for: a preset, then configurations from
//! `[workspace.metadata.cargo-lto]` / `[package.metadata.cargo-lto]`, then
//! `--with` on the command line (later ones replace earlier ones of the same
//! name), narrowed by `--only`. Every name and value is checked here, before
//! any build starts.

use super::presets::{BASELINE, Configuration, Preset};
use super::settings::Settings;
use crate::error::UsageError;
use crate::metadata;

/// What the command line says about the matrix.
#[derive(Debug, Clone, Default)]
pub struct MatrixRequest {
    /// `--preset`, if given (it wins over the metadata's `preset`).
    pub preset: Option<String>,
    /// `--with NAME:KEY=VALUE,…`, in order.
    pub with: Vec<String>,
    /// `--only NAME,…`: measure just these.
    pub only: Vec<String>,
}

/// Checks a configuration name: it names a directory and a cargo profile.
pub fn check_name(name: &str, origin: &str) -> Result<(), UsageError> {
    if !metadata::valid_name(name) {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: format!(
                "configuration name `{name}` must be 1–64 letters, digits, `-` or `_`"
            ),
        });
    }
    if name == BASELINE {
        return Err(UsageError::Syntax {
            origin: origin.to_string(),
            message: "`baseline` is the project's own profile and cannot be redefined (use --base-profile to choose it)".into(),
        });
    }
    Ok(())
}

fn upsert(list: &mut Vec<Configuration>, config: Configuration) {
    match list.iter_mut().find(|c| c.name == config.name) {
        Some(slot) => *slot = config,
        None => list.push(config),
    }
}

/// Builds the configuration list, baseline first.
pub fn build(
    request: &MatrixRequest,
    metadata: &[metadata::Source],
) -> Result<Vec<Configuration>, UsageError> {
    let mut preset_name = None;
    let mut from_metadata = Vec::new();
    for source in metadata {
        if let Some(p) = &source.table.preset {
            preset_name = Some((p.clone(), source.origin.clone()));
        }
        for (name, table) in &source.table.configurations {
            let origin = format!("{} configurations.{name}", source.origin);
            check_name(name, &origin)?;
            from_metadata.push(Configuration {
                name: name.clone(),
                settings: Settings::from_table(table, &origin)?,
            });
        }
    }
    let (preset_name, preset_origin) = match &request.preset {
        Some(p) => (p.clone(), "--preset".to_string()),
        None => preset_name.unwrap_or_else(|| ("quick".into(), "default".into())),
    };
    let preset = Preset::parse(&preset_name).ok_or_else(|| UsageError::Syntax {
        origin: preset_origin,
        message: format!("unknown preset `{preset_name}`: use `quick`, `standard` or `pgo`"),
    })?;
    let mut list = preset.configurations();
    for config in from_metadata {
        upsert(&mut list, config);
    }
    for with in &request.with {
        let origin = format!("--with '{with}'");
        let (name, settings) = with.split_once(':').ok_or_else(|| UsageError::Syntax {
            origin: origin.clone(),
            message: "expected NAME:KEY=VALUE[,KEY=VALUE…], e.g. `small:lto=fat,opt-level=z`"
                .into(),
        })?;
        let name = name.trim();
        check_name(name, &origin)?;
        let settings = Settings::parse_list(settings, &origin)?;
        if settings.is_empty() {
            return Err(UsageError::Syntax {
                origin,
                message: "sets no key; name at least one, e.g. `lto=fat`".into(),
            });
        }
        upsert(
            &mut list,
            Configuration {
                name: name.to_string(),
                settings,
            },
        );
    }
    if !request.only.is_empty() {
        // a configuration defined on this command line and left out by it
        // would be dropped without a word
        for with in &request.with {
            let name = with.split_once(':').map_or("", |(n, _)| n.trim());
            if !request.only.iter().any(|o| o == name) {
                return Err(UsageError::Syntax {
                    origin: format!("--with '{with}'"),
                    message: format!(
                        "`{name}` is not among --only {}: it would be defined and never measured; add it to --only, or leave out the --with",
                        request.only.join(",")
                    ),
                });
            }
        }
        for name in &request.only {
            if !list.iter().any(|c| &c.name == name) {
                return Err(UsageError::NoSuchConfiguration {
                    origin: "--only".into(),
                    name: name.clone(),
                    known: list.iter().map(|c| c.name.clone()).collect(),
                });
            }
        }
        list.retain(|c| request.only.contains(&c.name));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source(value: serde_json::Value) -> metadata::Source {
        let origin = "[workspace.metadata.cargo-lto]".to_string();
        metadata::parse(origin, std::path::Path::new("/p/Cargo.toml"), &value).unwrap()
    }

    fn names(list: &[Configuration]) -> Vec<&str> {
        list.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn a_with_that_only_leaves_out_is_an_error_naming_both() {
        let request = MatrixRequest {
            with: vec!["small:lto=fat".into()],
            only: vec!["baseline".into(), "fat".into()],
            ..MatrixRequest::default()
        };
        let err = build(&request, &[]).unwrap_err().to_string();
        assert!(
            err.starts_with("--with 'small:lto=fat': `small` is not among --only baseline,fat"),
            "{err}"
        );
        let request = MatrixRequest {
            only: vec!["small".into()],
            ..request
        };
        assert_eq!(names(&build(&request, &[]).unwrap()), ["small"]);
    }

    #[test]
    fn default_is_quick() {
        let list = build(&MatrixRequest::default(), &[]).unwrap();
        assert_eq!(names(&list), ["baseline", "off", "thin", "fat", "fat-cgu1"]);
    }

    #[test]
    fn metadata_and_cli_add_and_replace() {
        let meta = source(
            json!({"configurations": {"small": {"lto": "fat", "opt-level": "z"}, "fat": {"lto": true, "codegen-units": 2}}}),
        );
        let request = MatrixRequest {
            with: vec![
                "mine:lto=thin,codegen-units=1".into(),
                "small:opt-level=s".into(),
            ],
            ..Default::default()
        };
        let list = build(&request, &[meta]).unwrap();
        assert_eq!(
            names(&list),
            [
                "baseline", "off", "thin", "fat", "fat-cgu1", "small", "mine"
            ]
        );
        let fat = &list[3];
        assert_eq!(
            fat.settings.get(crate::profile::Key::CodegenUnits),
            Some(&crate::profile::Value::Count(2))
        );
        assert_eq!(list[5].settings.to_string(), "opt-level=\"s\"");
    }

    #[test]
    fn errors_name_the_culprit() {
        let bad_key = source(json!({"configurations": {"x": {"ltp": "fat"}}}));
        let err = build(&MatrixRequest::default(), &[bad_key])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("configurations.x") && err.contains("ltp"),
            "{err}"
        );

        let bad_name = source(json!({"configurations": {"a b": {"lto": "fat"}}}));
        let err = build(&MatrixRequest::default(), &[bad_name])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("configurations.a b") && err.contains("must be"),
            "{err}"
        );

        let req = MatrixRequest {
            preset: Some("fast".into()),
            ..Default::default()
        };
        assert!(
            build(&req, &[])
                .unwrap_err()
                .to_string()
                .contains("unknown preset `fast`")
        );

        let req = MatrixRequest {
            with: vec!["a b:lto=fat".into()],
            ..Default::default()
        };
        assert!(build(&req, &[]).is_err());
        let req = MatrixRequest {
            with: vec!["baseline:lto=fat".into()],
            ..Default::default()
        };
        assert!(build(&req, &[]).is_err());
        let req = MatrixRequest {
            only: vec!["fatt".into()],
            ..Default::default()
        };
        assert!(build(&req, &[]).unwrap_err().to_string().contains("fatt"));
    }

    proptest::proptest! {
        /// Any `--with`/`--only` text: a matrix or a usage error, never a panic,
        /// and baseline always first when it is measured.
        #[test]
        fn any_request_builds_or_errs(
            with in proptest::collection::vec("\\PC{0,30}", 0..3),
            only in proptest::collection::vec("[a-z-]{0,8}", 0..3),
        ) {
            let req = MatrixRequest { with, only, ..Default::default() };
            if let Ok(list) = build(&req, &[])
                && let Some(i) = list.iter().position(|c| c.name == BASELINE)
            {
                proptest::prop_assert_eq!(i, 0);
            }
        }
    }

    #[test]
    fn only_narrows() {
        let req = MatrixRequest {
            only: vec!["fat".into(), "off".into()],
            ..Default::default()
        };
        assert_eq!(names(&build(&req, &[]).unwrap()), ["off", "fat"]);
    }
}
