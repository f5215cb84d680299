import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { inProcess } from "../helpers/in_process.ts";
import { RespError } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";
import { STRING_COMMANDS } from "../../lib/types/string.ts";

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

Deno.test("string: TTL is kept or cleared as Redis does", async () => {
  await withServer({}, async ([c]) => {
    assert.equal(await c.call("SET", "k", "1", "EX", "100"), "OK");
    assert.equal(await c.call("TTL", "k"), 100);
    assert.equal(await c.call("SET", "k", "2", "KEEPTTL"), "OK");
    assert.equal(await c.call("TTL", "k"), 100);
    assert.equal(await c.call("INCR", "k"), 3);
    assert.equal(await c.call("INCRBYFLOAT", "k", "0.5"), "3.5");
    assert.equal(await c.call("APPEND", "k", "0"), 4);
    assert.equal(await c.call("SETRANGE", "k", "0", "4"), 4);
    assert.equal(await c.call("TTL", "k"), 100);
    assert.equal(await c.call("GET", "k"), "4.50");
    assert.equal(await c.call("SET", "k", "x"), "OK");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("SETEX", "k", "50", "y"), "OK");
    assert.equal(await c.call("TTL", "k"), 50);
    assert.equal(await c.call("GETSET", "k", "z"), "y");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("PSETEX", "k", "50000", "w"), "OK");
    const pttl = await c.call("PTTL", "k") as number;
    assert.ok(pttl > 49000 && pttl <= 50000, String(pttl));
    assert.equal(await c.call("GETEX", "k", "PERSIST"), "w");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("GETEX", "k", "EX", "70"), "w");
    assert.equal(await c.call("TTL", "k"), 70);
    const at = Math.floor(Date.now() / 1000) + 1000;
    assert.equal(await c.call("GETEX", "k", "EXAT", String(at)), "w");
    const ttl = await c.call("TTL", "k") as number;
    assert.ok(ttl >= 998 && ttl <= 1000, String(ttl));
    assert.equal(await c.call("SET", "p", "v", "PX", "30"), "OK");
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await c.call("GET", "p"), null);
    assert.equal(await c.call("SET", "p", "v", "GET"), null);
  });
});

Deno.test("string: OBJECT ENCODING follows the value's history", async () => {
  await withServer({}, async ([c]) => {
    const encoding = (key: string) => c.call("OBJECT", "ENCODING", key);
    await c.call("SET", "i", "12345");
    assert.equal(await encoding("i"), "int");
    await c.call("SET", "e", "x".repeat(44));
    assert.equal(await encoding("e"), "embstr");
    await c.call("SET", "r", "x".repeat(45));
    assert.equal(await encoding("r"), "raw");
    await c.call("SET", "n", "-0");
    assert.equal(await encoding("n"), "embstr");
    await c.call("SET", "n", "12345678901234567890");
    assert.equal(await encoding("n"), "embstr");
    await c.call("APPEND", "i", "6");
    assert.equal(await encoding("i"), "raw");
    await c.call("APPEND", "new", "77");
    assert.equal(await encoding("new"), "int");
    await c.call("INCRBYFLOAT", "f", "3");
    assert.equal(await c.call("GET", "f"), "3");
    assert.equal(await encoding("f"), "embstr");
    await c.call("INCR", "f");
    assert.equal(await encoding("f"), "int");
    await c.call("SETRANGE", "s", "0", "1");
    assert.equal(await encoding("s"), "raw");
    await c.call("MSET", "m1", "1", "m2", "one");
    assert.equal(await encoding("m1"), "int");
    assert.equal(await encoding("m2"), "embstr");
    await c.call("COPY", "s", "s2");
    assert.equal(await encoding("s2"), "raw");
  });
});

