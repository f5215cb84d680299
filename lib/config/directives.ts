/**
 * The configuration directives this server supports, with Redis 7.0's names,
 * defaults, value types and mutability.
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

/** One configuration directive. */
export interface Directive {
  /** Canonical lower-case name. */
  readonly name: string;
  /** Other accepted names (e.g. "slaveof" for "replicaof"). */
  readonly aliases?: readonly string[];
  readonly kind: DirectiveKind;
  /** Default value, in the form CONFIG GET shows it. */
  readonly defaultValue: string;
  /** False for directives that CONFIG SET refuses ("can't set immutable config"). */
  readonly mutable: boolean;
  /** Bounds for int and memory values (inclusive). */
  readonly min?: number;
  readonly max?: number;
  /** Allowed words for enum values. */
  readonly values?: readonly string[];
  /**
   * Validation and normalisation for special values: returns the normalised
   * value, or an error text in Redis's words.
   */
  readonly normalize?: (value: string) => string | { error: string };
}

const GB = 1024 * 1024 * 1024;
const INT_MAX = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

/** Validates and normalises a "save" value: pairs of seconds and changes, or "". */
function normalizeSave(value: string): string | { error: string } {
  const words = value.split(/\s+/).filter((w) => w.length > 0);
  if (words.length % 2 !== 0) return { error: "Invalid save parameters" };
  for (const w of words) {
    if (!/^\d+$/.test(w)) return { error: "Invalid save parameters" };
  }
  return words.map((w) => String(Number(w))).join(" ");
}

/** Every supported directive, in the order CONFIG GET * lists them. */
export const DIRECTIVES: readonly Directive[] = [
  {
    name: "port",
    kind: "int",
    defaultValue: "6379",
    mutable: true,
    min: 0,
    max: 65535,
  },
  { name: "bind", kind: "special", defaultValue: "* -::*", mutable: true },
  { name: "dir", kind: "special", defaultValue: "", mutable: true },
  {
    name: "dbfilename",
    kind: "string",
    defaultValue: "dump.rdb",
    mutable: true,
  },
  {
    name: "databases",
    kind: "int",
    defaultValue: "16",
    mutable: false,
    min: 1,
    max: INT_MAX,
  },
  {
    name: "save",
    kind: "special",
    defaultValue: "3600 1 300 100 60 10000",
    mutable: true,
    normalize: normalizeSave,
  },
  {
    name: "timeout",
    kind: "int",
    defaultValue: "0",
    mutable: true,
    min: 0,
    max: INT_MAX,
  },
  {
    name: "tcp-keepalive",
    kind: "int",
    defaultValue: "300",
    mutable: true,
    min: 0,
    max: INT_MAX,
  },
  {
    name: "maxclients",
    kind: "int",
    defaultValue: "10000",
    mutable: true,
    min: 1,
    max: INT_MAX,
  },
  {
    name: "proto-max-bulk-len",
    kind: "memory",
    defaultValue: String(512 * 1024 * 1024),
    mutable: true,
    min: 1024 * 1024,
    max: LLONG_MAX,
  },
  {
    name: "client-query-buffer-limit",
    kind: "memory",
    defaultValue: String(GB),
    mutable: true,
    min: 1024 * 1024,
    max: LLONG_MAX,
  },
  { name: "requirepass", kind: "string", defaultValue: "", mutable: true },
  {
    name: "loglevel",
    kind: "enum",
    defaultValue: "notice",
    mutable: true,
    values: ["debug", "verbose", "notice", "warning", "nothing"],
  },
  { name: "logfile", kind: "string", defaultValue: "", mutable: false },
  { name: "daemonize", kind: "bool", defaultValue: "no", mutable: false },
  { name: "pidfile", kind: "string", defaultValue: "", mutable: false },
  { name: "protected-mode", kind: "bool", defaultValue: "yes", mutable: true },
  { name: "appendonly", kind: "bool", defaultValue: "no", mutable: true },
  {
    name: "appendfilename",
    kind: "string",
    defaultValue: "appendonly.aof",
    mutable: false,
  },
  {
    name: "appenddirname",
    kind: "string",
    defaultValue: "appendonlydir",
    mutable: false,
  },
  {
    name: "appendfsync",
    kind: "enum",
    defaultValue: "everysec",
    mutable: true,
    values: ["always", "everysec", "no"],
  },
  { name: "rdbcompression", kind: "bool", defaultValue: "yes", mutable: true },
  { name: "rdbchecksum", kind: "bool", defaultValue: "yes", mutable: false },
  {
    name: "hz",
    kind: "int",
    defaultValue: "10",
    mutable: true,
    min: 0,
    max: INT_MAX,
  },
  {
    name: "maxmemory",
    kind: "memory",
    defaultValue: "0",
    mutable: true,
    min: 0,
    max: LLONG_MAX,
  },
  {
    name: "maxmemory-policy",
    kind: "enum",
    defaultValue: "noeviction",
    mutable: true,
    values: [
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
      "allkeys-lru",
      "allkeys-lfu",
      "allkeys-random",
      "noeviction",
    ],
  },
  {
    name: "lfu-log-factor",
    kind: "int",
    defaultValue: "10",
    mutable: true,
    min: 0,
    max: INT_MAX,
  },
  {
    name: "lfu-decay-time",
    kind: "int",
    defaultValue: "1",
    mutable: true,
    min: 0,
    max: INT_MAX,
  },
];
