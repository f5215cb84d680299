/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: Lua scripts run by the
 * scripting engine (lib/scripting/scripting.ts).
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec, KeySpec } from "./spec.ts";
import { lowerAscii } from "../util/bytes.ts";
import type { CachedScript } from "../scripting/scripting.ts";

const NO_SCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

const SCRIPT_HELP = [
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
];

/**
 * The keys and the other arguments of EVAL or FCALL (`name body-or-sha
 * numkeys key... arg...`), with Redis's numkeys errors.
 */
export function keysAndArgs(
  args: Uint8Array[],
): { keys: Uint8Array[]; argv: Uint8Array[] } {
  const numKeys = parseIntegerArgument(args[2]);
  if (numKeys < 0) {
    throw new CommandError("ERR Number of keys can't be negative");
  }
  if (numKeys > args.length - 3) {
    throw new CommandError(
      "ERR Number of keys can't be greater than number of args",
    );
  }
  return {
    keys: args.slice(3, 3 + numKeys),
    argv: args.slice(3 + numKeys),
  };
}

/** Runs the script EVAL names (by body) or EVALSHA names (by SHA1). */
function runScript(
  ctx: CommandContext,
  args: Uint8Array[],
  options: { bySha: boolean; readOnly: boolean },
): void {
  const scripting = ctx.dispatcher.scripting;
  const { keys, argv } = keysAndArgs(args);
  let sha: string;
  let script: CachedScript | undefined;
  if (options.bySha) {
    sha = lowerAscii(args[1]);
    script = sha.length === 40 ? scripting.lookup(sha) : undefined;
    if (script === undefined) throw new CommandError(NO_SCRIPT);
  } else {
    sha = scripting.load(args[1]);
    script = scripting.lookup(sha)!;
  }
  scripting.runScript(ctx, script, {
    sha,
    keys,
    argv,
    readOnly: options.readOnly,
  });
}

function scriptLoad(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.bulkString(ctx.dispatcher.scripting.load(args[2]));
}

function scriptExists(ctx: CommandContext, args: Uint8Array[]): void {
  const scripting = ctx.dispatcher.scripting;
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const sha = lowerAscii(args[i]);
    ctx.reply.integer(scripting.lookup(sha) === undefined ? 0 : 1);
  }
}

function scriptFlush(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.syntax);
  if (args.length === 3) {
    const mode = lowerAscii(args[2]);
    if (mode !== "sync" && mode !== "async") {
      throw new CommandError(
        "ERR SCRIPT FLUSH only support SYNC|ASYNC option",
      );
    }
  }
  ctx.dispatcher.scripting.flush();
  ctx.reply.ok();
}

function scriptKill(ctx: CommandContext): void {
  ctx.dispatcher.scripting.kill("script");
  ctx.reply.ok();
}

/**
 * The key spec of EVAL, FCALL and their variants: "numkeys key [key ...]",
 * whose use only the script knows.
 */
export function scriptKeys(readOnly: boolean): KeySpec {
  return {
    notes: readOnly
      ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
      : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
    flags: readOnly ? ["RO", "access"] : ["RW", "access", "update"],
    beginSearch: { type: "index", index: 2 },
    findKeys: { type: "keynum", keyNumIndex: 0, firstKey: 1, keyStep: 1 },
  };
}

function evalCommand(
  name: string,
  options: { bySha: boolean; readOnly: boolean },
): CommandSpec {
  const keySpec = scriptKeys(options.readOnly);
  return defineCommand({
    name,
    arity: -3,
    flags: [
      ...(options.readOnly ? ["readonly" as const] : []),
      "noscript",
      "stale",
      "skip_monitor",
      "no_mandatory_keys",
    ],
    keySpecs: [
      options.bySha ? { ...keySpec, notes: undefined } : keySpec,
    ],
    categories: ["scripting"],
    group: "scripting",
    since: options.readOnly ? "7.0.0" : "2.6.0",
    summary: options.readOnly
      ? "Execute a read-only Lua script server side"
      : "Execute a Lua script server side",
    complexity: "Depends on the script that is executed.",
    handler: (ctx, args) => runScript(ctx, args, options),
  });
}

const ALL_NODES = "request_policy:all_nodes";

/** EVAL, EVALSHA, their read-only forms, and SCRIPT. */
export const SCRIPTING_COMMANDS: readonly CommandSpec[] = [
  evalCommand("eval", { bySha: false, readOnly: false }),
  evalCommand("evalsha", { bySha: true, readOnly: false }),
  evalCommand("eval_ro", { bySha: false, readOnly: true }),
  evalCommand("evalsha_ro", { bySha: true, readOnly: true }),
  defineCommand({
    name: "script",
    arity: -2,
    group: "scripting",
    since: "2.6.0",
    summary: "A container for Lua scripts management commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "load",
        arity: 3,
        flags: ["noscript", "stale"],
        categories: ["scripting"],
        group: "scripting",
        since: "2.6.0",
        summary: "Load the specified Lua script into the script cache.",
        complexity: "O(N) with N being the length in bytes of the script body.",
        tips: [ALL_NODES, "response_policy:all_succeeded"],
        handler: scriptLoad,
      }),
      defineCommand({
        name: "exists",
        arity: -3,
        flags: ["noscript"],
        categories: ["scripting"],
        group: "scripting",
        since: "2.6.0",
        summary: "Check existence of scripts in the script cache.",
        complexity:
          "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
        tips: ["request_policy:all_shards", "response_policy:agg_logical_and"],
        handler: scriptExists,
      }),
      defineCommand({
        name: "flush",
        arity: -2,
        flags: ["noscript"],
        categories: ["scripting"],
        group: "scripting",
        since: "2.6.0",
        summary: "Remove all the scripts from the script cache.",
        complexity: "O(N) with N being the number of scripts in cache",
        tips: [ALL_NODES, "response_policy:all_succeeded"],
        history: [[
          "6.2.0",
          "Added the `ASYNC` and `SYNC` flushing mode modifiers.",
        ]],
        handler: scriptFlush,
      }),
      defineCommand({
        name: "kill",
        arity: 2,
        flags: ["noscript", "allow_busy"],
        categories: ["scripting"],
        group: "scripting",
        since: "2.6.0",
        summary: "Kill the script currently in execution.",
        complexity: "O(1)",
        tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
        handler: scriptKill,
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["scripting"],
        group: "scripting",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, SCRIPT_HELP),
      }),
    ],
  }),
];
