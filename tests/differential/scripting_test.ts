/**
 * EVAL, EVALSHA, EVAL_RO and SCRIPT against redis-server: replies and
 * errors of scripts, the conversions between Redis replies and Lua values
 * in RESP2 and RESP3, and the Lua libraries as Redis exposes them.
 */

import assert from "node:assert/strict";
import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import { latin1 } from "../helpers/bytes.ts";
import { SCRIPTING_COMMANDS } from "../../lib/commands/scripting.ts";
import { FUNCTION_COMMANDS } from "../../lib/commands/functions.ts";

commandInfoTest("scripting", [
  { name: "eval" },
  { name: "evalsha" },
  { name: "eval_ro" },
  { name: "evalsha_ro" },
  ...SCRIPTING_COMMANDS[4].subcommands!.map((sub) => ({
    name: `script|${sub.name}`,
  })),
]);

/** Scripts whose replies (RESP2, then RESP3) must match byte for byte. */
const SCRIPTS: string[] = [
  "return 1",
  "return 3.7",
  "return -3.7",
  "return 'hello'",
  "return {1, 2, nil, 4}",
  "return {true, false}",
  "return nil",
  "return {double = 3.5}",
  "return {map = {a = 1}}",
  "return {set = {a = true}}",
  "return {1, {ok = 'x'}, {err = 'ERR inner'}}",
  "return {err = 'x'}",
  "return {big_number = '123456789012345678901234567890'}",
  "return redis.error_reply('My Error')",
  "return redis.status_reply('FINE')",
  "return 1/0",
  "return 0/0",
  "return 1e300",
  "error('x')",
  "error({err = 'x'})",
  "error({err = 'x'}, 0)",
  "return foo",
  "x = 1",
  "return 1 + nil",
  "return string.rep()",
  "local function f() error('deep', 2) end f()",
  "return 'x' 'y'",
  "return redis.call('nosuch')",
  "return redis.pcall('nosuch')",
  "return redis.call()",
  "return redis.call({})",
  "return redis.call('incr', 'a', {})",
  "return redis.call('set', 'a')",
  "return redis.call('hello')",
  "redis.call('set', 'str', 'abc') return redis.call('incr', 'str')",
  "return redis.pcall('incr', 'str')",
  "local ok, e = pcall(redis.call, 'incr', 'str') return e",
  "return redis.call('lpush', 'str', 'x')",
  "return redis.call('set', 'k', 'v')",
  "return redis.call('get', 'k')",
  "return redis.call('get', 'nokey')",
  "return redis.call('hgetall', 'nokey')",
  "redis.call('hset', 'h', 'f', 'v') return redis.call('hgetall', 'h')",
  "redis.setresp(3) return redis.call('hgetall', 'h')",
  "redis.setresp(3) return {true, false, redis.call('get', 'nokey')}",
  "redis.setresp(3) return redis.call('smembers', 'nokey')",
  "return redis.setresp(4)",
  "return redis.set_repl(9)",
  "return redis.acl_check_cmd('get', 'x')",
  "return redis.acl_check_cmd('nosuch')",
  "return redis.REDIS_VERSION_NUM",
  "return redis.sha1hex('')",
  "return redis.replicate_commands()",
  "return redis.breakpoint()",
  "return {tostring(0/0), tostring(1/0), tostring(1e15), tostring(0.1), tostring(2^53)}",
  "return {tostring(1e100), tostring(123456789012345678), tostring(3.14159265358979)}",
  "return type(loadstring)",
  "return loadstring('return 1')()",
  "string.foo = 1",
  "redis.foo = 1",
  "return rawset(_G, 'a', 1)",
  "local t = setmetatable({}, {__index = function(t, k) return k .. '!' end}) return t.x",
  "local ok, e = pcall(function() local x = nil; return x.y end) return e",
  "local ok, e = pcall(function() local t = {} t.a.b = 1 end) return e",
  "local ok, e = pcall(function() return #nil end) return e",
  "local ok, e = pcall(function() return 'a' < 1 end) return e",
  "local ok, e = pcall(function() return {} .. 'x' end) return e",
  "local ok, e = pcall(function() local s = 'x'; s() end) return e",
  "return string.format('%5.2f|%d|%s|%q|%x|%g', 3.14159, 42, 'hi', 'a\"b\\n', 255, 1e20)",
  "return cjson.encode({1, 2, {a = 1}})",
  "return cjson.decode('[1,2,{\"a\":[true,null]}]')[3].a[1]",
  "return cmsgpack.unpack(cmsgpack.pack({1, 2, 'x'}))",
  "return bit.band(0xff, 0x0f)",
  "return struct.pack('>I2', 258)",
  "#!lua flags=no-writes\nreturn redis.call('set', 'x', 'y')",
  "#!lua\nreturn redis.call('set', 'x', 'y')",
  "#!lua name=x\nreturn 1",
  "#!py\nreturn 1",
  "#!lua flags=bogus\nreturn 1",
  "#!lua\nerror('l2')",
  "redis.call('select', 3) return redis.call('set', 'dbx', '1')",
  "local t = {} for i = 1, 100 do t[i] = i * i end return t",
  "local s = 0 for i = 1, 100000 do s = s + i end return s",
];

