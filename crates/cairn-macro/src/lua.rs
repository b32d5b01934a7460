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
  uname = function(format) return hooks.uname(format or "%s %n %r %v %m") end,
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

/// What a sandboxed state keeps of `os` (time and environment only), and no `io`, `require`
/// or file loaders.
const SANDBOX: &str = r#"
os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime, getenv = os.getenv }
io, require, dofile, loadfile, package = nil, nil, nil, nil, nil
"#;

/// Instructions between budget checks of a sandboxed state, and how many checks it gets:
/// about 20 million instructions, a fraction of a second of Lua.
const SANDBOX_HOOK_INTERVAL: u32 = 100_000;
const SANDBOX_HOOK_CHECKS: u32 = 200;

/// Memory a sandboxed Lua state may allocate.
const SANDBOX_MEMORY: usize = 64 << 20;

impl LuaState {
    fn new(sandbox: bool) -> Result<Self, MacroError> {
        let lua = Lua::new();
        if sandbox {
            lua.load(SANDBOX)
                .set_name("cairn sandbox")
                .exec()
                .map_err(lua_error)?;
            lua.set_memory_limit(SANDBOX_MEMORY).map_err(lua_error)?;
            let checks = std::cell::Cell::new(0u32);
            lua.set_hook(
                mlua::HookTriggers::new().every_nth_instruction(SANDBOX_HOOK_INTERVAL),
                move |_, _| {
                    checks.set(checks.get() + 1);
                    if checks.get() > SANDBOX_HOOK_CHECKS {
                        return Err(mlua::Error::RuntimeError(
                            "the Lua instruction budget of a sandboxed evaluation is spent"
                                .to_owned(),
                        ));
                    }
                    Ok(mlua::VmState::Continue)
                },
            )
            .map_err(lua_error)?;
        }
        let (hooks, push, pop): (Table, Function, Function) = lua
            .load(PRELUDE)
            .set_name("cairn rpm prelude")
            .eval()
            .map_err(lua_error)?;
        let vercmp = lua
            .create_function(|_, (a, b): (String, String)| {
                Ok(crate::expression::compare_versions(&a, &b) as i32)
            })
            .map_err(lua_error)?;
        hooks.raw_set("vercmp", vercmp).map_err(lua_error)?;
        let uname = lua
            .create_function(|_, format: String| Ok(uname(&format)))
            .map_err(lua_error)?;
        hooks.raw_set("uname", uname).map_err(lua_error)?;
        Ok(Self {
            lua,
            hooks,
            push,
            pop,
        })
    }
}

/// rpm's `posix.uname(format)` (luaposix): `%m` machine, `%n` node name, `%r` release, `%s`
/// system, `%v` version, `%%` a percent sign; read from /proc as uname(2) reports them.
fn uname(format: &str) -> String {
    let read = |name: &str| {
        std::fs::read_to_string(format!("/proc/sys/kernel/{name}"))
            .map(|text| text.trim_end().to_owned())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let mut characters = format.chars();
    while let Some(c) = characters.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match characters.next() {
            Some('m') => out.push_str(std::env::consts::ARCH),
            Some('n') => out.push_str(&read("hostname")),
            Some('r') => out.push_str(&read("osrelease")),
            Some('s') => out.push_str(&read("ostype")),
            Some('v') => out.push_str(&read("version")),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
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
    let state = LuaState::new(context.config.sandbox)?;
    context.lua = Some(state.clone());
    context.source_tables.dirty = true;
    Ok(state)
}

/// Runs the script of `%{lua:...}` and returns what it printed. As rpm's `rpmluaRunScript`,
/// the chunk starts with `local opt, arg = ...`: the options and operands of the parametric
/// macro whose body holds it (empty tables elsewhere).
pub(crate) fn run_macro(
    context: &mut MacroContext,
    script: &str,
    frame: Frame,
) -> Result<String, MacroError> {
    let state = state(context)?;
    if context.source_tables.dirty {
        sync_source_tables(&state, context).map_err(lua_error)?;
    }
    let call = frame
        .call
        .and_then(|index| context.calls.get(index))
        .cloned();
    let (options, operands) = call_tables(&state.lua, call.as_ref()).map_err(lua_error)?;
    let saved = (context.level, context.depth);
    context.level = frame.level;
    context.depth = frame.depth;
    state.push.call::<()>(()).map_err(lua_error)?;
    let chunk = format!("local opt, arg = ...;{script}");
    let result = with_hooks(&state, context, |lua| {
        lua.load(chunk.as_str())
            .set_name("lua macro")
            .call::<()>((options, operands))
    });
    let printed: String = state.pop.call(()).unwrap_or_default();
    (context.level, context.depth) = saved;
    result.map(|()| printed)
}

/// The `opt` and `arg` tables of a chunk run inside parametric call `call`.
fn call_tables(lua: &Lua, call: Option<&crate::args::Call>) -> mlua::Result<(Table, Table)> {
    let options = lua.create_table()?;
    let operands = lua.create_table()?;
    if let Some(call) = call {
        for (letter, value) in &call.options {
            options.raw_set(letter.to_string(), value.as_deref().unwrap_or(""))?;
        }
        for (index, operand) in call.operands.iter().enumerate() {
            operands.raw_set(index + 1, operand.as_str())?;
        }
    }
    Ok((options, operands))
}

/// Rebuilds the `sources`, `patches`, `source_nums` and `patch_nums` globals from what the
/// spec declared so far.
fn sync_source_tables(state: &LuaState, context: &mut MacroContext) -> mlua::Result<()> {
    let globals = state.lua.globals();
    globals.raw_set(
        "sources",
        state
            .lua
            .create_sequence_from(context.source_tables.sources.iter().map(String::as_str))?,
    )?;
    globals.raw_set(
        "patches",
        state
            .lua
            .create_sequence_from(context.source_tables.patches.iter().map(String::as_str))?,
    )?;
    globals.raw_set(
        "source_nums",
        state
            .lua
            .create_sequence_from(context.source_tables.source_numbers.iter().copied())?,
    )?;
    globals.raw_set(
        "patch_nums",
        state
            .lua
            .create_sequence_from(context.source_tables.patch_numbers.iter().copied())?,
    )?;
    context.source_tables.dirty = false;
    Ok(())
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
        let options = definition.options.clone().unwrap_or_default();
        let frame = Frame {
            depth: self.depth,
            level: self.level,
            escape: false,
            call: None,
        };
        let mut out = String::new();
        self.call_body(name, &options, arguments, &definition.body, &mut out, frame)?;
        Ok(out)
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
                .expand("%{lua: print(rpm.vercmp(\"1.0\", \"1.1\"), rpm.vercmp(\"1:1\", \"2\"))}")
                .unwrap(),
            "-1\t1"
        );
        assert_eq!(
            context
                .expand("%{lua: print(rpm.expand(\"%{lua: print(7)}\"))}")
                .unwrap(),
            "7"
        );
    }
}
