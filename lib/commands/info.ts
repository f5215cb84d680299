/**
 * The text of INFO: its sections, with Redis 7.0.15's field names in Redis's
 * order, and which sections "default", "all" and "everything" select.
 *
 * @module
 */

import process from "node:process";
import { REDIS_TS_VERSION, REDIS_VERSION } from "../config/load.ts";
import type { Server } from "../server/server.ts";
import { allocatorFigures } from "../server/memory.ts";

/** Per-second rates sampled by the cron, like Redis's instantaneous metrics. */
class RateSampler {
  readonly #samples: number[] = [];
  #lastValue = 0;
  #lastTime = 0;

  /** Records the counter's current `value` at time `now` (ms). */
  sample(value: number, now: number): void {
    if (this.#lastTime !== 0 && now > this.#lastTime) {
      const rate = (value - this.#lastValue) * 1000 / (now - this.#lastTime);
      this.#samples.push(rate);
      if (this.#samples.length > 16) this.#samples.shift();
    }
    this.#lastValue = value;
    this.#lastTime = now;
  }

  /** Mean rate over the last samples. */
  get rate(): number {
    if (this.#samples.length === 0) return 0;
    return this.#samples.reduce((a, b) => a + b, 0) / this.#samples.length;
  }
}

interface ServerSamples {
  ops: RateSampler;
  input: RateSampler;
  output: RateSampler;
}

const samples = new WeakMap<Server, ServerSamples>();

function samplesOf(server: Server): ServerSamples {
  let s = samples.get(server);
  if (s === undefined) {
    s = {
      ops: new RateSampler(),
      input: new RateSampler(),
      output: new RateSampler(),
    };
    samples.set(server, s);
  }
  return s;
}

/**
 * Takes the periodic samples behind instantaneous_ops_per_sec, the kbps
 * figures and used_memory_peak; the server cron calls it every 100 ms.
 */
export function sampleInfoMetrics(server: Server, now = Date.now()): void {
  const s = samplesOf(server);
  s.ops.sample(server.stats.commandsProcessed, now);
  s.input.sample(server.stats.netInputBytes, now);
  s.output.sample(server.stats.netOutputBytes, now);
  server.memory.used(now); // the peak
}

/** Redis's bytesToHuman: 1023B, 1.00K, 1.50M, ... */
export function bytesToHuman(n: bigint | number): string {
  const value = BigInt(n);
  const units = ["K", "M", "G", "T", "P"];
  if (value < 1024n) return `${value}B`;
  let limit = 1024n;
  for (const unit of units) {
    if (value < limit * 1024n) {
      return `${(Number(value) / Number(limit)).toFixed(2)}${unit}`;
    }
    limit *= 1024n;
  }
  return `${value}B`;
}

type Field = [string, string | number];

function osDescription(): string {
  const name = Deno.build.os === "linux"
    ? "Linux"
    : Deno.build.os === "darwin"
    ? "Darwin"
    : Deno.build.os;
  const arch = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
  return `${name} ${Deno.osRelease()} ${arch}`;
}

function serverSection(server: Server): Field[] {
  const now = Date.now();
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const hz = server.config.number("hz");
  return [
    ["redis_version", REDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", "0"],
    ["redis_mode", "standalone"],
    ["os", osDescription()],
    ["arch_bits", 64],
    ["process_id", Deno.pid],
    ["process_supervised", "no"],
    ["run_id", server.runId],
    // Like Redis, the TLS port when there is no plain one.
    [
      "tcp_port",
      server.config.number("port") || server.config.number("tls-port"),
    ],
    ["server_time_usec", now * 1000],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", hz],
    ["configured_hz", hz],
    ["lru_clock", Math.floor(now / 1000) & 0xffffff],
    ["executable", Deno.execPath()],
    ["config_file", server.config.configFile],
    ["io_threads_active", 0],
    ["redis_ts_version", REDIS_TS_VERSION],
  ];
}

function clientsSection(server: Server): Field[] {
  let maxInput = 0;
  let maxOutput = 0;
  for (const client of server.clients.values()) {
    maxInput = Math.max(maxInput, client.queryBufferBytes);
    maxOutput = Math.max(maxOutput, client.reply.pendingBytes);
  }
  return [
    ["connected_clients", server.clients.size],
    ["cluster_connections", 0],
    ["maxclients", server.config.number("maxclients")],
    ["client_recent_max_input_buffer", maxInput],
    ["client_recent_max_output_buffer", maxOutput],
    ["blocked_clients", server.blocking.blockedCount + server.pause.heldCount],
    ["tracking_clients", server.tracking.clientCount],
    ["clients_in_timeout_table", server.blocking.timedCount],
  ];
}

/** A ratio with two decimals, as Redis prints them (0 for 0/0). */
function ratio(a: number, b: number): string {
  return (b === 0 ? 0 : a / b).toFixed(2);
}

/**
 * INFO memory, every field of Redis 7.0 in its order. A managed runtime
 * has no malloc to ask, so (see the README): used_memory is the server's
 * estimate (lib/server/memory.ts: the start-up heap, the dataset as the
 * databases account it, and the buffers); the "allocator" is V8
 * (allocated: the heap in use plus external memory, active: the heap V8
 * holds plus external, resident: the process's RSS). There is no Lua or
 * cluster memory.
 */
function memorySection(server: Server): Field[] {
  const memory = server.memory.breakdown();
  const used = memory.used;
  const { allocated, active, resident: rss } = allocatorFigures();
  const peak = server.memory.peak;
  const total = Deno.systemMemoryInfo().total;
  const maxmemory = BigInt(server.config.get("maxmemory"));
  const startup = memory.startup;
  const dataset = memory.dataset;
  const overhead = memory.overhead;
  return [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", rss],
    ["used_memory_rss_human", bytesToHuman(rss)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", bytesToHuman(peak)],
    ["used_memory_peak_perc", `${(used * 100 / peak).toFixed(2)}%`],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", startup],
    ["used_memory_dataset", dataset],
    [
      "used_memory_dataset_perc",
      `${
        (used === startup ? 0 : dataset * 100 / (used - startup)).toFixed(2)
      }%`,
    ],
    ["allocator_allocated", allocated],
    ["allocator_active", active],
    ["allocator_resident", rss],
    ["total_system_memory", total],
    ["total_system_memory_human", bytesToHuman(total)],
    ["used_memory_lua", 0],
    ["used_memory_vm_eval", 0],
    ["used_memory_lua_human", bytesToHuman(0)],
    ["used_memory_scripts_eval", server.scriptCache.bytes],
    ["number_of_cached_scripts", server.scriptCache.scripts],
    ["number_of_functions", server.functionLibraries.functionCount],
    ["number_of_libraries", server.functionLibraries.libraries.size],
    ["used_memory_vm_functions", 0],
    ["used_memory_vm_total", 0],
    ["used_memory_vm_total_human", bytesToHuman(0)],
    ["used_memory_functions", 0],
    ["used_memory_scripts", server.scriptCache.bytes],
    ["used_memory_scripts_human", bytesToHuman(server.scriptCache.bytes)],
    // Redis prints the unsigned maxmemory as a signed number here.
    ["maxmemory", String(BigInt.asIntN(64, maxmemory))],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", server.config.get("maxmemory-policy")],
    ["allocator_frag_ratio", ratio(active, allocated)],
    ["allocator_frag_bytes", active - allocated],
    ["allocator_rss_ratio", ratio(rss, active)],
    ["allocator_rss_bytes", rss - active],
    ["rss_overhead_ratio", ratio(rss, rss)],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", ratio(rss, used)],
    ["mem_fragmentation_bytes", rss - used],
    [
      "mem_not_counted_for_evict",
      memory.clientsReplicas + memory.aofBuffer,
    ],
    ["mem_replication_backlog", memory.backlog],
    ["mem_total_replication_buffers", memory.backlog + memory.clientsReplicas],
    ["mem_clients_slaves", memory.clientsReplicas],
    ["mem_clients_normal", memory.clientsNormal],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", memory.aofBuffer],
    ["mem_allocator", "v8"],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", server.stats.lazyfreedObjects],
  ];
}

function persistenceSection(server: Server): Field[] {
  const { rdb, aof } = server;
  const now = Date.now();
  const flag = (b: boolean) => (b ? 1 : 0);
  const elapsed = (running: boolean, since: number) =>
    running ? Math.floor((now - since) / 1000) : -1;
  return [
    ["loading", 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", server.dirty],
    ["rdb_bgsave_in_progress", flag(rdb.inProgress)],
    ["rdb_last_save_time", server.lastSave],
    ["rdb_last_bgsave_status", rdb.lastBgsaveStatus],
    ["rdb_last_bgsave_time_sec", rdb.lastBgsaveSeconds],
    [
      "rdb_current_bgsave_time_sec",
      elapsed(rdb.inProgress, rdb.bgsaveStartedAt),
    ],
    ["rdb_saves", rdb.saves],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", rdb.loadedExpiredKeys],
    ["rdb_last_load_keys_loaded", rdb.loadedKeys],
    ["aof_enabled", flag(server.config.flag("appendonly"))],
    ["aof_rewrite_in_progress", flag(aof.rewriting)],
    ["aof_rewrite_scheduled", flag(aof.rewriteScheduled)],
    ["aof_last_rewrite_time_sec", aof.lastRewriteSeconds],
    [
      "aof_current_rewrite_time_sec",
      elapsed(aof.rewriting, aof.rewriteStartedAt),
    ],
    ["aof_last_bgrewrite_status", aof.lastRewriteStatus],
    ["aof_rewrites", aof.rewrites],
    ["aof_rewrites_consecutive_failures", aof.consecutiveFailures],
    ["aof_last_write_status", aof.lastWriteStatus],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
}

function statsSection(server: Server): Field[] {
  const st = server.stats;
  const s = samplesOf(server);
  return [
    ["total_connections_received", st.connectionsReceived],
    ["total_commands_processed", st.commandsProcessed],
    ["instantaneous_ops_per_sec", Math.round(s.ops.rate)],
    ["total_net_input_bytes", st.netInputBytes],
    ["total_net_output_bytes", st.netOutputBytes],
    ["total_net_repl_input_bytes", st.netReplInputBytes],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", (s.input.rate / 1024).toFixed(2)],
    ["instantaneous_output_kbps", (s.output.rate / 1024).toFixed(2)],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", st.rejectedConnections],
    ["sync_full", server.replication.fullSyncs],
    ["sync_partial_ok", server.replication.partialSyncsAccepted],
    ["sync_partial_err", server.replication.partialSyncsRefused],
    ["expired_keys", st.expiredKeys],
    ["evicted_keys", st.evictedKeys],
    ["evicted_clients", st.evictedClients],
    ["keyspace_hits", st.keyspaceHits],
    ["keyspace_misses", st.keyspaceMisses],
    ["pubsub_channels", server.pubsub.channelCount("channel")],
    ["pubsub_patterns", server.pubsub.patternCount],
    ["pubsubshard_channels", server.pubsub.channelCount("shard")],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", server.tracking.keyCount],
    ["tracking_total_items", server.tracking.itemCount],
    ["tracking_total_prefixes", server.tracking.prefixCount],
    ["unexpected_error_replies", 0],
    ["total_error_replies", st.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
  ];
}

function replicationSection(server: Server): Field[] {
  const replication = server.replication;
  const config = server.config;
  const fields: Field[] = [];
  const now = Date.now();
  const secondsSince = (ms: number) => Math.floor((now - ms) / 1000);
  const master = replication.master;
  if (master === null) fields.push(["role", "master"]);
  else {
    const link = replication.link;
    const transfer = link?.transfer ?? null;
    fields.push(
      ["role", "slave"],
      ["master_host", master.host],
      ["master_port", master.port],
      ["master_link_status", replication.linkUp ? "up" : "down"],
      [
        "master_last_io_seconds_ago",
        link !== null && link.lastIo > 0 && replication.linkUp
          ? secondsSince(link.lastIo)
          : -1,
      ],
      ["master_sync_in_progress", transfer !== null ? 1 : 0],
      // Like Redis: the master client's offsets, else the cached master's.
      [
        "slave_read_repl_offset",
        replication.linkUp
          ? link!.readOffset
          : replication.cachedMaster?.offset ?? 1,
      ],
      [
        "slave_repl_offset",
        replication.linkUp
          ? link!.appliedOffset
          : replication.cachedMaster?.offset ?? 1,
      ],
    );
    if (transfer !== null) {
      const left = transfer.size < 0 ? 0 : transfer.size - transfer.read;
      const perc = transfer.size > 0 ? transfer.read * 100 / transfer.size : 0;
      fields.push(
        ["master_sync_total_bytes", transfer.size],
        ["master_sync_read_bytes", transfer.read],
        ["master_sync_left_bytes", left],
        ["master_sync_perc", perc.toFixed(2)],
        ["master_sync_last_io_seconds_ago", secondsSince(transfer.lastIo)],
      );
    }
    if (!replication.linkUp) {
      const since = link?.downSince ?? 0;
      fields.push([
        "master_link_down_since_seconds",
        since > 0 ? secondsSince(since) : -1,
      ]);
    }
    fields.push(
      ["slave_priority", config.number("replica-priority")],
      ["slave_read_only", config.flag("replica-read-only") ? 1 : 0],
      ["replica_announced", config.flag("replica-announced") ? 1 : 0],
    );
  }
  fields.push(["connected_slaves", replication.replicas.length]);
  if (
    config.number("min-replicas-to-write") > 0 &&
    config.number("min-replicas-max-lag") > 0
  ) {
    fields.push(["min_slaves_good_slaves", replication.goodReplicas]);
  }
  replication.replicas.forEach((client, i) => {
    const replica = client.replica!;
    fields.push([
      `slave${i}`,
      `ip=${
        replication.replicaIp(client)
      },port=${replica.settings.listeningPort},state=${replica.state},offset=${replica.ackOffset},lag=${
        secondsSince(replica.ackTime)
      }`,
    ]);
  });
  const backlog = replication.backlog;
  fields.push(
    [
      "master_failover_state",
      replication.failover?.state ?? "no-failover",
    ],
    ["master_replid", replication.replid],
    ["master_replid2", replication.replid2],
    ["master_repl_offset", replication.offset],
    ["second_repl_offset", replication.secondOffset],
    ["repl_backlog_active", backlog === null ? 0 : 1],
    ["repl_backlog_size", config.number("repl-backlog-size")],
    ["repl_backlog_first_byte_offset", backlog?.firstByteOffset ?? 0],
    ["repl_backlog_histlen", backlog?.historyLength ?? 0],
  );
  return fields;
}

function cpuSection(): Field[] {
  const usage = process.cpuUsage();
  const seconds = (micros: number) => (micros / 1e6).toFixed(6);
  return [
    ["used_cpu_sys", seconds(usage.system)],
    ["used_cpu_user", seconds(usage.user)],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
  ];
}

function commandstatsSection(server: Server): string[] {
  const lines: string[] = [];
  for (const [name, stat] of server.stats.commands) {
    const perCall = stat.calls === 0 ? 0 : stat.usec / stat.calls;
    lines.push(
      `cmdstat_${name}:calls=${stat.calls},usec=${
        Math.round(stat.usec)
      },usec_per_call=${
        perCall.toFixed(2)
      },rejected_calls=${stat.rejected},failed_calls=${stat.failed}`,
    );
  }
  return lines;
}

function latencystatsSection(server: Server): string[] {
  const words = server.config.get("latency-tracking-info-percentiles");
  // The words are already in Redis's "%f" form with trailing zeros trimmed.
  const percentiles = words === "" ? [] : words.split(" ");
  const lines: string[] = [];
  for (const [name, stat] of server.stats.commands) {
    const histogram = stat.histogram;
    if (histogram === null) continue;
    const values = percentiles.map((p) =>
      `p${p}=${(histogram.valueAtPercentile(Number(p)) / 1000).toFixed(3)}`
    );
    lines.push(`latency_percentiles_usec_${name}:${values.join(",")}`);
  }
  return lines;
}

function errorstatsSection(server: Server): string[] {
  // Redis keeps error prefixes in a radix tree, so they come out sorted.
  const names = [...server.stats.errors.keys()].sort();
  return names.map((name) =>
    `errorstat_${name}:count=${server.stats.errors.get(name)}`
  );
}

function keyspaceSection(server: Server): string[] {
  const lines: string[] = [];
  const now = Date.now();
  for (const db of server.keyspace.databases) {
    if (db.size === 0) continue;
    lines.push(
      `db${db.id}:keys=${db.size},expires=${db.volatileCount},avg_ttl=${
        averageTtl(db, now)
      }`,
    );
  }
  return lines;
}

/** How many volatile keys avg_ttl looks at, like one expire-cycle sample. */
const TTL_SAMPLE = 20;

/**
 * Estimated mean TTL (ms) of a database's volatile keys from a sample of
 * them, as Redis estimates it while sampling keys for active expiry.
 */
function averageTtl(
  db: Server["keyspace"]["databases"][number],
  now: number,
): number {
  let total = 0;
  let count = 0;
  let looked = 0;
  for (const [, entry] of db.entries()) {
    // Bounded, so INFO stays O(1) per database however many keys there are.
    if (count >= TTL_SAMPLE || ++looked > TTL_SAMPLE * 10) break;
    if (entry.expireAt === 0) continue;
    total += Math.max(0, entry.expireAt - now);
    count++;
  }
  return count === 0 ? 0 : Math.round(total / count);
}

/** Sections in output order, with whether "default" includes them. */
const SECTIONS: [string, string, boolean][] = [
  ["server", "Server", true],
  ["clients", "Clients", true],
  ["memory", "Memory", true],
  ["persistence", "Persistence", true],
  ["stats", "Stats", true],
  ["replication", "Replication", true],
  ["cpu", "CPU", true],
  ["modules", "Modules", true],
  ["commandstats", "Commandstats", false],
  ["errorstats", "Errorstats", true],
  ["latencystats", "Latencystats", false],
  ["cluster", "Cluster", true],
  ["keyspace", "Keyspace", true],
];

function sectionLines(server: Server, name: string): string[] {
  const fields = (list: Field[]) => list.map(([k, v]) => `${k}:${v}`);
  switch (name) {
    case "server":
      return fields(serverSection(server));
    case "clients":
      return fields(clientsSection(server));
    case "memory":
      return fields(memorySection(server));
    case "persistence":
      return fields(persistenceSection(server));
    case "stats":
      return fields(statsSection(server));
    case "replication":
      return fields(replicationSection(server));
    case "cpu":
      return fields(cpuSection());
    case "commandstats":
      return commandstatsSection(server);
    case "errorstats":
      return errorstatsSection(server);
    case "latencystats":
      return latencystatsSection(server);
    case "cluster":
      return ["cluster_enabled:0"];
    case "keyspace":
      return keyspaceSection(server);
    default:
      return [];
  }
}

/**
 * The INFO text for the requested section names (lower-case). No names
 * means "default"; "all" and "everything" select every section.
 */
export function infoText(server: Server, requested: readonly string[]): string {
  const wanted = new Set<string>();
  for (const name of requested.length === 0 ? ["default"] : requested) {
    if (name === "all" || name === "everything") {
      for (const [s] of SECTIONS) wanted.add(s);
    } else if (name === "default") {
      for (const [s, , byDefault] of SECTIONS) if (byDefault) wanted.add(s);
    } else wanted.add(name);
  }
  let text = "";
  for (const [name, title] of SECTIONS) {
    if (!wanted.has(name)) continue;
    if (text !== "") text += "\r\n";
    text += `# ${title}\r\n`;
    for (const line of sectionLines(server, name)) text += line + "\r\n";
  }
  return text;
}
