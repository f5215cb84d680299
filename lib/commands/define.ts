/**
 * Declaring commands: {@linkcode defineCommand} turns a command's
 * declaration (an options object) into its command-table entry, deriving
 * what Redis derives (legacy first/last/step key positions, movablekeys, ACL
 * categories, a flag bitmask for the hot path). The key-spec helpers build
 * the key specs most commands share; the argument builders write COMMAND
 * DOCS argument trees compactly, and {@linkcode withDocs} gives the table's
 * entries Redis's documentation records.
 *
 * @module
 */

import {
  type ArgumentFlag,
  type ArgumentType,
  type CommandArgument,
  type CommandDocs,
  type CommandFlag,
  type CommandHandler,
  type CommandSpec,
  type KeyReference,
  type KeySpec,
  type KeySpecFlag,
  type LegacyKeyPositions,
} from "./spec.ts";

/** What a command module declares about one command (or subcommand). */
export interface CommandDefinition {
  /** Lower-case name; subcommands use their own word ("get" for CONFIG GET). */
  readonly name: string;
  /** Redis arity: N means exactly N arguments, -N means at least N (name included). */
  readonly arity: number;
  /** Command flags, as COMMAND INFO lists them. */
  readonly flags?: readonly CommandFlag[];
  /** Key specs, in Redis's order; the legacy key positions derive from them. */
  readonly keySpecs?: readonly KeySpec[];
  /** ACL categories beyond those implied by the flags, without the "@". */
  readonly categories?: readonly string[];
  /** Command group for COMMAND DOCS ("string", "generic", "server", ...). */
  readonly group: string;
  /** Redis version that introduced the command. */
  readonly since: string;
  /** One-line description for COMMAND DOCS. */
  readonly summary: string;
  /** Time complexity for COMMAND DOCS; Redis gives none for a few. */
  readonly complexity?: string;
  /** The implementation; container commands (CONFIG, CLIENT...) have none. */
  readonly handler?: CommandHandler;
  /** Subcommands of a container command. */
  readonly subcommands?: readonly CommandSpec[];
  /** Command tips ("nondeterministic_output", "request_policy:all_shards"...). */
  readonly tips?: readonly string[];
  /** Key extraction where the key specs cannot tell (Redis's getkeys_proc). */
  readonly getKeys?: (args: readonly Uint8Array[]) => KeyReference[] | null;
  /** COMMAND DOCS history: [version, change] pairs. */
  readonly history?: readonly (readonly [string, string])[];
  /** COMMAND DOCS doc_flags. */
  readonly docFlags?: readonly ("deprecated" | "syscmd")[];
  /** COMMAND DOCS deprecated_since. */
  readonly deprecatedSince?: string;
  /** COMMAND DOCS replaced_by. */
  readonly replacedBy?: string;
  /**
   * Whether the command writes databases other than the selected one
   * (MOVE, COPY with DB, SWAPDB, FLUSHALL): the keys it names are not all
   * the keys it changes.
   */
  readonly crossDatabase?: boolean;
}

/** Bit of each command flag in {@linkcode CommandSpec.flagBits}. */
export const FLAG_BITS: { readonly [flag in CommandFlag]: number } = {
  write: 1 << 0,
  readonly: 1 << 1,
  denyoom: 1 << 2,
  module: 1 << 3,
  admin: 1 << 4,
  pubsub: 1 << 5,
  noscript: 1 << 6,
  blocking: 1 << 7,
  loading: 1 << 8,
  stale: 1 << 9,
  skip_monitor: 1 << 10,
  skip_slowlog: 1 << 11,
  asking: 1 << 12,
  fast: 1 << 13,
  no_auth: 1 << 14,
  may_replicate: 1 << 15,
  sentinel: 1 << 16,
  only_sentinel: 1 << 17,
  no_mandatory_keys: 1 << 18,
  no_async_loading: 1 << 19,
  protected: 1 << 20,
  no_multi: 1 << 21,
  allow_busy: 1 << 22,
};

/**
 * Redis's ACL categories, without "@", in its order (its bit order): how
 * COMMAND INFO lists a command's categories, ACL CAT lists them all, and
 * ACL rules are described.
 */
