// Runs an Argo CD health script the way Argo CD does: the object as the global `obj`, the script's return value a
// table {status, message}. The interpreter is fengari (Lua 5.3 in JavaScript, from npm: nothing to install).
import { createRequire } from 'node:module';

interface LuaState {
  __brand: 'lua_State';
}
interface Fengari {
  lua: {
    lua_newtable(L: LuaState): void;
    lua_setfield(L: LuaState, index: number, key: Uint8Array): void;
    lua_seti(L: LuaState, index: number, n: number): void;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: Uint8Array): void;
    lua_setglobal(L: LuaState, name: Uint8Array): void;
    lua_pcall(L: LuaState, nargs: number, nresults: number, handler: number): number;
    lua_getfield(L: LuaState, index: number, key: Uint8Array): number;
    lua_tojsstring(L: LuaState, index: number): string | null;
    lua_pop(L: LuaState, n: number): void;
    LUA_OK: number;
  };
  lauxlib: { luaL_newstate(): LuaState; luaL_loadstring(L: LuaState, s: Uint8Array): number };
  lualib: { luaL_openlibs(L: LuaState): void };
  to_luastring(s: string): Uint8Array;
}

const fengari = createRequire(import.meta.url)('fengari') as Fengari;
const { lua, lauxlib, lualib, to_luastring } = fengari;

function push(L: LuaState, value: unknown): void {
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number' && Number.isInteger(value)) lua.lua_pushinteger(L, value);
  else if (typeof value === 'number') lua.lua_pushnumber(L, value);
  else if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value));
  else if (Array.isArray(value)) {
    lua.lua_newtable(L);
    value.forEach((item, i) => {
      push(L, item);
      lua.lua_seti(L, -2, i + 1);
    });
  } else {
    lua.lua_newtable(L);
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      push(L, item);
      lua.lua_setfield(L, -2, to_luastring(key));
    }
  }
}

export function runHealthScript(script: string, obj: object): { status: string; message: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  push(L, obj);
  lua.lua_setglobal(L, to_luastring('obj'));
  if (lauxlib.luaL_loadstring(L, to_luastring(script)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK)
    throw new Error(`lua: ${lua.lua_tojsstring(L, -1)}`);
  lua.lua_getfield(L, -1, to_luastring('status'));
  const status = lua.lua_tojsstring(L, -1) ?? '';
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, -1, to_luastring('message'));
  const message = lua.lua_tojsstring(L, -1) ?? '';
  return { status, message };
}
