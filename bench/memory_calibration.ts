/**
 * Calibration of the memory estimator (lib/store/memory_usage.ts) against
 * the heap a dataset really takes: for each shape of value it loads keys
 * through the RESP decoder and the dispatcher of a server in this process,
 * as a client's commands would arrive, then compares the growth of the V8
 * heap plus the buffers outside it (`Deno.memoryUsage()` after a forced
 * collection) with the growth of the estimate (`used_memory_dataset`).
 *
 * Run it with `deno run -A --v8-flags=--expose-gc bench/memory_calibration.ts
 * [--scale 1] [--json]` (fewer keys per shape below scale 1; `--json`
 * prints the rows as JSON, for tests/store/memory_usage_test.ts).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { RespDecoder } from "../lib/resp/decoder.ts";
import { inProcessServer } from "./in_process.ts";
import { formatColumns } from "./table.ts";

/** One shape of value: how many keys, and the commands that build key i. */
interface Shape {
  readonly label: string;
  readonly keys: number;
  readonly build: (key: string, i: number) => string[][];
}

/** A value of `size` bytes, different for each i. */
function value(i: number, size: number): string {
  return `v${i}`.padEnd(size, "x");
}

/** `count` field/value or member arguments of `size`-byte strings. */
function elements(count: number, size: number, pairs: boolean): string[] {
  const args: string[] = [];
  for (let j = 0; j < count; j++) {
    args.push(`e${j}`.padEnd(size, "y"));
    if (pairs) args.push(value(j, size));
  }
  return args;
}

/** Commands that add `count` elements in batches of at most 100. */
function batched(
  command: string,
  key: string,
  count: number,
  each: (j: number) => string[],
): string[][] {
  const commands: string[][] = [];
  for (let from = 0; from < count; from += 100) {
    const args = [command, key];
    for (let j = from; j < Math.min(count, from + 100); j++) {
      args.push(...each(j));
    }
    commands.push(args);
  }
  return commands;
}

function shapes(scale: number): Shape[] {
  const n = (keys: number) => Math.max(1, Math.round(keys * scale));
  const member = (j: number, size: number) => `m${j}`.padEnd(size, "y");
  return [
    {
      label: "string 16 B",
      keys: n(100_000),
      build: (key, i) => [["SET", key, value(i, 16)]],
    },
    {
      label: "string integer",
      keys: n(100_000),
      build: (key, i) => [["SET", key, String(i * 7919)]],
    },
    {
      label: "string 100 B",
      keys: n(50_000),
      build: (key, i) => [["SET", key, value(i, 100)]],
    },
    {
      label: "string 1000 B",
      keys: n(20_000),
      build: (key, i) => [["SET", key, value(i, 1000)]],
    },
    {
      label: "string 10 KB (APPEND)",
      keys: n(2_000),
      build: (key, i) => [
        ["SET", key, value(i, 5000)],
        ["APPEND", key, value(i, 5000)],
      ],
    },
    {
      label: "list 10 x 16 B",
      keys: n(20_000),
      build: (key) => [["RPUSH", key, ...elements(10, 16, false)]],
    },
    {
      label: "list 100 x 16 B",
      keys: n(2_000),
      build: (key) => batched("RPUSH", key, 100, (j) => [member(j, 16)]),
    },
    {
      label: "list 1000 x 16 B",
      keys: n(200),
      build: (key) => batched("RPUSH", key, 1000, (j) => [member(j, 16)]),
    },
    {
      label: "hash 10 x 16 B",
      keys: n(20_000),
      build: (key) => [["HSET", key, ...elements(10, 16, true)]],
    },
    {
      label: "hash 100 x 16 B",
      keys: n(2_000),
      build: (key) =>
        batched("HSET", key, 100, (j) => [member(j, 16), value(j, 16)]),
    },
    {
      label: "hash 1000 x 16 B",
      keys: n(200),
      build: (key) =>
        batched("HSET", key, 1000, (j) => [member(j, 16), value(j, 16)]),
    },
    {
      label: "set 10 integers",
      keys: n(20_000),
      build: (key, i) => [[
        "SADD",
        key,
        ...Array.from({ length: 10 }, (_, j) => String(i * 10 + j)),
      ]],
    },
    {
      label: "set 10 x 16 B",
      keys: n(20_000),
      build: (key) => [["SADD", key, ...elements(10, 16, false)]],
    },
    {
      label: "set 100 x 16 B",
      keys: n(2_000),
      build: (key) => batched("SADD", key, 100, (j) => [member(j, 16)]),
    },
    {
      label: "set 1000 x 16 B",
      keys: n(200),
      build: (key) => batched("SADD", key, 1000, (j) => [member(j, 16)]),
    },
    {
      label: "zset 10 x 16 B",
      keys: n(20_000),
      build: (key) => [[
        "ZADD",
        key,
        ...Array.from({ length: 10 }, (_, j) => [String(j), member(j, 16)])
          .flat(),
      ]],
    },
    {
      label: "zset 100 x 16 B",
      keys: n(2_000),
      build: (key) =>
        batched("ZADD", key, 100, (j) => [String(j * 1.5), member(j, 16)]),
    },
    {
      label: "zset 1000 x 16 B",
      keys: n(200),
      build: (key) =>
        batched("ZADD", key, 1000, (j) => [String(j * 1.5), member(j, 16)]),
    },
    {
      label: "stream 10 x 1 field",
      keys: n(10_000),
      build: (key) =>
        Array.from({ length: 10 }, (_, j) => [
          "XADD",
          key,
          "*",
          "field",
          value(j, 16),
        ]),
    },
    {
      label: "stream 1000 x 1 field",
      keys: n(100),
      build: (key) =>
        Array.from({ length: 1000 }, (_, j) => [
          "XADD",
          key,
          "*",
          "field",
          value(j, 16),
        ]),
    },
    {
      label: "string 16 B, 40 B key",
      keys: n(100_000),
      build: (key, i) => [[
        "SET",
        `${key}:`.padEnd(40, "k"),
        value(i, 16),
      ]],
    },
    {
      label: "string 16 B with TTL",
      keys: n(100_000),
      build: (key, i) => [["SET", key, value(i, 16), "EX", "10000"]],
    },
  ];
}

