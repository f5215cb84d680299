/**
 * Lua 5.1 pattern matching over byte strings (strings whose code units are
 * bytes), as used by `string.find`, `match`, `gmatch` and `gsub`.
 *
 * Character classes use the C locale: only ASCII bytes are letters, digits,
 * punctuation or space. As in Lua 5.1 a pattern ends at its first "\0"
 * byte (use `%z` to match a zero byte).
 *
 * @module
 */

import { LuaError } from "./value.ts";

/** The most captures one pattern may have. */
export const MAX_CAPTURES = 32;

const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;

const ESC = 37; // '%'
const SPECIALS = "^$*+?.([%-";

/** A capture value: a substring, or a 1-based position for `()`. */
export type Capture = string | number;

function fail(message: string): never {
  throw new LuaError(message, { position: true });
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isControl(c: number): boolean {
  return c < 32 || c === 127;
}
function isPunct(c: number): boolean {
  return c > 32 && c < 127 && !isAlpha(c) && !isDigit(c);
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Whether byte `c` belongs to the class letter `cl` (as in `%a`). */
export function matchClass(c: number, cl: number): boolean {
  let result: boolean;
  switch (cl | 0x20) {
    case 97: // a
      result = isAlpha(c);
      break;
    case 99: // c
      result = isControl(c);
      break;
    case 100: // d
      result = isDigit(c);
      break;
    case 108: // l
      result = isLower(c);
      break;
    case 112: // p
      result = isPunct(c);
      break;
    case 115: // s
      result = isSpace(c);
      break;
    case 117: // u
      result = isUpper(c);
      break;
    case 119: // w
      result = isAlpha(c) || isDigit(c);
      break;
    case 120: // x
      result = isHex(c);
      break;
    case 122: // z
      result = c === 0;
      break;
    default:
      return cl === c;
  }
  return isUpper(cl) ? !result : result;
}

/** Whether a pattern has no magic characters (before any "\0"), so a plain search suffices. */
export function isPlainPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\0") return true;
    if (SPECIALS.includes(ch)) return false;
  }
  return true;
}

/**
 * A pattern prepared against one subject string. Call {@linkcode matchAt}
 * for each start position; after a successful match the captures are
 * available through {@linkcode captures}.
 */
export class PatternMatcher {
  /** The subject. */
  readonly src: string;
  /** Whether the pattern began with `^` (only when anchors were requested). */
  readonly anchored: boolean;
  /** Number of captures of the last match. */
  level = 0;
  readonly #pat: string;
  readonly #start: number;
  readonly #pend: number;
  readonly #capInit: number[] = [];
  readonly #capLen: number[] = [];

  /**
   * Prepares `pattern` for `src`; `anchor` makes a leading `^` an anchor
   * (find, match and gsub do that; gmatch does not in Lua 5.1).
   */
  constructor(src: string, pattern: string, anchor: boolean) {
    this.src = src;
    const nul = pattern.indexOf("\0");
    this.#pat = nul < 0 ? pattern : pattern.slice(0, nul);
    this.#pend = this.#pat.length;
    this.anchored = anchor && this.#pat.charCodeAt(0) === 94;
    this.#start = this.anchored ? 1 : 0;
  }

  /** Tries to match at byte offset `s` (0-based); returns the end offset or -1. */
  matchAt(s: number): number {
    this.level = 0;
    return this.#match(s, this.#start);
  }

  /**
   * The captures of the last match from `s` to `e`; when the pattern has
   * none and `whole` is set, the whole match.
   */
  captures(s: number, e: number, whole: boolean): Capture[] {
    const n = this.level === 0 && whole ? 1 : this.level;
    const result: Capture[] = [];
    for (let i = 0; i < n; i++) result.push(this.capture(i, s, e));
    return result;
  }

