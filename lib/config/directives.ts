/**
 * The configuration directives this server supports, with Redis 7.0's names,
 * aliases, defaults, value types, bounds and mutability.
 *
 * @module
 */

/** How a directive's value is written and validated. */
export type DirectiveKind =
  | "bool"
  | "int"
  | "memory"
  | "string"
  | "enum"
  | "special";

/** The outcome of normalising a special value: the value, or Redis's error text. */
export type Normalized = string | { error: string };

/** One configuration directive. */
export interface Directive {
  /** Canonical lower-case name. */
  readonly name: string;
  /** Other accepted names, listed by CONFIG GET as entries of their own. */
  readonly aliases?: readonly string[];
  /** Value type, which decides parsing and validation. */
  readonly kind: DirectiveKind;
  /** Default value, in the form CONFIG GET shows it. */
  readonly defaultValue: string;
  /** CONFIG SET refuses it: "can't set immutable config". */
  readonly immutable?: boolean;
  /**
   * CONFIG SET refuses it unless enable-protected-configs allows it: "can't
   * set protected config".
   */
  readonly protected?: boolean;
  /** Takes several words (save, bind, client-output-buffer-limit). */
  readonly multiArg?: boolean;
  /** Inclusive lower bound of int and memory values. */
  readonly min?: bigint;
  /** Inclusive upper bound of int and memory values. */
  readonly max?: bigint;
  /** Range an accepted int value is silently brought into (hz). */
  readonly clamp?: readonly [number, number];
  /** Allowed words of enum values, in the order Redis lists them. */
  readonly values?: readonly string[];
  /** Validation and normalisation of single-word special and string values. */
  readonly normalize?: (value: string) => Normalized;
  /**
   * Validation and normalisation of multi-word values; `current` is the value
   * being replaced (client-output-buffer-limit keeps the classes not named).
   */
  readonly normalizeWords?: (
    words: readonly string[],
    current: string,
  ) => Normalized;
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LLONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;
const MB = 1024 * 1024;

/** Parses an unsigned decimal like C's strtoll would accept it fully, or null. */
function parseDecimal(word: string): bigint | null {
  const match = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(word);
  if (match === null) return null;
  const n = BigInt(match[2]);
  return match[1] === "-" ? -n : n;
}

/** "save": pairs of seconds (at least 1) and changes (at least 0), or "". */
function normalizeSave(given: readonly string[]): Normalized {
  // A single empty word means no save points.
  const words = given.length === 1 && given[0] === "" ? [] : given;
  if (words.length % 2 !== 0) return { error: "Invalid save parameters" };
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const n = parseDecimal(words[i]);
    if (n === null || n < (i % 2 === 0 ? 1n : 0n)) {
      return { error: "Invalid save parameters" };
    }
    out.push(String(n));
  }
  return out.join(" ");
}

/** "bind": one or more addresses, each optionally prefixed with "-". */
function normalizeBind(words: readonly string[]): Normalized {
  if (words.length > 16) return { error: "Too many bind addresses specified." };
  return words.filter((w) => w.length > 0).join(" ");
}

/** "dbfilename" and "appendfilename" must be plain file names. */
function fileNameOnly(what: string): (value: string) => Normalized {
  return (value) =>
    value.includes("/")
      ? { error: `${what} can't be a path, just a filename` }
      : value;
}

/** Keyspace notification classes, in the order Redis prints them. */
const EVENT_CLASSES = "g$lshzxetd";

/** "notify-keyspace-events": class letters, normalised like Redis prints them. */
function normalizeNotify(value: string): Normalized {
  const set = new Set<string>();
  for (const ch of value) {
    if (ch === "A") {
      for (const c of EVENT_CLASSES) set.add(c);
    } else if ((EVENT_CLASSES + "nKEm").includes(ch)) set.add(ch);
    else {
      return {
        error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
      };
    }
  }
  let out = "";
  if ([...EVENT_CLASSES].every((c) => set.has(c))) out = "A";
  else {
    for (const c of "g$lshzxetdn") if (set.has(c)) out += c;
  }
  for (const c of "KEm") if (set.has(c)) out += c;
  return out;
}

/** Shutdown flags in the order Redis lists them ("default" is none). */
const SHUTDOWN_FLAGS = ["save", "nosave", "now", "force"];

/** "shutdown-on-sigterm"/"shutdown-on-sigint": a set of SHUTDOWN flags. */
function normalizeShutdownFlags(words: readonly string[]): Normalized {
  const set = new Set<string>();
  for (const word of words) {
    const flag = word.toLowerCase();
    if (flag !== "default" && !SHUTDOWN_FLAGS.includes(flag)) {
      return {
        error:
          "argument(s) must be one of the following: default, save, nosave, now, force",
      };
    }
    set.add(flag);
  }
  if (words.length === 0) {
    return {
      error:
        "argument(s) must be one of the following: default, save, nosave, now, force",
    };
  }
  if (set.has("save") && set.has("nosave")) {
    return {
      error: "shutdown options SAVE and NOSAVE can't be used simultaneously",
    };
  }
  const flags = SHUTDOWN_FLAGS.filter((f) => set.has(f));
  return flags.length === 0 ? "default" : flags.join(" ");
}

