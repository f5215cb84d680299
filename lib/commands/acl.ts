/**
 * The ACL command (SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT,
 * GENPASS, LOG, DRYRUN, LOAD, SAVE, HELP), and what the rest of the command
 * layer needs of the ACL: the permission check with Redis's NOPERM texts,
 * the ACL log entries, and disconnecting the clients of users that changed.
 *
 * @module
 */

import { ACL_CATEGORIES, defineCommand } from "./define.ts";
import type { CommandContext } from "./context.ts";
import type { CommandSpec } from "./spec.ts";
import { CommandError, Errors } from "./errors.ts";
import { parseIntegerArgument } from "./arguments.ts";
import { commandKeys, replyHelp } from "./command.ts";
import { clientInfoText } from "./client.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { asciiLower } from "../acl/command_index.ts";
import type { AclLogContext, AclLogReason } from "../acl/log.ts";
import {
  channelAllowed,
  type Denial,
  hasSpaces,
  RULE_ERROR_TEXT,
  type Selector,
} from "../acl/selector.ts";
import { mergeSelectorArguments, type User } from "../acl/user.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import { formatDouble } from "../util/numbers.ts";

/**
 * Why `user` may not run `spec` with `args`, or null (always null for the
 * server's own clients, which have no user).
 */
export function checkPermission(
  user: User | null,
  spec: CommandSpec,
  args: readonly Uint8Array[],
): Denial | null {
  if (user === null || user.unrestricted) return null;
  return user.check(spec, args, commandKeys);
}

/** The NOPERM error a refused command gets, as Redis 7.0 words it. */
export function permissionError(spec: CommandSpec, denial: Denial): string {
  switch (denial.reason) {
    case "command":
      return `NOPERM this user has no permissions to run the '${spec.fullName}' command`;
    case "key":
      return "NOPERM this user has no permissions to access one of the keys used as arguments";
    case "channel":
      return "NOPERM this user has no permissions to access one of the channels used as arguments";
  }
}

/** EXEC's error for a queued command the ACL no longer allows. */
export function changedPermissionError(denial: Denial): string {
  const reason = denial.reason === "command"
    ? "no permission to execute the command or subcommand"
    : denial.reason === "key"
    ? "no permission to touch the specified keys"
    : "no permission to access one of the channels used as arguments";
  return `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`;
}

/** What {@linkcode logAclDenial} records. */
export interface AclDenialEvent {
  /** What was refused. */
  readonly reason: AclLogReason;
  /** The command, key or channel refused ("AUTH" for authentication). */
  readonly object: string;
  /** The user named; the client's user by default. */
  readonly username?: string;
  /** Where; "multi" inside MULTI, "toplevel" otherwise, by default. */
  readonly context?: AclLogContext;
  /** The client to describe; the context's client by default. */
  readonly client?: Client;
  /** The command it is running (CLIENT INFO's argv-mem); the context's by default. */
  readonly args?: readonly Uint8Array[];
}

/** Adds an entry to the ACL log (a refused command or a failed AUTH). */
export function logAclDenial(ctx: CommandContext, event: AclDenialEvent): void {
  const client = event.client ?? ctx.client;
  const server = ctx.server;
  server.acl.log.add({
    reason: event.reason,
    context: event.context ??
      (client.multiQueue !== null ? "multi" : "toplevel"),
    object: event.object,
    username: event.username ?? client.user?.name ?? "default",
    time: Date.now(),
    clientInfo: clientInfoText(ctx, client, event.args ?? ctx.args),
  }, server.config.number("acllog-max-len"));
}

/** Where a refused command came from, for {@linkcode logPermissionDenial}. */
export interface DenialOrigin {
  /** "multi" inside MULTI, "toplevel" otherwise, by default. */
  readonly context?: AclLogContext;
  /**
   * The client to describe and its user, with the command it runs (EVAL's,
   * for a script's command); the context's client and `args` by default.
   */
  readonly caller?: {
    readonly client: Client;
    readonly args: readonly Uint8Array[];
  };
}

/**
 * Logs a refused command `args`: the command's name, or the key or
 * channel it was refused.
 */
export function logPermissionDenial(
  ctx: CommandContext,
  spec: CommandSpec,
  args: readonly Uint8Array[],
  denial: Denial,
  origin: DenialOrigin = {},
): void {
  logAclDenial(ctx, {
    reason: denial.reason,
    object: denial.reason === "command"
      ? spec.fullName
      : bytesToString(args[denial.index]),
    context: origin.context,
    client: origin.caller?.client,
    args: origin.caller?.args ?? args,
  });
}

