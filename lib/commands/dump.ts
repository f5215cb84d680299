/**
 * DUMP, RESTORE and RESTORE-ASKING, with Redis's payload: an RDB-encoded value, the RDB
 * version (2 bytes, little-endian) and a CRC-64 of both (8 bytes).
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import { defineCommand, keyRange } from "./define.ts";
import { crc64 } from "../persistence/crc64.ts";
import { entryFromPlain } from "../persistence/rdb.ts";
import {
  MAX_RDB_VERSION,
  RdbCursor,
  RdbError,
  readValue,
} from "../persistence/rdb_reader.ts";
import { rdbTypeOf, RdbWriter } from "../persistence/rdb_writer.ts";
import { plainValueOf } from "../persistence/snapshot.ts";
import { EncodingError } from "../persistence/compact.ts";
import { bytesToString, concatBytes, equalsIgnoreCase } from "../util/bytes.ts";
import type { CommandContext } from "./context.ts";
import type { Entry } from "../store/database.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

/** Serialises `entry`'s value the way DUMP does (MIGRATE sends the same). */
export function dumpPayload(ctx: CommandContext, entry: Entry): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new RdbWriter((chunk) => chunks.push(chunk), {
    compress: ctx.server.config.flag("rdbcompression"),
    checksum: true,
  });
  const plain = plainValueOf(entry);
  writer.byte(rdbTypeOf(plain));
  writer.value(plain);
  writer.finishDumpPayload();
  return concatBytes(chunks);
}

function dump(ctx: CommandContext, args: Uint8Array[]): void {
  const entry = ctx.db.get(bytesToString(args[1]), ctx.now);
  if (entry === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(dumpPayload(ctx, entry));
}

/**
 * Whether a DUMP payload has a known RDB version and a correct CRC-64 (not
 * checked when `verifyChecksum` is false, as under DEBUG
 * SET-SKIP-CHECKSUM-VALIDATION).
 */
export function validPayload(
  payload: Uint8Array,
  verifyChecksum: boolean,
): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > MAX_RDB_VERSION) return false;
  if (!verifyChecksum) return true;
  const stored = payload.subarray(footer + 2);
  const view = new DataView(stored.buffer, stored.byteOffset, 8);
  return crc64(payload.subarray(0, footer + 2)) === view.getBigUint64(0, true);
}

function restore(ctx: CommandContext, args: Uint8Array[]): void {
  let replace = false;
  let absoluteTtl = false;
  let idleSeconds = -1;
  let frequency = -1;
  for (let i = 4; i < args.length; i++) {
    const more = i + 1 < args.length;
    if (equalsIgnoreCase(args[i], "replace")) replace = true;
    else if (equalsIgnoreCase(args[i], "absttl")) absoluteTtl = true;
    else if (
      equalsIgnoreCase(args[i], "idletime") && more && frequency === -1
    ) {
      idleSeconds = parseIntegerArgument(args[++i], {
        min: 0,
        rangeMessage: "ERR Invalid IDLETIME value, must be >= 0",
      });
    } else if (
      equalsIgnoreCase(args[i], "freq") && more && idleSeconds === -1
    ) {
      frequency = parseIntegerArgument(args[++i], {
        min: 0,
        max: 255,
        rangeMessage: "ERR Invalid FREQ value, must be >= 0 and <= 255",
      });
    } else throw new CommandError(Errors.syntax);
  }
  const key = bytesToString(args[1]);
  const db = ctx.db;
  if (!replace && db.get(key, ctx.now) !== undefined) {
    throw new CommandError("BUSYKEY Target key name already exists.");
  }
  const ttl = parseIntegerArgument(args[2], {
    min: 0,
    rangeMessage: "ERR Invalid TTL value, must be >= 0",
  });
  const payload = args[3];
  if (!validPayload(payload, !ctx.server.skipChecksumValidation)) {
    throw new CommandError("ERR DUMP payload version or checksum are wrong");
  }
  let entry;
  try {
    const cursor = new RdbCursor(payload.subarray(0, payload.length - 10));
    const plain = readValue(cursor, cursor.byte());
    if (cursor.pos !== payload.length - 10) {
      throw new RdbError("trailing bytes");
    }
    entry = entryFromPlain(ctx.server, plain, ctx.now);
  } catch (error) {
    if (error instanceof RdbError || error instanceof EncodingError) {
      throw new CommandError("ERR Bad data format");
    }
    throw error;
  }
  const deleted = replace && db.delete(key);
  const expireAt = ttl === 0 ? 0 : absoluteTtl ? ttl : ttl + ctx.now;
  if (expireAt !== 0 && ctx.alreadyExpired(expireAt)) {
    if (deleted) {
      ctx.propagate(["DEL", args[1]]);
      ctx.keyChanged(key, "g", "del");
    }
    ctx.reply.ok();
    return;
  }
  entry.expireAt = expireAt;
  entry.restoreAccess({
    idleSeconds: idleSeconds >= 0 ? idleSeconds : undefined,
    frequency: frequency >= 0 ? frequency : undefined,
  }, ctx.now);
  db.set(key, entry);
  if (expireAt !== 0 && !absoluteTtl) {
    const rewritten = [...args];
    rewritten[2] = new TextEncoder().encode(String(expireAt));
    rewritten.push(new TextEncoder().encode("ABSTTL"));
    ctx.propagate(rewritten);
  }
  ctx.keyChanged(key, "g", "restore");
  ctx.reply.ok();
}

/** What RESTORE and RESTORE-ASKING (MIGRATE's form in a cluster) share. */
const restoreDeclaration = {
  arity: -4,
  flags: ["write", "denyoom"],
  keySpecs: [keyRange(["OW", "update"], 1)],
  categories: ["keyspace", "dangerous"],
  complexity:
    "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
  history: [
    ["3.0.0", "Added the `REPLACE` modifier."],
    ["5.0.0", "Added the `ABSTTL` modifier."],
    ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
  ],
  handler: restore,
} as const;

/** DUMP, RESTORE and RESTORE-ASKING. */
export const DUMP_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "dump",
    arity: 2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "2.6.0",
    summary:
      "Return a serialized version of the value stored at the specified key.",
    complexity:
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    handler: dump,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    ...restoreDeclaration,
    name: "restore",
    group: "generic",
    since: "2.6.0",
    summary:
      "Create a key using the provided serialized value, previously obtained using DUMP.",
  }),
  defineCommand({
    ...restoreDeclaration,
    name: "restore-asking",
    flags: ["write", "denyoom", "asking"],
    group: "server",
    since: "3.0.0",
    summary: "An internal command for migrating keys in a cluster",
    docFlags: ["syscmd"],
  }),
];
