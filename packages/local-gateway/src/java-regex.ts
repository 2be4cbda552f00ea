/**
 * Java strings for the VTL engine. In API Gateway's mapping templates a string is a `java.lang.String`, so
 * `replaceAll(regex, replacement)`, `replaceFirst`, `matches` and `split` take a `java.util.regex` pattern, and `$n`,
 * `${name}` and `\` are special in a replacement. Patterns are translated once into an equivalent JavaScript
 * `RegExp` (with the `u` flag, so it works on code points as Java's engine does) and cached.
 *
 * Translated faithfully: literals and escapes (`\Q…\E`, `\t`, `\x{…}`, `\0nn`, `\cX`, any escaped punctuation),
 * `.` (Java's line terminators include `\u0085`), `^`/`$` (without MULTILINE `$` also matches before a final line
 * terminator), `\A \z \Z \R \h \H \v \V`, Java's ASCII-only `\s`, POSIX classes (`\p{Lower}`, `\p{Alpha}`, …),
 * Unicode categories and scripts (`\p{Lu}`, `\p{IsLatin}`), groups, named groups, back references, lookaround,
 * greedy and lazy quantifiers, and leading flags `(?i)`, `(?s)`, `(?m)`, `(?x)`, `(?d)`, `(?u)`.
 *
 * Not covered, and refused with a `JavaRegexError` rather than matched differently: possessive quantifiers (`a*+`),
 * atomic groups (`(?>…)`), `\G`, Unicode blocks (`\p{InGreek}`), flags anywhere but the start (`a(?i)b`,
 * `(?i:…)`), class union and intersection (`[a-z[0-9]]`, `[a-z&&[^x]]`), `\N{name}`, `\X`, `\b{g}`.
 * Known approximations: `(?i)` folds case for every letter (Java needs `(?iu)` for non-ASCII letters); `\b` uses
 * JavaScript's ASCII word characters; after an empty match the next search moves on by a code point where Java moves
 * by a UTF-16 unit (differs only for empty matches next to characters outside the BMP).
 */

/** A pattern Java's `Pattern.compile` would reject, or one this translation does not cover. */
export class JavaRegexError extends Error {
  constructor(message: string, readonly pattern: string) {
    super(`${message} near index of pattern ${JSON.stringify(pattern)}`);
    this.name = 'JavaRegexError';
  }
}

export interface JavaPattern {
  /** Global, `u`-flagged translation. Reset `lastIndex` before use. */
  readonly regex: RegExp;
  readonly groupCount: number;
  /** Named group → its number. */
  readonly groupNames: ReadonlyMap<string, number>;
  /** The translation anchored at both ends, for `matches`; made on first use. */
  whole?: RegExp;
}

const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const END_OF_INPUT = '(?![\\s\\S])';
const START_OF_INPUT = '(?<![\\s\\S])';

type Range = [number, number];

/** Java's ASCII-only predefined and POSIX classes as code point ranges. */
const ASCII_CLASSES: Record<string, Range[]> = {
  s: [[0x09, 0x0d], [0x20, 0x20]],
  Lower: [[0x61, 0x7a]],
  Upper: [[0x41, 0x5a]],
  ASCII: [[0x00, 0x7f]],
  Alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  Digit: [[0x30, 0x39]],
  Alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  Punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  Graph: [[0x21, 0x7e]],
  Print: [[0x20, 0x7e]],
  Blank: [[0x09, 0x09], [0x20, 0x20]],
  Cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  XDigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
  Space: [[0x09, 0x0d], [0x20, 0x20]],
  h: [[0x09, 0x09], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x180e, 0x180e], [0x2000, 0x200a], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000]],
  v: [[0x0a, 0x0d], [0x85, 0x85], [0x2028, 0x2029]],
};

/** `\p{javaLowerCase}` and friends, as Unicode properties. */
const JAVA_PROPERTIES: Record<string, string> = {
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaWhitespace: '\\p{White_Space}',
  javaMirrored: '\\p{Bidi_Mirrored}',
  javaAlphabetic: '\\p{Alphabetic}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '[\\p{L}\\p{Nd}]',
};

