import assert from "node:assert/strict";
import { binary, latin1 } from "../helpers/bytes.ts";
import { type Pair, Picker, prng, withPair } from "../helpers/differential.ts";
import { parseReply, type RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not found: keyspace differential tests skipped");
}

function parse(raw: string): unknown {
  return parseReply(binary(raw), 0)![0];
}

/** Every key a full SCAN with `options` returns, sorted and deduplicated. */
async function scanAll(
  client: RespClient,
  options: string[],
): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = parse(
      latin1(await client.callRaw("SCAN", cursor, ...options)),
    ) as [string, string[]];
    for (const key of keys) seen.add(key);
    cursor = next;
  } while (cursor !== "0");
  return [...seen].sort();
}

/**
 * Compares replies that depend on the clock (TTL, PTTL, EXPIRETIME,
 * PEXPIRETIME): equal, or both non-negative integers within `slack`.
 */
async function sameTime(
  pair: Pair,
  args: string[],
  slack: number,
  context: string,
): Promise<void> {
  const [ours, theirs] = await pair.both(args);
  if (ours === theirs) return;
  const a = /^:(\d+)\r\n$/.exec(ours);
  const b = /^:(\d+)\r\n$/.exec(theirs);
  assert.ok(
    a !== null && b !== null && Math.abs(Number(a[1]) - Number(b[1])) <= slack,
    `${context}${JSON.stringify(args)}: ours ${JSON.stringify(ours)}, redis ${
      JSON.stringify(theirs)
    }`,
  );
}

