/**
 * The scripting engine of the server: one Lua state with Redis's libraries
 * and `redis` API, the script cache EVAL, EVALSHA and SCRIPT use, and the
 * run of a script, which may pause past busy-reply-threshold so the server
 * answers BUSY to other clients and can take SCRIPT KILL.
 *
 * Commands a script calls go through the dispatcher's one execution path,
 * as the script client, whose replies are converted to Lua values; their
 * effects are propagated as they run (Redis 7.0's effects replication), in
 * the caller's propagation unit.
 *
 * @module
 */

import { checkPermission } from "../commands/acl.ts";
import type { CommandContext } from "../commands/context.ts";
import { type Dispatcher, OOM_ERROR } from "../commands/dispatch.ts";
import { Client } from "../server/client.ts";
import { sha1, toHex } from "../util/sha1.ts";
import { FLAG_BITS } from "../commands/define.ts";
import { type LuaExecution, LuaState } from "../lua/state.ts";
import {
  bytesToLua,
  checkInteger,
  checkString,
  LuaError,
  LuaFunction,
  LuaTable,
  luaToBytes,
  type LuaValue,
  nativeFunction,
  numberToString,
} from "../lua/value.ts";
import { cjsonLibrary } from "../lua/lib_cjson.ts";
import { Rand48 } from "../lua/lib_math.ts";
import { cmsgpackLibrary } from "../lua/lib_cmsgpack.ts";
import { bitLibrary } from "../lua/lib_bit.ts";
import { structLibrary } from "../lua/lib_struct.ts";
import {
  errorTable,
  luaErrorText,
  replyToLua,
  STATS_COUNTED_FIELD,
  writeLuaReply,
} from "./convert.ts";
import { SCRIPT_FLAGS } from "./flags.ts";
import { concatBytes } from "../util/bytes.ts";
import { FunctionLibraries, type RegisteredFunction } from "./functions.ts";
import { CommandError } from "../commands/errors.ts";

/** The version scripts see in redis.REDIS_VERSION. */
const REDIS_VERSION = "7.0.15";
/** redis.REDIS_VERSION_NUM: 0x00MMmmpp. */
const REDIS_VERSION_NUM = 0x07000f;

/** How long a paused script runs before it lets the network in again (ms). */
const BUSY_SLICE_MS = 50;

const REPL_NONE = 0;
const REPL_AOF = 1;
const REPL_REPLICA = 2;
const REPL_ALL = 3;

/** A script in the cache. */
export interface CachedScript {
  /** The script's source as sent. */
  readonly body: Uint8Array;
  /** Its compiled function. */
  readonly fn: LuaFunction;
  /** Flags from its shebang line (no-writes, allow-oom, ...). */
  readonly flags: ReadonlySet<string>;
  /** Whether it has a shebang line: only then do its flags declare intent. */
  readonly flagged: boolean;
}

/** What a script run needs to know about itself. */
interface ScriptRun {
  readonly caller: CommandContext;
  readonly execution: LuaExecution;
  readonly call: ScriptCall;
  readonly startedAt: number;
  /** Whether a write command ran: SCRIPT KILL then refuses. */
  wrote: boolean;
  /** The protocol redis.setresp chose. */
  protocol: 2 | 3;
  /** Set once the run went past busy-reply-threshold. */
  busy: boolean;
}

/** What {@linkcode Scripting.run} runs. */
export interface ScriptCall {
  /** The compiled function. */
  readonly fn: LuaFunction;
  /** Its arguments (FCALL's KEYS and ARGV tables; none for EVAL). */
  readonly args: LuaValue[];
  /** The script's SHA1 or the function's name, for error messages. */
  readonly name: string;
  /** "user_script" or "user_function", for error messages. */
  readonly chunk: string;
  /** EVAL_RO, EVALSHA_RO, FCALL_RO, or a no-writes script. */
  readonly readOnly: boolean;
  /** Declared allow-oom: its commands run even above maxmemory. */
  readonly allowOom: boolean;
}

/** Error of a script that was killed. */
const KILLED_MESSAGE = "ERR Script killed by user with SCRIPT KILL...";

/**
 * Errors from commands the script called (redis.call): Redis hands them to
 * the script as plain strings and replies with them as they are.
 * `statsCounted`: errorstats counted the error when the command replied.
 */
