/**
 * The latency monitor (LATENCY): for each event class ("command",
 * "fast-command", "expire-cycle"...), the times an operation took at least
 * `latency-monitor-threshold` milliseconds. Like Redis it keeps the last
 * 160 samples per event, one per second (the slowest of that second), and
 * the slowest ever.
 *
 * @module
 */

/** Samples kept per event. */
const HISTORY_LENGTH = 160;

/** One second's slowest latency of an event. */
export interface LatencySample {
  /** Unix time in seconds. */
  readonly time: number;
  /** Milliseconds. */
  latency: number;
}

/** What the monitor knows of one event. */
export interface LatencyEvent {
  /** Its samples, oldest first. */
  readonly samples: LatencySample[];
  /** The slowest ever, in milliseconds. */
  max: number;
}

/** The latency monitor of a server. */
export class LatencyMonitor {
  readonly #events = new Map<string, LatencyEvent>();

  /** Records that `event` took `ms` milliseconds at unix second `time`. */
  add(event: string, ms: number, time = Math.floor(Date.now() / 1000)): void {
    let entry = this.#events.get(event);
    if (entry === undefined) {
      entry = { samples: [], max: 0 };
      this.#events.set(event, entry);
    }
    if (ms > entry.max) entry.max = ms;
    const last = entry.samples.at(-1);
    if (last !== undefined && last.time === time) {
      if (ms > last.latency) last.latency = ms;
      return;
    }
    entry.samples.push({ time, latency: ms });
    if (entry.samples.length > HISTORY_LENGTH) entry.samples.shift();
  }

  /** Every event with samples, in the order they were first seen. */
  events(): IterableIterator<[string, LatencyEvent]> {
    return this.#events.entries();
  }

  /** One event, if it has samples. */
  event(name: string): LatencyEvent | undefined {
    return this.#events.get(name);
  }

