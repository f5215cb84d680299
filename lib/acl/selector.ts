/**
 * ACL selectors: what a user may run (a bitmap over the numbered commands,
 * plus allowed first arguments), which keys it may read or write, and which
 * Pub/Sub channels it may use. A user has a root selector and any number of
 * extra "(...)" selectors; a command is allowed when one of them allows it.
 *
 * @module
 */

import { globMatch } from "../store/glob.ts";
import { bytesToString } from "../util/bytes.ts";
import type { CommandSpec, KeyReference } from "../commands/spec.ts";
import { ACL_CATEGORIES, FLAG_BITS } from "../commands/define.ts";
import { type AclCommandIndex, asciiLower } from "./command_index.ts";

/** Why a rule was refused, as Redis's errno values name the cases. */
export type RuleError =
  | "unknown-name"
  | "syntax"
  | "key-after-all"
  | "channel-after-all"
  | "no-such-password"
  | "bad-hash"
  | "duplicate-user"
  | "first-arg-of-subcommand";

/** Redis's text for each rule error (ACLSetUserStringError). */
export const RULE_ERROR_TEXT: { readonly [error in RuleError]: string } = {
  "unknown-name": "Unknown command or category name in ACL",
  syntax: "Syntax error",
  "key-after-all":
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  "channel-after-all":
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  "no-such-password":
    "The password you are trying to remove from the user does not exist",
  "bad-hash":
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
  "duplicate-user":
    "Duplicate user found. A user can only be defined once in config files",
  "first-arg-of-subcommand":
    "Allowing first-arg of a subcommand is not supported",
};

/** Key permission bits of a key pattern. */
const READ = 1;
/** The access bit a key read needs, for {@linkcode Selector.keyAllowed}. */
export const READ_ACCESS: number = READ;
const WRITE = 2;
const READ_WRITE = READ | WRITE;

/** A key pattern with the access it grants. */
export interface KeyPattern {
  /** The glob keys are matched against. */
  readonly pattern: string;
  /** Read (1), write (2) or both (3). */
  access: number;
}

/** Why a selector (or a user) refuses a command, with Redis's ordering. */
export type DenialReason = "command" | "key" | "channel";

/** A refused command: the reason and, for keys and channels, the argument. */
export interface Denial {
  /** What was refused. */
  readonly reason: DenialReason;
  /** Position of the refused key or channel argument (0 for a command). */
  readonly index: number;
}

/** The denial of a command itself (no argument to blame). */
export const COMMAND_DENIED: Denial = Object.freeze({
  reason: "command",
  index: 0,
});

/** Order of the reasons when several selectors refuse (Redis's ACL_DENIED_*). */
const REASON_RANK: { readonly [reason in DenialReason]: number } = {
  command: 1,
  key: 2,
  channel: 4,
};

/** Picks the denial Redis reports among those of several selectors. */
export function moreRelevant(a: Denial, b: Denial): Denial {
  const ra = REASON_RANK[a.reason];
  const rb = REASON_RANK[b.reason];
  if (rb > ra || (rb === ra && b.index > a.index)) return b;
  return a;
}

/** The access a key needs, from its key-spec flags (Redis's ACLSelectorCheckKey). */
function neededAccess(key: KeyReference): number {
  let access = 0;
  for (const flag of key.flags) {
    if (flag === "access") access |= READ;
    else if (flag === "insert" || flag === "delete" || flag === "update") {
      access |= WRITE;
    }
  }
  return access;
}

/** Where a command's channel arguments are, if it has any ACL checks. */
function channelArguments(
  spec: CommandSpec,
  argc: number,
): { first: number; count: number; literal: boolean } | null {
  switch (spec.fullName) {
    case "publish":
    case "spublish":
      return { first: 1, count: 1, literal: false };
    case "subscribe":
    case "ssubscribe":
      return { first: 1, count: argc - 1, literal: false };
    case "psubscribe":
      return { first: 1, count: argc - 1, literal: true };
    default:
      return null;
  }
}

/**
 * Whether `channel` is allowed by `patterns`: matched as a glob, or for a
 * PSUBSCRIBE pattern (`literal`), only by an identical pattern.
 */
