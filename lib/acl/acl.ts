/**
 * The ACL: the users by name (the default user always among them), the
 * ACL log, authentication, and loading and saving users (config file
 * `user` lines, `aclfile`). It knows nothing of connections: callers
 * disconnect the clients of users that go away.
 *
 * @module
 */

import type { CommandTable } from "../commands/table.ts";
import type { ConfigLine } from "../config/config.ts";
import { FatalConfigError } from "../config/load.ts";
import { AclCommandIndex } from "./command_index.ts";
import { AclLog } from "./log.ts";
import { hasSpaces, RULE_ERROR_TEXT } from "./selector.ts";
import { mergeSelectorArguments, User } from "./user.ts";
import { bytesToString, stringToBytes } from "../util/bytes.ts";
import {
  FileWriteError,
  osErrorText,
  replaceFileSafely,
} from "../util/files.ts";

/**
 * A start-up failure: the configuration's users cannot be loaded. Redis
 * logs the lines and exits.
 */
export class AclStartupError extends Error {
  /** `logLines` are what Redis logs before exiting. */
  constructor(readonly logLines: readonly string[]) {
    super(logLines.join("\n"));
    this.name = "AclStartupError";
  }
}

/** Options of an {@linkcode Acl}. */
export interface AclOptions {
  /** The commands rules name. */
  readonly table: CommandTable;
  /** acl-pubsub-default: whether new users start with every channel. */
  readonly allChannelsByDefault: () => boolean;
}

/** Why ACL LOAD failed, or which users it replaced. */
export type AclLoadResult =
  | { readonly ok: true; readonly replaced: readonly User[] }
  | { readonly ok: false; readonly error: string };

/** Users, authentication and the ACL log. */
export class Acl {
  /** Users by name (binary strings). */
  readonly users = new Map<string, User>();
  /** The user every connection starts as. */
  readonly defaultUser: User;
  /** The ACL log. */
  readonly log = new AclLog();
  /** The commands, numbered for permission bitmaps. */
  readonly index: AclCommandIndex;
  readonly #options: AclOptions;

  /** Creates the ACL with the default user: on, nopass, ~* &* +@all. */
  constructor(options: AclOptions) {
    this.#options = options;
    this.index = new AclCommandIndex(options.table);
    this.defaultUser = this.#createDefault();
    this.users.set("default", this.defaultUser);
  }

