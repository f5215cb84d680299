import assert from "node:assert/strict";
import {
  decodeScore,
  distanceIfInShape,
  geoDistance,
  geohashScore,
  searchBoxes,
  standardGeohash,
} from "../../lib/types/geohash.ts";
import { prng } from "../helpers/differential.ts";
import { RespError } from "../helpers/resp_client.ts";
import { withServer } from "../helpers/servers.ts";

Deno.test("geohash: scores and positions match Redis's values", () => {
  // Values reported by Redis 7.0 for GEOADD Sicily 13.361389 38.115556 Palermo.
  const score = geohashScore(13.361389, 38.115556);
  assert.equal(score, 3479099956230698);
  const [x, y] = decodeScore(score);
  assert.equal(x.toFixed(17), "13.36138933897018433");
  assert.equal(y.toFixed(17), "38.11555639549629859");
  assert.equal(standardGeohash(score), "sqc8b49rny0");
  const catania = decodeScore(geohashScore(15.087269, 37.502669));
  assert.equal((geoDistance(x, y, ...catania) / 1000).toFixed(4), "166.2742");
});

Deno.test("geohash: the latitude shortcut keeps exactly the points the formula keeps", () => {
  const random = prng(7);
  for (let i = 0; i < 20_000; i++) {
    const shape = {
      x: -180 + random() * 360,
      y: -85 + random() * 170,
      conversion: 1,
      radius: random() < 0.1 ? 0 : random() * 200_000,
    };
    // Points on the centre's meridian sit exactly on the latitude bound
    // when their distance equals the radius.
    const delta = (shape.radius / 6372797.560856) * (180 / Math.PI);
    const x = random() < 0.5 ? shape.x : shape.x + (random() - 0.5) * 4;
    const y = shape.y + (random() < 0.5 ? delta : (random() - 0.5) * 4);
    const distance = geoDistance(shape.x, shape.y, x, y);
    assert.equal(
      distanceIfInShape(shape, x, y),
      distance > shape.radius ? null : distance,
    );
  }
});

Deno.test("geohash: decoding stays within the valid ranges", () => {
  for (const score of [0, 2 ** 52 - 1, -5, 1e20, Infinity]) {
    const [x, y] = decodeScore(score);
    assert.ok(x >= -180 && x <= 180);
    assert.ok(y >= -85.05112878 && y <= 85.05112878);
  }
});

Deno.test("geohash: the search covers the centre box and its neighbours", () => {
  const boxes = searchBoxes({ x: 13, y: 38, conversion: 1000, radius: 10 });
  assert.equal(boxes.length, 9);
  const centre = boxes[0];
  const shift = 2 ** (52 - centre.step * 2);
  const score = geohashScore(13, 38);
  assert.ok(
    score >= centre.bits * shift && score < (centre.bits + 1) * shift,
  );
});

Deno.test("geo: commands end to end", async () => {
  await withServer({}, async ([c]) => {
    assert.equal(
      await c.call(
        "GEOADD",
        "Sicily",
        "13.361389",
        "38.115556",
        "Palermo",
        "15.087269",
        "37.502669",
        "Catania",
      ),
      2,
    );
    assert.equal(await c.call("TYPE", "Sicily"), "zset");
    assert.equal(
      await c.call("GEODIST", "Sicily", "Palermo", "Catania", "km"),
      "166.2742",
    );
    assert.deepEqual(
      await c.call(
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
        "ASC",
        "WITHDIST",
      ),
      [["Catania", "56.4413"], ["Palermo", "190.4424"]],
    );
    assert.equal(
      await c.call(
        "GEOSEARCHSTORE",
        "near",
        "Sicily",
        "FROMMEMBER",
        "Palermo",
        "BYBOX",
        "400",
        "400",
        "km",
        "STOREDIST",
      ),
      2,
    );
    assert.deepEqual(await c.call("ZRANGE", "near", "0", "-1", "WITHSCORES"), [
      "Palermo",
      "0",
      "Catania",
      "166.27415156960032",
    ]);
    const error = await c.call("GEOADD", "Sicily", "181", "0", "x");
    assert.ok(error instanceof RespError);
    assert.equal(
      error.message,
      "ERR invalid longitude,latitude pair 181.000000,0.000000",
    );
  });
});