  /** Capture `i` (0-based) of the last match from `s` to `e`. */
  capture(i: number, s: number, e: number): Capture {
    if (i >= this.level) {
      if (i === 0) return this.src.slice(s, e);
      fail("invalid capture index");
    }
    const length = this.#capLen[i];
    if (length === CAP_UNFINISHED) fail("unfinished capture");
    const init = this.#capInit[i];
    if (length === CAP_POSITION) return init + 1;
    return this.src.slice(init, init + length);
  }

  #classEnd(p: number): number {
    const pat = this.#pat;
    const c = pat.charCodeAt(p++);
    if (c === ESC) {
      if (p >= this.#pend) fail("malformed pattern (ends with '%')");
      return p + 1;
    }
    if (c === 91) { // '['
      if (pat.charCodeAt(p) === 94) p++;
      do {
        if (p >= this.#pend) fail("malformed pattern (missing ']')");
        const d = pat.charCodeAt(p++);
        if (d === ESC && p < this.#pend) p++;
      } while (pat.charCodeAt(p) !== 93);
      return p + 1;
    }
    return p;
  }

  /** `p` at '[', `ec` at the closing ']'. */
  #matchBracket(c: number, p: number, ec: number): boolean {
    const pat = this.#pat;
    let sig = true;
    if (pat.charCodeAt(p + 1) === 94) {
      sig = false;
      p++;
    }
    while (++p < ec) {
      const d = pat.charCodeAt(p);
      if (d === ESC) {
        p++;
        if (matchClass(c, pat.charCodeAt(p))) return sig;
      } else if (pat.charCodeAt(p + 1) === 45 && p + 2 < ec) { // '-'
        p += 2;
        if (d <= c && c <= pat.charCodeAt(p)) return sig;
      } else if (d === c) {
        return sig;
      }
    }
    return !sig;
  }

  #single(c: number, p: number, ep: number): boolean {
    const d = this.#pat.charCodeAt(p);
    if (d === 46) return true; // '.'
    if (d === ESC) return matchClass(c, this.#pat.charCodeAt(p + 1));
    if (d === 91) return this.#matchBracket(c, p, ep - 1);
    return d === c;
  }

  #match(s: number, p: number): number {
    const pat = this.#pat;
    const src = this.src;
    const slen = src.length;
    for (;;) {
      if (p >= this.#pend) return s;
      const c = pat.charCodeAt(p);
      if (c === 40) { // '('
        if (pat.charCodeAt(p + 1) === 41) {
          return this.#startCapture(s, p + 2, CAP_POSITION);
        }
        return this.#startCapture(s, p + 1, CAP_UNFINISHED);
      }
      if (c === 41) return this.#endCapture(s, p + 1); // ')'
      if (c === 36 && p + 1 === this.#pend) { // '$' at the end
        return s === slen ? s : -1;
      }
      if (c === ESC) {
        const d = pat.charCodeAt(p + 1);
        if (d === 98) { // 'b'
          s = this.#matchBalance(s, p + 2);
          if (s === -1) return -1;
          p += 4;
          continue;
        }
        if (d === 102) { // 'f'
          p += 2;
          if (pat.charCodeAt(p) !== 91) {
            fail("missing '[' after '%f' in pattern");
          }
          const ep = this.#classEnd(p);
          const previous = s === 0 ? 0 : src.charCodeAt(s - 1);
          const current = s < slen ? src.charCodeAt(s) : 0;
          if (
            !this.#matchBracket(previous, p, ep - 1) &&
            this.#matchBracket(current, p, ep - 1)
          ) {
            p = ep;
            continue;
          }
          return -1;
        }
        if (isDigit(d)) {
          s = this.#matchCapture(s, d);
          if (s === -1) return -1;
          p += 2;
          continue;
        }
      }
      const ep = this.#classEnd(p);
      const m = s < slen && this.#single(src.charCodeAt(s), p, ep);
      const q = ep < this.#pend ? pat.charCodeAt(ep) : -1;
      if (q === 63) { // '?'
        if (m) {
          const r = this.#match(s + 1, ep + 1);
          if (r !== -1) return r;
        }
        p = ep + 1;
        continue;
      }
      if (q === 42) return this.#maxExpand(s, p, ep); // '*'
      if (q === 43) return m ? this.#maxExpand(s + 1, p, ep) : -1; // '+'
      if (q === 45) return this.#minExpand(s, p, ep); // '-'
      if (!m) return -1;
      s++;
      p = ep;
    }
  }

  #maxExpand(s: number, p: number, ep: number): number {
    const src = this.src;
    let i = 0;
    while (s + i < src.length && this.#single(src.charCodeAt(s + i), p, ep)) {
      i++;
    }
    for (; i >= 0; i--) {
      const r = this.#match(s + i, ep + 1);
      if (r !== -1) return r;
    }
    return -1;
  }

