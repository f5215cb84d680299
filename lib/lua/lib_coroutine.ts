/**
 * Lua 5.1's coroutine library over the engine's generators: a coroutine is
 * the generator of its body; `yield` passes a {@linkcode YieldSignal} up to
 * the `resume` that drives it, ticks pass through to the outer driver.
 *
 * @module
 */

import { caughtValue } from "./lib_base.ts";
import { Coroutine, type Runtime, TICK, YieldSignal } from "./runtime.ts";
import {
  argError,
  LuaError,
  LuaFunction,
  type LuaGenerator,
  LuaTable,
  type LuaValue,
} from "./value.ts";

/** Resumes `co` with `args`: `[true, ...values]` or `[false, error]`. */
export function* resume(
  R: Runtime,
  co: Coroutine,
  args: LuaValue[],
): LuaGenerator {
  if (co.status === "dead") return [false, "cannot resume dead coroutine"];
  if (co.status !== "suspended") {
    return [
      false,
      `cannot resume ${
        co.status === "running" ? "running" : "non-suspended"
      } coroutine`,
    ];
  }
  const previous = R.current;
  if (previous !== undefined) previous.status = "normal";
  R.current = co;
  co.status = "running";
  try {
    let step: IteratorResult<unknown, LuaValue[]>;
    if (co.generator === undefined) {
      co.generator = R.call(co.fn, args);
      co.fn = undefined;
      step = co.generator.next();
    } else {
      step = co.generator.next(args);
    }
    for (;;) {
      if (step.done) {
        co.status = "dead";
        return [true, ...step.value];
      }
      if (step.value instanceof YieldSignal) {
        co.status = "suspended";
        return [true, ...step.value.values];
      }
      if (step.value === TICK) yield TICK;
      step = co.generator.next();
    }
  } catch (e) {
    co.status = "dead";
    return [false, caughtValue(e)];
  } finally {
    R.current = previous;
    if (previous !== undefined) previous.status = "running";
  }
}

function checkCoroutine(args: LuaValue[], name: string): Coroutine {
  const co = args[0];
  if (!(co instanceof Coroutine)) throw argError(0, name, "coroutine expected");
  return co;
}

function checkLuaFunction(args: LuaValue[], name: string): LuaFunction {
  const f = args[0];
  if (
    !(f instanceof LuaFunction) || f.native !== undefined || f.run === undefined
  ) {
    throw argError(0, name, "Lua function expected");
  }
  return f;
}

/** Builds the `coroutine` table. */
export function coroutineLibrary(R: Runtime): LuaTable {
  const t = new LuaTable();
  const native = (name: string, fn: (args: LuaValue[]) => LuaValue[]) =>
    t.set(name, new LuaFunction({ name, native: (_L, args) => fn(args) }));
  native("create", (args) => [new Coroutine(checkLuaFunction(args, "create"))]);
  t.set(
    "resume",
    new LuaFunction({
      name: "resume",
      run: (args) => resume(R, checkCoroutine(args, "resume"), args.slice(1)),
    }),
  );
  native("running", () => [R.current]);
  native("status", (args) => [checkCoroutine(args, "status").status]);
  t.set(
    "yield",
    new LuaFunction({
      name: "yield",
      run: function* (args): LuaGenerator {
        if (R.current === undefined) {
          throw new LuaError(
            "attempt to yield across metamethod/C-call boundary",
          );
        }
        const resumed = yield new YieldSignal(args);
        return resumed as LuaValue[];
      },
    }),
  );
  native("wrap", (args) => {
    const co = new Coroutine(checkLuaFunction(args, "wrap"));
    return [
      new LuaFunction({
        name: "wrap",
        run: function* (args): LuaGenerator {
          const results = yield* resume(R, co, args);
          if (results[0] === true) return results.slice(1);
          const value = results[1];
          throw new LuaError(value, {
            position: typeof value === "string" || typeof value === "number",
          });
        },
      }),
    ];
  });
  return t;
}
