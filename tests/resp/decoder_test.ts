import assert from "node:assert/strict";
import {
  type DecoderLimits,
  ProtocolError,
  QueryBufferLimitError,
  RespDecoder,
} from "../../lib/resp/decoder.ts";
import { splitInlineArgs } from "../../lib/resp/inline.ts";
import { binary, latin1 } from "../helpers/bytes.ts";
import { prng } from "../helpers/differential.ts";

const LIMITS: DecoderLimits = {
  maxBulkLength: 512 * 1024 * 1024,
  maxQueryBuffer: 1024 * 1024 * 1024,
  authRequired: false,
};

/** Feeds `chunks` in order; returns the commands as binary strings. */
function decode(
  chunks: readonly Uint8Array[],
  limits: DecoderLimits = LIMITS,
): string[][] {
  const decoder = new RespDecoder(limits);
  const commands: string[][] = [];
  for (const chunk of chunks) {
    decoder.feed(chunk, (args) => {
      commands.push(args.map(latin1));
    });
  }
  assert.equal(decoder.hasPartialRequest, false);
  return commands;
}

/** Decodes until the decoder throws; returns the commands and the error. */
function decodeError(
  input: string,
  limits: DecoderLimits = LIMITS,
): [string[][], Error] {
  const decoder = new RespDecoder(limits);
  const commands: string[][] = [];
  try {
    decoder.feed(binary(input), (args) => {
      commands.push(args.map(latin1));
    });
  } catch (error) {
    return [commands, error as Error];
  }
  throw new Error(`no error for ${JSON.stringify(input)}`);
}

/** A stream mixing every request shape, and the commands it holds. */
const STREAM_PARTS = [
  "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n",
  "*0\r\n",
  "*-1\r\n",
  "PING\r\n",
  "\r\n",
  "   \n",
  'SET "a b" \'c\\\'d\' "\\x41\\n\\t\\r\\b\\a\\\\\\q"\r\n',
  "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
  "*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\r\n\r\n",
  "GET\tk\n",
  "*1\r\n$4\r\nPING\r\n",
  '"" x\r\n',
];
const STREAM = STREAM_PARTS.join("");
const STREAM_COMMANDS = [
  ["SET", "k", "hello"],
  ["PING"],
  ["SET", "a b", "c'd", "A\n\t\r\x08\x07\\q"],
  ["ECHO", ""],
  ["ECHO", "\r\n\r\n"],
  ["GET", "k"],
  ["PING"],
  ["", "x"],
];

Deno.test("decoder: a varied request stream decodes whole", () => {
  assert.deepEqual(decode([binary(STREAM)]), STREAM_COMMANDS);
});

Deno.test("decoder: every split point gives the same commands", () => {
  const bytes = binary(STREAM);
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(
      decode([bytes.subarray(0, i), bytes.subarray(i)]),
      STREAM_COMMANDS,
      `split at ${i}`,
    );
  }
});

Deno.test("decoder: every pair of split points gives the same commands", () => {
  const bytes = binary(STREAM_PARTS.slice(0, 7).join(""));
  const expected = decode([bytes]);
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) {
      assert.deepEqual(
        decode([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]),
        expected,
        `split at ${i} and ${j}`,
      );
    }
  }
});

Deno.test("decoder: random chunking of big and small bulks", () => {
  const rand = prng(4242);
  const commands: string[][] = [];
  const parts: string[] = [];
  for (let i = 0; i < 60; i++) {
    const size = rand() < 0.2 ? Math.floor(rand() * 200_000) : i;
    let value = "";
    for (let j = 0; j < Math.min(size, 256); j++) {
      value += String.fromCharCode(Math.floor(rand() * 256));
    }
    value = value.repeat(Math.ceil(size / 256) || 1).slice(0, size);
    commands.push(["SET", `key${i}`, value]);
    parts.push(
      `*3\r\n$3\r\nSET\r\n$${
        `key${i}`.length
      }\r\nkey${i}\r\n$${size}\r\n${value}\r\n`,
    );
    if (rand() < 0.3) {
      commands.push(["GET", `key${i}`]);
      parts.push(`GET key${i}\r\n`);
    }
  }
  const bytes = binary(parts.join(""));
  for (let round = 0; round < 20; round++) {
    const chunks: Uint8Array[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      const max = rand() < 0.5 ? 16 : 70_000;
      const n = 1 + Math.floor(rand() * max);
      chunks.push(bytes.slice(pos, pos + n));
      pos += n;
    }
    assert.deepEqual(decode(chunks), commands, `round ${round}`);
  }
});