Deno.test("string: large binary values survive APPEND, SETRANGE and GETRANGE", async () => {
  await withServer({}, async ([c]) => {
    const big = noise(200_000, 1);
    assert.equal(await c.call("SET", "b", big), "OK");
    assert.equal(await c.call("GET", "b"), latin1(big));
    // Many appends: the value grows in place but must stay exact.
    const expected: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      const chunk = noise(1 + (i * 37) % 500, i + 2);
      expected.push(chunk);
      await c.send("APPEND", "a", chunk);
    }
    let total = 0;
    for (const chunk of expected) {
      total += chunk.length;
      assert.equal(await c.read(), total);
    }
    const joined = new Uint8Array(total);
    let pos = 0;
    for (const chunk of expected) {
      joined.set(chunk, pos);
      pos += chunk.length;
    }
    assert.equal(await c.call("GET", "a"), latin1(joined));
    assert.equal(await c.call("STRLEN", "a"), total);
    assert.equal(
      await c.call("GETRANGE", "a", "1000", "1999"),
      latin1(joined.subarray(1000, 2000)),
    );
    // A reply sent before an in-place change must show the old bytes.
    await c.send("GET", "b");
    await c.send("SETRANGE", "b", "0", "\x00\x00\x00\x00");
    await c.send("APPEND", "b", "tail");
    await c.send("GET", "b");
    assert.equal(await c.read(), latin1(big));
    assert.equal(await c.read(), big.length);
    assert.equal(await c.read(), big.length + 4);
    const changed = new Uint8Array(big.length + 4);
    changed.set(big);
    changed.set([0, 0, 0, 0], 0);
    changed.set([116, 97, 105, 108], big.length);
    assert.equal(await c.read(), latin1(changed));
    // SETRANGE beyond the end pads with zero bytes.
    assert.equal(await c.call("SETRANGE", "z", "5", "\xff"), 6);
    assert.equal(await c.call("GET", "z"), "\x00\x00\x00\x00\x00\xff");
    assert.equal(await c.call("SETRANGE", "z", "8", "ab"), 10);
    assert.equal(
      await c.call("GET", "z"),
      "\x00\x00\x00\x00\x00\xff\x00\x00ab",
    );
  });
});

Deno.test("string: integer arithmetic is exact across the 64-bit range", async () => {
  await withServer({}, async ([c]) => {
    // Replies are compared raw: the test client reads integers as doubles.
    const raw = async (...args: string[]) => latin1(await c.callRaw(...args));
    assert.equal(await c.call("SET", "n", "9007199254740991"), "OK");
    assert.equal(await raw("INCR", "n"), ":9007199254740992\r\n");
    assert.equal(
      await raw("INCRBY", "n", "9000000000000000000"),
      ":9009007199254740992\r\n",
    );
    assert.equal(await c.call("GET", "n"), "9009007199254740992");
    assert.deepEqual(
      await c.call("INCRBY", "n", "300000000000000000"),
      new RespError("ERR increment or decrement would overflow"),
    );
    assert.equal(await c.call("SET", "n", "-9223372036854775807"), "OK");
    assert.equal(await raw("DECR", "n"), ":-9223372036854775808\r\n");
    assert.deepEqual(
      await c.call("DECR", "n"),
      new RespError("ERR increment or decrement would overflow"),
    );
    assert.deepEqual(
      await c.call("DECRBY", "n", "-9223372036854775808"),
      new RespError("ERR decrement would overflow"),
    );
    assert.equal(await c.call("DECRBY", "m", "-5"), 5);
    assert.equal(
      await raw("INCRBY", "m", "-9223372036854775808"),
      ":-9223372036854775803\r\n",
    );
    assert.equal(await raw("INCRBY", "m", "9223372036854775807"), ":4\r\n");
  });
});

