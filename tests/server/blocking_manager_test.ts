import assert from "node:assert/strict";
import { inProcess, recordPropagation } from "../helpers/in_process.ts";

const NULL_ARRAY = "*-1\r\n";

Deno.test("blocking: a blocked client waits, and runs what it sent meanwhile after it is served", () => {
  const server = inProcess();
  const waiter = server.connect();
  assert.equal(server.runAs(waiter, "BLPOP", "l", "0"), "");
  assert.ok(waiter.blocked);
  assert.equal(server.server.blocking.blockedCount, 1);
  // Sent while blocked: queued, not run.
  assert.equal(server.runAs(waiter, "SET", "after", "1"), "");
  assert.equal(server.run("EXISTS", "after"), ":0\r\n");
  assert.equal(server.run("RPUSH", "l", "a"), ":1\r\n");
  assert.equal(server.take(waiter), "*2\r\n$1\r\nl\r\n$1\r\na\r\n+OK\r\n");
  assert.equal(waiter.blocked, false);
  assert.equal(server.server.blocking.blockedCount, 0);
  assert.equal(server.run("EXISTS", "after"), ":1\r\n");
  assert.equal(server.run("EXISTS", "l"), ":0\r\n");
});

Deno.test("blocking: clients are served in the order they blocked", () => {
  const server = inProcess();
  const first = server.connect();
  const second = server.connect();
  server.runAs(first, "BLPOP", "l", "0");
  server.runAs(second, "BLPOP", "l", "0");
  server.run("RPUSH", "l", "a");
  assert.equal(server.take(first), "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
  assert.equal(server.take(second), "");
  server.run("RPUSH", "l", "b");
  assert.equal(server.take(second), "*2\r\n$1\r\nl\r\n$1\r\nb\r\n");
});

Deno.test("blocking: a push inside MULTI serves blocked clients after EXEC", () => {
  const server = inProcess();
  const waiter = server.connect();
  server.runAs(waiter, "BLPOP", "l", "0");
  server.run("MULTI");
  server.run("RPUSH", "l", "a");
  server.run("LLEN", "l");
  // The client is served after EXEC: LLEN inside saw the element.
  assert.equal(server.run("EXEC"), "*2\r\n:1\r\n:1\r\n");
  assert.equal(server.take(waiter), "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
});

Deno.test("blocking: a timeout completes the command once, through the dispatcher", async () => {
  const server = inProcess();
  const waiter = server.connect();
  server.run("CONFIG", "RESETSTAT");
  server.runAs(waiter, "BLPOP", "l", "0.01");
  assert.ok(waiter.blocked);
  // Not counted while it waits, as in Redis.
  assert.doesNotMatch(server.run("INFO", "commandstats"), /cmdstat_blpop/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(server.take(waiter), NULL_ARRAY);
  assert.equal(waiter.blocked, false);
  assert.match(
    server.run("INFO", "commandstats"),
    /cmdstat_blpop:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/,
  );
});

Deno.test("blocking: CLIENT UNBLOCK ends the wait with the timeout reply or an error", () => {
  const server = inProcess();
  const waiter = server.connect();
  server.runAs(waiter, "BZPOPMIN", "z", "0");
  assert.equal(server.run("CLIENT", "UNBLOCK", String(waiter.id)), ":1\r\n");
  assert.equal(server.take(waiter), NULL_ARRAY);
  server.runAs(waiter, "BRPOP", "l", "0");
  assert.equal(
    server.run("CLIENT", "UNBLOCK", String(waiter.id), "ERROR"),
    ":1\r\n",
  );
  assert.equal(
    server.take(waiter),
    "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n",
  );
  assert.equal(server.run("CLIENT", "UNBLOCK", String(waiter.id)), ":0\r\n");
});

Deno.test("blocking: a served command is propagated in its non-blocking form", () => {
  const server = inProcess();
  const fed = recordPropagation(server);
  const waiter = server.connect();
  server.runAs(waiter, "BLPOP", "l", "0");
  server.run("RPUSH", "l", "a");
  server.runAs(waiter, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
  server.run("RPUSH", "src", "b");
  assert.deepEqual(fed, [
    "0:RPUSH l a",
    "0:LPOP l",
    "0:RPUSH src b",
    // Like Redis, served later it is logged with lower-case ends.
    "0:LMOVE src dst left right",
  ]);
});

Deno.test("blocking: a client that disconnects while blocked is forgotten", () => {
  const server = inProcess();
  const waiter = server.connect();
  server.runAs(waiter, "BLPOP", "l", "0");
  server.server.removeClient(waiter);
  assert.equal(server.server.blocking.blockedCount, 0);
  server.run("RPUSH", "l", "a");
  assert.equal(server.run("LLEN", "l"), ":1\r\n");
});
