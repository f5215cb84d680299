/**
 * TLS with Deno's TLS (rustls): the files the tls-* directives name, read
 * into what `Deno.listenTls` and `Deno.connectTls` take, and the replica's
 * TLS connection to its master.
 *
 * Reading happens when TLS is configured (start-up, CONFIG SET), as Redis
 * builds its TLS context then: a missing or bad file is refused at once
 * with Redis's log line, not found later by a connection. Keys may be
 * encrypted (tls-key-file-pass): Deno's TLS only takes plain PEM keys, so
 * they are decrypted in memory with the runtime's own `node:crypto`, which
 * also checks that each key belongs to its certificate as OpenSSL does.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createPrivateKey, X509Certificate } from "node:crypto";
import {
  type ConfigReader,
  TLS_UPDATE_FAILED,
  tlsSettingsProblem,
} from "../config/directives.ts";
import { binaryToText, stringToBytes } from "../util/bytes.ts";
import { osErrorText } from "../util/files.ts";

/** Certificates and keys read from the tls-* files, in the PEM form Deno's TLS takes. */
export interface TlsMaterial {
  /** The server's certificate chain (tls-cert-file). */
  readonly cert: string;
  /** The server's private key, decrypted (tls-key-file, tls-key-file-pass). */
  readonly key: string;
  /**
   * The certificate a replica presents to its master: tls-client-cert-file
   * when both it and tls-client-key-file are set, else the server's (as in
   * Redis).
   */
  readonly clientCert: string;
  /** The key of `clientCert`, decrypted. */
  readonly clientKey: string;
  /** Trusted CA certificates: tls-ca-cert-file's, then tls-ca-cert-dir's. */
  readonly caCerts: readonly string[];
}

/** TLS cannot be configured as asked: the line to log and CONFIG SET's error. */
export class TlsConfigError extends Error {
  /** `logLine` says why; `reply` is what CONFIG SET answers. */
  constructor(readonly logLine: string, readonly reply: string) {
    super(logLine);
    this.name = "TlsConfigError";
  }
}

/** The PEM blocks of `text` whose label satisfies `wanted`, whole. */
function pemBlocks(text: string, wanted: (label: string) => boolean): string[] {
  const blocks: string[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    if (wanted(match[1])) blocks.push(match[0]);
  }
  return blocks;
}

const isCertificate = (label: string) => label === "CERTIFICATE";
const isPrivateKey = (label: string) => label.endsWith("PRIVATE KEY");

/**
 * The certificates of a PEM file, each checked to parse; `fail` makes the
 * error for a reason.
 */
function readCertificates(
  path: string,
  fail: (why: string) => TlsConfigError,
): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw fail(osErrorText(error));
  }
  const certs = pemBlocks(text, isCertificate);
  if (certs.length === 0) throw fail("no certificate found");
  for (const cert of certs) {
    try {
      new X509Certificate(cert);
    } catch (error) {
      throw fail(osErrorText(error));
    }
  }
  return certs;
}

/** A certificate chain file (tls-cert-file, tls-client-cert-file). */
function loadCertificateChain(value: string): string[] {
  const path = binaryToText(value);
  return readCertificates(
    path,
    (why) =>
      new TlsConfigError(
        `Failed to load certificate: ${path}: ${why}`,
        TLS_UPDATE_FAILED,
      ),
  );
}

/**
 * A private key file, decrypted with `pass` when it is encrypted, checked
 * against the chain's leaf certificate, and exported as plain PKCS#8.
 */
function loadPrivateKey(value: string, pass: string, leaf: string): string {
  const path = binaryToText(value);
  const fail = (why: string) =>
    new TlsConfigError(
      `Failed to load private key: ${path}: ${why}`,
      TLS_UPDATE_FAILED,
    );
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw fail(osErrorText(error));
  }
  const block = pemBlocks(text, isPrivateKey)[0];
  if (block === undefined) throw fail("no private key found");
  let key;
  try {
    // Like OpenSSL without a password, an encrypted key then fails.
    key = createPrivateKey(
      pass === ""
        ? block
        : { key: block, passphrase: Buffer.from(stringToBytes(pass)) },
    );
  } catch (error) {
    throw fail(osErrorText(error));
  }
  if (!new X509Certificate(leaf).checkPrivateKey(key)) {
    throw fail("key values mismatch");
  }
  return key.export({ type: "pkcs8", format: "pem" }) as string;
}

