/**
 * The command table: every command this server implements, gathered from the
 * modules that implement them. Dispatch, arity checks and COMMAND all read it.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** Commands indexed by name, with their subcommands. */
export class CommandTable {
  readonly #commands = new Map<string, CommandSpec>();
  readonly #subcommands = new Map<CommandSpec, Map<string, CommandSpec>>();
  readonly #parents = new Map<CommandSpec, CommandSpec>();

  /** Builds the table; a duplicate name is a programming error. */
  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      if (this.#commands.has(spec.name)) {
        throw new Error(`command ${spec.name} registered twice`);
      }
      this.#commands.set(spec.name, spec);
      if (spec.subcommands === undefined) continue;
      const subs = new Map<string, CommandSpec>();
      for (const sub of spec.subcommands) {
        subs.set(sub.name, sub);
        this.#parents.set(sub, spec);
      }
      this.#subcommands.set(spec, subs);
    }
  }

  /** The command named `name` (lower-case), if any. */
  lookup(name: string): CommandSpec | undefined {
    return this.#commands.get(name);
  }

  /** The subcommand `name` (lower-case) of a container command, if any. */
  lookupSubcommand(
    parent: CommandSpec,
    name: string,
  ): CommandSpec | undefined {
    return this.#subcommands.get(parent)?.get(name);
  }

  /** The container command of a subcommand. */
  parent(spec: CommandSpec): CommandSpec | undefined {
    return this.#parents.get(spec);
  }

  /** All top-level commands, in registration order. */
  all(): IterableIterator<CommandSpec> {
    return this.#commands.values();
  }

  /** Number of top-level commands. */
  get size(): number {
    return this.#commands.size;
  }
}
