/**
 * The configuration against redis-server 7.0.15: the set of names CONFIG
 * GET knows and their defaults, CONFIG SET's replies for bad and edge values
 * of every kind, immutable directives, and the fatal errors of bad values
 * given at start-up.
 */

import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { type Directive, DIRECTIVES } from "../../lib/config/directives.ts";
import { FatalConfigError, loadConfig } from "../../lib/config/load.ts";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import {
  hasRedisServer,
  runToExit,
  sameStartupFailures,
} from "../helpers/servers.ts";
import type { Reply } from "../helpers/resp_client.ts";

/**
 * Values that differ between two running servers by design: each listens on
 * its own free port and runs in its own temporary directory.
 */
const PER_INSTANCE = new Set(["port", "dir"]);

/** Our server with persistence off, as the oracle runs (save "", appendonly no). */
const NO_PERSISTENCE = { ourFlags: ["--save", "", "--appendonly", "no"] };

const HIDDEN = DIRECTIVES.filter((d) => d.hidden).map((d) => d.name);

/** A CONFIG GET reply (RESP2) as name -> value. */
function pairs(reply: Reply): Map<string, string> {
  assert.ok(Array.isArray(reply));
  const out = new Map<string, string>();
  for (let i = 0; i < reply.length; i += 2) {
    out.set(reply[i] as string, reply[i + 1] as string);
  }
  return out;
}

differentialTest(
  "CONFIG GET * knows the same names with the same defaults as redis-server",
  async (pair) => {
    const ours = pairs(await pair.ourClient.call("CONFIG", "GET", "*"));
    const theirs = pairs(await pair.oracleClient.call("CONFIG", "GET", "*"));
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    for (const [name, value] of theirs) {
      if (PER_INSTANCE.has(name)) continue;
      assert.equal(ours.get(name), value, name);
    }
    // Hidden directives: not matched by patterns, found by their exact name.
    for (const name of HIDDEN) {
      assert.ok(!theirs.has(name), name);
      await pair.same(["CONFIG", "GET", name]);
      await pair.same(["CONFIG", "GET", name.toUpperCase()]);
    }
  },
  NO_PERSISTENCE,
);

/** Values every directive is probed with, whatever its kind. */
const COMMON_PROBES = [
  "abc",
  "",
  "-1",
  "0",
  "7",
  "1.5",
  "0x1f",
  "+1",
  "010",
  "-9223372036854775809",
  "9223372036854775808",
  "18446744073709551616",
  "1kb",
  "2GB",
  "3m",
  "1x",
  "5%",
  "100%",
  "101%",
  "YES",
  "no",
  "Local",
];

/** Values for particular directives, on top of COMMON_PROBES. */
const EXTRA_PROBES: Record<string, string[]> = {
  "oom-score-adj": ["relative", "ABSOLUTE", "yes", "no"],
  "oom-score-adj-values": [
    "1 2 3",
    " 1 2",
    "1 2 ",
    "1 2 3000",
    "-2000 0 2000",
    "1 x 3",
    "1 2 3 4",
    "0 200 800",
  ],
  "latency-tracking-info-percentiles": [
    "50 99 99.9",
    "0x10 1e1 .5 5. +3 -0",
    "0.0000001 99.99999999 1e-300",
    "inf",
    "-inf",
    "nan",
    "1e400",
    "1e-400",
    " 1",
    "1  2",
    "100.0000001",
    "50 99 99.9",
  ],
  "proc-title-template": [
    "{title}",
    "{port}",
    "{title} {server-mode}",
    "{unixsocket}",
    "{unixsocket} {config-file}",
    "{listen-addr}",
    "{tls-port}",
    "a}{{",
    "a{",
    "{nope}",
    "{{title}",
    " ",
    "{title} {listen-addr} {server-mode}",
  ],
  "cluster-announce-hostname": [
    "a_b",
    "a.b-c",
    "a".repeat(255),
    "a".repeat(256),
    "",
  ],
  "maxmemory-clients": ["50%", "0%", "18446744073709551615", "0"],
  "repl-backlog-size": ["1", "16383", "16385", "1mb"],
  activedefrag: ["yes", "no"],
  "tls-port": ["6380", "0"],
  "tls-cluster": ["yes", "no"],
  "tls-replication": ["yes", "no"],
  "tls-auth-clients": ["optional", "yes"],
  "notify-keyspace-events": ["KEA", "Q", ""],
  "shutdown-on-sigint": ["now force", "save nosave", "default"],
  "hz": ["1000", "0", "10"],
  dbfilename: ["a/b", "x.rdb", "dump.rdb"],
};

