import assert from "node:assert/strict";
import {
  Config,
  ConfigError,
  ConfigSetError,
  findDirective,
  splitConfigSetWords,
} from "../../lib/config/config.ts";
import { DIRECTIVES, parseMemoryValue } from "../../lib/config/directives.ts";

const cwd = Deno.cwd();

function reason(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError || error instanceof ConfigSetError);
    return error.message;
  }
  throw new Error("expected an error");
}

Deno.test("defaults are Redis 7.0's", () => {
  const config = new Config(cwd);
  assert.equal(config.get("port"), "6379");
  assert.equal(config.get("bind"), "* -::*");
  assert.equal(config.get("save"), "3600 1 300 100 60 10000");
  assert.equal(config.get("proto-max-bulk-len"), "536870912");
  assert.equal(config.get("client-query-buffer-limit"), "1073741824");
  assert.equal(config.get("dir"), cwd);
  assert.equal(config.number("databases"), 16);
  assert.equal(config.flag("protected-mode"), true);
  assert.equal(config.flag("appendonly"), false);
});

Deno.test("names and aliases are case-insensitive", () => {
  assert.equal(findDirective("PORT")?.name, "port");
  assert.equal(
    findDirective("hash-max-ziplist-entries")?.name,
    "hash-max-listpack-entries",
  );
  assert.equal(findDirective("nope"), undefined);
  const names = new Config(cwd).entries().map(([n]) => n);
  assert.ok(names.includes("hash-max-ziplist-entries"));
  assert.ok(names.includes("lua-time-limit"));
  assert.equal(new Set(names).size, names.length);
});

Deno.test("bool, int, memory and enum validation use Redis's texts", () => {
  const config = new Config(cwd);
  assert.equal(
    reason(() => config.set("appendonly", "maybe")),
    "argument must be 'yes' or 'no'",
  );
  config.set("appendonly", "YES");
  assert.equal(config.get("appendonly"), "yes");
  for (
    const bad of ["abc", "05", "+5", "-0", "", "1.5", "99999999999999999999"]
  ) {
    assert.equal(
      reason(() => config.set("timeout", bad)),
      "argument couldn't be parsed into an integer",
    );
  }
  assert.equal(
    reason(() => config.set("timeout", "-1")),
    "argument must be between 0 and 2147483647 inclusive",
  );
  assert.equal(
    reason(() => config.set("maxclients", "0")),
    "argument must be between 1 and 4294967295 inclusive",
  );
  for (const bad of ["-1", "1.5gb", "+5", "1x"]) {
    assert.equal(
      reason(() => config.set("maxmemory", bad)),
      "argument must be a memory value",
    );
  }
  config.set("maxmemory", "1GB");
  assert.equal(config.get("maxmemory"), String(1024 ** 3));
  config.set("maxmemory", "2k");
  assert.equal(config.number("maxmemory"), 2000);
  assert.equal(
    reason(() => config.set("proto-max-bulk-len", "1000")),
    "argument must be between 1048576 and 9223372036854775807 inclusive",
  );
  assert.equal(
    reason(() => config.set("loglevel", "loud")),
    "argument(s) must be one of the following: debug, verbose, notice, warning",
  );
  config.set("maxmemory-policy", "ALLKEYS-LRU");
  assert.equal(config.get("maxmemory-policy"), "allkeys-lru");
});

Deno.test("memory values parse like memtoull", () => {
  assert.equal(parseMemoryValue("512mb"), 512n * 1024n * 1024n);
  assert.equal(parseMemoryValue("1K"), 1000n);
  assert.equal(parseMemoryValue("5b"), 5n);
  assert.equal(parseMemoryValue(""), 0n);
  assert.equal(parseMemoryValue("007"), 7n);
  assert.equal(parseMemoryValue("99999999999999999999"), 2n ** 64n - 1n);
  assert.equal(parseMemoryValue(" 5"), null);
  assert.equal(parseMemoryValue("5 mb"), null);
});

