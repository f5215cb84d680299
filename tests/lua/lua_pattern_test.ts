import assert from "node:assert/strict";
import { raises } from "../helpers/lua.ts";
import {
  isPlainPattern,
  matchClass,
  PatternMatcher,
  search,
} from "../../lib/lua/lua_pattern.ts";

// Expectations come from string.find/string.match on redis-server 7.0.15.

Deno.test("search: positions and captures", () => {
  assert.deepEqual(search("hello", "l+", 0), {
    start: 2,
    end: 4,
    captures: [],
  });
  assert.deepEqual(search("hello", "()ll()", 0)?.captures, [3, 5]);
  assert.deepEqual(search("key=val", "(%w+)=(%w+)", 0)?.captures, [
    "key",
    "val",
  ]);
  assert.deepEqual(search("  trim  ", "^%s*(.-)%s*$", 0)?.captures, ["trim"]);
  assert.deepEqual(search("f(a(b)c)d", "%b()", 0), {
    start: 1,
    end: 8,
    captures: [],
  });
  assert.deepEqual(search("THE quick", "%f[%a]%a+", 3), {
    start: 4,
    end: 9,
    captures: [],
  });
  assert.deepEqual(search("abcabc", "(abc)%1", 0)?.captures, ["abc"]);
  assert.deepEqual(search("2024-01-05", "(%d+)-(%d%d)-(%d+)", 0)?.captures, [
    "2024",
    "01",
    "05",
  ]);
  assert.deepEqual(search("a", "(()())", 0)?.captures, ["", 1, 1]);
  assert.equal(search("hello", "^e", 0), undefined);
  assert.equal(search("aaa", "a-b", 0), undefined);
});

Deno.test("sets, classes and anchors", () => {
  assert.equal(search("a]b", "[]]", 0)?.start, 1);
  assert.deepEqual(search("a-b", "[a-]+", 0), {
    start: 0,
    end: 2,
    captures: [],
  });
  assert.equal(search("abc", "[^%a]", 0), undefined);
  assert.equal(search("\xe9A", "%a", 0)?.start, 1); // bytes >= 128 are not letters
  assert.equal(search("x^y", "x^y", 0)?.start, 0); // '^' only anchors at the start
  assert.equal(search("a$b", "a$b", 0)?.start, 0);
  assert.equal(search("abc", "$", 0)?.start, 3);
  assert.ok(matchClass(0, "z".charCodeAt(0)));
  assert.ok(!matchClass(65, "A".charCodeAt(0)));
  assert.ok(matchClass(33, "p".charCodeAt(0)));
  assert.ok(!matchClass(200, "w".charCodeAt(0)));
  assert.ok(matchClass(200, "W".charCodeAt(0)));
});

Deno.test("malformed patterns raise Lua 5.1's messages", () => {
  raises(() => search("x", "[%", 0), "malformed pattern (missing ']')");
  raises(() => search("x", "[a", 0), "malformed pattern (missing ']')");
  raises(() => search("x", "%", 0), "malformed pattern (ends with '%')");
  raises(() => search("x", "(x", 0), "unfinished capture");
  raises(() => search("x", "x)", 0), "invalid pattern capture");
  raises(() => search("x", "%f", 0), "missing '[' after '%f' in pattern");
  raises(() => search("x", "%1", 0), "invalid capture index");
  raises(() => search("x", "%b", 0), "unbalanced pattern");
});

Deno.test("patterns end at their first NUL byte; plain detection", () => {
  assert.deepEqual(search("a\0b", "(a)\0c", 0)?.captures, ["a"]);
  assert.equal(search("a\0b\0c", "%z", 2)?.start, 3);
  assert.ok(isPlainPattern("abc"));
  assert.ok(isPlainPattern("a\0("));
  assert.ok(!isPlainPattern("a.b"));
});

Deno.test("PatternMatcher: unanchored mode and capture access", () => {
  const m = new PatternMatcher("^a^b", "^%a", false);
  assert.equal(m.anchored, false);
  assert.equal(m.matchAt(0), 2);
  assert.deepEqual(m.captures(0, 2, true), ["^a"]);
  const n = new PatternMatcher("hello", "^(h)", true);
  assert.equal(n.anchored, true);
  assert.equal(n.matchAt(0), 1);
  assert.equal(n.capture(0, 0, 1), "h");
  raises(() => n.capture(1, 0, 1), "invalid capture index");
});

Deno.test("long subjects do not overflow the stack", () => {
  const s = "a".repeat(200000);
  assert.equal(search(s, "b", 0), undefined);
  assert.equal(search(s, "^.-b", 0), undefined);
  assert.equal(search(s, "a*$", 0)?.end, 200000);
  assert.equal(search(s + "b", "(a+)b", 0)?.end, 200001);
});