export function channelAllowed(
  patterns: readonly string[],
  channel: string,
  literal: boolean,
): boolean {
  for (const pattern of patterns) {
    if (literal ? pattern === channel : globMatch(pattern, channel)) {
      return true;
    }
  }
  return false;
}

/** Whether a user name or pattern has the characters Redis refuses. */
export function hasSpaces(text: string): boolean {
  return /[\t\n\v\f\r \0]/.test(text);
}

/** Options of a new {@linkcode Selector}. */
export interface SelectorOptions {
  /** Whether it starts with every channel (acl-pubsub-default allchannels). */
  readonly allChannels: boolean;
}

/** One selector: commands, keys and channels it allows. */
export class Selector {
  /** Every key is allowed (allkeys, ~*). */
  allKeys = false;
  /** Every channel is allowed (allchannels, &*). */
  allChannels: boolean;
  /** Every command is allowed: +@all with nothing removed since. */
  allCommands = false;
  /** 1 where the command of that number is allowed; last: the future bit. */
  commands: Uint8Array;
  /** First arguments allowed for otherwise refused commands, by number. */
  firstArgs: Map<number, string[]> | null = null;
  /** Key patterns, in the order they were added. */
  keys: KeyPattern[] = [];
  /** Channel patterns, in the order they were added. */
  channels: string[] = [];

  /** Creates a selector that allows nothing (but channels, if so configured). */
  constructor(readonly index: AclCommandIndex, options: SelectorOptions) {
    this.allChannels = options.allChannels;
    this.commands = new Uint8Array(index.futureBit + 1);
  }

  /** An independent copy. */
  copy(): Selector {
    const copy = new Selector(this.index, {
      allChannels: this.allChannels,
    });
    copy.allKeys = this.allKeys;
    copy.allCommands = this.allCommands;
    copy.commands.set(this.commands);
    if (this.firstArgs !== null) {
      copy.firstArgs = new Map(
        [...this.firstArgs].map(([id, args]) => [id, [...args]]),
      );
    }
    copy.keys = this.keys.map((k) => ({ ...k }));
    copy.channels = [...this.channels];
    return copy;
  }

