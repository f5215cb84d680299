/**
 * Shared plumbing for the ACL differential tests (acl_rules_test.ts,
 * acl_permissions_test.ts, acl_log_test.ts): our server and the oracle side
 * by side, any number of connections to each ("duos"), raw replies compared
 * byte for byte, optionally after a normalization that both sides go
 * through (ACL LOG's age-seconds and client-info, HELLO's id...).
 *
 * With ACL_SELF_CHECK=1 both servers are redis-server: that checks every
 * scenario is deterministic on Redis.
 *
 * @module
 */

import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import {
  hasRedisServer,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";

/** Both servers are redis-server: checks the scenarios themselves. */
export const SELF_CHECK = Deno.env.get("ACL_SELF_CHECK") === "1";

/**
 * With ACL_COLLECT=1 a reply mismatch does not stop a scenario: all are
 * reported when it ends (for a list of what differs).
 */
export const COLLECT = Deno.env.get("ACL_COLLECT") === "1";

/** Whether the oracle is installed. */
export const hasOracle = hasRedisServer();
if (!hasOracle) {
  console.warn("redis-server not found: ACL differential tests skipped");
}

/** One connection to each server. */
export interface Duo {
  readonly ours: RespClient;
  readonly theirs: RespClient;
}

/** Turns a raw reply into what is compared (the same on both sides). */
export type Normalize = (raw: string) => string;

/** How to start the two servers. */
export interface AclPairOptions {
  /** redis-server style flags for both. */
  flags?: readonly string[];
  /** A config file's text, written to each server's dir and passed first. */
  configFile?: string;
  /** Extra files to write into each server's dir before it starts. */
  files?: Record<string, string>;
}

/** Our server and the oracle, with a main connection to each. */
export class AclPair {
  /** With ACL_COLLECT=1: the mismatches seen so far (else they throw). */
  readonly mismatches: string[] = [];
  readonly #duos: Duo[] = [];
  readonly #dirs: string[] = [];

  private constructor(
    readonly ours: TestServer,
    readonly theirs: TestServer,
    readonly main: Duo,
  ) {}

  /** Starts both servers and connects the main duo. */
  static async start(options: AclPairOptions = {}): Promise<AclPair> {
    const servers: TestServer[] = [];
    const dirs: string[] = [];
    try {
      for (const oracle of [SELF_CHECK, true]) {
        const dir = await Deno.makeTempDir({ prefix: "redis-acl-test-" });
        dirs.push(dir);
        for (const [name, content] of Object.entries(options.files ?? {})) {
          await Deno.writeTextFile(`${dir}/${name}`, content);
        }
        let configFile: string | undefined;
        if (options.configFile !== undefined) {
          configFile = `${dir}/redis.conf`;
          await Deno.writeTextFile(configFile, options.configFile);
        }
        servers.push(
          await startServer({
            oracle,
            dir,
            configFile,
            flags: options.flags,
          }),
        );
      }
      const main = {
        ours: await servers[0].connect(),
        theirs: await servers[1].connect(),
      };
      const pair = new AclPair(servers[0], servers[1], main);
      pair.#duos.push(main);
      pair.#dirs.push(...dirs);
      return pair;
    } catch (error) {
      await Promise.all(servers.map((s) => s.stop()));
      for (const dir of dirs) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
      throw error;
    }
  }

  /** Connects a new duo, closed by `stop()`. */
  async connect(): Promise<Duo> {
    const ours = await this.ours.connect();
    let theirs: RespClient;
    try {
      theirs = await this.theirs.connect();
    } catch (error) {
      ours.close();
      throw error;
    }
    const duo = { ours, theirs };
    this.#duos.push(duo);
    return duo;
  }

  /**
   * Connects a new duo and authenticates it as `user` with `password`
   * (the AUTH replies must match).
   */
  async login(user: string, password: string): Promise<Duo> {
    const duo = await this.connect();
    await this.same(["AUTH", user, password], { on: duo });
    return duo;
  }

  /** Sends `args` on both connections of `duo`; the raw replies. */
  async both(args: readonly string[], duo = this.main): Promise<[
    string,
    string,
  ]> {
    const [a, b] = await Promise.all([
      duo.ours.callRaw(...args),
      duo.theirs.callRaw(...args),
    ]);
    return [latin1(a), latin1(b)];
  }

  /**
   * Sends `args` on `on` (the main duo by default) and asserts identical
   * replies once normalized; returns Redis's normalized reply.
   */
  async same(
    args: readonly string[],
    options: { on?: Duo; normalize?: Normalize; context?: string } = {},
  ): Promise<string> {
    const [a, b] = await this.both(args, options.on);
    const normalize = options.normalize ?? ((raw: string) => raw);
    const ours = normalize(a);
    const theirs = normalize(b);
    if (COLLECT && ours !== theirs) {
      this.mismatches.push(
        `${options.context ?? ""}${JSON.stringify(args)}\n${
          diffSnippet(ours, theirs)
        }`,
      );
      return theirs;
    }
    assert.equal(
      ours,
      theirs,
      `${options.context ?? ""}${JSON.stringify(args)}: ours ${
        JSON.stringify(ours)
      }, redis ${JSON.stringify(theirs)}`,
    );
    return theirs;
  }

  /** Reads the next reply (a push, a message) on both; asserts they match. */
  async sameRead(duo: Duo, context: string): Promise<string> {
    const [a, b] = await Promise.all([
      duo.ours.readRaw(),
      duo.theirs.readRaw(),
    ]);
    assert.equal(latin1(a), latin1(b), context);
    return latin1(b);
  }

  /**
   * Asserts that both servers have closed `duo` (or, with `closed` false,
   * that both still answer PING).
   */
  async sameClosed(duo: Duo, closed: boolean, context: string): Promise<void> {
    const state = async (client: RespClient) => {
      if (closed) {
        const timeout = new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve("still open"), 3000);
          client.closedByServer().then(() => {
            clearTimeout(timer);
            resolve("closed");
          });
        });
        const result = await timeout;
        // A still open connection keeps a pending read: closing it ends it.
        if (result !== "closed") client.close();
        return result;
      }
      try {
        return latin1(await client.callRaw("PING"));
      } catch {
        return "closed";
      }
    };
    const [a, b] = await Promise.all([state(duo.ours), state(duo.theirs)]);
    assert.equal(a, b, `${context}: ours ${a}, redis ${b}`);
    if (closed) assert.equal(b, "closed", `${context} (redis)`);
    else assert.notEqual(b, "closed", `${context} (redis)`);
  }

  /** Closes every duo and stops both servers, removing their dirs. */
  async stop(): Promise<void> {
    for (const duo of this.#duos) {
      duo.ours.close();
      duo.theirs.close();
    }
    await Promise.all([this.ours.stop(), this.theirs.stop()]);
    for (const dir of this.#dirs) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
}

/**
 * Where two replies differ: both in full when short, else from a little
 * before the first differing byte.
 */
function diffSnippet(ours: string, theirs: string): string {
  let i = 0;
  while (i < ours.length && ours[i] === theirs[i]) i++;
  const from = ours.length + theirs.length > 400 ? Math.max(0, i - 60) : 0;
  const cut = (s: string) =>
    JSON.stringify(s.slice(from, from + 300)) +
    (from > 0 || s.length > from + 300 ? ` (from byte ${from})` : "");
  return `  ours:  ${cut(ours)}\n  redis: ${cut(theirs)}`;
}

/** Registers a differential ACL test on a fresh {@linkcode AclPair}. */
export function aclTest(
  name: string,
  fn: (pair: AclPair) => Promise<void>,
  options: AclPairOptions & { ignore?: boolean } = {},
): void {
  Deno.test({
    name: `differential ACL: ${name}`,
    ignore: !hasOracle || (options.ignore ?? false),
    async fn() {
      const pair = await AclPair.start(options);
      try {
        await fn(pair);
        if (pair.mismatches.length > 0) {
          throw new Error(
            `${pair.mismatches.length} mismatches:\n${
              pair.mismatches.join("\n")
            }`,
          );
        }
      } finally {
        await pair.stop();
      }
    },
  });
}

/** One RESP frame: its header line and, for bulk strings, the content. */
interface Frame {
  header: string;
  body?: string;
}

/** Splits a raw reply into frames (no validation: the reply is well-formed). */
function frames(raw: string): Frame[] {
  const out: Frame[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const end = raw.indexOf("\r\n", pos);
    const header = raw.slice(pos, end);
    pos = end + 2;
    if (
      (header[0] === "$" || header[0] === "=") && Number(header.slice(1)) >= 0
    ) {
      const n = Number(header.slice(1));
      out.push({ header, body: raw.slice(pos, pos + n) });
      pos += n + 2;
    } else out.push({ header });
  }
  return out;
}

/**
 * Rewrites the string values of a raw reply (bulk, verbatim, simple strings
 * and doubles): `fn` gets each value and the string value before it (the
 * field name, in a flat map), and returns the replacement. Lengths are
 * recomputed, every other byte is kept.
 */
export function mapStrings(
  raw: string,
  fn: (value: string, previous: string | undefined) => string,
): string {
  let previous: string | undefined;
  let out = "";
  for (const frame of frames(raw)) {
    const type = frame.header[0];
    if (frame.body !== undefined) {
      const verbatim = type === "=";
      const value = verbatim ? frame.body.slice(4) : frame.body;
      const replaced = fn(value, previous);
      const body = verbatim ? frame.body.slice(0, 4) + replaced : replaced;
      out += `${type}${body.length}\r\n${body}\r\n`;
      previous = value;
    } else if (type === "+" || type === ",") {
      const value = frame.header.slice(1);
      out += `${type}${fn(value, previous)}\r\n`;
      previous = value;
    } else out += `${frame.header}\r\n`;
  }
  return out;
}

/** client-info / CLIENT LIST fields that differ between two servers. */
const CLIENT_VOLATILE = new Set([
  "id",
  "addr",
  "laddr",
  "fd",
  "age",
  "idle",
  "qbuf-free",
  "rbs",
  "rbp",
  "tot-mem",
]);

/** A CLIENT LIST style line with its differing fields replaced by "*". */
export function normalizeClientLine(line: string): string {
  return line.split(" ").map((field) => {
    const eq = field.indexOf("=");
    if (eq < 0) return field;
    return CLIENT_VOLATILE.has(field.slice(0, eq))
      ? `${field.slice(0, eq)}=*`
      : field;
  }).join(" ");
}

/**
 * ACL LOG replies with age-seconds (checked to be a number) replaced and
 * client-info normalized by {@linkcode normalizeClientLine}.
 */
export const normalizeLog: Normalize = (raw) =>
  mapStrings(raw, (value, previous) => {
    if (previous === "age-seconds") {
      assert.ok(Number.isFinite(Number(value)), `age-seconds ${value}`);
      return "AGE";
    }
    if (previous === "client-info") return normalizeClientLine(value);
    return value;
  });

/** HELLO replies with the connection id masked. */
export const normalizeHello: Normalize = (raw) =>
  raw.replace(/(\$2\r\nid\r\n):\d+\r\n/, "$1:ID\r\n");

/** An array reply's elements sorted (ACL CAT <category>: a dict's order). */
export const sortArray: Normalize = (raw) => {
  const list = frames(raw);
  if (!list[0].header.startsWith("*") && !list[0].header.startsWith("~")) {
    return raw;
  }
  const items = list.slice(1).map((f) =>
    f.body === undefined ? `${f.header}\r\n` : `${f.header}\r\n${f.body}\r\n`
  ).sort();
  return `${list[0].header}\r\n${items.join("")}`;
};

/**
 * A bulk-string reply's `field:value` lines kept when `keep` says so,
 * each rewritten by `options.map`, and sorted with `options.sort` (for
 * sections listed in a hash table's order).
 */
export function infoFields(
  keep: (name: string) => boolean,
  options: { sort?: boolean; map?: (line: string) => string } = {},
): Normalize {
  return (raw) =>
    mapStrings(raw, (value) => {
      const lines = value.split("\r\n").filter((line) =>
        keep(line.split(":")[0])
      ).map(options.map ?? ((line) => line));
      return (options.sort ? lines.sort() : lines).join("\n");
    });
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A command-rules description ("-@all +@read +get -client|kill", or a whole
 * ACL LIST line) with its single-command rules sorted in place. Redis 7.0
 * describes a selector's commands from its bitmap: +@all or -@all, then
 * categories (a deterministic greedy choice), then the single commands
 * and first-args needed to match the bitmap exactly, in the order of its
 * command dict, whose hash seed is random on every start. Only that last
 * part is sorted; categories and everything else keep their order.
 */
export function sortCommandRules(rules: string): string {
  const spaced = rules.replace(/\(/g, "( ").replace(/\)/g, " )");
  const out: string[] = [];
  let group: string[] = [];
  const flush = () => {
    const singles = group.filter(isSingleCommandRule).sort();
    let next = 0;
    for (const token of group) {
      out.push(isSingleCommandRule(token) ? singles[next++] : token);
    }
    group = [];
  };
  for (const token of spaced.split(" ")) {
    if (token === "(" || token === ")") {
      flush();
      out.push(token);
    } else group.push(token);
  }
  flush();
  return out.join(" ").replace(/\( /g, "(").replace(/ \)/g, ")");
}

function isSingleCommandRule(token: string): boolean {
  return (token[0] === "+" || token[0] === "-") && token[1] !== "@" &&
    token.length > 1;
}

/**
 * GETUSER and ACL LIST replies with their single-command rules sorted
 * (see {@linkcode sortCommandRules}).
 */
export const normalizeRules: Normalize = (raw) =>
  mapStrings(
    raw,
    (value, previous) =>
      previous === "commands" || value.startsWith("user ")
        ? sortCommandRules(value)
        : value,
  );

/**
 * The commands and subcommands only one of the two tables has (CLUSTER,
 * MEMORY, MODULE... only in Redis's; CLIENT NO-TOUCH and SETINFO, from
 * 7.2, only in ours), from COMMAND LIST on both servers.
 */
export async function missingCommands(pair: AclPair): Promise<Set<string>> {
  const [ours, theirs] = await pair.both(["COMMAND", "LIST"]);
  const names = (raw: string) =>
    new Set(frames(raw).slice(1).map((f) => f.body ?? ""));
  const a = names(ours);
  const b = names(theirs);
  return new Set([...a, ...b].filter((name) => !a.has(name) || !b.has(name)));
}

/**
 * A normalization that first forgets `missing` commands (see
 * {@linkcode missingCommands}): they leave arrays of names (ACL CAT) and
 * command rules ("+cluster", "-memory|usage"); then `next` applies. A
 * description that differs for any other reason still shows.
 */
export function withoutCommands(
  missing: ReadonlySet<string>,
  next: Normalize = (raw) => raw,
): Normalize {
  const named = (token: string) =>
    (token[0] === "+" || token[0] === "-") && token[1] !== "@" &&
    (missing.has(token.slice(1)) ||
      missing.has(token.slice(1, token.lastIndexOf("|"))));
  return (raw) => {
    const list = frames(raw);
    const head = list[0].header;
    if (
      (head.startsWith("*") || head.startsWith("~")) &&
      list.slice(1).every((f) => f.body !== undefined)
    ) {
      const kept = list.slice(1).filter((f) => !missing.has(f.body!));
      const items = kept.map((f) => `${f.header}\r\n${f.body}\r\n`);
      raw = `${head[0]}${kept.length}\r\n${items.join("")}`;
    }
    return next(
      mapStrings(
        raw,
        (value, previous) =>
          previous === "commands" || value.startsWith("user ")
            ? value.split(" ").filter((t) => !named(t)).join(" ")
            : value,
      ),
    );
  };
}
