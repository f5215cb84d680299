/**
 * TLS end to end: certificates made with openssl for each test, our server
 * and Debian's redis-server (built with TLS) started with the same flags,
 * redis-cli --tls and the node clients (ioredis, node-redis) talking to
 * them, plain and TLS ports at once, CONFIG SET tls-port and the reload of
 * the TLS files, and the configurations start-up refuses.
 */

import assert from "node:assert/strict";
import {
  freePort,
  hasRedisServer,
  runToExit,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";
import { text } from "../helpers/bytes.ts";
import { RespClient, RespError } from "../helpers/resp_client.ts";
import { nodeClientsInstalled, runNode } from "../helpers/node_clients.ts";
import {
  encryptKey,
  hasOpenssl,
  issueCertificate,
  makeAuthority,
  makeTlsFiles,
  type TlsFiles,
  tlsServerFlags,
} from "../helpers/tls.ts";

const ready = hasRedisServer() && hasOpenssl();
/** Runs `body` with fresh certificates, removed afterwards. */
async function withTlsFiles(
  body: (files: TlsFiles) => Promise<void>,
): Promise<void> {
  const files = await makeTlsFiles();
  try {
    await body(files);
  } finally {
    await Deno.remove(files.dir, { recursive: true });
  }
}

/**
 * Starts a server (ours unless `oracle`) serving TLS only, on a free port
 * (`port 0`, as in Redis's TLS guide).
 */
function startTlsOnly(
  files: TlsFiles,
  options: { oracle?: boolean; flags?: string[] } = {},
): Promise<TestServer> {
  const tlsPort = freePort();
  return startServer({
    oracle: options.oracle,
    // The start-up wait connects to the TLS port (without a handshake).
    port: tlsPort,
    flags: [
      ...tlsServerFlags(files, tlsPort),
      "--port",
      "0",
      ...options.flags ?? [],
    ],
  });
}

/** redis-cli --tls against 127.0.0.1:`port`; returns its stdout. */
async function redisCliTls(
  files: TlsFiles,
  port: number,
  args: string[],
): Promise<string> {
  const out = await new Deno.Command("redis-cli", {
    args: [
      "--tls",
      "--cacert",
      files.ca.cert,
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return text(out.stdout) + text(out.stderr);
}

Deno.test({
  name: "redis-cli --tls gets the same output from ours and redis-server",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const ours = await startTlsOnly(files);
      const redis = await startTlsOnly(files, { oracle: true });
      try {
        const commands = [
          ["SET", "greeting", "hello over tls"],
          ["GET", "greeting"],
          ["INCR", "counter"],
          ["RPUSH", "list", "a", "b", "c"],
          ["LRANGE", "list", "0", "-1"],
          ["GET", "missing"],
          ["CONFIG", "GET", "port"],
          ["PING"],
        ];
        for (const command of commands) {
          assert.equal(
            await redisCliTls(files, ours.port, command),
            await redisCliTls(files, redis.port, command),
            command.join(" "),
          );
        }
        // INFO's tcp_port is the TLS port when there is no plain one.
        for (const server of [ours, redis]) {
          const info = await redisCliTls(files, server.port, [
            "INFO",
            "server",
          ]);
          assert.match(info, new RegExp(`^tcp_port:${server.port}\r?$`, "m"));
        }
      } finally {
        await ours.stop();
        await redis.stop();
      }
    }),
});

Deno.test({
  name: "ioredis and node-redis connect over TLS and run commands",
  ignore: !ready ||
    !nodeClientsInstalled("TLS client test", "ioredis", "redis"),
  fn: () =>
    withTlsFiles(async (files) => {
      const server = await startTlsOnly(files);
      try {
        const script = `
          import assert from "node:assert/strict";
          import { readFileSync } from "node:fs";
          import { Redis } from "ioredis";
          import { createClient } from "redis";
          const [port, caFile] = process.argv.slice(1);
          const ca = readFileSync(caFile);
          const io = new Redis({
            host: "127.0.0.1", port: Number(port), tls: { ca },
            maxRetriesPerRequest: 0, retryStrategy: () => null,
          });
          assert.equal(await io.set("io:key", "v1"), "OK");
          assert.equal(await io.get("io:key"), "v1");
          assert.deepEqual(await io.hset("io:hash", "f", "1"), 1);
          assert.deepEqual(await io.hgetall("io:hash"), { f: "1" });
          await io.quit();
          const redis = createClient({
            socket: {
              host: "127.0.0.1", port: Number(port), tls: true, ca,
              reconnectStrategy: false,
            },
          });
          await redis.connect();
          assert.equal(await redis.get("io:key"), "v1");
          assert.equal(await redis.incrBy("nr:counter", 5), 5);
          assert.equal(await redis.ping(), "PONG");
          await redis.quit();
          console.log("ok");
        `;
        const out = await runNode([
          "--input-type=module",
          "-e",
          script,
          String(server.port),
          files.ca.cert,
        ]);
        assert.equal(out.trim(), "ok");
      } finally {
        await server.stop();
      }
    }),
});

Deno.test({
  name: "plain and TLS ports serve at the same time, the same dataset",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const tlsPort = freePort();
      const server = await startServer({
        flags: tlsServerFlags(files, tlsPort),
      });
      const plain = await server.connect();
      let secure: RespClient | null = null;
      try {
        secure = await RespClient.connectTls(tlsPort, files.ca.cert);
        assert.equal(await plain.call("SET", "shared", "from plain"), "OK");
        assert.equal(await secure.call("GET", "shared"), "from plain");
        assert.equal(await secure.call("SET", "shared", "from tls"), "OK");
        assert.equal(await plain.call("GET", "shared"), "from tls");
        const list = String(await plain.call("CLIENT", "LIST"));
        assert.match(list, new RegExp(`laddr=127\\.0\\.0\\.1:${server.port} `));
        assert.match(list, new RegExp(`laddr=127\\.0\\.0\\.1:${tlsPort} `));
        const info = String(await secure.call("INFO", "server"));
        assert.match(info, new RegExp(`^tcp_port:${server.port}\r$`, "m"));
        // A plain client on the TLS port is dropped, and the port keeps serving.
        const wrong = await Deno.connect({
          hostname: "127.0.0.1",
          port: tlsPort,
        });
        await wrong.write(new TextEncoder().encode("PING\r\n"));
        const buffer = new Uint8Array(64);
        const read = await wrong.read(buffer).catch(() => null);
        assert.ok(read === null || read < 64);
        wrong.close();
        assert.equal(await secure.call("PING"), "PONG");
      } finally {
        secure?.close();
        plain.close();
        await server.stop();
      }
    }),
});

