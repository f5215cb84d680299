import { Picker, prng, withPair } from "../helpers/differential.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not found: geo differential tests skipped");
}

const UNITS = ["m", "km", "mi", "ft", "KM", "yd"];

/** A random coordinate in degrees with a few decimals, sometimes invalid. */
function coordinate(p: Picker, limit: number): string {
  if (p.chance(0.02)) return p.pick(["x", "nan", "inf", String(limit + 1)]);
  return (p.random() * 2 * limit - limit).toFixed(p.int(0, 7));
}

/** A point near a centre, so searches find something. */
function nearby(p: Picker, lon: number, lat: number): [string, string] {
  const dlon = (p.random() - 0.5) * p.pick([0.01, 0.5, 5, 40]);
  const dlat = (p.random() - 0.5) * p.pick([0.01, 0.5, 5, 40]);
  const x = Math.max(-180, Math.min(180, lon + dlon));
  const y = Math.max(-85, Math.min(85, lat + dlat));
  return [x.toFixed(6), y.toFixed(6)];
}

function randomSearch(p: Picker, key: string, centre: [number, number]) {
  const options: string[] = [];
  if (p.chance(0.5)) options.push(p.pick(["ASC", "DESC"]));
  if (p.chance(0.3)) {
    options.push("COUNT", p.pick(["1", "3", "10", "0", "x"]));
    if (p.chance(0.3)) options.push("ANY");
  }
  if (p.chance(0.4)) options.push("WITHDIST");
  if (p.chance(0.3)) options.push("WITHCOORD");
  if (p.chance(0.3)) options.push("WITHHASH");
  const from = p.chance(0.5)
    ? ["FROMMEMBER", p.pick(["m0", "m1", "m5", "none"])]
    : ["FROMLONLAT", ...nearby(p, centre[0], centre[1])];
  const by = p.chance(0.6)
    ? [
      "BYRADIUS",
      p.pick(["0", "1", "50", "200", "1000", "5000", "-1"]),
      p.pick(UNITS),
    ]
    : [
      "BYBOX",
      p.pick(["10", "100", "400", "3000"]),
      p.pick(["10", "100", "400", "3000"]),
      p.pick(UNITS),
    ];
  const parts = [from, by, options];
  // The order of option groups does not matter to Redis.
  for (let i = parts.length - 1; i > 0; i--) {
    const j = p.int(0, i);
    [parts[i], parts[j]] = [parts[j], parts[i]];
  }
  return [key, ...parts.flat()];
}

Deno.test({
  name: "differential: random geo commands match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (const seed of [1, 2, 3, 4]) {
        const p = new Picker(prng(seed));
        await pair.both(["HELLO", seed % 2 === 0 ? "3" : "2"]);
        await pair.same(["FLUSHALL"]);
        const centre: [number, number] = [
          p.random() * 300 - 150,
          p.random() * 150 - 75,
        ];
        const adds = ["GEOADD", "g"];
        for (let i = 0; i < 60; i++) {
          adds.push(...nearby(p, ...centre), `m${i}`);
        }
        await pair.same(adds);
        for (let i = 0; i < 150; i++) {
          let args: string[];
          switch (p.int(0, 9)) {
            case 0:
              args = [
                "GEOADD",
                "g",
                ...(p.chance(0.2) ? [p.pick(["NX", "XX", "CH"])] : []),
                coordinate(p, 180),
                coordinate(p, 85),
                `m${p.int(0, 70)}`,
              ];
              break;
            case 1:
              args = ["GEOPOS", "g", `m${p.int(0, 70)}`, `m${p.int(0, 70)}`];
              break;
            case 2:
              args = [
                "GEODIST",
                "g",
                `m${p.int(0, 70)}`,
                `m${p.int(0, 70)}`,
                p.pick(UNITS),
              ];
              break;
            case 3:
              args = ["GEOHASH", "g", `m${p.int(0, 70)}`, "nope"];
              break;
            case 4:
            case 5:
            case 6:
              args = ["GEOSEARCH", ...randomSearch(p, "g", centre)];
              break;
            case 7:
              args = [
                "GEOSEARCHSTORE",
                "dst",
                ...randomSearch(p, "g", centre).filter((a) =>
                  !a.startsWith("WITH")
                ),
                ...(p.chance(0.5) ? ["STOREDIST"] : []),
              ];
              break;
            case 8:
              args = [
                p.pick(["GEORADIUS", "GEORADIUS_RO"]),
                "g",
                ...nearby(p, ...centre),
                p.pick(["10", "100", "1000"]),
                "km",
                ...(p.chance(0.5) ? ["WITHDIST", "ASC"] : ["COUNT", "5"]),
              ];
              break;
            default:
              args = [
                p.pick(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"]),
                "g",
                `m${p.int(0, 70)}`,
                p.pick(["10", "100", "1000"]),
                "km",
                ...(p.chance(0.5) ? ["WITHCOORD", "DESC"] : ["STORE", "dst"]),
              ];
          }
          await pair.same(args, `seed ${seed} step ${i}: `);
          if (args[0] === "GEOSEARCHSTORE" || args.includes("STORE")) {
            await pair.same(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
          }
        }
      }
    });
  },
});

