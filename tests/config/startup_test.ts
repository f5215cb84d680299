/**
 * Whole configuration files and the start-up directives that act on the
 * process: Debian's /etc/redis/redis.conf (which says `daemonize yes`) and a
 * generated redis.conf holding every directive at its default, each loaded
 * into our server and redis-server and compared; the detaching, the
 * foreground fallback, the banner and the TLS configuration step (more in
 * tests/server/tls_test.ts).
 */

import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { DIRECTIVES } from "../../lib/config/directives.ts";
import { detectSupervision } from "../../lib/config/startup.ts";
import { text } from "../helpers/bytes.ts";
import { RespClient } from "../helpers/resp_client.ts";
import {
  freePort,
  hasRedisServer,
  runToExit,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const DEBIAN_CONF = "/etc/redis/redis.conf";
const HIDDEN = DIRECTIVES.filter((d) => d.hidden).map((d) => d.name);

function debianConfExists(): boolean {
  try {
    return Deno.statSync(DEBIAN_CONF).isFile;
  } catch {
    return false;
  }
}

/** CONFIG GET * and every hidden directive, as name -> value. */
async function allValues(client: RespClient): Promise<Map<string, string>> {
  const reply = await client.call("CONFIG", "GET", "*") as string[];
  const out = new Map<string, string>();
  for (let i = 0; i < reply.length; i += 2) out.set(reply[i], reply[i + 1]);
  for (const name of HIDDEN) {
    const [, value] = await client.call("CONFIG", "GET", name) as string[];
    out.set(name, value);
  }
  return out;
}

/** Asserts both maps hold the same names, and the same values but for `skip`. */
function assertSameValues(
  ours: Map<string, string>,
  theirs: Map<string, string>,
  skip: ReadonlySet<string>,
): void {
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
  for (const [name, value] of theirs) {
    if (!skip.has(name)) assert.equal(ours.get(name), value, name);
  }
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Stops a process by pid: SIGTERM, then SIGKILL if it is still there after 10 s. */
async function stopPid(pid: number): Promise<void> {
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    return; // Gone already.
  }
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (alive(pid)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
}

/**
 * Removes a daemon's directory; a server that just exited may still have
 * had a file being closed in it, so a failed attempt is retried.
 */
async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(dir, { recursive: true });
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A server started with `daemonize yes`: its daemon's pid and a client. */
interface Daemon {
  readonly pid: number;
  readonly client: RespClient;
}

/**
 * Starts a server (ours, or redis-server) that is expected to go to the
 * background: the command must exit 0 by itself, then the daemon's pid is
 * read from `pidfile` and a client connects to `port`. `started` receives
 * the pid as soon as it is known, so the caller can always stop it.
 */
async function startDaemon(
  oracle: boolean | readonly string[],
  args: string[],
  cwd: string,
  pidfile: string,
  port: number,
  started: (pid: number) => void,
): Promise<Daemon> {
  // `oracle` may instead be the Deno permission flags to run ours with.
  const permissions = Array.isArray(oracle) ? oracle : ["--allow-all"];
  const [command, commandArgs] = oracle === true
    ? ["redis-server", args]
    : [Deno.execPath(), ["run", ...permissions, MAIN, ...args]];
  // If the server failed to detach it would run on: the signal kills it.
  const out = await new Deno.Command(command, {
    args: commandArgs,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(
    out.code,
    0,
    `${command} exited ${out.code}: ${text(out.stdout)}${text(out.stderr)}`,
  );
  // The parent leaves nothing on its own output: the daemon logs to its file.
  assert.equal(text(out.stdout) + text(out.stderr), "");
  const pid = await waitFor("the pid file", () => {
    try {
      const n = Number(Deno.readTextFileSync(pidfile).trim());
      return n > 0 ? n : null;
    } catch {
      return null;
    }
  });
  started(pid);
  const client = await waitFor("the daemon's port", async () => {
    try {
      return await RespClient.connect(port);
    } catch {
      return null;
    }
  });
  return { pid, client };
}

Deno.test({
  name:
    "Debian's redis.conf (daemonize yes) loads unchanged into both servers, with the same values",
  ignore: !hasRedisServer() || !debianConfExists(),
  async fn() {
    const base = await Deno.makeTempDir({ prefix: "redis-ts-debian-" });
    const pids: number[] = [];
    const clients: RespClient[] = [];
    try {
      await Deno.copyFile(DEBIAN_CONF, `${base}/redis.conf`);
      const run = async (oracle: boolean) => {
        const name = oracle ? "oracle" : "ours";
        const dir = `${base}/${name}`;
        await Deno.mkdir(dir);
        const port = freePort();
        const pidfile = `${base}/${name}.pid`;
        // Debian's file points at /var/lib/redis, /var/log/redis, /run/redis
        // and port 6379: the command line moves them somewhere safe.
        const args = [
          "redis.conf",
          "--port",
          String(port),
          "--dir",
          dir,
          "--logfile",
          `${base}/${name}.log`,
          "--pidfile",
          pidfile,
        ];
        const daemon = await startDaemon(
          oracle,
          args,
          base,
          pidfile,
          port,
          (pid) => pids.push(pid),
        );
        clients.push(daemon.client);
        return daemon;
      };
      const ours = await run(false);
      const oracle = await run(true);
      assert.notEqual(ours.pid, oracle.pid);
      const values = await allValues(ours.client);
      assert.equal(values.get("daemonize"), "yes");
      assert.equal(values.get("pidfile"), `${base}/ours.pid`);
      assert.equal(await ours.client.call("SET", "k", "v"), "OK");
      // port, dir, logfile and pidfile were given each server's own values.
      assertSameValues(
        values,
        await allValues(oracle.client),
        new Set(["port", "dir", "logfile", "pidfile"]),
      );
      const log = await Deno.readTextFile(`${base}/ours.log`);
      assert.match(log, new RegExp(`\n${ours.pid}:M .* Ready to accept`));
    } finally {
      // SHUTDOWN NOSAVE first: with Debian's save points a SIGTERM makes
      // a server save, and one that cannot save does not exit.
      for (const client of clients) {
        await client.send("SHUTDOWN", "NOSAVE").catch(() => {});
        client.close();
      }
      for (const pid of pids) await stopPid(pid);
      await removeDir(base);
    }
  },
});

/** A redis.conf line setting directive `name` to `value` (as CONFIG GET shows it). */
function confLine(name: string, value: string, multiArg: boolean): string {
  if (value === "") return `${name} ""`;
  if (multiArg) return `${name} ${value}`;
  return `${name} "${value.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}

Deno.test({
  name:
    "a redis.conf with every directive at its default loads into both servers, with the same values",
  ignore: !hasRedisServer(),
  async fn() {
    const base = await Deno.makeTempDir({ prefix: "redis-ts-fullconf-" });
    const servers: TestServer[] = [];
    const clients: RespClient[] = [];
    try {
      const dir = await Deno.realPath(base);
      const lines = ["# Every directive of Redis 7.0.15 at its default."];
      for (const d of DIRECTIVES) {
        const value = d.name === "dir"
          ? dir
          : d.name === "replicaof"
          ? "no one"
          : d.defaultValue;
        lines.push(confLine(d.name, value, d.multiArg === true));
      }
      const file = `${base}/full.conf`;
      await Deno.writeTextFile(file, lines.join("\n") + "\n");
      // The oracle runs with persistence off; so does ours here.
      const flags = ["--save", "", "--appendonly", "no"];
      for (const oracle of [false, true]) {
        const server = await startServer({
          oracle,
          configFile: file,
          flags: oracle ? [] : flags,
        });
        servers.push(server);
        clients.push(await server.connect());
      }
      const [ours, theirs] = await Promise.all(clients.map(allValues));
      assert.equal(ours.get("dir"), dir);
      // Each server listens on its own free port.
      assertSameValues(ours, theirs, new Set(["port"]));
    } finally {
      for (const client of clients) client.close();
      await Promise.all(servers.map((s) => s.stop()));
      await Deno.remove(base, { recursive: true });
    }
  },
});

Deno.test("always-show-logo prints a banner with Port and PID lines", async () => {
  for (const show of [true, false]) {
    const server = await startServer({
      flags: ["--always-show-logo", show ? "yes" : "no"],
      captureOutput: true,
    });
    const client = await server.connect();
    try {
      assert.deepEqual(await client.call("CONFIG", "GET", "always-show-logo"), [
        "always-show-logo",
        show ? "yes" : "no",
      ]);
    } finally {
      client.close();
      await server.stop();
    }
    const { stdout } = await server.output;
    const port = new RegExp(`^.*\\bPort: ${server.port}\\b.*$`, "m");
    const pid = new RegExp(`^.*\\bPID: ${server.pid}\\b.*$`, "m");
    // Output is not a terminal here: without the directive, no banner.
    assert.equal(port.test(stdout), show, stdout);
    assert.equal(pid.test(stdout), show, stdout);
  }
});

/**
 * Broad permissions short of --allow-all (the server's own detach, for
 * `deno run` with permissions given by hand; the launcher grants fewer).
 */
const START_PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
];

Deno.test("daemonize yes detaches with broad permissions and --allow-run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-daemon-" });
  const pids: number[] = [];
  let client: RespClient | undefined;
  try {
    const port = freePort();
    const pidfile = `${dir}/redis.pid`;
    // Without every permission /proc/self/cmdline cannot be read: the
    // command line is rebuilt from the main module and the permissions.
    const daemon = await startDaemon(
      [...START_PERMISSIONS, "--allow-run"],
      [
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
      dir,
      pidfile,
      port,
      (pid) => pids.push(pid),
    );
    client = daemon.client;
    assert.deepEqual(await client.call("CONFIG", "GET", "save"), ["save", ""]);
    assert.deepEqual(await client.call("CONFIG", "GET", "daemonize"), [
      "daemonize",
      "yes",
    ]);
  } finally {
    await client?.send("SHUTDOWN", "NOSAVE").catch(() => {});
    client?.close();
    for (const pid of pids) await stopPid(pid);
    await removeDir(dir);
  }
});

Deno.test("daemonize yes without permission to run programs stays in the foreground, saying why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-daemon-" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...START_PERMISSIONS,
      MAIN,
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--daemonize",
      "yes",
      "--pidfile",
      `${dir}/redis.pid`,
      "--save",
      "",
    ],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  try {
    const client = await waitFor("the port", async () => {
      try {
        return await RespClient.connect(port);
      } catch {
        return null;
      }
    });
    try {
      assert.deepEqual(await client.call("CONFIG", "GET", "daemonize"), [
        "daemonize",
        "yes",
      ]);
      assert.equal(
        Deno.readTextFileSync(`${dir}/redis.pid`).trim(),
        String(child.pid),
      );
    } finally {
      client.close();
    }
  } finally {
    await stopPid(child.pid);
    const out = await output;
    await Deno.remove(dir, { recursive: true });
    assert.match(
      text(out.stdout),
      /# daemonize yes is not possible here: it needs permission to run programs \(--allow-run\)\. Running in the foreground instead/,
    );
  }
});

Deno.test("TLS without a certificate stops start-up with Redis's message", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-tls-" });
  try {
    for (
      const flags of [["--tls-port", "6390"], ["--tls-replication", "yes"]]
    ) {
      const result = await runToExit({
        args: ["--port", "0", ...flags],
        cwd: dir,
      });
      assert.equal(result.code, 1, flags.join(" "));
      assert.match(
        result.stdout,
        /# No tls-cert-file configured!\n.*# Failed to configure TLS\. Check logs for more info\.\n$/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("supervised: systemd and auto are detected from the environment", () => {
  const saved = ["NOTIFY_SOCKET", "UPSTART_JOB"].map((name) =>
    [name, Deno.env.get(name)] as const
  );
  const run = (mode: string, notifySocket: string | undefined) => {
    if (notifySocket === undefined) Deno.env.delete("NOTIFY_SOCKET");
    else Deno.env.set("NOTIFY_SOCKET", notifySocket);
    const config = new Config(Deno.cwd());
    config.set("supervised", mode);
    const lines: string[] = [];
    const supervised = detectSupervision(
      config,
      (level, message) => lines.push(`${level} ${message}`),
    );
    return { supervised, lines };
  };
  try {
    // Upstart is never tested with UPSTART_JOB set: the process would stop.
    Deno.env.delete("UPSTART_JOB");
    assert.deepEqual(run("no", "/run/x"), { supervised: false, lines: [] });
    assert.deepEqual(run("auto", undefined), { supervised: false, lines: [] });
    assert.deepEqual(run("upstart", undefined), {
      supervised: false,
      lines: [
        "warning upstart supervision requested, but UPSTART_JOB not found!",
      ],
    });
    assert.deepEqual(run("systemd", undefined), {
      supervised: false,
      lines: [
        "warning systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!",
      ],
    });
    const auto = run("auto", "/run/systemd/notify");
    assert.equal(auto.supervised, true);
    assert.equal(auto.lines[0], "verbose Systemd supervision detected.");
    assert.match(
      auto.lines[1],
      /^warning Supervised by systemd, but .*Type=simple/,
    );
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});
