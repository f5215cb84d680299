/**
 * `deno run -A bench/stream_memory.ts [entries]`: memory per stream entry.
 * Adds `entries` (default 1,000,000) entries of two small fields to one
 * stream on our server and on redis-server, and reports the growth of
 * INFO's used_memory (ours counts the JavaScript heap and buffers) and of
 * used_memory_rss, per entry.
 *
 * @module
 */

import {
  encodeCommand,
  type RespClient,
} from "../tests/helpers/resp_client.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
  type TestServer,
} from "../tests/helpers/servers.ts";

/** Commands per pipelined batch. */
const BATCH = 1000;

async function memory(client: RespClient): Promise<[number, number]> {
  const info = await client.call("INFO", "memory") as string;
  const field = (name: string) =>
    Number(info.match(new RegExp(`^${name}:(\\d+)`, "m"))?.[1]);
  return [field("used_memory"), field("used_memory_rss")];
}

/** Adds `count` entries with explicit IDs, pipelined. */
async function fill(client: RespClient, count: number): Promise<void> {
  for (let i = 0; i < count; i += BATCH) {
    const parts: Uint8Array[] = [];
    const n = Math.min(BATCH, count - i);
    for (let j = 0; j < n; j++) {
      const k = i + j + 1;
      parts.push(
        encodeCommand([
          "XADD",
          "mem",
          `${k}-0`,
          "temp",
          `${k % 100}`,
          "unit",
          "c",
        ]),
      );
    }
    let total = 0;
    for (const p of parts) total += p.length;
    const joined = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) {
      joined.set(p, pos);
      pos += p.length;
    }
    await client.write(joined);
    for (let j = 0; j < n; j++) await client.readRaw();
  }
}

async function measure(
  name: string,
  start: () => Promise<TestServer>,
  count: number,
): Promise<void> {
  const server = await start();
  const client = await server.connect();
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const [usedBefore, rssBefore] = await memory(client);
    const started = performance.now();
    await fill(client, count);
    const seconds = (performance.now() - started) / 1000;
    // Let the server settle (our heap figure includes uncollected garbage).
    await new Promise((r) => setTimeout(r, 3000));
    const [usedAfter, rssAfter] = await memory(client);
    const length = await client.call("XLEN", "mem");
    console.log(
      `${name.padEnd(6)} entries ${length}  used_memory +${
        ((usedAfter - usedBefore) / count).toFixed(1)
      } B/entry  rss +${((rssAfter - rssBefore) / count).toFixed(1)} B/entry` +
        `  fill ${(count / seconds).toFixed(0)} XADD/s (pipelined)`,
    );
  } finally {
    client.close();
    await server.stop();
  }
}

const count = Number(Deno.args[0] ?? 1_000_000);
await measure("ours", () => startOurServer(["--save", ""]), count);
if (hasRedisServer()) await measure("redis", () => startRedisServer(), count);
else console.log("redis-server not found: no reference figures");
