/**
 * `deno run -A bench/lua_cpu.ts`: CPU-bound Lua scripts timed on our server
 * and on redis-server (its Lua 5.1): an arithmetic loop of 10 million
 * iterations, building and concatenating 100k strings, and cjson.decode of
 * a 1 MB document. Each script runs three times; the best time counts.
 *
 * @module
 */

import type { RespClient } from "../tests/helpers/resp_client.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
  type TestServer,
} from "../tests/helpers/servers.ts";

const SCRIPTS: readonly { label: string; body: string; args?: string[] }[] = [
  {
    label: "arithmetic loop, 10M iterations",
    body: "local s = 0 for i = 1, 10000000 do s = s + i % 7 end return s",
  },
  {
    label: "table.concat of 100k strings",
    body:
      "local t = {} for i = 1, 100000 do t[#t + 1] = tostring(i) end return #table.concat(t, ',')",
  },
  {
    label: "cjson.decode of a 1 MB document",
    body: "return #cjson.decode(ARGV[1])",
    args: [
      JSON.stringify(
        Array.from({ length: 12_000 }, (_, i) => ({
          id: i,
          name: `item ${i}`,
          tags: ["a", "b", "c"],
          price: i * 1.25,
          ok: i % 2 === 0,
        })),
      ),
    ],
  },
];

async function best(client: RespClient, body: string, args: string[]) {
  let fastest = Infinity;
  let reply: unknown;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    reply = await client.call("EVAL", body, "0", ...args);
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, reply };
}

const servers: [string, TestServer][] = [["ours", await startOurServer()]];
if (hasRedisServer()) servers.push(["redis", await startRedisServer()]);
try {
  const clients = await Promise.all(servers.map(([, s]) => s.connect()));
  console.log(
    `| script | ${servers.map(([name]) => `${name} ms`).join(" | ")} | ratio |`,
  );
  console.log(`| --- |${servers.map(() => " --- |").join("")} --- |`);
  for (const script of SCRIPTS) {
    const times: number[] = [];
    for (const client of clients) {
      const { ms, reply } = await best(client, script.body, script.args ?? []);
      if (typeof reply !== "number") {
        throw new Error(`${script.label}: ${JSON.stringify(reply)}`);
      }
      times.push(ms);
    }
    const ratio = times.length > 1 ? (times[0] / times[1]).toFixed(2) : "-";
    console.log(
      `| ${script.label} | ${
        times.map((t) => t.toFixed(0)).join(" | ")
      } | ${ratio} |`,
    );
  }
  for (const client of clients) client.close();
} finally {
  await Promise.all(servers.map(([, s]) => s.stop()));
}
