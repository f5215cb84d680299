import assert from "node:assert/strict";
import { RespError } from "../helpers/resp_client.ts";
import { withServer } from "../helpers/servers.ts";

Deno.test("sort: lists, sets and sorted sets, with BY, GET, LIMIT, STORE", async () => {
  await withServer({}, async ([c]) => {
    await c.call("RPUSH", "l", "3", "10", "1", "2.5");
    assert.deepEqual(await c.call("SORT", "l"), ["1", "2.5", "3", "10"]);
    assert.deepEqual(await c.call("SORT", "l", "DESC", "LIMIT", "1", "2"), [
      "3",
      "2.5",
    ]);
    assert.deepEqual(await c.call("SORT", "l", "ALPHA"), [
      "1",
      "10",
      "2.5",
      "3",
    ]);
    assert.deepEqual(await c.call("SORT", "l", "BY", "nosort"), [
      "3",
      "10",
      "1",
      "2.5",
    ]);

    await c.call("SADD", "s", "a", "b", "c");
    await c.call("MSET", "w_a", "3", "w_b", "1", "w_c", "2");
    await c.call("HSET", "h_a", "name", "Ann");
    await c.call("HSET", "h_c", "name", "Cy");
    assert.deepEqual(
      await c.call("SORT", "s", "BY", "w_*", "GET", "#", "GET", "h_*->name"),
      ["b", null, "c", "Cy", "a", "Ann"],
    );

    await c.call("ZADD", "z", "1", "x", "2", "y");
    assert.deepEqual(await c.call("SORT", "z", "BY", "nosort", "DESC"), [
      "y",
      "x",
    ]);
    assert.equal(await c.call("OBJECT", "ENCODING", "z"), "skiplist");

    assert.equal(
      await c.call("SORT", "s", "BY", "w_*", "GET", "h_*->name", "STORE", "d"),
      3,
    );
    assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["", "Cy", "Ann"]);
    assert.equal(await c.call("SORT", "nokey", "STORE", "d"), 0);
    assert.equal(await c.call("EXISTS", "d"), 0);

    const notDouble = await c.call("SORT", "s");
    assert.ok(notDouble instanceof RespError);
    assert.equal(
      notDouble.message,
      "ERR One or more scores can't be converted into double",
    );
    const syntax = await c.call("SORT_RO", "l", "STORE", "d");
    assert.ok(syntax instanceof RespError);
    await c.call("SET", "str", "x");
    const wrong = await c.call("SORT", "str");
    assert.ok(wrong instanceof RespError);
    assert.match(wrong.message, /^WRONGTYPE/);
  });
});