Deno.test("string: LCS on longer values and its memory limit", async () => {
  await withServer({}, async ([c]) => {
    await c.call("SET", "a", "x".repeat(300) + "hello" + "y".repeat(300));
    await c.call("SET", "b", "hello" + "z".repeat(100) + "x".repeat(10));
    assert.equal(await c.call("LCS", "a", "b", "LEN"), 10);
    assert.equal(await c.call("LCS", "a", "b"), "xxxxxxxxxx");
    await c.call("CONFIG", "SET", "proto-max-bulk-len", "1048576");
    await c.call("SET", "c", "q".repeat(600));
    assert.deepEqual(
      await c.call("LCS", "a", "c", "LEN"),
      new RespError(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
      ),
    );
    assert.deepEqual(
      await c.call("APPEND", "c", "x".repeat(1048576)),
      new RespError(
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
      ),
    );
    assert.deepEqual(
      await c.call("SETRANGE", "c", "1048576", "x"),
      new RespError(
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
      ),
    );
    assert.equal(await c.call("SETRANGE", "c", "1048575", "x"), 1048576);
  });
});

Deno.test("string: key-change events carry Redis's notification names", () => {
  const { run, events } = inProcess();
  const script = [
    ["SETEX", "e1", "100", "5"],
    ["INCRBYFLOAT", "e1", "1.5"],
    ["INCR", "e2"],
    ["GETEX", "e2", "PERSIST"],
    ["GETEX", "e2", "PX", "1000"],
    ["GETEX", "e2", "PERSIST"],
    ["GETEX", "e2", "PXAT", "1"],
    ["GETDEL", "e1"],
    ["GETDEL", "e1"],
    ["APPEND", "e3", ""],
    ["SETRANGE", "e3", "0", ""],
    ["SETRANGE", "e3", "2", "ab"],
    ["MSET", "e4", "1", "e5", "2"],
    ["MSETNX", "e4", "1", "e6", "2"],
    ["GETSET", "e7", "1"],
    ["SET", "e7", "2", "PX", "100000", "GET"],
    ["SET", "e7", "2", "NX"],
    ["SETNX", "e8", "x"],
    ["DECRBY", "e9", "3"],
  ];
  for (const args of script) run(...args);
  assert.deepEqual(events, [
    "$ set e1",
    "g expire e1",
    "$ incrbyfloat e1",
    "$ incrby e2",
    "g expire e2",
    "g persist e2",
    "g del e2",
    "g del e1",
    "$ append e3",
    "$ setrange e3",
    "$ set e4",
    "$ set e5",
    "$ set e7",
    "$ set e7",
    "g expire e7",
    "$ set e8",
    "$ incrby e9",
  ]);
});

Deno.test("string: RESP3 replies use nulls and maps", () => {
  const { run, client } = inProcess();
  client.reply.protocol = 3;
  assert.equal(run("GET", "nokey"), "_\r\n");
  assert.equal(run("SET", "k", "v", "NX", "GET"), "_\r\n");
  assert.equal(run("SET", "k2", "v", "XX"), "_\r\n");
  assert.equal(run("GETEX", "nokey"), "_\r\n");
  assert.equal(run("MGET", "k", "nokey"), "*2\r\n$1\r\nv\r\n_\r\n");
  assert.equal(run("INCRBYFLOAT", "f", "1.5"), "$3\r\n1.5\r\n");
  run("MSET", "a", "ohmytext", "b", "mynewtext");
  assert.equal(
    run("LCS", "a", "b", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "4"),
    "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
  );
});

