/**
 * The append-only file in Redis 7's multi-part format: a directory
 * (`appenddirname`) holding a base file (RDB preamble), incremental files of
 * logged commands, and a manifest listing them. Either server can load the
 * other's directory.
 *
 * Commands are logged after they ran and before their replies are sent; with
 * `appendfsync always` the log is also fsynced before the reply.
 *
 * @module
 */

import { ReplyWriter } from "../resp/encoder.ts";
import type { PersistenceHost } from "./host.ts";
import type { RdbPersistence } from "./rdb.ts";
import {
  type PropagatedCommand,
  type PropagationTarget,
  writePropagated,
} from "../server/propagator.ts";
import { AofManifest } from "./aof_manifest.ts";
import type { AofFileInfo } from "./aof_manifest.ts";
import { RdbError } from "./rdb_reader.ts";
import { syncDirectory } from "../util/files.ts";
import { Snapshot, writeSnapshotInBackground } from "./snapshot.ts";

/** A problem with the AOF that stops start-up. */
export class AofError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "AofError";
  }
}

/** Runs one logged command during loading. */
export type AofCommandRunner = (args: Uint8Array[]) => void;

const encoder = new TextEncoder();
const MANIFEST_SUFFIX = ".manifest";

/**
 * Parses logged commands from `data`. Returns the offset just after the last
 * complete command; throws AofError for bytes that are not a command.
 */
export function parseAofCommands(
  data: Uint8Array,
  onCommand: (args: Uint8Array[], end: number) => void,
): number {
  let pos = 0;
  const lineEnd = (from: number) => {
    const cr = data.indexOf(13, from);
    return cr < 0 || cr + 1 >= data.length ? -1 : cr;
  };
  const number = (from: number, to: number) => {
    const text = new TextDecoder().decode(data.subarray(from, to));
    return /^-?\d+$/.test(text) ? Number(text) : NaN;
  };
  while (pos < data.length) {
    if (data[pos] === 35 /* '#' annotation */) {
      const lf = data.indexOf(10, pos);
      if (lf < 0) return pos;
      pos = lf + 1;
      continue;
    }
    if (data[pos] !== 42 /* '*' */) {
      throw new AofError(
        `Bad file format reading the append only file at offset ${pos}`,
      );
    }
    let cr = lineEnd(pos);
    if (cr < 0) return pos;
    const count = number(pos + 1, cr);
    if (!(count >= 1)) {
      throw new AofError(
        `Bad file format reading the append only file at offset ${pos}`,
      );
    }
    let p = cr + 2;
    const args: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      if (p >= data.length) return pos;
      if (data[p] !== 36 /* '$' */) {
        throw new AofError(
          `Bad file format reading the append only file at offset ${p}`,
        );
      }
      cr = lineEnd(p);
      if (cr < 0) return pos;
      const len = number(p + 1, cr);
      if (!(len >= 0)) {
        throw new AofError(
          `Bad file format reading the append only file at offset ${p}`,
        );
      }
      p = cr + 2;
      if (p + len + 2 > data.length) return pos;
      args.push(data.slice(p, p + len));
      p += len + 2;
    }
    pos = p;
    onCommand(args, pos);
  }
  return pos;
}

/** AOF state and operations of a server. */
export class AofPersistence implements PropagationTarget {
  /** The manifest in use, once the AOF was loaded or created. */
  manifest: AofManifest | null = null;
  #file: Deno.FsFile | null = null;
  #lastDb = -1;
  /** Logged commands not yet written: a command is a RESP array of bulks. */
  readonly #pending = new ReplyWriter();
  #scheduled: Promise<void> | null = null;
  /** Unsynced writes exist (for everysec). */
  #unsynced = false;
  #syncing = false;
  #rewrite: Promise<void> | null = null;
  /** A rewrite was asked for while a BGSAVE ran. */
  rewriteScheduled = false;
  /** Outcome of the last rewrite (aof_last_bgrewrite_status). */
  lastRewriteStatus: "ok" | "err" = "ok";
  /** Successful rewrites (INFO persistence). */
  rewrites = 0;
  /** Rewrites that failed in a row (INFO persistence). */
  consecutiveFailures = 0;
  /** Duration of the last rewrite in seconds, -1 before the first. */
  lastRewriteSeconds: number = -1;
  /** Date.now() when the running rewrite started. */
  rewriteStartedAt = 0;
  /** Size of the base file, the reference for auto-aof-rewrite-percentage. */
  baseSize = 0;
  /** Size of the AOF (base + incremental) now. */
  currentSize = 0;
  /** Outcome of the last write to the AOF (aof_last_write_status). */
  lastWriteStatus: "ok" | "err" = "ok";
  #runner: AofCommandRunner | null = null;

