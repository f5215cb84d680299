/**
 * Replication commands: REPLICAOF (and SLAVEOF), ROLE and WAIT for users;
 * REPLCONF, PSYNC and SYNC, which replicas send to their master.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { defaultReplicaSettings } from "../replication/replication.ts";
import { bytesToString, equalsIgnoreCase, lowerAscii } from "../util/bytes.ts";
import { parseInt64 } from "../util/numbers.ts";
import {
  parseBlockingTimeout,
  parseInt64Argument,
  parseIntegerArgument,
} from "./arguments.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

/** A client as the log names it in REPLICAOF messages. */
function clientDescription(client: Client): string {
  return `id=${client.id} addr=${client.address} laddr=${client.localAddress} name=${client.name}`;
}

function replicaof(ctx: CommandContext, args: Uint8Array[]): void {
  const replication = ctx.server.replication;
  const log = ctx.server.log;
  if (replication.failover !== null) {
    throw new CommandError("ERR REPLICAOF not allowed while failing over.");
  }
  if (equalsIgnoreCase(args[1], "no") && equalsIgnoreCase(args[2], "one")) {
    if (replication.isReplica) {
      replication.setNoMaster();
      log.notice(
        `MASTER MODE enabled (user request from '${
          clientDescription(ctx.client)
        }')`,
      );
    }
    ctx.reply.ok();
    return;
  }
  if (ctx.client.replica !== null) {
    throw new CommandError(
      "ERR Command is not valid when client is a replica.",
    );
  }
  const port = parseInt64(args[2]);
  if (port === null || port < 0n || port > 65535n) {
    throw new CommandError("ERR Invalid master port");
  }
  const host = bytesToString(args[1]);
  const master = replication.master;
  if (
    master !== null && master.host.toLowerCase() === host.toLowerCase() &&
    master.port === Number(port)
  ) {
    log.notice(
      "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.",
    );
    ctx.reply.simple("OK Already connected to specified master");
    return;
  }
  replication.setMaster(host, Number(port));
  log.notice(
    `REPLICAOF ${host}:${port} enabled (user request from '${
      clientDescription(ctx.client)
    }')`,
  );
  ctx.reply.ok();
}

function role(ctx: CommandContext): void {
  const replication = ctx.server.replication;
  const reply = ctx.reply;
  const master = replication.master;
  if (master === null) {
    const online = replication.replicas.filter((c) =>
      c.replica!.state === "online"
    );
    reply.array(3);
    reply.bulkString("master");
    reply.integer(replication.offset);
    reply.array(online.length);
    for (const client of online) {
      reply.array(3);
      reply.bulkString(replication.replicaIp(client));
      reply.bulkString(String(client.replicaSettings!.listeningPort));
      reply.bulkString(String(client.replica!.ackOffset));
    }
    return;
  }
  const link = replication.link;
  reply.array(5);
  reply.bulkString("slave");
  reply.bulkString(master.host);
  reply.integer(master.port);
  reply.bulkString(link?.state ?? "connect");
  reply.integer(
    link !== null && link.state === "connected" ? link.appliedOffset : -1,
  );
}

function wait(ctx: CommandContext, args: Uint8Array[]): void {
  const server = ctx.server;
  const replication = server.replication;
  const client = ctx.client;
  if (replication.isReplica) {
    throw new CommandError(
      "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
    );
  }
  const wanted = parseInt64Argument(args[1]);
  const timeout = parseBlockingTimeout(args[2], { unit: "milliseconds" });
  const offset = client.replicationOffset;
  const acknowledged = replication.acknowledgedCount(offset);
  if (BigInt(acknowledged) >= wanted || client.inTransaction) {
    ctx.reply.integer(acknowledged);
    return;
  }
  server.blocking.block(ctx, {
    dbIndex: client.dbIndex,
    keys: [],
    tryServe(ctx) {
      const count = replication.acknowledgedCount(offset);
      if (BigInt(count) < wanted) return false;
      ctx.reply.integer(count);
      return true;
    },
    timedOut(ctx) {
      ctx.reply.integer(replication.acknowledgedCount(offset));
    },
  }, timeout);
  replication.requestAcks();
}

