/**
 * Lua 5.1 parser: a recursive-descent parser following `lparser.c`, with its
 * syntax error messages, producing the tree of `ast.ts`.
 *
 * @module
 */

import type { Expr, FuncDef, LocalVar, Stat, TableItem } from "./ast.ts";
import { type Token, tokenize } from "./lexer.ts";
import { LuaError } from "./value.ts";

interface FuncState {
  parent: FuncState | undefined;
  depth: number;
  vararg: boolean;
  blocks: { vars: LocalVar[]; loop: boolean }[];
}

const BINARY: Record<string, [number, number]> = {
  "+": [6, 6],
  "-": [6, 6],
  "*": [7, 7],
  "/": [7, 7],
  "%": [7, 7],
  "^": [10, 9],
  "..": [5, 4],
  "==": [3, 3],
  "~=": [3, 3],
  "<": [3, 3],
  "<=": [3, 3],
  ">": [3, 3],
  ">=": [3, 3],
  "and": [2, 2],
  "or": [1, 1],
};
const UNARY_PRIORITY = 8;

/** Parses a chunk; `chunk` is the display name used in messages. */
export function parse(source: string, chunk: string): FuncDef {
  const tokens = tokenize(source, chunk);
  let p = 0;
  let tok: Token = tokens[0];
  let nextId = 0;
  let fs: FuncState = {
    parent: undefined,
    depth: 0,
    vararg: true,
    blocks: [],
  };

  const tt = (): string => tok.type;
  const near = (t: Token): string => t.raw;
  const errorAt = (message: string, t: Token = tok): never => {
    throw new LuaError(`${chunk}:${t.line}: ${message} near '${near(t)}'`);
  };
  const advance = () => {
    p++;
    tok = tokens[p];
  };
  const lastLine = () => tokens[p - 1]?.line ?? 1;
  const check = (type: string) => {
    if (tt() !== type) {
      errorAt(`'${type === "eof" ? "<eof>" : type}' expected`);
    }
  };
  const expect = (type: string) => {
    check(type);
    advance();
  };
  const test = (type: string): boolean => {
    if (tt() === type) {
      advance();
      return true;
    }
    return false;
  };
  const checkMatch = (what: string, who: string, line: number) => {
    if (tt() !== what) {
      if (line === tok.line) errorAt(`'${what}' expected`);
      errorAt(`'${what}' expected (to close '${who}' at line ${line})`);
    }
    advance();
  };
  const name = (): string => {
    if (tt() !== "name") errorAt("'<name>' expected");
    const value = tok.value as string;
    advance();
    return value;
  };
  const blockFollow = () => {
    const t = tt();
    return t === "else" || t === "elseif" || t === "end" || t === "until" ||
      t === "eof";
  };

  const declare = (n: string): LocalVar => ({
    name: n,
    id: nextId++,
    depth: fs.depth,
  });
  const activate = (v: LocalVar) => {
    fs.blocks[fs.blocks.length - 1].vars.push(v);
  };
  const resolve = (n: string): Expr => {
    for (let f: FuncState | undefined = fs; f; f = f.parent) {
      for (let b = f.blocks.length - 1; b >= 0; b--) {
        const vars = f.blocks[b].vars;
        for (let i = vars.length - 1; i >= 0; i--) {
          if (vars[i].name === n) {
            return { k: "local", v: vars[i], upvalue: f !== fs };
          }
        }
      }
    }
    return { k: "global", name: n };
  };

  const block = (loop: boolean, pre: LocalVar[] = []): Stat[] => {
    fs.blocks.push({ vars: [...pre], loop });
    const body: Stat[] = [];
    while (!blockFollow()) {
      const last = tt() === "return" || tt() === "break";
      body.push(statement());
      test(";");
      if (last) break;
    }
    fs.blocks.pop();
    return body;
  };

  const funcBody = (
    fname: string,
    line: number,
    self: boolean,
  ): FuncDef => {
    const outer = fs;
    fs = { parent: outer, depth: outer.depth + 1, vararg: false, blocks: [] };
    const params: LocalVar[] = [];
    if (self) params.push(declare("self"));
    expect("(");
    if (tt() !== ")") {
      do {
        if (tt() === "name") params.push(declare(name()));
        else if (tt() === "...") {
          advance();
          fs.vararg = true;
          break;
        } else errorAt("<name> or '...' expected");
      } while (test(","));
    }
    expect(")");
    const vararg = fs.vararg;
    const body = block(false, params);
    checkMatch("end", "function", line);
    fs = outer;
    return { name: fname, line, params, vararg, body };
  };

  const exprList = (): Expr[] => {
    const list = [expr()];
    while (test(",")) list.push(expr());
    return list;
  };

  let callLine = 0;
  const callArgs = (): Expr[] => {
    callLine = tok.line;
    const line = tok.line;
    if (tt() === "string") {
      const v = tok.value as string;
      advance();
      return [{ k: "str", v }];
    }
    if (tt() === "{") return [table()];
    if (tt() === "(") {
      if (line !== lastLine()) {
        errorAt("ambiguous syntax (function call x new statement)");
      }
      advance();
      const args = tt() === ")" ? [] : exprList();
      checkMatch(")", "(", line);
      return args;
    }
    return errorAt("function arguments expected");
  };

  const table = (): Expr => {
    const line = tok.line;
    expect("{");
    const items: TableItem[] = [];
    while (tt() !== "}") {
      if (tt() === "name" && tokens[p + 1].type === "=") {
        const key: Expr = { k: "str", v: name() };
        advance();
        items.push({ pos: false, key, v: expr() });
      } else if (tt() === "[") {
        advance();
        const key = expr();
        expect("]");
        expect("=");
        items.push({ pos: false, key, v: expr() });
      } else {
        items.push({ pos: true, v: expr() });
      }
      if (!test(",") && !test(";")) break;
    }
    checkMatch("}", "{", line);
    return { k: "table", items, line };
  };

  const primary = (): Expr => {
    if (tt() === "name") return resolve(name());
    if (tt() === "(") {
      const line = tok.line;
      advance();
      const e = expr();
      checkMatch(")", "(", line);
      return { k: "paren", e };
    }
    return errorAt("unexpected symbol");
  };

  const suffixed = (): Expr => {
    let e = primary();
    for (;;) {
      switch (tt()) {
        case ".": {
          advance();
          const key: Expr = { k: "str", v: name() };
          e = { k: "index", obj: e, key, line: lastLine() };
          break;
        }
        case "[": {
          advance();
          const key = expr();
          expect("]");
          e = { k: "index", obj: e, key, line: lastLine() };
          break;
        }
        case ":": {
          advance();
          const n = name();
          const args = callArgs();
          e = { k: "method", obj: e, name: n, args, line: callLine };
          break;
        }
        case "(":
        case "string":
        case "{": {
          const args = callArgs();
          e = { k: "call", fn: e, args, line: callLine };
          break;
        }
        default:
          return e;
      }
    }
  };

  const simple = (): Expr => {
    const t = tok;
    switch (t.type) {
      case "number":
        advance();
        return { k: "num", v: t.value as number };
      case "string":
        advance();
        return { k: "str", v: t.value as string };
      case "nil":
        advance();
        return { k: "nil" };
      case "true":
        advance();
        return { k: "true" };
      case "false":
        advance();
        return { k: "false" };
      case "...":
        if (!fs.vararg) errorAt("cannot use '...' outside a vararg function");
        advance();
        return { k: "vararg" };
      case "{":
        return table();
      case "function":
        advance();
        return { k: "func", f: funcBody("anonymous", t.line, false) };
      default:
        return suffixed();
    }
  };

  const subexpr = (limit: number): Expr => {
    let e: Expr;
    const t = tok;
    if (t.type === "not" || t.type === "-" || t.type === "#") {
      advance();
      const a = subexpr(UNARY_PRIORITY);
      if (t.type === "-" && a.k === "num") e = { k: "num", v: -a.v };
      else e = { k: "un", op: t.type, a, line: lastLine() };
    } else e = simple();
    for (;;) {
      const op = tt();
      const prio = BINARY[op];
      if (prio === undefined || prio[0] <= limit) return e;
      advance();
      const b = subexpr(prio[1]);
      if (op === "and" || op === "or") e = { k: op, a: e, b };
      else e = { k: "bin", op, a: e, b, line: lastLine() };
    }
  };

  const expr = (): Expr => subexpr(0);

  const inLoop = () => {
    for (let b = fs.blocks.length - 1; b >= 0; b--) {
      if (fs.blocks[b].loop) return true;
    }
    return false;
  };

  const statement = (): Stat => {
    const line = tok.line;
    switch (tt()) {
      case "if": {
        const clauses: { cond: Expr; body: Stat[]; line: number }[] = [];
        let orelse: Stat[] | undefined;
        do {
          const clauseLine = tok.line;
          advance();
          const cond = expr();
          expect("then");
          clauses.push({ cond, body: block(false), line: clauseLine });
        } while (tt() === "elseif");
        if (test("else")) orelse = block(false);
        checkMatch("end", "if", line);
        return { k: "if", line, clauses, orelse };
      }
      case "while": {
        advance();
        const cond = expr();
        expect("do");
        const body = block(true);
        checkMatch("end", "while", line);
        return { k: "while", line, cond, body };
      }
      case "do": {
        advance();
        const body = block(false);
        checkMatch("end", "do", line);
        return { k: "do", line, body };
      }
      case "for": {
        advance();
        const n1 = name();
        if (tt() === "=") {
          advance();
          const start = expr();
          expect(",");
          const limit = expr();
          const step = test(",") ? expr() : undefined;
          expect("do");
          const v = declare(n1);
          const body = block(true, [v]);
          checkMatch("end", "for", line);
          return { k: "numfor", line, v, start, limit, step, body };
        }
        if (tt() === "," || tt() === "in") {
          const names = [n1];
          while (test(",")) names.push(name());
          expect("in");
          const exprs = exprList();
          expect("do");
          const vars = names.map(declare);
          const body = block(true, vars);
          checkMatch("end", "for", line);
          return { k: "genfor", line, vars, exprs, body };
        }
        return errorAt("'=' or 'in' expected");
      }
      case "repeat": {
        advance();
        fs.blocks.push({ vars: [], loop: true });
        const body: Stat[] = [];
        while (!blockFollow()) {
          const last = tt() === "return" || tt() === "break";
          body.push(statement());
          test(";");
          if (last) break;
        }
        checkMatch("until", "repeat", line);
        const condLine = tok.line;
        const cond = expr();
        fs.blocks.pop();
        return { k: "repeat", line, body, cond, condLine };
      }
      case "function": {
        advance();
        let n = name();
        let target: Expr = resolve(n);
        let full = n;
        let self = false;
        while (tt() === ".") {
          const l = tok.line;
          advance();
          n = name();
          full += "." + n;
          target = {
            k: "index",
            obj: target,
            key: { k: "str", v: n },
            line: l,
          };
        }
        if (tt() === ":") {
          const l = tok.line;
          advance();
          n = name();
          full += ":" + n;
          target = {
            k: "index",
            obj: target,
            key: { k: "str", v: n },
            line: l,
          };
          self = true;
        }
        const f = funcBody(full, line, self);
        return {
          k: "assign",
          line,
          targets: [target],
          exprs: [{ k: "func", f }],
        };
      }
      case "local": {
        advance();
        if (test("function")) {
          const n = name();
          const v = declare(n);
          activate(v);
          return { k: "localfunc", line, v, f: funcBody(n, line, false) };
        }
        const names = [name()];
        while (test(",")) names.push(name());
        const exprs = test("=") ? exprList() : [];
        const vars = names.map(declare);
        for (const v of vars) activate(v);
        return { k: "local", line, vars, exprs };
      }
      case "return": {
        advance();
        const exprs = blockFollow() || tt() === ";" ? [] : exprList();
        return { k: "return", line, exprs };
      }
      case "break": {
        advance();
        if (!inLoop()) errorAt("no loop to break");
        return { k: "break", line };
      }
      default: {
        const e = suffixed();
        if (e.k === "call" || e.k === "method") {
          return { k: "call", line, call: e };
        }
        const assignable = (t: Expr) => {
          if (t.k !== "local" && t.k !== "global" && t.k !== "index") {
            errorAt("syntax error");
          }
        };
        assignable(e);
        const targets: Expr[] = [e];
        while (test(",")) {
          const t = suffixed();
          assignable(t);
          targets.push(t);
        }
        expect("=");
        const exprs = exprList();
        return { k: "assign", line, targets, exprs };
      }
    }
  };

  fs.blocks.push({ vars: [], loop: false });
  const body: Stat[] = [];
  while (!blockFollow()) {
    const last = tt() === "return" || tt() === "break";
    body.push(statement());
    test(";");
    if (last) break;
  }
  check("eof");
  return { name: "main chunk", line: 0, params: [], vararg: true, body };
}