const UNICODE_BINARY: Record<string, string> = {
  Alphabetic: 'Alphabetic',
  Ideographic: 'Ideographic',
  Letter: 'L',
  Lowercase: 'Lowercase',
  Uppercase: 'Uppercase',
  Titlecase: 'Lt',
  Punctuation: 'P',
  Control: 'Cc',
  White_Space: 'White_Space',
  WhiteSpace: 'White_Space',
  Digit: 'Nd',
  Hex_Digit: 'Hex_Digit',
  HexDigit: 'Hex_Digit',
  Assigned: 'Assigned',
  Noncharacter_Code_Point: 'Noncharacter_Code_Point',
  Join_Control: 'Join_Control',
  Emoji: 'Emoji',
};

const CACHE = new Map<string, JavaPattern>();

/**
 * Compiles a Java regular expression into an equivalent JavaScript one (cached).
 *
 * @example
 * compileJavaPattern("\\\\'").regex.source; // "\\\\'" — a backslash followed by an apostrophe
 */
export function compileJavaPattern(pattern: string): JavaPattern {
  let compiled = CACHE.get(pattern);
  if (!compiled) {
    compiled = new Translator(pattern).translate();
    if (CACHE.size > 500) CACHE.clear();
    CACHE.set(pattern, compiled);
  }
  return compiled;
}

interface Flags {
  caseInsensitive: boolean;
  dotAll: boolean;
  multiline: boolean;
  comments: boolean;
  unixLines: boolean;
}

class Translator {
  private i = 0;
  private groups = 0;
  private readonly names = new Map<string, number>();
  private readonly flags: Flags = { caseInsensitive: false, dotAll: false, multiline: false, comments: false, unixLines: false };

  constructor(private readonly src: string) {}

  translate(): JavaPattern {
    this.leadingFlags();
    let out = '';
    while (this.i < this.src.length) out += this.atom();
    const jsFlags = `gu${this.flags.caseInsensitive ? 'i' : ''}${this.flags.dotAll ? 's' : ''}`;
    let regex: RegExp;
    try {
      regex = new RegExp(out, jsFlags);
    } catch (error) {
      throw new JavaRegexError((error as Error).message.replace(/^Invalid regular expression: /, ''), this.src);
    }
    return { regex, groupCount: this.groups, groupNames: this.names };
  }

  private fail(message: string): never {
    throw new JavaRegexError(`${message} at ${this.i}`, this.src);
  }

  /** `(?imsxdu)` at the very start (repeatable) sets the pattern's flags. */
  private leadingFlags(): void {
    for (;;) {
      const match = /^\(\?([a-zA-Z]*)\)/.exec(this.src.slice(this.i));
      if (!match) return;
      for (const flag of match[1]!) {
        if (flag === 'i') this.flags.caseInsensitive = true;
        else if (flag === 's') this.flags.dotAll = true;
        else if (flag === 'm') this.flags.multiline = true;
        else if (flag === 'x') this.flags.comments = true;
        else if (flag === 'd') this.flags.unixLines = true;
        else if (flag === 'u' || flag === 'U') continue;
        else this.fail(`Unknown inline modifier "${flag}"`);
      }
      this.i += match[0].length;
    }
  }

  private skipComments(): void {
    if (!this.flags.comments) return;
    while (this.i < this.src.length) {
      const ch = this.src[this.i]!;
      if (/\s/.test(ch)) this.i += 1;
      else if (ch === '#') {
        const end = this.src.indexOf('\n', this.i);
        this.i = end === -1 ? this.src.length : end + 1;
      } else return;
    }
  }

  private atom(): string {
    this.skipComments();
    if (this.i >= this.src.length) return '';
    const ch = this.src[this.i]!;
    switch (ch) {
      case '\\':
        return this.escape();
      case '[':
        return this.quantified(this.characterClass());
      case '(':
        return this.group();
      case ')':
        this.i += 1;
        return this.quantified(')');
      case '|':
        this.i += 1;
        return '|';
      case '.':
        this.i += 1;
        return this.quantified(this.flags.dotAll ? '[\\s\\S]' : this.flags.unixLines ? '[^\\n]' : `[^${LINE_TERMINATORS}]`);
      case '^':
        this.i += 1;
        return this.flags.multiline ? this.lineStart() : START_OF_INPUT;
      case '$':
        this.i += 1;
        return this.flags.multiline ? this.lineEnd() : this.finalEnd();
      case '*':
      case '+':
      case '?':
        return this.fail(`Dangling meta character '${ch}'`);
      case '{':
        return this.fail('Illegal repetition');
      case ']':
      case '}':
        this.i += 1;
        return this.quantified(`\\${ch}`);
      default: {
        const cp = this.src.codePointAt(this.i)!;
        this.i += cp > 0xffff ? 2 : 1;
        return this.quantified(literal(cp));
      }
    }
  }