function replconf(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length % 2 === 0) throw new CommandError(Errors.syntax);
  const client = ctx.client;
  const replication = ctx.server.replication;
  const settings = client.replicaSettings ??= defaultReplicaSettings();
  for (let i = 1; i < args.length; i += 2) {
    const option = lowerAscii(args[i]);
    const value = args[i + 1];
    if (option === "listening-port") {
      settings.listeningPort = Number(parseInt64Argument(value));
    } else if (option === "ip-address") {
      if (value.length >= 256) {
        throw new CommandError(
          `ERR REPLCONF ip-address provided by replica instance is too long: ${value.length} bytes`,
        );
      }
      settings.announcedIp = bytesToString(value);
    } else if (option === "capa") {
      if (equalsIgnoreCase(value, "eof")) settings.capaEof = true;
      else if (equalsIgnoreCase(value, "psync2")) settings.capaPsync2 = true;
    } else if (option === "ack") {
      // Acknowledgements get no reply.
      if (client.replica === null) return;
      const offset = parseInt64(value);
      if (offset === null) return;
      replication.acknowledge(client, Number(offset));
      return;
    } else if (option === "getack") {
      if (client.isMaster) replication.link?.sendAck();
      return;
    } else if (option === "rdb-filter-only") {
      // What to include; "" leaves everything out (redis-cli --replica).
      settings.excludeData = true;
      settings.excludeFunctions = true;
      const words = bytesToString(value).split(/\s+/).filter((w) => w !== "");
      for (const word of words) {
        if (word.toLowerCase() !== "functions") {
          throw new CommandError(
            `ERR Unsupported rdb-filter-only option: ${word}`,
          );
        }
        settings.excludeFunctions = false;
      }
    } else if (option === "rdb-only") {
      const only = parseIntegerArgument(value, { min: 0, max: 1 });
      settings.rdbOnly = only === 1;
    } else {
      throw new CommandError(
        `ERR Unrecognized REPLCONF option: ${bytesToString(args[i])}`,
      );
    }
  }
  ctx.reply.ok();
}

/** Checks shared by PSYNC and SYNC; false when the request is ignored. */
function syncAllowed(ctx: CommandContext): boolean {
  const client = ctx.client;
  if (client.replica !== null) return false;
  const replication = ctx.server.replication;
  if (replication.failover !== null) {
    throw new CommandError("NOMASTERLINK Can't SYNC while failing over");
  }
  if (replication.isReplica && !replication.linkUp) {
    throw new CommandError(
      "NOMASTERLINK Can't SYNC while not connected with my master",
    );
  }
  if (client.reply.pendingBytes > 0) {
    throw new CommandError(
      "ERR SYNC and PSYNC are invalid with pending output",
    );
  }
  return true;
}

function psync(ctx: CommandContext, args: Uint8Array[]): void {
  if (ctx.client.replica !== null) return;
  const replication = ctx.server.replication;
  // A failing-over master hands over: become the master it asks for.
  if (args.length > 3 && equalsIgnoreCase(args[3], "failover")) {
    const replid = bytesToString(args[1]);
    if (replid !== replication.replid) {
      throw new CommandError("ERR PSYNC FAILOVER replid must match my replid.");
    }
    ctx.server.log.warning(`Failover request received for replid ${replid}.`);
    replication.setNoMaster();
    ctx.server.log.notice(
      `MASTER MODE enabled (failover request from '${
        clientDescription(ctx.client)
      }')`,
    );
  }
  if (!syncAllowed(ctx)) return;
  const offset = parseInt64(args[2]);
  if (offset === null) {
    ctx.server.log.warning(
      `Replica ${ctx.client.address} asks for synchronization but with a wrong offset`,
    );
    throw new CommandError(Errors.notInteger);
  }
  ctx.server.replication.psync(
    ctx.client,
    bytesToString(args[1]),
    Number(offset),
  );
}

function sync(ctx: CommandContext): void {
  if (!syncAllowed(ctx)) return;
  ctx.server.replication.sync(ctx.client);
}

