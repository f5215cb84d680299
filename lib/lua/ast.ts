/**
 * Abstract syntax tree of a Lua 5.1 chunk, with names already resolved to
 * locals (by unique id), upvalues and globals.
 *
 * @module
 */

/** A local variable declaration; `id` is unique within the chunk. */
export interface LocalVar {
  /** The Lua name. */
  name: string;
  /** Unique number, used to mangle the JavaScript name. */
  id: number;
  /** Depth of the function that declares it (0 = main chunk). */
  depth: number;
}

/** An expression. */
export type Expr =
  | { k: "nil" }
  | { k: "true" }
  | { k: "false" }
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "vararg" }
  | { k: "func"; f: FuncDef }
  | { k: "local"; v: LocalVar; upvalue: boolean }
  | { k: "global"; name: string }
  | { k: "index"; obj: Expr; key: Expr; line: number }
  | { k: "call"; fn: Expr; args: Expr[]; line: number }
  | { k: "method"; obj: Expr; name: string; args: Expr[]; line: number }
  | { k: "bin"; op: string; a: Expr; b: Expr; line: number }
  | { k: "un"; op: string; a: Expr; line: number }
  | { k: "and" | "or"; a: Expr; b: Expr }
  | { k: "table"; items: TableItem[]; line: number }
  | { k: "paren"; e: Expr };

/** An entry of a table constructor. */
export type TableItem =
  | { pos: true; v: Expr }
  | { pos: false; key: Expr; v: Expr };

/** A statement. */
export type Stat =
  | { k: "local"; line: number; vars: LocalVar[]; exprs: Expr[] }
  | { k: "assign"; line: number; targets: Expr[]; exprs: Expr[] }
  | { k: "call"; line: number; call: Expr }
  | { k: "do"; line: number; body: Stat[] }
  | { k: "while"; line: number; cond: Expr; body: Stat[] }
  | { k: "repeat"; line: number; body: Stat[]; cond: Expr; condLine: number }
  | {
    k: "if";
    line: number;
    clauses: { cond: Expr; body: Stat[]; line: number }[];
    orelse: Stat[] | undefined;
  }
  | {
    k: "numfor";
    line: number;
    v: LocalVar;
    start: Expr;
    limit: Expr;
    step: Expr | undefined;
    body: Stat[];
  }
  | {
    k: "genfor";
    line: number;
    vars: LocalVar[];
    exprs: Expr[];
    body: Stat[];
  }
  | { k: "localfunc"; line: number; v: LocalVar; f: FuncDef }
  | { k: "return"; line: number; exprs: Expr[] }
  | { k: "break"; line: number };

/** A function body. */
export interface FuncDef {
  /** Name for messages and tostring (informational). */
  name: string;
  /** Line of the `function` keyword. */
  line: number;
  /** Named parameters (including an implicit `self`). */
  params: LocalVar[];
  /** Whether it takes `...`. */
  vararg: boolean;
  /** The statements. */
  body: Stat[];
}