  /** Appends any quantifier after an atom; possessive ones have no JavaScript equivalent. */
  private quantified(atom: string): string {
    this.skipComments();
    const rest = this.src.slice(this.i);
    const match = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(rest);
    if (!match) {
      if (rest.startsWith('{')) this.fail('Illegal repetition');
      return atom;
    }
    if (match[1] !== undefined && match[3] !== undefined && match[3] !== '' && Number(match[3]) < Number(match[1])) {
      this.fail('Illegal repetition range');
    }
    this.i += match[0].length;
    let quantifier = match[0];
    if (this.src[this.i] === '?') {
      quantifier += '?';
      this.i += 1;
    } else if (this.src[this.i] === '+') {
      this.fail('Possessive quantifiers are not supported by the local gateway');
    }
    return atom + quantifier;
  }

  private lineStart(): string {
    if (this.flags.unixLines) return `(?:${START_OF_INPUT}|(?<=\\n)(?=[\\s\\S]))`;
    // After any line terminator except at the end of input, and never between \r and \n.
    return `(?:${START_OF_INPUT}|(?<=[\\n\\u0085\\u2028\\u2029])(?=[\\s\\S])|(?<=\\r)(?=[^\\n]))`;
  }

  private lineEnd(): string {
    if (this.flags.unixLines) return `(?=\\n|${END_OF_INPUT})`;
    return `(?:(?=[\\r\\u0085\\u2028\\u2029]|${END_OF_INPUT})|(?<!\\r)(?=\\n))`;
  }

  /** Java's `$` (and `\Z`) without MULTILINE: the end of input, or just before a final line terminator. */
  private finalEnd(): string {
    if (this.flags.unixLines) return `(?=\\n?${END_OF_INPUT})`;
    return `(?=(?:\\r\\n|[${LINE_TERMINATORS}])?${END_OF_INPUT})`;
  }

  private group(): string {
    const rest = this.src.slice(this.i);
    let open: string;
    if (rest.startsWith('(?:') || rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      open = /^\(\?(?::|=|!|<=|<!)/.exec(rest)![0];
    } else if (rest.startsWith('(?<')) {
      const named = /^\(\?<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
      if (!named) this.fail('named capturing group is missing trailing \'>\'');
      if (this.names.has(named[1]!)) this.fail(`Named capturing group <${named[1]}> is already defined`);
      this.groups += 1;
      this.names.set(named[1]!, this.groups);
      open = named[0];
    } else if (rest.startsWith('(?>')) {
      return this.fail('Atomic groups are not supported by the local gateway');
    } else if (rest.startsWith('(?')) {
      return this.fail('Inline flags are supported only at the start of the pattern by the local gateway');
    } else {
      this.groups += 1;
      open = '(';
    }
    this.i += open.length;
    let inner = '';
    for (;;) {
      this.skipComments();
      if (this.i >= this.src.length) this.fail('Unclosed group');
      if (this.src[this.i] === ')') break;
      inner += this.atom();
    }
    this.i += 1;
    return this.quantified(`${open}${inner})`);
  }

  /** An escape outside a character class. */
  private escape(): string {
    const next = this.src[this.i + 1];
    if (next === undefined) this.fail('Unexpected internal error');
    if (next === 'Q') {
      this.i += 2;
      const end = this.src.indexOf('\\E', this.i);
      const text = end === -1 ? this.src.slice(this.i) : this.src.slice(this.i, end);
      this.i = end === -1 ? this.src.length : end + 2;
      return [...text].map((c) => literal(c.codePointAt(0)!)).join('');
    }
    if (/[1-9]/.test(next)) {
      // Java reads further digits only while they still name an existing group.
      this.i += 2;
      let ref = Number(next);
      while (/[0-9]/.test(this.src[this.i] ?? '') && ref * 10 + Number(this.src[this.i]) <= this.groups) {
        ref = ref * 10 + Number(this.src[this.i]);
        this.i += 1;
      }
      return this.quantified(`\\${ref}(?:)`);
    }
    switch (next) {
      case 'A':
        this.i += 2;
        return START_OF_INPUT;
      case 'z':
        this.i += 2;
        return END_OF_INPUT;
      case 'Z':
        this.i += 2;
        return this.finalEnd();
      case 'b':
      case 'B':
        if (this.src[this.i + 2] === '{') this.fail('\\b{g} is not supported by the local gateway');
        this.i += 2;
        return `\\${next}`;
      case 'G':
        return this.fail('\\G is not supported by the local gateway');
      case 'R':
        this.i += 2;
        return this.quantified('(?:\\r\\n|[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029])');
      case 'k': {
        const named = /^\\k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.src.slice(this.i));
        if (!named) this.fail('\\k is not followed by \'<\' for named capturing group');
        if (!this.names.has(named[1]!)) this.fail(`named capturing group <${named[1]}> does not exist`);
        this.i += named[0].length;
        return this.quantified(`\\k<${named[1]}>`);
      }
      default:
        return this.quantified(this.classEscape(false));
    }
  }

  /** Escapes valid both inside and outside classes. Returns a class (outside) or class content (inside). */
  private classEscape(inClass: boolean): string {
    const next = this.src[this.i + 1]!;
    const rangesOut = (ranges: Range[], negate: boolean) => {
      const content = rangesToClass(negate ? complement(ranges) : ranges);
      return inClass ? content : `[${content}]`;
    };
    switch (next) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        this.i += 2;
        return `\\${next}`;
      case 's':
      case 'S':
      case 'h':
      case 'H':
      case 'v':
      case 'V':
        this.i += 2;
        return rangesOut(ASCII_CLASSES[next.toLowerCase()]!, next === next.toUpperCase());
      case 'p':
      case 'P':
        return this.property(next === 'P', inClass);
      default: {
        const cp = this.escapedCodePoint();
        return inClass ? classLiteral(cp) : literal(cp);
      }
    }
  }

