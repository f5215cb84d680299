/**
 * Geospatial commands over sorted sets whose scores are 52-bit geohashes:
 * GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
 * GEORADIUSBYMEMBER and their _RO forms.
 *
 * @module
 */

import {
  parseFloatArgument,
  parseIntegerArgument,
} from "../commands/arguments.ts";
import {
  defineCommand,
  keyRange,
  keysAfterKeyword,
} from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import {
  decodeScore,
  decodeScoreTo,
  distanceIfInShape,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  geoDistance,
  geohashScore,
  type GeoShape,
  searchBoxes,
  standardGeohash,
} from "./geohash.ts";
import type { ScoreRange } from "./skiplist.ts";
import {
  AddResult,
  listpackLimits,
  lookupZSet,
  readZSet,
  storeZSet,
  ZADD_NX,
  ZADD_XX,
  ZSet,
  zsetAdd,
} from "./zset.ts";

/** C's printf("%f"): six decimals, exact digits for large values. */
function formatFixed6(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Math.abs(x) >= 1e21) return BigInt(x).toString() + ".000000";
  return x.toFixed(6);
}

/** Redis's "human" long double text: %.17Lf without trailing zeros. */
function formatCoordinate(x: number): string {
  let text = x.toFixed(17).replace(/0+$/, "");
  if (text.endsWith(".")) text = text.slice(0, -1);
  return text === "-0" ? "0" : text;
}

function replyCoordinate(ctx: CommandContext, x: number): void {
  ctx.reply.double(formatCoordinate(x));
}

/** Distances are replied with four decimals, as a bulk string. */
function replyDistance(ctx: CommandContext, meters: number): void {
  ctx.reply.bulkString(meters.toFixed(4));
}

/** Parses a longitude/latitude pair with Redis's range check. */
function lonLatArguments(
  lonArg: Uint8Array,
  latArg: Uint8Array,
): [number, number] {
  const x = parseFloatArgument(lonArg);
  const y = parseFloatArgument(latArg);
  if (
    x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX
  ) {
    throw new CommandError(
      `ERR invalid longitude,latitude pair ${formatFixed6(x)},${
        formatFixed6(y)
      }`,
    );
  }
  return [x, y];
}

/** Meters per unit; throws for unknown units. */
function unitArgument(arg: Uint8Array): number {
  if (equalsIgnoreCase(arg, "m")) return 1;
  if (equalsIgnoreCase(arg, "km")) return 1000;
  if (equalsIgnoreCase(arg, "ft")) return 0.3048;
  if (equalsIgnoreCase(arg, "mi")) return 1609.34;
  throw new CommandError(
    "ERR unsupported unit provided. please use M, KM, FT, MI",
  );
}

/** Parses a radius, width or height ("ERR need numeric <what>" otherwise). */
function sizeArgument(arg: Uint8Array, what: string): number {
  return parseFloatArgument(arg, { message: `ERR need numeric ${what}` });
}

function geoadd(ctx: CommandContext, args: Uint8Array[]): void {
  let nx = false;
  let xx = false;
  let ch = false;
  let longIndex = 2;
  for (; longIndex < args.length; longIndex++) {
    const opt = args[longIndex];
    if (equalsIgnoreCase(opt, "nx")) nx = true;
    else if (equalsIgnoreCase(opt, "xx")) xx = true;
    else if (equalsIgnoreCase(opt, "ch")) ch = true;
    else break;
  }
  const rest = args.length - longIndex;
  if (rest % 3 !== 0 || (xx && nx) || rest === 0) {
    throw new CommandError(Errors.syntax);
  }
  const scores: number[] = [];
  for (let i = longIndex; i < args.length; i += 3) {
    const [x, y] = lonLatArguments(args[i], args[i + 1]);
    scores.push(geohashScore(x, y));
  }
  const key = bytesToString(args[1]);
  let zset = lookupZSet(ctx, key);
  let added = 0;
  let updated = 0;
  if (zset === null && !xx) {
    zset = new ZSet();
    storeZSet(ctx, key, zset);
  }
  if (zset !== null) {
    const limits = listpackLimits(ctx);
    const flags = (nx ? ZADD_NX : 0) | (xx ? ZADD_XX : 0);
    for (let j = 0; j < scores.length; j++) {
      const member = bytesToString(args[longIndex + j * 3 + 2]);
      const r = zsetAdd(zset, member, scores[j], flags, limits);
      if (r.result === AddResult.Added) added++;
      else if (r.result === AddResult.Updated) updated++;
    }
    if (added + updated > 0) ctx.keyChanged(key, "z", "zadd", added + updated);
  }
  ctx.reply.integer(ch ? added + updated : added);
}

