/**
 * Splitting of telnet-style inline requests, following the quoting rules of
 * Redis's sdssplitargs: blanks separate arguments, "double quotes" accept
 * \n \r \t \b \a \xHH and \<any>, 'single quotes' accept only \', and a closing
 * quote must be followed by a blank or the end of the line.
 *
 * @module
 */

function isSpace(byte: number): boolean {
  // C isspace: space, \t, \n, \v, \f, \r.
  return byte === 32 || (byte >= 9 && byte <= 13);
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  if (byte >= 65 && byte <= 70) return byte - 55;
  return -1;
}

const ESCAPES: Record<number, number> = {
  110: 10, // \n
  114: 13, // \r
  116: 9, // \t
  98: 8, // \b
  97: 7, // \a
};

/**
 * Splits one inline request line into arguments. Returns null when quotes are
 * unbalanced (Redis then answers "Protocol error: unbalanced quotes in request").
 */
export function splitInlineArgs(line: Uint8Array): Uint8Array[] | null {
  // Redis works on a C string, so a NUL byte ends the line.
  const nul = line.indexOf(0);
  const end = nul < 0 ? line.length : nul;
  const args: Uint8Array[] = [];
  let p = 0;
  while (true) {
    while (p < end && isSpace(line[p])) p++;
    if (p >= end) return args;
    const current: number[] = [];
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = p < end ? line[p] : 0;
      const next = p + 1 < end ? line[p + 1] : 0;
      if (inDouble) {
        if (
          c === 92 && next === 120 && p + 3 < end &&
          hexValue(line[p + 2]) >= 0 && hexValue(line[p + 3]) >= 0
        ) {
          current.push(hexValue(line[p + 2]) * 16 + hexValue(line[p + 3]));
          p += 3;
        } else if (c === 92 && next !== 0) {
          p++;
          current.push(ESCAPES[next] ?? next);
        } else if (c === 34) {
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          current.push(c);
        }
      } else if (inSingle) {
        if (c === 92 && next === 39) {
          p++;
          current.push(39);
        } else if (c === 39) {
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          current.push(c);
        }
      } else if (c === 0 || isSpace(c) && c !== 11 && c !== 12) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        current.push(c);
      }
      if (p < end) p++;
    }
    args.push(new Uint8Array(current));
  }
}
