/**
 * The scripting engine inside the server: effects replication, the script
 * client's database and the script cache.
 */

import assert from "node:assert/strict";
import { inProcess, recordPropagation } from "../helpers/in_process.ts";

Deno.test("scripting: a script's writes are propagated in one MULTI/EXEC, never EVAL", () => {
  const s = inProcess();
  const fed = recordPropagation(s);
  assert.equal(
    s.run(
      "EVAL",
      "redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', 'n') redis.call('get', 'n') return 1",
      "1",
      "a",
      "v",
    ),
    ":1\r\n",
  );
  assert.deepEqual(fed, ["0:MULTI", "0:set a v", "0:incr n", "-1:EXEC"]);
  fed.length = 0;
  // One write alone needs no transaction; reads propagate nothing.
  s.run("EVAL", "return redis.call('incr', 'n')", "0");
  s.run("EVAL", "return redis.call('get', 'n')", "0");
  assert.deepEqual(fed, ["0:incr n"]);
});

Deno.test("scripting: SELECT inside a script stays inside it", () => {
  const s = inProcess();
  const fed = recordPropagation(s);
  s.run(
    "EVAL",
    "redis.call('select', 3) return redis.call('set', 'k', 'v')",
    "0",
  );
  assert.equal(s.run("EXISTS", "k"), ":0\r\n");
  assert.equal(s.run("SELECT", "3"), "+OK\r\n");
  assert.equal(s.run("GET", "k"), "$1\r\nv\r\n");
  assert.deepEqual(fed, ["3:set k v"]);
});

Deno.test("scripting: the cache survives until SCRIPT FLUSH and counts in INFO", () => {
  const s = inProcess();
  const sha = s.run("SCRIPT", "LOAD", "return 'cached'");
  assert.equal(sha, "$40\r\n" + sha.slice(5, 45) + "\r\n");
  assert.equal(
    s.run("EVALSHA", sha.slice(5, 45), "0"),
    "$6\r\ncached\r\n",
  );
  assert.match(s.run("INFO", "memory"), /number_of_cached_scripts:1\r\n/);
  s.run("SCRIPT", "FLUSH");
  assert.match(s.run("INFO", "memory"), /number_of_cached_scripts:0\r\n/);
  assert.equal(
    s.run("EVALSHA", sha.slice(5, 45), "0"),
    "-NOSCRIPT No matching script. Please use EVAL.\r\n",
  );
});

Deno.test("scripting: MONITOR shows EVAL, then its commands from lua", () => {
  const s = inProcess();
  const monitor = s.connect();
  assert.equal(s.runAs(monitor, "MONITOR"), "+OK\r\n");
  s.run(
    "EVAL",
    "redis.call('set', 'a', '1') return redis.call('get', 'a')",
    "0",
  );
  const lines = s.take(monitor).split("\r\n").filter((l) => l !== "");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^\+\d+\.\d+ \[0 127\.0\.0\.1:1\] "EVAL" "redis/);
  assert.match(lines[1], /^\+\d+\.\d+ \[0 lua\] "set" "a" "1"$/);
  assert.match(lines[2], /^\+\d+\.\d+ \[0 lua\] "get" "a"$/);
});

Deno.test("scripting: INFO counts function libraries and functions", () => {
  const s = inProcess();
  s.run(
    "FUNCTION",
    "LOAD",
    "#!lua name=lib\nredis.register_function('a', function() return 1 end)\nredis.register_function('b', function() return 2 end)",
  );
  const info = s.run("INFO", "memory");
  assert.match(info, /number_of_functions:2\r\n/);
  assert.match(info, /number_of_libraries:1\r\n/);
  assert.equal(s.run("FCALL", "b", "0"), ":2\r\n");
});
