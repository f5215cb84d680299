/**
 * CLIENT LIST / CLIENT INFO lines and CLIENT KILL filters against
 * redis-server: both servers go through the same client actions and their
 * lines are compared field by field.
 *
 * What is normalized, and why:
 * - id, addr: numbered by client ("c0", "c1"...): ids and ports differ.
 * - laddr: checked to be the server's address, then dropped (ports differ).
 * - fd: only checked to be an integer (ours is a pseudo descriptor).
 * - age, idle: may differ by 1 (Redis reads a clock cached by its cron).
 * - qbuf-free, rbs, rbp, tot-mem: only checked to be integers. They are
 *   allocation sizes: Redis's sds and jemalloc classes, a 16 KiB reply
 *   buffer its cron shrinks to 1 KiB, a peak its cron resets; ours come
 *   from our read buffer and ReplyWriter (see lib/commands/client.ts).
 * Every other field must be equal, except where a step names the fields of
 * one client it does not compare, with the reason next to it.
 *
 * @module
 */

import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import { encodeCommand, type RespClient } from "../helpers/resp_client.ts";
import type { TestServer } from "../helpers/servers.ts";

/** Fields that are allocation sizes, computed differently by each server. */
const MEMORY_FIELDS = new Set(["qbuf-free", "rbs", "rbp", "tot-mem"]);
/** Fields read from a clock: Redis's is cached, so they may be 1 apart. */
const TIMING_FIELDS = new Set(["age", "idle"]);

/** A CLIENT LIST / INFO reply as one side recorded it. */
interface Listing {
  readonly label: string;
  /** "$" for a RESP2 bulk string, "=txt" for a RESP3 verbatim string. */
  readonly frame: string;
  /** The lines, each as its fields in order, normalized. */
  readonly lines: [string, string][][];
  /** Fields not compared, by normalized client name. */
  readonly skip: Readonly<Record<string, readonly string[]>>;
}

type Entry = string | Listing;

/** One server's run of a scenario: its clients and what they saw. */
class Side {
  readonly clients: RespClient[] = [];
  readonly ids: string[] = [];
  readonly addrs: string[] = [];
  readonly out: Entry[] = [];

  constructor(readonly server: TestServer, first: RespClient) {
    this.clients.push(first);
  }

