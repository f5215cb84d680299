/**
 * The manifest of Redis 7's multi-part append-only file: which base and
 * incremental files make up the AOF, in order.
 *
 * @module
 */

import { splitInlineArgs } from "../resp/inline.ts";

/** Kind of an AOF file: base (b), history (h, to be deleted) or incremental (i). */
export type AofFileType = "b" | "h" | "i";

/** One file listed in the manifest. */
export interface AofFileInfo {
  /** File name, relative to the AOF directory. */
  readonly name: string;
  /** Sequence number, from the file name. */
  readonly seq: number;
  /** Whether it is the base, a history or an incremental file. */
  readonly type: AofFileType;
}

/** A malformed manifest. */
export class AofManifestError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "AofManifestError";
  }
}

/** The files of a multi-part AOF. */
export class AofManifest {
  /** The base file (a snapshot), if there is one. */
  base: AofFileInfo | null = null;
  /** Incremental files, replayed in this order after the base. */
  incremental: AofFileInfo[] = [];
  /** Files a rewrite has superseded, still to be deleted. */
  history: AofFileInfo[] = [];

  /** Highest base sequence number used so far. */
  get baseSeq(): number {
    return this.base?.seq ?? 0;
  }

  /** Highest incremental sequence number used so far. */
  get incrementalSeq(): number {
    let seq = 0;
    for (const info of [...this.incremental, ...this.history]) {
      if (info.type === "i" || info.name.includes(".incr.")) {
        seq = Math.max(seq, info.seq);
      }
    }
    return seq;
  }

  /** The manifest text, in the format Redis 7 writes. */
  format(): string {
    const lines: string[] = [];
    const add = (info: AofFileInfo) =>
      lines.push(
        `file ${quoteIfNeeded(info.name)} seq ${info.seq} type ${info.type}\n`,
      );
    if (this.base !== null) add(this.base);
    for (const info of this.history) add(info);
    for (const info of this.incremental) add(info);
    return lines.join("");
  }

  /** Parses manifest text; throws AofManifestError when it is malformed. */
  static parse(text: string): AofManifest {
    const manifest = new AofManifest();
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "" || line.startsWith("#")) continue;
      const words = splitInlineArgs(new TextEncoder().encode(line));
      if (words === null || words.length % 2 !== 0) {
        throw new AofManifestError(
          `Invalid AOF manifest file format at line ${i + 1}`,
        );
      }
      const fields = new Map<string, string>();
      for (let w = 0; w < words.length; w += 2) {
        fields.set(
          new TextDecoder().decode(words[w]),
          new TextDecoder().decode(words[w + 1]),
        );
      }
      const name = fields.get("file");
      const seq = Number(fields.get("seq"));
      const type = fields.get("type");
      if (
        name === undefined || name === "" || !Number.isInteger(seq) ||
        seq < 1 ||
        (type !== "b" && type !== "h" && type !== "i")
      ) {
        throw new AofManifestError(
          `Invalid AOF manifest file format at line ${i + 1}`,
        );
      }
      const info = { name, seq, type } as const;
      if (type === "b") {
        if (manifest.base !== null) {
          throw new AofManifestError("Found duplicate base file information");
        }
        manifest.base = info;
      } else if (type === "h") manifest.history.push(info);
      else {
        const last = manifest.incremental.at(-1);
        if (last !== undefined && last.seq >= seq) {
          throw new AofManifestError("Found a non-monotonic sequence number");
        }
        manifest.incremental.push(info);
      }
    }
    if (manifest.base === null && manifest.incremental.length === 0) {
      throw new AofManifestError("Found an empty AOF manifest");
    }
    return manifest;
  }
}

function quoteIfNeeded(name: string): string {
  if (
    /^[\x21-\x7e]+$/.test(name) && !name.includes('"') && !name.includes("'")
  ) {
    return name;
  }
  let out = '"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) {
      out += "\\x" + code.toString(16).padStart(2, "0");
    } else out += ch;
  }
  return out + '"';
}
