/**
 * End to end with real Sentinel (Debian's redis-sentinel 7.0): three
 * sentinels monitor a master and two of our replicas; the master is killed
 * with SIGKILL; Sentinel promotes a replica (SLAVEOF NO ONE, CONFIG
 * REWRITE and CLIENT KILL in one MULTI/EXEC) and points the other one at it
 * (SLAVEOF), which continues with a partial resynchronisation; then a
 * client that asks Sentinel for the master (redis-py's Sentinel, or SENTINEL
 * get-master-addr-by-name without it) writes to the new master, and the
 * write reaches the other replica; then the old master is started again on
 * its port and Sentinel makes it a replica of the new master (a full sync).
 * Once with our server as the master, once with Debian's redis-server as the
 * master (which then replicates from ours).
 *
 * Every process is stopped by its pid; every wait has a deadline and says
 * what it waited for.
 */

import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { type Reply, RespClient, RespError } from "../helpers/resp_client.ts";
import {
  freePort,
  hasRedisServer,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";

const PYTHON = "/usr/bin/python3";
const CLIENT_SCRIPT =
  new URL("../clients/python/sentinel_failover.py", import.meta.url).pathname;

function runs(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const hasSentinel = runs("redis-sentinel", ["--version"]);
const hasRedisPy = runs(PYTHON, ["-c", "import redis.sentinel"]);
if (!hasSentinel) {
  console.warn(
    "redis-sentinel not installed (apt-get install redis-sentinel): Sentinel tests skipped",
  );
} else if (!hasRedisPy) {
  console.warn(
    "redis-py not installed (apt-get install python3-redis): the Sentinel tests ask Sentinel for the master with SENTINEL get-master-addr-by-name instead",
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or an error naming `what` after `ms`. */
async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no answer within ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends one command on a new connection (each step bounded in time). */
async function query(port: number, ...args: string[]): Promise<Reply> {
  const connecting = RespClient.connect(port);
  let client: RespClient;
  try {
    client = await withTimeout(connecting, 2000, `connecting to ${port}`);
  } catch (error) {
    connecting.then((c) => c.close(), () => {});
    throw error;
  }
  try {
    const reply = await withTimeout(
      client.call(...args),
      5000,
      `${args.join(" ")} on port ${port}`,
    );
    if (reply instanceof RespError) {
      throw new Error(`${args.join(" ")} on port ${port}: ${reply.message}`);
    }
    return reply;
  } finally {
    client.close();
  }
}

/** The fields of an INFO reply. */
async function info(
  port: number,
  section: string,
): Promise<Map<string, string>> {
  const reply = await query(port, "INFO", section);
  const fields = new Map<string, string>();
  for (const line of String(reply).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) {
      fields.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return fields;
}

/** A flat name/value array (SENTINEL MASTER, SENTINEL REPLICAS) as a record. */
function pairs(reply: Reply): Record<string, string> {
  assert.ok(Array.isArray(reply), `expected an array, got ${reply}`);
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) {
    record[String(reply[i])] = String(reply[i + 1]);
  }
  return record;
}

/**
 * Calls `probe` until it returns without throwing; after `ms` fails with
 * what was awaited and the probe's last complaint.
 */
async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (true) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(
          `timed out after ${ms} ms waiting for ${what}; last state: ${
            error instanceof Error ? error.message : error
          }`,
        );
      }
    }
    await sleep(100);
  }
}

/** A redis-sentinel process started by a test. */
interface SentinelProcess {
  readonly port: number;
  readonly pid: number;
  /** Its log (stdout and stderr), once it exited. */
  readonly output: Promise<string>;
  /** SIGTERM, then SIGKILL after 5 s, unless it exited. */
  stop(): Promise<void>;
}

