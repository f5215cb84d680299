/**
 * Every configuration directive Redis 7.0.15 knows, with its names,
 * aliases, defaults, value types, bounds, mutability and Redis's own checks.
 * Directives whose feature this server does not implement are accepted,
 * stored and reported like the others, and marked `notEnforced`.
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

/** Read access to the current values, for checks that depend on other directives. */
export interface ConfigReader {
  /** Current value of a directive (canonical name), as CONFIG GET shows it. */
  get(name: string): string;
  /** Absolute path of the config file read at start-up ("" when none). */
  readonly configFile: string;
}

/** Read and write access, for apply steps that adjust a value. */
export interface ConfigAccess extends ConfigReader {
  /** Sets a directive (canonical name) to a valid value. */
  set(name: string, value: string): void;
}

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
  /**
   * Left out of CONFIG GET's pattern matches (Redis's HIDDEN_CONFIG): only
   * its exact name finds it.
   */
  readonly hidden?: boolean;
  /** Its value is a secret that logs must not show (masterauth, requirepass). */
  readonly sensitive?: boolean;
  /** Accepted, stored and reported, but the feature behind it is not implemented. */
  readonly notEnforced?: boolean;
  /** Takes several words (save, bind, client-output-buffer-limit). */
  readonly multiArg?: boolean;
  /** Inclusive lower bound of int and memory values. */
  readonly min?: bigint;
  /** Inclusive upper bound of int and memory values. */
  readonly max?: bigint;
  /** An int written and shown in octal (unixsocketperm). */
  readonly octal?: boolean;
  /** A memory value that also takes "N%" (maxmemory-clients). */
  readonly percent?: boolean;
  /** Range an accepted int value is silently brought into (hz). */
  readonly clamp?: readonly [number, number];
  /** Allowed words of enum values, in the order Redis lists them. */
  readonly values?: readonly string[];
  /** Enum words shown as another one with the same meaning (relative -> yes). */
  readonly enumAliases?: Readonly<Record<string, string>>;
  /** Validation and normalisation of single-word special and string values. */
  readonly normalize?: (value: string, config: ConfigReader) => Normalized;
  /**
   * Validation and normalisation of multi-word values; `current` is the value
   * being replaced (client-output-buffer-limit keeps the classes not named).
   */
  readonly normalizeWords?: (
    words: readonly string[],
    current: string,
  ) => Normalized;
  /**
   * Redis's extra check of an accepted value (in its normalised form):
   * an error text, or null when the value is fine.
   */
  readonly check?: (value: string, config: ConfigReader) => string | null;
  /**
   * Puts a new value into effect after CONFIG SET stored it (and may adjust
   * it, as Redis's apply functions do): an error text makes CONFIG SET
   * restore every value, null is success. Directives sharing one function
   * have it run once.
   */
  readonly apply?: (config: ConfigAccess) => string | null;
}

/**
 * "repl-backlog-size": Redis resizes the backlog when CONFIG SET changes
 * it, and no backlog is smaller than 16 kB.
 */
function applyBacklogSize(config: ConfigAccess): string | null {
  if (BigInt(config.get("repl-backlog-size")) < 16384n) {
    config.set("repl-backlog-size", "16384");
  }
  return null;
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LLONG_MIN = -9223372036854775808n;
const LLONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;
const LONG_MAX = LLONG_MAX;
const SSIZE_MAX = LLONG_MAX;
const MB = 1024 * 1024;

/** C's isspace. */
function isSpace(ch: string): boolean {
  return ch === " " || (ch >= "\t" && ch <= "\r");
}

/**
 * C's strtoll in base 10: leading blanks, a sign, digits; saturates on
 * overflow. `complete` is whether the whole word was used, which is also
 * true for "" (no digits, and nothing left).
 */
export function strtoll(word: string): { value: bigint; complete: boolean } {
  let i = 0;
  while (i < word.length && isSpace(word[i])) i++;
  let negative = false;
  if (word[i] === "+" || word[i] === "-") negative = word[i++] === "-";
  const start = i;
  while (i < word.length && word[i] >= "0" && word[i] <= "9") i++;
  if (i === start) return { value: 0n, complete: word === "" };
  let value = BigInt(word.slice(start, i));
  if (negative) value = -value;
  if (value > LLONG_MAX) value = LLONG_MAX;
  if (value < LLONG_MIN) value = LLONG_MIN;
  return { value, complete: i === word.length };
}

/** C's cast of a long long to a 32-bit int. */
function toInt32(n: bigint): bigint {
  return BigInt.asIntN(32, n);
}

/** "save": pairs of seconds (at least 1) and changes (at least 0), or "". */
function normalizeSave(given: readonly string[]): Normalized {
  // A single empty word means no save points.
  const words = given.length === 1 && given[0] === "" ? [] : given;
  if (words.length % 2 !== 0) return { error: "Invalid save parameters" };
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const { value, complete } = strtoll(words[i]);
    if (!complete || value < (i % 2 === 0 ? 1n : 0n)) {
      return { error: "Invalid save parameters" };
    }
    // Seconds are a time_t, changes an int, as in Redis.
    out.push(String(i % 2 === 0 ? value : toInt32(value)));
  }
  return out.join(" ");
}

