/**
 * The engine's run-time support for compiled Lua code: metamethod-aware
 * operations (the slow paths of the code the compiler inlines), calls,
 * error positions, ticks for pausing, and coroutine objects.
 *
 * @module
 */

import {
  LuaError,
  LuaFunction,
  type LuaGenerator,
  type LuaRuntime,
  LuaTable,
  type LuaThread,
  type LuaValue,
  numberToString,
  stringToNumber,
  typeName,
} from "./value.ts";

/** What a tick yield carries up to the driver. */
export const TICK: unique symbol = Symbol("lua tick");

/** Ticks (loop back-edges and calls) between two pause checks. */
export const TICK_INTERVAL = 10000;

/** A value passed up by `coroutine.yield`. */
export class YieldSignal {
  /** The yielded values. */
  readonly values: LuaValue[];
  /** Wraps yielded values. */
  constructor(values: LuaValue[]) {
    this.values = values;
  }
}

/** A coroutine. */
export class Coroutine implements LuaThread {
  /** Marks the object as a thread for `type()`. */
  readonly luaType = "thread" as const;
  /** "suspended", "running", "normal" or "dead". */
  status: "suspended" | "running" | "normal" | "dead" = "suspended";
  /** The body until the first resume. */
  fn: LuaValue;
  /** The running body once started. */
  generator: LuaGenerator | undefined = undefined;
  /** Creates a coroutine for `fn`. */
  constructor(fn: LuaValue) {
    this.fn = fn;
  }
}

const EMPTY_RESULT: LuaValue[] = [];

