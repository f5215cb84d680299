import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const noRedis = !hasRedisServer();

Deno.test({
  name:
    "dump/restore: payloads and errors match Redis, and restore across servers",
  ignore: noRedis,
  async fn() {
    await withPair({}, async ({ ourClient: a, oracleClient: b }) => {
      const values = [
        "bar",
        "",
        "12345",
        "-7",
        "123456789012",
        "\x00\xff\r\n",
        "x".repeat(15),
      ];
      for (const [i, value] of values.entries()) {
        await a.call("SET", `k${i}`, value);
        await b.call("SET", `k${i}`, value);
        const ourDump = await a.callRaw("DUMP", `k${i}`);
        assert.deepEqual(
          ourDump,
          await b.callRaw("DUMP", `k${i}`),
          `DUMP of ${JSON.stringify(value)}`,
        );
      }
      // A payload from Redis restores here and ours restores there.
      await b.call("SET", "long", "abc".repeat(500));
      const fromRedis = await b.call("DUMP", "long") as string;
      assert.equal(await a.call("RESTORE", "long", "0", fromRedis), "OK");
      assert.equal(await a.call("GET", "long"), "abc".repeat(500));
      const fromUs = await a.call("DUMP", "long") as string;
      assert.equal(await b.call("RESTORE", "long2", "0", fromUs), "OK");
      assert.equal(await b.call("GET", "long2"), "abc".repeat(500));

      const payload = await b.call("DUMP", "k0") as string;
      const corrupt = payload.slice(0, -1) +
        String.fromCharCode(payload.charCodeAt(payload.length - 1) ^ 1);
      const cases: string[][] = [
        ["RESTORE", "k0", "0", payload],
        ["RESTORE", "new", "0", corrupt],
        ["RESTORE", "new", "-1", payload],
        ["RESTORE", "new", "abc", payload],
        ["RESTORE", "new", "0", payload, "IDLETIME", "-1"],
        ["RESTORE", "new", "0", payload, "FREQ", "256"],
        ["RESTORE", "new", "0", payload, "bogus"],
        ["RESTORE", "new", "0", "short"],
        ["RESTORE", "k0", "0", payload, "REPLACE"],
        ["RESTORE", "ttl", "100000", payload],
        ["PTTL", "ttl"],
        ["RESTORE", "past", "1", payload, "ABSTTL"],
        ["EXISTS", "past"],
        ["DUMP", "missing"],
        ["DUMP"],
      ];
      for (const command of cases) {
        const expected = await b.callRaw(...command);
        const actual = await a.callRaw(...command);
        if (command[0] === "PTTL") {
          const ttl = (s: Uint8Array) => Number(text(s).slice(1));
          assert.ok(Math.abs(ttl(actual) - ttl(expected)) < 1000);
          continue;
        }
        assert.equal(
          text(actual),
          text(expected),
          command.join(" "),
        );
      }
    });
  },
});
