/**
 * Protected mode: the decision (a pure function) for IPv4, IPv6 loopback,
 * IPv4-mapped IPv6 and other addresses, and end to end against Debian's
 * redis-server. The end-to-end clients stay on the loopback interface: they
 * connect from 127.0.0.2, which Redis 7.0 does not count as local (only
 * 127.0.0.1 and ::1 are), so both servers refuse it as they would refuse a
 * remote client.
 */

import assert from "node:assert/strict";
import {
  isLoopbackAddress,
  PROTECTED_MODE_DENIED,
  protectedModeRefuses,
} from "../../lib/server/protected_mode.ts";
import { hasRedisServer, startServer } from "../helpers/servers.ts";
import { text } from "../helpers/bytes.ts";

Deno.test("protected mode refuses only non-local clients while the default user has no password", () => {
  const refuses = (
    remoteAddress: string,
    protectedMode = true,
    defaultUserHasNoPassword = true,
  ) =>
    protectedModeRefuses({
      protectedMode,
      defaultUserHasNoPassword,
      remoteAddress,
    });
  // Local: IPv4 and IPv6 loopback, and IPv4 loopback as a dual-stack
  // socket shows it.
  for (
    const local of [
      "127.0.0.1",
      "::1",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
      "::FFFF:7f00:1",
    ]
  ) {
    assert.equal(refuses(local), false, local);
    assert.equal(isLoopbackAddress(local), true, local);
  }
  // Not local: other hosts, and as in Redis 7.0 the rest of 127.0.0.0/8.
  for (
    const remote of [
      "10.0.0.7",
      "192.168.1.20",
      "127.0.0.2",
      "127.1.2.3",
      "::ffff:10.0.0.7",
      "::ffff:127.0.0.2",
      "2001:db8::1",
      "fe80::1",
      "::",
      "::1:1",
    ]
  ) {
    assert.equal(refuses(remote), true, remote);
    assert.equal(isLoopbackAddress(remote), false, remote);
  }
  // Off, or a password for the default user: everyone is served.
  assert.equal(refuses("10.0.0.7", false), false);
  assert.equal(refuses("10.0.0.7", true, false), false);
  assert.equal(refuses("2001:db8::1", false, false), false);
});

Deno.test("the DENIED reply is Redis 7.0's, one line of RESP", () => {
  assert.match(
    PROTECTED_MODE_DENIED,
    /^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. /,
  );
  assert.ok(PROTECTED_MODE_DENIED.endsWith("from the outside.\r\n"));
  assert.equal(
    PROTECTED_MODE_DENIED.indexOf("\r\n"),
    PROTECTED_MODE_DENIED.length - 2,
  );
});

/**
 * Connects from 127.0.0.2 (node can choose the local address, Deno cannot),
 * sends PING and returns everything received until the server closes or
 * 500 ms pass; null when 127.0.0.2 cannot be used here.
 */
async function pingFrom127002(port: number): Promise<string | null> {
  const script = `
    import net from "node:net";
    const port = Number(process.argv[1]);
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.2" });
    let data = "";
    let closed = false;
    socket.on("connect", () => socket.write("PING\\r\\n"));
    socket.on("data", (chunk) => data += chunk.toString("latin1"));
    socket.on("error", (error) => {
      if (data === "" && error.code === "EADDRNOTAVAIL") {
        console.log(JSON.stringify(null));
        process.exit(0);
      }
    });
    socket.on("close", () => {
      closed = true;
      console.log(JSON.stringify({ data, closed }));
      process.exit(0);
    });
    setTimeout(() => {
      console.log(JSON.stringify({ data, closed }));
      process.exit(0);
    }, 500);
  `;
  const out = await new Deno.Command("node", {
    args: ["--input-type=module", "-e", script, String(port)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(text(out.stderr));
  const result = JSON.parse(text(out.stdout));
  return result === null
    ? null
    : `${result.data}${result.closed ? "<closed>" : ""}`;
}

function hasNode(): boolean {
  try {
    return new Deno.Command("node", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "a client from 127.0.0.2 gets Redis's DENIED and is closed, as with redis-server",
  ignore: !hasRedisServer() || !hasNode(),
  async fn() {
    const ours = await startServer({});
    const redis = await startServer({ oracle: true });
    const oursClient = await ours.connect();
    const redisClient = await redis.connect();
    try {
      const theirs = await pingFrom127002(redis.port);
      if (theirs === null) {
        console.warn("127.0.0.2 is not usable here: end-to-end check skipped");
        return;
      }
      assert.equal(theirs, `${PROTECTED_MODE_DENIED}<closed>`);
      assert.equal(await pingFrom127002(ours.port), theirs);
      for (const client of [oursClient, redisClient]) {
        const stats = String(await client.call("INFO", "stats"));
        assert.match(stats, /^rejected_connections:1\r$/m);
      }
      // Loopback clients are served meanwhile.
      assert.equal(await oursClient.call("PING"), "PONG");
      // A password for the default user lifts it: the client may AUTH.
      for (const client of [oursClient, redisClient]) {
        assert.equal(
          await client.call("CONFIG", "SET", "requirepass", "pw"),
          "OK",
        );
        assert.equal(await client.call("AUTH", "pw"), "OK");
      }
      const withPassword = await pingFrom127002(ours.port);
      assert.equal(withPassword, await pingFrom127002(redis.port));
      assert.match(
        withPassword ?? "",
        /^-NOAUTH Authentication required\.\r\n/,
      );
      // So does protected-mode no.
      for (const client of [oursClient, redisClient]) {
        assert.equal(
          await client.call("CONFIG", "SET", "requirepass", ""),
          "OK",
        );
        assert.equal(
          await client.call("CONFIG", "SET", "protected-mode", "no"),
          "OK",
        );
      }
      assert.equal(await pingFrom127002(ours.port), "+PONG\r\n");
      assert.equal(await pingFrom127002(redis.port), "+PONG\r\n");
    } finally {
      oursClient.close();
      redisClient.close();
      await ours.stop();
      await redis.stop();
    }
  },
});
