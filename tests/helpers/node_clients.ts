/**
 * The test-only Node client libraries (tests/clients/node, pinned in its
 * package.json and installed by `npm ci --prefix tests/clients/node`, as
 * .ci/run does): whether they are installed, and running a Node script
 * that uses them.
 *
 * @module
 */

import assert from "node:assert/strict";
import { text } from "./bytes.ts";

/** The folder of the Node client scripts and their node_modules. */
export const NODE_CLIENTS: string =
  new URL("../clients/node/", import.meta.url).pathname;

/**
 * Whether the packages `names` are installed; when not, warns that the
 * tests `what` names are skipped.
 */
export function nodeClientsInstalled(
  what: string,
  ...names: string[]
): boolean {
  for (const name of names) {
    try {
      Deno.statSync(`${NODE_CLIENTS}node_modules/${name}/package.json`);
    } catch {
      console.warn(
        `${
          names.join("/")
        } not installed (npm ci --prefix tests/clients/node): ${what} skipped`,
      );
      return false;
    }
  }
  return true;
}

/**
 * Runs `node args...` in the client folder; asserts it succeeds (showing
 * its output when not) and returns what it printed.
 */
export async function runNode(args: readonly string[]): Promise<string> {
  const out = await new Deno.Command("node", {
    args: [...args],
    cwd: NODE_CLIENTS,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(
    out.success,
    `node ${args[0]} failed:\n${text(out.stdout)}\n${text(out.stderr)}`,
  );
  return text(out.stdout);
}