/**
 * Directives CONFIG SET is not probed on: they move the listener, lock the
 * client out, start persistence or the watchdog, close idle clients, or
 * evict clients (small maxmemory-clients values); their own tests cover
 * them. maxmemory-clients is probed with the safe EXTRA_PROBES only.
 */
const NOT_PROBED = new Set([
  "port",
  "bind",
  "dir",
  "requirepass",
  "appendonly",
  "timeout",
  "save",
  "watchdog-period",
]);

function probesFor(d: Directive): string[] {
  const extra = EXTRA_PROBES[d.name] ?? [];
  if (d.name === "maxmemory-clients") {
    return [...COMMON_PROBES.filter((v) => !/^\d|^1x/.test(v)), ...extra];
  }
  return [...COMMON_PROBES, ...extra];
}

/** Runs `value` through CONFIG SET on both servers, then restores `original`. */
async function probe(
  pair: Pair,
  name: string,
  value: string,
  original: string,
): Promise<void> {
  await pair.same(["CONFIG", "SET", name, value], `${name}=${value}: `);
  await pair.same(["CONFIG", "GET", name], `after ${name}=${value}: `);
  const [ours, theirs] = await pair.both(["CONFIG", "SET", name, original]);
  assert.equal(ours, theirs, `restoring ${name}`);
}

differentialTest(
  "CONFIG SET replies and resulting values match redis-server for every directive",
  async (pair) => {
    for (const d of DIRECTIVES) {
      if (NOT_PROBED.has(d.name) || d.immutable) continue;
      for (const name of [d.name, ...(d.aliases ?? [])]) {
        const original = pairs(
          await pair.oracleClient.call("CONFIG", "GET", name),
        ).get(name)!;
        for (const value of probesFor(d)) {
          await probe(pair, name, value, original);
        }
      }
    }
  },
  NO_PERSISTENCE,
);

differentialTest(
  "CONFIG SET refuses every immutable directive with Redis's error",
  async (pair) => {
    const immutable = DIRECTIVES.filter((d) => d.immutable);
    assert.ok(immutable.length >= 30);
    for (const d of immutable) {
      for (const name of [d.name, ...(d.aliases ?? [])]) {
        for (const spelled of [name, name.toUpperCase()]) {
          const reply = await pair.same(["CONFIG", "SET", spelled, "x"]);
          assert.equal(
            reply,
            `-ERR CONFIG SET failed (possibly related to argument '${spelled}') - can't set immutable config\r\n`,
          );
        }
      }
    }
    // Several pairs: the immutable one is named, nothing changes.
    await pair.same(["CONFIG", "SET", "maxmemory", "1mb", "daemonize", "yes"]);
    await pair.same(["CONFIG", "GET", "maxmemory"]);
    await pair.same(["CONFIG", "SET", "tls-port", "6390", "maxmemory", "2mb"]);
    await pair.same(["CONFIG", "GET", "maxmemory"]);
    await pair.same(["CONFIG", "SET", "repl-backlog-size", "1", "hz", "x"]);
    await pair.same(["CONFIG", "GET", "repl-backlog-size"]);
  },
  NO_PERSISTENCE,
);

/** Bad (and some valid) values given at start-up, by kind. */
const STARTUP_PROBES: Record<string, string[]> = {
  bool: ["maybe", "", "1", "Yes"],
  int: ["abc", "-1", "99999999999999999999", "1.5", "0x1f", "+1", "", "010"],
  memory: ["abc", "-1", "1.5gb", "99999999999999999999", "1x", "", "10%"],
  enum: ["nope", "", "YES", "Local"],
  string: [],
  special: [],
};

/** Start-up probes for particular directives. */
const STARTUP_EXTRA: Record<string, string[][]> = {
  replicaof: [["a"], ["a", "b"], ["a", "99999"], ["a", "1", "2"], [""]],
  "oom-score-adj-values": [["1", "2"], ["1", "2", "3000"], ["a b c"]],
  "latency-tracking-info-percentiles": [["1", "x"], ["101"], ["1 x"]],
  "maxmemory-clients": [["101%"], ["-5%"], ["50%"]],
  unixsocketperm: [["999"], ["1777"], ["-1"], ["zzz"], ["0777"]],
  appendfilename: [[""], ["a/b"], ["a\\b"]],
  appenddirname: [[""], ["a/b"], ["a\\b"]],
  dbfilename: [["a/b"], ["a\\b"], [""]],
  "proc-title-template": [["{title}"], ["{x}"], ["a{"]],
  "cluster-announce-hostname": [["a_b"]],
  logfile: [["/nonexistent-dir/x.log"]],
  save: [["0", "1"], ["a"], ["1"]],
  bind: [[
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
  ]],
  "client-output-buffer-limit": [["normal 1 2"], ["master 1 2 3"]],
  "notify-keyspace-events": [["Q"]],
  dir: [["/nonexistent-dir"]],
  "shutdown-on-sigterm": [["save", "nosave"], ["x"]],
};

