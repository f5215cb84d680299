/**
 * CONFIG REWRITE: the rewriting of config text, the safe replacement of the
 * file, and end-to-end runs against redis-server 7.0.15 on copies of the
 * same config file.
 */

import { FileWriteError, replaceFileSafely } from "../../lib/util/files.ts";
import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { DIRECTIVES } from "../../lib/config/directives.ts";
import { applyConfigText } from "../../lib/config/load.ts";
import {
  ConfigRewriteError,
  formatMemory,
  quoteConfigValue,
  REWRITE_SIGNATURE,
  rewriteConfigFile,
  rewriteConfigText,
} from "../../lib/config/rewrite.ts";
import { latin1 } from "../helpers/bytes.ts";
import { differentialTest } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import {
  hasRedisServer,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";

const cwd = Deno.cwd();

/** The lines always written for a default configuration (dir, save, percentiles). */
function forcedLines(): string[] {
  return [
    REWRITE_SIGNATURE,
    `dir ${quoteConfigValue(cwd)}`,
    "save 3600 1",
    "save 300 100",
    "save 60 10000",
    "latency-tracking-info-percentiles 50 99 99.9",
  ];
}

/** Rewrites `old` for `config` and returns the lines (no final empty one). */
function rewrite(
  old: string,
  config = new Config(cwd),
  users: readonly string[] = [],
): string[] {
  const text = rewriteConfigText(old, config, { users });
  assert.ok(text === "" || text.endsWith("\n"));
  return text.split("\n").slice(0, -1);
}

Deno.test("rewrite: comments, blank lines and other keywords stay; unknown lines become comments", () => {
  const old = [
    "# top comment",
    "   # indented comment   ",
    "",
    "",
    "include /etc/redis/extra.conf",
    'rename-command FLUSHALL ""',
    "user bob on",
    "sentinel monitor x",
    "loadmodule /lib/mod.so",
    "no-such-directive 1",
    "list-max-ziplist-entries 512",
    'port "unbalanced',
    '""',
    "include",
  ].join("\n");
  // User lines are the ACL's users, written in place of the old ones.
  const users = ["user bob on resetchannels -@all"];
  assert.deepEqual(rewrite(old, new Config(cwd), users), [
    "# top comment",
    "# indented comment",
    "",
    "include /etc/redis/extra.conf",
    'rename-command FLUSHALL ""',
    "user bob on resetchannels -@all",
    "sentinel monitor x",
    // No modules are loaded: the line goes, as in Redis.
    "",
    "# ??? no-such-directive 1",
    // A deprecated directive is not one Redis can rewrite.
    "# ??? list-max-ziplist-entries 512",
    '# ??? port "unbalanced',
    '# ??? ""',
    "include",
    ...forcedLines(),
  ]);
});

Deno.test("rewrite: changed values replace their lines in place, aliases take the new name, extra lines go", () => {
  const config = new Config(cwd);
  config.set("maxmemory", "1gb");
  config.set("timeout", "30");
  config.set("hash-max-listpack-entries", "256");
  config.set("save", "900 1");
  config.set("appendonly", "yes");
  const old = [
    "timeout 5",
    "  MaxMemory 100mb  ",
    "save 1 1",
    "hash-max-ziplist-entries 100",
    "",
    "save 2 2",
    "",
    "timeout 6",
    "appendonly no",
  ].join("\n") + "\n";
  assert.deepEqual(rewrite(old, config), [
    "timeout 30",
    "maxmemory 1gb",
    "save 900 1",
    "hash-max-listpack-entries 256",
    // The blank lines around the second save and timeout lines become one.
    "",
    "appendonly yes",
    // The file's final newline leaves an empty last line, as in Redis.
    "",
    REWRITE_SIGNATURE,
    `dir ${quoteConfigValue(cwd)}`,
    "latency-tracking-info-percentiles 50 99 99.9",
  ]);
});

Deno.test("rewrite: a value back at its default keeps its line, with the default in it", () => {
  const old = [
    "maxmemory 100mb",
    "notify-keyspace-events Ex",
    "appendonly yes",
    "slave-priority 5",
    'dbfilename "x.rdb"',
    "client-output-buffer-limit pubsub 1mb 1mb 1",
    "shutdown-on-sigterm now",
    "",
  ].join("\n");
  assert.deepEqual(rewrite(old), [
    "maxmemory 0",
    'notify-keyspace-events ""',
    "appendonly no",
    "replica-priority 100",
    'dbfilename "dump.rdb"',
    // The first class written (normal) takes the line.
    "client-output-buffer-limit normal 0 0 0",
    "shutdown-on-sigterm default",
    "",
    ...forcedLines(),
  ]);
});

Deno.test("rewrite: unset strings, the default bind and no replicaof leave no line", () => {
  const old = [
    'requirepass "secret"',
    "masterauth x",
    "pidfile /run/x.pid",
    "tls-cert-file c.pem",
    "bind 127.0.0.1",
    "slaveof 10.0.0.1 6379",
    "replicaof 10.0.0.2 6379",
    'logfile ""',
    "ignore-warnings ARM64-COW-BUG",
  ].join("\n");
  assert.deepEqual(rewrite(old), [
    "",
    // Strings whose empty value is an ordinary value keep theirs.
    'logfile ""',
    'ignore-warnings ""',
    ...forcedLines(),
  ]);
});

Deno.test("rewrite: replicaof is written from its value and removed when empty", () => {
  const config = new Config(cwd);
  config.set("replicaof", "10.0.0.1 6380");
  assert.deepEqual(rewrite("port 6379\nslaveof 1.2.3.4 5\n", config), [
    "port 6379",
    "replicaof 10.0.0.1 6380",
    "",
    ...forcedLines(),
  ]);
  assert.ok(rewrite("", config).includes("replicaof 10.0.0.1 6380"));
  config.set("replicaof", "no one");
  assert.deepEqual(rewrite("slaveof 10.0.0.1 6380\n", config), [
    "",
    ...forcedLines(),
  ]);
  // A cluster node has no replicaof line, as in Redis.
  config.set("replicaof", "10.0.0.1 6380");
  config.set("cluster-enabled", "yes");
  assert.ok(!rewrite("", config).some((l) => l.startsWith("replicaof")));
});

Deno.test("rewrite: new values are appended after one signature line", () => {
  const config = new Config(cwd);
  config.set("hz", "20");
  // Appended in the order of the directive table.
  assert.deepEqual(rewrite("", config), [
    REWRITE_SIGNATURE,
    "hz 20",
    ...forcedLines().slice(1),
  ]);
  const once = rewriteConfigText("port 1", config);
  config.set("timeout", "9");
  const twice = rewrite(once, config);
  assert.equal(twice.filter((l) => l === REWRITE_SIGNATURE).length, 1);
  assert.equal(twice.at(-1), "timeout 9");
});

Deno.test("rewrite: values are written as Redis writes them", () => {
  const config = new Config(cwd);
  const changes: [string, string][] = [
    ["proto-max-bulk-len", "1000000000"],
    ["client-query-buffer-limit", "2gb"],
    ["stream-node-max-bytes", "3072"],
    ["maxmemory-clients", "10%"],
    ["cluster-link-sendbuf-limit", "9223372036854775808"],
    ["maxmemory", "18446744073709551615"],
    ["unixsocketperm", "700"],
    ["hz", "1000"],
    ["oom-score-adj", "relative"],
    ["notify-keyspace-events", "KEA"],
    ["ignore-warnings", 'a "q"\\ \n\t\x01\xc3\xa9'],
    ["shutdown-on-sigint", "now save"],
    ["latency-tracking-info-percentiles", "99.99 1.5"],
    ["client-output-buffer-limit", "normal 1500 1k 3 pubsub 1gb 2049 0"],
    ["oom-score-adj-values", "1 2 3"],
    ["bind", "127.0.0.1 -::1"],
    ["daemonize", "yes"],
    ["key-load-delay", "5"],
    ["list-max-listpack-size", "-5"],
  ];
  for (const [name, value] of changes) config.set(name, value);
  const lines = new Set(rewrite("", config));
  for (
    const line of [
      "proto-max-bulk-len 1000000000",
      "client-query-buffer-limit 2gb",
      "stream-node-max-bytes 3kb",
      "maxmemory-clients 10%",
      // Redis formats byte counts as signed numbers.
      "cluster-link-sendbuf-limit -8589934592gb",
      "maxmemory -1",
      "unixsocketperm 700",
      "hz 500",
      "oom-score-adj yes",
      'notify-keyspace-events "AKE"',
      'ignore-warnings "a \\"q\\"\\\\ \\n\\t\\x01\\xc3\\xa9"',
      "shutdown-on-sigint save now",
      "latency-tracking-info-percentiles 99.99 1.5",
      "client-output-buffer-limit normal 1500 1000 3",
      "client-output-buffer-limit pubsub 1gb 2049 0",
      "oom-score-adj-values 1 2 3",
      "bind 127.0.0.1 -::1",
      // Immutable and hidden directives are rewritten like the others.
      "daemonize yes",
      "key-load-delay 5",
      "list-max-listpack-size -5",
    ]
  ) {
    assert.ok(lines.has(line), line);
  }
  // The replica class keeps its default: no line for it.
  assert.ok(![...lines].some((l) => l.includes(" replica ")));
  config.set("client-output-buffer-limit", "slave 1mb 2 3");
  assert.ok(
    rewrite("", config).includes("client-output-buffer-limit replica 1mb 2 3"),
  );
  config.set("save", "");
  config.set("bind", "");
  config.set("latency-tracking-info-percentiles", "");
  const cleared = new Set(rewrite("", config));
  for (
    const line of ['save ""', 'bind ""', 'latency-tracking-info-percentiles ""']
  ) {
    assert.ok(cleared.has(line), line);
  }
});

Deno.test("rewrite: quoting and memory formats", () => {
  assert.equal(quoteConfigValue(""), '""');
  assert.equal(quoteConfigValue("a b"), '"a b"');
  assert.equal(
    quoteConfigValue('\\"\r\x07\x08\x7f'),
    '"\\\\\\"\\r\\a\\b\\x7f"',
  );
  assert.equal(formatMemory("0"), "0");
  assert.equal(formatMemory("1023"), "1023");
  assert.equal(formatMemory("1024"), "1kb");
  assert.equal(formatMemory("1048576"), "1mb");
  assert.equal(formatMemory("3221225472"), "3gb");
  assert.equal(formatMemory("1000"), "1000");
});

Deno.test("rewrite: the rewritten text loads back into the same configuration", () => {
  const config = new Config(cwd);
  const changes: [string, string][] = [
    ["maxmemory", "3mb"],
    ["maxmemory-clients", "5%"],
    ["save", "10 1 20 2"],
    ["client-output-buffer-limit", "replica 1mb 2 3"],
    ["notify-keyspace-events", "Kx"],
    ["ignore-warnings", 'x "y"\n\xff'],
    ["masterauth", "p w"],
    ["requirepass", "a\\b"],
    ["replicaof", "10.1.1.1 7000"],
    ["shutdown-on-sigterm", "force nosave"],
    ["latency-tracking-info-percentiles", ""],
    ["bind", "127.0.0.1"],
    ["oom-score-adj-values", "-1 0 1"],
    ["dbfilename", "a b.rdb"],
    ["appendonly", "yes"],
    ["unixsocketperm", "755"],
    ["slowlog-log-slower-than", "-1"],
  ];
  for (const [name, value] of changes) config.set(name, value);
  const loaded = new Config(cwd);
  applyConfigText(loaded, rewriteConfigText("port 7000\n", config));
  assert.deepEqual(loaded.entries(true), config.entries(true));
});

Deno.test("rewriteConfigFile writes a new file in place of the old one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-rewrite-" });
  try {
    const path = `${dir}/redis.conf`;
    await Deno.writeTextFile(path, "# mine\ntimeout 5\n");
    const before = (await Deno.stat(path)).ino;
    const config = new Config(cwd);
    config.set("timeout", "7");
    config.configFile = path;
    rewriteConfigFile(config);
    const text = await Deno.readTextFile(path);
    assert.ok(text.startsWith("# mine\ntimeout 7\n\n# Generated by"));
    // A new file was renamed over the old one; no temporary file is left.
    assert.notEqual((await Deno.stat(path)).ino, before);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name),
      ["redis.conf"],
    );
    const umask = Deno.umask();
    Deno.umask(umask);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o644 & ~umask);
    // A missing file is written from nothing.
    await Deno.remove(path);
    rewriteConfigFile(config);
    assert.match(
      await Deno.readTextFile(path),
      /^# Generated by.*\ntimeout 7$/m,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rewriteConfigFile fails with the OS's reason and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-rewrite-" });
  const reason = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      assert.ok(
        error instanceof ConfigRewriteError || error instanceof FileWriteError,
      );
      return error.message;
    }
    throw new Error("expected a rewrite error");
  };
  try {
    const config = new Config(cwd);
    config.configFile = `${dir}/missing/redis.conf`;
    assert.equal(
      reason(() => rewriteConfigFile(config)),
      "No such file or directory",
    );
    await Deno.mkdir(`${dir}/conf.d`);
    config.configFile = `${dir}/conf.d`;
    assert.equal(reason(() => rewriteConfigFile(config)), "Is a directory");
    await Deno.writeTextFile(`${dir}/conf.d/x`, "");
    // Renaming a file over a directory fails; the temporary file goes.
    assert.equal(
      reason(() => replaceFileSafely(`${dir}/conf.d`, new Uint8Array(1))),
      "Is a directory",
    );
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name),
      ["conf.d"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// End-to-end runs: the oracle and our server, each on its own copy of a
// config file, get the same commands; then their rewritten files are
// compared. The path of each server's directory is written <DIR>.

const oracleMissing = !hasRedisServer();

/** One server of a run, with its directory and config file. */
interface Side {
  readonly dir: string;
  readonly file: string;
  readonly server: TestServer;
  readonly client: RespClient;
}

/**
 * Starts the oracle and our server on copies of `text` (with <DIR> standing
 * for each one's directory; `extraFiles` are written there too), runs
 * `body`, and stops both whatever happens.
 */
async function withCopies(
  text: string,
  extraFiles: Record<string, string>,
  body: (ours: Side, redis: Side) => Promise<void>,
  at = "redis.conf",
): Promise<void> {
  const sides: Side[] = [];
  const dirs: string[] = [];
  try {
    for (const oracle of [false, true]) {
      const dir = await Deno.makeTempDir({ prefix: "redis-ts-rewrite-" });
      dirs.push(dir);
      const file = `${dir}/${at}`;
      await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), {
        recursive: true,
      });
      await Deno.writeTextFile(file, text.replaceAll("<DIR>", dir));
      for (const [name, content] of Object.entries(extraFiles)) {
        await Deno.writeTextFile(`${dir}/${name}`, content);
      }
      const server = await startServer({
        oracle,
        configFile: file,
        dir,
        // The oracle runs with RDB and AOF off; so does ours.
        flags: oracle ? [] : ["--save", "", "--appendonly", "no"],
      });
      let client: RespClient;
      try {
        client = await server.connect();
      } catch (error) {
        await server.stop();
        throw error;
      }
      sides.push({ dir, file, server, client });
    }
    await body(sides[0], sides[1]);
  } finally {
    for (const side of sides) {
      side.client.close();
      await side.server.stop();
    }
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
}

