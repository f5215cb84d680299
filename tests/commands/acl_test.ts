/**
 * ACL behaviour that a byte-for-byte reply comparison cannot cover alone:
 * ACL GENPASS's random output (length and charset), the ACL file written by
 * ACL SAVE and read by ACL LOAD, `user` directives in a config file (and
 * CONFIG REWRITE), and the aclfile at start-up, including the start-up
 * failures. Files and start-up outcomes are compared with redis-server's.
 *
 * With ACL_SELF_CHECK=1 (see tests/differential/acl_common.ts) the servers
 * are all redis-server.
 *
 * @module
 */

import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { text } from "../helpers/bytes.ts";
import { freePort, withServer } from "../helpers/servers.ts";
import {
  type AclPair,
  aclTest,
  hasOracle,
  normalizeRules,
  SELF_CHECK,
  sortCommandRules,
} from "../differential/acl_common.ts";

Deno.test({
  name: "ACL GENPASS: lowercase hex, ceil(bits / 4) characters, never twice",
  ignore: SELF_CHECK && !hasOracle,
  async fn() {
    await withServer({ oracle: SELF_CHECK }, async ([client]) => {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const raw = latin1(await client.callRaw("ACL", "GENPASS"));
        assert.match(raw, /^\$64\r\n[0-9a-f]{64}\r\n$/);
        assert.ok(!seen.has(raw), "GENPASS repeated a password");
        seen.add(raw);
      }
      for (const bits of [1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 255, 256, 4096]) {
        const chars = Math.ceil(bits / 4);
        for (let i = 0; i < 5; i++) {
          const raw = latin1(
            await client.callRaw("ACL", "GENPASS", String(bits)),
          );
          assert.equal(raw, raw.replace(/[^\r\n$0-9a-f]/g, ""), raw);
          assert.match(
            raw,
            new RegExp(`^\\$${chars}\\r\\n[0-9a-f]{${chars}}\\r\\n$`),
            `GENPASS ${bits}`,
          );
        }
      }
      // Every hex digit shows up: the output is not a narrower charset.
      const digits = new Set(
        [...seen].join("").replace(/^\$64\r\n|\r\n/g, "").split(""),
      );
      for (const digit of "0123456789abcdef") assert.ok(digits.has(digit));
    });
  },
});

const INITIAL_ACL = [
  "user default on nopass ~* &* +@all",
  "user alice on >alicepw ~app:* resetchannels &news +@read -@dangerous",
  "",
  "user admin on >adminpw ~* &* +@all",
  "user sel on nopass resetchannels -@all +get (~s:* +set)",
  "",
].join("\n");

/** The file at `name` in each server's dir: [ours, redis]. */
async function files(pair: AclPair, name: string): Promise<[string, string]> {
  return [
    await Deno.readTextFile(`${pair.ours.dir}/${name}`),
    await Deno.readTextFile(`${pair.theirs.dir}/${name}`),
  ];
}

/** Writes `content` to `name` in both servers' dirs. */
async function writeBoth(
  pair: AclPair,
  name: string,
  content: string,
): Promise<void> {
  await Deno.writeTextFile(`${pair.ours.dir}/${name}`, content);
  await Deno.writeTextFile(`${pair.theirs.dir}/${name}`, content);
}

/** An ACL file's lines with their single-command rules sorted. */
function aclFileLines(content: string): string[] {
  return content.split("\n").map(sortCommandRules);
}

