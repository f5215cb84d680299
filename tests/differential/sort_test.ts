import { Picker, prng, withPair } from "../helpers/differential.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not found: SORT differential tests skipped");
}

/** Values that exercise numeric and string ordering. */
const ELEMENTS = [
  "3",
  "10",
  "-1",
  "2.5",
  "a",
  "B",
  "b",
  "1e2",
  " 7",
  "",
  "x\x00y",
];
const NUMBERS = ["3", "10", "-1", "2.5", "0", "1e2", "-0.5", "7", "42", "5"];

/** A random SORT over the source keys, with random options. */
function randomSort(p: Picker): string[] {
  const args = [
    p.pick(["SORT", "SORT_RO"]),
    p.pick(["l", "ln", "s", "z", "zn", "h", "none"]),
  ];
  for (let i = p.int(0, 4); i > 0; i--) {
    switch (p.int(0, 7)) {
      case 0:
        args.push(p.pick(["ASC", "DESC"]));
        break;
      case 1:
        args.push("ALPHA");
        break;
      case 2:
        args.push(
          "LIMIT",
          p.pick(["0", "1", "3", "-2", "50"]),
          p.pick(["0", "2", "-1", "5", "x"]),
        );
        break;
      case 3:
        args.push(
          "BY",
          p.pick(["w_*", "nosort", "h_*->f", "w_*->f", "missing_*", "*"]),
        );
        break;
      case 4:
      case 5:
        args.push(
          "GET",
          p.pick(["#", "w_*", "h_*->f", "h_*->g", "nostar", "h_*->"]),
        );
        break;
      case 6:
        if (args[0] === "SORT") args.push("STORE", "dst");
        break;
      default:
        args.push(p.pick(["ALPHA", "DESC", "BOGUS"]));
    }
  }
  // Missing BY keys compare equal under ALPHA, leaving hash order.
  if (args.includes("ALPHA") && !args[1].startsWith("l")) {
    return args.map((a) => a === "missing_*" || a === "*" ? "w_*" : a);
  }
  return args;
}

Deno.test({
  name: "differential: random SORT commands match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (const seed of [1, 2, 3]) {
        const p = new Picker(prng(seed));
        await pair.both(["HELLO", seed === 2 ? "3" : "2"]);
        await pair.same(["FLUSHALL"]);
        const pick = (values: string[]) =>
          Array.from({ length: p.int(3, 8) }, () => p.pick(values));
        await pair.same(["RPUSH", "l", ...pick(ELEMENTS)]);
        await pair.same(["RPUSH", "ln", ...pick(NUMBERS)]);
        // Integer-only sets are intsets, whose order Redis defines.
        await pair.same([
          "SADD",
          "s",
          ...pick(["1", "5", "-3", "12", "7", "0"]),
        ]);
        const zadd = ["ZADD", "z"];
        for (const e of new Set(pick(ELEMENTS))) {
          zadd.push(String(p.int(-5, 5)), e);
        }
        await pair.same(zadd);
        const zaddn = ["ZADD", "zn"];
        for (const e of new Set(pick(NUMBERS))) {
          zaddn.push(String(p.int(-5, 5)), e);
        }
        await pair.same(zaddn);
        await pair.same(["SET", "h", "str"]);
        // Distinct weights: with ALPHA, ties would leave the order to
        // Redis's hash table.
        const all = [...new Set([...ELEMENTS, ...NUMBERS, "1", "12", "0"])];
        for (let k = 0; k < all.length; k++) {
          const e = all[k];
          await pair.same(["SET", `w_${e}`, String((k * 7) % all.length)]);
          await pair.same(["HSET", `h_${e}`, "f", `${(k * 5) % all.length}`]);
        }
        for (let i = 0; i < 250; i++) {
          const args = randomSort(p);
          await pair.same(args, `seed ${seed} step ${i}: `);
          if (args.includes("STORE")) {
            await pair.same(["LRANGE", "dst", "0", "-1"]);
          }
        }
      }
    });
  },
});

Deno.test({
  name: "differential: SORT edge cases match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (const protocol of ["2", "3"]) {
        await pair.both(["HELLO", protocol]);
        await pair.same(["FLUSHALL"]);
        const script: string[][] = [
          ["SORT", "none"],
          ["SORT", "none", "STORE", "dst"],
          ["RPUSH", "l", "3", "1", "2"],
          ["SORT", "l", "LIMIT", "x", "1"],
          ["SORT", "l", "LIMIT", "1"],
          ["SORT", "l", "STORE"],
          ["SORT_RO", "l", "STORE", "dst"],
          ["SORT", "l", "LIMIT", "-5", "-5"],
          ["SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"],
          ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "5"],
          ["SORT", "l", "BY", "nosort", "LIMIT", "5", "5"],
          ["SORT", "l", "STORE", "dst", "STORE", "dst2"],
          ["LRANGE", "dst2", "0", "-1"],
          ["EXISTS", "dst"],
          ["RPUSH", "bad", "1", "x"],
          ["SORT", "bad"],
          ["SORT", "bad", "ALPHA"],
          ["RPUSH", "tiny", "1e-310"],
          ["SORT", "tiny"],
          ["SET", "str", "1"],
          ["SORT", "str"],
          ["ZADD", "z", "1", "c", "2", "a", "3", "b"],
          ["OBJECT", "ENCODING", "z"],
          ["SORT", "z", "BY", "nosort"],
          ["OBJECT", "ENCODING", "z"],
          ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "1"],
          ["SORT", "z", "ALPHA", "DESC"],
          ["SORT", "z", "BY", "nosort", "GET", "#", "GET", "k_*"],
          ["SORT", "z", "BY", "nosort", "GET", "k_*", "STORE", "dst"],
          ["EXISTS", "dst"],
          ["LRANGE", "dst", "0", "-1"],
          ["SADD", "s", "x", "y", "z"],
          ["SORT", "s", "BY", "nosort", "STORE", "dst"],
          ["LRANGE", "dst", "0", "-1"],
          ["SORT", "s", "ALPHA", "LIMIT", "0", "0", "STORE", "dst"],
          ["EXISTS", "dst"],
        ];
        for (const args of script) await pair.same(args, `RESP${protocol} `);
      }
    });
  },
});
