/**
 * CLIENT: connection introspection and control (ID, SETNAME, GETNAME, INFO,
 * LIST, KILL, REPLY, NO-EVICT, UNBLOCK, HELP), with Redis 7.0's replies.
 *
 * @module
 */

import { PAUSE_SUBCOMMANDS } from "./pause.ts";
import { TRACKING_SUBCOMMANDS } from "./tracking.ts";
import type { TrackingState } from "../server/tracking.ts";
import { defineCommand } from "./define.ts";
import type { Client } from "../server/client.ts";
import type { Acl } from "../acl/acl.ts";
import type { User } from "../acl/user.ts";
import { subscriptionCount } from "../server/pubsub.ts";
import { clientMemory, REPLY_BUFFER_BYTES } from "../server/memory.ts";
import { bytesToString, equalsIgnoreCase, lowerAscii } from "../util/bytes.ts";
import { parseIntegerArgument } from "./arguments.ts";
import { replyHelp } from "./command.ts";
import { setClientName } from "./connection.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

/** Client types as CLIENT LIST TYPE and CLIENT KILL TYPE name them. */
type ClientType = "normal" | "replica" | "pubsub" | "master";

/** Parses a client type name ("slave" is an alias of "replica"). */
function parseClientType(arg: Uint8Array): ClientType {
  const name = lowerAscii(arg);
  if (name === "normal" || name === "pubsub" || name === "master") return name;
  if (name === "replica" || name === "slave") return "replica";
  throw new CommandError(`ERR Unknown client type '${bytesToString(arg)}'`);
}

/** The type of a connected client, as Redis's getClientType decides. */
function clientType(client: Client): ClientType {
  if (client.isMaster) return "master";
  if (client.replica !== null) return "replica";
  return subscriptionCount(client) > 0 ? "pubsub" : "normal";
}

/** CLIENT LIST's flags field, letters in Redis's order. */
function clientFlags(client: Client, tracking: TrackingState | undefined) {
  let flags = "";
  if (client.monitor) flags += "O";
  else if (client.replica !== null) flags += "S";
  if (client.isMaster) flags += "M";
  if (subscriptionCount(client) > 0) flags += "P";
  if (client.multiQueue !== null) flags += "x";
  if (client.blocked) flags += "b";
  if (tracking !== undefined) {
    flags += "t";
    if (tracking.brokenRedirect) flags += "R";
    if (tracking.bcast) flags += "B";
  }
  if (client.dirtyCas) flags += "d";
  if (client.closeAfterReply) flags += "c";
  if (client.unixSocket !== null) flags += "U";
  if (client.noEvict) flags += "e";
  return flags === "" ? "N" : flags;
}

/**
 * One CLIENT LIST / CLIENT INFO line, with the fields of Redis 7.0 in its
 * order.
 *
 * The protocol-visible fields are Redis's: age and idle are whole-second
 * differences as Redis's cached unixtime gives them (idle from the last
 * read or write, like lastinteraction), multi the queued commands or -1,
 * cmd the last command looked up ("NULL" for an unknown one), events "r",
 * with "w" while a write waits for the socket, redir the tracking
 * redirect (0 for none) or -1 without tracking; flags t, R and B for
 * tracking, a broken redirect and broadcast mode.
 *
 * The memory figures come from this server's buffers:
 * - qbuf: while the client's read is being run, that read plus what the
 *   decoder held before it (Redis trims its query buffer only after the
 *   read's commands); otherwise the bytes of a partial request plus the
 *   commands held while blocked, sized as multibulk requests. A partial
 *   request's complete arguments count here, where Redis has moved them
 *   to argv-mem (the decoder reports one total).
 * - qbuf-free: room left in the connection's 64 KiB read buffer.
 * - argv-mem: the running command's argument bytes (EXEC's own, 4, for a
 *   command EXEC runs, as in Redis); 0 for the other clients.
 * - multi-mem: as Redis, argument bytes plus 8 per argument of each queued
 *   command.
 * - rbs: the ReplyWriter's 16 KiB buffer; rbp: the most output the client
 *   had pending at a write in the last 5 s window (Redis's buf_peak).
 * - obl: output produced and not yet handed to a write; oll and omem: the
 *   chunks and bytes handed to the write in progress, not yet written.
 * - tot-mem: qbuf + qbuf-free + argv-mem + multi-mem + the reply buffer
 *   (rbs, or obl when more) + omem.
 */
