/**
 * Compiles a parsed Lua 5.1 chunk to JavaScript source. Every Lua function
 * becomes a JavaScript generator function so that running code can pause:
 * loop back-edges and function entries decrement a shared tick counter and
 * yield a tick signal when it runs out. Lua-to-Lua calls are `yield*`.
 * Lua names are mangled (`L<id>_<name>`), run-time helpers start with `$`,
 * so Lua code can never reach or shadow JavaScript names.
 *
 * @module
 */

import type { Expr, FuncDef, LocalVar, Stat } from "./ast.ts";

const TICK = "if (--$C.n <= 0) yield $T;";

const COMPARE = new Set(["==", "~=", "<", "<=", ">", ">="]);

const ARITH: Record<string, string> = {
  "+": "add",
  "-": "sub",
  "*": "mul",
  "/": "div",
  "%": "mod",
  "^": "pow",
};

function localName(v: LocalVar): string {
  return `L${v.id}_${v.name}`;
}

function str(s: string): string {
  return JSON.stringify(s);
}

function num(v: number): string {
  if (Object.is(v, -0)) return "(-0)";
  if (v !== v) return "NaN";
  if (v < 0) return `(${String(v)})`;
  return String(v);
}

class FunctionContext {
  temps = 0;
  lastLine = -1;
  newTemp(): string {
    return `$t${this.temps++}`;
  }
}