  /** Forgets `names` (all events when empty); returns how many it forgot. */
  reset(names: readonly string[]): number {
    if (names.length === 0) {
      const count = this.#events.size;
      this.#events.clear();
      return count;
    }
    // Like Redis, names are matched in any letter case.
    let count = 0;
    for (const name of names) {
      const wanted = name.toLowerCase();
      for (const event of [...this.#events.keys()]) {
        if (event.toLowerCase() !== wanted) continue;
        this.#events.delete(event);
        count++;
      }
    }
    return count;
  }
}

/** Width of LATENCY GRAPH's chart in columns. */
const GRAPH_COLUMNS = 80;
/** Text rows of the chart. */
const GRAPH_ROWS = 4;
/** The chart's glyphs, lowest first, one third of a row each. */
const GRAPH_GLYPHS = "_o#";

/** How long ago `seconds` were, as the chart labels it ("5s", "2m", ...). */
function ageLabel(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.trunc(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.trunc(seconds / 3600)}h`;
  return `${Math.trunc(seconds / 86400)}d`;
}

/**
 * One block of columns of the chart: a filled bar per sample over
 * GRAPH_ROWS rows, a blank row, then each sample's label read downwards.
 */
function chartBlock(
  values: readonly number[],
  labels: readonly string[],
  min: number,
  range: number,
): string {
  const levels = GRAPH_GLYPHS.length * GRAPH_ROWS;
  const heights = values.map((value) => {
    // Truncated twice, as Redis computes the level.
    const level = Math.trunc(Math.trunc((value - min) * levels) / range);
    return Math.min(Math.max(level, 0), levels - 1);
  });
  let text = "";
  for (let row = 0; row < GRAPH_ROWS; row++) {
    const floor = (GRAPH_ROWS - row - 1) * GRAPH_GLYPHS.length;
    let line = "";
    for (const height of heights) {
      const glyph = height - floor;
      line += glyph < 0
        ? " "
        : glyph < GRAPH_GLYPHS.length
        ? GRAPH_GLYPHS[glyph]
        : "|";
    }
    text += line + "\n";
  }
  text += " ".repeat(values.length) + "\n";
  const longest = Math.max(...labels.map((label) => label.length));
  for (let char = 0; char < longest; char++) {
    text += labels.map((label) => label[char] ?? " ").join("") + "\n";
  }
  return text;
}

/** LATENCY GRAPH's text for `name`'s samples, as seen at unix second `now`. */
export function latencyGraph(
  name: string,
  event: LatencyEvent,
  now = Math.floor(Date.now() / 1000),
): string {
  const values = event.samples.map((sample) => sample.latency);
  const labels = event.samples.map((sample) => ageLabel(now - sample.time));
  const min = Math.min(...values);
  const max = Math.max(...values);
  let text =
    `${name} - high ${max} ms, low ${min} ms (all time high ${event.max} ms)\n` +
    "-".repeat(GRAPH_COLUMNS) + "\n";
  const range = max - min === 0 ? 1 : max - min;
  for (let start = 0; start < values.length; start += GRAPH_COLUMNS) {
    if (start !== 0) text += "\n";
    const end = start + GRAPH_COLUMNS;
    text += chartBlock(
      values.slice(start, end),
      labels.slice(start, end),
      min,
      range,
    );
  }
  return text;
}

/** The settings LATENCY DOCTOR's advice depends on. */
export interface DoctorSettings {
  /** latency-monitor-threshold, in milliseconds. */
  readonly threshold: number;
  /** slowlog-log-slower-than, in microseconds (negative: off). */
  readonly slowlogSlowerThan: number;
  /** Whether appendfsync is "always". */
  readonly fsyncAlways: boolean;
  /** hz. */
  readonly hz: number;
}

/** The pieces of advice LATENCY DOCTOR can give, in the order it gives them. */
const ADVICE = [
  "slowlog-enabled",
  "slowlog-tuning",
  "slowlog-inspect",
  "scheduler",
  "local-disk",
  "ssd",
  "data-writeback",
  "disk-contention",
  "no-appendfsync",
  "relax-fsync",
  "write-load",
  "hz",
  "large-objects",
  "mass-eviction",
] as const;

type Advice = typeof ADVICE[number];

/** Which advice an event calls for (beyond the slow log's, decided apart). */
const EVENT_ADVICE: Record<string, readonly Advice[]> = {
  "command": ["slowlog-inspect", "large-objects"],
  "fast-command": ["scheduler"],
  "aof-write-pending-fsync": [
    "local-disk",
    "disk-contention",
    "ssd",
    "data-writeback",
  ],
  "aof-write-active-child": ["no-appendfsync", "data-writeback", "ssd"],
  "aof-write-alone": ["local-disk", "data-writeback", "ssd"],
  "aof-fsync-always": ["relax-fsync"],
  "aof-fstat": ["disk-contention", "local-disk"],
  "rdb-unlink-temp-file": ["disk-contention", "local-disk"],
  "aof-rewrite-diff-write": [
    "write-load",
    "data-writeback",
    "ssd",
    "local-disk",
  ],
  "aof-rename": ["write-load", "data-writeback", "ssd", "local-disk"],
  "expire-cycle": ["hz", "large-objects"],
  "eviction-del": ["large-objects"],
  "eviction-cycle": ["mass-eviction"],
};

function adviceText(advice: Advice, settings: DoctorSettings): string {
  const slowlogSetting = settings.threshold * 1000;
  switch (advice) {
    case "slowlog-enabled":
      return `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${slowlogSetting}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
    case "slowlog-tuning":
      return `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${slowlogSetting}'.\n`;
    case "slowlog-inspect":
      return "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n";
    case "scheduler":
      return "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
        "  1) Lower the system load.\n" +
        "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
        '  3) Check if you have a "noisy neighbour" problem.\n' +
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n";
    case "local-disk":
      return "- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n";
    case "ssd":
      return "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage and smaller final AOF rewrite buffer flushes). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n";
    case "data-writeback":
      return "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n";
    case "disk-contention":
      return "- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n";
    case "no-appendfsync":
      return "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n";
    case "relax-fsync":
      return settings.fsyncAlways
        ? "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n"
        : "";
    case "write-load":
      return "- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n";
    case "hz":
      return settings.hz < 100
        ? "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n"
        : "";
    case "large-objects":
      return "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n";
    case "mass-eviction":
      return "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  }
}

/**
 * One event's line of the report: its spikes, their average and mean
 * deviation in whole milliseconds, and the seconds between them.
 */
function eventSummary(
  position: number,
  name: string,
  event: LatencyEvent,
  now: number,
): string {
  const latencies = event.samples.map((sample) => sample.latency);
  const count = latencies.length;
  const average = Math.floor(latencies.reduce((a, b) => a + b, 0) / count);
  const deviation = Math.floor(
    latencies.reduce((sum, latency) => sum + Math.abs(average - latency), 0) /
      count,
  );
  const oldest = Math.min(...event.samples.map((sample) => sample.time));
  const period = now - oldest || 1;
  return `${position}. ${name}: ${count} latency spikes (average ${average}ms, mean deviation ${deviation}ms, period ${
    (period / count).toFixed(2)
  } sec). Worst all time event ${event.max}ms.\n`;
}

/** LATENCY DOCTOR's report on what `monitor` has seen. */
export function latencyReport(
  monitor: LatencyMonitor,
  settings: DoctorSettings,
  now = Math.floor(Date.now() / 1000),
): string {
  const events = [...monitor.events()];
  if (events.length === 0 && settings.threshold === 0) {
    return `I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n`;
  }
  if (events.length === 0) {
    return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
  }
  let report =
    "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  const advised = new Set<Advice>();
  events.forEach(([name, event], i) => {
    report += eventSummary(i + 1, name, event, now);
    if (name === "command") {
      if (settings.slowlogSlowerThan < 0) advised.add("slowlog-enabled");
      else if (
        Math.trunc(settings.slowlogSlowerThan / 1000) > settings.threshold
      ) advised.add("slowlog-tuning");
    }
    for (const advice of EVENT_ADVICE[name] ?? []) advised.add(advice);
  });
  if (advised.size === 0) {
    return report +
      "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
  }
  report += "\nI have a few advices for you:\n\n";
  for (const advice of ADVICE) {
    if (advised.has(advice)) report += adviceText(advice, settings);
  }
  return report;
}