Deno.test("hz is brought into 1..500", () => {
  const config = new Config(cwd);
  config.set("hz", "1000");
  assert.equal(config.get("hz"), "500");
  config.set("hz", "0");
  assert.equal(config.get("hz"), "1");
});

Deno.test("save takes pairs of seconds >= 1 and changes >= 0", () => {
  const config = new Config(cwd);
  config.set("save", "");
  assert.equal(config.get("save"), "");
  config.set("save", "10 0 20 5");
  assert.equal(config.get("save"), "10 0 20 5");
  for (const bad of ["1", "0 1", "1 -1", "a b", "  1   2  "]) {
    assert.equal(
      reason(() => config.set("save", bad)),
      "Invalid save parameters",
    );
  }
  assert.deepEqual(splitConfigSetWords(" 1"), ["", "1"]);
});

Deno.test("notify-keyspace-events is normalised like Redis prints it", () => {
  const config = new Config(cwd);
  const cases: [string, string][] = [
    ["KEA", "AKE"],
    ["g$lshzxet", "g$lshzxet"],
    ["g$lshzxetd", "A"],
    ["An", "A"],
    ["Am", "Am"],
    ["nd", "dn"],
    ["ndgK", "gdnK"],
    ["", ""],
  ];
  for (const [input, shown] of cases) {
    config.set("notify-keyspace-events", input);
    assert.equal(config.get("notify-keyspace-events"), shown, input);
  }
  assert.equal(
    reason(() => config.set("notify-keyspace-events", "Q")),
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
  );
});

Deno.test("client-output-buffer-limit keeps classes not named", () => {
  const config = new Config(cwd);
  config.set("client-output-buffer-limit", "NORMAL 1kb 2 3 replica 1 2 3");
  assert.equal(
    config.get("client-output-buffer-limit"),
    "normal 1024 2 3 slave 1 2 3 pubsub 33554432 8388608 60",
  );
  assert.equal(
    reason(() => config.set("client-output-buffer-limit", "normal 1 2")),
    "Wrong number of arguments in buffer limit configuration.",
  );
  assert.equal(
    reason(() => config.set("client-output-buffer-limit", "foo 1 2 3")),
    "Invalid client class specified in buffer limit configuration.",
  );
  assert.equal(
    reason(() => config.set("client-output-buffer-limit", "normal 1 1 -1")),
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
  );
});

Deno.test("file names cannot be paths", () => {
  const config = new Config(cwd);
  assert.equal(
    reason(() => config.set("dbfilename", "a/b")),
    "dbfilename can't be a path, just a filename",
  );
});

Deno.test("setMany is all or nothing and names the culprit", () => {
  const config = new Config(cwd);
  const d = (name: string) => findDirective(name)!;
  let error: unknown;
  try {
    config.setMany([[d("timeout"), "5"], [d("maxmemory"), "bad"]]);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ConfigSetError);
  assert.equal(error.directive.name, "maxmemory");
  assert.equal(config.get("timeout"), "0");
  config.setMany([[d("timeout"), "5"], [d("maxmemory"), "1mb"]]);
  assert.equal(config.number("timeout"), 5);
  assert.equal(config.number("maxmemory"), 1048576);
});

Deno.test("a failing applier restores every value", () => {
  const config = new Config(cwd);
  const d = (name: string) => findDirective(name)!;
  const seen: string[] = [];
  config.setApplier("port", () => {
    seen.push(config.get("port"));
    if (config.get("port") === "1234") throw new ConfigError("nope");
  });
  config.onChange((name) => seen.push(`changed ${name}`));
  assert.throws(
    () => config.setMany([[d("timeout"), "7"], [d("port"), "1234"]]),
    ConfigSetError,
  );
  assert.equal(config.get("timeout"), "0");
  assert.equal(config.get("port"), "6379");
  config.setMany([[d("port"), "6380"]]);
  // Setting the same value again does not re-apply it.
  config.setMany([[d("port"), "6380"]]);
  assert.deepEqual(seen, ["1234", "6380", "changed port", "changed port"]);
});

