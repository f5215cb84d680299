/**
 * The flags a script (`#!lua flags=...`) or a function
 * (`redis.register_function{flags=...}`) may declare, as Redis 7.0 knows
 * them.
 *
 * @module
 */

/** Every script and function flag. */
export const SCRIPT_FLAGS: ReadonlySet<string> = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
]);
