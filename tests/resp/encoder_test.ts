import assert from "node:assert/strict";
import { type Protocol, ReplyWriter } from "../../lib/resp/encoder.ts";
import { latin1 } from "../helpers/bytes.ts";

/** Runs `write` on a fresh writer speaking `protocol`; returns the bytes. */
function encode(protocol: Protocol, write: (w: ReplyWriter) => void): string {
  const writer = new ReplyWriter();
  writer.protocol = protocol;
  write(writer);
  return writer.take().map(latin1).join("");
}

Deno.test("encoder: shapes shared by RESP2 and RESP3", () => {
  for (const protocol of [2, 3] as const) {
    const out = encode(protocol, (w) => {
      w.simple("PONG");
      w.ok();
      w.error("ERR bad\r\nthing");
      w.integer(0);
      w.integer(-42);
      w.integer(12345678901234567890n);
      w.bulk(new Uint8Array([0, 255, 13, 10]));
      w.bulkString("h\xe9");
      w.array(2);
      w.bulkString("");
      w.stringArray(["a"]);
    });
    assert.equal(
      out,
      "+PONG\r\n+OK\r\n-ERR bad  thing\r\n:0\r\n:-42\r\n" +
        ":12345678901234567890\r\n$4\r\n\x00\xff\r\n\r\n$2\r\nh\xe9\r\n" +
        "*2\r\n$0\r\n\r\n*1\r\n$1\r\na\r\n",
    );
  }
});

Deno.test("encoder: RESP3-only types fall back to RESP2 shapes", () => {
  const write = (w: ReplyWriter) => {
    w.nullBulk();
    w.nullArray();
    w.map(2);
    w.set(3);
    w.push(1);
    w.boolean(true);
    w.boolean(false);
    w.double("1.5");
    w.verbatim("text");
  };
  assert.equal(
    encode(2, write),
    "$-1\r\n*-1\r\n*4\r\n*3\r\n*1\r\n:1\r\n:0\r\n$3\r\n1.5\r\n$4\r\ntext\r\n",
  );
  assert.equal(
    encode(3, write),
    "_\r\n_\r\n%2\r\n~3\r\n>1\r\n#t\r\n#f\r\n,1.5\r\n=8\r\ntxt:text\r\n",
  );
});

Deno.test("encoder: large payloads are queued by reference, in order", () => {
  const writer = new ReplyWriter();
  const big = new Uint8Array(100_000).fill(7);
  writer.simple("A");
  writer.bulk(big);
  writer.simple("B");
  assert.equal(writer.pendingBytes, 4 + 10 + 100_000 + 2 + 3);
  const chunks = writer.take();
  assert.ok(chunks.includes(big));
  const text = chunks.map(latin1).join("");
  assert.equal(
    text,
    "+A\r\n$100000\r\n" + "\x07".repeat(100_000) + "\r\n+B\r\n",
  );
  assert.equal(writer.pendingBytes, 0);
});

Deno.test("encoder: growth, truncate and buffer reuse across takes", () => {
  const writer = new ReplyWriter();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5000; i++) writer.integer(i);
    const expected = Array.from({ length: 5000 }, (_, i) => `:${i}\r\n`).join(
      "",
    );
    assert.equal(writer.take().map(latin1).join(""), expected);
  }
  writer.simple("keep");
  const size = writer.pendingBytes;
  writer.simple("drop");
  writer.truncate(size);
  assert.equal(writer.take().map(latin1).join(""), "+keep\r\n");
  writer.simple("x");
  writer.discard();
  assert.deepEqual(writer.take(), []);
});
