/**
 * Glob-style pattern matching with the exact rules of Redis's stringmatchlen
 * (KEYS, SCAN MATCH, PSUBSCRIBE): `*`, `?`, `[abc]`, `[^abc]`, `[a-z]`
 * (reversed ranges allowed), and `\` escapes. Patterns and subjects are
 * binary strings (one char per byte).
 *
 * @module
 */

/** Lower-cases one byte the way C's tolower does in the "C" locale. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * The byte as C's (signed) `char` sees it. Redis compares range bounds as
 * signed chars, so bytes from 0x80 sort below ASCII inside `[x-y]`.
 */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** Deepest `*` recursion Redis follows before giving up on a match. */
const MAX_NESTING = 1000;

/** Shared between recursive calls: once set, longer `*` spans cannot match. */
interface MatchState {
  skipLonger: boolean;
}

function matchFrom(
  pattern: string,
  p: number,
  subject: string,
  s: number,
  nocase: boolean,
  state: MatchState,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const pEnd = pattern.length;
  const sEnd = subject.length;
  while (p < pEnd && s < sEnd) {
    const pc = pattern.charCodeAt(p);
    switch (pc) {
      case 42: { // '*'
        while (p + 1 < pEnd && pattern.charCodeAt(p + 1) === 42) p++;
        if (p + 1 === pEnd) return true;
        while (s < sEnd) {
          if (
            matchFrom(pattern, p + 1, subject, s, nocase, state, nesting + 1)
          ) return true;
          // The rest of the pattern failed against the whole remaining
          // subject, so no later starting point can succeed either.
          if (state.skipLonger) return false;
          s++;
        }
        state.skipLonger = true;
        return false;
      }
      case 63: // '?'
        s++;
        break;
      case 91: { // '['
        const c = subject.charCodeAt(s);
        p++;
        const not = p < pEnd && pattern.charCodeAt(p) === 94; // '^'
        if (not) p++;
        let match = false;
        while (true) {
          if (p >= pEnd) {
            // Unterminated class: the class ends with the pattern.
            p--;
            break;
          }
          const cc = pattern.charCodeAt(p);
          if (cc === 92 && pEnd - p >= 2) { // '\'
            p++;
            if (pattern.charCodeAt(p) === c) match = true;
          } else if (cc === 93) { // ']'
            break;
          } else if (pEnd - p >= 3 && pattern.charCodeAt(p + 1) === 45) {
            let start = signed(cc);
            let end = signed(pattern.charCodeAt(p + 2));
            let sc = signed(c);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              sc = lower(sc);
            }
            p += 2;
            if (sc >= start && sc <= end) match = true;
          } else if (nocase ? lower(cc) === lower(c) : cc === c) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      case 92: // '\'
        if (pEnd - p >= 2) p++;
        if (!literalEquals(pattern.charCodeAt(p), subject, s, nocase)) {
          return false;
        }
        s++;
        break;
      default:
        if (!literalEquals(pc, subject, s, nocase)) return false;
        s++;
    }
    p++;
    if (s === sEnd) {
      while (p < pEnd && pattern.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p === pEnd && s === sEnd;
}

function literalEquals(
  pc: number,
  subject: string,
  s: number,
  nocase: boolean,
): boolean {
  const c = subject.charCodeAt(s);
  return nocase ? lower(pc) === lower(c) : pc === c;
}

/**
 * True when `subject` matches the glob `pattern` under Redis's rules; with
 * `nocase`, ASCII letters compare case-insensitively. Both are binary
 * strings.
 */
export function globMatch(
  pattern: string,
  subject: string,
  nocase = false,
): boolean {
  return matchFrom(pattern, 0, subject, 0, nocase, { skipLonger: false }, 0);
}

/**
 * Whether `text` has glob wildcards (`*`, `?`, `[`): an `include` with
 * them reads every file that matches.
 */
export function hasWildcards(text: string): boolean {
  return /[*?[]/.test(text);
}