  /** Registers client `clients.length - 1`'s id and address. */
  async #register(client: RespClient): Promise<void> {
    const info = parseLine(text(await client.call("CLIENT", "INFO")));
    this.ids.push(info.get("id")!);
    this.addrs.push(info.get("addr")!);
  }

  /** Connects clients until there are `count`, registering each. */
  async connect(count: number): Promise<void> {
    if (this.ids.length === 0) await this.#register(this.clients[0]);
    while (this.clients.length < count) {
      const client = await this.server.connect();
      this.clients.push(client);
      await this.#register(client);
    }
  }

  /** `args` with {id:N}, {addr:N} and {laddr} replaced. */
  expand(args: readonly string[]): string[] {
    return args.map((arg) =>
      arg.replace(
        /\{(id|addr):(\d+)\}/g,
        (_, kind, n) =>
          kind === "id" ? this.ids[Number(n)] : this.addrs[Number(n)],
      ).replace("{laddr}", `127.0.0.1:${this.server.port}`)
    );
  }

  /** Runs a command on client `i` and records its raw reply. */
  async raw(i: number, ...args: string[]): Promise<string> {
    const reply = latin1(await this.clients[i].callRaw(...this.expand(args)));
    this.out.push(`c${i} ${args.join(" ")} -> ${JSON.stringify(reply)}`);
    return reply;
  }

  /** Runs a command on client `i`, returning the parsed reply. */
  call(i: number, ...args: string[]): Promise<unknown> {
    return this.clients[i].call(...this.expand(args));
  }

  /** Records a CLIENT LIST / INFO reply's lines, normalized. */
  record(
    label: string,
    raw: string,
    skip: Record<string, readonly string[]> = {},
  ): Map<string, string>[] {
    const frame = raw.startsWith("=") ? "=" : raw[0];
    const body = raw.slice(raw.indexOf("\r\n") + 2, -2);
    const textual = frame === "=" ? body.slice(4) : body;
    const lines = textual.split("\n").filter((l) => l !== "").map(parseLine);
    this.out.push({
      label,
      frame: frame === "=" ? `=${body.slice(0, 4)}` : frame,
      lines: lines.map((line) => this.#normalize(line, label)),
      skip,
    });
    return lines;
  }

  /** CLIENT LIST (with `args`) from client `from`, recorded. */
  async list(
    label: string,
    options: {
      from?: number;
      args?: string[];
      skip?: Record<string, readonly string[]>;
    } = {},
  ): Promise<Map<string, string>[]> {
    const args = this.expand(options.args ?? []);
    const raw = latin1(
      await this.clients[options.from ?? 0].callRaw("CLIENT", "LIST", ...args),
    );
    return this.record(label, raw, options.skip);
  }

  /** CLIENT INFO of client `i`, recorded. */
  async info(
    label: string,
    i: number,
    skip: Record<string, readonly string[]> = {},
  ): Promise<void> {
    const raw = latin1(await this.clients[i].callRaw("CLIENT", "INFO"));
    this.record(label, raw, skip);
  }

  /** Polls CLIENT LIST from client 0 until `test` holds for a line. */
  async waitFor(test: (line: Map<string, string>) => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const listing = text(await this.clients[0].call("CLIENT", "LIST"));
      if (
        listing.split("\n").filter((l) => l !== "").map(parseLine).some(test)
      ) {
        return;
      }
      await sleep(10);
    }
    throw new Error("CLIENT LIST never showed the expected state");
  }

  /** The name ("c3") of the client with this id or address. */
  nameOf(kind: "id" | "addr", value: string): string {
    const index = (kind === "id" ? this.ids : this.addrs).indexOf(value);
    return index < 0 ? `unknown ${kind}` : `c${index}`;
  }

  #normalize(line: Map<string, string>, label: string): [string, string][] {
    const fields: [string, string][] = [];
    for (const [name, value] of line) {
      if (name === "id") fields.push([name, this.nameOf("id", value)]);
      else if (name === "addr") fields.push([name, this.nameOf("addr", value)]);
      else if (name === "laddr") {
        assert.equal(value, `127.0.0.1:${this.server.port}`, label);
        fields.push([name, "LADDR"]);
      } else if (name === "fd" || MEMORY_FIELDS.has(name)) {
        assert.match(value, /^\d+$/, `${label}: ${name}=${value}`);
        fields.push([name, "N"]);
      } else fields.push([name, value]);
    }
    return fields;
  }

  /** Closes every client. */
  close(): void {
    for (const client of this.clients) client.close();
  }
}

function text(reply: unknown): string {
  const s = String(reply);
  return s.startsWith("txt:") ? s.slice(4) : s;
}