Deno.test("decoder: arguments survive reuse of the input buffer", () => {
  const decoder = new RespDecoder(LIMITS);
  const buffer = new Uint8Array(64);
  const kept: Uint8Array[][] = [];
  for (const request of ["*2\r\n$3\r\nGET\r\n$1\r\na\r\n", "ECHO bb\r\n"]) {
    buffer.fill(0);
    buffer.set(binary(request));
    decoder.feed(buffer.subarray(0, request.length), (args) => {
      kept.push(args);
    });
  }
  buffer.fill(120);
  assert.deepEqual(kept.map((args) => args.map(latin1)), [
    ["GET", "a"],
    ["ECHO", "bb"],
  ]);
});

Deno.test("decoder: a repeated command name is one kept array, and different names stay apart", () => {
  const decoder = new RespDecoder(LIMITS);
  const buffer = new Uint8Array(256);
  const kept: Uint8Array[][] = [];
  const requests = [
    "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n",
    "*2\r\n$3\r\nget\r\n$1\r\nc\r\n*3\r\n$3\r\nSET\r\n$1\r\nd\r\n$1\r\ne\r\n",
    "*2\r\n$3\r\nGET\r\n$1\r\nf\r\n*2\r\n$3\r\nGET\r\n$1\r\ng\r\n",
  ];
  for (const request of requests) {
    buffer.fill(0);
    buffer.set(binary(request));
    decoder.feed(buffer.subarray(0, request.length), (args) => {
      kept.push(args);
    });
  }
  buffer.fill(120);
  assert.deepEqual(kept.map((args) => args.map(latin1)), [
    ["GET", "a"],
    ["GET", "b"],
    ["get", "c"],
    ["SET", "d", "e"],
    ["GET", "f"],
    ["GET", "g"],
  ]);
  assert.equal(kept[0][0], kept[1][0]);
  assert.equal(kept[4][0], kept[5][0]);
  assert.notEqual(kept[1][0], kept[4][0]);
});

Deno.test("decoder: malformed input gives Redis's protocol errors", () => {
  const long = "1".repeat(64 * 1024 + 1);
  const cases: [string, string][] = [
    ["*x\r\n", "invalid multibulk length"],
    ["*2147483648\r\n", "invalid multibulk length"],
    ["*+1\r\n", "invalid multibulk length"],
    ["*1\r\n$x\r\n", "invalid bulk length"],
    ["*1\r\n$-1\r\n", "invalid bulk length"],
    ["*1\r\n$01\r\n", "invalid bulk length"],
    ["*1\r\n$\r\n", "invalid bulk length"],
    ["*1\r\nx\r\n", "expected '$', got 'x'"],
    ['SET "k\r\n', "unbalanced quotes in request"],
    ["SET 'k\r\n", "unbalanced quotes in request"],
    ['SET "k"v\r\n', "unbalanced quotes in request"],
    [long, "too big inline request"],
    ["*" + long, "too big mbulk count string"],
    ["*1\r\n$" + long, "too big bulk count string"],
  ];
  for (const [input, message] of cases) {
    const [, error] = decodeError(input);
    assert.ok(error instanceof ProtocolError, input.slice(0, 20));
    assert.equal(error.message, `Protocol error: ${message}`);
  }
});

Deno.test("decoder: commands before bad input are delivered first", () => {
  const [commands, error] = decodeError("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n");
  assert.deepEqual(commands, [["PING"], ["ECHO"]]);
  assert.equal(error.message, "Protocol error: invalid multibulk length");
});

Deno.test("decoder: a proto-max-bulk-len changed by a command applies to the next one in the same chunk", () => {
  const limits = { ...LIMITS };
  const decoder = new RespDecoder(limits);
  const seen: string[] = [];
  const chunk = binary("*1\r\n$5\r\nfirst\r\n*1\r\n$6\r\nsecond\r\n");
  assert.throws(
    () =>
      decoder.feed(chunk, (args) => {
        seen.push(latin1(args[0]));
        limits.maxBulkLength = 5; // as CONFIG SET proto-max-bulk-len would
      }),
    (error) =>
      error instanceof ProtocolError &&
      error.message === "Protocol error: invalid bulk length",
  );
  assert.deepEqual(seen, ["first"]);
});