/** Sends `args` (<DIR> replaced) to both servers and asserts identical replies. */
async function same(ours: Side, redis: Side, args: string[]): Promise<string> {
  const [a, b] = await Promise.all([ours, redis].map(async (side) =>
    latin1(
      await side.client.callRaw(
        ...args.map((arg) => arg.replaceAll("<DIR>", side.dir)),
      ),
    )
  ));
  assert.equal(a, b, `${JSON.stringify(args)}: ours ${a}, redis ${b}`);
  return a;
}

/**
 * A rewritten file in a comparable form: <DIR> for the directory, <PORT>
 * for the port; `user` lines (ACL users, which this server does not have)
 * left out. Lines up to the signature keep their order; the appended ones,
 * whose order in Redis is its hash table's, are sorted and blank ones dropped.
 */
async function normalised(
  side: Side,
): Promise<{ kept: string[]; added: string[] }> {
  const lines = (await Deno.readTextFile(side.file))
    .replaceAll(side.dir, "<DIR>")
    .split("\n")
    .map((line) => line.replace(/^port \d+$/, "port <PORT>"))
    .filter((line) => !line.startsWith("user "));
  const cut = lines.indexOf(REWRITE_SIGNATURE);
  if (cut < 0) return { kept: lines, added: [] };
  return {
    kept: lines.slice(0, cut),
    added: lines.slice(cut + 1).filter((line) => line !== "").sort(),
  };
}