  /**
   * Creates the AOF persistence of `server`; `rdb` loads base files and
   * tells whether a BGSAVE runs.
   */
  constructor(
    readonly server: PersistenceHost,
    readonly rdb: RdbPersistence,
  ) {}

  /** Logged commands not yet written to the file (INFO mem_aof_buffer). */
  get bufferedBytes(): number {
    return this.#pending.pendingBytes;
  }

  /** Whether commands are being logged. */
  get enabled(): boolean {
    return this.#file !== null;
  }

  /** Whether a rewrite is running. */
  get rewriting(): boolean {
    return this.#rewrite !== null;
  }

  get #dir(): string {
    const config = this.server.config;
    return `${config.get("dir")}/${config.get("appenddirname")}`;
  }

  get #manifestPath(): string {
    return `${this.#dir}/${
      this.server.config.get("appendfilename")
    }${MANIFEST_SUFFIX}`;
  }

  /** Supplies the function that replays logged commands at load time. */
  setRunner(runner: AofCommandRunner): void {
    this.#runner = runner;
  }

  /** True when an AOF directory with a manifest exists. */
  exists(): boolean {
    try {
      Deno.statSync(this.#manifestPath);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Loads the AOF named by the manifest: the base file, then each
   * incremental file. A truncated last command is cut off when
   * `aof-load-truncated` is yes (as Redis does); other damage throws AofError.
   */
  load(): void {
    const manifest = this.#readManifest();
    this.manifest = manifest;
    const files = [
      ...(manifest.base ? [manifest.base] : []),
      ...manifest.incremental,
    ];
    let total = 0;
    for (let i = 0; i < files.length; i++) {
      const info = files[i];
      const path = `${this.#dir}/${info.name}`;
      let data: Uint8Array;
      try {
        data = Deno.readFileSync(path);
      } catch (error) {
        if (
          error instanceof Deno.errors.NotFound && info.type === "i" &&
          i === files.length - 1
        ) {
          continue; // Redis tolerates a missing last incremental file.
        }
        throw new AofError(`The AOF file ${info.name} doesn't exist`);
      }
      total += data.length;
      if (info.type === "b" && isRdb(data)) {
        try {
          this.rdb.loadBytes(data, path, { keepExpired: true });
        } catch (error) {
          if (error instanceof RdbError) throw new AofError(error.message);
          throw error;
        }
        continue;
      }
      this.#replay(data, info, i === files.length - 1);
    }
    if (manifest.base !== null) {
      try {
        this.baseSize =
          Deno.statSync(`${this.#dir}/${manifest.base.name}`).size;
      } catch {
        this.baseSize = 0;
      }
    }
    this.currentSize = total;
  }

  #readManifest(): AofManifest {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#manifestPath);
    } catch {
      throw new AofError(`Can't read the AOF manifest ${this.#manifestPath}`);
    }
    try {
      return AofManifest.parse(text);
    } catch (error) {
      throw new AofError(`${(error as Error).message} (${this.#manifestPath})`);
    }
  }

  #replay(data: Uint8Array, info: AofFileInfo, isLast: boolean): void {
    const runner = this.#runner;
    if (runner === null) {
      throw new Error("AOF loaded before a command runner was set");
    }
    let multiStart = -1;
    let validEnd = 0;
    const queued: Uint8Array[][] = [];
    const end = parseAofCommands(data, (args, commandEnd) => {
      const name = new TextDecoder().decode(args[0]).toLowerCase();
      if (name === "multi") {
        multiStart = validEnd;
        queued.length = 0;
      } else if (name === "exec" && multiStart >= 0) {
        // Loading runs alone, so a logged transaction's commands can simply run in order.
        for (const command of queued) runner(command);
        multiStart = -1;
      } else if (multiStart >= 0) queued.push(args);
      else runner(args);
      validEnd = commandEnd;
    });
    const complete = multiStart < 0 ? end : multiStart;
    if (complete === data.length) return;
    const path = `${this.#dir}/${info.name}`;
    if (!isLast || !this.server.config.flag("aof-load-truncated")) {
      throw new AofError(
        `Unexpected end of file reading the append only file ${info.name}. ` +
          `You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ` +
          `2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
    }
    this.server.log.warning(
      `!!! Warning: short read while loading the AOF file ${info.name}!!!`,
    );
    this.server.log.warning(
      `AOF ${info.name} loaded anyway because aof-load-truncated is enabled`,
    );
    Deno.truncateSync(path, complete);
  }

  /**
   * Starts logging at start-up: opens the current incremental file, or, when
   * there is no AOF yet, creates the directory with a base file of the
   * current dataset, an incremental file and the manifest.
   */
  open(): void {
    Deno.mkdirSync(this.#dir, { recursive: true });
    const name = this.server.config.get("appendfilename");
    if (this.manifest === null) {
      const manifest = new AofManifest();
      manifest.base = { name: `${name}.1.base.rdb`, seq: 1, type: "b" };
      this.#writeBaseSync(manifest.base.name);
      this.server.log.notice(
        `Creating AOF base file ${manifest.base.name} on server start`,
      );
      this.manifest = manifest;
    }
    const manifest = this.manifest;
    if (manifest.incremental.length === 0) {
      const seq = manifest.incrementalSeq + 1;
      manifest.incremental.push({
        name: `${name}.${seq}.incr.aof`,
        seq,
        type: "i",
      });
      this.server.log.notice(
        `Creating AOF incr file ${name}.${seq}.incr.aof on server start`,
      );
    }
    this.#persistManifest(manifest);
    const last = manifest.incremental.at(-1)!;
    this.#file = Deno.openSync(`${this.#dir}/${last.name}`, {
      append: true,
      create: true,
    });
    this.#lastDb = -1;
    if (manifest.base !== null) {
      this.baseSize = Deno.statSync(`${this.#dir}/${manifest.base.name}`).size;
    }
    this.currentSize = this.baseSize + this.#file.statSync().size;
  }

  /** Turns logging on at run time (CONFIG SET appendonly yes): a rewrite builds the AOF. */
  enable(): Promise<void> {
    if (this.enabled) return Promise.resolve();
    this.manifest = this.exists() ? this.#readManifest() : new AofManifest();
    return this.rewrite();
  }

  /** Turns logging off (CONFIG SET appendonly no). */
  disable(): void {
    this.#writePending();
    try {
      this.#file?.syncDataSync();
    } catch {
      // Closing anyway.
    }
    this.#file?.close();
    this.#file = null;
  }

  /**
   * Logs a command that changed the dataset in database `dbIndex` (-1 for
   * EXEC, which selects no database). Only the propagator calls it.
   */
  feed(dbIndex: number, args: PropagatedCommand): void {
    if (this.#file === null) return;
    this.#lastDb = writePropagated(this.#pending, this.#lastDb, dbIndex, args);
  }

  /**
   * Schedules {@linkcode flush} for the end of the current event-loop turn,
   * so that the commands of every client served in this turn share one
   * write (and one fsync with appendfsync always), as Redis's event loop
   * does. Returns null when nothing is pending, else a promise to await
   * before sending replies.
   */
  flushSoon(): Promise<void> | null {
    if (this.#pending.pendingBytes === 0) return null;
    if (this.#scheduled === null) {
      this.#scheduled = new Promise<void>((resolve) =>
        queueMicrotask(() => {
          this.#scheduled = null;
          this.flush();
          resolve();
        })
      );
    }
    return this.#scheduled;
  }

  /**
   * Writes logged commands to the file; called before replies are sent, so
   * an acknowledged write is at least in the kernel (and on disk with
   * appendfsync always).
   */
  flush(): void {
    if (this.#pending.pendingBytes === 0 || this.#file === null) return;
    this.#writePending();
    const policy = this.server.config.get("appendfsync");
    if (policy === "always") {
      this.#file.syncDataSync();
    } else if (policy === "everysec") this.#unsynced = true;
  }

  #writePending(): void {
    const file = this.#file;
    if (file === null || this.#pending.pendingBytes === 0) return;
    try {
      for (const chunk of this.#pending.take()) {
        let offset = 0;
        while (offset < chunk.length) {
          offset += file.writeSync(chunk.subarray(offset));
        }
        this.currentSize += chunk.length;
      }
      this.lastWriteStatus = "ok";
    } catch (error) {
      this.lastWriteStatus = "err";
      this.server.log.warning(`Error writing to the AOF file: ${error}`);
    }
  }

  /** The once-a-second fsync of appendfsync everysec, off the event loop. */
  syncEverySecond(): void {
    if (!this.#unsynced || this.#syncing || this.#file === null) return;
    this.#unsynced = false;
    this.#syncing = true;
    this.#file.syncData().catch((error) => {
      this.server.log.warning(`AOF fsync error: ${error}`);
    }).finally(() => this.#syncing = false);
  }

  /** Starts a rewrite when the AOF grew past the auto-rewrite thresholds. */
  checkAutoRewrite(): void {
    if (!this.enabled || this.rewriting || this.rdb.inProgress) return;
    const config = this.server.config;
    const percentage = config.number("auto-aof-rewrite-percentage");
    const minSize = config.number("auto-aof-rewrite-min-size");
    if (percentage === 0 || this.currentSize < minSize) return;
    const base = this.baseSize > 0 ? this.baseSize : 1;
    const growth = ((this.currentSize - base) * 100) / base;
    if (growth >= percentage) {
      this.server.log.notice(
        `Starting automatic rewriting of AOF on ${Math.round(growth)}% growth`,
      );
      this.rewrite();
    }
  }

  #writeBaseSync(name: string): void {
    const temp = `${this.#dir}/temp-rewriteaof-${Deno.pid}.aof`;
    const file = Deno.openSync(temp, {
      write: true,
      create: true,
      truncate: true,
    });
    try {
      new Snapshot(this.server, (chunk) => {
        let offset = 0;
        while (offset < chunk.length) {
          offset += file.writeSync(chunk.subarray(offset));
        }
      }).finish();
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, `${this.#dir}/${name}`);
  }

  #persistManifest(manifest: AofManifest): void {
    const temp = `${this.#dir}/temp-${
      this.server.config.get("appendfilename")
    }${MANIFEST_SUFFIX}`;
    const file = Deno.openSync(temp, {
      write: true,
      create: true,
      truncate: true,
    });
    try {
      file.writeSync(encoder.encode(manifest.format()));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, this.#manifestPath);
    syncDirectory(this.#dir);
  }

  /**
   * BGREWRITEAOF: switches logging to a new incremental file and writes a
   * new base file from a point-in-time snapshot taken at the same moment,
   * then makes the manifest point at the two and deletes the old files.
   */
  rewrite(): Promise<void> {
    if (this.#rewrite !== null) return this.#rewrite;
    const server = this.server;
    const name = server.config.get("appendfilename");
    Deno.mkdirSync(this.#dir, { recursive: true });
    const manifest = this.manifest ?? new AofManifest();
    this.manifest = manifest;
    this.rewriteStartedAt = Date.now();

    // The new incremental file receives every write from now on.
    this.#writePending();
    const incrSeq = manifest.incrementalSeq + 1;
    const incr: AofFileInfo = {
      name: `${name}.${incrSeq}.incr.aof`,
      seq: incrSeq,
      type: "i",
    };
    const oldFile = this.#file;
    this.#file = Deno.openSync(`${this.#dir}/${incr.name}`, {
      append: true,
      create: true,
    });
    this.#lastDb = -1;
    oldFile?.syncDataSync();
    oldFile?.close();
    manifest.incremental.push(incr);
    this.#persistManifest(manifest);

    const baseSeq = manifest.baseSeq + 1;
    const base: AofFileInfo = {
      name: `${name}.${baseSeq}.base.rdb`,
      seq: baseSeq,
      type: "b",
    };
    const temp = `${this.#dir}/temp-rewriteaof-bg-${Deno.pid}.aof`;
    server.log.notice("Background append only file rewriting started");
    const { written } = writeSnapshotInBackground(server, temp);

    const run = async () => {
      await written;
      await Deno.rename(temp, `${this.#dir}/${base.name}`);
      const obsolete = [
        ...(manifest.base ? [manifest.base] : []),
        ...manifest.history,
        ...manifest.incremental.filter((info) => info !== incr),
      ];
      manifest.base = base;
      manifest.history = [];
      manifest.incremental = [incr];
      this.#persistManifest(manifest);
      for (const info of obsolete) {
        await Deno.remove(`${this.#dir}/${info.name}`).catch(() => {});
      }
      this.baseSize = (await Deno.stat(`${this.#dir}/${base.name}`)).size;
      this.currentSize = this.baseSize + (this.#file?.statSync().size ?? 0);
    };
    const done = run().then(
      () => {
        this.lastRewriteStatus = "ok";
        this.rewrites++;
        this.consecutiveFailures = 0;
        server.log.notice("Background AOF rewrite finished successfully");
      },
      (error) => {
        this.lastRewriteStatus = "err";
        this.consecutiveFailures++;
        server.log.warning(`Background AOF rewrite failed: ${error}`);
        Deno.remove(temp).catch(() => {});
      },
    ).finally(() => {
      this.lastRewriteSeconds = Math.round(
        (Date.now() - this.rewriteStartedAt) / 1000,
      );
      this.#rewrite = null;
    });
    this.#rewrite = done;
    return done;
  }

  /** Flushes, fsyncs and closes the file (shutdown). */
  close(): void {
    this.disable();
  }
}

function isRdb(data: Uint8Array): boolean {
  return data.length >= 5 &&
    new TextDecoder().decode(data.subarray(0, 5)) === "REDIS";
}
