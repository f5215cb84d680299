/**
 * Lua 5.1's base library as Redis 7.0 ships it (no print, dofile, loadfile,
 * setfenv/getfenv, newproxy, module, require).
 *
 * @module
 */

import { errorValue, rawToString, type Runtime } from "./runtime.ts";
import {
  argError,
  checkAny,
  checkInteger,
  checkTable,
  LuaError,
  LuaFunction,
  type LuaGenerator,
  LuaTable,
  type LuaValue,
  optInteger,
  optString,
  stringToNumber,
  typeName,
} from "./value.ts";

/** What the base library needs from the state. */
export interface BaseHost {
  /** The run-time helpers. */
  runtime: Runtime;
  /** Compiles a chunk (throws LuaError with the syntax error). */
  load(source: string, chunkName: string): LuaFunction;
}

function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

function parseInBase(text: string, base: number): number | undefined {
  const s = text.replace(/^[ \f\n\r\t\v]+|[ \f\n\r\t\v]+$/g, "");
  let i = 0;
  let negative = false;
  if (s[0] === "-") {
    negative = true;
    i++;
  }
  if (i >= s.length) return undefined;
  let value = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 122) d = c - 87;
    else if (c >= 65 && c <= 90) d = c - 55;
    else return undefined;
    if (d >= base) return undefined;
    value = value * base + d;
  }
  return negative ? -value : value;
}

/** Marks an error caught by a protected call as positioned at a C level. */
export function caughtValue(e: unknown): LuaValue {
  if (e instanceof LuaError && e.position) {
    if (e.skip > 0) e.skip--;
    else e.position = false;
  }
  return errorValue(e);
}

