/**
 * A small Velocity (VTL) evaluator for the mapping templates API Gateway runs in MOCK integrations, integration
 * responses and gateway responses. It covers what such templates use in practice: `#set`, `#if/#elseif/#else/#end`,
 * `$ref`, `$!ref`, `${ref}`, property chains and method calls (`$input.params().header.get("Origin")`), string,
 * number and boolean literals, `== != && || !`, plus `$util.escapeJavaScript`/`urlEncode`/`base64Encode` and
 * `$context.responseOverride`. Anything else (`#foreach`, macros) renders as text — deliberately small rather than a
 * full Velocity port.
 *
 * Templates are data, never code: like API Gateway's sandboxed Velocity, a template reads only own properties of the
 * values it is given, calls only the methods allowlisted per type (`java.lang.String`, `java.util.List`/`Map`, and the
 * host objects `$input`/`$util` built with `vtlHost`), and can never resolve `__proto__`, `constructor` or
 * `prototype` — so it can neither reach the `Function` constructor nor write to a shared prototype. Whatever it may
 * not reach renders as the reference text, as Velocity does for an unknown reference.
 *
 * Strings behave as the `java.lang.String`s they are on AWS: `replaceAll`/`replaceFirst`/`matches`/`split` take Java
 * regular expressions (see `java-regex.ts` for what is translated and what is refused), `replace` is literal, and a
 * method String does not have leaves the reference unrendered, as Velocity does. String literals keep their
 * backslashes (`"\\'"` is three characters), as in Velocity 1.7.
 */
import { javaMatches, javaReplaceAll, javaReplaceFirst, javaReplaceLiteral, javaSplit } from './java-regex';

type Value = unknown;
export type VtlScope = Record<string, Value>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; source: string; quiet: boolean; chain: Segment[] }
  | { kind: 'set'; target: Segment[]; value: Expr }
  | { kind: 'if'; branches: Array<{ cond: Expr | undefined; body: Node[] }> };

type Segment = { name: string; args?: Expr[] };
type Expr =
  | { kind: 'lit'; value: Value }
  | { kind: 'str'; parts: Node[] }
  | { kind: 'ref'; chain: Segment[] }
  | { kind: 'not'; expr: Expr }
  | { kind: 'bin'; op: string; left: Expr; right: Expr };

/**
 * Renders a template against a scope.
 *
 * @example
 * renderVtl('#if($a == "x")yes#end $!missing', { a: 'x' }); // 'yes '
 */
export function renderVtl(template: string, scope: VtlScope): string {
  const parser = new Parser(template);
  const nodes = parser.parseNodes([]);
  return evaluate(nodes, scope);
}

/** Objects whose own function-valued properties a template may call as methods (`$input`, `$util`). */
const HOSTS = new WeakSet<object>();

/**
 * Marks an object as a template host object: its own function-valued properties become callable methods, nothing
 * else about it (its prototype, its functions' own properties) is reachable.
 *
 * @example
 * const input = vtlHost({ body: '{}', json: (path?: unknown) => '{}' });
 * renderVtl('$input.json("$")', { input }); // '{}'
 */
export function vtlHost<T extends object>(methods: T): T {
  HOSTS.add(methods);
  return methods;
}

