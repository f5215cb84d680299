/**
 * Per-connection client state, independent of how bytes reach the client.
 *
 * @module
 */

import type { CommandContext } from "../commands/context.ts";
import { ReplyWriter } from "../resp/encoder.ts";

/** What the network layer provides to a client: output and closing. */
export interface Transport {
  /** Schedules writing of everything pending in the client's reply writer. */
  flush(): void;
  /** Closes the connection (after pending output when `graceful`). */
  close(graceful: boolean): void;
}

/** One connected client. */
export class Client {
  /** Replies for this client are written here. */
  readonly reply = new ReplyWriter();
  /** Selected database number. */
  dbIndex = 0;
  /** CLIENT SETNAME name ("" when unset). */
  name = "";
  /** CLIENT SETINFO LIB-NAME value. */
  libName = "";
  /** CLIENT SETINFO LIB-VER value. */
  libVersion = "";
  /** Whether the client passed AUTH (or none is required). */
  authenticated: boolean;
  /** ACL user name. */
  user = "default";
  /** Creation time, ms since the epoch. */
  readonly createdAt: number;
  /** Time of the last command, ms since the epoch (CLIENT LIST idle). */
  lastInteraction: number;
  /** Name of the last command run, for CLIENT LIST's cmd field. */
  lastCommand = "NULL";
  /** Close after the pending replies are written (QUIT, protocol errors). */
  closeAfterReply = false;
  /** Set once the client is being disconnected. */
  closed = false;
  /** CLIENT REPLY OFF is in effect. */
  replyOff = false;
  /** CLIENT REPLY SKIP: the next command's reply is dropped. */
  skipNextReply = false;
  /** The running command's reply is dropped (CLIENT REPLY ON cancels it). */
  skipThisReply = false;
  /** CLIENT NO-EVICT ON. */
  noEvict = false;
  /** CLIENT NO-TOUCH: this client's reads do not update idle time or LFU. */
  noTouch = false;
  /** Subscriptions (kept by the pub/sub commands; CLIENT LIST counts them). */
  readonly channels = new Set<string>();
  /** Pattern subscriptions (PSUBSCRIBE). */
  readonly patterns = new Set<string>();
  /** Shard channel subscriptions (SSUBSCRIBE). */
  readonly shardChannels = new Set<string>();
  /** Commands queued by MULTI, or null outside a transaction. */
  multiQueue: Uint8Array[][] | null = null;
  /**
   * Set while EXEC (or a script) runs this client's commands: blocking
   * commands then behave as their non-blocking forms, as in Redis.
   */
  inTransaction = false;
  /** A WATCHed key changed: EXEC will fail (CLIENT LIST flag "d"). */
  dirtyCas = false;
  /** A command was rejected while queueing: EXEC will abort (EXECABORT). */
  dirtyExec = false;
  /** The client is a MONITOR (CLIENT LIST flag "O"). */
  monitor = false;
  /**
   * When pending output went over the soft client-output-buffer-limit (ms),
   * or -1 while under it.
   */
  outputSoftSince: number = -1;
  /** Bytes buffered by the decoder for an incomplete request. */
  queryBufferBytes = 0;
  /** Commands received but not yet run (while blocked, for instance). */
  readonly pending: Uint8Array[][] = [];
  /**
   * Argument bytes of the commands in `pending`: like Redis's unparsed query
   * buffer, they count toward client-query-buffer-limit.
   */
  pendingBytes = 0;
  /**
   * Set while the client waits in a blocking command; the dispatcher holds
   * its further commands until it is unblocked.
   */
  blocked = false;
  /** The reusable context its commands run in (made by the dispatcher). */
  context: CommandContext | null = null;

  /** Creates a client; addresses are "ip:port" strings as CLIENT LIST shows them. */
  constructor(
    /** Unique, increasing client id (CLIENT ID). */
    readonly id: number,
    /** Remote address. */
    readonly address: string,
    /** Local address. */
    readonly localAddress: string,
    /** Pseudo file descriptor shown by CLIENT LIST. */
    readonly fd: number,
    readonly transport: Transport,
    authenticated: boolean,
    now = Date.now(),
  ) {
    this.authenticated = authenticated;
    this.createdAt = now;
    this.lastInteraction = now;
  }

  /** Protocol version spoken with this client (HELLO switches it). */
  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }
}
