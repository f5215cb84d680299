/**
 * The live configuration: every supported directive's current value, with
 * Redis's validation rules for setting them. Values are binary strings (one
 * char per byte), like keys.
 *
 * @module
 */

import {
  type ConfigAccess,
  type Directive,
  DIRECTIVES,
  parseMemoryValue,
} from "./directives.ts";
import { dirWriteRefusal } from "./permissions.ts";
import { osErrorText } from "../util/files.ts";
import { binaryToText, textToBinary } from "../util/bytes.ts";

/** A rejected value, with the reason in Redis's words. */
export class ConfigError extends Error {
  /** Creates the error; `message` is Redis's reason text. */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const BY_NAME = new Map<string, Directive>();
for (const d of DIRECTIVES) {
  BY_NAME.set(d.name, d);
  for (const alias of d.aliases ?? []) BY_NAME.set(alias, d);
}

/** Looks up a directive by name or alias (case-insensitive). */
export function findDirective(name: string): Directive | undefined {
  return BY_NAME.get(name.toLowerCase());
}

const LLONG_MIN = -9223372036854775808n;
const LLONG_MAX = 9223372036854775807n;

/** Parses an integer as strictly as Redis's string2ll (no "+", no "05"). */
function parseStrictInteger(text: string): bigint | null {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return null;
  const n = BigInt(text);
  return n < LLONG_MIN || n > LLONG_MAX ? null : n;
}

/** A start-up line kept for the server to act on once it exists. */
export interface ConfigLine {
  /** 1-based line number in the configuration text. */
  readonly lineNumber: number;
  /** The line as written. */
  readonly line: string;
  /** The words after the directive's name. */
  readonly words: readonly string[];
}

/** Splits a CONFIG SET value of a multi-word directive as Redis does: on single spaces. */
export function splitConfigSetWords(value: string): string[] {
  return value === "" ? [] : value.split(" ");
}

/**
 * Runs after new values are stored; throws ConfigError to make CONFIG SET
 * restore the previous values (e.g. a port that cannot be bound).
 */
export type ConfigApplier = () => void;

/** Current configuration values, kept in the normalised form CONFIG GET shows. */
export class Config implements ConfigAccess {
  readonly #values = new Map<string, string>();
  readonly #numbers = new Map<string, number>();
  readonly #listeners: ((name: string) => void)[] = [];
  readonly #appliers = new Map<string, ConfigApplier>();
  /** Absolute path of the config file read at start-up ("" when none). */
  configFile = "";
  /** The `user` lines read at start-up, loaded into the ACL by the server. */
  readonly users: ConfigLine[] = [];
  /** The `rename-command` lines read at start-up (words: old name, new name). */
  readonly renames: ConfigLine[] = [];

  /** Creates a configuration holding every default; `cwd` is the default dir. */
  constructor(cwd: string) {
    for (const d of DIRECTIVES) this.#store(d, d.defaultValue);
    this.#store(BY_NAME.get("dir")!, textToBinary(cwd));
    // Redis's own apply steps of the table (TLS); directives sharing one
    // get one applier, run once per CONFIG SET.
    const wrapped = new Map<Directive["apply"], ConfigApplier>();
    for (const d of DIRECTIVES) {
      const apply = d.apply;
      if (apply === undefined) continue;
      let applier = wrapped.get(apply);
      if (applier === undefined) {
        applier = () => {
          const problem = apply(this);
          if (problem !== null) throw new ConfigError(problem);
        };
        wrapped.set(apply, applier);
      }
      this.#appliers.set(d.name, applier);
    }
  }