Deno.test({
  name: "differential keys: fixed edge cases",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const script = [
        "SELECT 16",
        "SELECT -1",
        "SELECT abc",
        "MOVE k 16",
        "MOVE k abc",
        "MOVE k 0",
        "MOVE k 99999999999",
        "MOVE k -2147483649",
        "SELECT 99999999999",
        "SET k v",
        "MOVE k 0",
        "MOVE k -1",
        "MOVE k 1",
        "MOVE k 1",
        "SWAPDB 0 16",
        "SWAPDB a 1",
        "SWAPDB 0 b",
        "SWAPDB -1 0",
        "SWAPDB 99999999999 0",
        "SWAPDB 0 99999999999",
        "SWAPDB 0 0",
        "SWAPDB 1 0",
        "SET k v",
        "COPY k k2 DB 16",
        "COPY k k2 DB x",
        "COPY k k2 DB 99999999999",
        "COPY k k2 DB",
        "COPY k k",
        "COPY k k DB 0",
        "COPY k k2 DB 0 DB 1",
        "COPY k k2 foo",
        "COPY k k2 REPLACE replace",
        "COPY k k2",
        "COPY k k2 REPLACE",
        "COPY nokey k2",
        "RENAME nokey x",
        "RENAMENX nokey x",
        "RENAME k k",
        "RENAMENX k k",
        "RENAMENX k k2",
        "RENAME k k3",
        "RENAME k2 k3",
        "OBJECT FREQ k3",
        "OBJECT ENCODING nokey",
        "OBJECT FREQ nokey",
        "OBJECT IDLETIME nokey",
        "OBJECT foo",
        "OBJECT",
        "OBJECT HELP",
        "OBJECT help x",
        "OBJECT ENCODING",
        "OBJECT REFCOUNT k3",
        "OBJECT ENCODING k3",
        "SET n 123",
        "OBJECT REFCOUNT n",
        "OBJECT ENCODING n",
        "SCAN abc",
        "SCAN 1.5",
        "SCAN 18446744073709551616",
        "SCAN 0 COUNT 0",
        "SCAN 0 COUNT -1",
        "SCAN 0 COUNT x",
        "SCAN 0 MATCH",
        "SCAN 0 foo bar",
        "SCAN 0 TYPE",
        "EXPIRE n 10 nx xx",
        "EXPIRE n 10 gt lt",
        "EXPIRE n 10 nx gt",
        "EXPIRE n 10 foo",
        "EXPIRE n x foo",
        "EXPIRE n x",
        "EXPIRE n 1.5",
        "EXPIRE n 9223372036854776",
        "EXPIRE n 9223372036854775",
        "EXPIRE n -9223372036854776",
        "PEXPIRE n 9223372036854775807",
        "EXPIREAT n 9223372036854775807",
        "PEXPIREAT n 9223372036854775808",
        "EXPIRE nokey 100",
        "EXPIRE n 1000 xx",
        "EXPIRE n 1000 NX",
        "EXPIRE n 1000 NX",
        "EXPIRE n 2000 gt",
        "EXPIRE n 1500 GT",
        "EXPIRE n 100 lt",
        "PERSIST n",
        "PERSIST n",
        "PERSIST nokey",
        "EXPIRE n 100 lt",
        // A smaller TTL, so GT fails whatever milliseconds pass in between.
        "EXPIRE n 50 gt",
        "EXPIRE n 100 xx",
        "PEXPIREAT k3 99999999999999",
        "PEXPIRETIME k3",
        "EXPIRETIME k3",
        "PEXPIREAT k3 99999999999499",
        "EXPIRETIME k3",
        "PEXPIREAT k3 99999999999500",
        "EXPIRETIME k3",
        "EXPIREAT k3 4102444800 LT",
        "EXPIRETIME k3",
        "TTL nokey",
        "PTTL nokey",
        "EXPIRETIME nokey",
        "PEXPIRETIME nokey",
        "TTL n",
        "EXPIRE k3 -1",
        "EXISTS k3",
        "SET k3 v",
        "PEXPIREAT k3 1",
        "TYPE k3",
        "TYPE n",
        "RPUSH l a",
        "TYPE l",
        "TYPE nokey",
        "EXISTS n n nokey l",
        "TOUCH n n nokey",
        "DEL n n nokey l",
        "UNLINK n",
        "DEL",
        "DBSIZE",
        "DBSIZE x",
        "FLUSHDB foo",
        "FLUSHDB async",
        "FLUSHALL SYNC",
        "FLUSHALL sync foo",
        "FLUSHALL",
        "DBSIZE",
        "RANDOMKEY",
        "SET a 1",
        "RANDOMKEY",
        "KEYS *",
        "KEYS [",
        "KEYS",
      ];
      for (const line of script) {
        await pair.same(line.split(" ").filter((w) => w !== ""));
      }
      // Arguments with spaces or empty strings.
      await pair.same(["SCAN", " 1"]);
      await pair.same(["SCAN", ""]);
      await pair.same(["SCAN", "0", "MATCH", "*", "COUNT", "100"]);
      await pair.same(["SCAN", "0", "TYPE", "STRING"]);
      await pair.same(["SCAN", "0", "TYPE", "nosuchtype"]);
      await pair.same(["EXPIRE", "a", "100", "bad\r\noption"]);
      // RESP3 forms.
      // HELLO's reply names the server, so only its effect is compared.
      await pair.both(["HELLO", "3"]);
      await pair.same(["RANDOMKEY"]);
      await pair.same(["OBJECT", "ENCODING", "nokey"]);
      await pair.same(["OBJECT", "HELP"]);
      await pair.same(["FLUSHALL"]);
      await pair.same(["RANDOMKEY"]);
    });
  },
});

/** Key names that collide often; some are binary. */
const KEYS = ["a", "b", "c", "key:1", "key:2", "k\x00\xff", "\xe9t\xe9", ""];
const PATTERN_ATOMS = [
  "*",
  "?",
  "a",
  "b",
  "k",
  "e",
  "y",
  ":",
  "1",
  "2",
  "\x00",
  "\xff",
  "\xe9",
  "t",
  "[a-c]",
  "[^a]",
  "[c-a]",
  "[\x80-\xff]",
  "[a-\xff]",
  "[\\]]",
  "\\*",
  "\\",
  "[",
  "]",
  "-",
  "^",
];

