import assert from "node:assert/strict";
import { inProcess } from "../helpers/in_process.ts";
import { startServer, withServer } from "../helpers/servers.ts";
import {
  dictStatsText,
  formatFixed,
  quicklistNodes,
} from "../../lib/commands/debug_object.ts";

const ZEROS = "0".repeat(40);

/** An in-process server with DEBUG enabled. */
function debugServer(config: Record<string, string> = {}) {
  return inProcess({ config: { "enable-debug-command": "yes", ...config } });
}

/** The status or error text of a reply, without its type byte and CRLF. */
function line(reply: string): string {
  return reply.slice(1, -2);
}

/**
 * Digests redis-server 7.0.15 reports for the same data (DEBUG
 * DIGEST-VALUE), so that the algorithm is checked without the oracle.
 */
const KNOWN_DIGESTS: [string[][], string][] = [
  [[["SET", "k", "b"]], "b78559cd22bce6e6df712eb99ce7f3b08e8f8f1f"],
  [
    [["SET", "k", "v", "EX", "100"]],
    "311b17018163335616e089f6b951c82c477335ac",
  ],
  [
    [["RPUSH", "k", "a", "12", "c"]],
    "c2106b6b60445c1d77bf238d7b20effec63108e5",
  ],
  [[["SADD", "k", "x", "5", "y"]], "9ab0175c08c7ea91e0aa7ce3701a4de6bb59341a"],
  [[["SADD", "k", "1", "2", "3"]], "2a462a3f51a1db89738ebbeef0c47ce1bbc85246"],
  [
    [[
      "ZADD",
      "k",
      "1.5",
      "a",
      "0.1",
      "b",
      "inf",
      "c",
      "-inf",
      "d",
      "3",
      "e",
      "1e100",
      "f",
    ]],
    "40608e04efb6b4e53851c3b67c04d350da81ef18",
  ],
  [
    [[
      "ZADD",
      "k",
      "-0",
      "a",
      "1e-5",
      "b",
      "123456789012345678",
      "c",
      "0.000123",
      "d",
    ]],
    // A listpack keeps -0 as 0; a skiplist (below) keeps -0.
    "93da6033094af8690cd2310059eb86289eef5b82",
  ],
  [
    [
      ["CONFIG", "SET", "zset-max-listpack-entries", "0"],
      [
        "ZADD",
        "k",
        "-0",
        "a",
        "1e-5",
        "b",
        "123456789012345678",
        "c",
        "0.000123",
        "d",
      ],
    ],
    "d7fc9e67bd3f821ea542516a0dc74fe8a1d3459b",
  ],
  [
    [["HSET", "k", "f1", "v1", "f2", "v2"]],
    "047cc60ea73a34cde6d08a2721a4a26d19ee6570",
  ],
  [
    [["XADD", "k", "1-1", "a", "b", "c", "d"], ["XADD", "k", "2-5", "e", "f"]],
    "316ac7c9fda8148893d87bf4dca38a0967365955",
  ],
  [
    [["XGROUP", "CREATE", "k", "g", "$", "MKSTREAM"]],
    "06bd01623de1d087bbd377851096317b1af476a2",
  ],
];

Deno.test("DEBUG DIGEST-VALUE gives redis-server's digests for every type", () => {
  for (const [commands, expected] of KNOWN_DIGESTS) {
    const s = debugServer();
    for (const args of commands) s.run(...args);
    assert.equal(
      s.run("DEBUG", "DIGEST-VALUE", "k"),
      `*1\r\n+${expected}\r\n`,
      JSON.stringify(commands),
    );
  }
});

Deno.test("DEBUG DIGEST: 40 zeros when empty, redis-server's digest for one key", () => {
  const s = debugServer();
  assert.equal(line(s.run("DEBUG", "DIGEST")), ZEROS);
  s.run("SET", "a", "b");
  assert.equal(
    line(s.run("DEBUG", "DIGEST")),
    "479783d7290f02957dfbe3408a858ba13eea1709",
  );
  // The same data in another database digests differently.
  s.run("MOVE", "a", "3");
  const moved = line(s.run("DEBUG", "DIGEST"));
  assert.notEqual(moved, ZEROS);
  assert.notEqual(moved, "479783d7290f02957dfbe3408a858ba13eea1709");
  s.run("FLUSHALL");
  assert.equal(line(s.run("DEBUG", "DIGEST")), ZEROS);
  assert.equal(s.run("DEBUG", "DIGEST-VALUE"), "*0\r\n");
  assert.equal(s.run("DEBUG", "DIGEST-VALUE", "none"), `*1\r\n+${ZEROS}\r\n`);
});

