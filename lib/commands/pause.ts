/**
 * CLIENT PAUSE and CLIENT UNPAUSE (the pause itself: lib/server/pause.ts).
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";
import { equalsIgnoreCase } from "../util/bytes.ts";
import type { PauseMode } from "../server/pause.ts";

function clientPause(ctx: CommandContext, args: Uint8Array[]): void {
  const timeout = parseIntegerArgument(args[2], {
    message: Errors.timeoutNotInteger,
  });
  if (timeout < 0) throw new CommandError(Errors.timeoutNegative);
  let mode: PauseMode = "all";
  if (args.length === 4) {
    if (equalsIgnoreCase(args[3], "write")) mode = "write";
    else if (!equalsIgnoreCase(args[3], "all")) {
      throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  } else if (args.length > 4) {
    throw new CommandError(
      "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
    );
  }
  ctx.server.pause.pause(mode, timeout, ctx.now);
  ctx.reply.ok();
}

function clientUnpause(ctx: CommandContext): void {
  ctx.server.pause.unpause();
  ctx.reply.ok();
}

/** CLIENT's PAUSE and UNPAUSE subcommands. */
export const PAUSE_SUBCOMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "pause",
    arity: -3,
    flags: ["admin", "noscript", "loading", "stale"],
    categories: ["connection"],
    group: "connection",
    since: "2.9.50",
    summary: "Suspends commands processing.",
    complexity: "O(1)",
    handler: clientPause,
    history: [
      [
        "6.2.0",
        "`CLIENT PAUSE WRITE` mode added along with the `mode` option.",
      ],
    ],
  }),
  defineCommand({
    name: "unpause",
    arity: 2,
    flags: ["admin", "noscript", "loading", "stale"],
    categories: ["connection"],
    group: "connection",
    since: "6.2.0",
    summary: "Resumes processing commands from paused clients.",
    complexity: "O(N) Where N is the number of paused clients",
    handler: clientUnpause,
  }),
];
