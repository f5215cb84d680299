/**
 * Robustness: seeded random commands (every registered command, random
 * argument words, some malformed requests, RESP2 and RESP3) must never
 * crash the server or make a handler fail with an unexpected error.
 */
import assert from "node:assert/strict";
import { encodeCommand } from "../helpers/resp_client.ts";
import { withServer } from "../helpers/servers.ts";

/** Commands that would end the run or the connection rather than test parsing. */
const SKIPPED = new Set([
  "shutdown",
  "debug",
  "monitor",
  "sync",
  "psync",
  "quit",
  "reset",
  "client",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "save",
  "bgsave",
  "bgrewriteaof",
  "flushall",
  "config",
  "multi",
  "ping",
  "echo",
  "blpop",
  "brpop",
  "blmove",
  "brpoplpush",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
]);

const WORDS = [
  "0",
  "1",
  "-1",
  "10",
  "k",
  "k2",
  "l",
  "h",
  "z",
  "s",
  "inf",
  "-inf",
  "(1",
  "[a",
  "+",
  "-",
  "*",
  "$",
  ">",
  "0-1",
  "1-*",
  "1.5",
  "nan",
  "9223372036854775807",
  "-9223372036854775808",
  "18446744073709551615",
  "\x00",
  "\xff\xfe",
  "",
  "a".repeat(100),
  "COUNT",
  "LIMIT",
  "WITHSCORES",
  "EX",
  "PX",
  "NX",
  "XX",
  "GT",
  "LT",
  "STORE",
  "BY",
  "GET",
  "MATCH",
  "TYPE",
  "STREAMS",
  "GROUP",
  "LEFT",
  "RIGHT",
  "MIN",
  "MAX",
  "ALPHA",
  "REV",
  "BYSCORE",
  "BYLEX",
  "FULL",
  "IDLE",
  "JUSTID",
  "FORCE",
  "MKSTREAM",
  "KEEPTTL",
  "REPLACE",
  "WEIGHTS",
  "AGGREGATE",
  "FROMLONLAT",
  "BYRADIUS",
  "km",
  "ANY",
  "WITHCOORD",
];

const MALFORMED = [
  "*2\r\n$3\r\nfoo\r\n$-5\r\n",
  '"unbalanced\r\n',
  "*abc\r\n",
  "*1\r\nx\r\n",
];

function prng(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

Deno.test("fuzz: random commands never crash the server", async () => {
  await withServer(
    { flags: ["--logfile", "server.log"], clients: 0 },
    async (_clients, server) => {
      const setup = await server.connect();
      const names = (await setup.call("COMMAND", "LIST") as string[])
        .filter((name) => !SKIPPED.has(name.split("|")[0]));
      setup.close();
      const random = prng(20261121);
      const pick = <T>(list: readonly T[]): T =>
        list[Math.floor(random() * list.length)];
      for (let round = 0; round < 20; round++) {
        const client = await server.connect();
        try {
          const resp3 = random() < 0.5;
          if (resp3) await client.send("HELLO", "3");
          for (let i = 0; i < 300; i++) {
            const args = [...pick(names).split("|")];
            const extra = Math.floor(random() * 10);
            for (let j = 0; j < extra; j++) args.push(pick(WORDS));
            await client.write(encodeCommand(args));
          }
          const malformed = random() < 0.5;
          if (malformed) await client.write(pick(MALFORMED));
          else await client.send("PING");
          // Every command gets a reply; a malformed request gets its protocol
          // error and the connection is closed, anything else ends in PONG.
          let replies = 0;
          let last: unknown = null;
          while (true) {
            try {
              last = await client.read();
              replies++;
              if (last === "PONG") break;
            } catch {
              break;
            }
          }
          assert.equal(replies, 300 + (resp3 ? 1 : 0) + 1, `round ${round}`);
          if (malformed) {
            assert.match(
              String((last as { message: string }).message),
              /Protocol error/,
            );
          }
        } finally {
          client.close();
        }
      }
      const check = await server.connect();
      try {
        assert.equal(await check.call("PING"), "PONG");
      } finally {
        check.close();
      }
      const log = await Deno.readTextFile(`${server.dir}/server.log`);
      assert.doesNotMatch(log, /Unexpected error/);
    },
  );
});
