import assert from "node:assert/strict";
import { AofError, parseAofCommands } from "../../lib/persistence/aof.ts";
import { text, utf8 } from "../helpers/bytes.ts";
import { encodeCommand } from "../helpers/resp_client.ts";

Deno.test("aof: logged commands parse back, at every truncation point", () => {
  const commands = [
    ["SELECT", "0"],
    ["SET", "key", "value", "PXAT", "1795264058160"],
    ["RPUSH", "l", "a\r\nb", ""],
  ];
  const parts = commands.map((c) => encodeCommand(c));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  const ends: number[] = [];
  for (const part of parts) {
    data.set(part, pos);
    pos += part.length;
    ends.push(pos);
  }
  const seen: string[][] = [];
  assert.equal(
    parseAofCommands(
      data,
      (args) => seen.push(args.map((a) => text(a))),
    ),
    data.length,
  );
  assert.deepEqual(seen, commands);
  for (let cut = 0; cut <= data.length; cut++) {
    let count = 0;
    const end = parseAofCommands(data.subarray(0, cut), () => count++);
    const complete = ends.filter((e) => e <= cut);
    assert.equal(count, complete.length, `cut ${cut}`);
    assert.equal(end, complete.at(-1) ?? 0, `cut ${cut}`);
  }
});

Deno.test("aof: annotations are skipped and garbage is an error", () => {
  const data = utf8(
    "#TS:1700000000\r\n*1\r\n$4\r\nPING\r\n",
  );
  const seen: string[] = [];
  parseAofCommands(data, (args) => seen.push(text(args[0])));
  assert.deepEqual(seen, ["PING"]);
  assert.throws(
    () =>
      parseAofCommands(
        utf8("*1\r\n$4\r\nPING\r\ngarbage"),
        () => {},
      ),
    AofError,
  );
  assert.throws(
    () => parseAofCommands(utf8("*1\r\n+PING\r\n"), () => {}),
    AofError,
  );
});
