import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";
import { RespError } from "../helpers/resp_client.ts";
import { bytesToHuman, infoText } from "../../lib/commands/info.ts";

/** Section titles of an INFO text, in order. */
function headers(info: string): string[] {
  return info.split("\r\n").filter((l) => l.startsWith("# "));
}

/** Field names per section of an INFO text. */
function fieldsBySection(info: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of info.split("\r\n")) {
    if (line.startsWith("# ")) {
      current = [];
      out.set(line.slice(2), current);
    } else if (line.includes(":")) {
      current.push(line.slice(0, line.indexOf(":")));
    }
  }
  return out;
}

Deno.test({
  name: "INFO: sections and field order follow Redis 7.0",
  ignore: !hasRedisServer(),
  async fn() {
    await withPair({}, async ({ ourClient: b, oracleClient: a }) => {
      for (const client of [a, b]) {
        await client.call("SET", "k", "v");
        await client.call("NOSUCHCOMMAND");
      }
      const selections = [
        [],
        ["default"],
        ["all"],
        ["everything"],
        ["server"],
        ["CLIENTS", "keyspace"],
        ["commandstats"],
        ["errorstats"],
        ["latencystats"],
        ["nosuchsection"],
        ["modules"],
      ];
      for (const args of selections) {
        const expected = await a.call("INFO", ...args) as string;
        const actual = await b.call("INFO", ...args) as string;
        assert.deepEqual(headers(actual), headers(expected), args.join(" "));
        const theirs = fieldsBySection(expected);
        for (const [section, names] of fieldsBySection(actual)) {
          // Redis lists command statistics in hash table order.
          if (section === "Commandstats" || section === "Latencystats") {
            continue;
          }
          const reference = theirs.get(section)!;
          let last = -1;
          for (const name of names) {
            if (name === "redis_ts_version") continue;
            const at = reference.indexOf(name);
            assert.ok(at > last, `${section}: ${name} missing or out of order`);
            last = at;
          }
        }
      }
      assert.equal(await b.call("INFO", "nosuchsection"), "");
    });
  },
});

Deno.test("INFO: values reflect the server's state", () =>
  withServer({ clients: 2 }, async ([client, _other], server) => {
    await client.call("SET", "a", "1");
    await client.call("SET", "b", "2");
    await client.call("PEXPIRE", "b", "100000");
    await client.call("SET", "c", "3");
    const info = await client.call("INFO") as string;
    assert.match(info, /^# Server\r\nredis_version:7\.0\.15\r\n/);
    assert.match(info, /\r\nredis_ts_version:\d+\.\d+\.\d+\r\n/);
    assert.match(info, new RegExp(`\r\ntcp_port:${server.port}\r\n`));
    assert.match(info, new RegExp(`\r\nprocess_id:${server.pid}\r\n`));
    assert.match(info, /\r\nconnected_clients:2\r\n/);
    assert.match(info, /\r\nblocked_clients:0\r\n/);
    assert.match(info, /\r\nrdb_changes_since_last_save:4\r\n/);
    // The INFO call itself is counted once it has run, as in Redis.
    assert.match(info, /\r\ntotal_commands_processed:4\r\n/);
    assert.match(info, /\r\nrole:master\r\n/);
    assert.match(
      info,
      /\r\nused_memory:\d+\r\nused_memory_human:[\d.]+[BKMG]\r\n/,
    );
    assert.match(info, /\r\nmaxmemory:0\r\nmaxmemory_human:0B\r\n/);
    assert.match(
      info,
      /# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=\d+\r\n$/,
    );
    const ttl = Number(/db0:keys=3,expires=1,avg_ttl=(\d+)/.exec(info)![1]);
    assert.ok(ttl > 90000 && ttl <= 100000, String(ttl));
    await client.call("CONFIG", "SET", "maxmemory", "18446744073709551615");
    const memory = await client.call("INFO", "memory") as string;
    assert.match(
      memory,
      /\r\nmaxmemory:-1\r\nmaxmemory_human:18446744073709551615B\r\n/,
    );
  }));

Deno.test("INFO: RESP2 bulk string reply, no trailing blank section", () =>
  withServer({}, async ([client]) => {
    const raw = text(await client.callRaw("INFO", "cluster"));
    assert.equal(raw, "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
  }));

Deno.test("bytesToHuman formats like Redis", () => {
  assert.equal(bytesToHuman(1023), "1023B");
  assert.equal(bytesToHuman(1024), "1.00K");
  assert.equal(bytesToHuman(1089408), "1.04M");
  assert.equal(bytesToHuman(25276502016), "23.54G");
  assert.equal(bytesToHuman(2n ** 64n - 1n), "18446744073709551615B");
});

Deno.test("infoText: default and everything select Redis's sections", async () => {
  const { Config } = await import("../../lib/config/config.ts");
  const { createServerCore } = await import("../../lib/server/start.ts");
  const { server } = createServerCore(new Config(Deno.cwd()));
  assert.deepEqual(headers(infoText(server, [])), [
    "# Server",
    "# Clients",
    "# Memory",
    "# Persistence",
    "# Stats",
    "# Replication",
    "# CPU",
    "# Modules",
    "# Errorstats",
    "# Cluster",
    "# Keyspace",
  ]);
  assert.ok(
    headers(infoText(server, ["everything"])).includes("# Commandstats"),
  );
  assert.deepEqual(headers(infoText(server, ["cpu", "server"])), [
    "# Server",
    "# CPU",
  ]);
});

Deno.test("TIME and LASTSAVE", () =>
  withServer({}, async ([client]) => {
    const [seconds, micros] = await client.call("TIME") as string[];
    assert.match(seconds, /^\d+$/);
    assert.match(micros, /^\d{1,6}$/);
    const at = Number(seconds) * 1000 + Number(micros) / 1000;
    assert.ok(Math.abs(at - Date.now()) < 5000);
    const lastsave = await client.call("LASTSAVE") as number;
    assert.ok(Math.abs(lastsave - Date.now() / 1000) < 60);
    assert.deepEqual(
      await client.call("TIME", "x"),
      new RespError("ERR wrong number of arguments for 'time' command"),
    );
  }));

Deno.test({
  name: "SHUTDOWN and DEBUG errors match Redis",
  ignore: !hasRedisServer(),
  async fn() {
    for (const flags of [[], ["--enable-debug-command", "yes"]]) {
      await withPair({ flags }, async ({ ourClient: b, oracleClient: a }) => {
        const cases = [
          ["SHUTDOWN", "foo"],
          ["SHUTDOWN", "abort"],
          ["SHUTDOWN", "ABORT", "now"],
          ["SHUTDOWN", "nosave", "save"],
          ["SHUTDOWN", "force", "abort"],
          ["DEBUG"],
          ["DEBUG", "nosuch"],
          ["DEBUG", "sleep"],
          ["DEBUG", "SLEEP", "0"],
          ["DEBUG", "sleep", "abc"],
          ["DEBUG", "set-active-expire"],
          ["DEBUG", "set-active-expire", "1"],
          ["DEBUG", "help", "x"],
        ];
        for (const args of cases) {
          assert.equal(
            text(await b.callRaw(...args)),
            text(await a.callRaw(...args)),
            `${flags} ${args.join(" ")}`,
          );
        }
      });
    }
  },
});

Deno.test("DEBUG SLEEP blocks the whole server", () =>
  withServer(
    { flags: ["--enable-debug-command", "local"], clients: 2 },
    async ([sleeper, other]) => {
      const help = await sleeper.call("DEBUG", "HELP") as string[];
      assert.ok(help.includes("SLEEP <seconds>"));
      assert.equal(help.at(-2), "HELP");
      const start = performance.now();
      await sleeper.send("DEBUG", "SLEEP", "0.4");
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await other.call("PING"), "PONG");
      const waited = performance.now() - start;
      assert.equal(await sleeper.read(), "OK");
      assert.ok(waited >= 350, `PING answered after ${waited} ms`);
    },
  ));

Deno.test("DEBUG SET-ACTIVE-EXPIRE turns active expiry off and on", () =>
  withServer({ flags: ["--enable-debug-command", "yes"] }, async ([client]) => {
    const keys = async () => {
      const info = await client.call("INFO", "keyspace") as string;
      return /db0:keys=(\d+)/.exec(info)?.[1] ?? "0";
    };
    assert.equal(await client.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
    await client.call("SET", "k", "v", "PX", "50");
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await keys(), "1");
    assert.equal(await client.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "OK");
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await keys(), "0");
  }));