Deno.test({
  name: "differential keys: KEYS glob patterns match like stringmatchlen",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const subjects = [
        ...KEYS,
        "abc",
        "cba",
        "a*b",
        "a]b",
        "a-b",
        "a^",
        "\\",
        "[",
        "key:12",
        "kkkkkey",
        "\x80\x90",
        "0",
        "z",
        "ab\x00cd",
      ];
      for (const key of subjects) {
        await pair.same(["SET", key, "v"]);
      }
      const pick = new Picker(prng(7));
      for (let i = 0; i < 400; i++) {
        let pattern = "";
        const atoms = pick.int(1, 5);
        for (let j = 0; j < atoms; j++) pattern += pick.pick(PATTERN_ATOMS);
        await pair.sameUnordered(["KEYS", pattern], false, `pattern #${i} `);
        // SCAN MATCH filters with the same rules.
        const [ours, theirs] = await Promise.all([
          scanAll(pair.ourClient, ["MATCH", pattern]),
          scanAll(pair.oracleClient, ["MATCH", pattern]),
        ]);
        assert.deepEqual(ours, theirs, `SCAN MATCH ${JSON.stringify(pattern)}`);
      }
    });
  },
});

/** Makes each random relative TTL distinct (see randomCommand). */
let ttlSerial = 0;

/** One random command of the keyspace workload. */
function randomCommand(pick: Picker): string[] {
  const key = () => pick.pick(KEYS);
  const db = () => String(pick.int(0, 2));
  // Relative TTLs stay long and never repeat, so timing never matters (a GT
  // or LT against an equal TTL set a moment earlier would depend on the
  // milliseconds in between); absolute times are far in the future or past.
  const seconds = () => {
    ttlSerial++;
    return pick.chance(0.15)
      ? "-5"
      : String(pick.pick([1000, 20000, 300000, 4000000]) + ttlSerial);
  };
  const absolute = () =>
    String(pick.pick([4102444800, 4102448400, 4200000000, 1, 0]));
  const expireOptions = () => {
    const options: string[] = [];
    while (pick.chance(0.3)) options.push(pick.pick(["NX", "XX", "GT", "LT"]));
    return options;
  };
  const value = () =>
    pick.pick(["1", "123", "12345", "-7", "text", "x".repeat(50), ""]);
  switch (pick.int(0, 27)) {
    case 0:
    case 1:
      return ["SET", key(), value()];
    case 2:
      return ["SET", key(), value(), "EX", pick.pick(["1000", "3000"])];
    case 3:
      return ["GET", key()];
    case 4:
      return ["DEL", key(), ...(pick.chance(0.5) ? [key()] : [])];
    case 5:
      return ["UNLINK", key()];
    case 6:
      return ["EXISTS", key(), key()];
    case 7:
      return ["TYPE", key()];
    case 8:
      return ["RENAME", key(), key()];
    case 9:
      return ["RENAMENX", key(), key()];
    case 10: {
      const args = ["COPY", key(), key()];
      if (pick.chance(0.5)) args.push("DB", db());
      if (pick.chance(0.5)) args.push("REPLACE");
      return args;
    }
    case 11:
      return ["MOVE", key(), db()];
    case 12:
      return ["SELECT", db()];
    case 13:
      return pick.chance(0.2) ? ["SWAPDB", db(), db()] : ["DBSIZE"];
    case 14:
      return ["TOUCH", key(), key()];
    case 15:
      return ["EXPIRE", key(), seconds(), ...expireOptions()];
    case 16:
      return ["PEXPIRE", key(), seconds() + "000", ...expireOptions()];
    case 17:
      return ["EXPIREAT", key(), absolute(), ...expireOptions()];
    case 18:
      return ["PEXPIREAT", key(), absolute() + "000", ...expireOptions()];
    case 19:
      return [pick.pick(["TTL", "PTTL"]), key()];
    case 20:
      return [pick.pick(["EXPIRETIME", "PEXPIRETIME"]), key()];
    case 21:
      return ["PERSIST", key()];
    case 22:
      return ["OBJECT", pick.pick(["ENCODING", "REFCOUNT", "FREQ"]), key()];
    case 23:
      return pick.pick([
        ["RPUSH", key(), value()],
        ["SADD", key(), value()],
        ["HSET", key(), value(), value()],
        ["ZADD", key(), "1", value()],
        ["XADD", key(), "1-1", "f", "v"],
      ]);
    case 24:
      return ["KEYS", pick.pick(["*", "key:*", "?", "[a-c]", "*\xff*"])];
    case 25:
      return [
        "SCAN",
        ...(pick.chance(0.5) ? ["MATCH", "k*"] : []),
        ...(
          pick.chance(0.5)
            ? ["TYPE", pick.pick(["string", "list", "set", "hash", "zset"])]
            : []
        ),
      ];
    case 26:
      return ["RANDOMKEY"];
    default:
      return pick.chance(0.1) ? ["FLUSHDB"] : ["APPEND", key(), "z"];
  }
}

