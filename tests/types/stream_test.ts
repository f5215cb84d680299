/**
 * End-to-end stream tests: blocking reads with several clients, timeouts and
 * transactions (side by side with redis-server where possible), generic key
 * commands on streams, AOF propagation and RDB interoperability.
 */
import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { type Reply, RespError } from "../helpers/resp_client.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not found: stream comparisons skipped");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Blocking scenario: returns every reply (raw) the clients got, in order,
 * so that ours and redis-server's can be compared.
 */
async function blockingScenario(
  [a, b, c, w]: RespClient[],
): Promise<string[]> {
  const out: string[] = [];
  const raw = async (client: RespClient, ...args: string[]) =>
    out.push(latin1(await client.callRaw(...args)));
  const pending = async (client: RespClient) =>
    out.push(latin1(await client.readRaw()));
  /** XREADGROUP of `consumer` in `group` on s1, blocking `ms`. */
  const readGroup = (
    consumer: string,
    ms: string,
    group = "g",
    ...options: string[]
  ) => [
    "XREADGROUP",
    "GROUP",
    group,
    consumer,
    "BLOCK",
    ms,
    ...options,
    "STREAMS",
    "s1",
    ">",
  ];

  // Two XREAD clients on $ both get the next entry; a third on another
  // stream keeps waiting until that stream gets one.
  await raw(w, "XADD", "s1", "1-1", "f", "v");
  await a.send("XREAD", "BLOCK", "0", "STREAMS", "s1", "$");
  await b.send(
    "XREAD",
    "BLOCK",
    "0",
    "COUNT",
    "5",
    "STREAMS",
    "s2",
    "s1",
    "$",
    "$",
  );
  await c.send("XREAD", "BLOCK", "0", "STREAMS", "s2", "0");
  await sleep(50);
  await raw(w, "XADD", "s1", "2-1", "f", "w");
  await pending(a);
  await pending(b);
  await raw(w, "XADD", "s2", "1-1", "x", "y");
  await pending(c);

  // Timeouts reply with a null array.
  await raw(a, "XREAD", "BLOCK", "60", "STREAMS", "s1", "$");
  await raw(a, ...readGroup("c", "60", "nog"));
  await raw(w, "XGROUP", "CREATE", "s1", "g", "$");
  await raw(a, ...readGroup("ca", "60"));

  // Consumers of a group are served first come, first served: one entry
  // each (the group's last ID moves past what the first one got).
  await a.send(...readGroup("ca", "0"));
  await b.send(...readGroup("cb", "0"));
  await sleep(50);
  await raw(w, "XADD", "s1", "3-1", "n", "1");
  await pending(a);
  await raw(w, "XADD", "s1", "4-1", "n", "2");
  await pending(b);
  await raw(w, "XPENDING", "s1", "g");

  // NOACK reads skip the PEL.
  await a.send(...readGroup("ca", "0", "g", "NOACK"));
  await sleep(50);
  await raw(w, "XADD", "s1", "5-1", "n", "3");
  await pending(a);
  await raw(w, "XPENDING", "s1", "g");

  // Destroying the group or deleting the stream ends the wait with an error.
  await a.send(...readGroup("ca", "0"));
  await sleep(50);
  await raw(w, "XGROUP", "DESTROY", "s1", "g");
  await pending(a);
  await raw(w, "XGROUP", "CREATE", "s1", "g", "$");
  await a.send(...readGroup("ca", "0"));
  await sleep(50);
  await raw(w, "DEL", "s1");
  await pending(a);

  // An XREAD on a deleted key keeps waiting for an ID above the old last
  // one, even in a new stream.
  await a.send("XREAD", "BLOCK", "0", "STREAMS", "s2", "$");
  await sleep(50);
  await raw(w, "DEL", "s2");
  await raw(w, "XADD", "s2", "1-1", "again", "1");
  await raw(w, "XADD", "s2", "2-1", "again", "2");
  await pending(a);

  // Inside MULTI a blocking read does not block.
  await raw(a, "MULTI");
  await raw(a, "XREAD", "BLOCK", "0", "STREAMS", "s2", "$");
  await raw(a, "EXEC");

  // A read that can be served at once never blocks.
  await raw(a, "XREAD", "BLOCK", "0", "STREAMS", "s2", "0");
  return out;
}

