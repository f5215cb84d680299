/**
 * The commands as ACL rules see them: every command and subcommand of the
 * command table with a number (its bit in a selector's command bitmap), in
 * the order Redis walks its command table (each command, then its
 * subcommands), and the ACL categories from the table.
 *
 * @module
 */

import type { CommandSpec } from "../commands/spec.ts";
import type { CommandTable } from "../commands/table.ts";

/** Lower-cases ASCII letters only, as Redis's strcasecmp compares. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Commands numbered for ACL bitmaps. */
export class AclCommandIndex {
  /** Every command and subcommand, by number. */
  readonly specs: readonly CommandSpec[];
  /**
   * The top-level commands in table order; a command's subcommands follow
   * it when Redis walks the table.
   */
  readonly topLevel: readonly CommandSpec[];
  /**
   * One bit past the commands: set only by +@all, so a selector that
   * started from +@all is told from one that added every command.
   */
  readonly futureBit: number;
  readonly #ids = new Map<CommandSpec, number>();
  readonly #table: CommandTable;
  readonly #categories = new Map<CommandSpec, ReadonlySet<string>>();

  /** Numbers the commands of `table`. */
  constructor(table: CommandTable) {
    this.#table = table;
    const specs: CommandSpec[] = [];
    const add = (spec: CommandSpec) => {
      this.#ids.set(spec, specs.length);
      specs.push(spec);
      this.#categories.set(
        spec,
        new Set(spec.aclCategories.map((c) => c.slice(1))),
      );
    };
    const topLevel = [...table.all()];
    for (const spec of topLevel) {
      add(spec);
      for (const sub of spec.subcommands ?? []) add(sub);
    }
    this.specs = specs;
    this.topLevel = topLevel;
    this.futureBit = specs.length;
  }

  /** The number of a command or subcommand of the table. */
  idOf(spec: CommandSpec): number {
    return this.#ids.get(spec)!;
  }

  /** Whether `spec` is in ACL category `category` (without "@"). */
  inCategory(spec: CommandSpec, category: string): boolean {
    return this.#categories.get(spec)!.has(category);
  }

  /**
   * The command named `name` in any letter case: "get", or "config|get"
   * for a subcommand (Redis's lookupCommandBySds).
   */
  lookup(name: string): CommandSpec | undefined {
    const parts = asciiLower(name).split("|");
    if (parts.length > 2) return undefined;
    const top = this.#table.lookup(parts[0]);
    if (top === undefined || parts.length === 1) return top;
    if (top.subcommands === undefined) return undefined;
    return this.#table.lookupSubcommand(top, parts[1]);
  }

  /** The container of a subcommand, if `spec` is one. */
  parentOf(spec: CommandSpec): CommandSpec | undefined {
    return this.#table.parent(spec);
  }
}
