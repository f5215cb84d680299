/**
 * MODULE LIST, LOAD, LOADEX, UNLOAD and HELP. The server cannot load
 * modules, so it answers as a Redis 7.0 server with none loaded and every
 * library failing to load, allowed as enable-module-command says.
 *
 * @module
 */

import { replyHelp } from "./command.ts";
import { protectedActionAllowed } from "./config.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import { CommandError } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";

const MODULE_NOT_ALLOWED =
  `ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;

const LOAD_FAILED =
  "ERR Error loading the extension. Please check the server logs.";

const MODULE_HELP = [
  "LIST",
  "    Return a list of loaded modules.",
  "LOAD <path> [<arg> ...]",
  "    Load a module library from <path>, passing to it any optional arguments.",
  "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
  "    Load a module library from <path>, while passing it module configurations and optional arguments.",
  "UNLOAD <name>",
  "    Unload a module.",
];

function checkAllowed(ctx: CommandContext): void {
  if (!protectedActionAllowed(ctx, "enable-module-command")) {
    throw new CommandError(MODULE_NOT_ALLOWED);
  }
}

/** Logs why loading `path` failed and refuses, as Redis does for a bad library. */
function loadFailed(ctx: CommandContext, path: Uint8Array): never {
  ctx.server.log.warning(
    `Module ${
      bytesToString(path)
    } failed to load: this server cannot load modules`,
  );
  throw new CommandError(LOAD_FAILED);
}

function moduleLoad(ctx: CommandContext, args: Uint8Array[]): void {
  checkAllowed(ctx);
  loadFailed(ctx, args[2]);
}

/**
 * LOADEX checks its CONFIG and ARGS options before loading, logging what
 * is wrong with them as Redis does; the reply is the same either way.
 */
function moduleLoadex(ctx: CommandContext, args: Uint8Array[]): void {
  checkAllowed(ctx);
  for (let i = 3; i < args.length; i++) {
    if (equalsIgnoreCase(args[i], "config")) {
      if (i + 2 >= args.length) {
        ctx.server.log.notice("CONFIG specified without name value pair");
        throw new CommandError(LOAD_FAILED);
      }
      i += 2;
    } else if (equalsIgnoreCase(args[i], "args")) {
      break;
    } else {
      ctx.server.log.notice(
        `Syntax Error from arguments to loadex around ${
          bytesToString(args[i])
        }.`,
      );
      throw new CommandError(LOAD_FAILED);
    }
  }
  loadFailed(ctx, args[2]);
}

function moduleUnload(ctx: CommandContext): void {
  checkAllowed(ctx);
  throw new CommandError(
    "ERR Error unloading module: no such module with that name",
  );
}

const moduleSubcommand = {
  flags: ["admin", "noscript", "no_async_loading"],
  group: "server",
  since: "4.0.0",
  complexity: "O(1)",
} as const;

/** MODULE and its subcommands. */
export const MODULE_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "module",
    arity: -2,
    group: "server",
    since: "4.0.0",
    summary: "A container for module commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        ...moduleSubcommand,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        handler: (ctx, args) => replyHelp(ctx, args, MODULE_HELP),
      }),
      defineCommand({
        ...moduleSubcommand,
        name: "loadex",
        arity: -3,
        since: "7.0.0",
        summary: "Load a module with extended parameters",
        handler: moduleLoadex,
      }),
      defineCommand({
        ...moduleSubcommand,
        name: "unload",
        arity: 3,
        summary: "Unload a module",
        handler: moduleUnload,
      }),
      defineCommand({
        ...moduleSubcommand,
        name: "list",
        arity: 2,
        flags: ["admin", "noscript"],
        summary: "List all modules loaded by the server",
        complexity: "O(N) where N is the number of loaded modules.",
        handler: (ctx) => ctx.reply.array(0),
        tips: ["nondeterministic_output_order"],
      }),
      defineCommand({
        ...moduleSubcommand,
        name: "load",
        arity: -3,
        summary: "Load a module",
        handler: moduleLoad,
      }),
    ],
  }),
];