function toNum(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

/** The "attempt to ..." message with variable info, as luaG_typeerror. */
export function typeErrorMessage(
  op: string,
  value: LuaValue,
  desc: string | undefined,
): string {
  const t = typeName(value);
  return desc
    ? `attempt to ${op} ${desc} (a ${t} value)`
    : `attempt to ${op} a ${t} value`;
}

function runtimeError(message: string): LuaError {
  return new LuaError(message, { position: true });
}

const ARITH_EVENTS: Record<string, string> = {
  add: "__add",
  sub: "__sub",
  mul: "__mul",
  div: "__div",
  mod: "__mod",
  pow: "__pow",
};

function arithNumbers(op: string, a: number, b: number): number {
  switch (op) {
    case "add":
      return a + b;
    case "sub":
      return a - b;
    case "mul":
      return a * b;
    case "div":
      return a / b;
    case "mod":
      return a - Math.floor(a / b) * b;
    default:
      return Math.pow(a, b);
  }
}

let nextAddress = 0x55a4c0;
const addresses = new WeakMap<object, number>();

/** A stable fake address for `tostring` of tables, functions and threads. */
export function addressOf(value: object): string {
  let address = addresses.get(value);
  if (address === undefined) {
    nextAddress += 0x28 + ((nextAddress >> 3) & 0x18);
    address = nextAddress;
    addresses.set(value, address);
  }
  return "0x" + address.toString(16).padStart(8, "0");
}

/**
 * Per-state run-time: the helpers compiled code calls. Compiled chunks
 * receive this object and destructure its members.
 */
export class Runtime {
  /** The tick counter compiled code decrements. */
  readonly C = { n: TICK_INTERVAL };
  /** The tick signal. */
  readonly T: typeof TICK = TICK;
  /** LuaFunction, for `instanceof` in compiled code. */
  readonly LF: typeof LuaFunction = LuaFunction;
  /** LuaTable, for `instanceof` and constructors in compiled code. */
  readonly LT: typeof LuaTable = LuaTable;
  /** Set by `kill`: raised at the next tick, uncatchable by pcall. */
  killError: LuaError | undefined = undefined;
  /** The running coroutine (undefined in the main thread). */
  current: Coroutine | undefined = undefined;
  /** The metatable of strings (its __index is the string library). */
  stringMeta: LuaTable | undefined = undefined;
  /** The runtime interface natives receive. */
  L: LuaRuntime;
  /** The global table. */
  G: LuaTable;
  /** Depth of nested synchronous calls (natives calling back into Lua). */
  syncDepth = 0;

  /** The `next` native (generic-for fast path). */
  readonly next: LuaFunction;
  /** The iterator `ipairs` returns (generic-for fast path). */
  readonly inext: LuaFunction;

  /** Creates the run-time of a state. */
  constructor(L: LuaRuntime, G: LuaTable) {
    this.L = L;
    this.G = G;
    this.next = new LuaFunction({
      name: "next",
      native: (_L, args) => {
        const t = args[0];
        if (!(t instanceof LuaTable)) {
          throw new LuaError(
            `bad argument #1 to 'next' (table expected, got ${
              args.length === 0 ? "no value" : typeName(t)
            })`,
            { position: true },
          );
        }
        const entry = t.next(args[1]);
        return entry === undefined ? [undefined] : [entry[0], entry[1]];
      },
    });
    this.inext = new LuaFunction({
      name: "ipairs_aux",
      native: (_L, args) => {
        const t = args[0];
        const i = (args[1] as number) + 1;
        if (!(t instanceof LuaTable)) {
          throw new LuaError(
            `bad argument #1 to '?' (table expected, got ${typeName(t)})`,
            { position: true },
          );
        }
        const v = t.get(i);
        return v === undefined ? EMPTY_RESULT.slice() : [i, v];
      },
    });
  }

  /** The metatable of any value. */
  metatable = (v: LuaValue): LuaTable | undefined => {
    if (v instanceof LuaTable) return v.metatable;
    if (typeof v === "string") return this.stringMeta;
    return undefined;
  };

  /** A metamethod of a value, or undefined. */
  metamethod = (v: LuaValue, event: string): LuaValue => {
    const mt = v instanceof LuaTable
      ? v.metatable
      : typeof v === "string"
      ? this.stringMeta
      : undefined;
    return mt === undefined ? undefined : mt.get(event);
  };

  /** Wraps a compiled generator as a Lua function. */
  fn = (run: (args: LuaValue[]) => LuaGenerator, name: string): LuaFunction =>
    new LuaFunction({ name, run, body: run });

  /** `o[k]` with fast path for tables. */
  idx = (o: LuaValue, k: LuaValue, desc?: string): LuaValue => {
    if (o instanceof LuaTable) {
      const v = o.get(k);
      if (v !== undefined || o.metatable === undefined) return v;
    }
    return this.index(o, k, desc);
  };

  /** `o[k]` honouring `__index` (functions and tables, chained). */
  index = (o: LuaValue, k: LuaValue, desc?: string): LuaValue => {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (o instanceof LuaTable) {
        const v = o.get(k);
        if (v !== undefined) return v;
        const mt = o.metatable;
        if (mt === undefined) return undefined;
        h = mt.get("__index");
        if (h === undefined) return undefined;
      } else {
        h = this.metamethod(o, "__index");
        if (h === undefined) {
          throw runtimeError(
            typeErrorMessage("index", o, loop === 0 ? desc : undefined),
          );
        }
      }
      if (h instanceof LuaFunction) return this.callSync(h, [o, k])[0];
      o = h;
    }
    throw runtimeError("loop in gettable");
  };

  /** `o[k] = v` honouring `__newindex`. */
  setidx = (o: LuaValue, k: LuaValue, v: LuaValue, desc?: string): void => {
    if (o instanceof LuaTable && o.metatable === undefined) {
      o.set(k, v);
      return;
    }
    this.setindex(o, k, v, desc);
  };

  /** `o[k] = v` slow path. */
  setindex = (o: LuaValue, k: LuaValue, v: LuaValue, desc?: string): void => {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (o instanceof LuaTable) {
        const mt = o.metatable;
        if (mt === undefined || o.get(k) !== undefined) {
          o.set(k, v);
          return;
        }
        h = mt.get("__newindex");
        if (h === undefined) {
          o.set(k, v);
          return;
        }
      } else {
        h = this.metamethod(o, "__newindex");
        if (h === undefined) {
          throw runtimeError(
            typeErrorMessage("index", o, loop === 0 ? desc : undefined),
          );
        }
      }
      if (h instanceof LuaFunction) {
        this.callSync(h, [o, k, v]);
        return;
      }
      o = h;
    }
    throw runtimeError("loop in settable");
  };

  /** Arithmetic slow path: string coercion, then metamethods. */
  arith = (
    op: string,
    a: LuaValue,
    b: LuaValue,
    da?: string,
    db?: string,
  ): LuaValue => {
    const x = toNum(a);
    const y = toNum(b);
    if (x !== undefined && y !== undefined) return arithNumbers(op, x, y);
    const event = ARITH_EVENTS[op];
    let h = this.metamethod(a, event);
    if (h === undefined) h = this.metamethod(b, event);
    if (h !== undefined) return this.callSync(h, [a, b])[0];
    const badFirst = x === undefined;
    throw runtimeError(
      typeErrorMessage(
        "perform arithmetic on",
        badFirst ? a : b,
        badFirst ? da : db,
      ),
    );
  };

  /** Unary minus slow path. */
  unm = (a: LuaValue, da?: string): LuaValue => {
    if (typeof a === "number") return -a;
    const x = toNum(a);
    if (x !== undefined) return -x;
    const h = this.metamethod(a, "__unm");
    if (h !== undefined) return this.callSync(h, [a, a])[0];
    throw runtimeError(typeErrorMessage("perform arithmetic on", a, da));
  };

  /** `a .. b` slow path. */
  concat = (a: LuaValue, b: LuaValue, da?: string, db?: string): LuaValue => {
    const ta = typeof a;
    const tb = typeof b;
    if (
      (ta === "string" || ta === "number") &&
      (tb === "string" || tb === "number")
    ) {
      return (ta === "number" ? numberToString(a as number) : a as string) +
        (tb === "number" ? numberToString(b as number) : b as string);
    }
    let h = this.metamethod(a, "__concat");
    if (h === undefined) h = this.metamethod(b, "__concat");
    if (h !== undefined) return this.callSync(h, [a, b])[0];
    const badFirst = !(ta === "string" || ta === "number");
    throw runtimeError(
      typeErrorMessage(
        "concatenate",
        badFirst ? a : b,
        badFirst ? da : db,
      ),
    );
  };

  /** `#a`. */
  len = (a: LuaValue, da?: string): number => {
    if (typeof a === "string") return a.length;
    if (a instanceof LuaTable) return a.length();
    throw runtimeError(typeErrorMessage("get length of", a, da));
  };

  #compHandler(a: LuaTable, b: LuaTable, event: string): LuaValue {
    const h1 = a.metatable?.get(event);
    if (h1 === undefined) return undefined;
    if (a.metatable === b.metatable) return h1;
    const h2 = b.metatable?.get(event);
    return h1 === h2 ? h1 : undefined;
  }

  /** `a == b` once `a !== b` (only two tables can still be equal). */
  eq = (a: LuaValue, b: LuaValue): boolean => {
    if (!(a instanceof LuaTable) || !(b instanceof LuaTable)) return false;
    const h = this.#compHandler(a, b, "__eq");
    if (h === undefined) return false;
    const r = this.callSync(h, [a, b])[0];
    return r !== undefined && r !== false;
  };

  #orderError(a: LuaValue, b: LuaValue): LuaError {
    const t1 = typeName(a);
    const t2 = typeName(b);
    return runtimeError(
      t1 === t2
        ? `attempt to compare two ${t1} values`
        : `attempt to compare ${t1} with ${t2}`,
    );
  }

  #orderMeta(a: LuaValue, b: LuaValue, event: string): LuaValue {
    if (typeName(a) !== typeName(b)) return undefined;
    const h1 = this.metamethod(a, event);
    if (h1 === undefined) return undefined;
    const h2 = this.metamethod(b, event);
    return h1 === h2 ? h1 : undefined;
  }

  /** `a < b`. */
  lt = (a: LuaValue, b: LuaValue): boolean => {
    const ta = typeof a;
    const tb = typeof b;
    if (ta === tb) {
      if (ta === "number") return (a as number) < (b as number);
      if (ta === "string") return (a as string) < (b as string);
    }
    const h = this.#orderMeta(a, b, "__lt");
    if (h === undefined) throw this.#orderError(a, b);
    const r = this.callSync(h, [a, b])[0];
    return r !== undefined && r !== false;
  };

  /** `a <= b` (falls back to `not (b < a)` through `__lt`). */
  le = (a: LuaValue, b: LuaValue): boolean => {
    const ta = typeof a;
    const tb = typeof b;
    if (ta === tb) {
      if (ta === "number") return (a as number) <= (b as number);
      if (ta === "string") return (a as string) <= (b as string);
    }
    let h = this.#orderMeta(a, b, "__le");
    if (h !== undefined) {
      const r = this.callSync(h, [a, b])[0];
      return r !== undefined && r !== false;
    }
    h = this.#orderMeta(b, a, "__lt");
    if (h === undefined) throw this.#orderError(a, b);
    const r = this.callSync(h, [b, a])[0];
    return r === undefined || r === false;
  };

  /** Coerces a numeric for's control values, with 5.1's messages. */
  forprep = (a: LuaValue, b: LuaValue, c: LuaValue): number[] => {
    const x = toNum(a);
    if (x === undefined) {
      throw runtimeError("'for' initial value must be a number");
    }
    const y = toNum(b);
    if (y === undefined) throw runtimeError("'for' limit must be a number");
    const z = toNum(c);
    if (z === undefined) throw runtimeError("'for' step must be a number");
    return [x, y, z];
  };

  /** A table constructor: positional values and key/value pairs. */
  tbl = (items: LuaValue[], pairs?: LuaValue[]): LuaTable => {
    const t = new LuaTable();
    if (pairs !== undefined) {
      for (let i = 0; i < pairs.length; i += 2) {
        const v = pairs[i + 1];
        const k = pairs[i];
        if (k === undefined) {
          throw runtimeError("table index is nil");
        }
        if (v !== undefined) t.set(k, v);
      }
    }
    let n = items.length;
    while (n > 0 && items[n - 1] === undefined) n--;
    if (n === 0) return t;
    if (t.hash.size === 0) {
      items.length = n;
      t.array = items;
    } else {
      for (let i = 0; i < n; i++) {
        if (items[i] !== undefined) t.set(i + 1, items[i]);
      }
    }
    return t;
  };

  /** Calls a non-function value through `__call`, or raises. */
  *callmeta(f: LuaValue, args: LuaValue[], desc?: string): LuaGenerator {
    const h = this.metamethod(f, "__call");
    if (h instanceof LuaFunction) {
      return yield* this.call(h, [f, ...args]);
    }
    throw runtimeError(typeErrorMessage("call", f, desc));
  }

  /** Calls any value (pausable). */
  *call(f: LuaValue, args: LuaValue[]): LuaGenerator {
    if (f instanceof LuaFunction) {
      if (f.run !== undefined) return yield* f.run(args);
      return f.native!(this.L, args);
    }
    return yield* this.callmeta(f, args);
  }

  /**
   * Runs a call to completion (natives calling back, metamethods): ticks
   * only check for a kill; yields cannot cross this boundary.
   */
  callSync = (f: LuaValue, args: LuaValue[]): LuaValue[] => {
    if (f instanceof LuaFunction && f.run === undefined) {
      return f.native!(this.L, args);
    }
    const gen = this.call(f, args);
    this.syncDepth++;
    try {
      let step = gen.next();
      for (;;) {
        if (step.done) return step.value;
        if (step.value === TICK) {
          if (this.killError !== undefined) {
            this.C.n = 1;
            throw new LuaError(this.killError.value);
          }
          this.C.n = TICK_INTERVAL;
          step = gen.next();
        } else {
          step = gen.throw(
            new LuaError("attempt to yield across metamethod/C-call boundary"),
          );
        }
      }
    } finally {
      this.syncDepth--;
    }
  };

  /**
   * Positions an error passing through a Lua frame (`line` of chunk
   * `source`, shown as `chunk`), and turns JavaScript errors into Lua ones.
   */
  err = (e: unknown, line: number, chunk: string, source: string): unknown => {
    if (e instanceof LuaError) {
      if (e.luaLine === undefined) {
        e.luaSource = source;
        e.luaLine = line;
      }
      if (e.position) {
        if (e.skip > 0) e.skip--;
        else {
          if (typeof e.value === "string") {
            e.value = `${chunk}:${line}: ${e.value}`;
            e.message = e.value;
          }
          e.position = false;
        }
      }
      return e;
    }
    let message: string;
    if (e instanceof RangeError) {
      const text = e.message;
      message = text === "Invalid array length" ||
          text === "Invalid string length"
        ? "not enough memory"
        : "stack overflow";
    } else if (e instanceof Error) {
      message = e.message.includes("tack overflow")
        ? "stack overflow"
        : `internal error: ${e.message}`;
    } else {
      message = String(e);
    }
    const error = new LuaError(`${chunk}:${line}: ${message}`);
    error.luaSource = source;
    error.luaLine = line;
    return error;
  };

  /** `tostring(v)` honouring `__tostring`. */
  tostring = (v: LuaValue): string => {
    const h = this.metamethod(v, "__tostring");
    if (h !== undefined) {
      const r = this.callSync(h, [v])[0];
      if (typeof r === "string") return r;
      return rawToString(r);
    }
    return rawToString(v);
  };
}

/** `tostring` without metamethods. */
export function rawToString(v: LuaValue): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return numberToString(v);
    case "string":
      return v;
    default:
      if (v instanceof LuaTable) return "table: " + addressOf(v);
      if (v instanceof LuaFunction) return "function: " + addressOf(v);
      return "thread: " + addressOf(v as object);
  }
}

/** Converts a JavaScript exception caught by pcall into a Lua error value. */
export function errorValue(e: unknown): LuaValue {
  if (e instanceof LuaError) return e.value;
  if (e instanceof RangeError) return "stack overflow";
  return e instanceof Error ? e.message : String(e);
}