Deno.test({
  name:
    "CONFIG SET tls-port opens, moves and closes the TLS listener, with Redis's errors",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const tlsFlags = tlsServerFlags(files, 0);
      const ours = await startServer({ flags: tlsFlags });
      const redis = await startServer({ oracle: true, flags: tlsFlags });
      const oursClient = await ours.connect();
      const redisClient = await redis.connect();
      const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const busyPort = (busy.addr as Deno.NetAddr).port;
      try {
        const both = async (...args: string[]) => {
          const reply = await oursClient.call(...args);
          assert.deepEqual(
            reply,
            await redisClient.call(...args),
            args.join(" "),
          );
          return reply;
        };
        // Each server on a port of its own.
        const first = freePort();
        assert.equal(
          await oursClient.call("CONFIG", "SET", "tls-port", String(first)),
          "OK",
        );
        assert.equal(
          await redisClient.call(
            "CONFIG",
            "SET",
            "tls-port",
            String(freePort()),
          ),
          "OK",
        );
        const secure = await RespClient.connectTls(first, files.ca.cert);
        assert.equal(await secure.call("PING"), "PONG");
        assert.deepEqual(
          await both("CONFIG", "SET", "tls-port", String(busyPort)),
          new RespError(
            "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs.",
          ),
        );
        assert.deepEqual(await oursClient.call("CONFIG", "GET", "tls-port"), [
          "tls-port",
          String(first),
        ]);
        const second = freePort();
        assert.equal(
          await oursClient.call("CONFIG", "SET", "tls-port", String(second)),
          "OK",
        );
        await assert.rejects(() => RespClient.connectTls(first, files.ca.cert));
        const moved = await RespClient.connectTls(second, files.ca.cert);
        assert.equal(await moved.call("PING"), "PONG");
        moved.close();
        // The connection made before the move stays.
        assert.equal(await secure.call("PING"), "PONG");
        secure.close();
        assert.equal(await both("CONFIG", "SET", "tls-port", "0"), "OK");
        await assert.rejects(() =>
          RespClient.connectTls(second, files.ca.cert)
        );
        assert.equal(await oursClient.call("PING"), "PONG");
      } finally {
        busy.close();
        oursClient.close();
        redisClient.close();
        await ours.stop();
        await redis.stop();
      }
    }),
});

