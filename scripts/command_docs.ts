/**
 * Development script: prints lib/commands/command_arguments.ts, the COMMAND
 * DOCS records (summary, since, group, complexity, doc flags, deprecation,
 * history and argument trees) that Redis 7.0.15 has for the commands our
 * table registers, read from Debian's redis-server.
 *
 * It reads the table, which imports the module, so write elsewhere first:
 *
 * ```sh
 * deno run -A scripts/command_docs.ts > /tmp/command_arguments.ts
 * mv /tmp/command_arguments.ts lib/commands/command_arguments.ts
 * deno fmt lib/commands/command_arguments.ts
 * ```
 *
 * @module
 */

import { createCommandTable } from "../lib/commands/registry.ts";
import type { CommandSpec } from "../lib/commands/spec.ts";
import { binary, text } from "../tests/helpers/bytes.ts";
import type { Reply } from "../tests/helpers/resp_client.ts";
import { withServer } from "../tests/helpers/servers.ts";

type Docs = Map<string, Reply>;

/** The builder of define.ts for each argument type but key, token, oneof, block. */
const VALUE_BUILDERS: Record<string, string> = {
  string: "string",
  integer: "integer",
  double: "double",
  pattern: "pattern",
  "unix-time": "unixTime",
};

/** Redis's argument flags and the builder options that set them. */
const FLAG_OPTIONS: Record<string, string> = {
  optional: "optional",
  multiple: "multiple",
  multiple_token: "multipleToken",
};

/** Argument fields that become builder options as they are. */
const STRING_OPTIONS: Record<string, string> = {
  token: "token",
  since: "since",
  deprecated_since: "deprecatedSince",
};

/** The RESP client's binary strings hold UTF-8 bytes. */
function str(reply: Reply): string {
  if (typeof reply !== "string") {
    throw new Error(`expected a string: ${String(reply)}`);
  }
  return JSON.stringify(text(binary(reply)));
}

function options(entries: string[]): string {
  return entries.length === 0 ? "" : `, { ${entries.join(", ")} }`;
}

function argumentSource(arg: Docs, used: Set<string>): string {
  const type = arg.get("type") as string;
  const entries: string[] = [];
  for (const [field, value] of arg) {
    if (field in STRING_OPTIONS) {
      if (type === "pure-token" && field === "token") continue;
      entries.push(`${STRING_OPTIONS[field]}: ${str(value)}`);
    } else if (field === "key_spec_index" && type !== "key") {
      entries.push(`keySpecIndex: ${value}`);
    } else if (field === "flags") {
      for (const flag of value as Set<string>) {
        if (!(flag in FLAG_OPTIONS)) throw new Error(`flag ${flag}`);
        entries.push(`${FLAG_OPTIONS[flag]}: true`);
      }
    } else if (
      !["name", "type", "key_spec_index", "arguments"].includes(field)
    ) {
      throw new Error(`argument field ${field}`);
    }
  }
  const name = str(arg.get("name")!);
  if (type === "key") {
    used.add("key");
    const index = arg.get("key_spec_index");
    if (typeof index !== "number") throw new Error(`key ${name} without spec`);
    return `key(${name}, ${index}${options(entries)})`;
  }
  if (type === "pure-token") {
    used.add("token");
    const token = arg.get("token") as string;
    if (JSON.stringify(text(binary(token)).toLowerCase()) !== name) {
      entries.unshift(`name: ${name}`);
    }
    return `token(${str(token)}${options(entries)})`;
  }
  if (type === "oneof" || type === "block") {
    used.add(type);
    const nested = (arg.get("arguments") as Docs[]).map((a) =>
      argumentSource(a, used)
    );
    return `${type}(${name}, [${nested.join(", ")}]${options(entries)})`;
  }
  const builder = VALUE_BUILDERS[type];
  if (builder === undefined) throw new Error(`argument type ${type}`);
  used.add(builder);
  return `${builder}(${name}${options(entries)})`;
}

/** Fields of a docs record, in the order the record lists them. */
const DOC_FIELDS = [
  "summary",
  "since",
  "group",
  "complexity",
  "doc_flags",
  "deprecated_since",
  "replaced_by",
  "history",
  "arguments",
  "subcommands",
];

function docsSource(fullName: string, docs: Docs, used: Set<string>): string {
  const lines = [`  ${JSON.stringify(fullName)}: {`];
  for (const field of docs.keys()) {
    if (!DOC_FIELDS.includes(field)) throw new Error(`docs field ${field}`);
  }
  for (const field of ["summary", "since", "group", "complexity"]) {
    if (docs.has(field)) lines.push(`    ${field}: ${str(docs.get(field)!)},`);
  }
  if (docs.has("doc_flags")) {
    const flags = [...docs.get("doc_flags") as Set<string>].map(str);
    lines.push(`    docFlags: [${flags.join(", ")}],`);
  }
  if (docs.has("deprecated_since")) {
    lines.push(`    deprecatedSince: ${str(docs.get("deprecated_since")!)},`);
  }
  if (docs.has("replaced_by")) {
    lines.push(`    replacedBy: ${str(docs.get("replaced_by")!)},`);
  }
  if (docs.has("history")) {
    const entries = [...docs.get("history") as Set<Reply[]>].map((
      [version, change],
    ) => `[${str(version)}, ${str(change)}]`);
    lines.push(`    history: [${entries.join(", ")}],`);
  }
  if (docs.has("arguments")) {
    const args = (docs.get("arguments") as Docs[]).map((a) =>
      argumentSource(a, used)
    );
    lines.push(`    arguments: [${args.join(", ")}],`);
  }
  lines.push("  },");
  return lines.join("\n");
}

/** The generated module. */
function moduleSource(
  table: Iterable<CommandSpec>,
  oracle: Map<string, Docs>,
): string {
  const used = new Set<string>();
  const records: string[] = [];
  for (const spec of table) {
    const docs = oracle.get(spec.fullName);
    if (docs === undefined) continue;
    records.push(docsSource(spec.fullName, docs, used));
    const subs = docs.get("subcommands") as Map<string, Docs> | undefined;
    for (const sub of spec.subcommands ?? []) {
      const subDocs = subs?.get(sub.fullName);
      if (subDocs !== undefined) {
        records.push(docsSource(sub.fullName, subDocs, used));
      }
    }
  }
  return `/**
 * COMMAND DOCS of Redis 7.0.15 for the commands this server registers,
 * keyed by full name ("set", "config|get"): the table documents its entries
 * with these (define.ts's withDocs). Generated by scripts/command_docs.ts
 * from redis-server 7.0.15; regenerate rather than edit.
 *
 * @module
 */

import { ${[...used].sort().join(", ")} } from "./define.ts";
import type { CommandDocs } from "./spec.ts";

/** Redis 7.0.15's COMMAND DOCS record of each command it shares with us. */
export const COMMAND_DOCS: Readonly<Record<string, CommandDocs>> = {
${records.join("\n")}
};
`;
}

if (import.meta.main) {
  const oracle = await withServer({ oracle: true }, async ([client]) => {
    await client.call("HELLO", "3");
    return await client.call("COMMAND", "DOCS") as Map<string, Docs>;
  });
  console.log(moduleSource(createCommandTable().all(), oracle));
}