  /** `\p{…}`: POSIX classes are ASCII, as in Java without UNICODE_CHARACTER_CLASS. */
  private property(negate: boolean, inClass: boolean): string {
    const rest = this.src.slice(this.i + 2);
    const braced = /^\{([^}]*)\}/.exec(rest);
    const name = braced ? braced[1]! : rest[0];
    if (!name) this.fail('Illegal character property');
    this.i += 2 + (braced ? braced[0].length : 1);
    const posix = /^[A-Z]/.test(name) ? ASCII_CLASSES[name] : undefined;
    if (posix) {
      const content = rangesToClass(negate ? complement(posix) : posix);
      return inClass ? content : `[${content}]`;
    }
    let js: string | undefined;
    const java = JAVA_PROPERTIES[name];
    if (java) js = java;
    else {
      const category = /^(?:Is|general_category=|gc=)?(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?|LC)$/.exec(name);
      const script = /^(?:Is|script=|sc=)([A-Z][A-Za-z_]+)$/.exec(name);
      const binary = UNICODE_BINARY[name.replace(/^Is/, '')];
      if (category) js = `\\p{${category[1]}}`;
      else if (binary) js = `\\p{${binary}}`;
      else if (script && !/^In/.test(name)) js = `\\p{Script=${script[1]}}`;
      else if (/^(?:In|block=|blk=)/.test(name)) this.fail(`Unicode blocks (\\p{${name}}) are not supported by the local gateway`);
      else this.fail(`Unknown character property name {${name}}`);
    }
    if (js.startsWith('[')) {
      // A union: negate it as a whole.
      const inner = js.slice(1, -1);
      if (!negate) return inClass ? inner : js;
      if (inClass) this.fail(`\\P{${name}} inside a character class is not supported by the local gateway`);
      return `[^${inner}]`;
    }
    const property = negate ? js.replace('\\p', '\\P') : js;
    return property;
  }

  /** The code point of a single-character escape (`\t`, `\x41`, `\u0041`, `\0101`, `\cA`, `\.`), advancing past it. */
  private escapedCodePoint(): number {
    const next = this.src[this.i + 1]!;
    const rest = this.src.slice(this.i + 2);
    const simple: Record<string, number> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, a: 0x07, e: 0x1b };
    if (simple[next] !== undefined) {
      this.i += 2;
      return simple[next]!;
    }
    if (next === '0') {
      const octal = /^([0-3][0-7]{2}|[0-7]{1,2})/.exec(rest);
      if (!octal) this.fail('Illegal octal escape sequence');
      this.i += 2 + octal[0].length;
      return parseInt(octal[0], 8);
    }
    if (next === 'x') {
      const hex = /^(?:([0-9a-fA-F]{2})|\{([0-9a-fA-F]+)\})/.exec(rest);
      if (!hex) this.fail('Illegal hexadecimal escape sequence');
      const value = parseInt(hex[1] ?? hex[2]!, 16);
      if (value > 0x10ffff) this.fail('Hexadecimal codepoint is too big');
      this.i += 2 + hex[0].length;
      return value;
    }
    if (next === 'u') {
      const hex = /^[0-9a-fA-F]{4}/.exec(rest);
      if (!hex) this.fail('Illegal Unicode escape sequence');
      this.i += 6;
      let value = parseInt(hex[0], 16);
      // A surrogate pair written as two escapes is one code point.
      const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.src.slice(this.i));
      if (value >= 0xd800 && value <= 0xdbff && low) {
        value = 0x10000 + ((value - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00);
        this.i += 6;
      }
      return value;
    }
    if (next === 'c') {
      const ch = this.src[this.i + 2];
      if (ch === undefined) this.fail('Illegal control escape sequence');
      this.i += 3;
      return ch.charCodeAt(0) ^ 64;
    }
    if (/[a-zA-Z0-9]/.test(next)) this.fail(`Illegal/unsupported escape sequence \\${next}`);
    const cp = this.src.codePointAt(this.i + 1)!;
    this.i += 1 + (cp > 0xffff ? 2 : 1);
    return cp;
  }

  /** `[…]`, Java's syntax without union/intersection. */
  private characterClass(): string {
    this.i += 1;
    let out = '[';
    if (this.src[this.i] === '^') {
      out += '^';
      this.i += 1;
    }
    let first = true;
    for (;;) {
      if (this.flags.comments) this.skipComments();
      if (this.i >= this.src.length) this.fail('Unclosed character class');
      const ch = this.src[this.i]!;
      if (ch === ']' && !first) {
        this.i += 1;
        return `${out}]`;
      }
      first = false;
      if (ch === '[') this.fail('Character class union ([a[b]]) is not supported by the local gateway');
      if (ch === '&' && this.src[this.i + 1] === '&') this.fail('Character class intersection (&&) is not supported by the local gateway');
      let start: number | undefined;
      if (ch === '\\') {
        const next = this.src[this.i + 1];
        if (next !== undefined && /[dDwWsShHvVpP]/.test(next)) {
          out += this.classEscape(true);
          continue;
        }
        if (next === 'Q') {
          this.i += 2;
          const end = this.src.indexOf('\\E', this.i);
          const text = end === -1 ? this.src.slice(this.i) : this.src.slice(this.i, end);
          this.i = end === -1 ? this.src.length : end + 2;
          out += [...text].map((c) => classLiteral(c.codePointAt(0)!)).join('');
          continue;
        }
        if (next !== undefined && /[bBAzZGRk1-9]/.test(next)) this.fail(`Illegal/unsupported escape sequence \\${next} in a character class`);
        start = this.escapedCodePoint();
      } else {
        start = this.src.codePointAt(this.i)!;
        this.i += start > 0xffff ? 2 : 1;
      }
      // A range `a-z`; a `-` before `]` is literal.
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined && this.src[this.i + 1] !== '[') {
        this.i += 1;
        let end: number;
        if (this.src[this.i] === '\\') {
          if (/[dDwWsShHvVpPQ]/.test(this.src[this.i + 1] ?? '')) this.fail('Illegal character range');
          end = this.escapedCodePoint();
        } else {
          end = this.src.codePointAt(this.i)!;
          this.i += end > 0xffff ? 2 : 1;
        }
        if (end < start) this.fail('Illegal character range');
        out += `${classLiteral(start)}-${classLiteral(end)}`;
      } else {
        out += classLiteral(start);
      }
    }
  }
}

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** A code point as a JavaScript `u`-mode literal outside classes. */
function literal(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if ('\\^$.|?*+()[]{}/'.includes(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  return ch;
}

/** A code point as a literal inside a `u`-mode class. */
function classLiteral(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if ('\\]^-['.includes(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  return ch;
}

function rangesToClass(ranges: Range[]): string {
  return ranges.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a > next) out.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

type ReplacementPart = string | number;

/**
 * Parses a `Matcher.appendReplacement` replacement: `$3`, `${name}`, `\x` (x literally); anything else is literal.
 * Like Java, only when a match is found does a bad replacement throw.
 */
function parseReplacement(replacement: string, pattern: JavaPattern): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch === '\\') {
      i += 1;
      if (i >= replacement.length) throw new Error('IllegalArgumentException: character to be escaped is missing');
      text += replacement[i];
    } else if (ch === '$') {
      i += 1;
      if (i >= replacement.length) throw new Error('IllegalArgumentException: Illegal group reference: group index is missing');
      let group: number;
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = end === -1 ? '' : replacement.slice(i + 1, end);
        if (end === -1 || !/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new Error("IllegalArgumentException: named capturing group is missing trailing '}'");
        const index = pattern.groupNames.get(name);
        if (index === undefined) throw new Error(`IllegalArgumentException: No group with name {${name}}`);
        group = index;
        i = end;
      } else {
        const digit = replacement[i]!;
        if (!/[0-9]/.test(digit)) throw new Error('IllegalArgumentException: Illegal group reference');
        group = Number(digit);
        if (group > pattern.groupCount) throw new Error(`IndexOutOfBoundsException: No group ${group}`);
        while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!) && group * 10 + Number(replacement[i + 1]) <= pattern.groupCount) {
          group = group * 10 + Number(replacement[i + 1]);
          i += 1;
        }
      }
      if (text) parts.push(text);
      text = '';
      parts.push(group);
    } else {
      text += ch;
    }
  }
  if (text) parts.push(text);
  return parts;
}