/** Valid start-up values the oracle must not be given: they would fork it. */
function harmful(name: string, words: readonly string[]): boolean {
  return name === "daemonize" && words[0]?.toLowerCase() === "yes";
}

/** Our fatal error for `args`, read in-process like main.ts reads it, or "". */
function ourStartupError(args: string[], dir: string): string {
  const cwd = Deno.cwd();
  Deno.chdir(dir);
  try {
    loadConfig(args, dir);
    return "";
  } catch (error) {
    if (error instanceof FatalConfigError) return error.message;
    throw error;
  } finally {
    Deno.chdir(cwd);
  }
}

Deno.test({
  name:
    "start-up errors for bad values of every directive match redis-server's",
  ignore: !hasRedisServer(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "redis-ts-config-" });
    try {
      const cases: string[][] = [];
      for (const d of DIRECTIVES) {
        const probes = [
          ...STARTUP_PROBES[d.kind].map((v) => [v]),
          ...STARTUP_EXTRA[d.name] ?? [],
        ];
        for (const words of probes) {
          if (harmful(d.name, words)) continue;
          // Port 0 makes the oracle exit right after reading its
          // configuration ("Configured to not listen anywhere").
          cases.push(["--port", "0", `--${d.name}`, ...words]);
        }
      }
      cases.push(["--slaveof", "a", "b"], ["--SLAVE-PRIORITY", "x"]);
      cases.push(["--cluster-enabled", "yes", "--replicaof", "127.0.0.1", "1"]);
      cases.push(["--sentinel-x", "1"], ["--foo.bar"]);
      let checked = 0;
      // The oracle runs in parallel batches; ours reads each in-process.
      for (let i = 0; i < cases.length; i += 16) {
        const batch = cases.slice(i, i + 16);
        const results = await Promise.all(
          batch.map((args) => runToExit({ oracle: true, args, cwd: dir })),
        );
        for (let j = 0; j < batch.length; j++) {
          const args = batch[j];
          const expected = results[j].stderr;
          const fatal = expected.includes("*** FATAL CONFIG FILE ERROR");
          const actual = ourStartupError(args, dir);
          assert.equal(actual, fatal ? expected : "", args.join(" "));
          if (fatal) checked++;
        }
      }
      assert.ok(checked > 300, `only ${checked} fatal errors compared`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "start-up errors of new directives are printed like redis-server's",
  ignore: !hasRedisServer(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "redis-ts-config-" });
    try {
      const cases = [
        ["--unixsocketperm", "999"],
        ["--maxmemory-clients", "101%"],
        ["--replicaof", "a", "b"],
        ["--daemonize", "maybe"],
        ["--supervised", "x"],
        ["--io-threads", "0"],
        ["--logfile", "/nonexistent-dir/x.log"],
        ["--cluster-enabled", "yes", "--slaveof", "127.0.0.1", "1"],
        ["--activedefrag", "yes"],
        ["--oom-score-adj-values", "1", "2"],
        ["--proc-title-template", "{title}"],
        ["--appendfilename", ""],
      ];
      await sameStartupFailures(cases, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("the README lists exactly the directives accepted but not enforced", async () => {
  const readme = await Deno.readTextFile(
    new URL("../../README.md", import.meta.url),
  );
  const start = readme.indexOf("<!-- not-enforced:start -->");
  const end = readme.indexOf("<!-- not-enforced:end -->");
  assert.ok(start >= 0 && end > start, "README markers");
  const listed = [...readme.slice(start, end).matchAll(/`([a-z0-9_-]+)`/g)]
    .map((m) => m[1]);
  const expected = DIRECTIVES.filter((d) => d.notEnforced).map((d) => d.name);
  assert.deepEqual([...listed].sort(), [...expected].sort());
});

Deno.test("a fresh configuration reports every directive", () => {
  const config = new Config(Deno.cwd());
  const names = config.entries(true).map(([name]) => name);
  // 192 names CONFIG GET * lists in redis-server 7.0.15, and 6 hidden ones.
  assert.equal(names.length, 198);
});