/** Names no template can resolve or assign, on any value. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** `$util` as API Gateway provides it (the parts worth having locally). */
export const VTL_UTIL = vtlHost({
  escapeJavaScript: (s: unknown) => escapeJavaScript(String(s ?? '')),
  /** `java.net.URLEncoder.encode(s, "UTF-8")`: space → `+`; only `A-Za-z0-9.-*_` stay as they are. */
  urlEncode: (s: unknown) =>
    encodeURIComponent(String(s ?? '')).replace(/%20|[!'()~]/g, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`)),
  /** `java.net.URLDecoder.decode(s, "UTF-8")`: `+` is a space. */
  urlDecode: (s: unknown) => decodeURIComponent(String(s ?? '').replace(/\+/g, ' ')),
  base64Encode: (s: unknown) => Buffer.from(String(s ?? '')).toString('base64'),
  base64Decode: (s: unknown) => Buffer.from(String(s ?? ''), 'base64').toString('utf8'),
  parseJson: (s: unknown) => JSON.parse(String(s)) as unknown,
});

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseNodes(stops: string[]): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos]!;
      if (ch === '#') {
        const directive = /^#(set|if|elseif|else|end)\b|^#\{(set|if|elseif|else|end)\}/.exec(this.src.slice(this.pos));
        if (directive) {
          const name = directive[1] ?? directive[2]!;
          if (stops.includes(name)) {
            flush();
            return nodes;
          }
          if (name === 'set') {
            flush();
            this.pos += directive[0].length;
            nodes.push(this.parseSet());
            this.skipLineEnd();
            continue;
          }
          if (name === 'if') {
            flush();
            this.pos += directive[0].length;
            nodes.push(this.parseIf());
            continue;
          }
        }
        if (this.src.startsWith('##', this.pos)) {
          // A line comment.
          const nl = this.src.indexOf('\n', this.pos);
          this.pos = nl === -1 ? this.src.length : nl + 1;
          continue;
        }
      }
      if (ch === '$') {
        const ref = this.tryRef();
        if (ref) {
          flush();
          nodes.push(ref);
          continue;
        }
      }
      text += ch;
      this.pos += 1;
    }
    flush();
    return nodes;
  }

  private skipLineEnd() {
    // Velocity swallows the newline after a directive that stands alone on its line.
    const rest = /^[ \t]*\r?\n/.exec(this.src.slice(this.pos));
    if (rest) this.pos += rest[0].length;
  }

  private parseSet(): Node {
    this.expect('(');
    this.skipSpace();
    const ref = this.tryRef();
    if (!ref || ref.kind !== 'ref') throw new Error(`VTL: #set needs a $reference at ${this.pos}`);
    this.skipSpace();
    this.expect('=');
    const value = this.parseExpr();
    this.skipSpace();
    this.expect(')');
    return { kind: 'set', target: ref.chain, value };
  }

  private parseIf(): Node {
    const branches: Array<{ cond: Expr | undefined; body: Node[] }> = [];
    let cond: Expr | undefined = this.parseCondition();
    for (;;) {
      const body = this.parseNodes(['elseif', 'else', 'end']);
      branches.push({ cond, body });
      const rest = this.src.slice(this.pos);
      const m = /^#(elseif|else|end)\b|^#\{(elseif|else|end)\}/.exec(rest);
      if (!m) throw new Error('VTL: #if without #end');
      this.pos += m[0].length;
      const name = m[1] ?? m[2];
      if (name === 'end') break;
      if (name === 'else') cond = { kind: 'lit', value: true };
      else cond = this.parseCondition();
    }
    this.skipLineEnd();
    return { kind: 'if', branches };
  }

  private parseCondition(): Expr {
    this.skipSpace();
    this.expect('(');
    const expr = this.parseExpr();
    this.skipSpace();
    this.expect(')');
    return expr;
  }

  private parseExpr(): Expr {
    return this.parseBinary(0);
  }

  private static readonly PRECEDENCE: Array<string[]> = [['||'], ['&&'], ['==', '!=', '>=', '<=', '>', '<']];

  private parseBinary(level: number): Expr {
    if (level >= Parser.PRECEDENCE.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      this.skipSpace();
      const op = Parser.PRECEDENCE[level]!.find((o) => this.src.startsWith(o, this.pos));
      if (!op) return left;
      this.pos += op.length;
      const right = this.parseBinary(level + 1);
      left = { kind: 'bin', op, left, right };
    }
  }

  private parseUnary(): Expr {
    this.skipSpace();
    if (this.src[this.pos] === '!' && this.src[this.pos + 1] !== '=') {
      this.pos += 1;
      return { kind: 'not', expr: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === '(') {
      this.pos += 1;
      const e = this.parseExpr();
      this.skipSpace();
      this.expect(')');
      return e;
    }
    if (ch === '"') {
      const end = this.findQuoteEnd('"');
      const inner = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { kind: 'str', parts: new Parser(inner).parseNodes([]) };
    }
    if (ch === "'") {
      const end = this.findQuoteEnd("'");
      const value = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { kind: 'lit', value };
    }
    if (ch === '$') {
      const ref = this.tryRef();
      if (ref && ref.kind === 'ref') return { kind: 'ref', chain: ref.chain };
    }
    const literal = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(this.src.slice(this.pos));
    if (literal) {
      this.pos += literal[0].length;
      const raw = literal[0];
      return { kind: 'lit', value: raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : Number(raw) };
    }
    throw new Error(`VTL: unexpected "${this.src.slice(this.pos, this.pos + 10)}"`);
  }

  private findQuoteEnd(quote: string): number {
    let i = this.pos + 1;
    while (i < this.src.length && this.src[i] !== quote) i += this.src[i] === '\\' ? 2 : 1;
    if (i >= this.src.length) throw new Error('VTL: unterminated string');
    return i;
  }

  private tryRef(): Extract<Node, { kind: 'ref' }> | undefined {
    const start = this.pos;
    let i = this.pos + 1;
    let quiet = false;
    if (this.src[i] === '!') {
      quiet = true;
      i += 1;
    }
    const braced = this.src[i] === '{';
    if (braced) i += 1;
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(i));
    if (!ident) return undefined;
    // `${aws_x.y.z}` is Terraform's, not Velocity's: leave it to the caller (rare inside templates).
    this.pos = i + ident[0].length;
    const chain: Segment[] = [{ name: ident[0] }];
    for (;;) {
      const rest = this.src.slice(this.pos);
      const prop = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest);
      if (!prop) break;
      // A trailing dash belongs to text, not to a header name ("$x-" is rare; header names like Allow-Origin are common).
      this.pos += prop[0].length;
      const segment: Segment = { name: prop[1]! };
      if (this.src[this.pos] === '(') {
        this.pos += 1;
        segment.args = [];
        this.skipSpace();
        while (this.src[this.pos] !== ')') {
          segment.args.push(this.parseExpr());
          this.skipSpace();
          if (this.src[this.pos] === ',') this.pos += 1;
          this.skipSpace();
        }
        this.pos += 1;
      }
      chain.push(segment);
    }
    if (chain[0]!.name && this.src[this.pos] === '(' && chain.length === 1) {
      // `$input.params()` style calls on the head are written with a property; a bare call is not VTL.
    }
    if (braced) {
      if (this.src[this.pos] !== '}') {
        this.pos = start;
        return undefined;
      }
      this.pos += 1;
    }
    return { kind: 'ref', source: this.src.slice(start, this.pos), quiet, chain };
  }

  private skipSpace() {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos += 1;
  }

  private expect(ch: string) {
    this.skipSpace();
    if (this.src[this.pos] !== ch) throw new Error(`VTL: expected "${ch}" at ${this.pos}`);
    this.pos += 1;
  }
}

