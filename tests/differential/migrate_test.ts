/**
 * MIGRATE against redis-server: our server and the oracle each migrate to
 * a target of their own (two redis-servers, or two of ours), and their
 * replies, what stays behind and what the targets receive are compared;
 * the command's metadata and key extraction; errors of unreachable and
 * silent targets; the source deletion logged as DEL; other clients served
 * while a migration waits.
 *
 * @module
 */

import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import {
  commandInfoTest,
  differentialTest,
  type Pair,
} from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import {
  freePort,
  hasRedisServer,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";
import { waitFor } from "../helpers/replication.ts";
import { MIGRATE_COMMANDS } from "../../lib/commands/migrate.ts";
import { sameDocs } from "./docs_common.ts";

commandInfoTest("migrate", MIGRATE_COMMANDS);

/** Stands for the port of the source's own target in a request. */
const TARGET = "<target>";

/** The targets of our server and of the oracle, with a client each. */
interface Targets {
  readonly servers: readonly [TestServer, TestServer];
  readonly clients: readonly [RespClient, RespClient];
}

/** Starts two targets of `kind` (ours or redis-server), runs `body`, stops them. */
async function withTargets(
  kind: "ours" | "redis",
  flags: readonly string[],
  body: (targets: Targets) => Promise<void>,
): Promise<void> {
  const servers: TestServer[] = [];
  const clients: RespClient[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      servers.push(await startServer({ oracle: kind === "redis", flags }));
      clients.push(await servers[i].connect());
    }
    await body({
      servers: [servers[0], servers[1]],
      clients: [clients[0], clients[1]],
    });
  } finally {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * Sends `args` to both sources, TARGET replaced by the port of each one's
 * target, and asserts identical raw replies.
 */
async function sameMigrate(
  pair: Pair,
  ports: readonly [number, number],
  args: readonly string[],
): Promise<string> {
  const withPort = (port: number) =>
    args.map((arg) => arg === TARGET ? String(port) : arg);
  const [ours, theirs] = await Promise.all([
    pair.ourClient.callRaw(...withPort(ports[0])),
    pair.oracleClient.callRaw(...withPort(ports[1])),
  ]);
  assert.equal(latin1(ours), latin1(theirs), JSON.stringify(args));
  return latin1(ours);
}

/** Asserts that both targets answer `args` alike. */
async function sameOnTargets(targets: Targets, args: readonly string[]) {
  const [a, b] = await Promise.all(
    targets.clients.map((client) => client.callRaw(...args)),
  );
  assert.equal(latin1(a), latin1(b), `targets: ${JSON.stringify(args)}`);
}

/** Sets up the same keys on both sources. */
async function populate(pair: Pair): Promise<void> {
  await pair.same(["FLUSHALL"]);
  await pair.same(["SET", "s", "value"]);
  await pair.same(["RPUSH", "l", "a", "b", "c"]);
  await pair.same(["HSET", "h", "f1", "v1", "f2", "v2"]);
  await pair.same(["ZADD", "z", "1", "m1", "2.5", "m2"]);
  await pair.same(["SET", "t", "ttl", "PX", "100000"]);
}

/** The conversation with a live target of `kind`, compared step by step. */
async function migrateScript(pair: Pair, kind: "ours" | "redis") {
  await withTargets(kind, [], async (targets) => {
    const ports = [targets.servers[0].port, targets.servers[1].port] as const;
    const host = "127.0.0.1";
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await populate(pair);
      for (const target of targets.clients) await target.call("FLUSHALL");
      const migrate = (...rest: string[]) =>
        sameMigrate(pair, ports, ["MIGRATE", host, TARGET, ...rest]);
      await migrate("s", "0", "1000");
      await pair.same(["EXISTS", "s"]);
      await sameOnTargets(targets, ["GET", "s"]);
      await migrate("nokey", "0", "1000");
      await migrate("l", "0", "1000", "COPY");
      await pair.same(["LRANGE", "l", "0", "-1"]);
      // The target has it now: its error comes back, the key stays.
      await migrate("l", "0", "1000", "COPY");
      await migrate("l", "0", "1000");
      await pair.same(["EXISTS", "l"]);
      await migrate("l", "0", "1000", "REPLACE", "COPY");
      await migrate("l", "0", "0", "replace");
      await pair.same(["EXISTS", "l"]);
      await sameOnTargets(targets, ["LRANGE", "l", "0", "-1"]);
      // Several keys, some missing, into another database, with a TTL.
      await migrate("", "3", "1000", "KEYS", "h", "nokey", "z", "t");
      await pair.same(["EXISTS", "h", "z", "t"]);
      await sameOnTargets(targets, ["SELECT", "3"]);
      await sameOnTargets(targets, ["HGETALL", "h"]);
      await sameOnTargets(targets, ["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
      for (const target of targets.clients) {
        const ttl = Number(await target.call("PTTL", "t"));
        assert.ok(ttl > 90000 && ttl <= 100000, `PTTL ${ttl}`);
      }
      await sameOnTargets(targets, ["SELECT", "0"]);
      // A key the target has fails, the others move.
      await populate(pair);
      await migrate("", "0", "1000", "KEYS", "h", "s", "z");
      await pair.same(["EXISTS", "h"]);
      await pair.same(["EXISTS", "s"]);
      await pair.same(["EXISTS", "z"]);
      await migrate("", "0", "1000", "KEYS");
      await migrate("", "0", "1000", "KEYS", "nokey");
      await migrate("s", "99", "1000");
      await migrate("s", "0", "1000", "AUTH", "pw");
      await migrate("s", "0", "1000", "AUTH2", "user", "pw");
      await migrate("s", "0", "1000", "AUTH2", "user", "pw", "AUTH", "x");
      await pair.same(["EXISTS", "s"]);
      await pair.same(["INFO", "errorstats"]);
      await pair.same(["CONFIG", "RESETSTAT"]);
    }
  });
}

differentialTest(
  "differential: MIGRATE to redis-server targets answers and moves keys as redis-server's, RESP2 and RESP3",
  (pair) => migrateScript(pair, "redis"),
);

differentialTest(
  "differential: MIGRATE to targets running our server answers and moves keys as redis-server's",
  (pair) => migrateScript(pair, "ours"),
);

differentialTest(
  "differential: MIGRATE authenticates with AUTH and AUTH2 as redis-server's",
  async (pair) => {
    await withTargets("redis", ["--requirepass", "pw"], async (targets) => {
      const ports = [targets.servers[0].port, targets.servers[1].port] as const;
      for (const target of targets.clients) await target.call("AUTH", "pw");
      await populate(pair);
      const migrate = (...rest: string[]) =>
        sameMigrate(pair, ports, ["MIGRATE", "127.0.0.1", TARGET, ...rest]);
      await migrate("s", "0", "1000");
      await migrate("s", "0", "1000", "AUTH", "bad");
      await migrate("s", "0", "1000", "AUTH", "pw");
      await migrate("l", "0", "1000", "AUTH2", "default", "pw");
      await migrate("", "0", "1000", "AUTH", "pw", "KEYS", "h", "z");
      await pair.same(["EXISTS", "s", "l", "h", "z"]);
      await sameOnTargets(targets, ["DBSIZE"]);
    });
  },
);

differentialTest(
  "differential: MIGRATE's argument errors, key extraction and docs match redis-server",
  async (pair) => {
    await sameDocs(pair, "migrate");
    await pair.same(["SET", "k", "v"]);
    const unreachable = String(freePort());
    for (
      const args of [
        ["MIGRATE"],
        ["MIGRATE", "h", "1", "k", "0"],
        ["MIGRATE", "h", "1", "k", "0", "0", "foo"],
        ["MIGRATE", "h", "1", "k", "x", "y", "foo"],
        ["MIGRATE", "h", "1", "k", "0", "0", "AUTH"],
        ["MIGRATE", "h", "1", "k", "0", "0", "AUTH2", "u"],
        ["MIGRATE", "h", "1", "k", "0", "0", "KEYS", "k"],
        ["MIGRATE", "h", "1", "k", "0", "0", "COPY", "KEYS"],
        ["MIGRATE", "h", "1", "k", "x", "0"],
        ["MIGRATE", "h", "1", "k", "0", "x"],
        ["MIGRATE", "h", "1", "k", "0", "99999999999999999999"],
        ["MIGRATE", "h", "1", "nokey", "0", "0"],
        ["MIGRATE", "h", "1", "", "0", "0"],
        ["MIGRATE", "h", "1", "", "0", "0", "KEYS", "a", "b"],
        // Refused, or no port at all: Redis notices when writing.
        ["MIGRATE", "127.0.0.1", unreachable, "k", "0", "500"],
        ["MIGRATE", "127.0.0.1", "x", "k", "0", "500"],
        ["MIGRATE", "", unreachable, "k", "0", "500"],
        ["EXISTS", "k"],
        ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "0"],
        ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "0"],
        ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "0", "KEYS"],
        ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "0", "KEYS", "a"],
        ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "0", "KEYS", "a"],
        [
          ...["COMMAND", "GETKEYSANDFLAGS", "MIGRATE", "h", "1", "", "0", "0"],
          ...["AUTH", "KEYS", "COPY", "AUTH2", "KEYS", "x", "KEYS", "a", "b"],
        ],
        ["COMMAND", "GETKEYSANDFLAGS", "MIGRATE", "h", "1", "k", "0", "0"],
        ["ACL", "SETUSER", "m", "on", "nopass", "+migrate", "~a*"],
        ["ACL", "DRYRUN", "m", "MIGRATE", "h", "1", "a1", "0", "0"],
        ["ACL", "DRYRUN", "m", "MIGRATE", "h", "1", "b", "0", "0"],
        ["ACL", "DRYRUN", "m", "MIGRATE", "h", "1", "", "0", "0", "KEYS", "b"],
        ["INFO", "errorstats"],
      ]
    ) await pair.same(args);
  },
);

