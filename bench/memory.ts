/**
 * Memory per key, ours against Redis: loads `key:0` ... `key:<N-1>` with
 * 16-byte values into a fresh server of each kind, checks with DBSIZE that
 * the server holds exactly N keys, and reports the growth of the process's
 * resident set (VmRSS in /proc/<pid>/status) per key: read after a short
 * idle before the load, then 2 seconds after it and once more after a
 * minute idle. Run it with `deno task bench --suite memory
 * [--memory-keys N]`.
 *
 * RSS is what the machine pays, allocator slack and (for ours) garbage the
 * collector has not returned yet included; it is read the same way for both
 * servers. The second reading is the one a server keeps: V8 compacts the
 * heap of an idle process (its memory reducer, at the earliest 30 seconds
 * after start and some seconds after the allocation stops), as jemalloc
 * returns dirty pages after a while.
 *
 * @module
 */

import { formatColumns } from "./table.ts";
import { residentBytes, type ServerKind, startServer } from "./servers.ts";

/** Bytes of every value, as in `redis-benchmark -d 16`. */
export const VALUE_SIZE = 16;
/** SETs written before their replies are read. */
const BATCH = 1000;
/** Idle time before the first RSS readings, letting the server settle. */
const SETTLE_MS = 2000;
/** Idle time after the load before the second reading. */
const IDLE_MS = 60_000;

/** What the memory measurement found for one server. */
export interface MemoryResult {
  /** Which server. */
  readonly kind: ServerKind;
  /** DBSIZE after the load. */
  readonly keys: number;
  /** VmRSS before the load, in bytes. */
  readonly rssBefore: number;
  /** VmRSS 2 seconds after the load, in bytes. */
  readonly rssAfter: number;
  /** VmRSS after a minute idle, in bytes. */
  readonly rssIdle: number;
  /** SETs per second while loading (pipelined, one connection). */
  readonly loadRate: number;
}

const encoder = new TextEncoder();

/** `SET key:<i> <16-byte value>` for i in [from, to), as one RESP buffer. */
function setBatch(from: number, to: number): Uint8Array {
  let text = "";
  for (let i = from; i < to; i++) {
    const key = `key:${i}`;
    const value = `v${String(i).padStart(VALUE_SIZE - 1, "0")}`;
    text +=
      `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${VALUE_SIZE}\r\n${value}\r\n`;
  }
  return encoder.encode(text);
}

/** Reads `count` replies, each of which must be `+OK`. */
async function readOks(conn: Deno.Conn, count: number): Promise<void> {
  const expected = 5 * count; // "+OK\r\n"
  const buffer = new Uint8Array(expected);
  let got = 0;
  while (got < expected) {
    const n = await conn.read(buffer.subarray(got));
    if (n === null) throw new Error("connection closed during the load");
    got += n;
  }
  for (let i = 0; i < expected; i += 5) {
    if (buffer[i] !== 43 || buffer[i + 1] !== 79) { // "+O"
      const text = new TextDecoder().decode(buffer.subarray(i, i + 80));
      throw new Error(`unexpected reply to SET: ${text}`);
    }
  }
}

/** Loads `keys` keys over one pipelined connection; returns SETs/s. */
async function load(port: number, keys: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const began = performance.now();
    for (let i = 0; i < keys; i += BATCH) {
      const end = Math.min(keys, i + BATCH);
      const data = setBatch(i, end);
      for (let sent = 0; sent < data.length;) {
        sent += await conn.write(data.subarray(sent));
      }
      await readOks(conn, end - i);
    }
    return keys / ((performance.now() - began) / 1000);
  } finally {
    conn.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Measures RSS growth per key on a fresh server of `kind`. */
export async function measureMemory(
  kind: ServerKind,
  keys: number,
): Promise<MemoryResult> {
  const server = await startServer(kind);
  try {
    await sleep(SETTLE_MS);
    const rssBefore = await residentBytes(server.pid);
    const loadRate = await load(server.port, keys);
    const client = await server.connect();
    let dbsize;
    try {
      dbsize = Number(await client.call("DBSIZE"));
    } finally {
      client.close();
    }
    if (dbsize !== keys) {
      throw new Error(`${kind}: DBSIZE is ${dbsize} after loading ${keys}`);
    }
    await sleep(SETTLE_MS);
    const rssAfter = await residentBytes(server.pid);
    await sleep(IDLE_MS - SETTLE_MS);
    const rssIdle = await residentBytes(server.pid);
    return { kind, keys: dbsize, rssBefore, rssAfter, rssIdle, loadRate };
  } finally {
    await server.stop();
  }
}

/** RSS growth per key 2 seconds after the load, in bytes. */
export function bytesPerKey(r: MemoryResult): number {
  return (r.rssAfter - r.rssBefore) / r.keys;
}

/** RSS growth per key after a minute idle, in bytes. */
export function idleBytesPerKey(r: MemoryResult): number {
  return (r.rssIdle - r.rssBefore) / r.keys;
}

/** The memory results as a table, with the ratio ours/redis. */
export function formatMemory(results: readonly MemoryResult[]): string {
  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  const header = [
    "server",
    "keys",
    "RSS before",
    "RSS after",
    "B/key",
    "RSS idle 1 min",
    "B/key idle",
    "SET/s",
  ];
  const rows = results.map((r) => [
    r.kind,
    String(r.keys),
    `${mb(r.rssBefore)} MB`,
    `${mb(r.rssAfter)} MB`,
    bytesPerKey(r).toFixed(1),
    `${mb(r.rssIdle)} MB`,
    idleBytesPerKey(r).toFixed(1),
    r.loadRate.toFixed(0),
  ]);
  const lines = [formatColumns(header, rows)];
  const ours = results.find((r) => r.kind === "ours");
  const redis = results.find((r) => r.kind === "redis");
  if (ours && redis) {
    lines.push(
      `ours/redis bytes per key: ${
        (bytesPerKey(ours) / bytesPerKey(redis)).toFixed(2)
      } after the load, ${
        (idleBytesPerKey(ours) / idleBytesPerKey(redis)).toFixed(2)
      } after a minute idle`,
    );
  }
  return lines.join("\n");
}