  /** Registers a callback run after any value changes. */
  onChange(listener: (name: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Registers the action that puts a new value of directive `name` into effect. */
  setApplier(name: string, applier: ConfigApplier): void {
    this.#appliers.set(name, applier);
  }

  /** Current value of a directive (canonical name), as CONFIG GET shows it. */
  get(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`unknown directive ${name}`);
    return value;
  }

  /**
   * Current value of an int, memory or bool (1/0) directive; a percentage
   * (maxmemory-clients "N%") is -N, as Redis keeps it.
   */
  number(name: string): number {
    const value = this.#numbers.get(name);
    if (value === undefined) throw new Error(`not a numeric directive ${name}`);
    return value;
  }

  /** Current value of a bool directive. */
  flag(name: string): boolean {
    return this.#numbers.get(name) === 1;
  }

  /**
   * Checks a value for directive `d` and returns its normalised form, or
   * throws ConfigError. Multi-word directives take `words`; the others
   * take exactly one word.
   */
  validate(d: Directive, words: readonly string[]): string {
    const value = this.#parse(d, words);
    const problem = d.check?.(value, this);
    if (problem) throw new ConfigError(problem);
    return value;
  }

  #parse(d: Directive, words: readonly string[]): string {
    if (d.multiArg) {
      return unwrap(d.normalizeWords!(words, this.get(d.name)));
    }
    if (words.length !== 1) throw new ConfigError("wrong number of arguments");
    const value = words[0];
    switch (d.kind) {
      case "bool": {
        const v = value.toLowerCase();
        if (v !== "yes" && v !== "no") {
          throw new ConfigError("argument must be 'yes' or 'no'");
        }
        return v;
      }
      case "int":
      case "memory": {
        const n = parseNumber(d, value);
        checkRange(d, n);
        return formatNumber(d, n);
      }
      case "enum": {
        const v = value.toLowerCase();
        if (!d.values!.includes(v)) {
          throw new ConfigError(
            `argument(s) must be one of the following: ${d.values!.join(", ")}`,
          );
        }
        return d.enumAliases?.[v] ?? v;
      }
      case "string":
      case "special":
        if (d.name === "dir") return changeDirectory(value);
        return d.normalize === undefined
          ? value
          : unwrap(d.normalize(value, this));
    }
  }

  /**
   * Sets one directive from a configuration line's arguments (start-up).
   * `append` adds to the current value instead (repeated "save" lines).
   */
  setFromArgs(d: Directive, words: readonly string[], append = false): void {
    let value = this.validate(d, words);
    if (append && value !== "") {
      const current = this.get(d.name);
      if (current !== "") value = `${current} ${value}`;
    }
    this.#store(d, value);
    this.#notify(d);
  }

  /** Sets one directive by name from a single value (start-up, tests). */
  set(name: string, value: string): void {
    const d = findDirective(name);
    if (d === undefined) {
      throw new ConfigError("Bad directive or wrong number of arguments");
    }
    const words = d.multiArg ? splitConfigSetWords(value) : [value];
    this.setFromArgs(d, words);
  }

  /**
   * Sets several directives at once, all or nothing (CONFIG SET). Values are
   * validated in order; then the appliers run, and if one fails every value
   * is restored. Throws ConfigSetError naming the culprit.
   */
  setMany(pairs: readonly [Directive, string][]): void {
    const previous = pairs.map(([d]) => [d, this.get(d.name)] as const);
    const restore = () => {
      for (let i = previous.length - 1; i >= 0; i--) {
        const [d, value] = previous[i];
        if (d.name === "dir") changeDirectory(value);
        this.#store(d, value);
      }
    };
    for (let i = 0; i < pairs.length; i++) {
      const [d, value] = pairs[i];
      const words = d.multiArg ? splitConfigSetWords(value) : [value];
      try {
        if (d.name === "dir") refuseUnwritableDir(value);
        this.#store(d, this.validate(d, words));
        // Again by real path: a symbolic link may lead out of the grants.
        if (d.name === "dir") refuseUnwritableDir(this.get("dir"));
      } catch (error) {
        restore();
        throw new ConfigSetError(d, i, error);
      }
    }
    const applied = new Set<ConfigApplier>();
    for (let i = 0; i < pairs.length; i++) {
      const d = pairs[i][0];
      const applier = this.#appliers.get(d.name);
      if (applier === undefined || applied.has(applier)) continue;
      // Like Redis, an unchanged value is not applied again.
      if (this.get(d.name) === previous[i][1]) continue;
      try {
        applier();
        applied.add(applier);
      } catch (error) {
        restore();
        for (const undo of applied) {
          try {
            undo();
          } catch {
            // The old values worked before; nothing better to do.
          }
        }
        throw new ConfigSetError(d, i, error);
      }
    }
    for (const [d] of pairs) this.#notify(d);
  }

  #notify(d: Directive): void {
    for (const listener of this.#listeners) listener(d.name);
  }

  #store(d: Directive, value: string): void {
    this.#values.set(d.name, value);
    if (d.kind === "int" || d.kind === "memory") {
      const n = d.octal
        ? parseInt(value, 8)
        : value.endsWith("%")
        ? -Number(value.slice(0, -1))
        : Number(value);
      this.#numbers.set(d.name, n);
    } else if (d.kind === "bool") {
      this.#numbers.set(d.name, value === "yes" ? 1 : 0);
    }
  }

