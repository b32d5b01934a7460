//! `%{lua:...}`: an embedded Lua 5.4 (what rpm embeds) with rpm's Lua API subset.
//!
//! Provided: `print` (into the macro's output, arguments joined by tabs, as rpmlua.c does),
//! `rpm.expand`, `rpm.define`, `rpm.undefine`, `rpm.isdefined`, `rpm.vercmp`,
//! `rpm.interactive`/`rpm.redirect2null` (no-ops), the `macros` table (read, assign, call
//! parametric macros), and `posix.getenv`/`posix.access`. One Lua state lives per
//! [`MacroContext`] (rpm has one per process), created on first use so specs without Lua pay
//! nothing.

use std::cell::RefCell;

use mlua::{Function, Lua, Table, Value};

use crate::context::MacroContext;
use crate::error::MacroError;
use crate::expand::Frame;

const PRELUDE: &str = r#"
local hooks = {}
local buffers = {}
function print(...)
  local parts = {}
  for i = 1, select('#', ...) do parts[i] = tostring((select(i, ...))) end
  local top = buffers[#buffers]
  if top then top[#top + 1] = table.concat(parts, "\t") end
end
rpm = {
  expand = function(text) return hooks.expand(text) end,
  define = function(text) return hooks.define(text) end,
  undefine = function(name) return hooks.undefine(name) end,
  isdefined = function(name) return hooks.isdefined(name) end,
  vercmp = function(a, b) return hooks.vercmp(a, b) end,
  interactive = function() end,
  redirect2null = function() end,
}
macros = setmetatable({}, {
  __index = function(_, name)
    local kind, value = hooks.index(name)
    if kind == "parametric" then
      return function(...)
        local args = {...}
        if type(args[1]) == "table" then args = args[1] end
        return hooks.call(name, args)
      end
    end
    return value
  end,
  __newindex = function(_, name, value) hooks.set(name, value) end,
})
posix = {
  getenv = os.getenv,
  access = function(path)
    local file = io.open(path)
    if file then file:close() return 0 end
    return nil
  end,
}
local function push() buffers[#buffers + 1] = {} end
local function pop()
  local top = table.remove(buffers)
  return top and table.concat(top, "") or ""
end
return hooks, push, pop
"#;

/// The Lua state of one context.
#[derive(Clone)]
pub(crate) struct LuaState {
    lua: Lua,
    hooks: Table,
    push: Function,
    pop: Function,
}

impl LuaState {
    fn new() -> Result<Self, MacroError> {
        let lua = Lua::new();
        let (hooks, push, pop): (Table, Function, Function) = lua
            .load(PRELUDE)
            .set_name("cairn rpm prelude")
            .eval()
            .map_err(lua_error)?;
        let vercmp = lua
            .create_function(|_, (a, b): (String, String)| {
                Ok(crate::version::rpmvercmp(&a, &b) as i32)
            })
            .map_err(lua_error)?;
        hooks.raw_set("vercmp", vercmp).map_err(lua_error)?;
        Ok(Self {
            lua,
            hooks,
            push,
            pop,
        })
    }
}

fn lua_error(error: mlua::Error) -> MacroError {
    let text = error.to_string();
    MacroError::Lua(text.lines().next().unwrap_or_default().to_owned())
}

fn external(error: MacroError) -> mlua::Error {
    mlua::Error::external(error)
}

fn state(context: &mut MacroContext) -> Result<LuaState, MacroError> {
    if let Some(state) = &context.lua {
        return Ok(state.clone());
    }
    let state = LuaState::new()?;
    context.lua = Some(state.clone());
    Ok(state)
}

/// Runs the script of `%{lua:...}` and returns what it printed.
pub(crate) fn run_macro(
    context: &mut MacroContext,
    script: &str,
    frame: Frame,
) -> Result<String, MacroError> {
    let state = state(context)?;
    let saved = (context.level, context.depth);
    context.level = frame.level;
    context.depth = frame.depth;
    state.push.call::<()>(()).map_err(lua_error)?;
    let result = with_hooks(&state, context, |lua| {
        lua.load(script).set_name("lua macro").exec()
    });
    let printed: String = state.pop.call(()).unwrap_or_default();
    (context.level, context.depth) = saved;
    result.map(|()| printed)
}

/// Calls a function of Lua's `string` library on whitespace-separated arguments (for the
/// rpm 4.19 `%{sub:}`/`%{gsub:}` builtins).
pub(crate) fn call_string_function(
    context: &mut MacroContext,
    function: &str,
    arguments: &str,
    frame: Frame,
) -> Result<String, MacroError> {
    let mut script = format!("print(({function}(");
    for (index, argument) in arguments.split_whitespace().enumerate() {
        if index > 0 {
            script.push(',');
        }
        if argument.parse::<i64>().is_ok() {
            script.push_str(argument);
        } else {
            script.push_str(&format!("{argument:?}"));
        }
    }
    script.push_str(")))");
    run_macro(context, &script, frame)
}

const HOOK_NAMES: [&str; 6] = ["expand", "define", "undefine", "isdefined", "index", "set"];

/// Runs `body` with the hooks bound to `context` (scoped: nested runs rebind and restore).
fn with_hooks<R>(
    state: &LuaState,
    context: &mut MacroContext,
    body: impl FnOnce(&Lua) -> mlua::Result<R>,
) -> Result<R, MacroError> {
    let lua = &state.lua;
    let hooks = &state.hooks;
    let mut saved: Vec<Value> = Vec::new();
    for name in HOOK_NAMES.iter().chain(["call"].iter()) {
        saved.push(hooks.raw_get(*name).map_err(lua_error)?);
    }
    let cell = RefCell::new(context);
    let result = lua.scope(|scope| {
        hooks.raw_set(
            "expand",
            scope.create_function(|_, text: String| {
                let mut context = cell.try_borrow_mut().map_err(mlua::Error::external)?;
                context.expand(&text).map_err(external)
            })?,
        )?;
        hooks.raw_set(
            "define",
            scope.create_function(|_, text: String| {
                let mut context = cell.try_borrow_mut().map_err(mlua::Error::external)?;
                context
                    .define(&text, crate::table::level::GLOBAL)
                    .map_err(external)
            })?,
        )?;
        hooks.raw_set(
            "undefine",
            scope.create_function(|_, name: String| {
                let mut context = cell.try_borrow_mut().map_err(mlua::Error::external)?;
                context.undefine(&name);
                Ok(())
            })?,
        )?;
        hooks.raw_set(
            "isdefined",
            scope.create_function(|_, name: String| {
                let context = cell.try_borrow().map_err(mlua::Error::external)?;
                let definition = context.table.get(&name);
                Ok((
                    definition.is_some(),
                    definition.is_some_and(|d| d.options.is_some()),
                ))
            })?,
        )?;
        hooks.raw_set(
            "index",
            scope.create_function(|_, name: String| {
                let mut context = cell.try_borrow_mut().map_err(mlua::Error::external)?;
                match context.table.get(&name) {
                    None => Ok((None, None)),
                    Some(definition) if definition.options.is_some() => {
                        Ok((Some("parametric"), None))
                    }
                    Some(_) => {
                        let value = context.expand(&format!("%{{{name}}}")).map_err(external)?;
                        Ok((Some("plain"), Some(value)))
                    }
                }
            })?,
        )?;
        hooks.raw_set(
            "set",
            scope.create_function(|_, (name, value): (String, Option<String>)| {
                let mut context = cell.try_borrow_mut().map_err(mlua::Error::external)?;
                match value {
                    Some(value) => context.push(&name, &value, crate::table::level::GLOBAL),
                    None => context.undefine(&name),
                }
                Ok(())
            })?,
        )?;
        hooks.raw_set(
            "call",
            scope.create_function(|_, (name, arguments): (String, Vec<String>)| {
                let mut context = cell.try_borrow_mut().map_err(mlua::Error::external)?;
                context.call_parametric(&name, &arguments).map_err(external)
            })?,
        )?;
        body(lua)
    });
    for (name, value) in HOOK_NAMES.iter().chain(["call"].iter()).zip(saved) {
        let _ = hooks.raw_set(*name, value);
    }
    result.map_err(|error| match error {
        mlua::Error::ExternalError(inner) => match inner.downcast_ref::<MacroError>() {
            Some(macro_error) => macro_error.clone(),
            None => MacroError::Lua(inner.to_string()),
        },
        mlua::Error::CallbackError { cause, .. } => match &*cause {
            mlua::Error::ExternalError(inner) => match inner.downcast_ref::<MacroError>() {
                Some(macro_error) => macro_error.clone(),
                None => MacroError::Lua(inner.to_string()),
            },
            other => lua_error(other.clone()),
        },
        other => lua_error(other),
    })
}

impl MacroContext {
    /// Calls parametric macro `name` with `arguments` as they are (rpm's `rpmExpandThisMacro`).
    pub fn call_parametric(
        &mut self,
        name: &str,
        arguments: &[String],
    ) -> Result<String, MacroError> {
        let Some(definition) = self.table.get(name).cloned() else {
            return Err(MacroError::NoSuchMacro(name.to_owned()));
        };
        let level = self.level + 1;
        let options = definition.options.clone().unwrap_or_default();
        let frame = Frame {
            depth: self.depth,
            level,
            escape: false,
        };
        let result = crate::args::call_arguments(self, name, &options, arguments, level)
            .and_then(|()| self.expand_this(&definition.body, frame));
        self.table.drop_scope(level);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_joins_with_tabs_and_concatenates() {
        let mut context = MacroContext::empty();
        assert_eq!(
            context
                .expand("[%{lua: print(\"a\",\"b\") print(\"c\")}]")
                .unwrap(),
            "[a\tbc]"
        );
        assert_eq!(
            context
                .expand("%{lua: print(1.0) print(2) print(nil)}")
                .unwrap(),
            "1.02nil"
        );
    }

    #[test]
    fn rpm_api_reaches_the_macro_table() {
        let mut context = MacroContext::empty();
        context.push("foo", "bar", 0);
        assert_eq!(context.expand("%{lua: print(macros.foo)}").unwrap(), "bar");
        assert_eq!(
            context
                .expand("%{lua: rpm.define(\"zz 1\") print(rpm.expand(\"%zz\"))}")
                .unwrap(),
            "1"
        );
        assert_eq!(
            context
                .expand("%{lua: print(rpm.vercmp(\"1.0\", \"1.1\"))}")
                .unwrap(),
            "-1"
        );
        assert_eq!(
            context
                .expand("%{lua: print(rpm.expand(\"%{lua: print(7)}\"))}")
                .unwrap(),
            "7"
        );
    }
}
