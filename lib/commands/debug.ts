/**
 * DEBUG: the subcommands tools and test suites use (Redis 7.0's replies
 * and error texts), allowed as enable-debug-command says.
 *
 * @module
 */

import { parseMemoryValue } from "../config/directives.ts";
import { AofError } from "../persistence/aof.ts";
import { randomReplicationId } from "../replication/replication.ts";
import type { Server } from "../server/server.ts";
import { ConfigRewriteError } from "../config/rewrite.ts";
import { Entry } from "../store/database.ts";
import { globMatch } from "../store/glob.ts";
import { bytesToString, lowerAscii, stringToBytes } from "../util/bytes.ts";
import { storeValue } from "../types/string.ts";
import { parseIntegerArgument } from "./arguments.ts";
import { protectedActionAllowed, rewriteServerConfig } from "./config.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import {
  debugObjectLine,
  DEFAULT_PACKED_THRESHOLD,
  dictStatsText,
  valueDictKeys,
} from "./debug_object.ts";
import { datasetDigest, valueDigest } from "./digest.ts";
import { CommandError, Errors } from "./errors.ts";
import { isSharedInteger } from "./keys.ts";
import type { CommandSpec } from "./spec.ts";

const DEBUG_NOT_ALLOWED =
  `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;

/** Redis 7.0's DEBUG HELP, for the subcommands implemented here, in its order. */
const DEBUG_HELP = [
  "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANGE-REPL-ID",
  "    Change the replication IDs of the instance.",
  "    Dangerous: should be used only for testing the replication subsystem.",
  "CONFIG-REWRITE-FORCE-ALL",
  "    Like CONFIG REWRITE but writes all configuration options, including",
  "    keywords not listed in original configuration file or default values.",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
  "LEAK <string>",
  "    Create a memory leak of the input string.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "HTSTATS <dbid>",
  "    Return hash table statistics of the specified Redis database.",
  "HTSTATS-KEY <key>",
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "QUICKLIST-PACKED-THRESHOLD <size>",
  "    Sets the threshold for elements to be inserted as plain vs packed nodes",
  "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "STRINGMATCH-TEST",
  "    Run a fuzz tester against the stringmatchlen() function.",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "HELP",
  "    Prints this help.",
];

/** DEBUG settings that only DEBUG itself reads, per server. */
interface DebugState {
  /**
   * DEBUG QUICKLIST-PACKED-THRESHOLD: in Redis, list elements of at least
   * this many bytes get a plain quicklist node of their own. Lists here are
   * not quicklists, so the threshold only affects what DEBUG OBJECT reports
   * for lists (ql_nodes and the other quicklist fields, serializedlength).
   */
  packedThreshold: number;
  /** DEBUG LEAK: strings kept forever, as Redis leaks them. */
  readonly leaked: Uint8Array[];
}

const debugStates = new WeakMap<Server, DebugState>();

function debugState(server: Server): DebugState {
  let state = debugStates.get(server);
  if (state === undefined) {
    state = {
      packedThreshold: DEFAULT_PACKED_THRESHOLD,
      leaked: [],
    };
    debugStates.set(server, state);
  }
  return state;
}

/**
 * Stand-ins for the addresses DEBUG OBJECT prints: each stored value gets
 * a distinct, 16-byte aligned number the first time it is shown.
 */
const addresses = new WeakMap<Entry, number>();
let nextAddress = 0x7f0000001000;

function addressOf(entry: Entry): number {
  let address = addresses.get(entry);
  if (address === undefined) {
    address = nextAddress;
    nextAddress += 16;
    addresses.set(entry, address);
  }
  return address;
}

/** C's atoi: optional blanks and sign, then digits; anything else reads as 0. */
function atoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

/** C's strtod prefix parse, as DEBUG SLEEP reads its seconds. */
function strtod(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(
    text,
  );
  return match === null ? 0 : Number(match[1]);
}

/** Blocks the whole process, as Redis's DEBUG SLEEP blocks its event loop. */
function sleepBlocking(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** DEBUG RELOAD: saves the dataset, empties it and loads the file back. */
function debugReload(ctx: CommandContext, args: Uint8Array[]): void {
  let merge = false;
  let flush = true;
  let save = true;
  for (const option of args.slice(2)) {
    const word = lowerAscii(option);
    if (word === "merge") merge = true;
    else if (word === "noflush") flush = false;
    else if (word === "nosave") save = false;
    else {
      throw new CommandError(
        "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
      );
    }
  }
  const server = ctx.server;
  if (save) {
    try {
      server.rdb.save();
    } catch (error) {
      server.log.warning(`DEBUG RELOAD could not save: ${error}`);
      throw new CommandError("ERR Error trying to save the DB");
    }
  }
  if (flush) emptyData(server);
  try {
    server.rdb.load(server.rdb.path, merge);
  } catch (error) {
    server.log.warning(`DEBUG RELOAD could not load the RDB file: ${error}`);
    throw new CommandError(
      "ERR Error trying to load the RDB dump, check server logs.",
    );
  }
  server.log.warning("DB reloaded by DEBUG RELOAD");
  ctx.reply.ok();
}

/** Empties every database, telling WATCH and blocked clients. */
function emptyData(server: Server): void {
  for (const db of server.keyspace.databases) server.databaseReplaced(db);
  server.keyspace.clear();
}

/**
 * DEBUG LOADAOF: writes out what the AOF has buffered, empties the dataset
 * and loads it back from the AOF files. As in Redis, a server with no AOF
 * to load, or one that fails to load, exits with status 1 (its dataset is
 * already gone).
 */
function debugLoadAof(ctx: CommandContext): void {
  const server = ctx.server;
  const { aof } = server;
  if (aof.enabled) aof.flush();
  emptyData(server);
  if (!aof.exists()) {
    server.log.warning("DEBUG LOADAOF: there is no append only file to load");
    Deno.exit(1);
  }
  server.loading = true;
  try {
    aof.load();
  } catch (error) {
    const message = error instanceof AofError ? error.message : String(error);
    server.log.warning(`DEBUG LOADAOF failed: ${message}`);
    Deno.exit(1);
  } finally {
    server.loading = false;
  }
  // Like Redis: loading is not a change to save or to log again.
  server.dirty = 0;
  ctx.propagated = [];
  server.log.warning("Append Only File loaded by DEBUG LOADAOF");
  ctx.reply.ok();
}

/** DEBUG OBJECT: the key's value as Redis describes its object. */
function debugObject(ctx: CommandContext, key: Uint8Array): void {
  // Like Redis, the key is found without an expiry check or an access.
  const entry = ctx.db.peek(bytesToString(key));
  if (entry === undefined) throw new CommandError("ERR no such key");
  const server = ctx.server;
  ctx.reply.simple(debugObjectLine(entry, {
    config: server.config,
    address: addressOf(entry),
    shared: isSharedInteger(ctx, entry),
    packedThreshold: debugState(server).packedThreshold,
    now: ctx.now,
  }));
}

const PROTOCOL_TYPES =
  "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";

/** DEBUG PROTOCOL: a sample reply of each RESP type. */
function debugProtocol(ctx: CommandContext, type: string): void {
  const reply = ctx.reply;
  switch (type) {
    case "string":
      reply.bulkString("Hello World");
      return;
    case "integer":
      reply.integer(12345);
      return;
    case "double":
      reply.double("3.141");
      return;
    case "bignum":
      reply.bigNumber("1234567999999999999999999999999999999");
      return;
    case "null":
      reply.nullBulk();
      return;
    case "array":
      reply.array(3);
      for (let j = 0; j < 3; j++) reply.integer(j);
      return;
    case "set":
      reply.set(3);
      for (let j = 0; j < 3; j++) reply.integer(j);
      return;
    case "map":
      reply.map(3);
      for (let j = 0; j < 3; j++) {
        reply.integer(j);
        reply.boolean(j === 1);
      }
      return;
    case "attrib":
      // Attributes exist in RESP3 only; the real reply follows either way.
      if (reply.protocol === 3) {
        reply.attribute(1);
        reply.bulkString("key-popularity");
        reply.array(2);
        reply.bulkString("key:123");
        reply.integer(90);
      }
      reply.bulkString("Some real reply following the attribute");
      return;
    case "push":
      if (reply.protocol !== 3) {
        throw new CommandError("ERR RESP2 is not supported by this command");
      }
      reply.push(2);
      reply.bulkString("server-cpu-usage");
      reply.integer(42);
      reply.bulkString("Some real reply following the push reply");
      return;
    case "verbatim":
      reply.verbatim("This is a verbatim\nstring");
      return;
    case "true":
    case "false":
      reply.boolean(type === "true");
      return;
    default:
      throw new CommandError(
        `ERR Wrong protocol type name. Please use one of the following: ${PROTOCOL_TYPES}`,
      );
  }
}

/** DEBUG HTSTATS: the key and expiry tables of a database. */
function debugHtstats(ctx: CommandContext, arg: Uint8Array): void {
  const index = parseIntegerArgument(arg);
  const databases = ctx.server.keyspace.databases;
  if (index < 0 || index >= databases.length) {
    throw new CommandError("ERR Out of range database");
  }
  const db = databases[index];
  const volatile: string[] = [];
  for (const [key, entry] of db.entries()) {
    if (entry.expireAt !== 0) volatile.push(key);
  }
  const text = "[Dictionary HT]\n" +
    dictStatsText(
      (function* () {
        for (const [key] of db.entries()) yield key;
      })(),
      db.size,
    ) +
    "[Expires HT]\n" + dictStatsText(volatile, volatile.length);
  ctx.reply.verbatim(text);
}

/** DEBUG HTSTATS-KEY: the hash table inside a set, hash or sorted set. */
function debugHtstatsKey(ctx: CommandContext, key: Uint8Array): void {
  // Like Redis's OBJECT lookup: an expired key is gone, and the lookup is
  // not an access (nor a keymiss event), but it counts as a hit or miss.
  const entry = ctx.db.get(bytesToString(key), ctx.now, false);
  const stats = ctx.server.stats;
  if (entry === undefined) {
    stats.keyspaceMisses++;
    throw new CommandError("ERR no such key");
  }
  stats.keyspaceHits++;
  const keys = valueDictKeys(entry, ctx.server.config);
  if (keys === null) {
    throw new CommandError(
      "ERR The value stored at the specified key is not represented using an hash table",
    );
  }
  ctx.reply.verbatim(dictStatsText(keys, keys.length));
}

/** Bytes for the glob fuzz test: mostly pattern characters, some any byte. */
function fuzzText(random: () => number): string {
  const alphabet = "*?[]\\^-ab";
  let text = "";
  for (let n = Math.floor(random() * 32); n > 0; n--) {
    text += random() < 0.8
      ? alphabet[Math.floor(random() * alphabet.length)]
      : String.fromCharCode(Math.floor(random() * 256));
  }
  return text;
}

/**
 * DEBUG STRINGMATCH-TEST: Redis's fuzz test of its glob matcher, here of
 * this server's (random patterns and subjects; the test passes if it ends).
 */
function debugStringmatchTest(ctx: CommandContext): void {
  for (let i = 0; i < 100_000; i++) {
    globMatch(fuzzText(Math.random), fuzzText(Math.random), i % 2 === 0);
  }
  ctx.reply.simple("Apparently Redis did not crash: test passed");
}

/** DEBUG QUICKLIST-PACKED-THRESHOLD: a memory value up to 4 GB - 1 MB. */
function debugPackedThreshold(ctx: CommandContext, arg: Uint8Array): void {
  const size = parseMemoryValue(bytesToString(arg));
  if (size === null || size > (1n << 32n) - (1n << 20n)) {
    throw new CommandError(
      "ERR argument must be a memory value bigger than 1 and smaller than 4gb",
    );
  }
  debugState(ctx.server).packedThreshold = size === 0n
    ? DEFAULT_PACKED_THRESHOLD
    : Number(size);
  ctx.reply.ok();
}

const POSITIVE_ERROR = "ERR value is out of range, must be positive";

/** A DEBUG POPULATE count or size: a non-negative integer. */
function positiveArgument(arg: Uint8Array): number {
  return parseIntegerArgument(arg, { min: 0, message: POSITIVE_ERROR });
}

/**
 * Redis builds POPULATE's names and values in a 128-byte C buffer: a prefix
 * ends at its first NUL byte and a name is cut to 127 bytes.
 */
function populateText(prefix: string, n: number): string {
  const nul = prefix.indexOf("\0");
  const text = `${nul === -1 ? prefix : prefix.slice(0, nul)}:${n}`;
  return text.length > 127 ? text.slice(0, 127) : text;
}

/**
 * DEBUG POPULATE count [prefix] [size]: string keys prefix:N holding
 * "value:N" (zero-padded or cut to `size` bytes when given), skipping
 * existing keys; not propagated, but WATCH and client caches see them.
 */
function debugPopulate(ctx: CommandContext, args: Uint8Array[]): void {
  const count = positiveArgument(args[2]);
  const size = args.length === 5 ? positiveArgument(args[4]) : 0;
  const prefix = args.length >= 4 ? bytesToString(args[3]) : "key";
  const server = ctx.server;
  const db = ctx.db;
  for (let n = 0; n < count; n++) {
    const key = populateText(prefix, n);
    if (db.lookup(key, ctx.now, false) !== undefined) continue;
    const text = stringToBytes(`value:${n}`);
    let value = text;
    if (size !== 0) {
      value = new Uint8Array(size);
      value.set(text.subarray(0, size));
    }
    storeValue(ctx, key, value);
    server.watches.keyChanged(db, key);
    server.tracking.keyChanged(key);
  }
  ctx.reply.ok();
}

/** DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE writing every directive. */
function debugConfigRewriteForceAll(ctx: CommandContext): void {
  // Redis reports the missing file as its strerror(EFAULT).
  let failure = "Bad address";
  if (ctx.server.config.configFile !== "") {
    try {
      rewriteServerConfig(ctx.server, { forceAll: true });
      ctx.reply.ok();
      return;
    } catch (error) {
      if (!(error instanceof ConfigRewriteError)) throw error;
      failure = error.message;
    }
  }
  throw new CommandError(`ERR CONFIG-REWRITE-FORCE-ALL failed: ${failure}`);
}

/** A new random replication id, as Redis's changeReplicationId makes. */
function changeReplicationId(server: Server): void {
  server.replication.replid = randomReplicationId();
  server.replication.clearReplicationId2();
  server.log.warning(
    "Changing replication IDs after receiving DEBUG change-repl-id",
  );
}

function debug(ctx: CommandContext, args: Uint8Array[]): void {
  if (!protectedActionAllowed(ctx, "enable-debug-command")) {
    throw new CommandError(DEBUG_NOT_ALLOWED);
  }
  const sub = lowerAscii(args[1]);
  const argc = args.length;
  const server = ctx.server;
  if (sub === "help" && argc === 2) {
    ctx.reply.array(DEBUG_HELP.length);
    for (const line of DEBUG_HELP) ctx.reply.simple(line);
  } else if (sub === "object" && argc === 3) {
    debugObject(ctx, args[2]);
  } else if (sub === "protocol" && argc === 3) {
    debugProtocol(ctx, lowerAscii(args[2]));
  } else if (sub === "digest" && argc === 2) {
    ctx.reply.simple(datasetDigest(server.keyspace));
  } else if (sub === "digest-value") {
    // Like Redis, keys are looked up without an expiry check.
    ctx.reply.array(argc - 2);
    for (const key of args.slice(2)) {
      ctx.reply.simple(valueDigest(ctx.db.peek(bytesToString(key))));
    }
  } else if (sub === "htstats" && argc === 3) {
    debugHtstats(ctx, args[2]);
  } else if (sub === "htstats-key" && argc === 3) {
    debugHtstatsKey(ctx, args[2]);
  } else if (sub === "change-repl-id" && argc === 2) {
    changeReplicationId(server);
    ctx.reply.ok();
  } else if (sub === "stringmatch-test" && argc === 2) {
    debugStringmatchTest(ctx);
  } else if (sub === "set-disable-deny-scripts" && argc === 3) {
    server.disableDenyScripts = atoi(bytesToString(args[2])) !== 0;
    ctx.reply.ok();
  } else if (sub === "set-skip-checksum-validation" && argc === 3) {
    server.skipChecksumValidation = atoi(bytesToString(args[2])) !== 0;
    ctx.reply.ok();
  } else if (sub === "populate" && argc >= 3 && argc <= 5) {
    debugPopulate(ctx, args);
  } else if (sub === "error" && argc === 3) {
    // The whole argument is the error line, code included; Redis writes it
    // as a raw reply, so errorstats do not see it.
    ctx.reply.error(bytesToString(args[2]).replace(/[\r\n]/g, " "));
  } else if (sub === "log" && argc === 3) {
    server.log.warning(`DEBUG LOG: ${bytesToString(args[2])}`);
    ctx.reply.ok();
  } else if (sub === "leak" && argc === 3) {
    debugState(server).leaked.push(args[2].slice());
    ctx.reply.ok();
  } else if (sub === "config-rewrite-force-all" && argc === 2) {
    debugConfigRewriteForceAll(ctx);
  } else if (sub === "pause-cron" && argc === 3) {
    server.cronPaused = atoi(bytesToString(args[2])) !== 0;
    ctx.reply.ok();
  } else if (sub === "quicklist-packed-threshold" && argc === 3) {
    debugPackedThreshold(ctx, args[2]);
  } else if (sub === "loadaof") {
    debugLoadAof(ctx);
  } else if (sub === "sleep" && argc === 3) {
    const micros = Math.trunc(strtod(bytesToString(args[2])) * 1_000_000);
    sleepBlocking(micros / 1000);
    ctx.reply.ok();
  } else if (sub === "reload") {
    debugReload(ctx, args);
  } else if (sub === "set-active-expire" && argc === 3) {
    server.activeExpire = atoi(bytesToString(args[2])) !== 0;
    ctx.reply.ok();
  } else {
    throw new CommandError(Errors.subcommandSyntax(args));
  }
}

/** The DEBUG command. */
export const DEBUG_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "debug",
    arity: -2,
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    since: "1.0.0",
    summary: "Debugging and testing aids.",
    complexity: "Depends on subcommand.",
    handler: debug,
  }),
];