for (const seed of [1, 2, 3]) {
  Deno.test({
    name: `differential keys: random workload (seed ${seed})`,
    ignore: NO_ORACLE,
    async fn() {
      await withPair({}, async (pair) => {
        const pick = new Picker(prng(seed));
        for (let i = 0; i < 1500; i++) {
          const args = randomCommand(pick);
          const context = `seed ${seed} step ${i}: `;
          const name = args[0];
          if (name === "TTL" || name === "EXPIRETIME") {
            await sameTime(pair, args, 1, context);
          } else if (name === "PTTL" || name === "PEXPIRETIME") {
            await sameTime(pair, args, 1000, context);
          } else if (name === "KEYS") {
            await pair.sameUnordered(args, false, context);
          } else if (name === "SCAN") {
            const [ours, theirs] = await Promise.all([
              scanAll(pair.ourClient, args.slice(1)),
              scanAll(pair.oracleClient, args.slice(1)),
            ]);
            assert.deepEqual(ours, theirs, `${context}${JSON.stringify(args)}`);
          } else if (name === "RANDOMKEY") {
            // Only whether a key came back is deterministic.
            const [ours, theirs] = await pair.both(args);
            assert.equal(ours === "$-1\r\n", theirs === "$-1\r\n", context);
          } else {
            await pair.same(args, context);
          }
        }
        // Finally every database must hold the same keys.
        for (const db of ["0", "1", "2"]) {
          await pair.same(["SELECT", db]);
          await pair.sameUnordered(["KEYS", "*"]);
          await pair.same(["DBSIZE"]);
        }
      });
    },
  });
}

Deno.test({
  name: "differential keys: KEYS and SCAN hide expired keys alike",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (let i = 0; i < 20; i++) {
        await pair.same(["SET", `short:${i}`, "v", "PX", "1"]);
        await pair.same(["SET", `long:${i}`, "v", "EX", "1000"]);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      await pair.sameUnordered(["KEYS", "*"]);
      const [ours, theirs] = await Promise.all([
        scanAll(pair.ourClient, []),
        scanAll(pair.oracleClient, []),
      ]);
      assert.deepEqual(ours, theirs);
      assert.deepEqual(
        ours,
        Array.from({ length: 20 }, (_, i) => `long:${i}`).sort(),
      );
      // A full SCAN deletes the expired keys it meets.
      await pair.same(["DBSIZE"]);
    });
  },
});

