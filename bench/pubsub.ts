/**
 * Pub/Sub and transaction benchmark, ours against Redis: PUBLISH throughput
 * with 1, 10 and 100 subscribers reading every message, and MULTI/EXEC
 * transactions of 10 SETs. redis-benchmark cannot keep subscribers reading
 * or queue a transaction, so this drives raw connections itself.
 *
 * Run with `deno run -A bench/pubsub.ts [publishes] [transactions]`. The
 * redis-benchmark harness (`deno task bench --suite pubsub`) only measures
 * PUBLISH without subscribers.
 *
 * @module
 */

import { encodeCommand } from "../tests/helpers/resp_client.ts";
import type { BenchSuite } from "./suite.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
  type TestServer,
} from "../tests/helpers/servers.ts";

/** What redis-benchmark can measure: the cost of PUBLISH itself. */
export const PUBSUB_SUITE: BenchSuite = {
  name: "pubsub",
  cases: [
    {
      label: "PUBLISH (no subscribers)",
      args: ["PUBLISH", "bench:channel", "hello"],
    },
  ],
};

/** Requests written before waiting for their replies. */
const WINDOW = 64;
/** Connections running transactions at the same time. */
const TX_CONNECTIONS = 10;

function connect(server: TestServer): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port: server.port });
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    offset += await conn.write(data.subarray(offset));
  }
}

/** Reads and drops exactly `bytes` bytes. */
async function readBytes(conn: Deno.Conn, bytes: number): Promise<void> {
  const buffer = new Uint8Array(256 * 1024);
  let left = bytes;
  while (left > 0) {
    const n = await conn.read(
      buffer.subarray(0, Math.min(buffer.length, left)),
    );
    if (n === null) throw new Error("connection closed");
    left -= n;
  }
}

function repeat(command: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(command.length * times);
  for (let i = 0; i < times; i++) out.set(command, i * command.length);
  return out;
}

/**
 * Publishes `total` messages to a channel with `subscribers` RESP2
 * subscribers and returns publishes per second, counted until every
 * subscriber has received every message.
 */
async function publishRate(
  server: TestServer,
  subscribers: number,
  total: number,
): Promise<number> {
  const channel = "bench";
  const message = "m".repeat(32);
  const subs: Deno.TcpConn[] = [];
  const confirm = `*3\r\n$9\r\nsubscribe\r\n$5\r\n${channel}\r\n:1\r\n`.length;
  for (let i = 0; i < subscribers; i++) {
    const conn = await connect(server);
    await writeAll(conn, encodeCommand(["SUBSCRIBE", channel]));
    await readBytes(conn, confirm);
    subs.push(conn);
  }
  const frame =
    `*3\r\n$7\r\nmessage\r\n$5\r\n${channel}\r\n$32\r\n${message}\r\n`.length;
  const publisher = await connect(server);
  const batch = repeat(encodeCommand(["PUBLISH", channel, message]), WINDOW);
  const replyBytes = `:${subscribers}\r\n`.length * WINDOW;
  const rounds = Math.ceil(total / WINDOW);
  try {
    const start = performance.now();
    const received = subs.map((s) => readBytes(s, frame * rounds * WINDOW));
    for (let i = 0; i < rounds; i++) {
      await writeAll(publisher, batch);
      await readBytes(publisher, replyBytes);
    }
    await Promise.all(received);
    return rounds * WINDOW / ((performance.now() - start) / 1000);
  } finally {
    publisher.close();
    for (const s of subs) s.close();
  }
}

/**
 * Runs `total` MULTI / 10 × SET / EXEC transactions over several
 * connections and returns transactions per second.
 */
async function transactionRate(
  server: TestServer,
  total: number,
): Promise<number> {
  const parts = [encodeCommand(["MULTI"])];
  for (let i = 0; i < 10; i++) {
    parts.push(encodeCommand(["SET", `tx:${i}`, "value"]));
  }
  parts.push(encodeCommand(["EXEC"]));
  const one = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    one.set(p, at);
    at += p.length;
  }
  const perTx = 16;
  const batch = repeat(one, perTx);
  const replyBytes = ("+OK\r\n".length + 10 * "+QUEUED\r\n".length +
    "*10\r\n".length + 10 * "+OK\r\n".length) * perTx;
  const rounds = Math.ceil(total / (perTx * TX_CONNECTIONS));
  const conns: Deno.TcpConn[] = [];
  for (let i = 0; i < TX_CONNECTIONS; i++) conns.push(await connect(server));
  try {
    const start = performance.now();
    await Promise.all(conns.map(async (conn) => {
      for (let i = 0; i < rounds; i++) {
        await writeAll(conn, batch);
        await readBytes(conn, replyBytes);
      }
    }));
    const done = rounds * perTx * TX_CONNECTIONS;
    return done / ((performance.now() - start) / 1000);
  } finally {
    for (const c of conns) c.close();
  }
}

async function measure(
  start: () => Promise<TestServer>,
  publishes: number,
  transactions: number,
): Promise<Map<string, number>> {
  const server = await start();
  const results = new Map<string, number>();
  try {
    for (const n of [1, 10, 100]) {
      results.set(
        `PUBLISH, ${n} subscriber${n > 1 ? "s" : ""} (publishes/s)`,
        await publishRate(server, n, n === 100 ? publishes / 4 : publishes),
      );
    }
    results.set(
      "MULTI + 10 SET + EXEC (transactions/s)",
      await transactionRate(server, transactions),
    );
  } finally {
    await server.stop();
  }
  return results;
}

if (import.meta.main) {
  const publishes = Number(Deno.args[0] ?? 50_000);
  const transactions = Number(Deno.args[1] ?? 20_000);
  const flags = ["--save", "", "--appendonly", "no"];
  const ours = await measure(
    () => startOurServer(flags),
    publishes,
    transactions,
  );
  const redis = hasRedisServer()
    ? await measure(() => startRedisServer(), publishes, transactions)
    : null;
  for (const [label, rate] of ours) {
    const theirs = redis?.get(label);
    const ratio = theirs === undefined
      ? ""
      : `  ratio ${(rate / theirs).toFixed(2)}`;
    console.log(
      `${label.padEnd(42)} ours ${rate.toFixed(0).padStart(8)}  redis ${
        theirs === undefined ? "-" : theirs.toFixed(0).padStart(8)
      }${ratio}`,
    );
  }
}
