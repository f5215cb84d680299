/**
 * Readers for the compact encodings Redis embeds in RDB files (listpack,
 * ziplist, intset, zipmap). Integers stored in them are returned as their
 * decimal text, which is how Redis hands them out.
 *
 * @module
 */

/** Thrown for a malformed compact encoding. */
export class EncodingError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "EncodingError";
  }
}

const ascii = new TextEncoder();

function intBytes(value: number | bigint): Uint8Array {
  return ascii.encode(String(value));
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new EncodingError(what);
}

/** Bytes a listpack back-length field takes for an entry of `size` bytes. */
function backlenSize(size: number): number {
  if (size < 128) return 1;
  if (size < 16384) return 2;
  if (size < 2097152) return 3;
  if (size < 268435456) return 4;
  return 5;
}

/** Decodes every element of a listpack. */
export function parseListpack(lp: Uint8Array): Uint8Array[] {
  check(lp.length >= 7, "listpack too short");
  const view = new DataView(lp.buffer, lp.byteOffset, lp.byteLength);
  const total = view.getUint32(0, true);
  check(total === lp.length, "listpack size mismatch");
  const items: Uint8Array[] = [];
  let p = 6;
  while (true) {
    check(p < lp.length, "listpack missing end marker");
    const b = lp[p];
    if (b === 0xff) break;
    let headerLen: number;
    let dataLen = 0;
    let value: Uint8Array;
    if ((b & 0x80) === 0) {
      headerLen = 1;
      value = intBytes(b & 0x7f);
    } else if ((b & 0xc0) === 0x80) {
      headerLen = 1;
      dataLen = b & 0x3f;
      value = lp.slice(p + 1, p + 1 + dataLen);
    } else if ((b & 0xe0) === 0xc0) {
      headerLen = 2;
      let v = ((b & 0x1f) << 8) | lp[p + 1];
      if (v >= 4096) v -= 8192;
      value = intBytes(v);
    } else if ((b & 0xf0) === 0xe0) {
      headerLen = 2;
      dataLen = ((b & 0x0f) << 8) | lp[p + 1];
      value = lp.slice(p + 2, p + 2 + dataLen);
    } else if (b === 0xf0) {
      headerLen = 5;
      dataLen = view.getUint32(p + 1, true);
      value = lp.slice(p + 5, p + 5 + dataLen);
    } else if (b === 0xf1) {
      headerLen = 3;
      value = intBytes(view.getInt16(p + 1, true));
    } else if (b === 0xf2) {
      headerLen = 4;
      let v = lp[p + 1] | (lp[p + 2] << 8) | (lp[p + 3] << 16);
      if (v >= 0x800000) v -= 0x1000000;
      value = intBytes(v);
    } else if (b === 0xf3) {
      headerLen = 5;
      value = intBytes(view.getInt32(p + 1, true));
    } else if (b === 0xf4) {
      headerLen = 9;
      value = intBytes(view.getBigInt64(p + 1, true));
    } else throw new EncodingError(`bad listpack entry encoding ${b}`);
    const entryLen = headerLen + dataLen;
    check(p + entryLen <= lp.length, "listpack entry out of bounds");
    items.push(value);
    p += entryLen + backlenSize(entryLen);
  }
  return items;
}

/** Decodes every element of a ziplist. */
export function parseZiplist(zl: Uint8Array): Uint8Array[] {
  check(zl.length >= 11, "ziplist too short");
  const view = new DataView(zl.buffer, zl.byteOffset, zl.byteLength);
  check(view.getUint32(0, true) === zl.length, "ziplist size mismatch");
  const items: Uint8Array[] = [];
  let p = 10;
  while (true) {
    check(p < zl.length, "ziplist missing end marker");
    if (zl[p] === 0xff) break;
    p += zl[p] === 0xfe ? 5 : 1; // previous entry length
    check(p < zl.length, "ziplist entry out of bounds");
    const b = zl[p];
    const kind = b >> 6;
    if (kind === 0) {
      const len = b & 0x3f;
      items.push(zl.slice(p + 1, p + 1 + len));
      p += 1 + len;
    } else if (kind === 1) {
      const len = ((b & 0x3f) << 8) | zl[p + 1];
      items.push(zl.slice(p + 2, p + 2 + len));
      p += 2 + len;
    } else if (kind === 2) {
      const len = view.getUint32(p + 1, false);
      items.push(zl.slice(p + 5, p + 5 + len));
      p += 5 + len;
    } else if (b === 0xc0) {
      items.push(intBytes(view.getInt16(p + 1, true)));
      p += 3;
    } else if (b === 0xd0) {
      items.push(intBytes(view.getInt32(p + 1, true)));
      p += 5;
    } else if (b === 0xe0) {
      items.push(intBytes(view.getBigInt64(p + 1, true)));
      p += 9;
    } else if (b === 0xf0) {
      let v = zl[p + 1] | (zl[p + 2] << 8) | (zl[p + 3] << 16);
      if (v >= 0x800000) v -= 0x1000000;
      items.push(intBytes(v));
      p += 4;
    } else if (b === 0xfe) {
      items.push(intBytes(view.getInt8(p + 1)));
      p += 2;
    } else if (b >= 0xf1 && b <= 0xfd) {
      items.push(intBytes((b & 0x0f) - 1));
      p += 1;
    } else throw new EncodingError(`bad ziplist entry encoding ${b}`);
    check(p <= zl.length, "ziplist entry out of bounds");
  }
  return items;
}

