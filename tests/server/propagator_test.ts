import assert from "node:assert/strict";
import {
  type PropagatedCommand,
  Propagator,
} from "../../lib/server/propagator.ts";

/** A propagator with one target that records "db:ARGS" lines. */
function recording(): { propagator: Propagator; fed: string[] } {
  const propagator = new Propagator();
  const fed: string[] = [];
  propagator.addTarget({
    feed(dbIndex: number, command: PropagatedCommand) {
      fed.push(`${dbIndex}:${command.join(" ")}`);
    },
  });
  return { propagator, fed };
}

Deno.test("propagator: one effect of a unit is sent as it is, when the unit ends", () => {
  const { propagator, fed } = recording();
  propagator.enter();
  propagator.propagate(0, ["SET", "k", "v"]);
  assert.deepEqual(fed, []);
  propagator.leave();
  assert.deepEqual(fed, ["0:SET k v"]);
});

Deno.test("propagator: several effects of a unit are wrapped in MULTI/EXEC", () => {
  const { propagator, fed } = recording();
  propagator.enter();
  propagator.propagate(3, ["SET", "a", "1"]);
  // A nested run (a command of EXEC) joins the outer unit.
  propagator.enter();
  propagator.propagate(0, ["INCR", "b"]);
  propagator.leave();
  assert.deepEqual(fed, []);
  propagator.leave();
  assert.deepEqual(fed, ["3:MULTI", "3:SET a 1", "0:INCR b", "-1:EXEC"]);
});

Deno.test("propagator: a unit without effects sends nothing", () => {
  const { propagator, fed } = recording();
  propagator.enter();
  propagator.enter();
  propagator.leave();
  propagator.leave();
  assert.deepEqual(fed, []);
  // Outside any unit an effect goes out at once.
  propagator.propagate(2, ["DEL", "x"]);
  assert.deepEqual(fed, ["2:DEL x"]);
});

Deno.test("propagator: every target gets every command", () => {
  const propagator = new Propagator();
  const a: string[] = [];
  const b: string[] = [];
  propagator.addTarget({ feed: (db, c) => a.push(`${db}:${c.join(" ")}`) });
  propagator.addTarget({ feed: (db, c) => b.push(`${db}:${c.join(" ")}`) });
  propagator.enter();
  propagator.propagate(0, ["SET", "k", "v"]);
  propagator.propagate(0, ["SET", "j", "v"]);
  propagator.leave();
  assert.deepEqual(a, b);
  assert.equal(a.length, 4);
});