differentialTest("differential: EVAL replies and errors", async (pair) => {
  for (const protocol of ["2", "3"]) {
    await pair.both(["HELLO", protocol]);
    await pair.same(["FLUSHALL"]);
    for (const script of SCRIPTS) {
      await pair.same(["EVAL", script, "0"], `RESP${protocol} `);
    }
    await pair.same(["EXISTS", "dbx"]);
  }
});

differentialTest("differential: EVAL arguments, EVALSHA and SCRIPT", async (
  pair,
) => {
  await pair.same([
    "EVAL",
    "return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
    "1",
    "k",
    "a",
  ]);
  await pair.same(["EVAL", "return 1", "-1"]);
  await pair.same(["EVAL", "return 1", "2", "k"]);
  await pair.same(["EVAL", "return 1", "x"]);
  await pair.same(["EVAL", "return 1"]);
  await pair.same(["EVALSHA", "0000000000000000000000000000000000000000", "0"]);
  await pair.same(["EVALSHA", "abc", "0"]);
  await pair.same(["SCRIPT", "LOAD", "return ARGV[1]"]);
  const sha = "7b9ddc9d1cd1ba1b2da4e0ad19f79fc51ef2b4c2";
  await pair.same(["SCRIPT", "EXISTS", sha, "abc", sha.toUpperCase()]);
  await pair.same(["EVALSHA", sha, "0", "hello"]);
  await pair.same(["EVALSHA", sha.toUpperCase(), "0", "hello"]);
  await pair.same(["EVALSHA_RO", sha, "0", "ro"]);
  await pair.same(["EVAL_RO", "return redis.call('set', 'x', 'y')", "0"]);
  await pair.same(["EVAL_RO", "return redis.call('get', 'x')", "0"]);
  await pair.same(["SCRIPT", "KILL"]);
  await pair.same(["SCRIPT", "FLUSH", "BOGUS"]);
  await pair.same(["SCRIPT", "FLUSH", "ASYNC"]);
  await pair.same(["SCRIPT", "EXISTS", sha]);
  await pair.same(["EVALSHA", sha, "0", "hello"]);
  await pair.same(["SCRIPT", "HELP"]);
  await pair.same(["SCRIPT", "BOGUS"]);
  await pair.same(["MULTI"]);
  await pair.same(["EVAL", "return redis.call('incr', KEYS[1])", "1", "n"]);
  await pair.same(["EVAL", "return redis.call('incr', KEYS[1])", "1", "n"]);
  await pair.same(["EXEC"]);
  await pair.same(["EVAL", "return redis.call('blpop', 'nolist', 0)", "0"]);
  await pair.same([
    "EVAL",
    "return redis.call('get', KEYS[1])",
    "1",
    "bin\x00\xff",
  ]);
  await pair.same([
    "EVAL",
    "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])",
    "1",
    "bin\x00\xff",
    "v\x00\x80\xff",
  ]);
});

