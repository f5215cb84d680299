/**
 * Replication over TLS (tls-replication yes) with Debian's redis-server on
 * the other end: our replica of a Redis master that verifies its client
 * certificate (Redis's default tls-auth-clients yes), a Redis replica of our
 * master, and ours with ours (the replica announcing its TLS port). Each
 * pairing does a full synchronisation, a stream of writes, and a partial
 * resynchronisation after the link drops, all on the master's TLS port.
 */

import assert from "node:assert/strict";
import {
  assertSameDataset,
  info,
  type Kind,
  must,
  type Node,
  pipeline,
  waitFor,
  waitInSync,
  withNodes,
} from "../helpers/replication.ts";
import { freePort, hasRedisServer } from "../helpers/servers.ts";
import {
  hasOpenssl,
  makeTlsFiles,
  tlsFileFlags,
  type TlsFiles,
} from "../helpers/tls.ts";
import { populate, Workload } from "./workload.ts";

const ready = hasRedisServer() && hasOpenssl();

/** The master's TLS listener; Redis keeps verifying client certificates. */
function masterFlags(files: TlsFiles, kind: Kind, tlsPort: number): string[] {
  return [
    "--tls-port",
    String(tlsPort),
    ...tlsFileFlags(files),
    ...(kind === "ours" ? ["--tls-auth-clients", "no"] : []),
  ];
}

/** A replica connecting over TLS, with a TLS port of its own if given. */
function replicaFlags(files: TlsFiles, kind: Kind, tlsPort = 0): string[] {
  return [
    "--tls-replication",
    "yes",
    ...tlsFileFlags(files),
    ...(tlsPort === 0 ? [] : [
      "--tls-port",
      String(tlsPort),
      ...(kind === "ours" ? ["--tls-auth-clients", "no"] : []),
    ]),
  ];
}

/** The master's CLIENT LIST line of its replica (flags=S). */
async function replicaClientLine(master: Node): Promise<string> {
  const list = String(await must(master.client, "CLIENT", "LIST"));
  return list.split("\n").find((line) => / flags=S /.test(line)) ?? "";
}

for (
  const [masterKind, replicaKind] of [
    ["redis", "ours"],
    ["ours", "redis"],
    ["ours", "ours"],
  ] as const
) {
  Deno.test({
    name:
      `replication over TLS: ${replicaKind} replica of ${masterKind} master`,
    ignore: !ready,
    async fn() {
      const files = await makeTlsFiles();
      const masterTlsPort = freePort();
      // Ours with ours: the replica has a TLS port, which it announces.
      const replicaTlsPort = masterKind === "ours" && replicaKind === "ours"
        ? freePort()
        : 0;
      try {
        await withNodes([
          [masterKind, masterFlags(files, masterKind, masterTlsPort)],
          [replicaKind, replicaFlags(files, replicaKind, replicaTlsPort)],
        ], async ([master, replica]) => {
          await populate(master);
          assert.equal(
            await must(
              replica.client,
              "REPLICAOF",
              "127.0.0.1",
              String(masterTlsPort),
            ),
            "OK",
          );
          await waitInSync(master, [replica], { acked: true });
          await assertSameDataset(master, [replica]);
          // The link is on the master's TLS port.
          const line = await replicaClientLine(master);
          assert.match(
            line,
            new RegExp(`laddr=127\\.0\\.0\\.1:${masterTlsPort} `),
          );
          const announced = replicaTlsPort || replica.port;
          assert.match(
            (await info(master)).slave0 ?? "",
            new RegExp(`^ip=127\\.0\\.0\\.1,port=${announced},state=online`),
          );

          const result = await pipeline(
            master.port,
            new Workload(3).generate(5000).commands,
          );
          assert.equal(result.replies, 5000);
          await assertSameDataset(master, [replica]);

          // A dropped link continues over TLS with a partial resync.
          const partial = Number((await info(master, "stats")).sync_partial_ok);
          await must(replica.client, "CLIENT", "KILL", "TYPE", "master");
          await waitFor(
            "a partial resynchronisation",
            async () =>
              Number((await info(master, "stats")).sync_partial_ok) > partial &&
              (await info(replica)).master_link_status === "up",
          );
          await must(master.client, "SET", "after:partial", "yes");
          await waitInSync(master, [replica]);
          assert.equal(
            await must(replica.client, "GET", "after:partial"),
            "yes",
          );
        });
      } finally {
        await Deno.remove(files.dir, { recursive: true });
      }
    },
  });
}
