/**
 * Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO.
 *
 * AUTH and HELLO AUTH authenticate as an ACL user (lib/acl); a failed
 * attempt is recorded in the ACL log.
 *
 * @module
 */

import { defineCommand } from "./define.ts";
import { REDIS_VERSION } from "../config/load.ts";
import type { Client } from "../server/client.ts";
import { logAclDenial } from "./acl.ts";
import { bytesToString, equalsIgnoreCase, utf8 } from "../util/bytes.ts";
import { subscriptionCount } from "../server/pubsub.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import { parseDbIndex, parseIntegerArgument } from "./arguments.ts";
import type { CommandSpec } from "./spec.ts";

const WRONGPASS =
  "WRONGPASS invalid username-password pair or user is disabled.";

/**
 * Checks a username/password pair against the ACL and, when it matches,
 * authenticates the client as that user; a failure goes to the ACL log.
 */
function authenticate(
  ctx: CommandContext,
  username: Uint8Array,
  password: Uint8Array,
): boolean {
  const name = bytesToString(username);
  const user = ctx.server.acl.authenticate(name, bytesToString(password));
  if (user === null) {
    logAclDenial(ctx, {
      reason: "auth",
      object: bytesToString(ctx.args[0]),
      username: name,
    });
    return false;
  }
  ctx.client.authenticated = true;
  ctx.client.user = user;
  return true;
}

/**
 * Validates and sets a connection name (CLIENT SETNAME, HELLO SETNAME): an
 * empty name removes it; otherwise only printable ASCII without spaces is
 * accepted so that CLIENT LIST stays parsable.
 */
export function setClientName(client: Client, name: Uint8Array): void {
  for (let i = 0; i < name.length; i++) {
    if (name[i] < 0x21 || name[i] > 0x7e) {
      throw new CommandError(
        "ERR Client names cannot contain spaces, newlines or special characters.",
      );
    }
  }
  client.name = bytesToString(name);
}

function ping(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 2) throw new CommandError(Errors.wrongArity("ping"));
  // A RESP2 subscriber reads only arrays, so PING answers in that shape.
  if (ctx.client.protocol === 2 && subscriptionCount(ctx.client) > 0) {
    ctx.reply.array(2);
    ctx.reply.bulkString("pong");
    if (args.length === 2) ctx.reply.bulk(args[1]);
    else ctx.reply.bulkString("");
    return;
  }
  if (args.length === 2) ctx.reply.bulk(args[1]);
  else ctx.reply.simple("PONG");
}

function echo(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.bulk(args[1]);
}

function quit(ctx: CommandContext): void {
  ctx.reply.ok();
  ctx.client.transport.close(true);
}

function reset(ctx: CommandContext): void {
  const client = ctx.client;
  for (const listener of ctx.server.connectionResetListeners) {
    listener(client);
  }
  client.dbIndex = 0;
  client.reply.protocol = 2;
  client.user = ctx.server.acl.defaultUser;
  client.authenticated = ctx.server.acl.defaultAuthenticates;
  client.name = "";
  client.replyOff = false;
  client.skipNextReply = false;
  ctx.reply.simple("RESET");
}

function select(ctx: CommandContext, args: Uint8Array[]): void {
  const databases = ctx.server.keyspace.databases.length;
  ctx.client.dbIndex = parseDbIndex(args[1], databases);
  ctx.reply.ok();
}

function auth(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.syntax);
  // Hidden from MONITOR whether or not it succeeds, as in Redis.
  for (let i = 1; i < args.length; i++) ctx.redact(i);
  if (args.length === 2 && ctx.server.acl.defaultUser.nopass) {
    throw new CommandError(
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
    );
  }
  const ok = args.length === 2
    ? authenticate(ctx, DEFAULT_USER, args[1])
    : authenticate(ctx, args[1], args[2]);
  if (!ok) throw new CommandError(WRONGPASS);
  ctx.reply.ok();
}

const DEFAULT_USER = utf8("default");

function hello(ctx: CommandContext, args: Uint8Array[]): void {
  let version = 0;
  if (args.length >= 2) {
    const parsed = parseIntegerArgument(args[1], {
      message: "ERR Protocol version is not an integer or out of range",
    });
    if (parsed < 2 || parsed > 3) {
      throw new CommandError("NOPROTO unsupported protocol version");
    }
    version = parsed;
  }
  let credentials: [Uint8Array, Uint8Array] | null = null;
  let name: Uint8Array | null = null;
  for (let i = 2; i < args.length; i++) {
    const more = args.length - 1 - i;
    if (equalsIgnoreCase(args[i], "auth") && more >= 2) {
      credentials = [args[i + 1], args[i + 2]];
      ctx.redact(i + 1);
      ctx.redact(i + 2);
      i += 2;
    } else if (equalsIgnoreCase(args[i], "setname") && more >= 1) {
      name = args[++i];
    } else {
      throw new CommandError(
        `ERR Syntax error in HELLO option '${bytesToString(args[i])}'`,
      );
    }
  }
  if (credentials !== null && !authenticate(ctx, ...credentials)) {
    throw new CommandError(WRONGPASS);
  }
  const client = ctx.client;
  if (!client.authenticated) {
    throw new CommandError(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
    );
  }
  if (name !== null) setClientName(client, name);
  if (version !== 0) client.reply.protocol = version as 2 | 3;

  const reply = ctx.reply;
  reply.map(7);
  reply.bulkString("server");
  reply.bulkString("redis");
  reply.bulkString("version");
  reply.bulkString(REDIS_VERSION);
  reply.bulkString("proto");
  reply.integer(client.protocol);
  reply.bulkString("id");
  reply.integer(client.id);
  reply.bulkString("mode");
  reply.bulkString("standalone");
  reply.bulkString("role");
  reply.bulkString("master");
  reply.bulkString("modules");
  reply.array(0);
}

/** Connection management commands. */
export const CONNECTION_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "ping",
    arity: -1,
    flags: ["fast", "sentinel"],
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Returns PONG, or the given message, to check the connection.",
    complexity: "O(1)",
    handler: ping,
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
  }),
  defineCommand({
    name: "echo",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Replies with its argument.",
    complexity: "O(1)",
    handler: echo,
  }),
  defineCommand({
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Answers OK and closes the connection.",
    complexity: "O(1)",
    handler: quit,
  }),
  defineCommand({
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    categories: ["connection"],
    group: "connection",
    since: "6.2.0",
    summary:
      "Returns the connection to its initial state (database, protocol, name, authentication...).",
    complexity: "O(1)",
    handler: reset,
  }),
  defineCommand({
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Switches the connection to another numbered database.",
    complexity: "O(1)",
    handler: select,
  }),
  defineCommand({
    name: "auth",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Authenticates the connection with a password or user/password.",
    complexity: "O(N) where N is the number of passwords defined for the user",
    handler: auth,
    history: [["6.0.0", "Accepts a username before the password (ACL users)."]],
  }),
  defineCommand({
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    categories: ["connection"],
    group: "connection",
    since: "6.0.0",
    summary:
      "Negotiates the protocol version, optionally authenticating and naming the connection, and describes the server.",
    complexity: "O(1)",
    handler: hello,
    history: [[
      "6.2.0",
      "The protocol version became optional; without arguments HELLO describes the connection.",
    ]],
  }),
];
