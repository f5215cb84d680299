import assert from "node:assert/strict";
import {
  hasRedisServer,
  runToExit,
  sameStartupFailures,
  withServer,
} from "./helpers/servers.ts";

Deno.test({
  name: "fatal configuration errors are printed exactly like redis-server",
  ignore: !hasRedisServer(),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/bad.conf`,
        "port 7777\n# comment\n\nfoo bar\n",
      );
      await Deno.writeTextFile(`${dir}/ok.conf`, "port 7777\n");
      await Deno.writeTextFile(`${dir}/nonl.conf`, "timeout 1");
      await Deno.writeTextFile(`${dir}/quotes.conf`, 'requirepass "abc\n');
      await Deno.writeTextFile(`${dir}/inc.conf`, "timeout 3\nfoo bar\n");
      await Deno.writeTextFile(
        `${dir}/main.conf`,
        `port 7777\ninclude ${dir}/inc.conf\n`,
      );
      const cases = [
        ["--foo", "bar"],
        ["--port", "abc"],
        ["--port"],
        ["--port", "1", "2"],
        ["--port", "6390", "--loglevel", "x"],
        ["--save", "0", "1"],
        ["--save", "a"],
        ["--dbfilename", "a/b"],
        ["--dir", "/nonexistent-dir"],
        ["--appendonly", "maybe"],
        ["--maxmemory", "-5"],
        ["--notify-keyspace-events", "Q"],
        ["--client-output-buffer-limit", "normal 1 2"],
        ["--requirepass", 'a"b\\c\u00e9', "--timeout", "x"],
        ["--port", "--timeout", "1"],
        ["--save", "--port", "x"],
        ["bad.conf"],
        ["bad.conf", "--port", "abc"],
        ["ok.conf", "--port", "abc", "--hz", "3"],
        ["nonl.conf", "--hz", "x"],
        ["quotes.conf"],
        ["ok.conf", "stray"],
        ["main.conf"],
        ["--list-max-ziplist-entries"],
        ["--shutdown-on-sigterm", "save", "nosave"],
        ["--include", "inc.conf"],
      ];
      await sameStartupFailures(cases, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a missing config file is reported in Redis's log format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const result = await runToExit({ args: ["/nonexistent.conf"], cwd: dir });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /^\d+:C \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} # Fatal error, can't open config file '\/nonexistent\.conf': No such file or directory\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config file, dir, logfile and SIGTERM shutdown", async () => {
  const base = await Deno.makeTempDir();
  try {
    const data = `${base}/data`;
    await Deno.mkdir(data);
    await Deno.writeTextFile(
      `${base}/redis.conf`,
      `timeout 7\ndir "${data}"\nlogfile "${base}/server.log"\nsave ""\n`,
    );
    const options = {
      configFile: "redis.conf",
      dir: base,
      flags: ["--hz", "20"],
    };
    await withServer(options, async ([client], server) => {
      assert.deepEqual(await client.call("CONFIG", "GET", "timeout"), [
        "timeout",
        "7",
      ]);
      assert.deepEqual(await client.call("CONFIG", "GET", "hz"), ["hz", "20"]);
      assert.deepEqual(await client.call("CONFIG", "GET", "dir"), [
        "dir",
        await Deno.realPath(data),
      ]);
      const info = await client.call("INFO", "server") as string;
      assert.match(info, new RegExp(`\r\nconfig_file:${base}/redis.conf\r\n`));
      client.close();
      Deno.kill(server.pid, "SIGTERM");
      const { code } = await server.status;
      assert.equal(code, 0);
      const log = await Deno.readTextFile(`${base}/server.log`);
      const pid = server.pid;
      assert.match(
        log,
        new RegExp(
          `^${pid}:C .* # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n`,
        ),
      );
      assert.match(log, /# Configuration loaded\n/);
      assert.match(
        log,
        new RegExp(`\n${pid}:M .* \\* Ready to accept connections\n`),
      );
      assert.match(
        log,
        new RegExp(
          `\n${pid}:signal-handler \\(\\d+\\) Received SIGTERM scheduling shutdown...\n`,
        ),
      );
      assert.match(log, /# User requested shutdown...\n/);
      assert.match(log, /# Redis is now ready to exit, bye bye...\n$/);
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("SIGINT shuts down gracefully; loglevel filters lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const options = {
      dir,
      flags: ["--save", "", "--loglevel", "warning"],
      captureOutput: true,
    };
    await withServer(options, async ([client], server) => {
      assert.equal(await client.call("PING"), "PONG");
      Deno.kill(server.pid, "SIGINT");
      assert.equal(await client.closedByServer(), true);
      client.close();
      const { code } = await server.status;
      assert.equal(code, 0);
      const log = (await server.output).stdout;
      assert.match(log, /Received SIGINT scheduling shutdown\.\.\./);
      assert.match(log, /# Server initialized\n/);
      // Notice lines (*) are below the warning level.
      assert.doesNotMatch(log, / \* /);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--version and --help", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const version = await runToExit({ args: ["--version"], cwd: dir });
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^Redis server v=7\.0\.15 sha=00000000:0 /);
    const help = await runToExit({ args: ["-h"], cwd: dir });
    assert.equal(help.code, 1);
    assert.match(help.stderr, /^Usage: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGTERM saves when save points are set, unless shutdown-on-sigterm says nosave", async () => {
  for (
    const [flags, saved] of [[[], true], [
      ["--shutdown-on-sigterm", "nosave"],
      false,
    ]] as const
  ) {
    const dir = await Deno.makeTempDir();
    try {
      const options = { dir, flags: ["--save", "3600 1", ...flags] };
      await withServer(options, async ([client], server) => {
        assert.equal(await client.call("SET", "k", "v"), "OK");
        client.close();
        Deno.kill(server.pid, "SIGTERM");
        const { code } = await server.status;
        assert.equal(code, 0);
      });
      const exists = await Deno.stat(`${dir}/dump.rdb`).then(
        () => true,
        () => false,
      );
      assert.equal(exists, saved, flags.join(" "));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