class RedisCallError extends LuaError {
  constructor(message: string, readonly statsCounted: boolean) {
    super(message);
  }
}

/** The Lua scripting engine and script cache of one server. */
export class Scripting {
  readonly #dispatcher: Dispatcher;
  readonly #lua: LuaState;
  /** Functions run on a Lua state of their own, as in Redis. */
  readonly #functionsLua: LuaState;
  /** The function libraries (FUNCTION LOAD, FCALL). */
  readonly functions: FunctionLibraries;
  readonly #scriptClient: Client;
  readonly #scripts = new Map<string, CachedScript>();
  /** The script running now, if any. */
  #run: ScriptRun | null = null;
  /** math.random's generator, one for scripts and functions as in Redis. */
  readonly #random = new Rand48();

  /** Sets up the Lua state and the script client of `dispatcher`'s server. */
  constructor(dispatcher: Dispatcher) {
    this.#dispatcher = dispatcher;
    this.#scriptClient = new Client(
      0,
      "lua",
      "lua",
      -1,
      { flush() {}, close() {} },
      true,
    );
    // Blocking commands called by scripts do not block, as inside EXEC.
    this.#scriptClient.inTransaction = true;
    this.#lua = this.#createState();
    this.#functionsLua = this.#createState();
    this.functions = new FunctionLibraries(this.#functionsLua);
  }

  /**
   * Whether the running script came from this replica's master, whose
   * writes a read-only replica obeys.
   */
  get callerIsMaster(): boolean {
    return this.#run?.caller.client.isMaster ?? false;
  }

  /**
   * The context of the command (EVAL, FCALL...) running the current
   * script, or null: its client's user is the one the script's commands
   * are checked against.
   */
  get caller(): CommandContext | null {
    return this.#run?.caller ?? null;
  }

  /** Whether a script runs past busy-reply-threshold (others get BUSY). */
  get busy(): boolean {
    return this.#run !== null && this.#run.busy;
  }

  /** The BUSY error other clients get while a script or function is busy. */
  get busyMessage(): string {
    const kill = this.#run?.call.chunk === "user_function"
      ? "FUNCTION KILL"
      : "SCRIPT KILL";
    return `BUSY Redis is busy running a script. You can only call ${kill} or SHUTDOWN NOSAVE.`;
  }

  /** The function running now, for FUNCTION STATS. */
  get runningFunction():
    | { name: string; args: Uint8Array[]; startedAt: number }
    | null {
    const run = this.#run;
    if (run === null || run.call.chunk !== "user_function") return null;
    return {
      name: run.call.name,
      args: run.caller.args,
      startedAt: run.startedAt,
    };
  }

  /** FCALL and FCALL_RO: runs a registered function and writes its reply. */
  runFunction(
    ctx: CommandContext,
    fn: RegisteredFunction,
    options: {
      keys: readonly Uint8Array[];
      argv: readonly Uint8Array[];
      readOnly: boolean;
    },
  ): void {
    const noWrites = fn.flags.includes("no-writes");
    if (options.readOnly && !noWrites) {
      throw new CommandError(
        "ERR Can not execute a script with write flag using *_ro command.",
      );
    }
    this.#checkDeclaredFlags(ctx, new Set(fn.flags));
    this.run(ctx, {
      fn: fn.fn,
      args: [stringArray(options.keys), stringArray(options.argv)],
      name: fn.name,
      chunk: "user_function",
      readOnly: options.readOnly || noWrites,
      allowOom: fn.flags.includes("allow-oom"),
    }, this.#functionsLua);
  }

  /**
   * What a script that declares its flags (a shebang, or a function) may
   * not do on this server, as Redis checks before running it: run above
   * maxmemory without allow-oom (or no-writes), write on a read-only
   * replica or without enough good replicas, or read stale data without
   * allow-stale.
   */
  #checkDeclaredFlags(ctx: CommandContext, flags: ReadonlySet<string>): void {
    if (
      ctx.server.outOfMemory && !ctx.client.isMaster &&
      !flags.has("allow-oom") && !flags.has("no-writes")
    ) {
      throw new CommandError(OOM_ERROR);
    }
    const replication = ctx.server.replication;
    if (!replication.checksCommands || ctx.client.isMaster) return;
    const config = ctx.server.config;
    if (!flags.has("no-writes")) {
      if (replication.isReplica && config.flag("replica-read-only")) {
        throw new CommandError(
          "READONLY You can't write against a read only replica.",
        );
      }
      if (replication.tooFewReplicas) {
        throw new CommandError(
          "NOREPLICAS Not enough good replicas to write.",
        );
      }
    }
    if (
      !flags.has("allow-stale") && replication.isReplica &&
      !replication.linkUp && !config.flag("replica-serve-stale-data")
    ) {
      throw new CommandError(
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      );
    }
  }

