/**
 * Errors a command reports to its client, with Redis's exact texts.
 *
 * @module
 */

/**
 * An error reply. Thrown by handlers before they write anything; the
 * dispatcher sends it and counts it in errorstats. The message carries its
 * prefix ("ERR ...", "WRONGTYPE ...").
 */
export class CommandError extends Error {
  /** Creates an error reply with the full text, prefix included. */
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

import { bytesToString } from "../util/bytes.ts";

/** Redis's error texts that many commands share. */
export const Errors = {
  syntax: "ERR syntax error",
  notInteger: "ERR value is not an integer or out of range",
  notFloat: "ERR value is not a valid float",
  wrongType:
    "WRONGTYPE Operation against a key holding the wrong kind of value",
  noSuchKey: "ERR no such key",
  outOfRange: "ERR index out of range",
  overflow: "ERR increment or decrement would overflow",
  invalidExpire: (command: string) =>
    `ERR invalid expire time in '${command}' command`,
  wrongArity: (command: string) =>
    `ERR wrong number of arguments for '${command}' command`,
  /**
   * addReplySubcommandSyntaxError: a container's subcommand with arguments
   * it does not take. `args` is the request; its subcommand is shown as C
   * prints "%.128s" (up to a NUL, at most 128 bytes).
   */
  subcommandSyntax: (args: readonly Uint8Array[]) => {
    const sub = args[1];
    const nul = sub.indexOf(0);
    const shown = sub.subarray(0, Math.min(nul < 0 ? sub.length : nul, 128));
    return `ERR unknown subcommand or wrong number of arguments for '${
      bytesToString(shown)
    }'. Try ${bytesToString(args[0]).toUpperCase()} HELP.`;
  },
  dbIndexOutOfRange: "ERR DB index is out of range",
  /** getRangeLongFromObjectOrReply's text for an integer out of bounds. */
  outOfRangeBetween: (min: number | bigint, max: number | bigint) =>
    `ERR value is out of range, value must between ${min} and ${max}`,
  /** getPositiveLongFromObjectOrReply's text (0 is accepted). */
  notPositive: "ERR value is out of range, must be positive",
  valueOutOfRange: "ERR value is out of range",
  numkeysNotPositive: "ERR numkeys should be greater than 0",
  /** LMPOP/ZMPOP COUNT. */
  countNotPositive: "ERR count should be greater than 0",
  /** GEOSEARCH/GEORADIUS and XAUTOCLAIM COUNT. */
  countMustBePositive: "ERR COUNT must be > 0",
  limitNegative: "ERR LIMIT can't be negative",
  timeoutNotFloat: "ERR timeout is not a float or out of range",
  timeoutNotInteger: "ERR timeout is not an integer or out of range",
  timeoutNegative: "ERR timeout is negative",
  invalidCursor: "ERR invalid cursor",
  /** SETBIT, GETBIT and BITFIELD offsets (getBitOffsetFromArgument). */
  bitOffset: "ERR bit offset is not an integer or out of range",
  /** SETBIT's value. */
  bitValue: "ERR bit is not an integer or out of range",
  /** BITPOS's bit. */
  bitArgument: "ERR The bit argument must be 1 or 0.",
  bitopNotOneKey: "ERR BITOP NOT must be called with a single source key.",
  bitfieldType:
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
  bitfieldOverflowType: "ERR Invalid OVERFLOW type specified",
  bitfieldReadOnly: "ERR BITFIELD_RO only supports the GET subcommand",
  /** A string value that is not a HyperLogLog (isHLLObjectOrReply). */
  hllWrongType: "WRONGTYPE Key is not a valid HyperLogLog string value.",
  /** A HyperLogLog whose registers do not decode. */
  hllCorrupt: "INVALIDOBJ Corrupted HLL object detected",
  /** PFDEBUG of a missing key. */
  hllNoKey: "ERR The specified key does not exist",
  /** PFDEBUG DECODE of a dense HyperLogLog. */
  hllNotSparse: "ERR HLL encoding is not sparse",
  /** PFDEBUG with an unknown subcommand (the name as a C string). */
  hllUnknownSubcommand: (name: string) =>
    `ERR Unknown PFDEBUG subcommand '${name}'`,
  /** PFSELFTEST failures. */
  hllTestFailed: (what: string) => `TESTFAILED ${what}`,
} as const;
