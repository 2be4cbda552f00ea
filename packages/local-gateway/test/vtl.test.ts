import { JavaRegexError, javaSplit } from '../src/java-regex';
import { escapeJavaScript, renderVtl, VTL_UTIL } from '../src/vtl';
import { renderMappingTemplate } from '../src/mapping-template';

const render = (template: string, scope: Record<string, unknown> = {}) => renderVtl(template, { util: VTL_UTIL, ...scope });

describe('VTL strings are Java strings', () => {
  it("turns escapeJavaScript's \\' back into ' with replaceAll, as AWS documents for JSON bodies", () => {
    // Arrange: the template API Gateway's docs give for escapeJavaScript output inside a JSON string
    const template = `{"details":"$util.escapeJavaScript($msg).replaceAll("\\\\'","'")"}`;
    const msg = `object instance has properties which are not allowed by the schema: ["it's"]`;
    // Act
    const body = render(template, { msg });
    // Assert
    expect(JSON.parse(body)).toEqual({ details: msg });
  });

  it('leaves the body invalid without the replaceAll, as on AWS', () => {
    const body = render(`{"details":"$util.escapeJavaScript($msg)"}`, { msg: "it's" });
    expect(body).toBe(`{"details":"it\\'s"}`);
    expect(() => JSON.parse(body)).toThrow();
  });

  it.each([
    ['groups in the replacement', `$d.replaceAll("(\\d+)-(\\d+)-(\\d+)", "$3/$2/$1")`, { d: '2026-11-24' }, '24/11/2026'],
    ['named groups', `$d.replaceAll("(?<y>\\d{4})-(?<m>\\d\\d)", '\${m}.\${y}')`, { d: '2026-11' }, '11.2026'],
    ['an escaped dollar in the replacement', `$p.replaceAll("USD", "\\$")`, { p: '5 USD' }, '5 $'],
    ['a group that did not take part', `$s.replaceAll("a(x)?", "[$1]")`, { s: 'ab' }, '[]b'],
    ['replaceFirst', `$s.replaceFirst("o", "0")`, { s: 'foo' }, 'f0o'],
    ['a literal replace', `$s.replace(".", "$")`, { s: 'a.b.c' }, 'a$b$c'],
    ['an empty-match replaceAll', `$s.replaceAll("x*", "-")`, { s: 'abc' }, '-a-b-c-'],
    ['\\Q…\\E quoting', `$s.replaceAll("\\Q.*\\E", "!")`, { s: 'a.*b' }, 'a!b'],
    ['a leading (?i) flag', `$s.replaceAll("(?i)hello", "bye")`, { s: 'HeLLo you' }, 'bye you'],
    ["ASCII-only POSIX classes", `$s.replaceAll("\\p{Lower}", "x")`, { s: 'aÉé' }, 'xÉé'],
    ["Java's ASCII-only \\s", `$s.replaceAll("\\s", "_")`, { s: 'a b\u00a0c' }, 'a_b\u00a0c'],
    ['character classes with escapes and ranges', `$s.replaceAll("[\\-a-c\\]]", "")`, { s: 'a-b]cd' }, 'd'],
    ['an escaped quote, which Java reads as the quote', `$s.replaceAll("\\"", "'")`, { s: 'say "hi"' }, "say 'hi'"],
    ['Unicode categories', `$s.replaceAll("\\p{Lu}", "*")`, { s: 'aÉb' }, 'a*b'],
  ])('replaceAll and friends: %s', (_label, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });

  it("matches $ before a final line terminator, as Java's $ does", () => {
    expect(render(`$s.replaceAll("b$", "X")`, { s: 'ab\n' })).toBe('aX\n');
    expect(render(`$s.replaceAll("b\\z", "X")`, { s: 'ab\n' })).toBe('ab\n');
  });

  it('does not let . match \\u0085, a Java line terminator', () => {
    expect(render(`#if($s.matches("a.b"))yes#{else}no#end`, { s: 'a\u0085b' })).toBe('no');
    expect(render(`#if($s.matches("(?s)a.b"))yes#{else}no#end`, { s: 'a\u0085b' })).toBe('yes');
  });

  it('matches the whole string only', () => {
    expect(render(`#if($s.matches("b"))yes#{else}no#end`, { s: 'abc' })).toBe('no');
    expect(render(`#if($s.matches("a.c"))yes#{else}no#end`, { s: 'abc' })).toBe('yes');
    expect(render(`#if($s.matches("a|abc"))yes#{else}no#end`, { s: 'abc' })).toBe('yes');
  });

  it('splits like Java: no trailing empty strings, no groups, no leading empty string from a zero-width match', () => {
    expect(javaSplit('a,b,,', ',')).toEqual(['a', 'b']);
    expect(javaSplit('a,b,,', ',', -1)).toEqual(['a', 'b', '', '']);
    expect(javaSplit('a1b2c', '(\\d)')).toEqual(['a', 'b', 'c']);
    expect(javaSplit('abc', '')).toEqual(['a', 'b', 'c']);
    expect(javaSplit('a,b,c', ',', 2)).toEqual(['a', 'b,c']);
    expect(javaSplit('', ',')).toEqual(['']);
    expect(render(`$s.split(",").size()`, { s: 'a,b,,' })).toBe('2');
  });

  it('throws where Java throws, instead of rendering something else', () => {
    expect(() => render(`$s.replaceAll("a", "$")`, { s: 'a' })).toThrow(/Illegal group reference/);
    expect(() => render(`$s.replaceAll("a", "$2")`, { s: 'a' })).toThrow(/No group 2/);
    expect(() => render(`$s.replaceAll("{x}", "y")`, { s: '{x}' })).toThrow(JavaRegexError);
    expect(() => render(`$s.substring(5)`, { s: 'abc' })).toThrow(/StringIndexOutOfBounds/);
    // Java only checks a replacement when something matched.
    expect(render(`$s.replaceAll("z", "$")`, { s: 'a' })).toBe('a');
  });

  it.each([
    ['possessive quantifiers', 'a*+'],
    ['atomic groups', '(?>a)'],
    ['flags after the start', 'a(?i)b'],
    ['class intersection', '[a-z&&[^b]]'],
    ['class union', '[a-c[x-z]]'],
    ['Unicode blocks', '\\p{InGreek}'],
  ])('refuses %s rather than matching differently', (_label, regex) => {
    expect(() => render(`$s.replaceAll("${regex}", "")`, { s: 'abc' })).toThrow(JavaRegexError);
  });

  it('renders a method String does not have as the reference text, as Velocity does', () => {
    expect(render('$s.at(0) $s.length() $s.equals("x") $s.isEmpty()', { s: 'x' })).toBe('$s.at(0) 1 true false');
  });
});

