/**
 * Connection commands: PING, ECHO, QUIT, SELECT.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

function ping(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 2) throw new CommandError(Errors.wrongArity("ping"));
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

/** Connection management commands. */
export const CONNECTION_COMMANDS: readonly CommandSpec[] = [
  {
    name: "ping",
    arity: -1,
    flags: ["fast", "sentinel"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Returns the server's liveliness response.",
    complexity: "O(1)",
    handler: ping,
  },
  {
    name: "echo",
    arity: 2,
    flags: ["fast"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Returns the given string.",
    complexity: "O(1)",
    handler: echo,
  },
  {
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: ["connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Closes the connection.",
    complexity: "O(1)",
    handler: quit,
  },
];
