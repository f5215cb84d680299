/**
 * Redis functions: libraries loaded with FUNCTION LOAD (`#!lua name=<lib>`
 * code that calls `redis.register_function`), the functions they register,
 * and the checks and error texts of Redis 7.0. The libraries' code is what
 * FUNCTION DUMP, the RDB file and the AOF carry.
 *
 * @module
 */

import { CommandError } from "../commands/errors.ts";
import type { LuaState } from "../lua/state.ts";
import { luaErrorText } from "./convert.ts";
import { SCRIPT_FLAGS } from "./flags.ts";
import {
  bytesToLua,
  LuaError,
  LuaFunction,
  LuaTable,
  type LuaValue,
  nativeFunction,
} from "../lua/value.ts";

const NAME_PATTERN = /^[A-Za-z0-9_]+$/;

const BAD_NAME =
  "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/** A function a library registered. */
export interface RegisteredFunction {
  /** Its name (FCALL's first argument). */
  readonly name: string;
  /** The callback, called with the KEYS and ARGV tables. */
  readonly fn: LuaFunction;
  /** The description given, if any. */
  readonly description: string | undefined;
  /** Its flags (no-writes, allow-oom, ...), in the order given. */
  readonly flags: readonly string[];
  /** The library that registered it. */
  readonly library: FunctionLibrary;
}

/** A loaded library. */
export interface FunctionLibrary {
  /** The name from its `#!lua name=` line. */
  readonly name: string;
  /** Its code, as loaded. */
  readonly code: Uint8Array;
  /** Its functions by name, in registration order. */
  readonly functions: Map<string, RegisteredFunction>;
}

/** Raises a register_function error as Redis words it. */
function registerError(message: string): never {
  throw new LuaError(`ERR ${message}`, { position: false });
}

/** The libraries and functions of one server, on their own Lua state. */
export class FunctionLibraries {
  readonly #lua: LuaState;
  /** The `redis` table callbacks see when they run. */
  readonly #runtimeApi: LuaTable;
  /** Libraries by name, in load order. */
  readonly libraries = new Map<string, FunctionLibrary>();
  /** Every library's functions by name. */
  readonly functions = new Map<string, RegisteredFunction>();

  /** Uses `lua`, whose global `redis` is the full API, for the libraries. */
  constructor(lua: LuaState) {
    this.#lua = lua;
    this.#runtimeApi = lua.globals.get("redis") as LuaTable;
  }

  /** The function FCALL names, if any. */
  lookup(name: string): RegisteredFunction | undefined {
    return this.functions.get(name);
  }

  /** Number of functions of every library (INFO, FUNCTION STATS). */
  get functionCount(): number {
    return this.functions.size;
  }

  /**
   * FUNCTION LOAD: compiles and runs `code`, registering its functions as a
   * new library (replacing the one of the same name with `replace`).
   * Returns the library's name; throws CommandError with Redis's message
   * (`restoring`: as FUNCTION RESTORE words it).
   */
  load(code: Uint8Array, replace: boolean, restoring = false): string {
    const source = bytesToLua(code);
    const name = libraryName(source);
    const existing = this.libraries.get(name);
    if (existing !== undefined && !replace) {
      // FUNCTION RESTORE words it without the quotes.
      throw new CommandError(
        restoring
          ? `ERR Library ${name} already exists`
          : `ERR Library '${name}' already exists`,
      );
    }
    let chunk: LuaFunction;
    try {
      chunk = this.#lua.load(
        "--" + source.slice(source.indexOf("#!") + 2),
        "@user_function",
      );
    } catch (error) {
      if (!(error instanceof LuaError)) throw error;
      throw new CommandError(
        `ERR Error compiling function: ${luaErrorText(error.value)}`,
      );
    }
    const library: FunctionLibrary = { name, code, functions: new Map() };
    this.#runLoad(chunk, library);
    if (library.functions.size === 0) {
      throw new CommandError("ERR No functions registered");
    }
    for (const fname of library.functions.keys()) {
      const other = this.functions.get(fname);
      if (other !== undefined && other.library !== existing) {
        throw new CommandError(`ERR Function ${fname} already exists`);
      }
    }
    if (existing !== undefined) this.delete(name);
    this.libraries.set(name, library);
    for (const fn of library.functions.values()) {
      this.functions.set(fn.name, fn);
    }
    return name;
  }

  /** FUNCTION DELETE; throws when there is no such library. */
  delete(name: string): void {
    const library = this.libraries.get(name);
    if (library === undefined) {
      throw new CommandError("ERR Library not found");
    }
    for (const fname of library.functions.keys()) this.functions.delete(fname);
    this.libraries.delete(name);
  }

  /** The current libraries, to {@linkcode revert} to if a restore fails. */
  save(): { libraries: FunctionLibrary[] } {
    return { libraries: [...this.libraries.values()] };
  }

  /** Goes back to the libraries `save` returned. */
  revert(saved: { libraries: FunctionLibrary[] }): void {
    this.flush();
    for (const library of saved.libraries) {
      this.libraries.set(library.name, library);
      for (const fn of library.functions.values()) {
        this.functions.set(fn.name, fn);
      }
    }
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    this.libraries.clear();
    this.functions.clear();
  }

  /** Every library's code, for FUNCTION DUMP and the RDB file. */
  codes(): Uint8Array[] {
    return [...this.libraries.values()].map((library) => library.code);
  }

  /**
   * Runs a library's chunk with only the load-time API visible, as Redis
   * does: `redis.register_function`, `redis.log` and the constants.
   */
  #runLoad(chunk: LuaFunction, library: FunctionLibrary): void {
    const globals = this.#lua.globals;
    const runtimeEntries = globals.hash;
    const loadGlobals = new Map<LuaValue, LuaValue>();
    loadGlobals.set("redis", this.#loadApi(library));
    globals.hash = loadGlobals;
    try {
      this.#lua.call(chunk, []);
    } catch (error) {
      if (!(error instanceof LuaError)) throw error;
      const text = luaErrorText(error.value);
      throw new CommandError(
        `ERR Error registering functions: ${
          text.startsWith("ERR ") ? text : `ERR ${text}`
        }`,
      );
    } finally {
      globals.hash = runtimeEntries;
    }
  }

  /** The `redis` table a library's code sees while it loads. */
  #loadApi(library: FunctionLibrary): LuaTable {
    const api = new LuaTable();
    const runtime = this.#runtimeApi;
    for (
      const name of [
        "log",
        "LOG_DEBUG",
        "LOG_VERBOSE",
        "LOG_NOTICE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
      ]
    ) {
      api.set(name, runtime.get(name));
    }
    api.set(
      "register_function",
      nativeFunction("register_function", (_L, args) => {
        register(library, args);
        return [];
      }),
    );
    // Anything else is a missing global, as Redis reports it.
    api.metatable = this.#lua.globals.metatable;
    api.readonly = true;
    return api;
  }
}