function evaluate(nodes: Node[], scope: VtlScope): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'ref') {
      const value = resolveChain(node.chain, scope);
      out += value === undefined || value === null ? (node.quiet ? '' : node.source) : stringify(value);
    } else if (node.kind === 'set') {
      assign(node.target, evalExpr(node.value, scope), scope);
    } else {
      for (const branch of node.branches) {
        if (branch.cond === undefined || truthy(evalExpr(branch.cond, scope))) {
          out += evaluate(branch.body, scope);
          break;
        }
      }
    }
  }
  return out;
}

function stringify(value: Value): string {
  if (typeof value === 'string') return value;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${k}=${stringify(v)}`).join(', ')}}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function truthy(value: Value): boolean {
  return value !== undefined && value !== null && value !== false;
}

function evalExpr(expr: Expr, scope: VtlScope): Value {
  switch (expr.kind) {
    case 'lit':
      return expr.value;
    case 'str':
      return evaluate(expr.parts, scope);
    case 'ref':
      return resolveChain(expr.chain, scope);
    case 'not':
      return !truthy(evalExpr(expr.expr, scope));
    case 'bin': {
      const left = evalExpr(expr.left, scope);
      if (expr.op === '||') return truthy(left) || truthy(evalExpr(expr.right, scope));
      if (expr.op === '&&') return truthy(left) && truthy(evalExpr(expr.right, scope));
      const right = evalExpr(expr.right, scope);
      const eq = (left ?? null) === (right ?? null) || (left != null && right != null && String(left) === String(right));
      if (expr.op === '==') return eq;
      if (expr.op === '!=') return !eq;
      const a = Number(left);
      const b = Number(right);
      return expr.op === '>' ? a > b : expr.op === '<' ? a < b : expr.op === '>=' ? a >= b : a <= b;
    }
  }
}

function resolveChain(chain: Segment[], scope: VtlScope): Value {
  let current: Value = readProperty(scope, chain[0]!.name);
  for (let i = 1; i < chain.length; i++) {
    const segment = chain[i]!;
    if (current === undefined || current === null) return undefined;
    current = segment.args ? callMethod(current, segment.name, segment.args.map((a) => evalExpr(a, scope))) : readProperty(current, segment.name);
  }
  return current;
}

/**
 * `$a.b`: a Map's entry or an own, non-function property of a plain object; nothing inherited, nothing on a string,
 * list, number or function.
 */
function readProperty(target: Value, name: string): Value {
  if (FORBIDDEN_NAMES.has(name)) return undefined;
  if (target instanceof Map) return target.get(name);
  // A java.util.List has no fields: `$list.length` is not `$list.size()`.
  if (typeof target !== 'object' || target === null || Array.isArray(target) || !Object.hasOwn(target, name)) return undefined;
  const value = (target as Record<string, Value>)[name];
  return typeof value === 'function' ? undefined : value;
}

function callMethod(target: Value, name: string, args: Value[]): Value {
  if (FORBIDDEN_NAMES.has(name)) return undefined;
  if (typeof target === 'string') {
    const method = JAVA_STRING_METHODS.get(name);
    return method ? method(target, args) : undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  if (target instanceof Map) {
    if (name === 'get') return target.get(String(args[0]));
    if (name === 'containsKey') return target.has(String(args[0]));
    if (name === 'keySet') return [...target.keys()];
    if (name === 'values') return [...target.values()];
    if (name === 'size') return target.size;
    if (name === 'isEmpty') return target.size === 0;
    return undefined;
  }
  if (Array.isArray(target)) {
    if (name === 'size') return target.length;
    if (name === 'get') return target[Number(args[0])];
    if (name === 'isEmpty') return target.length === 0;
    if (name === 'contains') return target.includes(args[0]);
    return undefined;
  }
  if (HOSTS.has(target)) {
    const fn = Object.hasOwn(target, name) ? (target as Record<string, unknown>)[name] : undefined;
    return typeof fn === 'function' ? (fn as (...a: Value[]) => Value)(...args) : undefined;
  }
  // A plain object (a parsed JSON body, `$context`) is a java.util.Map to the template.
  const record = target as Record<string, Value>;
  if (name === 'get') return readProperty(record, String(args[0]));
  if (name === 'containsKey') return Object.hasOwn(record, String(args[0])) && !FORBIDDEN_NAMES.has(String(args[0]));
  if (name === 'keySet') return Object.keys(record);
  if (name === 'size') return Object.keys(record).length;
  if (name === 'isEmpty') return Object.keys(record).length === 0;
  return undefined;
}

const str = (value: Value): string => (typeof value === 'string' ? value : stringify(value));

/** Thrown where Java would throw (Velocity then fails the template). */
function indexOutOfBounds(detail: string): never {
  throw new Error(`StringIndexOutOfBoundsException: ${detail}`);
}

/** The `java.lang.String` methods templates use, with Java's semantics. */
const JAVA_STRING_METHODS = new Map<string, (s: string, args: Value[]) => Value>(
  Object.entries({
    length: (s) => s.length,
    isEmpty: (s) => s.length === 0,
    isBlank: (s) => s.trim().length === 0,
    toString: (s: string) => s,
    trim: (s) => s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, ''),
    strip: (s) => s.trim(),
    toLowerCase: (s) => s.toLowerCase(),
    toUpperCase: (s) => s.toUpperCase(),
    equals: (s, [other]) => typeof other === 'string' && s === other,
    equalsIgnoreCase: (s, [other]) => typeof other === 'string' && s.toLowerCase() === other.toLowerCase(),
    contains: (s, [part]) => s.includes(str(part)),
    startsWith: (s, [prefix, offset]) => s.startsWith(str(prefix), offset === undefined ? 0 : Number(offset)),
    endsWith: (s, [suffix]) => s.endsWith(str(suffix)),
    indexOf: (s, [part, from]) => s.indexOf(str(part), from === undefined ? 0 : Number(from)),
    lastIndexOf: (s, [part]) => s.lastIndexOf(str(part)),
    charAt: (s, [index]) => {
      const i = Number(index);
      if (!(i >= 0 && i < s.length)) indexOutOfBounds(`index ${i}, length ${s.length}`);
      return s[i];
    },
    substring: (s, [begin, end]) => {
      const b = Number(begin);
      const e = end === undefined ? s.length : Number(end);
      if (!(b >= 0 && e <= s.length && b <= e)) indexOutOfBounds(`begin ${b}, end ${e}, length ${s.length}`);
      return s.slice(b, e);
    },
    concat: (s, [other]) => s + str(other),
    replace: (s, [target, replacement]) => javaReplaceLiteral(s, str(target), str(replacement)),
    replaceAll: (s, [regex, replacement]) => javaReplaceAll(s, str(regex), str(replacement)),
    replaceFirst: (s, [regex, replacement]) => javaReplaceFirst(s, str(regex), str(replacement)),
    matches: (s, [regex]) => javaMatches(s, str(regex)),
    split: (s, [regex, limit]) => javaSplit(s, str(regex), limit === undefined ? 0 : Number(limit)),
  } satisfies Record<string, (s: string, args: Value[]) => Value>),
);

/**
 * Commons Lang's `StringEscapeUtils.escapeJavaScript`, which `$util.escapeJavaScript` is: `'` `"` `\` `/` and control
 * characters escaped, and everything outside printable ASCII as `\uXXXX` (upper-case hex, per UTF-16 unit).
 *
 * @example
 * escapeJavaScript("it's é"); // "it\\'s \\u00E9"
 */
export function escapeJavaScript(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (code > 0x7f || (code < 0x20 && !SHORT_ESCAPES[ch])) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += SHORT_ESCAPES[ch] ?? ch;
  }
  return out;
}

const SHORT_ESCAPES: Record<string, string> = {
  '\b': '\\b',
  '\n': '\\n',
  '\t': '\\t',
  '\f': '\\f',
  '\r': '\\r',
  "'": "\\'",
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
};

/**
 * `#set($a.b.c = v)`: writes own properties only, creating null-prototype objects on the way; a forbidden name, a Map,
 * an array or a host object along the chain ends the assignment without effect, as a failed Velocity #set does.
 */
function assign(chain: Segment[], value: Value, scope: VtlScope): void {
  if (chain.some((segment) => segment.args || FORBIDDEN_NAMES.has(segment.name))) return;
  let current: Record<string, Value> = scope;
  for (const [i, segment] of chain.entries()) {
    if (i === chain.length - 1) {
      Object.defineProperty(current, segment.name, { value, writable: true, enumerable: true, configurable: true });
      return;
    }
    let next = Object.hasOwn(current, segment.name) ? current[segment.name] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      next = Object.create(null) as Record<string, Value>;
      Object.defineProperty(current, segment.name, { value: next, writable: true, enumerable: true, configurable: true });
    }
    if (next instanceof Map || Array.isArray(next) || HOSTS.has(next as object)) return;
    current = next as Record<string, Value>;
  }
}