Deno.test("SHUTDOWN stops the server and removes the pid file", async () => {
  const pidDir = await Deno.makeTempDir();
  const pidfile = `${pidDir}/redis.pid`;
  try {
    const options = { flags: ["--pidfile", pidfile], clients: 0 };
    await withServer(options, async (clients, server) => {
      assert.equal(
        (await Deno.readTextFile(pidfile)).trim(),
        String(server.pid),
      );
      const client = await server.connect();
      clients.push(client);
      await client.send("SHUTDOWN", "NOSAVE");
      assert.equal(await client.closedByServer(), true);
      assert.equal(client.buffered.length, 0);
      const status = await server.status;
      assert.equal(status.code, 0);
      await assert.rejects(() => Deno.stat(pidfile), Deno.errors.NotFound);
    });
  } finally {
    await Deno.remove(pidDir, { recursive: true });
  }
});

Deno.test({
  name: "COMMAND INFO metadata of CONFIG and server commands matches Redis",
  ignore: !hasRedisServer(),
  async fn() {
    const { SERVER_COMMANDS } = await import("../../lib/commands/server.ts");
    const { CONFIG_COMMANDS } = await import("../../lib/commands/config.ts");
    const specs = [
      ...SERVER_COMMANDS.map((s) => [s.name, s] as const),
      ...CONFIG_COMMANDS.map((s) => [s.name, s] as const),
      ...CONFIG_COMMANDS[0].subcommands!.map((s) =>
        [`config|${s.name}`, s] as const
      ),
    ];
    await withServer({ oracle: true }, async ([client]) => {
      for (const [name, spec] of specs) {
        const [info] = await client.call(
          "COMMAND",
          "INFO",
          name,
        ) as unknown[][];
        const [, arity, flags, first, last, step, categories, tips] = info;
        assert.equal(spec.arity, arity, name);
        assert.deepEqual(
          [...spec.flags].sort(),
          [...(flags as string[])].sort(),
          name,
        );
        assert.deepEqual([spec.firstKey, spec.lastKey, spec.step], [
          first,
          last,
          step,
        ]);
        assert.deepEqual(spec.aclCategories, categories, name);
        assert.deepEqual(spec.tips ?? [], tips, name);
      }
    });
  },
});
