/**
 * Keyspace notifications (notify-keyspace-events): every key change reported
 * through Server.keyChanged is published on __keyspace@<db>__:<key> (message:
 * the event name) and/or __keyevent@<db>__:<event> (message: the key) when
 * its class is enabled, as Redis's notifyKeyspaceEvent does.
 *
 * @module
 */

import type { Database } from "../store/database.ts";
import type { PubSub } from "./pubsub.ts";
import type { EventClass } from "./server.ts";

/** The classes "A" stands for (all but key-miss "m" and new-key "n"). */
const ALL_CLASSES = "g$lshzxetd";

/** Enabled classes and channel kinds, parsed from the directive's value. */
export interface NotifyFlags {
  /** Letters of the enabled event classes, "A" expanded. */
  readonly classes: string;
  /** "K": publish on __keyspace@<db>__ channels. */
  readonly keyspace: boolean;
  /** "E": publish on __keyevent@<db>__ channels. */
  readonly keyevent: boolean;
}

/** Parses a normalised notify-keyspace-events value ("AKE", "$xE", ...). */
export function parseNotifyFlags(text: string): NotifyFlags {
  let classes = "";
  for (const ch of text) {
    if (ch === "A") classes += ALL_CLASSES;
    else if (ch !== "K" && ch !== "E") classes += ch;
  }
  return {
    classes,
    keyspace: text.includes("K"),
    keyevent: text.includes("E"),
  };
}

/** Publishes keyspace events for key changes, following the configuration. */
export class KeyspaceNotifier {
  #text = "";
  #flags: NotifyFlags = parseNotifyFlags("");

  /**
   * Creates a notifier publishing through `pubsub`; `setting` returns the
   * current notify-keyspace-events value.
   */
  constructor(
    readonly pubsub: PubSub,
    readonly setting: () => string,
  ) {}

  /** Publishes the event for a change of `key` in `db`, if enabled. */
  notify(db: Database, key: string, eventClass: EventClass, event: string) {
    // Nobody could receive the event: skip building its channel names.
    if (!this.pubsub.listening) return;
    const text = this.setting();
    if (text === "") return;
    if (text !== this.#text) {
      this.#text = text;
      this.#flags = parseNotifyFlags(text);
    }
    const flags = this.#flags;
    if (!flags.classes.includes(eventClass)) return;
    const now = Date.now();
    if (flags.keyspace) {
      this.pubsub.publish(`__keyspace@${db.id}__:${key}`, event, now);
    }
    if (flags.keyevent) {
      this.pubsub.publish(`__keyevent@${db.id}__:${event}`, key, now);
    }
  }
}