Deno.test("DEBUG DIGEST does not depend on insertion order or encoding", () => {
  const s = debugServer({ "hash-max-listpack-entries": "2" });
  s.run("HSET", "h1", "a", "1", "b", "2");
  s.run("HSET", "h2", "b", "2", "a", "1", "c", "3");
  s.run("HDEL", "h2", "c");
  assert.equal(s.run("OBJECT", "ENCODING", "h2"), "$9\r\nhashtable\r\n");
  const digests = s.run("DEBUG", "DIGEST-VALUE", "h1", "h2").split("\r\n");
  assert.equal(digests[1], digests[2]);
  const before = s.run("DEBUG", "DIGEST");
  s.run("DEBUG", "RELOAD");
  assert.equal(s.run("DEBUG", "DIGEST"), before);
});

Deno.test("DEBUG is refused unless enable-debug-command allows it", () => {
  const s = inProcess();
  assert.match(
    s.run("DEBUG", "DIGEST"),
    /^-ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local"/,
  );
});

Deno.test("DEBUG PROTOCOL writes each RESP3 type", () => {
  const s = debugServer();
  const expected: Record<string, string> = {
    bignum: "(1234567999999999999999999999999999999\r\n",
    attrib:
      "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
    verbatim: "=29\r\ntxt:This is a verbatim\nstring\r\n",
    map: "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
    set: "~3\r\n:0\r\n:1\r\n:2\r\n",
    double: ",3.141\r\n",
    null: "_\r\n",
    true: "#t\r\n",
    false: "#f\r\n",
    push:
      ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n",
  };
  const resp2: Record<string, string> = {
    bignum: "$37\r\n1234567999999999999999999999999999999\r\n",
    attrib: "$39\r\nSome real reply following the attribute\r\n",
    verbatim: "$25\r\nThis is a verbatim\nstring\r\n",
    map: "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
    null: "$-1\r\n",
    true: ":1\r\n",
    push: "-ERR RESP2 is not supported by this command\r\n",
  };
  for (const [type, reply] of Object.entries(resp2)) {
    assert.equal(s.run("DEBUG", "PROTOCOL", type), reply, type);
  }
  s.run("HELLO", "3");
  for (const [type, reply] of Object.entries(expected)) {
    assert.equal(s.run("DEBUG", "PROTOCOL", type), reply, type);
  }
});

Deno.test("DEBUG OBJECT describes the value without touching the key", () => {
  const s = debugServer();
  s.run("SET", "k", "hello");
  s.run("SET", "n", "42");
  s.run("RPUSH", "l", "a", "b", "c");
  const entry = s.server.keyspace.db(0).peek("k")!;
  entry.restoreAccess({ idleSeconds: 5 }, Date.now());
  const before = entry.clock;
  const text = line(s.run("DEBUG", "OBJECT", "k"));
  assert.match(
    text,
    /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\d+ lru_seconds_idle:[56]$/,
  );
  assert.equal(entry.clock, before);
  // The same value keeps its stand-in address; another value has another.
  const address = (key: string) =>
    /at:(0x[0-9a-f]+)/.exec(s.run("DEBUG", "OBJECT", key))![1];
  assert.equal(address("k"), address("k"));
  assert.notEqual(address("k"), address("n"));
  assert.match(
    s.run("DEBUG", "OBJECT", "n"),
    /refcount:2147483647 encoding:int serializedlength:2 /,
  );
  assert.match(
    s.run("DEBUG", "OBJECT", "l"),
    / ql_nodes:1 ql_avg_node:3\.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16\r\n$/,
  );
  assert.equal(s.run("DEBUG", "OBJECT", "none"), "-ERR no such key\r\n");
});