function replace(input: string, regex: string, replacement: string, all: boolean): string {
  const pattern = compileJavaPattern(regex);
  const re = pattern.regex;
  re.lastIndex = 0;
  let parts: ReplacementPart[] | undefined;
  let out = '';
  let last = 0;
  for (let match = re.exec(input); match; match = all ? re.exec(input) : null) {
    parts ??= parseReplacement(replacement, pattern);
    out += input.slice(last, match.index);
    for (const part of parts) out += typeof part === 'string' ? part : (match[part] ?? '');
    last = match.index + match[0].length;
    if (match[0] === '') re.lastIndex = advance(input, re.lastIndex);
  }
  return out + input.slice(last);
}

function advance(input: string, index: number): number {
  const cp = input.codePointAt(index);
  return index + (cp !== undefined && cp > 0xffff ? 2 : 1);
}

/**
 * `String.replaceAll(regex, replacement)` with Java semantics.
 *
 * @example
 * javaReplaceAll("it\\'s", "\\\\'", "'"); // "it's"
 */
export function javaReplaceAll(input: string, regex: string, replacement: string): string {
  return replace(input, regex, replacement, true);
}

/** `String.replaceFirst(regex, replacement)`. */
export function javaReplaceFirst(input: string, regex: string, replacement: string): string {
  return replace(input, regex, replacement, false);
}

