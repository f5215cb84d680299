/**
 * The unix socket (`unixsocket`, `unixsocketperm`) against Debian's
 * redis-server 7.0.15, each server with its own socket in a temporary
 * directory: clients over it as CLIENT LIST, CLIENT INFO and MONITOR show
 * them, CLIENT KILL by their address, protected mode and the enable-*
 * "local" settings, the socket file's mode, a stale file replaced, the
 * file removed at shutdown, `port 0` (the socket only) with its log lines
 * and start-up failures, `redis-cli -s`, and the sandboxed launch's grants.
 */

import { SERVER_V8_FLAGS } from "../../lib/config/permissions.ts";
import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { RespClient, RespError } from "../helpers/resp_client.ts";
import {
  hasRedisServer,
  runToExit,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;

const oracleFound = hasRedisServer();
if (!oracleFound) {
  console.warn("redis-server not found: unix socket tests skipped");
}

/** One of the two servers under test, with its socket's path. */
interface Side {
  readonly name: "ours" | "redis";
  readonly server: TestServer;
  readonly socket: string;
}

/**
 * Runs `body` with ours and redis-server, each on TCP and on its own unix
 * socket in a temporary directory (given `flags` too), then stops both and
 * removes the directory.
 */
async function withBoth(
  flags: readonly string[],
  body: (sides: Side[], sockets: string) => Promise<void>,
  options: { captureOutput?: boolean } = {},
): Promise<void> {
  const sockets = await Deno.makeTempDir({ prefix: "redis-ts-unix-" });
  const sides: Side[] = [];
  try {
    for (const name of ["ours", "redis"] as const) {
      const socket = `${sockets}/${name}.sock`;
      const server = await startServer({
        oracle: name === "redis",
        flags: ["--unixsocket", socket, ...flags],
        captureOutput: options.captureOutput,
      });
      sides.push({ name, server, socket });
    }
    await body(sides, sockets);
  } finally {
    await Promise.all(sides.map((side) => side.server.stop()));
    await Deno.remove(sockets, { recursive: true });
  }
}

/** Connects `count` clients to `socket`; closes them all after `body`. */
async function withUnixClients<T>(
  socket: string,
  count: number,
  body: (clients: RespClient[]) => Promise<T>,
): Promise<T> {
  const clients: RespClient[] = [];
  try {
    for (let i = 0; i < count; i++) {
      clients.push(await RespClient.connectUnix(socket));
    }
    return await body(clients);
  } finally {
    for (const client of clients) client.close();
  }
}

/** The fields of a CLIENT LIST line that do not depend on the implementation. */
const STABLE_FIELDS = [
  "addr",
  "laddr",
  "name",
  "flags",
  "db",
  "sub",
  "psub",
  "ssub",
  "multi",
  "cmd",
  "user",
  "redir",
  "resp",
];

/** The stable fields of each CLIENT LIST line, the socket's path as "<sock>". */
function stableFields(list: string, socket: string): string[] {
  return list.trim().split("\n").map((line) => {
    const fields = new Map(
      line.trim().split(" ").map((field) => {
        const eq = field.indexOf("=");
        return [field.slice(0, eq), field.slice(eq + 1)];
      }),
    );
    return STABLE_FIELDS.map((name) =>
      `${name}=${fields.get(name)?.replaceAll(socket, "<sock>")}`
    ).join(" ");
  });
}

/** The message of each log line of `output` (after "pid:role date time level "). */
function logMessages(output: string): string[] {
  return output.split("\n").filter((line) => /^\d+:[A-Z] /.test(line))
    .map((line) => line.replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ . /, ""));
}