function geopos(ctx: CommandContext, args: Uint8Array[]): void {
  const zset = readZSet(ctx, bytesToString(args[1]));
  ctx.reply.array(args.length - 2);
  for (let j = 2; j < args.length; j++) {
    const score = zset?.score(bytesToString(args[j]));
    if (score === undefined) {
      ctx.reply.nullArray();
      continue;
    }
    const [x, y] = decodeScore(score);
    ctx.reply.array(2);
    replyCoordinate(ctx, x);
    replyCoordinate(ctx, y);
  }
}

function geodist(ctx: CommandContext, args: Uint8Array[]): void {
  let toMeters = 1;
  if (args.length === 5) toMeters = unitArgument(args[4]);
  else if (args.length > 5) throw new CommandError(Errors.syntax);
  const zset = readZSet(ctx, bytesToString(args[1]));
  const s1 = zset?.score(bytesToString(args[2]));
  const s2 = zset?.score(bytesToString(args[3]));
  if (s1 === undefined || s2 === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  replyDistance(ctx, geoDistance(x1, y1, x2, y2) / toMeters);
}

function geohash(ctx: CommandContext, args: Uint8Array[]): void {
  const zset = readZSet(ctx, bytesToString(args[1]));
  ctx.reply.array(args.length - 2);
  for (let j = 2; j < args.length; j++) {
    const score = zset?.score(bytesToString(args[j]));
    if (score === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulkString(standardGeohash(score));
  }
}

/** A search hit. */
interface GeoPoint {
  member: string;
  score: number;
  x: number;
  y: number;
  dist: number;
}

/**
 * Collects the members inside `shape` from the candidate boxes, in Redis's
 * box order; stops after `limit` hits when limit > 0 (COUNT ... ANY).
 */
function membersInShape(
  zset: ZSet,
  shape: GeoShape,
  limit: number,
): GeoPoint[] {
  const boxes = searchBoxes(shape);
  const found: GeoPoint[] = [];
  const position = { x: 0, y: 0 };
  let last = 0;
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i];
    if (box.bits === 0 && box.step === 0) continue;
    // Huge radiuses can make neighbours coincide; skip repeats like Redis.
    if (
      last && box.bits === boxes[last].bits && box.step === boxes[last].step
    ) {
      continue;
    }
    if (found.length && limit && found.length >= limit) break;
    const shift = 2 ** (52 - box.step * 2);
    const scoreRange: ScoreRange = {
      min: box.bits * shift,
      max: (box.bits + 1) * shift,
      minex: false,
      maxex: true,
    };
    let node = zset.list.firstInScoreRange(scoreRange);
    while (node !== null && node.score < scoreRange.max) {
      decodeScoreTo(node.score, position);
      const { x, y } = position;
      const dist = distanceIfInShape(shape, x, y);
      if (dist !== null) {
        found.push({ member: node.member, score: node.score, x, y, dist });
      }
      if (found.length && limit && found.length >= limit) break;
      node = node.next;
    }
    last = i;
  }
  return found;
}

// georadiusGeneric flags.
const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const enum Sort {
  None,
  Asc,
  Desc,
}

/** Distance and unit arguments of a radius (extractDistanceOrReply). */
function radiusArguments(
  value: Uint8Array,
  unit: Uint8Array,
): { radius: number; conversion: number } {
  const radius = sizeArgument(value, "radius");
  if (radius < 0) throw new CommandError("ERR radius cannot be negative");
  return { radius, conversion: unitArgument(unit) };
}

/** The position of a member, or an error as Redis reports it. */
function memberPosition(zset: ZSet, member: Uint8Array): [number, number] {
  const score = zset.score(bytesToString(member));
  if (score === undefined) {
    throw new CommandError("ERR could not decode requested zset member");
  }
  return decodeScore(score);
}