/** Compiles a chunk to the body of a factory `(R, L) => LuaFunction`. */
export function compileChunk(
  main: FuncDef,
  chunk: string,
  source: string,
): string {
  let fc = new FunctionContext();
  // Statements spanning lines are compiled "precise": each operation sets
  // $line to where Lua would report it (the line its last token is on).
  let precise = false;
  let sawOtherLine = false;
  let stmtLine = 0;
  const funcCache = new Map<FuncDef, string>();
  const mark = (line: number): string => {
    if (precise) return `$line = ${line}, `;
    if (line !== stmtLine) sawOtherLine = true;
    return "";
  };

  const desc = (e: Expr): string => {
    switch (e.k) {
      case "local":
        return str(`${e.upvalue ? "upvalue" : "local"} '${e.v.name}'`);
      case "global":
        return str(`global '${e.name}'`);
      case "index":
        return str(`field '${e.key.k === "str" ? e.key.v : "?"}'`);
      case "method":
        return str(`method '${e.name}'`);
      default:
        return "undefined";
    }
  };

  const isSimple = (e: Expr): boolean =>
    e.k === "local" || e.k === "num" || e.k === "str" || e.k === "nil" ||
    e.k === "true" || e.k === "false";

  const isMulti = (e: Expr): boolean =>
    e.k === "call" || e.k === "method" || e.k === "vararg";

  // Evaluates e once: returns [prefix, name] where prefix assigns a temp.
  const once = (e: Expr): [string, string] => {
    const code = ex(e);
    if (isSimple(e)) return ["", code];
    const t = fc.newTemp();
    return [`${t} = ${code}, `, t];
  };

  const callCore = (
    f: string,
    a: string,
    d: string,
    line: number,
  ): string => {
    const tf = fc.newTemp();
    const ta = fc.newTemp();
    return `(${tf} = ${f}, ${ta} = ${a}, ${
      mark(line)
    }${tf} instanceof $LF ? (${tf}.run !== undefined ? yield* ${tf}.run(${ta}) : ${tf}.native(L, ${ta})) : yield* $callmeta(${tf}, ${ta}, ${d}))`;
  };

  const list = (exprs: Expr[]): string => {
    if (exprs.length === 0) return "[]";
    const last = exprs[exprs.length - 1];
    if (exprs.length === 1 && isMulti(last)) return multi(last);
    const parts = exprs.slice(0, -1).map(ex);
    parts.push(isMulti(last) ? `...${multi(last)}` : ex(last));
    return `[${parts.join(", ")}]`;
  };

  const multi = (e: Expr): string => {
    switch (e.k) {
      case "call":
        return callCore(ex(e.fn), list(e.args), desc(e.fn), e.line);
      case "method": {
        const to = fc.newTemp();
        const obj = ex(e.obj);
        const fn = `$idx(${to} = ${obj}, ${str(e.name)}, ${desc(e.obj)})`;
        const args = e.args.length === 0
          ? `[${to}]`
          : `[${to}, ...${list(e.args)}]`;
        return callCore(fn, args, desc(e), e.line);
      }
      case "vararg":
        return "$va";
      default:
        return `[${ex(e)}]`;
    }
  };

  const truthy = (e: Expr): string => {
    if (e.k === "bin" && COMPARE.has(e.op)) return ex(e);
    if (e.k === "un" && e.op === "not") return ex(e);
    if (e.k === "true") return "true";
    if (e.k === "false" || e.k === "nil") return "false";
    if (e.k === "and") return `(${truthy(e.a)} && ${truthy(e.b)})`;
    if (e.k === "or") return `(${truthy(e.a)} || ${truthy(e.b)})`;
    if (e.k === "num" || e.k === "str" || e.k === "func") return "true";
    const [pre, v] = once(e);
    return `(${pre}${v} !== undefined && ${v} !== false)`;
  };

  const binary = (e: Expr & { k: "bin" }): string => {
    const op = e.op;
    const [pa, a] = once(e.a);
    const [pb, b] = once(e.b);
    const pre = pa + pb + mark(e.line);
    const aNum = e.a.k === "num";
    const bNum = e.b.k === "num";
    const checks = [
      aNum ? "" : `typeof ${a} === "number"`,
      bNum ? "" : `typeof ${b} === "number"`,
    ].filter((c) => c !== "").join(" && ") || "true";
    const arith = ARITH[op];
    if (arith !== undefined) {
      let fast: string;
      if (op === "%") fast = `${a} - Math.floor(${a} / ${b}) * ${b}`;
      else if (op === "^") fast = `Math.pow(${a}, ${b})`;
      else fast = `${a} ${op} ${b}`;
      return `(${pre}${checks} ? ${fast} : $arith("${arith}", ${a}, ${b}, ${
        desc(e.a)
      }, ${desc(e.b)}))`;
    }
    switch (op) {
      case "..":
        return `(${pre}typeof ${a} === "string" && typeof ${b} === "string" ? ${a} + ${b} : $concat(${a}, ${b}, ${
          desc(e.a)
        }, ${desc(e.b)}))`;
      case "==":
      case "~=": {
        const constant = (x: Expr) =>
          x.k === "nil" || x.k === "true" || x.k === "false" ||
          x.k === "num" || x.k === "str";
        const code = constant(e.a) || constant(e.b)
          ? `${a} === ${b}`
          : `${a} === ${b} || $eq(${a}, ${b})`;
        return op === "==" ? `(${pre}${code})` : `(${pre}!(${code}))`;
      }
      case "<":
        return `(${pre}${checks} ? ${a} < ${b} : $lt(${a}, ${b}))`;
      case "<=":
        return `(${pre}${checks} ? ${a} <= ${b} : $le(${a}, ${b}))`;
      case ">":
        return `(${pre}${checks} ? ${a} > ${b} : $lt(${b}, ${a}))`;
      case ">=":
        return `(${pre}${checks} ? ${a} >= ${b} : $le(${b}, ${a}))`;
    }
    throw new Error(`unknown operator ${op}`);
  };

  const ex = (e: Expr): string => {
    switch (e.k) {
      case "nil":
        return "undefined";
      case "true":
        return "true";
      case "false":
        return "false";
      case "num":
        return num(e.v);
      case "str":
        return str(e.v);
      case "vararg":
        return "$va[0]";
      case "func":
        return func(e.f);
      case "local":
        return localName(e.v);
      case "global":
        return `$idx($G, ${str(e.name)})`;
      case "index":
        return `$idx(${ex(e.obj)}, ${ex(e.key)}, ${
          precise
            ? `(${mark(e.line)}${desc(e.obj)})`
            : (mark(e.line), desc(e.obj))
        })`;
      case "call":
      case "method":
        return `${multi(e)}[0]`;
      case "paren":
        return ex(e.e);
      case "and": {
        const t = fc.newTemp();
        return `((${t} = ${ex(e.a)}) === undefined || ${t} === false ? ${t} : ${
          ex(e.b)
        })`;
      }
      case "or": {
        const t = fc.newTemp();
        return `((${t} = ${ex(e.a)}) !== undefined && ${t} !== false ? ${t} : ${
          ex(e.b)
        })`;
      }
      case "un": {
        if (e.op === "not") return `!${truthy(e.a)}`;
        const [pa, a] = once(e.a);
        const pre = pa + mark(e.line);
        if (e.op === "-") {
          return `(${pre}typeof ${a} === "number" ? -${a} : $unm(${a}, ${
            desc(e.a)
          }))`;
        }
        return `(${pre}typeof ${a} === "string" ? (${a}).length : $len(${a}, ${
          desc(e.a)
        }))`;
      }
      case "bin":
        return binary(e);
      case "table": {
        const positional: string[] = [];
        const pairs: string[] = [];
        e.items.forEach((item, i) => {
          if (item.pos) {
            if (i === e.items.length - 1 && isMulti(item.v)) {
              positional.push(`...${multi(item.v)}`);
            } else positional.push(ex(item.v));
          } else {
            pairs.push(ex(item.key), ex(item.v));
          }
        });
        return pairs.length === 0
          ? `$tbl([${positional.join(", ")}])`
          : `$tbl([${positional.join(", ")}], [${pairs.join(", ")}])`;
      }
    }
  };

  const func = (f: FuncDef): string => {
    const cached = funcCache.get(f);
    if (cached !== undefined) return cached;
    const saved = [precise, sawOtherLine, stmtLine] as const;
    precise = false;
    const outer = fc;
    fc = new FunctionContext();
    const lines: string[] = [];
    const np = f.params.length;
    if (np > 0) {
      lines.push(
        `let ${
          f.params.map((p, i) => `${localName(p)} = A[${i}]`).join(", ")
        };`,
      );
    }
    if (f.vararg) {
      lines.push(
        np === 0
          ? "const $va = A;"
          : `const $va = A.length > ${np} ? A.slice(${np}) : [];`,
      );
    }
    const body = block(f.body);
    const temps = fc.temps > 0
      ? `let ${
        Array.from({ length: fc.temps }, (_, i) => `$t${i}`).join(", ")
      };`
      : "";
    fc = outer;
    [precise, sawOtherLine, stmtLine] = saved;
    const code = `$fn(function* (A) {\nlet $line = ${f.line};\n${
      lines.join("\n")
    }\n${temps}\ntry {\n${TICK}\n${body}\nreturn [];\n} catch ($e) { throw $err($e, $line); }\n}, ${
      str(f.name)
    })`;
    funcCache.set(f, code);
    return code;
  };

  const setLine = (line: number): string => {
    if (line === fc.lastLine) return "";
    fc.lastLine = line;
    return `$line = ${line}; `;
  };

  const block = (stats: Stat[]): string => stats.map(stat).join("\n");

  const loopBody = (stats: Stat[]): string => {
    fc.lastLine = -1;
    const code = block(stats);
    fc.lastLine = -1;
    return code;
  };

  const assignTo = (
    target: Expr,
    value: string,
    obj?: string,
    key?: string,
  ) => {
    switch (target.k) {
      case "local":
        return `${localName(target.v)} = ${value};`;
      case "global":
        return `$setidx($G, ${str(target.name)}, ${value});`;
      case "index":
        return `$setidx(${obj ?? ex(target.obj)}, ${
          key ?? ex(target.key)
        }, ${value}, ${desc(target.obj)});`;
      default:
        throw new Error("cannot assign");
    }
  };

  const stat = (s: Stat): string => {
    if (
      s.k === "local" || s.k === "assign" || s.k === "call" ||
      s.k === "return"
    ) {
      stmtLine = s.line;
      sawOtherLine = false;
      precise = false;
      const before = fc.lastLine;
      const code = statement(s);
      if (!sawOtherLine) return code;
      fc.lastLine = before;
      precise = true;
      const exact = statement(s);
      precise = false;
      fc.lastLine = -1;
      return exact;
    }
    stmtLine = s.line;
    precise = false;
    return statement(s);
  };

  const statement = (s: Stat): string => {
    const ln = setLine(s.line);
    switch (s.k) {
      case "local": {
        const names = s.vars.map(localName);
        if (s.exprs.length === 0) return `${ln}let ${names.join(", ")};`;
        const last = s.exprs[s.exprs.length - 1];
        if (
          s.exprs.length === s.vars.length && !isMulti(last) ||
          (s.exprs.length === s.vars.length && s.vars.length === 1)
        ) {
          return `${ln}let ${
            names.map((n, i) => `${n} = ${ex(s.exprs[i])}`).join(", ")
          };`;
        }
        const m = fc.newTemp();
        return `${ln}${m} = ${list(s.exprs)}; let ${
          names.map((n, i) => `${n} = ${m}[${i}]`).join(", ")
        };`;
      }
      case "localfunc": {
        const n = localName(s.v);
        return `${ln}let ${n}; ${n} = ${func(s.f)};`;
      }
      case "assign": {
        if (s.targets.length === 1 && s.exprs.length === 1) {
          const value = isMulti(s.exprs[0]) || s.exprs[0].k !== "vararg"
            ? ex(s.exprs[0])
            : ex(s.exprs[0]);
          return ln + assignTo(s.targets[0], value);
        }
        const pre: string[] = [];
        const places = s.targets.map((t) => {
          if (t.k !== "index") return [undefined, undefined];
          const o = fc.newTemp();
          const k = fc.newTemp();
          pre.push(`${o} = ${ex(t.obj)}; ${k} = ${ex(t.key)};`);
          return [o, k];
        });
        const values: string[] = [];
        const last = s.exprs[s.exprs.length - 1];
        if (s.exprs.length >= s.targets.length && !isMulti(last)) {
          s.exprs.forEach((e, i) => {
            const v = fc.newTemp();
            pre.push(`${v} = ${ex(e)};`);
            if (i < s.targets.length) values.push(v);
          });
        } else {
          const m = fc.newTemp();
          pre.push(`${m} = ${list(s.exprs)};`);
          s.targets.forEach((_, i) => values.push(`${m}[${i}]`));
        }
        const assigns: string[] = [];
        for (let i = s.targets.length - 1; i >= 0; i--) {
          assigns.push(
            assignTo(s.targets[i], values[i], places[i][0], places[i][1]),
          );
        }
        return ln + pre.join(" ") + " " + assigns.join(" ");
      }
      case "call":
        return `${ln}${multi(s.call)};`;
      case "do": {
        const code = `${ln}{\n${block(s.body)}\n}`;
        fc.lastLine = -1;
        return code;
      }
      case "while": {
        const code = `${ln}while (($line = ${s.line}, ${
          truthy(s.cond)
        })) {\n${TICK}\n${loopBody(s.body)}\n}`;
        return code;
      }
      case "repeat": {
        const body = loopBody(s.body);
        const code =
          `${ln}for (;;) {\n${TICK}\n${body}\n$line = ${s.condLine};\nif (${
            truthy(s.cond)
          }) break;\n}`;
        fc.lastLine = -1;
        return code;
      }
      case "if": {
        let code = ln;
        s.clauses.forEach((c, i) => {
          code += `${i === 0 ? "if" : " else if"} (${
            i === 0 ? "" : `($line = ${c.line}), `
          }${truthy(c.cond)}) {\n${loopBody(c.body)}\n}`;
        });
        if (s.orelse !== undefined) code += ` else {\n${loopBody(s.orelse)}\n}`;
        fc.lastLine = -1;
        return code;
      }
      case "numfor": {
        const a = fc.newTemp();
        const b = fc.newTemp();
        const c = fc.newTemp();
        const step = s.step ?? { k: "num", v: 1 } as Expr;
        let cond: string;
        if (step.k === "num") {
          cond = step.v > 0 ? `${a} <= ${b}` : `${a} >= ${b}`;
        } else cond = `(${c} > 0 ? ${a} <= ${b} : ${a} >= ${b})`;
        const checks = [
          s.start.k === "num" ? "" : `typeof ${a} !== "number"`,
          s.limit.k === "num" ? "" : `typeof ${b} !== "number"`,
          step.k === "num" ? "" : `typeof ${c} !== "number"`,
        ].filter((x) => x !== "");
        const prep = checks.length === 0
          ? ""
          : `if (${
            checks.join(" || ")
          }) [${a}, ${b}, ${c}] = $forprep(${a}, ${b}, ${c});`;
        const code = `${ln}${a} = ${ex(s.start)}; ${b} = ${
          ex(s.limit)
        }; ${c} = ${
          ex(step)
        }; ${prep}\nfor (; ${cond}; ${a} += ${c}) {\n${TICK}\nlet ${
          localName(s.v)
        } = ${a};\n${loopBody(s.body)}\n}`;
        fc.lastLine = -1;
        return code;
      }
      case "genfor": {
        const m = fc.newTemp();
        const gf = fc.newTemp();
        const gs = fc.newTemp();
        const gc = fc.newTemp();
        const count = Math.max(2, s.vars.length);
        const r = Array.from({ length: count }, () => fc.newTemp());
        const e = fc.newTemp();
        const call = callCore(gf, `[${gs}, ${gc}]`, "undefined", s.line);
        const code = `${ln}${m} = ${
          list(s.exprs)
        }; ${gf} = ${m}[0]; ${gs} = ${m}[1]; ${gc} = ${m}[2];
for (;;) {
$line = ${s.line};
${TICK}
if (${gf} === $next && ${gs} instanceof $LT) { ${e} = ${gs}.next(${gc}); if (${e} === undefined) break; ${
          r[0]
        } = ${e}[0]; ${r[1]} = ${e}[1]; ${
          r.slice(2).map((x) => `${x} = undefined;`).join(" ")
        } }
else if (${gf} === $inext && ${gs} instanceof $LT) { ${
          r[1]
        } = ${gs}.get(${gc} + 1); if (${r[1]} === undefined) break; ${
          r[0]
        } = ${gc} + 1; ${r.slice(2).map((x) => `${x} = undefined;`).join(" ")} }
else { ${e} = ${call}; ${r[0]} = ${e}[0]; if (${r[0]} === undefined) break; ${
          r.slice(1).map((x, i) => `${x} = ${e}[${i + 1}];`).join(" ")
        } }
${gc} = ${r[0]};
let ${s.vars.map((v, i) => `${localName(v)} = ${r[i]}`).join(", ")};
${loopBody(s.body)}
}`;
        fc.lastLine = -1;
        return code;
      }
      case "return": {
        if (s.exprs.length === 1 && !isMulti(s.exprs[0])) {
          return `${ln}return [${ex(s.exprs[0])}];`;
        }
        return `${ln}return ${list(s.exprs)};`;
      }
      case "break":
        return `${ln}break;`;
    }
  };

  const mainCode = func(main);
  return `"use strict";
const {C: $C, T: $T, LF: $LF, LT: $LT, G: $G, next: $next, inext: $inext, idx: $idx, setidx: $setidx, arith: $arith, unm: $unm, concat: $concat, len: $len, eq: $eq, lt: $lt, le: $le, forprep: $forprep, tbl: $tbl, fn: $fn} = R;
const $callmeta = (f, a, d) => R.callmeta(f, a, d);
const $CH = ${str(chunk)}, $CS = ${str(source)};
const $err = (e, l) => R.err(e, l, $CH, $CS);
return ${mainCode};`;
}
