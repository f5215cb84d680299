import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import {
  applyConfigText,
  ConfigFileError,
  FatalConfigError,
  flagsToConfigText,
  loadConfig,
} from "../../lib/config/load.ts";

const cwd = Deno.cwd();

function fatal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof FatalConfigError);
    return error.message;
  }
  throw new Error("expected a fatal config error");
}

Deno.test("flags become quoted config lines like redis-server builds them", () => {
  assert.equal(
    flagsToConfigText(["--port", "6380", "--save", "", "--bind", "a", "b"]),
    'port "6380" \nsave "" \nbind "a" "b" ',
  );
  // The word after a bare flag is its value even when it starts with "--".
  assert.equal(flagsToConfigText(["--port", "--x"]), 'port "--x" ');
  // --save right before another flag, or last, means save "".
  assert.equal(
    flagsToConfigText(["--save", "--port", "1"]),
    'save ""\nport "1" ',
  );
  assert.equal(flagsToConfigText(["--save"]), 'save ""');
  assert.equal(flagsToConfigText(["--port 7000"]), "port 7000 ");
  assert.equal(
    flagsToConfigText(["--requirepass", 'a"b\\c\n\u00e9']),
    'requirepass "a\\"b\\\\c\\n\\xc3\\xa9" ',
  );
});

Deno.test("fatal errors name the line as Redis does", () => {
  const config = new Config(cwd);
  assert.equal(
    fatal(() =>
      applyConfigText(config, "\n" + flagsToConfigText(["--foo", "bar"]))
    ),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
      "Reading the configuration file, at line 2\n" +
      `>>> 'foo "bar"'\nBad directive or wrong number of arguments\n`,
  );
  assert.match(
    fatal(() => applyConfigText(config, "port 1\n# c\n\n  port abc  \n")),
    /at line 4\n>>> 'port abc'\nargument couldn't be parsed into an integer\n$/,
  );
  assert.match(
    fatal(() => applyConfigText(config, "port 1 2")),
    />>> 'port 1 2'\nwrong number of arguments\n$/,
  );
  assert.match(
    fatal(() => applyConfigText(config, 'port "1')),
    /Unbalanced quotes in configuration line\n$/,
  );
});

Deno.test("config lines accept quoting and several save lines add up", () => {
  const config = new Config(cwd);
  applyConfigText(
    config,
    'save 900 1\nsave "300 10"\nrequirepass "a b\\x41"\r\nbind 127.0.0.1 ::1\n',
  );
  assert.equal(config.get("save"), "900 1 300 10");
  assert.equal(config.get("requirepass"), "a bA");
  assert.equal(config.get("bind"), "127.0.0.1 ::1");
  applyConfigText(config, 'save ""');
  assert.equal(config.get("save"), "");
});

