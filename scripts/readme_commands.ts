/**
 * `deno task readme-commands`: rewrites the supported-commands section of
 * README.md (between the commands:start and commands:end markers) from the
 * command table, so the list always matches what the server registers.
 *
 * @module
 */

import { createCommandTable } from "../lib/commands/registry.ts";
import type { CommandSpec } from "../lib/commands/spec.ts";

const README = new URL("../README.md", import.meta.url);
const START = "<!-- commands:start -->";
const END = "<!-- commands:end -->";

/** Redis's group names, in the order COMMAND DOCS documentation lists them. */
const GROUP_TITLES: [string, string][] = [
  ["string", "Strings"],
  ["list", "Lists"],
  ["hash", "Hashes"],
  ["set", "Sets"],
  ["sorted-set", "Sorted sets"],
  ["stream", "Streams"],
  ["geo", "Geospatial"],
  ["hyperloglog", "HyperLogLog"],
  ["bitmap", "Bitmaps"],
  ["generic", "Keys (generic)"],
  ["transactions", "Transactions"],
  ["pubsub", "Pub/Sub"],
  ["scripting", "Scripting"],
  ["connection", "Connection"],
  ["server", "Server"],
  ["cluster", "Cluster"],
  ["sentinel", "Sentinel"],
];

/** "CONFIG (GET, SET)" for a container command, "GET" otherwise. */
function describe(spec: CommandSpec): string {
  const name = spec.name.toUpperCase();
  if (spec.subcommands === undefined) return name;
  const subs = spec.subcommands.map((s) => s.name.toUpperCase()).sort();
  return `${name} (${subs.join(", ")})`;
}

/** The generated Markdown section, markers excluded. */
export function commandsSection(specs: Iterable<CommandSpec>): string {
  const byGroup = new Map<string, CommandSpec[]>();
  let total = 0;
  for (const spec of specs) {
    const list = byGroup.get(spec.group) ?? [];
    list.push(spec);
    byGroup.set(spec.group, list);
    total++;
  }
  const known = new Set(GROUP_TITLES.map(([group]) => group));
  const others = [...byGroup.keys()].filter((g) => !known.has(g)).sort();
  const groups = [...GROUP_TITLES, ...others.map((g) => [g, g])];
  const lines = [
    `${total} commands, generated from the command table by \`deno task readme-commands\`.`,
    "",
  ];
  for (const [group, title] of groups) {
    const list = byGroup.get(group);
    if (list === undefined) continue;
    list.sort((a, b) => a.name < b.name ? -1 : 1);
    lines.push(`- **${title}**: ${list.map(describe).join(", ")}`);
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const readme = await Deno.readTextFile(README);
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) {
    console.error(`README.md lacks the ${START} / ${END} markers`);
    Deno.exit(1);
  }
  const section = commandsSection(createCommandTable().all());
  const updated = readme.slice(0, start + START.length) + "\n\n" + section +
    "\n\n" + readme.slice(end);
  await Deno.writeTextFile(README, updated);
  console.log("README.md: supported commands updated");
}