Deno.test({
  name:
    "CONFIG SET of the TLS files reloads them for new connections; bad files are refused as in Redis",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const tlsPort = freePort();
      const ours = await startServer({
        flags: tlsServerFlags(files, tlsPort),
        captureOutput: true,
      });
      const redis = await startServer({
        oracle: true,
        flags: tlsServerFlags(files, freePort()),
      });
      const client = await ours.connect();
      const redisClient = await redis.connect();
      const before = await RespClient.connectTls(tlsPort, files.ca.cert);
      try {
        const other = await makeAuthority(files.dir, "other-ca");
        const renewed = await issueCertificate(files.dir, other, "renewed");
        assert.equal(
          await client.call(
            "CONFIG",
            "SET",
            "tls-cert-file",
            renewed.cert,
            "tls-key-file",
            renewed.key,
          ),
          "OK",
        );
        // New connections get the new certificate (after the listener is
        // reopened, within a moment); the old one keeps its session.
        let after: RespClient | null = null;
        const deadline = Date.now() + 5000;
        while (after === null) {
          try {
            after = await RespClient.connectTls(tlsPort, other.cert);
          } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
        assert.equal(await after.call("PING"), "PONG");
        after.close();
        await assert.rejects(() =>
          RespClient.connectTls(tlsPort, files.ca.cert)
        );
        assert.equal(await before.call("PING"), "PONG");

        // Files Redis cannot load either: the same error, nothing changes.
        for (
          const [name, value] of [
            ["tls-cert-file", `${files.dir}/missing.crt`],
            ["tls-cert-file", files.server.key],
            ["tls-key-file", files.ca.key],
            ["tls-ca-cert-file", files.server.key],
          ]
        ) {
          const args = ["CONFIG", "SET", name, value];
          const reply = await client.call(...args);
          assert.deepEqual(
            reply,
            await redisClient.call(...args),
            args.join(" "),
          );
          assert.deepEqual(
            reply,
            new RespError(
              `ERR CONFIG SET failed (possibly related to argument '${name}') - Unable to update TLS configuration. Check server logs.`,
            ),
          );
        }
        assert.deepEqual(await client.call("CONFIG", "GET", "tls-cert-file"), [
          "tls-cert-file",
          renewed.cert,
        ]);
        // What Deno's TLS cannot do is refused with the reason.
        const refused = await client.call(
          "CONFIG",
          "SET",
          "tls-auth-clients",
          "yes",
        );
        assert.ok(refused instanceof RespError);
        assert.match(
          refused.message,
          /^ERR CONFIG SET failed \(possibly related to argument 'tls-auth-clients'\) - tls-auth-clients yes is not supported: .*Set tls-auth-clients no/,
        );
        assert.deepEqual(
          await client.call("CONFIG", "GET", "tls-auth-clients"),
          ["tls-auth-clients", "no"],
        );
        const newer = await RespClient.connectTls(tlsPort, other.cert);
        assert.equal(await newer.call("PING"), "PONG");
        newer.close();
      } finally {
        before.close();
        client.close();
        redisClient.close();
        await ours.stop();
        await redis.stop();
      }
      const { stdout } = await ours.output;
      assert.match(stdout, /# Failed to load certificate: .*missing\.crt: /);
      assert.match(
        stdout,
        /# Failed to load private key: .*: key values mismatch/,
      );
    }),
});

