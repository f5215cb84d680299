import assert from "node:assert/strict";
import { globMatch } from "../../lib/store/glob.ts";

Deno.test("glob: literals, ? and *", () => {
  assert.equal(globMatch("hello", "hello"), true);
  assert.equal(globMatch("hello", "hell"), false);
  assert.equal(globMatch("hello", "helloo"), false);
  assert.equal(globMatch("h?llo", "hallo"), true);
  assert.equal(globMatch("h?llo", "hllo"), false);
  assert.equal(globMatch("h*llo", "hllo"), true);
  assert.equal(globMatch("h*llo", "heeeello"), true);
  // Like stringmatchlen, nothing but the empty pattern matches "".
  assert.equal(globMatch("*", ""), false);
  assert.equal(globMatch("**", "abc"), true);
  assert.equal(globMatch("a*", ""), false);
  assert.equal(globMatch("", ""), true);
  assert.equal(globMatch("", "a"), false);
  assert.equal(globMatch("a*b*c", "aXbYc"), true);
  assert.equal(globMatch("a*b*c", "aXbYcZ"), false);
  assert.equal(globMatch("*c", "abcabc"), true);
  assert.equal(globMatch("a**", "a"), true);
});

Deno.test("glob: character classes, negation and ranges", () => {
  assert.equal(globMatch("h[ae]llo", "hello"), true);
  assert.equal(globMatch("h[ae]llo", "hillo"), false);
  assert.equal(globMatch("h[^e]llo", "hallo"), true);
  assert.equal(globMatch("h[^e]llo", "hello"), false);
  assert.equal(globMatch("h[a-b]llo", "hbllo"), true);
  assert.equal(globMatch("h[a-b]llo", "hcllo"), false);
  // Reversed ranges are swapped.
  assert.equal(globMatch("[z-a]", "m"), true);
  // "[a-]" is the range from "a" to "]"; a leading '-' is a literal.
  assert.equal(globMatch("[a-]", "-"), false);
  assert.equal(globMatch("[a-]", "^"), true);
  assert.equal(globMatch("[-a]", "-"), true);
  // An unterminated class ends with the pattern.
  assert.equal(globMatch("[abc", "b"), true);
  assert.equal(globMatch("a[^", "ax"), true);
  assert.equal(globMatch("[", "["), false);
  // An escape inside a class matches the next byte literally.
  assert.equal(globMatch("[\\]]", "]"), true);
  assert.equal(globMatch("[\\-a]", "b"), false);
});

Deno.test("glob: escapes", () => {
  assert.equal(globMatch("a\\*b", "a*b"), true);
  assert.equal(globMatch("a\\*b", "aXb"), false);
  assert.equal(globMatch("a\\?", "a?"), true);
  assert.equal(globMatch("a\\[b", "a[b"), true);
  // A trailing backslash matches itself.
  assert.equal(globMatch("a\\", "a\\"), true);
});

Deno.test("glob: nocase variant", () => {
  assert.equal(globMatch("HeLLo", "hello", true), true);
  assert.equal(globMatch("HeLLo", "hello"), false);
  assert.equal(globMatch("[A-C]x", "bX", true), true);
  assert.equal(globMatch("[^A]", "a", true), false);
});

Deno.test("glob: binary bytes and signed-char ranges", () => {
  assert.equal(globMatch("a\x00*", "a\x00\xff"), true);
  assert.equal(globMatch("?", "\x80"), true);
  assert.equal(globMatch("[\x80-\xff]", "\x90"), true);
  // Bytes from 0x80 compare as negative chars, as in Redis: the range
  // [a-\xff] becomes [\xff-a], which holds "0" and not "z".
  assert.equal(globMatch("[a-\xff]", "0"), true);
  assert.equal(globMatch("[a-\xff]", "z"), false);
});

Deno.test("glob: pathological patterns stay fast", () => {
  const subject = "a".repeat(5000);
  const started = performance.now();
  assert.equal(globMatch("*a".repeat(40) + "b", subject), false);
  assert.ok(performance.now() - started < 1000);
});

Deno.test("glob: star nesting is limited like Redis (1000 levels)", () => {
  const subject = "a".repeat(1100);
  assert.equal(globMatch("*a".repeat(1000), subject), true);
  assert.equal(globMatch("*a".repeat(1001), subject), false);
});