/** `redis.register_function(name, callback)` or `(table of named arguments)`. */
function register(library: FunctionLibrary, args: LuaValue[]): void {
  let name: LuaValue;
  let callback: LuaValue;
  let description: string | undefined;
  let flags: string[] = [];
  if (args.length === 1) {
    const named = args[0];
    if (!(named instanceof LuaTable)) {
      registerError(
        "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
      );
    }
    for (let e = named.next(undefined); e !== undefined; e = named.next(e[0])) {
      const [key, value] = e;
      if (key === "function_name") name = value;
      else if (key === "callback") callback = value;
      else if (key === "description") {
        if (typeof value !== "string") {
          registerError(
            "description argument given to redis.register_function must be a string",
          );
        }
        description = value;
      } else if (key === "flags") {
        if (!(value instanceof LuaTable)) {
          registerError(
            "flags argument to redis.register_function must be a table representing function flags",
          );
        }
        flags = [];
        for (let i = 1; value.get(i) !== undefined; i++) {
          const flag = value.get(i);
          if (typeof flag !== "string" || !SCRIPT_FLAGS.has(flag)) {
            registerError("unknown flag given");
          }
          flags.push(flag);
        }
      } else registerError("unknown argument given to redis.register_function");
    }
    if (name === undefined) {
      registerError(
        "redis.register_function must get a function name argument",
      );
    }
    if (callback === undefined) {
      registerError("redis.register_function must get a callback argument");
    }
  } else if (args.length === 2) {
    [name, callback] = args;
  } else {
    registerError("wrong number of arguments to redis.register_function");
  }
  if (typeof name !== "string") {
    registerError(
      "function_name argument given to redis.register_function must be a string",
    );
  }
  if (!(callback instanceof LuaFunction)) {
    registerError(
      args.length === 2
        ? "second argument to redis.register_function must be a function"
        : "callback argument given to redis.register_function must be a function",
    );
  }
  if (!NAME_PATTERN.test(name)) registerError(BAD_NAME);
  if (library.functions.has(name)) {
    registerError("Function already exists in the library");
  }
  library.functions.set(name, {
    name,
    fn: callback,
    description,
    flags,
    library,
  });
}

/** The library name of a `#!lua name=<lib>` first line; throws otherwise. */
function libraryName(source: string): string {
  if (!source.startsWith("#!")) {
    throw new CommandError("ERR Missing library metadata");
  }
  const end = source.indexOf("\n");
  const line = end < 0 ? source : source.slice(0, end);
  const words = line.slice(2).split(" ").filter((w) => w !== "");
  const engine = words[0] ?? "";
  if (engine.toLowerCase() !== "lua") {
    throw new CommandError(`ERR Engine '${engine}' not found`);
  }
  let name: string | undefined;
  for (const word of words.slice(1)) {
    if (word.startsWith("name=")) name = word.slice(5);
    else throw new CommandError(`ERR Invalid metadata value given: ${word}`);
  }
  if (name === undefined) {
    throw new CommandError("ERR Library name was not given");
  }
  if (!NAME_PATTERN.test(name)) throw new CommandError(`ERR ${BAD_NAME}`);
  return name;
}
