/**
 * HyperLogLog against redis-server: the values built here are the bytes
 * Redis builds (GET, DUMP), counts and errors are Redis's, for streams of
 * elements from 10 to a million, sparse and dense values, merges, PFDEBUG,
 * corrupt values, notifications, WATCH and persistence across servers.
 */
import assert from "node:assert/strict";
import {
  hashElement,
  HYPERLOGLOG_COMMANDS,
} from "../../lib/types/hyperloglog.ts";
import { binary, latin1 } from "../helpers/bytes.ts";
import {
  commandInfoTest,
  differentialTest,
  type Pair,
  Picker,
  prng,
} from "../helpers/differential.ts";
import { encodeCommand, type RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

commandInfoTest("hyperloglog", HYPERLOGLOG_COMMANDS);

/** Sends `commands` to both servers pipelined and asserts identical replies. */
async function pipelineSame(
  pair: Pair,
  commands: readonly (readonly string[])[],
  context = "",
): Promise<void> {
  const chunks = commands.map((c) => encodeCommand(c));
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const request = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    request.set(chunk, offset);
    offset += chunk.length;
  }
  const run = async (client: RespClient) => {
    const [, replies] = await Promise.all([
      client.write(request),
      (async () => {
        const out: string[] = [];
        for (let i = 0; i < commands.length; i++) {
          out.push(latin1(await client.readRaw()));
        }
        return out;
      })(),
    ]);
    return replies;
  };
  const [ours, theirs] = await Promise.all([
    run(pair.ourClient),
    run(pair.oracleClient),
  ]);
  for (let i = 0; i < commands.length; i++) {
    if (ours[i] !== theirs[i]) {
      assert.fail(
        `${context}${commands[i].slice(0, 3).join(" ")}...: ours ${
          JSON.stringify(ours[i].slice(0, 200))
        }, redis ${JSON.stringify(theirs[i].slice(0, 200))}`,
      );
    }
  }
}

/** Element `i` of a stream: varied lengths (every murmur tail), some binary. */
function element(p: Picker, i: number): string {
  switch (p.int(0, 4)) {
    case 0:
      return String(i);
    case 1:
      return `element:${i}`;
    case 2:
      return `${"x".repeat(p.int(0, 20))}${i}`;
    case 3:
      return String.fromCharCode(i & 0xff, (i >> 8) & 0xff, i >> 16, 0, 255);
    default:
      return `user-${i * 7919}-${p.int(0, 9)}`;
  }
}

/**
 * Adds `total` elements to `key` on both servers, `batch` per PFADD, with
 * the commands pipelined `pipeline` at a time; compares every reply and,
 * every `checkEvery` batches and at the end, GET and PFCOUNT.
 */
async function stream(
  pair: Pair,
  key: string,
  total: number,
  batch: number,
  pipeline: number,
  checkEvery: number,
  seed: number,
): Promise<void> {
  const p = new Picker(prng(seed));
  let commands: string[][] = [];
  let batches = 0;
  for (let i = 0; i < total; i += batch) {
    const args = ["PFADD", key];
    for (let j = i; j < Math.min(total, i + batch); j++) {
      // Some repeats, which change nothing.
      args.push(element(p, p.chance(0.1) ? p.int(0, j) : j));
    }
    commands.push(args);
    batches++;
    const last = i + batch >= total;
    if (batches % checkEvery === 0 || last) {
      commands.push(["GET", key], ["PFCOUNT", key], ["GET", key]);
    }
    if (commands.length >= pipeline || last) {
      await pipelineSame(pair, commands, `${key} at ${i}: `);
      commands = [];
    }
  }
  await pair.same(["PFDEBUG", "ENCODING", key]);
  await pair.same(["STRLEN", key]);
  await pair.same(["DUMP", key]);
}

differentialTest(
  "differential: PFADD streams of 10, 1k, 100k and 1M elements build Redis's bytes",
  async (pair) => {
    await stream(pair, "s10", 10, 1, 1, 1, 1);
    await stream(pair, "s1k", 1000, 1, 50, 1, 2);
    await stream(pair, "s1k-batched", 1000, 37, 10, 1, 3);
    await stream(pair, "s100k", 100_000, 100, 100, 5, 4);
    await stream(pair, "s1m", 1_000_000, 1000, 50, 100, 5);
    await pair.same(["PFCOUNT", "s10", "s1k", "s100k", "s1m"]);
    await pair.same(["PFCOUNT", "s1m"]);
  },
);

