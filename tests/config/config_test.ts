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
    if (d.name === "dir") continue;
    const words = d.multiArg ? splitConfigSetWords(d.defaultValue) : [
      d.defaultValue,
    ];
    assert.equal(config.validate(d, words), d.defaultValue, d.name);
  }
});
