/**
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (client-side
 * caching; the invalidation machinery is lib/server/tracking.ts).
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";

function clientTracking(ctx: CommandContext, args: Uint8Array[]): void {
  const tracking = ctx.server.tracking;
  const client = ctx.client;
  const on = equalsIgnoreCase(args[2], "on");
  if (!on && !equalsIgnoreCase(args[2], "off")) {
    throw new CommandError(Errors.syntax);
  }
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let i = 3; i < args.length; i++) {
    const more = i + 1 < args.length;
    if (equalsIgnoreCase(args[i], "redirect") && more) {
      if (redirect !== 0) {
        throw new CommandError(
          "ERR A client can only redirect to a single other client",
        );
      }
      redirect = parseIntegerArgument(args[++i]);
      if (!ctx.server.clients.has(redirect)) {
        throw new CommandError(
          "ERR The client ID you want redirect to does not exist",
        );
      }
    } else if (equalsIgnoreCase(args[i], "bcast")) bcast = true;
    else if (equalsIgnoreCase(args[i], "optin")) optin = true;
    else if (equalsIgnoreCase(args[i], "optout")) optout = true;
    else if (equalsIgnoreCase(args[i], "noloop")) noloop = true;
    else if (equalsIgnoreCase(args[i], "prefix") && more) {
      prefixes.push(bytesToString(args[++i]));
    } else throw new CommandError(Errors.syntax);
  }
  if (!on) {
    tracking.disable(client);
    ctx.reply.ok();
    return;
  }
  const state = tracking.stateOf(client);
  if (!bcast && prefixes.length > 0) {
    throw new CommandError(
      "ERR PREFIX option requires BCAST mode to be enabled",
    );
  }
  if (state !== undefined && state.bcast !== bcast) {
    throw new CommandError(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast && (optin || optout)) {
    throw new CommandError(
      "ERR OPTIN and OPTOUT are not compatible with BCAST",
    );
  }
  if (optin && optout) {
    throw new CommandError(
      "ERR You can't specify both OPTIN mode and OPTOUT mode",
    );
  }
  if (
    state !== undefined &&
    ((optin && state.optout) || (optout && state.optin))
  ) {
    throw new CommandError(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  checkPrefixOverlaps([...(state?.prefixes ?? []), ...prefixes], prefixes);
  tracking.enable(client, { redirect, bcast, prefixes, optin, optout, noloop });
  ctx.reply.ok();
}

/**
 * Refuses prefixes of which one starts another, as Redis does: `all` are
 * the client's prefixes, old and `given`.
 */
function checkPrefixOverlaps(all: readonly string[], given: readonly string[]) {
  for (const prefix of given) {
    for (const other of all) {
      if (other === prefix) continue;
      if (other.startsWith(prefix) || prefix.startsWith(other)) {
        throw new CommandError(
          `ERR Prefix '${prefix}' overlaps with ${
            given.includes(other)
              ? "another provided prefix"
              : "an existing prefix"
          } '${other}'. Prefixes for a single client must not overlap.`,
        );
      }
    }
  }
}

function clientCaching(ctx: CommandContext, args: Uint8Array[]): void {
  const state = ctx.server.tracking.stateOf(ctx.client);
  if (state === undefined || (!state.optin && !state.optout)) {
    throw new CommandError(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
  }
  if (equalsIgnoreCase(args[2], "yes")) {
    if (!state.optin) {
      throw new CommandError(
        "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
      );
    }
    ctx.server.tracking.setCaching(ctx.client, true);
  } else if (equalsIgnoreCase(args[2], "no")) {
    if (!state.optout) {
      throw new CommandError(
        "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
      );
    }
    ctx.server.tracking.setCaching(ctx.client, false);
  } else throw new CommandError(Errors.syntax);
  ctx.reply.ok();
}

function clientGetredir(ctx: CommandContext): void {
  const state = ctx.server.tracking.stateOf(ctx.client);
  ctx.reply.integer(state === undefined ? -1 : state.redirect);
}

function clientTrackinginfo(ctx: CommandContext): void {
  const state = ctx.server.tracking.stateOf(ctx.client);
  const flags: string[] = [];
  if (state === undefined) flags.push("off");
  else {
    flags.push("on");
    if (state.bcast) flags.push("bcast");
    if (state.optin) flags.push("optin");
    if (state.optout) flags.push("optout");
    if (state.caching === true) flags.push("caching-yes");
    if (state.caching === false) flags.push("caching-no");
    if (state.noloop) flags.push("noloop");
    if (state.brokenRedirect) flags.push("broken_redirect");
  }
  const reply = ctx.reply;
  reply.map(3);
  reply.bulkString("flags");
  reply.set(flags.length);
  for (const flag of flags) reply.bulkString(flag);
  reply.bulkString("redirect");
  reply.integer(state === undefined ? -1 : state.redirect);
  reply.bulkString("prefixes");
  const prefixes = state === undefined ? [] : [...state.prefixes];
  reply.array(prefixes.length);
  for (const prefix of prefixes) reply.bulkString(prefix);
}

const CONNECTION = ["connection"];
const FLAGS: CommandSpec["flags"] = ["noscript", "loading", "stale"];

/** CLIENT's tracking subcommands. */
export const TRACKING_SUBCOMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "tracking",
    arity: -3,
    flags: FLAGS,
    categories: CONNECTION,
    group: "connection",
    since: "6.0.0",
    summary: "Enable or disable server assisted client side caching support",
    complexity: "O(1). Some options may introduce additional complexity.",
    handler: clientTracking,
  }),
  defineCommand({
    name: "caching",
    arity: 3,
    flags: FLAGS,
    categories: CONNECTION,
    group: "connection",
    since: "6.0.0",
    summary:
      "Instructs the server whether to track the keys in the next request",
    complexity: "O(1)",
    handler: clientCaching,
  }),
  defineCommand({
    name: "getredir",
    arity: 2,
    flags: FLAGS,
    categories: CONNECTION,
    group: "connection",
    since: "6.0.0",
    summary: "Get tracking notifications redirection client ID if any",
    complexity: "O(1)",
    handler: clientGetredir,
  }),
  defineCommand({
    name: "trackinginfo",
    arity: 2,
    flags: FLAGS,
    categories: CONNECTION,
    group: "connection",
    since: "6.2.0",
    summary:
      "Return information about server assisted client side caching for the current connection",
    complexity: "O(1)",
    handler: clientTrackinginfo,
  }),
];