/**
 * Disconnects the clients authenticated as one of `users`, as Redis does
 * when users are deleted or replaced: the caller after its reply, others
 * at once.
 */
function disconnectClientsOf(
  ctx: CommandContext,
  users: ReadonlySet<User>,
): void {
  const acl = ctx.server.acl;
  for (const client of [...ctx.server.clients.values()]) {
    if (client.user === null || !users.has(client.user)) continue;
    client.user = acl.defaultUser;
    client.authenticated = false;
    if (client === ctx.client) client.transport.close(true);
    else client.transport.close(false);
  }
}

/**
 * Disconnects the subscribers of `original` whose subscriptions `staged`
 * (its new rules) no longer allows, as Redis's ACLKillPubsubClientsIfNeeded.
 */
function disconnectRevokedSubscribers(
  server: Server,
  staged: User,
  original: User,
): void {
  if (staged.anyAllChannels) return;
  const allowed = staged.channelPatterns();
  // Every channel allowed before and not now, or a pattern dropped.
  const kept = !original.anyAllChannels &&
    original.channelPatterns().every((p) => allowed.includes(p));
  if (kept) return;
  for (const client of [...server.clients.values()]) {
    if (client.user !== original) continue;
    const revoked = [...client.patterns].some((p) =>
      !channelAllowed(allowed, p, true)
    ) ||
      [...client.channels, ...client.shardChannels].some((c) =>
        !channelAllowed(allowed, c, false)
      );
    if (revoked) client.transport.close(false);
  }
}

function aclSetUser(ctx: CommandContext, args: Uint8Array[]): void {
  // Hidden from MONITOR and the slow log: rules hold passwords.
  for (let i = 2; i < args.length; i++) ctx.redact(i);
  const name = bytesToString(args[2]);
  if (hasSpaces(name)) {
    throw new CommandError(
      "ERR Usernames can't contain spaces or null characters",
    );
  }
  const merged = mergeSelectorArguments(args.slice(3).map(bytesToString));
  if ("unclosedAt" in merged) {
    throw new CommandError(
      `ERR Unmatched parenthesis in acl selector starting at '${
        bytesToString(args[3 + merged.unclosedAt])
      }'.`,
    );
  }
  const acl = ctx.server.acl;
  const existing = acl.get(name);
  const staged = existing?.copy() ?? acl.detachedUser(name);
  const failed = staged.applyAll(merged.rules);
  if (failed !== null) {
    throw new CommandError(
      `ERR Error in ACL SETUSER modifier '${failed.rule}': ${
        RULE_ERROR_TEXT[failed.error]
      }`,
    );
  }
  if (existing === undefined) acl.add(staged);
  else {
    disconnectRevokedSubscribers(ctx.server, staged, existing);
    existing.copyFrom(staged);
  }
  ctx.reply.ok();
}

function aclDelUser(ctx: CommandContext, args: Uint8Array[]): void {
  const names = args.slice(2).map(bytesToString);
  if (names.includes("default")) {
    throw new CommandError("ERR The 'default' user cannot be removed");
  }
  const deleted = new Set<User>();
  for (const name of names) {
    const user = ctx.server.acl.delete(name);
    if (user !== undefined) deleted.add(user);
  }
  ctx.reply.integer(deleted.size);
  disconnectClientsOf(ctx, deleted);
}

/** The commands, keys and channels fields of ACL GETUSER for one selector. */
function replySelector(ctx: CommandContext, selector: Selector): void {
  const reply = ctx.reply;
  reply.bulkString("commands");
  reply.bulkString(selector.describeCommands());
  reply.bulkString("keys");
  reply.bulkString(selector.describeKeys());
  reply.bulkString("channels");
  reply.bulkString(selector.describeChannels());
}

function aclGetUser(ctx: CommandContext, args: Uint8Array[]): void {
  const name = bytesToString(args[2]);
  const user = ctx.server.acl.get(name);
  const reply = ctx.reply;
  if (user === undefined) {
    reply.nullBulk();
    return;
  }
  reply.map(6);
  reply.bulkString("flags");
  const flags = user.flags();
  reply.set(flags.length);
  for (const flag of flags) reply.bulkString(flag);
  reply.bulkString("passwords");
  reply.stringArray(user.passwords);
  replySelector(ctx, user.root);
  reply.bulkString("selectors");
  const selectors = user.selectors.slice(1);
  reply.array(selectors.length);
  for (const selector of selectors) {
    reply.map(3);
    replySelector(ctx, selector);
  }
}

