/**
 * Gathers the commands of every module into the command table.
 *
 * @module
 */

import { CONNECTION_COMMANDS } from "./connection.ts";
import { CLIENT_COMMANDS } from "./client.ts";
import { COMMAND_COMMANDS } from "./command.ts";
import { CONFIG_COMMANDS } from "./config.ts";
import { SERVER_COMMANDS } from "./server.ts";
import { DEBUG_COMMANDS } from "./debug.ts";
import { KEY_COMMANDS } from "./keys.ts";
import { STRING_COMMANDS } from "../types/string.ts";
import { BITMAP_COMMANDS } from "../types/bitmap.ts";
import { HYPERLOGLOG_COMMANDS } from "../types/hyperloglog.ts";
import { STREAM_COMMANDS } from "../types/stream.ts";
import { LIST_COMMANDS } from "../types/list.ts";
import { HASH_COMMANDS } from "../types/hash.ts";
import { SET_COMMANDS } from "../types/set.ts";
import { ZSET_COMMANDS } from "../types/zset.ts";
import { GEO_COMMANDS } from "../types/geo.ts";
import { SORT_COMMANDS } from "./sort.ts";
import { DUMP_COMMANDS } from "./dump.ts";
import { PERSISTENCE_COMMANDS } from "./persistence.ts";
import { TRANSACTION_COMMANDS } from "./transaction.ts";
import { PUBSUB_COMMANDS } from "./pubsub.ts";
import { SLOWLOG_COMMANDS } from "./slowlog.ts";
import { LATENCY_COMMANDS } from "./latency.ts";
import { MEMORY_COMMANDS } from "./memory.ts";
import { SCRIPTING_COMMANDS } from "./scripting.ts";
import { FUNCTION_COMMANDS } from "./functions.ts";
import { REPLICATION_COMMANDS } from "./replication.ts";
import { ACL_COMMANDS } from "./acl.ts";
import { CLUSTER_COMMANDS } from "./cluster.ts";
import { MODULE_COMMANDS } from "./module.ts";
import { MIGRATE_COMMANDS } from "./migrate.ts";
import { LOLWUT_COMMANDS } from "./lolwut.ts";
import { CommandTable } from "./table.ts";
import { withDocs } from "./define.ts";
import { COMMAND_DOCS } from "./command_arguments.ts";

/**
 * Builds the table of every implemented command, documented as Redis 7.0.15
 * documents it (COMMAND DOCS, arguments included).
 */
export function createCommandTable(): CommandTable {
  return new CommandTable([
    ...CONNECTION_COMMANDS,
    ...CLIENT_COMMANDS,
    ...COMMAND_COMMANDS,
    ...CONFIG_COMMANDS,
    ...SERVER_COMMANDS,
    ...DEBUG_COMMANDS,
    ...KEY_COMMANDS,
    ...STRING_COMMANDS,
    ...BITMAP_COMMANDS,
    ...HYPERLOGLOG_COMMANDS,
    ...STREAM_COMMANDS,
    ...LIST_COMMANDS,
    ...HASH_COMMANDS,
    ...SET_COMMANDS,
    ...ZSET_COMMANDS,
    ...GEO_COMMANDS,
    ...SORT_COMMANDS,
    ...PERSISTENCE_COMMANDS,
    ...DUMP_COMMANDS,
    ...TRANSACTION_COMMANDS,
    ...PUBSUB_COMMANDS,
    ...SLOWLOG_COMMANDS,
    ...LATENCY_COMMANDS,
    ...MEMORY_COMMANDS,
    ...SCRIPTING_COMMANDS,
    ...FUNCTION_COMMANDS,
    ...REPLICATION_COMMANDS,
    ...ACL_COMMANDS,
    ...CLUSTER_COMMANDS,
    ...MODULE_COMMANDS,
    ...MIGRATE_COMMANDS,
    ...LOLWUT_COMMANDS,
  ].map((spec) => withDocs(spec, COMMAND_DOCS)));
}
