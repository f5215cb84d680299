/**
 * Memory accounting: the estimate of what the server holds, which
 * used_memory reports and maxmemory is checked against. The dataset part
 * is kept up to date by the databases as keys change (with the estimate of
 * lib/store/memory_usage.ts); the buffers part (clients, replicas, AOF,
 * backlog, script cache) is summed at most every 100 ms, since walking
 * every client for each command would cost more than the command.
 *
 * @module
 */

import { EXPIRY_BYTES, KEYSPACE_SLOT_BYTES } from "../store/memory_usage.ts";
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";

/** How long a sum of the buffers is reused, in ms. */
const OVERHEAD_REFRESH_MS = 100;

/**
 * What CLIENT LIST's reply-buffer size (rbs) reports: the ReplyWriter's
 * buffer, 16 KiB (lib/resp/encoder.ts); it grows for a batch of replies
 * that does not fit, where Redis spills into its reply list instead.
 */
export const REPLY_BUFFER_BYTES = 16 * 1024;

/** The argument bytes of a command (Redis's argv_len_sum). */
function argsBytes(args: readonly Uint8Array[]): number {
  let total = 0;
  for (const arg of args) total += arg.length;
  return total;
}

/** Length of the decimal text of a non-negative integer. */
function digits(n: number): number {
  return n < 10 ? 1 : String(n).length;
}

/**
 * The size of a command as a RESP multibulk request ("*N\r\n" and one
 * "$len\r\n...\r\n" per argument): what Redis's query buffer holds for
 * it (an inline request counts as if sent as a multibulk).
 */
function requestBytes(args: readonly Uint8Array[]): number {
  let total = 3 + digits(args.length);
  for (const arg of args) total += 5 + digits(arg.length) + arg.length;
  return total;
}

/**
 * Redis's mstate.argv_len_sums: per queued command its argument bytes plus
 * one pointer (8 bytes) per argument.
 */
function queuedBytes(queue: readonly Uint8Array[][] | null): number {
  let total = 0;
  if (queue === null) return 0;
  for (const args of queue) total += argsBytes(args) + 8 * args.length;
  return total;
}

/** A client's memory, as CLIENT LIST reports it. */
export interface ClientMemory {
  /** Input read and not yet run (qbuf). */
  readonly qbuf: number;
  /** Room left in the read buffer (qbuf-free). */
  readonly qbufFree: number;
  /** The running command's arguments (argv-mem). */
  readonly argvMem: number;
  /** Commands queued by MULTI (multi-mem). */
  readonly multiMem: number;
  /** Everything (tot-mem), what client eviction compares. */
  readonly total: number;
}

/**
 * The memory `client` holds: buffers, queued commands and, when it is
 * the caller, `running`'s arguments (see CLIENT LIST in
 * lib/commands/client.ts for what each figure means here).
 */
export function clientMemory(
  client: Client,
  running: readonly Uint8Array[] | null = null,
): ClientMemory {
  let qbuf = client.processingInputBytes;
  if (qbuf === 0) {
    qbuf = client.bufferedInputBytes;
    for (const args of client.pending) qbuf += requestBytes(args);
    // Run from the held commands, outside a read: still in Redis's buffer.
    if (running !== null) qbuf += requestBytes(running);
  }
  const qbufFree = Math.max(0, client.readBufferBytes - qbuf);
  let argvMem = 0;
  if (running !== null) {
    argvMem = client.inTransaction && client.lastCommand === "exec"
      ? 4
      : argsBytes(running);
  }
  const multiMem = queuedBytes(client.multiQueue);
  const total = qbuf + qbufFree + argvMem + multiMem +
    Math.max(REPLY_BUFFER_BYTES, client.reply.pendingBytes) +
    client.writingBytes;
  return { qbuf, qbufFree, argvMem, multiMem, total };
}

/** The keyspace overhead of one database with keys (MEMORY STATS db.N). */
export interface DatabaseOverhead {
  /** The database's number. */
  readonly id: number;
  /** The key dictionary's own bytes (overhead.hashtable.main). */
  readonly main: number;
  /** The expiry dictionary's bytes (overhead.hashtable.expires). */
  readonly expires: number;
}

/** The parts of used memory, in bytes. */
export interface MemoryBreakdown {
  /** The databases with keys and their dictionaries' overhead. */
  readonly databases: readonly DatabaseOverhead[];
  /** Keys in all databases (keys.count). */
  readonly keys: number;
  /** The runtime's own heap at start-up (used_memory_startup). */
  readonly startup: number;
  /** Keys and values, the dictionaries aside (used_memory_dataset). */
  readonly dataset: number;
  /** Buffers of ordinary clients (mem_clients_normal). */
  readonly clientsNormal: number;
  /** Output buffers of replicas (mem_clients_slaves). */
  readonly clientsReplicas: number;
  /** The replication backlog (mem_replication_backlog). */
  readonly backlog: number;
  /** AOF bytes not yet written (mem_aof_buffer). */
  readonly aofBuffer: number;
  /** Cached EVAL scripts (used_memory_scripts_eval). */
  readonly scripts: number;
  /** Everything but the dataset (used_memory_overhead). */
  readonly overhead: number;
  /** The total (used_memory). */
  readonly used: number;
}

