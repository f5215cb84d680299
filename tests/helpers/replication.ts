/**
 * Replication end-to-end helpers: starts masters and replicas (ours or
 * Debian's redis-server), waits for links and offsets, sends pipelined
 * command streams over a raw socket, and compares whole datasets the way
 * Redis's own replication tests do (DEBUG DIGEST, DEBUG DIGEST-VALUE per
 * key, expiry times, stream consumer groups, function libraries).
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseReply, type Reply, RespError } from "./resp_client.ts";
import type { RespClient } from "./resp_client.ts";
import { startServer, type TestServer } from "./servers.ts";

/** Which implementation a node runs. */
export type Kind = "ours" | "redis";

/** A started server with a connected client. */
export interface Node {
  /** Ours or redis-server. */
  readonly kind: Kind;
  /** A short name for messages ("ours:1234"). */
  readonly name: string;
  /** The process. */
  readonly server: TestServer;
  /** A connected client for the test's own commands. */
  readonly client: RespClient;
  /** Its listening port. */
  readonly port: number;
}

/** File, in the server's directory, that it logs to. */
const LOG_FILE = "server.log";

/**
 * Starts a node for replication tests: debug commands on, no snapshots,
 * no diskless-sync delay, logging to a file the test can read while it runs.
 */
export async function startNode(
  kind: Kind,
  flags: readonly string[] = [],
): Promise<Node> {
  const server = await startServer({
    oracle: kind === "redis",
    flags: [
      "--enable-debug-command",
      "yes",
      "--save",
      "",
      "--appendonly",
      "no",
      "--repl-diskless-sync-delay",
      "0",
      "--logfile",
      LOG_FILE,
      ...flags,
    ],
  });
  try {
    const client = await server.connect();
    return {
      kind,
      name: `${kind}:${server.port}`,
      server,
      client,
      port: server.port,
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Closes the nodes' clients and stops them by pid, whatever happens. */
export async function stopNodes(nodes: readonly (Node | undefined)[]) {
  for (const node of nodes) node?.client.close();
  await Promise.all(nodes.map((node) => node?.server.stop()));
}

/** The node's log so far. */
export async function logOf(node: Node): Promise<string> {
  try {
    return await Deno.readTextFile(`${node.server.dir}/${LOG_FILE}`);
  } catch {
    return "";
  }
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls a command and fails on an error reply. */
export async function must(
  client: RespClient,
  ...args: (string | Uint8Array)[]
): Promise<Reply> {
  const reply = await client.call(...args);
  if (reply instanceof RespError) {
    throw new Error(`${args.join(" ")}: ${reply.message}`);
  }
  return reply;
}

/** INFO `section` as a field map. */
export async function info(
  node: Node,
  section = "replication",
): Promise<Record<string, string>> {
  const text = String(await must(node.client, "INFO", section));
  const fields: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) {
      fields[line.slice(0, colon)] = line.slice(colon + 1);
    }
  }
  return fields;
}

/** An INFO field as a number. */
export async function infoNumber(
  node: Node,
  field: string,
  section = "replication",
): Promise<number> {
  const value = (await info(node, section))[field];
  if (value === undefined) throw new Error(`${node.name}: no INFO ${field}`);
  return Number(value);
}

/** Polls `check` every 20 ms until it returns true or `ms` passes. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  ms = 15_000,
  describe: () => Promise<string> = () => Promise.resolve(""),
): Promise<void> {
  const deadline = Date.now() + ms;
  while (true) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}. ${await describe()}`);
    }
    await sleep(20);
  }
}

/** One field of INFO (every section) on `client`, "" when absent. */
export async function infoField(
  client: RespClient,
  name: string,
): Promise<string> {
  const text = String(await client.call("INFO", "all"));
  return new RegExp(`^${name}:(.*)\r$`, "m").exec(text)?.[1] ?? "";
}

/**
 * Starts a master (Redis's if `masterOracle`) with a replica per entry of
 * `replicaOracles` (Redis's where true), and waits until all are online.
 * Returns the master first; on failure every server is stopped.
 */
export async function startReplicated(
  masterOracle: boolean,
  replicaOracles: readonly boolean[],
): Promise<TestServer[]> {
  const servers: TestServer[] = [];
  try {
    const master = await startServer({
      oracle: masterOracle,
      flags: ["--repl-diskless-sync-delay", "0", "--save", ""],
    });
    servers.push(master);
    for (const oracle of replicaOracles) {
      servers.push(
        await startServer({
          oracle,
          flags: [
            "--replicaof",
            "127.0.0.1",
            String(master.port),
            "--save",
            "",
          ],
        }),
      );
    }
    const client = await master.connect();
    try {
      await waitFor("replicas online", async () => {
        const text = String(await client.call("INFO", "replication"));
        return (text.match(/state=online/g) ?? []).length ===
          replicaOracles.length;
      });
    } finally {
      client.close();
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

/** Makes `replica` a replica of `master` (REPLICAOF). */
export async function replicaOf(replica: Node, master: Node): Promise<void> {
  const reply = await must(
    replica.client,
    "REPLICAOF",
    "127.0.0.1",
    String(master.port),
  );
  assert.equal(reply, "OK");
}

async function replicationState(nodes: readonly Node[]): Promise<string> {
  const parts: string[] = [];
  for (const node of nodes) {
    try {
      const fields = await info(node);
      parts.push(
        `${node.name}: ${
          Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")
        }`,
      );
    } catch (error) {
      parts.push(`${node.name}: ${error}`);
    }
  }
  return parts.join("\n");
}

/**
 * Waits until every replica's link is up and its master_repl_offset equals
 * the master's; with `acked`, also until the master saw each replica
 * acknowledge that offset (INFO's slaveN offset). Returns the offset.
 */
export async function waitInSync(
  master: Node,
  replicas: readonly Node[],
  options: { acked?: boolean; ms?: number } = {},
): Promise<number> {
  let offset = -1;
  await waitFor(
    `${replicas.map((r) => r.name).join(", ")} in sync with ${master.name}`,
    async () => {
      const top = await info(master);
      offset = Number(top.master_repl_offset);
      for (const replica of replicas) {
        const fields = await info(replica);
        if (fields.master_link_status !== "up") return false;
        if (Number(fields.master_repl_offset) !== offset) return false;
      }
      if (options.acked) {
        const acks = Object.entries(top)
          .filter(([k]) => /^slave\d+$/.test(k))
          .map(([, v]) => Number(/offset=(\d+)/.exec(v)?.[1] ?? -1));
        const online = Object.entries(top)
          .filter(([k, v]) => /^slave\d+$/.test(k) && v.includes("online"))
          .length;
        if (online < replicas.length) return false;
        if (acks.some((ack) => ack !== offset)) return false;
      }
      return true;
    },
    options.ms ?? 20_000,
    () => replicationState([master, ...replicas]),
  );
  return offset;
}

/** Result of a pipelined run: how many replies and the error replies. */
export interface PipelineResult {
  replies: number;
  errors: string[];
}

/**
 * Encodes commands (binary strings: one char per byte) as RESP arrays into
 * one buffer; much faster than encoding them one by one.
 */
function encodeCommands(commands: readonly (readonly string[])[]): Uint8Array {
  let buf = new Uint8Array(1 << 16);
  let pos = 0;
  const put = (s: string) => {
    if (pos + s.length > buf.length) {
      let size = buf.length * 2;
      while (size < pos + s.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(buf.subarray(0, pos));
      buf = grown;
    }
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  };
  for (const command of commands) {
    put(`*${command.length}\r\n`);
    for (const arg of command) {
      put(`$${arg.length}\r\n`);
      put(arg);
      put("\r\n");
    }
  }
  return buf.subarray(0, pos);
}

/**
 * Sends `commands` (binary strings) on a new connection to `port` as one
 * pipelined stream, all written before the replies are needed, and reads
 * one reply per command, concurrently so that neither side stalls; the
 * replies are pushed onto `keep` if given.
 */
export async function pipeline(
  port: number,
  commands: readonly (readonly string[])[],
  keep?: Reply[],
): Promise<PipelineResult> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const errors: string[] = [];
  let replies = 0;
  try {
    const writing = (async () => {
      const batch = 2000;
      for (let i = 0; i < commands.length; i += batch) {
        const bytes = encodeCommands(commands.slice(i, i + batch));
        let written = 0;
        while (written < bytes.length) {
          written += await conn.write(bytes.subarray(written));
        }
      }
    })();
    const reading = (async () => {
      let pending = new Uint8Array(0);
      const buffer = new Uint8Array(256 * 1024);
      while (replies < commands.length) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error("connection closed by the server");
        const joined = new Uint8Array(pending.length + n);
        joined.set(pending);
        joined.set(buffer.subarray(0, n), pending.length);
        let pos = 0;
        while (true) {
          const parsed = parseReply(joined, pos);
          if (parsed === null) break;
          if (parsed[0] instanceof RespError) errors.push(parsed[0].message);
          keep?.push(parsed[0]);
          pos = parsed[1];
          replies++;
        }
        pending = joined.slice(pos);
      }
    })();
    await Promise.all([writing, reading]);
  } finally {
    conn.close();
  }
  return { replies, errors };
}

/** What one key holds, as compared between master and replica. */
export interface KeyReport {
  type: string;
  digest: string;
  pexpiretime: number;
  /** XINFO STREAM FULL without what replicas do not copy. */
  stream?: unknown;
}

/** A dataset as compared between master and replica. */
export interface DatasetReport {
  digest: string;
  /** Per database index with keys, per key. */
  databases: Record<number, Record<string, KeyReport>>;
  /** FUNCTION LIST, as a sorted list of library names and codes. */
  functions: string[];
}

/**
 * Fields of XINFO STREAM FULL left out of comparisons. Replicas do not copy
 * them in Redis 7.0: a consumer's seen-time is the local clock's, and a
 * group's entries-read (so its lag) is not propagated by XREADGROUP's
 * XCLAIMs.
 */
const UNCOMPARED_STREAM_FIELDS = new Set([
  "seen-time",
  "entries-read",
  "lag",
]);

function comparable(reply: Reply): unknown {
  if (!Array.isArray(reply)) return reply;
  const out: unknown[] = [];
  for (let i = 0; i < reply.length; i++) {
    if (
      typeof reply[i] === "string" &&
      UNCOMPARED_STREAM_FIELDS.has(reply[i] as string)
    ) {
      i++;
      continue;
    }
    out.push(comparable(reply[i]));
  }
  return out;
}

/** Sends `commands` pipelined on a new connection and returns the replies. */
async function callAll(
  node: Node,
  commands: readonly (readonly string[])[],
): Promise<Reply[]> {
  const replies: Reply[] = [];
  await pipeline(node.port, commands, replies);
  return replies;
}

/** Reports the dataset of `node`. */
export async function datasetReport(node: Node): Promise<DatasetReport> {
  const client = node.client;
  const digest = String(await must(client, "DEBUG", "DIGEST"));
  const keyspace = await info(node, "keyspace");
  const databases: DatasetReport["databases"] = {};
  for (const name of Object.keys(keyspace)) {
    const db = String(Number(name.slice(2)));
    const [, keyList] = await callAll(node, [["SELECT", db], ["KEYS", "*"]]);
    const keys = (keyList as string[]).sort();
    if (keys.length === 0) continue;
    const replies = await callAll(node, [
      ["SELECT", db],
      ["DEBUG", "DIGEST-VALUE", ...keys],
      ...keys.map((k) => ["TYPE", k]),
      ...keys.map((k) => ["PEXPIRETIME", k]),
    ]);
    const digests = replies[1] as string[];
    const types = replies.slice(2, 2 + keys.length);
    const ttls = replies.slice(2 + keys.length);
    const streams = keys.filter((_, i) => types[i] === "stream");
    const infos = (await callAll(node, [
      ["SELECT", db],
      ...streams.map((k) => ["XINFO", "STREAM", k, "FULL", "COUNT", "0"]),
    ])).slice(1);
    const report: Record<string, KeyReport> = {};
    keys.forEach((key, i) => {
      report[key] = {
        type: String(types[i]),
        digest: digests[i],
        pexpiretime: Number(ttls[i]),
      };
    });
    streams.forEach((key, i) => {
      report[key].stream = comparable(infos[i]);
    });
    databases[Number(db)] = report;
  }
  const list = await must(client, "FUNCTION", "LIST", "WITHCODE") as Reply[][];
  // Redis lists a library's functions in its hash table's order.
  const functions = list.map((library) => {
    const i = library.indexOf("functions");
    const sorted = [...library];
    sorted[i + 1] = (library[i + 1] as Reply[][]).map((f) => JSON.stringify(f))
      .sort();
    return JSON.stringify(sorted);
  }).sort();
  return { digest, databases, functions };
}

/** Where two texts first differ, with some context. */
function firstDifference(a = "(none)", b = "(none)"): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 120);
  return `...${a.slice(from, i + 120)} != ...${b.slice(from, i + 120)}`;
}

/** The keys whose reports differ, for a short failure message. */
function differences(a: DatasetReport, b: DatasetReport): string[] {
  const out: string[] = [];
  if (a.digest !== b.digest) out.push(`digest ${a.digest} != ${b.digest}`);
  const dbs = new Set([
    ...Object.keys(a.databases),
    ...Object.keys(b.databases),
  ]);
  for (const db of dbs) {
    const x = a.databases[Number(db)] ?? {};
    const y = b.databases[Number(db)] ?? {};
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const left = JSON.stringify(x[key]);
      const right = JSON.stringify(y[key]);
      if (left !== right) {
        out.push(
          `db${db} ${JSON.stringify(key)}: ${firstDifference(left, right)}`,
        );
      }
    }
  }
  if (JSON.stringify(a.functions) !== JSON.stringify(b.functions)) {
    out.push(`functions ${a.functions} != ${b.functions}`);
  }
  return out;
}

/**
 * Asserts that the replicas hold exactly the master's dataset: takes the
 * master's report at a stable offset, waits for each replica to reach that
 * offset, and compares. Keys expiring meanwhile can make one attempt
 * differ, so it tries again a few times before failing.
 */
export async function assertSameDataset(
  master: Node,
  replicas: readonly Node[],
): Promise<DatasetReport> {
  let last: string[] = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    if (attempt > 0) await sleep(200);
    const before = await infoNumber(master, "master_repl_offset");
    const expected = await datasetReport(master);
    const after = await infoNumber(master, "master_repl_offset");
    last = [`${master.name}'s offset kept moving`];
    if (before !== after) continue;
    const offset = await waitInSync(master, replicas);
    if (offset !== before) continue;
    last = [];
    for (const replica of replicas) {
      const actual = await datasetReport(replica);
      for (const difference of differences(expected, actual)) {
        last.push(`${master.name} vs ${replica.name}: ${difference}`);
      }
    }
    if (await infoNumber(master, "master_repl_offset") !== before) continue;
    if (last.length === 0) return expected;
  }
  throw new Error(
    `datasets differ:\n${last.slice(0, 30).join("\n")}${
      last.length > 30 ? `\n... ${last.length - 30} more` : ""
    }`,
  );
}

/** What {@linkcode withNodes} starts: a kind, and extra flags. */
export type NodeSpec = Kind | [Kind, readonly string[]];

/**
 * Starts one node per spec, runs `body` with them, and stops them all
 * whatever happens; when `body` fails, the end of each node's log is
 * printed (or all of it with REPL_TEST_LOGS=1).
 */
export async function withNodes<T>(
  specs: readonly NodeSpec[],
  body: (nodes: Node[]) => Promise<T>,
): Promise<T> {
  const nodes: Node[] = [];
  try {
    for (const spec of specs) {
      const [kind, flags] = typeof spec === "string" ? [spec, []] : spec;
      nodes.push(await startNode(kind, flags));
    }
    return await body(nodes);
  } catch (error) {
    const all = Deno.env.get("REPL_TEST_LOGS") === "1";
    for (const node of nodes) {
      const lines = (await logOf(node)).trimEnd().split("\n");
      console.error(
        `--- log of ${node.name}\n${
          (all ? lines : lines.slice(-40)).join("\n")
        }`,
      );
    }
    throw error;
  } finally {
    await stopNodes(nodes);
  }
}