const encoder = new TextEncoder();

/** `commands` as RESP multibulk requests. */
function encode(commands: string[][]): Uint8Array {
  let text = "";
  for (const args of commands) {
    text += `*${args.length}\r\n`;
    for (const arg of args) text += `$${arg.length}\r\n${arg}\r\n`;
  }
  return encoder.encode(text);
}

const collect = (globalThis as { gc?: () => void }).gc;

/** Heap plus off-heap buffers, after a full collection. */
function liveBytes(): number {
  collect!();
  collect!();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** What one shape measured, per key. */
export interface Measured {
  readonly label: string;
  readonly keys: number;
  readonly actual: number;
  readonly estimated: number;
}

function measure(shape: Shape): Measured {
  const { server, dispatcher, client } = inProcessServer();
  const decoder = new RespDecoder({
    maxBulkLength: 512 * 1024 * 1024,
    maxQueryBuffer: 1024 * 1024 * 1024,
    authRequired: false,
  });
  const sink = (args: Uint8Array[]) => {
    dispatcher.receive(client, args);
    client.reply.take();
  };
  const db = server.keyspace.databases[0];
  const before = liveBytes();
  const estimatedBefore = db.bytes;
  const chunk: string[][] = [];
  for (let i = 0; i < shape.keys; i++) {
    chunk.push(...shape.build(`key:${i}`, i));
    if (chunk.length >= 200 || i === shape.keys - 1) {
      decoder.feed(encode(chunk), sink);
      chunk.length = 0;
    }
  }
  if (db.size !== shape.keys) {
    throw new Error(`${shape.label}: ${db.size} keys, ${shape.keys} expected`);
  }
  const actual = (liveBytes() - before) / shape.keys;
  const estimated = (db.bytes - estimatedBefore) / shape.keys;
  // Keeps the dataset reachable until after the measurement.
  if (server.keyspace.databases[0].size === 0) throw new Error("lost keys");
  return { label: shape.label, keys: shape.keys, actual, estimated };
}

if (import.meta.main) {
  if (collect === undefined) {
    console.error("run with --v8-flags=--expose-gc");
    Deno.exit(2);
  }
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      scale: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
    },
  });
  const measured = shapes(Number(values.scale)).map(measure);
  if (values.json) {
    console.log(JSON.stringify(measured));
    Deno.exit(0);
  }
  const rows: string[][] = [];
  for (const m of measured) {
    rows.push([
      m.label,
      String(m.keys),
      m.actual.toFixed(0),
      m.estimated.toFixed(0),
      (m.estimated / m.actual).toFixed(2),
    ]);
  }
  console.log(formatColumns(
    ["value", "keys", "heap B/key", "estimate B/key", "ratio"],
    rows,
  ));
}