function failover(ctx: CommandContext, args: Uint8Array[]): void {
  let target: { host: string; port: number } | null = null;
  let timeoutMs = 0;
  let force = false;
  let abort = false;
  for (let i = 1; i < args.length; i++) {
    if (
      equalsIgnoreCase(args[i], "to") && target === null && i + 2 < args.length
    ) {
      const port = Number(parseInt64Argument(args[i + 2]));
      target = { host: bytesToString(args[i + 1]), port };
      i += 2;
    } else if (
      equalsIgnoreCase(args[i], "timeout") && timeoutMs === 0 &&
      i + 1 < args.length
    ) {
      const timeout = parseInt64Argument(args[i + 1]);
      if (timeout <= 0n) {
        throw new CommandError("ERR FAILOVER timeout must be greater than 0");
      }
      timeoutMs = Number(timeout);
      i++;
    } else if (equalsIgnoreCase(args[i], "force") && !force) force = true;
    else if (equalsIgnoreCase(args[i], "abort") && !abort) abort = true;
    else throw new CommandError(Errors.syntax);
  }
  const replication = ctx.server.replication;
  if (abort) {
    if (target !== null || timeoutMs > 0 || force) {
      throw new CommandError(Errors.syntax);
    }
    if (replication.failover === null) {
      throw new CommandError("ERR No failover in progress.");
    }
    replication.abortFailover("Failover manually aborted");
    ctx.reply.ok();
    return;
  }
  if (replication.isReplica) {
    throw new CommandError(
      "ERR FAILOVER is not valid when server is a replica.",
    );
  }
  if (replication.replicas.length === 0) {
    throw new CommandError("ERR FAILOVER requires connected replicas.");
  }
  if (replication.failover !== null) {
    throw new CommandError("ERR FAILOVER already in progress.");
  }
  if (force && (timeoutMs === 0 || target === null)) {
    throw new CommandError(
      "ERR FAILOVER with force option requires both a timeout and target HOST and IP.",
    );
  }
  if (target !== null) {
    const replica = replication.findReplica(target.host, target.port);
    if (replica === undefined) {
      throw new CommandError(
        "ERR FAILOVER target HOST and PORT is not a replica.",
      );
    }
    if (replica.replica!.state !== "online") {
      throw new CommandError("ERR FAILOVER target replica is not online.");
    }
  }
  replication.startFailover({ target, timeoutMs, force });
  ctx.reply.ok();
}

/** The replication commands. */
export const REPLICATION_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "replicaof",
    arity: 3,
    flags: ["admin", "noscript", "stale", "no_async_loading"],
    group: "server",
    since: "5.0.0",
    summary:
      "Makes this server a replica of another one, or a master again with NO ONE.",
    complexity: "O(1)",
    handler: replicaof,
  }),
  defineCommand({
    name: "slaveof",
    arity: 3,
    flags: ["admin", "noscript", "stale", "no_async_loading"],
    group: "server",
    since: "1.0.0",
    summary:
      "Makes this server a replica of another one, or a master again with NO ONE.",
    complexity: "O(1)",
    handler: replicaof,
    docFlags: ["deprecated"],
    deprecatedSince: "5.0.0",
    replacedBy: "`REPLICAOF`",
  }),
  defineCommand({
    name: "failover",
    arity: -1,
    flags: ["admin", "noscript", "stale"],
    group: "server",
    since: "6.2.0",
    summary:
      "Hands the master role over to a replica once it caught up, pausing writes meanwhile.",
    complexity: "O(1)",
    handler: failover,
  }),
  defineCommand({
    name: "role",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast"],
    categories: ["admin", "dangerous"],
    group: "server",
    since: "2.8.12",
    summary:
      "Reports whether this server is a master or a replica, and its links.",
    complexity: "O(1)",
    handler: role,
  }),
  defineCommand({
    name: "wait",
    arity: 3,
    flags: ["noscript"],
    categories: ["connection"],
    group: "generic",
    since: "3.0.0",
    summary:
      "Waits until replicas acknowledged this connection's writes, or a timeout.",
    complexity: "O(1)",
    handler: wait,
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
  }),
  defineCommand({
    name: "replconf",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "allow_busy"],
    group: "server",
    since: "3.0.0",
    summary:
      "Configures a replication link (sent by replicas to their master).",
    complexity: "O(1)",
    handler: replconf,
    docFlags: ["syscmd"],
  }),
  defineCommand({
    name: "psync",
    arity: -3,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    group: "server",
    since: "2.8.0",
    summary: "Starts or continues a replication stream (sent by replicas).",
    complexity: "",
    handler: psync,
  }),
  defineCommand({
    name: "sync",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    group: "server",
    since: "1.0.0",
    summary:
      "Starts a replication stream, the pre-PSYNC way (sent by replicas).",
    complexity: "",
    handler: sync,
  }),
];
