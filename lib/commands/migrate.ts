/**
 * MIGRATE: moves keys to another server as Redis 7.0 does, sending it
 * AUTH (when asked), SELECT and a RESTORE of each key's DUMP payload with
 * the time it has left to live, then deleting the keys the target took
 * (unless COPY), propagated as DEL.
 *
 * Redis holds the whole server while it talks to the target. Here the
 * calling client blocks instead (keyless, as WAIT does) while the exchange
 * runs on the event loop, and the command completes through the
 * dispatcher when the target has answered; a key changed by another
 * client in the meantime is not deleted. Each call opens its own
 * connection, where Redis keeps one per target for 10 seconds.
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand, keyRange, keysAfterKeyword } from "./define.ts";
import { dumpPayload } from "./dump.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec, KeyReference, KeySpecFlag } from "./spec.ts";
import { ReplyWriter } from "../resp/encoder.ts";
import type { Entry } from "../store/database.ts";
import { bytesToString, concatBytes, equalsIgnoreCase } from "../util/bytes.ts";

const KEYS_NEED_EMPTY_KEY =
  "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
const TARGET_ERROR = "ERR Target instance replied with error: ";
/** Redis's wording, naming the client though it is the target that failed. */
const CONNECT_FAILED = "IOERR error or timeout connecting to the client";
const WRITE_FAILED = "IOERR error or timeout writing to target instance";
/** Redis's wording ("reading to"), kept for clients that match on it. */
const READ_FAILED = "IOERR error or timeout reading to target instance";
const NOT_IN_TRANSACTION =
  "ERR MIGRATE cannot run inside MULTI/EXEC or a script on this server";

/** How MIGRATE's keys are used, as Redis's key specs say. */
const KEY_FLAGS: readonly KeySpecFlag[] = ["RW", "access", "delete"];

/** What MIGRATE's arguments ask for. */
interface MigrateRequest {
  readonly copy: boolean;
  readonly replace: boolean;
  /** AUTH2's user name, sent with the password. */
  readonly username: Uint8Array | null;
  readonly password: Uint8Array | null;
  /** The key arguments: the key, or those after KEYS. */
  readonly keys: readonly Uint8Array[];
}

/** Parses the options after the timeout, as Redis does (before the numbers). */
function parseRequest(args: readonly Uint8Array[]): MigrateRequest {
  let copy = false;
  let replace = false;
  let username: Uint8Array | null = null;
  let password: Uint8Array | null = null;
  let keys: readonly Uint8Array[] = [args[3]];
  for (let i = 6; i < args.length; i++) {
    const more = args.length - 1 - i;
    if (equalsIgnoreCase(args[i], "copy")) copy = true;
    else if (equalsIgnoreCase(args[i], "replace")) replace = true;
    else if (equalsIgnoreCase(args[i], "auth") && more >= 1) {
      password = args[++i];
    } else if (equalsIgnoreCase(args[i], "auth2") && more >= 2) {
      username = args[++i];
      password = args[++i];
    } else if (equalsIgnoreCase(args[i], "keys")) {
      if (args[3].length !== 0) throw new CommandError(KEYS_NEED_EMPTY_KEY);
      keys = args.slice(i + 1);
      break;
    } else throw new CommandError(Errors.syntax);
  }
  return { copy, replace, username, password, keys };
}

/**
 * MIGRATE's keys for COMMAND GETKEYS and ACL checks (Redis's
 * migrateGetKeys): the key, or what follows KEYS, skipping AUTH's and
 * AUTH2's values; none when KEYS comes with a key.
 */
function migrateKeys(args: readonly Uint8Array[]): KeyReference[] | null {
  for (let i = 6; i < args.length; i++) {
    if (equalsIgnoreCase(args[i], "keys")) {
      if (args[3].length !== 0) return null;
      const keys: KeyReference[] = [];
      for (let k = i + 1; k < args.length; k++) {
        keys.push({ index: k, flags: KEY_FLAGS });
      }
      return keys;
    }
    if (equalsIgnoreCase(args[i], "auth")) i++;
    else if (equalsIgnoreCase(args[i], "auth2")) i += 2;
  }
  return [{ index: 3, flags: KEY_FLAGS }];
}

/** Where talking to the target failed, as Redis's IOERR replies name it. */
type Failure = "connecting" | "writing" | "reading";

/** What the target answered: its reply lines, and how the talk ended. */
interface Exchange {
  readonly lines: readonly string[];
  readonly failure: Failure | null;
}

