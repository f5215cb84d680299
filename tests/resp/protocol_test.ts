/**
 * Malformed and unusual requests sent over a raw socket to redis-server and
 * to our server: the reply bytes and whether the connection is closed must
 * be the same.
 */

import assert from "node:assert/strict";
import { binary, latin1 } from "../helpers/bytes.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not installed: skipping protocol tests");
}

/** What a server sent back to a raw request, and whether it hung up. */
interface Exchange {
  reply: string;
  closed: boolean;
}

/**
 * Sends `request` (split into `parts`, written one after another) and
 * collects everything the server sends until it closes the connection or
 * stays quiet for `quietMs`.
 */
async function exchange(
  port: number,
  parts: readonly (string | Uint8Array)[],
  quietMs = 300,
): Promise<Exchange> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const received: Uint8Array[] = [];
  let closed = false;
  let closedByUs = false;
  const reading = (async () => {
    const buf = new Uint8Array(65536);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) {
          closed = !closedByUs;
          return;
        }
        received.push(buf.slice(0, n));
      }
    } catch {
      closed = !closedByUs;
    }
  })();
  try {
    for (const part of parts) {
      const bytes = typeof part === "string" ? binary(part) : part;
      let offset = 0;
      while (offset < bytes.length) {
        offset += await conn.write(bytes.subarray(offset));
      }
    }
  } catch {
    // The server may hang up before the whole request is written.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    reading,
    new Promise((resolve) => timer = setTimeout(resolve, quietMs)),
  ]);
  clearTimeout(timer);
  closedByUs = true;
  conn.close();
  await reading;
  return { reply: received.map(latin1).join(""), closed };
}

/**
 * A request case: a name, the parts written to the socket, and how long to
 * wait for the replies (ms) when that is longer than the default.
 */
type Case = [string, (string | Uint8Array)[], number?];

const LONG = "9".repeat(70 * 1024);

const CASES: Case[] = [
  ["invalid multibulk length", ["*abc\r\n"]],
  ["multibulk count beyond INT_MAX", ["*2147483648\r\n"]],
  ["multibulk count with plus sign", ["*+1\r\n$4\r\nPING\r\n"]],
  ["multibulk count with leading zero", ["*01\r\n$4\r\nPING\r\n"]],
  ["negative multibulk is skipped", ["*-1\r\n*-5\r\nPING\r\n"]],
  ["empty multibulk is skipped", ["*0\r\n*1\r\n$4\r\nPING\r\n"]],
  ["invalid bulk length", ["*1\r\n$abc\r\n"]],
  ["negative bulk length", ["*1\r\n$-1\r\n"]],
  ["bulk length beyond proto-max-bulk-len", ["*1\r\n$536870913\r\n"]],
  ["expected dollar", ["PING\r\n*1\r\nx\r\n"]],
  ["expected dollar with a colon", ["*2\r\n$4\r\nECHO\r\n:1\r\n"]],
  ["expected dollar, got CR", ["*1\r\n\r\n"]],
  ["expected dollar, got a high byte", ["*1\r\n\xff\r\n"]],
  ["bytes after a payload are not checked", ["*1\r\n$4\r\nPINGxy"]],
  ["unbalanced double quotes", ['SET k "v\r\n']],
  ["unbalanced single quotes", ["SET k 'v\r\n"]],
  ["closing quote followed by a letter", ['ECHO "a"b\r\n']],
  ["inline quoting rules", [
    'ECHO "a\\x41\\n\\t\\"b"\r\nECHO \'it\\\'s\'\r\nECHO "\\xZZ"\r\n',
    'ECHO ""\r\n   \r\nECHO\ta\x0bb\r\nECHO "\\q"\nPING\n',
  ]],
  ["inline with a NUL byte waits for more input", ["ECHO a\x00b c\r\n"]],
  ["NUL in a multibulk header waits for more input", ["*1\x00\r\n"]],
  ["NUL in a bulk header waits for more input", ["*1\r\n$4\x00\r\n"]],
  ["too big inline request after a NUL", ["ECHO \x00\r\n" + LONG]],
  ["multibulk header after a NUL", ["*1\x00\r\n" + LONG]],
  ["inline request split across writes", ["PI", "NG\r", "\n"]],
  ["too big inline request", [LONG]],
  ["too big mbulk count string", ["*" + LONG]],
  ["too big bulk count string", ["*1\r\n$" + LONG]],
  ["commands before a protocol error are answered", [
    "*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$abc\r\n*1\r\n$4\r\nPING\r\n",
  ]],
  ["a protocol error behind a blocked command waits for it", [
    "*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$3\r\n0.1\r\n",
    "*2\r\n$3\r\nGET\r\n$1\r\nx\r\n*abc\r\n",
  ], 1000],
  ["a protocol error behind two blocking commands waits for both", [
    "*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$3\r\n0.1\r\n",
    "*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$3\r\n0.1\r\n*abc\r\n",
  ], 1000],
  ["header split between CR and LF", ["*1\r", "\n$4\r", "\nPING\r", "\n"]],
  ["multibulk with an empty argument", ["*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"]],
  ["binary argument", ["*2\r\n$4\r\nECHO\r\n$5\r\n\x00\xff\r\n\x80\r\n"]],
];

