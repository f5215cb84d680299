/**
 * COMMAND DOCS of one command compared with redis-server's, its
 * subcommands in name order.
 *
 * @module
 */

import assert from "node:assert/strict";
import { binary } from "../helpers/bytes.ts";
import type { Pair } from "../helpers/differential.ts";
import { parseReply, type Reply } from "../helpers/resp_client.ts";

/**
 * A RESP2 COMMAND DOCS map (flat pairs) with its subcommands sorted by
 * name: Redis lists them in its dict's order, which varies from run to run.
 */
function withSortedSubcommands(doc: Reply[]): Reply[] {
  const fields: Reply[] = [];
  for (let i = 0; i < doc.length; i += 2) {
    if (doc[i] === "subcommands") {
      const subs = doc[i + 1] as Reply[];
      const stripped: [string, Reply[]][] = [];
      for (let j = 0; j < subs.length; j += 2) {
        stripped.push([
          String(subs[j]),
          withSortedSubcommands(subs[j + 1] as Reply[]),
        ]);
      }
      stripped.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
      fields.push(doc[i], stripped.flat());
    } else fields.push(doc[i], doc[i + 1]);
  }
  return fields;
}

/** Asserts that COMMAND DOCS of `name` (with its subcommands) matches redis-server's. */
export async function sameDocs(pair: Pair, name: string): Promise<void> {
  const [ours, theirs] = await pair.both(["COMMAND", "DOCS", name]);
  const docs = (raw: string) => {
    const reply = parseReply(binary(raw), 0)![0] as Reply[];
    return [reply[0], withSortedSubcommands(reply[1] as Reply[])];
  };
  assert.deepEqual(docs(ours), docs(theirs), name);
}
