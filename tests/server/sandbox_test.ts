/**
 * The server started the way users start it, through spawn_redis_server.sh
 * (which `deno task start` runs), with only the Deno permissions its
 * configuration needs: the classic "CONFIG SET dir /etc, then SAVE" is
 * refused even with protected configs enabled, while SAVE, BGSAVE and the
 * AOF work in `dir`, a save into a directory that went away fails as in
 * Redis without stopping the server, and `daemonize yes` detaches.
 */

import { SERVER_V8_FLAGS } from "../../lib/config/permissions.ts";
import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { RespClient, RespError } from "../helpers/resp_client.ts";
import {
  freePort,
  runToExit,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;
const LAUNCHER = `${ROOT}spawn_redis_server.sh`;

/** Redis's CONFIG SET error for a dir outside the process's write grants. */
function refusedDir(path: string): string {
  return `ERR CONFIG SET failed (possibly related to argument 'dir') - '${path}' is outside the directories this server may write to (its Deno --allow-write permissions, fixed at start-up)`;
}

/**
 * The command line of process `pid` (Linux). Read by `cat`: Deno lets a
 * process read /proc/<pid>/cmdline only with --allow-all, and `deno task
 * test` grants less.
 */
function commandLine(pid: number): string[] {
  const out = new Deno.Command("cat", {
    args: [`/proc/${pid}/cmdline`],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, `cat /proc/${pid}/cmdline: ${text(out.stderr)}`);
  return text(out.stdout).split("\0");
}

/** Polls `check` every 20 ms for up to 10 s. */
async function waitFor(what: string, check: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One INFO field. */
async function info(client: RespClient, field: string): Promise<string> {
  const reply = String(await client.call("INFO", "persistence"));
  return reply.match(new RegExp(`\r\n${field}:([^\r]*)`))?.[1] ?? "";
}

/** Starts the server through the launcher in `dir`, with `flags`. */
function startSandboxed(dir: string, flags: string[]): Promise<TestServer> {
  return startServer({
    sandboxed: true,
    dir,
    flags: ["--enable-protected-configs", "yes", "--dir", dir, ...flags],
  });
}

Deno.test("sandboxed: the server runs with only its configuration's permissions", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const server = await startSandboxed(dir, ["--save", ""]);
  const client = await server.connect();
  try {
    // The launcher execs the server: the pid started is the server's.
    const reply = String(await client.call("INFO", "server"));
    assert.match(reply, new RegExp(`\r\nprocess_id:${server.pid}\r\n`));
    const argv = commandLine(server.pid);
    const main = argv.indexOf(MAIN);
    assert.deepEqual(argv.slice(1, main), [
      "run",
      "--no-prompt",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      "--allow-net",
      "--allow-sys=osRelease,systemMemoryInfo",
      SERVER_V8_FLAGS,
    ]);
  } finally {
    client.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sandboxed: CONFIG SET dir /etc is refused even with protected configs enabled", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const server = await startSandboxed(dir, ["--save", ""]);
  const client = await server.connect();
  try {
    await Deno.symlink("/etc", `${dir}/etc-link`);
    for (const [path, shown] of [["/etc", "/etc"], ["etc-link", "/etc"]]) {
      const reply = await client.call("CONFIG", "SET", "dir", path);
      assert.ok(reply instanceof RespError, path);
      assert.equal(reply.message, refusedDir(shown));
      assert.deepEqual(await client.call("CONFIG", "GET", "dir"), ["dir", dir]);
    }
    assert.equal(await client.call("SET", "k", "v"), "OK");
    assert.equal(await client.call("SAVE"), "OK");
    assert.ok(Deno.statSync(`${dir}/dump.rdb`).size > 0);
  } finally {
    client.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sandboxed: SAVE, BGSAVE and the AOF work in dir; a dir gone fails as in Redis", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const server = await startSandboxed(dir, ["--save", ""]);
  const client = await server.connect();
  try {
    assert.equal(await client.call("SET", "k", "v"), "OK");
    assert.equal(await client.call("SAVE"), "OK");
    Deno.removeSync(`${dir}/dump.rdb`);
    assert.equal(await client.call("BGSAVE"), "Background saving started");
    await waitFor(
      "the BGSAVE",
      async () => await info(client, "rdb_bgsave_in_progress") === "0",
    );
    assert.equal(await info(client, "rdb_last_bgsave_status"), "ok");
    assert.ok(Deno.statSync(`${dir}/dump.rdb`).size > 0);

    assert.equal(await client.call("CONFIG", "SET", "appendonly", "yes"), "OK");
    await waitFor(
      "the AOF rewrite",
      async () =>
        await info(client, "aof_rewrite_in_progress") === "0" &&
        await info(client, "aof_rewrite_scheduled") === "0",
    );
    assert.equal(await client.call("SET", "k2", "v2"), "OK");
    const aofDir = `${dir}/appendonlydir`;
    await waitFor("the AOF write", () => {
      for (const entry of Deno.readDirSync(aofDir)) {
        if (!entry.name.endsWith(".incr.aof")) continue;
        if (Deno.readTextFileSync(`${aofDir}/${entry.name}`).includes("k2")) {
          return true;
        }
      }
      return false;
    });
    assert.equal(await client.call("CONFIG", "SET", "appendonly", "no"), "OK");

    // A directory inside the grant may be chosen; once it is gone a save
    // fails with Redis's reply, and the server goes on.
    await Deno.mkdir(`${dir}/sub`);
    assert.equal(await client.call("CONFIG", "SET", "dir", "sub"), "OK");
    await Deno.remove(`${dir}/sub`);
    const failed = await client.call("SAVE");
    assert.ok(failed instanceof RespError);
    assert.equal(failed.message, "ERR");
    assert.equal(await client.call("BGSAVE"), "Background saving started");
    await waitFor(
      "the BGSAVE",
      async () => await info(client, "rdb_bgsave_in_progress") === "0",
    );
    assert.equal(await info(client, "rdb_last_bgsave_status"), "err");
    assert.equal(await client.call("PING"), "PONG");
    assert.equal(await client.call("CONFIG", "SET", "dir", dir), "OK");
    assert.equal(await client.call("SAVE"), "OK");
  } finally {
    client.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sandboxed: a config file with includes is readable, CONFIG REWRITE outside dir is not", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/conf/conf.d`, { recursive: true });
    await Deno.mkdir(`${base}/data`);
    await Deno.writeTextFile(
      `${base}/conf/redis.conf`,
      `include ${base}/conf/conf.d/*.conf\ndir ${base}/data\nsave ""\n`,
    );
    await Deno.writeTextFile(`${base}/conf/conf.d/a.conf`, "timeout 7\n");
    const server = await startServer({
      sandboxed: true,
      dir: base,
      configFile: "conf/redis.conf",
    });
    const client = await server.connect();
    try {
      assert.deepEqual(await client.call("CONFIG", "GET", "timeout"), [
        "timeout",
        "7",
      ]);
      const reply = await client.call("CONFIG", "REWRITE");
      assert.ok(reply instanceof RespError);
      assert.match(reply.message, /^ERR Rewriting config file: .*write access/);
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("sandboxed: a dir the process may not write to stops start-up", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Hand-picked permissions, as a compiled binary has them.
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        `--allow-write=${dir}`,
        "--allow-net",
        MAIN,
        "--port",
        "0",
        "--dir",
        "/etc",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    assert.equal(
      text(out.stderr),
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't use dir: '/etc' is outside the directories this server may write to (its Deno --allow-write permissions, fixed at start-up)\n",
    );
    // A bad configuration stops the launcher with the server's own error.
    const bad = await runToExit({
      args: ["--port", "x"],
      cwd: dir,
      sandboxed: true,
    });
    const expected = await runToExit({ args: ["--port", "x"], cwd: dir });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, expected.stderr);
    const missing = await runToExit({
      args: ["/nonexistent.conf"],
      cwd: dir,
      sandboxed: true,
    });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stdout,
      /# Fatal error, can't open config file '\/nonexistent\.conf': No such file or directory\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sandboxed: daemonize yes detaches the server, which writes its pid file", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const port = freePort();
  const pidfile = `${dir}/redis.pid`;
  let pid = 0;
  try {
    const out = await new Deno.Command(LAUNCHER, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--daemonize",
        "yes",
        "--pidfile",
        pidfile,
        "--logfile",
        `${dir}/redis.log`,
        "--save",
        "",
      ],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, text(out.stderr));
    await waitFor("the pid file", () => {
      try {
        pid = Number(Deno.readTextFileSync(pidfile).trim());
        return pid > 0;
      } catch {
        return false;
      }
    }).catch((error) => {
      // The daemon's output is discarded: its log says what went wrong.
      let log = "(nothing)";
      try {
        log = Deno.readTextFileSync(`${dir}/redis.log`);
      } catch {
        // It did not even open its log.
      }
      throw new Error(`${error.message}; the daemon logged:\n${log}`);
    });
    let client: RespClient | undefined;
    await waitFor("the daemon", async () => {
      client = await RespClient.connect(port).catch(() => undefined);
      return client !== undefined;
    });
    try {
      const reply = String(await client!.call("INFO", "server"));
      assert.match(reply, new RegExp(`\r\nprocess_id:${pid}\r\n`));
      assert.ok(commandLine(pid).includes("--allow-env=REDIS_TS_DAEMONIZED"));
    } finally {
      client!.close();
    }
  } finally {
    if (pid > 0) {
      try {
        Deno.kill(pid, "SIGTERM");
      } catch {
        // Already gone.
      }
      await waitFor("the daemon to exit", () => {
        try {
          Deno.statSync(`/proc/${pid}`);
          return false;
        } catch {
          return true;
        }
      });
    }
    await Deno.remove(dir, { recursive: true });
  }
});