/** Decodes the members of an intset. */
export function parseIntset(data: Uint8Array): Uint8Array[] {
  check(data.length >= 8, "intset too short");
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  check(width === 2 || width === 4 || width === 8, "bad intset encoding");
  check(data.length === 8 + width * count, "intset size mismatch");
  const items: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    const v = width === 2
      ? view.getInt16(at, true)
      : width === 4
      ? view.getInt32(at, true)
      : view.getBigInt64(at, true);
    items.push(intBytes(v));
  }
  return items;
}

/** Decodes a zipmap (the pre-2.6 small hash encoding) into field/value pairs. */
export function parseZipmap(data: Uint8Array): [Uint8Array, Uint8Array][] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const pairs: [Uint8Array, Uint8Array][] = [];
  let p = 1;
  const readLen = (): number => {
    check(p < data.length, "zipmap truncated");
    const b = data[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      const len = view.getUint32(p + 1, true);
      p += 5;
      return len;
    }
    return -1;
  };
  while (true) {
    const keyLen = readLen();
    if (keyLen < 0) break;
    const key = data.slice(p, p + keyLen);
    p += keyLen;
    const valueLen = readLen();
    check(valueLen >= 0, "zipmap value missing");
    const free = data[p++];
    const value = data.slice(p, p + valueLen);
    p += valueLen + free;
    check(p <= data.length, "zipmap entry out of bounds");
    pairs.push([key, value]);
  }
  return pairs;
}

/** Builds a listpack holding `items` (integers use the integer encodings). */
export function buildListpack(
  items: readonly (Uint8Array | bigint)[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 6;
  for (const item of items) {
    const entry = listpackEntry(item);
    const back = backlen(entry.length);
    parts.push(entry, back);
    total += entry.length + back.length;
  }
  total += 1;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, true);
  view.setUint16(4, items.length < 65535 ? items.length : 65535, true);
  let p = 6;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  out[p] = 0xff;
  return out;
}

function listpackEntry(item: Uint8Array | bigint): Uint8Array {
  if (typeof item === "bigint") {
    if (item >= 0n && item <= 127n) return Uint8Array.of(Number(item));
    if (item >= -4096n && item <= 4095n) {
      const v = Number(item) & 0x1fff;
      return Uint8Array.of(0xc0 | (v >> 8), v & 0xff);
    }
    if (item >= -32768n && item <= 32767n) {
      const b = new Uint8Array(3);
      b[0] = 0xf1;
      new DataView(b.buffer).setInt16(1, Number(item), true);
      return b;
    }
    if (item >= -2147483648n && item <= 2147483647n) {
      const b = new Uint8Array(5);
      b[0] = 0xf3;
      new DataView(b.buffer).setInt32(1, Number(item), true);
      return b;
    }
    const b = new Uint8Array(9);
    b[0] = 0xf4;
    new DataView(b.buffer).setBigInt64(1, BigInt.asIntN(64, item), true);
    return b;
  }
  const n = item.length;
  let header: Uint8Array;
  if (n < 64) header = Uint8Array.of(0x80 | n);
  else if (n < 4096) header = Uint8Array.of(0xe0 | (n >> 8), n & 0xff);
  else {
    header = new Uint8Array(5);
    header[0] = 0xf0;
    new DataView(header.buffer).setUint32(1, n, true);
  }
  const entry = new Uint8Array(header.length + n);
  entry.set(header);
  entry.set(item, header.length);
  return entry;
}

/** The listpack back-length field for an entry of `size` bytes. */
function backlen(size: number): Uint8Array {
  const n = backlenSize(size);
  const out = new Uint8Array(n);
  // Big-endian 7-bit groups read from the right; all but the last have bit 7.
  let v = size;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = v & 0x7f;
    v = Math.floor(v / 128);
  }
  for (let i = 1; i < n; i++) out[i] |= 0x80;
  return out;
}
