/**
 * The replica's handling of a corrupt full-sync payload, against a fake
 * master (a listener in this test that speaks just enough of the protocol):
 * with repl-diskless-load swapdb the old dataset survives, otherwise it is
 * gone, and in no mode does the bad payload replace the dump file.
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/servers.ts";
import { binary } from "../helpers/bytes.ts";

const MARK = "m".repeat(40);

/** A fake master and the number of PSYNCs it answered. */
interface FakeMaster {
  readonly port: number;
  readonly psyncs: () => number;
  close(): Promise<void>;
}

/** Accepts replicas and answers every PSYNC with a corrupt payload. */
function fakeMaster(): FakeMaster {
  let psyncs = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections: Deno.Conn[] = [];
  const serve = async (conn: Deno.Conn) => {
    const buffer = new Uint8Array(4096);
    let pending = "";
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) return;
        pending += String.fromCharCode(...buffer.subarray(0, n));
        // Each request is a RESP array; its first argument decides.
        let match;
        while ((match = /^\*(\d+)\r\n/.exec(pending)) !== null) {
          const words: string[] = [];
          let rest = pending.slice(match[0].length);
          let complete = true;
          for (let i = 0; i < Number(match[1]); i++) {
            const header = /^\$(\d+)\r\n/.exec(rest);
            const length = header === null ? -1 : Number(header[1]);
            if (
              header === null || rest.length < header[0].length + length + 2
            ) {
              complete = false;
              break;
            }
            words.push(rest.slice(header[0].length, header[0].length + length));
            rest = rest.slice(header[0].length + length + 2);
          }
          if (!complete) break;
          pending = rest;
          const command = words[0].toUpperCase();
          let reply = "+OK\r\n";
          if (command === "PING") reply = "+PONG\r\n";
          if (command === "PSYNC") {
            psyncs++;
            reply = `+FULLRESYNC ${"a".repeat(40)} 0\r\n$EOF:${MARK}\r\n` +
              `REDIS0010not an rdb file at all${MARK}`;
          }
          if (command !== "REPLCONF" || words[1]?.toUpperCase() !== "ACK") {
            await conn.write(binary(reply));
          }
        }
      }
    } catch {
      // The replica went away.
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      connections.push(conn);
      serve(conn);
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    psyncs: () => psyncs,
    close: async () => {
      listener.close();
      for (const conn of connections) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await accepting.catch(() => {});
    },
  };
}

for (const mode of ["swapdb", "disabled", "on-empty-db"]) {
  Deno.test(`master link: a corrupt payload with repl-diskless-load ${mode}`, async () => {
    const master = fakeMaster();
    const dir = await Deno.makeTempDir({ prefix: "master-link-" });
    const replica = await startServer({
      dir,
      flags: ["--repl-diskless-load", mode],
    });
    const client = await replica.connect();
    try {
      assert.equal(await client.call("SET", "kept", "1"), "OK");
      assert.equal(await client.call("SAVE"), "OK");
      const saved = await Deno.readFile(`${dir}/dump.rdb`);
      await client.call("REPLICAOF", "127.0.0.1", String(master.port));
      // A second PSYNC comes once the first payload failed to load.
      const deadline = Date.now() + 10_000;
      while (master.psyncs() < 2) {
        if (Date.now() > deadline) throw new Error("the replica never retried");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(
        String(await client.call("INFO", "replication")),
        /master_link_status:down/,
      );
      assert.equal(
        await client.call("GET", "kept"),
        mode === "swapdb" ? "1" : null,
      );
      assert.deepEqual(await Deno.readFile(`${dir}/dump.rdb`), saved);
    } finally {
      client.close();
      await replica.stop();
      await master.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
