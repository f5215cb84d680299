/**
 * Redis's dataset digest (DEBUG DIGEST and DEBUG DIGEST-VALUE): a SHA-1
 * based fingerprint that is the same for the same data on any server, which
 * is how tests compare datasets across replication and persistence.
 *
 * Reproduced from Redis 7.0's documented behaviour and by experiment
 * against redis-server 7.0.15. Two primitives act on a 20-byte digest:
 *
 * - xor(d, bytes): d ^= SHA1(bytes), which does not depend on order;
 * - mix(d, bytes): xor(d, bytes), then d = SHA1(d), which does.
 *
 * A value's digest starts at zero and mixes the type's number as 4
 * big-endian bytes (string 0, list 1, set 2, zset 3, hash 4, stream 6),
 * then the contents: a string mixes its bytes; a list mixes each element
 * in order; a set xors each member; a hash xors, per field, the digest
 * (from zero) of mix(field), mix(value); a sorted set likewise with the
 * member and the score printed as by printf("%.17g"); a stream mixes, per
 * entry, its ID as "<ms>.<seq>" and then each field and value (consumer
 * groups are left out). A key with an expiry time finally gets
 * xor("!!expire!!"), whatever the time.
 *
 * The dataset digest starts at zero; each non-empty database mixes its
 * number (4 big-endian bytes), and each of its keys contributes
 * xor(key digest), where the key digest is mix(key) followed by the value
 * digest. Every stored key counts, expired ones that are not yet reclaimed
 * included, as in Redis. An empty dataset gives 40 zeros.
 *
 * @module
 */

import type { Keyspace } from "../store/keyspace.ts";
import type { Entry, ValueType } from "../store/database.ts";
import type { PlainStream } from "../persistence/rdb_stream.ts";
import { plainValueOf } from "../persistence/snapshot.ts";
import { stringToBytes } from "../util/bytes.ts";
import { formatDouble } from "../util/numbers.ts";
import { Sha1, SHA1_LENGTH, toHex } from "../util/sha1.ts";

/**
 * Redis's type numbers (OBJ_STRING...) as 4 big-endian bytes, mixed into
 * every value digest.
 */
const TYPE_NUMBERS: Record<ValueType, Uint8Array> = {
  string: Uint8Array.of(0, 0, 0, 0),
  list: Uint8Array.of(0, 0, 0, 1),
  set: Uint8Array.of(0, 0, 0, 2),
  zset: Uint8Array.of(0, 0, 0, 3),
  hash: Uint8Array.of(0, 0, 0, 4),
  stream: Uint8Array.of(0, 0, 0, 6),
};

const EXPIRE_MARK = stringToBytes("!!expire!!");
const ascii = new TextEncoder();

/** The digest primitives over one reusable SHA-1. */
class Digester {
  readonly #sha = new Sha1();
  readonly #scratch = new Uint8Array(SHA1_LENGTH);

  /** digest ^= SHA1(bytes). */
  xor(digest: Uint8Array, bytes: Uint8Array): void {
    const hash = this.#sha.update(bytes).digest(this.#scratch);
    for (let i = 0; i < SHA1_LENGTH; i++) digest[i] ^= hash[i];
  }

  /** digest ^= SHA1(bytes), then digest = SHA1(digest). */
  mix(digest: Uint8Array, bytes: Uint8Array): void {
    this.xor(digest, bytes);
    this.#sha.update(digest).digest(digest);
  }

  /** Mixes a 32-bit number as 4 big-endian bytes (htonl). */
  mixUint32(digest: Uint8Array, n: number): void {
    this.mix(digest, Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n));
  }

  /** xor of the digest (from zero) of mix(first), mix(second). */
  xorPair(digest: Uint8Array, first: Uint8Array, second: Uint8Array): void {
    const pair = new Uint8Array(SHA1_LENGTH);
    this.mix(pair, first);
    this.mix(pair, second);
    this.xor(digest, pair);
  }

  /** Adds the value of `entry` (type, contents, expiry) to `digest`. */
  value(digest: Uint8Array, entry: Entry): void {
    this.mix(digest, TYPE_NUMBERS[entry.type]);
    const plain = plainValueOf(entry);
    switch (plain.type) {
      case "string":
        this.mix(digest, plain.value);
        break;
      case "list":
        for (const item of plain.items) this.mix(digest, item);
        break;
      case "set":
        for (const member of plain.members) this.xor(digest, member);
        break;
      case "hash":
        for (const [field, value] of plain.pairs) {
          this.xorPair(digest, field, value);
        }
        break;
      case "zset":
        for (const [member, score] of plain.entries) {
          this.xorPair(digest, member, ascii.encode(formatDouble(score)));
        }
        break;
      case "stream":
        for (const { id, fields } of (plain.stream as PlainStream).entries) {
          this.mix(digest, ascii.encode(`${id[0]}.${id[1]}`));
          for (const field of fields) this.mix(digest, field);
        }
        break;
    }
    if (entry.expireAt !== 0) this.xor(digest, EXPIRE_MARK);
  }
}

/**
 * The digest of one value, as DEBUG DIGEST-VALUE reports it (the key's name
 * is not part of it): 40 hex digits, zeros for a missing key.
 */
export function valueDigest(entry: Entry | undefined): string {
  const digest = new Uint8Array(SHA1_LENGTH);
  if (entry !== undefined) new Digester().value(digest, entry);
  return toHex(digest);
}

/** The digest of every database, as DEBUG DIGEST reports it (40 hex digits). */
export function datasetDigest(keyspace: Keyspace): string {
  const digester = new Digester();
  const final = new Uint8Array(SHA1_LENGTH);
  const keyDigest = new Uint8Array(SHA1_LENGTH);
  keyspace.databases.forEach((db, index) => {
    if (db.size === 0) return;
    digester.mixUint32(final, index);
    for (const [key, entry] of db.entries()) {
      keyDigest.fill(0);
      digester.mix(keyDigest, stringToBytes(key));
      digester.value(keyDigest, entry);
      digester.xor(final, keyDigest);
    }
  });
  return toHex(final);
}