Deno.test("decoder: proto-max-bulk-len and unauthenticated limits", () => {
  const small = { ...LIMITS, maxBulkLength: 10 };
  assert.deepEqual(decode([binary("*1\r\n$10\r\n0123456789\r\n")], small), [[
    "0123456789",
  ]]);
  assert.equal(
    decodeError("*1\r\n$11\r\n", small)[1].message,
    "Protocol error: invalid bulk length",
  );
  const unauth = { ...LIMITS, authRequired: true };
  assert.equal(
    decodeError("*11\r\n", unauth)[1].message,
    "Protocol error: unauthenticated multibulk length",
  );
  assert.equal(
    decodeError("*1\r\n$16385\r\n", unauth)[1].message,
    "Protocol error: unauthenticated bulk length",
  );
  const ten = "*10\r\n" + "$1\r\nx\r\n".repeat(10);
  assert.equal(decode([binary(ten)], unauth).length, 1);
});

Deno.test("decoder: client-query-buffer-limit counts bytes received", () => {
  const decoder = new RespDecoder({ ...LIMITS, maxQueryBuffer: 1000 });
  decoder.feed(binary("*2\r\n$3\r\nSET\r\n$2000\r\n"), () => {});
  decoder.feed(new Uint8Array(900), () => {});
  assert.ok(decoder.hasPartialRequest);
  assert.equal(decoder.bufferedBytes, 903);
  assert.throws(
    () => decoder.feed(new Uint8Array(200), () => {}),
    QueryBufferLimitError,
  );
  const inline = new RespDecoder({ ...LIMITS, maxQueryBuffer: 1000 });
  assert.throws(
    () => inline.feed(binary("x".repeat(1001)), () => {}),
    QueryBufferLimitError,
  );
});

Deno.test("inline: sdssplitargs quoting rules", () => {
  const split = (s: string) => splitInlineArgs(binary(s))?.map(latin1) ?? null;
  assert.deepEqual(split("  a   b\tc  "), ["a", "b", "c"]);
  assert.deepEqual(split('"\\x4a\\x4B\\xZZ"'), ["JKxZZ"]);
  assert.deepEqual(split("'a\\nb'"), ["a\\nb"]);
  assert.deepEqual(split("'it\\'s'"), ["it's"]);
  assert.deepEqual(split('a"b c"'), ["ab c"]);
  assert.deepEqual(split('""'), [""]);
  assert.deepEqual(split("a\x0bb"), ["a\x0bb"]);
  assert.deepEqual(split("a\x00b c"), ["a"]);
  assert.equal(split('"abc'), null);
  assert.equal(split("'abc"), null);
  assert.equal(split('"a"b'), null);
  assert.equal(split("'a'b"), null);
  assert.deepEqual(split(""), []);
});

Deno.test("decoder: the sink can pause decoding and feeding resumes it", () => {
  const decoder = new RespDecoder(LIMITS);
  const seen: string[] = [];
  const sink = (args: Uint8Array[]) => {
    seen.push(args.map(latin1).join(" "));
    return seen.length % 2 !== 0;
  };
  decoder.feed(binary("A\r\n*1\r\n$1\r\nB\r\nC\r\nD\r\nE\r\n*1\r\n$1"), sink);
  assert.deepEqual(seen, ["A", "B"]);
  assert.ok(decoder.paused);
  decoder.feed(new Uint8Array(0), sink);
  assert.deepEqual(seen, ["A", "B", "C", "D"]);
  decoder.feed(new Uint8Array(0), sink);
  assert.deepEqual(seen, ["A", "B", "C", "D", "E"]);
  assert.equal(decoder.paused, false);
  assert.ok(decoder.hasPartialRequest);
  decoder.feed(binary("\r\nF\r\n"), sink);
  assert.deepEqual(seen, ["A", "B", "C", "D", "E", "F"]);
  assert.equal(decoder.paused, false);
});
