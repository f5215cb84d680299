/**
 * CRC-64 with the Jones polynomial, as Redis uses for RDB files and DUMP
 * payloads (reflected, initial value 0, no final xor; "123456789" gives
 * 0xe9c6d914c4b8d9ca).
 *
 * @module
 */

const POLY_REFLECTED = 0x95ac9329ac4bc9b5n;

/** Lookup tables as pairs of 32-bit halves, for 8 bytes at a time. */
const TABLE_HI = new Uint32Array(8 * 256);
const TABLE_LO = new Uint32Array(8 * 256);

function buildTables(): void {
  for (let n = 0; n < 256; n++) {
    let crc = BigInt(n);
    for (let k = 0; k < 8; k++) {
      crc = crc & 1n ? (crc >> 1n) ^ POLY_REFLECTED : crc >> 1n;
    }
    TABLE_HI[n] = Number(crc >> 32n);
    TABLE_LO[n] = Number(crc & 0xffffffffn);
  }
  for (let t = 1; t < 8; t++) {
    for (let n = 0; n < 256; n++) {
      const prevHi = TABLE_HI[(t - 1) * 256 + n];
      const prevLo = TABLE_LO[(t - 1) * 256 + n];
      const idx = prevLo & 0xff;
      // crc >> 8 ^ table[crc & 0xff]
      const shiftedLo = ((prevLo >>> 8) | (prevHi << 24)) >>> 0;
      const shiftedHi = prevHi >>> 8;
      TABLE_HI[t * 256 + n] = (shiftedHi ^ TABLE_HI[idx]) >>> 0;
      TABLE_LO[t * 256 + n] = (shiftedLo ^ TABLE_LO[idx]) >>> 0;
    }
  }
}
buildTables();

/** An incremental CRC-64 computation. */
export class Crc64 {
  #hi = 0;
  #lo = 0;

  /** Adds `data` to the checksum. */
  update(data: Uint8Array): void {
    let hi = this.#hi;
    let lo = this.#lo;
    const n = data.length;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      const l = (lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
        (data[i + 3] << 24))) >>> 0;
      const h = (hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) |
        (data[i + 7] << 24))) >>> 0;
      const b0 = 7 * 256 + (l & 0xff);
      const b1 = 6 * 256 + ((l >>> 8) & 0xff);
      const b2 = 5 * 256 + ((l >>> 16) & 0xff);
      const b3 = 4 * 256 + (l >>> 24);
      const b4 = 3 * 256 + (h & 0xff);
      const b5 = 2 * 256 + ((h >>> 8) & 0xff);
      const b6 = 1 * 256 + ((h >>> 16) & 0xff);
      const b7 = h >>> 24;
      hi = TABLE_HI[b0] ^ TABLE_HI[b1] ^ TABLE_HI[b2] ^ TABLE_HI[b3] ^
        TABLE_HI[b4] ^ TABLE_HI[b5] ^ TABLE_HI[b6] ^ TABLE_HI[b7];
      lo = TABLE_LO[b0] ^ TABLE_LO[b1] ^ TABLE_LO[b2] ^ TABLE_LO[b3] ^
        TABLE_LO[b4] ^ TABLE_LO[b5] ^ TABLE_LO[b6] ^ TABLE_LO[b7];
    }
    for (; i < n; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      const shiftedLo = ((lo >>> 8) | (hi << 24)) >>> 0;
      hi = (hi >>> 8) ^ TABLE_HI[idx];
      lo = shiftedLo ^ TABLE_LO[idx];
    }
    this.#hi = hi >>> 0;
    this.#lo = lo >>> 0;
  }

  /** The checksum as 8 little-endian bytes, as stored at the end of an RDB file. */
  digestBytes(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.#lo, true);
    view.setUint32(4, this.#hi, true);
    return out;
  }

  /** The checksum as a bigint. */
  digest(): bigint {
    return (BigInt(this.#hi) << 32n) | BigInt(this.#lo);
  }
}

/** CRC-64 of `data`. */
export function crc64(data: Uint8Array): bigint {
  const crc = new Crc64();
  crc.update(data);
  return crc.digest();
}