differentialTest(
  "differential: the sparse-to-dense switch happens where Redis's does",
  async (pair) => {
    for (const limit of ["3000", "0", "100", "777", "8000"]) {
      await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", limit]);
      await pair.same(["DEL", "h"]);
      const p = new Picker(prng(Number(limit) + 11));
      let dense = false;
      const step = Number(limit) > 3000 ? 40 : 5;
      for (let i = 0; i < 30_000 && !dense; i += step) {
        const elements: string[] = [];
        for (let j = 0; j < step; j++) elements.push(element(p, i + j));
        await pipelineSame(pair, [
          ["PFADD", "h", ...elements],
          ["GET", "h"],
        ], `limit ${limit}, ${i}: `);
        dense = (await pair.same(["PFDEBUG", "ENCODING", "h"])).includes(
          "dense",
        );
        if (i % (step * 10) === 0) await pair.same(["PFCOUNT", "h"]);
      }
      assert.ok(dense, `limit ${limit}: never became dense`);
      await pair.same(["PFCOUNT", "h"]);
      await pair.same(["GET", "h"]);
    }
    await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
    await pair.same(["CONFIG", "GET", "hll-sparse-max-bytes"]);
    for (const bad of ["-1", "abc", "1gb", "9223372036854775808"]) {
      await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", bad]);
    }
    await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
  },
);

/** Fills `key` with `n` elements from `seed` on both servers. */
async function fill(pair: Pair, key: string, n: number, seed: number) {
  const p = new Picker(prng(seed));
  const commands: string[][] = [];
  for (let i = 0; i < n; i += 500) {
    const args = ["PFADD", key];
    for (let j = i; j < Math.min(n, i + 500); j++) args.push(element(p, j));
    commands.push(args);
  }
  await pipelineSame(pair, commands);
}

differentialTest(
  "differential: PFMERGE of mixed encodings and PFCOUNT of several keys match redis-server",
  async (pair) => {
    await fill(pair, "tiny", 3, 1);
    await fill(pair, "sparse", 300, 2);
    await fill(pair, "sparse2", 900, 3);
    await fill(pair, "dense", 20_000, 4);
    await fill(pair, "dense2", 5_000, 5);
    await pair.same(["PFDEBUG", "ENCODING", "sparse2"]);
    await pair.same(["PFDEBUG", "ENCODING", "dense2"]);
    await pair.same(["SET", "str", "plain"]);
    const script: string[][] = [
      ["PFCOUNT", "tiny", "sparse"],
      ["PFCOUNT", "sparse", "sparse2", "missing"],
      ["PFCOUNT", "missing", "missing2"],
      ["PFCOUNT", "dense", "sparse", "dense2"],
      ["PFCOUNT", "dense", "dense"],
      ["PFCOUNT", "dense", "str"],
      ["PFMERGE", "m1", "tiny", "sparse"],
      ["PFMERGE", "m2", "sparse", "sparse2"],
      ["PFMERGE", "m3", "sparse", "dense"],
      ["PFMERGE", "m4"],
      ["PFMERGE", "m5", "missing"],
      ["PFMERGE", "tiny", "sparse2"],
      ["PFMERGE", "sparse", "dense2", "tiny"],
      ["PFMERGE", "dense", "sparse2"],
      ["PFMERGE", "dense2", "dense2"],
      ["PFMERGE", "m6", "str"],
      ["PFMERGE", "str", "sparse"],
      ["EXISTS", "m6"],
    ];
    for (const command of script) {
      await pair.same(command);
      for (const key of ["m1", "m2", "m3", "m4", "m5", "tiny", "sparse"]) {
        await pair.same(["GET", key], `after ${command.join(" ")}: `);
      }
    }
    for (const key of ["m1", "m2", "m3", "m4", "m5", "tiny", "sparse"]) {
      await pair.same(["PFCOUNT", key]);
      await pair.same(["GET", key]);
      await pair.same(["OBJECT", "ENCODING", key]);
      await pair.same(["PFDEBUG", "ENCODING", key]);
    }
    await pair.same(["GET", "dense"]);
    await pair.same(["GET", "dense2"]);
    // A merge into a sparse key that outgrows the sparse limit midway.
    await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", "400"]);
    await fill(pair, "big-sparse", 250, 6);
    await pair.same(["PFMERGE", "m2", "big-sparse"]);
    await pair.same(["GET", "m2"]);
    await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
  },
);