const BUFFER_CLASSES = ["normal", "slave", "pubsub"];

/**
 * "client-output-buffer-limit": groups of class, hard limit, soft limit and
 * soft seconds; classes not mentioned keep their current limits.
 */
function normalizeBufferLimit(
  words: readonly string[],
  current: string,
): Normalized {
  if (words.length % 4 !== 0) {
    return {
      error: "Wrong number of arguments in buffer limit configuration.",
    };
  }
  const currentWords = current.split(" ");
  const limits = new Map<string, string[]>();
  for (let i = 0; i + 3 < currentWords.length; i += 4) {
    limits.set(currentWords[i], currentWords.slice(i + 1, i + 4));
  }
  for (let i = 0; i < words.length; i += 4) {
    let cls = words[i].toLowerCase();
    if (cls === "replica") cls = "slave";
    if (!BUFFER_CLASSES.includes(cls)) {
      return {
        error: "Invalid client class specified in buffer limit configuration.",
      };
    }
    const hard = parseMemoryValue(words[i + 1]);
    const soft = parseMemoryValue(words[i + 2]);
    const seconds = parseDecimal(words[i + 3]);
    if (hard === null || soft === null || seconds === null || seconds < 0n) {
      return {
        error:
          "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
      };
    }
    limits.set(cls, [String(hard), String(soft), String(seconds)]);
  }
  return BUFFER_CLASSES.map((c) => `${c} ${limits.get(c)!.join(" ")}`).join(
    " ",
  );
}

