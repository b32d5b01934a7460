//! The macro table: a stack of definitions per name, with rpm's scoping levels.
//!
//! Mirrors rpm's `rpmMacroContext` (rpmio/macro.c): every name maps to a stack of
//! definitions; `%define` pushes, `%undefine` pops, and the automatic macros of a parametric
//! call (`%0`, `%1`, `%*`, `%-f`...) are pushed at the call's level and popped when it returns.

use std::collections::HashMap;
use std::sync::Arc;

/// rpm's levels for where a definition came from (rpmmacro.h `RMIL_*`).
pub mod level {
    /// Built-in defaults.
    pub const DEFAULT: i32 = -15;
    /// Macro files (`/usr/lib/rpm/macros`, `macros.d/`...).
    pub const MACROFILES: i32 = -13;
    /// `--define` on the command line.
    pub const CMDLINE: i32 = -7;
    /// Tags of the spec being parsed (`%name`, `%version`...).
    pub const SPEC: i32 = -3;
    /// `%global` (and the top level of a spec).
    pub const GLOBAL: i32 = 0;
}

/// One definition of a macro.
#[derive(Debug, Clone)]
pub struct MacroDefinition {
    /// The body, unexpanded (`%define`) or expanded once (`%global`).
    pub body: Arc<str>,
    /// getopt(3) option string for parametric macros (`%define foo(a:b)`); `None` for plain ones.
    pub options: Option<Arc<str>>,
    /// The scoping level it was defined at.
    pub level: i32,
    /// Automatic macros of a parametric call (`%1`, `%*`, `%-f`): visible only at their level.
    pub automatic: bool,
}

/// All macros of one evaluation context.
#[derive(Debug, Clone, Default)]
pub struct MacroTable {
    entries: HashMap<Arc<str>, Vec<MacroDefinition>>,
    /// Names pushed with a level above [`level::GLOBAL`], in push order, so a parametric call
    /// can drop its scope without scanning the whole table (rpm's `freeArgs` scans it).
    scoped: Vec<(i32, Arc<str>)>,
}

impl MacroTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The visible definition of `name`, if any.
    pub fn get(&self, name: &str) -> Option<&MacroDefinition> {
        self.entries.get(name).and_then(|stack| stack.last())
    }

    /// Whether `name` has a definition.
    pub fn is_defined(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Pushes a definition over any previous one of the same name.
    pub fn push(&mut self, name: &str, options: Option<&str>, body: &str, level: i32) {
        self.push_definition(
            name,
            MacroDefinition {
                body: Arc::from(body),
                options: options.map(Arc::from),
                level,
                automatic: false,
            },
        );
    }

    /// Pushes an automatic macro of a parametric call.
    pub(crate) fn push_automatic(&mut self, name: &str, body: &str, level: i32) {
        self.push_definition(
            name,
            MacroDefinition {
                body: Arc::from(body),
                options: None,
                level,
                automatic: true,
            },
        );
    }

    fn push_definition(&mut self, name: &str, definition: MacroDefinition) {
        let level = definition.level;
        let key = match self.entries.get_key_value(name) {
            Some((key, _)) => Arc::clone(key),
            None => Arc::from(name),
        };
        if level > level::GLOBAL {
            self.scoped.push((level, Arc::clone(&key)));
        }
        self.entries.entry(key).or_default().push(definition);
    }

    /// Pops the visible definition of `name` (rpm's `%undefine`).
    pub fn pop(&mut self, name: &str) {
        if let Some(stack) = self.entries.get_mut(name) {
            stack.pop();
            if stack.is_empty() {
                self.entries.remove(name);
            }
        }
    }

    /// Drops every definition made at `level` or deeper (the end of a parametric call).
    pub(crate) fn drop_scope(&mut self, level: i32) {
        while let Some((entry_level, _)) = self.scoped.last() {
            if *entry_level < level {
                break;
            }
            let Some((_, name)) = self.scoped.pop() else {
                break;
            };
            if let Some(stack) = self.entries.get_mut(&*name) {
                if stack.last().is_some_and(|top| top.level >= level) {
                    stack.pop();
                }
                if stack.is_empty() {
                    self.entries.remove(&*name);
                }
            }
        }
    }

    /// Number of names with a definition.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no macro is defined.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Names and visible definitions, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MacroDefinition)> {
        self.entries
            .iter()
            .filter_map(|(name, stack)| Some((&**name, stack.last()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pop_and_scopes() {
        let mut table = MacroTable::new();
        table.push("foo", None, "1", level::GLOBAL);
        table.push("foo", None, "2", 1);
        table.push_automatic("1", "x", 1);
        assert_eq!(&*table.get("foo").unwrap().body, "2");
        table.drop_scope(1);
        assert_eq!(&*table.get("foo").unwrap().body, "1");
        assert!(table.get("1").is_none());
        table.pop("foo");
        assert!(!table.is_defined("foo"));
    }
}
