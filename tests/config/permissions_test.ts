/**
 * Least privilege: the Deno permissions computed from a configuration
 * (planPermissions, denoRunFlags), what loading a configuration reads
 * (scanConfigSources), `main.ts --print-permissions`, and the CONFIG SET
 * dir check in a process with narrowed permissions.
 */

import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import {
  DAEMON_ENV,
  DAEMON_PIDFILE,
  denoRunFlags,
  PermissionPlanError,
  planPermissions,
  resolvePath,
  scanConfigSources,
  SERVER_V8_FLAGS,
} from "../../lib/config/permissions.ts";
import {
  DAEMON_CHILD_ENV,
  DEFAULT_DAEMON_PIDFILE,
} from "../../lib/config/startup.ts";
import { text } from "../helpers/bytes.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SYS = "--allow-sys=osRelease,systemMemoryInfo";

/** A configuration whose dir is `dir` (no chdir), with `values` set. */
function configWith(dir: string, values: Record<string, string> = {}) {
  const config = new Config(dir);
  for (const [name, value] of Object.entries(values)) config.set(name, value);
  return config;
}

Deno.test("the default configuration needs its dir, the network and INFO's system calls", () => {
  const plan = planPermissions(configWith("/srv/redis"), { sources: [] });
  assert.deepEqual(plan, {
    read: ["/srv/redis"],
    write: ["/srv/redis"],
    env: [],
    sys: ["osRelease", "systemMemoryInfo"],
    detach: false,
  });
  assert.deepEqual(denoRunFlags(plan), [
    "--no-prompt",
    "--allow-read=/srv/redis",
    "--allow-write=/srv/redis",
    "--allow-net",
    SYS,
    SERVER_V8_FLAGS,
  ]);
});

Deno.test("log, pid, ACL and TLS files are granted, relative ones against dir", () => {
  const config = configWith("/srv/redis", {
    logfile: "/var/log/redis/redis.log",
    pidfile: "run/redis.pid",
    aclfile: "../users.acl",
    "tls-cert-file": "/etc/ssl/redis.crt",
    "tls-ca-cert-dir": "/etc/ssl/certs",
  });
  const plan = planPermissions(config, {
    sources: ["/etc/redis/redis.conf", "/srv/redis"],
  });
  // run/redis.pid lies in dir, which already grants it.
  assert.deepEqual(plan.write, [
    "/srv/redis",
    "/var/log/redis/redis.log",
    "/srv/users.acl",
  ]);
  assert.deepEqual(plan.read, [
    "/etc/redis/redis.conf",
    "/srv/redis",
    "/srv/users.acl",
    "/etc/ssl/redis.crt",
    "/etc/ssl/certs",
  ]);
  assert.deepEqual(plan.env, []);
});

Deno.test("the unix socket's path is readable and writable, its directory is not", () => {
  // Deno's unix listen needs both grants; a socket in dir needs none more.
  for (
    const [socket, granted] of [
      ["/run/redis/redis.sock", ["/srv/redis", "/run/redis/redis.sock"]],
      ["../run/redis.sock", ["/srv/redis", "/srv/run/redis.sock"]],
      ["redis.sock", ["/srv/redis"]],
    ]
  ) {
    const config = configWith("/srv/redis", {
      unixsocket: socket as string,
      unixsocketperm: "700",
    });
    const plan = planPermissions(config, { sources: [] });
    assert.deepEqual(plan.read, granted, socket as string);
    assert.deepEqual(plan.write, granted, socket as string);
  }
});

Deno.test("daemonize yes detaches unless supervised, with Redis's default pid file", () => {
  const config = configWith("/srv/redis", { daemonize: "yes" });
  const plan = planPermissions(config, { sources: [] });
  assert.equal(plan.detach, true);
  assert.deepEqual(plan.write, ["/srv/redis", DAEMON_PIDFILE]);
  assert.deepEqual(plan.env, [DAEMON_ENV]);
  // The names startup.ts uses, spelled out in permissions.ts.
  assert.equal(DAEMON_ENV, DAEMON_CHILD_ENV);
  assert.equal(DAEMON_PIDFILE, DEFAULT_DAEMON_PIDFILE);

  config.set("supervised", "auto");
  config.set("pidfile", "/run/redis/redis.pid");
  const env = { NOTIFY_SOCKET: "/run/systemd/notify" } as Record<
    string,
    string
  >;
  const supervised = planPermissions(config, {
    sources: [],
    env: (name) => env[name],
  });
  assert.equal(supervised.detach, false);
  assert.deepEqual(supervised.env, [
    "UPSTART_JOB",
    "NOTIFY_SOCKET",
    DAEMON_ENV,
  ]);
  assert.deepEqual(supervised.write, ["/srv/redis", "/run/redis/redis.pid"]);
  // Asked for upstart, but no upstart: Redis goes to the background.
  config.set("supervised", "upstart");
  assert.equal(
    planPermissions(config, { sources: [], env: (name) => env[name] }).detach,
    true,
  );
});

Deno.test("extra writable paths are readable too (creating a file needs both)", () => {
  const plan = planPermissions(configWith("/srv/redis"), {
    sources: [],
    extraWrite: ["/etc/redis"],
  });
  assert.deepEqual(plan.write, ["/srv/redis", "/etc/redis"]);
  assert.deepEqual(plan.read, ["/srv/redis", "/etc/redis"]);
});

