//! The overlays a component's render applies, in azldev's order (`sourceprep.go`
//! `postProcessSources`, azldev-reference §2.2 step 5): the macros-file load (when the macros
//! file is not empty), the component's own overlays (inline, then from `overlay-files`), the
//! `%check` skip (when `build.check.skip`), and the header, always last.

use std::path::PathBuf;

use cairn_config::model::ComponentConfig;
use cairn_config::overlay::{DefinedOverlay, OverlayOrigin};
use cairn_overlay::synthesized;

/// What a component's render adds to its sources and applies to them.
#[derive(Debug, Clone)]
pub struct OverlayPlan {
    /// `<name>.azl.macros` and its text, when the build configuration defines any macro.
    pub macros_file: Option<(String, String)>,
    /// Every overlay to apply, in order.
    pub overlays: Vec<DefinedOverlay>,
}

/// The plan for component `name` with resolved configuration `config`; `origin` is the file
/// that defines the component (named in overlay errors; overlay `source` paths are already
/// absolute).
pub fn overlay_plan(name: &str, config: &ComponentConfig, origin: PathBuf) -> OverlayPlan {
    let origin = OverlayOrigin {
        file: origin,
        line: None,
    };
    let defined = |overlay| DefinedOverlay {
        overlay,
        origin: origin.clone(),
    };
    let build = &config.build;
    let macros_file = synthesized::macros_file(
        &build.with,
        &build.without,
        &build.defines,
        &build.undefines,
    )
    .map(|text| (synthesized::macros_file_name(name), text));
    let mut overlays = Vec::with_capacity(config.overlays.len() + 4);
    if macros_file.is_some() {
        overlays.extend(synthesized::macros_load_overlays(name).map(defined));
    }
    overlays.extend(config.overlays.iter().cloned().map(defined));
    if build.skips_check() {
        let reason = build.check.skip_reason.as_deref().unwrap_or_default();
        overlays.push(defined(synthesized::check_skip_overlay(reason)));
    }
    overlays.push(defined(synthesized::header_overlay()));
    OverlayPlan {
        macros_file,
        overlays,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_config::overlay::{Overlay, OverlayType};

    #[test]
    fn azldev_order() {
        let mut config = ComponentConfig::default();
        config.build.without.push("debug".into());
        config.build.check.skip = Some(true);
        config.build.check.skip_reason = Some("flaky".into());
        let mut own = Overlay::new(OverlayType::SpecAddTag);
        own.description = Some("own".into());
        config.overlays.push(own);
        let plan = overlay_plan("tuna", &config, PathBuf::from("tuna.comp.toml"));
        let (name, text) = plan.macros_file.unwrap();
        assert_eq!(name, "tuna.azl.macros");
        assert!(text.ends_with("%_without_debug 1\n"));
        let kinds: Vec<(&str, &str)> = plan
            .overlays
            .iter()
            .map(|d| {
                (
                    d.overlay.kind.as_str(),
                    d.overlay.description_or_placeholder(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("spec-prepend-lines", "load the component's macros file"),
                ("spec-insert-tag", "ship the component's macros file"),
                ("spec-add-tag", "own"),
                ("spec-prepend-lines", "skip %check"),
                ("spec-prepend-lines", "azldev header"),
            ]
        );
        let bare = overlay_plan("x", &ComponentConfig::default(), PathBuf::new());
        assert!(bare.macros_file.is_none());
        assert_eq!(bare.overlays.len(), 1);
    }
}