  /**
   * Every name CONFIG GET's patterns match (aliases included) with its
   * current value, in table order. Hidden directives, which only their exact
   * name finds, are left out unless `includeHidden`.
   */
  entries(includeHidden = false): [string, string][] {
    const out: [string, string][] = [];
    for (const d of DIRECTIVES) {
      if (d.hidden && !includeHidden) continue;
      const value = this.#values.get(d.name)!;
      out.push([d.name, value]);
      for (const alias of d.aliases ?? []) out.push([alias, value]);
    }
    return out;
  }
}

/** A CONFIG SET failure: the directive it concerns and Redis's reason. */
export class ConfigSetError extends Error {
  /**
   * Wraps `cause` (a ConfigError, or an unexpected error) for `directive`,
   * the `index`th pair given to setMany.
   */
  constructor(
    readonly directive: Directive,
    readonly index: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "ConfigSetError";
  }
}

function unwrap(result: string | { error: string }): string {
  if (typeof result !== "string") throw new ConfigError(result.error);
  return result;
}

/**
 * Parses an int or memory value the way Redis's numeric configs do (memory
 * units first, then "N%", then octal, else a strict integer) into the
 * signed 64-bit value Redis holds, or throws Redis's error for the kind.
 */
function parseNumber(d: Directive, text: string): bigint {
  if (d.kind === "memory") {
    const n = parseMemoryValue(text);
    if (n !== null) return BigInt.asIntN(64, n);
  }
  if (d.percent && text.length > 1 && text.endsWith("%")) {
    const n = parseStrictInteger(text.slice(0, -1));
    // Redis keeps a percentage as a negative number.
    if (n !== null && n >= 0n) return -n;
  }
  if (d.octal) {
    const match = /^[ \t\n\v\f\r]*([+-]?)([0-7]*)$/.exec(text);
    // strtoll in base 8; no digits at all reads as 0, like C.
    if (match !== null && (match[2] !== "" || text === "")) {
      const n = match[2] === "" ? 0n : BigInt("0o" + match[2]);
      if (n <= LLONG_MAX) return match[1] === "-" ? -n : n;
    }
  }
  if (d.kind === "int" && !d.octal) {
    const n = parseStrictInteger(text);
    if (n !== null) return n;
  }
  throw new ConfigError(
    d.kind === "memory"
      ? d.percent
        ? "argument must be a memory or percent value"
        : "argument must be a memory value"
      : d.octal
      ? "argument couldn't be parsed as an octal number"
      : "argument couldn't be parsed into an integer",
  );
}

/** Redis's bounds check of a parsed numeric value. */
function checkRange(d: Directive, n: bigint): void {
  const min = d.min!;
  const max = d.max!;
  if (d.percent && n < 0n) {
    if (n < min) {
      throw new ConfigError(
        `percentage argument must be less or equal to ${-min}`,
      );
    }
    return;
  }
  // Unsigned 64-bit configs compare the value as unsigned.
  const value = max > LLONG_MAX ? BigInt.asUintN(64, n) : n;
  if (value < min || value > max) {
    const show = (b: bigint) => d.octal ? b.toString(8) : String(b);
    throw new ConfigError(
      `argument must be between ${show(min)} and ${show(max)} inclusive`,
    );
  }
}

/** A parsed numeric value as CONFIG GET shows it. */
function formatNumber(d: Directive, n: bigint): string {
  if (d.percent && n < 0n) return `${-n}%`;
  if (d.kind === "memory") return String(BigInt.asUintN(64, n));
  if (d.octal) return n.toString(8);
  if (d.clamp !== undefined) {
    const [low, high] = d.clamp;
    return String(Math.min(high, Math.max(low, Number(n))));
  }
  return String(n);
}

/**
 * CONFIG SET dir refuses a directory the process may not write to (its
 * Deno permissions, fixed when it was launched), before changing into it,
 * so that SAVE cannot plant files outside the directories it was given.
 * Start-up does not check: `dir` lines read there are what the launcher
 * granted.
 */
function refuseUnwritableDir(value: string): void {
  const problem = dirWriteRefusal(binaryToText(value));
  if (problem !== null) throw new ConfigError(problem);
}

/**
 * "dir" takes effect at once, as in Redis: the process changes into the
 * directory, and the value becomes the absolute path.
 */
function changeDirectory(value: string): string {
  try {
    Deno.chdir(binaryToText(value));
  } catch (error) {
    throw new ConfigError(osErrorText(error));
  }
  return textToBinary(Deno.cwd());
}