/** CONFIG REWRITE on both, with the same reply, then the same files. */
async function sameRewrite(
  ours: Side,
  redis: Side,
  command = ["CONFIG", "REWRITE"],
): Promise<void> {
  assert.equal(await same(ours, redis, command), "+OK\r\n");
  assert.deepEqual(await normalised(ours), await normalised(redis));
}

const HAND_WRITTEN = `# A config file for CONFIG REWRITE
   # indented comment

enable-protected-configs yes
save 900 1
save 300 10
maxmemory 100mb
timeout 5

timeout 6
hash-max-ziplist-entries 100
slave-priority 50
list-max-ziplist-entries 512
include <DIR>/extra.conf
notify-keyspace-events Ex
  loglevel   verbose
slaveof 127.0.0.1 1
`;

Deno.test({
  name:
    "differential: CONFIG REWRITE after CONFIG SET rewrites the file as redis-server does",
  ignore: oracleMissing,
  fn: () =>
    withCopies(
      HAND_WRITTEN,
      { "extra.conf": "maxmemory-policy allkeys-lru\n" },
      async (ours, redis) => {
        await Deno.mkdir(`${ours.dir}/sub`);
        await Deno.mkdir(`${redis.dir}/sub`);
        // Nothing changed yet: the file's own values come back.
        await sameRewrite(ours, redis);
        const first = [
          ["maxmemory", "1gb"],
          ["timeout", "0"],
          ["notify-keyspace-events", "KEA"],
          ["save", "60 5 120 50 3600 1"],
          ["hash-max-ziplist-entries", "512"],
          [
            "client-output-buffer-limit",
            "pubsub 64mb 16mb 90 replica 128mb 32mb 30",
          ],
          ["maxmemory-clients", "10%"],
          ["latency-tracking-info-percentiles", "99 99.9"],
          ["shutdown-on-sigterm", "nosave now"],
          ["ignore-warnings", 'say "hi"\n'],
          ["hz", "1000"],
          ["masterauth", "p w"],
          ["appendonly", "yes"],
          ["dbfilename", "my dump.rdb"],
          ["list-max-listpack-size", "-3"],
          ["slowlog-log-slower-than", "-1"],
          ["proto-max-bulk-len", "1000000000"],
          ["loglevel", "notice"],
        ];
        for (const [name, value] of first) {
          await same(ours, redis, ["CONFIG", "SET", name, value]);
        }
        await sameRewrite(ours, redis);
        // Back to defaults, and a new dir.
        await same(ours, redis, ["CONFIG", "SET", "appendonly", "no"]);
        await same(ours, redis, ["CONFIG", "SET", "dir", "<DIR>/sub"]);
        await same(ours, redis, [
          "CONFIG",
          "SET",
          "save",
          "",
          "maxmemory",
          "0",
          "notify-keyspace-events",
          "",
          "maxmemory-clients",
          "0",
          "client-output-buffer-limit",
          "pubsub 32mb 8mb 60",
          "masterauth",
          "",
          "latency-tracking-info-percentiles",
          "",
          "slave-priority",
          "100",
        ]);
        await sameRewrite(ours, redis);
        // And once more with nothing changed.
        await sameRewrite(ours, redis);
      },
    ),
});

