//! Choosing components: azldev's filter (`-a`, `-p NAME-GLOB`, `-g GROUP`).

use std::collections::BTreeSet;

use crate::error::ConfigError;
use crate::project::Project;

/// Which components a command works on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComponentFilter {
    /// Every component.
    pub all: bool,
    /// Names or globs (`*`, `?`, `[...]`); a name without wildcards must exist.
    pub patterns: Vec<String>,
    /// Component groups whose members are selected.
    pub groups: Vec<String>,
}

impl ComponentFilter {
    /// Whether nothing was asked for.
    pub fn is_empty(&self) -> bool {
        !self.all && self.patterns.is_empty() && self.groups.is_empty()
    }
}

impl Project {
    /// The names `filter` selects, sorted and without duplicates.
    pub fn select_components(&self, filter: &ComponentFilter) -> Result<Vec<String>, ConfigError> {
        if filter.all {
            return Ok(self.component_names().map(str::to_owned).collect());
        }
        let mut selected = BTreeSet::new();
        for pattern in &filter.patterns {
            if crate::glob::has_wildcards(pattern) {
                let matcher =
                    crate::glob::matcher(pattern).map_err(|error| ConfigError::BadPattern {
                        pattern: pattern.clone(),
                        message: error.to_string(),
                    })?;
                selected.extend(
                    self.component_names()
                        .filter(|name| matcher.is_match(name))
                        .map(str::to_owned),
                );
            } else if self.has_component(pattern) {
                selected.insert(pattern.clone());
            } else {
                return Err(ConfigError::UnknownComponent {
                    name: pattern.clone(),
                    suggestion: crate::keys::closest(pattern, self.component_names()),
                });
            }
        }
        for group in &filter.groups {
            selected.extend(self.group_members(group)?.into_iter().map(str::to_owned));
        }
        Ok(selected.into_iter().collect())
    }
}
