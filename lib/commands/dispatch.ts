/**
 * Command dispatch: the one execution path of every command, whoever runs
 * it. `execute` takes a client's request: it looks the command up, applies
 * the checks Redis makes before running (unknown command, arity,
 * authentication, ACL permissions, MULTI and subscribed-mode rules) and
 * queues it inside MULTI or runs it. `call` runs a command: from `execute`, from EXEC, and
 * (through `completeBlocked`) when a blocked command is served, times out
 * or is unblocked. Around the handler it owns, once, the snapshot's
 * copy-on-write hook, command statistics and propagation.
 *
 * @module
 */

import { bytesToString, equalsIgnoreCase, lowerAscii } from "../util/bytes.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { BlockedCommand } from "../server/blocking.ts";
import { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";
import type { CommandTable } from "./table.ts";
import type { CommandStat } from "../server/server.ts";
import { commandKeys } from "./command.ts";
import { clientInfoText } from "./client.ts";
import { FLAG_BITS } from "./define.ts";
import { beforeWrite } from "../persistence/snapshot.ts";
import { accessTracking } from "../store/database.ts";
import { subscriptionCount } from "../server/pubsub.ts";
import { Scripting } from "../scripting/scripting.ts";
import { LatencyHistogram } from "../server/latency_histogram.ts";
import {
  checkPermission,
  logPermissionDenial,
  permissionError,
} from "./acl.ts";
import type { DenialReason } from "../acl/selector.ts";

/** Redis shows at most this much of a rejected command's name and arguments. */
const ERROR_ARGS_MAX = 128;

const QUEUED = new TextEncoder().encode("+QUEUED\r\n");

/** Commands that may change the dataset, held by CLIENT PAUSE WRITE. */
const MAY_WRITE = FLAG_BITS.write | FLAG_BITS.may_replicate;

/** Commands MONITOR does not show. */
const NOT_MONITORED = FLAG_BITS.admin | FLAG_BITS.skip_monitor;

/** Most commands whose time is shared before a batch is settled. */
const MAX_BATCH = 1024;

/** What a script's redis.call gets for a command its user may not run. */
const SCRIPT_DENIALS: { readonly [reason in DenialReason]: string } = {
  command:
    "ERR The user executing the script can't run this command or subcommand",
  key:
    "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
  channel:
    "ERR The user executing the script can't publish to the channel mentioned in the command",
};

/** Commands that run at once inside MULTI instead of being queued. */
const RUN_IN_MULTI = ["exec", "discard", "multi", "watch", "quit", "reset"];

/** Commands a client in MULTI may send when out of memory (Redis's list). */
const ALLOWED_IN_MULTI_WHEN_OOM = ["exec", "discard", "quit", "reset"];

/** Redis's shared.oomerr. */
export const OOM_ERROR =
  "OOM command not allowed when used memory > 'maxmemory'.";

/** The only commands a RESP2 client may send in subscribed mode. */
const ALLOWED_WHEN_SUBSCRIBED = [
  "ping",
  "subscribe",
  "ssubscribe",
  "unsubscribe",
  "sunsubscribe",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
];

/** Hash of a command name, ignoring ASCII case; matches hashName(spec.name). */
function hashName(bytes: Uint8Array): number {
  let h = bytes.length;
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i];
    if (b >= 65 && b <= 90) b += 32;
    h = (h * 31 + b) | 0;
  }
  return h;
}

/** Quotes the start of a client argument for an error message. */
function quoteArg(arg: Uint8Array, room: number): string {
  return bytesToString(arg.subarray(0, Math.max(0, room)));
}

/** Options of {@linkcode Dispatcher.completeBlocked}. */
export interface CompletionOptions {
  /**
   * Count the command as failed whatever its reply: Redis 7.0 counts a
   * command ended by CLIENT UNBLOCK as failed, even with the timeout reply.
   */
  readonly failed?: boolean;
}

/** How a script calls a command (see {@linkcode Dispatcher.callFromScript}). */
export interface ScriptCallOptions {
  /** The script may not write (EVAL_RO, no-writes). */
  readonly readOnly: boolean;
  /** The script declared allow-oom. */
  readonly allowOom: boolean;
  /** The script already wrote. */
  readonly wrote: boolean;
}