differentialTest(
  "differential: PFDEBUG, PFSELFTEST and errors match redis-server",
  async (pair) => {
    await fill(pair, "h", 100, 7);
    await fill(pair, "d", 10_000, 8);
    await pair.same(["RPUSH", "list", "a"]);
    await pair.same(["SET", "str", "hello"]);
    await pair.same(["SET", "int", "12345"]);
    await pair.same(["SET", "magic", "HYLL"]);
    const script: string[][] = [
      ["PFDEBUG", "ENCODING", "h"],
      ["PFDEBUG", "DECODE", "h"],
      ["PFDEBUG", "decode", "d"],
      ["PFDEBUG", "ENCODING", "d"],
      ["PFDEBUG", "GETREG", "d"],
      ["PFDEBUG", "TODENSE", "d"],
      ["PFDEBUG", "nosuch", "h"],
      ["PFDEBUG", "nosuch\r\nx", "h"],
      ["PFDEBUG", "getreg\x00tail", "h"],
      ["PFDEBUG", "ENCODING", "h"],
      ["PFADD", "h2", "x"],
      ["PFDEBUG", "TODENSE", "h2"],
      ["PFDEBUG", "TODENSE", "h2"],
      ["GET", "h2"],
      ["PFDEBUG", "GETREG", "missing"],
      ["PFDEBUG", "nosuch", "missing"],
      ["PFDEBUG", "GETREG", "list"],
      ["PFDEBUG", "GETREG", "str"],
      ["PFDEBUG", "GETREG"],
      ["PFDEBUG", "GETREG", "h", "extra"],
      ["PFSELFTEST"],
      ["PFSELFTEST", "x"],
      ["PFADD"],
      ["PFCOUNT"],
      ["PFMERGE"],
      ["PFADD", "list", "a"],
      ["PFCOUNT", "list"],
      ["PFCOUNT", "list", "h"],
      ["PFMERGE", "list", "h"],
      ["PFMERGE", "h", "list"],
      ["PFADD", "str", "a"],
      ["PFADD", "int", "a"],
      ["PFADD", "magic"],
      ["PFCOUNT", "str"],
      ["PFCOUNT", "int", "h"],
      ["PFMERGE", "x", "magic"],
      ["PFADD", "empty"],
      ["PFADD", "empty"],
      ["GET", "empty"],
      ["PFCOUNT", "empty"],
      ["PFCOUNT", "nokey"],
      ["OBJECT", "ENCODING", "empty"],
    ];
    for (const command of script) await pair.same(command);
  },
);

/** The 16-byte header: encoding byte and the 8 cardinality bytes. */
function header(encoding: number, card = "\x00".repeat(7) + "\x80"): string {
  return "HYLL" + String.fromCharCode(encoding) + "\x00\x00\x00" + card;
}