/** Every directive at its default value, quoted (replicaof has none to write). */
function everyDefault(): string {
  return DIRECTIVES.filter((d) => d.name !== "replicaof" && d.name !== "dir")
    .map((d) =>
      d.multiArg
        ? `${d.name} ${d.defaultValue === "" ? '""' : d.defaultValue}`
        : `${d.name} ${quoteConfigValue(d.defaultValue)}`
    ).join("\n") + "\n";
}

Deno.test({
  name:
    "differential: DEBUG CONFIG-REWRITE-FORCE-ALL writes every directive as redis-server does",
  ignore: oracleMissing,
  fn: () =>
    withCopies(
      "enable-debug-command yes\nsave 900 1\ntimeout 5\n",
      {},
      async (ours, redis) => {
        await same(ours, redis, ["CONFIG", "SET", "maxmemory", "1mb"]);
        await sameRewrite(ours, redis, ["DEBUG", "CONFIG-REWRITE-FORCE-ALL"]);
      },
    ),
});
Deno.test({
  name:
    "differential: CONFIG REWRITE of a file naming every directive at its default",
  ignore: oracleMissing,
  fn: () =>
    withCopies(everyDefault(), {}, (ours, redis) => sameRewrite(ours, redis)),
});

const STRINGS = `syslog-ident ident
cluster-config-file ""
replica-announce-ip 1.2.3.4
masteruser u
cluster-announce-ip 1.2.3.5
cluster-announce-hostname h.x
server_cpulist 0
bio_cpulist 0
aof_rewrite_cpulist 0
bgsave_cpulist 0
ignore-warnings ARM64-COW-BUG
bind-source-addr 127.0.0.1
masterauth x
tls-cert-file c
tls-key-file k
tls-key-file-pass kp
tls-client-cert-file cc
tls-client-key-file ck
tls-client-key-file-pass ckp
tls-dh-params-file dh
tls-ca-cert-file ca
tls-ca-cert-dir cad
tls-protocols TLSv1.2
tls-ciphers DEFAULT
tls-ciphersuites X
unixsocketperm 700
hz 0
maxmemory-clients 0%
supervised auto
daemonize no`;