/** Builds the base library (without `_G`, which the state adds). */
export function baseLibrary(host: BaseHost): LuaTable {
  const R = host.runtime;
  const G = new LuaTable();
  const def = (name: string, native: (args: LuaValue[]) => LuaValue[]) => {
    G.set(name, new LuaFunction({ name, native: (_L, args) => native(args) }));
  };
  const gen = (name: string, run: (args: LuaValue[]) => LuaGenerator) => {
    G.set(name, new LuaFunction({ name, run }));
  };

  def("assert", (args) => {
    if (!truthy(args[0])) {
      if (args.length === 0) throw argError(0, "assert", "value expected");
      throw new LuaError(optString(args, 1, "assert", "assertion failed!"), {
        position: true,
      });
    }
    return args;
  });
  def("error", (args) => {
    const level = optInteger(args, 1, "error", 1);
    const value = args[0];
    const error = new LuaError(value, {
      position: typeof value === "string" && level > 0,
    });
    if (level > 1) error.skip = level - 1;
    throw error;
  });
  def("ipairs", (args) => [R.inext, checkTable(args, 0, "ipairs"), 0]);
  def("pairs", (args) => [R.next, checkTable(args, 0, "pairs"), undefined]);
  G.set("next", R.next);
  def("select", (args) => {
    const n = args.length;
    if (args[0] === "#") return [n - 1];
    let i = checkInteger(args, 0, "select");
    if (i < 0) i = n + i;
    else if (i > n) i = n;
    if (i < 1) throw argError(0, "select", "index out of range");
    return args.slice(i);
  });
  def("tonumber", (args) => {
    const base = optInteger(args, 1, "tonumber", 10);
    const v = args[0];
    if (base === 10) {
      checkAny(args, 0, "tonumber");
      if (typeof v === "number") return [v];
      if (typeof v === "string") return [stringToNumber(v)];
      return [undefined];
    }
    if (base < 2 || base > 36) {
      throw argError(1, "tonumber", "base out of range");
    }
    const s = typeof v === "number" ? rawToString(v) : v;
    if (typeof s !== "string") {
      throw argError(0, "tonumber", `string expected, got ${typeName(v)}`);
    }
    return [parseInBase(s, base)];
  });
  def("tostring", (args) => {
    const v = checkAny(args, 0, "tostring");
    const h = R.metamethod(v, "__tostring");
    if (h !== undefined) return [R.callSync(h, [v])[0]];
    return [rawToString(v)];
  });
  def("type", (args) => [typeName(checkAny(args, 0, "type"))]);
  def("unpack", (args) => {
    const t = checkTable(args, 0, "unpack");
    const i = optInteger(args, 1, "unpack", 1);
    const j = args[2] === undefined
      ? t.length()
      : checkInteger(args, 2, "unpack");
    if (i > j) return [];
    if (j - i >= 7999) {
      throw new LuaError("too many results to unpack", { position: true });
    }
    const out: LuaValue[] = [];
    for (let k = i; k <= j; k++) out.push(t.get(k));
    return out;
  });
  def(
    "rawget",
    (args) => [checkTable(args, 0, "rawget").get(checkAny(args, 1, "rawget"))],
  );
  def("rawset", (args) => {
    const t = checkTable(args, 0, "rawset");
    checkAny(args, 1, "rawset");
    checkAny(args, 2, "rawset");
    // Redis raises this one from C: no position.
    if (t.readonly) throw new LuaError("Attempt to modify a readonly table");
    t.set(args[1], args[2]);
    return [t];
  });
  def("rawequal", (args) => {
    checkAny(args, 0, "rawequal");
    checkAny(args, 1, "rawequal");
    return [args[0] === args[1]];
  });
  def("setmetatable", (args) => {
    const t = checkTable(args, 0, "setmetatable");
    const mt = args[1];
    if (mt !== undefined && !(mt instanceof LuaTable)) {
      throw argError(1, "setmetatable", "nil or table expected");
    }
    if (
      t.metatable !== undefined && t.metatable.get("__metatable") !== undefined
    ) {
      throw new LuaError("cannot change a protected metatable", {
        position: true,
      });
    }
    t.metatable = mt;
    return [t];
  });
  def("getmetatable", (args) => {
    const mt = R.metatable(checkAny(args, 0, "getmetatable"));
    if (mt === undefined) return [undefined];
    const protectedValue = mt.get("__metatable");
    return [protectedValue !== undefined ? protectedValue : mt];
  });
  const load = (source: string, chunkName: string): LuaValue[] => {
    try {
      return [host.load(source, chunkName)];
    } catch (e) {
      if (e instanceof LuaError) return [undefined, e.value];
      throw e;
    }
  };
  def("loadstring", (args) => {
    const s = optString(args, 0, "loadstring", "");
    if (typeof args[0] !== "string" && typeof args[0] !== "number") {
      throw argError(
        0,
        "loadstring",
        `string expected, got ${
          args.length === 0 ? "no value" : typeName(args[0])
        }`,
      );
    }
    return load(s, optString(args, 1, "loadstring", s));
  });
  def("load", (args) => {
    const f = args[0];
    if (!(f instanceof LuaFunction)) {
      throw argError(
        0,
        "load",
        `function expected, got ${
          args.length === 0 ? "no value" : typeName(f)
        }`,
      );
    }
    let source = "";
    for (;;) {
      const piece = R.callSync(f, [])[0];
      if (piece === undefined || piece === "") break;
      if (typeof piece !== "string") {
        return [undefined, "reader function must return a string"];
      }
      source += piece;
    }
    return load(source, optString(args, 1, "load", "=(load)"));
  });
  def("gcinfo", () => [Math.floor(memoryKb())]);
  def("collectgarbage", (args) => {
    const opt = optString(args, 0, "collectgarbage", "collect");
    const options = [
      "stop",
      "restart",
      "collect",
      "count",
      "step",
      "setpause",
      "setstepmul",
    ];
    if (!options.includes(opt)) {
      throw argError(0, "collectgarbage", `invalid option '${opt}'`);
    }
    if (opt === "count") return [memoryKb()];
    if (opt === "step") return [false];
    return [0];
  });
  gen("pcall", function* (args) {
    checkAny(args, 0, "pcall");
    try {
      const results = yield* R.call(args[0], args.slice(1));
      return [true, ...results];
    } catch (e) {
      return [false, caughtValue(e)];
    }
  });
  gen("xpcall", function* (args) {
    checkAny(args, 1, "xpcall");
    try {
      const results = yield* R.call(args[0], []);
      return [true, ...results];
    } catch (e) {
      const value = caughtValue(e);
      try {
        const handled = yield* R.call(args[1], [value]);
        return [false, handled[0]];
      } catch (e2) {
        caughtValue(e2);
        return [false, "error in error handling"];
      }
    }
  });
  G.set("_VERSION", "Lua 5.1");
  return G;
}

let fakeHeap = 0;

function memoryKb(): number {
  try {
    return Deno.memoryUsage().heapUsed / 1024;
  } catch {
    fakeHeap += 1;
    return 100 + fakeHeap;
  }
}
