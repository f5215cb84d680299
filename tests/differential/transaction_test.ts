import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { type Pair, Picker, prng, withPair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const ignore = !hasRedisServer();
if (ignore) {
  console.warn(
    "redis-server not found: transaction differential tests skipped",
  );
}

/** A second connection to each server, for the client that changes keys. */
class Other {
  constructor(readonly ours: RespClient, readonly theirs: RespClient) {}

  static async open(pair: Pair): Promise<Other> {
    return new Other(await pair.ours.connect(), await pair.oracle.connect());
  }

  async same(args: string[]): Promise<void> {
    const [a, b] = await Promise.all([
      this.ours.callRaw(...args),
      this.theirs.callRaw(...args),
    ]);
    assert.equal(latin1(a), latin1(b), `other client ${JSON.stringify(args)}`);
  }

  close(): void {
    this.ours.close();
    this.theirs.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: "MULTI/EXEC/DISCARD replies match redis-server in RESP2 and RESP3",
  ignore,
  async fn() {
    await withPair({}, async (pair) => {
      for (const protocol of ["2", "3"]) {
        // HELLO's reply carries the client id, which differs.
        await pair.both(["HELLO", protocol]);
        const script: string[][] = [
          ["EXEC"],
          ["DISCARD"],
          ["MULTI"],
          ["EXEC"],
          ["MULTI"],
          ["MULTI"],
          ["WATCH", "x"],
          ["SET", "a", "1"],
          ["INCR", "a"],
          ["LPUSH", "a", "x"],
          ["GET", "a"],
          ["GET", "nothing"],
          ["EXEC"],
          ["MULTI"],
          ["SET", "b", "1"],
          ["NOSUCHCOMMAND", "arg"],
          ["GET", "b"],
          ["EXEC"],
          ["GET", "b"],
          ["MULTI"],
          ["GET"],
          ["EXEC"],
          ["MULTI"],
          ["SET", "c", "1"],
          ["DISCARD"],
          ["GET", "c"],
          ["EXEC", "extra"],
          ["MULTI"],
          ["EXEC", "extra"],
          ["EXEC"],
          ["MULTI"],
          ["SELECT", "2"],
          ["SET", "in2", "v"],
          ["SELECT", "0"],
          ["EXISTS", "in2"],
          ["EXEC"],
          ["MULTI"],
          ["PING"],
          ["ECHO", "hi"],
          ["CONFIG", "GET", "maxmemory"],
          ["CONFIG", "NOSUCH"],
          ["EXEC"],
          ["MULTI"],
          ["INCR", "a"],
          ["DEL", "a"],
          ["EXEC"],
          ["FLUSHALL"],
        ];
        for (const args of script) await pair.same(args, `RESP${protocol} `);
      }
    });
  },
});

Deno.test({
  name: "WATCH outcomes match redis-server",
  ignore,
  async fn() {
    await withPair({}, async (pair) => {
      const other = await Other.open(pair);
      try {
        const me = (args: string[]) => pair.same(args);
        const tx = async (...commands: string[][]) => {
          await me(["MULTI"]);
          for (const c of commands) await me(c);
          await me(["EXEC"]);
        };
        // Untouched watched keys.
        await me(["WATCH", "a", "b"]);
        await tx(["SET", "a", "1"]);
        // A change by another client, by the same client, by deletion.
        await me(["WATCH", "a"]);
        await other.same(["SET", "a", "2"]);
        await tx(["GET", "a"]);
        await me(["WATCH", "a"]);
        await me(["SET", "a", "3"]);
        await tx(["GET", "a"]);
        await me(["WATCH", "a"]);
        await other.same(["DEL", "a"]);
        await tx(["GET", "a"]);
        // Deleting a missing key changes nothing.
        await me(["WATCH", "a"]);
        await other.same(["DEL", "a"]);
        await tx(["GET", "a"]);
        // UNWATCH and DISCARD forget watched keys.
        await me(["WATCH", "a"]);
        await other.same(["SET", "a", "4"]);
        await me(["UNWATCH"]);
        await tx(["GET", "a"]);
        await me(["WATCH", "a"]);
        await other.same(["SET", "a", "5"]);
        await me(["MULTI"]);
        await me(["DISCARD"]);
        await tx(["GET", "a"]);
        // RENAME touches both keys.
        await me(["WATCH", "target"]);
        await other.same(["RENAME", "a", "target"]);
        await tx(["GET", "target"]);
        // FLUSHDB/FLUSHALL touch watched keys that exist, and only those.
        await me(["WATCH", "missing"]);
        await other.same(["FLUSHALL"]);
        await tx(["PING"]);
        await other.same(["SET", "f", "1"]);
        await me(["WATCH", "f"]);
        await other.same(["FLUSHDB"]);
        await tx(["PING"]);
        await other.same(["SET", "f", "1"]);
        await me(["WATCH", "f"]);
        await other.same(["FLUSHALL"]);
        await tx(["PING"]);
        // Another database's flush does not matter.
        await other.same(["SET", "f", "1"]);
        await me(["WATCH", "f"]);
        await other.same(["SELECT", "1"]);
        await other.same(["FLUSHDB"]);
        await tx(["PING"]);
        // SWAPDB: the watched key exists in one of the swapped databases.
        await other.same(["SET", "only1", "x"]);
        await me(["WATCH", "only1"]);
        await other.same(["SWAPDB", "0", "1"]);
        await tx(["PING"]);
        await me(["WATCH", "nowhere"]);
        await other.same(["SWAPDB", "0", "1"]);
        await tx(["PING"]);
        // A key that expires after WATCH fails EXEC; one already expired does not.
        await me(["SET", "t", "v", "PX", "30"]);
        await me(["WATCH", "t"]);
        await sleep(60);
        await tx(["PING"]);
        await me(["SET", "t2", "v", "PX", "20"]);
        await sleep(50);
        await me(["WATCH", "t2"]);
        await tx(["PING"]);
        // EXPIRE and PERSIST are changes.
        await me(["SET", "e", "v"]);
        await me(["WATCH", "e"]);
        await other.same(["EXPIRE", "e", "100"]);
        await tx(["TTL", "e"]);
        // A failed transaction still unwatches: the next one succeeds.
        await tx(["GET", "e"]);
        // WATCH in another database watches that database's key.
        await me(["SELECT", "5"]);
        await me(["WATCH", "e"]);
        await other.same(["SET", "e", "changed in db1"]);
        await tx(["GET", "e"]);
        await me(["SELECT", "0"]);
        // A queueing error beats a dirty watch: EXECABORT.
        await me(["WATCH", "e"]);
        await other.same(["SELECT", "0"]);
        await other.same(["SET", "e", "x"]);
        await me(["MULTI"]);
        await me(["GET"]);
        await me(["EXEC"]);
        await pair.both(["HELLO", "3"]);
        await me(["WATCH", "e"]);
        await other.same(["SET", "e", "y"]);
        await tx(["GET", "e"]);
      } finally {
        other.close();
      }
    });
  },
});

Deno.test({
  name: "randomized transactions with a concurrent writer match redis-server",
  ignore,
  async fn() {
    await withPair({}, async (pair) => {
      const other = await Other.open(pair);
      const pick = new Picker(prng(20260707));
      const keys = ["k1", "k2", "k3", "l1"];
      const inside = (): string[] => {
        const key = pick.pick(keys);
        return pick.pick([
          ["SET", key, String(pick.int(0, 9))],
          ["GET", key],
          ["INCR", key],
          ["LPUSH", key, "x"],
          ["RPOP", key],
          ["DEL", key],
          ["EXISTS", key, pick.pick(keys)],
          ["TYPE", key],
          ["APPEND", key, "z"],
          ["LLEN", key],
          ["NOPE"],
          ["GET"],
          ["BLPOP", key, "0"],
        ]);
      };
      const outside = (): string[] => {
        const key = pick.pick(keys);
        return pick.pick([
          ["SET", key, "o"],
          ["DEL", key],
          ["INCR", key],
          ["RPUSH", key, "o"],
          ["EXPIRE", key, "1000"],
          ["PERSIST", key],
          ["RENAME", key, pick.pick(keys)],
          ["GET", key],
        ]);
      };
      try {
        for (let round = 0; round < 400; round++) {
          const context = `round ${round}: `;
          if (pick.chance(0.5)) {
            await pair.same(
              ["WATCH", pick.pick(keys), pick.pick(keys)],
              context,
            );
          }
          if (pick.chance(0.1)) await pair.same(["UNWATCH"], context);
          await pair.same(["MULTI"], context);
          const count = pick.int(0, 5);
          for (let i = 0; i < count; i++) {
            if (pick.chance(0.3)) await other.same(outside());
            // Rare queueing errors, so most transactions run.
            let command = inside();
            while (
              (command[0] === "NOPE" || command.length === 1) &&
              pick.chance(0.8)
            ) command = inside();
            await pair.same(command, context);
          }
          if (pick.chance(0.1)) await pair.same(["DISCARD"], context);
          else await pair.same(["EXEC"], context);
          if (pick.chance(0.05)) await other.same(["FLUSHALL"]);
        }
      } finally {
        other.close();
      }
    });
  },
});
