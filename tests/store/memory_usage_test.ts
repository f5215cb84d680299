import assert from "node:assert/strict";
import type { Measured } from "../../bench/memory_calibration.ts";

Deno.test("memory estimate: every shape of value within 35% of its measured heap", async () => {
  // The calibration needs --expose-gc, which only a process of its own gets.
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--v8-flags=--expose-gc",
      new URL("../../bench/memory_calibration.ts", import.meta.url).pathname,
      "--scale",
      "0.1",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const measured = JSON.parse(new TextDecoder().decode(stdout)) as Measured[];
  assert.ok(measured.length >= 20);
  for (const { label, actual, estimated } of measured) {
    const ratio = estimated / actual;
    assert.ok(
      ratio > 0.65 && ratio < 1.35,
      `${label}: estimate ${estimated.toFixed(0)} B, heap ${
        actual.toFixed(0)
      } B per key`,
    );
  }
});