function aclList(ctx: CommandContext): void {
  ctx.reply.stringArray(
    ctx.server.acl.sorted().map((u) => `user ${u.name} ${u.describe()}`),
  );
}

function aclUsers(ctx: CommandContext): void {
  ctx.reply.stringArray(ctx.server.acl.sorted().map((u) => u.name));
}

function aclWhoami(ctx: CommandContext): void {
  const user = ctx.client.user;
  if (user === null) ctx.reply.nullBulk();
  else ctx.reply.bulkString(user.name);
}

const NO_ACL_FILE =
  "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

function aclFile(ctx: CommandContext): string {
  const path = ctx.server.config.get("aclfile");
  if (path === "") throw new CommandError(NO_ACL_FILE);
  return path;
}

function aclLoad(ctx: CommandContext): void {
  const result = ctx.server.acl.loadFile(aclFile(ctx));
  if (!result.ok) throw new CommandError(`ERR ${result.error}`);
  ctx.reply.ok();
  disconnectClientsOf(ctx, new Set(result.replaced));
}

function aclSave(ctx: CommandContext): void {
  const error = ctx.server.acl.saveFile(aclFile(ctx));
  if (error !== null) {
    ctx.server.log.warning(`Saving the ACL file for ACL SAVE: ${error}`);
    throw new CommandError(
      "ERR There was an error trying to save the ACLs. Please check the server logs for more information",
    );
  }
  ctx.reply.ok();
}

function aclCat(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length === 2) {
    ctx.reply.stringArray(ACL_CATEGORIES);
    return;
  }
  if (args.length > 3) throw new CommandError(Errors.subcommandSyntax(args));
  const category = asciiLower(bytesToString(args[2]));
  if (!ACL_CATEGORIES.includes(category)) {
    throw new CommandError(
      `ERR Unknown category '${bytesToString(args[2]).slice(0, 128)}'`,
    );
  }
  const index = ctx.server.acl.index;
  ctx.reply.stringArray(
    index.specs.filter((spec) => index.inCategory(spec, category)).map((
      spec,
    ) => spec.fullName),
  );
}

const GENPASS_MAX_BITS = 4096;

function aclGenPass(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.subcommandSyntax(args));
  const bits = args.length === 3 ? parseIntegerArgument(args[2]) : 256;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    throw new CommandError(
      `ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`,
    );
  }
  const chars = Math.floor((bits + 3) / 4);
  const random = crypto.getRandomValues(new Uint8Array(Math.ceil(chars / 2)));
  let hex = "";
  for (const byte of random) hex += byte.toString(16).padStart(2, "0");
  ctx.reply.bulkString(hex.slice(0, chars));
}

function aclLog(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.subcommandSyntax(args));
  const log = ctx.server.acl.log;
  let count = 10;
  if (args.length === 3) {
    if (equalsIgnoreCase(args[2], "reset")) {
      log.reset();
      ctx.reply.ok();
      return;
    }
    count = Math.max(0, parseIntegerArgument(args[2]));
  }
  const entries = log.entries.slice(0, count);
  const reply = ctx.reply;
  const now = Date.now();
  reply.array(entries.length);
  for (const entry of entries) {
    reply.map(7);
    reply.bulkString("count");
    reply.integer(entry.count);
    reply.bulkString("reason");
    reply.bulkString(entry.reason);
    reply.bulkString("context");
    reply.bulkString(entry.context);
    reply.bulkString("object");
    reply.bulkString(entry.object);
    reply.bulkString("username");
    reply.bulkString(entry.username);
    reply.bulkString("age-seconds");
    reply.double(formatDouble((now - entry.time) / 1000));
    reply.bulkString("client-info");
    reply.bulkString(entry.clientInfo);
  }
}

function aclDryRun(ctx: CommandContext, args: Uint8Array[]): void {
  const name = bytesToString(args[2]);
  const user = ctx.server.acl.get(name);
  if (user === undefined) {
    throw new CommandError(`ERR User '${name}' not found`);
  }
  const command = args.slice(3);
  const spec = ctx.dispatcher.specOf(command);
  if (spec === undefined) {
    throw new CommandError(`ERR Command '${bytesToString(args[3])}' not found`);
  }
  const arity = spec.arity;
  if (
    (arity > 0 && command.length !== arity) ||
    (arity < 0 && command.length < -arity)
  ) {
    throw new CommandError(Errors.wrongArity(spec.fullName));
  }
  const denial = checkPermission(user, spec, command);
  if (denial === null) {
    ctx.reply.ok();
    return;
  }
  const object = bytesToString(command[denial.index]);
  ctx.reply.bulkString(
    denial.reason === "command"
      ? `This user has no permissions to run the '${spec.fullName}' command`
      : denial.reason === "key"
      ? `This user has no permissions to access the '${object}' key`
      : `This user has no permissions to access the '${object}' channel`,
  );
}

