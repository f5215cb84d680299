/**
 * MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP, over the
 * server's memory accounting (lib/server/memory.ts) and the per-key
 * estimate (lib/store/memory_usage.ts).
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand, keyRange } from "./define.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";
import { allocatorFigures, type MemoryBreakdown } from "../server/memory.ts";
import type { Server } from "../server/server.ts";
import {
  DEFAULT_SAMPLES,
  entryBytes,
  plainStringBytes,
} from "../store/memory_usage.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import { formatDouble } from "../util/numbers.ts";

const MEMORY_HELP = [
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
];

function memoryUsage(ctx: CommandContext, args: Uint8Array[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let i = 3; i < args.length; i++) {
    if (!equalsIgnoreCase(args[i], "samples") || i + 1 >= args.length) {
      throw new CommandError(Errors.syntax);
    }
    samples = parseIntegerArgument(args[++i]);
    if (samples < 0) throw new CommandError(Errors.syntax);
  }
  // Like Redis, a plain dictionary lookup: no expiry check, no access.
  const key = bytesToString(args[2]);
  const item = ctx.db.peekItem(key);
  if (item === undefined) ctx.reply.nullBulk();
  else if (typeof item === "string") {
    ctx.reply.integer(plainStringBytes(key, item));
  } else ctx.reply.integer(entryBytes(item, samples));
}

/** A ratio as Redis computes it, in single precision; 0 for a zero divisor. */
function floatRatio(a: number, b: number): number {
  return b === 0 ? 0 : Math.fround(a / b);
}

/** The figures MEMORY STATS and MEMORY DOCTOR share, as Redis derives them. */
interface Overhead {
  readonly memory: MemoryBreakdown;
  readonly peak: number;
  readonly allocated: number;
  readonly active: number;
  readonly resident: number;
  readonly allocatorFrag: number;
  readonly allocatorRss: number;
  readonly totalFrag: number;
}

function overheadData(server: Server): Overhead {
  const memory = server.memory.breakdown();
  const { allocated, active, resident } = allocatorFigures();
  return {
    memory,
    peak: server.memory.peak,
    allocated,
    active,
    resident,
    allocatorFrag: floatRatio(active, allocated),
    allocatorRss: floatRatio(resident, active),
    totalFrag: floatRatio(resident, memory.used),
  };
}

function memoryStats(ctx: CommandContext): void {
  const data = overheadData(ctx.server);
  const { memory } = data;
  const reply = ctx.reply;
  const integer = (name: string, value: number) => {
    reply.bulkString(name);
    reply.integer(Math.trunc(value));
  };
  const double = (name: string, value: number) => {
    reply.bulkString(name);
    reply.double(formatDouble(value));
  };
  reply.map(27 + memory.databases.length);
  integer("peak.allocated", data.peak);
  integer("total.allocated", memory.used);
  integer("startup.allocated", memory.startup);
  integer("replication.backlog", memory.backlog);
  integer("clients.slaves", memory.clientsReplicas);
  integer("clients.normal", memory.clientsNormal);
  integer("cluster.links", 0);
  integer("aof.buffer", memory.aofBuffer);
  integer("lua.caches", memory.scripts);
  integer("functions.caches", 0);
  for (const db of memory.databases) {
    reply.bulkString(`db.${db.id}`);
    reply.map(3);
    integer("overhead.hashtable.main", db.main);
    integer("overhead.hashtable.expires", db.expires);
    integer("overhead.hashtable.slot-to-keys", 0);
  }
  const net = memory.used - memory.startup;
  integer("overhead.total", memory.overhead);
  integer("keys.count", memory.keys);
  integer("keys.bytes-per-key", memory.keys === 0 ? 0 : net / memory.keys);
  integer("dataset.bytes", memory.dataset);
  double("dataset.percentage", floatRatio(memory.dataset * 100, net));
  double("peak.percentage", floatRatio(memory.used * 100, data.peak));
  integer("allocator.allocated", data.allocated);
  integer("allocator.active", data.active);
  integer("allocator.resident", data.resident);
  double("allocator-fragmentation.ratio", data.allocatorFrag);
  integer("allocator-fragmentation.bytes", data.active - data.allocated);
  double("allocator-rss.ratio", data.allocatorRss);
  integer("allocator-rss.bytes", data.resident - data.active);
  double("rss-overhead.ratio", 1);
  integer("rss-overhead.bytes", 0);
  double("fragmentation", data.totalFrag);
  integer("fragmentation.bytes", data.resident - memory.used);
}

/** Below this much memory beyond start-up the doctor has nothing to say. */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;
/** Fragmentation (in bytes) that counts as an issue, beside the ratio. */
const DOCTOR_FRAG_BYTES = 10 * 1024 * 1024;

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_HEALTHY =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_ISSUES =
  "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