/** An XZERO opcode for `n` (1-16384) empty registers. */
function xzero(n: number): string {
  return String.fromCharCode(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
}

/** A ZERO opcode for `n` (1-64) empty registers. */
function zero(n: number): string {
  return String.fromCharCode(n - 1);
}

/** A VAL opcode: `n` (1-4) registers holding `value` (1-32). */
function val(value: number, n: number): string {
  return String.fromCharCode(0x80 | ((value - 1) << 2) | (n - 1));
}

/** Commands exercising a (possibly corrupt) HyperLogLog at `key`. */
function probe(key: string, p: Picker): string[][] {
  const elements: string[] = [];
  for (let i = p.int(1, 40); i > 0; i--) elements.push(`e${p.int(0, 1e6)}`);
  return [
    ["GET", key],
    ["PFCOUNT", key],
    ["PFCOUNT", key, "nokey"],
    ["PFDEBUG", "DECODE", key],
    ["PFMERGE", `${key}:merged`, key],
    ["GET", `${key}:merged`],
    ["PFADD", key, ...elements],
    ["GET", key],
    ["PFCOUNT", key],
    ["GET", key],
    ["PFDEBUG", "ENCODING", key],
    ["PFDEBUG", "TODENSE", key],
    ["PFDEBUG", "GETREG", key],
    ["GET", key],
  ];
}

differentialTest(
  "differential: corrupt HyperLogLogs get Redis's errors and bytes",
  async (pair) => {
    const p = new Picker(prng(99));
    const dense = (fillByte: number) =>
      header(0) + String.fromCharCode(fillByte).repeat(12288);
    const values: Record<string, string> = {
      "wrong magic": "HYLX" + header(1).slice(4) + xzero(16384),
      "encoding 2": header(2) + xzero(16384),
      "encoding 255": header(255) + xzero(16384),
      "short": "HYLL\x01\x00",
      "header only": header(1),
      "dense too short": header(0) + "\x00".repeat(100),
      "dense too long": dense(0) + "x",
      "dense all 63": dense(0xff),
      "dense random": header(0) +
        Array.from({ length: 12288 }, () => String.fromCharCode(p.int(0, 255)))
          .join(""),
      "dense with a valid cache":
        header(0, "\x39\x30\x00\x00\x00\x00\x00\x00") +
        "\x00".repeat(12288),
      "truncated sparse": header(1) + xzero(8000),
      "truncated sparse with values": header(1) + zero(10) + val(3, 2) +
        xzero(5000),
      "sparse zero over-run": header(1) + xzero(16384) + zero(1),
      "sparse value over-run": header(1) + xzero(16383) + val(2, 4),
      "sparse xzero over-run": header(1) + val(1, 1) + xzero(16384),
      "sparse over-run with cache": header(1, "\x07" + "\x00".repeat(7)) +
        xzero(16384) + xzero(16384),
      "half an xzero at the end": header(1) + xzero(16384 - 257) + "\x41",
      "half an xzero, not covering": header(1) + xzero(100) + "\x7f",
      "sparse huge cache": header(1, "\xff".repeat(7) + "\x7f") +
        xzero(16384),
      "sparse of tiny opcodes": header(1) + zero(1).repeat(16384),
      "sparse of many vals": header(1) + val(32, 4).repeat(4096),
      "sparse unused bytes set": "HYLL\x01abc" + "\x00".repeat(7) + "\x80" +
        xzero(16384),
    };
    for (const [name, value] of Object.entries(values)) {
      await pair.same(["SET", name, value]);
      for (const command of probe(name, p)) {
        await pair.same(command, `${name}: `);
      }
    }
    // A value ending in half an XZERO (its second byte read as 0): splitting
    // it leaves the new last opcode's second byte past the end, where Redis
    // reads it back on the next update.
    const inRange = (from: number, to: number) => {
      for (let i = 0;; i++) {
        const index = hashElement(binary(`t${i}`)).index;
        if (index >= from && index <= to) return `t${i}`;
      }
    };
    const tail = 16384 - 257;
    await pair.same(["SET", "half", header(1) + xzero(tail) + "\x41"]);
    for (
      const [from, to] of [[tail, tail + 100], [tail + 120, 16383], [
        0,
        tail - 1,
      ], [tail + 120, 16383]]
    ) {
      await pair.same(["PFADD", "half", inRange(from, to)]);
      await pair.same(["GET", "half"]);
      await pair.same(["PFDEBUG", "DECODE", "half"]);
      await pair.same(["PFCOUNT", "half"]);
    }
  },
);

differentialTest(
  "differential: randomly damaged HyperLogLogs never crash and match redis-server",
  async (pair) => {
    const p = new Picker(prng(2024));
    await fill(pair, "base-sparse", 200, 9);
    const sparse = await pair.oracleClient.call("GET", "base-sparse") as string;
    await fill(pair, "base-dense", 3000, 10);
    const dense = await pair.oracleClient.call("GET", "base-dense") as string;
    for (let round = 0; round < 300; round++) {
      let value = p.chance(0.8) ? sparse : dense;
      const bytes = binary(value);
      const edits = p.int(1, 4);
      const start = value === sparse ? 16 : 8;
      for (let i = 0; i < edits; i++) {
        const at = p.int(start, bytes.length - 1);
        bytes[at] = p.chance(0.5)
          ? p.int(0, 255)
          : bytes[at] ^ (1 << p.int(0, 7));
      }
      value = latin1(bytes);
      switch (p.int(0, 3)) {
        case 0:
          value = value.slice(0, p.int(16, value.length));
          break;
        case 1:
          value += String.fromCharCode(p.int(0, 255), p.int(0, 255));
          break;
      }
      if (p.chance(0.5)) {
        // Invalidate the cache, so that PFCOUNT reads the registers.
        value = value.slice(0, 15) +
          String.fromCharCode(value.charCodeAt(15) | 0x80) + value.slice(16);
      }
      await pair.same(["SET", "v", value]);
      for (const command of probe("v", p)) {
        await pair.same(command, `round ${round}: `);
      }
      await pair.same(["DEL", "v", "v:merged"]);
    }
  },
);

/** A random HyperLogLog (or string) command on a small key space. */
function randomCommand(p: Picker): string[] {
  const keys = ["h1", "h2", "h3", "str"];
  const key = () => p.pick(keys);
  const elements = () => {
    const out: string[] = [];
    const n = p.chance(0.1) ? p.int(50, 400) : p.int(0, 5);
    for (let i = 0; i < n; i++) out.push(`m${p.int(0, 3000)}`);
    return out;
  };
  switch (p.int(0, 15)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return ["PFADD", key(), ...elements()];
    case 4:
    case 5:
      return ["PFCOUNT", key()];
    case 6:
      return ["PFCOUNT", key(), key(), key()];
    case 7:
      return ["PFMERGE", key(), key(), key()];
    case 8:
      return ["GET", key()];
    case 9:
      return ["PFDEBUG", p.pick(["ENCODING", "DECODE", "TODENSE"]), key()];
    case 10:
      return ["SET", "str", p.pick(["x", "HYLL", "12"])];
    case 11:
      return ["APPEND", key(), p.pick(["\x00", "\x7f", "\x80"])];
    case 12:
      return ["SETRANGE", key(), String(p.int(0, 40)), p.pick(["\x00", "A"])];
    case 13:
      return ["OBJECT", "ENCODING", key()];
    case 14:
      return ["DEL", key()];
    default:
      return ["STRLEN", key()];
  }
}

differentialTest(
  "differential: random HyperLogLog command sequences match redis-server",
  async (pair) => {
    for (const limit of ["3000", "60"]) {
      await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", limit]);
      await pair.same(["FLUSHALL"]);
      const p = new Picker(prng(Number(limit)));
      for (let i = 0; i < 1500; i++) {
        await pair.same(randomCommand(p), `limit ${limit} step ${i}: `);
        if (i % 25 === 0) {
          for (const key of ["h1", "h2", "h3"]) await pair.same(["GET", key]);
        }
      }
    }
    await pair.same(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
  },
);

differentialTest(
  "differential: HyperLogLog keyspace notifications and statistics match redis-server",
  async (pair) => {
    await pair.same(["SET", "str", "x"]);
    await pair.sameEvents([
      ["PFADD", "h", "a", "b"],
      ["PFADD", "h", "a"],
      ["PFADD", "h"],
      ["PFADD", "new"],
      ["PFCOUNT", "h"],
      ["PFCOUNT", "h"],
      ["PFCOUNT", "h", "new", "missing"],
      ["PFCOUNT", "missing"],
      ["PFMERGE", "dest", "h", "missing"],
      ["PFMERGE", "dest", "h"],
      ["PFMERGE", "h"],
      ["PFDEBUG", "TODENSE", "h"],
      ["PFDEBUG", "GETREG", "dest"],
      ["PFADD", "str", "a"],
      ["PFMERGE", "x", "str"],
    ]);
    await pair.sameKeyspaceStats([
      ["PFCOUNT", "h"],
      ["PFCOUNT", "missing"],
      ["PFCOUNT", "h", "missing", "missing2"],
      ["PFMERGE", "d2", "missing", "h"],
      ["PFADD", "missing3", "a"],
      ["PFDEBUG", "ENCODING", "missing4"],
      ["PFDEBUG", "ENCODING", "h"],
    ]);
  },
);

differentialTest(
  "differential: PFCOUNT that refreshes the cache breaks a WATCH, as in Redis",
  async (pair) => {
    const clients = await Promise.all([
      pair.ours.connect(),
      pair.oracle.connect(),
    ]);
    try {
      await pair.same(["PFADD", "h", "a", "b", "c"]);
      for (const cachedAlready of [false, true]) {
        const replies: unknown[][] = [];
        for (
          const [i, watcher] of [pair.ourClient, pair.oracleClient].entries()
        ) {
          await watcher.call("WATCH", "h");
          // Another client's PFCOUNT: it refreshes the cache only once.
          await clients[i].call("PFCOUNT", "h");
          await watcher.call("MULTI");
          await watcher.call("SET", "x", "1");
          replies.push([cachedAlready, await watcher.call("EXEC")]);
        }
        assert.deepEqual(replies[0], replies[1]);
      }
    } finally {
      for (const client of clients) client.close();
    }
  },
);

differentialTest(
  "differential: HyperLogLogs keep TTLs and string semantics as in Redis",
  async (pair) => {
    const script: string[][] = [
      ["SET", "h", "x"],
      ["DEL", "h"],
      ["PFADD", "h", "a"],
      ["EXPIRE", "h", "1000"],
      ["PFADD", "h", "b", "c"],
      ["TTL", "h"],
      ["PFCOUNT", "h"],
      ["TTL", "h"],
      ["TYPE", "h"],
      ["OBJECT", "ENCODING", "h"],
      ["STRLEN", "h"],
      ["GETRANGE", "h", "0", "4"],
      ["COPY", "h", "h2"],
      ["PFADD", "h2", "d"],
      ["GET", "h"],
      ["GET", "h2"],
      ["APPEND", "h2", "\x00"],
      ["PFCOUNT", "h2"],
      ["GET", "h2"],
    ];
    for (const command of script) await pair.same(command);
    // A HyperLogLog SET as a value is converted to "raw" on first use.
    const value = await pair.oracleClient.call("GET", "h") as string;
    await pair.same(["SET", "copy", value]);
    await pair.same(["OBJECT", "ENCODING", "copy"]);
    await pair.same(["PFCOUNT", "copy"]);
    await pair.same(["OBJECT", "ENCODING", "copy"]);
  },
);

differentialTest(
  "differential: DUMP payloads of HyperLogLogs are Redis's, and RESTORE works both ways",
  async (pair) => {
    await fill(pair, "sparse", 400, 12);
    await fill(pair, "dense", 50_000, 13);
    await pair.same(["PFADD", "empty"]);
    for (const key of ["sparse", "dense", "empty"]) {
      await pair.same(["PFCOUNT", key]);
      await pair.same(["DUMP", key]);
      const fromRedis = await pair.oracleClient.call("DUMP", key) as string;
      const fromUs = await pair.ourClient.call("DUMP", key) as string;
      await pair.ourClient.call("RESTORE", `${key}:r`, "0", fromRedis);
      await pair.oracleClient.call("RESTORE", `${key}:r`, "0", fromUs);
      await pair.same(["GET", `${key}:r`]);
      await pair.same(["PFCOUNT", `${key}:r`]);
      await pair.same(["PFADD", `${key}:r`, "one", "more"]);
      await pair.same(["GET", `${key}:r`]);
      await pair.same(["DUMP", `${key}:r`]);
    }
  },
);

Deno.test({
  name:
    "differential: RDB files with HyperLogLogs load across redis-server and ours",
  ignore: !hasRedisServer(),
  async fn() {
    const build = async (client: RespClient) => {
      await client.call("PFADD", "empty");
      for (const [key, n] of [["sparse", 300], ["dense", 30_000]] as const) {
        for (let i = 0; i < n; i += 1000) {
          const args = ["PFADD", key];
          for (let j = i; j < Math.min(n, i + 1000); j++) args.push(`r${j}`);
          await client.call(...args);
        }
      }
      await client.call("PFCOUNT", "dense");
      await client.call("SAVE");
    };
    const read = async (client: RespClient) => {
      const out: unknown[] = [];
      for (const key of ["empty", "sparse", "dense"]) {
        out.push(
          await client.call("GET", key),
          await client.call("PFCOUNT", key),
        );
      }
      return out;
    };
    for (const writerIsRedis of [true, false]) {
      const dir = await Deno.makeTempDir({ prefix: "hll-rdb-" });
      try {
        const written = await withServer(
          { oracle: writerIsRedis, flags: ["--dir", dir, "--save", ""] },
          async ([client]) => {
            await build(client);
            return await read(client);
          },
        );
        const loaded = await withServer(
          { oracle: !writerIsRedis, flags: ["--dir", dir, "--save", ""] },
          ([client]) => read(client),
        );
        assert.deepEqual(loaded, written, `written by redis: ${writerIsRedis}`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  },
});