Deno.test("every directive's default passes its own validation", () => {
  const config = new Config(cwd);
  for (const d of DIRECTIVES) {
    // dir defaults to the working directory; replicaof's default (none) is
    // written "no one", and "" is refused as in Redis.
    if (d.name === "dir" || d.name === "replicaof") continue;
    const words = d.multiArg ? splitConfigSetWords(d.defaultValue) : [
      d.defaultValue,
    ];
    assert.equal(config.validate(d, words), d.defaultValue, d.name);
  }
});

Deno.test("names are unique, hidden ones are left out of entries()", () => {
  const names = DIRECTIVES.flatMap((d) => [d.name, ...(d.aliases ?? [])]);
  assert.equal(new Set(names).size, names.length);
  const config = new Config(cwd);
  const listed = config.entries().map(([name]) => name);
  const all = config.entries(true).map(([name]) => name);
  for (
    const hidden of [
      "key-load-delay",
      "rdb-key-save-delay",
      "use-exit-on-panic",
      "watchdog-period",
      "loading-process-events-interval-bytes",
      "lua-enable-deprecated-api",
    ]
  ) {
    assert.ok(!listed.includes(hidden), hidden);
    assert.ok(all.includes(hidden), hidden);
    assert.equal(findDirective(hidden)?.hidden, true, hidden);
  }
  assert.equal(all.length, listed.length + 6);
  for (
    const [alias, name] of [
      ["slaveof", "replicaof"],
      ["slave-read-only", "replica-read-only"],
      ["repl-ping-slave-period", "repl-ping-replica-period"],
      ["min-slaves-to-write", "min-replicas-to-write"],
      ["cluster-slave-validity-factor", "cluster-replica-validity-factor"],
      ["hash-max-ziplist-value", "hash-max-listpack-value"],
      ["list-max-ziplist-size", "list-max-listpack-size"],
      ["lua-time-limit", "busy-reply-threshold"],
    ]
  ) {
    assert.equal(findDirective(alias)?.name, name, alias);
  }
});

Deno.test("octal, percent and unsigned values follow Redis's numeric rules", () => {
  const config = new Config(cwd);
  const cases: [string, string, string][] = [
    ["unixsocketperm", "700", "700"],
    ["unixsocketperm", "0777", "777"],
    ["unixsocketperm", " 7", "7"],
    ["unixsocketperm", "", "0"],
    ["maxmemory-clients", "50%", "50%"],
    ["maxmemory-clients", "0%", "0"],
    ["maxmemory-clients", "1kb", "1024"],
    // memtoull saturates, and Redis reads the result as a signed -1: 1%.
    ["maxmemory-clients", "18446744073709551615", "1%"],
    ["maxmemory", "18446744073709551615", "18446744073709551615"],
    [
      "cluster-link-sendbuf-limit",
      "99999999999999999999",
      "18446744073709551615",
    ],
    ["socket-mark-id", "4294967295", "4294967295"],
    ["list-max-listpack-size", "-2147483648", "-2147483648"],
  ];
  for (const [name, value, shown] of cases) {
    config.set(name, value);
    assert.equal(config.get(name), shown, `${name} ${value}`);
  }
  config.set("maxmemory-clients", "25%");
  assert.equal(config.number("maxmemory-clients"), -25);
  config.set("unixsocketperm", "755");
  assert.equal(config.number("unixsocketperm"), 0o755);
  const errors: [string, string, string][] = [
    ["unixsocketperm", "999", "argument couldn't be parsed as an octal number"],
    ["unixsocketperm", "1777", "argument must be between 0 and 777 inclusive"],
    ["unixsocketperm", "-1", "argument must be between 0 and 777 inclusive"],
    ["unixsocketperm", "-", "argument couldn't be parsed as an octal number"],
    [
      "maxmemory-clients",
      "101%",
      "percentage argument must be less or equal to 100",
    ],
    ["maxmemory-clients", "-1", "argument must be a memory or percent value"],
    ["maxmemory-clients", "%", "argument must be a memory or percent value"],
    [
      "maxmemory-clients",
      "9223372036854775808",
      "percentage argument must be less or equal to 100",
    ],
    [
      "socket-mark-id",
      "-1",
      "argument must be between 0 and 4294967295 inclusive",
    ],
    ["io-threads", "0", "argument must be between 1 and 128 inclusive"],
    [
      "repl-backlog-size",
      "0",
      "argument must be between 1 and 9223372036854775807 inclusive",
    ],
    ["maxmemory", "1" + "0".repeat(127), "argument must be a memory value"],
  ];
  for (const [name, value, message] of errors) {
    assert.equal(
      reason(() => config.set(name, value)),
      message,
      `${name} ${value}`,
    );
  }
});