Deno.test({
  name: "differential keys: keyspace hits and misses are counted alike",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const script = [
        ["SET", "a", "1"],
        ["RPUSH", "l", "x"],
        ["CONFIG", "RESETSTAT"],
        ["EXISTS", "a", "b", "l"],
        ["TYPE", "a"],
        ["TYPE", "b"],
        ["TOUCH", "a", "b"],
        ["TTL", "a"],
        ["PTTL", "b"],
        ["EXPIRETIME", "a"],
        ["OBJECT", "ENCODING", "a"],
        ["OBJECT", "REFCOUNT", "b"],
        ["COPY", "a", "c"],
        ["COPY", "b", "c"],
        ["RENAME", "c", "d"],
        ["MOVE", "d", "1"],
        ["EXPIRE", "a", "100"],
        ["PERSIST", "a"],
        ["DEL", "a", "b"],
        ["SCAN", "0", "TYPE", "list"],
        ["KEYS", "*"],
        ["RANDOMKEY"],
        ["DBSIZE"],
      ];
      for (const args of script) await pair.same(args);
      const stats = async (client: RespClient) => {
        const info = parse(latin1(await client.callRaw("INFO", "stats")));
        return String(info).split("\r\n").filter((line) =>
          line.startsWith("keyspace_")
        );
      };
      const [ours, theirs] = await Promise.all([
        stats(pair.ourClient),
        stats(pair.oracleClient),
      ]);
      assert.deepEqual(ours, theirs);
      assert.deepEqual(theirs.length, 2);
      assert.ok(theirs.every((line) => !line.endsWith(":0")), String(theirs));
    });
  },
});

Deno.test({
  name: "differential keys: keyspace notifications name the same events",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const subscribers = [
        await pair.ours.connect(),
        await pair.oracle.connect(),
      ];
      try {
        await pair.same(["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
        for (const s of subscribers) {
          await s.call("PSUBSCRIBE", "__keyevent@*__:*");
        }
        const script = [
          ["SET", "a", "1"],
          ["DEL", "a", "missing"],
          ["SET", "b", "1"],
          ["UNLINK", "b"],
          ["SET", "c", "1"],
          ["RENAME", "c", "d"],
          ["RENAMENX", "d", "e"],
          ["SET", "f", "2"],
          ["RENAME", "f", "e"],
          ["MOVE", "e", "3"],
          ["SELECT", "3"],
          ["COPY", "e", "g", "DB", "5"],
          ["COPY", "e", "h"],
          ["EXPIRE", "e", "100"],
          ["EXPIRE", "e", "100", "NX"],
          ["PERSIST", "e"],
          ["PEXPIREAT", "e", "1"],
          ["SWAPDB", "3", "4"],
          ["FLUSHDB"],
          ["SELECT", "0"],
          ["SET", "sentinel", "1"],
        ];
        for (const args of script) await pair.same(args);
        const collect = async (client: RespClient) => {
          const events: string[] = [];
          while (true) {
            const message = await client.read() as string[];
            events.push(`${message[2]} ${message[3]}`);
            if (message[3] === "sentinel") return events;
          }
        };
        const [ours, theirs] = await Promise.all(subscribers.map(collect));
        assert.deepEqual(ours, theirs);
      } finally {
        for (const s of subscribers) s.close();
      }
    });
  },
});

Deno.test({
  name: "differential keys: SWAPDB serves clients blocked on the new data",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const waiters = [await pair.ours.connect(), await pair.oracle.connect()];
      try {
        for (const w of waiters) await w.send("BLPOP", "l", "0");
        // Let both servers register the blocked clients.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await pair.same(["SELECT", "1"]);
        await pair.same(["RPUSH", "l", "x"]);
        await pair.same(["SWAPDB", "0", "1"]);
        const [ours, theirs] = await Promise.all(
          waiters.map(async (w) => latin1(await w.readRaw())),
        );
        assert.equal(ours, theirs);
        assert.equal(ours, "*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
        await pair.same(["LLEN", "l"]);
        await pair.same(["SELECT", "0"]);
        await pair.same(["LLEN", "l"]);
      } finally {
        for (const w of waiters) w.close();
      }
    });
  },
});