/** Runs client commands against the server. */
export class Dispatcher {
  /** The command table requests are looked up in. */
  readonly table: CommandTable;
  /** Lua scripts: the script cache and the running script. */
  readonly scripting: Scripting;
  readonly #runInMulti: Set<CommandSpec | undefined>;
  readonly #allowedWhenSubscribed: Set<CommandSpec | undefined>;
  readonly #exec: CommandSpec | undefined;
  readonly #allowedInMultiWhenOom: Set<CommandSpec | undefined>;
  /**
   * Top-level commands by hashName of the name clients call them by (the
   * table's, or rename-command's), so a request's command is found without
   * building a lower-case string from its name.
   */
  readonly #byName = new Map<string, CommandSpec>();
  /** The last name looked up and found, and its command (see #lookup). */
  #lastName: Uint8Array | null = null;
  #lastSpec: CommandSpec | undefined = undefined;
  readonly #byHash = new Map<
    number,
    { readonly name: string; readonly spec: CommandSpec }[]
  >();
  /**
   * The clock of the current batch: the commands that run in one
   * synchronous turn (the pipelined requests of one read, an EXEC, the
   * clients served after a write) share one reading of the clock, and the
   * batch's duration is charged evenly to their statistics when the turn
   * ends. That saves a performance.now() per command (a Deno op, about a
   * sixth of a pipelined SET's cost). #batchStart is performance.now() at
   * the batch's start, or -1.
   */
  #batchStart = -1;
  /**
   * Date.now() when the previous command of the batch finished (or the
   * batch began): the next command's start. One clock read when a command
   * ends gives both the next command's time and this one's duration for
   * the slow log; fast commands skip it (see #run).
   */
  #clock = 0;
  /** slowlog-log-slower-than, kept current by its CONFIG SET applier. */
  #slowerThan = -1;
  /** latency-monitor-threshold in ms (0: off), kept current the same way. */
  #latencyThreshold = 0;
  /** latency-tracking: whether calls' durations go to their histograms. */
  #latencyTracking = true;
  /**
   * Whether the slow log needs durations finer than #clock's milliseconds
   * (a threshold under 1 ms), paying two performance.now() per command.
   */
  #preciseDurations = false;
  /** Statistics to charge when the batch ends, in the first #batchCount slots. */
  readonly #batchStats: CommandStat[] = [];
  #batchCount = 0;
  /** Error replies counted when the previous command finished. */
  #errorsSeen = 0;