Deno.test({
  name: "stream: blocking reads behave like redis-server",
  ignore: NO_ORACLE,
  async fn() {
    const ours = await withServer({ clients: 4 }, blockingScenario);
    const theirs = await withServer(
      { oracle: true, clients: 4 },
      blockingScenario,
    );
    assert.deepEqual(ours, theirs);
  },
});

Deno.test("stream: blocking timeouts wait about as long as asked", async () => {
  await withServer({ clients: 4 }, async ([a, w]) => {
    const started = Date.now();
    assert.equal(
      await a.call("XREAD", "BLOCK", "150", "STREAMS", "s", "$"),
      null,
    );
    const waited = Date.now() - started;
    assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms`);
    // BLOCK 0 waits until a write arrives, however long.
    await a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
    await sleep(300);
    assert.equal(await w.call("XADD", "s", "1-1", "k", "v"), "1-1");
    assert.deepEqual(await a.read(), [["s", [["1-1", ["k", "v"]]]]]);
    // A client that disconnects while blocked is forgotten.
    await w.send("XREAD", "BLOCK", "0", "STREAMS", "other", "$");
    await sleep(50);
    const info = await a.call("INFO", "clients") as string;
    assert.match(info, /blocked_clients:1/);
  });
});

Deno.test("stream: generic key commands see the stream type", async () => {
  await withServer({ clients: 4 }, async ([a]) => {
    await a.call("XADD", "s", "1-1", "f", "v");
    await a.call("XGROUP", "CREATE", "s", "g", "0");
    await a.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
    await a.call("SET", "str", "x");
    assert.equal(await a.call("TYPE", "s"), "stream");
    assert.equal(await a.call("OBJECT", "ENCODING", "s"), "stream");
    assert.deepEqual(
      await a.call("SCAN", "0", "TYPE", "stream"),
      ["0", ["s"]],
    );
    assert.equal(await a.call("COPY", "s", "s2"), 1);
    // The copy is deep: changing it leaves the original alone.
    await a.call("XADD", "s2", "2-1", "f", "w");
    await a.call("XACK", "s2", "g", "1-1");
    assert.equal(await a.call("XLEN", "s"), 1);
    assert.deepEqual(await a.call("XPENDING", "s", "g"), [
      1,
      "1-1",
      "1-1",
      [["c", "1"]],
    ]);
    assert.deepEqual(await a.call("XPENDING", "s2", "g"), [
      0,
      null,
      null,
      null,
    ]);
    assert.equal(await a.call("RENAME", "s2", "s3"), "OK");
    assert.equal(await a.call("XLEN", "s3"), 2);
    assert.equal(await a.call("PEXPIRE", "s3", "50"), 1);
    await sleep(120);
    assert.equal(await a.call("XLEN", "s3"), 0);
    assert.equal(await a.call("EXISTS", "s3"), 0);
    const dump = await a.call("DUMP", "s");
    assert.equal(typeof dump, "string");
    assert.equal(await a.call("RESTORE", "r", "0", dump as string), "OK");
    assert.deepEqual(
      await a.call("XRANGE", "r", "-", "+"),
      [["1-1", ["f", "v"]]],
    );
    assert.deepEqual(await a.call("XPENDING", "r", "g"), [
      1,
      "1-1",
      "1-1",
      [["c", "1"]],
    ]);
  });
});

/** Reads the incremental AOF files of a server's appendonlydir. */
async function readAof(dir: string): Promise<string> {
  let text = "";
  for await (const entry of Deno.readDir(`${dir}/appendonlydir`)) {
    if (entry.name.includes(".incr.")) {
      text += await Deno.readTextFile(`${dir}/appendonlydir/${entry.name}`);
    }
  }
  return text;
}

/** A RESP array of bulk strings as the AOF holds it. */
const resp = (...args: string[]) =>
  `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");

Deno.test("stream: AOF logs generated IDs, rewritten trims and deliveries as XCLAIM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stream-aof-" });
  try {
    const flags = ["--appendonly", "yes", "--dir", dir];
    const before = await withServer(
      { flags, clients: 4 },
      async ([a, b]) => {
        const id = await a.call("XADD", "s", "*", "f", "v") as string;
        await a.call("XADD", "s", "MAXLEN", "~", "1", "*", "f", "w");
        await a.call("XGROUP", "CREATE", "s", "g", "0");
        await a.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
        // Re-deliveries from a consumer's history are not logged (as in
        // Redis 7.0), so none here: their counts would not replay.
        await a.call("XCLAIM", "s", "g", "d", "0", id, "JUSTID");
        await a.call("XADD", "s", `${id.split("-")[0]}-*`, "x", "y")
          .catch(() => null);
        // A blocked reader served later logs its delivery too.
        await b.send(
          "XREADGROUP",
          "GROUP",
          "g",
          "late",
          "BLOCK",
          "0",
          "STREAMS",
          "s",
          ">",
        );
        await sleep(50);
        await a.call("XADD", "s", "*", "late", "1");
        await b.read();
        const aof = await readAof(dir);
        assert.ok(
          aof.includes("late\r\n$1\r\n0\r\n"),
          "blocked delivery logged",
        );
        assert.ok(aof.includes(resp("XADD", "s", id, "f", "v")), aof);
        // The approximate trim removed nothing, and replays as exact "= 2".
        assert.match(aof, /MAXLEN\r\n\$1\r\n=\r\n\$1\r\n2\r\n/);
        assert.match(
          aof,
          new RegExp(
            `XCLAIM\\r\\n\\$1\\r\\ns\\r\\n\\$1\\r\\ng\\r\\n\\$1\\r\\nc\\r\\n\\$1\\r\\n0\\r\\n\\$${id.length}\\r\\n${id}\\r\\n\\$4\\r\\nTIME`,
          ),
        );
        assert.ok(aof.includes(resp("XGROUP", "CREATE", "s", "g", "0")));
        assert.ok(!aof.includes("XREADGROUP"));
        return [
          await a.call("XRANGE", "s", "-", "+"),
          await a.call("XINFO", "GROUPS", "s"),
          await a.call("XPENDING", "s", "g", "-", "+", "10"),
        ];
      },
    );
    const after = await withServer(
      { flags, clients: 4 },
      async ([a]) => [
        await a.call("XRANGE", "s", "-", "+"),
        await a.call("XINFO", "GROUPS", "s"),
        await a.call("XPENDING", "s", "g", "-", "+", "10"),
      ],
    );
    // Idle times differ; everything else replays exactly.
    const strip = (r: unknown[]) => {
      const pending = (r[2] as Reply[][]).map((
        row,
      ) => [row[0], row[1], row[3]]);
      const groups = (r[1] as Reply[][]).map((g) =>
        g.filter((_, i) => i !== 9 && i !== 11)
      );
      return [r[0], groups, pending];
    };
    assert.deepEqual(strip(after), strip(before));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Builds a stream with groups, consumers, a PEL and tombstones. */
async function buildGroupedStream(a: RespClient): Promise<void> {
  await a.call("CONFIG", "SET", "stream-node-max-entries", "5");
  for (let i = 1; i <= 23; i++) {
    await a.call("XADD", "s", `${i}-${i % 3}`, "f", `v${i}`, "n", String(i));
  }
  await a.call("XADD", "s", "24-0", "other", "fields");
  await a.call("XDEL", "s", "3-0", "10-1");
  await a.call("XGROUP", "CREATE", "s", "g1", "0");
  await a.call("XGROUP", "CREATE", "s", "g2", "5-2", "ENTRIESREAD", "5");
  await a.call(
    "XREADGROUP",
    "GROUP",
    "g1",
    "alice",
    "COUNT",
    "4",
    "STREAMS",
    "s",
    ">",
  );
  await a.call(
    "XREADGROUP",
    "GROUP",
    "g1",
    "bob",
    "COUNT",
    "3",
    "STREAMS",
    "s",
    ">",
  );
  await a.call(
    "XREADGROUP",
    "GROUP",
    "g2",
    "carol",
    "COUNT",
    "2",
    "STREAMS",
    "s",
    ">",
  );
  await a.call("XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s", "0");
  await a.call("XACK", "s", "g1", "2-2");
  await a.call("XCLAIM", "s", "g1", "dave", "0", "7-1", "RETRYCOUNT", "9");
  await a.call("XGROUP", "CREATECONSUMER", "s", "g2", "idle\x00one");
  await a.call("XADD", "empty", "1-1", "a", "b");
  await a.call("XDEL", "empty", "1-1");
  await a.call("XGROUP", "CREATE", "empty", "g", "$");
}

/** Replies that must survive a save and load (idle times excluded). */
async function groupedState(a: RespClient): Promise<unknown> {
  const pending = async (group: string) =>
    (await a.call("XPENDING", "s", group, "-", "+", "100") as Reply[][]).map(
      (row) => [row[0], row[1], row[3]],
    );
  // Loading rebuilds the nodes with the loading server's node size and
  // without tombstones, so the radix tree figures are left out.
  const info = async (...args: string[]) =>
    (await a.call("XINFO", "STREAM", ...args) as Reply[]).filter((_, i) =>
      i < 2 || i > 5
    );
  return [
    await info("s", "FULL"),
    await info("s"),
    await a.call("XINFO", "GROUPS", "s"),
    await a.call("XPENDING", "s", "g1"),
    await pending("g1"),
    await pending("g2"),
    await info("empty", "FULL"),
    await info("empty"),
  ];
}

Deno.test({
  name: "stream: RDB files with groups and PELs load in both directions",
  ignore: NO_ORACLE,
  async fn() {
    const dirA = await Deno.makeTempDir({ prefix: "stream-rdb-a-" });
    const dirB = await Deno.makeTempDir({ prefix: "stream-rdb-b-" });
    try {
      // Redis writes, we load.
      const theirs = await withServer(
        { oracle: true, flags: ["--dir", dirA], clients: 4 },
        async ([a]) => {
          await buildGroupedStream(a);
          assert.equal(await a.call("SAVE"), "OK");
          return await groupedState(a);
        },
      );
      await Deno.copyFile(`${dirA}/dump.rdb`, `${dirB}/dump.rdb`);
      const ours = await withServer(
        { flags: ["--dir", dirB, "--save", ""], clients: 4 },
        async ([a]) => {
          const state = await groupedState(a);
          assert.equal(await a.call("SAVE"), "OK");
          return state;
        },
      );
      assert.deepEqual(ours, theirs);
      // We write, Redis loads.
      await Deno.copyFile(`${dirB}/dump.rdb`, `${dirA}/dump.rdb`);
      const back = await withServer(
        { oracle: true, flags: ["--dir", dirA], clients: 4 },
        async ([a]) => await groupedState(a),
      );
      assert.deepEqual(back, theirs);
    } finally {
      await Deno.remove(dirA, { recursive: true });
      await Deno.remove(dirB, { recursive: true });
    }
  },
});

const COMMANDS = [
  "xadd",
  "xlen",
  "xrange",
  "xrevrange",
  "xdel",
  "xtrim",
  "xsetid",
  "xread",
  "xreadgroup",
  "xack",
  "xpending",
  "xclaim",
  "xautoclaim",
  "xgroup|create",
  "xgroup|setid",
  "xgroup|destroy",
  "xgroup|createconsumer",
  "xgroup|delconsumer",
  "xinfo|stream",
  "xinfo|groups",
  "xinfo|consumers",
  "xinfo|help",
  "xgroup|help",
];

Deno.test({
  name: "stream: COMMAND INFO metadata matches redis-server",
  ignore: NO_ORACLE,
  async fn() {
    const info = async (oracle: boolean) =>
      await withServer({ oracle, clients: 4 }, async ([a]) => {
        const out: string[] = [];
        for (const name of COMMANDS) {
          out.push(latin1(await a.callRaw("COMMAND", "INFO", name)));
        }
        for (
          const command of [
            ["XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0"],
            ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">"],
            ["XLEN", "k"],
          ]
        ) out.push(latin1(await a.callRaw("COMMAND", "GETKEYS", ...command)));
        return out;
      });
    const ours = await info(false);
    const theirs = await info(true);
    for (let i = 0; i < ours.length; i++) {
      assert.equal(ours[i], theirs[i], COMMANDS[i] ?? "COMMAND GETKEYS");
    }
  },
});

Deno.test("stream: IDs beyond 2^53 stay exact end to end", async () => {
  await withServer({ clients: 4 }, async ([a]) => {
    const big = "9007199254740993-18446744073709551614";
    assert.equal(await a.call("XADD", "s", big, "f", "v"), big);
    assert.equal(
      await a.call("XADD", "s", "9007199254740993-*", "f", "v"),
      "9007199254740993-18446744073709551615",
    );
    assert.deepEqual(
      await a.call("XADD", "s", "9007199254740993-*", "f", "v"),
      new RespError(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item",
      ),
    );
    assert.deepEqual(
      await a.call(
        "XRANGE",
        "s",
        "(9007199254740993-18446744073709551614",
        "+",
      ),
      [["9007199254740993-18446744073709551615", ["f", "v"]]],
    );
  });
});

/** keyspace_hits and keyspace_misses each command adds, in order. */
async function lookupCounts(
  [a]: RespClient[],
): Promise<number[][]> {
  const stats = async () => {
    const info = await a.call("INFO", "stats") as string;
    return ["keyspace_hits", "keyspace_misses"].map((f) =>
      Number(info.match(new RegExp(`^${f}:(\\d+)`, "m"))![1])
    );
  };
  const out: number[][] = [];
  await a.call("XADD", "s", "1-1", "a", "b");
  await a.call("XGROUP", "CREATE", "s", "g", "0");
  for (
    const args of [
      ["XREAD", "STREAMS", "s", "nokey", "0", "0"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
      ["XRANGE", "s", "-", "+"],
      ["XLEN", "nokey"],
      ["XACK", "s", "g", "1-1"],
      ["XPENDING", "s", "g"],
      ["XINFO", "STREAM", "s"],
      ["XCLAIM", "s", "g", "d", "0", "1-1"],
      ["XADD", "s", "2-1", "a", "b"],
    ]
  ) {
    const before = await stats();
    await a.call(...args);
    const after = await stats();
    out.push([after[0] - before[0], after[1] - before[1]]);
  }
  return out;
}

Deno.test({
  name: "stream: keyspace hits and misses are counted like redis-server",
  ignore: NO_ORACLE,
  async fn() {
    assert.deepEqual(
      await withServer({ clients: 4 }, lookupCounts),
      await withServer({ oracle: true, clients: 4 }, lookupCounts),
    );
  },
});

/** Keyspace events the stream commands emit, in order. */
async function streamEvents(
  [a, sub]: RespClient[],
): Promise<Reply[]> {
  await a.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
  await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
  for (
    const args of [
      ["XADD", "s", "1-1", "a", "1"],
      ["XADD", "s", "MAXLEN", "1", "2-1", "a", "2"],
      ["XADD", "s", "MAXLEN", "5", "3-1", "a", "3"],
      ["XDEL", "s", "2-1", "9-9"],
      ["XTRIM", "s", "MAXLEN", "0"],
      ["XTRIM", "s", "MAXLEN", "0"],
      ["XSETID", "s", "5-5"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"],
      ["XADD", "s", "6-1", "a", "6"],
      ["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"],
      ["XCLAIM", "s", "g", "c2", "0", "6-1"],
      ["XAUTOCLAIM", "s", "g", "c3", "0", "0"],
      ["XGROUP", "CREATECONSUMER", "s", "g", "c4"],
      ["XGROUP", "DELCONSUMER", "s", "g", "c4"],
      ["XGROUP", "SETID", "s", "g", "0"],
      ["XACK", "s", "g", "6-1"],
      ["XGROUP", "DESTROY", "s", "g"],
      ["SET", "done", "1"],
    ]
  ) {
    await a.call(...args);
  }
  const events: Reply[] = [];
  for (;;) {
    const message = await sub.read() as Reply[];
    events.push(message.slice(2));
    if (message[2] === "__keyevent@0__:set") return events;
  }
}

Deno.test({
  name: "stream: keyspace notifications match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    const ours = await withServer({ clients: 4 }, streamEvents);
    assert.deepEqual(
      ours,
      await withServer({ oracle: true, clients: 4 }, streamEvents),
    );
    const names = ours.map((e) => (e as string[])[0]);
    for (const event of ["xadd", "xtrim", "xdel", "xgroup-createconsumer"]) {
      assert.ok(names.includes(`__keyevent@0__:${event}`), event);
    }
  },
});

/** For each command run by another client: whether a WATCH on the key fails EXEC. */
async function watchOutcomes(
  [a, b]: RespClient[],
): Promise<string[]> {
  await a.call("XADD", "s", "1-1", "a", "1");
  await a.call("XADD", "s", "2-1", "a", "2");
  await a.call("XGROUP", "CREATE", "s", "g", "0");
  const out: string[] = [];
  for (
    const args of [
      ["XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"],
      ["XCLAIM", "s", "g", "c2", "0", "1-1"],
      ["XAUTOCLAIM", "s", "g", "c3", "0", "0"],
      ["XACK", "s", "g", "1-1"],
      ["XGROUP", "CREATECONSUMER", "s", "g", "c4"],
      ["XGROUP", "DELCONSUMER", "s", "g", "c4"],
      ["XGROUP", "SETID", "s", "g", "0"],
      ["XRANGE", "s", "-", "+"],
      ["XADD", "s", "3-1", "a", "3"],
      ["XDEL", "s", "3-1"],
      ["XTRIM", "s", "MAXLEN", "1"],
      ["XSETID", "s", "9-9"],
      ["XGROUP", "DESTROY", "s", "g"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XGROUP", "CREATE", "s", "g2", "0", "MKSTREAM"],
      ["XGROUP", "CREATE", "s2", "g", "0", "MKSTREAM"],
      ["XREAD", "STREAMS", "s", "0"],
    ]
  ) {
    await a.call("WATCH", "s", "s2");
    await b.call(...args);
    await a.call("MULTI");
    await a.call("PING");
    out.push(
      `${args.slice(0, 2).join(" ")}: ${JSON.stringify(await a.call("EXEC"))}`,
    );
  }
  return out;
}

Deno.test({
  name: "stream: WATCH is invalidated by the same commands as in redis-server",
  ignore: NO_ORACLE,
  async fn() {
    assert.deepEqual(
      await withServer({ clients: 4 }, watchOutcomes),
      await withServer({ oracle: true, clients: 4 }, watchOutcomes),
    );
  },
});
