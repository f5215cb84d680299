/**
 * COMMAND DOCS against redis-server, arguments included: what redis-cli 7.0
 * builds its command-line hints from. Every command both servers have is
 * compared in RESP2 and RESP3.
 *
 * Redis lists commands and a container's subcommands in its dicts' order,
 * which varies from run to run, so a container's own reply is compared with
 * its subcommands sorted, and each subcommand byte for byte on its own.
 *
 * @module
 */

import assert from "node:assert/strict";
import { binary } from "../helpers/bytes.ts";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import { parseReply, type Reply } from "../helpers/resp_client.ts";

function parse(raw: string): Reply {
  return parseReply(binary(raw), 0)![0];
}

/** A map reply's entries, whichever protocol: RESP3 maps, RESP2 flat pairs. */
function entries(reply: Reply): [Reply, Reply][] {
  if (reply instanceof Map) return [...reply.entries()];
  const flat = reply as Reply[];
  const pairs: [Reply, Reply][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs;
}

/**
 * One command's docs with its subcommands sorted by name and only those
 * named in `shared` kept (the others are one server's alone).
 */
function normalized(docs: Reply, shared: ReadonlySet<string>): Reply[] {
  return entries(docs).map(([field, value]) => {
    if (field !== "subcommands") return [field, value];
    const subs = entries(value)
      .filter(([name]) => shared.has(String(name)))
      .sort(([a], [b]) => String(a) < String(b) ? -1 : 1);
    return [field, subs];
  });
}

/** COMMAND LIST of one server: every command and subcommand, by full name. */
async function commandList(pair: Pair, which: "ours" | "oracle") {
  const client = which === "ours" ? pair.ourClient : pair.oracleClient;
  return new Set(await client.call("COMMAND", "LIST") as string[]);
}

for (const protocol of ["2", "3"]) {
  differentialTest(
    `differential: COMMAND DOCS of every command both servers have matches redis-server, RESP${protocol}`,
    async (pair) => {
      await pair.both(["HELLO", protocol]);
      const ours = await commandList(pair, "ours");
      const theirs = await commandList(pair, "oracle");
      const shared = new Set([...ours].filter((name) => theirs.has(name)));
      for (const name of shared) {
        const [our, their] = await pair.both(["COMMAND", "DOCS", name]);
        const [[, theirDocs]] = entries(parse(their));
        if (!entries(theirDocs).some(([field]) => field === "subcommands")) {
          assert.equal(our, their, name);
          continue;
        }
        const [[ourName, ourDocs]] = entries(parse(our));
        assert.equal(ourName, name);
        assert.deepEqual(
          normalized(ourDocs, shared),
          normalized(theirDocs, shared),
          name,
        );
      }
    },
  );
}

differentialTest(
  "differential: COMMAND DOCS set, redis-cli's hints for SET, is Redis's byte for byte",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      const reply = await pair.same(["COMMAND", "DOCS", "set"]);
      assert.match(reply, /unix-time-milliseconds/);
      await pair.same(["COMMAND", "DOCS", "SET", "get", "config|get"]);
    }
  },
);

differentialTest(
  "differential: COMMAND DOCS without arguments documents every command as Redis does",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      const ours = await commandList(pair, "ours");
      const theirs = await commandList(pair, "oracle");
      const shared = new Set([...ours].filter((name) => theirs.has(name)));
      const [our, their] = await pair.both(["COMMAND", "DOCS"]);
      const ourDocs = new Map(entries(parse(our)));
      const theirDocs = new Map(entries(parse(their)));
      // Every command we register at top level, and those alone.
      const topLevel = [...ours].filter((name) => !name.includes("|")).sort();
      assert.deepEqual([...ourDocs.keys()].map(String).sort(), topLevel);
      for (const name of topLevel) {
        assert.ok(theirDocs.has(name), `${name} is not a Redis 7.0 command`);
        assert.deepEqual(
          normalized(ourDocs.get(name)!, shared),
          normalized(theirDocs.get(name)!, shared),
          name,
        );
      }
    }
  },
);