Deno.test({
  name:
    "MIGRATE to a target that never answers fails reading, and the server serves other clients meanwhile",
  ignore: !hasRedisServer(),
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of listener) accepted.push(conn);
    })();
    const port = String((listener.addr as Deno.NetAddr).port);
    const ours = await startServer({});
    const clients: RespClient[] = [];
    try {
      clients.push(await ours.connect(), await ours.connect());
      const [migrating, other] = clients;
      await migrating.call("SET", "k", "v");
      const started = Date.now();
      const reply = migrating.call(
        "MIGRATE",
        "127.0.0.1",
        port,
        "k",
        "0",
        "600",
      );
      for (let i = 0; i < 5; i++) {
        assert.equal(await other.call("PING"), "PONG");
      }
      assert.ok(Date.now() - started < 500, "served while migrating");
      const error = await reply as { message: string };
      assert.equal(
        error.message,
        "IOERR error or timeout reading to target instance",
      );
      assert.ok(Date.now() - started >= 600);
      assert.equal(await other.call("EXISTS", "k"), 1);
    } finally {
      for (const client of clients) client.close();
      await ours.stop();
      listener.close();
      await accepting.catch(() => {});
      for (const conn of accepted) conn.close();
    }
  },
});

Deno.test({
  name: "MIGRATE's deletion of the source keys is logged as DEL",
  ignore: !hasRedisServer(),
  async fn() {
    await withTargets("redis", [], async (targets) => {
      const ours = await startServer({
        flags: ["--appendonly", "yes", "--appendfsync", "always"],
      });
      const client = await ours.connect();
      try {
        await client.call("SET", "a", "1");
        await client.call("SET", "b", "2");
        const port = String(targets.servers[0].port);
        assert.equal(
          await client.call(
            ...["MIGRATE", "127.0.0.1", port, "", "0", "1000", "KEYS"],
            ...["a", "missing", "b"],
          ),
          "OK",
        );
        assert.equal(
          await client.call("MIGRATE", "127.0.0.1", port, "a", "0", "1000"),
          "NOKEY",
        );
        const aof = async () => {
          let text = "";
          for await (const file of Deno.readDir(`${ours.dir}/appendonlydir`)) {
            if (file.name.endsWith(".incr.aof")) {
              text += await Deno.readTextFile(
                `${ours.dir}/appendonlydir/${file.name}`,
              );
            }
          }
          return text;
        };
        const deletion = "*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nb\r\n";
        await waitFor(
          "the DEL in the AOF",
          async () => (await aof()).includes(deletion),
        );
        assert.ok(!(await aof()).toUpperCase().includes("MIGRATE"));
        assert.deepEqual(
          await targets.clients[0].call("MGET", "a", "b"),
          ["1", "2"],
        );
      } finally {
        client.close();
        await ours.stop();
      }
    });
  },
});