describe('$util', () => {
  it("escapes JavaScript as Commons Lang does (\\' and \\/ included, non-ASCII as \\uXXXX)", () => {
    expect(escapeJavaScript(`it's "a/b" \\ é\n\u0001😀`)).toBe(`it\\'s \\"a\\/b\\" \\\\ \\u00E9\\n\\u0001\\uD83D\\uDE00`);
    // Everything but \' is valid JSON string content.
    expect(JSON.parse(`"${escapeJavaScript('é\n\u0001 "/')}"`)).toBe('é\n\u0001 "/');
  });

  it("URL-encodes as java.net.URLEncoder does", () => {
    expect(render('$util.urlEncode($s)', { s: "a b*~'()!é" })).toBe('a+b*%7E%27%28%29%21%C3%A9');
    expect(render('$util.urlDecode($s)', { s: 'a+b%2B' })).toBe('a b+');
  });
});

describe('templates are data: the VTL sandbox', () => {
  it('never reaches the Function constructor through constructor/prototype chains', () => {
    // Arrange: the classic escapes from a JavaScript-backed template engine
    const templates = [
      '$input.constructor.constructor("return process.pid").call()',
      '$util.escapeJavaScript.constructor("return process.pid")()',
      '$s.constructor.constructor("return process.pid").call()',
      '$input.json.call($input, "$")',
      '$input.__proto__.toString()',
      '$context.prototype',
    ];
    for (const template of templates) {
      // Act
      const out = renderMappingTemplate(template, { requestId: 'r-1' }, { headers: {}, query: {}, path: {}, body: '{}' }).body;
      // Assert: rendered as the unresolvable reference it is, never the pid
      expect(out).not.toContain(String(process.pid));
      expect(out).toBe(template);
    }
  });

  it('does not let #set write to Object.prototype (or any shared prototype)', () => {
    // Act
    renderMappingTemplate('#set($context.__proto__.polluted = "yes")#set($context.x.constructor.prototype.polluted = "yes")', { requestId: 'r-1' });
    renderVtl('#set($o.__proto__.polluted = "yes")#set($util.polluted = "yes")', { o: {}, util: VTL_UTIL });
    // Assert
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((VTL_UTIL as Record<string, unknown>).polluted).toBeUndefined();
    expect(renderMappingTemplate('$context.polluted', { requestId: 'r-2' }).body).toBe('$context.polluted');
  });

  it('reads own properties only, and calls only allowlisted methods', () => {
    const scope = { obj: JSON.parse('{"a":"x","__proto__":{"b":"inherited?"}}'), list: ['p', 'q'], s: 'abc' };
    expect(render('$obj.a $obj.b $obj.toString() $obj.hasOwnProperty("a")', scope)).toBe('x $obj.b $obj.toString() $obj.hasOwnProperty("a")');
    expect(render('$list.size() $list.get(1) $list.join("-") $list.length', scope)).toBe('2 q $list.join("-") $list.length');
    expect(render('$s.length() $s.valueOf() $s.localeCompare("b")', scope)).toBe('3 $s.valueOf() $s.localeCompare("b")');
  });

  it('keeps what templates legitimately do: $input, $util, $context.responseOverride', () => {
    const rendered = renderMappingTemplate(
      '#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Origin = $input.params().header.get("Origin"))$util.urlEncode($input.path("$.q"))/$input.json("$.n")/$input.params("id")',
      { requestId: 'r-1' },
      { headers: { Origin: 'https://a.example' }, query: {}, path: { id: '7' }, body: '{"q":"a b","n":3}' },
    );
    expect(rendered.body).toBe('a+b/3/7');
    expect(rendered.override).toEqual({ status: 418, headers: { 'X-Origin': 'https://a.example' } });
  });
});