  #setBit(id: number, allowed: boolean): void {
    this.commands[id] = allowed ? 1 : 0;
    if (!allowed) this.allCommands = false;
  }

  /** Allows or refuses a command and, for a container, its subcommands. */
  #change(spec: CommandSpec, allowed: boolean): void {
    const id = this.index.idOf(spec);
    this.#setBit(id, allowed);
    this.firstArgs?.delete(id);
    for (const sub of spec.subcommands ?? []) {
      this.#setBit(this.index.idOf(sub), allowed);
    }
  }

  /** +@category or -@category, walking the table as Redis does. */
  #changeCategory(category: string, allowed: boolean): void {
    const index = this.index;
    for (const spec of index.topLevel) {
      if (index.inCategory(spec, category)) this.#change(spec, allowed);
      for (const sub of spec.subcommands ?? []) {
        if (index.inCategory(sub, category)) this.#change(sub, allowed);
      }
    }
  }

  #allowFirstArg(id: number, arg: string): void {
    this.firstArgs ??= new Map();
    const args = this.firstArgs.get(id);
    if (args === undefined) this.firstArgs.set(id, [arg]);
    else if (!args.some((a) => asciiLower(a) === asciiLower(arg))) {
      args.push(arg);
    }
  }

  /**
   * Applies one selector rule (a binary string), as Redis's ACLSetSelector;
   * returns why it was refused, or null.
   */
  apply(rule: string): RuleError | null {
    const lower = asciiLower(rule);
    if (lower === "allkeys" || lower === "~*") {
      this.allKeys = true;
      this.keys = [];
    } else if (lower === "resetkeys") {
      this.allKeys = false;
      this.keys = [];
    } else if (lower === "allchannels" || lower === "&*") {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === "resetchannels") {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === "allcommands" || lower === "+@all") {
      this.commands.fill(1);
      this.allCommands = true;
      this.firstArgs = null;
    } else if (lower === "nocommands" || lower === "-@all") {
      this.commands.fill(0);
      this.allCommands = false;
      this.firstArgs = null;
    } else if (rule[0] === "~" || rule[0] === "%") {
      return this.#addKeyPattern(rule);
    } else if (rule[0] === "&") {
      if (this.allChannels) return "channel-after-all";
      const pattern = rule.slice(1);
      if (hasSpaces(pattern)) return "syntax";
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
    } else if (rule[0] === "+" && rule[1] !== "@") {
      return this.#allowCommand(rule.slice(1));
    } else if (rule[0] === "-" && rule[1] !== "@") {
      const spec = this.index.lookup(rule.slice(1));
      if (spec === undefined) return "unknown-name";
      this.#change(spec, false);
    } else if ((rule[0] === "+" || rule[0] === "-") && rule[1] === "@") {
      const category = asciiLower(rule.slice(2));
      if (!ACL_CATEGORIES.includes(category)) return "unknown-name";
      this.#changeCategory(category, rule[0] === "+");
    } else return "syntax";
    return null;
  }

  #addKeyPattern(rule: string): RuleError | null {
    if (this.allKeys) return "key-after-all";
    let access = 0;
    let offset = 1;
    if (rule[0] === "%") {
      for (; offset < rule.length; offset++) {
        const c = rule[offset].toUpperCase();
        if (c === "R" && (access & READ) === 0) access |= READ;
        else if (c === "W" && (access & WRITE) === 0) access |= WRITE;
        else if (rule[offset] === "~") {
          offset++;
          break;
        } else return "syntax";
      }
      if (access === 0) return "syntax";
    } else access = READ_WRITE;
    const pattern = rule.slice(offset);
    if (hasSpaces(pattern)) return "syntax";
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing === undefined) this.keys.push({ pattern, access });
    else existing.access |= access;
    this.allKeys = false;
    return null;
  }

  /** +command, +container|subcommand, or +command|first-arg. */
  #allowCommand(name: string): RuleError | null {
    const bar = name.lastIndexOf("|");
    if (bar < 0) {
      const spec = this.index.lookup(name);
      if (spec === undefined) return "unknown-name";
      this.#change(spec, true);
      return null;
    }
    const spec = this.index.lookup(name.slice(0, bar));
    if (spec === undefined) return "unknown-name";
    if (this.index.parentOf(spec) !== undefined) {
      return "first-arg-of-subcommand";
    }
    const arg = name.slice(bar + 1);
    if (arg === "") return "syntax";
    if (spec.subcommands !== undefined) {
      const sub = this.index.lookup(name);
      if (sub === undefined) return "unknown-name";
      this.#change(sub, true);
    } else this.#allowFirstArg(this.index.idOf(spec), arg);
    return null;
  }

  /**
   * Whether this selector lets `spec` run with `args` (Redis's
   * ACLSelectorCheckCmd); `keys` gives the command's keys, found once for
   * all selectors.
   */
  check(
    spec: CommandSpec,
    args: readonly Uint8Array[],
    keys: () => readonly KeyReference[],
  ): Denial | null {
    if (!this.allCommands && (spec.flagBits & FLAG_BITS.no_auth) === 0) {
      const id = this.index.idOf(spec);
      if (this.commands[id] === 0) {
        const allowed = this.firstArgs?.get(id);
        const at = this.index.parentOf(spec) === undefined ? 1 : 2;
        if (
          allowed === undefined || args.length < 2 ||
          !allowed.some((a) =>
            asciiLower(a) === asciiLower(bytesToString(args[at]))
          )
        ) {
          return COMMAND_DENIED;
        }
      }
    }
    if (!this.allKeys) {
      for (const key of keys()) {
        if (
          !this.keyAllowed(bytesToString(args[key.index]), neededAccess(key))
        ) {
          return { reason: "key", index: key.index };
        }
      }
    }
    if (!this.allChannels) {
      const channels = channelArguments(spec, args.length);
      if (channels !== null) {
        const end = channels.first + channels.count;
        for (let i = channels.first; i < end; i++) {
          const channel = bytesToString(args[i]);
          if (!channelAllowed(this.channels, channel, channels.literal)) {
            return { reason: "channel", index: i };
          }
        }
      }
    }
    return null;
  }

  /** Whether `key` may be used with the access bits `access`. */
  keyAllowed(key: string, access: number): boolean {
    if (this.allKeys) return true;
    for (const pattern of this.keys) {
      if ((pattern.access & access) !== access) continue;
      if (globMatch(pattern.pattern, key)) return true;
    }
    return false;
  }

  /** The key patterns as ACL GETUSER shows them ("~*", "%R~a* ~b"). */
  describeKeys(): string {
    if (this.allKeys) return "~*";
    return this.keys.map(describeKeyPattern).join(" ");
  }

  /** The channel patterns as ACL GETUSER shows them ("&*", "&a &b"). */
  describeChannels(): string {
    if (this.allChannels) return "&*";
    return this.channels.map((c) => "&" + c).join(" ");
  }

  /** The selector as ACL LIST shows it: keys, channels, then commands. */
  describe(): string {
    let text = "";
    if (this.allKeys) text += "~* ";
    else for (const key of this.keys) text += describeKeyPattern(key) + " ";
    if (this.allChannels) text += "&* ";
    else {
      text += "resetchannels ";
      for (const channel of this.channels) text += `&${channel} `;
    }
    return text + this.describeCommands();
  }

  /**
   * Rules that rebuild this selector's command bitmap, as Redis's
   * ACLDescribeSelectorCommandRules finds them: +@all or -@all (by the
   * future bit), then categories that fit best, one at a time, then the
   * single commands (and first arguments) still different.
   */
  describeCommands(): string {
    const index = this.index;
    const rules: string[] = [];
    const fake = new Selector(index, { allChannels: false });
    const additive = this.commands[index.futureBit] === 0;
    rules.push(additive ? "-@all" : "+@all");
    fake.apply(additive ? "-@all" : "+@all");
    // What is left to explain: a category applied is taken out of it.
    const rest = new Selector(index, { allChannels: false });
    rest.commands.set(this.commands);
    const applied = new Set<string>();
    while (true) {
      let best: string | null = null;
      let fewestDifferent = Infinity;
      let mostSame = 0;
      for (const category of ACL_CATEGORIES) {
        if (applied.has(category)) continue;
        const { on, off } = rest.#countCategory(category);
        const different = additive ? off : on;
        const same = additive ? on : off;
        if (
          same > different &&
          (different < fewestDifferent ||
            (different === fewestDifferent && same > mostSame))
        ) {
          best = category;
          fewestDifferent = different;
          mostSame = same;
        }
      }
      if (best === null) break;
      const sign = additive ? "+" : "-";
      fake.apply(`${sign}@${best}`);
      rest.apply(`${additive ? "-" : "+"}@${best}`);
      rules.push(`${sign}@${best}`);
      applied.add(best);
    }
    for (const spec of index.topLevel) {
      this.#describeSingle(spec, fake, rules);
      for (const sub of spec.subcommands ?? []) {
        this.#describeSingle(sub, fake, rules);
      }
      // Only top-level commands have first arguments (no subcommand's).
      this.#describeFirstArgs(spec, rules);
    }
    return rules.join(" ");
  }

  #describeSingle(spec: CommandSpec, fake: Selector, rules: string[]): void {
    const id = this.index.idOf(spec);
    const mine = this.commands[id] === 1;
    if (mine !== (fake.commands[id] === 1)) {
      rules.push((mine ? "+" : "-") + spec.fullName);
      fake.#change(spec, mine);
    }
  }

  #describeFirstArgs(spec: CommandSpec, rules: string[]): void {
    const id = this.index.idOf(spec);
    if (this.commands[id] === 1) return;
    for (const arg of this.firstArgs?.get(id) ?? []) {
      rules.push(`+${spec.fullName}|${arg}`);
    }
  }

  #countCategory(category: string): { on: number; off: number } {
    const index = this.index;
    let on = 0;
    let off = 0;
    const specs = index.specs;
    for (let id = 0; id < specs.length; id++) {
      if (!index.inCategory(specs[id], category)) continue;
      if (this.commands[id] === 1) on++;
      else off++;
    }
    return { on, off };
  }
}

function describeKeyPattern(key: KeyPattern): string {
  const prefix = key.access === READ_WRITE
    ? "~"
    : key.access === READ
    ? "%R~"
    : "%W~";
  return prefix + key.pattern;
}
