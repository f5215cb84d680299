/**
 * CLUSTER, READONLY, READWRITE and ASKING against redis-server without
 * cluster mode: the same errors, arity errors, metadata and ACL categories.
 *
 * @module
 */

import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import { CLUSTER_COMMANDS } from "../../lib/commands/cluster.ts";
import { sameDocs } from "./docs_common.ts";

// Redis lists a container's subcommands in its dict's order, which varies
// from run to run, so each is compared on its own.
commandInfoTest("cluster", [
  ...CLUSTER_COMMANDS.filter((spec) => spec.name !== "cluster"),
  ...CLUSTER_COMMANDS.find((spec) => spec.name === "cluster")!.subcommands!
    .map((sub) => ({ name: `cluster|${sub.name}` })),
]);

differentialTest(
  "differential: READONLY, READWRITE and ASKING answer as without cluster support",
  async (pair) => {
    for (const name of ["READONLY", "READWRITE", "ASKING", "asking"]) {
      await pair.same([name]);
      await pair.same([name, "extra"]);
    }
    await pair.same(["MULTI"]);
    await pair.same(["READONLY"]);
    await pair.same(["EXEC"]);
    await pair.same(["COMMAND", "DOCS", "readonly", "readwrite", "asking"]);
    await pair.same(["ACL", "DRYRUN", "default", "asking"]);
  },
);

/** Every CLUSTER subcommand Redis 7.0.15 has. */
const SUBCOMMANDS = [
  "ADDSLOTS",
  "ADDSLOTSRANGE",
  "BUMPEPOCH",
  "COUNT-FAILURE-REPORTS",
  "COUNTKEYSINSLOT",
  "DELSLOTS",
  "DELSLOTSRANGE",
  "FAILOVER",
  "FLUSHSLOTS",
  "FORGET",
  "GETKEYSINSLOT",
  "INFO",
  "KEYSLOT",
  "LINKS",
  "MEET",
  "MYID",
  "NODES",
  "REPLICAS",
  "REPLICATE",
  "RESET",
  "SAVECONFIG",
  "SET-CONFIG-EPOCH",
  "SETSLOT",
  "SHARDS",
  "SLAVES",
  "SLOTS",
  "HELP",
];

differentialTest(
  "differential: every CLUSTER subcommand answers as without cluster support, RESP2 and RESP3",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["CLUSTER"]);
      await pair.same(["CLUSTER", "nosuch"]);
      await pair.same(["cluster", "nosuch", "x"]);
      for (const sub of SUBCOMMANDS) {
        // From too few to too many arguments for every arity.
        for (const extra of [[], ["0"], ["0", "1"], ["0", "1", "2", "3"]]) {
          await pair.same(["CLUSTER", sub, ...extra]);
        }
      }
      await pair.same(["cluster", "keyslot", "{user}1"]);
      await pair.same(["CLUSTER", "help"]);
    }
  },
);

differentialTest(
  "differential: CLUSTER's docs, keys, ACL categories and use in MULTI and scripts",
  async (pair) => {
    await sameDocs(pair, "cluster");
    await pair.same(["COMMAND", "DOCS", "cluster|slots", "cluster|info"]);
    await pair.same(["COMMAND", "INFO", "cluster|reset", "cluster|keyslot"]);
    await pair.same(["COMMAND", "GETKEYS", "cluster", "keyslot", "k"]);
    await pair.same(["COMMAND", "GETKEYS", "cluster", "info"]);
    await pair.same(["ACL", "SETUSER", "c", "on", "nopass", "+cluster|info"]);
    await pair.same(["ACL", "DRYRUN", "c", "cluster", "info"]);
    await pair.same(["ACL", "DRYRUN", "c", "cluster", "nodes"]);
    await pair.same(["ACL", "DRYRUN", "default", "cluster", "reset"]);
    await pair.same(["ACL", "SETUSER", "c", "-@all", "+@admin"]);
    await pair.same(["ACL", "DRYRUN", "c", "cluster", "meet", "h", "1"]);
    await pair.same(["ACL", "DRYRUN", "c", "cluster", "myid"]);
    await pair.same(["MULTI"]);
    await pair.same(["CLUSTER", "INFO"]);
    await pair.same(["CLUSTER", "INFO", "x"]);
    await pair.same(["EXEC"]);
    await pair.same(["MULTI"]);
    await pair.same(["CLUSTER", "KEYSLOT", "k"]);
    await pair.same(["EXEC"]);
    await pair.same(["EVAL", "return redis.pcall('cluster', 'info')", "0"]);
    await pair.same(["EVAL", "return redis.pcall('cluster', 'reset')", "0"]);
    await pair.same(["INFO", "errorstats"]);
  },
);