/** What a CLIENT LIST / CLIENT INFO line is made from. */
interface InfoLineSource {
  /** The client described. */
  readonly client: Client;
  /** The time now, ms since the epoch. */
  readonly now: number;
  /** The arguments of the command the client is running, if it is the caller. */
  readonly running: readonly Uint8Array[] | null;
  /** Its client-side caching state, if it tracks. */
  readonly tracking: TrackingState | undefined;
}

function clientInfoLine(source: InfoLineSource): string {
  const { client, now, running, tracking } = source;
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const { qbuf, qbufFree, argvMem, multiMem, total: totMem } = clientMemory(
    client,
    running,
  );
  const obl = client.reply.pendingBytes;
  client.recordOutputPeak(0, now);
  const fields = [
    `id=${client.id}`,
    `addr=${client.address}`,
    `laddr=${client.localAddress}`,
    `fd=${client.fd}`,
    `name=${client.name}`,
    `age=${Math.max(0, seconds(now) - seconds(client.createdAt))}`,
    `idle=${Math.max(0, seconds(now) - seconds(client.lastInteraction))}`,
    `flags=${clientFlags(client, tracking)}`,
    `db=${client.dbIndex}`,
    `sub=${client.channels.size}`,
    `psub=${client.patterns.size}`,
    `ssub=${client.shardChannels.size}`,
    `multi=${client.multiQueue === null ? -1 : client.multiQueue.length}`,
    `qbuf=${qbuf}`,
    `qbuf-free=${qbufFree}`,
    `argv-mem=${argvMem}`,
    `multi-mem=${multiMem}`,
    `rbs=${REPLY_BUFFER_BYTES}`,
    `rbp=${client.outputPeak}`,
    `obl=${obl}`,
    `oll=${client.writingChunks}`,
    `omem=${client.writingBytes}`,
    `tot-mem=${totMem}`,
    `events=${client.writingBytes > 0 ? "rw" : "r"}`,
    `cmd=${client.lastCommand}`,
    `user=${client.user?.name ?? "(superuser)"}`,
    `redir=${tracking === undefined ? -1 : tracking.redirect}`,
    `resp=${client.protocol}`,
  ];
  return fields.join(" ");
}

/**
 * The CLIENT INFO line of `client` running `running` (null: not running a
 * command now), without its newline, as the ACL log records the client of
 * an entry.
 */
export function clientInfoText(
  ctx: CommandContext,
  client: Client,
  running: readonly Uint8Array[] | null,
): string {
  return clientInfoLine({
    client,
    now: ctx.now,
    running,
    tracking: ctx.server.tracking.stateOf(client),
  });
}

/** The CLIENT LIST / INFO line of `client`; `args` are the caller's command. */
function infoLineFor(
  ctx: CommandContext,
  client: Client,
  args: readonly Uint8Array[],
): string {
  return clientInfoText(ctx, client, client === ctx.client ? args : null) +
    "\n";
}

function clientId(ctx: CommandContext): void {
  ctx.reply.integer(ctx.client.id);
}

function clientSetName(ctx: CommandContext, args: Uint8Array[]): void {
  setClientName(ctx.client, args[2]);
  ctx.reply.ok();
}

function clientGetName(ctx: CommandContext): void {
  if (ctx.client.name === "") ctx.reply.nullBulk();
  else ctx.reply.bulkString(ctx.client.name);
}

function clientInfo(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.verbatim(infoLineFor(ctx, ctx.client, args));
}

function clientList(ctx: CommandContext, args: Uint8Array[]): void {
  const clients = ctx.server.clients;
  let selected: Iterable<Client> = clients.values();
  if (args.length === 4 && equalsIgnoreCase(args[2], "type")) {
    const type = parseClientType(args[3]);
    selected = [...clients.values()].filter((c) => clientType(c) === type);
  } else if (args.length > 3 && equalsIgnoreCase(args[2], "id")) {
    const ids: number[] = [];
    for (let i = 3; i < args.length; i++) {
      ids.push(
        parseIntegerArgument(args[i], { message: "ERR Invalid client ID" }),
      );
    }
    const found: Client[] = [];
    for (const id of ids) {
      const client = clients.get(id);
      if (client !== undefined) found.push(client);
    }
    selected = found;
  } else if (args.length !== 2) {
    throw new CommandError(Errors.syntax);
  }
  let text = "";
  for (const client of selected) text += infoLineFor(ctx, client, args);
  ctx.reply.verbatim(text);
}

/** What CLIENT KILL's filters select. */
interface KillFilter {
  addr: string | null;
  laddr: string | null;
  type: ClientType | null;
  id: number;
  user: User | null;
  skipMe: boolean;
}

