/**
 * Protected mode (`protected-mode yes`, the default): while the default
 * user has no password, only clients connecting from the loopback interface
 * are served. Redis 7.0 decides this for every accepted connection, whatever
 * `bind` says, and answers the others with one `-DENIED` error before
 * closing them.
 *
 * @module
 */

import type { Server } from "./server.ts";

/** The error a refused client receives, Redis 7.0.15's text byte for byte. */
export const PROTECTED_MODE_DENIED: string =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
  "In this mode connections are only accepted from the loopback interface. " +
  "If you want to connect from external computers to Redis you may adopt one of the following solutions: " +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, " +
  "however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
  "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
  "4) Setup a an authentication password for the default user. " +
  "NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/** What the protected-mode decision depends on. */
export interface ProtectedModeInput {
  /** `protected-mode yes`. */
  readonly protectedMode: boolean;
  /** The default user can be used without a password. */
  readonly defaultUserHasNoPassword: boolean;
  /** The client's IP address as the socket reports it ("127.0.0.1", "::1", "::ffff:10.0.0.1"). */
  readonly remoteAddress: string;
}

/**
 * The eight 16-bit groups of an IPv6 address (with "::" and a dotted IPv4
 * tail), or null when `text` is not one.
 */
function ipv6Groups(text: string): number[] | null {
  let body = text;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(body);
  if (dotted !== null) {
    const bytes = dotted.slice(2).map(Number);
    if (bytes.some((b) => b > 255)) return null;
    tail.push((bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]);
    body = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) =>
    part === ""
      ? []
      : part.split(":").map((g) =>
        /^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN
      );
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const given = head.length + rest.length + tail.length;
  if ([...head, ...rest].some(Number.isNaN)) return null;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const zeros = new Array<number>(8 - given).fill(0);
  return [...head, ...zeros, ...rest, ...tail];
}

/**
 * Whether a client at `address` counts as local. Redis 7.0 (islocalClient)
 * accepts exactly 127.0.0.1 and ::1, not the rest of 127.0.0.0/8. Redis's
 * IPv6 sockets are IPv6-only, so its IPv4 clients always show as IPv4;
 * Deno's dual-stack sockets show the same clients IPv4-mapped
 * (::ffff:127.0.0.1), which therefore count as their IPv4 address.
 */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]")
    ? address.slice(1, -1)
    : address;
  if (bare === "127.0.0.1") return true;
  const groups = ipv6Groups(bare);
  if (groups === null) return false;
  const zeroUntil = (n: number) => groups.slice(0, n).every((g) => g === 0);
  // ::1
  if (zeroUntil(7) && groups[7] === 1) return true;
  // ::ffff:127.0.0.1
  return zeroUntil(5) && groups[5] === 0xffff && groups[6] === 0x7f00 &&
    groups[7] === 1;
}

/**
 * Redis 7.0's protected-mode check of an accepted connection: true when it
 * must be refused (protected mode on, no password for the default user, and
 * the client not on loopback).
 */
export function protectedModeRefuses(input: ProtectedModeInput): boolean {
  return input.protectedMode && input.defaultUserHasNoPassword &&
    !isLoopbackAddress(input.remoteAddress);
}

/**
 * Whether the default user needs no password (its nopass flag, which
 * requirepass "" and ACL SETUSER default nopass both set), as Redis checks.
 */
export function defaultUserHasNoPassword(server: Server): boolean {
  return server.acl.defaultUser.nopass;
}