Deno.test("paths Deno's flags cannot hold are refused", () => {
  for (const dir of ["/srv/a,b", "/srv/a\nb"]) {
    const plan = planPermissions(configWith(dir), { sources: [] });
    assert.throws(() => denoRunFlags(plan), PermissionPlanError);
  }
});

Deno.test("resolvePath resolves . and .. by name", () => {
  assert.equal(resolvePath("/srv/redis", "."), "/srv/redis");
  assert.equal(resolvePath("/srv/redis", "../x//y/./z"), "/srv/x/y/z");
  assert.equal(resolvePath("/srv", "/etc/../var/"), "/var");
  assert.equal(resolvePath("/", ".."), "/");
});

Deno.test("scanConfigSources finds the config file, includes and dir lines, in the loader's order", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/conf.d`);
    await Deno.mkdir(`${base}/data`);
    await Deno.mkdir(`${base}/other`);
    await Deno.writeTextFile(
      `${base}/redis.conf`,
      [
        `include ${base}/plain.conf`,
        `include "${base}/conf.d/*.conf"`,
        `dir ${base}/data`,
        // Relative to the dir changed into just before.
        "include ../relative.conf",
        "",
      ].join("\n"),
    );
    await Deno.writeTextFile(`${base}/plain.conf`, "timeout 3\n");
    await Deno.writeTextFile(
      `${base}/conf.d/a.conf`,
      `include ${base}/other/nested.conf\n`,
    );
    await Deno.writeTextFile(`${base}/other/nested.conf`, "hz 20\n");
    await Deno.writeTextFile(`${base}/relative.conf`, "hz 30\n");
    await Deno.symlink(`${base}/data`, `${base}/link`);
    const sources = scanConfigSources({
      configFile: `${base}/redis.conf`,
      flagsText: `dir "${base}/link"\ninclude ${base}/flag.conf`,
      cwd: base,
    });
    assert.deepEqual(sources, [
      `${base}/redis.conf`,
      `${base}/plain.conf`,
      `${base}/conf.d`,
      `${base}/other/nested.conf`,
      `${base}/data`,
      `${base}/relative.conf`,
      // A dir reached through a link: by name (chdir) and by real path.
      `${base}/link`,
      `${base}/flag.conf`,
    ]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

/** Runs `main.ts --print-permissions` with `args` in `cwd`. */
async function printPermissions(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, "--print-permissions", ...args],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("main.ts --print-permissions prints the mode, Deno and the flags", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/data`);
    await Deno.writeTextFile(
      `${base}/redis.conf`,
      `dir ${base}/data\nlogfile ${base}/redis.log\n`,
    );
    const result = await printPermissions(
      ["redis.conf", "--port", "0", "--unixsocket", "../redis.sock"],
      base,
      { REDIS_TS_ALLOW_WRITE: "extra" },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split("\n"), [
      "run",
      Deno.execPath(),
      "--no-prompt",
      `--allow-read=${base}/redis.conf,${base}/data,${base}/redis.sock,${base}/extra`,
      `--allow-write=${base}/data,${base}/redis.log,${base}/redis.sock,${base}/extra`,
      "--allow-net",
      SYS,
      SERVER_V8_FLAGS,
      "",
    ]);
    // The version needs no permission.
    const version = await printPermissions(["--version"], base);
    assert.equal(
      version.stdout,
      `run\n${Deno.execPath()}\n--no-prompt\n`,
    );
    // A bad configuration is reported as the server reports it.
    const bad = await printPermissions(["--port", "x"], base);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /FATAL CONFIG FILE ERROR[\s\S]*argument couldn't be parsed into an integer/,
    );
    assert.equal(bad.stdout, "");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("CONFIG SET dir refuses what Deno does not let the process write, also through a link", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/data/sub`, { recursive: true });
    await Deno.mkdir(`${base}/outside`);
    await Deno.symlink(`${base}/outside`, `${base}/data/link`);
    const script = `${base}/check.ts`;
    const configUrl = new URL("../../lib/config/config.ts", import.meta.url);
    await Deno.writeTextFile(
      script,
      `import { Config, findDirective } from ${JSON.stringify(configUrl.href)};
const config = new Config(Deno.cwd());
const results = [];
for (const dir of ["${base}/outside", "link", "sub", "/nonexistent"]) {
  try {
    config.setMany([[findDirective("dir"), dir]]);
    results.push("OK " + config.get("dir"));
  } catch (error) {
    results.push(error.message);
  }
}
console.log(JSON.stringify(results));
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--allow-read=${base}`,
        `--allow-write=${base}/data`,
        script,
      ],
      cwd: `${base}/data`,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, text(out.stderr));
    const refused = (path: string) =>
      `'${path}' is outside the directories this server may write to (its Deno --allow-write permissions, fixed at start-up)`;
    assert.deepEqual(JSON.parse(text(out.stdout)), [
      refused(`${base}/outside`),
      // The link is in the grant by name, not where it leads.
      refused(`${base}/outside`),
      `OK ${base}/data/sub`,
      refused("/nonexistent"),
    ]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
