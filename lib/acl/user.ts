/**
 * ACL users: flags, password hashes and selectors, changed by rules in
 * ACL SETUSER's grammar and described back in it (ACL LIST, ACL SAVE).
 *
 * @module
 */

import { splitInlineArgs } from "../resp/inline.ts";
import { sha256 } from "../util/sha256.ts";
import { toHex } from "../util/sha1.ts";
import { bytesToString, stringToBytes } from "../util/bytes.ts";
import type { CommandSpec, KeyReference } from "../commands/spec.ts";
import { type AclCommandIndex, asciiLower } from "./command_index.ts";
import {
  COMMAND_DENIED,
  type Denial,
  moreRelevant,
  READ_ACCESS,
  type RuleError,
  Selector,
} from "./selector.ts";

/** The SHA-256 of a password (a binary string) as lower-case hex. */
export function hashPassword(password: string): string {
  return toHex(sha256(stringToBytes(password)));
}

function validHash(hash: string): boolean {
  return /^[0-9a-f]{64}$/.test(hash);
}

/** Compares two hashes in time independent of where they differ. */
function sameHash(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) {
    diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }
  return diff === 0;
}

/**
 * Joins the rules of a selector written over several arguments ("(+get"
 * "~k)") into one, as Redis's ACLMergeSelectorArguments; returns the
 * position of an unclosed "(" when there is one.
 */
export function mergeSelectorArguments(
  rules: readonly string[],
): { rules: string[] } | { unclosedAt: number } {
  const merged: string[] = [];
  let open = -1;
  let selector = "";
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule[0] === "(" && rule[rule.length - 1] !== ")") {
      selector = rule;
      open = i;
      continue;
    }
    if (open !== -1) {
      selector += " " + rule;
      if (rule[rule.length - 1] === ")") {
        open = -1;
        merged.push(selector);
      }
      continue;
    }
    merged.push(rule);
  }
  return open === -1 ? { rules: merged } : { unclosedAt: open };
}

/** Options of a new {@linkcode User}. */
export interface UserOptions {
  /** The commands rules name. */
  readonly index: AclCommandIndex;
  /** Whether new selectors start with every channel (acl-pubsub-default). */
  readonly allChannelsByDefault: () => boolean;
}

/** One ACL user. */
export class User {
  /** Whether the user may authenticate ("on"). */
  enabled = false;
  /** Any password authenticates ("nopass"). */
  nopass = false;
  /** RESTORE payloads: "sanitize-payload", "skip-sanitize-payload", or unset. */
  sanitizePayload: "sanitize" | "skip" | null = null;
  /** SHA-256 hex hashes of the passwords, in the order they were added. */
  passwords: string[] = [];
  /** The root selector first, then the "(...)" selectors. */
  selectors: Selector[];
  readonly #options: UserOptions;

