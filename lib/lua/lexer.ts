/**
 * Lua 5.1 lexer: turns a byte-string chunk into tokens, raising syntax
 * errors with the messages of Lua's `llex.c`.
 *
 * @module
 */

import { LuaError } from "./value.ts";

/** A token: `type` is "name", "string", "number", "eof" or the symbol/keyword itself. */
export interface Token {
  /** Kind of token. */
  type: string;
  /** The name, the string's bytes or the number's value. */
  value: string | number;
  /** Source text as Lua shows it in "near '...'" messages. */
  raw: string;
  /** Line on which the token starts... (as Lua counts it: where it ends). */
  line: number;
}

const KEYWORDS = new Set([
  "and",
  "break",
  "do",
  "else",
  "elseif",
  "end",
  "false",
  "for",
  "function",
  "if",
  "in",
  "local",
  "nil",
  "not",
  "or",
  "repeat",
  "return",
  "then",
  "true",
  "until",
  "while",
]);

/** The name Lua shows for a chunk in messages (luaO_chunkid). */
export function chunkDisplayName(chunkName: string): string {
  if (chunkName.startsWith("=") || chunkName.startsWith("@")) {
    return chunkName.slice(1);
  }
  const newline = chunkName.search(/[\r\n]/);
  let text = newline >= 0 ? chunkName.slice(0, newline) : chunkName;
  const max = 60 - 15;
  let truncated = newline >= 0;
  if (text.length > max) {
    text = text.slice(0, max);
    truncated = true;
  }
  return `[string "${text}${truncated ? "..." : ""}"]`;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Tokenizes a whole chunk. */
export function tokenize(source: string, chunk: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  const n = source.length;
  // Skip a first line starting with '#', as lua.c does for scripts.
  if (source.charCodeAt(0) === 35) {
    while (pos < n && source[pos] !== "\n" && source[pos] !== "\r") pos++;
  }

  const error = (message: string, near: string | undefined): never => {
    const suffix = near === undefined ? "" : ` near '${near}'`;
    throw new LuaError(`${chunk}:${line}: ${message}${suffix}`);
  };

  const newline = () => {
    const c = source[pos];
    pos++;
    if (
      pos < n && (source[pos] === "\n" || source[pos] === "\r") &&
      source[pos] !== c
    ) pos++;
    line++;
  };

  // Reads a [==[ ... ]==] body; pos is at the first '['. Returns undefined
  // when this is not a long bracket.
  const longBracket = (isComment: boolean): string | undefined => {
    const start = pos;
    let p = pos + 1;
    let level = 0;
    while (source[p] === "=") {
      level++;
      p++;
    }
    if (source[p] !== "[") {
      if (level > 0 && !isComment) {
        pos = p;
        error("invalid long string delimiter", source.slice(start, p));
      }
      return undefined;
    }
    pos = p + 1;
    if (source[pos] === "\n" || source[pos] === "\r") newline();
    let text = "";
    let segment = pos;
    for (;;) {
      if (pos >= n) {
        error(
          isComment ? "unfinished long comment" : "unfinished long string",
          "<eof>",
        );
      }
      const c = source[pos];
      if (c === "]") {
        let q = pos + 1;
        let l = 0;
        while (source[q] === "=") {
          l++;
          q++;
        }
        if (l === level && source[q] === "]") {
          text += source.slice(segment, pos);
          pos = q + 1;
          return text;
        }
        pos++;
      } else if (c === "[") {
        let q = pos + 1;
        let l = 0;
        while (source[q] === "=") {
          l++;
          q++;
        }
        if (l === level && source[q] === "[" && level === 0) {
          // Lua 5.1 rejects nesting of [[ inside [[ ]] (LUA_COMPAT_LSTR 1 allows it).
          pos = q + 1;
          continue;
        }
        pos++;
      } else if (c === "\n" || c === "\r") {
        text += source.slice(segment, pos) + "\n";
        newline();
        segment = pos;
      } else {
        pos++;
      }
    }
  };

  const readString = (quote: string): string => {
    const start = pos;
    pos++;
    let text = "";
    for (;;) {
      if (pos >= n) error("unfinished string", "<eof>");
      const c = source[pos];
      if (c === quote) {
        pos++;
        return text;
      }
      if (c === "\n" || c === "\r") {
        error("unfinished string", source.slice(start, pos));
      }
      if (c === "\\") {
        pos++;
        const e = source[pos];
        switch (e) {
          case "a":
            text += "\x07";
            pos++;
            break;
          case "b":
            text += "\b";
            pos++;
            break;
          case "f":
            text += "\f";
            pos++;
            break;
          case "n":
            text += "\n";
            pos++;
            break;
          case "r":
            text += "\r";
            pos++;
            break;
          case "t":
            text += "\t";
            pos++;
            break;
          case "v":
            text += "\v";
            pos++;
            break;
          case "\n":
          case "\r":
            text += "\n";
            newline();
            break;
          case undefined:
            break; // unfinished string at eof, reported by the loop
          default: {
            if (isDigit(source.charCodeAt(pos))) {
              let value = 0;
              let i = 0;
              while (i < 3 && isDigit(source.charCodeAt(pos))) {
                value = value * 10 + source.charCodeAt(pos) - 48;
                pos++;
                i++;
              }
              if (value > 255) {
                error("escape sequence too large", source.slice(start, pos));
              }
              text += String.fromCharCode(value);
            } else {
              text += e;
              pos++;
            }
          }
        }
        continue;
      }
      text += c;
      pos++;
    }
  };

  const readNumber = (): Token => {
    const start = pos;
    // As llex.c: digits, '.', then exponent sign, then alphanumerics/'_'.
    while (
      pos < n &&
      (isDigit(source.charCodeAt(pos)) || source[pos] === ".")
    ) pos++;
    if (source[pos] === "e" || source[pos] === "E") {
      pos++;
      if (source[pos] === "+" || source[pos] === "-") pos++;
    }
    while (
      pos < n &&
      (isAlpha(source.charCodeAt(pos)) || isDigit(source.charCodeAt(pos)) ||
        source[pos] === ".")
    ) pos++;
    const raw = source.slice(start, pos);
    let value: number | undefined;
    if (/^0[xX][0-9a-fA-F]+$/.test(raw)) value = parseInt(raw.slice(2), 16);
    else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
      value = Number(raw);
    }
    if (value === undefined) error("malformed number", raw);
    return { type: "number", value: value!, raw, line };
  };

  while (true) {
    if (pos >= n) {
      tokens.push({ type: "eof", value: "<eof>", raw: "<eof>", line });
      return tokens;
    }
    const c = source.charCodeAt(pos);
    const ch = source[pos];
    if (ch === "\n" || ch === "\r") {
      newline();
      continue;
    }
    if (isSpace(c)) {
      pos++;
      continue;
    }
    if (ch === "-" && source[pos + 1] === "-") {
      pos += 2;
      if (source[pos] === "[") {
        const body = longBracket(true);
        if (body !== undefined) continue;
      }
      while (pos < n && source[pos] !== "\n" && source[pos] !== "\r") pos++;
      continue;
    }
    if (isAlpha(c)) {
      const start = pos;
      while (
        pos < n &&
        (isAlpha(source.charCodeAt(pos)) || isDigit(source.charCodeAt(pos)))
      ) pos++;
      const word = source.slice(start, pos);
      tokens.push({
        type: KEYWORDS.has(word) ? word : "name",
        value: word,
        raw: word,
        line,
      });
      continue;
    }
    if (isDigit(c) || (ch === "." && isDigit(source.charCodeAt(pos + 1)))) {
      tokens.push(readNumber());
      continue;
    }
    if (ch === '"' || ch === "'") {
      const start = pos;
      const value = readString(ch);
      tokens.push({
        type: "string",
        value,
        raw: source.slice(start, pos),
        line,
      });
      continue;
    }
    if (ch === "[") {
      const start = pos;
      const startLine = line;
      const body = longBracket(false);
      if (body !== undefined) {
        tokens.push({
          type: "string",
          value: body,
          raw: source.slice(start, pos),
          line: startLine,
        });
        continue;
      }
      pos = start + 1;
      tokens.push({ type: "[", value: "[", raw: "[", line });
      continue;
    }
    const two = source.slice(pos, pos + 2);
    if (two === "==" || two === "~=" || two === "<=" || two === ">=") {
      pos += 2;
      tokens.push({ type: two, value: two, raw: two, line });
      continue;
    }
    if (ch === ".") {
      if (source.slice(pos, pos + 3) === "...") {
        pos += 3;
        tokens.push({ type: "...", value: "...", raw: "...", line });
      } else if (two === "..") {
        pos += 2;
        tokens.push({ type: "..", value: "..", raw: "..", line });
      } else {
        pos++;
        tokens.push({ type: ".", value: ".", raw: ".", line });
      }
      continue;
    }
    if ("+-*/%^#<>=(){}];:,~".includes(ch)) {
      pos++;
      tokens.push({ type: ch, value: ch, raw: ch, line });
      continue;
    }
    // Any other byte is a one-character token the parser will reject.
    pos++;
    const shown = c < 32 || c === 127 ? `char(${c})` : ch;
    tokens.push({ type: "other", value: ch, raw: shown, line });
  }
}