  #createDefault(): User {
    const user = this.detachedUser("default");
    user.applyAll(["+@all", "~*", "&*", "on", "nopass"]);
    return user;
  }

  /** A new user (off, no permissions) that is not registered. */
  detachedUser(name: string): User {
    return new User(name, {
      index: this.index,
      allChannelsByDefault: this.#options.allChannelsByDefault,
    });
  }

  /** The user named `name`, if any. */
  get(name: string): User | undefined {
    return this.users.get(name);
  }

  /** Registers `user` under its name. */
  add(user: User): void {
    this.users.set(user.name, user);
  }

  /** Removes a user; returns it, or undefined when there was none. */
  delete(name: string): User | undefined {
    const user = this.users.get(name);
    if (user !== undefined) this.users.delete(name);
    return user;
  }

  /** Users in name order (Redis keeps them in a radix tree). */
  sorted(): User[] {
    return [...this.users.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /**
   * The user `username` authenticates as with `password`, or null (unknown
   * user, disabled, wrong password).
   */
  authenticate(username: string, password: string): User | null {
    const user = this.users.get(username);
    if (user === undefined || !user.checkPassword(password)) return null;
    return user;
  }

  /** Whether connections start authenticated (the default user needs no password). */
  get defaultAuthenticates(): boolean {
    return this.defaultUser.nopass && this.defaultUser.enabled;
  }

  /** requirepass: sets the default user's only password ("" for nopass). */
  setDefaultPassword(password: string): void {
    this.defaultUser.apply("resetpass");
    this.defaultUser.apply(password === "" ? "nopass" : ">" + password);
  }

  /**
   * Loads the configuration's `user` lines at start-up, as Redis does:
   * a rule error is reported as a configuration error at its line, an
   * unknown command or category only once the users are loaded.
   */
  loadConfigured(users: readonly ConfigLine[], aclfile: string): void {
    if (users.length === 0) return;
    if (aclfile !== "") {
      throw new AclStartupError([
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.",
      ]);
    }
    const seen = new Set<string>();
    for (const configured of users) {
      const [name, ...rules] = configured.words;
      if (seen.has(name)) {
        throw new FatalConfigError(
          configured.lineNumber,
          configured.line,
          `Error in user declaration '${name}': ${
            RULE_ERROR_TEXT["duplicate-user"]
          }`,
        );
      }
      seen.add(name);
      const merged = mergeSelectorArguments(rules);
      if ("unclosedAt" in merged) {
        // Redis reports this with the reason of the last failed lookup
        // its start-up made: "Unknown command or category name in ACL".
        throw new AclStartupError([
          `Error in user declaration '${
            configured.words[merged.unclosedAt - 1] ?? "user"
          }': ${RULE_ERROR_TEXT["unknown-name"]}`,
        ]);
      }
      const trial = this.detachedUser(name);
      for (let j = 0; j < merged.rules.length; j++) {
        const error = trial.apply(merged.rules[j]);
        // Like Redis, the argument named is the line's word at the rule's
        // position among the rules (off by the "user" and name words).
        if (error !== null && error !== "unknown-name") {
          const word = j === 0 ? "user" : configured.words[j - 1];
          throw new FatalConfigError(
            configured.lineNumber,
            configured.line,
            `Error in user declaration '${word}': ${RULE_ERROR_TEXT[error]}`,
          );
        }
      }
    }
    for (const configured of users) {
      const [name, ...rules] = configured.words;
      if (hasSpaces(name)) {
        throw new AclStartupError([
          "Spaces not allowed in ACL usernames",
          "Critical error while loading ACLs. Exiting.",
        ]);
      }
      let user = this.users.get(name);
      if (user === undefined) {
        user = this.detachedUser(name);
        this.users.set(name, user);
      } else user.apply("reset");
      const merged = mergeSelectorArguments(rules) as { rules: string[] };
      for (const rule of merged.rules) {
        const error = user.apply(rule);
        if (error !== null) {
          throw new AclStartupError([
            `Error loading ACL rule '${rule}' for the user named '${name}': ${
              RULE_ERROR_TEXT[error]
            }`,
            "Critical error while loading ACLs. Exiting.",
          ]);
        }
      }
    }
  }

  /**
   * Reads users from an ACL file (ACL LOAD, and `aclfile` at start-up):
   * all or nothing. On success every user is replaced (the default user
   * keeps its identity and takes the file's rules, or the initial ones);
   * the replaced users are returned so that their clients can be
   * disconnected.
   */
  loadFile(path: string): AclLoadResult {
    let text: string;
    try {
      text = bytesToString(Deno.readFileSync(path));
    } catch (error) {
      return {
        ok: false,
        error: `Error loading ACLs, opening file '${path}': ${
          osErrorText(error)
        }`,
      };
    }
    const users = new Map<string, User>();
    let errors = "";
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      const at = `${path}:${i + 1}`;
      if (line === "") continue;
      const words = line.split(" ");
      if (words[0] !== "user" || words.length < 2) {
        errors +=
          `${at} should start with user keyword followed by the username. `;
        continue;
      }
      const name = words[1];
      if (hasSpaces(name)) {
        errors += `'${at}: username '${name}' contains invalid characters. `;
        continue;
      }
      if (users.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${i + 1}. `;
        continue;
      }
      const user = this.detachedUser(name);
      users.set(name, user);
      const merged = mergeSelectorArguments(words.slice(2));
      if ("unclosedAt" in merged) {
        errors += `${at}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      // Like Redis, unknown names are shown (they hold no secret); of the
      // other errors, which may quote a password, only the first is given.
      let syntaxErrorSeen = false;
      for (const rule of merged.rules) {
        const trimmed = rule.replace(/^[\t\r\n]+|[\t\r\n]+$/g, "");
        const error = user.apply(trimmed);
        if (error === "unknown-name") {
          errors += `${at}: Error in applying operation '${trimmed}': ${
            RULE_ERROR_TEXT[error]
          }. `;
        } else if (error !== null && !syntaxErrorSeen) {
          errors += `${at}: ${RULE_ERROR_TEXT[error]}. `;
          syntaxErrorSeen = true;
        }
      }
    }
    if (errors !== "") {
      return {
        ok: false,
        error: errors +
          "WARNING: ACL errors detected, no change to the previously active ACL rules was performed",
      };
    }
    const replaced = [...this.users.values()].filter((u) =>
      u !== this.defaultUser
    );
    this.defaultUser.copyFrom(users.get("default") ?? this.#createDefault());
    users.set("default", this.defaultUser);
    this.users.clear();
    for (const [name, user] of users) this.users.set(name, user);
    return { ok: true, replaced };
  }

  /**
   * Writes every user to `path` in the ACL file format, through a
   * temporary file renamed over it; returns the error, or null.
   */
  saveFile(path: string): string | null {
    const text = this.sorted().map((u) => `user ${u.name} ${u.describe()}\n`)
      .join("");
    try {
      replaceFileSafely(path, stringToBytes(text));
      return null;
    } catch (error) {
      if (error instanceof FileWriteError) return error.message;
      throw error;
    }
  }
}
