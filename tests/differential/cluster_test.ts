/**
 * READONLY, READWRITE and ASKING against redis-server without cluster
 * mode: the same error, arity errors, metadata and ACL categories.
 *
 * @module
 */

import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import { CLUSTER_COMMANDS } from "../../lib/commands/cluster.ts";

commandInfoTest("cluster", CLUSTER_COMMANDS);

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
