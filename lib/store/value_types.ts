/**
 * Per-type operations that generic key commands need (COPY, OBJECT
 * ENCODING), registered by each type's module so that key commands do not
 * depend on every type.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { ValueType } from "./database.ts";

/** What generic code needs to know about values of one type. */
export interface ValueTypeOps {
  /** A deep copy of a value (COPY). */
  copy(value: unknown): unknown;
  /** The encoding Redis would report for this value (OBJECT ENCODING). */
  encoding(value: unknown, config: Config, flags: number): string;
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