/** Cases that need requirepass, so the client is unauthenticated. */
const AUTH_CASES: Case[] = [
  ["unauthenticated multibulk length", [
    "*11\r\n$4\r\nPING\r\n",
  ]],
  ["ten arguments are accepted unauthenticated", [
    "*10\r\n" + "$4\r\nPING\r\n".repeat(10),
  ]],
  ["unauthenticated bulk length", ["*2\r\n$4\r\nECHO\r\n$16385\r\n"]],
  ["16384-byte bulk is accepted unauthenticated", [
    `*2\r\n$4\r\nECHO\r\n$16384\r\n${"x".repeat(16384)}\r\n`,
  ]],
];

async function compareCases(
  flags: string[],
  cases: readonly Case[],
): Promise<void> {
  await withServer(
    { flags, clients: 0 },
    (_, ours) =>
      withServer({ oracle: true, flags, clients: 0 }, async (_, redis) => {
        for (const [name, parts, quietMs] of cases) {
          const [a, b]: Exchange[] = await Promise.all([
            exchange(ours.port, parts, quietMs),
            exchange(redis.port, parts, quietMs),
          ]);
          assert.deepEqual(a, b, `${name}: ours vs redis-server`);
        }
      }),
  );
}

Deno.test({
  name: "protocol: malformed requests get redis-server's replies and closes",
  ignore: NO_ORACLE,
  fn: () => compareCases([], CASES),
});

Deno.test({
  name: "protocol: unauthenticated clients get redis-server's length limits",
  ignore: NO_ORACLE,
  fn: () => compareCases(["--requirepass", "secret"], AUTH_CASES),
});

Deno.test("protocol: a protocol error is answered, then the connection closed", async () => {
  await withServer({ clients: 0 }, async (_clients, server) => {
    assert.deepEqual(await exchange(server.port, ["PING\r\n*1\r\n$x\r\n"]), {
      reply: "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n",
      closed: true,
    });
    assert.deepEqual(await exchange(server.port, ['ECHO "a\r\n']), {
      reply: "-ERR Protocol error: unbalanced quotes in request\r\n",
      closed: true,
    });
    assert.deepEqual(await exchange(server.port, ["*1\r\n$4\r\nPING\r\n"]), {
      reply: "+PONG\r\n",
      closed: false,
    });
  });
});

/** INFO commandstats as "name calls rejected failed" lines, sorted. */
function commandCounts(info: string): string[] {
  return [...info.matchAll(
    /cmdstat_(\S+):calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/g,
  )].map((m) => m.slice(1).join(" ")).sort();
}

Deno.test({
  name: "protocol: rejected requests count in rejected_calls like redis-server",
  ignore: NO_ORACLE,
  async fn() {
    const requests = [
      "CONFIG RESETSTAT\r\nGET\r\nNOSUCH\r\nCONFIG NOSUCH\r\nCONFIG GET\r\n" +
      "MULTI\r\nSET k\r\nSAVE\r\nEXEC\r\nEXEC x\r\nSUBSCRIBE c\r\nGET k\r\n",
    ];
    const counts: string[][] = [];
    for (const oracle of [false, true]) {
      await withServer({ oracle, clients: 0 }, async (_, server) => {
        const replies = await exchange(server.port, requests);
        const stats = await exchange(server.port, ["INFO commandstats\r\n"]);
        counts.push([replies.reply, ...commandCounts(stats.reply)]);
      });
    }
    assert.ok(counts[1].includes("get 0 2 0"), counts[1].join("\n"));
    assert.deepEqual(counts[0], counts[1]);
  },
});
