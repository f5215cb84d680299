/**
 * The RESP decoder and the reply encoder on the shapes of traffic the
 * `core` suite sends: a read holding 16 pipelined SETs or GETs (as
 * `redis-benchmark -P 16` sends them), one MSET of 10 keys, a 100 kB value
 * split over reads, and the replies those commands get.
 *
 * Run: `deno bench bench/micro/resp_bench.ts` (or `deno task bench:micro`).
 *
 * @module
 */

import { RespDecoder } from "../../lib/resp/decoder.ts";
import { ReplyWriter } from "../../lib/resp/encoder.ts";
import { concatBytes } from "../../lib/util/bytes.ts";
import { encodeCommand } from "../../tests/helpers/resp_client.ts";

const LIMITS = {
  maxBulkLength: 512 * 1024 * 1024,
  maxQueryBuffer: 1024 * 1024 * 1024,
  authRequired: false,
};

/** `count` commands built by `build`, as the bytes of one read. */
function pipeline(count: number, build: (i: number) => string[]): Uint8Array {
  return concatBytes(
    Array.from({ length: count }, (_, i) => encodeCommand(build(i))),
  );
}

const VALUE = "v".repeat(16);
const setBatch = pipeline(16, (i) => ["SET", `key:${i * 7919}`, VALUE]);
const getBatch = pipeline(16, (i) => ["GET", `key:${i * 7919}`]);
const mset = pipeline(1, () => {
  const args = ["MSET"];
  for (let i = 0; i < 10; i++) args.push(`key:${i * 7919}`, VALUE);
  return args;
});
const large = encodeCommand(["SET", "big", "x".repeat(100_000)]);
/** The large request as reads of 16 kB, as a socket delivers it. */
const largeReads = Array.from(
  { length: Math.ceil(large.length / 16384) },
  (_, i) => large.subarray(i * 16384, (i + 1) * 16384),
);

let commands = 0;
const sink = (args: Uint8Array[]) => {
  commands += args.length;
};

for (
  const [name, reads] of [
    ["16 pipelined SETs", [setBatch]],
    ["16 pipelined GETs", [getBatch]],
    ["MSET of 10 keys", [mset]],
    ["SET of 100 kB in 16 kB reads", largeReads],
  ] as const
) {
  const decoder = new RespDecoder(LIMITS);
  Deno.bench({
    name: `decode ${name}`,
    group: "decoder",
    fn() {
      for (const read of reads) decoder.feed(read, sink);
    },
  });
}

const writer = new ReplyWriter();
const bulk = new TextEncoder().encode(VALUE);

Deno.bench({
  name: "encode 16 +OK",
  group: "encoder",
  fn() {
    for (let i = 0; i < 16; i++) writer.ok();
    writer.take();
  },
});

Deno.bench({
  name: "encode 16 bulk replies of 16 B",
  group: "encoder",
  fn() {
    for (let i = 0; i < 16; i++) writer.bulk(bulk);
    writer.take();
  },
});

Deno.bench({
  name: "encode 16 integers",
  group: "encoder",
  fn() {
    for (let i = 0; i < 16; i++) writer.integer(1_000_000 + i);
    writer.take();
  },
});

Deno.bench({
  name: "encode an array of 100 bulk strings",
  group: "encoder",
  fn() {
    writer.array(100);
    for (let i = 0; i < 100; i++) writer.bulk(bulk);
    writer.take();
  },
});

if (commands === -1) console.log(commands);
