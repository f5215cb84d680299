/**
 * Per-connection client state, independent of how bytes reach the client.
 *
 * @module
 */

import type { CommandContext } from "../commands/context.ts";
import { ReplyWriter } from "../resp/encoder.ts";
import type { User } from "../acl/user.ts";
import type {
  AttachedReplica,
  ReplicaSettings,
} from "../replication/replication.ts";

/** What the network layer provides to a client: output and closing. */
export interface Transport {
  /** Schedules writing of everything pending in the client's reply writer. */
  flush(): void;
  /** Closes the connection (after pending output when `graceful`). */
  close(graceful: boolean): void;
}

/**
 * How long an output peak counts for CLIENT LIST rbp: Redis resets a
 * client's buf_peak every 5 seconds (reply_buffer_peak_reset_time).
 */
export const OUTPUT_PEAK_WINDOW_MS = 5000;

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
  /**
   * The ACL user the client runs as; null for the server's own clients
   * (AOF loading, the link to a master), which may run anything.
   */
  user: User | null = null;
  /** Creation time, ms since the epoch. */
  readonly createdAt: number;
  /** Time of the last command, ms since the epoch (CLIENT LIST idle). */
  lastInteraction: number;
  /** Name of the last command run, for CLIENT LIST's cmd field. */
  lastCommand = "NULL";
  /** Close after the pending replies are written (QUIT, protocol errors). */
  closeAfterReply = false;
  /**
   * A protocol error found in input read while commands before it were
   * still waiting (the client was blocked): as Redis reports it only when
   * it reaches the bad bytes, the error is sent and the client closed once
   * those commands have run. Input read after it is ignored.
   */
  deferredProtocolError: string | null = null;
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
  /** Bytes the decoder holds for an incomplete request (set by the network layer). */
  bufferedInputBytes = 0;
  /**
   * While one read of this client is being run: its bytes plus what the
   * decoder held before it (Redis's query buffer until it is trimmed after
   * the read's commands); 0 otherwise.
   */
  processingInputBytes = 0;
  /** Capacity of the connection's read buffer (0 when not on a socket). */
  readBufferBytes = 0;
  /** Output taken from `reply` by the write in progress, not yet written. */
  writingBytes = 0;
  /** Chunks of `writingBytes` (CLIENT LIST oll). */
  writingChunks = 0;
  /**
   * Most output pending at a write since `outputPeakSince` (CLIENT LIST
   * rbp); restarted every OUTPUT_PEAK_WINDOW_MS, as Redis resets buf_peak.
   */
  outputPeak = 0;
  /** When the current `outputPeak` window began, ms since the epoch. */
  outputPeakSince: number;
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
  /**
   * RESP3 push frames written while the running command's replies are
   * dropped (CLIENT REPLY OFF/SKIP); sent once the replies are dropped.
   */
  readonly keptPushes: Uint8Array[] = [];
  /** What REPLCONF told about the replica this client is about to be. */
  replicaSettings: ReplicaSettings | null = null;
  /** Set once the client is a replica of this server (PSYNC, SYNC). */
  replica: AttachedReplica | null = null;
  /** The client is this replica's link to its master (CLIENT LIST flag "M"). */
  isMaster = false;
  /**
   * The unix socket's configured path when the client connected over it
   * (CLIENT LIST flag "U", MONITOR's "unix:" label; always local), else null.
   */
  unixSocket: string | null = null;
  /** master_repl_offset after this client's last write (WAIT waits for it). */
  replicationOffset = 0;
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
    this.outputPeakSince = now;
  }

  /**
   * Bytes buffered for requests not run yet: a partial request and the
   * arguments of commands held while blocked (client-query-buffer-limit).
   */
  get queryBufferBytes(): number {
    return this.bufferedInputBytes + this.pendingBytes;
  }

  /** Records `bytes` of output about to be written, for CLIENT LIST rbp. */
  recordOutputPeak(bytes: number, now: number): void {
    if (now - this.outputPeakSince >= OUTPUT_PEAK_WINDOW_MS) {
      this.outputPeak = 0;
      this.outputPeakSince = now;
    }
    if (bytes > this.outputPeak) this.outputPeak = bytes;
  }

  /** Protocol version spoken with this client (HELLO switches it). */
  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }
}