Deno.test("loadConfig reads the file, then the flags", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/redis.conf`;
    await Deno.writeTextFile(file, "port 7000\ntimeout 3\n");
    const config = loadConfig([file, "--port", "7001", "--dir", dir], cwd);
    assert.equal(config.get("port"), "7001");
    assert.equal(config.get("timeout"), "3");
    assert.equal(config.configFile, file);
    assert.equal(config.get("dir"), await Deno.realPath(dir));
    assert.equal(Deno.cwd(), await Deno.realPath(dir));
    // Flag lines are numbered after the file's lines.
    assert.match(
      fatal(() => loadConfig([file, "--hz", "x"], cwd)),
      /at line 4\n>>> 'hz "x"'/,
    );
    assert.match(
      fatal(() => loadConfig(["--dir", `${dir}/missing`], cwd)),
      /No such file or directory\n$/,
    );
    assert.throws(
      () => loadConfig([`${dir}/none.conf`], cwd),
      (error: unknown) =>
        error instanceof ConfigFileError &&
        error.message ===
          `Fatal error, can't open config file '${dir}/none.conf': No such file or directory`,
    );
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("include reads another file; deprecated directives are ignored", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/inc.conf`, "timeout 3\nsave 60 1\n");
    await Deno.writeTextFile(`${dir}/bad.conf`, "hz 5\nfoo bar\n");
    const config = new Config(cwd);
    applyConfigText(
      config,
      `save 900 1\ninclude ${dir}/inc.conf\nlist-max-ziplist-entries 5\nlua-replicate-commands yes\n`,
    );
    assert.equal(config.get("timeout"), "3");
    assert.equal(config.get("save"), "900 1 60 1");
    // The error names the line of the included file.
    assert.match(
      fatal(() => applyConfigText(config, `port 1\ninclude ${dir}/bad.conf`)),
      /at line 2\n>>> 'foo bar'\n/,
    );
    assert.match(
      fatal(() => applyConfigText(config, "list-max-ziplist-entries")),
      /Bad directive or wrong number of arguments\n$/,
    );
    assert.throws(
      () => applyConfigText(config, `include ${dir}/none.conf`),
      ConfigFileError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("include with wildcards reads every match in order; none is fine", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/conf.d`);
    await Deno.writeTextFile(`${dir}/conf.d/b.conf`, "timeout 2\nhz 20\n");
    await Deno.writeTextFile(`${dir}/conf.d/a.conf`, "timeout 1\nsave 60 1\n");
    await Deno.writeTextFile(`${dir}/conf.d/.hidden.conf`, "timeout 9\n");
    await Deno.writeTextFile(`${dir}/conf.d/c.txt`, "timeout 8\n");
    await Deno.mkdir(`${dir}/conf.d/d.conf`);
    const config = new Config(cwd);
    applyConfigText(
      config,
      `include ${dir}/conf.d/*.conf\ninclude ${dir}/none/*.conf\n` +
        `include ${dir}/conf.d/[x-z].conf\n`,
    );
    assert.equal(config.get("timeout"), "2");
    assert.equal(config.get("hz"), "20");
    assert.equal(config.get("save"), "60 1");
    // Wildcards in a directory name too.
    applyConfigText(config, `include ${dir}/conf.?/a.conf\n`);
    assert.equal(config.get("timeout"), "1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config-file directives of features this server lacks are refused clearly", () => {
  const config = new Config(cwd);
  const cases: [string, RegExp][] = [
    ["loadmodule /x.so", /Modules are not supported by redis-ts/],
    ["sentinel", /Sentinel mode is not supported by redis-ts/],
    // Redis's own texts.
    [
      "sentinel monitor m 127.0.0.1 6379 2",
      /\nsentinel directive while not in sentinel mode\n$/,
    ],
    [
      "mymodule.option 1",
      /\nModule Configuration detected without loadmodule directive or no ApplyConfig call: aborting\n$/,
    ],
    ["mymodule.option", /\nModule config specified without value\n$/],
    [
      "rename-command CONFIG",
      /\nBad directive or wrong number of arguments\n$/,
    ],
    ["loadmodule", /\nBad directive or wrong number of arguments\n$/],
  ];
  for (const [line, expected] of cases) {
    assert.match(fatal(() => applyConfigText(config, line)), expected, line);
  }
});

Deno.test("after reading, the log file must open and replicaof excludes cluster mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = new Config(cwd);
    assert.equal(
      fatal(() => applyConfigText(config, `logfile ${dir}/none/x.log`)),
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
        "Can't open the log file: No such file or directory\n",
    );
    applyConfigText(new Config(cwd), `logfile ${dir}/x.log`);
    assert.equal((await Deno.stat(`${dir}/x.log`)).isFile, true);
    assert.equal(
      fatal(() =>
        applyConfigText(
          new Config(cwd),
          "cluster-enabled yes\nreplicaof 127.0.0.1 6379",
        )
      ),
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
        "replicaof directive not allowed in cluster mode\n",
    );
    const replica = new Config(cwd);
    applyConfigText(replica, 'replicaof "127.0.0.1 6379"\n');
    assert.equal(replica.get("replicaof"), "127.0.0.1 6379");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
