/**
 * The live configuration: every supported directive's current value, with
 * Redis's validation rules for setting them.
 *
 * @module
 */

import { type Directive, DIRECTIVES } from "./directives.ts";

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

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Parses a memory value like "512mb" or "1gb" (Redis's memtoull). */
export function parseMemory(text: string): number | null {
  const match = /^(-?\d+)([a-z]*)$/i.exec(text);
  if (match === null) return null;
  const unit = MEMORY_UNITS[match[2].toLowerCase()];
  if (unit === undefined) return null;
  return Number(match[1]) * unit;
}

/** Current configuration values, kept in the normalised form CONFIG GET shows. */
export class Config {
  readonly #values = new Map<string, string>();
  readonly #numbers = new Map<string, number>();
  /** Called after a directive's value changes. */
  readonly #listeners: ((name: string) => void)[] = [];

  /** Creates a configuration holding every default; `cwd` is the default dir. */
  constructor(cwd: string) {
    for (const d of DIRECTIVES) this.#store(d, d.defaultValue);
    this.#store(BY_NAME.get("dir")!, cwd);
  }

  /** Registers a callback run after any value changes. */
  onChange(listener: (name: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Current value of a directive, as CONFIG GET shows it. */
  get(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`unknown directive ${name}`);
    return value;
  }

  /** Current value of an int, memory or bool (1/0) directive. */
  number(name: string): number {
    const value = this.#numbers.get(name);
    if (value === undefined) throw new Error(`not a numeric directive ${name}`);
    return value;
  }

  /** Current value of a bool directive. */
  flag(name: string): boolean {
    return this.#numbers.get(name) === 1;
  }

  /** Checks `value` for directive `d`; returns the normalised form or throws ConfigError. */
  validate(d: Directive, value: string): string {
    switch (d.kind) {
      case "bool": {
        const v = value.toLowerCase();
        if (v !== "yes" && v !== "no") {
          throw new ConfigError("argument must be 'yes' or 'no'");
        }
        return v;
      }
      case "int": {
        if (!/^-?\d+$/.test(value)) {
          throw new ConfigError("argument couldn't be parsed into an integer");
        }
        const n = Number(value);
        this.#checkRange(d, n);
        return String(n);
      }
      case "memory": {
        const n = parseMemory(value);
        if (n === null) {
          throw new ConfigError("argument must be a memory value");
        }
        this.#checkRange(d, n);
        return String(n);
      }
      case "enum": {
        const v = value.toLowerCase();
        if (!d.values!.includes(v)) {
          throw new ConfigError(
            `argument(s) must be one of the following: ${d.values!.join(", ")}`,
          );
        }
        return v;
      }
      case "string":
        return value;
      case "special": {
        if (d.normalize === undefined) return value;
        const result = d.normalize(value);
        if (typeof result !== "string") throw new ConfigError(result.error);
        return result;
      }
    }
  }

  #checkRange(d: Directive, n: number): void {
    if (
      (d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)
    ) {
      throw new ConfigError(
        `argument must be between ${d.min} and ${d.max} inclusive`,
      );
    }
  }

  /** Validates and stores a value for directive `name` (used at start-up). */
  set(name: string, value: string): void {
    const d = findDirective(name);
    if (d === undefined) {
      throw new ConfigError("Bad directive or wrong number of arguments");
    }
    this.#store(d, this.validate(d, value));
    for (const listener of this.#listeners) listener(d.name);
  }

  /**
   * Sets several directives at once, all or nothing (CONFIG SET). Each pair is
   * validated before any is applied.
   */
  setMany(pairs: readonly [Directive, string][]): void {
    const normalised = pairs.map(([d, v]) => [d, this.validate(d, v)] as const);
    for (const [d, v] of normalised) this.#store(d, v);
    for (const [d] of normalised) {
      for (const listener of this.#listeners) listener(d.name);
    }
  }

  #store(d: Directive, value: string): void {
    this.#values.set(d.name, value);
    if (d.kind === "int" || d.kind === "memory") {
      this.#numbers.set(d.name, Number(value));
    } else if (d.kind === "bool") {
      this.#numbers.set(d.name, value === "yes" ? 1 : 0);
    }
  }

  /** All directives with their current values, in table order. */
  entries(): [string, string][] {
    return DIRECTIVES.map((d) => [d.name, this.#values.get(d.name)!]);
  }
}
