/**
 * The shape of a command table entry: metadata Redis publishes through
 * COMMAND, and the handler that implements the command.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";

/** Command flags, with Redis's names as COMMAND INFO shows them. */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "module"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "asking"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "sentinel"
  | "only_sentinel"
  | "no_mandatory_keys"
  | "protected"
  | "no_multi"
  | "allow_busy";

/** Runs a command. `args[0]` is the command name as the client sent it. */
export type CommandHandler = (ctx: CommandContext, args: Uint8Array[]) => void;

/** One command (or subcommand) of the command table. */
export interface CommandSpec {
  /** Lower-case name; subcommands use their own word ("get" for CONFIG GET). */
  readonly name: string;
  /** Redis arity: N means exactly N arguments, -N means at least N (name included). */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Position of the first key argument (0 when there are no keys). */
  readonly firstKey: number;
  /** Position of the last key argument; negative counts from the end. */
  readonly lastKey: number;
  /** Distance between key arguments. */
  readonly step: number;
  /** ACL categories beyond those implied by the flags, without the "@". */
  readonly categories: readonly string[];
  /** Command group for COMMAND DOCS ("string", "generic", "server", ...). */
  readonly group: string;
  /** Redis version that introduced the command. */
  readonly since: string;
  /** One-line description for COMMAND DOCS. */
  readonly summary: string;
  /** Time complexity for COMMAND DOCS. */
  readonly complexity: string;
  /** The implementation; container commands (CONFIG, CLIENT...) have none. */
  readonly handler?: CommandHandler;
  /** Subcommands of a container command. */
  readonly subcommands?: readonly CommandSpec[];
}

/** Redis's ACL category order (its bit order), used when listing categories. */
const CATEGORY_ORDER = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

/**
 * ACL categories of a command, "@"-prefixed in Redis's order: its own plus
 * those Redis derives from its flags (write → @write, readonly → @read,
 * admin → @admin @dangerous, pubsub → @pubsub, fast → @fast, blocking →
 * @blocking, and @slow when not fast).
 */
export function aclCategories(spec: CommandSpec): string[] {
  const categories = new Set(spec.categories);
  const flags = spec.flags;
  if (flags.includes("write")) categories.add("write");
  if (flags.includes("readonly") && !categories.has("scripting")) {
    categories.add("read");
  }
  if (flags.includes("admin")) {
    categories.add("admin");
    categories.add("dangerous");
  }
  if (flags.includes("pubsub")) categories.add("pubsub");
  if (flags.includes("fast")) categories.add("fast");
  if (flags.includes("blocking")) categories.add("blocking");
  if (!categories.has("fast")) categories.add("slow");
  return CATEGORY_ORDER.filter((c) => categories.has(c)).map((c) => "@" + c);
}
