/**
 * FCALL, FCALL_RO and FUNCTION: Redis functions, libraries of Lua code
 * kept by the scripting engine (lib/scripting/functions.ts).
 *
 * @module
 */

import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";
import { validPayload } from "./dump.ts";
import { keysAndArgs, scriptKeys } from "./scripting.ts";
import { bytesToString, concatBytes, lowerAscii } from "../util/bytes.ts";
import { globMatch } from "../store/glob.ts";
import { RdbWriter } from "../persistence/rdb_writer.ts";
import { RdbCursor, RdbOpcode } from "../persistence/rdb_reader.ts";

const FUNCTION_HELP = [
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
];

function fcall(
  ctx: CommandContext,
  args: Uint8Array[],
  readOnly: boolean,
): void {
  const scripting = ctx.dispatcher.scripting;
  const { keys, argv } = keysAndArgs(args);
  const fn = scripting.functions.lookup(bytesToString(args[1]));
  if (fn === undefined) throw new CommandError("ERR Function not found");
  scripting.runFunction(ctx, fn, { keys, argv, readOnly });
}

function functionLoad(ctx: CommandContext, args: Uint8Array[]): void {
  let replace = false;
  let at = 2;
  if (args.length > 3) {
    if (lowerAscii(args[2]) !== "replace") {
      throw new CommandError(
        `ERR Unknown option given: ${bytesToString(args[2])}`,
      );
    }
    replace = true;
    at = 3;
  }
  if (at !== args.length - 1) {
    throw new CommandError("ERR Function code was not given");
  }
  const name = ctx.dispatcher.scripting.functions.load(args[at], replace);
  ctx.server.dirty++;
  ctx.reply.bulkString(name);
}

function functionDelete(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.dispatcher.scripting.functions.delete(bytesToString(args[2]));
  ctx.server.dirty++;
  ctx.reply.ok();
}

function functionList(ctx: CommandContext, args: Uint8Array[]): void {
  let pattern: string | null = null;
  let withCode = false;
  for (let i = 2; i < args.length; i++) {
    const option = lowerAscii(args[i]);
    if (option === "withcode") withCode = true;
    else if (option === "libraryname") {
      if (pattern !== null) {
        throw new CommandError("ERR library name can be given only once");
      }
      if (i + 1 >= args.length) {
        throw new CommandError("ERR library name argument was not given");
      }
      pattern = bytesToString(args[++i]);
    } else {
      throw new CommandError(
        `ERR Unknown argument ${bytesToString(args[i])}`,
      );
    }
  }
  const libraries = [...ctx.dispatcher.scripting.functions.libraries.values()]
    .filter((library) => pattern === null || globMatch(pattern, library.name));
  const reply = ctx.reply;
  reply.array(libraries.length);
  for (const library of libraries) {
    reply.map(withCode ? 4 : 3);
    reply.bulkString("library_name");
    reply.bulkString(library.name);
    reply.bulkString("engine");
    reply.bulkString("LUA");
    reply.bulkString("functions");
    reply.array(library.functions.size);
    for (const fn of library.functions.values()) {
      reply.map(3);
      reply.bulkString("name");
      reply.bulkString(fn.name);
      reply.bulkString("description");
      if (fn.description === undefined) reply.nullBulk();
      else reply.bulkString(fn.description);
      reply.bulkString("flags");
      reply.set(fn.flags.length);
      for (const flag of fn.flags) reply.bulkString(flag);
    }
    if (withCode) {
      reply.bulkString("library_code");
      reply.bulk(library.code);
    }
  }
}

function parseFlushMode(args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.syntax);
  if (args.length === 3) {
    const mode = lowerAscii(args[2]);
    if (mode !== "sync" && mode !== "async") {
      throw new CommandError(
        "ERR FUNCTION FLUSH only supports SYNC|ASYNC option",
      );
    }
  }
}

function functionFlush(ctx: CommandContext, args: Uint8Array[]): void {
  parseFlushMode(args);
  ctx.dispatcher.scripting.functions.flush();
  ctx.server.dirty++;
  ctx.reply.ok();
}

