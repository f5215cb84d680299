/**
 * Plain-text tables for the benchmark output: columns padded to their
 * widest cell, the first `left` columns aligned left (labels) and the rest
 * right (numbers).
 *
 * @module
 */

/** Formats `header` and `rows` as aligned lines. */
export function formatColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  left = 1,
): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i].length))
  );
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))
      .join("  ").trimEnd();
  return [header, ...rows].map(line).join("\n");
}