Deno.test({
  name: "differential: CONFIG REWRITE of string and immutable directives",
  ignore: oracleMissing,
  fn: () =>
    withCopies(STRINGS, {}, async (ours, redis) => {
      await sameRewrite(ours, redis);
      for (
        const name of ["replica-announce-ip", "masteruser", "tls-cert-file"]
      ) {
        await same(ours, redis, ["CONFIG", "SET", name, ""]);
      }
      await sameRewrite(ours, redis);
    }),
});

Deno.test({
  name: "differential: CONFIG REWRITE failures give redis-server's errors",
  ignore: oracleMissing,
  fn: () =>
    withCopies("timeout 5\n", {}, async (ours, redis) => {
      for (const side of [ours, redis]) await Deno.remove(side.file);
      // A missing file is written from nothing.
      await sameRewrite(ours, redis);
      for (const side of [ours, redis]) {
        await Deno.remove(side.file);
        await Deno.mkdir(side.file);
      }
      assert.equal(
        await same(ours, redis, ["CONFIG", "REWRITE"]),
        "-ERR Rewriting config file: Is a directory\r\n",
      );
    }),
});

Deno.test({
  name: "differential: CONFIG REWRITE when the file's directory is gone",
  ignore: oracleMissing,
  fn: () =>
    withCopies("timeout 5\n", {}, async (ours, redis) => {
      for (const side of [ours, redis]) {
        await Deno.remove(`${side.dir}/conf`, { recursive: true });
      }
      assert.equal(
        await same(ours, redis, ["CONFIG", "REWRITE"]),
        "-ERR Rewriting config file: No such file or directory\r\n",
      );
    }, "conf/redis.conf"),
});

