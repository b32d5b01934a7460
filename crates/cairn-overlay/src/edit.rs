//! One overlay applied to a spec in memory: the dispatch from overlay type to spec edit
//! (azldev's `ApplySpecOverlay` in `internal/app/azldev/core/sources/overlays.go`).

use cairn_config::overlay::{Overlay, OverlayType};

use crate::spec::{Spec, SpecEditError, to_lines};

/// Where cairn may depart from azldev's behaviour; the defaults match azldev exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EditOptions {
    /// `spec-add-tag` fails when the package already has the tag, as azldev's documentation
    /// says; azldev's code (the default here) appends a duplicate.
    pub strict_add_tag: bool,
    /// `spec-search-replace` with a `section` but no `package` edits only the main package's
    /// section, as azldev's documentation says; azldev's code (the default here) edits that
    /// section in every package.
    pub search_replace_main_package_only: bool,
    /// `spec-remove-section` removes from the header to the next header without balancing
    /// `%if`/`%endif`, as the azldev that rendered the Azure Linux 4.0 specs (April 2026)
    /// did; azldev balances the range since (the default here). `spec-remove-subpackage`
    /// always balances.
    pub unbalanced_section_removal: bool,
}

/// Reads an optional overlay field the way azldev does: unset and empty are both `""`.
pub(crate) fn field(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

/// Whether the overlay edits the spec (the spec halves of `patch-add`/`patch-remove` included).
pub fn modifies_spec(kind: OverlayType) -> bool {
    !matches!(
        kind,
        OverlayType::FilePrependLines
            | OverlayType::FileSearchReplace
            | OverlayType::FileAdd
            | OverlayType::FileRemove
            | OverlayType::FileRename
    )
}

/// The file name `patch-add` writes: `file`, or the base name of `source`.
pub(crate) fn patch_destination(overlay: &Overlay) -> String {
    match overlay.file.as_deref() {
        Some(file) if !file.is_empty() => file.to_owned(),
        _ => {
            let source = field(&overlay.source);
            source.rsplit('/').next().unwrap_or(source).to_owned()
        }
    }
}

/// Applies the spec part of `overlay` to `spec`, then re-reads the result as azldev does
/// between overlays. Fails with [`SpecEditError::NotASpecOverlay`] for file-only overlays.
pub fn apply_to_spec(
    spec: &mut Spec,
    overlay: &Overlay,
    options: &EditOptions,
) -> Result<(), SpecEditError> {
    let package = field(&overlay.package);
    let section = field(&overlay.section);
    let tag = field(&overlay.tag);
    let value = field(&overlay.value);
    let lines = || to_lines(overlay.lines.as_deref().unwrap_or_default());
    match overlay.kind {
        OverlayType::SpecAddTag => spec.add_tag(package, tag, value, options.strict_add_tag),
        OverlayType::SpecInsertTag => spec.insert_tag(package, tag, value),
        OverlayType::SpecSetTag => spec.set_tag(package, tag, value),
        OverlayType::SpecUpdateTag => spec.update_tag(package, tag, value),
        OverlayType::SpecRemoveTag => spec.remove_tag(package, tag, value),
        OverlayType::SpecPrependLines if section.is_empty() && package.is_empty() => {
            spec.prepend_lines(lines());
            Ok(())
        }
        OverlayType::SpecPrependLines => spec.prepend_to_section(section, package, lines()),
        OverlayType::SpecAppendLines if section.is_empty() && package.is_empty() => {
            spec.append_lines(lines());
            Ok(())
        }
        OverlayType::SpecAppendLines => spec.append_to_section(section, package, lines()),
        OverlayType::SpecSearchReplace => spec.search_replace(
            section,
            package,
            field(&overlay.regex),
            field(&overlay.replacement),
            options.search_replace_main_package_only,
        ),
        OverlayType::SpecRemoveSection => {
            spec.remove_section(section, package, !options.unbalanced_section_removal)
        }
        OverlayType::SpecRemoveSubpackage => spec.remove_subpackage(package),
        OverlayType::PatchAdd => spec.add_patch(package, &patch_destination(overlay)),
        OverlayType::PatchRemove => spec.remove_patch(field(&overlay.file)),
        kind => Err(SpecEditError::NotASpecOverlay {
            kind: kind.as_str(),
        }),
    }?;
    spec.reread();
    Ok(())
}