/** The messages of the warning lines (`# ...`) a server logged. */
function warnings(log: string): string[] {
  return [...log.matchAll(/^\d+:[CMSX] .*? # (.*)$/gm)].map((m) => m[1]);
}

Deno.test({
  name: "start-up: Redis's own TLS errors, as redis-server gives them",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const port = String(freePort());
      const { cert, key } = files.server;
      const cases: [string[], RegExp][] = [
        [["--tls-port", port], /^No tls-cert-file configured!$/],
        [["--tls-port", port, "--tls-cert-file", cert], /^No tls-key-file/],
        [
          ["--tls-port", port, "--tls-cert-file", cert, "--tls-key-file", key],
          /^Either tls-ca-cert-file or tls-ca-cert-dir must be specified/,
        ],
        [
          ["--tls-replication", "yes", "--tls-cert-file", cert],
          /^No tls-key-file configured!$/,
        ],
        [
          [
            ...tlsServerFlags(files, Number(port)),
            "--tls-protocols",
            "TLSv1.2 SSLv3",
          ],
          /^Invalid tls-protocols specified/,
        ],
        [
          [...tlsServerFlags(files, Number(port)), "--tls-cert-file", key],
          /^Failed to load certificate: .*server\.key: /,
        ],
        [
          [
            ...tlsServerFlags(files, Number(port)),
            "--tls-key-file",
            files.ca.key,
          ],
          /^Failed to load private key: .*ca\.key: .*key values mismatch$/,
        ],
        [
          [
            ...tlsServerFlags(files, Number(port)),
            "--tls-ca-cert-file",
            `${files.dir}/none.crt`,
          ],
          /^Failed to configure CA certificate\(s\) file\/directory: /,
        ],
      ];
      for (const [flags, expected] of cases) {
        const args = ["--port", "0", "--save", "", ...flags];
        const ours = await runToExit({ args, cwd: files.dir });
        const redis = await runToExit({ oracle: true, args, cwd: files.dir });
        for (
          const [who, result] of [["ours", ours], ["redis", redis]] as const
        ) {
          assert.equal(result.code, 1, `${who}: ${flags.join(" ")}`);
          const lines = warnings(result.stdout).slice(-2);
          assert.match(lines[0] ?? "", expected, `${who}: ${result.stdout}`);
          assert.equal(
            lines[1],
            "Failed to configure TLS. Check logs for more info.",
          );
        }
        // Where Redis's words need no OpenSSL error text, they are the same.
        if (!/Failed to/.test(expected.source)) {
          assert.deepEqual(
            warnings(ours.stdout).slice(-2),
            warnings(redis.stdout).slice(-2),
          );
        }
      }
      // Listening nowhere, and a TLS port in use.
      const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const busyPort = (busy.addr as Deno.NetAddr).port;
      try {
        const cases: [string[], number][] = [
          [["--port", "0", "--save", ""], 1],
          [[
            "--port",
            "0",
            "--save",
            "",
            "--bind",
            "127.0.0.1",
            ...tlsServerFlags(files, busyPort),
          ], 2],
        ];
        for (const [args, lines] of cases) {
          const ours = await runToExit({ args, cwd: files.dir });
          const redis = await runToExit({ oracle: true, args, cwd: files.dir });
          assert.equal(ours.code, 1);
          assert.equal(redis.code, 1);
          assert.deepEqual(
            warnings(ours.stdout).slice(-lines),
            warnings(redis.stdout).slice(-lines),
          );
        }
      } finally {
        busy.close();
      }
    }),
});