const ACL_HELP = [
  "CAT [<category>]",
  "    List all commands that belong to <category>, or all command categories",
  "    when no category is specified.",
  "DELUSER <username> [<username> ...]",
  "    Delete a list of users.",
  "DRYRUN <username> <command> [<arg> ...]",
  "    Returns whether the user can execute the given command without executing the command.",
  "GETUSER <username>",
  "    Get the user's details.",
  "GENPASS [<bits>]",
  "    Generate a secure 256-bit user password. The optional `bits` argument can",
  "    be used to specify a different size.",
  "LIST",
  "    Show users details in config file format.",
  "LOAD",
  "    Reload users from the ACL file.",
  "LOG [<count> | RESET]",
  "    Show the ACL log entries.",
  "SAVE",
  "    Save the current config to the ACL file.",
  "SETUSER <username> <attribute> [<attribute> ...]",
  "    Create or modify a user with the specified attributes.",
  "USERS",
  "    List all the registered usernames.",
  "WHOAMI",
  "    Return the current connection username.",
];

/** The ACL subcommands that change or reveal users: admin and dangerous. */
const ADMIN = ["admin", "noscript", "loading", "stale"] as const;
const PLAIN = ["noscript", "loading", "stale"] as const;

/** The ACL command. */
export const ACL_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "acl",
    arity: -2,
    group: "server",
    since: "6.0.0",
    summary: "A container for Access List Control commands ",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "cat",
        arity: -2,
        flags: PLAIN,
        group: "server",
        since: "6.0.0",
        summary: "List the ACL categories or the commands inside a category",
        complexity: "O(1) since the categories and commands are a fixed set.",
        handler: aclCat,
      }),
      defineCommand({
        name: "deluser",
        arity: -3,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Remove the specified ACL users and the associated rules",
        complexity: "O(1) amortized time considering the typical user.",
        handler: aclDelUser,
      }),
      defineCommand({
        name: "dryrun",
        arity: -4,
        flags: ADMIN,
        group: "server",
        since: "7.0.0",
        summary:
          "Returns whether the user can execute the given command without executing the command.",
        complexity: "O(1).",
        handler: aclDryRun,
      }),
      defineCommand({
        name: "genpass",
        arity: -2,
        flags: PLAIN,
        group: "server",
        since: "6.0.0",
        summary: "Generate a pseudorandom secure password to use for ACL users",
        complexity: "O(1)",
        handler: aclGenPass,
      }),
      defineCommand({
        name: "getuser",
        arity: 3,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Get the rules for a specific ACL user",
        complexity:
          "O(N). Where N is the number of password, command and pattern rules that the user has.",
        handler: aclGetUser,
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "server",
        since: "6.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, ACL_HELP),
      }),
      defineCommand({
        name: "list",
        arity: 2,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "List the current ACL rules in ACL config file format",
        complexity: "O(N). Where N is the number of configured users.",
        handler: aclList,
      }),
      defineCommand({
        name: "load",
        arity: 2,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Reload the ACLs from the configured ACL file",
        complexity: "O(N). Where N is the number of configured users.",
        handler: aclLoad,
      }),
      defineCommand({
        name: "log",
        arity: -2,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "List latest events denied because of ACLs in place",
        complexity: "O(N) with N being the number of entries shown.",
        handler: aclLog,
      }),
      defineCommand({
        name: "save",
        arity: 2,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Save the current ACL rules in the configured ACL file",
        complexity: "O(N). Where N is the number of configured users.",
        handler: aclSave,
      }),
      defineCommand({
        name: "setuser",
        arity: -3,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Modify or create the rules for a specific ACL user",
        complexity: "O(N). Where N is the number of rules provided.",
        handler: aclSetUser,
      }),
      defineCommand({
        name: "users",
        arity: 2,
        flags: ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "List the username of all the configured ACL rules",
        complexity: "O(N). Where N is the number of configured users.",
        handler: aclUsers,
      }),
      defineCommand({
        name: "whoami",
        arity: 2,
        flags: PLAIN,
        group: "server",
        since: "6.0.0",
        summary:
          "Return the name of the user associated to the current connection",
        complexity: "O(1)",
        handler: aclWhoami,
      }),
    ],
  }),
];
