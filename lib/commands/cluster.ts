/**
 * The connection-level cluster commands (READONLY, READWRITE, ASKING).
 * There is no cluster mode, so each answers as a Redis 7.0 server with
 * cluster support disabled does.
 *
 * @module
 */

import { defineCommand } from "./define.ts";
import { CommandError } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

const CLUSTER_DISABLED = "ERR This instance has cluster support disabled";

function clusterDisabled(): void {
  throw new CommandError(CLUSTER_DISABLED);
}

/** READONLY, READWRITE and ASKING. */
export const CLUSTER_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "readonly",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    categories: ["connection"],
    group: "cluster",
    since: "3.0.0",
    summary: "Enables read queries for a connection to a cluster replica node",
    complexity: "O(1)",
    handler: clusterDisabled,
  }),
  defineCommand({
    name: "readwrite",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    categories: ["connection"],
    group: "cluster",
    since: "3.0.0",
    summary: "Disables read queries for a connection to a cluster replica node",
    complexity: "O(1)",
    handler: clusterDisabled,
  }),
  defineCommand({
    name: "asking",
    arity: 1,
    flags: ["fast"],
    categories: ["connection"],
    group: "cluster",
    since: "3.0.0",
    summary: "Sent by cluster clients after an -ASK redirect",
    complexity: "O(1)",
    handler: clusterDisabled,
  }),
];