aclTest("aclfile at start-up, ACL SAVE's file, ACL LOAD", async (pair) => {
  const normalize = normalizeRules;
  await pair.same(["ACL", "LIST"], { normalize });
  await pair.same(["ACL", "USERS"]);
  const admin = await pair.login("admin", "adminpw");
  const alice = await pair.login("alice", "alicepw");
  const sel = await pair.login("sel", "x");
  await pair.same(["GET", "app:1"], { on: alice });
  await pair.same(["SET", "app:1", "v"], { on: alice });
  await pair.same(["SET", "s:1", "v"], { on: sel });
  await pair.same(["ACL", "SETUSER", "bob", "on", ">bobpw", "%R~b:*", "+get"]);
  await pair.same(["ACL", "SETUSER", "alice", ">second", "+config|get"]);
  await pair.same(["ACL", "SAVE"]);
  let [ours, theirs] = await files(pair, "users.acl");
  assert.deepEqual(aclFileLines(ours), aclFileLines(theirs), "saved file");
  // The file holds ACL LIST's lines.
  const list = await pair.same(["ACL", "LIST"], { normalize });
  for (const line of aclFileLines(theirs).filter((l) => l !== "")) {
    assert.ok(list.includes(line), line);
  }

  // An edited file replaces every user; clients of changed users go.
  await writeBoth(
    pair,
    "users.acl",
    "user default on nopass ~* &* +@all\n" +
      "user admin on >adminpw ~* &* +@all\n" +
      "user carol on >carolpw ~c:* +@string\n" +
      "user sel on nopass resetchannels -@all +get (~s:* +set)\n",
  );
  await pair.same(["ACL", "LOAD"]);
  await pair.same(["ACL", "LIST"], { normalize });
  // Every client of a user the file defines again is disconnected (even
  // one that is unchanged), those of the default user are not.
  await pair.sameClosed(alice, true, "alice is gone after ACL LOAD");
  await pair.sameClosed(admin, true, "admin was defined again");
  await pair.sameClosed(sel, true, "sel was defined again");
  await pair.same(["ACL", "WHOAMI"]);
  const carol = await pair.login("carol", "carolpw");
  await pair.same(["SET", "c:1", "v"], { on: carol });
  await pair.same(["AUTH", "alice", "second"], { on: carol });

  // Files with errors change nothing; the error texts are compared. (Not
  // "user x on (~a": an unmatched parenthesis crashes redis-server 7.0.15
  // in ACLLoadFromFile, now and then.)
  for (
    const content of [
      "user carol on +nosuch\n",
      "# no comments in an ACL file\nuser carol on\n",
      "user carol on >x\nuser carol off\n",
      "user default on nopass ~* +@all\nnot-a-user-line\n",
      "user\n",
      "user bad name\n",
      "user x on #abc\n",
      "user x on ~a +get\nuser y on +@nosuch\nuser z on badrule\n",
    ]
  ) {
    await writeBoth(pair, "users.acl", content);
    await pair.same(["ACL", "LOAD"], { context: JSON.stringify(content) });
    await pair.same(["ACL", "LIST"], { normalize });
  }

  // A file without the default user: it is created as a fresh default.
  await writeBoth(pair, "users.acl", "user admin on >adminpw ~* &* +@all\n");
  await pair.same(["ACL", "LOAD"]);
  await pair.same(["ACL", "LIST"], { normalize });
  await pair.same(["ACL", "SAVE"]);
  [ours, theirs] = await files(pair, "users.acl");
  assert.deepEqual(aclFileLines(ours), aclFileLines(theirs), "saved again");
  // A file that is gone.
  await Deno.remove(`${pair.ours.dir}/users.acl`);
  await Deno.remove(`${pair.theirs.dir}/users.acl`);
  await pair.same(["ACL", "LOAD"]);
  await pair.same(["ACL", "LIST"], { normalize });
}, {
  files: { "users.acl": INITIAL_ACL },
  flags: ["--aclfile", "users.acl"],
});