  /** Creates the dispatcher of `server`, whose command table it uses. */
  constructor(readonly server: Server) {
    const table = server.commands;
    this.table = table;
    this.#runInMulti = new Set(RUN_IN_MULTI.map((n) => table.lookup(n)));
    this.#allowedWhenSubscribed = new Set(
      ALLOWED_WHEN_SUBSCRIBED.map((n) => table.lookup(n)),
    );
    this.#exec = table.lookup("exec");
    this.#allowedInMultiWhenOom = new Set(
      ALLOWED_IN_MULTI_WHEN_OOM.map((n) => table.lookup(n)),
    );
    const config = server.config;
    const readSlowerThan = () => {
      const slowerThan = config.number("slowlog-log-slower-than");
      this.#slowerThan = slowerThan;
      this.#preciseDurations = slowerThan > 0 && slowerThan < 1000;
    };
    readSlowerThan();
    config.setApplier("slowlog-log-slower-than", readSlowerThan);
    const readLatencyThreshold = () => {
      this.#latencyThreshold = config.number("latency-monitor-threshold");
    };
    readLatencyThreshold();
    config.setApplier("latency-monitor-threshold", readLatencyThreshold);
    const readLatencyTracking = () => {
      this.#latencyTracking = config.flag("latency-tracking");
    };
    readLatencyTracking();
    config.setApplier("latency-tracking", readLatencyTracking);
    const encoder = new TextEncoder();
    this.scripting = new Scripting(this);
    server.isScriptBusy = () => this.scripting.busy;
    server.functionLibraries = this.scripting.functions;
    for (const spec of table.all()) {
      const name = server.commandRenames.get(spec) ?? spec.name;
      if (name === "") continue;
      this.#byName.set(name, spec);
      const h = hashName(encoder.encode(name));
      const bucket = this.#byHash.get(h);
      if (bucket === undefined) this.#byHash.set(h, [{ name, spec }]);
      else bucket.push({ name, spec });
    }
  }

  /**
   * The top-level command clients call `name` (lower-case): its table
   * name, or its rename-command name (COMMAND INFO looks commands up so).
   */
  commandNamed(name: string): CommandSpec | undefined {
    return this.#byName.get(name);
  }

  /** The top-level commands clients can call (rename-command removes some). */
  callableCommands(): IterableIterator<CommandSpec> {
    return this.#byName.values();
  }

  /** The top-level command named by `name` in any letter case. */
  #lookup(name: Uint8Array): CommandSpec | undefined {
    // The decoder hands a pipeline of one command the same name array
    // each time (arguments are never written to), and the table is fixed.
    if (name === this.#lastName) return this.#lastSpec;
    const bucket = this.#byHash.get(hashName(name));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const entry = bucket[i];
      if (equalsIgnoreCase(name, entry.name)) {
        this.#lastName = name;
        this.#lastSpec = entry.spec;
        return entry.spec;
      }
    }
    return undefined;
  }

  /**
   * The table entry `args` name (a container command alone runs as itself),
   * or undefined: for commands queued by MULTI, checked when queued.
   */
  specOf(args: readonly Uint8Array[]): CommandSpec | undefined {
    const top = this.#lookup(args[0]);
    if (top === undefined || top.subcommands === undefined) return top;
    if (args.length === 1) return top;
    return this.table.lookupSubcommand(top, lowerAscii(args[1]));
  }

  /** Starts a batch (see #batchStart) unless one is running. */
  #beginBatch(): void {
    if (this.#batchStart >= 0) return;
    this.#batchStart = performance.now();
    this.#clock = Date.now();
    queueMicrotask(this.#endBatch);
  }

  /** Charges the batch's duration so far to its commands' statistics. */
  #settleBatch(): void {
    const count = this.#batchCount;
    if (count === 0) return;
    const now = performance.now();
    const usec = (now - this.#batchStart) * 1000 / count;
    const batch = this.#batchStats;
    for (let i = 0; i < count; i++) batch[i].usec += usec;
    if (this.#latencyTracking) {
      // In whole microseconds, as Redis measures a call.
      const nanoseconds = Math.floor(usec) * 1000;
      for (let i = 0; i < count; i++) {
        const stat = batch[i];
        (stat.histogram ??= new LatencyHistogram()).record(nanoseconds);
      }
    }
    this.#batchCount = 0;
    this.#batchStart = now;
  }

  readonly #endBatch = (): void => {
    this.#settleBatch();
    this.#batchStart = -1;
  };

  /** Adds a command's statistics to those the batch's time is shared by. */
  #charge(stat: CommandStat): void {
    // A long synchronous run (AOF loading) is settled in slices.
    if (this.#batchCount === MAX_BATCH) this.#settleBatch();
    this.#batchStats[this.#batchCount++] = stat;
  }

  /**
   * A recent Date.now() for bookkeeping that needs no fresher time (when a
   * client was last active, output peaks): the end of the last command,
   * refreshed by the server cron, as Redis caches its clock.
   */
  get clock(): number {
    return this.#clock;
  }

  /** Brings {@linkcode clock} up to date between batches (the server cron). */
  refreshClock(): void {
    if (this.#batchStart < 0) this.#clock = Date.now();
  }

  /** The reusable command context of a client. */
  contextFor(client: Client): CommandContext {
    let ctx = client.context;
    if (ctx === null) {
      ctx = new CommandContext({
        server: this.server,
        client,
        dispatcher: this,
      });
      client.context = ctx;
    }
    return ctx;
  }

  /**
   * Queues or runs a command received from `client`. Commands wait while the
   * client is blocked, so they run in the order they were sent.
   */
  receive(client: Client, args: Uint8Array[]): void {
    if (client.blocked || client.pending.length > 0) {
      client.pending.push(args);
      for (const arg of args) client.pendingBytes += arg.length;
      return;
    }
    this.execute(client, args);
  }

  /** Runs queued commands of a client that is no longer blocked. */
  resume(client: Client): void {
    while (client.pending.length > 0 && !client.blocked && !client.closed) {
      const args = client.pending.shift()!;
      for (const arg of args) client.pendingBytes -= arg.length;
      this.execute(client, args);
    }
    // The bad bytes come after the queued commands: their error waits until
    // the last of them has run, blocking ones included.
    const protocolError = client.deferredProtocolError;
    if (
      protocolError !== null && client.pending.length === 0 &&
      !client.blocked && !client.closed
    ) {
      client.deferredProtocolError = null;
      client.reply.error(protocolError);
      client.transport.close(true);
      return;
    }
    client.transport.flush();
  }

  /** Runs one command and writes its reply. */
  execute(client: Client, args: Uint8Array[]): void {
    if (client.closeAfterReply) return;
    const ctx = this.contextFor(client);
    this.#beginBatch();
    const now = this.#clock;
    ctx.now = now;
    client.lastInteraction = now;

    const replyStart = client.reply.pendingBytes;
    const fromReplica = client.replica !== null;
    client.skipThisReply = client.skipNextReply;
    client.skipNextReply = false;
    const spec = this.#resolve(client, args);
    // Like Redis's lastcmd: set on lookup, before any check, and "NULL" for
    // an unknown command; commands run by EXEC leave it at "exec".
    client.lastCommand = spec === null ? "NULL" : spec.fullName;
    if (spec !== null && this.#admit(client, spec, args)) {
      const refusal = this.#outOfMemory(client, spec)
        ? OOM_ERROR
        : this.server.replication.checksCommands && !client.isMaster
        ? this.#replicationRefusal(client, spec)
        : null;
      if (refusal !== null) this.#reject(client, refusal, spec);
      else if (
        this.scripting.busy && (spec.flagBits & FLAG_BITS.allow_busy) === 0
      ) {
        this.#reject(client, this.scripting.busyMessage, spec);
      } else if (
        this.server.pause.mode !== null && this.#heldByPause(client, spec)
      ) {
        // Runs again, from the start, when the pause ends.
        client.skipNextReply = client.skipThisReply;
        this.server.pause.hold(client, args);
        return;
      } else if (client.multiQueue !== null && !this.#runInMulti.has(spec)) {
        client.multiQueue.push(args);
        client.reply.raw(QUEUED);
      } else {
        const dirty = this.server.dirty;
        this.call(ctx, spec, args);
        if (this.server.dirty > dirty) {
          client.replicationOffset = this.server.replication.offset;
        }
      }
    }
    if (client.replyOff || client.skipThisReply) {
      client.reply.truncate(replyStart);
      if (client.keptPushes.length > 0) {
        for (const push of client.keptPushes) client.reply.raw(push);
        client.keptPushes.length = 0;
      }
    }
    if (
      fromReplica && client.reply.pendingBytes > replyStart &&
      !isReplconfAck(args)
    ) {
      this.#disconnectRepliedReplica(ctx, args, replyStart);
      return;
    }
    this.server.outputLimits.check(client, now);
    this.server.blocking.serveReady();
  }

  /**
   * A replica's link carries the replication stream only: a command of a
   * replica that produced a reply gets no reply, and the replica is
   * disconnected, as Redis does. (REPLCONF ACK replies nothing, but may
   * start the stream on the same link, so it is not checked.)
   */
  #disconnectRepliedReplica(
    ctx: CommandContext,
    args: Uint8Array[],
    replyStart: number,
  ): void {
    const client = ctx.client;
    client.reply.truncate(replyStart);
    this.server.log.warning(
      `Replica generated a reply to command '${client.lastCommand}', disconnecting it: ${
        clientInfoText(ctx, client, args)
      }`,
    );
    client.transport.close(false);
  }

  /**
   * Redis's maxmemory step: evicts what the policy allows, then tells
   * whether `spec` must be refused because memory stays above maxmemory:
   * commands that may grow it (denyoom, EXEC of a transaction holding
   * one) and, in MULTI, anything but EXEC, DISCARD, QUIT and RESET. The
   * master's commands are never refused. Scripts read the outcome from
   * `server.outOfMemory` at their first write.
   */
  #outOfMemory(client: Client, spec: CommandSpec): boolean {
    const server = this.server;
    const oom = server.evictor.performEvictions(this.#clock) === "fail";
    server.outOfMemory = oom;
    if (!oom || client.isMaster) return false;
    if (this.#hasFlag(client, spec, FLAG_BITS.denyoom)) return true;
    return client.multiQueue !== null &&
      !this.#allowedInMultiWhenOom.has(spec);
  }

  /**
   * Whether CLIENT PAUSE holds `spec` now: every command in ALL mode; in
   * WRITE mode those that may change the dataset, EXEC included when its
   * transaction holds one, as Redis decides.
   */
  #heldByPause(client: Client, spec: CommandSpec): boolean {
    return this.server.pause.mode === "all" ||
      this.#hasFlag(client, spec, MAY_WRITE);
  }

  /**
   * Whether `spec`, or for EXEC a command of its transaction, has one of
   * the flag bits `mask` (Redis checks EXEC by its queued commands' flags).
   */
  #hasFlag(client: Client, spec: CommandSpec, mask: number): boolean {
    if ((spec.flagBits & mask) !== 0) return true;
    if (spec !== this.#exec || client.multiQueue === null) return false;
    for (const args of client.multiQueue) {
      const queued = this.specOf(args);
      if (queued !== undefined && (queued.flagBits & mask) !== 0) return true;
    }
    return false;
  }

  /**
   * Why replication refuses `spec` now, as Redis's processCommand checks:
   * writes on a master without enough good replicas (min-replicas-to-write)
   * or on a read-only replica, and commands that need fresh data on a
   * replica whose link is down with replica-serve-stale-data off.
   */
  #replicationRefusal(client: Client, spec: CommandSpec): string | null {
    const replication = this.server.replication;
    const config = this.server.config;
    if (this.#hasFlag(client, spec, FLAG_BITS.write)) {
      if (replication.tooFewReplicas) {
        return "NOREPLICAS Not enough good replicas to write.";
      }
      if (replication.isReplica && config.flag("replica-read-only")) {
        return "READONLY You can't write against a read only replica.";
      }
    }
    if (
      replication.isReplica && !replication.linkUp &&
      !config.flag("replica-serve-stale-data") &&
      (spec.flagBits & FLAG_BITS.stale) === 0
    ) {
      return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    }
    return null;
  }

  /** Finds the command (or subcommand) for `args`, or rejects the request. */
  #resolve(client: Client, args: Uint8Array[]): CommandSpec | null {
    const spec = this.#lookup(args[0]);
    if (spec === undefined) {
      let quoted = "";
      for (let i = 1; i < args.length && quoted.length < ERROR_ARGS_MAX; i++) {
        quoted += `'${quoteArg(args[i], ERROR_ARGS_MAX - quoted.length)}' `;
      }
      this.#reject(
        client,
        `ERR unknown command '${
          quoteArg(args[0], ERROR_ARGS_MAX)
        }', with args beginning with: ${quoted}`,
      );
      return null;
    }
    // A container command alone runs as itself: COMMAND has a handler,
    // the others ("CONFIG") fail their arity check.
    if (spec.subcommands === undefined || args.length === 1) return spec;
    const name = spec.name;
    const sub = this.table.lookupSubcommand(spec, lowerAscii(args[1]));
    if (sub === undefined) {
      this.#reject(
        client,
        `ERR unknown subcommand '${
          quoteArg(args[1], ERROR_ARGS_MAX)
        }'. Try ${name.toUpperCase()} HELP.`,
      );
      return null;
    }
    return sub;
  }

  /** Checks made before running, in Redis's order: arity, authentication, MULTI, ACL, subscribed mode. */
  #admit(client: Client, spec: CommandSpec, args: Uint8Array[]): boolean {
    const arity = spec.arity;
    if (
      (arity > 0 && args.length !== arity) ||
      (arity < 0 && args.length < -arity)
    ) {
      this.#reject(
        client,
        Errors.wrongArity(spec.fullName),
        spec,
      );
      return false;
    }
    if (!client.authenticated && (spec.flagBits & FLAG_BITS.no_auth) === 0) {
      this.#reject(client, "NOAUTH Authentication required.", spec);
      return false;
    }
    if (
      client.multiQueue !== null && (spec.flagBits & FLAG_BITS.no_multi) !== 0
    ) {
      this.#reject(
        client,
        "ERR Command not allowed inside a transaction",
        spec,
      );
      return false;
    }
    const denial = checkPermission(client.user, spec, args);
    if (denial !== null) {
      logPermissionDenial(this.contextFor(client), spec, args, denial);
      this.#reject(client, permissionError(spec, denial), spec);
      return false;
    }
    if (
      client.protocol === 2 && subscriptionCount(client) > 0 &&
      !this.#allowedWhenSubscribed.has(spec)
    ) {
      this.#reject(
        client,
        `ERR Can't execute '${spec.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        spec,
      );
      return false;
    }
    return true;
  }

  /**
   * Replies with a rejection, counted in the rejected_calls of `spec` (the
   * command found, if any). Inside MULTI it makes EXEC fail; a rejected
   * EXEC itself discards the transaction with an EXECABORT naming the reason.
   */
  #reject(client: Client, message: string, spec?: CommandSpec): void {
    if (client.multiQueue !== null) client.dirtyExec = true;
    if (spec !== undefined) this.#stat(spec.fullName).rejected++;
    if (spec !== undefined && spec === this.#exec) {
      client.multiQueue = null;
      client.dirtyExec = false;
      client.dirtyCas = false;
      this.server.watches.unwatchAll(client);
      const reason = message.startsWith("ERR ") ? message.slice(4) : message;
      message = `EXECABORT Transaction discarded because of: ${reason}`;
    }
    this.server.stats.countError(message);
    client.reply.error(message);
  }

  /** The INFO commandstats counters of a command, created on first use. */
  #stat(fullName: string): CommandStat {
    const commands = this.server.stats.commands;
    let stat = commands.get(fullName);
    if (stat === undefined) {
      stat = { calls: 0, usec: 0, rejected: 0, failed: 0, histogram: null };
      commands.set(fullName, stat);
    }
    return stat;
  }

  /**
   * Runs a command that passed its checks: the one execution path. EXEC
   * runs its queued commands through it; they join EXEC's propagation unit.
   */
  call(ctx: CommandContext, spec: CommandSpec, args: Uint8Array[]): void {
    this.#run(ctx, spec, args, null, null);
  }

  /**
   * Runs a command a script called (redis.call) through the one execution
   * path, after the checks Redis makes for scripts. Returns the command's
   * entry, or the error message when the call is refused before running.
   */
  callFromScript(
    ctx: CommandContext,
    args: Uint8Array[],
    options: ScriptCallOptions,
  ): CommandSpec | string {
    const spec = this.specOf(args);
    const refusal = this.#scriptCallRefusal(ctx, spec, args, options);
    if (refusal !== null) {
      // Like Redis's scriptCall: a rejected call of the command, and an
      // error reply counted in errorstats.
      if (spec?.handler !== undefined) this.#stat(spec.fullName).rejected++;
      this.server.stats.countError(refusal);
      return refusal;
    }
    this.#run(ctx, spec!, args, null, null);
    return spec!;
  }

  /** Why a script may not call `spec` with `args`, or null if it may. */
  #scriptCallRefusal(
    ctx: CommandContext,
    spec: CommandSpec | undefined,
    args: Uint8Array[],
    options: ScriptCallOptions,
  ): string | null {
    if (spec === undefined || spec.handler === undefined) {
      return "ERR Unknown Redis command called from script";
    }
    const arity = spec.arity;
    if (
      (arity > 0 && args.length !== arity) ||
      (arity < 0 && args.length < -arity)
    ) {
      return "ERR Wrong number of args calling Redis command from script";
    }
    const flags = spec.flagBits;
    if (
      (flags & FLAG_BITS.noscript) !== 0 && !this.server.disableDenyScripts
    ) {
      return "ERR This Redis command is not allowed from script";
    }
    const caller = this.scripting.caller;
    const denial = checkPermission(caller?.client.user ?? null, spec, args);
    if (denial !== null) {
      // Logged as the caller's (EVAL's client and arguments) in context lua.
      logPermissionDenial(ctx, spec, args, denial, {
        context: "lua",
        caller: caller!,
      });
      return SCRIPT_DENIALS[denial.reason];
    }
    if (options.readOnly && (flags & FLAG_BITS.write) !== 0) {
      return "ERR Write commands are not allowed from read-only scripts.";
    }
    // Like Redis, a script that already wrote is not failed by the
    // server's state, and the master's scripts are obeyed.
    const replication = this.server.replication;
    if (
      (flags & FLAG_BITS.write) !== 0 && !options.wrote &&
      replication.checksCommands && !this.scripting.callerIsMaster &&
      !this.server.loading
    ) {
      if (
        replication.isReplica && this.server.config.flag("replica-read-only")
      ) {
        return "READONLY You can't write against a read only replica.";
      }
      if (replication.tooFewReplicas) {
        return "NOREPLICAS Not enough good replicas to write.";
      }
    }
    // Like Redis, only before the script's first write, so that a script
    // is not stopped half-way.
    if (
      (flags & FLAG_BITS.denyoom) !== 0 && this.server.outOfMemory &&
      !options.allowOom && !options.wrote && !this.scripting.callerIsMaster
    ) {
      return OOM_ERROR;
    }
    return null;
  }

  /**
   * Completes the command a client blocked in, through the same path as
   * `call`: `complete` writes its reply (served, or timed out) and returns
   * true, or returns false when the client must go on waiting, in which
   * case nothing is counted. Statistics count the command once, now, as
   * Redis counts a blocked command when it is unblocked.
   */
  completeBlocked(
    ctx: CommandContext,
    command: BlockedCommand,
    complete: (ctx: CommandContext) => boolean,
    options: CompletionOptions = {},
  ): boolean {
    this.#beginBatch();
    ctx.now = this.#clock;
    return this.#run(
      ctx,
      command.spec,
      command.args,
      { failed: options.failed ?? false },
      complete,
    );
  }

  /**
   * Runs `spec`'s handler, or with `completion` set, `complete`, which
   * completes a blocked `spec`. Returns false when `complete` found the
   * client must go on waiting (then nothing happened).
   */
  #run(
    ctx: CommandContext,
    spec: CommandSpec,
    args: Uint8Array[],
    completion: { readonly failed: boolean } | null,
    complete: ((ctx: CommandContext) => boolean) | null,
  ): boolean {
    const server = this.server;
    const client = ctx.client;
    const stats = server.stats;
    if (server.snapshots.size > 0 && (spec.flagBits & FLAG_BITS.write) !== 0) {
      beforeWrite(server.snapshots, ctx.db, keysForSnapshot(spec, args));
    }
    accessTracking.enabled = !client.noTouch || spec.name === "touch";
    // A nested run (a command of EXEC) gives the context back as it found it.
    const outerSpec = ctx.spec;
    const outerArgs = ctx.args;
    const outerPropagated = ctx.propagated;
    const outerRedacted = ctx.redacted;
    ctx.spec = spec;
    ctx.args = args;
    ctx.propagated = null;
    ctx.redacted = null;
    const propagator = server.propagator;
    propagator.enter();
    const tracking = server.tracking;
    tracking.beginCommand(client);
    const dirtyBefore = server.dirty;
    // Like Redis, a command failed when error replies were added since the
    // previous command finished, so EXEC does not fail for its commands'
    // errors, but a command that makes another client's blocked command
    // fail (CLIENT UNBLOCK ERROR) does. A completion keeps its own count.
    const errorsBefore = stats.failures;
    if (completion === null) this.#errorsSeen = errorsBefore;
    const started = this.#clock;
    const threshold = this.#latencyThreshold;
    const preciseStart = this.#preciseDurations ? performance.now() : 0;
    let done = true;
    try {
      if (complete === null) spec.handler!(ctx, args);
      else done = complete(ctx);
    } catch (error) {
      const message = error instanceof CommandError
        ? error.message
        : `ERR ${error instanceof Error ? error.message : String(error)}`;
      if (!(error instanceof CommandError)) {
        server.log.warning(
          `Unexpected error in '${spec.fullName}': ${error}`,
        );
      }
      stats.countError(message);
      client.reply.error(message);
    }
    // Date.now() costs about 55 ns here, as much as the rest of a PING's
    // dispatch: a fast command (O(1) or O(log N), as the table flags it)
    // is charged no time of its own unless the latency monitor or a
    // sub-millisecond slow log asks for it, so the clock moves on at the
    // next command that is not fast, the next batch or the cron.
    const ended = (spec.flagBits & FLAG_BITS.fast) !== 0 &&
        threshold === 0 && !this.#preciseDurations
      ? started
      : (this.#clock = Date.now());
    if (threshold > 0 && ended - started >= threshold) {
      server.latency.add(
        (spec.flagBits & FLAG_BITS.fast) !== 0 ? "fast-command" : "command",
        ended - started,
      );
    }
    if (done) {
      let failed: boolean;
      if (completion === null) {
        failed = stats.failures > this.#errorsSeen;
        this.#errorsSeen = stats.failures;
      } else {
        failed = completion.failed || stats.failures > errorsBefore;
      }
      // Like Redis, a command that blocks is counted once, when it completes.
      if (!client.blocked || completion !== null) {
        const stat = this.#stat(spec.fullName);
        this.#charge(stat);
        stat.calls++;
        if (failed) stat.failed++;
        stats.commandsProcessed++;
        if (
          this.#slowerThan >= 0 &&
          (spec.flagBits & FLAG_BITS.skip_slowlog) === 0
        ) {
          const micros = this.#preciseDurations
            ? Math.round((performance.now() - preciseStart) * 1000)
            : (ended - started) * 1000;
          if (micros >= this.#slowerThan) {
            server.slowlog.push(
              { client, args, redacted: ctx.redacted, micros },
              server.config.number("slowlog-max-len"),
            );
          }
        }
      }
      if (!server.loading) {
        // The handler may have set it (TypeScript keeps the null assigned above).
        const effects = ctx.propagated as CommandContext["propagated"];
        if (effects !== null) {
          for (const command of effects) {
            propagator.propagate(client.dbIndex, command);
          }
        } else if (server.dirty > dirtyBefore) {
          // Like Redis, only a rise counts: SAVE and SHUTDOWN lower it.
          propagator.propagate(client.dbIndex, args);
        }
      }
    }
    // Like Redis, monitors see a command once, when it first runs, and
    // never the admin commands.
    if (
      completion === null && server.monitors.size > 0 && !server.loading &&
      (spec.flagBits & NOT_MONITORED) === 0
    ) {
      server.monitors.feed({
        client,
        dbIndex: client.dbIndex,
        args,
        redacted: ctx.redacted,
      });
    }
    // Keys a tracking client read are remembered; CLIENT CACHING outlives
    // CLIENT commands and MULTI's queueing, as in Redis.
    tracking.endCommand(
      client,
      tracking.clientCount > 0 && (spec.flagBits & FLAG_BITS.readonly) !== 0 &&
        tracking.remembersReads(client)
        ? commandKeys(spec, args).map((k) => bytesToString(args[k.index]))
        : null,
      spec.fullName.startsWith("client|") || client.multiQueue !== null,
    );
    ctx.spec = outerSpec;
    ctx.args = outerArgs;
    ctx.propagated = outerPropagated;
    ctx.redacted = outerRedacted;
    propagator.leave();
    return done;
  }
}

/**
 * The keys a write command may modify in the selected database, found as
 * COMMAND GETKEYS finds them, for snapshots in progress; null when the
 * command has no key arguments (it works on whole databases) or touches
 * another database.
 */
function keysForSnapshot(
  spec: CommandSpec,
  args: Uint8Array[],
): string[] | null {
  if (spec.crossDatabase) return null;
  const keys = commandKeys(spec, args);
  return keys.length === 0
    ? null
    : keys.map((k) => bytesToString(args[k.index]));
}

/** Whether `args` is REPLCONF ACK (a replica acknowledging an offset). */
function isReplconfAck(args: readonly Uint8Array[]): boolean {
  return args.length > 1 && equalsIgnoreCase(args[0], "replconf") &&
    equalsIgnoreCase(args[1], "ack");
}
