import assert from "node:assert/strict";
import { latin1, text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import { parseReply, type RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const noOracle = !hasRedisServer();

/** The raw bytes of each element of the aggregate reply starting at `pos`. */
function children(buf: Uint8Array, pos: number): Uint8Array[] {
  const lineEnd = buf.indexOf(13, pos);
  const count = Number(latin1(buf.subarray(pos + 1, lineEnd)));
  const type = String.fromCharCode(buf[pos]);
  const n = type === "%" ? count * 2 : count;
  const parts: Uint8Array[] = [];
  let p = lineEnd + 2;
  for (let i = 0; i < n; i++) {
    const [, next] = parseReply(buf, p)!;
    parts.push(buf.subarray(p, next));
    p = next;
  }
  return parts;
}

/** Subcommands we add from Redis 7.2, which the 7.0 oracle does not know. */
const NEWER_THAN_ORACLE = new Set(["client|setinfo", "client|no-touch"]);

/**
 * Compares one COMMAND INFO entry of ours with the oracle's: all fields byte
 * for byte; subcommands (listed by Redis in hash order) by name, each of
 * ours against the oracle's entry of that name. Returns the differences.
 */
function compareInfo(ours: Uint8Array, theirs: Uint8Array): string[] {
  if (ours[0] !== 42 || theirs[0] !== 42 || ours[1] === 45) {
    return ours.join() === theirs.join() ? [] : [
      `ours ${JSON.stringify(latin1(ours))} vs ${
        JSON.stringify(latin1(theirs))
      }`,
    ];
  }
  const a = children(ours, 0);
  const b = children(theirs, 0);
  const name = String(parseReply(a[0], 0)![0]);
  const problems: string[] = [];
  for (let i = 0; i < 9; i++) {
    if (latin1(a[i]) !== latin1(b[i])) {
      problems.push(
        `${name} field ${i}: ours ${JSON.stringify(latin1(a[i]))} vs redis ${
          JSON.stringify(latin1(b[i]))
        }`,
      );
    }
  }
  if (a[9][0] !== 42 || b[9][0] !== 42) {
    if (latin1(a[9]) !== latin1(b[9])) {
      problems.push(`${name} subcommands differ`);
    }
    return problems;
  }
  const theirSubs = new Map<string, Uint8Array>();
  for (const sub of children(b[9], 0)) {
    theirSubs.set(String(parseReply(children(sub, 0)[0], 0)![0]), sub);
  }
  for (const sub of children(a[9], 0)) {
    const subName = String(parseReply(children(sub, 0)[0], 0)![0]);
    const theirs = theirSubs.get(subName);
    if (NEWER_THAN_ORACLE.has(subName)) continue;
    if (theirs === undefined) problems.push(`${subName} unknown to redis`);
    else problems.push(...compareInfo(sub, theirs));
  }
  return problems;
}

/** Sends the same command to both servers and asserts identical bytes. */
async function same(
  ours: RespClient,
  redis: RespClient,
  ...args: string[]
): Promise<void> {
  const a = latin1(await ours.callRaw(...args));
  const b = latin1(await redis.callRaw(...args));
  assert.equal(a, b, `reply to ${args.join(" ")}`);
}

Deno.test({
  name:
    "COMMAND INFO of every implemented command matches Redis (RESP2, RESP3)",
  ignore: noOracle,
  fn: () =>
    withPair({}, async ({ ourClient: ours, oracleClient: redis }) => {
      const names = await ours.call("COMMAND", "LIST") as string[];
      const topLevel = names.filter((n) => !n.includes("|"));
      const problems: string[] = [];
      for (const protocol of ["2", "3"]) {
        await ours.call("HELLO", protocol);
        await redis.call("HELLO", protocol);
        for (const name of topLevel) {
          const a = await ours.callRaw("COMMAND", "INFO", name);
          const b = await redis.callRaw("COMMAND", "INFO", name);
          for (const p of compareInfo(children(a, 0)[0], children(b, 0)[0])) {
            problems.push(`RESP${protocol} ${p}`);
          }
        }
      }
      assert.deepEqual(problems, []);
      // The comparison does notice differences.
      const get = await redis.callRaw("COMMAND", "INFO", "get");
      const set = await redis.callRaw("COMMAND", "INFO", "set");
      assert.notDeepEqual(
        compareInfo(children(get, 0)[0], children(set, 0)[0]),
        [],
      );
    }),
});

Deno.test({
  name: "COMMAND: errors, HELP, COUNT, unknown names match Redis",
  ignore: noOracle,
  fn: () =>
    withPair({}, async ({ ourClient: ours, oracleClient: redis }) => {
      for (const protocol of ["2", "3"]) {
        await ours.call("HELLO", protocol);
        await redis.call("HELLO", protocol);
        await same(ours, redis, "COMMAND", "HELP");
        await same(ours, redis, "command", "help");
        await same(ours, redis, "COMMAND", "INFO", "nosuch");
        await same(ours, redis, "COMMAND", "INFO", "get", "nosuch", "GET");
        await same(ours, redis, "COMMAND", "INFO", "client|nosuch");
        await same(ours, redis, "COMMAND", "INFO", "a|b|c");
        await same(ours, redis, "COMMAND", "DOCS", "nosuch");
        await same(ours, redis, "COMMAND", "COUNT", "x");
        await same(ours, redis, "COMMAND", "NOSUCH");
        await same(ours, redis, "COMMAND", "LIST", "FILTERBY");
        await same(ours, redis, "COMMAND", "LIST", "foo");
        await same(ours, redis, "COMMAND", "LIST", "FILTERBY", "foo", "x");
        await same(ours, redis, "COMMAND", "LIST", "FILTERBY", "module", "x");
        await same(ours, redis, "COMMAND", "LIST", "FILTERBY", "aclcat", "x");
        await same(
          ours,
          redis,
          "COMMAND",
          "LIST",
          "FILTERBY",
          "pattern",
          "x",
          "y",
        );
      }
    }),
});

Deno.test({
  name: "COMMAND COUNT and LIST agree with COMMAND and with each other",
  fn: async () => {
    await withServer({}, async ([client]) => {
      const count = await client.call("COMMAND", "COUNT") as number;
      const all = await client.call("COMMAND") as unknown[][];
      assert.equal(all.length, count);
      const list = await client.call("COMMAND", "LIST") as string[];
      const expected: string[] = [];
      for (const entry of all) {
        expected.push(entry[0] as string);
        for (const sub of entry[9] as unknown[][]) {
          expected.push(sub[0] as string);
        }
      }
      assert.deepEqual(list, expected);
      assert.ok(list.includes("client|list"));
      assert.ok(list.includes("command|docs"));
      const info = await client.call("COMMAND", "INFO") as unknown[];
      assert.equal(info.length, count);
    });
  },
});

Deno.test({
  name: "COMMAND LIST FILTERBY selects the same commands as Redis",
  ignore: noOracle,
  fn: () =>
    withPair({}, async ({ ourClient: ours, oracleClient: redis }) => {
      const ourAll = new Set(await ours.call("COMMAND", "LIST") as string[]);
      const filters = [
        ["aclcat", "connection"],
        ["aclcat", "CONNECTION"],
        ["aclcat", "string"],
        ["aclcat", "dangerous"],
        ["aclcat", "fast"],
        ["pattern", "cl*"],
        ["pattern", "CLIENT|*"],
        ["pattern", "*|help"],
        ["pattern", "?et"],
        ["module", "x"],
      ];
      for (const [type, value] of filters) {
        const a = await ours.call("COMMAND", "LIST", "FILTERBY", type, value);
        const b = await redis.call("COMMAND", "LIST", "FILTERBY", type, value);
        // Redis lists in hash order and knows more commands.
        const expected = (b as string[]).filter((n) => ourAll.has(n)).sort();
        const actual = (a as string[]).filter((n) => !NEWER_THAN_ORACLE.has(n));
        assert.deepEqual(actual.sort(), expected, `${type} ${value}`);
      }
    }),
});

Deno.test({
  name: "COMMAND GETKEYS and GETKEYSANDFLAGS match Redis",
  ignore: noOracle,
  fn: () =>
    withPair({}, async ({ ourClient: ours, oracleClient: redis }) => {
      const cases = [
        ["get", "k"],
        ["get"],
        ["get", "a", "b"],
        ["nosuch", "a"],
        ["ping", "x"],
        ["client", "list"],
        ["client", "nosuch"],
        ["client"],
        ["getex", "a", "persist"],
        ["mset", "a", "1", "b", "2"],
        ["del", "a", "b", "c"],
        ["lmove", "a", "b", "left", "right"],
        ["blpop", "a", "b", "0"],
        ["lmpop", "2", "a", "b", "left"],
        ["lmpop", "5", "a", "b", "left"],
        ["lmpop", "-1", "a", "b", "left"],
        ["lmpop", "x", "a", "b", "left"],
        ["blmpop", "0", "2", "a", "b", "left"],
        ["rename", "a", "b"],
        ["object", "encoding", "k"],
        ["command", "info"],
      ];
      for (const protocol of ["2", "3"]) {
        await ours.call("HELLO", protocol);
        await redis.call("HELLO", protocol);
        for (const args of cases) {
          const names = new Set(
            await ours.call("COMMAND", "LIST") as string[],
          );
          // Only commands we implement (or none at all) can be compared.
          if (names.has(args[0]) || args[0] === "nosuch") {
            await same(ours, redis, "COMMAND", "GETKEYS", ...args);
            await same(ours, redis, "COMMAND", "GETKEYSANDFLAGS", ...args);
          }
        }
      }
    }),
});

Deno.test({
  name:
    "COMMAND DOCS: summary, since, group, complexity, history, arguments, subcommands",
  fn: async () => {
    await withServer({}, async ([client]) => {
      await client.call("HELLO", "3");
      const docs = await client.call(
        "COMMAND",
        "DOCS",
        "get",
        "nosuch",
        "client",
        "HELLO",
      ) as Map<string, Map<string, unknown>>;
      assert.deepEqual([...docs.keys()], ["get", "client", "hello"]);
      const get = docs.get("get")!;
      assert.deepEqual(
        [...get.keys()],
        ["summary", "since", "group", "complexity", "arguments"],
      );
      const [key] = get.get("arguments") as Map<string, unknown>[];
      assert.deepEqual([...key.entries()], [
        ["name", "key"],
        ["type", "key"],
        ["key_spec_index", 0],
      ]);
      assert.equal(get.get("since"), "1.0.0");
      assert.equal(get.get("group"), "string");
      assert.equal(get.get("complexity"), "O(1)");
      const hello = docs.get("hello")!;
      const history = hello.get("history") as Set<string[]>;
      assert.equal([...history][0][0], "6.2.0");
      const client_ = docs.get("client")!;
      assert.equal(client_.get("complexity"), "Depends on subcommand.");
      const subs = client_.get("subcommands") as Map<string, unknown>;
      assert.ok(subs.has("client|list"));
      assert.ok(subs.has("client|kill"));
      const one = await client.call("COMMAND", "DOCS", "client|kill") as Map<
        string,
        Map<string, unknown>
      >;
      assert.equal(one.get("client|kill")!.get("since"), "2.4.0");
      const all = await client.call("COMMAND", "DOCS") as Map<string, unknown>;
      assert.equal(all.size, await client.call("COMMAND", "COUNT"));
      await client.call("HELLO", "2");
      const flat = await client.call("COMMAND", "DOCS", "get") as unknown[];
      assert.equal(flat[0], "get");
      assert.deepEqual((flat[1] as unknown[]).slice(0, 4), [
        "summary",
        get.get("summary"),
        "since",
        "1.0.0",
      ]);
    });
  },
});

Deno.test({
  name: "COMMAND DOCS of our commands has Redis's since and group",
  ignore: noOracle,
  fn: () =>
    withPair({}, async ({ ourClient: ours, oracleClient: redis }) => {
      const names = await ours.call("COMMAND", "LIST") as string[];
      const problems: string[] = [];
      for (const name of names) {
        if (NEWER_THAN_ORACLE.has(name)) continue;
        const a = await ours.call("COMMAND", "DOCS", name) as unknown[];
        const b = await redis.call("COMMAND", "DOCS", name) as unknown[];
        const fields = (doc: unknown[]) => {
          const m = new Map<string, unknown>();
          for (let i = 0; i < doc.length; i += 2) {
            m.set(doc[i] as string, doc[i + 1]);
          }
          return m;
        };
        const ourDoc = fields(a[1] as unknown[]);
        const theirDoc = fields(b[1] as unknown[]);
        // Summaries and complexities are written in our own words.
        for (const field of ["since", "group"]) {
          if (ourDoc.get(field) !== theirDoc.get(field)) {
            problems.push(
              `${name} ${field}: ${ourDoc.get(field)} vs ${
                theirDoc.get(field)
              }`,
            );
          }
        }
      }
      assert.deepEqual(problems, []);
    }),
});

Deno.test({
  name: "COMMAND works over redis-cli (COMMAND DOCS as clients send it)",
  fn: async () => {
    await withServer({ clients: 0 }, async (_clients, server) => {
      const out = await new Deno.Command("redis-cli", {
        args: ["-p", String(server.port), "COMMAND", "COUNT"],
        stdout: "piped",
        stderr: "null",
      }).output().catch(() => null);
      if (out === null) return; // redis-cli is not installed.
      const count = Number(text(out.stdout).trim());
      assert.ok(count > 10);
      const docs = await new Deno.Command("redis-cli", {
        args: ["-3", "-p", String(server.port), "COMMAND", "DOCS", "ping"],
        stdout: "piped",
        stderr: "null",
      }).output();
      assert.match(text(docs.stdout), /since/);
    });
  },
});
