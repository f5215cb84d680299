/**
 * Builds the standalone binary with `deno task compile`'s flags and runs an
 * end-to-end check against it through REDIS_TS_BINARY. deno compile needs a
 * runtime that it downloads on first use; on machines that cannot download
 * it the test is skipped, with the reason printed.
 */

import assert from "node:assert/strict";
import { startOurServer } from "./helpers/servers.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The compile task's arguments, read from deno.json so the two agree. */
async function compileArgs(output: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const task: string = config.tasks.compile;
  const words = task.split(/\s+/);
  assert.equal(words[0], "deno");
  assert.equal(words[1], "compile");
  const args = words.slice(1);
  const at = args.indexOf("--output");
  args[at + 1] = output;
  return args;
}

/** Signs that deno compile failed only because it could not fetch its runtime. */
const DOWNLOAD_FAILURE =
  /Setting up base binary|error sending request|dns error|failed to lookup address|Connection refused|timed out/i;

interface Build {
  binary: string | null;
  dir: string;
  skipReason: string | null;
  error: string | null;
}

async function build(): Promise<Build> {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-compile-" });
  const binary = `${dir}/redis-ts`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: await compileArgs(binary),
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.success) return { binary, dir, skipReason: null, error: null };
  if (DOWNLOAD_FAILURE.test(stderr)) {
    return {
      binary: null,
      dir,
      skipReason: "deno compile could not download its runtime (" +
        (stderr.match(DOWNLOAD_FAILURE)?.[0] ?? "") + ")",
      error: null,
    };
  }
  return { binary: null, dir, skipReason: null, error: stderr };
}

const built = await build();
if (built.skipReason !== null) {
  console.warn(`skipping compiled binary test: ${built.skipReason}`);
  await Deno.remove(built.dir, { recursive: true });
}

Deno.test({
  name: "compile: the standalone binary serves clients and saves",
  ignore: built.skipReason !== null,
  async fn() {
    try {
      assert.equal(built.error, null, `deno compile failed:\n${built.error}`);
      const previous = Deno.env.get("REDIS_TS_BINARY");
      Deno.env.set("REDIS_TS_BINARY", built.binary!);
      let server;
      try {
        server = await startOurServer();
      } finally {
        if (previous === undefined) Deno.env.delete("REDIS_TS_BINARY");
        else Deno.env.set("REDIS_TS_BINARY", previous);
      }
      const client = await server.connect();
      try {
        assert.equal(await client.call("PING"), "PONG");
        assert.equal(await client.call("SET", "k", "\x00\xff"), "OK");
        assert.equal(await client.call("GET", "k"), "\x00\xff");
        const info = await client.call("INFO", "server") as string;
        assert.match(info, /redis_version:7\.0\.15/);
        assert.equal(await client.call("SAVE"), "OK");
        const saved = await Deno.stat(`${server.dir}/dump.rdb`);
        assert.ok(saved.size > 0);
      } finally {
        client.close();
        await server.stop();
      }
    } finally {
      await Deno.remove(built.dir, { recursive: true });
    }
  },
});