/** "bind": one or more addresses, each optionally prefixed with "-". */
function normalizeBind(words: readonly string[]): Normalized {
  if (words.length > 16) return { error: "Too many bind addresses specified." };
  return words.filter((w) => w.length > 0).join(" ");
}

/** "dbfilename", "appendfilename" and "appenddirname" must be plain names. */
function fileNameOnly(
  what: string,
  noun: string,
  allowEmpty: boolean,
): (value: string) => string | null {
  return (value) => {
    if (!allowEmpty && value === "") return `${what} can't be empty`;
    // Redis's pathIsBaseName: neither "/" nor "\\".
    return /[/\\]/.test(value)
      ? `${what} can't be a path, just a ${noun}`
      : null;
  };
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
    // Redis keeps the seconds in an int, and checks the sign after that.
    const { value, complete } = strtoll(words[i + 3]);
    const seconds = toInt32(value);
    if (hard === null || soft === null || !complete || seconds < 0n) {
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

/** "oom-score-adj-values": three integers between -2000 and 2000. */
function normalizeOomScoreAdjValues(words: readonly string[]): Normalized {
  if (words.length !== 3) return { error: "wrong number of arguments" };
  const out: string[] = [];
  for (const word of words) {
    const { value, complete } = strtoll(word);
    if (!complete || value < -2000n || value > 2000n) {
      return {
        error:
          "Invalid oom-score-adj-values, elements must be between -2000 and 2000.",
      };
    }
    out.push(String(value));
  }
  return out.join(" ");
}

/** "replicaof": "<host> <port>", or "no one" for none. */
function normalizeReplicaOf(words: readonly string[]): Normalized {
  if (words.length !== 2) return { error: "wrong number of arguments" };
  const [host, port] = words;
  if (host.toLowerCase() === "no" && port.toLowerCase() === "one") return "";
  // strtol: blanks and a sign are accepted, and "" reads as 0.
  const { value, complete } = strtoll(port);
  if (!complete || value < 0n || value > 65535n) {
    return { error: "Invalid master port" };
  }
  return `${host} ${value}`;
}

/** A double as C's printf("%f") shows it, trailing zeros trimmed as Redis does. */
function formatPercentile(x: number): string {
  let text = Math.abs(x).toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
  if (x < 0 || Object.is(x, -0)) text = "-" + text;
  return text;
}

/**
 * Parses a double like Redis's string2d (strtod on the whole word, no
 * leading blank, no NaN; hexadecimal and "inf" accepted), or null.
 */
function parseDouble(word: string): number | null {
  if (word === "" || isSpace(word[0])) return null;
  const decimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  if (decimal.test(word)) {
    const value = Number(word);
    if (!Number.isFinite(value)) return null; // ERANGE overflow
    // Underflow to zero is ERANGE too.
    if (value === 0 && /[1-9]/.test(word.replace(/e.*$/i, ""))) return null;
    return value;
  }
  if (/^[+-]?(inf|infinity)$/i.test(word)) {
    return word.startsWith("-") ? -Infinity : Infinity;
  }
  const hex = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i.exec(
    word,
  );
  if (hex === null || hex[2] + hex[3] === "") return null;
  const digits = hex[2] + hex[3];
  let value = Number(BigInt("0x" + digits)) * 2 ** (-4 * hex[3].length);
  if (hex[4] !== undefined) value *= 2 ** Number(hex[4]);
  if (!Number.isFinite(value)) return null;
  return hex[1] === "-" ? -value : value;
}

/** "latency-tracking-info-percentiles": doubles in [0, 100], or "" for none. */
function normalizePercentiles(given: readonly string[]): Normalized {
  const words = given.length === 1 && given[0] === "" ? [] : given;
  const out: string[] = [];
  for (const word of words) {
    const value = parseDouble(word);
    if (value === null) {
      return { error: "Invalid latency-tracking-info-percentiles parameters" };
    }
    if (value > 100 || value < 0) {
      return {
        error:
          "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
      };
    }
    out.push(formatPercentile(value));
  }
  return out.join(" ");
}

/** The value of a proc-title-template variable, or null if unknown. */
function procTitleVariable(name: string, config: ConfigReader): string | null {
  switch (name) {
    case "title":
      return "";
    case "listen-addr": {
      const port = config.get("port");
      const tlsPort = config.get("tls-port");
      if (port !== "0" || tlsPort !== "0") {
        const bind = config.get("bind").split(" ")[0] || "*";
        return `${bind}:${port !== "0" ? port : tlsPort}`;
      }
      return `unixsocket:${config.get("unixsocket") || "(null)"}`;
    }
    case "server-mode":
      return config.get("cluster-enabled") === "yes" ? "[cluster]" : "";
    case "config-file":
      return config.configFile || "-";
    case "port":
      return config.get("port");
    case "tls-port":
      return config.get("tls-port");
    case "unixsocket":
      return config.get("unixsocket");
    default:
      return null;
  }
}

/**
 * "proc-title-template": Redis expands it (with an empty title) and refuses
 * unknown variables, an unfinished "{" and a template that comes out blank.
 */
function checkProcTitleTemplate(
  template: string,
  config: ConfigReader,
): string | null {
  const invalid = "template format is invalid or contains unknown variables";
  let out = "";
  let p = 0;
  while (p < template.length) {
    const open = template.indexOf("{", p);
    if (open < 0) {
      out += template.slice(p);
      break;
    }
    out += template.slice(p, open);
    if (open + 1 >= template.length) return invalid;
    if (template[open + 1] === "{") {
      out += "{";
      p = open + 2;
      continue;
    }
    const close = template.indexOf("}", open + 1);
    if (close < 0) return invalid;
    const value = procTitleVariable(template.slice(open + 1, close), config);
    if (value === null) return invalid;
    out += value;
    p = close + 1;
  }
  return out.replace(/^ +| +$/g, "") === "" ? invalid : null;
}

/** "cluster-announce-hostname": letters, digits, "-" and ".", under 256. */
function checkHostname(value: string): string | null {
  if (value.length >= 256) return "Hostnames must be less than 256 characters";
  if (!/^[A-Za-z0-9.-]*$/.test(value)) {
    return "Hostnames may only contain alphanumeric characters, hyphens or dots";
  }
  return null;
}

/**
 * "activedefrag yes": like Debian's redis-server (built without Redis's
 * modified jemalloc), and truthfully, active defragmentation cannot be
 * enabled here.
 */
function checkActiveDefrag(value: string): string | null {
  return value === "yes"
    ? "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"
    : null;
}

/** Whether the configuration asks for TLS (a TLS port, or TLS for replication or cluster). */
export function tlsRequested(config: ConfigReader): boolean {
  return config.get("tls-port") !== "0" ||
    config.get("tls-replication") === "yes" ||
    config.get("tls-cluster") === "yes";
}

/** CONFIG SET's error when Redis's TLS configuration step fails (the reason is logged). */
export const TLS_UPDATE_FAILED =
  "Unable to update TLS configuration. Check server logs.";

/** Why the TLS settings cannot be put into effect. */
export interface TlsSettingsProblem {
  /** The line the server logs: Redis's own words where Redis refuses too. */
  readonly log: string;
  /**
   * CONFIG SET's error: Redis's TLS_UPDATE_FAILED where Redis refuses too,
   * else the reason itself (what Deno's TLS cannot do).
   */
  readonly reply: string;
}

/** The protocols tls-protocols names (lower case), or null if one is unknown. */
function parseTlsProtocols(value: string): Set<string> | null {
  // Like Redis, an empty value is the default, and words are split on
  // single spaces (two spaces make an empty, unknown word).
  if (value === "") return new Set(["tlsv1.2", "tlsv1.3"]);
  const known = ["tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"];
  const protocols = new Set<string>();
  for (const word of value.split(" ")) {
    const lower = word.toLowerCase();
    if (!known.includes(lower)) return null;
    protocols.add(lower);
  }
  return protocols;
}

/**
 * The checks of Redis's TLS configuration step that need no file, in its
 * order, then what Deno's TLS (rustls) cannot be told to do, which is
 * refused rather than ignored: verifying client certificates, choosing
 * protocol versions, ciphers or their order, and finite-field DH. Null
 * when TLS is not requested or the settings can be honoured.
 */
export function tlsSettingsProblem(
  config: ConfigReader,
): TlsSettingsProblem | null {
  if (!tlsRequested(config)) return null;
  const redis = (log: string) => ({ log, reply: TLS_UPDATE_FAILED });
  const unsupported = (log: string) => ({ log, reply: log });
  if (config.get("tls-cert-file") === "") {
    return redis("No tls-cert-file configured!");
  }
  if (config.get("tls-key-file") === "") {
    return redis("No tls-key-file configured!");
  }
  const authClients = config.get("tls-auth-clients");
  const needsCa = authClients !== "no" ||
    config.get("tls-cluster") === "yes" ||
    config.get("tls-replication") === "yes";
  if (
    needsCa && config.get("tls-ca-cert-file") === "" &&
    config.get("tls-ca-cert-dir") === ""
  ) {
    return redis(
      "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!",
    );
  }
  const protocolsValue = config.get("tls-protocols");
  const protocols = parseTlsProtocols(protocolsValue);
  if (protocols === null) {
    return redis(
      "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.",
    );
  }
  if (config.get("tls-port") !== "0" && authClients !== "no") {
    return unsupported(
      `tls-auth-clients ${authClients} is not supported: Deno's TLS listener cannot request or verify client certificates. Set tls-auth-clients no to accept TLS clients without a certificate.`,
    );
  }
  if (
    protocols.size !== 2 || !protocols.has("tlsv1.2") ||
    !protocols.has("tlsv1.3")
  ) {
    return unsupported(
      `tls-protocols "${protocolsValue}" is not supported: Deno's TLS always offers TLSv1.2 and TLSv1.3 and nothing else. Set tls-protocols "TLSv1.2 TLSv1.3" or leave it empty.`,
    );
  }
  for (const name of ["tls-ciphers", "tls-ciphersuites"]) {
    if (config.get(name) !== "") {
      return unsupported(
        `${name} is not supported: Deno's TLS uses its own cipher suites, which cannot be chosen. Leave ${name} empty.`,
      );
    }
  }
  if (config.get("tls-prefer-server-ciphers") === "yes") {
    return unsupported(
      "tls-prefer-server-ciphers yes is not supported: Deno's TLS follows the client's order of cipher suites. Set tls-prefer-server-ciphers no.",
    );
  }
  if (config.get("tls-dh-params-file") !== "") {
    return unsupported(
      "tls-dh-params-file is not supported: Deno's TLS has no finite-field Diffie-Hellman key exchange (it uses ECDHE). Leave tls-dh-params-file empty.",
    );
  }
  return null;
}

/**
 * Redis's TLS configuration step, run when a TLS setting changes, without
 * the files: a running server replaces it with one that also reads them
 * (lib/server/start.ts).
 */
function applyTls(config: ConfigReader): string | null {
  return tlsSettingsProblem(config)?.reply ?? null;
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
 * at all reads as 0; 128 digits or more are refused.
 */
export function parseMemoryValue(text: string): bigint | null {
  const match = /^(\d*)([^\d]*)$/.exec(text);
  if (match === null) return null;
  const unit = MEMORY_UNITS[match[2].toLowerCase()];
  if (unit === undefined || match[1].length >= 128) return null;
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

const multi = (
  name: string,
  defaultValue: string,
  normalizeWords: Directive["normalizeWords"],
  extra: Partial<Directive> = {},
): Directive => ({
  name,
  kind: "special",
  defaultValue,
  multiArg: true,
  normalizeWords,
  ...extra,
});

const YES_NO_LOCAL = ["no", "yes", "local"];
const NOT_ENFORCED = { notEnforced: true } as const;
const TLS = { apply: applyTls } as const;
const TLS_NOT_ENFORCED = { notEnforced: true, apply: applyTls } as const;

/**
 * Every directive of Redis 7.0.15, grouped as Redis's config table groups
 * them (by type). CONFIG GET lists them in this order.
 */
export const DIRECTIVES: readonly Directive[] = [
  // Booleans.
  bool("rdbchecksum", "yes", { immutable: true }),
  bool("daemonize", "no", { immutable: true }),
  bool("io-threads-do-reads", "no", { immutable: true, ...NOT_ENFORCED }),
  bool("always-show-logo", "no", { immutable: true }),
  bool("protected-mode", "yes"),
  bool("rdbcompression", "yes"),
  bool("rdb-del-sync-files", "no", NOT_ENFORCED),
  bool("activerehashing", "yes"),
  bool("stop-writes-on-bgsave-error", "yes", NOT_ENFORCED),
  bool("set-proc-title", "yes", { immutable: true, ...NOT_ENFORCED }),
  bool("dynamic-hz", "yes", NOT_ENFORCED),
  bool("lazyfree-lazy-eviction", "no"),
  bool("lazyfree-lazy-expire", "no"),
  bool("lazyfree-lazy-server-del", "no", NOT_ENFORCED),
  bool("lazyfree-lazy-user-del", "no"),
  bool("lazyfree-lazy-user-flush", "no"),
  bool("repl-disable-tcp-nodelay", "no", NOT_ENFORCED),
  bool("repl-diskless-sync", "yes"),
  bool("aof-rewrite-incremental-fsync", "yes", NOT_ENFORCED),
  bool("no-appendfsync-on-rewrite", "no", NOT_ENFORCED),
  bool("cluster-require-full-coverage", "yes", NOT_ENFORCED),
  bool("rdb-save-incremental-fsync", "yes", NOT_ENFORCED),
  bool("aof-load-truncated", "yes"),
  bool("aof-use-rdb-preamble", "yes", NOT_ENFORCED),
  bool("aof-timestamp-enabled", "no", NOT_ENFORCED),
  bool("cluster-replica-no-failover", "no", {
    aliases: ["cluster-slave-no-failover"],
    ...NOT_ENFORCED,
  }),
  bool("replica-lazy-flush", "no", {
    aliases: ["slave-lazy-flush"],
    ...NOT_ENFORCED,
  }),
  bool("replica-serve-stale-data", "yes", {
    aliases: ["slave-serve-stale-data"],
  }),
  bool("replica-read-only", "yes", {
    aliases: ["slave-read-only"],
  }),
  bool("replica-ignore-maxmemory", "yes", {
    aliases: ["slave-ignore-maxmemory"],
  }),
  bool("jemalloc-bg-thread", "yes", NOT_ENFORCED),
  bool("activedefrag", "no", { check: checkActiveDefrag }),
  bool("syslog-enabled", "no", { immutable: true, ...NOT_ENFORCED }),
  bool("cluster-enabled", "no", { immutable: true, ...NOT_ENFORCED }),
  bool("appendonly", "no"),
  bool("cluster-allow-reads-when-down", "no", NOT_ENFORCED),
  bool("cluster-allow-pubsubshard-when-down", "yes", NOT_ENFORCED),
  bool("crash-log-enabled", "yes", NOT_ENFORCED),
  bool("crash-memcheck-enabled", "yes", NOT_ENFORCED),
  bool("use-exit-on-panic", "no", { hidden: true, ...NOT_ENFORCED }),
  bool("disable-thp", "yes", { immutable: true, ...NOT_ENFORCED }),
  bool("cluster-allow-replica-migration", "yes", NOT_ENFORCED),
  bool("replica-announced", "yes"),
  bool("latency-tracking", "yes"),
  bool("aof-disable-auto-gc", "no", NOT_ENFORCED),
  bool("replica-ignore-disk-write-errors", "no", NOT_ENFORCED),
  bool("lua-enable-deprecated-api", "no", {
    immutable: true,
    hidden: true,
    ...NOT_ENFORCED,
  }),

  // Strings.
  text("aclfile", "", { immutable: true }),
  text("unixsocket", "", { immutable: true }),
  text("pidfile", "", { immutable: true }),
  text("replica-announce-ip", "", {
    aliases: ["slave-announce-ip"],
  }),
  text("masteruser", "", { sensitive: true }),
  text("cluster-announce-ip", "", NOT_ENFORCED),
  text("cluster-config-file", "nodes.conf", {
    immutable: true,
    ...NOT_ENFORCED,
  }),
  text("cluster-announce-hostname", "", {
    check: checkHostname,
    ...NOT_ENFORCED,
  }),
  text("syslog-ident", "redis", { immutable: true, ...NOT_ENFORCED }),
  text("dbfilename", "dump.rdb", {
    protected: true,
    check: fileNameOnly("dbfilename", "filename", true),
  }),
  text("appendfilename", "appendonly.aof", {
    immutable: true,
    check: fileNameOnly("appendfilename", "filename", false),
  }),
  text("appenddirname", "appendonlydir", {
    immutable: true,
    check: fileNameOnly("appenddirname", "dirname", false),
  }),
  text("server_cpulist", "", { immutable: true, ...NOT_ENFORCED }),
  text("bio_cpulist", "", { immutable: true, ...NOT_ENFORCED }),
  text("aof_rewrite_cpulist", "", { immutable: true, ...NOT_ENFORCED }),
  text("bgsave_cpulist", "", { immutable: true, ...NOT_ENFORCED }),
  text("ignore-warnings", "", NOT_ENFORCED),
  text("proc-title-template", "{title} {listen-addr} {server-mode}", {
    check: checkProcTitleTemplate,
    ...NOT_ENFORCED,
  }),
  text("bind-source-addr", "", NOT_ENFORCED),
  text("logfile", "", { immutable: true }),
  text("masterauth", "", { sensitive: true }),
  text("requirepass", "", { sensitive: true }),

  // Enums.
  oneOf("supervised", "no", ["upstart", "systemd", "auto", "no"], {
    immutable: true,
  }),
  oneOf("syslog-facility", "local0", [
    "user",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
  ], { immutable: true, ...NOT_ENFORCED }),
  oneOf("repl-diskless-load", "disabled", [
    "disabled",
    "on-empty-db",
    "swapdb",
  ]),
  oneOf("loglevel", "notice", ["debug", "verbose", "notice", "warning"]),
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
  oneOf("appendfsync", "everysec", ["everysec", "always", "no"]),
  oneOf("oom-score-adj", "no", ["no", "yes", "relative", "absolute"], {
    enumAliases: { relative: "yes" },
    ...NOT_ENFORCED,
  }),
  oneOf("acl-pubsub-default", "resetchannels", [
    "allchannels",
    "resetchannels",
  ]),
  oneOf(
    "sanitize-dump-payload",
    "no",
    ["no", "yes", "clients"],
    NOT_ENFORCED,
  ),
  oneOf("enable-protected-configs", "no", YES_NO_LOCAL, { immutable: true }),
  oneOf("enable-debug-command", "no", YES_NO_LOCAL, { immutable: true }),
  oneOf("enable-module-command", "no", YES_NO_LOCAL, { immutable: true }),
  oneOf("cluster-preferred-endpoint-type", "ip", [
    "ip",
    "hostname",
    "unknown-endpoint",
  ], NOT_ENFORCED),
  oneOf("propagation-error-behavior", "ignore", [
    "ignore",
    "panic",
    "panic-on-replicas",
  ], NOT_ENFORCED),

  // Integers.
  int("databases", 16, 1n, INT_MAX, { immutable: true }),
  int("port", 6379, 0n, 65535n),
  int("io-threads", 1, 1n, 128n, { immutable: true, ...NOT_ENFORCED }),
  int("auto-aof-rewrite-percentage", 100, 0n, INT_MAX),
  int("cluster-replica-validity-factor", 10, 0n, INT_MAX, {
    aliases: ["cluster-slave-validity-factor"],
    ...NOT_ENFORCED,
  }),
  int("list-max-listpack-size", -2, INT_MIN, INT_MAX, {
    aliases: ["list-max-ziplist-size"],
    ...NOT_ENFORCED,
  }),
  int("tcp-keepalive", 300, 0n, INT_MAX),
  int("cluster-migration-barrier", 1, 0n, INT_MAX, NOT_ENFORCED),
  int("active-defrag-cycle-min", 1, 1n, 99n, NOT_ENFORCED),
  int("active-defrag-cycle-max", 25, 1n, 99n, NOT_ENFORCED),
  int("active-defrag-threshold-lower", 10, 0n, 1000n, NOT_ENFORCED),
  int("active-defrag-threshold-upper", 100, 0n, 1000n, NOT_ENFORCED),
  int("lfu-log-factor", 10, 0n, INT_MAX),
  int("lfu-decay-time", 1, 0n, INT_MAX),
  int("replica-priority", 100, 0n, INT_MAX, {
    aliases: ["slave-priority"],
  }),
  int("repl-diskless-sync-delay", 5, 0n, INT_MAX),
  int("maxmemory-samples", 5, 1n, INT_MAX),
  int("maxmemory-eviction-tenacity", 10, 0n, 100n),
  int("timeout", 0, 0n, INT_MAX),
  int("replica-announce-port", 0, 0n, 65535n, {
    aliases: ["slave-announce-port"],
  }),
  int("tcp-backlog", 511, 0n, INT_MAX, { immutable: true, ...NOT_ENFORCED }),
  int("cluster-port", 0, 0n, 65535n, { immutable: true, ...NOT_ENFORCED }),
  int("cluster-announce-bus-port", 0, 0n, 65535n, NOT_ENFORCED),
  int("cluster-announce-port", 0, 0n, 65535n, NOT_ENFORCED),
  int("cluster-announce-tls-port", 0, 0n, 65535n, NOT_ENFORCED),
  int("repl-timeout", 60, 1n, INT_MAX),
  int("repl-ping-replica-period", 10, 1n, INT_MAX, {
    aliases: ["repl-ping-slave-period"],
  }),
  int("list-compress-depth", 0, 0n, INT_MAX, NOT_ENFORCED),
  int("rdb-key-save-delay", 0, INT_MIN, INT_MAX, {
    hidden: true,
    ...NOT_ENFORCED,
  }),
  int("key-load-delay", 0, INT_MIN, INT_MAX, {
    hidden: true,
    ...NOT_ENFORCED,
  }),
  int("active-expire-effort", 1, 1n, 10n, NOT_ENFORCED),
  int("hz", 10, 0n, INT_MAX, { clamp: [1, 500], ...NOT_ENFORCED }),
  int("min-replicas-to-write", 0, 0n, INT_MAX, {
    aliases: ["min-slaves-to-write"],
  }),
  int("min-replicas-max-lag", 10, 0n, INT_MAX, {
    aliases: ["min-slaves-max-lag"],
  }),
  int("watchdog-period", 0, 0n, INT_MAX, { hidden: true, ...NOT_ENFORCED }),
  int("shutdown-timeout", 10, 0n, INT_MAX),
  int("repl-diskless-sync-max-replicas", 0, 0n, INT_MAX),
  int("maxclients", 10000, 1n, UINT_MAX),
  int("unixsocketperm", 0, 0n, 0o777n, { immutable: true, octal: true }),
  int("socket-mark-id", 0, 0n, UINT_MAX, { immutable: true, ...NOT_ENFORCED }),
  int("active-defrag-max-scan-fields", 1000, 1n, LONG_MAX, NOT_ENFORCED),
  int("slowlog-max-len", 128, 0n, LONG_MAX),
  int("acllog-max-len", 128, 0n, LONG_MAX),
  int("busy-reply-threshold", 5000, 0n, LONG_MAX, {
    aliases: ["lua-time-limit"],
    ...NOT_ENFORCED,
  }),
  int("cluster-node-timeout", 15000, 0n, LLONG_MAX, NOT_ENFORCED),
  int("slowlog-log-slower-than", 10000, -1n, LLONG_MAX),
  int("latency-monitor-threshold", 0, 0n, LLONG_MAX),
  int("stream-node-max-entries", 100, 0n, LLONG_MAX),
  int("hash-max-listpack-entries", 512, 0n, LONG_MAX, {
    aliases: ["hash-max-ziplist-entries"],
  }),
  int("set-max-intset-entries", 512, 0n, LONG_MAX),
  int("zset-max-listpack-entries", 128, 0n, LONG_MAX, {
    aliases: ["zset-max-ziplist-entries"],
  }),
  int("tracking-table-max-keys", 1000000, 0n, LONG_MAX),
  int("repl-backlog-ttl", 3600, 0n, LONG_MAX),
  int(
    "loading-process-events-interval-bytes",
    2 * MB,
    1024n,
    INT_MAX,
    { hidden: true, ...NOT_ENFORCED },
  ),
  int("tls-port", 0, 0n, 65535n, TLS),
  // rustls keeps its own session cache, of its own size and lifetime.
  int("tls-session-cache-size", 20 * 1024, 0n, INT_MAX, TLS_NOT_ENFORCED),
  int("tls-session-cache-timeout", 300, 0n, INT_MAX, TLS_NOT_ENFORCED),

  // Memory values (bytes, with optional units).
  memory("proto-max-bulk-len", 512 * MB, 1048576n, LONG_MAX),
  memory("repl-backlog-size", MB, 1n, LLONG_MAX, { apply: applyBacklogSize }),
  memory("maxmemory", 0, 0n, ULLONG_MAX),
  memory("cluster-link-sendbuf-limit", 0, 0n, ULLONG_MAX, NOT_ENFORCED),
  memory("active-defrag-ignore-bytes", 100 * MB, 1n, LLONG_MAX, NOT_ENFORCED),
  memory("hash-max-listpack-value", 64, 0n, LONG_MAX, {
    aliases: ["hash-max-ziplist-value"],
  }),
  memory("stream-node-max-bytes", 4096, 0n, LONG_MAX),
  memory("zset-max-listpack-value", 64, 0n, LONG_MAX, {
    aliases: ["zset-max-ziplist-value"],
  }),
  memory("hll-sparse-max-bytes", 3000, 0n, LONG_MAX),
  memory("client-query-buffer-limit", 1024 * MB, 1048576n, LONG_MAX),
  memory("maxmemory-clients", 0, -100n, SSIZE_MAX, { percent: true }),
  memory("auto-aof-rewrite-min-size", 64 * MB, 0n, LLONG_MAX),

  // TLS (lib/server/tls.ts): changing any of these runs the TLS
  // configuration step while TLS is on, as in Redis. There is no cluster,
  // and rustls keeps its own session cache.
  bool("tls-cluster", "no", TLS_NOT_ENFORCED),
  bool("tls-replication", "no", TLS),
  oneOf("tls-auth-clients", "yes", ["no", "yes", "optional"], TLS),
  bool("tls-prefer-server-ciphers", "no", TLS),
  bool("tls-session-caching", "yes", TLS_NOT_ENFORCED),
  text("tls-cert-file", "", TLS),
  text("tls-key-file", "", TLS),
  text("tls-key-file-pass", "", TLS),
  text("tls-client-cert-file", "", TLS),
  text("tls-client-key-file", "", TLS),
  text("tls-client-key-file-pass", "", TLS),
  text("tls-dh-params-file", "", TLS),
  text("tls-ca-cert-file", "", TLS),
  text("tls-ca-cert-dir", "", TLS),
  text("tls-protocols", "", TLS),
  text("tls-ciphers", "", TLS),
  text("tls-ciphersuites", "", TLS),

  // Special values.
  { name: "dir", kind: "special", defaultValue: "", protected: true },
  multi("save", "3600 1 300 100 60 10000", normalizeSave),
  multi(
    "client-output-buffer-limit",
    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    normalizeBufferLimit,
  ),
  multi(
    "oom-score-adj-values",
    "0 200 800",
    normalizeOomScoreAdjValues,
    NOT_ENFORCED,
  ),
  {
    name: "notify-keyspace-events",
    kind: "special",
    defaultValue: "",
    normalize: normalizeNotify,
  },
  multi("bind", "* -::*", normalizeBind),
  multi("replicaof", "", normalizeReplicaOf, {
    aliases: ["slaveof"],
    immutable: true,
  }),
  multi(
    "latency-tracking-info-percentiles",
    "50 99 99.9",
    normalizePercentiles,
  ),
  multi("shutdown-on-sigint", "default", normalizeShutdownFlags),
  multi("shutdown-on-sigterm", "default", normalizeShutdownFlags),
];