/** OpenSSL's name for a certificate in a hashed directory ("3387b84d.0"). */
const HASHED_NAME = /^[0-9a-f]{8}\.\d+$/;

/**
 * The trusted CA certificates: every one of tls-ca-cert-file, then those of
 * tls-ca-cert-dir. OpenSSL looks a directory up by subject hash, so only its
 * c_rehash names count, and a directory that cannot be read, like one that
 * holds nothing, adds nothing (Redis accepts both).
 */
function loadCaCertificates(file: string, dir: string): string[] {
  const certs: string[] = [];
  if (file !== "") {
    certs.push(
      ...readCertificates(
        binaryToText(file),
        (why) =>
          new TlsConfigError(
            `Failed to configure CA certificate(s) file/directory: ${why}`,
            TLS_UPDATE_FAILED,
          ),
      ),
    );
  }
  if (dir !== "") {
    const path = binaryToText(dir);
    let names: string[] = [];
    try {
      names = [...Deno.readDirSync(path)].map((entry) => entry.name)
        .filter((name) => HASHED_NAME.test(name)).sort();
    } catch {
      // Nothing to trust from it.
    }
    for (const name of names) {
      try {
        const text = Deno.readTextFileSync(`${path}/${name}`);
        for (const cert of pemBlocks(text, isCertificate)) {
          new X509Certificate(cert);
          certs.push(cert);
        }
      } catch {
        // OpenSSL skips what it cannot use, too.
      }
    }
  }
  return certs;
}

/**
 * Reads everything TLS needs, after checking the settings
 * (tlsSettingsProblem), in Redis's order: the certificate, its key, the
 * CA certificates, then the client certificate and key. Throws
 * TlsConfigError.
 */
export function loadTlsMaterial(config: ConfigReader): TlsMaterial {
  const problem = tlsSettingsProblem(config);
  if (problem !== null) throw new TlsConfigError(problem.log, problem.reply);
  const chain = loadCertificateChain(config.get("tls-cert-file"));
  const key = loadPrivateKey(
    config.get("tls-key-file"),
    config.get("tls-key-file-pass"),
    chain[0],
  );
  const caCerts = loadCaCertificates(
    config.get("tls-ca-cert-file"),
    config.get("tls-ca-cert-dir"),
  );
  let clientChain = chain;
  let clientKey = key;
  const clientCertFile = config.get("tls-client-cert-file");
  const clientKeyFile = config.get("tls-client-key-file");
  if (clientCertFile !== "" && clientKeyFile !== "") {
    clientChain = loadCertificateChain(clientCertFile);
    clientKey = loadPrivateKey(
      clientKeyFile,
      config.get("tls-client-key-file-pass"),
      clientChain[0],
    );
  }
  return {
    cert: chain.join("\n"),
    key,
    clientCert: clientChain.join("\n"),
    clientKey,
    caCerts,
  };
}

/**
 * The TLS configuration in effect: what the last successful configuration
 * read, for the TLS listener and for the replica's next connection.
 */
export class TlsContext {
  #material: TlsMaterial | null = null;

  /** The material in effect, null until TLS has been configured. */
  get material(): TlsMaterial | null {
    return this.#material;
  }

  /**
   * Configures TLS from `config` (loadTlsMaterial) and puts the result in
   * effect; on TlsConfigError the previous material stays.
   */
  configure(config: ConfigReader): TlsMaterial {
    this.#material = loadTlsMaterial(config);
    return this.#material;
  }
}

/** Where and how a replica connects to its master over TLS. */
export interface MasterTlsConnect {
  /** The master's host, as replicaof names it. */
  readonly hostname: string;
  /** The master's TLS port. */
  readonly port: number;
  /** The certificates to trust and to present. */
  readonly material: TlsMaterial;
}

/**
 * Connects to a master over TLS and completes the handshake, so that a
 * certificate the replica does not trust fails here. The replica presents
 * its client certificate, for masters that ask for one (tls-auth-clients).
 * Deno trusts its default root CAs besides `caCerts` and checks that the
 * certificate names `hostname` (Redis checks only the chain).
 */
export async function connectMasterTls(
  options: MasterTlsConnect,
): Promise<Deno.TlsConn> {
  const { material } = options;
  const conn = await Deno.connectTls({
    hostname: options.hostname,
    port: options.port,
    caCerts: [...material.caCerts],
    cert: material.clientCert,
    key: material.clientKey,
  });
  try {
    await conn.handshake();
  } catch (error) {
    conn.close();
    throw error;
  }
  return conn;
}