/** The GEORADIUS and GEOSEARCH family (georadiusGeneric). */
function georadiusGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  srcIndex: number,
  flags: number,
): void {
  const zset = readZSet(ctx, bytesToString(args[srcIndex]));
  let storeKey: string | null = null;
  let storeDist = false;
  let baseArgs: number;
  const shape: GeoShape = { x: 0, y: 0, conversion: 1 };
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    [shape.x, shape.y] = lonLatArguments(args[2], args[3]);
    const r = radiusArguments(args[4], args[5]);
    shape.radius = r.radius;
    shape.conversion = r.conversion;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    if (zset !== null) {
      [shape.x, shape.y] = memberPosition(zset, args[2]);
      const r = radiusArguments(args[3], args[4]);
      shape.radius = r.radius;
      shape.conversion = r.conversion;
    }
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storeKey = bytesToString(args[1]);
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = Sort.None;
  let any = false;
  let count = 0;
  const remaining = args.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = args[baseArgs + i];
    const at = (k: number) => args[baseArgs + i + k];
    if (equalsIgnoreCase(arg, "withdist")) withDist = true;
    else if (equalsIgnoreCase(arg, "withhash")) withHash = true;
    else if (equalsIgnoreCase(arg, "withcoord")) withCoords = true;
    else if (equalsIgnoreCase(arg, "any")) any = true;
    else if (equalsIgnoreCase(arg, "asc")) sort = Sort.Asc;
    else if (equalsIgnoreCase(arg, "desc")) sort = Sort.Desc;
    else if (equalsIgnoreCase(arg, "count") && i + 1 < remaining) {
      count = parseIntegerArgument(at(1), {
        min: 1,
        rangeMessage: Errors.countMustBePositive,
      });
      i++;
    } else if (
      equalsIgnoreCase(arg, "store") && i + 1 < remaining &&
      !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)
    ) {
      storeKey = bytesToString(at(1));
      storeDist = false;
      i++;
    } else if (
      equalsIgnoreCase(arg, "storedist") && i + 1 < remaining &&
      !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)
    ) {
      storeKey = bytesToString(at(1));
      storeDist = true;
      i++;
    } else if (
      equalsIgnoreCase(arg, "storedist") && flags & GEOSEARCH &&
      flags & GEOSEARCHSTORE
    ) {
      storeDist = true;
    } else if (
      equalsIgnoreCase(arg, "frommember") && i + 1 < remaining &&
      flags & GEOSEARCH && !fromLoc
    ) {
      if (zset !== null) [shape.x, shape.y] = memberPosition(zset, at(1));
      fromMember = true;
      i++;
    } else if (
      equalsIgnoreCase(arg, "fromlonlat") && i + 2 < remaining &&
      flags & GEOSEARCH && !fromMember
    ) {
      [shape.x, shape.y] = lonLatArguments(at(1), at(2));
      fromLoc = true;
      i += 2;
    } else if (
      equalsIgnoreCase(arg, "byradius") && i + 2 < remaining &&
      flags & GEOSEARCH && !byBox
    ) {
      const r = radiusArguments(at(1), at(2));
      shape.radius = r.radius;
      shape.conversion = r.conversion;
      byRadius = true;
      i += 2;
    } else if (
      equalsIgnoreCase(arg, "bybox") && i + 3 < remaining &&
      flags & GEOSEARCH && !byRadius
    ) {
      const width = sizeArgument(at(1), "width");
      const height = sizeArgument(at(2), "height");
      if (height < 0 || width < 0) {
        throw new CommandError("ERR height or width cannot be negative");
      }
      shape.conversion = unitArgument(at(3));
      shape.width = width;
      shape.height = height;
      delete shape.radius;
      byBox = true;
      i += 3;
    } else throw new CommandError(Errors.syntax);
  }

  const name = bytesToString(args[0]);
  if (storeKey !== null && (withDist || withHash || withCoords)) {
    throw new CommandError(
      `ERR ${
        flags & GEOSEARCHSTORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
      } is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  if (flags & GEOSEARCH && !(fromMember || fromLoc)) {
    throw new CommandError(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`,
    );
  }
  if (flags & GEOSEARCH && !(byRadius || byBox)) {
    throw new CommandError(
      `ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`,
    );
  }
  if (any && !count) {
    throw new CommandError("ERR the ANY argument requires COUNT argument");
  }

  if (zset === null) {
    if (storeKey !== null) {
      if (ctx.db.get(storeKey, ctx.now) !== undefined) {
        ctx.db.delete(storeKey);
        ctx.keyChanged(storeKey, "g", "del");
      }
      ctx.reply.integer(0);
    } else ctx.reply.array(0);
    return;
  }
  if (count !== 0 && sort === Sort.None && !any) sort = Sort.Asc;

  const found = membersInShape(zset, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) {
    ctx.reply.array(0);
    return;
  }
  const returned = count === 0 || found.length < count ? found.length : count;
  if (sort === Sort.Asc) found.sort((a, b) => a.dist - b.dist);
  else if (sort === Sort.Desc) found.sort((a, b) => b.dist - a.dist);

  if (storeKey === null) {
    const options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) +
      (withHash ? 1 : 0);
    const reply = ctx.reply;
    reply.array(returned);
    for (let i = 0; i < returned; i++) {
      const p = found[i];
      if (options) reply.array(options + 1);
      reply.bulkString(p.member);
      if (withDist) replyDistance(ctx, p.dist / shape.conversion);
      if (withHash) reply.integer(p.score);
      if (withCoords) {
        reply.array(2);
        replyCoordinate(ctx, p.x);
        replyCoordinate(ctx, p.y);
      }
    }
    return;
  }
  if (returned === 0) {
    if (ctx.db.get(storeKey, ctx.now) !== undefined) {
      ctx.db.delete(storeKey);
      ctx.keyChanged(storeKey, "g", "del");
    }
    ctx.reply.integer(0);
    return;
  }
  const dst = new ZSet();
  dst.listpack = false;
  const unlimited = { entries: Infinity, value: Infinity };
  for (let i = 0; i < returned; i++) {
    const p = found[i];
    dst.insert(
      p.member,
      storeDist ? p.dist / shape.conversion : p.score,
      unlimited,
    );
  }
  dst.settleEncoding(listpackLimits(ctx));
  storeZSet(ctx, storeKey, dst);
  ctx.keyChanged(
    storeKey,
    "z",
    flags & GEOSEARCH ? "geosearchstore" : "georadiusstore",
    returned,
  );
  ctx.reply.integer(returned);
}

