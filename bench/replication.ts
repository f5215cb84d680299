/**
 * Replication benchmark, every pairing of ours and Redis as master and
 * replica: the time a full synchronisation of an RDB file's keys takes
 * (from REPLICAOF on the replica to its `master_link_status:up`), and the
 * replica's lag after `redis-benchmark -t set -P 16` against the master
 * (from the end of the load until the replica's offset reaches the
 * master's). Run it with `deno task bench --suite replication`.
 *
 * @module
 */

import { type BenchServer, type ServerKind, startServer } from "./servers.ts";
import { writePopulatedRdb } from "./persistence.ts";
import type { RespClient } from "../tests/helpers/resp_client.ts";

/** The figures of one master/replica pairing. */
export interface ReplicationResult {
  readonly master: ServerKind;
  readonly replica: ServerKind;
  /** Seconds from REPLICAOF to master_link_status:up. */
  readonly fullSyncSeconds: number;
  /** Seconds from the end of the SET load to equal offsets. */
  readonly lagSeconds: number;
  /** SET requests per second the master took during the load. */
  readonly setsPerSecond: number;
}

async function infoField(client: RespClient, name: string): Promise<string> {
  const text = String(await client.call("INFO", "replication"));
  return new RegExp(`^${name}:(.*)\r$`, "m").exec(text)?.[1] ?? "";
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!await condition()) await new Promise((r) => setTimeout(r, 10));
}

/** redis-benchmark SETs, pipelined 16 deep; returns requests per second. */
async function loadSets(port: number, requests: number): Promise<number> {
  const output = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-t",
      "set",
      "-n",
      String(requests),
      "-P",
      "16",
      "-r",
      "1000000",
      "-q",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const match = /SET: ([\d.]+) requests per second/.exec(
    text.split("\r").at(-1) ?? text,
  ) ?? /SET: ([\d.]+) requests per second/.exec(text);
  return match ? Number(match[1]) : NaN;
}

async function measurePairing(
  master: ServerKind,
  replica: ServerKind,
  rdbFile: string,
  keys: number,
  requests: number,
): Promise<ReplicationResult> {
  const dir = await Deno.makeTempDir({ prefix: "bench-replication-" });
  const servers: BenchServer[] = [];
  const clients: RespClient[] = [];
  try {
    await Deno.mkdir(`${dir}/master`);
    await Deno.mkdir(`${dir}/replica`);
    await Deno.copyFile(rdbFile, `${dir}/master/dump.rdb`);
    const masterServer = await startServer(master, [
      "--dir",
      `${dir}/master`,
      "--save",
      "",
      "--repl-diskless-sync-delay",
      "0",
    ]);
    servers.push(masterServer);
    const replicaServer = await startServer(replica, [
      "--dir",
      `${dir}/replica`,
      "--save",
      "",
    ]);
    servers.push(replicaServer);
    const m = await masterServer.connect();
    clients.push(m);
    const r = await replicaServer.connect();
    clients.push(r);
    await until(async () => await m.call("DBSIZE") === keys);
    const began = performance.now();
    await r.call("REPLICAOF", "127.0.0.1", String(masterServer.port));
    await until(async () =>
      await infoField(r, "master_link_status") === "up" &&
      await r.call("DBSIZE") === keys
    );
    const fullSyncSeconds = (performance.now() - began) / 1000;
    const setsPerSecond = await loadSets(masterServer.port, requests);
    const loadEnded = performance.now();
    const target = await infoField(m, "master_repl_offset");
    await until(async () =>
      Number(await infoField(r, "master_repl_offset")) >= Number(target)
    );
    const lagSeconds = (performance.now() - loadEnded) / 1000;
    return { master, replica, fullSyncSeconds, lagSeconds, setsPerSecond };
  } finally {
    for (const client of clients) client.close();
    await Promise.all(servers.map((s) => s.stop()));
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs the replication benchmark: `keys` keys (made by Redis's DEBUG
 * POPULATE, so every pairing syncs the same file) and `requests` SETs.
 */
export async function runReplicationBench(
  keys = 1_000_000,
  requests = 1_000_000,
): Promise<ReplicationResult[]> {
  const dir = await Deno.makeTempDir({ prefix: "bench-replication-rdb-" });
  try {
    await writePopulatedRdb(dir, keys);
    const results: ReplicationResult[] = [];
    const kinds: ServerKind[] = ["redis", "ours"];
    for (const master of kinds) {
      for (const replica of kinds) {
        results.push(
          await measurePairing(
            master,
            replica,
            `${dir}/dump.rdb`,
            keys,
            requests,
          ),
        );
      }
    }
    return results;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The results as a table. */
export function formatReplication(
  results: readonly ReplicationResult[],
): string {
  const lines = [
    "master  replica  full sync (s)  SET -P 16 (req/s)  lag after load (s)",
  ];
  for (const r of results) {
    lines.push(
      `${r.master.padEnd(8)}${r.replica.padEnd(9)}${
        r.fullSyncSeconds.toFixed(2).padStart(13)
      }${r.setsPerSecond.toFixed(0).padStart(19)}${
        r.lagSeconds.toFixed(2).padStart(20)
      }`,
    );
  }
  return lines.join("\n");
}
