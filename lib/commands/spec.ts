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
  | "no_async_loading"
  | "protected"
  | "no_multi"
  | "no_async_loading"
  | "allow_busy";

/** Key-spec flags, with Redis's names as COMMAND INFO shows them. */
export type KeySpecFlag =
  | "RO"
  | "RW"
  | "OW"
  | "RM"
  | "access"
  | "update"
  | "insert"
  | "delete"
  | "not_key"
  | "incomplete"
  | "variable_flags";

/** Where the search for a key spec's keys starts. */
export type BeginSearch =
  | { readonly type: "index"; readonly index: number }
  | {
    readonly type: "keyword";
    readonly keyword: string;
    /** Argument to start looking from; negative counts from the end. */
    readonly startFrom: number;
  }
  | { readonly type: "unknown" };

/** How a key spec's keys are found once the search has begun. */
export type FindKeys =
  | {
    readonly type: "range";
    /** Last key relative to the first; negative counts from the end. */
    readonly lastKey: number;
    readonly keyStep: number;
    /** With lastKey -1: only 1/limit of the remaining arguments are keys. */
    readonly limit: number;
  }
  | {
    readonly type: "keynum";
    /** Position of the key count, relative to the begin-search result. */
    readonly keyNumIndex: number;
    /** Position of the first key, relative to the begin-search result. */
    readonly firstKey: number;
    readonly keyStep: number;
  }
  | { readonly type: "unknown" };

/** One of Redis's key specifications of a command (COMMAND INFO). */
export interface KeySpec {
  /** Free-text remark Redis attaches to some key specs. */
  readonly notes?: string;
  /** How the command uses these keys. */
  readonly flags: readonly KeySpecFlag[];
  /** Where the search for the keys starts. */
  readonly beginSearch: BeginSearch;
  /** How the keys are found from there. */
  readonly findKeys: FindKeys;
}

/** A key found in a command's arguments, for COMMAND GETKEYS(ANDFLAGS). */
export interface KeyReference {
  /** Argument position (0 is the command name). */
  readonly index: number;
  /** Flags of the key spec that found the key. */
  readonly flags: readonly KeySpecFlag[];
}

/** Runs a command. `args[0]` is the command name as the client sent it. */
export type CommandHandler = (ctx: CommandContext, args: Uint8Array[]) => void;

/** One command (or subcommand) of the command table. */
export interface CommandSpec {
  /** Lower-case name; subcommands use their own word ("get" for CONFIG GET). */
  readonly name: string;
  /** Redis arity: N means exactly N arguments, -N means at least N (name included). */
  readonly arity: number;
  /** Command flags, as COMMAND INFO lists them. */
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
  /** Command tips ("nondeterministic_output", "request_policy:all_shards"...). */
  readonly tips?: readonly string[];
  /**
   * Key specs; without them COMMAND derives one from firstKey/lastKey/step
   * (see {@linkcode keySpecsOf}).
   */
  readonly keySpecs?: readonly KeySpec[];
  /**
   * Key extraction for COMMAND GETKEYS where the key specs cannot tell
   * (Redis's getkeys_proc: SORT's STORE, SET's GET changing the flags...).
   * Returns null for invalid arguments.
   */
  readonly getKeys?: (args: readonly Uint8Array[]) => KeyReference[] | null;
  /** COMMAND DOCS history: [version, change] pairs. */
  readonly history?: readonly (readonly [string, string])[];
  /** COMMAND DOCS doc_flags. */
  readonly docFlags?: readonly ("deprecated" | "syscmd")[];
  /** COMMAND DOCS deprecated_since. */
  readonly deprecatedSince?: string;
  /** COMMAND DOCS replaced_by. */
  readonly replacedBy?: string;
}

/**
 * The key specs of a command: its own, or for a command that declares only
 * the legacy firstKey/lastKey/step, one index+range spec derived from them
 * (RO access for read-only commands, RW update otherwise).
 */
export function keySpecsOf(spec: CommandSpec): readonly KeySpec[] {
  if (spec.keySpecs !== undefined) return spec.keySpecs;
  if (spec.firstKey <= 0) return [];
  const flags: KeySpecFlag[] = spec.flags.includes("write")
    ? ["RW", "update"]
    : ["RO", "access"];
  return [{
    flags,
    beginSearch: { type: "index", index: spec.firstKey },
    findKeys: {
      type: "range",
      lastKey: spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey,
      keyStep: spec.step,
      limit: 0,
    },
  }];
}

/**
 * Whether a command's keys cannot be found from firstKey/lastKey/step alone
 * (Redis's "movablekeys" flag): some key spec is not an index+range one.
 */
export function hasMovableKeys(spec: CommandSpec): boolean {
  return keySpecsOf(spec).some((k) =>
    k.beginSearch.type !== "index" || k.findKeys.type !== "range"
  );
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