/** `String.matches(regex)`: the whole string must match. */
export function javaMatches(input: string, regex: string): boolean {
  const pattern = compileJavaPattern(regex);
  pattern.whole ??= new RegExp(`${START_OF_INPUT}(?:${pattern.regex.source})${END_OF_INPUT}`, pattern.regex.flags.replace('g', ''));
  return pattern.whole.test(input);
}

/**
 * `String.split(regex[, limit])`: no captured groups in the result, no leading empty string from a zero-width match
 * at the start, and (limit 0) no trailing empty strings.
 */
export function javaSplit(input: string, regex: string, limit = 0): string[] {
  const re = compileJavaPattern(regex).regex;
  re.lastIndex = 0;
  const out: string[] = [];
  let index = 0;
  for (let match = re.exec(input); match; match = re.exec(input)) {
    if (match[0] === '') re.lastIndex = advance(input, re.lastIndex);
    if (limit > 0 && out.length >= limit - 1) {
      out.push(input.slice(index));
      index = match.index + match[0].length;
      break;
    }
    if (index === 0 && match.index === 0 && match[0] === '') continue;
    out.push(input.slice(index, match.index));
    index = match.index + match[0].length;
  }
  if (index === 0) return [input];
  if (limit <= 0 || out.length < limit) out.push(input.slice(index));
  if (limit === 0) while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * `String.replace(target, replacement)`: every literal occurrence, nothing special in either string.
 *
 * @example
 * javaReplaceLiteral('a.b.c', '.', '$'); // 'a$b$c'
 */
export function javaReplaceLiteral(input: string, target: string, replacement: string): string {
  if (target === '') {
    // Java puts the replacement around every UTF-16 unit.
    let out = replacement;
    for (let i = 0; i < input.length; i++) out += input[i]! + replacement;
    return out;
  }
  return input.split(target).join(replacement);
}
