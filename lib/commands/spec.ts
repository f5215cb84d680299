/**
 * The shape of a command table entry: metadata Redis publishes through
 * COMMAND, and the handler that implements the command. Entries are built
 * by `defineCommand` (define.ts).
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

/** The legacy key positions of COMMAND INFO (Redis's first/last/step). */
export interface LegacyKeyPositions {
  /** Position of the first key argument (0 when there are no keys). */
  readonly firstKey: number;
  /** Position of the last key argument; negative counts from the end. */
  readonly lastKey: number;
  /** Distance between key arguments. */
  readonly step: number;
}

/** Types of a command argument, as COMMAND DOCS names them. */
export type ArgumentType =
  | "string"
  | "integer"
  | "double"
  | "key"
  | "pattern"
  | "unix-time"
  | "pure-token"
  | "oneof"
  | "block";

/** Flags of a command argument, as COMMAND DOCS names them. */
export type ArgumentFlag = "optional" | "multiple" | "multiple_token";

/**
 * One argument of a command as COMMAND DOCS describes it; redis-cli builds
 * its command-line hints from these.
 */
export interface CommandArgument {
  /** Identifies the argument; hints show it for value arguments. */
  readonly name: string;
  /** What the argument is; oneof and block ones have nested arguments. */
  readonly type: ArgumentType;
  /** Index of the key spec that finds this key argument. */
  readonly keySpecIndex?: number;
  /** The keyword preceding the value, or the pure token itself. */
  readonly token?: string;
  /** Redis version that added the argument. */
  readonly since?: string;
  /** Redis version that deprecated the argument. */
  readonly deprecatedSince?: string;
  /** Optional, repeated, repeated with its token each time. */
  readonly flags?: readonly ArgumentFlag[];
  /** The alternatives of a oneof, the parts of a block. */
  readonly arguments?: readonly CommandArgument[];
}

/** What COMMAND DOCS tells about a command, its subcommands aside. */
export interface CommandDocs {
  /** One-line description. */
  readonly summary: string;
  /** Redis version that introduced the command. */
  readonly since: string;
  /** Command group ("string", "generic", "server", ...). */
  readonly group: string;
  /** Time complexity; Redis gives none for a few (MONITOR, SYNC...). */
  readonly complexity?: string;
  /** doc_flags. */
  readonly docFlags?: readonly ("deprecated" | "syscmd")[];
  /** deprecated_since. */
  readonly deprecatedSince?: string;
  /** replaced_by. */
  readonly replacedBy?: string;
  /** [version, change] pairs. */
  readonly history?: readonly (readonly [string, string])[];
  /** The arguments, in order. */
  readonly arguments?: readonly CommandArgument[];
}

/**
 * One command (or subcommand) of the command table, as
 * `defineCommand` builds it from a declaration: the declared
 * metadata plus what is derived from it.
 */
export interface CommandSpec extends LegacyKeyPositions, CommandDocs {
  /** Lower-case name; subcommands use their own word ("get" for CONFIG GET). */
  readonly name: string;
  /** "get" for GET, "config|get" for CONFIG GET (INFO commandstats, ACL). */
  readonly fullName: string;
  /** Redis arity: N means exactly N arguments, -N means at least N (name included). */
  readonly arity: number;
  /** Command flags, as COMMAND INFO lists them. */
  readonly flags: readonly CommandFlag[];
  /** The flags as a bitmask of FLAG_BITS, for checks on the hot path. */
  readonly flagBits: number;
  /** ACL categories beyond those implied by the flags, without the "@". */
  readonly categories?: readonly string[];
  /** Every ACL category, "@"-prefixed in Redis's order, flags' ones included. */
  readonly aclCategories: readonly string[];
  /** The implementation; container commands (CONFIG, CLIENT...) have none. */
  readonly handler?: CommandHandler;
  /** Subcommands of a container command. */
  readonly subcommands?: readonly CommandSpec[];
  /** Command tips ("nondeterministic_output", "request_policy:all_shards"...). */
  readonly tips?: readonly string[];
  /** Key specs, in Redis's order. */
  readonly keySpecs: readonly KeySpec[];
  /**
   * Whether some key spec is not an index+range one, so the keys cannot be
   * found from the legacy positions alone (Redis's "movablekeys").
   */
  readonly movableKeys: boolean;
  /**
   * Key extraction for COMMAND GETKEYS where the key specs cannot tell
   * (Redis's getkeys_proc: SORT's STORE, SET's GET changing the flags...).
   * Returns null for invalid arguments.
   */
  readonly getKeys?: (args: readonly Uint8Array[]) => KeyReference[] | null;
  /** Whether the command writes databases other than the selected one. */
  readonly crossDatabase: boolean;
}