const TIMED_OUT = Symbol("timed out");

/** `operation`'s outcome, or TIMED_OUT after `ms`. */
async function within<T>(
  operation: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([operation, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects to `host`:`port`, sends `request` and reads up to `expected`
 * reply lines, each step within `timeoutMs` as Redis's sync I/O is.
 */
async function exchange(
  host: string,
  port: number,
  request: Uint8Array,
  expected: number,
  timeoutMs: number,
): Promise<Exchange> {
  // A port no connection can reach is refused, which Redis notices writing.
  if (!(port >= 1 && port <= 65535)) return { lines: [], failure: "writing" };
  const connecting = Deno.connect({ hostname: host, port });
  let conn: Deno.TcpConn;
  try {
    const connected = await within(connecting, timeoutMs);
    if (connected === TIMED_OUT) {
      connecting.then((late) => late.close(), () => {});
      return { lines: [], failure: "connecting" };
    }
    conn = connected;
  } catch (error) {
    const refused = error instanceof Deno.errors.ConnectionRefused;
    return { lines: [], failure: refused ? "writing" : "connecting" };
  }
  try {
    return await talk(conn, request, expected, timeoutMs);
  } finally {
    conn.close();
  }
}

/** Writes `request` on `conn`, then reads up to `expected` reply lines. */
async function talk(
  conn: Deno.TcpConn,
  request: Uint8Array,
  expected: number,
  timeoutMs: number,
): Promise<Exchange> {
  const lines: string[] = [];
  try {
    for (let offset = 0; offset < request.length;) {
      // Closing the connection ends a timed-out write with an error.
      const writing = conn.write(request.subarray(offset));
      writing.catch(() => {});
      const written = await within(writing, timeoutMs);
      if (written === TIMED_OUT) return { lines, failure: "writing" };
      offset += written;
    }
  } catch {
    return { lines, failure: "writing" };
  }
  try {
    const buffer = new Uint8Array(4096);
    let partial = "";
    while (lines.length < expected) {
      const reading = conn.read(buffer);
      reading.catch(() => {});
      const read = await within(reading, timeoutMs);
      if (read === TIMED_OUT || read === null) {
        return { lines, failure: "reading" };
      }
      partial += bytesToString(buffer.subarray(0, read));
      let end;
      while ((end = partial.indexOf("\n")) >= 0) {
        lines.push(partial.slice(0, end).replace(/\r$/, ""));
        partial = partial.slice(end + 1);
      }
    }
    return { lines, failure: null };
  } catch {
    return { lines, failure: "reading" };
  }
}

/** The commands MIGRATE sends, as one RESP request. */
function encodeRequest(
  ctx: CommandContext,
  request: MigrateRequest,
  dbIndex: number,
  select: boolean,
  keys: readonly Uint8Array[],
  entries: readonly Entry[],
): Uint8Array {
  const writer = new ReplyWriter();
  if (request.password !== null) {
    writer.array(request.username === null ? 2 : 3);
    writer.bulkString("AUTH");
    if (request.username !== null) writer.bulk(request.username);
    writer.bulk(request.password);
  }
  if (select) {
    writer.array(2);
    writer.bulkString("SELECT");
    writer.bulkString(String(dbIndex));
  }
  for (let i = 0; i < keys.length; i++) {
    const expireAt = entries[i].expireAt;
    // A key about to expire still arrives with a TTL, as in Redis.
    const ttl = expireAt === 0 ? 0 : Math.max(1, expireAt - ctx.now);
    writer.array(request.replace ? 5 : 4);
    writer.bulkString("RESTORE");
    writer.bulk(keys[i]);
    writer.bulkString(String(ttl));
    writer.bulk(dumpPayload(ctx, entries[i]));
    if (request.replace) writer.bulkString("REPLACE");
  }
  return concatBytes(writer.take());
}

/**
 * Completes MIGRATE once the target answered: deletes the keys it
 * restored (unless COPY) and replies as Redis does.
 */
function finish(
  ctx: CommandContext,
  request: MigrateRequest,
  keys: readonly Uint8Array[],
  entries: readonly Entry[],
  sent: { readonly auth: boolean; readonly select: boolean },
  outcome: Exchange,
): void {
  if (outcome.failure === "connecting") throw new CommandError(CONNECT_FAILED);
  if (outcome.failure === "writing") throw new CommandError(WRITE_FAILED);
  const lines = outcome.lines;
  let next = 0;
  const auth = sent.auth ? lines[next++] : undefined;
  const select = sent.select ? lines[next++] : undefined;
  if (next > lines.length) throw new CommandError(READ_FAILED);
  let targetError: string | undefined;
  let unanswered = false;
  const deleted: Uint8Array[] = [];
  for (let i = 0; i < keys.length; i++) {
    const line = lines[next + i];
    if (line === undefined) {
      unanswered = true;
      break;
    }
    // Like Redis: a failed AUTH or SELECT fails every RESTORE; a key the
    // target took is deleted even when another one failed.
    const failed = [auth, select, line].find((l) => l?.startsWith("-"));
    if (failed !== undefined) targetError ??= failed;
    else if (!request.copy) {
      const key = bytesToString(keys[i]);
      if (ctx.db.peek(key) === entries[i]) {
        ctx.db.delete(key);
        ctx.keyChanged(key, "g", "del");
        deleted.push(keys[i]);
      }
    }
  }
  if (deleted.length > 0) ctx.propagate(["DEL", ...deleted]);
  if (targetError !== undefined) {
    throw new CommandError(TARGET_ERROR + targetError.slice(1));
  }
  if (unanswered) throw new CommandError(READ_FAILED);
  ctx.reply.ok();
}

function migrate(ctx: CommandContext, args: Uint8Array[]): void {
  const request = parseRequest(args);
  let timeout = parseIntegerArgument(args[5]);
  const dbIndex = parseIntegerArgument(args[4]);
  if (timeout <= 0) timeout = 1000;
  const keys: Uint8Array[] = [];
  const entries: Entry[] = [];
  for (const key of request.keys) {
    const entry = ctx.readKey(bytesToString(key));
    if (entry === undefined) continue;
    keys.push(key);
    entries.push(entry);
  }
  // Not an error: the keys may just have expired meanwhile.
  if (keys.length === 0) {
    ctx.reply.simple("NOKEY");
    return;
  }
  if (ctx.client.inTransaction) throw new CommandError(NOT_IN_TRANSACTION);
  // A new connection has no database selected yet, as Redis sees it.
  const sent = { auth: request.password !== null, select: dbIndex !== -1 };
  const payload = encodeRequest(
    ctx,
    request,
    dbIndex,
    sent.select,
    keys,
    entries,
  );
  const expected = (sent.auth ? 1 : 0) + (sent.select ? 1 : 0) + keys.length;
  let outcome: Exchange | null = null;
  let abandoned = false;
  const server = ctx.server;
  server.blocking.block(ctx, {
    dbIndex: ctx.client.dbIndex,
    keys: [],
    tryServe(ctx) {
      if (outcome === null) return false;
      finish(ctx, request, keys, entries, sent, outcome);
      return true;
    },
    // CLIENT UNBLOCK: the keys stay, whatever the target does with them.
    timedOut() {
      abandoned = true;
      throw new CommandError(READ_FAILED);
    },
  }, 0);
  exchange(
    bytesToString(args[1]),
    parseTargetPort(args[2]),
    payload,
    expected,
    timeout,
  )
    .then((result) => {
      if (abandoned) return;
      outcome = result;
      server.blocking.serveKeyless();
    });
}

/** The port as Redis's atoi reads it: leading digits, 0 without any. */
function parseTargetPort(arg: Uint8Array): number {
  const port = Number.parseInt(bytesToString(arg), 10);
  return Number.isNaN(port) ? 0 : port;
}

/** MIGRATE. */
export const MIGRATE_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "migrate",
    arity: -6,
    flags: ["write"],
    keySpecs: [
      keyRange(KEY_FLAGS, 3),
      keysAfterKeyword([...KEY_FLAGS, "incomplete"], "KEYS", -2, {
        lastKey: -1,
      }),
    ],
    categories: ["keyspace", "dangerous"],
    group: "generic",
    since: "2.6.0",
    summary: "Atomically transfer a key from a Redis instance to another one.",
    complexity:
      "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
    history: [
      ["3.0.0", "Added the `COPY` and `REPLACE` options."],
      ["3.0.6", "Added the `KEYS` option."],
      ["4.0.7", "Added the `AUTH` option."],
      ["6.0.0", "Added the `AUTH2` option."],
    ],
    tips: ["nondeterministic_output"],
    handler: migrate,
    getKeys: migrateKeys,
  }),
];