Deno.test("enum words with the same meaning are shown as Redis shows them", () => {
  const config = new Config(cwd);
  config.set("oom-score-adj", "RELATIVE");
  assert.equal(config.get("oom-score-adj"), "yes");
  config.set("oom-score-adj", "absolute");
  assert.equal(config.get("oom-score-adj"), "absolute");
  assert.equal(
    reason(() => config.set("oom-score-adj", "x")),
    "argument(s) must be one of the following: no, yes, relative, absolute",
  );
  assert.equal(
    reason(() => config.set("propagation-error-behavior", "x")),
    "argument(s) must be one of the following: ignore, panic, panic-on-replicas",
  );
});

Deno.test("multi-word specials: oom-score-adj-values, percentiles, replicaof", () => {
  const config = new Config(cwd);
  const set = (name: string, value: string) => {
    config.set(name, value);
    return config.get(name);
  };
  assert.equal(set("oom-score-adj-values", "10 5 3"), "10 5 3");
  // strtoll reads "" as 0.
  assert.equal(set("oom-score-adj-values", " 1 2"), "0 1 2");
  assert.equal(
    reason(() => config.set("oom-score-adj-values", "1 2")),
    "wrong number of arguments",
  );
  assert.equal(
    reason(() => config.set("oom-score-adj-values", "1 2 3000")),
    "Invalid oom-score-adj-values, elements must be between -2000 and 2000.",
  );
  assert.equal(
    set("latency-tracking-info-percentiles", "0x10 1e1 .5 5. +3 -0"),
    "16 10 0.5 5 3 -0",
  );
  assert.equal(
    set("latency-tracking-info-percentiles", "0.0000001 99.99999999 1e-300"),
    "0 100 0",
  );
  assert.equal(set("latency-tracking-info-percentiles", ""), "");
  for (const bad of ["nan", " 1", "1  2", "x", "1e400"]) {
    assert.equal(
      reason(() => config.set("latency-tracking-info-percentiles", bad)),
      "Invalid latency-tracking-info-percentiles parameters",
      bad,
    );
  }
  for (const bad of ["inf", "-1", "100.1"]) {
    assert.equal(
      reason(() => config.set("latency-tracking-info-percentiles", bad)),
      "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
      bad,
    );
  }
  assert.equal(set("replicaof", "example.com +6380"), "example.com 6380");
  config.set("slaveof", "NO ONE");
  assert.equal(config.get("replicaof"), "");
  assert.equal(
    reason(() => config.set("replicaof", "a")),
    "wrong number of arguments",
  );
  for (const bad of ["a b", "a 65536", "a -1"]) {
    assert.equal(
      reason(() => config.set("replicaof", bad)),
      "Invalid master port",
    );
  }
});

