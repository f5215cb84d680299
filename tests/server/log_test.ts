/** Log lines have Redis's layout: pid, role, zero-padded time, level mark. */

import assert from "node:assert/strict";
import { formatLogLine } from "../../lib/server/log.ts";

Deno.test("log lines are stamped as Redis stamps them", () => {
  const date = new Date(2026, 11, 3, 9, 5, 7, 42);
  assert.equal(
    formatLogLine("notice", "Ready to accept connections", date, 123),
    "123:M 03 Dec 2026 09:05:07.042 * Ready to accept connections\n",
  );
  assert.equal(
    formatLogLine(
      "warning",
      "x",
      new Date(2026, 0, 25, 23, 59, 59, 999),
      7,
      "S",
    ),
    "7:S 25 Jan 2026 23:59:59.999 # x\n",
  );
});