/** Geospatial commands. */
export const GEO_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "geoadd",
    arity: -5,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "3.2.0",
    summary: "Adds members with longitude and latitude to a geospatial index.",
    complexity: "O(log(N)) for each member added",
    handler: geoadd,
  }),
  defineCommand({
    name: "geopos",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Returns the longitude and latitude of members of a geospatial index.",
    complexity: "O(1) for each member asked",
    handler: geopos,
  }),
  defineCommand({
    name: "geodist",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "3.2.0",
    summary: "Returns the distance between two members of a geospatial index.",
    complexity: "O(1)",
    handler: geodist,
  }),
  defineCommand({
    name: "geohash",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Returns the standard geohash strings of members of a geospatial index.",
    complexity: "O(1) for each member asked",
    handler: geohash,
  }),
  defineCommand({
    name: "geosearch",
    arity: -7,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "6.2.0",
    summary:
      "Finds the members of a geospatial index within a circle or a box.",
    complexity:
      "O(N+log(M)) with N the number of members in the searched boxes and M the number of results",
    handler: (ctx, args) => georadiusGeneric(ctx, args, 1, GEOSEARCH),
  }),
  defineCommand({
    name: "geosearchstore",
    arity: -8,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1), keyRange(["RO", "access"], 2)],
    categories: ["geo"],
    group: "geo",
    since: "6.2.0",
    summary:
      "Stores the members of a geospatial index within a circle or a box.",
    complexity:
      "O(N+log(M)) with N the number of members in the searched boxes and M the number of results",
    handler: (ctx, args) =>
      georadiusGeneric(ctx, args, 2, GEOSEARCH | GEOSEARCHSTORE),
  }),
  defineCommand({
    name: "georadius",
    arity: -6,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RO", "access"], 1),
      keysAfterKeyword(["OW", "update"], "STORE", 6),
      keysAfterKeyword(["OW", "update"], "STOREDIST", 6),
    ],
    categories: ["geo"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Finds the members of a geospatial index within a radius of a position.",
    complexity:
      "O(N+log(M)) with N the number of members in the searched boxes and M the number of results",
    handler: (ctx, args) => georadiusGeneric(ctx, args, 1, RADIUS_COORDS),
  }),
  defineCommand({
    name: "georadiusbymember",
    arity: -5,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RO", "access"], 1),
      keysAfterKeyword(["OW", "update"], "STORE", 5),
      keysAfterKeyword(["OW", "update"], "STOREDIST", 5),
    ],
    categories: ["geo"],
    group: "geo",
    since: "3.2.0",
    summary:
      "Finds the members of a geospatial index within a radius of a member.",
    complexity:
      "O(N+log(M)) with N the number of members in the searched boxes and M the number of results",
    handler: (ctx, args) => georadiusGeneric(ctx, args, 1, RADIUS_MEMBER),
  }),
  defineCommand({
    name: "georadius_ro",
    arity: -6,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "3.2.10",
    summary: "Read-only GEORADIUS.",
    complexity:
      "O(N+log(M)) with N the number of members in the searched boxes and M the number of results",
    handler: (ctx, args) =>
      georadiusGeneric(ctx, args, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  }),
  defineCommand({
    name: "georadiusbymember_ro",
    arity: -5,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["geo"],
    group: "geo",
    since: "3.2.10",
    summary: "Read-only GEORADIUSBYMEMBER.",
    complexity:
      "O(N+log(M)) with N the number of members in the searched boxes and M the number of results",
    handler: (ctx, args) =>
      georadiusGeneric(ctx, args, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  }),
];
