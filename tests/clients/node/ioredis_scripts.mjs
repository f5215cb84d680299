// ioredis defineCommand (EVALSHA falling back to EVAL) and node-redis
// defineScript against the server at the given port. Prints "ok".
import Redis from "ioredis";
import { createClient, defineScript } from "redis";

const port = Number(process.argv[2]);
const assert = (cond, what) => {
  if (!cond) throw new Error(what);
};

const io = new Redis({ host: "127.0.0.1", port });
io.defineCommand("incrCapped", {
  numberOfKeys: 1,
  lua: `local v = redis.call('INCR', KEYS[1])
if v > tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end
return v`,
});
await io.script("FLUSH");
await io.del("capped");
for (let i = 1; i <= 5; i++) {
  const v = await io.incrCapped("capped", 3);
  assert(v === Math.min(i, 3), `incrCapped ${i}: ${v}`);
}
io.defineCommand("echoAll", {
  numberOfKeys: 0,
  lua: "return {ARGV[1], cjson.encode({n = tonumber(ARGV[2])}), redis.status_reply('FINE')}",
});
const echoed = await io.echoAll("a\u00e9", "42");
assert(echoed[0] === "a\u00e9" && echoed[1] === '{"n":42}' && echoed[2] === "FINE", JSON.stringify(echoed));
try {
  await io.eval("return redis.call('nosuch')", 0);
  assert(false, "no error");
} catch (error) {
  assert(String(error.message).startsWith("ERR Unknown Redis command called from script"), error.message);
}
io.disconnect();

const client = createClient({
  url: `redis://127.0.0.1:${port}`,
  scripts: {
    add: defineScript({
      NUMBER_OF_KEYS: 1,
      SCRIPT: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
      parseCommand(parser, key, n) {
        parser.pushKey(key);
        parser.push(String(n));
      },
      transformReply(reply) {
        return reply;
      },
    }),
  },
});
await client.connect();
await client.del("counter");
assert(await client.add("counter", 5) === 5, "add 5");
assert(await client.add("counter", 7) === 12, "add 7");
await client.quit();
console.log("ok");