const DOCTOR_END = "I'm here to keep you safe, Sam. I want to help you.\n";
const DOCTOR_PEAK =
  " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n";
const DOCTOR_TOTAL_RSS =
  ' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "v8".\n\n';
const DOCTOR_ALLOCATOR_FRAG =
  " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
const DOCTOR_ALLOCATOR_RSS =
  " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n";
const DOCTOR_REPLICA_BUFFERS =
  " * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each replica (on average). This likely means that there is some replica instance that is struggling receiving data, either because it is too slow or because of networking issues. As a result, data piles on the master output buffers. Please try to identify what replica is not receiving data correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to check the output buffers of each replica.\n\n";
const DOCTOR_CLIENT_BUFFERS =
  " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n";
const DOCTOR_SCRIPTS =
  " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n";

/**
 * Redis's memory doctor over our figures. Its "very little memory" test
 * is on the memory beyond start-up, since the runtime's own start-up heap
 * is several times Redis's whole 5 MB threshold.
 */
function doctorReport(server: Server): string {
  const data = overheadData(server);
  const { memory } = data;
  if (memory.used - memory.startup < DOCTOR_MIN_BYTES) return DOCTOR_EMPTY;
  const issues: string[] = [];
  if (floatRatio(data.peak, memory.used) > 1.5) issues.push(DOCTOR_PEAK);
  if (
    data.totalFrag > 1.4 && data.resident - memory.used > DOCTOR_FRAG_BYTES
  ) issues.push(DOCTOR_TOTAL_RSS);
  if (
    data.allocatorFrag > 1.1 &&
    data.active - data.allocated > DOCTOR_FRAG_BYTES
  ) issues.push(DOCTOR_ALLOCATOR_FRAG);
  if (
    data.allocatorRss > 1.1 && data.resident - data.active > DOCTOR_FRAG_BYTES
  ) issues.push(DOCTOR_ALLOCATOR_RSS);
  const replicas = server.replication.replicas.length;
  const clients = server.clients.size - replicas;
  if (clients > 0 && memory.clientsNormal / clients > 200 * 1024) {
    issues.push(DOCTOR_CLIENT_BUFFERS);
  }
  if (replicas > 0 && memory.clientsReplicas > 10 * 1024 * 1024) {
    issues.push(DOCTOR_REPLICA_BUFFERS);
  }
  if (server.scriptCache.scripts > 1000) issues.push(DOCTOR_SCRIPTS);
  if (issues.length === 0) return DOCTOR_HEALTHY;
  return DOCTOR_ISSUES + issues.join("") + DOCTOR_END;
}

const ALL_SHARDS_SPECIAL = [
  "nondeterministic_output",
  "request_policy:all_shards",
  "response_policy:special",
];

const memorySubcommand = {
  group: "server",
  since: "4.0.0",
  complexity: "O(1)",
} as const;

/** MEMORY and its subcommands. */
export const MEMORY_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "memory",
    arity: -2,
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        ...memorySubcommand,
        name: "doctor",
        arity: 2,
        summary: "Outputs memory problems report",
        handler: (ctx) => ctx.reply.verbatim(doctorReport(ctx.server)),
        tips: ALL_SHARDS_SPECIAL,
      }),
      defineCommand({
        ...memorySubcommand,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        summary: "Show helpful text about the different subcommands",
        handler: (ctx, args) => replyHelp(ctx, args, MEMORY_HELP),
      }),
      defineCommand({
        ...memorySubcommand,
        name: "malloc-stats",
        arity: 2,
        summary: "Show allocator internal stats",
        complexity: "Depends on how much memory is allocated, could be slow",
        // What Redis built without jemalloc answers; V8 has no such report.
        handler: (ctx) =>
          ctx.reply.bulkString("Stats not supported for the current allocator"),
        tips: ALL_SHARDS_SPECIAL,
      }),
      defineCommand({
        ...memorySubcommand,
        name: "purge",
        arity: 2,
        summary: "Ask the allocator to release memory",
        complexity: "Depends on how much memory is allocated, could be slow",
        // Like Redis without jemalloc: the collector returns memory itself.
        handler: (ctx) => ctx.reply.ok(),
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
      }),
      defineCommand({
        ...memorySubcommand,
        name: "stats",
        arity: 2,
        summary: "Show memory usage details",
        handler: memoryStats,
        tips: ALL_SHARDS_SPECIAL,
      }),
      defineCommand({
        ...memorySubcommand,
        name: "usage",
        arity: -3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO"], 2)],
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        handler: memoryUsage,
      }),
    ],
  }),
];
