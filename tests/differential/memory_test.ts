import assert from "node:assert/strict";
import { MEMORY_COMMANDS } from "../../lib/commands/memory.ts";
import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import { parseReply, type Reply, RespDouble } from "../helpers/resp_client.ts";
import { binary } from "../helpers/bytes.ts";

// Redis lists a container's subcommands in its dict's order, which varies
// from run to run, so each is compared on its own.
commandInfoTest(
  "memory",
  MEMORY_COMMANDS[0].subcommands!.map((sub) => ({
    name: `memory|${sub.name}`,
  })),
);

differentialTest(
  "differential: MEMORY HELP, errors and the empty-instance doctor match redis-server",
  async (pair) => {
    await pair.same(["SET", "k", "v"]);
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      for (
        const args of [
          ["MEMORY", "HELP"],
          ["MEMORY", "DOCTOR"],
          ["MEMORY", "PURGE"],
          ["MEMORY"],
          ["MEMORY", "FOO"],
          ["MEMORY", "STATS", "x"],
          ["MEMORY", "USAGE"],
          ["MEMORY", "USAGE", "missing"],
          ["MEMORY", "USAGE", "k", "SAMPLES"],
          ["MEMORY", "USAGE", "k", "SAMPLES", "-1"],
          ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
          ["MEMORY", "USAGE", "k", "FOO", "1"],
          ["MEMORY", "USAGE", "missing", "SAMPLES", "x"],
        ]
      ) await pair.same(args);
    }
  },
);

/** The field names of a MEMORY STATS reply and the kind of each value. */
function statsShape(raw: string): string[] {
  const reply = parseReply(binary(raw), 0)![0];
  const flat = reply instanceof Map ? [...reply].flat() : reply as Reply[];
  const kind = (value: Reply): string => {
    if (value instanceof RespDouble) return "double";
    if (value instanceof Map) return `{${statsShape2(value)}}`;
    if (Array.isArray(value)) return `[${statsShape2(value)}]`;
    return typeof value;
  };
  const shape: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    shape.push(`${flat[i]}:${kind(flat[i + 1])}`);
  }
  return shape;
}

function statsShape2(nested: Map<Reply, Reply> | Reply[]): string {
  const flat = nested instanceof Map ? [...nested].flat() : nested;
  const names: string[] = [];
  for (let i = 0; i < flat.length; i += 2) names.push(String(flat[i]));
  return names.join(",");
}

differentialTest(
  "differential: MEMORY STATS has Redis's fields, in order, with the same reply types",
  async (pair) => {
    await pair.same(["SET", "a", "1"]);
    await pair.same(["SET", "b", "2", "EX", "100"]);
    await pair.same(["SELECT", "2"]);
    await pair.same(["HSET", "h", "f", "v"]);
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      const [ours, theirs] = await pair.both(["MEMORY", "STATS"]);
      assert.deepEqual(statsShape(ours), statsShape(theirs));
    }
  },
);

differentialTest(
  "differential: MEMORY USAGE grows with the value, samples and counts expired keys as Redis",
  async (pair) => {
    const usage = async (...args: string[]) => {
      const [ours, theirs] = await pair.both(["MEMORY", "USAGE", ...args]);
      // Both answer an integer; the sizes are each server's own.
      assert.match(ours, /^:\d+\r\n$/);
      assert.match(theirs, /^:\d+\r\n$/);
      return Number(ours.slice(1, -2));
    };
    await pair.same(["SET", "small", "x"]);
    await pair.same(["SET", "large", "x".repeat(100_000)]);
    const small = await usage("small");
    const large = await usage("large");
    assert.ok(large - small >= 100_000 && large - small < 110_000);
    // Five small fields first, then large ones: the default sample of 5
    // sees only the small ones, SAMPLES 0 sees all.
    for (let i = 0; i < 5; i++) {
      await pair.same(["HSET", "hash", `small${i}`, "v"]);
    }
    for (let i = 0; i < 20; i++) {
      await pair.same(["HSET", "hash", `large${i}`, "y".repeat(1000)]);
    }
    const sampled = await usage("hash");
    const all = await usage("hash", "SAMPLES", "0");
    assert.ok(all > sampled + 15_000, `${all} vs ${sampled}`);
    assert.equal(await usage("hash", "SAMPLES", "100"), all);
    // A key whose time ran out but that nothing has deleted yet still
    // counts: MEMORY USAGE does not expire keys.
    await pair.same(["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    await pair.same(["SET", "gone", "v", "PX", "1"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await usage("gone");
    await pair.same(["DBSIZE"]);
  },
  { flags: ["--enable-debug-command", "yes"] },
);

differentialTest(
  "differential: used_memory_dataset and MEMORY STATS agree with the keys' MEMORY USAGE",
  async (pair) => {
    for (let i = 0; i < 200; i++) {
      await pair.ourClient.call("SET", `key:${i}`, "v".repeat(i));
      await pair.ourClient.call("RPUSH", `list:${i}`, "a", "b", "c");
    }
    let total = 0;
    for (let i = 0; i < 200; i++) {
      total += await pair.ourClient.call(
        "MEMORY",
        "USAGE",
        `key:${i}`,
      ) as number;
      total += await pair.ourClient.call(
        "MEMORY",
        "USAGE",
        `list:${i}`,
      ) as number;
    }
    const stats = await pair.ourClient.call("MEMORY", "STATS") as Reply[];
    const field = (name: string) => {
      const value = stats[stats.indexOf(name) + 1];
      return value instanceof RespDouble ? Number(value.text) : Number(value);
    };
    const db = stats[stats.indexOf("db.0") + 1] as Reply[];
    const main = Number(db[1]);
    assert.equal(field("keys.count"), 400);
    assert.equal(field("dataset.bytes") + main, total);
    assert.equal(
      field("overhead.total") + field("dataset.bytes"),
      field("total.allocated"),
    );
    const info = await pair.ourClient.call("INFO", "memory") as string;
    const dataset = Number(/used_memory_dataset:(\d+)/.exec(info)![1]);
    assert.equal(dataset, field("dataset.bytes"));
  },
);

differentialTest(
  "differential: redis-cli --memkeys finds the same biggest keys on both servers",
  async (pair) => {
    await pair.same(["SET", "short", "x"]);
    await pair.same(["SET", "long", "x".repeat(5000)]);
    await pair.same(["RPUSH", "list", "a", "b"]);
    await pair.same(["HSET", "hash", "f", "v".repeat(300)]);
    const memkeys = async (port: number) => {
      const { stdout } = await new Deno.Command("redis-cli", {
        args: ["-p", String(port), "--memkeys"],
        stdout: "piped",
        stderr: "null",
      }).output();
      const text = new TextDecoder().decode(stdout);
      const biggest = [
        ...text.matchAll(/Biggest +(\w+) found '"(.+)"' has (\d+) bytes/g),
      ];
      return biggest.map(([, type, key, bytes]) => {
        assert.ok(Number(bytes) > 0, `${key}: ${bytes} bytes`);
        return `${type} ${key}`;
      }).sort();
    };
    const ours = await memkeys(pair.ours.port);
    assert.deepEqual(ours, ["hash hash", "list list", "string long"]);
    assert.deepEqual(ours, await memkeys(pair.oracle.port));
  },
);