Deno.test({
  name:
    "start-up refuses what Deno's TLS cannot do, saying which setting to change",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const base = ["--port", "0", ...tlsServerFlags(files, freePort())];
      const cases: [string[], RegExp][] = [
        [
          ["--tls-auth-clients", "yes"],
          /^tls-auth-clients yes is not supported: Deno's TLS listener cannot request or verify client certificates\. Set tls-auth-clients no/,
        ],
        [
          ["--tls-auth-clients", "optional"],
          /^tls-auth-clients optional is not/,
        ],
        [
          ["--tls-protocols", "TLSv1.3"],
          /^tls-protocols "TLSv1\.3" is not supported: .*TLSv1\.2 and TLSv1\.3/,
        ],
        [["--tls-protocols", "TLSv1.1 TLSv1.2 TLSv1.3"], /^tls-protocols/],
        [["--tls-ciphers", "HIGH"], /^tls-ciphers is not supported/],
        [["--tls-ciphersuites", "TLS_AES_128_GCM_SHA256"], /^tls-ciphersuites/],
        [["--tls-prefer-server-ciphers", "yes"], /^tls-prefer-server-ciphers/],
        [["--tls-dh-params-file", "dh.pem"], /^tls-dh-params-file is not/],
      ];
      for (const [flags, expected] of cases) {
        const result = await runToExit({
          args: [...base, ...flags],
          cwd: files.dir,
        });
        assert.equal(result.code, 1, flags.join(" "));
        const lines = warnings(result.stdout).slice(-2);
        assert.match(lines[0] ?? "", expected, result.stdout);
        assert.equal(
          lines[1],
          "Failed to configure TLS. Check logs for more info.",
        );
      }
      // Both protocols, in any order and case, are what Deno's TLS does.
      const server = await startTlsOnly(files, {
        flags: ["--tls-protocols", "tlsv1.3 TLSv1.2"],
      });
      try {
        const client = await RespClient.connectTls(server.port, files.ca.cert);
        assert.equal(await client.call("PING"), "PONG");
        client.close();
      } finally {
        await server.stop();
      }
    }),
});

Deno.test({
  name: "an encrypted key is used with tls-key-file-pass, and refused without",
  ignore: !ready,
  fn: () =>
    withTlsFiles(async (files) => {
      const encrypted = await encryptKey(
        files.dir,
        files.server.key,
        "s3cret",
        "encrypted.key",
      );
      const flags = [
        ...tlsServerFlags(files, freePort()),
        "--tls-key-file",
        encrypted,
      ];
      for (const pass of [[], ["--tls-key-file-pass", "wrong"]]) {
        const args = ["--port", "0", ...flags, ...pass];
        const ours = await runToExit({ args, cwd: files.dir });
        const redis = await runToExit({ oracle: true, args, cwd: files.dir });
        assert.equal(ours.code, 1);
        assert.equal(redis.code, 1);
        const [ourLine] = warnings(ours.stdout).slice(-2);
        const [redisLine] = warnings(redis.stdout).slice(-2);
        assert.match(
          ourLine,
          /^Failed to load private key: .*encrypted\.key: /,
        );
        assert.match(
          redisLine,
          /^Failed to load private key: .*encrypted\.key: /,
        );
      }
      const server = await startTlsOnly(files, {
        flags: ["--tls-key-file", encrypted, "--tls-key-file-pass", "s3cret"],
      });
      try {
        const client = await RespClient.connectTls(server.port, files.ca.cert);
        assert.equal(await client.call("SET", "k", "v"), "OK");
        client.close();
      } finally {
        await server.stop();
      }
    }),
});