/** The FUNCTION DUMP payload of `codes`: one function record per library. */
export function functionsPayload(codes: readonly Uint8Array[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new RdbWriter((chunk) => chunks.push(chunk), {
    compress: true,
    checksum: true,
  });
  for (const code of codes) {
    writer.byte(RdbOpcode.function2);
    writer.string(code);
  }
  writer.finishDumpPayload();
  return concatBytes(chunks);
}

function functionDump(ctx: CommandContext): void {
  ctx.reply.bulk(functionsPayload(ctx.dispatcher.scripting.functions.codes()));
}

function functionRestore(ctx: CommandContext, args: Uint8Array[]): void {
  let policy = "append";
  if (args.length > 4) throw new CommandError(Errors.syntax);
  if (args.length === 4) {
    policy = lowerAscii(args[3]);
    if (policy !== "append" && policy !== "replace" && policy !== "flush") {
      throw new CommandError(
        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
      );
    }
  }
  const payload = args[2];
  if (!validPayload(payload, !ctx.server.skipChecksumValidation)) {
    throw new CommandError("ERR DUMP payload version or checksum are wrong");
  }
  const codes: Uint8Array[] = [];
  const cursor = new RdbCursor(payload.subarray(0, payload.length - 10));
  try {
    while (cursor.pos < cursor.data.length) {
      if (cursor.byte() !== RdbOpcode.function2) {
        throw new CommandError("ERR given type is not a function");
      }
      codes.push(cursor.string());
    }
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError("ERR payload is corrupted");
  }
  const functions = ctx.dispatcher.scripting.functions;
  const saved = functions.save();
  try {
    if (policy === "flush") functions.flush();
    for (const code of codes) functions.load(code, policy === "replace", true);
  } catch (error) {
    functions.revert(saved);
    throw error;
  }
  ctx.server.dirty++;
  ctx.reply.ok();
}

function functionKill(ctx: CommandContext): void {
  ctx.dispatcher.scripting.kill("function");
  ctx.reply.ok();
}

function functionStats(ctx: CommandContext): void {
  const scripting = ctx.dispatcher.scripting;
  const reply = ctx.reply;
  reply.map(2);
  reply.bulkString("running_script");
  const running = scripting.runningFunction;
  if (running === null) reply.nullBulk();
  else {
    reply.map(3);
    reply.bulkString("name");
    reply.bulkString(running.name);
    reply.bulkString("command");
    reply.array(running.args.length);
    for (const arg of running.args) reply.bulk(arg);
    reply.bulkString("duration_ms");
    reply.integer(Date.now() - running.startedAt);
  }
  reply.bulkString("engines");
  reply.map(1);
  reply.bulkString("LUA");
  reply.map(2);
  reply.bulkString("libraries_count");
  reply.integer(scripting.functions.libraries.size);
  reply.bulkString("functions_count");
  reply.integer(scripting.functions.functionCount);
}

const ALL_SHARDS = "request_policy:all_shards";
const ALL_SUCCEEDED = "response_policy:all_succeeded";

function subcommand(
  name: string,
  options: {
    arity: number;
    flags: CommandSpec["flags"];
    summary: string;
    complexity: string;
    tips?: string[];
    handler: (ctx: CommandContext, args: Uint8Array[]) => void;
  },
): CommandSpec {
  return defineCommand({
    name,
    arity: options.arity,
    flags: options.flags,
    categories: ["scripting"],
    group: "scripting",
    since: "7.0.0",
    summary: options.summary,
    complexity: options.complexity,
    tips: options.tips,
    handler: options.handler,
  });
}

/** FCALL, FCALL_RO and FUNCTION. */
export const FUNCTION_COMMANDS: readonly CommandSpec[] = [
  ...[false, true].map((readOnly) =>
    defineCommand({
      name: readOnly ? "fcall_ro" : "fcall",
      arity: -3,
      flags: [
        ...(readOnly ? ["readonly" as const] : []),
        "noscript",
        "stale",
        "skip_monitor",
        "no_mandatory_keys",
      ],
      keySpecs: [scriptKeys(readOnly)],
      categories: ["scripting"],
      group: "scripting",
      since: "7.0.0",
      summary: readOnly ? "Invoke a read-only function" : "Invoke a function",
      complexity: "Depends on the function that is executed.",
      handler: (ctx, args) => fcall(ctx, args, readOnly),
    })
  ),
  defineCommand({
    name: "function",
    arity: -2,
    group: "scripting",
    since: "7.0.0",
    summary: "A container for function commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      subcommand("load", {
        arity: -3,
        flags: ["write", "denyoom", "noscript"],
        summary:
          "Create a function with the given arguments (name, code, description)",
        complexity: "O(1) (considering compilation time is redundant)",
        tips: [ALL_SHARDS, ALL_SUCCEEDED],
        handler: functionLoad,
      }),
      subcommand("delete", {
        arity: 3,
        flags: ["write", "noscript"],
        summary: "Delete a function by name",
        complexity: "O(1)",
        tips: [ALL_SHARDS, ALL_SUCCEEDED],
        handler: functionDelete,
      }),
      subcommand("list", {
        arity: -2,
        flags: ["noscript"],
        summary: "List information about all the functions",
        complexity: "O(N) where N is the number of functions",
        tips: ["nondeterministic_output_order"],
        handler: functionList,
      }),
      subcommand("flush", {
        arity: -2,
        flags: ["write", "noscript"],
        summary: "Deleting all functions",
        complexity: "O(N) where N is the number of functions deleted",
        tips: [ALL_SHARDS, ALL_SUCCEEDED],
        handler: functionFlush,
      }),
      subcommand("dump", {
        arity: 2,
        flags: ["noscript"],
        summary: "Dump all functions into a serialized binary payload",
        complexity: "O(N) where N is the number of functions",
        handler: functionDump,
      }),
      subcommand("restore", {
        arity: -3,
        flags: ["write", "denyoom", "noscript"],
        summary: "Restore all the functions on the given payload",
        complexity: "O(N) where N is the number of functions on the payload",
        tips: [ALL_SHARDS, ALL_SUCCEEDED],
        handler: functionRestore,
      }),
      subcommand("kill", {
        arity: 2,
        flags: ["noscript", "allow_busy"],
        summary: "Kill the function currently in execution.",
        complexity: "O(1)",
        tips: [ALL_SHARDS, "response_policy:one_succeeded"],
        handler: functionKill,
      }),
      subcommand("stats", {
        arity: 2,
        flags: ["noscript", "allow_busy"],
        summary:
          "Return information about the function currently running (name, description, duration)",
        complexity: "O(1)",
        tips: [
          "nondeterministic_output",
          ALL_SHARDS,
          "response_policy:special",
        ],
        handler: functionStats,
      }),
      subcommand("help", {
        arity: 2,
        flags: ["loading", "stale"],
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, FUNCTION_HELP),
      }),
    ],
  }),
];
