import assert from "node:assert/strict";
import { LuaState } from "../../lib/lua/state.ts";
import {
  LuaError,
  LuaFunction,
  LuaTable,
  type LuaValue,
  nativeFunction,
} from "../../lib/lua/value.ts";
import { ORACLE_CASES } from "./oracle_cases.ts";

function newState(): LuaState {
  const L = new LuaState();
  L.openStandardLibraries();
  return L;
}

function run(source: string, L = newState()): LuaValue[] {
  const result = L.start(L.load(source, "@user_script"), []).run(() => false);
  assert.ok(result.done);
  return result.values;
}

function errorOf(source: string, L = newState()): LuaError {
  try {
    run(source, L);
  } catch (e) {
    assert.ok(e instanceof LuaError, String(e));
    return e;
  }
  throw new Error("no error raised");
}

/** Converts a result as redis-cli shows a script's first return value. */
function asRedis(source: string): string {
  try {
    const v = run(source)[0];
    if (typeof v === "string") return v;
    if (typeof v === "number") return String(Math.trunc(v));
    return v === true ? "1" : "";
  } catch (e) {
    assert.ok(e instanceof LuaError, String(e));
    return `ERR ${e.value}`;
  }
}

Deno.test("lua engine: snippets answer as real Lua 5.1 (Redis EVAL)", () => {
  const failures: string[] = [];
  for (const [source, expected] of ORACLE_CASES) {
    const got = asRedis(source);
    if (got !== expected) {
      failures.push(`${source}\n  got:      ${got}\n  expected: ${expected}`);
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test("lua engine: values cross the boundary unchanged", () => {
  assert.deepEqual(run("return 1, 'a', nil, true, 2.5"), [
    1,
    "a",
    undefined,
    true,
    2.5,
  ]);
  const [t] = run("return {1, 2, x = 'y'}");
  assert.ok(t instanceof LuaTable);
  assert.deepEqual(t.array, [1, 2]);
  assert.equal(t.get("x"), "y");
  const L = newState();
  const f = L.load("return ...", "=args");
  assert.deepEqual(L.start(f, [1, 2]).run(() => false), {
    done: true,
    values: [1, 2],
  });
});

Deno.test("lua engine: number formatting", () => {
  assert.deepEqual(
    run(
      "return tostring(2^53), tostring(1e15), tostring(0.1), tostring(1e14), tostring(99999999999999), 1 .. ''",
    ),
    ["9.007199254741e+15", "1e+15", "0.1", "1e+14", "99999999999999", "1"],
  );
  assert.deepEqual(run('return "10" + 1, "3" * "4"'), [11, 12]);
});

Deno.test("lua engine: syntax errors carry Lua's messages", () => {
  const L = newState();
  const cases: [string, string][] = [
    ["return 'x' 'y'", "user_script:1: '<eof>' expected near ''y''"],
    ["x x", "user_script:1: '=' expected near 'x'"],
    ["return )", "user_script:1: unexpected symbol near ')'"],
    ['return "abc', "user_script:1: unfinished string near '<eof>'"],
    ['return "abc\nx"', "user_script:1: unfinished string near '\"abc'"],
    [
      "function f()\nreturn 1",
      "user_script:2: 'end' expected (to close 'function' at line 1) near '<eof>'",
    ],
    ["return 1e", "user_script:1: malformed number near '1e'"],
    [
      "return ...",
      "user_script:1: cannot use '...' outside a vararg function near '...'",
    ],
  ];
  for (const [source, message] of cases) {
    if (source === "return ...") {
      assert.throws(
        () => L.load("function f() return ... end", "@user_script"),
        (e: unknown) =>
          e instanceof LuaError &&
          e.value ===
            "user_script:1: cannot use '...' outside a vararg function near '...'",
      );
      continue;
    }
    assert.throws(
      () => L.load(source, "@user_script"),
      (e: unknown) => e instanceof LuaError && e.value === message,
      source,
    );
  }
  assert.throws(
    () => L.load("x x", "=named"),
    (e: unknown) =>
      e instanceof LuaError && e.value === "named:1: '=' expected near 'x'",
  );
  assert.deepEqual(run("return loadstring('x x')"), [
    undefined,
    `[string "x x"]:1: '=' expected near 'x'`,
  ]);
});

Deno.test("lua engine: escaping errors record the innermost Lua position", () => {
  const e = errorOf(
    "local a = 1\nlocal function f()\n  return nil + a\nend\nf()",
  );
  assert.equal(
    e.value,
    "user_script:3: attempt to perform arithmetic on a nil value",
  );
  assert.equal(e.luaSource, "@user_script");
  assert.equal(e.luaLine, 3);
  const t = errorOf("error({code = 7})");
  assert.ok(t.value instanceof LuaTable);
  assert.equal(t.value.get("code"), 7);
  assert.equal(t.luaLine, 1);
  const native = newState();
  native.globals.set(
    "boom",
    nativeFunction("boom", () => {
      throw new LuaError("native failure", { position: true });
    }),
  );
  const n = errorOf("\n\nboom()", native);
  assert.equal(n.value, "user_script:3: native failure");
  assert.equal(n.luaLine, 3);
  assert.equal(
    errorOf("local function f() error('deep', 2) end\nf()").value,
    "user_script:2: deep",
  );
});

Deno.test("lua engine: deep recursion is a Lua error, not a crash", () => {
  const e = errorOf("local function f() return 1 + f() end return f()");
  assert.match(String(e.value), /^user_script:1: stack overflow$/);
  assert.deepEqual(
    run(
      "local function f() return 1 + f() end local ok, e = pcall(f) return ok, e",
    ),
    [false, "user_script:1: stack overflow"],
  );
  // The state stays usable afterwards.
  assert.deepEqual(run("return 1 + 1"), [2]);
});

Deno.test("lua engine: runs pause at ticks and resume", () => {
  const L = newState();
  const f = L.load(
    "local s = 0 for i = 1, 100000 do s = s + i end return s",
    "@user_script",
  );
  const execution = L.start(f, []);
  let pauses = 0;
  for (;;) {
    const result = execution.run(() => true);
    if (result.done) {
      assert.deepEqual(result.values, [5000050000]);
      break;
    }
    pauses++;
  }
  assert.ok(pauses >= 5, `paused ${pauses} times`);
});

Deno.test("lua engine: an endless loop inside pcall pauses and can be killed", () => {
  const L = newState();
  const f = L.load(
    "local ok = pcall(function() while true do end end) return 'caught'",
    "@user_script",
  );
  const execution = L.start(f, []);
  assert.deepEqual(execution.run(() => true), { done: false });
  assert.deepEqual(execution.run(() => true), { done: false });
  const killed = new LuaError("Script killed by user with SCRIPT KILL...");
  execution.kill(killed);
  // As in Redis, pcall catches the kill like any error and the script goes
  // on, but every later tick raises it again.
  assert.deepEqual(execution.run(() => false), {
    done: true,
    values: ["caught"],
  });
  const endless = L.start(
    L.load(
      "while true do pcall(function() while true do end end) end",
      "@user_script",
    ),
    [],
  );
  assert.deepEqual(endless.run(() => true), { done: false });
  endless.kill(killed);
  assert.throws(
    () => endless.run(() => false),
    (e) => e instanceof LuaError && e.value === killed.value,
  );
  // The state is usable for the next script.
  assert.deepEqual(run("return pcall(error, 'x')", L), [false, "x"]);
});

Deno.test("lua engine: kill reaches a loop inside a native's callback", () => {
  const L = newState();
  const killed = new LuaError("killed");
  const box: { execution?: ReturnType<LuaState["start"]> } = {};
  let ticks = 0;
  L.globals.set(
    "check",
    nativeFunction("check", () => {
      if (++ticks === 3) box.execution!.kill(killed);
      return [];
    }),
  );
  const f = L.load(
    "table.sort({3, 2, 1}, function(a, b) while true do check() end end)",
    "@user_script",
  );
  box.execution = L.start(f, []);
  assert.throws(
    () => box.execution!.run(() => false),
    (e) => e instanceof LuaError && e.value === killed.value,
  );
});

Deno.test("lua engine: coroutines as generators", () => {
  assert.deepEqual(
    run(`
      local function range(n)
        return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
      end
      local out = {}
      for i = 1, 3 do
        for v in range(i) do out[#out + 1] = i .. ':' .. v end
      end
      return table.concat(out, ' ')`),
    ["1:1 2:1 2:2 3:1 3:2 3:3"],
  );
  assert.deepEqual(
    run(`
      local co = coroutine.create(function() while true do coroutine.yield() end end)
      for i = 1, 30000 do coroutine.resume(co) end
      return coroutine.status(co)`),
    ["suspended"],
  );
  assert.deepEqual(
    run(
      "local co = coroutine.create(function() end) coroutine.resume(co) return coroutine.resume(co)",
    ),
    [false, "cannot resume dead coroutine"],
  );
});

Deno.test("lua engine: natives call back into Lua synchronously", () => {
  const L = newState();
  L.globals.set(
    "twice",
    nativeFunction("twice", (R, args) => {
      const f = args[0];
      return [...R.call(f, [1]), ...R.call(f, [2])];
    }),
  );
  assert.deepEqual(run("return twice(function(x) return x * 10 end)", L), [
    10,
    20,
  ]);
  const [fn] = run("return function(a, b) return a .. b end", L);
  assert.ok(fn instanceof LuaFunction);
  assert.deepEqual(L.call(fn, ["x", "y"]), ["xy"]);
  const [obj] = run(
    "return setmetatable({}, {__index = function(t, k) return k .. '!' end, __tostring = function() return 'OBJ' end})",
    L,
  );
  assert.equal(L.index(obj, "a"), "a!");
  assert.equal(L.tostring(obj), "OBJ");
});