export const ACL_CATEGORIES: readonly string[] = [
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
function aclCategories(
  own: readonly string[],
  flags: readonly CommandFlag[],
): string[] {
  const categories = new Set(own);
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
  return ACL_CATEGORIES.filter((c) => categories.has(c)).map((c) => "@" + c);
}

function isIndexRange(spec: KeySpec): boolean {
  return spec.beginSearch.type === "index" && spec.findKeys.type === "range";
}

/**
 * The legacy (first, last, step) key positions COMMAND INFO shows, derived
 * from the key specs as Redis's populateCommandLegacyRangeSpec does: one
 * index+range spec is used as it is; otherwise the consecutive step-1
 * index+range specs are merged and the others skipped.
 */
function legacyKeyPositions(specs: readonly KeySpec[]): LegacyKeyPositions {
  if (specs.length === 1 && isIndexRange(specs[0])) {
    const begin = specs[0].beginSearch as { index: number };
    const find = specs[0].findKeys as { lastKey: number; keyStep: number };
    const last = find.lastKey >= 0 ? find.lastKey + begin.index : find.lastKey;
    return { firstKey: begin.index, lastKey: last, step: find.keyStep };
  }
  let first = Infinity;
  let last = 0;
  let previousLast = 0;
  for (const spec of specs) {
    if (spec.beginSearch.type !== "index" || spec.findKeys.type !== "range") {
      continue;
    }
    const index = spec.beginSearch.index;
    if (
      spec.findKeys.keyStep !== 1 ||
      (previousLast !== 0 && previousLast !== index - 1)
    ) continue;
    first = Math.min(first, index);
    let absolute = spec.findKeys.lastKey;
    if (absolute >= 0) absolute += index;
    // Redis compares as unsigned, so a negative (from the end) last key wins.
    if ((absolute >>> 0) > (last >>> 0)) last = absolute;
    previousLast = last;
  }
  if (first === Infinity) return { firstKey: 0, lastKey: 0, step: 0 };
  return { firstKey: first, lastKey: last, step: 1 };
}

/** Builds a command-table entry from its declaration. */
export function defineCommand(definition: CommandDefinition): CommandSpec {
  const flags = definition.flags ?? [];
  const keySpecs = definition.keySpecs ?? [];
  let flagBits = 0;
  for (const flag of flags) flagBits |= FLAG_BITS[flag];
  const name = definition.name;
  return {
    ...definition,
    fullName: name,
    subcommands: definition.subcommands?.map((sub) => ({
      ...sub,
      fullName: `${name}|${sub.name}`,
    })),
    flags,
    flagBits,
    keySpecs,
    ...legacyKeyPositions(keySpecs),
    movableKeys: keySpecs.some((spec) => !isIndexRange(spec)),
    aclCategories: aclCategories(definition.categories ?? [], flags),
    crossDatabase: definition.crossDatabase ?? false,
  };
}

/** Options of {@linkcode keyRange} and {@linkcode keysAfterKeyword}. */
export interface RangeOptions {
  /** Last key relative to the first; negative counts from the end (default 0: one key). */
  readonly lastKey?: number;
  /** Distance between keys (default 1). */
  readonly keyStep?: number;
  /** With lastKey -1: only 1/limit of the remaining arguments are keys. */
  readonly limit?: number;
  /** Remark Redis attaches to the key spec. */
  readonly notes?: string;
}

function withNotes(spec: KeySpec, notes: string | undefined): KeySpec {
  return notes === undefined ? spec : { notes, ...spec };
}

/**
 * Keys at fixed positions: from argument `index`, `lastKey` more (relative,
 * negative from the end), every `keyStep`. `keyRange(flags, 1)` is the one
 * key of GET.
 */
export function keyRange(
  flags: readonly KeySpecFlag[],
  index: number,
  options: RangeOptions = {},
): KeySpec {
  return withNotes({
    flags,
    beginSearch: { type: "index", index },
    findKeys: {
      type: "range",
      lastKey: options.lastKey ?? 0,
      keyStep: options.keyStep ?? 1,
      limit: options.limit ?? 0,
    },
  }, options.notes);
}

/** "numkeys key [key ...]" with the key count at argument `index`. */
export function keyCount(
  flags: readonly KeySpecFlag[],
  index: number,
): KeySpec {
  return {
    flags,
    beginSearch: { type: "index", index },
    findKeys: { type: "keynum", keyNumIndex: 0, firstKey: 1, keyStep: 1 },
  };
}

/**
 * Keys after `keyword`, searched from argument `startFrom` (negative: from
 * the end backwards), then found as {@linkcode keyRange} finds them.
 */
export function keysAfterKeyword(
  flags: readonly KeySpecFlag[],
  keyword: string,
  startFrom: number,
  options: RangeOptions = {},
): KeySpec {
  return withNotes({
    flags,
    beginSearch: { type: "keyword", keyword, startFrom },
    findKeys: {
      type: "range",
      lastKey: options.lastKey ?? 0,
      keyStep: options.keyStep ?? 1,
      limit: options.limit ?? 0,
    },
  }, options.notes);
}

/** Keys only the command's own parsing can find (Redis's "unknown" spec). */
export function unknownKeys(
  flags: readonly KeySpecFlag[],
  notes: string,
): KeySpec {
  return {
    notes,
    flags,
    beginSearch: { type: "unknown" },
    findKeys: { type: "unknown" },
  };
}

/** Options of the argument builders ({@linkcode string}, {@linkcode oneof}...). */
export interface ArgumentOptions {
  /** The keyword preceding the value. */
  readonly token?: string;
  /** Redis version that added the argument. */
  readonly since?: string;
  /** Redis version that deprecated the argument. */
  readonly deprecatedSince?: string;
  /** The key spec that finds the keys this argument names (SORT's BY pattern). */
  readonly keySpecIndex?: number;
  /** The argument may be left out. */
  readonly optional?: boolean;
  /** The argument may be repeated. */
  readonly multiple?: boolean;
  /** Each repetition repeats the token too. */
  readonly multipleToken?: boolean;
}

function argument(
  type: ArgumentType,
  name: string,
  options: ArgumentOptions,
  nested?: readonly CommandArgument[],
): CommandArgument {
  const flags: ArgumentFlag[] = [];
  if (options.optional) flags.push("optional");
  if (options.multiple) flags.push("multiple");
  if (options.multipleToken) flags.push("multiple_token");
  return {
    name,
    type,
    keySpecIndex: options.keySpecIndex,
    token: options.token,
    since: options.since,
    deprecatedSince: options.deprecatedSince,
    flags: flags.length > 0 ? flags : undefined,
    arguments: nested,
  };
}

/** A string argument. */
export function string(
  name: string,
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("string", name, options);
}

/** An integer argument. */
export function integer(
  name: string,
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("integer", name, options);
}

/** A floating-point argument. */
export function double(
  name: string,
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("double", name, options);
}

/** A glob-style pattern argument. */
export function pattern(
  name: string,
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("pattern", name, options);
}

/** A Unix time argument. */
export function unixTime(
  name: string,
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("unix-time", name, options);
}

/** A key argument, found by the key spec at `keySpecIndex`. */
export function key(
  name: string,
  keySpecIndex: number,
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("key", name, { ...options, keySpecIndex });
}

/**
 * A pure token: the keyword alone. Its name is the lower-case token unless
 * `options.name` says otherwise.
 */
export function token(
  keyword: string,
  options: ArgumentOptions & { readonly name?: string } = {},
): CommandArgument {
  const { name, ...rest } = options;
  return argument("pure-token", name ?? keyword.toLowerCase(), {
    token: keyword,
    ...rest,
  });
}

/** One of the `alternatives`. */
export function oneof(
  name: string,
  alternatives: readonly CommandArgument[],
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("oneof", name, options, alternatives);
}

/** The `parts`, in order, as one argument. */
export function block(
  name: string,
  parts: readonly CommandArgument[],
  options: ArgumentOptions = {},
): CommandArgument {
  return argument("block", name, options, parts);
}

/**
 * `spec` documented as `docs` documents its full name, and its subcommands
 * likewise, replacing the declared documentation; a command `docs` lacks
 * (one Redis 7.0 does not have) keeps its own.
 */
export function withDocs(
  spec: CommandSpec,
  docs: Readonly<Record<string, CommandDocs>>,
): CommandSpec {
  const subcommands = spec.subcommands?.map((sub) => withDocs(sub, docs));
  if (!Object.hasOwn(docs, spec.fullName)) return { ...spec, subcommands };
  const own = docs[spec.fullName];
  return {
    ...spec,
    summary: own.summary,
    since: own.since,
    group: own.group,
    complexity: own.complexity,
    docFlags: own.docFlags,
    deprecatedSince: own.deprecatedSince,
    replacedBy: own.replacedBy,
    history: own.history,
    arguments: own.arguments,
    subcommands,
  };
}
