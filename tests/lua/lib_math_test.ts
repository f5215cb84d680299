import assert from "node:assert/strict";
import { libraryKeys, nativeRuntime } from "../helpers/lua.ts";
import { mathLibrary, Rand48 } from "../../lib/lua/lib_math.ts";
import {
  LuaError,
  LuaFunction,
  LuaTable,
  type LuaValue,
  numberToString,
} from "../../lib/lua/value.ts";

const L = nativeRuntime;

function runner(lib: LuaTable) {
  return (name: string, ...args: LuaValue[]): string => {
    try {
      return (lib.get(name) as LuaFunction).native!(L, args).map((v) =>
        numberToString(v as number)
      ).join("|");
    } catch (e) {
      if (e instanceof LuaError) return `ERR ${e.value}`;
      throw e;
    }
  };
}

// Expectations come from redis-server 7.0.15's EVAL.

Deno.test("math library has exactly Redis 7.0's keys", () => {
  const lib = mathLibrary();
  assert.deepEqual(libraryKeys(lib), [
    "abs",
    "acos",
    "asin",
    "atan",
    "atan2",
    "ceil",
    "cos",
    "cosh",
    "deg",
    "exp",
    "floor",
    "fmod",
    "frexp",
    "huge",
    "ldexp",
    "log",
    "log10",
    "max",
    "min",
    "mod",
    "modf",
    "pi",
    "pow",
    "rad",
    "random",
    "randomseed",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
  ]);
  assert.equal(lib.get("huge"), Infinity);
  assert.equal(lib.get("pi"), Math.PI);
});

Deno.test("random matches a fresh redis-server, and randomseed", () => {
  const run = runner(mathLibrary());
  assert.deepEqual([run("random", 1000), run("random", 1000), run("random")], [
    "397",
    "841",
    "0.35333609737146",
  ]);
  run("randomseed", 42);
  assert.deepEqual(
    [
      run("random", 100),
      run("random", 5, 10),
      run("random"),
      run("random", -3, -1),
    ],
    ["75", "7", "0.11108528222474", "-2"],
  );
  run("randomseed", -7);
  assert.equal(run("random", 100), "8");
  run("randomseed", 2 ** 33 + 5);
  assert.equal(run("random", 100), "53");
  assert.equal(
    run("random", 0),
    "ERR bad argument #1 to 'random' (interval is empty)",
  );
  assert.equal(
    run("random", 3, 1),
    "ERR bad argument #2 to 'random' (interval is empty)",
  );
  assert.equal(run("random", 1, 2, 3), "ERR wrong number of arguments");
});

Deno.test("a shared Rand48 keeps its state across libraries", () => {
  const random = new Rand48();
  assert.equal(runner(mathLibrary({ random }))("random", 1000), "397");
  assert.equal(runner(mathLibrary({ random }))("random", 1000), "841");
  random.seed(42);
  assert.equal(runner(mathLibrary({ random }))("random", 100), "75");
});

Deno.test("math functions", () => {
  const run = runner(mathLibrary());
  assert.equal(run("frexp", 8), "0.5|4");
  assert.equal(run("frexp", -0.3), "-0.6|-1");
  assert.equal(run("frexp", 5e-324), "0.5|-1073");
  assert.equal(run("frexp", 0), "0|0");
  assert.equal(run("ldexp", 0.5, 4), "8");
  assert.equal(run("modf", 3.7), "3|0.7");
  assert.equal(run("modf", -3.7), "-3|-0.7");
  assert.equal(run("modf", Infinity), "inf|0");
  assert.equal(run("fmod", 7, -3), "1");
  assert.equal(run("fmod", -7, 3), "-1");
  assert.equal(run("mod", 7, 3), "1");
  assert.equal(run("max", 1, 5, 3), "5");
  assert.equal(run("min", 4, "2", 3), "2");
  assert.equal(
    run("min"),
    "ERR bad argument #1 to 'min' (number expected, got no value)",
  );
  assert.equal(run("log", 100, 10), "4.6051701859881");
  assert.equal(run("floor", -0.5), "-1");
  assert.equal(run("ceil", 1.2), "2");
  assert.equal(run("deg", Math.PI), "180");
  assert.equal(run("pow", 2, 10), "1024");
  assert.equal(run("sqrt", "16"), "4");
  assert.equal(
    run("abs", "x"),
    "ERR bad argument #1 to 'abs' (number expected, got string)",
  );
});