/** Starts redis-sentinel in `dir` monitoring "mymaster" at `masterPort`. */
async function startSentinel(
  dir: string,
  masterPort: number,
): Promise<SentinelProcess> {
  await Deno.mkdir(dir, { recursive: true });
  const port = freePort();
  const conf = `${dir}/sentinel.conf`;
  await Deno.writeTextFile(
    conf,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      "daemonize no",
      'logfile ""',
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${masterPort} 2`,
      // Above Sentinel's 1 s reconnect period: after +switch-master it keeps
      // the old link's last reconnect time, so with 1000 a new master can be
      // marked down before Sentinel may connect to it (a second failover).
      "sentinel down-after-milliseconds mymaster 2000",
      "sentinel failover-timeout mymaster 6000",
      "sentinel parallel-syncs mymaster 1",
      "",
    ].join("\n"),
  );
  const child = new Deno.Command("redis-sentinel", {
    args: [conf],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output().then((o) => text(o.stdout) + text(o.stderr));
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const kill = (signal: Deno.Signal) => {
    if (exited) return;
    try {
      Deno.kill(child.pid, signal);
    } catch {
      // Already exited.
    }
  };
  let stopped: Promise<void> | null = null;
  const sentinel: SentinelProcess = {
    port,
    pid: child.pid,
    output,
    stop() {
      stopped ??= (async () => {
        kill("SIGTERM");
        const timer = setTimeout(() => kill("SIGKILL"), 5000);
        await status;
        clearTimeout(timer);
        await output;
      })();
      return stopped;
    },
  };
  try {
    await waitFor(`redis-sentinel on port ${port} to start`, 10_000, () => {
      if (exited) return Promise.reject(new Error("it exited"));
      return query(port, "PING");
    });
  } catch (error) {
    await sentinel.stop();
    throw new Error(`${(error as Error).message}\n${await output}`);
  }
  return sentinel;
}

/** Writes `lines` as the config file of a server in `dir` and returns its path. */
async function writeConfig(dir: string, lines: string[]): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/redis.conf`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

/** Starts a server (ours unless `oracle`) in `dir` with a config file. */
async function startNode(
  dir: string,
  oracle: boolean,
  flags: string[],
): Promise<TestServer> {
  const configFile = await writeConfig(dir, [
    "# Written by tests/replication/sentinel_test.ts",
    'save ""',
    "repl-diskless-sync-delay 0",
  ]);
  return startServer({ oracle, dir, configFile, flags, captureOutput: true });
}

/**
 * Starts `server`'s program again after it was killed: on its port, in its
 * dir, with its config file and nothing else (ours unless `oracle`).
 */
function restartOnPort(
  server: TestServer,
  oracle: boolean,
): Promise<TestServer> {
  return startServer({
    oracle,
    configFile: `${server.dir}/redis.conf`,
    dir: server.dir,
    port: server.port,
    captureOutput: true,
  });
}

/** Whether a config file has a `replicaof` line, and which. */
async function replicaofLine(server: TestServer): Promise<string | null> {
  const conf = await Deno.readTextFile(`${server.dir}/redis.conf`);
  return conf.split("\n").find((line) => /^(replicaof|slaveof) /.test(line)) ??
    null;
}

/** Checks every sentinel sees the master, both replicas and the others. */
async function sentinelsReady(
  sentinels: readonly SentinelProcess[],
  masterPort: number,
  replicaPorts: readonly number[],
): Promise<void> {
  for (const sentinel of sentinels) {
    const master = pairs(
      await query(sentinel.port, "SENTINEL", "MASTER", "mymaster"),
    );
    const where = `sentinel ${sentinel.port}`;
    if (master.port !== String(masterPort) || master.flags !== "master") {
      throw new Error(`${where}: master ${master.port} ${master.flags}`);
    }
    if (master["num-other-sentinels"] !== String(sentinels.length - 1)) {
      throw new Error(
        `${where}: knows ${master["num-other-sentinels"]} other sentinels`,
      );
    }
    const replicas = await query(
      sentinel.port,
      "SENTINEL",
      "REPLICAS",
      "mymaster",
    ) as Reply[];
    const seen = replicas.map(pairs).filter((r) =>
      r.flags === "slave" && r["master-link-status"] === "ok" &&
      r["master-port"] === String(masterPort)
    ).map((r) => Number(r.port)).sort();
    if (JSON.stringify(seen) !== JSON.stringify([...replicaPorts].sort())) {
      throw new Error(`${where}: healthy replicas ${JSON.stringify(seen)}`);
    }
  }
}

/** The master and replica after the failover. */
interface Promotion {
  promoted: TestServer;
  follower: TestServer;
}

/** Checks the failover is over: who the sentinels and the servers say. */
async function promotionDone(
  sentinels: readonly SentinelProcess[],
  oldPort: number,
  replicas: readonly TestServer[],
): Promise<Promotion> {
  const answers = new Set<string>();
  for (const sentinel of sentinels) {
    const addr = await query(
      sentinel.port,
      "SENTINEL",
      "GET-MASTER-ADDR-BY-NAME",
      "mymaster",
    ) as Reply[];
    answers.add(`${addr[0]}:${addr[1]}`);
  }
  if (answers.size !== 1) {
    throw new Error(`sentinels disagree: ${[...answers].join(", ")}`);
  }
  for (const sentinel of sentinels) {
    const flags = pairs(
      await query(sentinel.port, "SENTINEL", "MASTER", "mymaster"),
    ).flags;
    if (flags !== "master") {
      throw new Error(`sentinel ${sentinel.port}: master flags ${flags}`);
    }
  }
  const [address] = answers;
  const promoted = replicas.find((r) => address === `127.0.0.1:${r.port}`);
  if (promoted === undefined) {
    throw new Error(`sentinels name ${address} (old master port ${oldPort})`);
  }
  const follower = replicas.find((r) => r !== promoted)!;
  const role = await query(promoted.port, "ROLE") as Reply[];
  if (role[0] !== "master") throw new Error(`promoted ROLE ${role[0]}`);
  const replication = await info(follower.port, "replication");
  if (
    replication.get("master_port") !== String(promoted.port) ||
    replication.get("master_link_status") !== "up"
  ) {
    throw new Error(
      `follower: master_port ${replication.get("master_port")}, link ${
        replication.get("master_link_status")
      }`,
    );
  }
  const master = await info(promoted.port, "replication");
  const slave0 = master.get("slave0") ?? "";
  if (!slave0.includes(`port=${follower.port},state=online`)) {
    throw new Error(`promoted: slave0 ${slave0}`);
  }
  return { promoted, follower };
}

/**
 * A client that asks Sentinel for the master writes `key` = `value` to it
 * and sees a replica acknowledge it; returns the master's address.
 */
async function writeThroughSentinel(
  sentinels: readonly SentinelProcess[],
  key: string,
  value: string,
): Promise<string> {
  if (!hasRedisPy) {
    const addr = await query(
      sentinels[0].port,
      "SENTINEL",
      "GET-MASTER-ADDR-BY-NAME",
      "mymaster",
    ) as Reply[];
    const port = Number(addr[1]);
    assert.equal(await query(port, "SET", key, value), "OK");
    return `${addr[0]}:${addr[1]}`;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 20_000);
  try {
    const out = await new Deno.Command(PYTHON, {
      args: [
        CLIENT_SCRIPT,
        sentinels.map((s) => s.port).join(","),
        key,
        value,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: abort.signal,
    }).output();
    assert.ok(
      out.success,
      `redis-py Sentinel client failed${
        abort.signal.aborted ? " (killed after 20 s)" : ""
      }:\n${text(out.stdout)}\n${text(out.stderr)}`,
    );
    return text(out.stdout).trim();
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every process by its pid; returns their logs. */
async function stopAll(
  sentinels: readonly SentinelProcess[],
  servers: readonly TestServer[],
): Promise<string> {
  await Promise.all(sentinels.map((s) => s.stop()));
  await Promise.all(servers.map((s) => s.stop()));
  const logs: string[] = [];
  for (const sentinel of sentinels) {
    logs.push(`--- sentinel ${sentinel.port}\n${await sentinel.output}`);
  }
  for (const server of servers) {
    const { stdout, stderr } = await server.output;
    logs.push(`--- server ${server.port}\n${stdout}${stderr}`);
  }
  return logs.join("\n");
}

/** Starts all of `starts`; if one fails, stops those that started. */
async function startEach(
  starts: Promise<TestServer>[],
  servers: TestServer[],
): Promise<TestServer[]> {
  const results = await Promise.allSettled(starts);
  const started: TestServer[] = [];
  for (const result of results) {
    if (result.status === "fulfilled") {
      servers.push(result.value);
      started.push(result.value);
    }
  }
  for (const result of results) {
    if (result.status === "rejected") throw result.reason;
  }
  return started;
}

/**
 * The whole scenario: a master (Debian's redis-server if `oracleMaster`,
 * else ours), two of our replicas, three sentinels; SIGKILL of the master;
 * promotion, partial resynchronisation and a write through Sentinel.
 */
async function failover(oracleMaster: boolean): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "redis-ts-sentinel-" });
  const servers: TestServer[] = [];
  const sentinels: SentinelProcess[] = [];
  let passed = false;
  try {
    const [master] = await startEach(
      [startNode(`${root}/master`, oracleMaster, [])],
      servers,
    );
    const replicas = await startEach(
      [1, 2].map((i) =>
        startNode(`${root}/replica-${i}`, false, [
          "--replicaof",
          "127.0.0.1",
          String(master.port),
        ])
      ),
      servers,
    );
    await query(master.port, "SET", "before-failover", "1");
    await query(master.port, "RPUSH", "list", "a", "b", "c");
    await waitFor("both replicas to sync with the master", 15_000, async () => {
      for (const replica of replicas) {
        const fields = await info(replica.port, "replication");
        if (fields.get("master_link_status") !== "up") {
          throw new Error(`replica ${replica.port}: link down`);
        }
        const value = await query(replica.port, "GET", "before-failover");
        if (value !== "1") throw new Error(`replica ${replica.port}: ${value}`);
      }
    });

    for (let i = 1; i <= 3; i++) {
      sentinels.push(await startSentinel(`${root}/sentinel-${i}`, master.port));
    }
    await waitFor(
      "the sentinels to see the master, both replicas and each other",
      20_000,
      () =>
        sentinelsReady(
          sentinels,
          master.port,
          replicas.map((r) => r.port),
        ),
    );

    const oldReplid = (await info(master.port, "replication")).get(
      "master_replid",
    );
    const statsBefore = new Map<TestServer, Map<string, string>>();
    for (const replica of replicas) {
      statsBefore.set(replica, await info(replica.port, "stats"));
    }

    const killedAt = Date.now();
    Deno.kill(master.pid, "SIGKILL");
    await withTimeout(master.status, 5000, "the killed master's exit");

    const { promoted, follower } = await waitFor(
      "Sentinel to promote a replica and point the other one at it",
      30_000,
      () => promotionDone(sentinels, master.port, replicas),
    );
    console.log(
      `  failover done ${
        Date.now() - killedAt
      } ms after SIGKILL: ${promoted.port} promoted, ${follower.port} follows`,
    );

    // The follower continued the old master's history from the promoted
    // server's backlog: a partial resynchronisation, no full one.
    const before = statsBefore.get(promoted)!;
    const after = await info(promoted.port, "stats");
    assert.equal(
      Number(after.get("sync_partial_ok")),
      Number(before.get("sync_partial_ok")) + 1,
      "promoted server: sync_partial_ok",
    );
    assert.equal(
      after.get("sync_full"),
      before.get("sync_full"),
      "promoted server: sync_full",
    );
    const promotedRepl = await info(promoted.port, "replication");
    const followerRepl = await info(follower.port, "replication");
    assert.equal(promotedRepl.get("role"), "master");
    assert.equal(promotedRepl.get("master_replid2"), oldReplid);
    assert.equal(
      followerRepl.get("master_replid"),
      promotedRepl.get("master_replid"),
    );
    assert.equal(followerRepl.get("master_host"), "127.0.0.1");

    // CONFIG REWRITE inside Sentinel's MULTI/EXEC brought both files up to
    // date.
    assert.equal(await replicaofLine(promoted), null);
    assert.equal(
      await replicaofLine(follower),
      `replicaof 127.0.0.1 ${promoted.port}`,
    );

    const address = await writeThroughSentinel(
      sentinels,
      "after-failover",
      "written",
    );
    assert.equal(address, `127.0.0.1:${promoted.port}`);
    await waitFor("the write to reach the other replica", 5000, async () => {
      const value = await query(follower.port, "GET", "after-failover");
      if (value !== "written") throw new Error(`follower has ${value}`);
    });
    assert.equal(await query(follower.port, "GET", "before-failover"), "1");
    assert.deepEqual(await query(follower.port, "LRANGE", "list", "0", "-1"), [
      "a",
      "b",
      "c",
    ]);
    const readOnly = await query(follower.port, "SET", "x", "1").catch((e) =>
      String(e)
    );
    assert.match(String(readOnly), /READONLY/);

    // The old master comes back on its port, as a master with its old
    // config file: Sentinel turns it into a replica of the new master
    // (SLAVEOF and CONFIG REWRITE), and it gets the data by a full sync.
    const returned = await restartOnPort(master, oracleMaster);
    servers.push(returned);
    await waitFor(
      "Sentinel to make the old master a replica of the new one",
      30_000,
      async () => {
        const role = await query(returned.port, "ROLE") as Reply[];
        if (
          role[0] !== "slave" || role[2] !== promoted.port ||
          role[3] !== "connected"
        ) {
          throw new Error(`old master: ROLE ${JSON.stringify(role)}`);
        }
        const value = await query(returned.port, "GET", "after-failover");
        if (value !== "written") throw new Error(`old master has ${value}`);
      },
    );
    assert.equal(
      await replicaofLine(returned),
      `replicaof 127.0.0.1 ${promoted.port}`,
    );

    await stopAll(sentinels, servers);
    const promotedLog = (await promoted.output).stdout;
    const followerLog = (await follower.output).stdout;
    assert.match(
      promotedLog,
      new RegExp(
        `Partial resynchronization request from 127\\.0\\.0\\.1:${follower.port} accepted`,
      ),
    );
    assert.match(promotedLog, /MASTER MODE enabled/);
    assert.match(promotedLog, /CONFIG REWRITE executed with success/);
    assert.match(followerLog, /Successful partial resynchronization/);
    // Only the initial synchronisation was a full one.
    assert.equal(followerLog.match(/Full resync from master/g)?.length, 1);
    passed = true;
  } finally {
    const logs = await stopAll(sentinels, servers);
    if (!passed) {
      console.error(`Logs of the failed Sentinel scenario:\n${logs}`);
    }
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name:
    "Sentinel: our master killed, one of our replicas promoted, the other resyncs partially, the old master rejoins",
  ignore: !hasSentinel,
  fn: () => failover(false),
});

Deno.test({
  name:
    "Sentinel: redis-server master killed, one of our replicas promoted, the other resyncs partially, the old master rejoins",
  ignore: !hasSentinel || !hasRedisServer(),
  fn: () => failover(true),
});
