/**
 * MODULE against redis-server without modules: LIST, HELP, the
 * enable-module-command refusal, LOAD/LOADEX failing and UNLOAD of an
 * unknown name, metadata and the empty INFO modules section.
 *
 * @module
 */

import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import { MODULE_COMMANDS } from "../../lib/commands/module.ts";
import { sameDocs } from "./docs_common.ts";

// Redis lists a container's subcommands in its dict's order, which varies
// from run to run, so each is compared on its own.
commandInfoTest(
  "module",
  MODULE_COMMANDS[0].subcommands!.map((sub) => ({
    name: `module|${sub.name}`,
  })),
);

/** Requests whose replies depend on enable-module-command. */
const GUARDED = [
  ["MODULE", "LOAD", "/nonexistent/module.so"],
  ["MODULE", "LOAD", "/nonexistent/module.so", "a", "b"],
  ["MODULE", "LOAD", ""],
  ["MODULE", "LOADEX", "/nonexistent/module.so"],
  ["MODULE", "LOADEX", "/nonexistent/module.so", "CONFIG", "a", "b"],
  ["MODULE", "LOADEX", "/nonexistent/module.so", "CONFIG", "a"],
  ["MODULE", "LOADEX", "/nonexistent/module.so", "foo"],
  ["MODULE", "LOADEX", "/nonexistent/module.so", "ARGS", "x", "CONFIG"],
  ["module", "unload", "nosuch"],
];

differentialTest(
  "differential: MODULE LIST, HELP, errors and refusals match redis-server, RESP2 and RESP3",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      for (
        const args of [
          ["MODULE"],
          ["MODULE", "nosuch"],
          ["MODULE", "LIST"],
          ["MODULE", "LIST", "x"],
          ["MODULE", "HELP"],
          ["module", "help"],
          ["MODULE", "HELP", "x"],
          ["MODULE", "LOAD"],
          ["MODULE", "LOADEX"],
          ["MODULE", "UNLOAD"],
          ["MODULE", "UNLOAD", "a", "b"],
          ...GUARDED,
          ["INFO", "modules"],
        ]
      ) await pair.same(args);
    }
    await pair.both(["HELLO", "2"]);
    await sameDocs(pair, "module");
    await pair.same(["EVAL", "return redis.pcall('module', 'list')", "0"]);
    await pair.same(["MULTI"]);
    await pair.same(["MODULE", "LIST"]);
    await pair.same(["EXEC"]);
  },
);

differentialTest(
  "differential: with enable-module-command, MODULE LOAD, LOADEX and UNLOAD fail as redis-server's",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      for (const args of GUARDED) await pair.same(args);
      await pair.same(["MODULE", "LIST"]);
    }
    await pair.same(["INFO", "errorstats"]);
  },
  { flags: ["--enable-module-command", "yes"] },
);
