import assert from "node:assert/strict";
import {
  inProcess,
  type InProcessServer,
  recordPropagation,
} from "../helpers/in_process.ts";

/** The INFO commandstats line of `name`, without the timings. */
function commandStat(server: InProcessServer, name: string): string {
  const info = server.run("INFO", "commandstats");
  const line = info.split("\r\n").find((l) => l.startsWith(`cmdstat_${name}:`));
  return line?.replace(/usec=\d+,usec_per_call=[\d.]+,/, "") ?? "";
}

Deno.test("dispatch: checks before running reply with Redis's errors and count rejections", () => {
  const server = inProcess();
  assert.equal(
    server.run("NOSUCH", "a", "b"),
    "-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n",
  );
  assert.equal(
    server.run("GET"),
    "-ERR wrong number of arguments for 'get' command\r\n",
  );
  assert.equal(
    server.run("CONFIG", "NOSUCH"),
    "-ERR unknown subcommand 'NOSUCH'. Try CONFIG HELP.\r\n",
  );
  assert.equal(
    commandStat(server, "get"),
    "cmdstat_get:calls=0,rejected_calls=1,failed_calls=0",
  );
  server.run("CONFIG", "SET", "requirepass", "secret");
  const other = server.connect();
  assert.equal(
    server.runAs(other, "GET", "k"),
    "-NOAUTH Authentication required.\r\n",
  );
  assert.equal(server.runAs(other, "AUTH", "secret"), "+OK\r\n");
  assert.equal(server.runAs(other, "GET", "k"), "$-1\r\n");
});

Deno.test("dispatch: a write is propagated as received, a rewritten one as rewritten", () => {
  const server = inProcess();
  const fed = recordPropagation(server);
  server.run("SET", "k", "v");
  server.run("GET", "k");
  server.run("SET", "e", "v", "EX", "100");
  assert.equal(fed.length, 2);
  assert.equal(fed[0], "0:SET k v");
  assert.match(fed[1], /^0:SET e v PXAT \d{13}$/);
  // A command that changes nothing propagates nothing.
  server.run("DEL", "missing");
  assert.equal(fed.length, 2);
});

Deno.test("dispatch: EXEC propagates one write alone and several inside MULTI/EXEC", () => {
  const server = inProcess();
  const fed = recordPropagation(server);
  server.run("MULTI");
  server.run("SET", "a", "1");
  server.run("GET", "a");
  assert.equal(server.run("EXEC"), "*2\r\n+OK\r\n$1\r\n1\r\n");
  assert.deepEqual(fed, ["0:SET a 1"]);
  fed.length = 0;
  server.run("MULTI");
  server.run("SELECT", "2");
  server.run("SET", "b", "1");
  server.run("SELECT", "0");
  server.run("INCR", "a");
  server.run("EXEC");
  assert.deepEqual(fed, ["2:MULTI", "2:SET b 1", "0:INCR a", "-1:EXEC"]);
});

Deno.test("dispatch: commands run by EXEC are counted in commandstats", () => {
  const server = inProcess();
  server.run("MULTI");
  server.run("SET", "a", "1");
  server.run("SET", "b", "1");
  server.run("LPUSH", "a", "x");
  server.run("EXEC");
  assert.equal(
    commandStat(server, "set"),
    "cmdstat_set:calls=2,rejected_calls=0,failed_calls=0",
  );
  assert.equal(
    commandStat(server, "lpush"),
    "cmdstat_lpush:calls=1,rejected_calls=0,failed_calls=1",
  );
  // Errors of its commands do not make EXEC itself fail.
  assert.equal(
    commandStat(server, "exec"),
    "cmdstat_exec:calls=1,rejected_calls=0,failed_calls=0",
  );
});

Deno.test("dispatch: a key a command finds expired is deleted in the command's unit", async () => {
  // What redis-server 7.0.15 logs for the same pipelined commands.
  const server = inProcess();
  for (const key of ["k", "g", "x", "y"]) {
    server.run("SET", key, "v", "PX", "1");
  }
  const fed = recordPropagation(server);
  // No active expiry runs in this process: only the commands find them.
  await new Promise((resolve) => setTimeout(resolve, 5));
  server.run("SET", "k", "w");
  assert.deepEqual(fed, ["0:MULTI", "0:DEL k", "0:SET k w", "-1:EXEC"]);
  fed.length = 0;
  server.run("GET", "g");
  assert.deepEqual(fed, ["0:DEL g"]);
  fed.length = 0;
  // Inside EXEC the DELs land where they happened, inside MULTI/EXEC.
  server.run("MULTI");
  server.run("SET", "a", "1");
  server.run("SCAN", "0", "MATCH", "x");
  server.run("SET", "b", "1");
  server.run("EXEC");
  assert.deepEqual(fed, [
    "0:MULTI",
    "0:SET a 1",
    "0:DEL x",
    "0:SET b 1",
    "-1:EXEC",
  ]);
});

Deno.test("dispatch: nothing is propagated while the dataset loads", () => {
  const server = inProcess();
  const fed = recordPropagation(server);
  server.server.loading = true;
  server.run("SET", "k", "v");
  server.server.loading = false;
  assert.deepEqual(fed, []);
  assert.equal(server.run("GET", "k"), "$1\r\nv\r\n");
});

Deno.test("dispatch: a batch's time is shared by its commands in commandstats", async () => {
  const server = inProcess();
  server.run("CONFIG", "RESETSTAT");
  for (let i = 0; i < 3000; i++) server.run("SET", `k${i}`, "v");
  // Settled when the turn ends (and in slices during a long run).
  await new Promise((resolve) => setTimeout(resolve, 0));
  const info = server.run("INFO", "commandstats");
  const match = /cmdstat_set:calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/
    .exec(info);
  assert.ok(match, info);
  assert.equal(match[1], "3000");
  assert.ok(Number(match[2]) > 0, info);
  assert.ok(Number(match[3]) > 0 && Number(match[3]) < 1000, info);
});

Deno.test("dispatch: a command sees the time the slow command before it in the batch ended", () => {
  const server = inProcess({ config: { "enable-debug-command": "yes" } });
  // One synchronous turn is one batch: fast commands do not read the clock,
  // the others do when they end.
  assert.equal(server.run("SET", "k", "v", "PX", "20"), "+OK\r\n");
  assert.equal(server.run("GET", "k"), "$1\r\nv\r\n");
  assert.equal(server.run("DEBUG", "SLEEP", "0.03"), "+OK\r\n");
  assert.equal(server.run("GET", "k"), "$-1\r\n");
  assert.equal(server.run("EXISTS", "k"), ":0\r\n");
});