  #minExpand(s: number, p: number, ep: number): number {
    const src = this.src;
    for (;;) {
      const r = this.#match(s, ep + 1);
      if (r !== -1) return r;
      if (s < src.length && this.#single(src.charCodeAt(s), p, ep)) s++;
      else return -1;
    }
  }

  #startCapture(s: number, p: number, what: number): number {
    const level = this.level;
    if (level >= MAX_CAPTURES) fail("too many captures");
    this.#capInit[level] = s;
    this.#capLen[level] = what;
    this.level = level + 1;
    const r = this.#match(s, p);
    if (r === -1) this.level--;
    return r;
  }

  #endCapture(s: number, p: number): number {
    let l = this.level - 1;
    for (; l >= 0; l--) if (this.#capLen[l] === CAP_UNFINISHED) break;
    if (l < 0) fail("invalid pattern capture");
    this.#capLen[l] = s - this.#capInit[l];
    const r = this.#match(s, p);
    if (r === -1) this.#capLen[l] = CAP_UNFINISHED;
    return r;
  }

  #matchBalance(s: number, p: number): number {
    if (p + 1 >= this.#pend) fail("unbalanced pattern");
    const src = this.src;
    const open = this.#pat.charCodeAt(p);
    const close = this.#pat.charCodeAt(p + 1);
    if (s >= src.length || src.charCodeAt(s) !== open) return -1;
    let depth = 1;
    while (++s < src.length) {
      const c = src.charCodeAt(s);
      if (c === close) {
        if (--depth === 0) return s + 1;
      } else if (c === open) {
        depth++;
      }
    }
    return -1;
  }

  #matchCapture(s: number, digit: number): number {
    const l = digit - 49;
    if (l < 0 || l >= this.level || this.#capLen[l] === CAP_UNFINISHED) {
      fail("invalid capture index");
    }
    const length = this.#capLen[l];
    const src = this.src;
    if (src.length - s < length) return -1;
    const init = this.#capInit[l];
    for (let i = 0; i < length; i++) {
      if (src.charCodeAt(init + i) !== src.charCodeAt(s + i)) return -1;
    }
    return s + length;
  }
}

/** The result of {@linkcode search}: 0-based start, end (exclusive) and captures. */
export interface MatchResult {
  /** Offset of the first byte matched. */
  start: number;
  /** Offset just after the match. */
  end: number;
  /** The pattern's captures (empty when it has none). */
  captures: Capture[];
}

/**
 * Searches `src` from offset `init` for `pattern` (a leading `^` anchors),
 * as `string.find`/`string.match` do.
 */
export function search(
  src: string,
  pattern: string,
  init: number,
): MatchResult | undefined {
  const matcher = new PatternMatcher(src, pattern, true);
  let s = init;
  do {
    const e = matcher.matchAt(s);
    if (e !== -1) {
      return { start: s, end: e, captures: matcher.captures(s, e, false) };
    }
  } while (s++ < src.length && !matcher.anchored);
  return undefined;
}
