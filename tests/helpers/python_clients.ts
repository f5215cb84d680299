/**
 * Debian's redis-py (apt python3-redis, installed by .ci/run) for the
 * client tests: whether it is there, and running a script of
 * tests/clients/python against a server.
 *
 * @module
 */

import assert from "node:assert/strict";
import { text } from "./bytes.ts";

/** Debian's interpreter, the one python3-redis is installed for. */
const DEBIAN_PYTHON = "/usr/bin/python3";

/** Whether Debian's python3 has the redis module; warns when not. */
export function redisPyInstalled(what: string): boolean {
  try {
    const out = new Deno.Command(DEBIAN_PYTHON, {
      args: ["-c", "import redis"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    if (out.success) return true;
  } catch {
    // No Debian python3 at all.
  }
  console.warn(
    `redis-py not installed (apt-get install python3-redis): ${what} skipped`,
  );
  return false;
}

/**
 * Runs tests/clients/python/`script` with the server's `port`; asserts it
 * succeeds (showing its output when not) and returns what it printed.
 */
export async function runRedisPy(
  script: string,
  port: number,
): Promise<string> {
  const out = await new Deno.Command(DEBIAN_PYTHON, {
    args: [
      new URL(`../clients/python/${script}`, import.meta.url).pathname,
      String(port),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(
    out.success,
    `redis-py ${script} failed:\n${text(out.stdout)}\n${text(out.stderr)}`,
  );
  return text(out.stdout);
}