Deno.test("DEBUG QUICKLIST-PACKED-THRESHOLD changes the nodes DEBUG OBJECT reports", () => {
  const s = debugServer();
  s.run("RPUSH", "l", "x".repeat(10), "y".repeat(200), "z".repeat(10));
  assert.match(s.run("DEBUG", "OBJECT", "l"), / ql_nodes:1 /);
  assert.equal(s.run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"), "+OK\r\n");
  // The large element gets a plain node; the next one starts a new node.
  assert.match(s.run("DEBUG", "OBJECT", "l"), / ql_nodes:3 ql_avg_node:1\.00 /);
  assert.equal(s.run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"), "+OK\r\n");
  assert.match(s.run("DEBUG", "OBJECT", "l"), / ql_nodes:1 /);
  assert.equal(
    s.run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4gb"),
    "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n",
  );
});

Deno.test("quicklistNodes fills nodes up to the list-max-listpack-size limit", () => {
  const items = (n: number, size: number) =>
    Array.from({ length: n }, () => new Uint8Array(size).fill(97));
  // 8 KB nodes: each 100-byte element takes 103 bytes of listpack.
  const nodes = quicklistNodes(items(200, 100), -2, 1 << 30);
  assert.deepEqual(nodes.map((n) => n.items.length), [79, 79, 42]);
  assert.ok(nodes.every((n) => n.size <= 8192));
  assert.equal(nodes[0].size, 6 + 79 * 103 + 1);
  // A positive fill counts elements; 0 means one per node.
  assert.deepEqual(
    quicklistNodes(items(7, 1), 3, 1 << 30).map((n) => n.items.length),
    [3, 3, 1],
  );
  assert.equal(quicklistNodes(items(4, 1), 0, 1 << 30).length, 4);
  // Elements at the threshold are plain nodes.
  const plain = quicklistNodes(items(3, 50), -2, 50);
  assert.deepEqual(plain.map((n) => [n.plain, n.size]), [
    [true, 50],
    [true, 50],
    [true, 50],
  ]);
});

Deno.test("formatFixed rounds exact ties to even, as printf does", () => {
  assert.equal(formatFixed(1.125, 2), "1.12");
  assert.equal(formatFixed(3.375, 2), "3.38");
  assert.equal(formatFixed(0.5, 0), "0");
  assert.equal(formatFixed(1.5, 0), "2");
  assert.equal(formatFixed(200 / 3, 2), "66.67");
  assert.equal(formatFixed(1.005, 2), "1.00"); // 1.005 is below the tie
  assert.equal(formatFixed(12.5, 2), "12.50");
  assert.equal(formatFixed(-2.125, 2), "-2.12");
});

Deno.test("DEBUG HTSTATS and HTSTATS-KEY report Redis-shaped table statistics", () => {
  const s = debugServer({ "set-max-intset-entries": "1" });
  assert.equal(
    s.run("DEBUG", "HTSTATS", "0"),
    "$189\r\n[Dictionary HT]\nHash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n[Expires HT]\nHash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n\r\n",
  );
  for (let i = 0; i < 5; i++) s.run("SET", `k${i}`, "v");
  s.run("EXPIRE", "k0", "100");
  const stats = s.run("DEBUG", "HTSTATS", "0");
  assert.match(
    stats,
    /^\$\d+\r\n\[Dictionary HT\]\nHash table 0 stats \(main hash table\):\n table size: 8\n number of elements: 5\n/,
  );
  assert.match(
    stats,
    /\[Expires HT\]\nHash table 0 stats \(main hash table\):\n table size: 4\n number of elements: 1\n/,
  );
  s.run("SADD", "set", "a", "b", "c");
  assert.match(
    s.run("DEBUG", "HTSTATS-KEY", "set"),
    / table size: 4\n number of elements: 3\n/,
  );
  assert.equal(
    s.run("DEBUG", "HTSTATS-KEY", "k1"),
    "-ERR The value stored at the specified key is not represented using an hash table\r\n",
  );
  assert.equal(
    s.run("DEBUG", "HTSTATS", "16"),
    "-ERR Out of range database\r\n",
  );
});

Deno.test("dictStatsText: slot counts add up", () => {
  const keys = Array.from({ length: 100 }, (_, i) => `key:${i}`);
  const text = dictStatsText(keys, keys.length);
  assert.match(text, / table size: 128\n number of elements: 100\n/);
  let slots = 0;
  let elements = 0;
  for (const [, length, count] of text.matchAll(/^ {3}(\d+): (\d+) \(/gm)) {
    slots += Number(count);
    elements += Number(length) * Number(count);
  }
  assert.equal(slots, 128);
  assert.equal(elements, 100);
});

Deno.test("DEBUG CHANGE-REPL-ID gives the server a new replication id", () => {
  const s = debugServer();
  const replid = () =>
    /master_replid:([0-9a-f]{40})/.exec(s.run("INFO", "replication"))![1];
  const before = replid();
  assert.equal(s.run("DEBUG", "CHANGE-REPL-ID"), "+OK\r\n");
  assert.notEqual(replid(), before);
});

Deno.test("DEBUG STRINGMATCH-TEST and SET-DISABLE-DENY-SCRIPTS answer as Redis does", () => {
  const s = debugServer();
  assert.equal(
    s.run("DEBUG", "STRINGMATCH-TEST"),
    "+Apparently Redis did not crash: test passed\r\n",
  );
  assert.equal(s.run("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"), "+OK\r\n");
  assert.equal(s.run("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"), "+OK\r\n");
});

Deno.test("DEBUG PAUSE-CRON stops the cron: no active expiry until resumed", () =>
  withServer({ flags: ["--enable-debug-command", "yes"] }, async ([client]) => {
    const keys = async () => {
      const info = await client.call("INFO", "keyspace") as string;
      return /db0:keys=(\d+)/.exec(info)?.[1] ?? "0";
    };
    assert.equal(await client.call("DEBUG", "PAUSE-CRON", "1"), "OK");
    await client.call("SET", "k", "v", "PX", "50");
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await keys(), "1");
    assert.equal(await client.call("DEBUG", "PAUSE-CRON", "0"), "OK");
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await keys(), "0");
  }));

Deno.test("DEBUG LOADAOF flushes the AOF and reloads the dataset from it", () =>
  withServer(
    { flags: ["--enable-debug-command", "yes", "--appendonly", "yes"] },
    async ([client], server) => {
      await client.call("SET", "a", "1");
      await client.call("RPUSH", "l", "x", "y");
      await client.call("SET", "e", "v", "EX", "1000");
      await client.call("XADD", "s", "1-1", "f", "v");
      const digest = await client.call("DEBUG", "DIGEST");
      assert.equal(await client.call("DEBUG", "LOADAOF"), "OK");
      assert.equal(await client.call("DEBUG", "DIGEST"), digest);
      assert.equal(await client.call("TTL", "e") as number > 990, true);
      const info = await client.call("INFO", "persistence") as string;
      assert.match(info, /rdb_changes_since_last_save:0\r\n/);
      // Writing goes on into the same AOF, and loading twice changes nothing.
      await client.call("SET", "b", "2");
      const after = await client.call("DEBUG", "DIGEST");
      assert.equal(await client.call("DEBUG", "LOADAOF"), "OK");
      assert.equal(await client.call("DEBUG", "DIGEST"), after);
      assert.equal(await client.call("GET", "b"), "2");
      const dir = `${server.dir}/appendonlydir`;
      let logged = "";
      for (const file of Deno.readDirSync(dir)) {
        if (file.name.endsWith(".incr.aof")) {
          logged += Deno.readTextFileSync(`${dir}/${file.name}`);
        }
      }
      assert.ok(logged.includes("\r\nb\r\n"), logged);
      assert.ok(!/loadaof/i.test(logged), logged);
    },
  ));

Deno.test("DEBUG LOADAOF without an AOF exits with status 1, as Redis does", async () => {
  const server = await startServer({
    flags: ["--enable-debug-command", "yes"],
  });
  try {
    const client = await server.connect();
    await client.call("SET", "k", "v");
    await client.send("DEBUG", "LOADAOF");
    assert.equal(await client.closedByServer(), true);
    client.close();
    assert.equal((await server.status).code, 1);
  } finally {
    await server.stop();
  }
});