  /** The cached script with `sha` (lower-case hex), if any. */
  lookup(sha: string): CachedScript | undefined {
    return this.#scripts.get(sha);
  }

  /**
   * Compiles `body` and caches it (SCRIPT LOAD, EVAL); returns its SHA1.
   * Throws CommandError with Redis's message when it does not compile.
   */
  load(body: Uint8Array): string {
    const sha = toHex(sha1(body));
    if (this.#scripts.has(sha)) return sha;
    const { source, flags, flagged } = parseShebang(bytesToLua(body));
    let fn: LuaFunction;
    try {
      fn = this.#lua.load(source, "@user_script");
    } catch (error) {
      if (!(error instanceof LuaError)) throw error;
      throw new CommandError(
        `ERR Error compiling script (new function): ${
          luaErrorText(error.value)
        }`,
      );
    }
    this.#scripts.set(sha, { body, fn, flags, flagged });
    const cache = this.#dispatcher.server.scriptCache;
    cache.scripts++;
    cache.bytes += body.length;
    return sha;
  }

  /** Empties the script cache (SCRIPT FLUSH). */
  flush(): void {
    this.#scripts.clear();
    const cache = this.#dispatcher.server.scriptCache;
    cache.scripts = 0;
    cache.bytes = 0;
  }

  /**
   * SCRIPT KILL / FUNCTION KILL: stops the running script or function
   * unless it wrote. Throws
   * CommandError with Redis's NOTBUSY / UNKILLABLE otherwise.
   */
  kill(kind: "script" | "function"): void {
    const run = this.#run;
    const chunk = kind === "function" ? "user_function" : "user_script";
    if (run === null || !run.busy || run.call.chunk !== chunk) {
      throw new CommandError("NOTBUSY No scripts in execution right now.");
    }
    if (run.wrote) {
      throw new CommandError(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
      );
    }
    run.execution.kill(new LuaError(KILLED_MESSAGE));
  }

  /**
   * Runs a cached script for `ctx`'s client with KEYS and ARGV, and writes
   * its reply (EVAL, EVALSHA).
   */
  runScript(
    ctx: CommandContext,
    script: CachedScript,
    options: {
      sha: string;
      keys: readonly Uint8Array[];
      argv: readonly Uint8Array[];
      readOnly: boolean;
    },
  ): void {
    if (script.flagged) this.#checkDeclaredFlags(ctx, script.flags);
    const globals = this.#lua.globals;
    globals.readonly = false;
    globals.set("KEYS", stringArray(options.keys));
    globals.set("ARGV", stringArray(options.argv));
    globals.readonly = true;
    this.run(ctx, {
      fn: script.fn,
      args: [],
      name: options.sha,
      chunk: "user_script",
      readOnly: options.readOnly || script.flags.has("no-writes"),
      allowOom: script.flagged && script.flags.has("allow-oom"),
    });
  }

  /**
   * Runs a script or function for `ctx`'s client and writes its reply. When
   * it runs past busy-reply-threshold it goes on in slices between which
   * the network is served; the client is blocked until it ends.
   */
  run(ctx: CommandContext, call: ScriptCall, lua = this.#lua): void {
    const server = ctx.server;
    // EVAL and FCALL skip the monitor feed after running: like Redis,
    // monitors see them before the commands they run.
    if (server.monitors.size > 0 && !server.loading) {
      server.monitors.feed({
        client: ctx.client,
        dbIndex: ctx.client.dbIndex,
        args: ctx.args,
        redacted: null,
      });
    }
    const scriptCtx = this.#dispatcher.contextFor(this.#scriptClient);
    scriptCtx.now = ctx.now;
    this.#scriptClient.dbIndex = ctx.client.dbIndex;
    this.#scriptClient.reply.protocol = 2;
    const run: ScriptRun = {
      caller: ctx,
      execution: lua.start(call.fn, call.args),
      call,
      startedAt: Date.now(),
      wrote: false,
      protocol: 2,
      busy: false,
    };
    // The script's commands are propagated themselves, not EVAL.
    ctx.propagated = [];
    this.#run = run;
    const threshold = server.config.number("busy-reply-threshold");
    // Inside EXEC and while loading, a script cannot let other work in.
    const mayPause = threshold > 0 && !ctx.client.inTransaction &&
      !server.loading;
    const shouldPause = () => Date.now() - run.startedAt >= threshold;
    let result;
    try {
      result = run.execution.run(mayPause ? shouldPause : never);
    } catch (error) {
      this.#run = null;
      this.#replyError(ctx, run, error);
      return;
    }
    if (result.done) {
      this.#run = null;
      this.#reply(ctx, run, result.values[0]);
      return;
    }
    this.#goBusy(ctx, run);
  }

  /** Goes on with a script past busy-reply-threshold, in slices. */
  #goBusy(ctx: CommandContext, run: ScriptRun): void {
    const server = ctx.server;
    const client = ctx.client;
    run.busy = true;
    server.log.warning(
      `Slow script detected: still in execution after ${
        Date.now() - run.startedAt
      } milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${run.call.name}.`,
    );
    client.blocked = true;
    // The effects of the whole run stay one propagation unit.
    server.propagator.enter();
    const command = { spec: ctx.spec!, args: ctx.args };
    const step = () => {
      const done = this.#dispatcher.completeBlocked(ctx, command, (ctx) => {
        ctx.propagated = [];
        const sliceStart = Date.now();
        let result;
        try {
          result = run.execution.run(() =>
            Date.now() - sliceStart >= BUSY_SLICE_MS
          );
        } catch (error) {
          this.#endBusy(ctx, run);
          this.#replyError(ctx, run, error);
          return true;
        }
        if (!result.done) return false;
        this.#endBusy(ctx, run);
        this.#reply(ctx, run, result.values[0]);
        return true;
      });
      if (done) {
        this.#dispatcher.resume(client);
      } else setTimeout(step, 0);
    };
    setTimeout(step, 0);
  }

  #endBusy(ctx: CommandContext, run: ScriptRun): void {
    if (this.#run === run) this.#run = null;
    ctx.client.blocked = false;
    ctx.server.propagator.leave();
  }

  #reply(ctx: CommandContext, run: ScriptRun, value: LuaValue): void {
    const stats = ctx.server.stats;
    writeLuaReply(ctx.reply, value, {
      scriptProtocol: run.protocol,
      onError: (message, statsCounted) => {
        if (statsCounted) stats.countUncountedFailure();
        else stats.countError(message);
      },
    });
  }

  #replyError(ctx: CommandContext, run: ScriptRun, error: unknown): void {
    if (!(error instanceof LuaError)) throw error;
    const where = (error as { luaLine?: number }).luaLine;
    const suffix = ` script: ${run.call.name}, on @${run.call.chunk}:${
      where ?? 0
    }.`;
    const value = error.value;
    let message: string;
    let statsCounted = false;
    if (error instanceof RedisCallError || value === KILLED_MESSAGE) {
      message = luaErrorText(value);
      statsCounted = error instanceof RedisCallError && error.statsCounted;
    } else if (
      value instanceof LuaTable && typeof value.get("err") === "string"
    ) {
      message = value.get("err") as string;
      statsCounted = value.get(STATS_COUNTED_FIELD) === true;
    } else {
      message = `ERR ${luaErrorText(value)}`;
    }
    message = message.replace(/[\r\n]/g, " ") + suffix;
    if (statsCounted) ctx.server.stats.countUncountedFailure();
    else ctx.server.stats.countError(message);
    ctx.reply.error(message);
  }

  /** redis.call / redis.pcall. */
  #call(args: LuaValue[], raise: boolean): LuaValue[] {
    const run = this.#run;
    if (run === null) {
      throw new LuaError("redis.call can only be used inside a script", {
        position: true,
      });
    }
    const fail = (message: string, statsCounted = false): LuaValue[] => {
      if (raise) throw new RedisCallError(message, statsCounted);
      return [errorTable(`-${message}`, { statsCounted })];
    };
    if (args.length === 0) {
      return fail(
        "ERR Please specify at least one argument for this redis lib call",
      );
    }
    const argv: Uint8Array[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (typeof arg === "string") argv[i] = luaToBytes(arg);
      else if (typeof arg === "number") {
        argv[i] = luaToBytes(numberToString(arg));
      } else {
        return fail(
          "ERR Lua redis lib command arguments must be strings or integers",
        );
      }
    }
    const client = this.#scriptClient;
    const ctx = this.#dispatcher.contextFor(client);
    ctx.now = run.caller.now;
    client.reply.protocol = run.protocol;
    const ran = this.#dispatcher.callFromScript(ctx, argv, {
      readOnly: run.call.readOnly,
      allowOom: run.call.allowOom,
      wrote: run.wrote,
    });
    // The dispatcher counted the refusal.
    if (typeof ran === "string") return fail(ran, true);
    if ((ran.flagBits & FLAG_BITS.write) !== 0) run.wrote = true;
    const chunks = client.reply.take();
    const bytes = chunks.length === 1 ? chunks[0] : concatBytes(chunks);
    const value = replyToLua(bytes);
    if (
      raise && value instanceof LuaTable &&
      typeof value.get("err") === "string" &&
      value.get(STATS_COUNTED_FIELD) === true
    ) {
      throw new RedisCallError(value.get("err") as string, true);
    }
    return [value];
  }

  /** The Lua state with Redis's libraries, `redis` API and protections. */
  #createState(): LuaState {
    const lua = new LuaState();
    lua.openStandardLibraries({ random: this.#random });
    lua.open("cjson", cjsonLibrary());
    lua.open("cmsgpack", cmsgpackLibrary());
    lua.open("bit", bitLibrary());
    lua.open("struct", structLibrary());
    lua.open("redis", this.#redisLibrary());
    const globals = lua.globals;
    const guard = new LuaTable();
    guard.set(
      "__index",
      nativeFunction("__index", (_L, args) => {
        const name = args[1];
        throw new LuaError(
          `Script attempted to access nonexistent global variable '${
            typeof name === "string" ? name : String(name)
          }'`,
          { position: true },
        );
      }),
    );
    globals.metatable = guard;
    for (
      const name of [
        "string",
        "table",
        "math",
        "coroutine",
        "cjson",
        "cmsgpack",
        "bit",
        "struct",
        "redis",
      ]
    ) {
      const library = globals.get(name);
      if (library instanceof LuaTable) library.readonly = true;
    }
    globals.readonly = true;
    return lua;
  }

  #redisLibrary(): LuaTable {
    const redis = new LuaTable();
    const define = (
      name: string,
      fn: (args: LuaValue[]) => LuaValue[],
    ) => redis.set(name, nativeFunction(name, (_L, args) => fn(args)));
    define("call", (args) => this.#call(args, true));
    define("pcall", (args) => this.#call(args, false));
    define("error_reply", (args) => {
      const text = checkString(args, 0, "error_reply");
      return [errorTable(text.startsWith("-") ? text : `-${text}`)];
    });
    define("status_reply", (args) => {
      const table = new LuaTable();
      table.set("ok", checkString(args, 0, "status_reply"));
      return [table];
    });
    define("sha1hex", (args) => {
      if (args.length !== 1) {
        throw new LuaError("wrong number of arguments", { position: true });
      }
      return [toHex(sha1(luaToBytes(checkString(args, 0, "sha1hex"))))];
    });
    define("log", (args) => {
      if (args.length < 2) {
        throw new LuaError("redis.log() requires two arguments or more.", {
          position: true,
        });
      }
      if (typeof args[0] !== "number") {
        throw new LuaError("First argument must be a number (log level).", {
          position: true,
        });
      }
      const level = args[0];
      if (level < 0 || level > 3) {
        throw new LuaError("Invalid debug level.", { position: true });
      }
      const text = args.slice(1).map((a) =>
        typeof a === "string"
          ? a
          : typeof a === "number"
          ? numberToString(a)
          : ""
      ).join(" ");
      const log = this.#dispatcher.server.log;
      const message = UTF8.decode(luaToBytes(text));
      if (level === 0) log.debug(message);
      else if (level === 1) log.verbose(message);
      else if (level === 2) log.notice(message);
      else log.warning(message);
      return [];
    });
    define("setresp", (args) => {
      const run = this.#run;
      if (args.length !== 1) {
        throw new LuaError("redis.setresp() requires one argument.", {
          position: false,
        });
      }
      const protocol = checkInteger(args, 0, "setresp");
      if (protocol !== 2 && protocol !== 3) {
        throw new LuaError("RESP version must be 2 or 3.", { position: false });
      }
      if (run !== null) run.protocol = protocol;
      return [];
    });
    define("set_repl", (args) => {
      if (args.length !== 1) {
        throw new LuaError("redis.set_repl() requires one argument.", {
          position: false,
        });
      }
      const flags = checkInteger(args, 0, "set_repl");
      if ((flags & ~REPL_ALL) !== 0) {
        throw new LuaError(
          "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
          { position: false },
        );
      }
      return [];
    });
    define("replicate_commands", () => [true]);
    define("breakpoint", () => [false]);
    define("debug", () => []);
    define("acl_check_cmd", (args) => {
      if (args.length === 0) {
        throw new LuaError(
          "Please specify at least one argument for this redis lib call",
          { position: false },
        );
      }
      const argv = args.map((a) =>
        luaToBytes(typeof a === "number" ? numberToString(a) : String(a))
      );
      const spec = this.#dispatcher.specOf(argv);
      if (spec === undefined) {
        throw new LuaError("Invalid command passed to redis.acl_check_cmd()", {
          position: false,
        });
      }
      const user = this.#run?.caller.client.user ?? null;
      return [checkPermission(user, spec, argv) === null];
    });
    redis.set("LOG_DEBUG", 0);
    redis.set("LOG_VERBOSE", 1);
    redis.set("LOG_NOTICE", 2);
    redis.set("LOG_WARNING", 3);
    redis.set("REPL_NONE", REPL_NONE);
    redis.set("REPL_AOF", REPL_AOF);
    redis.set("REPL_SLAVE", REPL_REPLICA);
    redis.set("REPL_REPLICA", REPL_REPLICA);
    redis.set("REPL_ALL", REPL_ALL);
    redis.set("REDIS_VERSION", REDIS_VERSION);
    redis.set("REDIS_VERSION_NUM", REDIS_VERSION_NUM);
    return redis;
  }
}

const never = () => false;

const UTF8 = new TextDecoder();

function stringArray(values: readonly Uint8Array[]): LuaTable {
  const table = new LuaTable();
  for (let i = 0; i < values.length; i++) {
    table.set(i + 1, bytesToLua(values[i]));
  }
  return table;
}

/**
 * Splits a script's `#!lua [flags=a,b]` line from its source; the line
 * stays as an empty line so error lines match Redis's.
 */
function parseShebang(
  source: string,
): { source: string; flags: ReadonlySet<string>; flagged: boolean } {
  if (!source.startsWith("#!")) {
    return { source, flags: new Set(), flagged: false };
  }
  const end = source.indexOf("\n");
  const line = end < 0 ? source : source.slice(0, end);
  const words = line.split(" ").filter((w) => w !== "");
  if (words[0] !== "#!lua") {
    throw new CommandError(`ERR Unexpected engine in script shebang: ${line}`);
  }
  const flags = new Set<string>();
  for (const word of words.slice(1)) {
    if (!word.startsWith("flags=")) {
      throw new CommandError(`ERR Unknown lua shebang option: ${word}`);
    }
    for (const flag of word.slice(6).split(",")) {
      if (flag === "") continue;
      if (!SCRIPT_FLAGS.has(flag)) {
        throw new CommandError(
          `ERR Unexpected flag in script shebang: ${flag}`,
        );
      }
      flags.add(flag);
    }
  }
  return { source: end < 0 ? "" : source.slice(end), flags, flagged: true };
}
