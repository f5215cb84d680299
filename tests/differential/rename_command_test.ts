/**
 * rename-command against redis-server: a renamed command answers by its
 * new name only, a command renamed to "" is gone, and the names still work
 * in MULTI and in scripts as Redis's do; bad lines stop start-up with
 * Redis's reasons.
 *
 * @module
 */

import assert from "node:assert/strict";
import { differentialTest } from "../helpers/differential.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const RENAMES = [
  "--rename-command",
  "flushall",
  "",
  "--rename-command",
  "GET",
  "fetch",
  "--rename-command",
  "set",
  "put",
];

differentialTest(
  "differential: renamed and removed commands answer as in redis-server",
  async (pair) => {
    for (
      const args of [
        ["PUT", "k", "v"],
        ["SET", "k", "v"],
        ["FETCH", "k"],
        ["fetch", "k"],
        ["GET", "k"],
        ["FLUSHALL"],
        ["COMMAND", "INFO", "get"],
        ["MULTI"],
        ["FETCH", "k"],
        ["GET", "k"],
        ["EXEC"],
        ["EVAL", "return redis.call('fetch', 'k')", "0"],
        ["EVAL", "return redis.pcall('get', 'k')", "0"],
        ["ACL", "SETUSER", "u", "on", "nopass", "+get", "~*"],
        ["ACL", "DRYRUN", "u", "fetch", "k"],
        ["ACL", "LIST"],
      ]
    ) {
      await pair.same(args);
    }
  },
  { flags: RENAMES },
);

/** Runs a server (ours or redis-server) that must fail to start; its output. */
async function failedStart(
  command: string[],
  extra: string[],
): Promise<string> {
  const out = await new Deno.Command(command[0], {
    args: [...command.slice(1), "--port", "0", ...extra],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1, `${command[0]} ${extra.join(" ")} must fail`);
  const decoder = new TextDecoder();
  return decoder.decode(out.stdout) + decoder.decode(out.stderr);
}

Deno.test({
  name:
    "differential: bad rename-command lines stop start-up with Redis's reasons",
  ignore: !hasRedisServer(),
  fn: async () => {
    const ours = [
      Deno.execPath(),
      "run",
      "--allow-all",
      new URL("../../main.ts", import.meta.url).pathname,
    ];
    for (
      const [extra, reason] of [
        [
          ["--rename-command", "nosuch", "x"],
          "No such command in rename-command",
        ],
        [
          ["--rename-command", "get", "set"],
          "Target command name already exists",
        ],
      ] as const
    ) {
      const theirs = await failedStart(["redis-server"], [...extra]);
      assert.ok(theirs.includes(reason), theirs);
      const mine = await failedStart(ours, [...extra]);
      assert.ok(mine.includes(reason), mine);
      assert.ok(
        mine.includes(`>>> 'rename-command "${extra[1]}" "${extra[2]}"'`),
        mine,
      );
    }
  },
});