function parseKillFilter(acl: Acl, args: Uint8Array[]): KillFilter {
  const filter: KillFilter = {
    addr: null,
    laddr: null,
    type: null,
    id: 0,
    user: null,
    skipMe: true,
  };
  if (args.length === 3) {
    // The old form names an address, and may kill the caller itself.
    filter.addr = bytesToString(args[2]);
    filter.skipMe = false;
    return filter;
  }
  for (let i = 2; i < args.length; i += 2) {
    const option = args[i];
    if (i + 1 >= args.length) throw new CommandError(Errors.syntax);
    const value = args[i + 1];
    if (equalsIgnoreCase(option, "id")) {
      filter.id = parseIntegerArgument(value, {
        min: 1,
        message: "ERR client-id should be greater than 0",
      });
    } else if (equalsIgnoreCase(option, "type")) {
      filter.type = parseClientType(value);
    } else if (equalsIgnoreCase(option, "addr")) {
      filter.addr = bytesToString(value);
    } else if (equalsIgnoreCase(option, "laddr")) {
      filter.laddr = bytesToString(value);
    } else if (equalsIgnoreCase(option, "user")) {
      const name = bytesToString(value);
      const user = acl.get(name);
      if (user === undefined) {
        throw new CommandError(`ERR No such user '${name}'`);
      }
      filter.user = user;
    } else if (equalsIgnoreCase(option, "skipme")) {
      if (equalsIgnoreCase(value, "yes")) filter.skipMe = true;
      else if (equalsIgnoreCase(value, "no")) filter.skipMe = false;
      else throw new CommandError(Errors.syntax);
    } else throw new CommandError(Errors.syntax);
  }
  return filter;
}

function matchesKill(
  filter: KillFilter,
  client: Client,
  caller: Client,
): boolean {
  if (filter.addr !== null && client.address !== filter.addr) return false;
  if (filter.laddr !== null && client.localAddress !== filter.laddr) {
    return false;
  }
  if (filter.type !== null && clientType(client) !== filter.type) return false;
  if (filter.id !== 0 && client.id !== filter.id) return false;
  if (filter.user !== null && client.user !== filter.user) return false;
  return !(client === caller && filter.skipMe);
}

function clientKill(ctx: CommandContext, args: Uint8Array[]): void {
  const filter = parseKillFilter(ctx.server.acl, args);
  const caller = ctx.client;
  let killed = 0;
  let killSelf = false;
  for (const client of [...ctx.server.clients.values()]) {
    if (!matchesKill(filter, client, caller)) continue;
    if (client === caller) killSelf = true;
    else client.transport.close(false);
    killed++;
  }
  if (args.length === 3) {
    if (killed === 0) throw new CommandError("ERR No such client");
    ctx.reply.ok();
  } else {
    ctx.reply.integer(killed);
  }
  // The caller goes only after its reply is written.
  if (killSelf) caller.transport.close(true);
}

function clientReply(ctx: CommandContext, args: Uint8Array[]): void {
  const client = ctx.client;
  const mode = args[2];
  if (equalsIgnoreCase(mode, "on")) {
    client.replyOff = false;
    client.skipThisReply = false;
    ctx.reply.ok();
  } else if (equalsIgnoreCase(mode, "off")) {
    client.replyOff = true;
  } else if (equalsIgnoreCase(mode, "skip")) {
    if (!client.replyOff) client.skipNextReply = true;
  } else throw new CommandError(Errors.syntax);
}

/** An ON/OFF argument; anything else is a syntax error. */
function parseOnOff(arg: Uint8Array): boolean {
  if (equalsIgnoreCase(arg, "on")) return true;
  if (equalsIgnoreCase(arg, "off")) return false;
  throw new CommandError(Errors.syntax);
}

function clientNoEvict(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.client.noEvict = parseOnOff(args[2]);
  ctx.reply.ok();
}

function clientNoTouch(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.client.noTouch = parseOnOff(args[2]);
  ctx.reply.ok();
}

/** CLIENT SETINFO attribute values: printable ASCII without spaces. */
function validClientAttribute(value: Uint8Array): boolean {
  return value.every((b) => b >= 33 && b <= 126);
}

function clientSetinfo(ctx: CommandContext, args: Uint8Array[]): void {
  const attribute = bytesToString(args[2]);
  const lower = attribute.toLowerCase();
  if (lower !== "lib-name" && lower !== "lib-ver") {
    throw new CommandError(`ERR Unrecognized option '${attribute}'`);
  }
  if (!validClientAttribute(args[3])) {
    throw new CommandError(
      `ERR ${attribute} cannot contain spaces, newlines or special characters.`,
    );
  }
  const value = bytesToString(args[3]);
  if (lower === "lib-name") ctx.client.libName = value;
  else ctx.client.libVersion = value;
  ctx.reply.ok();
}

