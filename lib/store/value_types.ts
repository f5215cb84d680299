/**
 * Per-type operations that generic key commands need (COPY, OBJECT
 * ENCODING), registered by each type's module so that key commands do not
 * depend on every type.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { ValueType } from "./database.ts";

/**
 * A value in a type-neutral form, as persistence reads and writes it: each
 * type converts its in-memory structure to and from this form.
 */
export type PlainValue =
  | { readonly type: "string"; readonly value: Uint8Array }
  | { readonly type: "list"; readonly items: Uint8Array[] }
  | { readonly type: "set"; readonly members: Uint8Array[] }
  | { readonly type: "hash"; readonly pairs: [Uint8Array, Uint8Array][] }
  | { readonly type: "zset"; readonly entries: [Uint8Array, number][] }
  | { readonly type: "stream"; readonly stream: unknown };

/** What generic code needs to know about values of one type. */
export interface ValueTypeOps {
  /** A deep copy of a value (COPY). */
  copy(value: unknown): unknown;
  /** The encoding Redis would report for this value (OBJECT ENCODING). */
  encoding(value: unknown, config: Config, flags: number): string;
  /**
   * The value's estimated bytes, collections estimated from their first
   * `samples` elements (all with 0); see lib/store/memory_usage.ts.
   */
  memoryBytes(value: unknown, samples: number): number;
  /** The value in plain form, for saving (RDB, DUMP, AOF rewrite). */
  toPlain?(value: unknown): PlainValue;
  /**
   * Builds an in-memory value from its plain form (loading). Returns the
   * value and the Entry flags it needs.
   */
  fromPlain?(
    plain: PlainValue,
    config: Config,
  ): { value: unknown; flags: number };
}

/** Whether a type's module has been loaded and registered. */
export function hasValueType(type: ValueType): boolean {
  return registry.has(type);
}

const registry = new Map<ValueType, ValueTypeOps>();

/** Registers the operations of a value type; called once by the type's module. */
export function registerValueType(type: ValueType, ops: ValueTypeOps): void {
  registry.set(type, ops);
}

/** The operations of a value type. */
export function valueTypeOps(type: ValueType): ValueTypeOps {
  const ops = registry.get(type);
  if (ops === undefined) throw new Error(`no operations for type ${type}`);
  return ops;
}