Deno.test("save and client-output-buffer-limit read numbers like strtoll", () => {
  const config = new Config(cwd);
  const set = (name: string, value: string) => {
    config.set(name, value);
    return config.get(name);
  };
  assert.equal(set("save", "100 "), "100 0");
  // The changes are an int in Redis: LLONG_MAX becomes -1.
  assert.equal(set("save", "1 99999999999999999999"), "1 -1");
  assert.equal(set("save", "+5 -0"), "5 0");
  assert.equal(
    set("client-output-buffer-limit", "normal 1 2 4294967296"),
    "normal 1 2 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
  );
  assert.equal(
    reason(() =>
      config.set("client-output-buffer-limit", "normal 1 2 4294967295")
    ),
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
  );
  assert.equal(
    reason(() => config.set("client-output-buffer-limit", "master 1 2 3")),
    "Invalid client class specified in buffer limit configuration.",
  );
});

Deno.test("string checks: file names, hostnames, process title templates", () => {
  const config = new Config(cwd);
  const cases: [string, string, string][] = [
    ["appendfilename", "", "appendfilename can't be empty"],
    [
      "appendfilename",
      "a/b",
      "appendfilename can't be a path, just a filename",
    ],
    ["appenddirname", "", "appenddirname can't be empty"],
    ["appenddirname", "a/b", "appenddirname can't be a path, just a dirname"],
    [
      "cluster-announce-hostname",
      "a_b",
      "Hostnames may only contain alphanumeric characters, hyphens or dots",
    ],
    [
      "cluster-announce-hostname",
      "a".repeat(256),
      "Hostnames must be less than 256 characters",
    ],
    [
      "proc-title-template",
      "{title}",
      "template format is invalid or contains unknown variables",
    ],
    [
      "proc-title-template",
      "{x}",
      "template format is invalid or contains unknown variables",
    ],
    [
      "proc-title-template",
      "a{",
      "template format is invalid or contains unknown variables",
    ],
    [
      "proc-title-template",
      "{unixsocket}",
      "template format is invalid or contains unknown variables",
    ],
    [
      "proc-title-template",
      " ",
      "template format is invalid or contains unknown variables",
    ],
    [
      "activedefrag",
      "yes",
      "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution",
    ],
  ];
  for (const [name, value, message] of cases) {
    assert.equal(
      reason(() => config.set(name, value)),
      message,
      `${name} ${value}`,
    );
  }
  for (
    const ok of ["{port}", "a}{{", "{unixsocket} {config-file}", "x {title}"]
  ) {
    config.set("proc-title-template", ok);
    assert.equal(config.get("proc-title-template"), ok);
  }
  config.set("cluster-announce-hostname", "a".repeat(255));
  config.set("dbfilename", "");
  assert.equal(config.get("dbfilename"), "");
});

Deno.test("CONFIG SET apply steps: repl-backlog-size minimum, TLS needs its files", () => {
  const config = new Config(cwd);
  const d = (name: string) => findDirective(name)!;
  config.setMany([[d("repl-backlog-size"), "1k"]]);
  assert.equal(config.get("repl-backlog-size"), "16384");
  // A config file keeps what it says, as in Redis.
  config.set("repl-backlog-size", "1k");
  assert.equal(config.get("repl-backlog-size"), "1000");
  for (
    const [name, value] of [["tls-port", "6380"], ["tls-cluster", "yes"], [
      "tls-replication",
      "yes",
    ]]
  ) {
    assert.throws(
      () => config.setMany([[d("timeout"), "3"], [d(name), value]]),
      (error: unknown) =>
        error instanceof ConfigSetError &&
        error.message ===
          "Unable to update TLS configuration. Check server logs.",
    );
    assert.equal(config.get(name), d(name).defaultValue);
    assert.equal(config.get("timeout"), "0");
  }
  // Without a certificate (as in Redis) TLS cannot be turned on; other TLS
  // settings can be changed while TLS is off.
  config.setMany([[d("tls-cert-file"), "/x.crt"], [
    d("tls-session-cache-size"),
    "5",
  ]]);
  assert.equal(config.get("tls-cert-file"), "/x.crt");
});