differentialTest(
  "differential: a script past busy-reply-threshold gets BUSY replies, SCRIPT KILL ends it unless it wrote",
  async (pair) => {
    await pair.same(["CONFIG", "SET", "busy-reply-threshold", "100"]);
    const others = await Promise.all([
      pair.ours.connect(),
      pair.oracle.connect(),
    ]);
    try {
      const loops = [pair.ourClient, pair.oracleClient].map((client) =>
        client.callRaw(
          "EVAL",
          "local ok = pcall(function() while true do end end) return 1",
          "0",
        )
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [ourPing, theirPing] = await Promise.all(
        others.map((c) => c.callRaw("PING")),
      );
      assert.equal(latin1(ourPing), latin1(theirPing));
      assert.ok(latin1(ourPing).startsWith("-BUSY "));
      const kills = await Promise.all(
        others.map((c) => c.callRaw("SCRIPT", "KILL")),
      );
      assert.equal(latin1(kills[0]), "+OK\r\n");
      assert.equal(latin1(kills[1]), "+OK\r\n");
      const ended = await Promise.all(loops);
      assert.equal(latin1(ended[0]), latin1(ended[1]));
      const pings = await Promise.all(others.map((c) => c.callRaw("PING")));
      assert.equal(latin1(pings[0]), "+PONG\r\n");
      assert.equal(latin1(pings[1]), "+PONG\r\n");
      // The caller's own next command ran after its script.
      await pair.same(["SCRIPT", "KILL"]);

      const writers = [pair.ourClient, pair.oracleClient].map((client) =>
        client.callRaw(
          "EVAL",
          "redis.call('set', 'w', '1') local n = 0 while n < 1e8 do n = n + 1 end return n",
          "0",
        )
      );
      // Long enough to go past the threshold on both.
      const unkillable = await Promise.all(
        others.map(async (c) => {
          for (;;) {
            const reply = latin1(await c.callRaw("SCRIPT", "KILL"));
            if (!reply.startsWith("-NOTBUSY")) return reply;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }),
      );
      assert.equal(unkillable[0], unkillable[1]);
      assert.ok(unkillable[0].startsWith("-UNKILLABLE "), unkillable[0]);
      const done = await Promise.all(writers);
      assert.equal(latin1(done[0]), latin1(done[1]));
      await pair.same(["GET", "w"]);
    } finally {
      for (const client of others) client.close();
    }
  },
);

commandInfoTest("function", [
  { name: "fcall" },
  { name: "fcall_ro" },
  ...FUNCTION_COMMANDS[2].subcommands!.map((sub) => ({
    name: `function|${sub.name}`,
  })),
]);

const LIBRARY = `#!lua name=mylib
redis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)
redis.register_function{function_name='f2', callback=function(keys, args) error('boom') end, flags={'no-writes'}, description='desc'}
local x = 1`;

const SET_LIBRARY = `#!lua name=setlib
redis.register_function('setter', function(keys, args) return redis.call('set', keys[1], args[1]) end)`;

/** Libraries FUNCTION LOAD must refuse with Redis's message. */
const BAD_LIBRARIES = [
  "#!lua name=mylib\nreturn 1",
  "#!lua name=lib2\nreturn 1",
  "#!lua name=lib2\nredis.register_function('f1', function() return 1 end)",
  "#!lua name=lib3\nredis.call('ping')",
  "#!lua name=lib4\nredis.register_function('bad name', function() return 1 end)",
  "#!lua\nreturn 1",
  "return 1",
  "#!js name=x\n",
  "#!lua name=lib5 foo=bar\n",
  "#!lua name=bad-name\nredis.register_function('f', function() end)",
  "#!lua name=t1\nredis.register_function('f', 1)",
  "#!lua name=t1\nredis.register_function()",
  "#!lua name=t1\nredis.register_function('f')",
  "#!lua name=t1\nredis.register_function{function_name='f', callback=function() end, flags={'bogus'}}",
  "#!lua name=t1\nredis.register_function{function_name='f', callback=function() end, foo=1}",
  "#!lua name=t1\nredis.register_function{callback=function() end}",
  "#!lua name=t1\nredis.register_function('f', function() end) redis.register_function('f', function() end)",
  "#!lua name=t1\nreturn +",
  "#!lua name=t1\nlocal x = pairs",
  "#!lua name=t1\nx = 1",
];

differentialTest("differential: FUNCTION and FCALL", async (pair) => {
  for (const protocol of ["2", "3"]) {
    await pair.both(["HELLO", protocol]);
    await pair.same(["FUNCTION", "FLUSH"]);
    await pair.same(["FUNCTION", "LOAD", LIBRARY]);
    await pair.same(["FUNCTION", "LOAD", SET_LIBRARY]);
    for (const code of BAD_LIBRARIES) {
      await pair.same(["FUNCTION", "LOAD", code]);
    }
    await pair.same(["FCALL", "f1", "1", "k", "a"]);
    await pair.same(["FCALL", "f2", "0"]);
    await pair.same(["FCALL_RO", "setter", "1", "k", "v"]);
    await pair.same(["FCALL", "setter", "1", "k", "v"]);
    await pair.same(["FCALL_RO", "f2", "0"]);
    await pair.same(["FCALL", "nosuch", "0"]);
    await pair.same(["FCALL", "f1", "-1"]);
    await pair.same(["FCALL", "f1", "2", "k"]);
    await pair.same(["FUNCTION", "LIST", "LIBRARYNAME", "set*", "WITHCODE"]);
    await pair.same(["FUNCTION", "LIST", "LIBRARYNAME", "set*"]);
    await pair.same(["FUNCTION", "LIST", "LIBRARYNAME"]);
    await pair.same(["FUNCTION", "LIST", "BOGUS"]);
    await pair.same(["FUNCTION", "STATS"]);
    await pair.same(["FUNCTION", "KILL"]);
    await pair.same(["FUNCTION", "DELETE", "nosuch"]);
    await pair.same(["FUNCTION", "LOAD", "REPLACE", SET_LIBRARY]);
    await pair.same(["FUNCTION", "LOAD", "BOGUS", SET_LIBRARY]);
    await pair.same(["FUNCTION", "DELETE", "mylib"]);
    await pair.same(["FUNCTION", "DUMP"]);
    const dump = await pair.same(["FUNCTION", "DUMP"]);
    const payload = dump.slice(dump.indexOf("\r\n") + 2, -2);
    await pair.same(["FUNCTION", "RESTORE", payload]);
    await pair.same(["FUNCTION", "RESTORE", payload, "REPLACE"]);
    await pair.same(["FUNCTION", "RESTORE", payload, "BOGUS"]);
    await pair.same(["FUNCTION", "RESTORE", "bogus"]);
    await pair.same(["FUNCTION", "FLUSH", "BOGUS"]);
    await pair.same(["FUNCTION", "FLUSH", "ASYNC"]);
    await pair.same(["FUNCTION", "RESTORE", payload, "FLUSH"]);
    await pair.same(["FUNCTION", "LIST"]);
    await pair.same(["FUNCTION", "HELP"]);
  }
});
