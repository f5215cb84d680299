/**
 * Helpers for testing Lua libraries without the engine: a runtime whose
 * `call` runs natives directly, calling a library's function, the value a
 * native raised, a library's keys, tables from arrays, and hex views of
 * byte strings.
 */

import assert from "node:assert/strict";
import {
  LuaError,
  LuaFunction,
  type LuaRuntime,
  LuaTable,
  type LuaValue,
} from "../../lib/lua/value.ts";

/** A runtime for natives: callbacks must be natives too. */
export const nativeRuntime: LuaRuntime = {
  call: (fn, args) => (fn as LuaFunction).native!(nativeRuntime, args),
  tostring: (v) => String(v),
  index: (t, k) => (t as LuaTable).get(k),
  globals: new LuaTable(),
};

/** Calls `lib[name]` with `args`; returns its results. */
export function callNative(
  lib: LuaTable,
  name: string,
  ...args: LuaValue[]
): LuaValue[] {
  return (lib.get(name) as LuaFunction).native!(nativeRuntime, args);
}

/** The value `fn` raised as a LuaError (fails when it raised nothing). */
export function raisedValue(fn: () => unknown): LuaValue {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LuaError, `not a LuaError: ${e}`);
    return e.value;
  }
  throw new Error("no error raised");
}

/** Asserts that `fn` raises the error value `message`. */
export function raises(fn: () => unknown, message: string): void {
  assert.equal(raisedValue(fn), message);
}

/** A library table's keys, sorted. */
export function libraryKeys(lib: LuaTable): string[] {
  const keys: string[] = [];
  for (let e = lib.next(undefined); e; e = lib.next(e[0])) {
    keys.push(e[0] as string);
  }
  return keys.sort();
}

/** A table with `array` at 1..n and the `hash` entries. */
export function luaTable(
  array: LuaValue[],
  hash: [LuaValue, LuaValue][] = [],
): LuaTable {
  const t = new LuaTable();
  array.forEach((v, i) => t.set(i + 1, v));
  for (const [k, v] of hash) t.set(k, v);
  return t;
}

/** A byte string in hex. */
export function hex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    out += text.charCodeAt(i).toString(16).padStart(2, "0");
  }
  return out;
}
