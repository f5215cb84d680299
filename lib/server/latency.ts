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
    let count = 0;
    for (const name of names) if (this.#events.delete(name)) count++;
    return count;
  }
}