/** Polls `check` every 20 ms for up to 10 s. */
async function waitFor(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether `path` names a unix socket. */
function isSocket(path: string): boolean {
  try {
    return Deno.lstatSync(path).isSocket === true;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "unix socket: CLIENT LIST and CLIENT INFO show its clients as redis-server does",
  ignore: !oracleFound,
  async fn() {
    await withBoth([], async (sides) => {
      const lists: string[][] = [];
      for (const side of sides) {
        const tcp = await side.server.connect();
        try {
          lists.push(
            await withUnixClients(side.socket, 3, async ([a, b, c]) => {
              assert.equal(await a.call("CLIENT", "SETNAME", "first"), "OK");
              assert.equal(await b.call("MULTI"), "OK");
              assert.equal(await c.call("SUBSCRIBE", "ch").then(() => ""), "");
              assert.equal(await tcp.call("CLIENT", "SETNAME", "tcp"), "OK");
              const info = String(await a.call("CLIENT", "INFO"));
              const list = String(await a.call("CLIENT", "LIST"));
              // The TCP client's address is its own, not the socket's.
              assert.ok(!/name=tcp\b.*flags=\w*U/.test(list), list);
              return [
                ...stableFields(info, side.socket),
                ...stableFields(list, side.socket)
                  .filter((line) => !line.includes("name=tcp ")),
              ];
            }),
          );
        } finally {
          tcp.close();
        }
      }
      assert.deepEqual(lists[0], lists[1]);
      assert.deepEqual(lists[0].slice(0, 2), [
        "addr=<sock>:0 laddr=<sock>:0 name=first flags=U db=0 sub=0 psub=0 ssub=0 multi=-1 cmd=client|info user=default redir=-1 resp=2",
        "addr=<sock>:0 laddr=<sock>:0 name=first flags=U db=0 sub=0 psub=0 ssub=0 multi=-1 cmd=client|list user=default redir=-1 resp=2",
      ]);
    });
  },
});

Deno.test({
  name:
    "unix socket: MONITOR names its clients unix:<path>, and HELLO answers as over TCP",
  ignore: !oracleFound,
  async fn() {
    await withBoth([], async (sides) => {
      const seen: string[][] = [];
      for (const side of sides) {
        const tcp = await side.server.connect();
        try {
          seen.push(
            await withUnixClients(side.socket, 2, async ([monitor, client]) => {
              assert.equal(await monitor.call("MONITOR"), "OK");
              const flags = stableFields(
                String(await client.call("CLIENT", "LIST")),
                side.socket,
              ).map((line) => line.split(" ")[3]);
              await client.call("SET", "k", "v");
              await tcp.call("GET", "k");
              const hello = await client.call("HELLO", "3") as Map<
                unknown,
                unknown
              >;
              // The id differs: every other field is the same.
              hello.delete("id");
              const lines = [String(await monitor.read())];
              lines.push(String(await monitor.read()));
              lines.push(String(await monitor.read()));
              return [
                ...flags,
                ...lines.map((line) =>
                  line.replace(/^\d+\.\d{6} /, "")
                    .replaceAll(side.socket, "<sock>")
                    .replace(/127\.0\.0\.1:\d+/, "<tcp>")
                ),
                JSON.stringify([...hello]),
              ];
            }),
          );
        } finally {
          tcp.close();
        }
      }
      assert.deepEqual(seen[0], seen[1]);
      assert.deepEqual(seen[0].slice(0, 6), [
        "flags=N",
        "flags=OU",
        "flags=U",
        '[0 unix:<sock>] "SET" "k" "v"',
        '[0 <tcp>] "GET" "k"',
        '[0 unix:<sock>] "HELLO" "3"',
      ]);
    });
  },
});

Deno.test({
  name:
    "unix socket: CLIENT KILL ADDR, LADDR and the old form with <path>:0, as redis-server",
  ignore: !oracleFound,
  async fn() {
    await withBoth([], async (sides) => {
      const replies: string[][] = [];
      for (const side of sides) {
        const tcp = await side.server.connect();
        const address = `${side.socket}:0`;
        try {
          replies.push(
            await withUnixClients(side.socket, 3, async ([a, b, c]) => {
              const got: string[] = [];
              const show = (reply: unknown) =>
                reply instanceof RespError
                  ? `-${reply.message}`
                  : String(reply);
              // SKIPME yes: the caller stays; the other two go.
              got.push(show(await a.call("CLIENT", "KILL", "ADDR", address)));
              assert.ok(await b.closedByServer());
              assert.ok(await c.closedByServer());
              got.push(show(await a.call("CLIENT", "KILL", "LADDR", address)));
              // The TCP client is not at the socket's address.
              got.push(
                show(
                  await tcp.call(
                    "CLIENT",
                    "KILL",
                    "ADDR",
                    address,
                    "SKIPME",
                    "no",
                  ),
                ),
              );
              assert.ok(await a.closedByServer());
              // The old form kills the caller too, after its reply.
              const d = await RespClient.connectUnix(side.socket);
              got.push(show(await d.call("CLIENT", "KILL", address)));
              got.push(String(await d.closedByServer()));
              d.close();
              got.push(show(await tcp.call("CLIENT", "KILL", address)));
              got.push(show(await tcp.call("PING")));
              return got;
            }),
          );
        } finally {
          tcp.close();
        }
      }
      assert.deepEqual(replies[0], replies[1]);
      assert.deepEqual(replies[0], [
        "2",
        "0",
        "1",
        "OK",
        "true",
        "-ERR No such client",
        "PONG",
      ]);
    });
  },
});

Deno.test({
  name:
    "unix socket: its clients are local for protected mode and the enable-* 'local' settings",
  ignore: !oracleFound,
  async fn() {
    await withBoth([
      "--protected-mode",
      "yes",
      "--enable-debug-command",
      "local",
      "--enable-protected-configs",
      "local",
    ], async (sides) => {
      const replies: unknown[][] = [];
      for (const side of sides) {
        replies.push(
          // A client taken for a remote one would be refused at once.
          await withUnixClients(side.socket, 1, async ([client]) => [
            await client.call("PING"),
            await client.call("DEBUG", "SLEEP", "0"),
            await client.call("CONFIG", "SET", "dir", side.server.dir),
          ]),
        );
      }
      assert.deepEqual(replies[0], replies[1]);
      assert.deepEqual(replies[0], ["PONG", "OK", "OK"]);
    });
  },
});

Deno.test({
  name:
    "unix socket: the file gets unixsocketperm, or the umask's mode with 0, as redis-server gives it",
  ignore: !oracleFound,
  async fn() {
    for (const perm of ["700", "0770", "777", "0"]) {
      await withBoth(["--unixsocketperm", perm], async (sides) => {
        const modes = sides.map((side) =>
          (Deno.lstatSync(side.socket).mode! & 0o7777).toString(8)
        );
        assert.equal(modes[0], modes[1], `unixsocketperm ${perm}`);
        if (perm !== "0") assert.equal(modes[0], String(Number(perm)));
        for (const side of sides) {
          await withUnixClients(side.socket, 1, async ([client]) => {
            assert.deepEqual(
              await client.call("CONFIG", "GET", "unixsocketperm"),
              ["unixsocketperm", String(Number(perm))],
            );
            assert.deepEqual(
              await client.call("CONFIG", "GET", "unixsocket"),
              ["unixsocket", side.socket],
            );
            const reply = await client.call(
              "CONFIG",
              "SET",
              "unixsocketperm",
              "700",
            );
            assert.ok(reply instanceof RespError);
            assert.equal(
              reply.message,
              "ERR CONFIG SET failed (possibly related to argument 'unixsocketperm') - can't set immutable config",
            );
          });
        }
      });
    }
  },
});

Deno.test({
  name:
    "unix socket: a stale file is replaced, and the socket is removed at SHUTDOWN and SIGTERM",
  ignore: !oracleFound,
  async fn() {
    const sockets = await Deno.makeTempDir({ prefix: "redis-ts-unix-" });
    try {
      const logs: string[][] = [];
      for (const oracle of [false, true]) {
        const socket = `${sockets}/${oracle ? "redis" : "ours"}.sock`;
        // A leftover regular file, then the socket of a killed server.
        await Deno.writeTextFile(socket, "stale");
        const flags = ["--unixsocket", socket];
        const killed = await startServer({ oracle, flags });
        assert.ok(isSocket(socket));
        Deno.kill(killed.pid, "SIGKILL");
        await killed.stop();
        assert.ok(isSocket(socket), "a killed server leaves its socket");
        const server = await startServer({
          oracle,
          flags,
          captureOutput: true,
        });
        try {
          await withUnixClients(socket, 1, async ([client]) => {
            assert.equal(await client.call("PING"), "PONG");
            await client.send("SHUTDOWN", "NOSAVE");
            assert.ok(await client.closedByServer());
          });
          await server.status;
        } finally {
          await server.stop();
        }
        assert.ok(!isSocket(socket), "SHUTDOWN removes the socket file");
        const messages = logMessages((await server.output).stdout);
        logs.push(
          messages.slice(messages.indexOf("User requested shutdown...")),
        );

        const terminated = await startServer({ oracle, flags });
        assert.ok(isSocket(socket));
        await terminated.stop();
        assert.ok(!isSocket(socket), "SIGTERM removes the socket file");
      }
      assert.deepEqual(logs[0], logs[1]);
      assert.deepEqual(logs[0], [
        "User requested shutdown...",
        "Removing the unix socket file.",
        "Redis is now ready to exit, bye bye...",
      ]);
    } finally {
      await Deno.remove(sockets, { recursive: true });
    }
  },
});

/** A server started on the unix socket only (`port 0`), for one test. */
interface UnixOnlyServer {
  /** The server's process. */
  readonly child: Deno.ChildProcess;
  /** Its stdout, once it exited. */
  readonly output: Promise<string>;
}

/** Starts ours or redis-server with `--port 0` on `socket` and waits for it. */
async function startUnixOnly(
  oracle: boolean,
  socket: string,
  cwd: string,
): Promise<UnixOnlyServer> {
  const args = ["--port", "0", "--unixsocket", socket, "--save", ""];
  const child = new Deno.Command(
    oracle ? "redis-server" : Deno.execPath(),
    {
      args: oracle
        ? [...args, "--appendonly", "no"]
        : ["run", "--allow-all", MAIN, ...args],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    },
  ).spawn();
  const output = child.output().then((out) => text(out.stdout));
  try {
    await waitFor("the unix socket", () => isSocket(socket));
  } catch (error) {
    child.kill("SIGKILL");
    await output;
    throw error;
  }
  return { child, output };
}

Deno.test({
  name:
    "unix socket: port 0 listens on the socket only, with redis-server's log lines, INFO and redis-cli -s",
  ignore: !oracleFound,
  async fn() {
    const sockets = await Deno.makeTempDir({ prefix: "redis-ts-unix-" });
    try {
      const results: string[][] = [];
      for (const oracle of [false, true]) {
        const socket = `${sockets}/${oracle ? "redis" : "ours"}.sock`;
        const server = await startUnixOnly(oracle, socket, sockets);
        const cli = async (...args: string[]) => {
          const out = await new Deno.Command("redis-cli", {
            args: ["-s", socket, ...args],
            stdout: "piped",
            stderr: "piped",
          }).output();
          return text(out.stdout) + text(out.stderr);
        };
        const result: string[] = [];
        try {
          result.push(await cli("SET", "k", "v"));
          result.push(await cli("GET", "k"));
          result.push(await cli("CONFIG", "GET", "port"));
          result.push(
            (await cli("INFO", "server")).split("\r\n")
              .filter((line) => line.startsWith("tcp_port:")).join(),
          );
          result.push(
            (await cli("CLIENT", "INFO")).replace(/ fd=.*/, "")
              .replace(/^id=\d+ /, "").replaceAll(socket, "<sock>"),
          );
          result.push(await cli("SHUTDOWN", "NOSAVE"));
        } finally {
          // SHUTDOWN ends it; a failure before gets it killed.
          const timer = setTimeout(() => server.child.kill("SIGKILL"), 5000);
          await server.child.status;
          clearTimeout(timer);
        }
        result.push(
          ...logMessages(await server.output).filter((line) =>
            /ready|port=|Removing|listen/i.test(line)
          ).map((line) => line.replaceAll(socket, "<sock>")),
        );
        assert.ok(!isSocket(socket));
        results.push(result);
      }
      assert.deepEqual(results[0], results[1]);
      assert.deepEqual(results[0].slice(-4), [
        "Running mode=standalone, port=0.",
        "The server is now ready to accept connections at <sock>",
        "Removing the unix socket file.",
        "Redis is now ready to exit, bye bye...",
      ]);
    } finally {
      await Deno.remove(sockets, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "unix socket: a path that cannot be bound stops start-up with redis-server's log line",
  ignore: !oracleFound,
  async fn() {
    const sockets = await Deno.realPath(
      await Deno.makeTempDir({ prefix: "redis-ts-unix-" }),
    );
    try {
      await Deno.mkdir(`${sockets}/taken.sock`);
      const paths = [
        `${sockets}/taken.sock`,
        `${sockets}/missing/x.sock`,
        `${sockets}/${"s".repeat(120)}.sock`,
      ];
      for (const path of paths) {
        const args = ["--port", "0", "--unixsocket", path, "--save", ""];
        const lastLine = async (oracle: boolean) => {
          const result = await runToExit({ oracle, args, cwd: sockets });
          assert.equal(result.code, 1, `${path}: ${result.stdout}`);
          return logMessages(result.stdout).at(-1)?.replace(sockets, "<dir>");
        };
        const theirs = await lastLine(true);
        assert.equal(await lastLine(false), theirs);
        assert.match(theirs ?? "", /^Failed opening Unix socket: /);
      }
      // The directory in the way stays, as unlink(2) leaves it.
      assert.ok(Deno.statSync(`${sockets}/taken.sock`).isDirectory);
    } finally {
      await Deno.remove(sockets, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "sandboxed: the launcher grants read and write of the socket's path only, and the socket works",
  async fn() {
    const dir = await Deno.realPath(await Deno.makeTempDir());
    const sockets = await Deno.realPath(
      await Deno.makeTempDir({ prefix: "redis-ts-unix-" }),
    );
    const socket = `${sockets}/redis.sock`;
    await Deno.writeTextFile(socket, "stale");
    const server = await startServer({
      sandboxed: true,
      dir,
      captureOutput: true,
      flags: [
        "--enable-protected-configs",
        "yes",
        "--dir",
        dir,
        "--save",
        "",
        "--unixsocket",
        socket,
        "--unixsocketperm",
        "770",
      ],
    });
    try {
      const argv = text(
        new Deno.Command("cat", {
          args: [`/proc/${server.pid}/cmdline`],
          stdout: "piped",
        }).outputSync().stdout,
      ).split("\0");
      assert.deepEqual(argv.slice(1, argv.indexOf(MAIN)), [
        "run",
        "--no-prompt",
        `--allow-read=${dir},${socket}`,
        `--allow-write=${dir},${socket}`,
        "--allow-net",
        "--allow-sys=osRelease,systemMemoryInfo",
        SERVER_V8_FLAGS,
      ]);
      assert.equal((Deno.lstatSync(socket).mode! & 0o777).toString(8), "770");
      await withUnixClients(socket, 1, async ([client]) => {
        assert.equal(await client.call("SET", "k", "v"), "OK");
        assert.equal(await client.call("SAVE"), "OK");
        assert.match(String(await client.call("CLIENT", "INFO")), / flags=U /);
        // The grant is the socket's path, not its directory.
        const reply = await client.call("CONFIG", "SET", "dir", sockets);
        assert.ok(reply instanceof RespError);
        await client.send("SHUTDOWN", "NOSAVE");
        assert.ok(await client.closedByServer());
      });
      assert.equal((await server.status).code, 0);
      assert.ok(!isSocket(socket));
      assert.ok(!(await server.output).stdout.includes("Error removing"));
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(sockets, { recursive: true });
    }
  },
});
