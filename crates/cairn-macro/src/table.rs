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

/// Stacks of definitions, by name.
type Stacks = HashMap<Arc<str>, Vec<MacroDefinition>>;

/// All macros of one evaluation context.
///
/// The macros of the loaded files (thousands) sit in a shared, frozen `base`; a context copies
/// a name's stack into its own `entries` the first time it changes it, so starting a context
/// per spec costs one reference count, not a copy of every macro.
#[derive(Debug, Clone, Default)]
pub struct MacroTable {
    base: Arc<Stacks>,
    /// Names changed in this table: their whole stack (empty when every definition was popped).
    entries: Stacks,
    /// Names pushed with a level above [`level::GLOBAL`], in push order, so a parametric call
    /// can drop its scope without scanning the whole table (rpm's `freeArgs` scans it).
    scoped: Vec<(i32, Arc<str>)>,
}

impl MacroTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same macros, with every change moved into the shared base (cheap to clone after).
    pub fn frozen(mut self) -> Self {
        if self.entries.is_empty() {
            return self;
        }
        let mut base = Arc::unwrap_or_clone(std::mem::take(&mut self.base));
        for (name, stack) in self.entries.drain() {
            if stack.is_empty() {
                base.remove(&name);
            } else {
                base.insert(name, stack);
            }
        }
        Self {
            base: Arc::new(base),
            entries: Stacks::new(),
            scoped: self.scoped,
        }
    }

    fn stack(&self, name: &str) -> Option<&Vec<MacroDefinition>> {
        self.entries.get(name).or_else(|| self.base.get(name))
    }

    /// The key and stack of `name` in `entries`, copied from the base on first change.
    fn stack_mut(&mut self, name: &str) -> (Arc<str>, &mut Vec<MacroDefinition>) {
        if !self.entries.contains_key(name) {
            let (key, stack) = match self.base.get_key_value(name) {
                Some((key, stack)) => (Arc::clone(key), stack.clone()),
                None => (Arc::from(name), Vec::new()),
            };
            self.entries.insert(key, stack);
        }
        let key = self
            .entries
            .get_key_value(name)
            .map_or_else(|| Arc::from(name), |(key, _)| Arc::clone(key));
        let stack = self.entries.entry(Arc::clone(&key)).or_default();
        (key, stack)
    }

    /// The visible definition of `name`, if any.
    pub fn get(&self, name: &str) -> Option<&MacroDefinition> {
        self.stack(name).and_then(|stack| stack.last())
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
        let (key, stack) = self.stack_mut(name);
        stack.push(definition);
        if level > level::GLOBAL {
            self.scoped.push((level, key));
        }
    }

    /// Pops the visible definition of `name` (rpm's `%undefine`).
    pub fn pop(&mut self, name: &str) {
        if self.stack(name).is_some_and(|stack| !stack.is_empty()) {
            self.stack_mut(name).1.pop();
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
            if let Some(stack) = self.entries.get_mut(&*name)
                && stack.last().is_some_and(|top| top.level >= level)
            {
                stack.pop();
            }
        }
    }

    /// Names and visible definitions, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MacroDefinition)> {
        let changed = self
            .entries
            .iter()
            .filter_map(|(name, stack)| Some((&**name, stack.last()?)));
        let unchanged = self
            .base
            .iter()
            .filter(|(name, _)| !self.entries.contains_key(&***name))
            .filter_map(|(name, stack)| Some((&**name, stack.last()?)));
        changed.chain(unchanged)
    }

    /// Number of names with a definition.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether no macro is defined.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
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

    #[test]
    fn changes_do_not_reach_the_frozen_base() {
        let mut base = MacroTable::new();
        base.push("foo", None, "1", level::MACROFILES);
        base.push("bar", None, "2", level::MACROFILES);
        let base = base.frozen();
        let mut context = base.clone();
        context.pop("foo");
        context.push("bar", None, "3", level::GLOBAL);
        context.push("new", None, "4", level::GLOBAL);
        assert!(!context.is_defined("foo"));
        assert_eq!(&*context.get("bar").unwrap().body, "3");
        assert_eq!(context.len(), 2);
        context.pop("bar");
        assert_eq!(&*context.get("bar").unwrap().body, "2");
        assert_eq!(&*base.get("foo").unwrap().body, "1");
        assert_eq!(&*base.get("bar").unwrap().body, "2");
        assert!(!base.is_defined("new"));
        assert_eq!(base.len(), 2);
    }
}