  /** Creates a user that is off, with no password and no permissions. */
  constructor(readonly name: string, options: UserOptions) {
    this.#options = options;
    this.selectors = [this.#newSelector()];
  }

  #newSelector(): Selector {
    return new Selector(this.#options.index, {
      allChannels: this.#options.allChannelsByDefault(),
    });
  }

  /** The rules outside parentheses. */
  get root(): Selector {
    return this.selectors[0];
  }

  /** A detached copy (same name) to stage changes on. */
  copy(): User {
    const copy = new User(this.name, this.#options);
    copy.copyFrom(this);
    return copy;
  }

  /** Takes every setting of `other`, keeping this user's name and identity. */
  copyFrom(other: User): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitizePayload = other.sanitizePayload;
    this.passwords = [...other.passwords];
    this.selectors = other.selectors.map((s) => s.copy());
  }

  /**
   * Whether the user may run anything on any key and channel: the default
   * user's usual state, checked first so that it costs nothing per command.
   */
  get unrestricted(): boolean {
    const root = this.selectors[0];
    return root.allCommands && root.allKeys && root.allChannels;
  }

  /**
   * Applies one rule (a binary string), as Redis's ACLSetUser; returns why
   * it was refused, or null.
   */
  apply(rule: string): RuleError | null {
    if (rule === "") return null;
    const lower = asciiLower(rule);
    switch (lower) {
      case "on":
        this.enabled = true;
        return null;
      case "off":
        this.enabled = false;
        return null;
      case "skip-sanitize-payload":
        this.sanitizePayload = "skip";
        return null;
      case "sanitize-payload":
        this.sanitizePayload = "sanitize";
        return null;
      case "nopass":
        this.nopass = true;
        this.passwords = [];
        return null;
      case "resetpass":
        this.nopass = false;
        this.passwords = [];
        return null;
      case "clearselectors":
        this.selectors = [this.selectors[0]];
        return null;
      case "reset":
        this.apply("resetpass");
        this.apply("resetkeys");
        this.apply("resetchannels");
        if (this.#options.allChannelsByDefault()) this.apply("allchannels");
        this.apply("off");
        this.apply("sanitize-payload");
        this.apply("clearselectors");
        this.apply("-@all");
        return null;
    }
    const first = rule[0];
    if (first === ">" || first === "#") {
      const hash = first === ">" ? hashPassword(rule.slice(1)) : rule.slice(1);
      if (first === "#" && !validHash(hash)) return "bad-hash";
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
      return null;
    }
    if (first === "<" || first === "!") {
      const hash = first === "<" ? hashPassword(rule.slice(1)) : rule.slice(1);
      if (first === "!" && !validHash(hash)) return "bad-hash";
      const at = this.passwords.indexOf(hash);
      if (at < 0) return "no-such-password";
      this.passwords.splice(at, 1);
      return null;
    }
    if (first === "(" && rule[rule.length - 1] === ")") {
      const selector = this.#newSelector();
      // Like Redis, unbalanced quotes inside give an empty selector.
      const words = splitInlineArgs(stringToBytes(rule.slice(1, -1))) ?? [];
      for (const word of words) {
        const error = selector.apply(bytesToString(word));
        if (error !== null) return error;
      }
      this.selectors.push(selector);
      return null;
    }
    return this.selectors[0].apply(rule);
  }

  /**
   * Applies rules in order, stopping at the first refused one; returns it
   * with the error, or null when all applied.
   */
  applyAll(
    rules: readonly string[],
  ): { readonly rule: string; readonly error: RuleError } | null {
    for (const rule of rules) {
      const error = this.apply(rule);
      if (error !== null) return { rule, error };
    }
    return null;
  }

  /** Whether `password` (a binary string) authenticates this user. */
  checkPassword(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const hash = hashPassword(password);
    let found = false;
    for (const candidate of this.passwords) {
      if (sameHash(candidate, hash)) found = true;
    }
    return found;
  }

  /**
   * Why this user may not run `spec` with `args`, or null when some
   * selector allows it (Redis's ACLCheckAllUserCommandPerm).
   */
  check(
    spec: CommandSpec,
    args: readonly Uint8Array[],
    findKeys: (
      spec: CommandSpec,
      args: readonly Uint8Array[],
    ) => readonly KeyReference[],
  ): Denial | null {
    let keys: readonly KeyReference[] | null = null;
    const keysOnce = () => keys ??= findKeys(spec, args);
    let relevant = COMMAND_DENIED;
    for (const selector of this.selectors) {
      const denial = selector.check(spec, args, keysOnce);
      if (denial === null) return null;
      relevant = moreRelevant(relevant, denial);
    }
    return relevant;
  }

  /** Whether some selector lets every key be read (the key "*" matches). */
  get mayReadEveryKey(): boolean {
    return this.selectors.some((s) => s.keyAllowed("*", READ_ACCESS));
  }

  /** Whether some selector allows every channel. */
  get anyAllChannels(): boolean {
    return this.selectors.some((s) => s.allChannels);
  }

  /** Every channel pattern of every selector. */
  channelPatterns(): string[] {
    return this.selectors.flatMap((s) => s.channels);
  }

  /** The flags ACL GETUSER lists, in Redis's order. */
  flags(): string[] {
    const flags = [this.enabled ? "on" : "off"];
    if (this.nopass) flags.push("nopass");
    if (this.sanitizePayload === "skip") flags.push("skip-sanitize-payload");
    if (this.sanitizePayload === "sanitize") flags.push("sanitize-payload");
    return flags;
  }

  /**
   * The user as rules (ACL LIST without "user <name> "): flags, password
   * hashes, the root selector, then each selector in parentheses.
   */
  describe(): string {
    let text = this.flags().map((f) => f + " ").join("");
    for (const hash of this.passwords) text += `#${hash} `;
    text += this.selectors[0].describe();
    for (const selector of this.selectors.slice(1)) {
      text += ` (${selector.describe()})`;
    }
    return text;
  }
}