const MEMORY_UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Parses a memory value like "512mb" (Redis's memtoull): digits and an
 * optional unit. Like strtoull, too large a number saturates, and no digits
 * at all reads as 0.
 */
export function parseMemoryValue(text: string): bigint | null {
  const match = /^(\d*)([a-z]*)$/i.exec(text);
  if (match === null) return null;
  const unit = MEMORY_UNITS[match[2].toLowerCase()];
  if (unit === undefined) return null;
  let n = match[1] === "" ? 0n : BigInt(match[1]);
  if (n > ULLONG_MAX) n = ULLONG_MAX;
  // Unsigned 64-bit multiplication wraps around, as in C.
  return (n * unit) & ULLONG_MAX;
}

const bool = (
  name: string,
  defaultValue: "yes" | "no",
  extra: Partial<Directive> = {},
): Directive => ({ name, kind: "bool", defaultValue, ...extra });

const int = (
  name: string,
  defaultValue: number,
  min: bigint,
  max: bigint,
  extra: Partial<Directive> = {},
): Directive => ({
  name,
  kind: "int",
  defaultValue: String(defaultValue),
  min,
  max,
  ...extra,
});

const memory = (
  name: string,
  defaultValue: number,
  min: bigint,
  max: bigint,
  extra: Partial<Directive> = {},
): Directive => ({
  name,
  kind: "memory",
  defaultValue: String(defaultValue),
  min,
  max,
  ...extra,
});

const text = (
  name: string,
  defaultValue: string,
  extra: Partial<Directive> = {},
): Directive => ({ name, kind: "string", defaultValue, ...extra });

const oneOf = (
  name: string,
  defaultValue: string,
  values: readonly string[],
  extra: Partial<Directive> = {},
): Directive => ({ name, kind: "enum", defaultValue, values, ...extra });

const YES_NO_LOCAL = ["no", "yes", "local"];

/** Every supported directive, in the order CONFIG GET lists them. */
export const DIRECTIVES: readonly Directive[] = [
  int("port", 6379, 0n, 65535n),
  {
    name: "bind",
    kind: "special",
    defaultValue: "* -::*",
    multiArg: true,
    normalizeWords: normalizeBind,
  },
  { name: "dir", kind: "special", defaultValue: "", protected: true },
  text("dbfilename", "dump.rdb", {
    protected: true,
    normalize: fileNameOnly("dbfilename"),
  }),
  int("databases", 16, 1n, INT_MAX, { immutable: true }),
  {
    name: "save",
    kind: "special",
    defaultValue: "3600 1 300 100 60 10000",
    multiArg: true,
    normalizeWords: normalizeSave,
  },
  int("timeout", 0, 0n, INT_MAX),
  int("tcp-keepalive", 300, 0n, INT_MAX),
  int("tcp-backlog", 511, 0n, INT_MAX, { immutable: true }),
  int("maxclients", 10000, 1n, UINT_MAX),
  memory("proto-max-bulk-len", 512 * MB, 1048576n, LLONG_MAX),
  memory("client-query-buffer-limit", 1024 * MB, 1048576n, LLONG_MAX),
  {
    name: "client-output-buffer-limit",
    kind: "special",
    defaultValue:
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    multiArg: true,
    normalizeWords: normalizeBufferLimit,
  },
  text("requirepass", ""),
  {
    name: "shutdown-on-sigint",
    kind: "special",
    defaultValue: "default",
    multiArg: true,
    normalizeWords: normalizeShutdownFlags,
  },
  {
    name: "shutdown-on-sigterm",
    kind: "special",
    defaultValue: "default",
    multiArg: true,
    normalizeWords: normalizeShutdownFlags,
  },
  oneOf("loglevel", "notice", ["debug", "verbose", "notice", "warning"]),
  text("logfile", "", { immutable: true }),
  text("pidfile", "", { immutable: true }),
  bool("protected-mode", "yes"),
  oneOf("enable-debug-command", "no", YES_NO_LOCAL, {
    immutable: true,
    protected: true,
  }),
  oneOf("enable-protected-configs", "no", YES_NO_LOCAL, {
    immutable: true,
    protected: true,
  }),
  bool("appendonly", "no"),
  oneOf("appendfsync", "everysec", ["everysec", "always", "no"]),
  text("appendfilename", "appendonly.aof", {
    immutable: true,
    normalize: fileNameOnly("appendfilename"),
  }),
  text("appenddirname", "appendonlydir", { immutable: true }),
  bool("aof-load-truncated", "yes"),
  bool("aof-use-rdb-preamble", "yes"),
  bool("aof-timestamp-enabled", "no"),
  bool("aof-rewrite-incremental-fsync", "yes"),
  bool("no-appendfsync-on-rewrite", "no"),
  int("auto-aof-rewrite-percentage", 100, 0n, INT_MAX),
  memory("auto-aof-rewrite-min-size", 64 * MB, 0n, LLONG_MAX),
  bool("rdbcompression", "yes"),
  bool("rdbchecksum", "yes", { immutable: true }),
  bool("rdb-save-incremental-fsync", "yes"),
  bool("rdb-del-sync-files", "no"),
  bool("stop-writes-on-bgsave-error", "yes"),
  oneOf("sanitize-dump-payload", "no", ["no", "yes", "clients"]),
  int("hz", 10, 0n, INT_MAX, { clamp: [1, 500] }),
  bool("dynamic-hz", "yes"),
  int("active-expire-effort", 1, 1n, 10n),
  bool("activerehashing", "yes"),
  memory("maxmemory", 0, 0n, ULLONG_MAX),
  oneOf("maxmemory-policy", "noeviction", [
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
  ]),
  int("maxmemory-samples", 5, 1n, INT_MAX),
  int("maxmemory-eviction-tenacity", 10, 0n, 100n),
  int("lfu-log-factor", 10, 0n, INT_MAX),
  int("lfu-decay-time", 1, 0n, INT_MAX),
  bool("lazyfree-lazy-eviction", "no"),
  bool("lazyfree-lazy-expire", "no"),
  bool("lazyfree-lazy-server-del", "no"),
  bool("lazyfree-lazy-user-del", "no"),
  bool("lazyfree-lazy-user-flush", "no"),
  {
    name: "notify-keyspace-events",
    kind: "special",
    defaultValue: "",
    normalize: normalizeNotify,
  },
  int("list-max-listpack-size", -2, INT_MIN, INT_MAX, {
    aliases: ["list-max-ziplist-size"],
  }),
  int("list-compress-depth", 0, 0n, INT_MAX),
  int("hash-max-listpack-entries", 512, 0n, LLONG_MAX, {
    aliases: ["hash-max-ziplist-entries"],
  }),
  memory("hash-max-listpack-value", 64, 0n, LLONG_MAX, {
    aliases: ["hash-max-ziplist-value"],
  }),
  int("set-max-intset-entries", 512, 0n, LLONG_MAX),
  int("zset-max-listpack-entries", 128, 0n, LLONG_MAX, {
    aliases: ["zset-max-ziplist-entries"],
  }),
  memory("zset-max-listpack-value", 64, 0n, LLONG_MAX, {
    aliases: ["zset-max-ziplist-value"],
  }),
  memory("stream-node-max-bytes", 4096, 0n, LLONG_MAX),
  int("stream-node-max-entries", 100, 0n, LLONG_MAX),
  memory("hll-sparse-max-bytes", 3000, 0n, LLONG_MAX),
  int("slowlog-log-slower-than", 10000, -1n, LLONG_MAX),
  int("slowlog-max-len", 128, 0n, LLONG_MAX),
  int("latency-monitor-threshold", 0, 0n, LLONG_MAX),
  int("busy-reply-threshold", 5000, 0n, LLONG_MAX, {
    aliases: ["lua-time-limit"],
  }),
  int("acllog-max-len", 128, 0n, LLONG_MAX),
  int("tracking-table-max-keys", 1000000, 0n, LLONG_MAX),
];