Deno.test({
  name:
    "differential: CONFIG REWRITE after REPLICAOF writes or removes the replicaof line",
  ignore: oracleMissing,
  fn: () =>
    withCopies("# replica\nslaveof 127.0.0.1 1\n", {}, async (ours, redis) => {
      await sameRewrite(ours, redis);
      await same(ours, redis, ["REPLICAOF", "NO", "ONE"]);
      await sameRewrite(ours, redis);
      await same(ours, redis, ["REPLICAOF", "127.0.0.1", "2"]);
      await sameRewrite(ours, redis);
      const text = await Deno.readTextFile(ours.file);
      assert.ok(text.includes("\nreplicaof 127.0.0.1 2\n"));
    }),
});

differentialTest(
  "differential: CONFIG REWRITE without a config file, and its arity and metadata",
  async (pair) => {
    assert.equal(
      await pair.same(["CONFIG", "REWRITE"]),
      "-ERR The server is running without a config file\r\n",
    );
    await pair.same(["CONFIG", "REWRITE", "extra"]);
    await pair.same(["config", "rewrite"]);
    await pair.same(["COMMAND", "INFO", "config|rewrite"]);
    await pair.same(["CONFIG", "HELP"]);
    const docs = async (client: RespClient) => {
      const reply = await client.call("COMMAND", "DOCS", "config|rewrite") as [
        string,
        string[],
      ];
      const fields = new Map<string, string>();
      for (let i = 0; i < reply[1].length; i += 2) {
        fields.set(reply[1][i], reply[1][i + 1]);
      }
      return [
        fields.get("since"),
        fields.get("group"),
        fields.get("complexity"),
      ];
    };
    assert.deepEqual(await docs(pair.ourClient), await docs(pair.oracleClient));
  },
);
