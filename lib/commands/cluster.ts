/**
 * CLUSTER and the connection-level cluster commands (READONLY, READWRITE,
 * ASKING). There is no cluster mode, so each answers as a Redis 7.0 server
 * with cluster support disabled does: past the arity check, every one of
 * them (CLUSTER KEYSLOT and CLUSTER HELP included) refuses.
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

/** What the CLUSTER subcommands share, as Redis declares them. */
const clusterSubcommand = {
  handler: clusterDisabled,
  group: "cluster",
  since: "3.0.0",
  complexity: "O(1)",
} as const;

/** CLUSTER, READONLY, READWRITE and ASKING. */
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
  defineCommand({
    name: "cluster",
    arity: -2,
    group: "cluster",
    since: "3.0.0",
    summary: "A container for cluster commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        ...clusterSubcommand,
        name: "addslots",
        arity: -3,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Assign new hash slots to receiving node",
        complexity: "O(N) where N is the total number of hash slot arguments",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "addslotsrange",
        arity: -4,
        flags: ["admin", "stale", "no_async_loading"],
        since: "7.0.0",
        summary: "Assign new hash slots to receiving node",
        complexity:
          "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "bumpepoch",
        arity: 2,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Advance the cluster config epoch",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "count-failure-reports",
        arity: 3,
        flags: ["admin", "stale"],
        summary: "Return the number of failure reports active for a given node",
        complexity: "O(N) where N is the number of failure reports",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "countkeysinslot",
        arity: 3,
        flags: ["stale"],
        summary: "Return the number of local keys in the specified hash slot",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "delslots",
        arity: -3,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Set hash slots as unbound in receiving node",
        complexity: "O(N) where N is the total number of hash slot arguments",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "delslotsrange",
        arity: -4,
        flags: ["admin", "stale", "no_async_loading"],
        since: "7.0.0",
        summary: "Set hash slots as unbound in receiving node",
        complexity:
          "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "failover",
        arity: -2,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Forces a replica to perform a manual failover of its master.",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "flushslots",
        arity: 2,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Delete a node's own slots information",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "forget",
        arity: 3,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Remove a node from the nodes table",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "getkeysinslot",
        arity: 4,
        flags: ["stale"],
        summary: "Return local key names in the specified hash slot",
        complexity: "O(log(N)) where N is the number of requested keys",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "info",
        arity: 2,
        flags: ["stale"],
        summary: "Provides info about Redis Cluster node state",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "keyslot",
        arity: 3,
        flags: ["stale"],
        summary: "Returns the hash slot of the specified key",
        complexity: "O(N) where N is the number of bytes in the key",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "links",
        arity: 2,
        flags: ["stale"],
        since: "7.0.0",
        summary:
          "Returns a list of all TCP links to and from peer nodes in cluster",
        complexity: "O(N) where N is the total number of Cluster nodes",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "meet",
        arity: -4,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Force a node cluster to handshake with another node",
        history: [["4.0.0", "Added the optional `cluster_bus_port` argument."]],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "myid",
        arity: 2,
        flags: ["stale"],
        summary: "Return the node id",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "nodes",
        arity: 2,
        flags: ["stale"],
        summary: "Get Cluster config for the node",
        complexity: "O(N) where N is the total number of Cluster nodes",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "replicas",
        arity: 3,
        flags: ["admin", "stale"],
        since: "5.0.0",
        summary: "List replica nodes of the specified master node",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "replicate",
        arity: 3,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Reconfigure a node as a replica of the specified master node",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "reset",
        arity: -2,
        flags: ["admin", "noscript", "stale"],
        summary: "Reset a Redis Cluster node",
        complexity:
          "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "saveconfig",
        arity: 2,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Forces the node to save cluster state on disk",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "set-config-epoch",
        arity: 3,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Set the configuration epoch in a new node",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "setslot",
        arity: -4,
        flags: ["admin", "stale", "no_async_loading"],
        summary: "Bind a hash slot to a specific node",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "shards",
        arity: 2,
        flags: ["stale"],
        since: "7.0.0",
        summary: "Get array of cluster slots to node mappings",
        complexity: "O(N) where N is the total number of cluster nodes",
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "slaves",
        arity: 3,
        flags: ["admin", "stale"],
        summary: "List replica nodes of the specified master node",
        tips: ["nondeterministic_output"],
        docFlags: ["deprecated"],
        deprecatedSince: "5.0.0",
        replacedBy: "`CLUSTER REPLICAS`",
      }),
      defineCommand({
        ...clusterSubcommand,
        name: "slots",
        arity: 2,
        flags: ["stale"],
        summary: "Get array of Cluster slot to node mappings",
        complexity: "O(N) where N is the total number of Cluster nodes",
        tips: ["nondeterministic_output"],
        history: [["4.0.0", "Added node IDs."], [
          "7.0.0",
          "Added additional networking metadata field.",
        ]],
        docFlags: ["deprecated"],
        deprecatedSince: "7.0.0",
        replacedBy: "`CLUSTER SHARDS`",
      }),
    ],
  }),
];