Deno.test({
  name: "differential: geo edge cases match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (const protocol of ["2", "3"]) {
        await pair.both(["HELLO", protocol]);
        await pair.same(["FLUSHALL"]);
        // One command per line, arguments separated by single spaces.
        const script = `
GEOADD g 200 100 m
GEOADD g 1e300 -1e300 m
GEOADD g x 1 m
GEOADD g NX XX 1 1 m
GEOADD g CH 1 1
GEOADD g 13.361389 38.115556 Palermo
GEOADD g 15.087269 37.502669 Catania
GEOADD g 180 85.05112878 corner -180 -85.05112878 other
GEOADD g CH 13.361389 38.1 Palermo 0 0 zero
GEOADD g XX 1 1 absent
GEOPOS g Palermo corner other zero none
GEOPOS nokey a
GEOHASH g Palermo corner other none
GEOHASH nokey a b
GEODIST g Palermo Catania
GEODIST g Palermo Catania mi
GEODIST g Palermo Catania yd
GEODIST g Palermo Catania km x
GEODIST g Palermo none
GEODIST nokey a b
GEODIST g corner other
ZADD g -5 neg 1e20 huge
GEOPOS g neg huge
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH
GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km DESC
GEOSEARCH g FROMMEMBER Palermo BYRADIUS 0 m
GEOSEARCH g FROMMEMBER none BYRADIUS 10 m
GEOSEARCH nokey FROMMEMBER none BYRADIUS 10 m
GEOSEARCH g BYRADIUS 10 m
GEOSEARCH g FROMLONLAT 15 37
GEOSEARCH g FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS -1 km
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS x km
GEOSEARCH g FROMLONLAT 15 37 BYBOX x 1 km
GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 -1 km
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 1 yd
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 300 km ANY
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 300 km COUNT 0
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 300 km COUNT 1 ANY
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 300 km COUNT 1
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 300 km STORE x
GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 20000 km
GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 300 km WITHDIST
GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 300 km STOREDIST
ZRANGE dst 0 -1 WITHSCORES
GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 1 m
EXISTS dst
GEORADIUS g 15 37 200 km STORE dst WITHDIST
GEORADIUS g 15 37 200 km STOREDIST dst
ZRANGE dst 0 -1 WITHSCORES
GEORADIUS_RO g 15 37 200 km STORE dst
GEORADIUS g 15 37 200 km FROMLONLAT 1 1
GEORADIUSBYMEMBER g none 200 km
GEORADIUSBYMEMBER nokey none x km
GEORADIUSBYMEMBER nokey none 1 km STORE dst
EXISTS dst
GEORADIUSBYMEMBER g Palermo 200 km WITHHASH WITHCOORD WITHDIST
SET str x
GEOADD str 1 1 a
GEOPOS str a
GEOSEARCH str FROMLONLAT 1 1 BYRADIUS 1 m
`.trim().split("\n").map((line) => line.split(" "));
        for (const args of script) await pair.same(args, `RESP${protocol} `);
      }
    });
  },
});
