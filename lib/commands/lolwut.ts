/**
 * LOLWUT: computer art and the server's version. As in Redis 7.0, VERSION
 * 5 draws a homage to Georg Nees's "Schotter" (a grid of squares that
 * tumble more and more down the page, in Braille characters), VERSION 6 an
 * 8-bit city skyline in four greys (terminal colour codes, one space per
 * pixel), and any other version answers the version line alone. The
 * drawings are this server's own; their sizes follow Redis's parameters
 * and the trailing lines are Redis's.
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import type { CommandSpec } from "./spec.ts";
import { REDIS_VERSION } from "../config/load.ts";
import { equalsIgnoreCase, textToBinary } from "../util/bytes.ts";

/** A monochrome pixel canvas rendered two by four pixels per Braille cell. */
class BrailleCanvas {
  readonly #pixels: Uint8Array;

  /** Creates a blank canvas of `width` by `height` pixels. */
  constructor(readonly width: number, readonly height: number) {
    this.#pixels = new Uint8Array(width * height);
  }

  /** Sets the pixel at (`x`, `y`); points off the canvas are dropped. */
  plot(x: number, y: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.#pixels[y * this.width + x] = 1;
  }

  /** Draws the segment from (`x0`, `y0`) to (`x1`, `y1`) (Bresenham). */
  line(x0: number, y0: number, x1: number, y1: number): void {
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let error = dx + dy;
    while (true) {
      this.plot(x0, y0);
      if (x0 === x1 && y0 === y1) return;
      const doubled = 2 * error;
      if (doubled >= dy) {
        error += dy;
        x0 += sx;
      }
      if (doubled <= dx) {
        error += dx;
        y0 += sy;
      }
    }
  }

  /**
   * The canvas as lines of Braille characters, each ending in a newline:
   * a cell's dots are numbered down the left column (bits 0-2, then 6) and
   * down the right one (bits 3-5, then 7), as Unicode's Braille block does.
   */
  render(): string {
    const bits = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];
    let out = "";
    for (let top = 0; top < this.height; top += 4) {
      for (let left = 0; left < this.width; left += 2) {
        let cell = 0;
        for (let dy = 0; dy < 4 && top + dy < this.height; dy++) {
          for (let dx = 0; dx < 2 && left + dx < this.width; dx++) {
            if (this.#pixels[(top + dy) * this.width + left + dx] !== 0) {
              cell |= bits[dy][dx];
            }
          }
        }
        out += String.fromCharCode(0x2800 + cell);
      }
      out += "\n";
    }
    return out;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * Draws `perRow` by `perColumn` squares on a canvas `columns` characters
 * wide, sized as Redis sizes its own: a margin of two pixels (when there is
 * room) around squares filling the width. Each row down tilts and shifts
 * its squares further at random, from order into chaos.
 */
function schotter(columns: number, perRow: number, perColumn: number): string {
  const width = columns * 2;
  const margin = width > 4 ? 2 : 0;
  const side = (width - margin * 2) / perRow;
  const height = Math.floor(side * perColumn + margin * 2);
  const canvas = new BrailleCanvas(width, height);
  for (let row = 0; row < perColumn; row++) {
    const disorder = perColumn > 1 ? row / (perColumn - 1) : 0;
    for (let column = 0; column < perRow; column++) {
      const angle = (Math.random() - 0.5) * Math.PI / 2 * disorder;
      const shiftX = (Math.random() - 0.5) * side * disorder / 2;
      const shiftY = (Math.random() - 0.5) * side * disorder / 2;
      const centreX = margin + side * (column + 0.5) + shiftX;
      const centreY = margin + side * (row + 0.5) + shiftY;
      const corners: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const theta = angle + Math.PI / 4 + k * Math.PI / 2;
        const radius = side / Math.SQRT2;
        corners.push([
          Math.round(centreX + radius * Math.cos(theta)),
          Math.round(centreY + radius * Math.sin(theta)),
        ]);
      }
      for (let k = 0; k < 4; k++) {
        const [x0, y0] = corners[k];
        const [x1, y1] = corners[(k + 1) % 4];
        canvas.line(x0, y0, x1, y1);
      }
    }
  }
  return canvas.render();
}

/** The four greys of VERSION 6, darkest first, as terminal colour codes. */
const GREYS = ["30;40", "90;100", "37;47", "97;107"];

/**
 * A skyline `columns` by `rows` pixels: white sky, then three rows of
 * buildings of random widths and heights, each nearer one darker, with lit
 * windows in the farther ones.
 */
function skyline(columns: number, rows: number): string {
  const pixels = new Uint8Array(columns * rows).fill(3);
  for (let layer = 2; layer >= 0; layer--) {
    const tallest = rows * (0.45 + 0.15 * layer);
    for (let left = 0; left < columns;) {
      const width = 3 + Math.floor(Math.random() * 8);
      const height = Math.floor(tallest * (0.3 + 0.7 * Math.random()));
      for (let y = rows - height; y < rows; y++) {
        for (let x = left; x < left + width && x < columns; x++) {
          const window = layer > 0 && x % 3 === 1 && y % 3 === 1 &&
            Math.random() < 0.5;
          pixels[y * columns + x] = window ? layer + 1 : layer;
        }
      }
      left += width + Math.floor(Math.random() * 4);
    }
  }
  let out = "";
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      out += `\x1b[0;${GREYS[pixels[y * columns + x]]}m \x1b[0m`;
    }
    out += "\n";
  }
  return out;
}

/** LOLWUT's optional drawing numbers: argument `index`, else `fallback`. */
function drawingParameter(
  args: Uint8Array[],
  index: number,
  fallback: number,
): number {
  return index < args.length ? parseIntegerArgument(args[index]) : fallback;
}

function lolwut(ctx: CommandContext, args: Uint8Array[]): void {
  let version = 7;
  if (args.length >= 3 && equalsIgnoreCase(args[1], "version")) {
    version = parseIntegerArgument(args[2]);
  }
  const versionLine = `Redis ver. ${REDIS_VERSION}\n`;
  if (version === 6) {
    const columns = clamp(drawingParameter(args, 3, 80), 1, 1000);
    const rows = clamp(drawingParameter(args, 4, 20), 1, 1000);
    ctx.reply.verbatim(
      skyline(columns, rows) +
        "Dedicated to the 8 bit game developers of past and present.\n" +
        `Original 8 bit image from Plaguemon by hikikomori. ${versionLine}`,
    );
    return;
  }
  if (version !== 5) {
    ctx.reply.verbatim(versionLine);
    return;
  }
  const columns = clamp(drawingParameter(args, 3, 66), 1, 1000);
  const perRow = clamp(drawingParameter(args, 4, 8), 1, 200);
  const perColumn = clamp(drawingParameter(args, 5, 12), 1, 200);
  const art = schotter(columns, perRow, perColumn);
  ctx.reply.verbatim(
    textToBinary(
      `${art}\nGeorg Nees - schotter, plotter on paper, 1968. ${versionLine}`,
    ),
  );
}

/** LOLWUT. */
export const LOLWUT_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "lolwut",
    arity: -1,
    flags: ["readonly", "fast"],
    group: "server",
    since: "5.0.0",
    summary: "Display some computer art and the Redis version",
    // Redis documents none, and COMMAND DOCS takes Redis's record
    // (command_arguments.ts); declarations still need one.
    handler: lolwut,
  }),
];