function parseLine(line: string): Map<string, string> {
  return new Map(
    line.trimEnd().split(" ").map((field) => {
      const eq = field.indexOf("=");
      return [field.slice(0, eq), field.slice(eq + 1)] as [string, string];
    }),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asserts that our entries match Redis's, field by field. */
function compare(ours: Entry[], theirs: Entry[]): void {
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    if (typeof ours[i] !== "object" || typeof theirs[i] !== "object") {
      assert.equal(ours[i], theirs[i], `step ${i}`);
      continue;
    }
    const a = ours[i] as Listing;
    const b = theirs[i] as Listing;
    const where = `${b.label}:`;
    assert.equal(a.label, b.label);
    assert.equal(a.frame, b.frame, `${where} reply type`);
    assert.deepEqual(
      a.lines.map((line) => line.find(([name]) => name === "id")?.[1]),
      b.lines.map((line) => line.find(([name]) => name === "id")?.[1]),
      `${where} the clients listed`,
    );
    for (let j = 0; j < b.lines.length; j++) {
      const lineA: [string, string][] = a.lines[j];
      const lineB: [string, string][] = b.lines[j];
      const client = lineB[0][1];
      assert.deepEqual(
        lineA.map(([name]) => name),
        lineB.map(([name]) => name),
        `${where} field names of ${client}`,
      );
      const skip: readonly string[] = b.skip[client] ?? [];
      for (let k = 0; k < lineB.length; k++) {
        const [name, valueB] = lineB[k];
        const valueA = lineA[k][1];
        if (skip.includes(name)) continue;
        const message: string =
          `${where} ${client} ${name}: ours ${valueA}, redis ${valueB}\n` +
          `ours:  ${lineA.map((f) => f.join("=")).join(" ")}\n` +
          `redis: ${lineB.map((f) => f.join("=")).join(" ")}`;
        if (TIMING_FIELDS.has(name)) {
          assert.ok(Math.abs(Number(valueA) - Number(valueB)) <= 1, message);
        } else assert.equal(valueA, valueB, message);
      }
    }
  }
}

/**
 * Registers a differential test running `scenario` on both servers at once
 * (so waits overlap) with `clients` clients each, then comparing what they
 * recorded.
 */
function clientTest(
  name: string,
  clients: number,
  scenario: (side: Side) => Promise<void>,
): void {
  differentialTest(`differential: ${name}`, async (pair: Pair) => {
    const sides = [
      new Side(pair.ours, pair.ourClient),
      new Side(pair.oracle, pair.oracleClient),
    ];
    try {
      await Promise.all(sides.map(async (side) => {
        await side.connect(clients);
        await scenario(side);
      }));
      compare(sides[0].out, sides[1].out);
    } finally {
      // The pair closes its own client (clients[0]).
      for (const side of sides) {
        for (const client of side.clients.slice(1)) client.close();
      }
    }
  });
}

clientTest(
  "CLIENT LIST and INFO after the same commands, in RESP2 and RESP3",
  4,
  async (side) => {
    await side.list("fresh clients");
    await side.call(1, "SET", "k", "v");
    await side.list("c1 ran SET");
    await side.call(1, "HELLO", "3");
    await side.call(1, "CLIENT", "SETNAME", "app");
    await side.call(1, "SELECT", "5");
    await side.list("c1 in RESP3, named, in db 5");
    await side.info("c1's CLIENT INFO, a verbatim string", 1);
    await side.call(2, "CLIENT", "SETNAME", "temp");
    await side.call(2, "CLIENT", "SETNAME", "");
    await side.call(2, "NOSUCHCOMMAND", "x");
    await side.list("c2 unnamed again, after an unknown command");
    for (
      const args of [
        ["GET"],
        ["CLIENT"],
        ["CONFIG", "NOSUCH"],
        ["CONFIG", "GET", "port"],
        ["client", "getname"],
        ["PING"],
      ]
    ) {
      await side.call(3, ...args);
      await side.list(`c3 ran ${args.join(" ")}`);
    }
    await side.call(0, "HELLO", "3");
    await side.list("c0 lists in RESP3");
    await side.list("TYPE normal", { args: ["TYPE", "normal"] });
    await side.list("TYPE pubsub", { args: ["TYPE", "PUBSUB"] });
    await side.list("TYPE master", { args: ["TYPE", "master"] });
    await side.list("TYPE replica", { args: ["TYPE", "replica"] });
    await side.list("TYPE slave", { args: ["TYPE", "slave"] });
    await side.list("ID filter, in the order given", {
      args: ["ID", "{id:2}", "99999", "{id:1}", "{id:2}"],
    });
    await side.call(0, "HELLO", "2");
    await side.list("c0 back in RESP2", { args: ["ID", "{id:0}"] });
    // Commands that came in one read: qbuf is the whole read, and obl the
    // replies not yet written.
    await side.clients[2].write("PING\r\nPING\r\nCLIENT INFO\r\n");
    await side.clients[2].readRaw();
    await side.clients[2].readRaw();
    side.record(
      "inline CLIENT INFO after two PINGs in one read",
      latin1(await side.clients[2].readRaw()),
    );
    const pipelined = [
      ...encodeCommand(["SET", "key", "a value"]),
      ...encodeCommand(["CLIENT", "INFO"]),
      ...encodeCommand(["PING"]),
    ];
    await side.clients[3].write(new Uint8Array(pipelined));
    await side.clients[3].readRaw();
    side.record(
      "CLIENT INFO between SET and PING in one read",
      latin1(await side.clients[3].readRaw()),
    );
    await side.clients[3].readRaw();
    await side.list("after the pipelines: every query buffer is empty");
  },
);

clientTest(
  "CLIENT LIST in MULTI, with WATCH, and inside EXEC",
  3,
  async (side) => {
    await side.call(1, "WATCH", "w");
    await side.call(2, "SET", "w", "changed");
    await side.list("c1's watched key changed: flag d outside MULTI");
    await side.call(1, "UNWATCH");
    await side.list("c1 unwatched");
    await side.call(1, "WATCH", "w");
    await side.call(1, "MULTI");
    await side.call(1, "SET", "x", "1");
    await side.call(1, "INCR", "y");
    await side.call(1, "CLIENT", "INFO");
    await side.list("c1 queued three commands");
    await side.call(2, "SET", "w", "again");
    await side.list("c1's watched key changed after the queueing");
    await side.call(1, "SET", "z", "1");
    await side.list("c1 queued a command in a doomed transaction", {
      // Redis stops queueing once the transaction is dirty (queueMultiCommand);
      // our dispatcher (lib/commands/dispatch.ts) still queues.
      skip: { c1: ["multi", "multi-mem"] },
    });
    await side.raw(1, "EXEC");
    await side.list("c1's EXEC failed on the watched key");
    await side.call(1, "HELLO", "3");
    await side.call(1, "MULTI");
    await side.list("c1 in RESP3 MULTI, nothing queued");
    await side.call(1, "NOSUCH");
    await side.list("c1 queued an unknown command");
    await side.raw(1, "EXEC");
    await side.call(1, "MULTI");
    await side.call(1, "SELECT", "3");
    await side.call(1, "DISCARD");
    await side.list("c1 discarded");
    await side.call(2, "MULTI");
    await side.call(2, "SET", "a", "b");
    await side.call(2, "CLIENT", "INFO");
    const exec = await side.clients[2].callRaw("EXEC");
    // The CLIENT INFO reply is EXEC's second element, after "+OK".
    const raw = latin1(exec);
    side.record(
      "CLIENT INFO run by EXEC",
      raw.slice(raw.indexOf("+OK\r\n") + 5),
      {
        // Our EXEC leaves the transaction state before running the commands
        // (lib/commands/transaction.ts): Redis still shows flags=x, the queued
        // count and their memory.
        c2: ["flags", "multi", "multi-mem"],
      },
    );
    await side.list("after EXEC");
  },
);

clientTest("CLIENT LIST of subscribed clients", 3, async (side) => {
  const [, sub, sub3] = side.clients;
  await sub.send("SUBSCRIBE", "a", "b");
  await sub.read();
  await sub.read();
  await sub.call("PSUBSCRIBE", "p*");
  await sub.call("SSUBSCRIBE", "s");
  await sub3.call("HELLO", "3");
  await sub3.send("SSUBSCRIBE", "s1", "s2");
  await sub3.read();
  await sub3.read();
  await side.list("c1 (RESP2) and c2 (RESP3) subscribed");
  await sub3.call("GET", "k");
  await side.list("c2 ran GET while subscribed (RESP3)");
  await side.list("TYPE pubsub", { args: ["TYPE", "pubsub"] });
  await side.list("TYPE normal", { args: ["TYPE", "normal"] });
  await side.raw(0, "PUBLISH", "a", "hello");
  await sub.read();
  await side.list("c1 received a message");
  await sub.send("UNSUBSCRIBE");
  await sub.read();
  await sub.read();
  await sub.call("PUNSUBSCRIBE");
  await side.list("c1 left its channels and patterns, not its shard channel");
  await sub.call("SUNSUBSCRIBE");
  await side.list("c1 left everything");
  await sub3.call("RESET");
  await side.list("c2 RESET");
});

clientTest("CLIENT LIST of blocked clients", 4, async (side) => {
  const [, first, second, third] = side.clients;
  // A blocked client keeps what followed its command in the query buffer.
  await first.write(
    new Uint8Array([
      ...encodeCommand(["BLPOP", "list", "0"]),
      ...encodeCommand(["PING"]),
      ...encodeCommand(["GET", "k"]),
    ]),
  );
  await side.waitFor((line) =>
    line.get("id") === side.ids[1] && line.get("flags") === "b"
  );
  await second.call("HELLO", "3");
  await second.send("BZPOPMIN", "zset", "0");
  await side.waitFor((line) =>
    line.get("id") === side.ids[2] && line.get("flags") === "b"
  );
  await third.send("XREAD", "BLOCK", "0", "STREAMS", "stream", "$");
  await side.waitFor((line) =>
    line.get("id") === side.ids[3] && line.get("flags") === "b"
  );
  // Redis keeps a blocked command's arguments (argv-mem); ours are held
  // by the blocking manager, out of CLIENT LIST's reach.
  const held = ["argv-mem"];
  await side.list("three blocked clients", {
    skip: { c1: held, c2: held, c3: held },
  });
  await side.raw(0, "RPUSH", "list", "x");
  for (let i = 0; i < 3; i++) await first.readRaw();
  await side.list("c1 served, then ran what it had queued", {
    skip: { c2: held, c3: held },
  });
  await side.raw(0, "CLIENT", "UNBLOCK", "{id:2}");
  await second.readRaw();
  await side.list("c2 unblocked", { skip: { c3: held } });
  await side.raw(0, "CLIENT", "KILL", "ID", "{id:3}");
  side.out.push(`c3 closed: ${await third.closedByServer()}`);
  await side.list("c3 killed while blocked");
});

clientTest("CLIENT LIST age and idle, partial requests", 5, async (side) => {
  const [, idle, sub, blocked, partial] = side.clients;
  await idle.call("PING");
  await sub.call("SUBSCRIBE", "ch");
  await blocked.send("BLPOP", "list", "0");
  await side.waitFor((line) =>
    line.get("id") === side.ids[3] && line.get("flags") === "b"
  );
  await partial.write("*2\r\n$4\r\nECHO\r\n$5\r\nab");
  await sleep(100);
  // Of a partial request, Redis counts the complete arguments in argv-mem
  // and the rest in qbuf; our decoder reports one total, shown as qbuf.
  const split = { c3: ["argv-mem"], c4: ["qbuf", "argv-mem"] };
  await side.list("just after the actions", { skip: split });
  await sleep(2200);
  await side.list("2.2 s later", { skip: split });
  // Being written to counts as an interaction (lastinteraction), as does
  // sending part of a request.
  await side.raw(0, "PUBLISH", "ch", "m");
  await sub.read();
  await partial.write("c");
  await sleep(100);
  await side.list("c2 received a message, c4 sent one more byte", {
    skip: split,
  });
  await partial.write("de\r\n");
  await partial.readRaw();
  await side.list("c4's request complete", { skip: { c3: ["argv-mem"] } });
});

clientTest(
  "CLIENT LIST of a MONITOR and of a client not reading",
  3,
  async (side) => {
    await side.call(1, "MONITOR");
    await side.list("c1 is a MONITOR");
    await side.raw(0, "CLIENT", "KILL", "ID", "{id:1}");
    side.out.push(`c1 closed: ${await side.clients[1].closedByServer()}`);
    await side.raw(0, "SETRANGE", "big", "30000000", "x");
    // c2 does not read its 30 MB reply: output stays pending, events "rw".
    await side.clients[2].send("GET", "big");
    await side.waitFor((line) =>
      line.get("id") === side.ids[2] && line.get("events") === "rw"
    );
    const lines = await side.list("c2's reply waits for the socket", {
      // Where the pending bytes sit is each server's own layout (Redis: 16 KiB
      // buffer and a list of blocks; ours: the ReplyWriter and the write in
      // progress); that some are pending is compared below.
      skip: { c2: ["obl", "oll", "omem"] },
    });
    const c2 = lines.find((line) => line.get("id") === side.ids[2])!;
    side.out.push(
      `c2 has output pending: ${
        Number(c2.get("obl")) + Number(c2.get("omem")) > 0 &&
        Number(c2.get("oll")) > 0
      }`,
    );
    await side.raw(0, "CLIENT", "KILL", "ID", "{id:2}");
    side.out.push(`c2 closed: ${await side.clients[2].closedByServer()}`);
    await side.list("c1 and c2 killed");
  },
);

clientTest("CLIENT KILL errors", 1, async (side) => {
  const errors = [
    ["CLIENT", "KILL"],
    ["CLIENT", "KILL", "a", "b"],
    ["CLIENT", "KILL", "a", "b", "c"],
    ["CLIENT", "KILL", "ID"],
    ["CLIENT", "KILL", "ID", "abc"],
    ["CLIENT", "KILL", "ID", "0"],
    ["CLIENT", "KILL", "ID", "-1"],
    ["CLIENT", "KILL", "ID", "9223372036854775808"],
    ["CLIENT", "KILL", "ID", "1.5"],
    ["CLIENT", "KILL", "TYPE", "foo"],
    ["CLIENT", "KILL", "TYPE", "Normal", "x"],
    ["CLIENT", "KILL", "USER", "nobody"],
    ["CLIENT", "KILL", "USER", "Default"],
    ["CLIENT", "KILL", "SKIPME", "maybe"],
    ["CLIENT", "KILL", "SKIPME", "YES", "ID"],
    ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR"],
    // MAXAGE came with Redis 7.4: 7.0 answers a syntax error.
    ["CLIENT", "KILL", "MAXAGE", "10"],
    ["CLIENT", "KILL", "maxage", "x", "ID", "1"],
    // The first bad option decides the error.
    ["CLIENT", "KILL", "TYPE", "foo", "ID", "abc"],
    ["CLIENT", "KILL", "ID", "abc", "TYPE", "foo"],
    ["CLIENT", "KILL", "USER", "nobody", "TYPE", "foo"],
    ["CLIENT", "KILL", "foo", "bar", "ID", "abc"],
    ["CLIENT", "KILL", "ID", "1", "SKIPME", "maybe", "USER", "nobody"],
    // The old form.
    ["CLIENT", "KILL", "1.2.3.4:5"],
    ["CLIENT", "KILL", "id"],
    ["CLIENT", "KILL", ""],
  ];
  for (const args of errors) await side.raw(0, ...args);
});

clientTest("CLIENT KILL filters that match nobody", 3, async (side) => {
  await side.call(2, "SUBSCRIBE", "ch");
  const none = [
    ["ADDR", "1.2.3.4:5"],
    ["LADDR", "1.2.3.4:5"],
    ["ID", "99999"],
    ["TYPE", "master"],
    ["TYPE", "slave"],
    ["TYPE", "replica"],
    ["type", "REPLICA"],
    ["ID", "{id:1}", "TYPE", "pubsub"],
    ["ID", "{id:2}", "TYPE", "normal"],
    ["ADDR", "{addr:1}", "ID", "{id:2}"],
    ["ADDR", "{addr:1}", "LADDR", "1.2.3.4:5"],
    ["LADDR", "{laddr}", "ADDR", "1.2.3.4:5"],
    ["USER", "default", "ID", "99999"],
    // The caller is skipped unless SKIPME no.
    ["ADDR", "{addr:0}"],
    ["ID", "{id:0}"],
    ["ID", "{id:0}", "SKIPME", "yes"],
    ["ID", "{id:0}", "SKIPME", "no", "TYPE", "pubsub"],
    ["USER", "default", "ID", "{id:0}"],
  ];
  for (const filter of none) await side.raw(0, "CLIENT", "KILL", ...filter);
  await side.list("everyone still here");
});

clientTest(
  "CLIENT KILL by each filter, alone and combined",
  6,
  async (side) => {
    const [, , sub, , tx, blocked] = side.clients;
    await sub.call("SUBSCRIBE", "ch");
    await side.call(3, "CLIENT", "SETNAME", "named");
    await tx.call("HELLO", "3");
    await tx.call("MULTI");
    await tx.call("SET", "k", "v");
    await blocked.send("BLPOP", "list", "0");
    await side.waitFor((line) =>
      line.get("id") === side.ids[5] && line.get("flags") === "b"
    );
    const closed = async (i: number) =>
      side.out.push(`c${i} closed: ${await side.clients[i].closedByServer()}`);
    await side.raw(0, "CLIENT", "KILL", "ID", "{id:1}");
    await closed(1);
    await side.raw(0, "CLIENT", "KILL", "TYPE", "pubsub");
    await closed(2);
    await side.raw(0, "CLIENT", "KILL", "ADDR", "{addr:3}");
    await closed(3);
    await side.raw(
      0,
      ...["CLIENT", "KILL", "ID", "{id:4}", "TYPE", "normal", "USER"],
      ...["default", "LADDR", "{laddr}", "ADDR", "{addr:4}", "SKIPME", "yes"],
    );
    await closed(4);
    await side.raw(0, "CLIENT", "KILL", "{addr:5}");
    await closed(5);
    await side.raw(0, "CLIENT", "KILL", "{addr:5}");
    await side.list("only c0 left");

    await side.connect(9);
    await side.raw(0, "CLIENT", "KILL", "TYPE", "normal");
    await closed(6);
    await closed(7);
    await closed(8);
    await side.connect(10);
    await side.raw(0, "client", "kill", "laddr", "{laddr}");
    await closed(9);
    await side.raw(0, "CLIENT", "KILL", "USER", "default");
    await side.list("c0 kept itself");
    // SKIPME no, and the old form, kill the caller after its reply.
    await side.connect(12);
    await side.raw(10, "CLIENT", "KILL", "ID", "{id:10}", "SKIPME", "no");
    await closed(10);
    await side.raw(11, "CLIENT", "KILL", "{addr:11}");
    await closed(11);
    await side.connect(14);
    await side.call(13, "MONITOR");
    await side.raw(12, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no");
    await closed(12);
    await closed(13);
    await closed(0);
  },
);
