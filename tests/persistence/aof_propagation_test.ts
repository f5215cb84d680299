/**
 * The AOF logs what Redis 7.0 logs: the same command sequence against both
 * servers with appendonly on must leave the same incremental file (with
 * absolute timestamps compared loosely).
 */
import assert from "node:assert/strict";
import { parseAofCommands } from "../../lib/persistence/aof.ts";
import { AofManifest } from "../../lib/persistence/aof_manifest.ts";
import { text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import {
  hasRedisServer,
  type TestServer,
  withServer,
} from "../helpers/servers.ts";

/** Command sequences whose AOF must match, grouped by what they exercise. */
export const PROPAGATION_CASES: Record<string, string[][]> = {
  strings: [
    ["SET", "a", "b", "EX", "100"],
    ["SET", "a", "b", "EXAT", "1900000000"],
    ["SET", "a", "b", "PX", "100000", "GET"],
    ["SETEX", "x", "100", "y"],
    ["PSETEX", "x", "100000", "y"],
    ["SET", "a", "c", "KEEPTTL"],
    ["GETEX", "a", "PERSIST"],
    ["GETEX", "a", "EX", "100"],
    ["GETEX", "a"],
    ["GETDEL", "a"],
    ["set", "n", "1"],
    ["INCRBYFLOAT", "n", "2.5"],
    ["SET", "n2", "1", "NX", "EX", "100"],
    ["SET", "n2", "1", "NX", "EX", "100"],
    ["APPEND", "s", "abc"],
    ["SETRANGE", "s", "1", "Z"],
    ["INCR", "i"],
    ["MSET", "m1", "1", "m2", "2"],
  ],
  collections: [
    ["RPUSH", "l", "a", "b", "c", "d"],
    ["BLPOP", "l", "0"],
    ["BRPOP", "l", "0"],
    ["BLMOVE", "l", "l2", "LEFT", "RIGHT", "0"],
    ["BRPOPLPUSH", "l", "l2", "0"],
    ["BLMPOP", "0", "1", "l2", "LEFT", "COUNT", "2"],
    ["LPOP", "nolist"],
    ["SADD", "s", "only"],
    ["SPOP", "s"],
    ["SADD", "s", "x"],
    ["SPOP", "s", "5"],
    ["HSET", "h", "f", "1"],
    ["HINCRBYFLOAT", "h", "f", "0.5"],
    ["HINCRBY", "h", "f2", "3"],
    ["HDEL", "h", "f", "f2"],
  ],
  "sorted sets": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["zpopmin", "z"],
    ["ZADD", "z", "1", "a"],
    ["BZPOPMIN", "z", "0"],
    ["ZADD", "z", "1", "a", "2", "b"],
    ["ZMPOP", "1", "z", "MIN", "COUNT", "5"],
    ["ZADD", "z", "1", "a"],
    ["BZMPOP", "0", "1", "z", "MAX"],
    ["ZADD", "z", "1", "a"],
    ["ZINCRBY", "z", "1.5", "a"],
    ["ZADD", "z", "INCR", "2", "a"],
  ],
  bitmaps: [
    // Logged as received when they change something, not at all otherwise.
    ["SETBIT", "b", "7", "1"],
    ["SETBIT", "b", "7", "1"],
    ["SETBIT", "b", "3", "0"],
    ["SETBIT", "b", "30", "0"],
    ["SETBIT", "b", "x", "1"],
    ["GETBIT", "b", "7"],
    ["BITCOUNT", "b"],
    ["BITPOS", "b", "1"],
    ["BITFIELD", "b", "SET", "u8", "#1", "200", "GET", "u4", "0"],
    ["BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "u8", "#1", "100"],
    ["BITFIELD", "b", "GET", "u8", "0"],
    ["BITFIELD", "new", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"],
    ["BITFIELD_RO", "b", "GET", "i8", "8"],
    ["BITOP", "NOT", "d", "b"],
    ["BITOP", "AND", "d", "nokey"],
    ["BITOP", "AND", "d", "nokey"],
  ],
  transactions: [
    // One write in EXEC is logged alone, several inside MULTI/EXEC, with
    // SELECT before MULTI and between the commands as needed.
    ["MULTI"],
    ["SET", "t", "1"],
    ["GET", "t"],
    ["EXEC"],
    ["MULTI"],
    ["GET", "t"],
    ["EXEC"],
    ["SELECT", "3"],
    ["MULTI"],
    ["SET", "b", "1"],
    ["SELECT", "0"],
    ["INCR", "t"],
    ["EXEC"],
    ["RPUSH", "src", "a", "b"],
    ["BLMOVE", "src", "dst", "Left", "right", "0"],
    ["brpoplpush", "src", "dst", "0"],
  ],
  keys: [
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100"],
    ["PEXPIRE", "k", "100000"],
    ["EXPIREAT", "k", "1900000000"],
    ["PERSIST", "k"],
    ["EXPIRE", "k", "100", "GT"],
    ["EXPIRE", "nokey", "100"],
    ["SET", "e", "v"],
    ["EXPIRE", "e", "-1"],
    ["RENAME", "k", "k2"],
    ["SELECT", "3"],
    ["SET", "in3", "x"],
    ["SELECT", "0"],
    ["DEL", "k2", "missing"],
    ["FLUSHDB"],
  ],
  hyperloglog: [
    // PFCOUNT is logged when it refreshes the cached cardinality, PFDEBUG
    // when it changes the encoding; neither otherwise.
    ["PFADD", "h", "a", "b", "c"],
    ["PFADD", "h", "a"],
    ["PFCOUNT", "h"],
    ["PFCOUNT", "h"],
    ["PFADD", "h2", "x"],
    ["PFCOUNT", "h", "h2"],
    ["PFMERGE", "h3", "h", "h2"],
    ["PFCOUNT", "h3"],
    ["PFDEBUG", "TODENSE", "h"],
    ["PFDEBUG", "TODENSE", "h"],
    ["PFDEBUG", "GETREG", "h2"],
    ["PFDEBUG", "ENCODING", "h3"],
    ["PFADD", "h", "d"],
    ["PFADD", "missing"],
    ["MULTI"],
    ["PFADD", "h4", "y"],
    ["PFCOUNT", "h4"],
    ["EXEC"],
  ],
};

function incrementalCommands(server: TestServer): string[][] {
  const dir = `${server.dir}/appendonlydir`;
  const manifest = AofManifest.parse(
    Deno.readTextFileSync(`${dir}/appendonly.aof.manifest`),
  );
  const commands: string[][] = [];
  for (const info of manifest.incremental) {
    parseAofCommands(Deno.readFileSync(`${dir}/${info.name}`), (args) => {
      commands.push(args.map((a) => text(a)));
    });
  }
  return commands;
}

/** Replaces absolute ms timestamps near now by a marker, for comparison. */
function normalize(commands: string[][]): string[][] {
  const now = Date.now();
  return commands.map((args) =>
    args.map((a) =>
      /^\d{13}$/.test(a) && Math.abs(Number(a) - now) < 3_600_000_000
        ? "<time>"
        : a
    )
  );
}

for (const [name, commands] of Object.entries(PROPAGATION_CASES)) {
  Deno.test({
    name: `aof propagation: ${name} log like Redis 7.0`,
    ignore: !hasRedisServer(),
    async fn() {
      // With everysec Redis may postpone its AOF write while an fsync runs;
      // with always its file is complete when the reply arrives, like ours.
      const flags = [
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
      ];
      await withPair({ flags }, async (pair) => {
        const { ourClient: a, oracleClient: b } = pair;
        for (const command of commands) {
          const expected = await b.callRaw(...command);
          const actual = await a.callRaw(...command);
          assert.equal(
            text(actual),
            text(expected),
            command.join(" "),
          );
        }
        assert.deepEqual(
          normalize(incrementalCommands(pair.ours)),
          normalize(incrementalCommands(pair.oracle)),
        );
      });
    },
  });
}

Deno.test({
  name:
    "aof propagation: blocked pops and moves served later log like Redis 7.0, after the push",
  ignore: !hasRedisServer(),
  async fn() {
    const flags = [
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--save",
      "",
    ];
    const logs: string[][][] = [];
    for (const oracle of [false, true]) {
      const options = { oracle, flags, clients: 2 };
      await withServer(options, async ([waiter, pusher], server) => {
        await waiter.send("BLPOP", "q", "0");
        // Let the BLPOP block before the push arrives.
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await pusher.call("RPUSH", "q", "x", "y"), 2);
        assert.deepEqual(await waiter.read(), ["q", "x"]);
        // Served later, BLMOVE and BRPOPLPUSH are logged in Redis's words.
        await waiter.send("BLMOVE", "m", "d", "Left", "Right", "0");
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await pusher.call("RPUSH", "m", "1", "2"), 2);
        assert.equal(await waiter.read(), "1");
        await waiter.send("BRPOPLPUSH", "m2", "d", "0");
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await pusher.call("RPUSH", "m2", "3"), 1);
        assert.equal(await waiter.read(), "3");
        await pusher.call("SADD", "s", "a", "b", "c");
        assert.equal(
          (await pusher.call("SPOP", "s", "2") as string[]).length,
          2,
        );
        logs.push(
          incrementalCommands(server).map((c) =>
            c[0] === "SREM" ? ["SREM", "s", "?"] : c
          ),
        );
      });
    }
    assert.deepEqual(logs[0], logs[1]);
  },
});
