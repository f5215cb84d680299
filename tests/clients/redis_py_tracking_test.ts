/**
 * End to end with Debian's redis-py: client-side caching in RESP2, CLIENT
 * TRACKING ON REDIRECT to a connection subscribed to __redis__:invalidate,
 * with the same messages from our server as from redis-server.
 */

import assert from "node:assert/strict";
import { differentialTest } from "../helpers/differential.ts";
import { redisPyInstalled, runRedisPy } from "../helpers/python_clients.ts";

if (redisPyInstalled("redis-py tracking test")) {
  differentialTest(
    "redis-py: CLIENT TRACKING ON REDIRECT invalidations arrive as from Redis",
    async (pair) => {
      const [ours, theirs] = await Promise.all([
        runRedisPy("tracking_redirect.py", pair.ours.port),
        runRedisPy("tracking_redirect.py", pair.oracle.port),
      ]);
      assert.equal(
        ours,
        "__redis__:invalidate ['cached']\n__redis__:invalidate None\nok\n",
      );
      assert.equal(ours, theirs);
    },
  );
}
