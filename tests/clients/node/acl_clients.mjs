// node-redis and ioredis logged in as a limited ACL user against the server
// at 127.0.0.1:<port>: the user "app" (password "apppw", set up by the test)
// may read keys app:*, nothing else. Prints one JSON object with what each
// client saw (values and exact error texts), for the test to compare.
import Redis from "ioredis";
import { createClient } from "redis";

const port = Number(process.argv[2]);
const out = {};
const attempt = async (name, fn) => {
  try {
    out[name] = { ok: await fn() };
  } catch (error) {
    out[name] = { error: String(error.message) };
  }
};

// node-redis: RESP2 and RESP3, username and password in the options.
for (const RESP of [2, 3]) {
  const client = createClient({
    socket: { host: "127.0.0.1", port, reconnectStrategy: false },
    username: "app",
    password: "apppw",
    RESP,
  });
  client.on("error", () => {});
  await client.connect();
  const p = `node-redis RESP${RESP}`;
  await attempt(`${p} whoami`, () => client.sendCommand(["ACL", "WHOAMI"]));
  await attempt(`${p} GET app:x`, () => client.get("app:x"));
  await attempt(`${p} GET app:missing`, () => client.get("app:missing"));
  await attempt(`${p} MGET`, () => client.mGet(["app:x", "app:y"]));
  await attempt(`${p} HGETALL app:h`, () => client.hGetAll("app:h"));
  await attempt(`${p} GET other`, () => client.get("other"));
  await attempt(`${p} MGET mixed`, () => client.mGet(["app:x", "other"]));
  await attempt(`${p} SET app:x`, () => client.set("app:x", "new"));
  await attempt(`${p} SET other`, () => client.set("other", "new"));
  await attempt(`${p} DEL app:x`, () => client.del("app:x"));
  await attempt(`${p} CONFIG GET`, () => client.configGet("maxmemory"));
  // Still usable after the errors.
  await attempt(`${p} GET app:x again`, () => client.get("app:x"));
  await client.quit();
}

// node-redis with a wrong password: connect fails.
{
  const client = createClient({
    socket: { host: "127.0.0.1", port, reconnectStrategy: false },
    username: "app",
    password: "wrong",
  });
  client.on("error", () => {});
  await attempt("node-redis wrong password", async () => {
    await client.connect();
    return "connected";
  });
  try {
    client.destroy();
  } catch {
    // Not connected.
  }
}

// ioredis: username and password, no ready check (INFO is not allowed).
{
  const io = new Redis({
    host: "127.0.0.1",
    port,
    username: "app",
    password: "apppw",
    enableReadyCheck: false,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  io.on("error", () => {});
  await io.connect();
  await attempt("ioredis whoami", () => io.call("ACL", "WHOAMI"));
  await attempt("ioredis GET app:x", () => io.get("app:x"));
  await attempt("ioredis GET other", () => io.get("other"));
  await attempt("ioredis SET app:x", () => io.set("app:x", "new"));
  await attempt("ioredis SET other", () => io.set("other", "new"));
  await attempt("ioredis pipeline", async () => {
    const results = await io.pipeline().get("app:x").set("app:x", "v").get(
      "other",
    ).exec();
    return results.map(([error, value]) =>
      error ? `error: ${error.message}` : value
    );
  });
  await attempt("ioredis multi", async () => {
    try {
      return await io.multi().get("app:x").exec();
    } catch (error) {
      return `error: ${error.message}`;
    }
  });
  await attempt("ioredis eval", () => io.eval("return 1", 0));
  io.disconnect();
}

// ioredis with a wrong password.
{
  const io = new Redis({
    host: "127.0.0.1",
    port,
    username: "app",
    password: "wrong",
    enableReadyCheck: false,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  io.on("error", () => {});
  await attempt("ioredis wrong password", async () => {
    await io.connect();
    return await io.get("app:x");
  });
  io.disconnect();
}

console.log(JSON.stringify(out, null, 1));