Deno.test({
  name: "string: COMMAND INFO metadata matches redis-server",
  ignore: !hasRedisServer(),
  async fn() {
    await withServer({ oracle: true }, async ([client]) => {
      for (const spec of STRING_COMMANDS) {
        const [info] = await client.call(
          "COMMAND",
          "INFO",
          spec.name,
        ) as unknown[][];
        const [, arity, flags, first, last, step, categories, tips, keySpecs] =
          info;
        const name = spec.name;
        assert.equal(spec.arity, arity, name);
        assert.deepEqual([...spec.flags].sort(), [...flags as string[]].sort());
        assert.deepEqual([spec.firstKey, spec.lastKey, spec.step], [
          first,
          last,
          step,
        ], name);
        assert.deepEqual(spec.aclCategories, categories, name);
        assert.deepEqual(spec.tips ?? [], tips, name);
        // Key specs come as flat [field, value, ...] lists.
        const ours = spec.keySpecs!.map((k) => {
          if (k.beginSearch.type !== "index" || k.findKeys.type !== "range") {
            throw new Error("unexpected key spec");
          }
          const f = k.findKeys;
          return [
            ...(k.notes === undefined ? [] : ["notes", k.notes]),
            "flags",
            [...k.flags],
            "begin_search",
            ["type", "index", "spec", ["index", k.beginSearch.index]],
            "find_keys",
            ["type", "range", "spec", [
              "lastkey",
              f.lastKey,
              "keystep",
              f.keyStep,
              "limit",
              f.limit,
            ]],
          ];
        });
        assert.deepEqual(ours, keySpecs, name);
      }
    });
  },
});

Deno.test("string: the largest PXAT reaches the AOF exactly (a rounded time fails on replay)", async () => {
  const flags = ["--appendonly", "yes", "--appendfsync", "always"];
  await withServer({ flags }, async ([c], server) => {
    const max = "9223372036854775807";
    assert.equal(await c.call("SET", "k", "v", "PXAT", max), "OK");
    assert.equal(await c.call("SET", "j", "v"), "OK");
    assert.equal(await c.call("GETEX", "j", "PXAT", max), "v");
    const expected = [
      `*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$19\r\n${max}\r\n`,
      "*3\r\n$3\r\nSET\r\n$1\r\nj\r\n$1\r\nv\r\n",
      `*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nj\r\n$19\r\n${max}\r\n`,
    ].join("");
    const file = `${server.dir}/appendonlydir/appendonly.aof.1.incr.aof`;
    let text = "";
    for (let i = 0; i < 50 && !text.endsWith(expected); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      text = await Deno.readTextFile(file).catch(() => "");
    }
    assert.ok(text.endsWith(expected), JSON.stringify(text));
  });
});

Deno.test("string: short values, held as binary strings, keep every byte", async () => {
  await withServer({}, async ([c]) => {
    for (let start = 0; start < 256; start += 44) {
      const value = Uint8Array.from(
        { length: Math.min(44, 256 - start) },
        (_, i) => start + i,
      );
      assert.equal(await c.call("SET", "s", value), "OK");
      assert.equal(await c.call("GET", "s"), latin1(value));
      assert.equal(await c.call("STRLEN", "s"), value.length);
      assert.equal(
        await c.call("GETRANGE", "s", "1", "3"),
        latin1(value.subarray(1, 4)),
      );
      const dump = await c.callRaw("DUMP", "s");
      assert.ok(dump.length > value.length);
    }
    // Edited in place after being short: APPEND, SETRANGE, SETBIT.
    await c.call("SET", "t", "\xff\x80");
    assert.equal(await c.call("APPEND", "t", "\x00"), 3);
    assert.equal(await c.call("SETRANGE", "t", "1", "\x7f"), 3);
    assert.equal(await c.call("SETBIT", "t", "0", "0"), 1);
    assert.equal(await c.call("GET", "t"), "\x7f\x7f\x00");
    // A HyperLogLog copied with SET is read and updated.
    await c.call("PFADD", "h", "a", "b");
    await c.call("SET", "h2", await c.call("GET", "h") as string);
    assert.equal(await c.call("PFADD", "h2", "c"), 1);
    assert.equal(await c.call("PFCOUNT", "h2"), 3);
    assert.equal(await c.call("INCR", "n"), 1);
    assert.equal(await c.call("INCRBY", "n", "41"), 42);
    assert.equal(await c.call("OBJECT", "ENCODING", "n"), "int");
  });
});
