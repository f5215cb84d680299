/**
 * Entry point: `deno task start [redis.conf] [--name value ...]`.
 *
 * @module
 */

import { FatalConfigError, loadConfig } from "./lib/config/load.ts";
import { startServer } from "./lib/server/start.ts";

if (import.meta.main) {
  let config;
  try {
    config = loadConfig(Deno.args, Deno.cwd());
  } catch (error) {
    if (error instanceof FatalConfigError) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
  const running = startServer(config);
  const shutdown = () => {
    running.server.log.warning("Received signal, scheduling shutdown...");
    running.server.onShutdown?.();
  };
  Deno.addSignalListener("SIGTERM", shutdown);
  Deno.addSignalListener("SIGINT", shutdown);
  await running.finished;
  running.server.log.warning("Redis is now ready to exit, bye bye...");
  Deno.exit(0);
}
