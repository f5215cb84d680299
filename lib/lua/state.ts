/**
 * A Lua 5.1 state: globals, libraries, compilation of chunks to JavaScript
 * generators, and pausable execution.
 *
 * @module
 */

import { compileChunk } from "./compiler.ts";
import { chunkDisplayName } from "./lexer.ts";
import { baseLibrary } from "./lib_base.ts";
import { coroutineLibrary } from "./lib_coroutine.ts";
import { mathLibrary, type Rand48 } from "./lib_math.ts";
import { stringLibrary } from "./lib_string.ts";
import { tableLibrary } from "./lib_table.ts";
import { parse } from "./parser.ts";
import { Runtime, TICK, TICK_INTERVAL } from "./runtime.ts";
import {
  LuaError,
  LuaFunction,
  type LuaGenerator,
  type LuaRuntime,
  LuaTable,
  type LuaValue,
} from "./value.ts";

/** The outcome of {@linkcode LuaExecution.run}. */
export type LuaRunResult =
  | { done: true; values: LuaValue[] }
  | { done: false };

/** A running call that can pause at ticks and be resumed or killed. */
export interface LuaExecution {
  /**
   * Runs until the call returns (`done: true`) or, at a tick where
   * `shouldPause()` is true, pauses (`done: false`). Throws LuaError when
   * the script raises (or after `kill`).
   */
  run(shouldPause: () => boolean): LuaRunResult;
  /**
   * Makes every tick from now on raise `error` (a copy of it each time), as
   * Redis's hook does after SCRIPT KILL: pcall catches it like any error,
   * but the next tick raises it again.
   */
  kill(error: LuaError): void;
}

/** Normalizes what escapes a whole execution into a LuaError. */
function escaped(e: unknown): LuaError {
  if (e instanceof LuaError) {
    e.position = false;
    e.skip = 0;
    return e;
  }
  if (e instanceof RangeError) return new LuaError("stack overflow");
  return new LuaError(e instanceof Error ? e.message : String(e));
}

/** A Lua interpreter state. */
export class LuaState implements LuaRuntime {
  /** The global table. */
  readonly globals: LuaTable;
  /** The run-time helpers compiled code uses. */
  readonly runtime: Runtime;

  /** Creates an empty state (no libraries; see {@linkcode openStandardLibraries}). */
  constructor() {
    this.globals = new LuaTable();
    this.runtime = new Runtime(this, this.globals);
  }

  /**
   * Compiles `source` (a byte string) as a chunk named `chunkName`
   * ("@user_script" shows as "user_script", "=name" as "name"). Throws a
   * LuaError whose value is the syntax error message.
   */
  load(source: string, chunkName: string): LuaFunction {
    const display = chunkDisplayName(chunkName);
    const tree = parse(source, display);
    const js = compileChunk(tree, display, chunkName);
    const factory = new Function("R", "L", js) as (
      R: Runtime,
      L: LuaRuntime,
    ) => LuaFunction;
    return factory(this.runtime, this);
  }

  /** Installs a library as a global (and "string" as strings' `__index`). */
  open(name: string, library: LuaTable): void {
    this.globals.set(name, library);
    if (name === "string") {
      const meta = new LuaTable();
      meta.set("__index", library);
      this.runtime.stringMeta = meta;
    }
  }

  /**
   * Opens base, coroutine, string, table and math; `random` is the
   * generator behind math.random (shared by states that share one, as
   * Redis's scripts and functions share one).
   */
  openStandardLibraries(options: { random?: Rand48 } = {}): void {
    const base = baseLibrary(this);
    for (let entry = base.next(undefined); entry; entry = base.next(entry[0])) {
      this.globals.set(entry[0], entry[1]);
    }
    this.globals.set("_G", this.globals);
    this.open("coroutine", coroutineLibrary(this.runtime));
    this.open("string", stringLibrary());
    this.open("table", tableLibrary());
    this.open("math", mathLibrary({ random: options.random }));
  }

  /** Calls a value to completion (natives calling back into Lua). */
  call(fn: LuaValue, args: LuaValue[]): LuaValue[] {
    return this.runtime.callSync(fn, args);
  }

  /** `tostring(v)` with `__tostring`. */
  tostring(value: LuaValue): string {
    return this.runtime.tostring(value);
  }

  /** `object[key]` with `__index`. */
  index(object: LuaValue, key: LuaValue): LuaValue {
    return this.runtime.index(object, key);
  }

  /** Starts a pausable call of `fn` with `args`. */
  start(fn: LuaValue, args: LuaValue[]): LuaExecution {
    const R = this.runtime;
    let generator: LuaGenerator | undefined;
    let killed: LuaError | undefined;
    let finished = false;
    const finish = () => {
      finished = true;
      R.killError = undefined;
      R.current = undefined;
      R.syncDepth = 0;
    };
    return {
      run(shouldPause: () => boolean): LuaRunResult {
        if (finished) throw new LuaError("execution already finished");
        try {
          R.C.n = TICK_INTERVAL;
          let step: IteratorResult<unknown, LuaValue[]>;
          if (generator === undefined) {
            generator = R.call(fn, args);
          }
          step = generator.next();
          for (;;) {
            if (step.done) {
              finish();
              return { done: true, values: step.value };
            }
            if (step.value === TICK) {
              R.C.n = TICK_INTERVAL;
              if (killed !== undefined) {
                // Like Redis's hook after SCRIPT KILL, raised at every tick
                // from now on (every back-edge and call): pcall may catch
                // it, but the script cannot loop again.
                R.C.n = 1;
                step = generator.throw(new LuaError(killed.value));
                continue;
              }
              if (shouldPause()) return { done: false };
              step = generator.next();
            } else {
              step = generator.throw(
                new LuaError(
                  "attempt to yield across metamethod/C-call boundary",
                ),
              );
            }
          }
        } catch (e) {
          finish();
          throw escaped(e);
        }
      },
      kill(error: LuaError): void {
        if (finished) return;
        killed = error;
        R.killError = error;
        R.C.n = 1;
      },
    };
  }
}