/** The buffers part of a breakdown. */
interface Buffers {
  clientsNormal: number;
  clientsReplicas: number;
  backlog: number;
  aofBuffer: number;
  scripts: number;
}

/** Used memory of one server, as an estimate maintained incrementally. */
export class MemoryAccounting {
  readonly #server: Server;
  /** The V8 heap in use when the server was created. */
  readonly startup: number;
  #buffers: Buffers | null = null;
  #buffersAt = 0;
  /** The highest used memory seen (used_memory_peak). */
  peak = 0;

  /** Accounting for `server`; the start-up heap is measured now. */
  constructor(server: Server) {
    this.#server = server;
    this.startup = Deno.memoryUsage().heapUsed;
  }

  /** Bytes of all databases' keys and values. */
  dataset(): number {
    let bytes = 0;
    for (const db of this.#server.keyspace.databases) bytes += db.bytes;
    return bytes;
  }

  /** used_memory, with the buffers as summed in the last 100 ms. */
  used(now = Date.now()): number {
    const buffers = this.#recentBuffers(now);
    const used = this.startup + this.dataset() + buffers.clientsNormal +
      buffers.clientsReplicas + buffers.backlog + buffers.aofBuffer +
      buffers.scripts;
    if (used > this.peak) this.peak = used;
    return used;
  }

  /**
   * Memory not counted against maxmemory, as Redis leaves out replica
   * output buffers and the AOF buffer (mem_not_counted_for_evict).
   */
  notCountedForEviction(now = Date.now()): number {
    const buffers = this.#recentBuffers(now);
    return buffers.clientsReplicas + buffers.aofBuffer;
  }

  /** What maxmemory is checked against. */
  usedForEviction(now = Date.now()): number {
    return this.used(now) - this.notCountedForEviction(now);
  }

  /** Every part, summed now. */
  breakdown(): MemoryBreakdown {
    this.#buffers = null;
    const buffers = this.#recentBuffers(Date.now());
    const databases: DatabaseOverhead[] = [];
    let keys = 0;
    let dictionaries = 0;
    let data = 0;
    for (const db of this.#server.keyspace.databases) {
      data += db.bytes;
      if (db.size === 0) continue;
      keys += db.size;
      const main = db.size * KEYSPACE_SLOT_BYTES;
      const expires = db.volatileCount * EXPIRY_BYTES;
      dictionaries += main + expires;
      databases.push({ id: db.id, main, expires });
    }
    const overhead = this.startup + buffers.clientsNormal +
      buffers.clientsReplicas + buffers.backlog + buffers.aofBuffer +
      buffers.scripts + dictionaries;
    const used = this.startup + data + buffers.clientsNormal +
      buffers.clientsReplicas + buffers.backlog + buffers.aofBuffer +
      buffers.scripts;
    if (used > this.peak) this.peak = used;
    return {
      databases,
      keys,
      startup: this.startup,
      dataset: used - overhead,
      overhead,
      used,
      ...buffers,
    };
  }

  #recentBuffers(now: number): Buffers {
    if (this.#buffers !== null && now - this.#buffersAt < OVERHEAD_REFRESH_MS) {
      return this.#buffers;
    }
    const server = this.#server;
    let clientsNormal = 0;
    let clientsReplicas = 0;
    const replicas = new Set(server.replication.replicas);
    for (const client of server.clients.values()) {
      const bytes = clientMemory(client).total;
      if (replicas.has(client)) clientsReplicas += bytes;
      else clientsNormal += bytes;
    }
    this.#buffers = {
      clientsNormal,
      clientsReplicas,
      backlog: server.replication.backlog?.size ?? 0,
      aofBuffer: server.aof.bufferedBytes,
      scripts: server.scriptCache.bytes,
    };
    this.#buffersAt = now;
    return this.#buffers;
  }
}

/**
 * What a malloc would tell about itself, from V8: allocated is the heap in
 * use plus memory outside it (buffers), active the heap V8 holds plus the
 * same, resident the process's RSS.
 */
export interface AllocatorFigures {
  /** allocator_allocated. */
  readonly allocated: number;
  /** allocator_active. */
  readonly active: number;
  /** allocator_resident and used_memory_rss. */
  readonly resident: number;
}

/** The runtime's figures now (INFO memory, MEMORY STATS, MEMORY DOCTOR). */
export function allocatorFigures(): AllocatorFigures {
  const usage = Deno.memoryUsage();
  return {
    allocated: usage.heapUsed + usage.external,
    active: usage.heapTotal + usage.external,
    resident: usage.rss,
  };
}
