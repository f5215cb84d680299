/**
 * COMMAND: introspection of the command table (INFO, DOCS, COUNT, LIST,
 * GETKEYS, GETKEYSANDFLAGS, HELP), generated from the specs of the
 * implemented commands in the shapes Redis 7.0 replies with.
 *
 * @module
 */

import { defineCommand } from "./define.ts";
import { globMatch } from "../store/glob.ts";
import { bytesToString, equalsIgnoreCase, lowerAscii } from "../util/bytes.ts";
import { parseInt64 } from "../util/numbers.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type {
  ArgumentFlag,
  CommandArgument,
  CommandFlag,
  CommandSpec,
  KeyReference,
  KeySpec,
  KeySpecFlag,
} from "./spec.ts";

/**
 * Writes a HELP reply the way Redis does: a header naming the command, the
 * given lines, and the HELP entry, each as a status line.
 */
export function replyHelp(
  ctx: CommandContext,
  args: readonly Uint8Array[],
  lines: readonly string[],
): void {
  const reply = ctx.reply;
  reply.array(lines.length + 3);
  reply.simple(
    `${
      bytesToString(args[0]).toUpperCase()
    } <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
  );
  for (const line of lines) reply.simple(line);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

/**
 * Command flags in the order COMMAND INFO lists them; may_replicate,
 * sentinel, only_sentinel and protected are never shown.
 */
const FLAG_ORDER: readonly (CommandFlag | "movablekeys")[] = [
  "write",
  "readonly",
  "denyoom",
  "module",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

/** Key-spec flags in the order Redis lists them. */
const KEY_FLAG_ORDER: readonly KeySpecFlag[] = [
  "RO",
  "RW",
  "OW",
  "RM",
  "access",
  "update",
  "insert",
  "delete",
  "not_key",
  "incomplete",
  "variable_flags",
];

function shownFlags(spec: CommandSpec): string[] {
  return FLAG_ORDER.filter((flag) =>
    flag === "movablekeys" ? spec.movableKeys : spec.flags.includes(flag)
  );
}

function writeKeyFlags(ctx: CommandContext, flags: readonly KeySpecFlag[]) {
  const shown = KEY_FLAG_ORDER.filter((f) => flags.includes(f));
  ctx.reply.set(shown.length);
  for (const flag of shown) ctx.reply.simple(flag);
}

function writeKeySpec(ctx: CommandContext, key: KeySpec): void {
  const reply = ctx.reply;
  reply.map(key.notes === undefined ? 3 : 4);
  if (key.notes !== undefined) {
    reply.bulkString("notes");
    reply.bulkString(key.notes);
  }
  reply.bulkString("flags");
  writeKeyFlags(ctx, key.flags);

  reply.bulkString("begin_search");
  reply.map(2);
  reply.bulkString("type");
  const begin = key.beginSearch;
  reply.bulkString(begin.type);
  reply.bulkString("spec");
  if (begin.type === "index") {
    reply.map(1);
    reply.bulkString("index");
    reply.integer(begin.index);
  } else if (begin.type === "keyword") {
    reply.map(2);
    reply.bulkString("keyword");
    reply.bulkString(begin.keyword);
    reply.bulkString("startfrom");
    reply.integer(begin.startFrom);
  } else reply.map(0);

  reply.bulkString("find_keys");
  reply.map(2);
  reply.bulkString("type");
  const find = key.findKeys;
  reply.bulkString(find.type);
  reply.bulkString("spec");
  if (find.type === "range") {
    reply.map(3);
    reply.bulkString("lastkey");
    reply.integer(find.lastKey);
    reply.bulkString("keystep");
    reply.integer(find.keyStep);
    reply.bulkString("limit");
    reply.integer(find.limit);
  } else if (find.type === "keynum") {
    reply.map(3);
    reply.bulkString("keynumidx");
    reply.integer(find.keyNumIndex);
    reply.bulkString("firstkey");
    reply.integer(find.firstKey);
    reply.bulkString("keystep");
    reply.integer(find.keyStep);
  } else reply.map(0);
}

/** One COMMAND INFO entry: the ten fields of Redis 7.0, subcommands nested. */
function writeInfo(ctx: CommandContext, spec: CommandSpec): void {
  const reply = ctx.reply;
  reply.array(10);
  reply.bulkString(spec.fullName);
  reply.integer(spec.arity);
  const flags = shownFlags(spec);
  reply.set(flags.length);
  for (const flag of flags) reply.simple(flag);
  reply.integer(spec.firstKey);
  reply.integer(spec.lastKey);
  reply.integer(spec.step);
  const categories = spec.aclCategories;
  reply.set(categories.length);
  for (const category of categories) reply.simple(category);
  const tips = spec.tips ?? [];
  reply.set(tips.length);
  for (const tip of tips) reply.bulkString(tip);
  const keySpecs = spec.keySpecs;
  reply.set(keySpecs.length);
  for (const key of keySpecs) writeKeySpec(ctx, key);
  // Redis answers an empty set for a command without subcommands, an array otherwise.
  if (spec.subcommands === undefined) reply.set(0);
  else {
    reply.array(spec.subcommands.length);
    for (const sub of spec.subcommands) writeInfo(ctx, sub);
  }
}

/** Argument flags in the order Redis lists them. */
const ARGUMENT_FLAG_ORDER: readonly ArgumentFlag[] = [
  "optional",
  "multiple",
  "multiple_token",
];

/** Writes the string fields that are present, as name/value pairs. */
function writePresent(
  ctx: CommandContext,
  fields: readonly (readonly [string, string | undefined])[],
): void {
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    ctx.reply.bulkString(name);
    ctx.reply.bulkString(value);
  }
}

function countPresent(values: readonly unknown[]): number {
  return values.filter((value) => value !== undefined).length;
}

/** COMMAND DOCS `arguments`: one map per argument, fields in Redis's order. */
function writeArguments(
  ctx: CommandContext,
  args: readonly CommandArgument[],
): void {
  const reply = ctx.reply;
  reply.array(args.length);
  for (const arg of args) {
    const flags = ARGUMENT_FLAG_ORDER.filter((f) => arg.flags?.includes(f));
    const described = [
      ["token", arg.token],
      ["since", arg.since],
      ["deprecated_since", arg.deprecatedSince],
    ] as const;
    reply.map(
      2 + countPresent([
        arg.keySpecIndex,
        ...described.map(([, value]) => value),
        flags.length > 0 ? flags : undefined,
        arg.arguments,
      ]),
    );
    reply.bulkString("name");
    reply.bulkString(arg.name);
    reply.bulkString("type");
    reply.bulkString(arg.type);
    if (arg.keySpecIndex !== undefined) {
      reply.bulkString("key_spec_index");
      reply.integer(arg.keySpecIndex);
    }
    writePresent(ctx, described);
    if (flags.length > 0) {
      reply.bulkString("flags");
      reply.set(flags.length);
      for (const flag of flags) reply.simple(flag);
    }
    if (arg.arguments !== undefined) {
      reply.bulkString("arguments");
      writeArguments(ctx, arg.arguments);
    }
  }
}

/**
 * The COMMAND DOCS map of one command, fields in Redis's order: summary,
 * since, group, then those present of complexity, doc_flags,
 * deprecated_since, replaced_by, history, arguments and subcommands.
 */
function writeDocs(ctx: CommandContext, spec: CommandSpec): void {
  const reply = ctx.reply;
  reply.map(
    3 + countPresent([
      spec.complexity,
      spec.docFlags,
      spec.deprecatedSince,
      spec.replacedBy,
      spec.history,
      spec.arguments,
      spec.subcommands,
    ]),
  );
  writePresent(ctx, [
    ["summary", spec.summary],
    ["since", spec.since],
    ["group", spec.group],
    ["complexity", spec.complexity],
  ]);
  if (spec.docFlags !== undefined) {
    reply.bulkString("doc_flags");
    reply.set(spec.docFlags.length);
    for (const flag of spec.docFlags) reply.simple(flag);
  }
  writePresent(ctx, [
    ["deprecated_since", spec.deprecatedSince],
    ["replaced_by", spec.replacedBy],
  ]);
  if (spec.history !== undefined) {
    reply.bulkString("history");
    reply.set(spec.history.length);
    for (const [version, change] of spec.history) {
      reply.array(2);
      reply.bulkString(version);
      reply.bulkString(change);
    }
  }
  if (spec.arguments !== undefined) {
    reply.bulkString("arguments");
    writeArguments(ctx, spec.arguments);
  }
  if (spec.subcommands !== undefined) {
    reply.bulkString("subcommands");
    reply.map(spec.subcommands.length);
    for (const sub of spec.subcommands) {
      reply.bulkString(sub.fullName);
      writeDocs(ctx, sub);
    }
  }
}

/**
 * Looks a command up by the name COMMAND INFO and DOCS accept: "get", or
 * "config|get" for a subcommand, in any case.
 */
export function lookupByFullName(
  ctx: CommandContext,
  name: Uint8Array,
): CommandSpec | undefined {
  const parts = lowerAscii(name).split("|");
  if (parts.length > 2) return undefined;
  const base = ctx.dispatcher.commandNamed(parts[0]);
  if (parts.length === 1 || base === undefined) return base;
  return ctx.server.commands.lookupSubcommand(base, parts[1]);
}

function commandAll(ctx: CommandContext): void {
  const specs = [...ctx.dispatcher.callableCommands()];
  ctx.reply.array(specs.length);
  for (const spec of specs) writeInfo(ctx, spec);
}

function commandCount(ctx: CommandContext): void {
  ctx.reply.integer([...ctx.dispatcher.callableCommands()].length);
}

function commandInfo(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length === 2) {
    commandAll(ctx);
    return;
  }
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const spec = lookupByFullName(ctx, args[i]);
    if (spec === undefined) ctx.reply.nullBulk();
    else writeInfo(ctx, spec);
  }
}

function commandDocs(ctx: CommandContext, args: Uint8Array[]): void {
  const specs: CommandSpec[] = [];
  if (args.length === 2) specs.push(...ctx.dispatcher.callableCommands());
  for (let i = 2; i < args.length; i++) {
    const spec = lookupByFullName(ctx, args[i]);
    if (spec !== undefined) specs.push(spec);
  }
  ctx.reply.map(specs.length);
  for (const spec of specs) {
    ctx.reply.bulkString(spec.fullName);
    writeDocs(ctx, spec);
  }
}

function commandList(ctx: CommandContext, args: Uint8Array[]): void {
  let filter: ((spec: CommandSpec) => boolean) | null = null;
  for (let i = 2; i < args.length; i += 3) {
    if (!equalsIgnoreCase(args[i], "filterby") || args.length - 1 - i !== 2) {
      throw new CommandError(Errors.syntax);
    }
    const value = bytesToString(args[i + 2]);
    if (equalsIgnoreCase(args[i + 1], "module")) {
      // No modules are loaded, so no command belongs to one.
      filter = () => false;
    } else if (equalsIgnoreCase(args[i + 1], "aclcat")) {
      const category = "@" + value.toLowerCase();
      filter = (spec) => spec.aclCategories.includes(category);
    } else if (equalsIgnoreCase(args[i + 1], "pattern")) {
      filter = (spec) => globMatch(value, spec.fullName, true);
    } else throw new CommandError(Errors.syntax);
  }
  const names: string[] = [];
  for (const spec of ctx.dispatcher.callableCommands()) {
    if (filter === null || filter(spec)) names.push(spec.name);
    for (const sub of spec.subcommands ?? []) {
      if (filter === null || filter(sub)) names.push(sub.fullName);
    }
  }
  ctx.reply.stringArray(names);
}

/**
 * Redis's getKeysUsingKeySpecs: the keys the specs locate in `args`, or null
 * when a spec cannot be applied (unknown or incomplete spec, bad key count,
 * keys beyond the arguments).
 */
function keysFromSpecs(
  spec: CommandSpec,
  args: readonly Uint8Array[],
): KeyReference[] | null {
  const argc = args.length;
  const keys: KeyReference[] = [];
  for (const key of spec.keySpecs) {
    if (key.flags.includes("not_key")) continue;
    let first = 0;
    const begin = key.beginSearch;
    if (begin.type === "index") first = begin.index;
    else if (begin.type === "keyword") {
      const start = begin.startFrom > 0
        ? begin.startFrom
        : argc + begin.startFrom;
      const end = begin.startFrom > 0 ? argc - 1 : 0;
      // As in Redis, the search stops short of `end` itself.
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (equalsIgnoreCase(args[i], begin.keyword.toLowerCase())) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else return null;

    let last: number;
    let step: number;
    const find = key.findKeys;
    if (find.type === "range") {
      step = find.keyStep;
      if (find.lastKey >= 0) last = first + find.lastKey;
      else if (find.limit === 0) last = argc + find.lastKey;
      else {
        last = first + (Math.floor((argc - first) / find.limit) + find.lastKey);
      }
    } else if (find.type === "keynum") {
      step = find.keyStep;
      const countAt = first + find.keyNumIndex;
      if (countAt >= argc) return null;
      const count = parseInt64(args[countAt]);
      if (count === null || count < 0n || count > BigInt(argc)) return null;
      first += find.firstKey;
      last = first + Number(count) - 1;
    } else return null;

    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      keys.push({ index: i, flags: key.flags });
    }
    if (key.flags.includes("incomplete")) return null;
  }
  return keys;
}

/**
 * Redis's getKeysFromCommandWithSpecs: where a command's keys are in `args`
 * (COMMAND GETKEYS(ANDFLAGS), and the keys a snapshot must save before a
 * write touches them).
 */
export function commandKeys(
  spec: CommandSpec,
  args: readonly Uint8Array[],
): KeyReference[] {
  const specs = spec.keySpecs;
  const hasKeys = specs.some((k) => !k.flags.includes("not_key"));
  const variableFlags = specs.some((k) => k.flags.includes("variable_flags"));
  if (hasKeys && !variableFlags) {
    const keys = keysFromSpecs(spec, args);
    if (keys !== null) return keys;
  }
  if (spec.getKeys !== undefined) return spec.getKeys(args) ?? [];
  // Without a getKeys of its own, a variable-flags command's keys are still
  // where its specs say (with the specs' flags).
  if (variableFlags) return keysFromSpecs(spec, args) ?? [];
  return [];
}

function getKeys(
  ctx: CommandContext,
  args: Uint8Array[],
  withFlags: boolean,
): void {
  const commandArgs = args.slice(2);
  const spec = ctx.dispatcher.specOf(commandArgs);
  if (spec === undefined) {
    throw new CommandError("ERR Invalid command specified");
  }
  const hasKeys = spec.getKeys !== undefined ||
    spec.keySpecs.some((k) => !k.flags.includes("not_key"));
  if (!hasKeys) throw new CommandError("ERR The command has no key arguments");
  const argc = commandArgs.length;
  if (
    (spec.arity > 0 && spec.arity !== argc) ||
    (spec.arity < 0 && argc < -spec.arity)
  ) {
    throw new CommandError(
      "ERR Invalid number of arguments specified for command",
    );
  }
  const keys = commandKeys(spec, commandArgs);
  if (keys.length === 0 && !spec.flags.includes("no_mandatory_keys")) {
    throw new CommandError("ERR Invalid arguments specified for command");
  }
  const reply = ctx.reply;
  reply.array(keys.length);
  for (const key of keys) {
    if (withFlags) {
      reply.array(2);
      reply.bulk(commandArgs[key.index]);
      writeKeyFlags(ctx, key.flags);
    } else reply.bulk(commandArgs[key.index]);
  }
}

const COMMAND_HELP = [
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
];

/** The COMMAND container command. */
export const COMMAND_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "command",
    arity: -1,
    flags: ["loading", "stale"],
    categories: ["connection"],
    group: "server",
    since: "2.8.13",
    summary: "Describes every command the server implements.",
    complexity: "O(N) where N is the total number of Redis commands",
    handler: commandAll,
    tips: ["nondeterministic_output_order"],
    subcommands: [
      defineCommand({
        name: "count",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "2.8.13",
        summary: "Returns the number of commands.",
        complexity: "O(1)",
        handler: commandCount,
      }),
      defineCommand({
        name: "info",
        arity: -2,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "2.8.13",
        summary: "Describes the named commands, or all of them.",
        complexity: "O(N) where N is the number of commands to look up",
        handler: commandInfo,
        tips: ["nondeterministic_output_order"],
        history: [["7.0.0", "Without names, describes every command."]],
      }),
      defineCommand({
        name: "docs",
        arity: -2,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "7.0.0",
        summary: "Returns the documentation of the named commands, or all.",
        complexity: "O(N) where N is the number of commands to look up",
        handler: commandDocs,
        tips: ["nondeterministic_output_order"],
      }),
      defineCommand({
        name: "list",
        arity: -2,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "7.0.0",
        summary: "Lists command names, optionally filtered.",
        complexity: "O(N) where N is the total number of Redis commands",
        handler: commandList,
        tips: ["nondeterministic_output_order"],
      }),
      defineCommand({
        name: "getkeys",
        arity: -4,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "2.8.13",
        summary: "Extracts the key arguments of a full command.",
        complexity: "O(N) where N is the number of arguments to the command",
        handler: (ctx, args) => getKeys(ctx, args, false),
      }),
      defineCommand({
        name: "getkeysandflags",
        arity: -4,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "7.0.0",
        summary: "Extracts the key arguments of a full command, with flags.",
        complexity: "O(N) where N is the number of arguments to the command",
        handler: (ctx, args) => getKeys(ctx, args, true),
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["connection"],
        group: "server",
        since: "5.0.0",
        summary: "Lists the COMMAND subcommands.",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, COMMAND_HELP),
      }),
    ],
  }),
];
