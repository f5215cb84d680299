/**
 * TLS for end-to-end tests: certificates made with openssl in a test's
 * temporary directory (a CA, and certificates it signs for 127.0.0.1).
 * RespClient.connectTls (resp_client.ts) talks to a TLS port.
 *
 * @module
 */

import { text } from "./bytes.ts";

/** Runs openssl with `args` in `cwd`; throws with its output if it fails. */
async function openssl(cwd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `openssl ${args.join(" ")}: ${text(out.stdout)}${text(out.stderr)}`,
    );
  }
}

/** Whether openssl can be run (the tests that need certificates skip without). */
export function hasOpenssl(): boolean {
  try {
    return new Deno.Command("openssl", {
      args: ["version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

/** A certificate authority: its certificate and key files. */
export interface Authority {
  /** The CA certificate (PEM file). */
  readonly cert: string;
  /** Its private key (PEM file). */
  readonly key: string;
}

/** A certificate signed by an authority, with its key. */
export interface Issued {
  /** The certificate (PEM file). */
  readonly cert: string;
  /** Its private key (PEM file, unencrypted). */
  readonly key: string;
}

/** Makes a CA named `name` in `dir` (files `<name>.crt`, `<name>.key`). */
export async function makeAuthority(
  dir: string,
  name = "ca",
): Promise<Authority> {
  await openssl(dir, [
    "req",
    "-x509",
    "-new",
    "-nodes",
    "-newkey",
    "rsa:2048",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-subj",
    `/CN=redis-ts test ${name}`,
  ]);
  return { cert: `${dir}/${name}.crt`, key: `${dir}/${name}.key` };
}

/**
 * Makes a certificate for 127.0.0.1 (IP SAN) signed by `ca`, in `dir`
 * (files `<name>.crt`, `<name>.key`).
 */
export async function issueCertificate(
  dir: string,
  ca: Authority,
  name = "server",
): Promise<Issued> {
  await openssl(dir, [
    "req",
    "-new",
    "-nodes",
    "-newkey",
    "rsa:2048",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await Deno.writeTextFile(
    `${dir}/${name}.ext`,
    "subjectAltName=IP:127.0.0.1\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]);
  return { cert: `${dir}/${name}.crt`, key: `${dir}/${name}.key` };
}

/** Writes `key` encrypted with `password` (AES-256, PKCS#8) to `out`. */
export async function encryptKey(
  dir: string,
  key: string,
  password: string,
  out: string,
): Promise<string> {
  await openssl(dir, [
    "pkey",
    "-in",
    key,
    "-aes256",
    "-passout",
    `pass:${password}`,
    "-out",
    out,
  ]);
  return `${dir}/${out}`;
}

/** A test directory with a CA and a server certificate for 127.0.0.1. */
export interface TlsFiles {
  /** The directory; the caller removes it. */
  readonly dir: string;
  /** The CA. */
  readonly ca: Authority;
  /** The server certificate, signed by the CA. */
  readonly server: Issued;
}

/** Makes a temporary directory with a CA and a server certificate. */
export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-tls-" });
  try {
    const ca = await makeAuthority(dir);
    const server = await issueCertificate(dir, ca);
    return { dir, ca, server };
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
}

/** The certificate, key and CA flags of `files`. */
export function tlsFileFlags(files: TlsFiles): string[] {
  return [
    "--tls-cert-file",
    files.server.cert,
    "--tls-key-file",
    files.server.key,
    "--tls-ca-cert-file",
    files.ca.cert,
  ];
}

/** The flags that serve TLS on `tlsPort` with `files` (no client certificates). */
export function tlsServerFlags(files: TlsFiles, tlsPort: number): string[] {
  return [
    "--tls-port",
    String(tlsPort),
    ...tlsFileFlags(files),
    "--tls-auth-clients",
    "no",
  ];
}
