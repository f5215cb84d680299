/**
 * CONFIG: reading and changing the configuration at run time.
 *
 * @module
 */

import { defineCommand } from "./define.ts";
import { ConfigSetError, findDirective } from "../config/config.ts";
import type { Directive } from "../config/directives.ts";
import { ConfigRewriteError, rewriteConfigFile } from "../config/rewrite.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { isLoopbackAddress } from "../server/protected_mode.ts";
import { globMatch } from "../store/glob.ts";
import { bytesToString } from "../util/bytes.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

/**
 * Whether a client is local for the enable-* directives' "local": the same
 * rule as protected mode's (Redis's islocalClient), unix socket clients
 * included.
 */
export function isLocalClient(client: Client): boolean {
  if (client.unixSocket !== null) return true;
  const address = client.address;
  return isLoopbackAddress(address.slice(0, address.lastIndexOf(":")));
}

/**
 * Whether an enable-* directive ("no", "yes", "local") allows `client` to
 * use the protected feature.
 */
export function protectedActionAllowed(
  ctx: CommandContext,
  directive: string,
): boolean {
  const setting = ctx.server.config.get(directive);
  return setting === "yes" ||
    (setting === "local" && isLocalClient(ctx.client));
}

function configGet(ctx: CommandContext, args: Uint8Array[]): void {
  const config = ctx.server.config;
  const entries = config.entries();
  const matches = new Map<string, string>();
  for (let i = 2; i < args.length; i++) {
    const pattern = bytesToString(args[i]);
    if (!/[*?[]/.test(pattern)) {
      const d = findDirective(pattern);
      if (d !== undefined && !matches.has(pattern.toLowerCase())) {
        // The reply names the parameter as the client spelled it.
        matches.set(pattern.toLowerCase(), pattern);
      }
      continue;
    }
    for (const [name] of entries) {
      if (!matches.has(name) && globMatch(pattern, name, true)) {
        matches.set(name, name);
      }
    }
  }
  ctx.reply.map(matches.size);
  for (const [name, spelled] of matches) {
    ctx.reply.bulkString(spelled);
    ctx.reply.bulkString(config.get(findDirective(name)!.name));
  }
}

function setFailed(argument: string, reason: string): CommandError {
  return new CommandError(
    `ERR CONFIG SET failed (possibly related to argument '${argument}') - ${reason}`,
  );
}

function configSet(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length % 2 !== 0) throw new CommandError(Errors.syntax);
  const pairs: [Directive, string][] = [];
  const seen = new Set<string>();
  let unknown: string | null = null;
  let refused: CommandError | null = null;
  // Like Redis, the first unknown name wins over other errors found after it.
  for (let i = 2; i < args.length; i += 2) {
    const name = bytesToString(args[i]);
    const d = findDirective(name);
    if (d === undefined) {
      if (refused === null && unknown === null) unknown = name;
      continue;
    }
    // Passwords stay out of the slow log (and MONITOR), as in Redis.
    if (d.sensitive) ctx.redact(i + 1);
    if (unknown !== null || refused !== null) continue;
    if (d.immutable) {
      refused = setFailed(name, "can't set immutable config");
    } else if (
      d.protected && !protectedActionAllowed(ctx, "enable-protected-configs")
    ) {
      refused = setFailed(name, "can't set protected config");
    } else if (seen.has(name.toLowerCase())) {
      refused = setFailed(name, "duplicate parameter");
    }
    seen.add(name.toLowerCase());
    pairs.push([d, bytesToString(args[i + 1])]);
  }
  if (unknown !== null) {
    throw new CommandError(
      `ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`,
    );
  }
  if (refused !== null) throw refused;
  try {
    ctx.server.config.setMany(pairs);
  } catch (error) {
    if (!(error instanceof ConfigSetError)) throw error;
    // Redis names the parameter as looked up: the alias if one was used.
    const name = bytesToString(args[2 + error.index * 2]).toLowerCase();
    throw setFailed(name, error.message);
  }
  ctx.reply.ok();
}

function configResetstat(ctx: CommandContext): void {
  ctx.server.stats.reset();
  ctx.reply.ok();
}

/**
 * Rewrites the server's config file (which it must have) for its current
 * configuration and users; `forceAll` writes every directive, defaults
 * included. Throws ConfigRewriteError.
 */
export function rewriteServerConfig(
  server: Server,
  options: { readonly forceAll?: boolean } = {},
): void {
  // With an aclfile the users live there, not in the config file.
  const users = server.config.get("aclfile") !== ""
    ? []
    : server.acl.sorted().map((u) => `user ${u.name} ${u.describe()}`);
  rewriteConfigFile(server.config, { users, forceAll: options.forceAll });
}

function configRewrite(ctx: CommandContext): void {
  if (ctx.server.config.configFile === "") {
    throw new CommandError("ERR The server is running without a config file");
  }
  try {
    rewriteServerConfig(ctx.server);
  } catch (error) {
    if (!(error instanceof ConfigRewriteError)) throw error;
    ctx.server.log.warning(`CONFIG REWRITE failed: ${error.message}`);
    throw new CommandError(`ERR Rewriting config file: ${error.message}`);
  }
  ctx.server.log.warning("CONFIG REWRITE executed with success.");
  ctx.reply.ok();
}

const CONFIG_HELP = [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Prints this help.",
];

function configHelp(ctx: CommandContext): void {
  ctx.reply.array(CONFIG_HELP.length);
  for (const line of CONFIG_HELP) ctx.reply.simple(line);
}

/** The CONFIG command and its subcommands. */
export const CONFIG_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "config",
    arity: -2,
    group: "server",
    since: "2.0.0",
    summary: "Container for the configuration commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "get",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.0.0",
        summary: "Returns the values of matching configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters",
        handler: configGet,
      }),
      defineCommand({
        name: "set",
        arity: -4,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.0.0",
        summary: "Changes configuration parameters, all or none of them.",
        complexity: "O(N) when N is the number of parameters being set",
        handler: configSet,
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      }),
      defineCommand({
        name: "resetstat",
        arity: 2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.0.0",
        summary: "Clears the statistics INFO reports.",
        complexity: "O(1)",
        handler: configResetstat,
      }),
      defineCommand({
        name: "rewrite",
        arity: 2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.8.0",
        summary: "Writes the current configuration into the config file.",
        complexity: "O(1)",
        handler: configRewrite,
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "server",
        since: "5.0.0",
        summary: "Lists the CONFIG subcommands.",
        complexity: "O(1)",
        handler: configHelp,
      }),
    ],
  }),
];