aclTest(
  "user directives in a config file, and CONFIG REWRITE",
  async (pair) => {
    const normalize = normalizeRules;
    await pair.same(["ACL", "LIST"], { normalize });
    await pair.same(["GET", "x"]);
    await pair.same(["AUTH", "root", "rootpw"]);
    await pair.same(["ACL", "WHOAMI"]);
    const app = await pair.login("app", "apppw");
    await pair.same(["GET", "app:x"], { on: app });
    await pair.same(["GET", "other"], { on: app });
    await pair.same(["ACL", "SAVE"]);
    await pair.same(["ACL", "LOAD"]);
    await pair.same(["ACL", "SETUSER", "new", "on", ">newpw", "~n:*", "+get"]);
    await pair.same(["ACL", "DELUSER", "app"]);
    await pair.same(["CONFIG", "REWRITE"]);
    const [ours, theirs] = await files(pair, "redis.conf");
    const users = (content: string) =>
      content.split("\n").filter((line) => line.startsWith("user "))
        .map(sortCommandRules);
    assert.deepEqual(users(ours), users(theirs), "rewritten user lines");
  },
  {
    configFile: [
      "user default on >defaultpw ~* &* +@all",
      "user root on >rootpw ~* &* +@all",
      "user app on >apppw ~app:* resetchannels +@read",
      "",
    ].join("\n"),
  },
);

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * Runs a server with `args` in `cwd`, expecting it to stop by itself; one
 * still running after 10 s is killed (and reported as code -1).
 */
async function runToExit(
  oracle: boolean,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  const binary = Deno.env.get("REDIS_TS_BINARY");
  const [command, commandArgs] = oracle
    ? ["redis-server", [...args]]
    : binary
    ? [binary, [...args]]
    : [Deno.execPath(), ["run", "--allow-all", MAIN, ...args]];
  const child = new Deno.Command(command, {
    args: commandArgs,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  }, 10_000);
  const out = await child.output();
  clearTimeout(timer);
  return {
    code: killed ? -1 : out.code,
    output: text(out.stdout) + text(out.stderr),
  };
}

/**
 * The messages (after "# ") of Redis's last log lines that explain a
 * failure: the last one, and the one before it when the last only says
 * "Critical error while loading ACLs. Exiting.".
 */
function lastMessages(output: string): string[] {
  const messages = output.trim().split("\n").map((line) => {
    const hash = line.indexOf("# ");
    return hash < 0 ? line : line.slice(hash + 2);
  });
  const last = messages.length - 1;
  return messages[last].startsWith("Critical error") && last > 0
    ? [messages[last - 1], messages[last]]
    : [messages[last]];
}

Deno.test({
  name: "ACL start-up failures: missing or bad aclfile, users in both places",
  ignore: !hasOracle,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "redis-acl-startup-" });
    try {
      await Deno.writeTextFile(
        `${dir}/bad.acl`,
        "user alice on >pw ~app:* +@read\nuser bad on +nosuch\n",
      );
      await Deno.writeTextFile(`${dir}/good.acl`, "user alice on >pw\n");
      await Deno.writeTextFile(
        `${dir}/both.conf`,
        "user alice on >pw\naclfile good.acl\n",
      );
      await Deno.writeTextFile(
        `${dir}/baduser.conf`,
        "user alice on +nosuch\n",
      );
      await Deno.writeTextFile(`${dir}/badhash.conf`, "user alice #abc\n");
      const cases = [
        ["--aclfile", "missing.acl"],
        ["--aclfile", "bad.acl"],
        ["both.conf"],
        ["baduser.conf"],
        ["badhash.conf"],
        ["--user", "alice", "on", "(~a"],
      ];
      const problems: string[] = [];
      for (const args of cases) {
        const full = [
          ...args,
          "--port",
          String(freePort()),
          "--save",
          "",
          "--bind",
          "127.0.0.1",
        ];
        const expected = await runToExit(true, full, dir);
        const actual = await runToExit(SELF_CHECK, full, dir);
        const theirs = lastMessages(expected.output);
        if (Deno.env.get("ACL_VERBOSE") === "1") console.log(theirs);
        assert.equal(expected.code, 1, `${args.join(" ")}: redis: ${theirs}`);
        const ours = actual.output;
        if (actual.code !== 1) {
          problems.push(`${args.join(" ")}: ours exited ${actual.code}`);
        }
        for (const message of theirs) {
          if (!ours.includes(message)) {
            problems.push(
              `${args.join(" ")}: redis said ${JSON.stringify(message)}, ours ${
                JSON.stringify(ours.slice(-400))
              }`,
            );
          }
        }
      }
      assert.deepEqual(problems, []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