function clientUnblock(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 4) {
    throw new CommandError(Errors.subcommandSyntax(args));
  }
  let reason: "timeout" | "error" = "timeout";
  if (args.length === 4) {
    if (equalsIgnoreCase(args[3], "timeout")) reason = "timeout";
    else if (equalsIgnoreCase(args[3], "error")) reason = "error";
    else {
      throw new CommandError(
        "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
      );
    }
  }
  const id = parseIntegerArgument(args[2]);
  const target = ctx.server.clients.get(id);
  const unblocked = target !== undefined &&
    ctx.server.blocking.unblock(target, reason);
  ctx.reply.integer(unblocked ? 1 : 0);
}

/** CLIENT HELP's lines, as Redis 7.0 prints them (all its subcommands). */
const CLIENT_HELP = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
];

function clientHelp(ctx: CommandContext, args: Uint8Array[]): void {
  replyHelp(ctx, args, CLIENT_HELP);
}

/** The CLIENT container command. */
export const CLIENT_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "client",
    arity: -2,
    group: "connection",
    since: "2.4.0",
    summary: "Groups the commands that inspect and control connections.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "id",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "5.0.0",
        summary: "Returns the id of the connection.",
        complexity: "O(1)",
        handler: clientId,
      }),
      defineCommand({
        name: "setname",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "2.6.9",
        summary: "Names the connection (an empty name removes it).",
        complexity: "O(1)",
        handler: clientSetName,
      }),
      defineCommand({
        name: "getname",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "2.6.9",
        summary: "Returns the name of the connection, if it has one.",
        complexity: "O(1)",
        handler: clientGetName,
      }),
      defineCommand({
        name: "info",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "6.2.0",
        summary: "Describes the connection in CLIENT LIST's format.",
        complexity: "O(1)",
        handler: clientInfo,
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        name: "list",
        arity: -2,
        flags: ["admin", "noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "2.4.0",
        summary: "Describes every connection, or those of a type or ids.",
        complexity: "O(N) where N is the number of client connections",
        handler: clientList,
        tips: ["nondeterministic_output"],
        history: [
          ["2.8.12", "Added the id field."],
          ["5.0.0", "Added the TYPE filter."],
          ["6.0.0", "Added the user field."],
          [
            "6.2.0",
            "Added the argv-mem, tot-mem, laddr and redir fields and the ID filter.",
          ],
          ["7.0.0", "Added the resp, multi-mem, rbs and rbp fields."],
        ],
      }),
      defineCommand({
        name: "kill",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "2.4.0",
        summary: "Closes connections chosen by address, id, type or user.",
        complexity: "O(N) where N is the number of client connections",
        handler: clientKill,
        history: [
          ["2.8.12", "Added the option/value filter form."],
          ["2.8.12", "Added the ID filter."],
          ["3.2.0", "The TYPE filter accepts master."],
          ["5.0.0", "The TYPE filter accepts replica (slave still works)."],
          ["6.2.0", "Added the LADDR filter."],
        ],
      }),
      defineCommand({
        name: "reply",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "3.2.0",
        summary: "Turns the connection's replies on or off, or skips one.",
        complexity: "O(1)",
        handler: clientReply,
      }),
      defineCommand({
        name: "no-evict",
        arity: 3,
        flags: ["admin", "noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "7.0.0",
        summary: "Exempts the connection from client eviction, or not.",
        complexity: "O(1)",
        handler: clientNoEvict,
      }),
      defineCommand({
        name: "no-touch",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "7.2.0",
        summary:
          "Stops the connection's reads from updating the keys' access times, or resumes it.",
        complexity: "O(1)",
        handler: clientNoTouch,
      }),
      defineCommand({
        name: "setinfo",
        arity: 4,
        flags: ["noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "7.2.0",
        summary:
          "Records the client library's name or version for the connection.",
        complexity: "O(1)",
        handler: clientSetinfo,
      }),
      defineCommand({
        name: "unblock",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "5.0.0",
        summary:
          "Ends another connection's blocking command with its timeout reply or an error.",
        complexity: "O(log N) where N is the number of client connections",
        handler: clientUnblock,
      }),
      ...PAUSE_SUBCOMMANDS,
      ...TRACKING_SUBCOMMANDS,
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "connection",
        since: "5.0.0",
        summary: "Lists the CLIENT subcommands.",
        complexity: "O(1)",
        handler: clientHelp,
      }),
    ],
  }),
];
