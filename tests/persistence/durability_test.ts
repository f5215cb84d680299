/**
 * Durability: no acknowledged write lost with appendfsync always across
 * SIGKILL, BGSAVE snapshots are point-in-time, a killed save leaves the old
 * file intact, and damaged files stop start-up with a clear error.
 */
import assert from "node:assert/strict";
import { readRdb } from "../../lib/persistence/rdb_reader.ts";
import { encodeCommand, RespError } from "../helpers/resp_client.ts";
import { text } from "../helpers/bytes.ts";
import { freePort, runToExit, withServer } from "../helpers/servers.ts";

function rdbStrings(path: string): Map<string, string> {
  const values = new Map<string, string>();
  readRdb(Deno.readFileSync(path), (k) => {
    if (k.value.type === "string") {
      values.set(text(k.key), text(k.value.value));
    }
  });
  return values;
}

async function waitForBgsave(
  client: { call(...a: string[]): Promise<unknown> },
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = await client.call("INFO", "persistence") as string;
    if (info.includes("rdb_bgsave_in_progress:0")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("BGSAVE did not finish");
}

Deno.test("durability: appendfsync always loses no acknowledged write on SIGKILL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "durability-" });
  const flags = [
    "--dir",
    dir,
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--save",
    "",
  ];
  try {
    const acknowledged: number[] = [];
    await withServer({ flags }, async ([client], server) => {
      const killer = setTimeout(() => Deno.kill(server.pid, "SIGKILL"), 400);
      try {
        for (let i = 0; i < 1_000_000; i++) {
          if (await client.call("SET", `key:${i}`, `value:${i}`) !== "OK") {
            break;
          }
          acknowledged.push(i);
        }
      } catch {
        // The connection dies with the server.
      } finally {
        clearTimeout(killer);
      }
      await server.status;
    });
    assert.ok(
      acknowledged.length > 10,
      `only ${acknowledged.length} writes before the kill`,
    );
    await withServer({ flags }, async ([check]) => {
      for (let i = 0; i < acknowledged.length; i += 97) {
        assert.equal(await check.call("GET", `key:${i}`), `value:${i}`);
      }
      const last = acknowledged.at(-1)!;
      assert.equal(await check.call("GET", `key:${last}`), `value:${last}`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durability: BGSAVE writes a point-in-time snapshot while writes continue", async () => {
  await withServer({ flags: ["--save", ""] }, async ([client], server) => {
    const keys = 30_000;
    const batch: Uint8Array[] = [];
    for (let i = 0; i < keys; i++) {
      batch.push(encodeCommand(["SET", `k${i}`, "old"]));
    }
    const total = batch.reduce((n, b) => n + b.length, 0);
    const setup = new Uint8Array(total);
    batch.reduce((pos, b) => (setup.set(b, pos), pos + b.length), 0);
    await client.write(setup);
    for (let i = 0; i < keys; i++) await client.read();

    // BGSAVE, then in the same pipeline: overwrite, delete and create keys.
    const changes: Uint8Array[] = [encodeCommand(["BGSAVE"])];
    for (let i = 0; i < keys; i += 3) {
      changes.push(encodeCommand(["SET", `k${i}`, "new"]));
    }
    for (let i = 1; i < keys; i += 3) {
      changes.push(encodeCommand(["DEL", `k${i}`]));
    }
    // Keys found by count (keynum specs) are saved first too.
    for (let i = 2; i < keys; i += 30) {
      changes.push(encodeCommand(["ZUNIONSTORE", `k${i}`, "1", "nozset"]));
    }
    for (let i = 0; i < 100; i++) {
      changes.push(encodeCommand(["SET", `created${i}`, "x"]));
    }
    for (const change of changes) await client.write(change);
    assert.equal(await client.read(), "Background saving started");
    for (let i = 1; i < changes.length; i++) await client.read();
    await waitForBgsave(client);

    const saved = rdbStrings(`${server.dir}/dump.rdb`);
    assert.equal(saved.size, keys);
    for (let i = 0; i < keys; i++) {
      assert.equal(saved.get(`k${i}`), "old", `k${i}`);
    }
    assert.equal(saved.has("created0"), false);
    assert.equal(await client.call("GET", "k0"), "new");
  });
});

Deno.test("durability: a save killed midway leaves the previous dump intact", async () => {
  await withServer({ flags: ["--save", ""] }, async ([client], server) => {
    await client.call("SET", "before", "1");
    assert.equal(await client.call("SAVE"), "OK");
    const previous = Deno.readFileSync(`${server.dir}/dump.rdb`);
    const batch: Uint8Array[] = [];
    for (let i = 0; i < 50_000; i++) {
      batch.push(encodeCommand(["SET", `k${i}`, "v".repeat(100)]));
    }
    for (const b of batch) await client.write(b);
    for (let i = 0; i < batch.length; i++) await client.read();
    await client.send("BGSAVE");
    await client.read();
    Deno.kill(server.pid, "SIGKILL");
    await server.status;
    assert.deepEqual(Deno.readFileSync(`${server.dir}/dump.rdb`), previous);
    assert.deepEqual(
      rdbStrings(`${server.dir}/dump.rdb`),
      new Map([["before", "1"]]),
    );
  });
});

/** Starts our server in `dir` with `flags`; returns its output once it refuses to start. */
async function startupFailure(dir: string, flags: string[]): Promise<string> {
  const output = await runToExit({
    args: ["--port", String(freePort()), "--dir", dir, ...flags],
  });
  assert.equal(output.success, false, "the server must refuse to start");
  return output.stdout + output.stderr;
}

Deno.test("durability: corrupt or truncated files stop start-up with a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "corrupt-" });
  try {
    Deno.writeTextFileSync(`${dir}/dump.rdb`, "REDIS0010\xfa garbage");
    assert.match(
      await startupFailure(dir, []),
      /Fatal error loading the DB: Error loading .*dump\.rdb/,
    );

    Deno.mkdirSync(`${dir}/appendonlydir`);
    Deno.writeTextFileSync(
      `${dir}/appendonlydir/appendonly.aof.manifest`,
      "file appendonly.aof.1.incr.aof seq 1 type i\n",
    );
    Deno.writeTextFileSync(
      `${dir}/appendonlydir/appendonly.aof.1.incr.aof`,
      "*1\r\n$4\r\nPING\r\nxyz",
    );
    assert.match(
      await startupFailure(dir, ["--appendonly", "yes"]),
      /Bad file format/,
    );

    Deno.writeTextFileSync(
      `${dir}/appendonlydir/appendonly.aof.manifest`,
      "nonsense\n",
    );
    assert.match(
      await startupFailure(dir, ["--appendonly", "yes"]),
      /manifest/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durability: a truncated last AOF command is dropped (aof-load-truncated)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "truncated-" });
  try {
    Deno.mkdirSync(`${dir}/appendonlydir`);
    Deno.writeTextFileSync(
      `${dir}/appendonlydir/appendonly.aof.manifest`,
      "file appendonly.aof.1.incr.aof seq 1 type i\n",
    );
    const good = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
    Deno.writeTextFileSync(
      `${dir}/appendonlydir/appendonly.aof.1.incr.aof`,
      good + "*3\r\n$3\r\nSET\r\n$1\r\nb",
    );
    await withServer(
      { flags: ["--dir", dir, "--appendonly", "yes"] },
      async ([client]) => {
        assert.equal(await client.call("GET", "a"), "1");
        assert.equal(await client.call("EXISTS", "b"), 0);
      },
    );
    assert.equal(
      Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`),
      good,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durability: DEBUG RELOAD saves, empties and reloads the dataset", async () => {
  await withServer({
    flags: [
      "--enable-debug-command",
      "yes",
      "--save",
      "",
    ],
  }, async ([client]) => {
    await client.call("SET", "a", "1");
    await client.call("SET", "b", "2", "EX", "1000");
    assert.equal(await client.call("DEBUG", "RELOAD"), "OK");
    assert.equal(await client.call("GET", "a"), "1");
    assert.ok((await client.call("TTL", "b") as number) > 990);
    await client.call("SET", "c", "3");
    assert.equal(await client.call("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(
      await client.call("EXISTS", "c"),
      0,
      "NOSAVE reloads the older file",
    );
    assert.deepEqual(
      await client.call("DEBUG", "RELOAD", "BOGUS"),
      new RespError(
        "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
      ),
    );
  });
});

async function aofFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/appendonlydir`)) {
    names.push(entry.name);
  }
  return names.sort();
}

async function waitForRewrite(
  client: { call(...a: string[]): Promise<unknown> },
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = await client.call("INFO", "persistence") as string;
    if (info.includes("aof_rewrite_in_progress:0")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("AOF rewrite did not finish");
}

Deno.test("durability: CONFIG SET appendonly yes at run time builds the AOF from the dataset", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aof-runtime-" });
  const flags = ["--dir", dir, "--save", ""];
  try {
    await withServer({ flags }, async ([client], server) => {
      await client.call("SET", "before", "1");
      assert.equal(
        await client.call("CONFIG", "SET", "appendonly", "yes"),
        "OK",
      );
      await waitForRewrite(client);
      await client.call("SET", "after", "2");
      assert.deepEqual(await aofFiles(dir), [
        "appendonly.aof.1.base.rdb",
        "appendonly.aof.1.incr.aof",
        "appendonly.aof.manifest",
      ]);
      Deno.kill(server.pid, "SIGKILL");
      await server.status;
    });
    await withServer(
      { flags: [...flags, "--appendonly", "yes"] },
      async ([check]) => {
        assert.deepEqual(await check.call("MGET", "before", "after"), [
          "1",
          "2",
        ]);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durability: the AOF is rewritten automatically when it grows, and SIGKILL during a rewrite loses nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aof-auto-" });
  const flags = [
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "yes",
    "--auto-aof-rewrite-min-size",
    "1mb",
    "--auto-aof-rewrite-percentage",
    "100",
  ];
  try {
    await withServer({ flags }, async ([client], server) => {
      const batch: Uint8Array[] = [];
      for (let i = 0; i < 20_000; i++) {
        batch.push(encodeCommand(["SET", `k${i % 1000}`, "v".repeat(100)]));
      }
      const total = batch.reduce((n, b) => n + b.length, 0);
      const joined = new Uint8Array(total);
      batch.reduce((pos, b) => (joined.set(b, pos), pos + b.length), 0);
      await client.write(joined);
      for (let i = 0; i < batch.length; i++) await client.read();
      let rewrites = 0;
      for (let i = 0; i < 100 && rewrites === 0; i++) {
        const info = await client.call("INFO", "persistence") as string;
        rewrites = Number(/aof_rewrites:(\d+)/.exec(info)![1]);
        if (rewrites === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(rewrites >= 1, "no automatic rewrite happened");
      // A rewrite in progress when the server dies leaves a loadable AOF.
      await client.call("SET", "last", "value");
      await client.call("BGREWRITEAOF");
      Deno.kill(server.pid, "SIGKILL");
      await server.status;
    });
    await withServer({ flags }, async ([check]) => {
      assert.equal(await check.call("DBSIZE"), 1001);
      assert.equal(await check.call("GET", "last"), "value");
      assert.equal(await check.call("GET", "k999"), "v".repeat(100));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
